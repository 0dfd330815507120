"""Keeps ``decision_facts`` current: one row per decision with what the statistics pages count, computed by the
domain rules (working days with 调休 cannot be computed in SQL).

Triggers (migration ``decision facts``) queue the id of every decision a write may have changed; :func:`refresh`
recomputes the queued rows. It runs before a statistics read (:func:`current_version`: one indexed read when nothing
is queued), at the end of bulk writes in the same transaction, and in full from ``manage.py refresh``.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable, Iterator, Sequence
from decimal import Decimal
from functools import cache
from typing import Any, NamedTuple

from sqlalchemy import Connection, Engine, String, Table, delete, func, insert, literal_column, or_, select, update

from db import models as m
from domain.deadlines import disclosure_clock, published_for_clock
from domain.enums import ActionCategory, DisclosureStatus, PartyType, PenaltyType
from domain.statistics import DecisionFact, report_column_key
from domain.workdays import WorkCalendar

FACTS: Table = m.DecisionFactRow.__table__  # type: ignore[assignment]
QUEUE: Table = m.DecisionFactsQueue.__table__  # type: ignore[assignment]
VERSION: Table = m.SummaryVersion.__table__  # type: ignore[assignment]
FACTS_VERSION = 1
_CHUNK = 1000
# Above this share of all decisions one pass over every decision is cheaper than lookups id by id (after a seed or
# an import); below the minimum the count itself is not worth making.
_FULL_PASS_SHARE = 0.2
_FULL_PASS_MIN = 10_000


def calendar_of(conn: Connection) -> WorkCalendar:
    """The official calendar plus the administrator's entries (as db.stats.load_calendar, on a connection)."""
    rows = conn.execute(select(m.CalendarDay.day, m.CalendarDay.is_workday)).all()
    years = conn.execute(select(m.CalendarYear.year)).scalars().all()
    return WorkCalendar(extra_holidays=frozenset(d for d, w in rows if not w),
                        extra_workdays=frozenset(d for d, w in rows if w), official_years=frozenset(years))


def _penalty_types(conn: Connection) -> Any:
    i = m.PenaltyItem
    # Typed as plain text: "罚款|警告" is not one member of the penalty-type enum.
    agg = (func.group_concat(i.penalty_type, "|", type_=String()) if conn.dialect.name == "sqlite"
           else func.string_agg(i.penalty_type, literal_column("'|'"), type_=String()))
    return select(agg).where(i.decision_id == m.Decision.id).scalar_subquery()


class FactSource(NamedTuple):
    """One row of :func:`_source`, for a writer that holds the rows before writing them (the seeder builds its
    facts in its worker processes, next to the rows)."""

    id: int
    agency_id: int
    category: str
    decided_on: Any
    fine_total: Decimal | None
    confiscation_total: Decimal | None
    unreviewed_major: bool
    granted: bool
    party_type: PartyType
    disclosure_id: int | None
    status: DisclosureStatus | None
    published_on: Any
    withheld_reason: str | None
    types: str | None  # penalty types joined by "|"
    hidden: bool  # no public projection, or one held (待脱敏复核): the public cannot see it, whatever is recorded
    released_at: Any  # when a decision held before the public ever saw it was released (else None)


FACT_COLUMNS = tuple(FACTS.columns.keys())


def _source(conn: Connection) -> Any:
    d, c, p, s, r = m.Decision, m.Case, m.Party, m.Disclosure, m.PublicRecord
    return (
        select(d.id, c.agency_id, d.category, d.decided_on, d.fine_total, d.confiscation_total, d.unreviewed_major,
               (func.substr(d.conclusion, 1, 2) == "准予").label("granted"), p.party_type,
               s.id.label("disclosure_id"), s.status, s.published_on, s.withheld_reason,
               _penalty_types(conn).label("types"),
               or_(r.decision_id.is_(None), r.held_reason.is_not(None)).label("hidden"), r.released_at)
        .join(c, c.id == d.case_id).join(p, p.id == c.party_id).outerjoin(s, s.decision_id == d.id)
        .outerjoin(r, r.decision_id == d.id)
    )


@cache
def _types(joined: str | None) -> frozenset[PenaltyType]:
    return frozenset(PenaltyType(t) for t in joined.split("|")) if joined else frozenset()


# A handful of distinct (category, types, granted) combinations cover a million decisions.
_report_column = cache(report_column_key)


