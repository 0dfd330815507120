"""The count by buckets (``public_counts``, kept by triggers on ``public_search``) equals a COUNT over the index for
every non-text filter and any day — around the month a decision is published or its publication ends, too — and
stays equal after writes of every kind: a new publication, a withdrawal, a change of amount or expiry, a withheld
decision, a deleted disclosure, a rebuild of the index. On SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
import itertools

from sqlalchemy import Engine, delete, func, select, update

from db import models as m
from db.public import count_by_buckets, count_by_scan
from db.search import rebuild_search_index
from domain.enums import ActionCategory, DisclosureStatus, PenaltyType, WithdrawalReason
from domain.filters import AmountBand, DecisionFilters

TODAY = dt.date(2026, 11, 30)


def _filter_sets(agency_id: int) -> list[DecisionFilters]:
    grid = itertools.product((None, agency_id), (None, ActionCategory.PENALTY),
                             (None, DisclosureStatus.PUBLISHED, DisclosureStatus.WITHDRAWN),
                             (None, PenaltyType.FINE), (None, 2025), (None, *AmountBand))
    return [DecisionFilters(agency_id=a, category=c, status=s, penalty_type=p, year=y, amount=b)
            for a, c, s, p, y, b in grid]


def _assert_equal(engine: Engine, days: list[dt.date], filters: list[DecisionFilters] | None = None) -> None:
    with engine.connect() as conn:
        agency_id = conn.execute(select(func.min(m.PublicSearch.agency_id))).scalar_one()
    checked = 0
    for day in days:
        for f in filters or _filter_sets(agency_id):
            by_scan = count_by_scan(engine, f, day)
            assert count_by_buckets(engine, f, day) == by_scan, (day, f)
            checked += by_scan > 0
    assert checked  # not every answer was zero


def _one_listed(engine: Engine, *conditions) -> tuple[int, dt.date, dt.date | None]:
    ps = m.PublicSearch
    with engine.connect() as conn:
        row = conn.execute(select(ps.decision_id, ps.published_on, ps.expires_on)
                           .where(ps.published_on <= TODAY, *conditions).order_by(ps.decision_id).limit(1)).one()
    return row.decision_id, row.published_on, row.expires_on


def _around(day: dt.date) -> list[dt.date]:
    return [day - dt.timedelta(days=1), day, day + dt.timedelta(days=1), day.replace(day=1)]


def test_buckets_equal_the_index_for_every_filter_and_around_month_boundaries(seeded: Engine) -> None:
    _, published, expires = _one_listed(seeded, m.PublicSearch.expires_on.is_not(None))
    assert expires is not None
    _assert_equal(seeded, [TODAY, *_around(published), *_around(expires)])


def test_buckets_stay_exact_after_writes_of_every_kind(seeded: Engine) -> None:
    d = m.Disclosure
    some = DecisionFilters()
    withdrawn_id, _, _ = _one_listed(seeded, m.PublicSearch.status == DisclosureStatus.PUBLISHED.value)
    with seeded.begin() as conn:  # a withdrawal
        conn.execute(update(d).where(d.decision_id == withdrawn_id).values(
            status=DisclosureStatus.WITHDRAWN, withdrawn_on=TODAY, withdrawal_reason=list(WithdrawalReason)[0]))
    _assert_equal(seeded, [TODAY])
    ending_id, _, _ = _one_listed(seeded, m.PublicSearch.decision_id != withdrawn_id,
                                  m.PublicSearch.status == DisclosureStatus.PUBLISHED.value)
    with seeded.begin() as conn:  # publication ends tomorrow; another one was published today
        conn.execute(update(d).where(d.decision_id == ending_id).values(expires_on=TODAY + dt.timedelta(days=1)))
        newest_id = conn.execute(select(func.max(m.PublicSearch.decision_id))).scalar_one()
        conn.execute(update(d).where(d.decision_id == newest_id).values(published_on=TODAY))
    _assert_equal(seeded, [TODAY, TODAY + dt.timedelta(days=1), TODAY + dt.timedelta(days=2), TODAY.replace(day=1)])
    before = count_by_buckets(seeded, some, TODAY)
    with seeded.begin() as conn:  # withheld: leaves the index
        conn.execute(update(d).where(d.decision_id == newest_id).values(withheld_reason="测试：依法不予公开"))
    assert count_by_buckets(seeded, some, TODAY) == before - 1 == count_by_scan(seeded, some, TODAY)
    with seeded.begin() as conn:  # the disclosure is deleted (a repair script) and the index rebuilt
        removed = conn.execute(select(d.decision_id).where(d.decision_id != withdrawn_id,
                                                           d.decision_id != ending_id,
                                                           d.status == DisclosureStatus.PUBLISHED)
                               .order_by(d.decision_id.desc()).limit(1)).scalar_one()
        conn.execute(delete(m.DisclosureVersion).where(
            m.DisclosureVersion.disclosure_id.in_(select(d.id).where(d.decision_id == removed))))
        conn.execute(delete(d).where(d.decision_id == removed))
    rebuild_search_index(seeded)
    _assert_equal(seeded, [TODAY])
