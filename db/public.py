"""The public query layer (谁执法谁公示). Every public output — pages, downloads, API — reads through here.

Decision text is read only from ``public_records``, the projection redacted once when the decision was written
(domain.publication, db.projection), and which decisions are listed only from the search index ``public_search``
(published, not withheld, not confidential, not a minor's, projection not held; kept by triggers). No raw text
column of decisions, cases or parties is selected here, so no public output can leak one, and none has to redact
or check a row on the way out — one bad row can no longer break a listing.
"""

from __future__ import annotations

import datetime as dt
import json
import queue
import threading
from collections import OrderedDict
from collections.abc import Callable, Generator, Iterable, Iterator, Mapping
from contextlib import closing
from dataclasses import dataclass, replace
from decimal import Decimal
from itertools import chain
from typing import Any, TypeVar

import pandas as pd
from sqlalchemy import (
    ColumnElement,
    Connection,
    Engine,
    Integer,
    Select,
    String,
    case,
    cast,
    func,
    literal,
    literal_column,
    or_,
    select,
    type_coerce,
)
from sqlalchemy.exc import DBAPIError

from db import models as m
from db.board import IN_REVIEW, board_tallies
from db.board import current_version as board_version
from db.flights import SingleFlight
from db.review_rounds import load_major_rules, load_rounds
from db.search import clear_expansions, match_count, scans_text, split_terms, text_condition
from domain.enums import DisclosureStatus
from domain.filters import AmountBand, DecisionFilters, SortKey, next_cursor
from domain.major import rules_catalogue
from domain.opendata import FORMULA_STARTS, batched_text, csv_head, csv_rows, json_document_texts
from domain.review import approved_before, median_of_counts, public_review_label
from domain.workdays import WorkCalendar

# Repeated (frozen) in the search-index migration 410ede7f7ec4; tests/db/test_search.py keeps the two equal.
LISTED_STATUSES = (DisclosureStatus.PUBLISHED, DisclosureStatus.CORRECTED, DisclosureStatus.WITHDRAWN)
_PS = m.PublicSearch.__table__
_PR = m.PublicRecord.__table__

PUBLIC_COLUMNS = {
    "id": "编号",
    "decision_no": "决定书文号",
    "agency": "执法机关",
    "party_name": "当事人",
    "party_type": "当事人类型",
    "uscc": "统一社会信用代码",
    "violation": "违法行为类型",
    "category": "执法类别",
    "conclusion": "执法结论（处罚内容）",
    "fine_total": "罚款金额（元）",
    "confiscation_total": "没收金额（元）",
    "decided_on": "决定日期",
    "published_on": "公示日期",
    "status": "公示状态",
}


def public_base(today: dt.date) -> Select:
    """The public list: the search index (which decisions the public may see, kept by triggers) joined with their
    stored public projection (already redacted text) — never a raw text column."""
    ps, pr, d, a = _PS, _PR, m.Decision, m.Agency
    return (
        select(
            ps.c.decision_id.label("id"), d.decision_no, a.name.label("agency"), ps.c.agency_id.label("agency_id"),
            pr.c.party_name, pr.c.party_type, pr.c.uscc, pr.c.violation, ps.c.category, pr.c.conclusion,
            ps.c.fine_total, d.confiscation_total, ps.c.decided_on, ps.c.published_on, ps.c.status,
        )
        .select_from(ps)
        .join(pr, pr.c.decision_id == ps.c.decision_id)
        .join(d, d.id == ps.c.decision_id)
        .join(a, a.id == ps.c.agency_id)
        .where(*_listed(today))
    )


WITHDRAWN_NOTICE = "（该决定已撤回，内容不再公示）"


def public_row(row: Mapping) -> dict:
    """A row of ``public_base`` as published: a withdrawn decision keeps only its tombstone (行政处罚法 art. 48 ¶2)."""
    return _as_published(dict(row))


def _as_published(out: dict) -> dict:
    if out["status"] == DisclosureStatus.WITHDRAWN.value:
        out["conclusion"] = WITHDRAWN_NOTICE
        out["fine_total"] = None
        out["confiscation_total"] = None
    out["uscc"] = out["uscc"] or None
    out.pop("agency_id", None)
    return out


def _listed(today: dt.date, published_until: dt.date | None = None, column=lambda c: c) -> list[ColumnElement[bool]]:
    """The lifecycle rule of ``public_base`` on the search index, whose rows are the listable decisions
    (published, not withheld, not confidential, not a minor's): inside the publication period on ``today``.
    ``published_until`` lowers the upper bound of ``published_on`` (a keyset page going back in publication date):
    one bound, so that SQLite's planner cannot pick the looser of two and walk every newer row. ``column``: see
    ``_walked``."""
    ps = _PS
    until = today if published_until is None else min(today, published_until)
    expires = column(ps.c.expires_on)
    return [column(ps.c.published_on) <= until, or_(expires.is_(None), expires > today)]


def _walked(f: DecisionFilters):
    """For a page read by walking the sort index and testing each row (SQLite, ``probe``): each filter column as
    an expression no index can serve (``+column``, SQLite's documented way to keep a term from choosing an index),
    except the sort column — and the agency, whose index is in publication-date order within each agency — so
    that the planner walks the sort index: “食品” + 2025 + 罚款 read the whole year by the decision-date index,
    testing each row, then sorted it (170 ms at 100,000 decisions). Only the comparison changes, not its value:
    a ``+`` column has no type affinity, and the values compared are stored and bound with the same types."""
    keep = {_sort_column(f).name, *(("agency_id",) if f.sort is SortKey.PUBLISHED else ())}

    def column(c):
        return c if c.name in keep else literal_column(f"+{c.table.name}.{c.name}", c.type)
    return column


def _filter_conditions(conn: Connection, f: DecisionFilters, today: dt.date, *,
                       published_until: dt.date | None = None, per_row: bool = False,
                       probe: bool = False) -> list[ColumnElement[bool]]:
    """Every filter of ``f`` as conditions on the narrow search index (db/search.py), never on the wide tables:
    at 1,000,000 decisions joining four tables to count took 10–30 s, the index takes a fraction of a second.
    ``per_row``, ``probe``: see db.search.text_condition; with ``probe`` the filters are also ``_walked``."""
    ps = _PS
    column = _walked(f) if probe else (lambda c: c)
    where = _listed(today, published_until, column)
    if f.agency_id is not None:
        where.append(column(ps.c.agency_id) == f.agency_id)
    if f.category is not None:
        where.append(column(ps.c.category) == f.category.value)
    if f.year is not None:
        if f.month is not None:
            first = dt.date(f.year, f.month, 1)
            after = dt.date(f.year + (f.month == 12), f.month % 12 + 1, 1)
        else:
            first, after = dt.date(f.year, 1, 1), dt.date(f.year + 1, 1, 1)
        where += [column(ps.c.decided_on) >= first, column(ps.c.decided_on) < after]
    if f.penalty_type is not None:
        where.append(column(ps.c.penalty_types).like(f"%|{f.penalty_type.value}|%"))
    if f.amount is not None:
        low, high = f.amount.bounds
        where.append(column(ps.c.fine_total) >= low)
        if high is not None:
            where.append(column(ps.c.fine_total) < high)
    if f.status is not None:
        where.append(column(ps.c.status) == f.status.value)
    found = text_condition(conn, f.q, per_row=per_row, probe=probe)
    if found is not None:
        where.append(found)
    return where


