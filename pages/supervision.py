"""执法监督概览: disclosure punctuality per agency, and the legal-review status board — every major decision with
its review status, time in review, overdue reviews, outcome mix per agency, the list of violations, reviewer
staffing (118号(十一)) and qualification (行政处罚法 art. 58 ¶2)."""

import streamlit as st

from components.auth import require
from components.cached import agency_short_names, supervision_board, supervision_clocks
from components.data import get_engine
from components.review import outcome_mix, review_duration_chart, workdays_text
from components.stats_charts import on_time_rate_chart
from components.tables import display_frame, show_table
from db.reviews import reviewer_staffing
from domain.formatting import format_count, format_rate, today_shanghai
from domain.permissions import Permission

BOARD_ROWS = 1000

require(Permission.SUPERVISION_READ)
engine = get_engine()
today = today_shanghai()
overview = supervision_clocks(today)
st.title("执法监督概览")
st.caption("公示时限：行政处罚、行政许可决定自作出之日起7个工作日内公示，其他执法决定20个工作日内（国办发〔2018〕118号）。"
           "按国务院公布的节假日和调休安排计算工作日，决定当日不计入。")
if overview.per_agency.empty:
    st.info("暂无执法决定。")
    st.stop()
per = overview.per_agency
due = int(per["on_time"].sum() + per["late"].sum() + per["overdue"].sum())
board = supervision_board(today, BOARD_ROWS)
violations = board.violations
unreviewed = board.count("violation")
c1, c2, c3, c4 = st.columns(4)
c1.metric("按时公示率", format_rate(int(per["on_time"].sum()), due),
          help="已到公示期限的决定中按时公示的比例；尚未到期的待公示决定和依法不予公开的决定不计入。")
c2.metric("逾期公示", format_count(int(per["late"].sum())), help="在期限后才公示的决定数。")
c3.metric("逾期未公示", format_count(int(per["overdue"].sum())), help="已超过公示期限仍未公示的决定数。")
c4.metric("未经法制审核的重大决定", format_count(unreviewed),
          help="作出决定时没有决定日期前的法制审核同意记录的重大执法决定（含历史导入数据），逐案列于“违法情形”。")
m1, m2, m3, m4 = st.columns(4)
m1.metric("重大执法决定", format_count(board.total),
          help="按各机关重大执法决定法制审核目录清单认定的重大案件数（含尚未决定的）。")
m2.metric("审核中", format_count(board.in_review()), help="已报送、尚未作出审核意见的案件数。")
m3.metric("审核超时", format_count(board.count("overdue")), help="任一轮审核超过本机关规定审核期限的案件数。")
m4.metric("违法情形", format_count(unreviewed), help="未经法制审核（或审核同意晚于决定日期）即作出决定的重大执法决定数。")

# Only the open view is computed and drawn (and it is in the address, ?view=…, so each can be linked): the whole
# page at once was six tables and two charts, most of an in-app navigation's time in the browser.
views = st.tabs(["公示时限", "法制审核", "违法情形", "全部重大执法决定", "审核人员配备"], key="view", bind="query-params")
with views[0]:
    if views[0].open:
        st.altair_chart(on_time_rate_chart(per, agency_short_names()), use_container_width=True)
        show_table(display_frame(per, {"agency": "执法主体", "decisions": "决定数", "on_time": "按时公示",
                                       "late": "逾期公示", "overdue": "逾期未公示",
                                       "unreviewed_major": "未经法制审核的重大决定"}))
        st.subheader("逾期最严重的决定")
        show_table(display_frame(overview.worst_late, {"agency": "执法主体", "decision_no": "决定书文号",
                                                       "decided_on": "决定日期", "clock": "公示情况",
                                                       "late_workdays": "逾期工作日"}, dates=("decided_on",)))
with views[1]:
    if views[1].open:
        st.caption("未经法制审核或者审核未通过的，不得作出决定（行政处罚法第五十八条）。审核用时按工作日计，自首次报送至"
                   "同意（尚未审结的计至今日）；审核超时指任一轮审核超过本机关规定的审核期限。")
        show_table(outcome_mix(board.tallies))
        if board.tallies["review_workdays"].notna().any():
            st.altair_chart(review_duration_chart(board.tallies), use_container_width=True)
with views[2]:
    if views[2].open:
        st.caption("未经法制审核作出的重大执法决定。")
        # Bounded lists, the newest cases first: at 1,000,000 cases the board has some 275,000 rows, which no
        # reader scrolls and which cost seconds to send on every run; the counts above include every case.
        if unreviewed > len(violations):
            st.caption(f"共 {format_count(unreviewed)} 件，下表列出最近录入的 {format_count(len(violations))} 件。")
        show_table(display_frame(violations, {"case_no": "案号", "decision_no": "决定书文号", "agency": "执法主体",
                                              "triggers": "重大情形", "decided_on": "决定日期",
                                              "approved_on": "审核同意日期", "status": "违法情形"},
                                 dates=("decided_on", "approved_on")))
with views[3]:
    if views[3].open:
        latest = board.latest
        if board.total > len(latest):
            st.caption(f"共 {format_count(board.total)} 件，下表列出最近录入的 {format_count(len(latest))} 件；"
                       "违法情形和各机关审核情况见其他标签页（含全部案件）。")
        show_table(display_frame(workdays_text(latest), {
            "case_no": "案号", "decision_no": "决定书文号", "agency": "执法主体", "triggers": "重大情形",
            "status": "法制审核状态", "rounds": "审核轮次", "first_submitted_on": "首次报送", "approved_on": "审核同意",
            "decided_on": "决定日期", "review_workdays": "审核用时（工作日）", "overdue": "审核超时"},
            dates=("first_submitted_on", "approved_on", "decided_on")))
with views[4]:
    if views[4].open:
        st.caption("法制审核人员原则上不少于本单位执法人员总数的5%（国办发〔2018〕118号第（十一）项）；2021年7月15日后初次"
                   "从事法制审核的人员应当取得法律职业资格（行政处罚法第五十八条第二款）。")
        show_table(display_frame(reviewer_staffing(engine), {
            "agency": "执法主体", "officers": "执法人员", "reviewers": "法制审核人员", "required": "5%标准应配",
            "shortfall": "缺额", "unqualified": "未取得法律职业资格的审核人员"}))
