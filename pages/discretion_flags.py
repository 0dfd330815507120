"""裁量基准核查 (执法监督人员): decisions whose fine the benchmark check flagged, filterable by agency, officer, flag,
year and resolution status (all in the URL), with drill-down to the check, the case and the item's distribution,
resolution of each flag, and flag rates per agency and month."""

import datetime as dt

import altair as alt
import streamlit as st

from components.auth import require
from components.data import get_engine
from components.discretion import show_discretion_check
from components.tables import display_frame, show_table
from components.text import md
from components.words import CHOOSE
from db.discretion import decision_check, flag_rates, flagged_decisions, officer_options, resolve_flag
from db.queries import agency_options
from domain.discretion_check import DiscretionFlag, ResolutionStatus
from domain.params import parse_id, parse_year
from domain.permissions import Permission

actor = require(Permission.SUPERVISION_READ)
engine = get_engine()
st.title("裁量基准核查")
st.caption("逐件核对罚款是否在所适用裁量基准条目的法定幅度和所认定档次内、是否说明裁量理由、是否可能属于不予处罚情形，"
           "并与同一条目、同一档次、同类当事人的决定比较（稳健z值超过3.5为畸重或畸轻，同类决定少于5件不作比较）。"
           "标记是提示，须逐件核实。")

params = st.query_params
agencies = agency_options(engine)
agency_choices = [None, *agencies]
linked_agency = parse_id(params.get("agency", ""))
flags = list(DiscretionFlag)
flag_by_code = {f.code: f for f in flags}
statuses = {"open": "未处理", **{s.value: s.value for s in ResolutionStatus}}

c1, c2, c3 = st.columns(3)
agency = c1.selectbox("执法主体", agency_choices, index=agency_choices.index(linked_agency) if linked_agency in agencies
                      else 0, format_func=lambda i: "全部" if i is None else agencies[i], placeholder=CHOOSE)
officers = officer_options(engine, agency)
officer_choices = [None, *officers]
linked_officer = parse_id(params.get("officer", ""))
officer = c2.selectbox("执法人员", officer_choices,
                       index=officer_choices.index(linked_officer) if linked_officer in officers else 0,
                       format_func=lambda i: "全部" if i is None else officers[i], placeholder=CHOOSE)
flag_choices = [None, *flags]
linked_flag = flag_by_code.get(params.get("flag", ""))
flag = c3.selectbox("标记类型", flag_choices, index=flag_choices.index(linked_flag) if linked_flag else 0,
                    format_func=lambda f: "全部" if f is None else f.value, placeholder=CHOOSE)
c4, c5 = st.columns(2)
this_year = dt.date.today().year
years = [None, *range(this_year, 2014, -1)]
linked_year = parse_year(params.get("year", ""))
year = c4.selectbox("决定年度", years, index=years.index(linked_year) if linked_year in years else 0,
                    format_func=lambda y: "全部" if y is None else f"{y}年", placeholder=CHOOSE)
status_choices = [None, *statuses]
linked_status = params.get("status", "")
status = c5.selectbox("处理情况", status_choices,
                      index=status_choices.index(linked_status) if linked_status in statuses else 0,
                      format_func=lambda s: "全部" if s is None else statuses[s], placeholder=CHOOSE)

state = {"agency": agency, "officer": officer, "flag": flag.code if flag else None, "year": year, "status": status}
selected_param = parse_id(params.get("decision", ""))
url = {k: str(v) for k, v in state.items() if v is not None}
if selected_param is not None:
    url["decision"] = str(selected_param)
st.query_params.from_dict(url)

start = dt.date(year, 1, 1) if year else None
end = dt.date(year, 12, 31) if year else None
table, total = flagged_decisions(engine, agency_id=agency, officer_id=officer, flag=flag, start=start, end=end,
                                 status=status)
m1, m2 = st.columns(2)
m1.metric("被标记的决定", f"{total:,}", help="至少有一项裁量基准标记的处罚决定数（按上方条件）。")
m2.metric("其中未处理", f"{int((table['处理情况'] == '未处理').sum()):,}" if total <= len(table) else "—",
          help="没有任何一项标记被标为已说明理由、已纠正或误报的决定数。")
if total > len(table):
    st.caption(f"共{total:,}件，列出最近的{len(table):,}件；请缩小筛选范围。")
event = show_table(display_frame(table, {k: k for k in ("决定书文号", "决定日期", "执法主体", "基准条目", "认定档次",
                                                      "罚款金额", "标记", "处理情况")},
                                 money=("罚款金额",), dates=("决定日期",)), key="flagged", selectable=True)
if event is not None and event.selection.rows:
    selected_param = int(table.iloc[event.selection.rows[0]]["decision_id"])
    st.query_params["decision"] = str(selected_param)

if selected_param is not None:
    stored = decision_check(engine, decision_id=selected_param)
    if stored is None:
        st.warning("所选决定没有裁量基准核查结果。")
    else:
        st.subheader(f"决定 {md(stored.decision_no)}（{md(stored.agency)}）")
        link1, link2 = st.columns(2)
        link1.page_link("pages/case.py", label="打开案件及其执法过程", query_params={"id": str(stored.case_id)},
                        icon=":material/folder_open:")
        if stored.benchmark_item_id is not None:
            link2.page_link("pages/discretion_item.py", label="查看该条目的罚款分布",
                            query_params={"item": str(stored.benchmark_item_id), "decision": str(stored.decision_id)},
                            icon=":material/scatter_plot:")
        show_discretion_check(stored.check, tier_circumstance=stored.tier_circumstance,
                              tier_standard=stored.tier_standard, legal_basis=stored.legal_basis,
                              resolutions=stored.resolutions)
        if stored.flags:
            with st.form("resolve"):
                st.markdown("**处理标记**")
                which = st.selectbox("标记", list(stored.flags), format_func=lambda f: f.value, placeholder=CHOOSE)
                how = st.radio("处理结果", list(ResolutionStatus), format_func=lambda s: s.value, horizontal=True)
                note = st.text_area("处理说明（必填）", max_chars=2000,
                                    placeholder="例如：经核查，集体讨论记录载明从重理由，已归档")
                if st.form_submit_button("保存处理结果"):
                    ok, message = resolve_flag(engine, decision_id=stored.decision_id, flag=which, status=how,
                                               note=note, actor=actor.username)
                    if ok:
                        st.success("已保存，并记入审计日志。")
                    else:
                        st.error(md(message))

st.subheader("各执法主体标记率")
rates = flag_rates(engine)
show_table(rates)
st.caption("每百件标记数 = 被标记决定数 ÷ 核查决定数 × 100；95%置信区间（威尔逊区间法）表示按件数推算的不确定范围，"
           "核查决定数较少的机关区间较宽。处理率 = 至少一项标记已处理的决定 ÷ 被标记决定。")
st.markdown("**执法人员比较**（每件决定计入其案件各环节的在场执法人员）")
by_officer = flag_rates(engine, by="officer", agency_id=agency)
if by_officer.empty:
    st.info("没有可比较的执法人员。")
else:
    show_table(by_officer.rename(columns={"分组": "执法人员"}).sort_values("每百件标记数", ascending=False))
monthly = flag_rates(engine, by="month")
if not monthly.empty:
    st.altair_chart(alt.Chart(monthly).mark_line(point=True).encode(
        x=alt.X("分组:N", title="决定月份"), y=alt.Y("每百件标记数:Q", title="每百件标记数"),
        tooltip=["分组", "核查决定数", "被标记决定数", "每百件标记数", "处理率"]).properties(title="标记率按月趋势"),
        width="stretch")