def _sort_column(f: DecisionFilters):
    return {SortKey.PUBLISHED: _PS.c.published_on, SortKey.DECIDED: _PS.c.decided_on,
            SortKey.AMOUNT: _PS.c.fine_total}[f.sort]


def _order(f: DecisionFilters) -> list:
    ps = _PS
    key = _sort_column(f)
    if f.sort is SortKey.AMOUNT:
        # Withdrawn decisions have no public amount: last in both directions.
        return [key.desc().nulls_last() if f.descending else key.asc().nulls_last(),
                ps.c.decision_id.desc() if f.descending else ps.c.decision_id.asc()]
    return [key.desc(), ps.c.decision_id.desc()] if f.descending else [key.asc(), ps.c.decision_id.asc()]


def _segments(f: DecisionFilters) -> list[tuple[list[ColumnElement[bool]], list]]:
    """The rows after ``f.after`` as disjoint (conditions, order) segments, read one after the other: each is a
    range on the sort column's index ("key ≤ v, and past the last id among equal keys"), so page 40,000 costs what
    page 1 costs. Withdrawn decisions (no public amount) follow every amount in both directions; they are their own
    segment, ordered by id, because a range cannot cover "smaller, or NULL" in one index walk."""
    ps, c = _PS, f.after
    assert c is not None
    key, ident = _sort_column(f), ps.c.decision_id
    if f.descending:
        order = [key.desc(), ident.desc()]

        def beyond(col, value):
            return col < value
    else:
        order = [key.asc(), ident.asc()]

        def beyond(col, value):
            return col > value
    by_id = [ident.desc() if f.descending else ident.asc()]
    if f.sort is SortKey.AMOUNT and c.value is None:
        return [([key.is_(None), beyond(ident, c.last_id)], by_id)]
    after_last = or_(beyond(key, c.value), beyond(ident, c.last_id))
    if f.sort is SortKey.PUBLISHED and f.descending:
        # The upper bound is part of the lifecycle condition already (_listed's published_until).
        return [([after_last], order)]
    edge = key <= c.value if f.descending else key >= c.value
    segments = [([edge, after_last], order)]
    if f.sort is SortKey.AMOUNT:
        segments.append(([key.is_(None)], by_id))
    return segments


def _page_ids(conn: Connection, f: DecisionFilters, where: list[ColumnElement[bool]], *, with_total: bool = False,
              ) -> tuple[list[int], str | None, int | None]:
    """The ids of one page (by ``f.after`` or by ``f.page``), the cursor after its last id (None on the last page)
    and, ``with_total`` (offset pages only), the number of all matches counted by the same statement (None when
    the page is empty). One row more than the page is read to know whether another page follows."""
    key = _sort_column(f)
    want = f.page_size + 1
    found: list[tuple] = []
    total = None
    if f.after is None:
        columns = [_PS.c.decision_id, key, *([func.count().over()] if with_total else [])]
        found = [tuple(r) for r in conn.execute(
            select(*columns).where(*where).order_by(*_order(f)).limit(want).offset((f.page - 1) * f.page_size))]
        if with_total and found:
            total = int(found[0][2])
    else:
        for conditions, order in _segments(f):
            found += [tuple(r) for r in conn.execute(
                select(_PS.c.decision_id, key).where(*where, *conditions).order_by(*order).limit(want - len(found)))]
            if len(found) >= want:
                break
    page = found[:f.page_size]
    more = len(found) > f.page_size
    token = next_cursor(f, {"id": page[-1][0], _CURSOR_KEYS[f.sort]: page[-1][1]}) if more else None
    return [int(r[0]) for r in page], token, total


_CURSOR_KEYS = {SortKey.PUBLISHED: "published_on", SortKey.DECIDED: "decided_on", SortKey.AMOUNT: "fine_total"}


def _rows_for(conn: Connection, ids: list[int], today: dt.date) -> list[dict]:
    """Public rows for ``ids`` in that order, re-read through ``public_base``: a decision withdrawn, held or expired
    since the ids were listed shows its current public state or is left out."""
    if not ids:
        return []
    rows = {r["id"]: r for r in conn.execute(public_base(today).where(_PS.c.decision_id.in_(ids))).mappings()}
    return [public_row(rows[i]) for i in ids if i in rows]


_COUNT_CACHE_SIZE = 4096
_counts: OrderedDict[tuple, int] = OrderedDict()
_counts_lock = threading.Lock()


def read_public_data_version(conn: Connection) -> int:
    """The public data version (db.models.PublicDataVersion): it rises on every change of the index or projection."""
    found = conn.execute(select(m.PublicDataVersion.version).where(m.PublicDataVersion.id == 1)).scalar_one_or_none()
    return int(found or 0)


def public_data_version(engine: Engine) -> int:
    """``read_public_data_version`` on a pooled connection; a connection the server dropped (a restart, an idle
    timeout) is discarded with its pool and the read is made once more on a new one, so an engine without a pre-ping
    (db.engine.version_read_engine) answers the first request after a restart instead of failing it."""
    try:
        with engine.connect() as conn:
            return read_public_data_version(conn)
    except DBAPIError as exc:
        if not exc.connection_invalidated:
            raise
    with engine.connect() as conn:
        return read_public_data_version(conn)


_PC = m.PublicCount.__table__
# The bands of AmountBand in the order of their ``amount_band`` code in public_counts (0 is "no fine").
_BAND_CODES = {band: code for code, band in enumerate(AmountBand, start=1)}


def _month_code(day: dt.date) -> int:
    return day.year * 100 + day.month


def _bucket_filters(f: DecisionFilters) -> list[ColumnElement[bool]]:
    """The facets of ``f`` as conditions on ``public_counts``: all but its text and month, which no bucket holds."""
    pc = _PC
    where: list[ColumnElement[bool]] = []
    if f.agency_id is not None:
        where.append(pc.c.agency_id == f.agency_id)
    if f.category is not None:
        where.append(pc.c.category == f.category.value)
    if f.status is not None:
        where.append(pc.c.status == f.status.value)
    if f.penalty_type is not None:
        where.append(pc.c.penalty_types.like(f"%|{f.penalty_type.value}|%"))
    if f.year is not None:
        where.append(pc.c.decided_year == f.year)
    if f.amount is not None:
        where.append(pc.c.amount_band == _BAND_CODES[f.amount])
    return where


def _few(conn: Connection, *conditions: ColumnElement[bool]) -> list[ColumnElement[bool]]:
    """``conditions``, marked for SQLite as true for few rows (``likelihood``), so that its planner, which knows no
    value distribution, reads their index: the decisions expiring this month are a few hundred, but a year filter's
    decision-date range looked as narrow and was read instead: all of the year's index entries, 18 ms at 100,000
    decisions and most of agency + year's 122 ms at 1,000,000. PostgreSQL has the statistics to see it."""
    if conn.dialect.name != "sqlite":
        return list(conditions)
    return [func.likelihood(c, literal_column("0.001")) for c in conditions]


