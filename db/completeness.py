"""Keeps ``case_completeness`` current: one row per decided case with its 案卷完整性 score, computed by
domain.procedure.completeness from the case's record, and the supervisors' page read from it with SQL aggregates.

Triggers (migration ``case completeness``) queue the id of every decided case a write may have rescored: a step or a
correction, a review round or step, the decision and its penalty items, the case's own fields, its party, matter or
agency, and an officer whose 执法证号 a stored score names (``case_completeness_certs``); a case without a decision has
no score, and the insert of its decision queues it. :func:`refresh` recomputes the queued rows.
It runs before the page's read (:func:`current_version`: one indexed read when nothing is queued) and in full from
``manage.py refresh``; the seeder writes the rows of its cases itself (:func:`score_rows` in its worker processes).

The score reads no date but the recorded ones — no "today", no calendar — so a stored row stays exact until one of
those writes. The rules themselves live in code: after an upgrade that changes them, ``manage.py refresh`` rescores
every case.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import pandas as pd
from sqlalchemy import Connection, Engine, Table, and_, case, delete, func, insert, select, update

from db import models as m
from db.bulk import insert_rows, sqlite_triggers_set_aside
from db.events import LOW_SCORE, CaseRecord, load_records, load_roster
from domain.procedure import CaseFacts, OfficerCert, completeness, completeness_cert_nos

__all__ = ["LOWEST", "CompletenessOverview", "current_version", "mark_changed", "overview", "queue_triggers_set_aside",
           "rebuild", "refresh", "score_rows", "written_by_bulk_writer"]

STORE: Table = m.CaseCompleteness.__table__  # type: ignore[assignment]
CERTS: Table = m.CaseCompletenessCert.__table__  # type: ignore[assignment]
QUEUE: Table = m.CaseCompletenessQueue.__table__  # type: ignore[assignment]
VERSION: Table = m.SummaryVersion.__table__  # type: ignore[assignment]
COMPLETENESS_VERSION = 3
ROW_COLUMNS = tuple(STORE.columns.keys())
CERT_COLUMNS = ("case_id", "cert_no")
LOWEST = 50
# Cases loaded and scored together: bounded memory, and IN lists well under every driver's limit.
_CHUNK = 500
_REBUILD_CHUNK = 2000
# Above this share of all decided cases one pass over every case is cheaper than lookups id by id (after an import).
_FULL_PASS_SHARE = 0.2
_FULL_PASS_MIN = 10_000


# ------------------------------------------------------------------------------------------------------ writing


def score_rows(case_id: int, agency_id: int, facts: CaseFacts, roster: Mapping[str, OfficerCert],
               ) -> tuple[tuple[Any, ...], list[tuple[int, str]]]:
    """The ``case_completeness`` row (in ROW_COLUMNS order) and the ``case_completeness_certs`` rows of one decided
    case, by the same rules as db.events.completeness_table."""
    result = completeness(facts, roster, agency_id=agency_id)
    row = (case_id, agency_id, facts.category.value, facts.procedure.value, facts.decided_on, result.score,
           len(result.missing), result.missing[0] if result.missing else "", "；".join(result.missing))
    return row, [(case_id, no) for no in sorted(completeness_cert_nos(facts))]


def _write(conn: Connection, records: Iterable[CaseRecord], roster: Mapping[str, OfficerCert]) -> list[tuple[Any, ...]]:
    rows: list[tuple[Any, ...]] = []
    certs: list[tuple[int, str]] = []
    for rec in records:
        row, named = score_rows(rec.case_id, rec.agency_id, rec.facts, roster)
        rows.append(row)
        certs += named
    insert_rows(conn, STORE, ROW_COLUMNS, rows)
    insert_rows(conn, CERTS, CERT_COLUMNS, certs)
    return rows


def _decided(condition: Any) -> Any:
    return and_(condition, m.Decision.id.is_not(None))


def _chunks(ids: Sequence[int], size: int) -> Iterator[Sequence[int]]:
    for start in range(0, len(ids), size):
        yield ids[start:start + size]


def _bump(conn: Connection) -> None:
    conn.execute(update(VERSION).where(VERSION.c.id == COMPLETENESS_VERSION).values(version=VERSION.c.version + 1))
    if conn.execute(select(VERSION.c.id).where(VERSION.c.id == COMPLETENESS_VERSION)).first() is None:
        # Emptied by ``seed --reset``: start again at a random version, never at one cached before.
        conn.execute(insert(VERSION).values(id=COMPLETENESS_VERSION, version=secrets.randbits(40)))


def mark_changed(conn: Connection) -> None:
    """Raise the completeness version: the page's cache is read again."""
    _bump(conn)


