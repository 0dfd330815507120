"""Review rounds as they stand: each legal_reviews row with its append-only review_steps folded in (assignee,
supplements, extension, conclusion). Imported rounds carry their outcome on the row; native rounds carry it in a
审核意见 step. Every reader of review state goes through here, so both kinds look the same everywhere."""

from __future__ import annotations

import datetime as dt
import json
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, select

from db import models as m
from domain.enums import ReviewOutcome, ReviewStepKind
from domain.major import DEFAULT_MAJOR_RULES, MajorRules, parse_types
from domain.review import MATERIALS, ReviewAction, missing_materials, outcome_of

__all__ = ["RoundView", "load_major_rules", "load_rounds", "load_rounds_between", "major_rules_by_agency"]


@dataclass(frozen=True)
class RoundView:
    id: int
    case_id: int
    round_no: int
    submitted_on: dt.date
    outcome: ReviewOutcome | None  # 同意 / 存在问题 (建议移送 counts as not approved)
    conclusion: ReviewAction | None
    reviewed_on: dt.date | None
    reviewer_officer_id: int | None
    reviewer: str
    opinion: str
    checklist: dict
    assignee_officer_id: int | None
    assignee: str
    materials: frozenset[str]
    supplements: tuple[dt.date, ...]
    extended: bool
    imported: bool
    concluded_at: dt.datetime | None = None  # when the 审核意见 was recorded in the app (None for imported rounds)

    @property
    def pending(self) -> bool:
        return self.outcome is None

    @property
    def missing(self) -> list[str]:
        return [] if self.imported else missing_materials(self.materials)

    @property
    def clock_started_on(self) -> dt.date | None:
        if self.imported:
            return self.submitted_on
        if self.missing:
            return None
        return max([self.submitted_on, *self.supplements])


def _round_columns() -> Any:
    r = m.LegalReview
    return select(r.id, r.case_id, r.round_no, r.submitted_on, r.reviewed_on, r.outcome, r.opinion, r.checklist,
                  r.reviewer_officer_id)


def load_rounds(conn: Connection, case_ids: Iterable[int]) -> dict[int, list[RoundView]]:
    """case id → its rounds in order."""
    ids = sorted(set(case_ids))
    if not ids:
        return {}
    r, s = m.LegalReview, m.ReviewStep
    rows: list[Any] = []
    for start in range(0, len(ids), 500):
        rows.extend(conn.execute(_round_columns().where(r.case_id.in_(ids[start:start + 500]))
                                 .order_by(r.case_id, r.round_no)).all())
    round_ids = [x.id for x in rows]
    steps: list[Any] = []
    for start in range(0, len(round_ids), 500):
        chunk = round_ids[start:start + 500]
        steps.extend(conn.execute(select(*s.__table__.c).where(s.review_id.in_(chunk)).order_by(s.id)).all())
    return _fold(conn, rows, steps)


def load_rounds_between(conn: Connection, first_case_id: int, last_case_id: int, *,
                        texts: bool = True) -> dict[int, list[RoundView]]:
    """The same for every case with an id from ``first_case_id`` to ``last_case_id``: two range reads, for a pass
    over all cases (db.board.rebuild). Without ``texts`` the rounds carry no names, opinion or checklist (empty),
    which the status board does not read."""
    r, s = m.LegalReview, m.ReviewStep
    rows = conn.execute(_round_columns().where(r.case_id.between(first_case_id, last_case_id))
                        .order_by(r.case_id, r.round_no)).all()
    if not rows:
        return {}
    steps = conn.execute(select(*s.__table__.c).join(r, r.id == s.review_id)
                         .where(r.case_id.between(first_case_id, last_case_id)).order_by(s.id)).all()
    return _fold(conn, rows, steps, texts=texts)


