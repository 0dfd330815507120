"""Keeps ``review_board`` current: one row per major case with the parts of the legal-review status board that do not
depend on today (status, rounds, approval, violation, the working days in review of a closed case, whether a
concluded round was overdue), computed by the domain rules — working days with 调休 cannot be computed in SQL.

It works like db.summaries for ``decision_facts``: triggers (migration ``review board``) queue the id of every case
a write may have changed — its flags, decision, review rounds and steps; the rows of an agency whose review time limit
changes; the rows whose stored dates were counted over an entered calendar day — and :func:`refresh` recomputes the
queued rows before a read (:func:`current_version`: one indexed read when nothing is queued); ``manage.py refresh``
and the end of a seed rebuild every row (:func:`rebuild`).

What grows with today is left to the read: a case still in review counts its working days until today (from
``open_since``), and a round not yet concluded is overdue once today passes its due date (``open_due``). Such cases
are few (undecided, submitted, not concluded), so the pages aggregate the stored rows in SQL and compute only those
in Python (:func:`board_tallies`), and the lists are bounded queries (:func:`board_rows`)."""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd
from sqlalchemy import Connection, Engine, Table, and_, delete, func, insert, or_, select, text, update

from db import models as m
from db.bulk import insert_rows
from db.review_rounds import RoundView, load_rounds, load_rounds_between, major_rules_by_agency
from db.summaries import calendar_of
from domain.enums import ReviewOutcome
from domain.major import DEFAULT_MAJOR_RULES, MajorRules
from domain.review import MajorStatus, approved_before, major_status
from domain.workdays import WorkCalendar

BOARD: Table = m.ReviewBoardRow.__table__  # type: ignore[assignment]
QUEUE: Table = m.ReviewBoardQueue.__table__  # type: ignore[assignment]
VERSION: Table = m.SummaryVersion.__table__  # type: ignore[assignment]
BOARD_VERSION = 4  # the summary_versions row of the review board
BOARD_COLUMNS = ["case_id", "case_no", "decision_no", "agency", "agency_id", "triggers", "status", "rounds",
                 "first_submitted_on", "approved_on", "decided_on", "review_workdays", "overdue", "violation",
                 "latest_outcome"]
STORED_COLUMNS = tuple(BOARD.columns.keys())
IN_REVIEW = (MajorStatus.AWAITING.value, MajorStatus.IN_REVIEW.value)
_CHUNK = 1000
_RANGE = 20_000  # case ids per range read of a rebuild
# Above this share of the board one pass over every case is cheaper than lookups id by id (after a seed, an import
# or a change of a large agency's time limit); below the minimum the count itself is not worth making.
_FULL_PASS_SHARE = 0.2
_FULL_PASS_MIN = 10_000
_LOCK_KEY = 0x7265_7669_6577  # "review": the PostgreSQL advisory lock of a refresh


# --- one row ------------------------------------------------------------------------------------------------------


