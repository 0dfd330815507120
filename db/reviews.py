"""法制审核 commands: the proposed decision (拟处理决定) with its major-decision assessment, submission and
resubmission, claim/assign, supplements and extension, the written opinion, and recording the decision behind
the gate. Rules live in domain.major and domain.review; every command audits and writes nothing when refused.

Review rounds and their steps are append-only (a round row is never changed): each state change is a new
``review_steps`` row, and the current state is read back through db.review_rounds."""

from __future__ import annotations

import csv
import datetime as dt
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

import pandas as pd
from sqlalchemy import Connection, Engine, Select, func, or_, select
from sqlalchemy.exc import DBAPIError, IntegrityError, OperationalError
from sqlalchemy.orm import Session

from db import models as m
from db.board import board_rows, current_version, iter_board
from db.commands import CommandResult, record_audit
from db.discretion import check_proposed
from db.engine import session_scope, snapshot_session_scope
from db.events import CONFLICT_MESSAGE, ChainConflict, NewEvent, append_in_session
from db.projection import project_decisions
from db.review_rounds import RoundView, load_major_rules, load_rounds, major_rules_by_agency
from domain.discretion_check import DiscretionCheck, departs_from_benchmark
from domain.enums import (
    ActionCategory,
    CaseStatus,
    DisclosureStatus,
    DiscretionTier,
    MajorReason,
    PartyType,
    PenaltyType,
    ReviewStepKind,
    Stage,
)
from domain.major import DEFAULT_MAJOR_RULES, MajorRules, ProposedPenalty, assess_major, claims_departure, join_types
from domain.opendata import neutralise_csv_cell
from domain.params import bad_characters_message, has_bad_characters
from domain.permissions import Actor, Permission, can, may_record, may_record_review
from domain.review import (
    CHECKLIST_LABELS,
    MATERIAL_LABELS,
    ReviewAction,
    ReviewDecision,
    ReviewRound,
    available_actions,
    decision_gate,
    qualification_problem,
    recusal_problem,
    review_clock,
    reviewers_required,
    validate_decision,
)
from domain.workdays import WorkCalendar

GATE_REFUSAL = "重大执法决定未经法制审核或者审核未通过，不得作出决定（行政处罚法第五十八条）"


class _Refused(Exception):
    def __init__(self, errors: tuple[str, ...]):
        self.errors = errors


# --- reads ------------------------------------------------------------------------------------------------------


def rounds_of(engine: Engine, case_id: int) -> list[RoundView]:
    with engine.connect() as conn:
        return load_rounds(conn, [case_id]).get(case_id, [])


def latest_round(engine: Engine, case_id: int) -> ReviewRound | None:
    with engine.connect() as conn:
        agency_id = conn.execute(select(m.Case.agency_id).where(m.Case.id == case_id)).scalar_one_or_none()
        rounds = load_rounds(conn, [case_id]).get(case_id, [])
    if agency_id is None or not rounds:
        return None
    last = rounds[-1]
    return ReviewRound(case_id, agency_id, last.round_no, last.submitted_on, last.outcome, is_latest=True)


def reviewer_problem(conn: Connection, officer_id: int | None) -> str | None:
    """行政处罚法 art. 58 ¶2 on the reviewer's officer record; None when they may review."""
    if officer_id is None:
        return "您的账号未关联执法人员信息，不能审核"
    o = m.Officer
    row = conn.execute(select(o.is_legal_reviewer, o.has_legal_qualification, o.first_reviewed_on)
                       .where(o.id == officer_id)).one_or_none()
    if row is None:
        return "您的账号未关联执法人员信息，不能审核"
    return qualification_problem(bool(row.is_legal_reviewer), bool(row.has_legal_qualification), row.first_reviewed_on)


def reviewer_qualified(engine: Engine, actor: Actor) -> bool:
    with engine.connect() as conn:
        return reviewer_problem(conn, actor.officer_id) is None


def handling_officer_ids(conn: Connection, case_id: int) -> set[int]:
    """Officers who took part in the case: present at any recorded step, or the one who submitted it."""
    e, eo, s, r = m.CaseEvent, m.EventOfficer, m.ReviewStep, m.LegalReview
    present = set(conn.execute(select(eo.officer_id).join(e, e.id == eo.event_id).where(e.case_id == case_id)).scalars())
    submitted = conn.execute(select(s.officer_id).join(r, r.id == s.review_id)
                             .where(r.case_id == case_id, s.kind == ReviewStepKind.SUBMIT)).scalars()
    return present | {x for x in submitted if x is not None}


