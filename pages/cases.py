"""案件: staff case list, restricted to the actor's agency for officers and reviewers."""

import streamlit as st

from components.auth import require
from components.data import get_engine
from components.tables import CASE_TABLE_LABELS, CASE_WIDTHS, display_frame, show_table
from components.text import md
from components.url_state import UrlFilters
from components.words import ALL
from db.events import search_case_status_counts, search_cases
from db.queries import agency_options
from domain.enums import CaseStatus, Stage
from domain.filters import MAX_CASE_TEXT, CaseFilters, RecordFilters, case_filters_from_params, case_filters_to_params
from domain.formatting import format_count, today_shanghai
from domain.params import clean_text
from domain.permissions import Permission, agency_scope

actor = require(Permission.CASES_READ)
engine = get_engine()
scope = agency_scope(actor)
names = agency_options(engine)
st.title("案件")
st.caption(f"范围：{md(names.get(scope, '')) if scope else '全部执法主体'}")

linked, linked_record = case_filters_from_params(st.query_params.to_dict())
url = UrlFilters("cases", {"q": linked.q, "status": linked.status, "major": linked.major_only,
                           "agency": linked.agency_id if linked.agency_id in names else None,
                           "officer": linked_record.officer, "stage": linked_record.stage,
                           "overdue": linked_record.overdue})
c1, c2, c3 = st.columns([3, 2, 1])
q = c1.text_input("案号、当事人或决定书文号", key=url.key("q"), max_chars=MAX_CASE_TEXT)
status = c2.selectbox("状态", [None, *CaseStatus], key=url.key("status"), placeholder=ALL,
                      format_func=lambda s: ALL if s is None else s.value)
major = c3.checkbox("仅重大案件", key=url.key("major"))
agency = None
if scope is None:
    agency = st.selectbox("执法主体", [None, *names], key=url.key("agency"), placeholder=ALL,
                          format_func=lambda i: ALL if i is None else names[i])
c4, c5, c6 = st.columns([3, 2, 1])
officer = c4.text_input("执法人员（执法证号或姓名）", key=url.key("officer"), max_chars=MAX_CASE_TEXT)
stage = c5.selectbox("记录到的环节", [None, *Stage], key=url.key("stage"), placeholder=ALL,
                     format_func=lambda s: ALL if s is None else s.value)
overdue = c6.checkbox("逾期", key=url.key("overdue"),
                      help="立案后超过90日（含经批准的延长期）才作出或仍未作出处罚决定，或决定书未在7个工作日内送达（简易程序为当场交付）。")
chosen = CaseFilters(q=clean_text(q, MAX_CASE_TEXT), status=status, agency_id=agency, major_only=major)
chosen_record = RecordFilters(officer=clean_text(officer, MAX_CASE_TEXT), stage=stage, overdue=overdue)
url.publish(case_filters_to_params(chosen, chosen_record))

today = today_shanghai()
counts = search_case_status_counts(engine, scope, chosen, chosen_record, today)
frame, total = search_cases(engine, scope, chosen, chosen_record, today)
st.markdown(f"共 {format_count(total)} 件" + ("（显示最新 200 件）" if total > 200 else ""))
st.caption("按状态（符合除状态外其他条件的案件）：" + (md(" · ".join(f"{k} {format_count(v)}" for k, v in counts.items()))
                                             if counts else "无"))
event = show_table(display_frame(frame, CASE_TABLE_LABELS, money=("fine_total",), dates=("filed_on", "decided_on"),
                                 link=("case", "id")), key="case_table", selectable=True, widths=CASE_WIDTHS)
if event is not None and event.selection.rows:
    row = frame.iloc[event.selection.rows[0]]
    st.page_link("pages/case.py", label=f"打开案件 {md(row['case_no'])}", query_params={"id": str(int(row["id"]))},
                 icon=":material/open_in_new:")