def _count_by_buckets(conn: Connection, f: DecisionFilters, today: dt.date) -> int | None:
    """The exact count of a filter set without text, or None when the buckets cannot answer it (text, or a single
    month — which the decided_on index answers as cheaply).

    Why buckets and not a COUNT: at 1,000,000 decisions the cold COUNT walked ~858,000 index entries (184 ms) after
    every write. ``public_counts`` (triggers on public_search, the same path that keeps the index) holds the rows per
    bucket; the lifecycle condition ``published_on <= today < expires_on`` is exact for every bucket except those
    published or expiring in the current month, and those few rows (about one month in sixty) are counted exactly
    from the index: published this month, by ``ix_public_search_published_on``; published earlier and expiring this
    month, by ``ix_public_search_expires_on``. Disjoint by construction, so the three parts add up."""
    if f.q.strip() or f.month is not None:
        return None
    pc, ps = _PC, _PS
    month = _month_code(today)
    where = [pc.c.published_month < month, or_(pc.c.expires_month == 0, pc.c.expires_month > month),
             *_bucket_filters(f)]
    summed = conn.execute(select(func.coalesce(func.sum(pc.c.n), 0)).where(*where)).scalar_one()
    first = today.replace(day=1)
    following = dt.date(first.year + (first.month == 12), first.month % 12 + 1, 1)
    exact = _filter_conditions(conn, f, today)
    this_month = conn.execute(select(func.count()).select_from(ps).where(*exact, ps.c.published_on >= first))
    ending = conn.execute(select(func.count()).select_from(ps).where(
        *exact, ps.c.published_on < first, *_few(conn, ps.c.expires_on >= first, ps.c.expires_on < following)))
    return int(summed) + int(this_month.scalar_one()) + int(ending.scalar_one())


def _count_key(conn: Connection, f: DecisionFilters, today: dt.date) -> tuple:
    """The count cache key: (database, result set, day, public data version). Page, sort and cursor do not change
    the result set; the words of ``q`` are sorted. Any write raises the version, so a cached count is never stale;
    the day is part of the key because the publication period is judged against it."""
    result_set = replace(f, q=" ".join(sorted(split_terms(f.q))), page=1, page_size=20, sort=SortKey.PUBLISHED,
                         descending=True, after=None, exact_count=False)
    return (str(conn.engine.url), result_set, today, read_public_data_version(conn))


_exact_counts_taken = 0  # exact counts of scanned texts asked for (``count=exact``) in this process


def exact_count_generation() -> int:
    """Rises whenever a text only a scan answers is counted exactly on request: an answer cached with its bounded
    ("at least") total is then out of date although no write happened, so a response cache keys by this too."""
    return _exact_counts_taken


def _exact_count_taken() -> None:
    global _exact_counts_taken
    with _counts_lock:
        _exact_counts_taken += 1


def _cached_count(key: tuple) -> int | None:
    with _counts_lock:
        if key in _counts:
            _counts.move_to_end(key)
            return _counts[key]
    return None


def clear_count_cache() -> None:
    """Forget every cached count and short-term expansion (tests, and the bench's cold runs)."""
    with _counts_lock:
        _counts.clear()
    clear_expansions()


def _remember_count(key: tuple, total: int) -> int:
    with _counts_lock:
        _counts[key] = total
        while len(_counts) > _COUNT_CACHE_SIZE:
            _counts.popitem(last=False)
    return total


def _count(conn: Connection, f: DecisionFilters, today: dt.date, where: list[ColumnElement[bool]]) -> int:
    """The number of matches: from the cache, else by buckets (no text), else from the text index (SQLite, text
    alone: ``_text_total_from_index``), else a COUNT over the index. A count over the whole index took 184 of 191
    ms of a list request at 1,000,000 decisions, and the same few filter sets are asked again and again between
    writes."""
    key = _count_key(conn, f, today)
    total = _cached_count(key)
    if total is not None:
        return total
    total = _count_by_buckets(conn, f, today)
    if total is None and not _has_facets(f) and (matches := match_count(conn, f.q)) is not None:
        total = _text_total_from_index(conn, f, today, matches) if matches else 0
    if total is None:
        total = int(conn.execute(select(func.count()).select_from(_PS).where(*where)).scalar_one())
    return _remember_count(key, total)


def count_by_buckets(engine: Engine, f: DecisionFilters, today: dt.date) -> int | None:
    """The uncached count by buckets (None when it cannot answer ``f``); for tests and the bench."""
    with engine.connect() as conn:
        return _count_by_buckets(conn, f, today)


def count_by_scan(engine: Engine, f: DecisionFilters, today: dt.date) -> int:
    """The uncached COUNT over the index, which the buckets must equal; for tests and the bench."""
    with engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(_PS)
                                .where(*_filter_conditions(conn, f, today))).scalar_one())


def count_public_decisions(engine: Engine, f: DecisionFilters, today: dt.date) -> int:
    with engine.connect() as conn:
        return _count(conn, f, today, _filter_conditions(conn, f, today))


@dataclass(frozen=True)
class PublicPage:
    """One page of the public list: redacted rows (dicts with the keys of PUBLIC_COLUMNS), the total of the whole
    result set, and the ``after`` cursor of the next page (None on the last one). ``total_exact`` is False when a
    text scan was counted only up to TEXT_COUNT_LIMIT: there are at least ``total`` matches."""

    rows: list[dict]
    total: int
    next: str | None
    total_exact: bool = True


# A text query no index answers (a single common character, a digit) is counted up to this bound, then reported as
# "at least": the exact count reads every decision's text (≈ 2.2 s at 1,000,000) and is made only on request.
TEXT_COUNT_LIMIT = 10_000


def _bounded_count(conn: Connection, key: tuple, where: list[ColumnElement[bool]]) -> tuple[int, bool]:
    """The number of matches up to TEXT_COUNT_LIMIT and whether that is all of them, cached like ``_count``."""
    bounded_key = ("at least", TEXT_COUNT_LIMIT, key)
    cached = _cached_count(bounded_key)
    if cached is not None:
        return cached, False
    n = int(conn.execute(select(func.count()).select_from(
        select(_PS.c.decision_id).where(*where).limit(TEXT_COUNT_LIMIT + 1).subquery())).scalar_one())
    if n <= TEXT_COUNT_LIMIT:
        return _remember_count(key, n), True
    return _remember_count(bounded_key, TEXT_COUNT_LIMIT), False


def _rows_wanted(f: DecisionFilters) -> int:
    """How many rows of the result a page reads up to: the rows before it (offset pages), the page and one more."""
    return f.page_size + 1 if f.after is not None else f.page * f.page_size + 1


# What testing one row of a walk (``probe``: a primary-key read of its text and a byte search, about 5 µs) costs
# in reads of one match from the text index with its look-up and sort (about 1.4 µs), measured at 1,000,000.
PROBE_COST = 4.0


def _walk_pays(f: DecisionFilters, total: float, facet_rows: int, matches: int) -> bool:
    """Whether reading a text query's page by walking the sort index and testing each row of the facets costs less
    than reading every one of the ``matches`` of the text index and sorting them: the walk tests about
    ``facet_rows / total`` rows per row it finds."""
    if f.sort is SortKey.AMOUNT and (not f.descending or f.after is not None or _rows_wanted(f) * 2 > total):
        # Within one amount the index is not in id order, so a walk tests a whole group of equal amounts before
        # it can sort it — a fifth of all decisions have none (0): ascending (withdrawn last, which no index walk
        # gives anyway), after a cursor, or deep into the list, the walk could test them all.
        return False
    return total > 0 and _rows_wanted(f) * facet_rows / total * PROBE_COST <= matches


