"""Keyset pages (``after`` cursors) list exactly the rows of OFFSET pages, in the same order, for every sort and
direction — including the amount sort, where withdrawn decisions (no public amount) come last both ways — with and
without filters and text. On SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import pytest
from sqlalchemy import Engine

from db.public import public_decision_page
from domain.cursor import decode_cursor
from domain.enums import DisclosureStatus
from domain.filters import DecisionFilters, SortKey

TODAY = dt.date(2026, 11, 30)


def _by_offset(engine: Engine, f: DecisionFilters) -> list[int]:
    ids: list[int] = []
    page = 1
    while rows := public_decision_page(engine, replace(f, page=page), TODAY).rows:
        ids += [r["id"] for r in rows]
        page += 1
    return ids


def _by_cursor(engine: Engine, f: DecisionFilters) -> list[int]:
    ids: list[int] = []
    current = f
    for _ in range(10_000):
        found = public_decision_page(engine, current, TODAY)
        ids += [r["id"] for r in found.rows]
        if found.next is None:
            return ids
        current = replace(f, after=decode_cursor(found.next))
    raise AssertionError("the cursor never reached the last page")


@pytest.mark.parametrize("sort", list(SortKey))
@pytest.mark.parametrize("descending", [True, False])
def test_keyset_pages_equal_offset_pages_for_every_sort(seeded: Engine, sort: SortKey, descending: bool) -> None:
    for extra in ({}, {"q": "食品"}, {"status": DisclosureStatus.WITHDRAWN}):
        f = DecisionFilters(sort=sort, descending=descending, page_size=97, **extra)
        expected = _by_offset(seeded, f)
        assert expected, extra
        assert _by_cursor(seeded, f) == expected, (sort, descending, extra)


def test_the_amount_order_mixes_amounts_and_withdrawn_decisions_across_a_page_boundary(seeded: Engine) -> None:
    f = DecisionFilters(sort=SortKey.AMOUNT, descending=False, page_size=7)
    withdrawn = public_decision_page(seeded, DecisionFilters(status=DisclosureStatus.WITHDRAWN), TODAY).total
    ids = _by_cursor(seeded, f)
    assert 0 < withdrawn < len(ids) and (len(ids) - withdrawn) % 7 != 0  # the switch falls inside a page
    assert ids == _by_offset(seeded, f)


def test_the_last_page_has_no_next_and_a_full_page_has_one(seeded: Engine) -> None:
    f = DecisionFilters(status=DisclosureStatus.WITHDRAWN, page_size=500)
    whole = public_decision_page(seeded, f, TODAY)
    assert whole.next is None and 0 < len(whole.rows) == whole.total
    first = public_decision_page(seeded, replace(f, page_size=len(whole.rows) - 1), TODAY)
    assert first.next is not None
    last = public_decision_page(seeded, replace(f, page_size=len(whole.rows) - 1, after=decode_cursor(first.next)),
                                TODAY)
    assert [r["id"] for r in last.rows] == [whole.rows[-1]["id"]] and last.next is None
    assert last.total == whole.total