@dataclass(frozen=True)
class Proposal:
    id: int
    version: int
    items: tuple[tuple[PenaltyType, Decimal | None], ...]
    fine_total: Decimal
    confiscation_total: Decimal
    legal_basis: str
    facts: str
    hearing_held: bool
    manual: frozenset[MajorReason]
    benchmark_tier_id: int | None
    claimed_tier: DiscretionTier | None
    discretion_statement: str
    is_major: bool
    major_reasons: str
    major_explanation: str
    recorded_at: dt.datetime


def _items_from_json(text: str) -> tuple[tuple[PenaltyType, Decimal | None], ...]:
    return tuple((PenaltyType(x["type"]), Decimal(x["amount"]) if x.get("amount") is not None else None)
                 for x in json.loads(text or "[]"))


def latest_proposal(conn: Connection, case_id: int) -> Proposal | None:
    p = m.ProposedPenalty
    row = conn.execute(select(*p.__table__.c).where(p.case_id == case_id).order_by(p.version.desc()).limit(1)
                       ).one_or_none()
    if row is None:
        return None
    return Proposal(
        id=row.id, version=row.version, items=_items_from_json(row.items), fine_total=row.fine_total,
        confiscation_total=row.confiscation_total, legal_basis=row.legal_basis, facts=row.facts,
        hearing_held=bool(row.hearing_held),
        manual=frozenset(MajorReason(x) for x in row.manual_triggers.split("；") if x),
        benchmark_tier_id=row.benchmark_tier_id, claimed_tier=row.claimed_tier,
        discretion_statement=row.discretion_statement, is_major=bool(row.is_major), major_reasons=row.major_reasons,
        major_explanation=row.major_explanation, recorded_at=row.recorded_at)


def proposal_of(engine: Engine, case_id: int) -> Proposal | None:
    with engine.connect() as conn:
        return latest_proposal(conn, case_id)


# --- the proposed decision ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ProposalForm:
    items: tuple[tuple[PenaltyType, Decimal | None], ...]
    legal_basis: str
    facts: str
    hearing_held: bool = False
    manual: frozenset[MajorReason] = field(default_factory=frozenset)
    claimed_tier: DiscretionTier | None = None
    benchmark_tier_id: int | None = None
    discretion_statement: str = ""
    # The discretion check's verdict when it is available; otherwise the claimed tier (减轻) decides.
    departs_from_benchmark: bool | None = None


_AMOUNT_TYPES = frozenset({PenaltyType.FINE, PenaltyType.CONFISCATE_GAINS, PenaltyType.CONFISCATE_PROPERTY})


def proposal_problems(form: ProposalForm) -> list[str]:
    errors: list[str] = []
    if not form.items:
        errors.append("请至少填写一项拟处罚种类")
    for kind, amount in form.items:
        if kind in _AMOUNT_TYPES and (amount is None or amount <= 0):
            errors.append(f"“{kind.value}”应填写大于0的金额（元）")
        if amount is not None and amount < 0:
            errors.append(f"“{kind.value}”的金额不能为负数")
    if not form.legal_basis.strip():
        errors.append("请填写拟适用的法律依据")
    if not form.facts.strip():
        errors.append("请填写违法事实")
    for label, value in (("法律依据", form.legal_basis), ("违法事实", form.facts), ("裁量说明", form.discretion_statement)):
        if has_bad_characters(value, multiline=True):
            errors.append(bad_characters_message(label))
    return errors


def proposal_check(engine: Engine, benchmark_tier_id: int | None, claimed_tier: DiscretionTier | None,
                   items: Sequence[tuple[PenaltyType, Decimal | None]], statement: str) -> DiscretionCheck | None:
    """The discretion check of a proposed fine against the benchmark tier it applies (nothing written): it decides
    the 重大 trigger "departs from the benchmark" and is shown to the reviewer. None without a tier or a fine."""
    fine = sum((a for t, a in items if t is PenaltyType.FINE and a is not None), Decimal(0))
    if benchmark_tier_id is None or fine <= 0:
        return None
    return check_proposed(engine, benchmark_tier_id=benchmark_tier_id, claimed_tier=claimed_tier, amount=fine,
                          base_amount=None, statement=statement)