def written_by_bulk_writer(conn: Connection, first_case_id: int, last_case_id: int) -> None:
    """Cases ``first_case_id``–``last_case_id`` were written together with their rows (built with
    :func:`score_rows`): what their inserts queued needs no recomputation. The caller raises the version with
    :func:`mark_changed` once the bulk write ends."""
    conn.execute(delete(QUEUE).where(QUEUE.c.case_id.between(first_case_id, last_case_id)))


# The insert triggers that queue a bulk writer's new cases (migration 7d4b2e9c1a68).
_INSERT_TRIGGERS = ("SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'cc!_%!_ai' ESCAPE '!' "
                    "ORDER BY name")


@contextmanager
def queue_triggers_set_aside(conn: Connection) -> Iterator[None]:
    """For a bulk writer that writes the scores of the cases it inserts (the seeder): on SQLite the row triggers that
    would queue each inserted step, round, decision and penalty item (≈ 9 per case) are set aside inside this block —
    in the caller's transaction only, restored from their own stored SQL before it commits (a rollback restores them
    too), so no other connection ever sees them missing. PostgreSQL's are statement triggers, one statement per COPY:
    there they stay, and :func:`written_by_bulk_writer` takes the queued ids out again."""
    if conn.dialect.name != "sqlite":
        yield
        return
    with sqlite_triggers_set_aside(conn, _INSERT_TRIGGERS):
        yield


def rebuild(conn: Connection) -> int:
    """Rescore every decided case (``manage.py refresh``; also after an upgrade that changes the rules)."""
    conn.execute(delete(QUEUE))
    conn.execute(delete(CERTS))
    conn.execute(delete(STORE))
    roster = load_roster(conn)
    d = m.Decision
    written, last = 0, None
    while True:
        # Keyset over the decided cases: each pass loads one range of case ids from the indexes.
        page = select(d.case_id).order_by(d.case_id).limit(_REBUILD_CHUNK)
        ids = conn.execute(page if last is None else page.where(d.case_id > last)).scalars().all()
        if not ids:
            break
        records = load_records(conn, _decided(m.Case.id.between(ids[0], ids[-1])), roster)
        written += len(_write(conn, records, roster))
        last = ids[-1]
    _bump(conn)
    return written


def refresh(conn: Connection) -> int:
    """Rescore the queued cases in the caller's transaction; the number of cases looked at. The version rises only
    when a row the page shows changed: a step that leaves every score and missing item as it was (a further
    调查取证 record, say) keeps the page's cache."""
    if conn.execute(select(QUEUE.c.case_id).limit(1)).first() is None:
        return 0
    # Taking the ids with the delete makes this transaction the writer first, so a concurrent write that queues an
    # id again after this point is seen by the next refresh.
    ids = sorted(conn.execute(delete(QUEUE).returning(QUEUE.c.case_id)).scalars())
    if len(ids) >= _FULL_PASS_MIN:
        total = conn.execute(select(func.count()).select_from(m.Decision)).scalar_one()
        if len(ids) > _FULL_PASS_SHARE * total:
            return rebuild(conn)
    roster = load_roster(conn)
    changed = False
    for chunk in _chunks(ids, _CHUNK):
        before = {tuple(r) for r in conn.execute(select(STORE).where(STORE.c.case_id.in_(chunk)))}
        # A case no longer decided (or gone) keeps no row.
        conn.execute(delete(STORE).where(STORE.c.case_id.in_(chunk)))
        conn.execute(delete(CERTS).where(CERTS.c.case_id.in_(chunk)))
        after = _write(conn, load_records(conn, _decided(m.Case.id.in_(chunk)), roster), roster)
        changed = changed or before != set(after)
    if changed:
        _bump(conn)
    return len(ids)


def _version(conn: Connection) -> int:
    found = conn.execute(select(VERSION.c.version).where(VERSION.c.id == COMPLETENESS_VERSION)).scalar_one_or_none()
    return int(found or 0)