def board_row(case: Any, own: Sequence[RoundView], rule: MajorRules, calendar: WorkCalendar) -> dict[str, Any]:
    """The stored row of one major case (``case`` has id, case_no, agency_id, major_reasons, decision_no, decided_on
    and unreviewed_major), by the rules of the status board: the approval that covers the decision
    (domain.review.approved_before), the review clock of every round (7 working days from complete materials, +3
    when extended, per agency) and the working days from the first submission to the approval or the last
    conclusion."""
    last = own[-1] if own else None
    decided = case.decided_on is not None
    if decided:
        approved = approved_before(own, case.decided_on)
    else:
        approved = last.reviewed_on if last and last.outcome is ReviewOutcome.APPROVED else None
    violation = decided and (bool(case.unreviewed_major) or approved is None)
    status = major_status(last.conclusion if last else None, bool(last and last.pending),
                          bool(last and last.assignee_officer_id), decided, violation)
    overdue_done, open_due = False, None
    window: list[dt.date] = []
    for x in own:
        started = x.clock_started_on
        if started is None:  # materials incomplete: the clock waits, never overdue
            continue
        due = calendar.add_workdays(started, rule.review_workdays
                                    + (rule.review_extension_workdays if x.extended else 0)).due
        window += [started, due]
        if x.reviewed_on is not None:
            overdue_done = overdue_done or x.reviewed_on > due
        elif open_due is None or due < open_due:
            open_due = due
    first = own[0].submitted_on if own else None
    end = approved or (last.reviewed_on if last and not last.pending else None)
    workdays = open_since = None
    if first is not None:
        if end is not None:
            workdays = calendar.workdays_between(first, end)
            window += [first, end]
        elif not decided:
            open_since = first  # counted until today when read
    return {
        "case_id": case.id, "agency_id": case.agency_id, "case_no": case.case_no,
        "decision_no": case.decision_no or "", "triggers": case.major_reasons or "", "status": status.value,
        "rounds": len(own), "first_submitted_on": first, "approved_on": approved, "decided_on": case.decided_on,
        "violation": violation, "latest_outcome": last.conclusion.value if last and last.conclusion else "",
        "review_workdays": workdays, "open_since": open_since, "overdue_done": overdue_done, "open_due": open_due,
        "window_from": min(window) if window else None, "window_to": max(window) if window else None,
    }


def _source() -> Any:
    """The cases on the board: flagged major, or decided with a decision marked 未经法制审核."""
    c, d = m.Case, m.Decision
    return (select(c.id, c.case_no, c.agency_id, c.major_reasons, d.decision_no, d.decided_on, d.unreviewed_major)
            .outerjoin(d, d.case_id == c.id).where(or_(c.is_major.is_(True), d.unreviewed_major.is_(True))))


def _rows(cases: Iterable[Any], rounds: dict[int, list[RoundView]], rules: dict[int, MajorRules],
          calendar: WorkCalendar) -> list[dict[str, Any]]:
    return [board_row(case, rounds.get(case.id, []), rules.get(case.agency_id, DEFAULT_MAJOR_RULES), calendar)
            for case in cases]


def _write(conn: Connection, rows: list[dict[str, Any]]) -> int:
    """Straight to the driver (db.bulk): a rebuild writes a row per major case."""
    return insert_rows(conn, BOARD, STORED_COLUMNS, [tuple(r[c] for c in STORED_COLUMNS) for r in rows])


# --- keeping it current -----------------------------------------------------------------------------------------


def _bump(conn: Connection) -> None:
    """Raise the board version: caches keyed by it are read again."""
    if conn.execute(update(VERSION).where(VERSION.c.id == BOARD_VERSION)
                    .values(version=VERSION.c.version + 1)).rowcount == 0:
        # Emptied by ``seed --reset``: start again at a random version, never at one cached before.
        conn.execute(insert(VERSION).values(id=BOARD_VERSION, version=secrets.randbits(40)))


def _one_writer(conn: Connection) -> None:
    """One refresh or rebuild at a time, until the caller's transaction ends (SQLite has one writer anyway): a full
    pass deletes and rewrites every row, which a concurrent refresh of a few ids would collide with on their keys."""
    if conn.dialect.name == "postgresql":
        conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _LOCK_KEY})


def rebuild(conn: Connection) -> int:
    """Recompute every row (``manage.py refresh``, the end of a seed, a large queue): range reads of the cases and
    their rounds, ``_RANGE`` case ids at a time."""
    _one_writer(conn)
    calendar, rules = calendar_of(conn), major_rules_by_agency(conn)
    conn.execute(delete(QUEUE))
    conn.execute(delete(BOARD))
    c = m.Case
    low, high = conn.execute(select(func.min(c.id), func.max(c.id))).one()
    written = 0
    if low is None:
        _bump(conn)
        return 0
    for first in range(low, high + 1, _RANGE):
        last = first + _RANGE - 1
        cases = conn.execute(_source().where(c.id.between(first, last)).order_by(c.id)).all()
        if cases:
            rounds = load_rounds_between(conn, first, last, texts=False)
            written += _write(conn, _rows(cases, rounds, rules, calendar))
    _bump(conn)
    return written