def record_proposal(engine: Engine, case_id: int, form: ProposalForm, actor: Actor,
                    now: dt.datetime | None = None) -> CommandResult:
    """A new version of the 拟处理决定; the case's major flag and reasons are recomputed from it."""
    errors = proposal_problems(form)
    if errors:
        return CommandResult(False, tuple(errors))
    now = now or dt.datetime.now(dt.UTC)
    departs = form.departs_from_benchmark
    if departs is None:
        check = proposal_check(engine, form.benchmark_tier_id, form.claimed_tier, form.items,
                               form.discretion_statement)
        departs = departs_from_benchmark(check) if check is not None else claims_departure(form.claimed_tier)
    try:
        with session_scope(engine) as session:
            conn = session.connection()
            case = conn.execute(select(m.Case.agency_id, m.Party.party_type)
                                .join(m.Party, m.Party.id == m.Case.party_id).where(m.Case.id == case_id)).one_or_none()
            if case is None:
                raise _Refused(("案件不存在",))
            if not may_record(actor, case.agency_id):
                raise _Refused(("只有本案所属执法主体的执法人员可以填写拟处理决定",))
            if conn.execute(select(m.Decision.id).where(m.Decision.case_id == case_id)).first():
                raise _Refused(("本案已作出决定，不能再修改拟处理决定",))
            rounds = load_rounds(conn, [case_id]).get(case_id, [])
            if rounds and rounds[-1].pending:
                raise _Refused((f"第{rounds[-1].round_no}轮法制审核进行中，不能修改拟处理决定；"
                                "请待审核意见作出后修改并重新报送",))
            assessment = assess_major(load_major_rules(conn, case.agency_id), ProposedPenalty(
                PartyType(case.party_type), form.items, form.hearing_held, departs, form.manual))
            version = (conn.execute(select(func.max(m.ProposedPenalty.version))
                                    .where(m.ProposedPenalty.case_id == case_id)).scalar() or 0) + 1
            row = m.ProposedPenalty(
                case_id=case_id, version=version,
                items=json.dumps([{"type": t.value, "amount": None if a is None else str(a)} for t, a in form.items],
                                 ensure_ascii=False),
                fine_total=ProposedPenalty(PartyType(case.party_type), form.items).fine_total,
                confiscation_total=ProposedPenalty(PartyType(case.party_type), form.items).confiscation_total,
                legal_basis=form.legal_basis.strip(), facts=form.facts.strip(), hearing_held=form.hearing_held,
                manual_triggers="；".join(r.value for r in MajorReason if r in form.manual),
                benchmark_tier_id=form.benchmark_tier_id, claimed_tier=form.claimed_tier,
                discretion_statement=form.discretion_statement.strip(), is_major=assessment.is_major,
                major_reasons=assessment.reasons_text, major_explanation=assessment.explanation,
                recorded_at=now, recorded_by=actor.username[:50])
            session.add(row)
            case_row = session.get(m.Case, case_id)
            assert case_row is not None
            case_row.is_major = assessment.is_major
            case_row.major_reasons = assessment.reasons_text
            case_row.updated_by = actor.username[:50]
            session.flush()
            record_audit(session, actor.username, "record_proposal", "proposed_penalties", row.id,
                         {"case_id": case_id, "version": version, "major": assessment.is_major,
                          "reasons": assessment.reasons_text})
            return CommandResult(True, id=version)
    except _Refused as refused:
        return CommandResult(False, refused.errors)


# --- submission, supplements, claim, extension --------------------------------------------------------------------


def _case_for_officer(conn: Connection, case_id: int, actor: Actor) -> tuple[int, list[RoundView]]:
    agency_id = conn.execute(select(m.Case.agency_id).where(m.Case.id == case_id)).scalar_one_or_none()
    if agency_id is None:
        raise _Refused(("案件不存在",))
    if not may_record(actor, agency_id):
        raise _Refused(("只有本案所属执法主体的执法人员可以报送法制审核",))
    return agency_id, load_rounds(conn, [case_id]).get(case_id, [])


def _step(session: Session, review_id: int, kind: ReviewStepKind, actor: Actor, on: dt.date, now: dt.datetime,
          **values: object) -> m.ReviewStep:
    step = m.ReviewStep(review_id=review_id, kind=kind, occurred_on=on, recorded_at=now,
                        recorded_by=actor.username[:50], officer_id=actor.officer_id, **values)
    session.add(step)
    session.flush()
    return step


def _materials(materials: Iterable[str]) -> str:
    return "、".join(k for k in MATERIAL_LABELS if k in set(materials))


