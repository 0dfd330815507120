"""法制审核 write command and the data a reviewer needs. Rules in domain.review; every decision is audited."""

from __future__ import annotations

import datetime as dt
import json

from sqlalchemy import Engine, select

from db import models as m
from db.commands import CommandResult, record_audit
from db.engine import session_scope
from domain.permissions import Actor
from domain.review import CHECKLIST_LABELS, ReviewDecision, ReviewRound, available_actions, outcome_of, validate_decision


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


def decide_review(engine: Engine, case_id: int, decision: ReviewDecision, actor: Actor,
                  reviewed_on: dt.date) -> CommandResult:
    """Record 同意 or 存在问题 on the case's pending round. Re-checks permission and the opinion; writes nothing
    when either fails."""
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
    with session_scope(engine) as session:
        row = session.scalar(select(m.LegalReview).where(m.LegalReview.case_id == case_id,
                                                         m.LegalReview.round_no == review.round_no))
        if row is None or row.outcome is not None:  # decided meanwhile by someone else
            return CommandResult(False, ("该轮次已被审核，请刷新后查看",))
        row.outcome = outcome_of(decision.action)
        row.reviewed_on = reviewed_on
        row.opinion = decision.opinion.strip()
        row.checklist = json.dumps(checklist, ensure_ascii=False)
        row.reviewer_officer_id = actor.officer_id
        row.updated_by = actor.username
        record_audit(session, actor.username, "decide_review", "legal_reviews", row.id,
                     {"case_id": case_id, "round": review.round_no, "outcome": row.outcome.value})
        return CommandResult(True, id=row.id)