def _chunks(ids: Sequence[int]) -> Iterator[Sequence[int]]:
    for start in range(0, len(ids), _CHUNK):
        yield ids[start:start + _CHUNK]


def refresh(conn: Connection) -> int:
    """Recompute the queued rows in the caller's transaction; the number of cases looked at."""
    if conn.execute(select(QUEUE.c.case_id).limit(1)).first() is None:
        return 0
    _one_writer(conn)
    # Taking the ids with the delete makes this transaction the writer first, so a concurrent write that queues an
    # id again after this point is seen by the next refresh.
    ids = sorted(conn.execute(delete(QUEUE).returning(QUEUE.c.case_id)).scalars())
    if not ids:  # another refresher took them
        return 0
    if len(ids) >= _FULL_PASS_MIN:
        stored = conn.execute(select(func.count()).select_from(BOARD)).scalar_one()
        if len(ids) > _FULL_PASS_SHARE * stored:
            rebuild(conn)
            return len(ids)
    calendar, rules = calendar_of(conn), major_rules_by_agency(conn)
    for chunk in _chunks(ids):
        conn.execute(delete(BOARD).where(BOARD.c.case_id.in_(chunk)))
        cases = conn.execute(_source().where(m.Case.id.in_(chunk)).order_by(m.Case.id)).all()
        _write(conn, _rows(cases, load_rounds(conn, [x.id for x in cases]), rules, calendar))
    _bump(conn)
    return len(ids)


def _version(conn: Connection) -> int | None:
    return conn.execute(select(VERSION.c.version).where(VERSION.c.id == BOARD_VERSION)).scalar_one_or_none()


def current_version(engine: Engine) -> int:
    """Bring the board up to date and return its version: what the board caches are keyed by (with today)."""
    with engine.connect() as conn:
        if conn.execute(select(QUEUE.c.case_id).limit(1)).first() is None:
            version = _version(conn)
            if version is not None:
                return int(version)
    with engine.begin() as conn:
        if not refresh(conn) and _version(conn) is None:
            _bump(conn)  # the row was emptied (``seed --reset``): a new random version the triggers raise again
        return int(_version(conn) or 0)


# --- reading ------------------------------------------------------------------------------------------------------


def _overdue(today: dt.date) -> Any:
    """A concluded round was overdue, or a running clock is past its due date today."""
    return or_(BOARD.c.overdue_done.is_(True), and_(BOARD.c.open_due.is_not(None), BOARD.c.open_due < today))


def _agency_names(conn: Connection) -> dict[int, str]:
    return dict(conn.execute(select(m.Agency.id, m.Agency.short_name)).all())


def _scoped(stmt: Any, scope_agency_id: int | None) -> Any:
    return stmt if scope_agency_id is None else stmt.where(BOARD.c.agency_id == scope_agency_id)


TALLY_COLUMNS = ["agency", "status", "decided", "violation", "overdue", "review_workdays", "cases"]


def board_tallies(engine: Engine, calendar: WorkCalendar, today: dt.date,
                  scope_agency_id: int | None = None) -> pd.DataFrame:
    """How many major cases stand at each (agency, status, decided, violation, overdue, review working days): what
    the metrics, the outcome mix per agency, the duration chart and the public summary count. One grouped scan of the
    stored rows; the open cases come grouped by their first submission and are counted to today in Python."""
    b = BOARD
    keys = (b.c.agency_id, b.c.status, b.c.decided_on.is_not(None).label("decided"), b.c.violation,
            _overdue(today).label("overdue"), b.c.review_workdays, b.c.open_since)
    stmt = _scoped(select(*keys, func.count().label("cases")).group_by(*keys), scope_agency_id)
    with engine.connect() as conn:
        names = _agency_names(conn)
        rows = [(names.get(r.agency_id, ""), r.status, bool(r.decided), bool(r.violation), bool(r.overdue),
                 r.review_workdays if r.open_since is None else calendar.workdays_between(r.open_since, today),
                 r.cases) for r in conn.execute(stmt)]
    frame = pd.DataFrame(rows, columns=TALLY_COLUMNS)
    if frame.empty:
        return frame
    # Open cases counted to today meet closed ones at the same number of days: one row each.
    return (frame.groupby(TALLY_COLUMNS[:-1], dropna=False, sort=True)["cases"].sum().reset_index()
            .astype({"cases": "int64"}))


