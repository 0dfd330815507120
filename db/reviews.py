"""法制审核 write command and the data a reviewer needs. Rules in domain.review; every decision is audited."""

from __future__ import annotations

import datetime as dt
import json

from sqlalchemy import Engine, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from db import models as m
from db.commands import CommandResult, record_audit
from db.engine import session_scope
from db.events import CONFLICT_MESSAGE, ChainConflict, NewEvent, append_in_session
from domain.enums import Stage
from domain.permissions import Actor, may_record_review
from domain.review import (
    CHECKLIST_LABELS,
    ReviewAction,
    ReviewDecision,
    ReviewRound,
    available_actions,
    outcome_of,
    validate_decision,
)


def latest_round(engine: Engine, case_id: int) -> ReviewRound | None:
    with engine.connect() as conn:
        row = conn.execute(
            select(m.LegalReview.round_no, m.LegalReview.submitted_on, m.LegalReview.outcome, m.Case.agency_id)
            .join(m.Case, m.Case.id == m.LegalReview.case_id)
            .where(m.LegalReview.case_id == case_id).order_by(m.LegalReview.round_no.desc()).limit(1)
        ).one_or_none()
    if row is None:
        return None
    return ReviewRound(case_id, row.agency_id, row.round_no, row.submitted_on, row.outcome, is_latest=True)


def reviewer_qualified(engine: Engine, actor: Actor) -> bool:
    """行政处罚法 art. 58 ¶2: the reviewer's officer record must show 法制审核 duty and 法律职业资格."""
    if actor.officer_id is None:
        return False
    with engine.connect() as conn:
        row = conn.execute(select(m.Officer.is_legal_reviewer, m.Officer.has_legal_qualification)
                           .where(m.Officer.id == actor.officer_id)).one_or_none()
    return bool(row and row.is_legal_reviewer and row.has_legal_qualification)


class _Refused(Exception):
    def __init__(self, errors: tuple[str, ...]):
        self.errors = errors


def decide_review(engine: Engine, case_id: int, decision: ReviewDecision, actor: Actor, reviewed_on: dt.date,
                  now: dt.datetime | None = None) -> CommandResult:
    """Record 同意 or 存在问题 on the case's pending round and, in the same transaction, the 法制审核 step in the
    case's hash-chained record (全过程记录). Re-checks permission and the opinion; writes nothing when anything
    fails."""
    review = latest_round(engine, case_id)
    if review is None:
        return CommandResult(False, ("该案件没有报送法制审核",))
    if decision.action not in available_actions(review, actor, reviewer_qualified(engine, actor)):
        return CommandResult(False, ("您不能审核该轮次（非本机关法制审核人员、未取得法律职业资格或该轮次已审核）",))
    errors = validate_decision(decision, review, reviewed_on)
    if errors:
        return CommandResult(False, tuple(errors))
    checklist = {CHECKLIST_LABELS[k]: {"ok": ok, "comment": comment.strip()} for k, (ok, comment) in
                 decision.checklist.items()}
    now = now or dt.datetime.now(dt.UTC)
    step = NewEvent(stage=Stage.LEGAL_REVIEW,
                    action="法制审核同意" if decision.action is ReviewAction.APPROVE else "法制审核存在问题，退回承办机构",
                    occurred_at=now, document_no=f"第{review.round_no}轮法制审核意见书",
                    note=decision.opinion.strip()[:200])
    try:
        with session_scope(engine) as session:
            return _write(session, case_id, review, decision, checklist, actor, reviewed_on, step, now)
    except _Refused as refused:
        return CommandResult(False, refused.errors)
    except (ChainConflict, IntegrityError):
        return CommandResult(False, (CONFLICT_MESSAGE,))


def _write(session: Session, case_id: int, review: ReviewRound, decision: ReviewDecision, checklist: dict,
           actor: Actor, reviewed_on: dt.date, step: NewEvent, now: dt.datetime) -> CommandResult:
    """Both writes or neither: a refused step raises so that session_scope rolls the opinion back too."""
    row = session.scalar(select(m.LegalReview).where(m.LegalReview.case_id == case_id,
                                                     m.LegalReview.round_no == review.round_no))
    if row is None or row.outcome is not None:  # decided meanwhile by someone else
        raise _Refused(("该轮次已被审核，请刷新后查看",))
    row.outcome = outcome_of(decision.action)
    row.reviewed_on = reviewed_on
    row.opinion = decision.opinion.strip()
    row.checklist = json.dumps(checklist, ensure_ascii=False)
    row.reviewer_officer_id = actor.officer_id
    row.updated_by = actor.username
    record_audit(session, actor.username, "decide_review", "legal_reviews", row.id,
                 {"case_id": case_id, "round": review.round_no, "outcome": row.outcome.value})
    appended = append_in_session(session, case_id, step, actor, now, allowed=may_record_review,
                                 refusal="只有本机关法制审核人员可以记录法制审核环节。")
    if not appended.ok:
        raise _Refused(tuple(f"法制审核环节无法记入执法全过程记录：{e}" for e in appended.errors))
    return CommandResult(True, id=row.id)
