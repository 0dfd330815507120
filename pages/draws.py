"""双随机抽查 (一公开): every draw with its commitment, reveal, pools, ratios and selection; ?id=… shows one draw and
recomputes it on request, showing 一致 or exactly where it differs."""

import pandas as pd
import streamlit as st

from components.data import get_engine
from components.tables import display_frame, show_table
from components.text import md
from db.inspections import draw_list, draw_view, late_results, published_inspections, repeated_inspector_pairings
from domain.draw import ALGORITHM, CONSISTENT, published_json, stratum_summary, verify_draw
from domain.formatting import format_date, format_datetime, today_shanghai
from domain.params import parse_id

engine = get_engine()
today = today_shanghai()
draw_id = parse_id(st.query_params.get("id", ""))
view = draw_view(engine, draw_id) if draw_id is not None else None

if view is None:
    st.title("双随机抽查")
    st.caption("“双随机、一公开”：随机抽取检查对象、随机选派执法检查人员，抽查情况及查处结果及时向社会公开。"
               "每次抽取前公布随机种子的承诺值（SHA-256）和名录快照的哈希，抽取后公布种子，任何人都可以重新计算核验。")
    if draw_id is not None or st.query_params.get("id"):
        st.warning("未找到该抽取记录，以下为全部抽取记录。")
    draws = draw_list(engine)
    event = show_table(display_frame(draws, {"draw_no": "抽取编号", "agency": "执法主体", "plan": "抽查计划",
                                             "drawn_on": "抽取日期", "revealed": "种子已公布"},
                                     dates=("drawn_on",)), key="draw_table", selectable=True)
    if event is not None and event.selection.rows:
        row = draws.iloc[event.selection.rows[0]]
        st.page_link("pages/draws.py", label=f"查看并核验：{md(row['draw_no'])}", query_params={"id": str(row["id"])},
                     icon=":material/open_in_new:")
    with st.expander("抽取算法"):
        st.markdown(ALGORITHM)
    st.subheader("抽查监督")
    late = late_results(engine)
    st.markdown(f"**检查结果逾期公示**：{len(late)} 项（应在检查结束后 20 个工作日内公示，按法定节假日和调休计算）")
    if not late.empty:
        show_table(display_frame(late, {"inspection_no": "检查编号", "entity_name": "检查对象", "ended_on": "检查结束日期",
                                        "due": "应公示日期", "result_published_on": "实际公示日期",
                                        "late_workdays": "逾期工作日"},
                                 dates=("ended_on", "due", "result_published_on")), key="late_results")
    repeats = pd.DataFrame(repeated_inspector_pairings(engine), columns=["earlier", "later", "uscc", "cert_no"])
    st.markdown(f"**同一执法人员在相邻两次抽取中被派往同一对象**：{len(repeats)} 次")
    st.caption("随机抽取可能偶然重复；重复出现时，可核验两次抽取是否均与承诺值和名录快照一致。")
    if not repeats.empty:
        show_table(display_frame(repeats, {"earlier": "前一次抽取", "later": "后一次抽取", "uscc": "检查对象",
                                           "cert_no": "执法证号"}), key="repeats")
    st.stop()

st.title(md(view.draw_no))
st.markdown(f"**执法主体**：{md(view.agency)}  \n**抽查计划**：{md(view.plan_title)}（{md(view.plan_kind)}）  \n"
            f"**抽查事项**：{md('、'.join(view.items) if view.items else None)}")
c1, c2, c3 = st.columns(3)
c1.markdown(f"**承诺公布时间**  \n{format_datetime(view.committed_at)}")
c2.markdown(f"**抽取日期**  \n{format_date(view.drawn_on)}")
c3.markdown(f"**种子**  \n{'已公布' if view.revealed else '尚未公布'}")
st.markdown("**承诺值（种子的 SHA-256，抽取前公布）**")
st.code(view.commitment, language=None)
st.markdown("**名录快照哈希（抽取前公布）**")
st.code(f"检查对象名录库    {view.object_pool_hash}\n执法检查人员名录库 {view.inspector_pool_hash}", language=None)