def _facet_rows(conn: Connection, f: DecisionFilters, today: dt.date) -> int:
    """The number of listed decisions matching the facets of ``f`` (not its text) if it is cached, else the number
    of indexed ones by buckets (a few more: any lifecycle; with a month, its whole year) — an estimate for choosing
    a plan, which the exact count (two index walks at 1,000,000 decisions) would cost more than it saves."""
    facets = replace(f, q="")
    cached = _cached_count(_count_key(conn, facets, today))
    if cached is not None:
        return cached
    pc = _PC
    return int(conn.execute(select(func.coalesce(func.sum(pc.c.n), 0)).where(*_bucket_filters(f))).scalar_one())


def _has_facets(f: DecisionFilters) -> bool:
    return any(v is not None for v in (f.agency_id, f.category, f.penalty_type, f.year, f.month, f.amount, f.status))


def _text_total_from_index(conn: Connection, f: DecisionFilters, today: dt.date, matches: int) -> int | None:
    """Text alone: the number of listed matches is the text index's count (one text per indexed decision, see
    db.search.match_count) less the matches outside the publication period (not yet published, expired) — a few
    rows, found by the date indexes and tested one by one. None when those rows are too many for that to pay."""
    ps = _PS
    outside = or_(ps.c.published_on.is_(None), ps.c.published_on > today, ps.c.expires_on <= today)
    bound = int(matches / PROBE_COST) + 1
    few = conn.execute(select(func.count()).select_from(
        select(ps.c.decision_id).where(outside).limit(bound).subquery())).scalar_one()
    if few >= bound:
        return None
    probe = text_condition(conn, f.q, probe=True)
    assert probe is not None
    return matches - int(conn.execute(select(func.count()).select_from(ps).where(outside, probe)).scalar_one())


def _indexed_text(conn: Connection, f: DecisionFilters, today: dt.date, key: tuple,
                  total: int | None) -> tuple[int | None, bool]:
    """SQLite, text the trigram index answers: (the total, whether to read the page by walking the sort index).

    The total of text alone is the text index's own count of matches (index only: 11 ms for 195,030 at 1,000,000
    decisions) less the matches outside the publication period. With facets, or when that does not pay, a total of
    None: page and total are read by one statement, every match looked up and sorted — the look-ups are what a
    count costs anyway, and the sort of the matches that remain is the cheap part (“食品” + 2025 + 罚款: a separate
    count and walk cost 10–20 % more). Once the total is known (text alone, or a later page of a counted set), the
    page is read by walking the sort index when ``_walk_pays``: “食品” at 1,000,000 decisions, 307 → 35 ms."""
    matches = match_count(conn, f.q)
    assert matches is not None
    if matches == 0:
        return _remember_count(key, 0), False
    if _rows_wanted(f) * PROBE_COST > matches:
        return total, False  # a walk tests at least one row per row it finds: never pays for a rare text
    if total is None:
        total = None if _has_facets(f) else _text_total_from_index(conn, f, today, matches)
        if total is None:
            return None, False
        _remember_count(key, total)
    return total, _walk_pays(f, total, _facet_rows(conn, f, today), matches)


# PostgreSQL: up to how many rows (those before the page, the page, one more) a separately read page of text is
# worth its own statement; deeper, it reads and sorts every match like the statement that counts them.
PG_WALK_ROWS = 1000


def public_decision_page(engine: Engine, f: DecisionFilters, today: dt.date) -> PublicPage:
    """One page matching ``f`` — ``f.after`` (keyset) or ``f.page`` (offset) — with the total and the next cursor.

    How the total is found when it is not cached yet (``_count`` has the cache):
    * no text: by buckets (``_count_by_buckets``), a few thousand rows summed whatever the filter;
    * text alone the full-text index answers, on SQLite: from the text index's own count (``_indexed_text``),
      and a common text's page by walking the sort index (“食品” at 1,000,000 decisions: 307 → 35 ms);
    * other text the index answers (with facets, or rare): by the statement that reads the page
      (``count(*) OVER ()``), so SQLite evaluates the match once instead of once for the count and again for the
      ids — a later page of a common text, its total cached, is walked;
    * on PostgreSQL, sorted by a date, by a COUNT of its own, and the page by its own statement with a LIMIT,
      which the planner answers by walking the date index when the text is common (in one statement with
      ``count(*) OVER ()`` it walked the whole index testing every row: “有限公司” page 3, 103 → 37 ms at 17,000
      decisions); sorted by amount (whose NULLS LAST order no index walk gives) or deeper than PG_WALK_ROWS,
      where the page statement reads every match too, by one statement as on SQLite;
    * text only a scan answers (“2”): up to TEXT_COUNT_LIMIT, row by row along the sort index, and reported as
      "at least" beyond it (``total_exact`` False); ``f.exact_count`` counts to the end (then cached).

    A total not yet cached is found by one request at a time (``_COUNTING``): on a fresh server, pages 1-5 of the
    same text asked for at once each counted its 10,000 matches, 0.3-0.75 s apiece at 1,000,000 decisions on
    PostgreSQL; now the first counts and the others find its total. The wait holds no connection."""
    with engine.connect() as conn:
        key = _count_key(conn, f, today)
        at_least = not f.exact_count and _cached_count(("at least", TEXT_COUNT_LIMIT, key)) is not None
        if _cached_count(key) is not None or at_least:
            return _page(conn, f, today, key)
    with _COUNTING.one_at_a_time(key[:3]), engine.connect() as conn:
        return _page(conn, f, today, _count_key(conn, f, today))


_COUNTING = SingleFlight()


def _page(conn: Connection, f: DecisionFilters, today: dt.date, key: tuple) -> PublicPage:
    sqlite = conn.dialect.name == "sqlite"
    texts = bool(split_terms(f.q))
    scans = texts and scans_text(conn, f.q)
    where = _filter_conditions(conn, f, today)
    total, exact = _cached_count(key), True
    walk = False  # read the page by walking the sort index, testing each row (SQLite, common text)
    if total is None and scans and not f.exact_count:
        total, exact = _bounded_count(conn, key, _filter_conditions(conn, f, today, per_row=True))
    if texts and not scans and sqlite:
        total, walk = _indexed_text(conn, f, today, key, total)
    one_statement = sqlite or f.sort is SortKey.AMOUNT or _rows_wanted(f) > PG_WALK_ROWS
    if total is None and texts and f.after is None and one_statement:
        ids, token, counted = _page_ids(conn, f, where, with_total=True)
        if counted is not None:
            _remember_count(key, counted)
            if scans:
                _exact_count_taken()
            return PublicPage(_rows_for(conn, ids, today), counted, token)
    if total is None:
        total = _count(conn, f, today, where)
        if scans:
            _exact_count_taken()
    if total == 0 or (exact and f.after is None and (f.page - 1) * f.page_size >= total):
        return PublicPage([], total, None, exact)
    until = f.after.value if f.after is not None and f.sort is SortKey.PUBLISHED and f.descending else None
    assert until is None or isinstance(until, dt.date)
    rows_where = where
    if scans or walk or until is not None:
        rows_where = _filter_conditions(conn, f, today, published_until=until, per_row=scans, probe=walk)
    ids, token, _ = _page_ids(conn, f, rows_where)
    return PublicPage(_rows_for(conn, ids, today), total, token, exact)