def fact_row(r: Any, calendar: WorkCalendar) -> dict[str, Any]:
    """The ``decision_facts`` row of one source row, by the same rules as db.stats.disclosure_clocks and
    db.stats.annual_facts."""
    category = ActionCategory(r.category)
    types = _types(r.types)
    fact = DecisionFact(
        decision_id=r.id, agency_id=r.agency_id, agency_name="", category=category, decided_on=r.decided_on,
        penalty_types=types, fine_total=r.fine_total or Decimal(0),
        confiscation_total=r.confiscation_total or Decimal(0),
        party_is_natural_person=r.party_type is PartyType.NATURAL_PERSON,
        licence_granted=bool(r.granted) if category is ActionCategory.LICENCE else None,
    )
    disclosed = r.disclosure_id is not None
    withheld = disclosed and bool(r.withheld_reason)
    deadline = published = None
    provisional, late = False, 0
    if disclosed and not withheld:
        # A decision the public cannot see (its projection held or missing) is not published yet, whatever its
        # disclosure row records: its lateness grows until it is released, and counts to its release.
        published = published_for_clock(r.published_on, draft=r.status is DisclosureStatus.DRAFT,
                                        visible=not r.hidden, released_at=r.released_at)
        # Lateness of an unpublished decision grows with today; it is computed at read time from the deadline.
        clock = disclosure_clock(r.decided_on, category, published, r.decided_on, calendar)
        deadline, provisional = clock.deadline, clock.provisional
        late = clock.late_workdays if published is not None else 0
    return {
        "decision_id": r.id, "agency_id": r.agency_id, "category": category.value, "decided_on": r.decided_on,
        "disclosed": disclosed, "withheld": withheld, "deadline": deadline, "provisional": provisional,
        "published_on": published, "late_workdays": late, "unreviewed_major": bool(r.unreviewed_major),
        "natural_person": fact.party_is_natural_person,
        "report_column": _report_column(category, types, fact.licence_granted), "amount": fact.amount,
    }


def _write(conn: Connection, rows: Iterable[Any], calendar: WorkCalendar) -> int:
    batch: list[dict[str, Any]] = []
    written = 0
    for r in rows:
        batch.append(fact_row(r, calendar))
        if len(batch) >= _CHUNK:
            conn.execute(insert(FACTS), batch)
            written += len(batch)
            batch = []
    if batch:
        conn.execute(insert(FACTS), batch)
        written += len(batch)
    return written


def _chunks(ids: Sequence[int]) -> Iterator[Sequence[int]]:
    for start in range(0, len(ids), _CHUNK):
        yield ids[start:start + _CHUNK]


def written_by_bulk_writer(conn: Connection, first_id: int, last_id: int) -> None:
    """Decisions ``first_id``–``last_id`` were written together with their ``decision_facts`` rows (built with
    :func:`fact_row`): the ids their inserts queued need no recomputation. The version is raised by the caller's
    :func:`mark_changed` once the bulk write ends."""
    conn.execute(delete(QUEUE).where(QUEUE.c.decision_id.between(first_id, last_id)))


def mark_changed(conn: Connection) -> None:
    """Raise the facts version: caches keyed by it are read again."""
    _bump(conn)


def _bump(conn: Connection) -> None:
    conn.execute(update(VERSION).where(VERSION.c.id == FACTS_VERSION).values(version=VERSION.c.version + 1))
    # Emptied by ``seed --reset``: start again at a random version, never at one cached before.
    if conn.execute(select(VERSION.c.id).where(VERSION.c.id == FACTS_VERSION)).first() is None:
        conn.execute(insert(VERSION).values(id=FACTS_VERSION, version=secrets.randbits(40)))


def rebuild(conn: Connection) -> int:
    """Recompute every row (``manage.py refresh``; also after a change of the bundled calendar)."""
    calendar = calendar_of(conn)
    conn.execute(delete(QUEUE))
    conn.execute(delete(FACTS))
    rows = conn.execute(_source(conn).execution_options(stream_results=True, yield_per=5000))
    written = _write(conn, rows, calendar)
    _bump(conn)
    return written


def refresh(conn: Connection) -> int:
    """Recompute the queued rows in the caller's transaction; the number of decisions looked at."""
    if conn.execute(select(QUEUE.c.decision_id).limit(1)).first() is None:
        return 0
    # Taking the ids with the delete makes this transaction the writer first, so a concurrent write that queues an
    # id again after this point is seen by the next refresh.
    ids = sorted(conn.execute(delete(QUEUE).returning(QUEUE.c.decision_id)).scalars())
    if len(ids) >= _FULL_PASS_MIN:
        total = conn.execute(select(func.count()).select_from(m.Decision)).scalar_one()
        if len(ids) > _FULL_PASS_SHARE * total:
            return rebuild(conn)
    calendar = calendar_of(conn)
    source = _source(conn)
    for chunk in _chunks(ids):
        conn.execute(delete(FACTS).where(FACTS.c.decision_id.in_(chunk)))
        _write(conn, conn.execute(source.where(m.Decision.id.in_(chunk))), calendar)
    _bump(conn)
    return len(ids)


def _version(conn: Connection, row: int) -> int:
    return int(conn.execute(select(VERSION.c.version).where(VERSION.c.id == row)).scalar_one_or_none() or 0)


def current_version(engine: Engine) -> int:
    """Bring the facts up to date and return their version: what the statistics caches are keyed by."""
    with engine.connect() as conn:
        if conn.execute(select(QUEUE.c.decision_id).limit(1)).first() is None:
            return _version(conn, FACTS_VERSION)
    with engine.begin() as conn:
        refresh(conn)
        return _version(conn, FACTS_VERSION)
