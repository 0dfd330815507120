"""The fast CSV path (rows formatted by the database, ``iter_public_csv_rows`` → ``csv_rows``) writes exactly the
bytes of the general path (``iter_public_decisions`` → ``csv_lines``): same redaction source, same tombstones for
withdrawn decisions, same money and date text, same formula neutralisation. On SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from sqlalchemy import Engine, select, update

from db import models as m
from db.public import PUBLIC_COLUMNS, iter_public_csv_rows, iter_public_decisions
from domain.enums import DisclosureStatus
from domain.filters import DecisionFilters, SortKey
from domain.opendata import csv_lines, csv_rows

TODAY = dt.date(2026, 11, 30)


def _both(engine: Engine, f: DecisionFilters) -> tuple[str, str]:
    general = "".join(csv_lines(iter_public_decisions(engine, f, TODAY), PUBLIC_COLUMNS))
    fast = "".join(csv_rows(iter_public_csv_rows(engine, f, TODAY), list(PUBLIC_COLUMNS.values()), rows_per_chunk=7))
    return general, fast


@pytest.mark.parametrize("f", [DecisionFilters(), DecisionFilters(sort=SortKey.AMOUNT, descending=False),
                               DecisionFilters(status=DisclosureStatus.WITHDRAWN), DecisionFilters(q="食品")])
def test_the_fast_csv_equals_the_general_one(seeded: Engine, f: DecisionFilters) -> None:
    general, fast = _both(seeded, f)
    assert general.count("\r\n") > 1
    assert fast == general


def test_formula_cells_and_odd_amounts_come_out_the_same(seeded: Engine) -> None:
    with seeded.begin() as conn:
        victim = conn.execute(select(m.PublicSearch.decision_id).where(
            m.PublicSearch.status == DisclosureStatus.PUBLISHED.value, m.PublicSearch.published_on <= TODAY)
            .order_by(m.PublicSearch.decision_id).limit(1)).scalar_one()
        # Written to the derived tables directly (as a repair script could): the export must still neutralise them.
        conn.execute(update(m.PublicRecord).where(m.PublicRecord.decision_id == victim).values(
            party_name="=HYPERLINK(\"http://x\")", violation="+1", conclusion="－全角"))
        conn.execute(update(m.Decision).where(m.Decision.id == victim).values(confiscation_total=Decimal("1200000.05")))
    general, fast = _both(seeded, DecisionFilters())
    assert "'=HYPERLINK" in general and "'+1" in general and "'－全角" in general and ",1200000.05," in general
    assert fast == general
