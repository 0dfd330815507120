"""市场主体信用信息 (?code=统一社会信用代码, or ?q=名称): registered facts, every published decision (the public
projection only), inspections and results, the credit class with the rule that fired, and for each penalty its
publication period and earliest credit-repair date under the rules in force on its date."""

import pandas as pd
import streamlit as st

from components.data import get_engine
from components.tables import DECISION_LABELS, display_frame, show_table
from components.text import md
from db.inspections import entity_profile, search_entities
from domain.credit import CreditClass
from domain.formatting import format_date, today_shanghai
from domain.identifiers import is_synthetic_uscc, validate_uscc
from domain.params import clean_text, quote_input

SEARCH_LIMIT = 100

engine = get_engine()
today = today_shanghai()
raw_code = clean_text(st.query_params.get("code", ""), SEARCH_LIMIT)

st.title("市场主体信用信息")
if not raw_code:
    st.caption("按统一社会信用代码或名称查询市场主体的执法决定、双随机抽查结果和信用分类。同名主体以统一社会信用代码区分；"
               "自然人不在此查询。")
    q = st.text_input("统一社会信用代码或名称", value=clean_text(st.query_params.get("q", ""), SEARCH_LIMIT),
                      max_chars=SEARCH_LIMIT, key="entity_q", placeholder="例如：餐饮管理有限公司")
    q = clean_text(q, SEARCH_LIMIT)
    if q:
        st.query_params["q"] = q
        check = validate_uscc(q)
        if check.ok:
            st.query_params.pop("q", None)
            st.query_params["code"] = check.normalized
            st.rerun()
        found = search_entities(engine, q)
        if found.empty:
            st.info("没有找到符合条件的市场主体。")
        else:
            st.caption(f"找到 {len(found)} 个主体（最多列出 50 个）。名称相同的主体请按统一社会信用代码区分。")
            for row in found.itertuples():
                st.page_link("pages/entity.py", label=f"{md(row.name)}　{md(row.uscc)}", query_params={"code": row.uscc},
                             icon=":material/domain:")
    st.stop()

check = validate_uscc(raw_code)
profile = entity_profile(engine, check.normalized, today) if check.ok else None
if profile is None:
    if not check.ok:
        st.warning(f"统一社会信用代码“{md(quote_input(raw_code))}”不正确：{md(check.message)}")
    else:
        st.warning("没有找到该统一社会信用代码的市场主体，或其信息未公开。")
    st.page_link("pages/entity.py", label="重新查询", icon=":material/search:")
    st.stop()

st.subheader(md(profile.name))
if is_synthetic_uscc(profile.uscc):
    st.caption("样例数据：虚构的市场主体，统一社会信用代码为合成代码（第9–10位为 YY）。")
left, right = st.columns(2)
left.markdown(f"**统一社会信用代码**：{md(profile.uscc)}  \n**主体类型**：{md(profile.party_type or None)}")
if profile.representative:
    left.markdown(f"**{md(profile.representative_label)}**：{md(profile.representative)}")
credit = profile.credit.credit_class
right.markdown(f"**信用分类**：:{md(credit.colour)}-badge[{md(credit.value)}]　{md(credit.explanation)}")
right.markdown(f"**触发规则**：{md(profile.credit.rule)}"
               + (f"  \n**依据**：{md(profile.credit.because)}" if profile.credit.because else ""))
st.caption("信用分类：" + "；".join(f"{md(c.value)}——{md(c.explanation)}" for c in CreditClass)
           + "。分类依据公示期内的行政处罚和近一年的抽查结果计算，以文字和颜色同时标示。")

tabs = st.tabs(["执法决定", "公示期与信用修复", "双随机抽查", "异议"])
with tabs[0]:
    st.caption("仅列出公示期内的执法决定，内容已按公示规则脱敏。")
    event = show_table(display_frame(profile.decisions, DECISION_LABELS, money=("fine_total",),
                                     dates=("decided_on", "published_on")), key="entity_decisions", selectable=True)
    if event is not None and event.selection.rows:
        picked = profile.decisions.iloc[event.selection.rows[0]]
        st.page_link("pages/decision.py", label=f"查看决定详情：{md(picked['decision_no'])}",
                     query_params={"id": str(picked["id"])}, icon=":material/open_in_new:")
with tabs[1]:
    st.caption("按决定日期适用当时有效的信用修复规则（2023年5月1日、2026年4月1日两次调整）；最短公示期满后可申请信用修复，"
               "最长公示期满自动停止公示。仅受到警告的行政处罚不予公示；2026年4月1日起简易程序作出的轻微失信信息原则上不予公示。")
    periods = pd.DataFrame([{
        "decision_no": p.decision_no, "decided_on": p.decided_on, "types": "、".join(p.penalty_types),
        "severity": p.period.severity.value if p.period.severity else None,
        "published": "公示" if p.period.published else "不予公示",
        "earliest_repair": p.period.earliest_repair, "publish_until": p.period.publish_until,
        "rule": p.period.instrument, "note": p.period.note,
    } for p in profile.penalties])
    show_table(display_frame(periods, {"decision_no": "决定书文号", "decided_on": "决定日期", "types": "处罚种类",
                                       "severity": "失信程度", "published": "是否公示",
                                       "earliest_repair": "最早可申请信用修复", "publish_until": "公示截止",
                                       "rule": "适用规则", "note": "说明"},
                             dates=("decided_on", "earliest_repair", "publish_until")))
with tabs[2]:
    show_table(display_frame(profile.inspections, {"inspection_no": "检查编号", "agency": "检查机关", "draw_no": "抽取编号",
                                                   "ended_on": "检查日期", "result": "检查结果",
                                                   "result_summary": "结果说明", "result_published_on": "结果公示日期"},
                             dates=("ended_on", "result_published_on")))
    draws = [d for d in profile.inspections["draw_no"].dropna().unique()] if not profile.inspections.empty else []
    if draws:
        st.page_link("pages/draws.py", label="查看抽取记录并核验", icon=":material/verified:")
with tabs[3]:
    st.caption("认为本页信息有误的，任何人都可以提出异议；公示机关应在 10 个工作日内答复，答复和更正记入公示记录。")
    show_table(display_frame(profile.objections, {"submitted_on": "提交日期", "content": "异议内容", "status": "状态",
                                                  "due_on": "答复期限", "answer": "答复", "answered_on": "答复日期"},
                             dates=("submitted_on", "due_on", "answered_on")))
    st.page_link("pages/objection.py", label="对本主体的信息提出异议", query_params={"code": profile.uscc},
                 icon=":material/report:")
st.caption(f"数据截至 {format_date(today)}。")
