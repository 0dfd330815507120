"""法制审核队列: pending rounds of major decisions, least time left on the review clock first (118号(十三)(十四),
行政处罚法 art. 58), with 领取 and 指派."""

import streamlit as st

from components.auth import require
from components.data import get_engine
from components.review import clock_text, queue_colours
from components.tables import display_frame
from components.text import md
from db.reviews import agency_reviewers, claim_review, review_queue
from db.stats import load_calendar
from domain.formatting import today_shanghai
from domain.permissions import Permission, agency_scope

actor = require(Permission.REVIEWS_DECIDE)
engine = get_engine()
today = today_shanghai()
queue = review_queue(engine, agency_scope(actor), load_calendar(engine), today)
st.title("法制审核队列")
st.caption("重大执法决定未经法制审核或者审核未通过的，不得作出决定（行政处罚法第五十八条）。审核时限自收到完整送审材料之日起"
           "按本机关规定的工作日计算（默认7个工作日，经批准可延长3个工作日；补充材料的重新计算），按剩余时间排序。")
c1, c2, c3 = st.columns(3)
c1.metric("待审核", len(queue), help="已报送、尚未作出审核意见的审核轮次数。")
c2.metric("即将到期", int((queue["clock"] == "即将到期").sum()) if not queue.empty else 0,
          help="剩余不超过2个工作日的审核轮次（黄色）。")
c3.metric("已逾期", int((queue["clock"] == "已逾期").sum()) if not queue.empty else 0,
          help="已超过审核时限仍未作出审核意见的轮次（红色）。")
if queue.empty:
    st.info("目前没有待审核的案件。")
    st.stop()
shown = queue.assign(time_left=[clock_text(r, s) for r, s in zip(queue["remaining"], queue["clock"], strict=True)])
table = display_frame(shown, {"case_no": "案号", "agency": "执法主体", "party": "当事人", "violation": "违法行为",
                              "major_reasons": "重大情形", "round_no": "轮次", "submitted_on": "报送日期",
                              "due": "审核期限", "time_left": "剩余时间", "assignee": "审核人员", "missing": "缺少材料"},
                      dates=("submitted_on", "due"))
event = st.dataframe(queue_colours(table, queue["clock"]), hide_index=True, key="review_table", on_select="rerun",
                     selection_mode="single-row")
if event.selection.rows:
    row = queue.iloc[event.selection.rows[0]]
    case_id = int(row["case_id"])
    st.page_link("pages/review.py", label=f"审核案件 {md(row['case_no'])}", query_params={"case": str(case_id)},
                 icon=":material/rate_review:")
    left, right = st.columns(2)
    if left.button("领取本案", key=f"claim_{case_id}"):
        result = claim_review(engine, case_id, actor, today)
        if result.ok:
            st.success("已领取，请在审核页面作出审核意见。")
        for message in result.errors:
            st.error(md(message))
    reviewers = agency_reviewers(engine, actor.agency_id) if actor.agency_id is not None else {}
    with right.form(f"assign_{case_id}"):
        chosen = st.selectbox("指派给", list(reviewers), format_func=reviewers.get, index=None,
                              placeholder="选择本机关法制审核人员")
        if st.form_submit_button("指派"):
            if chosen is None:
                st.error("请选择要指派的法制审核人员。")
            else:
                result = claim_review(engine, case_id, actor, today, assignee_officer_id=chosen)
                if result.ok:
                    st.success(f"已指派给{md(reviewers[chosen])}。")
                for message in result.errors:
                    st.error(md(message))
