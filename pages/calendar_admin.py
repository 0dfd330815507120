"""节假日安排: official 放假/调休 dates for years the bundled calendar does not cover yet (管理员 only). Until a year
is declared complete, its working-day deadlines are computed on weekdays plus the entered dates and shown 暂定."""

import datetime as dt

import streamlit as st

from components.auth import require
from components.cached import after_calendar_change
from components.data import get_engine
from components.tables import display_frame, show_table
from components.text import md
from components.words import CHOOSE
from db.commands import declare_calendar_year, remove_calendar_day, set_calendar_day
from db.stats import calendar_entries
from domain.formatting import today_shanghai
from domain.permissions import Permission
from domain.workdays import WorkCalendar

actor = require(Permission.CALENDAR_WRITE)
engine = get_engine()
covered = WorkCalendar.covered_years()
st.title("节假日安排")
st.caption(f"系统内置国务院公布的 {md(covered.start)}—{md(covered.stop - 1)} 年放假和调休安排。国务院公布下一年度安排后，"
           "请在此逐日录入放假日和调休上班日，全部录入后确认该年度为正式安排；此前该年度的期限按周一至周五计算并标注“暂定”。")
days, years = calendar_entries(engine)


def report(result, done: str) -> None:
    if result.ok:
        after_calendar_change()
        st.success(md(done))
    else:
        for message in result.errors:
            st.error(md(message))


with st.form("calendar_day"):
    st.subheader("录入日期")
    c1, c2 = st.columns(2)
    day = c1.date_input("日期", value=dt.date(covered.stop, 1, 1), format="YYYY-MM-DD")
    kind = c2.radio("类型", ["放假", "调休上班"], horizontal=True)
    note = st.text_input("说明", placeholder="如：元旦、春节、国庆节调休")
    if st.form_submit_button("保存", type="primary"):
        report(set_calendar_day(engine, day, kind == "调休上班", note, actor.username), f"已保存 {day:%Y年%m月%d日}。")

show_table(display_frame(days, {"day": "日期", "kind": "类型", "note": "说明"}, dates=("day",)))
if not days.empty:
    with st.form("remove_day"):
        target = st.selectbox("删除录入的日期", list(days["day"]), format_func=lambda d: d.isoformat(), placeholder=CHOOSE)
        if st.form_submit_button("删除"):
            report(remove_calendar_day(engine, target, actor.username), "已删除。")

with st.form("declare_year"):
    st.subheader("确认年度安排")
    year = st.number_input("年度", min_value=covered.stop, max_value=covered.stop + 5, value=covered.stop, step=1)
    source = st.text_input("依据", placeholder=f"国务院办公厅关于{covered.stop}年部分节假日安排的通知")
    if st.form_submit_button("确认该年度已全部录入"):
        report(declare_calendar_year(engine, int(year), source, actor.username, today_shanghai()),
               f"{int(year)}年已确认为正式安排，相关期限不再标注“暂定”。")
show_table(display_frame(years, {"year": "年度", "declared_by": "确认人", "declared_on": "确认日期", "source": "依据"},
                         dates=("declared_on",)))