def _board_dicts(rows: Iterable[Any], names: dict[int, str], calendar: WorkCalendar,
                 today: dt.date) -> list[dict[str, Any]]:
    out = []
    for r in rows:
        workdays = (calendar.workdays_between(r.open_since, today) if r.open_since is not None
                    else r.review_workdays)
        out.append({
            "case_id": r.case_id, "case_no": r.case_no, "decision_no": r.decision_no,
            "agency": names.get(r.agency_id, ""), "agency_id": r.agency_id, "triggers": r.triggers,
            "status": r.status, "rounds": r.rounds, "first_submitted_on": r.first_submitted_on,
            "approved_on": r.approved_on, "decided_on": r.decided_on, "review_workdays": workdays,
            "overdue": bool(r.overdue_done) or (r.open_due is not None and today > r.open_due),
            "violation": bool(r.violation), "latest_outcome": r.latest_outcome,
        })
    return out


def board_rows(engine: Engine, calendar: WorkCalendar, today: dt.date, *, scope_agency_id: int | None = None,
               violations_only: bool = False, newest_first: bool = False, limit: int | None = None) -> pd.DataFrame:
    """Board rows (``BOARD_COLUMNS``) in case order, or the newest ``limit`` first: a bounded read of the stored
    rows, with today's parts computed for the few open cases among them."""
    b = BOARD
    stmt = _scoped(select(b), scope_agency_id)
    if violations_only:
        stmt = stmt.where(b.c.violation.is_(True))
    stmt = stmt.order_by(b.c.case_id.desc() if newest_first else b.c.case_id)
    if limit is not None:
        stmt = stmt.limit(limit)
    with engine.connect() as conn:
        names = _agency_names(conn)
        rows = _board_dicts(conn.execute(stmt), names, calendar, today)
    return pd.DataFrame(rows, columns=BOARD_COLUMNS)


def iter_board(engine: Engine, calendar: WorkCalendar, today: dt.date) -> Iterator[dict[str, Any]]:
    """Every board row in case order, streamed (the CSV report)."""
    with engine.connect() as conn:
        names = _agency_names(conn)
        result = conn.execution_options(stream_results=True, yield_per=5000).execute(select(BOARD)
                                                                                    .order_by(BOARD.c.case_id))
        for part in result.partitions():
            yield from _board_dicts(part, names, calendar, today)


@dataclass(frozen=True)
class BoardOverview:
    """What the supervisors' page shows of the status board: the tallies (every case counted), the newest
    violations and the newest cases (bounded lists)."""

    tallies: pd.DataFrame  # TALLY_COLUMNS
    violations: pd.DataFrame  # BOARD_COLUMNS, newest first, at most ``limit``
    latest: pd.DataFrame  # BOARD_COLUMNS, newest first, at most ``limit``

    @property
    def total(self) -> int:
        return int(self.tallies["cases"].sum()) if not self.tallies.empty else 0

    def count(self, column: str) -> int:
        """Cases with a true ``column`` (``violation``, ``overdue``, ``decided``)."""
        if self.tallies.empty:
            return 0
        return int(self.tallies.loc[self.tallies[column].astype(bool), "cases"].sum())

    def in_review(self) -> int:
        if self.tallies.empty:
            return 0
        return int(self.tallies.loc[self.tallies["status"].isin(IN_REVIEW), "cases"].sum())


def board_overview(engine: Engine, calendar: WorkCalendar, today: dt.date, limit: int) -> BoardOverview:
    return BoardOverview(
        tallies=board_tallies(engine, calendar, today),
        violations=board_rows(engine, calendar, today, violations_only=True, newest_first=True, limit=limit),
        latest=board_rows(engine, calendar, today, newest_first=True, limit=limit))
