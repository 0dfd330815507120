"""Aggregates for the public statistics pages and supervision: the 年度行政执法数据 facts and the disclosure clock of
every decision. Rules live in domain.statistics and domain.deadlines; this module only reads rows."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import Decimal
from typing import Any

import pandas as pd
from sqlalchemy import Engine, func, or_, select

from db import models as m
from domain.deadlines import DISCLOSURE_WORDING, disclosure_clock
from domain.enums import ActionCategory, DisclosureStatus, DueState, PartyType, PenaltyType
from domain.statistics import DecisionFact
from domain.workdays import WorkCalendar

CLOCK_COLUMNS = ["agency_id", "agency", "decision_id", "decision_no", "category", "decided_on", "deadline",
                 "published_on", "clock", "late_workdays", "provisional", "public", "unreviewed_major"]


def load_calendar(engine: Engine) -> WorkCalendar:
    """The official calendar plus the 放假/调休 dates an administrator entered for years not yet bundled."""
    with engine.connect() as conn:
        rows = conn.execute(select(m.CalendarDay.day, m.CalendarDay.is_workday)).all()
        years = conn.execute(select(m.CalendarYear.year)).scalars().all()
    return WorkCalendar(extra_holidays=frozenset(d for d, w in rows if not w),
                        extra_workdays=frozenset(d for d, w in rows if w), official_years=frozenset(years))


def calendar_entries(engine: Engine) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The administrator's entered dates and the years declared complete, newest first."""
    with engine.connect() as conn:
        days = [dict(r) for r in conn.execute(
            select(m.CalendarDay.day, m.CalendarDay.is_workday, m.CalendarDay.note).order_by(m.CalendarDay.day.desc())
        ).mappings()]
        years = [dict(r) for r in conn.execute(
            select(m.CalendarYear.year, m.CalendarYear.declared_by, m.CalendarYear.declared_on, m.CalendarYear.source)
            .order_by(m.CalendarYear.year.desc())).mappings()]
    for d in days:
        d["kind"] = "调休上班" if d.pop("is_workday") else "放假"
    return (pd.DataFrame(days, columns=["day", "kind", "note"]),
            pd.DataFrame(years, columns=["year", "declared_by", "declared_on", "source"]))


def enforcing_agencies(engine: Engine) -> dict[int, str]:
    """Agencies with at least one enforcement matter (the 司法局 that supervises is not an enforcing body)."""
    with engine.connect() as conn:
        rows = conn.execute(
            select(m.Agency.id, m.Agency.name)
            .where(select(m.Matter.id).where(m.Matter.agency_id == m.Agency.id).exists())
            .order_by(m.Agency.id)
        ).all()
    return {r.id: r.name for r in rows}


def annual_facts(engine: Engine, year: int) -> tuple[list[DecisionFact], set[int]]:
    """Every decision made in ``year`` (withdrawn ones included, as the counting rules require) and the agencies
    that have case data for that year. An agency without any case filed or decided in the year has not reported
    (未报送) — the data come from its case records."""
    start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
    d, c, a, p = m.Decision, m.Case, m.Agency, m.Party
    with engine.connect() as conn:
        rows = conn.execute(
            select(d.id, c.agency_id, a.name, d.category, d.decided_on, d.fine_total, d.confiscation_total,
                   d.conclusion, p.party_type, m.Disclosure.status)
            .join(c, c.id == d.case_id).join(a, a.id == c.agency_id).join(p, p.id == c.party_id)
            .outerjoin(m.Disclosure, m.Disclosure.decision_id == d.id)
            .where(d.decided_on >= start, d.decided_on <= end)
        ).all()
        types: dict[int, set[PenaltyType]] = defaultdict(set)
        for decision_id, ptype in conn.execute(
            select(m.PenaltyItem.decision_id, m.PenaltyItem.penalty_type)
            .join(d, d.id == m.PenaltyItem.decision_id).where(d.decided_on >= start, d.decided_on <= end)
        ):
            types[decision_id].add(ptype)
        reported = set(conn.execute(
            select(c.agency_id).outerjoin(d, d.case_id == c.id)
            .where(or_(c.filed_on.between(start, end), d.decided_on.between(start, end))).distinct()
        ).scalars())
    facts = [
        DecisionFact(
            decision_id=r.id, agency_id=r.agency_id, agency_name=r.name, category=r.category, decided_on=r.decided_on,
            penalty_types=frozenset(types.get(r.id, ())), fine_total=r.fine_total or Decimal(0),
            confiscation_total=r.confiscation_total or Decimal(0),
            party_is_natural_person=r.party_type is PartyType.NATURAL_PERSON,
            licence_granted=(r.conclusion.startswith("准予")) if r.category is ActionCategory.LICENCE else None,
            revoked_later=r.status is DisclosureStatus.WITHDRAWN,
        )
        for r in rows
    ]
    return facts, reported