def public_decision_rows(engine: Engine, f: DecisionFilters, today: dt.date) -> tuple[list[dict], int]:
    """One page of redacted rows (dicts with the keys of PUBLIC_COLUMNS) matching ``f``, and the total count."""
    page = public_decision_page(engine, f, today)
    return page.rows, page.total


def load_public_decisions(engine: Engine, f: DecisionFilters, today: dt.date) -> tuple[pd.DataFrame, int]:
    """One page of published decisions matching ``f`` (newest publication first by default) and the total count."""
    frame, total, _ = load_public_page(engine, f, today)
    return frame, total


def load_public_page(engine: Engine, f: DecisionFilters, today: dt.date) -> tuple[pd.DataFrame, int, bool]:
    """``load_public_decisions`` and whether the total is exact (False: at least that many, see PublicPage)."""
    page = public_decision_page(engine, f, today)
    return pd.DataFrame(page.rows, columns=list(PUBLIC_COLUMNS)), page.total, page.total_exact


def iter_public_decisions(engine: Engine, f: DecisionFilters, today: dt.date, *, batch: int = 1000,
                          limit: int | None = None) -> Iterator[dict]:
    """Every redacted row matching ``f`` (all pages, in ``f``'s order; ``limit`` caps the count), for CSV/JSON
    downloads, the API's streamed CSV and ``manage.py export``. One statement over the index joined with the
    projection, streamed ``batch`` rows at a time (a server-side cursor on PostgreSQL): memory stays flat, and the
    whole export is one consistent snapshot — a decision withdrawn mid-download is either wholly before or after."""
    with engine.connect() as conn:
        stmt = public_base(today).where(*_filter_conditions(conn, f, today)).order_by(*_order(f))
        if limit is not None:
            stmt = stmt.limit(limit)
        _plan_for_every_row(conn)
        result = conn.execution_options(stream_results=True, yield_per=batch).execute(stmt)
        keys = tuple(result.keys())
        for row in result:
            yield _as_published(dict(zip(keys, row, strict=True)))


def _plan_for_every_row(conn: Connection) -> None:
    """PostgreSQL plans a server-side cursor for its first 10 % of rows (``cursor_tuple_fraction``): index walks
    and nested-loop look-ups, which are quick to start and slow to finish. An export reads every row, so it asks
    for the plan that finishes first (hash joins and one sort): 1.8x the rows per second at 34,000 decisions.
    SET LOCAL ends with the export's own transaction."""
    if conn.dialect.name == "postgresql":
        conn.exec_driver_sql("SET LOCAL cursor_tuple_fraction = 1")


def _date_text(column, sqlite: bool) -> ColumnElement:
    """A date as ISO text from the database (SQLite stores exactly that; PostgreSQL formats it)."""
    return type_coerce(column, String) if sqlite else func.to_char(column, "YYYY-MM-DD")


def _export_select(conn: Connection, f: DecisionFilters, today: dt.date, limit: int | None,
                   shape: Callable[[list[Any]], list[Any]] = lambda columns: columns) -> Select:
    """The full export's one statement: every value in its open-data text form (money "1850.00", dates ISO, a
    withdrawn decision's tombstone), None, or the integer id, in PUBLIC_COLUMNS order; ``shape`` turns these
    columns into the ones selected (the CSV written by COPY neutralises formulas there, the JSON joins them into
    one record text)."""
    ps, pr, d, a = _PS, _PR, m.Decision, m.Agency
    sqlite = conn.dialect.name == "sqlite"
    withdrawn = ps.c.status == DisclosureStatus.WITHDRAWN.value

    def money(column) -> ColumnElement:
        raw = type_coerce(column, Integer if sqlite else String)
        text_form = func.printf("%d.%02d", raw / 100, raw % 100) if sqlite else cast(column, String)
        return case((withdrawn, None), else_=type_coerce(text_form, String))

    texts = [
        d.decision_no, a.name, pr.c.party_name, pr.c.party_type,
        func.nullif(pr.c.uscc, ""), pr.c.violation, ps.c.category,
        case((withdrawn, WITHDRAWN_NOTICE), else_=pr.c.conclusion),
        money(ps.c.fine_total), money(d.confiscation_total),
        _date_text(ps.c.decided_on, sqlite), _date_text(ps.c.published_on, sqlite), ps.c.status,
    ]
    stmt = (select(*shape([ps.c.decision_id, *texts])).select_from(ps)
            .join(pr, pr.c.decision_id == ps.c.decision_id)
            .join(d, d.id == ps.c.decision_id)
            .join(a, a.id == ps.c.agency_id)
            .where(*_filter_conditions(conn, f, today)).order_by(*_order(f)))
    return stmt if limit is None else stmt.limit(limit)


def iter_public_csv_rows(engine: Engine, f: DecisionFilters, today: dt.date, *, batch: int = 2000,
                         limit: int | None = None) -> Generator[tuple, None, None]:
    """The rows of ``iter_public_decisions`` as tuples in PUBLIC_COLUMNS order, every value already in its
    open-data text form (money "1850.00", dates ISO, a withdrawn decision's tombstone) or None or the integer id —
    formatted by the database instead of turned into Decimal and date objects and back, which was half the cost
    of a full CSV. For ``domain.opendata.csv_rows``; tests/db/test_export_fast.py keeps its output byte for byte
    equal to ``csv_lines(iter_public_decisions(…))``."""
    sqlite = engine.dialect.name == "sqlite"

    def batches() -> Generator[list[tuple], None, None]:
        with engine.connect() as conn:
            stmt = _export_select(conn, f, today, limit)
            _plan_for_every_row(conn)
            result = conn.execution_options(stream_results=True, yield_per=batch).execute(stmt)
            for rows in result.partitions():
                yield [tuple(r) for r in rows]

    # Not on SQLite: its driver releases the GIL around every row's step, so a second thread turns each row into a
    # GIL hand-over and the export ran 10-30 % slower; psycopg releases it once per 2,000-row fetch.
    with closing(batches() if sqlite else read_ahead(batches)) as every:
        for rows in every:
            yield from rows


def _neutralised(columns: list[Any]) -> list[Any]:
    """``domain.opendata.neutralise_csv_cell`` in SQL for every text column (all but the id), and an empty text as
    NULL (COPY writes an empty text as ``""``, the csv module as nothing)."""
    def cell(column: Any) -> ColumnElement:
        starts = func.left(column, 1).in_(FORMULA_STARTS)
        return func.nullif(case((starts, literal("'", String) + column), else_=column), "")
    return [columns[0], *map(cell, columns[1:])]