def submit_for_review(engine: Engine, case_id: int, materials: Iterable[str], actor: Actor, today: dt.date,
                      now: dt.datetime | None = None, response: str = "") -> CommandResult:
    """报送 / 重新报送: a new round with the materials handed over. Missing materials are recorded as missing
    (the review clock waits for them); a case without a proposed decision cannot be submitted; after 存在问题 the
    resubmission states how the opinion was dealt with (``response``)."""
    now = now or dt.datetime.now(dt.UTC)
    try:
        with session_scope(engine) as session:
            conn = session.connection()
            _agency, rounds = _case_for_officer(conn, case_id, actor)
            proposal = latest_proposal(conn, case_id)
            if proposal is None:
                raise _Refused(("请先填写拟处理决定（处罚种类、金额、法律依据和违法事实），再报送法制审核",))
            if conn.execute(select(m.Decision.id).where(m.Decision.case_id == case_id)).first():
                raise _Refused(("本案已作出决定，不能再报送法制审核",))
            if rounds and rounds[-1].pending:
                raise _Refused((f"第{rounds[-1].round_no}轮法制审核尚未完成，不能重复报送；如需补充材料，请使用“补充材料”",))
            if rounds and rounds[-1].conclusion is ReviewAction.RETURN and len(response.strip()) < 4:
                raise _Refused(("上一轮审核意见为存在问题：请写明对审核意见的研究处理情况（不少于4个字），再重新报送"
                                "（国办发〔2018〕118号第（十三）项）",))
            if has_bad_characters(response, multiline=True):
                raise _Refused((bad_characters_message("处理情况说明"),))
            round_no = (rounds[-1].round_no if rounds else 0) + 1
            row = m.LegalReview(case_id=case_id, round_no=round_no, submitted_on=today, created_by=actor.username[:50])
            session.add(row)
            session.flush()
            note = f"拟处理决定第{proposal.version}版" + (f"；处理情况：{response.strip()[:400]}" if response.strip() else "")
            _step(session, row.id, ReviewStepKind.SUBMIT, actor, today, now, materials=_materials(materials), note=note)
            case_row = session.get(m.Case, case_id)
            assert case_row is not None
            case_row.status = CaseStatus.IN_REVIEW
            record_audit(session, actor.username, "submit_review", "legal_reviews", row.id,
                         {"case_id": case_id, "round": round_no, "materials": _materials(materials)})
            return CommandResult(True, id=round_no)
    except _Refused as refused:
        return CommandResult(False, refused.errors)
    except IntegrityError:
        return CommandResult(False, (CONFLICT_MESSAGE,))


def supplement_materials(engine: Engine, case_id: int, materials: Iterable[str], note: str, actor: Actor,
                         today: dt.date, now: dt.datetime | None = None) -> CommandResult:
    """补充材料 to the pending round: the review clock restarts once the materials are complete."""
    now = now or dt.datetime.now(dt.UTC)
    chosen = _materials(materials)
    if not chosen:
        return CommandResult(False, ("请选择补充的材料",))
    try:
        with session_scope(engine) as session:
            _agency, rounds = _case_for_officer(session.connection(), case_id, actor)
            if not rounds or not rounds[-1].pending:
                raise _Refused(("本案没有待审核的轮次，无需补充材料",))
            _step(session, rounds[-1].id, ReviewStepKind.SUPPLEMENT, actor, today, now, materials=chosen,
                  note=note.strip()[:500])
            record_audit(session, actor.username, "supplement_review", "legal_reviews", rounds[-1].id,
                         {"case_id": case_id, "materials": chosen})
            return CommandResult(True, id=rounds[-1].round_no)
    except _Refused as refused:
        return CommandResult(False, refused.errors)


def _pending_for_reviewer(conn: Connection, case_id: int, actor: Actor) -> RoundView:
    agency_id = conn.execute(select(m.Case.agency_id).where(m.Case.id == case_id)).scalar_one_or_none()
    if agency_id is None:
        raise _Refused(("案件不存在",))
    if not may_record_review(actor, agency_id) or not can(actor, Permission.REVIEWS_DECIDE):
        raise _Refused(("只有本机关法制审核人员可以办理该案的法制审核",))
    rounds = load_rounds(conn, [case_id]).get(case_id, [])
    if not rounds or not rounds[-1].pending:
        raise _Refused(("该案件没有待审核的轮次",))
    return rounds[-1]


def claim_review(engine: Engine, case_id: int, actor: Actor, today: dt.date, assignee_officer_id: int | None = None,
                 now: dt.datetime | None = None) -> CommandResult:
    """领取 (assignee is the actor) or 指派 to another reviewer of the agency; 回避 and qualification apply to
    whoever will review."""
    now = now or dt.datetime.now(dt.UTC)
    assignee = assignee_officer_id if assignee_officer_id is not None else actor.officer_id
    try:
        with session_scope(engine) as session:
            conn = session.connection()
            pending = _pending_for_reviewer(conn, case_id, actor)
            agency_id = conn.execute(select(m.Case.agency_id).where(m.Case.id == case_id)).scalar_one()
            if assignee is not None and conn.execute(select(m.Officer.agency_id).where(m.Officer.id == assignee)
                                                     ).scalar_one_or_none() != agency_id:
                raise _Refused(("只能指派本机关的法制审核人员",))
            for problem in (reviewer_problem(conn, assignee), recusal_problem(assignee, handling_officer_ids(conn, case_id))):
                if problem:
                    raise _Refused((problem,))
            kind = ReviewStepKind.CLAIM if assignee == actor.officer_id else ReviewStepKind.ASSIGN
            _step(session, pending.id, kind, actor, today, now, assignee_officer_id=assignee)
            record_audit(session, actor.username, "claim_review", "legal_reviews", pending.id,
                         {"case_id": case_id, "assignee": assignee, "kind": kind.value})
            return CommandResult(True, id=pending.round_no)
    except _Refused as refused:
        return CommandResult(False, refused.errors)