def decision_years(engine: Engine) -> list[int]:
    with engine.connect() as conn:
        first, last = conn.execute(select(func.min(m.Decision.decided_on), func.max(m.Decision.decided_on))).one()
    if first is None:
        return []
    return list(range(last.year, first.year - 1, -1))


def disclosure_clocks(engine: Engine, today: dt.date, calendar: WorkCalendar) -> pd.DataFrame:
    """The disclosure clock (118号(六): 7 working days for 许可/处罚, 20 for others) of every decision. Withheld
    decisions (minor party, confidential) are exempt and marked 依法不予公开; ``public`` says whether the decision
    may be named on a public page (published and not withheld)."""
    d, c, a, s = m.Decision, m.Case, m.Agency, m.Disclosure
    stmt = (
        select(a.id.label("agency_id"), a.short_name.label("agency"), d.id, d.decision_no, d.category, d.decided_on,
               s.published_on, s.status, s.withheld_reason, d.unreviewed_major)
        .join(c, c.id == d.case_id).join(a, a.id == c.agency_id).join(s, s.decision_id == d.id)
    )
    records: list[tuple[Any, ...]] = []
    with engine.connect() as conn:
        for r in conn.execute(stmt):
            if r.withheld_reason:
                records.append((r.agency_id, r.agency, r.id, r.decision_no, r.category.value, r.decided_on, None, None,
                                "依法不予公开", 0, False, False, r.unreviewed_major))
                continue
            published = r.published_on if r.status is not DisclosureStatus.DRAFT else None
            clock = disclosure_clock(r.decided_on, r.category, published, today, calendar)
            records.append((r.agency_id, r.agency, r.id, r.decision_no, r.category.value, r.decided_on,
                            clock.deadline, published, DISCLOSURE_WORDING[clock.status], clock.late_workdays, clock.provisional,
                            published is not None, r.unreviewed_major))
    return pd.DataFrame(records, columns=CLOCK_COLUMNS)


def clock_summary(clocks: pd.DataFrame) -> pd.DataFrame:
    """Per agency: decisions, 按时/逾期公示/逾期未公示/未到期 counts and the on-time rate among those due."""
    if clocks.empty:
        return pd.DataFrame(columns=["agency", "decisions", "on_time", "late", "overdue", "pending", "withheld",
                                     "unreviewed_major", "on_time_rate"])
    g = clocks.groupby("agency", sort=False)
    out = pd.DataFrame({
        "decisions": g.size(),
        "on_time": g["clock"].apply(lambda x: int((x == DISCLOSURE_WORDING[DueState.ON_TIME]).sum())),
        "late": g["clock"].apply(lambda x: int((x == DISCLOSURE_WORDING[DueState.LATE]).sum())),
        "overdue": g["clock"].apply(lambda x: int((x == DISCLOSURE_WORDING[DueState.OVERDUE]).sum())),
        "pending": g["clock"].apply(lambda x: int((x == DISCLOSURE_WORDING[DueState.PENDING]).sum())),
        "withheld": g["clock"].apply(lambda x: int((x == "依法不予公开").sum())),
        "unreviewed_major": g["unreviewed_major"].apply(lambda x: int(x.astype(bool).sum())),
    }).reset_index()
    due = out["on_time"] + out["late"] + out["overdue"]
    out["on_time_rate"] = (out["on_time"] / due.where(due > 0)).round(4)
    return out


def worst_late(clocks: pd.DataFrame, *, public_only: bool, limit: int = 20) -> pd.DataFrame:
    """The latest disclosures, most working days late first. The public view names only published decisions."""
    late = clocks[clocks["clock"].isin([DISCLOSURE_WORDING[DueState.LATE], DISCLOSURE_WORDING[DueState.OVERDUE]])]
    if public_only:
        late = late[late["public"]]
    return late.sort_values(["late_workdays", "decided_on"], ascending=[False, True]).head(limit)
