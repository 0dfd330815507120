"""The first-request plans of the public list (db/public.py ``_indexed_text``: a common text read by walking the sort
index and testing each row, its total from the text index's count less the matches outside the publication
period; PostgreSQL's separate count and page) list exactly the rows, in exactly the order, with exactly the total
and cursors of the straightforward statement — every match filtered and sorted at once (``iter_public_decisions``,
``count_by_scan``) — for many texts, facets, sorts, pages, ``after=`` cursors and days, whichever plan is chosen.
On SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import replace

import pytest
from sqlalchemy import Engine, event, select, text

import db.public
from db import models as m
from db.engine import make_engine
from db.projection import project_decisions
from db.public import (
    clear_count_cache,
    count_by_scan,
    count_public_decisions,
    iter_public_decisions,
    public_decision_page,
)
from domain.cursor import decode_cursor
from domain.enums import ActionCategory, DisclosureStatus, PenaltyType
from domain.filters import AmountBand, DecisionFilters, SortKey
from sample_data.generator import AS_OF
from tests.conftest import SMALL_SEED_CASES

SORTS = [(SortKey.PUBLISHED, True), (SortKey.PUBLISHED, False), (SortKey.DECIDED, True), (SortKey.AMOUNT, True),
         (SortKey.AMOUNT, False), (SortKey.DECIDED, False)]
FACETS = [
    {},
    {"agency_id": 2},
    {"year": 2025},
    {"year": 2025, "month": 3},
    {"status": DisclosureStatus.WITHDRAWN},
    {"category": ActionCategory.PENALTY, "penalty_type": PenaltyType.FINE},
    {"amount": AmountBand.FROM_10K},
]
# Plans forced through the cost constants: the walk whenever anything matches (SQLite); never the walk, and on
# PostgreSQL page and count by one statement. "counted": the walk, with the total counted by a statement instead of
# taken from the text index.
MODES = ["chosen", "walk", "walk, counted", "sorted"]


@pytest.fixture(scope="module", params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def engine(request) -> Iterator[Engine]:
    """The small seeded sample, read only."""
    if request.param == "sqlite":
        made = make_engine(request.getfixturevalue("seeded_sqlite")[0])
        yield made
        made.dispose()
        return
    templates = request.getfixturevalue("pg_templates")
    url, name = templates.copy(SMALL_SEED_CASES, 7)
    made = make_engine(url)
    yield made
    made.dispose()
    templates.drop(name)


def _texts(engine: Engine) -> list[str]:
    """Common caseless text (short, expanded; long; two terms), a cased term the index answers (part of a credit
    code, in lower case), the two together, a rare name, and a short term only a scan answers with an indexed one."""
    with engine.connect() as conn:
        uscc = conn.execute(select(m.PublicRecord.uscc).where(m.PublicRecord.uscc.like("%YY%"))
                            .order_by(m.PublicRecord.decision_id).limit(1)).scalar_one()
        rare = conn.execute(select(m.PublicRecord.party_name).where(m.PublicRecord.party_name.like("%有限公司"))
                            .order_by(m.PublicRecord.decision_id.desc()).limit(1)).scalar_one()
    cased = uscc[uscc.index("YY") - 4:uscc.index("YY") + 2].lower()
    return ["食品", "有限公司", "有限公司 罚款", cased, f"有限公司 {cased[-3:]}", rare[3:-4], "罚款 2"]


def _expected(engine: Engine, f: DecisionFilters, today: dt.date) -> list[int]:
    return [r["id"] for r in iter_public_decisions(engine, replace(f, page=1, after=None), today, batch=101)]


def _force(engine: Engine, monkeypatch: pytest.MonkeyPatch, mode: str) -> None:
    if engine.dialect.name != "sqlite" and mode.startswith("walk"):
        pytest.skip("the walk is SQLite's")
    monkeypatch.setattr(db.public, "PROBE_COST", {"chosen": 4.0, "sorted": float("inf")}.get(mode, 1e-9))
    if mode == "sorted":  # PostgreSQL: page and count by one statement, whatever the depth
        monkeypatch.setattr(db.public, "PG_WALK_ROWS", 0)
    if mode == "walk, counted":
        monkeypatch.setattr(db.public, "_text_total_from_index", lambda *_args: None)


def _check(engine: Engine, f: DecisionFilters, today: dt.date, expected: list[int]) -> None:
    """Offset pages (first, second, last, past the end) of ``f.page_size`` rows, and the whole chain of ``after``
    cursors with pages three times as long."""
    label = (f, today)
    size = f.page_size
    last = max(1, -(-len(expected) // size))
    for page in sorted({1, 2, last, last + 1}):
        clear_count_cache()
        found = public_decision_page(engine, replace(f, page=page), today)
        assert [r["id"] for r in found.rows] == expected[(page - 1) * size:page * size], (label, page)
        assert found.total == len(expected), (label, page)
        assert (found.next is not None) == (page * size < len(expected)), (label, page)
    ids: list[int] = []
    f = replace(f, page_size=3 * size)
    current = f
    clear_count_cache()
    for _ in range(len(expected) + 2):
        found = public_decision_page(engine, current, today)
        assert found.total == len(expected), label
        ids += [r["id"] for r in found.rows]
        if found.next is None:
            break
        clear_count_cache()  # each cursor page as a first request
        current = replace(f, after=decode_cursor(found.next))
    assert ids == expected, label


@pytest.mark.parametrize("mode", MODES)
def test_every_plan_lists_what_the_straightforward_statement_lists(engine: Engine, monkeypatch, mode: str) -> None:
    _force(engine, monkeypatch, mode)
    texts = _texts(engine)
    for i, q in enumerate(texts):
        for j, facets in enumerate(FACETS):
            sorts = SORTS if not facets and i < 2 else [SORTS[(i + j) % len(SORTS)]]
            for sort, descending in sorts:
                f = DecisionFilters(q=q, sort=sort, descending=descending, page_size=7 + (i + j) % 5, **facets)
                expected = _expected(engine, f, AS_OF)
                assert len(expected) == count_by_scan(engine, f, AS_OF)
                _check(engine, f, AS_OF, expected)
    assert any(_expected(engine, DecisionFilters(q=q), AS_OF) for q in texts[3:6])  # the cased terms match


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("today", [dt.date(2024, 7, 1), AS_OF, dt.date(2029, 3, 1)])
def test_the_total_from_the_text_index_holds_on_any_day(engine: Engine, monkeypatch, mode: str,
                                                          today: dt.date) -> None:
    """Before most decisions were published, and after many publication periods ended: the matches outside the
    publication period are then many, and subtracting them (or refusing to) must still give the exact total."""
    _force(engine, monkeypatch, mode)
    for q in _texts(engine)[:5]:
        f = DecisionFilters(q=q, page_size=9)
        expected = _expected(engine, f, today)
        assert len(expected) == count_by_scan(engine, f, today)
        clear_count_cache()
        assert count_public_decisions(engine, f, today) == len(expected), (q, today)  # the exports' count
        _check(engine, f, today, expected)


class _Statements:
    """The SQL statements that reach the database."""

    def __init__(self, engine: Engine) -> None:
        self.seen: list[tuple[str, object]] = []
        event.listen(engine, "before_cursor_execute", self._seen)

    def _seen(self, _conn, _cursor, statement: str, parameters, *_args) -> None:
        self.seen.append((statement, parameters))


@pytest.fixture
def sqlite_engine_seeded(seeded_sqlite) -> Iterator[Engine]:
    made = make_engine(seeded_sqlite[0])
    yield made
    made.dispose()


def _plan(engine: Engine, statement: str, parameters) -> str:
    with engine.connect() as conn:
        return " / ".join(r[3] for r in conn.exec_driver_sql("EXPLAIN QUERY PLAN " + statement, parameters))


def test_a_common_text_is_walked_and_a_rare_one_sorted(sqlite_engine_seeded: Engine) -> None:
    engine = sqlite_engine_seeded
    statements = _Statements(engine)
    clear_count_cache()
    common = public_decision_page(engine, DecisionFilters(q="有限公司"), AS_OF)
    assert common.total > 100
    pages = [(s, p) for s, p in statements.seen if "ORDER BY" in s and "public_search_doc" in s]
    assert pages and all("count(*) OVER" not in s for s, _ in pages)  # the page statement, probing the text
    plan = _plan(engine, *pages[-1])
    assert "ix_public_search_published_on" in plan and "TEMP B-TREE FOR ORDER BY" not in plan, plan
    statements.seen.clear()
    clear_count_cache()
    rare = public_decision_page(engine, DecisionFilters(q=_texts(engine)[5]), AS_OF)
    assert 0 < rare.total < 20
    assert any("count(*) OVER" in s for s, _ in statements.seen)  # one statement: every match, sorted


@pytest.mark.parametrize(("sort", "index"), [(SortKey.PUBLISHED, "ix_public_search_published_on"),
                                             (SortKey.DECIDED, "ix_public_search_decided_on"),
                                             (SortKey.AMOUNT, "ix_public_search_fine_total")])
def test_a_walk_reads_the_sort_index_whatever_the_filters(sqlite_engine_seeded: Engine, monkeypatch,
                                                          sort: SortKey, index: str) -> None:
    """The filters' own indexes (a year's decision dates, an amount band) must not drive a walk: it would test
    every row they select and sort them all. (Text with facets is walked once its total is known: page 2.)"""
    engine = sqlite_engine_seeded
    monkeypatch.setattr(db.public, "PROBE_COST", 1e-9)
    statements = _Statements(engine)
    for facets in ({"year": 2025, "penalty_type": PenaltyType.FINE}, {"amount": AmountBand.FROM_10K},
                   {"year": 2024, "status": DisclosureStatus.PUBLISHED}):
        clear_count_cache()
        f = DecisionFilters(q="罚款", sort=sort, page_size=5, **facets)
        public_decision_page(engine, f, AS_OF)
        statements.seen.clear()
        public_decision_page(engine, f.with_page(2), AS_OF)
        walks = [(s, p) for s, p in statements.seen if "ORDER BY" in s and "public_search_doc" in s]
        assert walks, facets
        plan = _plan(engine, *walks[-1])
        assert index in plan and "TEMP B-TREE FOR ORDER BY" not in plan, (facets, plan)


def test_the_count_of_decisions_expiring_this_month_reads_the_expiry_index(sqlite_engine_seeded: Engine) -> None:
    """Agency + year: the buckets' exact part for this month must not read the whole year's decision dates."""
    engine = sqlite_engine_seeded
    statements = _Statements(engine)
    clear_count_cache()
    public_decision_page(engine, DecisionFilters(agency_id=2, year=2025), AS_OF)
    ending = [(s, p) for s, p in statements.seen if "count(*)" in s and "expires_on >=" in s]
    assert len(ending) == 1
    assert "ix_public_search_expires_on" in _plan(engine, *ending[0])


def test_a_short_term_is_expanded_again_after_a_write(seeded: Engine) -> None:
    """Expansions of 1–2 character terms are remembered per public data version: a write that brings a new
    trigram starting with the term is seen by the next search."""
    term = "檩檫"  # in no seeded text
    assert public_decision_page(seeded, DecisionFilters(q=term), AS_OF).total == 0
    with seeded.connect() as conn:
        decision = conn.execute(text(
            "SELECT d.id, c.party_id FROM decisions d JOIN cases c ON c.id = d.case_id "
            "JOIN public_search s ON s.decision_id = d.id JOIN parties p ON p.id = c.party_id "
            "WHERE p.party_type != '自然人' AND s.published_on <= :d AND (s.expires_on IS NULL OR s.expires_on > :d) "
            "ORDER BY d.id LIMIT 1"), {"d": AS_OF}).one()
    with seeded.begin() as conn:
        conn.execute(m.Party.__table__.update().where(m.Party.id == decision.party_id)
                     .values(name=f"临江市{term}建材有限公司"))
        project_decisions(conn, [decision.id])
    found = public_decision_page(seeded, DecisionFilters(q=term), AS_OF)
    assert decision.id in [r["id"] for r in found.rows]