def extend_review(engine: Engine, case_id: int, approval: str, actor: Actor, today: dt.date,
                  now: dt.datetime | None = None) -> CommandResult:
    """延长审核期限 with the approval recorded (who approved, document); once per round."""
    now = now or dt.datetime.now(dt.UTC)
    if len(approval.strip()) < 4 or has_bad_characters(approval, multiline=True):
        return CommandResult(False, ("请写明延长审核期限的批准情况（批准人、批准文书），不少于4个字",))
    try:
        with session_scope(engine) as session:
            pending = _pending_for_reviewer(session.connection(), case_id, actor)
            if pending.extended:
                raise _Refused(("本轮审核已经延长过期限",))
            _step(session, pending.id, ReviewStepKind.EXTEND, actor, today, now, note=approval.strip()[:500])
            record_audit(session, actor.username, "extend_review", "legal_reviews", pending.id, {"case_id": case_id})
            return CommandResult(True, id=pending.round_no)
    except _Refused as refused:
        return CommandResult(False, refused.errors)


# --- the written opinion ------------------------------------------------------------------------------------------


def decide_review(engine: Engine, case_id: int, decision: ReviewDecision, actor: Actor, reviewed_on: dt.date,
                  now: dt.datetime | None = None) -> CommandResult:
    """Record 同意 / 存在问题 / 建议移送司法机关 on the pending round as a new 审核意见 step and, in the same
    transaction, the 法制审核 step in the case's hash-chained record. Re-checks permission, qualification, 回避
    and the opinion; writes nothing when anything fails."""
    review = latest_round(engine, case_id)
    if review is None:
        return CommandResult(False, ("该案件没有报送法制审核",))
    with engine.connect() as conn:
        problem = reviewer_problem(conn, actor.officer_id) or recusal_problem(actor.officer_id,
                                                                               handling_officer_ids(conn, case_id))
    if problem:
        return CommandResult(False, (problem,))
    if decision.action not in available_actions(review, actor, True):
        return CommandResult(False, ("您不能审核该轮次（非本机关法制审核人员或该轮次已审核）",))
    errors = validate_decision(decision, review, reviewed_on)
    if errors:
        return CommandResult(False, tuple(errors))
    checklist = {CHECKLIST_LABELS[k]: {"ok": ok, "comment": comment.strip()} for k, (ok, comment) in
                 decision.checklist.items()}
    now = now or dt.datetime.now(dt.UTC)
    action = {ReviewAction.APPROVE: "法制审核同意", ReviewAction.RETURN: "法制审核存在问题，退回承办机构",
              ReviewAction.TRANSFER: "法制审核建议移送司法机关"}[decision.action]
    step = NewEvent(stage=Stage.LEGAL_REVIEW, action=action, occurred_at=now,
                    document_no=f"第{review.round_no}轮法制审核意见书", note=decision.opinion.strip()[:200])
    try:
        # The chain head and the case's events are read in one snapshot (no false tamper alarm under load).
        with snapshot_session_scope(engine) as session:
            rounds = load_rounds(session.connection(), [case_id]).get(case_id, [])
            if not rounds or not rounds[-1].pending or rounds[-1].round_no != review.round_no:
                raise _Refused(("该轮次已被审核，请刷新后查看",))
            row = _step(session, rounds[-1].id, ReviewStepKind.CONCLUDE, actor, reviewed_on, now,
                        conclusion=decision.action, opinion=decision.opinion.strip(),
                        checklist=json.dumps(checklist, ensure_ascii=False))
            officer = session.get(m.Officer, actor.officer_id) if actor.officer_id is not None else None
            if officer is not None and officer.first_reviewed_on is None:
                officer.first_reviewed_on = reviewed_on
            record_audit(session, actor.username, "decide_review", "review_steps", row.id,
                         {"case_id": case_id, "round": review.round_no, "outcome": decision.action.value})
            appended = append_in_session(session, case_id, step, actor, now, allowed=may_record_review,
                                         refusal="只有本机关法制审核人员可以记录法制审核环节。")
            if not appended.ok:
                raise _Refused(tuple(f"法制审核环节无法记入执法全过程记录：{e}" for e in appended.errors))
            return CommandResult(True, id=row.id)
    except _Refused as refused:
        return CommandResult(False, refused.errors)
    except (ChainConflict, IntegrityError):
        return CommandResult(False, (CONFLICT_MESSAGE,))
    except OperationalError as exc:
        if any(word in str(exc.orig).lower() for word in ("locked", "could not serialize")):
            return CommandResult(False, (CONFLICT_MESSAGE,))
        raise