def _json_record(sqlite: bool) -> Callable[[list[Any]], list[Any]]:
    """The columns as one JSON object text, ``domain.opendata.dumps`` of the record: keys in PUBLIC_COLUMNS order,
    the id a number, every other value a JSON string or null. SQLite's json_quote and PostgreSQL's to_json escape
    exactly as Python's json module does (quotes, backslashes, control characters; other text as it is), which
    tests/db/test_export_fast.py checks on hostile text."""
    def quoted(column: Any) -> ColumnElement:
        return func.json_quote(column) if sqlite else func.coalesce(cast(func.to_json(column), String), "null")

    def shape(columns: list[Any]) -> list[Any]:
        parts: list[Any] = []
        for i, (key, column) in enumerate(zip(PUBLIC_COLUMNS, columns, strict=True)):
            parts += [literal(("{" if i == 0 else ",") + json.dumps(key, ensure_ascii=False) + ":", String),
                      cast(column, String) if i == 0 else quoted(column)]
        record = parts[0]
        for part in [*parts[1:], literal("}", String)]:
            record = record + part
        return [record]
    return shape


def public_json(engine: Engine, f: DecisionFilters, today: dt.date, head: Mapping[str, Any], *,
                limit: int | None = None, counted: Callable[[int], None] = lambda n: None,
                rows_per_block: int = 256) -> Iterator[bytes]:
    """The whole JSON document (``head`` and every matching record under "items", as
    ``domain.opendata.json_document`` writes it) as UTF-8 blocks, each record's text written by the database: the
    API's download and ``manage.py export``. At 1,000,000 decisions on PostgreSQL, in process: Python values
    turned back into JSON 13,849 rows/s; record texts fetched 49-53k; COPY 91-94k (docs/performance.md)."""
    if engine.dialect.name == "postgresql":
        # COPY's text format writes each record's text with its backslashes doubled and nothing else changed (the
        # JSON text holds no tab, line break or other control character: to_json escapes them all); undoing that
        # over a whole block is one replace.
        yield next(json_document_texts((), head)).encode("utf-8")  # the head, up to the opening of "items"
        first = True
        with closing(_copied(engine, f, today, limit, _json_record(sqlite=False), "text", rows_per_block)) as copied:
            for lines in copied:
                counted(len(lines))
                block = b",\n".join(lines).replace(b"\\\\", b"\\")
                yield block if first else b",\n" + block
                first = False
        yield b"]}\n"
        return

    def batches() -> Generator[list[str], None, None]:
        with engine.connect() as conn:
            stmt = _export_select(conn, f, today, limit, _json_record(conn.dialect.name == "sqlite"))
            _plan_for_every_row(conn)
            result = conn.execution_options(stream_results=True, yield_per=2000).execute(stmt).scalars()
            for texts in result.partitions():
                yield list(texts)

    with closing(batches()) as texts:
        yield from batched_text(json_document_texts(_tallied(chain.from_iterable(texts), counted, rows_per_block),
                                                    head))


T = TypeVar("T")


def _tallied(items: Iterable[T], counted: Callable[[int], None], every: int) -> Iterator[T]:
    """``items`` passed on, telling ``counted`` how many went by every ``every`` items and at the end."""
    pending = 0
    for item in items:
        yield item
        pending += 1
        if pending == every:
            counted(pending)
            pending = 0
    counted(pending)


def public_csv(engine: Engine, f: DecisionFilters, today: dt.date, *, limit: int | None = None,
               counted: Callable[[int], None] = lambda n: None, rows_per_block: int = 256) -> Iterator[bytes]:
    """The whole CSV file (BOM, Chinese header, one line per row) as UTF-8 blocks: the API's download and
    ``manage.py export``. ``counted`` hears how many rows each block holds.

    On PostgreSQL the database writes the CSV itself (COPY … TO STDOUT, formulas neutralised in the statement), so
    no row becomes Python values at all: writing rows in Python bounded a full export at about 38,000 rows/s at
    1,000,000 decisions. Each COPY message is one row (the protocol says so) ending in a line feed; it is re-ended
    with CR LF like the csv module's lines, and tests/db/test_export_fast.py keeps the two paths byte for
    byte equal. Elsewhere the rows go through ``domain.opendata.csv_rows``."""
    headers = list(PUBLIC_COLUMNS.values())
    if engine.dialect.name != "postgresql":
        with closing(iter_public_csv_rows(engine, f, today, limit=limit)) as rows:
            yield from batched_text(csv_rows(_tallied(rows, counted, rows_per_block), headers))
        return
    yield csv_head(headers).encode("utf-8")
    with closing(_copied(engine, f, today, limit, _neutralised, "csv", rows_per_block)) as copied:
        for lines in copied:
            counted(len(lines))
            lines.append(b"")
            yield b"\r\n".join(lines)


def _copied(engine: Engine, f: DecisionFilters, today: dt.date, limit: int | None,
            shape: Callable[[list[Any]], list[Any]], fmt: str, rows_per_block: int) -> Generator[list, None, None]:
    """The export statement's rows as PostgreSQL writes them for COPY … TO STDOUT in ``fmt`` (csv or text), in
    lists of up to ``rows_per_block`` lines without their line end: each COPY message is one row (the protocol
    says so) ending in a line feed."""
    with engine.connect() as conn:
        compiled = _export_select(conn, f, today, limit, shape).compile(
            dialect=conn.dialect, compile_kwargs={"render_postcompile": True})
        raw = conn.connection.driver_connection
        assert raw is not None  # a checked-out connection always has its driver connection
        # psycopg turns the compiler's %% back into % only when it binds parameters
        statement = str(compiled) if compiled.params else str(compiled).replace("%%", "%")
        with raw.cursor() as cursor:
            # COPY writes in the connection's client encoding, which a role, a database or PGCLIENTENCODING may
            # set to GBK; the download is UTF-8. LOCAL: until the export's transaction ends.
            cursor.execute("SET LOCAL client_encoding TO 'UTF8'")
            with cursor.copy(f"COPY ({statement}) TO STDOUT (FORMAT {fmt})", compiled.params or None) as copy:
                lines: list = []
                for line in copy:
                    lines.append(line[:-1])
                    if len(lines) == rows_per_block:
                        yield lines
                        lines = []
                if lines:
                    yield lines


_DONE = object()


def read_ahead(batches: Callable[[], Generator[list, None, None]], depth: int = 4) -> Generator[list, None, None]:
    """``batches()`` run in a thread of its own, at most ``depth`` batches ahead of the reader: the database
    works out (and the driver decodes) the next rows while the caller writes the last ones — the database side
    releases the GIL (SQLite's step, PostgreSQL's socket wait), which was most of a full export's time. The
    thread owns its connection from open to close, so the rows are still one statement's consistent snapshot.
    A reader that stops early (a download cancelled) stops the thread at its next batch; an error in the thread
    is raised in the reader."""
    handoff: queue.Queue = queue.Queue(depth)
    stop = threading.Event()

    def put(item: object) -> bool:
        while not stop.is_set():
            try:
                handoff.put(item, timeout=0.2)
                return True
            except queue.Full:
                continue
        return False

    def produce() -> None:
        try:
            with closing(batches()) as items:
                for item in items:
                    if not put(item):
                        return
        except BaseException as exc:  # handed to the reader, which raises it
            put(_Failed(exc))
            return
        put(_DONE)

    worker = threading.Thread(target=produce, name="read-ahead", daemon=True)
    worker.start()
    try:
        while (item := handoff.get()) is not _DONE:
            if isinstance(item, _Failed):
                raise item.error
            yield item
    finally:
        stop.set()
        worker.join()


