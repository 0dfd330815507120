"""The fast CSV paths (rows formatted by the database, ``iter_public_csv_rows`` → ``csv_rows``; and the whole file,
``public_csv``, which PostgreSQL writes itself with COPY) write exactly the bytes of the general path
(``iter_public_decisions`` → ``csv_lines``): same redaction source, same tombstones for withdrawn decisions, same
money and date text, same formula neutralisation. The JSON document whose records the database writes
(``public_json``) equals ``json_document(iter_public_decisions(…))`` the same way. On SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
import threading
from decimal import Decimal

import pytest
from sqlalchemy import Engine, func, select, update

from db import models as m
from db.public import (
    PUBLIC_COLUMNS,
    _plan_for_every_row,
    iter_public_csv_rows,
    iter_public_decisions,
    public_csv,
    public_json,
    read_ahead,
)
from domain.enums import DisclosureStatus
from domain.filters import DecisionFilters, SortKey
from domain.opendata import csv_lines, csv_rows, json_document

TODAY = dt.date(2026, 11, 30)


def _both(engine: Engine, f: DecisionFilters) -> tuple[str, str]:
    general = "".join(csv_lines(iter_public_decisions(engine, f, TODAY), PUBLIC_COLUMNS))
    fast = "".join(csv_rows(iter_public_csv_rows(engine, f, TODAY), list(PUBLIC_COLUMNS.values()), rows_per_chunk=7))
    counts: list[int] = []
    whole = b"".join(public_csv(engine, f, TODAY, counted=counts.append, rows_per_block=7)).decode("utf-8")
    assert whole == fast, "the whole-file path differs from the row path"
    assert sum(counts) == sum(1 for _ in iter_public_decisions(engine, f, TODAY))  # every row counted once
    _assert_json_equal(engine, f)
    return general, fast


def _assert_json_equal(engine: Engine, f: DecisionFilters) -> None:
    head = {"generated_on": TODAY, "total": 3}
    general = "".join(json_document(iter_public_decisions(engine, f, TODAY), head))
    counts: list[int] = []
    fast = b"".join(public_json(engine, f, TODAY, head, counted=counts.append, rows_per_block=5)).decode("utf-8")
    assert general.count("\n") > 2
    assert fast == general
    assert sum(counts) == general.count("\n")  # one line per record


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
        # quoting: a delimiter, a quote, line breaks inside a cell, an empty text and a text that starts with a space
        second = conn.execute(select(m.PublicSearch.decision_id).where(
            m.PublicSearch.status == DisclosureStatus.PUBLISHED.value, m.PublicSearch.published_on <= TODAY,
            m.PublicSearch.decision_id > victim).order_by(m.PublicSearch.decision_id).limit(1)).scalar_one()
        conn.execute(update(m.PublicRecord).where(m.PublicRecord.decision_id == second).values(
            party_name='某"公司",分部\\路径', violation="第一行\n第二行\r\n第三行\t\x01\x1f\u2028</script>",
            conclusion="", party_type=" 前有空格"))
        conn.execute(update(m.Decision).where(m.Decision.id == victim).values(confiscation_total=Decimal("1200000.05")))
    general, fast = _both(seeded, DecisionFilters())
    assert "'=HYPERLINK" in general and "'+1" in general and "'－全角" in general and ",1200000.05," in general
    assert '"某""公司"",分部\\路径"' in general and '"第一行\n第二行\r\n第三行\t\x01\x1f\u2028</script>"' in general
    assert fast == general


def test_a_cancelled_whole_file_download_returns_its_connection(seeded: Engine) -> None:
    blocks = public_csv(seeded, DecisionFilters(), TODAY, rows_per_block=2)
    assert next(blocks).startswith("\ufeff编号,".encode())
    assert next(blocks).count(b"\r\n") == 2
    blocks.close()
    assert seeded.pool.checkedout() == 0
    with seeded.connect() as conn:  # and the connection it gave back still works
        assert conn.execute(select(func.count()).select_from(m.PublicSearch)).scalar_one() > 0


def test_read_ahead_keeps_order_and_raises_the_readers_error() -> None:
    def batches():
        yield [1, 2]
        yield [3]
        raise ValueError("数据库断开")

    got: list[int] = []
    with pytest.raises(ValueError, match="数据库断开"):
        for batch in read_ahead(batches, depth=1):
            got.extend(batch)
    assert got == [1, 2, 3]


def test_a_cancelled_download_stops_the_reading_thread_and_closes_its_batches() -> None:
    closed = threading.Event()

    def batches():
        try:
            for i in range(10_000):
                yield [i]
        finally:
            closed.set()

    reader = read_ahead(batches, depth=2)
    assert next(reader) == [0]
    reader.close()
    assert closed.is_set()
    assert not [t for t in threading.enumerate() if t.name == "read-ahead"]


def test_a_cancelled_export_returns_its_connection(seeded: Engine) -> None:
    rows = iter_public_csv_rows(seeded, DecisionFilters(), TODAY, batch=5)
    assert next(rows)[0] > 0
    rows.close()
    assert seeded.pool.checkedout() == 0


def test_the_export_plan_setting_lasts_only_for_the_exports_transaction(seeded: Engine) -> None:
    if seeded.dialect.name != "postgresql":
        pytest.skip("cursor_tuple_fraction is a PostgreSQL planner setting")
    with seeded.connect() as conn:
        default = conn.exec_driver_sql("SHOW cursor_tuple_fraction").scalar_one()
        conn.commit()
        _plan_for_every_row(conn)
        assert conn.exec_driver_sql("SHOW cursor_tuple_fraction").scalar_one() == "1"
        conn.commit()  # a session-wide SET would survive a commit and slow every later paged query on the connection
        assert conn.exec_driver_sql("SHOW cursor_tuple_fraction").scalar_one() == default != "1"
