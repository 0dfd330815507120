"""公示时限: how promptly each agency publishes its decisions (118号(六): 许可、处罚 7 个工作日，其他 20 个工作日)."""

import streamlit as st

from components.cached import agency_short_names, disclosure_clocks
from components.stats_charts import on_time_rate_chart
from components.tables import display_frame, show_table
from domain.formatting import format_count, format_rate, today_shanghai

st.title("公示时限")
st.caption("行政处罚、行政许可决定应自作出之日起 7 个工作日内公示，其他执法决定 20 个工作日内（国办发〔2018〕118号）。"
           "工作日按国务院公布的节假日和调休安排计算，决定当日不计入。")
clocks = disclosure_clocks(today_shanghai())
summary = clocks.per_agency
if summary.empty:
    st.info("暂无执法决定。")
    st.stop()
due = int(summary["on_time"].sum() + summary["late"].sum() + summary["overdue"].sum())
c1, c2, c3 = st.columns(3)
c1.metric("按时公示率", format_rate(int(summary["on_time"].sum()), due),
          help="已到公示期限的决定中，在期限内公示的比例。尚未到期的决定和依法不予公开的决定不计入。")
c2.metric("逾期公示", format_count(int(summary["late"].sum())), help="在期限之后才公示的决定数。")
c3.metric("逾期未公示", format_count(int(summary["overdue"].sum())),
          help="已超过公示期限但尚未公示的决定数（本页不列出其内容）。")
if clocks.provisional:
    st.warning("部分期限落在国务院尚未公布节假日安排的年份，暂按周一至周五计算，标为“暂定”；公布后由管理员录入正式日期。")
st.altair_chart(on_time_rate_chart(summary, agency_short_names()), use_container_width=True)
show_table(display_frame(summary, {"agency": "执法主体", "decisions": "决定数", "on_time": "按时公示", "late": "逾期公示",
                                   "overdue": "逾期未公示", "pending": "未到期", "withheld": "依法不予公开"}))
st.subheader("逾期最多的已公示决定")
show_table(display_frame(clocks.worst_late,
                         {"agency": "执法主体", "decision_no": "决定书文号", "decided_on": "决定日期", "deadline": "公示期限",
                          "published_on": "公示日期", "late_workdays": "逾期工作日"},
                         dates=("decided_on", "deadline", "published_on")))
with st.expander("“逾期”的含义", expanded=False):
    st.markdown("逾期工作日 = 公示期限之后至实际公示日（未公示的至今日）之间的工作日数。当事人为未成年人或者涉及国家秘密、"
                "商业秘密、个人隐私的决定依法不予公开，不计入按时率。逾期未公示的决定在公示前不公开其内容。"
                "公众见到之前即因仍含个人信息而暂缓公示的决定，以其发布之日为实际公示日（晚于记录的公示日期时）。")