# --- recording the decision: the gate ---------------------------------------------------------------------------


@dataclass(frozen=True)
class DecisionForm:
    decision_no: str
    decided_on: dt.date
    conclusion: str = ""  # defaults to the proposed items in words


def record_decision(engine: Engine, case_id: int, form: DecisionForm, actor: Actor, today: dt.date,
                    now: dt.datetime | None = None) -> CommandResult:
    """作出决定 from the latest proposed decision, published at once (事后公开). A major case needs its latest
    review round approved on or before the decision day (domain.review.decision_gate); the database trigger
    ``decisions_require_legal_review`` refuses the same insert should any path skip this check."""
    now = now or dt.datetime.now(dt.UTC)
    number = form.decision_no.strip()
    if not number or len(number) > 100 or has_bad_characters(number):
        return CommandResult(False, ("请填写决定书文号（不超过100个字）",))
    if form.decided_on > today:
        return CommandResult(False, ("决定日期不能晚于今天",))
    try:
        with session_scope(engine) as session:
            conn = session.connection()
            case = session.get(m.Case, case_id)
            if case is None:
                raise _Refused(("案件不存在",))
            if not may_record(actor, case.agency_id):
                raise _Refused(("只有本案所属执法主体的执法人员可以记录决定",))
            if conn.execute(select(m.Decision.id).where(m.Decision.case_id == case_id)).first():
                raise _Refused(("本案已作出决定",))
            if conn.execute(select(m.Decision.id).where(m.Decision.decision_no == number)).first():
                raise _Refused((f"决定书文号“{number}”已被使用",))
            proposal = latest_proposal(conn, case_id)
            if proposal is None:
                raise _Refused(("请先填写拟处理决定",))
            if form.decided_on < case.filed_on:
                raise _Refused(("决定日期不能早于立案日期",))
            rounds = load_rounds(conn, [case_id]).get(case_id, [])
            major = case.is_major or proposal.is_major
            problems = decision_gate(major, rounds, form.decided_on)
            if problems:
                raise _Refused(tuple(problems))
            approved_at = rounds[-1].concluded_at if major and rounds else None
            if approved_at is not None and proposal.recorded_at > approved_at:
                raise _Refused(("拟处理决定在法制审核同意后又被修改，修改后的内容未经法制审核：请重新报送法制审核",))
            conclusion = form.conclusion.strip() or "，".join(
                f"{t.value}{a}元" if a is not None else t.value for t, a in proposal.items)
            decision = m.Decision(
                case_id=case_id, decision_no=number, decided_on=form.decided_on, category=ActionCategory.PENALTY,
                conclusion=conclusion, legal_basis=proposal.legal_basis, benchmark_tier_id=proposal.benchmark_tier_id,
                claimed_tier=proposal.claimed_tier, discretion_statement=proposal.discretion_statement,
                fine_total=proposal.fine_total, confiscation_total=proposal.confiscation_total,
                unreviewed_major=False, created_by=actor.username[:50])
            session.add(decision)
            session.flush()
            for kind, amount in proposal.items:
                session.add(m.PenaltyItem(decision_id=decision.id, penalty_type=kind, amount=amount))
            person = conn.execute(select(m.Party.party_type).where(m.Party.id == case.party_id)).scalar_one() \
                is PartyType.NATURAL_PERSON
            disclosure = m.Disclosure(decision_id=decision.id, status=DisclosureStatus.PUBLISHED, published_on=today,
                                      redaction_applied=person, created_by=actor.username[:50],
                                      redaction_note="自然人姓名、身份证号、联系方式、住址已按规定处理" if person else "")
            session.add(disclosure)
            session.flush()
            session.add(m.DisclosureVersion(disclosure_id=disclosure.id, version=1, changed_on=today,
                                            status=DisclosureStatus.PUBLISHED, reason="首次公示",
                                            snapshot=json.dumps({"decision_no": number}, ensure_ascii=False)))
            case.status = CaseStatus.DECIDED
            case.updated_by = actor.username[:50]
            session.flush()
            project_decisions(conn, [decision.id], now=now)
            record_audit(session, actor.username, "record_decision", "decisions", decision.id,
                         {"case_id": case_id, "decision_no": number, "major": case.is_major})
            return CommandResult(True, id=decision.id)
    except _Refused as refused:
        return CommandResult(False, refused.errors)
    except (IntegrityError, DBAPIError) as exc:
        if "法制审核" in str(exc):
            return CommandResult(False, (GATE_REFUSAL,))
        return CommandResult(False, (CONFLICT_MESSAGE,))


# --- what pages show ----------------------------------------------------------------------------------------------


QUEUE_COLUMNS = ["case_id", "case_no", "agency", "party", "violation", "major_reasons", "round_no", "submitted_on",
                 "clock_started_on", "due", "remaining", "clock", "assignee", "missing"]


