"""执法监督概览: disclosure punctuality per agency and major decisions without legal review."""

import streamlit as st

from components.auth import require
from components.cached import agency_short_names
from components.data import get_engine
from components.stats_charts import on_time_rate_chart
from components.tables import display_frame, show_table
from db.queries import supervision_overview
from db.stats import load_calendar
from domain.formatting import format_count, format_rate, today_shanghai
from domain.permissions import Permission

require(Permission.SUPERVISION_READ)
engine = get_engine()
overview = supervision_overview(engine, today_shanghai(), load_calendar(engine))
st.title("执法监督概览")
st.caption("公示时限：行政处罚、行政许可决定自作出之日起7个工作日内公示，其他执法决定20个工作日内（国办发〔2018〕118号）。"
           "按国务院公布的节假日和调休安排计算工作日，决定当日不计入。")
if overview.per_agency.empty:
    st.info("暂无执法决定。")
    st.stop()
per = overview.per_agency
due = int(per["on_time"].sum() + per["late"].sum() + per["overdue"].sum())
c1, c2, c3, c4 = st.columns(4)
c1.metric("按时公示率", format_rate(int(per["on_time"].sum()), due),
          help="已到公示期限的决定中按时公示的比例；尚未到期的待公示决定和依法不予公开的决定不计入。")
c2.metric("逾期公示", format_count(int(per["late"].sum())), help="在期限后才公示的决定数。")
c3.metric("逾期未公示", format_count(int(per["overdue"].sum())), help="已超过公示期限仍未公示的决定数。")
c4.metric("未经法制审核的重大决定", format_count(int(per["unreviewed_major"].sum())),
          help="重大执法决定没有通过法制审核的记录（多为历史导入数据），应逐案核查。")
st.altair_chart(on_time_rate_chart(per, agency_short_names()), use_container_width=True)
show_table(display_frame(per, {"agency": "执法主体", "decisions": "决定数", "on_time": "按时公示", "late": "逾期公示",
                               "overdue": "逾期未公示", "unreviewed_major": "未经法制审核的重大决定"}))
st.subheader("逾期最严重的决定")
show_table(display_frame(overview.worst_late, {"agency": "执法主体", "decision_no": "决定书文号", "decided_on": "决定日期",
                                               "clock": "公示情况", "late_workdays": "逾期工作日"},
                         dates=("decided_on",)))
