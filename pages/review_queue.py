"""法制审核队列: pending review rounds of major decisions, oldest first (118号(十三), 行政处罚法 art. 58)."""

import streamlit as st

from components.auth import require
from components.data import get_engine
from components.tables import display_frame, show_table
from components.text import md
from db.queries import load_review_queue
from domain.permissions import Permission, agency_scope

actor = require(Permission.REVIEWS_DECIDE)
queue = load_review_queue(get_engine(), agency_scope(actor))
st.title("法制审核队列")
st.caption("重大执法决定未经法制审核或者审核未通过的，不得作出决定（行政处罚法第五十八条）。按报送时间排序，先报先审。")
st.metric("待审核", len(queue), help="已报送、尚未给出审核结论的审核轮次数。")
event = show_table(display_frame(queue, {"case_no": "案号", "agency": "执法主体", "party": "当事人", "violation": "违法行为",
                                         "major_reasons": "重大情形", "round_no": "轮次", "submitted_on": "报送日期"},
                                 dates=("submitted_on",)), key="review_table", selectable=True)
if event is not None and event.selection.rows:
    row = queue.iloc[event.selection.rows[0]]
    st.page_link("pages/review.py", label=f"审核案件 {md(row['case_no'])}", query_params={"case": str(int(row["case_id"]))},
                 icon=":material/rate_review:")
