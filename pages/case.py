"""案件详情 (?id=…): the full record for staff — 记录完整性 (hash chain) badge, 完整性评分 with what is missing, the
timeline with its statutory clocks, and for officers of the case's own agency the form that appends a step."""

import datetime as dt

import streamlit as st

from components.auth import require
from components.cached import after_case_event
from components.data import get_engine
from components.tables import show_table
from components.text import md, show_text
from components.timeline import (
    LATE_STATES,
    case_timeline_chart,
    checks_table,
    clocks_table,
    correction_labels,
    officer_labels,
    timeline_events,
)
from components.words import CHOOSE, CHOOSE_MANY
from db.events import NewEvent, agency_officers, append_event, evidence_from_bytes, load_case_facts
from db.integrity import case_chain_status
from db.queries import case_detail
from db.stats import load_calendar
from domain.enums import RecordForm, Stage
from domain.formatting import SHANGHAI, format_date, format_datetime, today_shanghai
from domain.params import parse_id
from domain.permissions import Permission, can_access_agency, may_record
from domain.procedure import case_clocks, completeness

FLASH = "case_event_flash"

actor = require(Permission.CASES_READ)
engine = get_engine()
case_id = parse_id(st.query_params.get("id", ""))
detail = case_detail(engine, case_id) if case_id is not None else None
if detail is None or not can_access_agency(actor, detail.agency_id):
    st.title("案件详情")
    st.warning("未找到该案件，或您无权查看其他执法主体的案件。")
    st.stop()
record = load_case_facts(engine, detail.id)
today = today_shanghai()

st.title(f"案件 {md(detail.case_no)}")
if flash := st.session_state.pop(FLASH, None):
    st.success(md(flash), icon=":material/check_circle:")
broken = case_chain_status(engine, detail.id)
if broken is None:
    st.success("记录完整性：已验证，全过程记录未被改动。", icon=":material/verified:")
else:
    st.error(f"记录完整性：第 {md(broken.seq)} 条记录处断裂（{md(broken.reason)}）。", icon=":material/gpp_bad:")
if detail.unreviewed_major:
    st.warning("该案为重大执法决定，但没有通过法制审核的记录（历史导入数据，按未经法制审核处理）。")

c1, c2, c3 = st.columns(3)
c1.markdown(f"**执法主体**：{md(detail.agency)}  \n**当事人**：{md(detail.party)}（{md(detail.party_type)}）")
c2.markdown(f"**程序**：{md(detail.procedure)}  \n**立案日期**：{format_date(detail.filed_on)}  \n**状态**：{md(detail.status)}")
c3.markdown(f"**重大案件**：{'是（' + md(detail.major_reasons) + '）' if detail.is_major else '否'}  \n"
            f"**来源**：{md(detail.origin)}")
st.markdown(f"**违法行为**：{md(detail.violation)}")
show_text(detail.facts)
if detail.decision_no:
    st.markdown(f"**决定**：{md(detail.decision_no)}（{format_date(detail.decided_on)}）{md(detail.conclusion)}")
if detail.internal_note:
    st.caption(f"内部备注：{md(detail.internal_note)}")

st.subheader("执法全过程记录")
events = detail.events.copy()
if not events.empty:
    labels = correction_labels(timeline_events(record.facts))
    events["correction"] = events["seq"].map(lambda s: labels.get(int(s), ""))
    events["officer_cert_nos"] = events["officer_cert_nos"].map(lambda s: officer_labels(s, record.officers))
    events["occurred_at"] = events["occurred_at"].map(format_datetime)
    events = events.drop(columns=["hash"]).rename(columns={
        "seq": "序号", "occurred_at": "时间", "stage": "环节", "action": "执法行为", "officer_cert_nos": "执法人员（执法证号）",
        "document_no": "文书编号", "record_forms": "记录形式", "location": "地点", "note": "备注", "correction": "更正"})
show_table(events)

st.subheader("完整性评分")
score = completeness(record.facts, record.officers, agency_id=record.agency_id)
left, right = st.columns([1, 3])
left.metric("完整性评分", score.score, help="按本案程序类型的案卷评查清单加权计分（满分100），只计适用的项目。")
if score.missing:
    right.markdown("**缺失或不符合要求的事项**\n" + "\n".join(f"- {md(item)}" for item in score.missing))
else:
    right.success("清单所列事项均已记录且符合要求。")
if detail.decided_on is None:
    st.caption("本案尚未作出决定：尚未进行的环节（决定、送达、执行、决定书要素）计为缺失，评分随办案进展更新。")