@dataclass(frozen=True)
class _Failed:
    error: BaseException


@dataclass(frozen=True)
class PublicDecision:
    id: int
    decision_no: str
    agency: str
    agency_id: int
    party_name: str
    party_type: str
    uscc: str | None
    violation: str
    category: str
    facts: str
    legal_basis: str
    conclusion: str
    fine_total: Decimal | None
    confiscation_total: Decimal | None
    decided_on: dt.date
    published_on: dt.date | None
    status: str
    discretion_statement: str
    withdrawn_on: dt.date | None
    withdrawal_reason: str | None
    public_explanation: str
    penalty_items: tuple[tuple[str, Decimal | None], ...]
    history: tuple[tuple[int, dt.date, str, str], ...]  # version, date, status, reason
    legal_review: str = ""  # 经法制审核（日期） / 未经法制审核 for a major decision; empty otherwise


def review_labels(conn: Connection, decision_ids: list[int]) -> dict[int, str]:
    """Decision id → what the public sees about legal review (行政处罚法 art. 58): the approval date for a major
    decision approved on or before it, 未经法制审核 for one without (including imported history)."""
    d, c = m.Decision, m.Case
    rows = conn.execute(select(d.id, d.case_id, d.decided_on, d.unreviewed_major, c.is_major)
                        .join(c, c.id == d.case_id).where(d.id.in_(decision_ids))).all()
    rounds = load_rounds(conn, [r.case_id for r in rows if r.is_major or r.unreviewed_major])
    labels = {}
    for r in rows:
        major = bool(r.is_major or r.unreviewed_major)
        approved = None if r.unreviewed_major else approved_before(rounds.get(r.case_id, []), r.decided_on)
        labels[r.id] = public_review_label(major, approved)
    return labels


def public_decision(engine: Engine, decision_id: int, today: dt.date) -> PublicDecision | None:
    """The decision page content, or None when the decision is not (or no longer) public."""
    pr, s = _PR, m.Disclosure
    stmt = (
        public_base(today)
        .add_columns(pr.c.facts, pr.c.legal_basis, pr.c.discretion_statement, pr.c.public_explanation, pr.c.history,
                     s.withdrawn_on, s.withdrawal_reason)
        .join(s, s.decision_id == _PS.c.decision_id)
        .where(_PS.c.decision_id == decision_id)
    )
    with engine.connect() as conn:
        row = conn.execute(stmt).mappings().one_or_none()
        if row is None:
            return None
        items = conn.execute(
            select(m.PenaltyItem.penalty_type, m.PenaltyItem.amount)
            .where(m.PenaltyItem.decision_id == decision_id).order_by(m.PenaltyItem.id)
        ).all()
        legal_review = review_labels(conn, [decision_id]).get(decision_id, "")
    base = public_row({k: row[k] for k in (*PUBLIC_COLUMNS, "agency_id")})
    withdrawn = row["status"] == DisclosureStatus.WITHDRAWN.value
    return PublicDecision(
        id=row["id"], decision_no=row["decision_no"], agency=row["agency"], agency_id=row["agency_id"],
        party_name=base["party_name"], party_type=base["party_type"], uscc=base["uscc"], violation=row["violation"],
        category=base["category"], facts="（已撤回）" if withdrawn else row["facts"],
        legal_basis=row["legal_basis"], conclusion=base["conclusion"],
        fine_total=base["fine_total"], confiscation_total=base["confiscation_total"], decided_on=row["decided_on"],
        published_on=row["published_on"], status=base["status"],
        discretion_statement="" if withdrawn else row["discretion_statement"],
        withdrawn_on=row["withdrawn_on"],
        withdrawal_reason=row["withdrawal_reason"].value if row["withdrawal_reason"] else None,
        public_explanation=row["public_explanation"],
        penalty_items=() if withdrawn else tuple((t.value, a) for t, a in items),
        history=tuple((v, dt.date.fromisoformat(day), status, reason) for v, day, status, reason
                      in json.loads(row["history"])),
        legal_review=legal_review,
    )


@dataclass(frozen=True)
class PublicSummary:
    published: int
    agencies: int
    this_year: int
    fines_this_year: Decimal
    withdrawn: int
    corrected: int


def public_summary(engine: Engine, today: dt.date) -> PublicSummary:
    """Home-page figures, counted on the search index (the same rows as the public list)."""
    ps = _PS
    listed = _listed(today)
    year_start = dt.date(today.year, 1, 1)
    with engine.connect() as conn:
        published = conn.execute(select(func.count()).select_from(ps).where(*listed)).scalar_one()
        this_year = conn.execute(
            select(func.count(), func.sum(ps.c.fine_total, type_=m.Money()))
            .where(*listed, ps.c.decided_on >= year_start, ps.c.status != DisclosureStatus.WITHDRAWN.value)
        ).one()
        by_status = {DisclosureStatus(k): v for k, v in conn.execute(
            select(ps.c.status, func.count()).where(*listed).group_by(ps.c.status)).all()}
        agencies = conn.execute(select(func.count()).select_from(m.Agency)).scalar_one()
    return PublicSummary(
        published=int(published), agencies=int(agencies), this_year=int(this_year[0]),
        fines_this_year=this_year[1] or Decimal(0),
        withdrawn=int(by_status.get(DisclosureStatus.WITHDRAWN, 0)),
        corrected=int(by_status.get(DisclosureStatus.CORRECTED, 0)),
    )


def load_agency_directory(engine: Engine, today: dt.date) -> pd.DataFrame:
    a = m.Agency
    officers = (
        select(func.count()).where(m.Officer.agency_id == a.id, m.Officer.cert_valid_from <= today,
                                   m.Officer.cert_valid_to >= today).scalar_subquery()
    )
    matters = select(func.count()).where(m.Matter.agency_id == a.id).scalar_subquery()
    stmt = select(a.id, a.name, a.level, a.kind, a.region_name, officers.label("officers"),
                  matters.label("matters")).order_by(a.id)
    with engine.connect() as conn:
        rows = [dict(r) for r in conn.execute(stmt).mappings()]
    for r in rows:
        r["level"], r["kind"] = r["level"].value, r["kind"].value
    return pd.DataFrame(rows, columns=["id", "name", "level", "kind", "region_name", "officers", "matters"])


def agency_names(engine: Engine) -> dict[int, str]:
    with engine.connect() as conn:
        return {r.id: r.name for r in conn.execute(select(m.Agency.id, m.Agency.name).order_by(m.Agency.id))}


@dataclass(frozen=True)
class AgencyProfile:
    id: int
    name: str
    level: str
    kind: str
    region_name: str
    address: str
    contact: str
    duties: str
    legal_basis_summary: str
    remedy_channels: str
    matters: pd.DataFrame
    officers: pd.DataFrame
    inspection_items: pd.DataFrame
    benchmarks: pd.DataFrame


