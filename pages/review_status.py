"""法制审核情况 (public): for each agency, how many major decisions were made after legal review and how many
without, how many are in review, and how long reviews take — aggregates only, no case is named."""

import streamlit as st

from components.cached import public_review
from components.review import review_duration_chart
from components.tables import display_frame, show_table
from domain.formatting import today_shanghai

summary, durations = public_review(today_shanghai())
st.title("重大执法决定法制审核情况")
st.caption("重大执法决定应当在作出决定前经法制审核，未经法制审核或者审核未通过的，不得作出决定（行政处罚法第五十八条、"
           "国办发〔2018〕118号）。各机关的审核范围见其“重大执法决定法制审核目录清单”。")
if summary.empty:
    st.info("暂无重大执法决定。")
    st.stop()
c1, c2, c3 = st.columns(3)
c1.metric("重大执法决定", int(summary["decided"].sum()), help="已作出决定的重大执法决定数。")
c2.metric("经法制审核", int(summary["reviewed"].sum()), help="作出决定前已经法制审核同意的重大执法决定数。")
c3.metric("未经法制审核", int(summary["unreviewed"].sum()),
          help="作出决定时没有决定日期前的法制审核同意记录的重大执法决定数（含历史导入数据）。")
show_table(display_frame(summary, {"agency": "执法主体", "major": "重大案件", "decided": "已作出决定",
                                   "reviewed": "经法制审核", "unreviewed": "未经法制审核", "in_review": "正在审核",
                                   "median_workdays": "审核用时中位数（工作日）"}))
if durations["review_workdays"].notna().any():
    st.altair_chart(review_duration_chart(durations), use_container_width=True)
