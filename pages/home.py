"""公众首页: what the platform is, headline figures, the newest published decisions."""

import streamlit as st

from components.cached import agency_short_names, public_decisions, public_summary
from components.tables import (
    DECISION_TABLE_LABELS,
    DECISION_WIDTHS,
    display_frame,
    show_table,
    with_short_agency_names,
)
from components.text import md
from domain.filters import DecisionFilters
from domain.formatting import format_count, format_yuan, today_shanghai

today = today_shanghai()
st.title("执法公示台")
st.markdown(
    "按照“谁执法谁公示”原则（国办发〔2018〕118号），本平台公开行政执法主体、人员、职责、依据、程序等事前信息，"
    "以及行政处罚、行政许可等执法决定。涉及个人隐私的信息已依法处理后公开。"
)
summary = public_summary(today)
cols = st.columns(4)
cols[0].metric("已公示执法决定", format_count(summary.published),
               help="当前处于公示期内的执法决定数（含已更正、已撤回的公示记录）。依法不予公开的决定（如当事人为未成年人）不在此列。")
cols[1].metric("执法主体", format_count(summary.agencies), help="本平台收录的行政执法主体数量。")
cols[2].metric(f"{md(today.year)}年作出的决定", format_count(summary.this_year),
               help="公示期内、决定日期在本年度的执法决定数（不含已撤回）。")
cols[3].metric(f"{md(today.year)}年罚款金额", format_yuan(summary.fines_this_year),
               help="本年度已公示处罚决定确定的罚款金额合计（元），不含没收金额和已撤回的决定。")
st.caption(f"已更正 {format_count(summary.corrected)} 条、已撤回 {format_count(summary.withdrawn)} 条。"
           f"数据截至 {today:%Y年%m月%d日}。")

st.subheader("最新公示")
latest, _ = public_decisions(DecisionFilters(page_size=20), today)
shown = with_short_agency_names(latest.head(10), agency_short_names())
show_table(display_frame(shown, DECISION_TABLE_LABELS, money=("fine_total",), dates=("decided_on", "published_on"),
                         link=("decision", "id")), widths=DECISION_WIDTHS)
st.page_link("pages/decisions.py", label="查询全部执法决定", icon=":material/search:")
st.page_link("pages/agencies.py", label="查看执法主体、人员和职责（事前公开）", icon=":material/account_balance:")
