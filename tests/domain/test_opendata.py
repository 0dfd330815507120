"""Open-data formats: money as two-decimal strings (never floats), ISO dates, CSV with BOM, streamed JSON."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import random
from decimal import Decimal

import pytest

from domain.enums import DisclosureStatus
from domain.opendata import (
    BOM,
    batched_text,
    csv_lines,
    csv_rows,
    json_document,
    json_record,
    money_text,
    neutralise_csv_cell,
)


@pytest.mark.parametrize("value, text", [(Decimal("1850"), "1850.00"), (Decimal("0.1"), "0.10"), (Decimal(0), "0.00"),
                                         (Decimal("17124000.00"), "17124000.00"), (12, "12.00"), (None, None)])
def test_money_text(value, text) -> None:
    assert money_text(value) == text


def test_floats_are_refused() -> None:
    with pytest.raises(TypeError):
        money_text(0.1)
    with pytest.raises(TypeError):
        json_record({"fine_total": 0.1})


def test_json_record_formats_nested_values() -> None:
    record = {"fine_total": Decimal("5"), "decided_on": dt.date(2025, 3, 1), "status": DisclosureStatus.WITHDRAWN,
              "items": [{"amount": Decimal("2.5")}], "uscc": None}
    assert json_record(record) == {"fine_total": "5.00", "decided_on": "2025-03-01", "status": "已撤回",
                                   "items": [{"amount": "2.50"}], "uscc": None}


def test_csv_has_bom_chinese_header_and_quoting() -> None:
    rows = [{"a": "含,逗号", "b": Decimal("1"), "c": None}, {"a": '引"号', "b": None, "c": dt.date(2026, 1, 2)}]
    text = "".join(csv_lines(rows, {"a": "名称", "b": "金额（元）", "c": "日期"}))
    assert text.startswith("\ufeff名称,金额（元）,日期\r\n")
    assert list(csv.reader(io.StringIO(text[1:]))) == [["名称", "金额（元）", "日期"], ["含,逗号", "1.00", ""],
                                                       ['引"号', "", "2026-01-02"]]


@pytest.mark.parametrize("n", [0, 1, 3])
def test_json_document_is_valid_json_streamed(n) -> None:
    rows = ({"id": i, "fine_total": Decimal(i)} for i in range(n))
    chunks = list(json_document(rows, {"total": n}))
    assert len(chunks) == n + 2
    assert json.loads("".join(chunks)) == {"total": n, "items": [{"id": i, "fine_total": f"{i}.00"} for i in range(n)]}
    assert json.loads("".join(json_document([], {}))) == {"items": []}


def test_batched_text_joins_into_blocks() -> None:
    blocks = list(batched_text(("字" * 10 for _ in range(100)), size=300))
    assert b"".join(blocks).decode() == "字" * 1000
    assert len(blocks) == 4


def _cell_by_cell(rows: list[tuple], headers: list[str]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(headers)
    for row in rows:
        writer.writerow([neutralise_csv_cell(v) if isinstance(v, str) else v for v in row])
    return BOM + buffer.getvalue()


# Every character the csv module or the formula rule treats specially, in every position of a cell.
_ALPHABET = ["=", "+", "-", "@", "\t", "\r", "\n", ",", '"', "'", " ", "\uff1d", "\uff0b", "\uff0d", "\uff20", "a", "食"]


@pytest.mark.parametrize("seed", range(40))
def test_csv_rows_neutralises_exactly_the_cells_the_rule_names(seed: int) -> None:
    rng = random.Random(seed)

    def cell():
        roll = rng.random()
        if roll < 0.1:
            return None
        if roll < 0.2:
            return rng.randrange(-5, 10_000)
        return "".join(rng.choice(_ALPHABET) for _ in range(rng.randrange(0, 5)))

    rows = [tuple(cell() for _ in range(4)) for _ in range(rng.randrange(1, 60))]
    expected = _cell_by_cell(rows, ["甲", "乙", "丙", "丁"])
    assert "".join(csv_rows(rows, ["甲", "乙", "丙", "丁"], rows_per_chunk=rng.randrange(1, 9))) == expected


def test_a_chunk_without_formula_cells_is_written_as_is() -> None:
    rows = [(1, "食品,安全", 'say "hi"', "a-b"), (2, "line\nbreak", "", None)]
    text = "".join(csv_rows(rows, ["一", "二", "三", "四"]))
    assert text == _cell_by_cell(rows, ["一", "二", "三", "四"])
    assert "'" not in text
