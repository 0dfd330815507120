"""决定详情 (permanent URL ?id=…): the redacted public content and its disclosure history."""

import streamlit as st

from components.data import get_engine
from components.tables import display_frame, show_table
from components.text import md, show_text
from db.events import public_timeline
from db.public import public_decision
from domain.formatting import format_date, format_yuan, today_shanghai
from domain.params import parse_id

engine = get_engine()
today = today_shanghai()
decision_id = parse_id(st.query_params.get("id", ""))
decision = public_decision(engine, decision_id, today) if decision_id is not None else None
if decision is None:
    st.title("决定详情")
    st.warning("未找到该执法决定，或该决定不在公示期内、依法不予公开。")
    st.page_link("pages/decisions.py", label="返回执法决定公示", icon=":material/arrow_back:")
    st.stop()

st.title(md(decision.decision_no))
if decision.status == "已撤回":
    st.error(f"该决定已于{format_date(decision.withdrawn_on)}撤回（原因：{md(decision.withdrawal_reason)}）。"
             f"{md(decision.public_explanation)}")
elif decision.status == "已更正":
    st.info("该决定的公示信息已更正，以下为更正后的内容，更正记录见页面底部。")

left, right = st.columns(2)
left.markdown(f"**执法机关**：{md(decision.agency)}")
left.markdown(f"**当事人**：{md(decision.party_name)}（{md(decision.party_type)}）")
if decision.uscc:
    left.markdown(f"**统一社会信用代码**：{md(decision.uscc)}")
left.markdown(f"**执法类别**：{md(decision.category)}")
right.markdown(f"**决定日期**：{format_date(decision.decided_on)}")
right.markdown(f"**公示日期**：{format_date(decision.published_on)}")
right.markdown(f"**公示状态**：{md(decision.status)}")
if decision.legal_review:
    right.markdown(f"**重大执法决定法制审核**：{md(decision.legal_review)}",
                   help="重大执法决定应当在作出决定前经法制审核（行政处罚法第五十八条）；“未经法制审核”为作出决定时没有审核同意记录。")

st.subheader("违法行为与事实")
st.markdown(f"**违法行为类型**：{md(decision.violation)}")
show_text(decision.facts)
st.subheader("处罚依据与内容")
show_text(decision.legal_basis)
show_text(decision.conclusion)
if decision.penalty_items:
    for ptype, amount in decision.penalty_items:
        st.markdown(f"- {md(ptype)}" + (f"：{format_yuan(amount, compact=False)}" if amount is not None else ""))
if decision.discretion_statement:
    st.subheader("裁量基准适用情况")
    show_text(decision.discretion_statement)
if decision.status != "已撤回":
    steps = public_timeline(engine, decision.id, today)
    if not steps.empty:
        st.subheader("办理过程")
        st.caption("执法全过程记录中的环节和日期（不含执法人员等内部信息）。")
        show_table(display_frame(steps, {"stage": "环节", "date": "日期"}, dates=("date",)))
st.subheader("公示记录")
for version, day, status, reason in decision.history:
    st.markdown(f"- 第{md(version)}版 · {format_date(day)} · {md(status)}：{md(reason)}")
st.page_link("pages/objection.py", label="认为信息有误？提出异议", query_params={"decision": str(decision.id)},
             icon=":material/report:")
if decision.uscc:
    st.page_link("pages/entity.py", label="查看该主体的信用信息", query_params={"code": decision.uscc},
                 icon=":material/domain:")
st.page_link("pages/decisions.py", label="返回执法决定公示", icon=":material/arrow_back:")
