"""案件详情 (?id=…): the full record for staff — 记录完整性 (hash chain) badge, 完整性评分 with what is missing, the
timeline with its statutory clocks, and for officers of the case's own agency the form that appends a step."""

import datetime as dt

import streamlit as st

from components.auth import require
from components.cached import after_case_event, after_decision_recorded
from components.data import get_engine
from components.discretion import show_discretion_check
from components.review import rounds_table
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
from db.discretion import decision_check
from db.events import NewEvent, agency_officers, append_event, evidence_from_bytes, load_case_facts
from db.integrity import case_chain_status
from db.queries import case_detail
from db.reviews import (
    DecisionForm,
    ProposalForm,
    benchmark_choices,
    proposal_check,
    proposal_of,
    record_decision,
    record_proposal,
    rounds_of,
    submit_for_review,
    supplement_materials,
)
from db.stats import load_calendar
from domain.enums import DiscretionTier, MajorReason, PenaltyType, RecordForm, Stage
from domain.formatting import SHANGHAI, format_date, format_datetime, format_yuan, today_shanghai
from domain.major import CONFISCATION_TYPES, MANUAL_TRIGGERS
from domain.numbers import parse_amount_yuan
from domain.params import parse_id
from domain.permissions import Permission, can, can_access_agency, may_record
from domain.procedure import case_clocks, completeness
from domain.review import MATERIAL_LABELS, MATERIALS, ReviewAction, missing_materials

FLASH = "case_event_flash"
AMOUNT_TYPES = frozenset({PenaltyType.FINE, *CONFISCATION_TYPES})

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
    if (check := decision_check(engine, case_id=detail.id)) is not None:
        found = "、".join(f.value for f in check.flags) or "未发现问题"
        with st.expander(f"裁量基准核查：{md(found)}", expanded=bool(check.open_flags())):
            show_discretion_check(check.check, tier_circumstance=check.tier_circumstance,
                                  tier_standard=check.tier_standard, legal_basis=check.legal_basis,
                                  resolutions=check.resolutions)
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
review_rounds = rounds_of(engine, detail.id)
proposal = proposal_of(engine, detail.id)
if proposal is not None:
    st.markdown(f"**拟处理决定（第{md(proposal.version)}版）**")
    for kind, amount in proposal.items:
        st.markdown(f"- {md(kind.value)}" + (f"：{format_yuan(amount, compact=False)}" if amount is not None else ""))
    if proposal.is_major:
        st.warning(f"按本机关重大执法决定法制审核目录清单，本案为重大执法决定：{md(proposal.major_explanation)}",
                   icon=":material/gavel:")
    if proposal.benchmark_tier_id is not None:
        # Warnings, not refusals: the officer sees how the proposed fine sits in the benchmark before it is reviewed.
        proposed_check = proposal_check(engine, proposal.benchmark_tier_id, proposal.claimed_tier, proposal.items,
                                        proposal.discretion_statement)
        found = "、".join(f.value for f in proposed_check.flags) if proposed_check else ""
        with st.expander(f"拟处理决定的裁量基准核查：{md(found or '未发现问题')}", expanded=bool(found)):
            show_discretion_check(proposed_check)
if review_rounds:
    show_table(rounds_table(review_rounds))
    if review_rounds[-1].pending and can(actor, Permission.REVIEWS_DECIDE):
        st.page_link("pages/review.py", label="进行法制审核", query_params={"case": str(detail.id)},
                     icon=":material/rate_review:")
else:
    st.caption("尚未报送法制审核。")