def current_version(engine: Engine) -> int:
    """Bring the scores up to date and return their version: what the page's cache is keyed by."""
    with engine.connect() as conn:
        if conn.execute(select(QUEUE.c.case_id).limit(1)).first() is None:
            return _version(conn)
    with engine.begin() as conn:
        refresh(conn)
        return _version(conn)


# ------------------------------------------------------------------------------------------------------ reading


AGENCY_COLUMNS = ["agency", "cases", "average_score", "lowest_score", "low_cases"]
LOWEST_COLUMNS = ["case_id", "case_no", "agency_id", "agency", "category", "procedure", "decided_on", "score",
                  "missing_count", "first_missing", "missing"]


@dataclass(frozen=True)
class CompletenessOverview:
    """What the 案卷完整性 page shows for one scope (an agency, or all)."""

    cases: int
    average: float | None  # None without cases
    low: int  # below LOW_SCORE
    full: int  # scored 100
    per_agency: pd.DataFrame  # AGENCY_COLUMNS, as db.events.per_agency_completeness
    lowest: pd.DataFrame  # LOWEST_COLUMNS, the LOWEST lowest-scoring cases, lowest first


def overview(engine: Engine, scope_agency_id: int | None) -> CompletenessOverview:
    """Counts, per-agency figures and the lowest-scoring cases from the stored scores: two reads of the indexes, no
    case loaded. Call :func:`current_version` first to bring the scores up to date."""
    s, a, c = STORE.c, m.Agency, m.Case
    # Per agency from ix_case_completeness_agency alone, then the names of the few groups.
    per = (select(s.agency_id, func.count().label("n"), func.sum(s.score).label("total"),
                  func.min(s.score).label("lowest"), func.sum(case((s.score < LOW_SCORE, 1), else_=0)).label("low"),
                  func.sum(case((s.score == 100, 1), else_=0)).label("full"))
           .group_by(s.agency_id))
    # The lowest LOWEST in index order first (ix_case_completeness_lowest, or the agency's), then their case numbers.
    order = (s.score, s.missing_count.desc(), s.decided_on.desc(), s.case_id)
    low = select(STORE).order_by(*order).limit(LOWEST)
    if scope_agency_id is not None:
        per, low = per.where(s.agency_id == scope_agency_id), low.where(s.agency_id == scope_agency_id)
    groups_q, low_q = per.subquery("g"), low.subquery("low")
    g, lw = groups_q.c, low_q.c
    with engine.connect() as conn:
        groups = [(r.short_name, int(r.n), int(r.total), int(r.lowest), int(r.low), int(r.full)) for r in conn.execute(
            select(a.short_name, g.n, g.total, g.lowest, g.low, g.full).join(groups_q, g.agency_id == a.id))]
        lowest_rows = conn.execute(
            select(lw.case_id, c.case_no, lw.agency_id, a.short_name.label("agency"), lw.category, lw.procedure,
                   lw.decided_on, lw.score, lw.missing_count, lw.first_missing, lw.missing)
            .select_from(low_q).join(c, c.id == lw.case_id).join(a, a.id == lw.agency_id)
            .order_by(lw.score, lw.missing_count.desc(), lw.decided_on.desc(), lw.case_id)).all()
    cases = sum(g[1] for g in groups)
    total = sum(g[2] for g in groups)
    return CompletenessOverview(
        cases=cases, average=total / cases if cases else None, low=sum(g[4] for g in groups),
        full=sum(g[5] for g in groups), per_agency=_per_agency(groups),
        lowest=pd.DataFrame([tuple(r) for r in lowest_rows], columns=LOWEST_COLUMNS))


def _per_agency(groups: list[tuple[str, int, int, int, int, int]]) -> pd.DataFrame:
    """Per agency short name (two agencies of one short name count as one, as the table grouped by name did): cases,
    average (rounded as pandas rounds a group mean), lowest score, cases below LOW_SCORE."""
    if not groups:
        return pd.DataFrame(columns=AGENCY_COLUMNS)
    frame = pd.DataFrame(groups, columns=["agency", "cases", "total", "lowest_score", "low_cases", "full"])
    merged = frame.groupby("agency", sort=True).agg(
        cases=("cases", "sum"), total=("total", "sum"), lowest_score=("lowest_score", "min"),
        low_cases=("low_cases", "sum"))
    merged["average_score"] = (merged["total"] / merged["cases"]).round(1)
    out = merged.reset_index()
    return out[AGENCY_COLUMNS].sort_values(["average_score", "agency"], ignore_index=True)