with st.expander("核查清单"):
    show_table(checks_table(score))

st.subheader("办案时间轴与法定时限")
clocks = case_clocks(record.facts, load_calendar(engine), today)
st.altair_chart(case_timeline_chart(timeline_events(record.facts), clocks), width="stretch")
for clock in (c for c in clocks if c.status in LATE_STATES):
    st.error(f"{md(clock.name)}：{md(clock.status)}{md(clock.overdue_days)}个{md(clock.unit)}（届满日{clock.due.isoformat()}，"
             f"{md(clock.basis)}）", icon=":material/schedule:")
if clocks:
    show_table(clocks_table(clocks))
else:
    st.info("本案不适用行政处罚法规定的办案时限（立案至决定、送达、听证），也没有法制审核记录。")

st.subheader("法制审核")
show_table(detail.reviews.rename(columns={"round_no": "轮次", "submitted_on": "报送日期", "reviewed_on": "审核日期",
                                          "outcome": "审核结论", "opinion": "审核意见"}))

if may_record(actor, detail.agency_id):
    st.subheader("追加执法记录")
    st.caption("执法记录只能追加，不能修改或删除；如需修改已有记录，请在“更正”中选择被更正的记录后录入正确内容。时间为北京时间。")
    v = st.session_state.setdefault("ev_form_version", 0)  # a new version gives fresh, empty widgets after saving
    now = dt.datetime.now(SHANGHAI)
    st.session_state.setdefault(f"ev_date_{v}", now.date())
    st.session_state.setdefault(f"ev_time_{v}", now.time().replace(second=0, microsecond=0))
    officers = agency_officers(record, today)
    steps = {e.seq: f"第{e.seq}条（{e.stage.value}·{e.action}）" for e in record.facts.events}
    with st.form(f"add_event_{v}"):
        c1, c2 = st.columns(2)
        stage = c1.selectbox("环节", list(Stage), format_func=lambda s: s.value, key=f"ev_stage_{v}", placeholder=CHOOSE)
        action = c2.text_input("执法行为", key=f"ev_action_{v}", placeholder="例如：现场检查、询问调查、送达决定书")
        day = c1.date_input("发生日期", key=f"ev_date_{v}", format="YYYY-MM-DD")
        at_time = c2.time_input("发生时间（北京时间）", key=f"ev_time_{v}", step=60)
        certs = st.multiselect("在场执法人员（姓名与执法证号）", list(officers), format_func=officers.get,
                               placeholder=CHOOSE_MANY, select_all=False,
                               key=f"ev_officers_{v}", help="现场执法活动不得少于两名持有效执法证的执法人员。")
        forms = st.multiselect("记录形式", list(RecordForm), default=[RecordForm.TEXT], format_func=lambda f: f.value,
                               placeholder=CHOOSE_MANY, select_all=False,
                               key=f"ev_forms_{v}", help="查封扣押、强制拆除等及在执法办案场所的活动须全程音像记录。")
        c3, c4 = st.columns(2)
        document_no = c3.text_input("文书编号", key=f"ev_doc_{v}")
        location = c4.text_input("地点", key=f"ev_location_{v}")
        note = st.text_area("备注", key=f"ev_note_{v}")
        corrects = st.selectbox("更正", [None, *steps], key=f"ev_corrects_{v}", placeholder=CHOOSE,
                                format_func=lambda s: "不是更正（新增一条记录）" if s is None else f"更正{steps[s]}")
        files = st.file_uploader("证据文件（可选，可多选）", accept_multiple_files=True, key=f"ev_files_{v}",
                                 help="系统保存文件名、类型、大小和SHA-256；文件本身存放于证据存储。")
        submitted = st.form_submit_button("追加记录", type="primary", key=f"ev_submit_{v}")
    if submitted:
        new = NewEvent(stage=stage, action=action, occurred_at=dt.datetime.combine(day, at_time, tzinfo=SHANGHAI),
                       officer_cert_nos=tuple(certs), record_forms=tuple(forms), document_no=document_no,
                       location=location, note=note, corrects_seq=corrects,
                       evidence=tuple(evidence_from_bytes(f.name, f.type, f.getvalue()) for f in files or ()))
        result = append_event(engine, detail.id, new, actor, dt.datetime.now(SHANGHAI))
        if result.ok:
            after_case_event()
            st.session_state["ev_form_version"] = v + 1
            st.session_state[FLASH] = f"已追加第{len(record.facts.events) + 1}条记录（{stage.value}·{action.strip()}）。"
            st.rerun()
        for message in result.errors:
            st.error(md(message))
