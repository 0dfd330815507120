"""案件: staff case list, restricted to the actor's agency for officers and reviewers."""

import streamlit as st

from components.auth import require
from components.data import get_engine
from components.tables import CASE_LABELS, display_frame, show_table
from components.text import md
from db.events import RecordFilters, search_cases
from db.queries import CaseFilters, agency_options, case_status_counts
from domain.enums import CaseStatus, Stage
from domain.formatting import today_shanghai
from domain.permissions import Permission, agency_scope

actor = require(Permission.CASES_READ)
engine = get_engine()
scope = agency_scope(actor)
names = agency_options(engine)
st.title("案件")
st.caption(f"范围：{md(names.get(scope, '')) if scope else '全部执法主体'}")

params = st.query_params
statuses = [None, *CaseStatus]
c1, c2, c3 = st.columns([3, 2, 1])
q = c1.text_input("案号、当事人或决定书文号", value=params.get("q", ""))
status_value = params.get("status", "")
status = c2.selectbox("状态", statuses,
                      index=statuses.index(CaseStatus(status_value)) if status_value in CaseStatus._value2member_map_ else 0,
                      format_func=lambda s: "全部" if s is None else s.value)
major = c3.checkbox("仅重大案件", value=params.get("major") == "1")
agency = None
if scope is None:
    options = [None, *names]
    raw = params.get("agency", "")
    agency = st.selectbox("执法主体", options, index=options.index(int(raw)) if raw.isdigit() and int(raw) in names else 0,
                          format_func=lambda i: "全部" if i is None else names[i])
c4, c5, c6 = st.columns([3, 2, 1])
officer = c4.text_input("执法人员（执法证号或姓名）", value=params.get("officer", ""))
stages = [None, *Stage]
stage_value = params.get("stage", "")
stage = c5.selectbox("记录到的环节", stages,
                     index=stages.index(Stage(stage_value)) if stage_value in Stage._value2member_map_ else 0,
                     format_func=lambda s: "全部" if s is None else s.value)
overdue = c6.checkbox("逾期", value=params.get("overdue") == "1",
                      help="立案后超过90日（含经批准的延长期）才作出或仍未作出处罚决定，或决定书未在7个工作日内送达（简易程序为当场交付）。")
st.query_params.from_dict({k: v for k, v in {"q": q.strip(), "status": status.value if status else "",
                                             "major": "1" if major else "", "agency": str(agency or ""),
                                             "officer": officer.strip(), "stage": stage.value if stage else "",
                                             "overdue": "1" if overdue else ""}.items() if v})

counts = case_status_counts(engine, scope)
st.caption(" · ".join(f"{md(k)} {md(v)}" for k, v in counts.items()))
frame, total = search_cases(engine, scope, CaseFilters(q=q.strip(), status=status, agency_id=agency, major_only=major),
                            RecordFilters(officer=officer.strip(), stage=stage, overdue=overdue), today_shanghai())
st.markdown(f"共 {total:,} 件" + ("（显示最新 200 件）" if total > 200 else ""))
event = show_table(display_frame(frame, CASE_LABELS, money=("fine_total",), dates=("filed_on", "decided_on")),
                   key="case_table", selectable=True)
if event is not None and event.selection.rows:
    row = frame.iloc[event.selection.rows[0]]
    st.page_link("pages/case.py", label=f"打开案件 {md(row['case_no'])}", query_params={"id": str(int(row["id"]))},
                 icon=":material/open_in_new:")