published = view.published
if published is None:
    st.info("随机种子尚未公布：公布后即可核验抽取结果。")
    st.stop()

st.markdown("**随机种子（抽取时公布）**")
st.code(published.inputs.seed, language=None)

if st.button("重新计算并核验", key="verify_draw", icon=":material/verified:", type="primary"):
    result = verify_draw(published)
    if result.ok:
        st.success(f"{CONSISTENT}：种子与承诺值相符，名录与快照及其哈希相符，按公布的名录和比例重新计算的抽取结果与公布结果完全相同。")
    else:
        st.error(f"不一致：{md(result.summary)}")
        for more in result.differences[1:]:
            st.markdown(f"- {md(more)}")

st.subheader("抽查比例与抽取数量")
strata = pd.DataFrame([{"stratum": r.stratum, "ratio": f"{r.ratio * 100:.0f}%", "pool": r.pool, "quota": r.quota,
                        "drawn": r.drawn} for r in stratum_summary(published.inputs, published.selection)])
show_table(display_frame(strata, {"stratum": "信用风险分类", "ratio": "抽查比例", "pool": "名录中对象数",
                                  "quota": "应抽取数", "drawn": "公布的抽取数"}))

names = {o.member_id: o.name for o in published.inputs.objects}
inspector_names = {i.cert_no: i.name for i in published.inputs.inspectors}
results = published_inspections(engine, today, draw_id=view.id)
by_entity = dict(zip(results["entity_uscc"], results["result"], strict=False))
selection = pd.DataFrame([{
    "n": n, "uscc": p.member_id, "name": names.get(p.member_id, "（不在公布的名录中）"), "stratum": p.stratum,
    "inspectors": "、".join(f"{inspector_names.get(c, '')}（{c}）" for c in p.cert_nos),
    "result": by_entity.get(p.member_id),
} for n, p in enumerate(published.selection, start=1)])

tabs = st.tabs(["抽取结果", "检查对象名录", "执法检查人员名录", "检查结果", "抽取算法"])
with tabs[0]:
    show_table(display_frame(selection, {"n": "序号", "uscc": "统一社会信用代码", "name": "检查对象", "stratum": "分类",
                                         "inspectors": "检查人员", "result": "检查结果"}))
with tabs[1]:
    objects = pd.DataFrame([{"uscc": o.member_id, "name": o.name, "stratum": o.stratum}
                            for o in published.inputs.objects])
    st.caption(f"共 {len(objects)} 个对象（公布的名录）。")
    show_table(display_frame(objects, {"uscc": "统一社会信用代码", "name": "名称", "stratum": "信用风险分类"}))
with tabs[2]:
    inspectors = pd.DataFrame([{"cert_no": i.cert_no, "name": i.name, "valid_to": i.cert_valid_to,
                                "conflicts": "、".join(sorted(i.conflicts))} for i in published.inputs.inspectors])
    st.caption("仅列入执法证在抽取日有效的人员；“回避对象”为该人员须回避的检查对象（统一社会信用代码）。")
    show_table(display_frame(inspectors, {"cert_no": "执法证号", "name": "姓名", "valid_to": "证件有效期至",
                                          "conflicts": "回避对象"}, dates=("valid_to",)))
with tabs[3]:
    st.caption("检查结束后 20 个工作日内公示检查结果；尚未公示的不列出。")
    show_table(display_frame(results, {"inspection_no": "检查编号", "entity_name": "检查对象", "ended_on": "检查结束日期",
                                       "result": "检查结果", "result_summary": "结果说明",
                                       "result_published_on": "结果公示日期"},
                             dates=("ended_on", "result_published_on")))
with tabs[4]:
    st.markdown(ALGORITHM)
    st.download_button("下载抽取数据（JSON，可离线核验）", published_json(published),
                       file_name=f"draw-{view.id}.json", mime="application/json", icon=":material/download:")
st.page_link("pages/draws.py", label="返回全部抽取记录", icon=":material/arrow_back:")