def _cases_with_rounds(engine: Engine, stmt: Select) -> tuple[list[Any], dict[int, list[RoundView]],
                                                                 dict[int, MajorRules]]:
    """The cases ``stmt`` selects (with an ``id`` and ``agency_id``), their review rounds and their agencies' rules."""
    with engine.connect() as conn:
        cases = list(conn.execute(stmt).all())
        return cases, load_rounds(conn, [x.id for x in cases]), major_rules_by_agency(conn)


def review_queue(engine: Engine, scope_agency_id: int | None, calendar: WorkCalendar, today: dt.date) -> pd.DataFrame:
    """Pending rounds, the least time left first (overdue at the top); rounds waiting for materials come last."""
    c, a, p, r = m.Case, m.Agency, m.Party, m.LegalReview
    stmt = (select(c.id, c.case_no, c.agency_id, a.short_name, p.name, c.violation, c.major_reasons)
            .join(a, a.id == c.agency_id).join(p, p.id == c.party_id)
            .where(c.id.in_(select(r.case_id).distinct())))
    if scope_agency_id is not None:
        stmt = stmt.where(c.agency_id == scope_agency_id)
    rows = []
    cases, rounds, rules = _cases_with_rounds(engine, stmt)
    for case in cases:
        own = rounds.get(case.id, [])
        if not own or not own[-1].pending:
            continue
        last, rule = own[-1], rules.get(case.agency_id, DEFAULT_MAJOR_RULES)
        clock = review_clock(last.clock_started_on, last.extended, rule.review_workdays, rule.review_extension_workdays,
                             calendar, today)
        rows.append({"case_id": case.id, "case_no": case.case_no, "agency": case.short_name, "party": case.name,
                     "violation": case.violation, "major_reasons": case.major_reasons, "round_no": last.round_no,
                     "submitted_on": last.submitted_on, "clock_started_on": clock.started_on, "due": clock.due,
                     "remaining": clock.remaining_workdays, "clock": clock.state.value, "assignee": last.assignee,
                     "missing": "、".join(last.missing)})
    frame = pd.DataFrame(rows, columns=QUEUE_COLUMNS)
    if frame.empty:
        return frame
    frame["_waiting"] = frame["remaining"].isna()
    frame = frame.sort_values(["_waiting", "remaining", "submitted_on", "case_id"], na_position="last")
    return frame.drop(columns="_waiting").reset_index(drop=True)


def major_board(engine: Engine, scope_agency_id: int | None, calendar: WorkCalendar, today: dt.date) -> pd.DataFrame:
    """Every major case with its review status (``BOARD_COLUMNS``, in case order), read from the stored board rows
    (db.board, brought up to date first). ``violation`` is a decision made without an approval dated on or before
    it (including imported history). The pages read aggregates and bounded lists instead (db.board)."""
    current_version(engine)
    return board_rows(engine, calendar, today, scope_agency_id=scope_agency_id)


@dataclass(frozen=True)
class BenchmarkRecord:
    """The benchmark the case records now: item, tier and its range. The discretion check extends this."""

    item: str
    tier: str
    standard: str


def recorded_benchmark(engine: Engine, tier_id: int | None) -> BenchmarkRecord | None:
    if tier_id is None:
        return None
    t, i, s = m.BenchmarkTier, m.BenchmarkItem, m.BenchmarkSet
    with engine.connect() as conn:
        row = conn.execute(select(s.name, i.item_no, i.violation, t.level, t.tier, t.standard_text)
                           .join(i, i.id == t.item_id).join(s, s.id == i.set_id).where(t.id == tier_id)).one_or_none()
    if row is None:
        return None
    return BenchmarkRecord(f"{row.name} 第{row.item_no}项：{row.violation}",
                           f"第{row.level}档" + (f"（{row.tier.value}）" if row.tier else ""), row.standard_text)


def benchmark_choices(engine: Engine, agency_id: int, on: dt.date) -> dict[int, str]:
    """Tier id → label of the agency's benchmark tiers in force on ``on`` (for the proposed decision form)."""
    t, i, s = m.BenchmarkTier, m.BenchmarkItem, m.BenchmarkSet
    with engine.connect() as conn:
        rows = conn.execute(select(t.id, i.item_no, i.violation, t.level, t.tier)
                            .join(i, i.id == t.item_id).join(s, s.id == i.set_id)
                            .where(s.agency_id == agency_id, s.effective_from <= on,
                                   or_(s.effective_to.is_(None), s.effective_to > on))
                            .order_by(i.item_no, t.level)).all()
    return {r.id: f"{r.item_no} {r.violation[:40]} · 第{r.level}档" + (f"（{r.tier.value}）" if r.tier else "")
            for r in rows}