def _fold(conn: Connection, rows: Sequence[Any], step_rows: Iterable[Any], *,
          texts: bool = True) -> dict[int, list[RoundView]]:
    """Round rows (in case and round order) with their steps (in id order) folded in."""
    o = m.Officer
    names = dict(conn.execute(select(o.id, o.name)).all()) if texts else {}
    steps: dict[int, list] = defaultdict(list)
    for step in step_rows:
        steps[step.review_id].append(step)
    out: dict[int, list[RoundView]] = defaultdict(list)
    known = {key for key, _ in MATERIALS}
    for row in rows:
        own = steps.get(row.id, [])
        conclude = next((x for x in own if x.kind is ReviewStepKind.CONCLUDE), None)
        submit = next((x for x in own if x.kind is ReviewStepKind.SUBMIT), None)
        assigned = [x for x in own if x.kind in (ReviewStepKind.CLAIM, ReviewStepKind.ASSIGN)]
        materials = set()
        for x in own:
            if x.kind in (ReviewStepKind.SUBMIT, ReviewStepKind.SUPPLEMENT):
                materials |= {k for k in x.materials.split("、") if k in known}
        assignee = assigned[-1].assignee_officer_id if assigned else None
        if conclude is not None and conclude.conclusion is not None:
            concluded = ReviewAction(conclude.conclusion)
            conclusion: ReviewAction | None = concluded
            outcome: ReviewOutcome | None = outcome_of(concluded)
            reviewed_on, reviewer_id = conclude.occurred_on, conclude.officer_id
            opinion, checklist_text = conclude.opinion, conclude.checklist
        else:
            outcome = ReviewOutcome(row.outcome) if row.outcome is not None else None
            conclusion = None if outcome is None else (ReviewAction.APPROVE if outcome is ReviewOutcome.APPROVED
                                                       else ReviewAction.RETURN)
            reviewed_on, reviewer_id = row.reviewed_on, row.reviewer_officer_id
            opinion, checklist_text = row.opinion or "", row.checklist or "{}"
        try:
            checklist = json.loads(checklist_text or "{}") if texts else {}
        except ValueError:
            checklist = {}
        if not texts:
            opinion = ""
        out[row.case_id].append(RoundView(
            id=row.id, case_id=row.case_id, round_no=row.round_no, submitted_on=row.submitted_on, outcome=outcome,
            conclusion=conclusion, reviewed_on=reviewed_on, reviewer_officer_id=reviewer_id,
            reviewer=names.get(reviewer_id, "") if reviewer_id else "", opinion=opinion,
            checklist=checklist if isinstance(checklist, dict) else {},
            assignee_officer_id=assignee, assignee=names.get(assignee, "") if assignee else "",
            materials=frozenset(materials),
            supplements=tuple(x.occurred_on for x in own if x.kind is ReviewStepKind.SUPPLEMENT),
            extended=any(x.kind is ReviewStepKind.EXTEND for x in own), imported=submit is None,
            concluded_at=conclude.recorded_at if conclude is not None else None,
        ))
    return out


def _rules(row: Any, fine_person: object, fine_org: object) -> MajorRules:
    base = DEFAULT_MAJOR_RULES
    kwargs = {"fine_person": fine_person, "fine_org": fine_org}
    if row is None:
        return MajorRules(**kwargs, penalty_types=base.penalty_types)  # type: ignore[arg-type]
    return MajorRules(
        **kwargs, inclusive=bool(row.inclusive), confiscation_person=row.confiscation_person,  # type: ignore[arg-type]
        confiscation_org=row.confiscation_org, penalty_types=parse_types(row.penalty_types),
        hearing=bool(row.hearing), benchmark_departure=bool(row.benchmark_departure),
        review_workdays=row.review_workdays, review_extension_workdays=row.review_extension_workdays)


def major_rules_by_agency(conn: Connection) -> dict[int, MajorRules]:
    """Every agency's 目录清单 (an agency without a rules row gets the defaults with its own fine thresholds)."""
    a, k = m.Agency, m.MajorReviewRules
    stored = {row.agency_id: row for row in conn.execute(select(*k.__table__.c)).all()}
    return {aid: _rules(stored.get(aid), person, org)
            for aid, person, org in conn.execute(select(a.id, a.major_fine_person, a.major_fine_org)).all()}


def load_major_rules(conn: Connection, agency_id: int) -> MajorRules:
    a, k = m.Agency, m.MajorReviewRules
    agency = conn.execute(select(a.major_fine_person, a.major_fine_org).where(a.id == agency_id)).one()
    row = conn.execute(select(*k.__table__.c).where(k.agency_id == agency_id)).one_or_none()
    return _rules(row, agency.major_fine_person, agency.major_fine_org)
