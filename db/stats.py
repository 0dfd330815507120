"""Aggregates for the public statistics pages and supervision: the 年度行政执法数据 and the disclosure clock.
Rules live in domain.statistics and domain.deadlines; this module only reads rows.

The pages read the per-decision ``decision_facts`` kept by db.summaries (:func:`annual_tallies`,
:func:`clock_overview`): a GROUP BY and a few indexed rows instead of every decision in Python. The functions that
recompute from the source tables (:func:`annual_facts`, :func:`disclosure_clocks`) are the reference the tests hold
the facts to."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pandas as pd
from sqlalchemy import Engine, case, exists, func, or_, select

from db import models as m
from db.summaries import current_version
from domain.deadlines import DISCLOSURE_WORDING, disclosure_clock, published_for_clock
from domain.enums import ActionCategory, DisclosureStatus, DueState, PartyType, PenaltyType
from domain.statistics import AnnualReport, DecisionFact, FactTally, annual_report_from_tallies
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
    decisions (minor party, confidential) are exempt and marked 依法不予公开; a decision whose public projection is
    held or missing is not published yet; ``public`` says whether the decision may be named on a public page
    (published, visible and not withheld)."""
    d, c, a, s, pr = m.Decision, m.Case, m.Agency, m.Disclosure, m.PublicRecord
    stmt = (
        select(a.id.label("agency_id"), a.short_name.label("agency"), d.id, d.decision_no, d.category, d.decided_on,
               s.published_on, s.status, s.withheld_reason, d.unreviewed_major,
               or_(pr.decision_id.is_(None), pr.held_reason.is_not(None)).label("hidden"), pr.released_at)
        .join(c, c.id == d.case_id).join(a, a.id == c.agency_id).join(s, s.decision_id == d.id)
        .outerjoin(pr, pr.decision_id == d.id)
    )
    records: list[tuple[Any, ...]] = []
    with engine.connect() as conn:
        for r in conn.execute(stmt):
            if r.withheld_reason:
                records.append((r.agency_id, r.agency, r.id, r.decision_no, r.category.value, r.decided_on, None, None,
                                "依法不予公开", 0, False, False, r.unreviewed_major))
                continue
            # Not visible to the public (projection held or missing): not published yet (db.summaries.fact_row).
            published = published_for_clock(r.published_on, draft=r.status is DisclosureStatus.DRAFT,
                                            visible=not r.hidden, released_at=r.released_at)
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


# ------------------------------------------------------------------------------------- from the decision facts

SUMMARY_COLUMNS = ["agency", "decisions", "on_time", "late", "overdue", "pending", "withheld", "unreviewed_major",
                   "on_time_rate"]
WITHHELD_WORDING = "依法不予公开"


def annual_tallies(engine: Engine, year: int) -> list[FactTally]:
    """The decisions of ``year`` added up per (agency, report column, party kind): :func:`annual_facts` aggregated
    in SQL. Call db.summaries.current_version first so that the facts are current."""
    start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
    f, a = m.DecisionFactRow, m.Agency
    amount = func.sum(f.amount, type_=m.Money())
    paying = func.sum(case((f.amount != 0, 1), else_=0))
    with engine.connect() as conn:
        names = dict(conn.execute(select(a.id, a.name)).all())
        rows = conn.execute(
            select(f.agency_id, f.report_column, f.natural_person, func.count(), amount, paying)
            .where(f.decided_on.between(start, end))
            .group_by(f.agency_id, f.report_column, f.natural_person)
        ).all()
    return [FactTally(agency_id=r[0], agency_name=names.get(r[0], ""), column_key=r[1], natural_person=bool(r[2]),
                      decisions=int(r[3]), amount=r[4] or Decimal(0), paying=int(r[5] or 0))
            for r in rows]


def agencies_with_cases_filed(engine: Engine, year: int) -> frozenset[int]:
    """Agencies that filed a case in ``year``: with those that decided one (their tallies) they have reported."""
    start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
    a, c = m.Agency, m.Case
    with engine.connect() as conn:
        return frozenset(conn.execute(
            select(a.id).where(exists().where(c.agency_id == a.id, c.filed_on.between(start, end)))).scalars())


def annual_report_from_facts(engine: Engine, year: int) -> AnnualReport:
    """The annual report of ``year`` from current decision facts (the facts are refreshed first)."""
    current_version(engine)
    tallies = annual_tallies(engine, year)
    reported = agencies_with_cases_filed(engine, year) | {t.agency_id for t in tallies}
    return annual_report_from_tallies(tallies, year, enforcing_agencies(engine), reported)


