"""Staff queries (cases, reviews, supervision, administration). Each takes the agency scope decided by
domain.permissions.agency_scope(actor) — None means every agency — and returns DataFrames or frozen dataclasses."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pandas as pd
from sqlalchemy import Engine, Select, func, select

from db import models as m
from db.review_rounds import load_rounds
from db.stats import clock_overview
from db.summaries import current_version
from domain.filters import CaseFilters
from domain.params import parse_id
from domain.workdays import WorkCalendar


def _values(rows: list[dict]) -> list[dict]:
    """Enums by their Chinese value, so frames display and export as users read them."""
    return [{k: (v.value if hasattr(v, "value") else v) for k, v in r.items()} for r in rows]


CASE_COLUMNS = ["id", "case_no", "agency", "party", "violation", "procedure", "filed_on", "status", "is_major", "origin",
                "decision_no", "decided_on", "fine_total"]


def case_list_statement(scope_agency_id: int | None, f: CaseFilters) -> Select:
    """The staff case list with the basic filters; callers (db.events.search_cases) add record filters to it."""
    c, a, p, d = m.Case, m.Agency, m.Party, m.Decision
    stmt = (
        select(c.id, c.case_no, a.short_name.label("agency"), p.name.label("party"), c.violation, c.procedure,
               c.filed_on, c.status, c.is_major, c.origin, d.decision_no, d.decided_on, d.fine_total)
        .join(a, a.id == c.agency_id).join(p, p.id == c.party_id).outerjoin(d, d.case_id == c.id)
    )
    agency = scope_agency_id if scope_agency_id is not None else f.agency_id
    if agency is not None:
        stmt = stmt.where(c.agency_id == agency)
    if f.status is not None:
        stmt = stmt.where(c.status == f.status)
    if f.major_only:
        stmt = stmt.where(c.is_major.is_(True))
    if f.q:
        like = f"%{f.q}%"
        stmt = stmt.where(c.case_no.like(like) | p.name.like(like) | d.decision_no.like(like))
    return stmt


def case_list_frame(engine: Engine, stmt: Select, limit: int) -> tuple[pd.DataFrame, int]:
    """Run a case-list statement: the newest ``limit`` rows as a frame, and the total count."""
    with engine.connect() as conn:
        total = conn.execute(select(func.count()).select_from(stmt.subquery())).scalar_one()
        rows = [dict(r) for r in conn.execute(
            stmt.order_by(m.Case.filed_on.desc(), m.Case.id.desc()).limit(limit)).mappings()]
    return pd.DataFrame(_values(rows), columns=CASE_COLUMNS), int(total)


def load_cases(engine: Engine, scope_agency_id: int | None, f: CaseFilters) -> tuple[pd.DataFrame, int]:
    return case_list_frame(engine, case_list_statement(scope_agency_id, f), f.limit)


@dataclass(frozen=True)
class CaseDetail:
    id: int
    case_no: str
    agency_id: int
    agency: str
    party: str
    party_type: str
    violation: str
    facts: str
    procedure: str
    filed_on: dt.date
    status: str
    is_major: bool
    major_reasons: str
    origin: str
    internal_note: str
    decision_no: str | None
    decided_on: dt.date | None
    conclusion: str | None
    unreviewed_major: bool
    events: pd.DataFrame
    reviews: pd.DataFrame


def case_detail(engine: Engine, case_id: int) -> CaseDetail | None:
    c, a, p, d = m.Case, m.Agency, m.Party, m.Decision
    with engine.connect() as conn:
        row = conn.execute(
            select(c, a.name.label("agency"), p.name.label("party"), p.party_type, d.decision_no, d.decided_on,
                   d.conclusion, d.unreviewed_major)
            .join(a, a.id == c.agency_id).join(p, p.id == c.party_id).outerjoin(d, d.case_id == c.id)
            .where(c.id == case_id)
        ).mappings().one_or_none()
        if row is None:
            return None
        e = m.CaseEvent
        events = [dict(r) for r in conn.execute(
            select(e.seq, e.occurred_at, e.stage, e.action, e.officer_cert_nos, e.document_no, e.record_forms,
                   e.location, e.note, e.hash).where(e.case_id == case_id).order_by(e.seq)).mappings()]
        reviews = [{"round_no": x.round_no, "submitted_on": x.submitted_on, "reviewed_on": x.reviewed_on,
                    "outcome": x.conclusion.value if x.conclusion else None, "opinion": x.opinion}
                   for x in load_rounds(conn, [case_id]).get(case_id, [])]
    return CaseDetail(
        id=row["id"], case_no=row["case_no"], agency_id=row["agency_id"], agency=row["agency"], party=row["party"],
        party_type=row["party_type"].value, violation=row["violation"], facts=row["facts"],
        procedure=row["procedure"].value, filed_on=row["filed_on"], status=row["status"].value,
        is_major=row["is_major"], major_reasons=row["major_reasons"], origin=row["origin"].value,
        internal_note=row["internal_note"], decision_no=row["decision_no"], decided_on=row["decided_on"],
        conclusion=row["conclusion"], unreviewed_major=bool(row["unreviewed_major"]),
        events=pd.DataFrame(_values(events)), reviews=pd.DataFrame(_values(reviews)),
    )


@dataclass(frozen=True)
class SupervisionOverview:
    per_agency: pd.DataFrame  # agency, decisions, on_time, late, overdue, pending, withheld, unreviewed_major, rate
    worst_late: pd.DataFrame


def supervision_overview(engine: Engine, today: dt.date, calendar: WorkCalendar) -> SupervisionOverview:
    """Disclosure punctuality and unreviewed major decisions per agency; staff see unpublished overdue ones too."""
    current_version(engine)
    overview = clock_overview(engine, today, calendar, public_only=False)
    return SupervisionOverview(overview.per_agency, overview.worst_late)


def load_users(engine: Engine) -> pd.DataFrame:
    u, a = m.User, m.Agency
    stmt = (select(u.id, u.username, u.display_name, u.role, a.short_name.label("agency"), u.is_active,
                   u.last_login_at).outerjoin(a, a.id == u.agency_id).order_by(u.id))
    with engine.connect() as conn:
        rows = [dict(r) for r in conn.execute(stmt).mappings()]
    return pd.DataFrame(_values(rows), columns=["id", "username", "display_name", "role", "agency", "is_active",
                                                "last_login_at"])


def load_audit(engine: Engine, limit: int = 500) -> pd.DataFrame:
    e = m.AuditEntry
    stmt = select(e.occurred_at, e.actor, e.action, e.entity, e.entity_id, e.detail).order_by(e.id.desc()).limit(limit)
    with engine.connect() as conn:
        rows = [dict(r) for r in conn.execute(stmt).mappings()]
    return pd.DataFrame(rows, columns=["occurred_at", "actor", "action", "entity", "entity_id", "detail"])


def agency_options(engine: Engine) -> dict[int, str]:
    with engine.connect() as conn:
        return {r.id: r.short_name for r in conn.execute(select(m.Agency.id, m.Agency.short_name).order_by(m.Agency.id))}




def find_agency_id(engine: Engine, code_name_or_id: str) -> int | None:
    """The agency a command-line argument names: its code or full name, else its numeric id."""
    with engine.connect() as conn:
        found = conn.scalar(
            select(m.Agency.id).where((m.Agency.code == code_name_or_id) | (m.Agency.name == code_name_or_id))
        )
        if found is None and (number := parse_id(code_name_or_id)) is not None:
            found = conn.scalar(select(m.Agency.id).where(m.Agency.id == number))
    return found
