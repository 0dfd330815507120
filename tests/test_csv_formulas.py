"""CSV formula neutralisation: every CSV the product writes — the API's, the search page's download, the
annual page's download and ``manage.py export disclosures`` — shows a cell starting with = + - @ tab CR (or the
full-width ＝＋－＠) as text, by prefixing ``'`` (domain.opendata.neutralise_csv_cell), while dates, decision
numbers, money and other ordinary values come out unchanged. The probes go in through ``import decisions``."""

from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import Decimal

import pandas as pd
import pytest
from starlette.applications import Starlette

import api
from components.downloads import csv_bytes
from components.opendata import search_download
from db.export import export_disclosures
from domain.filters import DecisionFilters
from domain.formatting import today_shanghai
from domain.opendata import csv_lines, neutralise_csv_cell
from tests.asgi import get
from tests.probes import FORMULA_PROBES, import_probes, probe_row

NEUTRAL = {p: "'" + p.strip() for p in FORMULA_PROBES}  # the importer trims the tab of "\t=1"; "=1" is still a formula


def _table(text: str) -> list[dict[str, str]]:
    assert text.startswith("\ufeff")
    return list(csv.DictReader(io.StringIO(text[1:])))


@pytest.mark.parametrize("value", [*FORMULA_PROBES, "\r=1", "＋1", "－1", "＠A1"])
def test_formula_starts_get_an_apostrophe(value: str) -> None:
    assert neutralise_csv_cell(value) == "'" + value


@pytest.mark.parametrize("value", ["青市监罚〔2026〕12号", "2026-03-01", "1850.00", "罚款-1元", "A=1", "张某", "",
                                   "'=1", "91449901YY00006E4T"])
def test_ordinary_values_are_unchanged(value: str) -> None:
    assert neutralise_csv_cell(value) == value


def test_csv_lines_neutralise_text_but_not_numbers_dates_or_money() -> None:
    rows = [{"t": p, "n": 7, "d": dt.date(2026, 1, 2), "m": Decimal("1850")} for p in FORMULA_PROBES]
    table = _table("".join(csv_lines(rows, {"t": "文本", "n": "编号", "d": "日期", "m": "金额"})))
    assert [r["文本"] for r in table] == ["'" + p for p in FORMULA_PROBES]
    assert {(r["编号"], r["日期"], r["金额"]) for r in table} == {("7", "2026-01-02", "1850.00")}


def test_page_download_neutralises_text_cells_and_keeps_numbers() -> None:
    frame = pd.DataFrame({"执法机关": list(FORMULA_PROBES), "决定数": range(-3, 3), "罚没金额": [-1.5] * 6})
    table = _table(csv_bytes(frame).decode("utf-8"))
    assert [r["执法机关"] for r in table] == ["'" + p for p in FORMULA_PROBES]
    assert [r["决定数"] for r in table] == ["-3", "-2", "-1", "0", "1", "2"]
    assert {r["罚没金额"] for r in table} == {"-1.5"}


@pytest.fixture
def probed(sqlite_engine, monkeypatch):
    """Each probe as the violation type and at the start of the party name of one published decision."""
    today = today_shanghai()
    rows = [probe_row(i, {"违法行为类型": p, "当事人名称": f"{p}商贸有限公司"}, today=today)
            for i, p in enumerate(FORMULA_PROBES)]
    import_probes(sqlite_engine, rows, today=today)
    monkeypatch.setenv("DATABASE_URL", str(sqlite_engine.url))
    return sqlite_engine, today


def _assert_neutralised(table: list[dict[str, str]]) -> None:
    assert sorted(r["违法行为类型"] for r in table) == sorted(NEUTRAL.values())
    assert sorted(r["当事人"] for r in table) == sorted(v + "商贸有限公司" for v in NEUTRAL.values())
    for r in table:  # ordinary cells untouched
        assert r["决定书文号"].startswith("青市监罚〔") and r["罚款金额（元）"] == "5000.00"
        assert dt.date.fromisoformat(r["决定日期"]) and r["编号"].isdigit()


def test_api_csv(probed) -> None:
    r = get(Starlette(routes=api.ROUTES), "/api/v1/decisions.csv")
    assert r.status_code == 200, r.text
    _assert_neutralised(_table(r.text))


def test_api_json_carries_the_value_unchanged(probed) -> None:
    r = get(Starlette(routes=api.ROUTES), "/api/v1/decisions")
    assert sorted(i["violation"] for i in r.json()["items"]) == sorted(p.strip() for p in FORMULA_PROBES)


def test_export_disclosures(probed, tmp_path) -> None:
    engine, today = probed
    out = tmp_path / "disclosures.csv"
    assert export_disclosures(engine, out, "csv", today) == len(FORMULA_PROBES)
    _assert_neutralised(_table(out.read_text(encoding="utf-8")))


def test_search_page_download(probed) -> None:
    engine, today = probed
    data = search_download(str(engine.url), DecisionFilters(), today, "csv", len(FORMULA_PROBES))
    _assert_neutralised(_table(data.decode("utf-8")))