if may_record(actor, detail.agency_id) and detail.decided_on is None:
    # 拟处理决定: every save is a new version, and the major-decision assessment is made again from it.
    pv = st.session_state.setdefault("proposal_form_version", 0)
    with st.expander("填写或修改拟处理决定", expanded=proposal is None):
        amounts = {t: a for t, a in proposal.items if a is not None} if proposal else {}
        stated = {r for r in MajorReason if r.value in (detail.major_reasons or "").split("；")}
        with st.form(f"proposal_{pv}"):
            c1, c2, c3 = st.columns(3)
            fine_text = c1.text_input("罚款（元）", value=str(amounts.get(PenaltyType.FINE, "")), key=f"pp_fine_{pv}",
                                      placeholder="例如：150000 或 15万")
            gains_text = c2.text_input("没收违法所得（元）", value=str(amounts.get(PenaltyType.CONFISCATE_GAINS, "")),
                                       key=f"pp_gains_{pv}", placeholder="没有的留空")
            property_text = c3.text_input("没收非法财物价值（元）",
                                          value=str(amounts.get(PenaltyType.CONFISCATE_PROPERTY, "")),
                                          key=f"pp_property_{pv}", placeholder="没有的留空")
            other_types = [t for t in PenaltyType if t not in AMOUNT_TYPES]
            others = st.multiselect("其他处罚种类", other_types, format_func=lambda t: t.value, key=f"pp_types_{pv}",
                                    default=[t for t, a in proposal.items if t in other_types] if proposal else [],
                                    placeholder="如警告、责令停产停业、吊销许可证件")
            basis = st.text_area("拟适用的法律依据", value=proposal.legal_basis if proposal else "", key=f"pp_basis_{pv}",
                                 placeholder="法律、法规、规章名称及条款")
            facts = st.text_area("违法事实", value=proposal.facts if proposal else detail.facts, key=f"pp_facts_{pv}")
            c4, c5 = st.columns(2)
            # Without a proposal yet, start from what the case record already states (e.g. imported reasons).
            hearing = c4.checkbox("已经过听证程序", key=f"pp_hearing_{pv}",
                                  value=proposal.hearing_held if proposal else MajorReason.HEARING in stated)
            manual = c5.multiselect("承办机构认定的重大情形", list(MANUAL_TRIGGERS), format_func=lambda r: r.value,
                                    default=[r for r in MANUAL_TRIGGERS if (r in proposal.manual if proposal
                                                                            else r in stated)],
                                    key=f"pp_manual_{pv}", placeholder="金额、处罚种类、听证由系统按目录清单判断")
            tiers = benchmark_choices(engine, detail.agency_id, today)
            tier_id = st.selectbox("适用的裁量基准条目和档次", list(tiers), format_func=tiers.get, key=f"pp_tier_{pv}",
                                   index=list(tiers).index(proposal.benchmark_tier_id)
                                   if proposal and proposal.benchmark_tier_id in tiers else None,
                                   placeholder="选择本机关现行裁量基准的条目和档次")
            claimed = st.selectbox("裁量阶次", list(DiscretionTier), format_func=lambda t: t.value,
                                   key=f"pp_claimed_{pv}", placeholder="从轻、一般、从重或减轻",
                                   index=list(DiscretionTier).index(proposal.claimed_tier)
                                   if proposal and proposal.claimed_tier else None)
            statement = st.text_area("裁量说明", value=proposal.discretion_statement if proposal else "",
                                     key=f"pp_statement_{pv}", placeholder="说明适用的档次和理由")
            save = st.form_submit_button("保存拟处理决定")
        if save:
            items, problems = [], []
            for kind, raw in ((PenaltyType.FINE, fine_text), (PenaltyType.CONFISCATE_GAINS, gains_text),
                              (PenaltyType.CONFISCATE_PROPERTY, property_text)):
                if raw.strip():
                    try:
                        items.append((kind, parse_amount_yuan(raw)))
                    except ValueError:
                        problems.append(f"{kind.value}金额“{raw.strip()[:30]}”无法识别，请填写数字（元），如150000或15万")
            items.extend((t, None) for t in others)
            if problems:
                for message in problems:
                    st.error(md(message))
            else:
                result = record_proposal(engine, detail.id, ProposalForm(
                    items=tuple(items), legal_basis=basis, facts=facts, hearing_held=hearing, manual=frozenset(manual),
                    claimed_tier=claimed, benchmark_tier_id=tier_id, discretion_statement=statement), actor)
                if result.ok:
                    st.session_state["proposal_form_version"] = pv + 1
                    st.session_state[FLASH] = f"拟处理决定已保存（第{result.id}版）。"
                    st.rerun()
                for message in result.errors:
                    st.error(md(message))

    last_round = review_rounds[-1] if review_rounds else None
    if proposal is not None and (proposal.is_major or detail.is_major):
        sv = st.session_state.setdefault("submit_version", 0)
        if last_round is not None and last_round.pending:
            st.info(f"第{md(last_round.round_no)}轮法制审核进行中（报送于{format_date(last_round.submitted_on)}）。")
            lacking = [k for k, _ in MATERIALS if k not in last_round.materials]
            if lacking and not last_round.imported:
                st.warning("送审材料不全，审核期限自材料补齐之日起计算。缺少："
                           + "、".join(md(MATERIAL_LABELS[k]) for k in lacking))
                extra = st.multiselect("补充材料", lacking, format_func=MATERIAL_LABELS.get, key=f"supplement_{sv}",
                                       placeholder="选择本次补充的材料")
                if st.button("提交补充材料", key=f"supplement_button_{sv}"):
                    result = supplement_materials(engine, detail.id, extra, "", actor, today)
                    if result.ok:
                        st.session_state["submit_version"] = sv + 1
                        st.session_state[FLASH] = "补充材料已提交。"
                        st.rerun()
                    for message in result.errors:
                        st.error(md(message))
        else:
            label = "重新报送法制审核" if last_round is not None else "报送法制审核"
            st.markdown(f"**{md(label)}**")
            ready = ["proposed_decision"] + (["discretion_statement"] if proposal.discretion_statement else [])
            provided = st.multiselect("随案报送的材料", [k for k, _ in MATERIALS], format_func=MATERIAL_LABELS.get,
                                      key=f"materials_{sv}", default=ready, placeholder="选择已准备好的送审材料")
            missing = missing_materials(provided)
            if missing:
                st.warning("缺少送审材料：" + "、".join(md(x) for x in missing)
                           + "。可以先行报送，审核期限自材料补齐之日起计算。", icon=":material/warning:")
            response = ""
            if last_round is not None and last_round.conclusion is ReviewAction.RETURN:
                st.caption(f"第{md(last_round.round_no)}轮审核意见：{md(last_round.opinion)}")
                response = st.text_area("对审核意见的研究处理情况", key=f"response_{sv}",
                                        placeholder="说明已如何修改或补充，以及不采纳的理由")
            if st.button(md(label), type="primary", key=f"submit_review_{sv}"):
                result = submit_for_review(engine, detail.id, provided, actor, today, response=response)
                if result.ok:
                    st.session_state["submit_version"] = sv + 1
                    st.session_state[FLASH] = f"已{label}（第{result.id}轮）。"
                    st.rerun()
                for message in result.errors:
                    st.error(md(message))

    if proposal is not None:
        dv = st.session_state.setdefault("decision_version", 0)
        st.markdown("**作出决定**")
        st.caption("重大执法决定须经法制审核同意后方可作出（行政处罚法第五十八条）。决定按拟处理决定的内容记录，并即时公示。")
        with st.form(f"decision_{dv}"):
            c1, c2 = st.columns(2)
            number = c1.text_input("决定书文号", key=f"decision_no_{dv}", placeholder="例如：青市监罚〔2026〕101号")
            decided_on = c2.date_input("决定日期", value=today, max_value=today, key=f"decided_on_{dv}",
                                       format="YYYY-MM-DD")
            decide = st.form_submit_button("记录决定", type="primary")
        if decide:
            result = record_decision(engine, detail.id, DecisionForm(number, decided_on), actor, today)
            if result.ok:
                after_decision_recorded()
                st.session_state["decision_version"] = dv + 1
                st.session_state[FLASH] = f"决定{number.strip()}已记录并公示。"
                st.rerun()
            for message in result.errors:
                st.error(md(message))

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