def agency_profile(engine: Engine, agency_id: int, today: dt.date) -> AgencyProfile | None:
    """事前公开 content of one agency. Officers are listed only while their 执法证 is valid."""
    with engine.connect() as conn:
        a = conn.execute(select(m.Agency).where(m.Agency.id == agency_id)).mappings().one_or_none()
        if a is None:
            return None
        matters = [dict(r) for r in conn.execute(
            select(m.Matter.code, m.Matter.name, m.Matter.category, m.Matter.legal_basis, m.Matter.time_limit_days)
            .where(m.Matter.agency_id == agency_id).order_by(m.Matter.code)).mappings()]
        officers = [dict(r) for r in conn.execute(
            select(m.Officer.name, m.Officer.cert_no, m.Officer.enforcement_field, m.Officer.cert_valid_to)
            .where(m.Officer.agency_id == agency_id, m.Officer.cert_valid_from <= today,
                   m.Officer.cert_valid_to >= today).order_by(m.Officer.cert_no)).mappings()]
        items = [dict(r) for r in conn.execute(
            select(m.InspectionItem.seq, m.InspectionItem.item, m.InspectionItem.sub_item, m.InspectionItem.basis,
                   m.InspectionItem.method, m.InspectionItem.content)
            .where(m.InspectionItem.agency_id == agency_id).order_by(m.InspectionItem.seq)).mappings()]
        n_items = select(func.count()).where(m.BenchmarkItem.set_id == m.BenchmarkSet.id).scalar_subquery()
        benchmarks = [dict(r) for r in conn.execute(
            select(m.BenchmarkSet.id, m.BenchmarkSet.name, m.BenchmarkSet.issuer, m.BenchmarkSet.effective_from,
                   m.BenchmarkSet.effective_to, n_items.label("items"))
            .where(m.BenchmarkSet.agency_id == agency_id,
                   or_(m.BenchmarkSet.effective_to.is_(None), m.BenchmarkSet.effective_to > today))
            .order_by(m.BenchmarkSet.effective_from)).mappings()]
    for r in matters:
        r["category"] = r["category"].value
    return AgencyProfile(
        id=a["id"], name=a["name"], level=a["level"].value, kind=a["kind"].value, region_name=a["region_name"],
        address=a["address"], contact=a["contact"], duties=a["duties"], legal_basis_summary=a["legal_basis_summary"],
        remedy_channels=a["remedy_channels"],
        matters=pd.DataFrame(matters, columns=["code", "name", "category", "legal_basis", "time_limit_days"]),
        officers=pd.DataFrame(officers, columns=["name", "cert_no", "enforcement_field", "cert_valid_to"]),
        inspection_items=pd.DataFrame(items, columns=["seq", "item", "sub_item", "basis", "method", "content"]),
        benchmarks=pd.DataFrame(benchmarks, columns=["id", "name", "issuer", "effective_from", "effective_to", "items"]),
    )


def benchmark_table(engine: Engine, set_id: int) -> pd.DataFrame:
    """The items and tiers of one published discretion benchmark (行政处罚法 art. 34: benchmarks are public)."""
    i, t = m.BenchmarkItem, m.BenchmarkTier
    with engine.connect() as conn:
        rows = [dict(r) for r in conn.execute(
            select(i.item_no, i.law_name, i.violation, i.legal_basis, t.level, t.tier, t.circumstance,
                   t.standard_text)
            .join(t, t.item_id == i.id).where(i.set_id == set_id).order_by(i.id, t.level)).mappings()]
    for r in rows:
        r["tier"] = r["tier"].value if r["tier"] is not None else f"第{r['level']}档"
    return pd.DataFrame(rows, columns=["item_no", "law_name", "violation", "legal_basis", "level", "tier",
                                       "circumstance", "standard_text"])


def public_decision_record(d: PublicDecision) -> dict:
    """The decision page content as one record (API ``/decisions/{id}``): the same projected fields the page shows."""
    return {
        "id": d.id, "decision_no": d.decision_no, "agency": d.agency, "agency_id": d.agency_id,
        "party_name": d.party_name, "party_type": d.party_type, "uscc": d.uscc, "violation": d.violation,
        "category": d.category, "facts": d.facts, "legal_basis": d.legal_basis, "conclusion": d.conclusion,
        "fine_total": d.fine_total, "confiscation_total": d.confiscation_total, "decided_on": d.decided_on,
        "published_on": d.published_on, "status": d.status, "discretion_statement": d.discretion_statement,
        "withdrawn_on": d.withdrawn_on, "withdrawal_reason": d.withdrawal_reason,
        "public_explanation": d.public_explanation,
        "penalty_items": [{"penalty_type": t, "amount": a} for t, a in d.penalty_items],
        "history": [{"version": v, "changed_on": day, "status": s, "reason": r} for v, day, s, r in d.history],
        "legal_review": d.legal_review,
    }


def agency_keys(engine: Engine) -> dict[str, int]:
    """Agency code and full name → id, for the API's ``agency`` parameter."""
    with engine.connect() as conn:
        rows = conn.execute(select(m.Agency.id, m.Agency.code, m.Agency.name)).all()
    keys = {r.code: r.id for r in rows}
    keys.update({r.name: r.id for r in rows})
    keys.update({str(r.id): r.id for r in rows})
    return keys


def agency_major_catalogue(engine: Engine, agency_id: int) -> tuple[str, ...]:
    """The agency's 重大执法决定法制审核目录清单 as published sentences (国办发〔2018〕118号(十二) requires it public)."""
    with engine.connect() as conn:
        return rules_catalogue(load_major_rules(conn, agency_id))


def public_review_summary(tallies: pd.DataFrame) -> pd.DataFrame:
    """The public aggregate of the review status board: counts per agency, no case identifiers. ``tallies`` counts
    cases per (agency, status, decided, violation, review working days) — db.board.board_tallies."""
    columns = ["agency", "major", "decided", "reviewed", "unreviewed", "in_review", "median_workdays"]
    if tallies.empty:
        return pd.DataFrame(columns=columns)
    rows = []
    for agency, group in tallies.groupby("agency", sort=True):
        decided = group[group["decided"].astype(bool)]
        unreviewed = int(decided.loc[decided["violation"].astype(bool), "cases"].sum())
        timed = group.dropna(subset=["review_workdays"])
        median = median_of_counts(zip(timed["review_workdays"], timed["cases"], strict=True))
        rows.append({"agency": agency, "major": int(group["cases"].sum()), "decided": int(decided["cases"].sum()),
                     "reviewed": int(decided["cases"].sum()) - unreviewed, "unreviewed": unreviewed,
                     "in_review": int(group.loc[group["status"].isin(IN_REVIEW), "cases"].sum()),
                     "median_workdays": "—" if median is None else f"{median:g}"})
    return pd.DataFrame(rows, columns=columns)


def public_review(engine: Engine, calendar: WorkCalendar, today: dt.date) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(per-agency summary, review durations counted per agency and status) for the public 法制审核情况 page: from
    the stored board's tallies, brought up to date first. No case or decision number leaves this function."""
    board_version(engine)
    tallies = board_tallies(engine, calendar, today)
    columns = ["agency", "review_workdays", "status"]
    if tallies.empty:
        return public_review_summary(tallies), pd.DataFrame(columns=[*columns, "cases"])
    durations = tallies.groupby(columns, dropna=False, sort=True)["cases"].sum().reset_index()
    return public_review_summary(tallies), durations
