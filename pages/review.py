"""法制审核 (?case=…): the written opinion on a major case's pending review round (118号(十三), 行政处罚法 art. 58)."""

import streamlit as st

from components.auth import require
from components.cached import after_review_decision
from components.data import get_engine
from components.tables import show_table
from components.text import md, show_text
from db.queries import case_detail
from db.reviews import decide_review, latest_round, reviewer_qualified
from domain.formatting import format_date, today_shanghai
from domain.params import parse_id
from domain.permissions import Permission, can_access_agency
from domain.review import CHECKLIST, ReviewAction, ReviewDecision, available_actions

actor = require(Permission.REVIEWS_DECIDE)
engine = get_engine()
case_id = parse_id(st.query_params.get("case", ""))
detail = case_detail(engine, case_id) if case_id is not None else None
if detail is None or not can_access_agency(actor, detail.agency_id):
    st.title("法制审核")
    st.warning("未找到该案件，或该案件不属于本机关。")
    st.stop()

st.title(f"法制审核：{md(detail.case_no)}")
st.markdown(f"**当事人**：{md(detail.party)}　**违法行为**：{md(detail.violation)}  \n"
            f"**重大情形**：{md(detail.major_reasons) if detail.major_reasons else '—'}")
show_text(detail.facts)
st.page_link("pages/case.py", label="查看案件全过程记录", query_params={"id": str(detail.id)}, icon=":material/folder:")
review = latest_round(engine, detail.id)
show_table(detail.reviews.rename(columns={"round_no": "轮次", "submitted_on": "报送日期", "reviewed_on": "审核日期",
                                          "outcome": "审核结论", "opinion": "审核意见"}))
actions = available_actions(review, actor, reviewer_qualified(engine, actor)) if review else []
if not actions:
    st.info("当前没有待您审核的轮次。" + ("" if reviewer_qualified(engine, actor) else
                                     "（初次从事法制审核的人员应取得法律职业资格，行政处罚法第五十八条第二款。）"))
    st.stop()

st.subheader(f"第 {md(review.round_no)} 轮审核（报送于 {format_date(review.submitted_on)}）")
with st.form("review_form"):
    checklist = {}
    for key, label in CHECKLIST:
        c1, c2 = st.columns([2, 3])
        passed = c1.checkbox(md(label), value=True, key=f"chk_{key}")
        comment = c2.text_input("说明", key=f"cmt_{key}", label_visibility="collapsed", placeholder="存在问题时说明")
        checklist[key] = (passed, comment)
    opinion = st.text_area("书面审核意见", key="opinion", placeholder="同意的，写明审核结论；存在问题的，写明问题和处理建议")
    choice = st.radio("审核结论", actions, format_func=lambda a: a.value, horizontal=True, key="review_action")
    submitted = st.form_submit_button("提交审核意见", type="primary")
if submitted:
    result = decide_review(engine, detail.id, ReviewDecision(choice, checklist, opinion), actor, today_shanghai())
    if result.ok:
        after_review_decision()
        st.success("审核意见已记录。" + ("承办机构可据此作出决定。" if choice is ReviewAction.APPROVE
                                        else "已退回承办机构，修改后重新报送审核。"))
    else:
        for message in result.errors:
            st.error(md(message))
