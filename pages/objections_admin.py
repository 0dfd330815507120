"""异议处理: the objections to the agency's published information, with their 10-working-day clock; an officer of
the agency answers, and the answer (and any correction) is recorded in the decision's disclosure history."""

import pandas as pd
import streamlit as st

from components.auth import require
from components.data import get_engine
from components.tables import display_frame, show_table
from components.text import md
from components.words import CHOOSE
from db.inspections import agency_objections, answer_objection
from domain.credit import objection_clock
from domain.enums import ObjectionStatus
from domain.formatting import today_shanghai
from domain.permissions import Permission, agency_scope, may_record

actor = require(Permission.CASES_READ)
engine = get_engine()
today = today_shanghai()
st.title("异议处理")
st.caption("公众对公示信息提出的异议，由公示机关在 10 个工作日内答复（按法定节假日和调休计算）。答复和更正公开，并记入公示记录。")

frame = agency_objections(engine, agency_scope(actor))
clocks = []
for row in frame.to_dict("records"):
    answered = None if pd.isna(row["answered_on"]) else row["answered_on"]
    clock = objection_clock(row["submitted_on"], today, answered)
    if row["status"] != ObjectionStatus.OPEN.value:
        clocks.append("逾期答复" if clock.overdue else "按时答复")
    else:
        clocks.append("已逾期" if clock.overdue else f"剩余 {clock.remaining_workdays} 个工作日")
frame["clock"] = clocks
show_table(display_frame(frame, {"id": "编号", "agency": "公示机关", "submitted_at": "提交时间", "decision_id": "决定编号",
                                 "entity_uscc": "统一社会信用代码", "content": "异议内容", "contact": "联系方式",
                                 "status": "状态", "due_on": "答复期限", "clock": "时限", "answer": "答复"},
                         dates=("due_on",), instants=("submitted_at",)))

open_rows = frame[frame["status"] == ObjectionStatus.OPEN.value] if not frame.empty else frame
if open_rows.empty:
    st.stop()
st.subheader("答复异议")
options = {int(r.id): f"{r.id}：{str(r.content)[:30]}" for r in open_rows.itertuples()}
chosen = st.selectbox("选择异议", list(options), format_func=lambda i: options[i], placeholder=CHOOSE)
agency_id = int(open_rows[open_rows["id"] == chosen]["agency_id"].iloc[0])
if not may_record(actor, agency_id):
    st.info("只有该公示机关的执法人员可以答复异议。")
    st.stop()
with st.form("answer_form"):
    answer = st.text_area("答复内容（将公开）", max_chars=1000)
    corrected = st.checkbox("已据此更正公示信息")
    sent = st.form_submit_button("提交答复", type="primary")
if sent:
    result = answer_objection(engine, int(chosen), answer=answer, corrected=corrected, actor=actor.username,
                              scope_agency_id=agency_scope(actor), today=today)
    if result.ok:
        st.success("已答复，答复已记入公示记录。")
    else:
        for message in result.errors:
            st.error(md(message))