def agency_reviewers(engine: Engine, agency_id: int) -> dict[int, str]:
    o = m.Officer
    with engine.connect() as conn:
        rows = conn.execute(select(o.id, o.name, o.cert_no).where(o.agency_id == agency_id, o.is_legal_reviewer.is_(True))
                            .order_by(o.id)).all()
    return {r.id: f"{r.name}（{r.cert_no}）" for r in rows}


STAFFING_COLUMNS = ["agency", "officers", "reviewers", "required", "shortfall", "unqualified"]


def reviewer_staffing(engine: Engine) -> pd.DataFrame:
    """Per agency: officers, legal reviewers, the 5% requirement (118号(十一)) and reviewers lacking the
    法律职业资格 that art. 58 ¶2 requires of those first reviewing from 2021-07-15."""
    o, a = m.Officer, m.Agency
    with engine.connect() as conn:
        agencies = conn.execute(select(a.id, a.short_name).order_by(a.id)).all()
        officers = conn.execute(select(o.agency_id, o.is_legal_reviewer, o.has_legal_qualification,
                                       o.first_reviewed_on)).all()
    rows = []
    for agency in agencies:
        own = [x for x in officers if x.agency_id == agency.id]
        reviewers = [x for x in own if x.is_legal_reviewer]
        required = reviewers_required(len(own))
        unqualified = sum(1 for x in reviewers if qualification_problem(True, bool(x.has_legal_qualification),
                                                                         x.first_reviewed_on))
        rows.append({"agency": agency.short_name, "officers": len(own), "reviewers": len(reviewers),
                     "required": required, "shortfall": max(0, required - len(reviewers)),
                     "unqualified": unqualified})
    return pd.DataFrame(rows, columns=STAFFING_COLUMNS)


def agency_major_rules(engine: Engine, agency_id: int) -> MajorRules:
    with engine.connect() as conn:
        return load_major_rules(conn, agency_id)


def save_major_rules(engine: Engine, agency_id: int, rules: MajorRules, actor: Actor) -> CommandResult:
    """An administrator edits an agency's 目录清单 (fine thresholds on the agency, the rest in its rules row)."""
    if not can(actor, Permission.DATA_IMPORT):
        return CommandResult(False, ("只有管理员可以修改重大执法决定法制审核目录清单",))
    with session_scope(engine) as session:
        agency = session.get(m.Agency, agency_id)
        if agency is None:
            return CommandResult(False, ("执法主体不存在",))
        agency.major_fine_person, agency.major_fine_org = rules.fine_person, rules.fine_org
        row = session.get(m.MajorReviewRules, agency_id) or m.MajorReviewRules(agency_id=agency_id,
                                                                                created_by=actor.username[:50])
        row.inclusive, row.confiscation_person, row.confiscation_org = (rules.inclusive, rules.confiscation_person,
                                                                        rules.confiscation_org)
        row.penalty_types, row.hearing, row.benchmark_departure = (join_types(rules.penalty_types), rules.hearing,
                                                                   rules.benchmark_departure)
        row.review_workdays, row.review_extension_workdays = rules.review_workdays, rules.review_extension_workdays
        row.updated_by = actor.username[:50]
        session.add(row)
        record_audit(session, actor.username, "save_major_rules", "major_review_rules", agency_id,
                     {"inclusive": rules.inclusive, "fine_person": rules.fine_person, "fine_org": rules.fine_org})
    return CommandResult(True, id=agency_id)


REPORT_HEADERS = ("案号", "决定书文号", "执法主体", "重大情形", "审核状态", "审核轮次", "首次报送日期", "审核同意日期",
                  "决定日期", "未经法制审核（违法）")


def write_review_report(engine: Engine, out: Path, calendar: WorkCalendar, today: dt.date) -> int:
    """One row per major case (``manage.py report reviews``): UTF-8 with BOM, cells neutralised, written to a
    temporary file first so a failed run leaves no half file; streamed from the stored board rows. Returns the number
    of rows."""
    current_version(engine)
    temporary = out.with_name(out.name + ".tmp")

    def cell(value: object) -> str:
        if value is None or (isinstance(value, float) and value != value):
            return ""
        return neutralise_csv_cell(value.isoformat() if isinstance(value, dt.date) else str(value))

    written = 0
    with temporary.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(REPORT_HEADERS)
        for row in iter_board(engine, calendar, today):
            writer.writerow([cell(row["case_no"]), cell(row["decision_no"]), cell(row["agency"]),
                             cell(row["triggers"]), cell(row["status"]), cell(row["rounds"]),
                             cell(row["first_submitted_on"]), cell(row["approved_on"]), cell(row["decided_on"]),
                             "是" if row["violation"] else "否"])
            written += 1
    temporary.replace(out)
    return written