@dataclass(frozen=True)
class ClockOverview:
    per_agency: pd.DataFrame  # SUMMARY_COLUMNS, one row per agency short name
    worst_late: pd.DataFrame  # CLOCK_COLUMNS, most working days late first
    provisional: bool  # some deadline counts days of a year without an official calendar


def clock_overview(engine: Engine, today: dt.date, calendar: WorkCalendar, *, public_only: bool,
                   limit: int = 20) -> ClockOverview:
    """:func:`clock_summary` and :func:`worst_late` of :func:`disclosure_clocks`, from the decision facts. Whether a
    published decision was on time is fixed at publication; an unpublished one is overdue once ``today`` passes its
    deadline, so only those few rows are judged here."""
    f, a = m.DecisionFactRow, m.Agency
    shown = ~f.withheld
    published = shown & f.published_on.is_not(None)
    waiting = shown & f.published_on.is_(None)

    def count(condition: Any) -> Any:
        return func.sum(case((condition, 1), else_=0))

    with engine.connect() as conn:
        rows = conn.execute(
            select(f.agency_id, func.count(), count(published & (f.late_workdays == 0)),
                   count(published & (f.late_workdays > 0)), count(waiting & (f.deadline < today)),
                   count(waiting & (f.deadline >= today)), count(f.withheld), count(f.unreviewed_major),
                   func.max(case((f.provisional, 1), else_=0)))
            .where(f.disclosed).group_by(f.agency_id).order_by(f.agency_id)
        ).all()
        short = dict(conn.execute(select(a.id, a.short_name)).all())
        worst = _worst_late(conn, today, calendar, public_only=public_only, limit=limit)
    frame = pd.DataFrame([(short.get(r[0], ""), *(int(x or 0) for x in r[1:8])) for r in rows],
                         columns=SUMMARY_COLUMNS[:-1])
    # Agencies sharing a short name are one line, as in clock_summary.
    per_agency = frame.groupby("agency", sort=False).sum().reset_index() if not frame.empty else frame
    due = per_agency["on_time"] + per_agency["late"] + per_agency["overdue"]
    per_agency["on_time_rate"] = (per_agency["on_time"] / due.where(due > 0)).round(4)
    return ClockOverview(per_agency, worst, any(bool(r[8]) for r in rows))


def _worst_late(conn: Any, today: dt.date, calendar: WorkCalendar, *, public_only: bool, limit: int) -> pd.DataFrame:
    f, d, a = m.DecisionFactRow, m.Decision, m.Agency
    columns = (f.agency_id, a.short_name, f.decision_id, d.decision_no, f.category, f.decided_on, f.deadline,
               f.published_on, f.late_workdays, f.provisional, f.unreviewed_major)
    base = select(*columns).join(d, d.id == f.decision_id).join(a, a.id == f.agency_id)
    records = [
        (r.agency_id, r.short_name, r.decision_id, r.decision_no, r.category, r.decided_on, r.deadline, r.published_on,
         DISCLOSURE_WORDING[DueState.LATE], r.late_workdays, r.provisional, True, r.unreviewed_major)
        for r in conn.execute(base.where(f.late_workdays > 0)
                              .order_by(f.late_workdays.desc(), f.decided_on, f.decision_id).limit(limit))
    ]
    if not public_only:
        # Unpublished and past the deadline: the earlier the deadline, the more working days late, so rows are read
        # in deadline order until a row is less late than the limit-th one (ties with it are kept).
        overdue: list[tuple[Any, ...]] = []
        stream = conn.execute(
            base.where(f.published_on.is_(None), f.deadline < today).order_by(f.deadline, f.decided_on, f.decision_id)
            .execution_options(stream_results=True, yield_per=200))
        for r in stream:
            clock = disclosure_clock(r.decided_on, ActionCategory(r.category), None, today, calendar)
            if len(overdue) >= limit and clock.late_workdays < overdue[limit - 1][9]:
                break
            overdue.append((r.agency_id, r.short_name, r.decision_id, r.decision_no, r.category, r.decided_on,
                            clock.deadline, None, DISCLOSURE_WORDING[clock.status], clock.late_workdays,
                            clock.provisional, False, r.unreviewed_major))
        stream.close()
        records += overdue
    records.sort(key=lambda x: (-x[9], x[5], x[2]))
    frame = pd.DataFrame(records[:limit], columns=CLOCK_COLUMNS)
    frame["unreviewed_major"] = frame["unreviewed_major"].astype(bool)
    frame["provisional"] = frame["provisional"].astype(bool)
    return frame
