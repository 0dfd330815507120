"""Counts of the public list are cached per public data version: a repeated question does not count the index
again, and any change to the index or the projection — however it is written — raises the version, so the next
answer is exact again. On SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
import threading
import time
from concurrent.futures import ThreadPoolExecutor

from sqlalchemy import Engine, event, select, text, update

from db import models as m
from db.public import (
    clear_count_cache,
    count_public_decisions,
    public_data_version,
    public_decision_page,
    public_decision_rows,
)
from domain.filters import DecisionFilters

TODAY = dt.date(2026, 11, 30)


class _Counts:
    """How many COUNT statements reach the database."""

    def __init__(self, engine: Engine) -> None:
        self.n = 0
        event.listen(engine, "before_cursor_execute", self._seen)

    def _seen(self, _conn, _cursor, statement: str, *_args) -> None:
        self.n += "count(" in statement.lower()


def _indexed(engine: Engine) -> int:
    with engine.connect() as conn:
        return int(conn.execute(text("SELECT count(*) FROM public_search WHERE published_on <= :d "
                                     "AND (expires_on IS NULL OR expires_on > :d)"), {"d": TODAY}).scalar_one())


def test_a_repeated_count_is_answered_from_the_cache(seeded: Engine) -> None:
    counts = _Counts(seeded)
    first = count_public_decisions(seeded, DecisionFilters(), TODAY)
    assert first == _indexed(seeded) > 0
    counts.n = 0
    # The same result set asked as another page, sort or keyword order is the same count.
    assert count_public_decisions(seeded, DecisionFilters(page=3, descending=False), TODAY) == first
    assert public_decision_rows(seeded, DecisionFilters(page=2), TODAY)[1] == first
    assert counts.n == 0
    count_public_decisions(seeded, DecisionFilters(q="食品 有限公司"), TODAY)
    counts.n = 0
    count_public_decisions(seeded, DecisionFilters(q="有限公司  食品"), TODAY)
    assert counts.n == 0


def test_any_change_to_the_public_data_invalidates_the_cached_count(seeded: Engine) -> None:
    before = count_public_decisions(seeded, DecisionFilters(), TODAY)
    version = public_data_version(seeded)
    with seeded.begin() as conn:  # a direct write, as a repair script would do it: the triggers still see it
        victim = conn.execute(select(m.PublicSearch.decision_id).where(m.PublicSearch.published_on <= TODAY)
                              .limit(1)).scalar_one()
        conn.execute(update(m.PublicRecord).where(m.PublicRecord.decision_id == victim)
                     .values(held_reason="待脱敏复核：测试"))
    assert public_data_version(seeded) > version
    assert count_public_decisions(seeded, DecisionFilters(), TODAY) == before - 1 == _indexed(seeded)


def test_a_page_past_the_end_is_empty_without_reading_rows(seeded: Engine) -> None:
    total = count_public_decisions(seeded, DecisionFilters(), TODAY)
    rows, counted = public_decision_rows(seeded, DecisionFilters(page=total // 20 + 2), TODAY)
    assert rows == [] and counted == total


def test_concurrent_first_requests_for_one_text_count_it_once(seeded: Engine) -> None:
    """A fresh server asked for pages of the same text at once (the bench's first varied run): one request counts,
    the others find its total — they used to count the same matches side by side on two cores."""
    counts = _Counts(seeded)
    slow = lambda *_args: time.sleep(0.2)  # noqa: E731 — every statement slow enough for the requests to overlap
    event.listen(seeded, "before_cursor_execute", slow)
    f = DecisionFilters(q="食品")
    clear_count_cache()
    alone = public_decision_page(seeded, f, TODAY)
    assert counts.n > 0 and alone.total > 0
    for _ in range(3):  # what the same four requests cost one after another: one count, then three cached totals
        public_decision_page(seeded, f, TODAY)
    one_after_another = counts.n

    clear_count_cache()
    counts.n = 0
    start = threading.Barrier(4)

    def ask(_: int):
        start.wait()
        return public_decision_page(seeded, f, TODAY)

    with ThreadPoolExecutor(4) as pool:
        pages = list(pool.map(ask, range(4)))
    assert [p.total for p in pages] == [alone.total] * 4
    assert counts.n == one_after_another
    assert seeded.pool.checkedout() == 0
