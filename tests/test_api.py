"""The open-data API (api.py) on the shared seeded database: filters, paging, streamed CSV/JSON, one decision,
annual statistics, and HTTP 400/404 with Chinese JSON errors. Called as an ASGI app (tests/asgi.py)."""

from __future__ import annotations

import csv
import io
import json
import re

import pytest
from sqlalchemy import select
from starlette.applications import Starlette

import api
from db import models as m
from db.public import PUBLIC_COLUMNS, count_public_decisions, public_decision_rows
from domain.enums import DisclosureStatus
from domain.filters import DecisionFilters, SortKey
from domain.formatting import today_shanghai
from domain.redaction import assert_public_record, find_personal_data
from tests.asgi import get

MONEY = re.compile(r"^\d+\.\d{2}$")


@pytest.fixture
def app(seeded_sqlite, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", seeded_sqlite[0])
    return Starlette(routes=api.ROUTES)


@pytest.fixture
def engine(seeded_engine):
    return seeded_engine


def _items(app, **params) -> dict:
    r = get(app, "/api/v1/decisions", params)
    assert r.status_code == 200, r.text
    assert r.headers["content-type"].startswith("application/json")
    return r.json()


def _assert_money_is_text(item: dict) -> None:
    for key in ("fine_total", "confiscation_total"):
        assert item[key] is None or (isinstance(item[key], str) and MONEY.match(item[key])), item[key]


def test_list_has_total_page_and_items(app, engine) -> None:
    body = _items(app)
    assert set(body) == {"total", "total_exact", "page", "page_size", "next", "items"}
    assert body["total_exact"] is True
    assert (body["page"], body["page_size"]) == (1, 20)
    assert body["total"] == count_public_decisions(engine, DecisionFilters(), today_shanghai())
    assert len(body["items"]) == 20
    for item in body["items"]:
        assert set(item) == set(PUBLIC_COLUMNS)
        assert_public_record(item)
        _assert_money_is_text(item)
        assert re.match(r"^\d{4}-\d{2}-\d{2}$", item["decided_on"])


@pytest.mark.parametrize("params", [
    {"q": "食品"}, {"q": "罚 2025"}, {"category": "行政处罚", "type": "罚款"}, {"year": "2025", "month": "3"},
    {"amount": "1万-10万", "sort": "金额", "order": "asc"}, {"status": "已撤回"}, {"agency": "2"},
    {"agency": "QS-SCJG", "sort": "决定日期"},
])
def test_filters_match_the_query_layer(app, engine, params) -> None:
    body = _items(app, page_size=500, **params)
    expected_filters = api.filters_from_api_params({**params, "page_size": "500"},
                                                   agency_ids=api.public.agency_keys(engine))
    rows, total = public_decision_rows(engine, expected_filters, today_shanghai())
    assert body["total"] == total
    assert [i["id"] for i in body["items"]] == [r["id"] for r in rows]


def test_agency_by_code_equals_agency_by_id(app, engine) -> None:
    with engine.connect() as conn:
        agency_id = conn.execute(select(m.Agency.id).where(m.Agency.code == "QS-SCJG")).scalar_one()
    assert _items(app, agency="QS-SCJG")["total"] == _items(app, agency=str(agency_id))["total"] > 0


def test_paging_covers_every_row_once(app) -> None:
    everything = _items(app, q="罚款", page_size=500)
    ids: list[int] = []
    page = 1
    while True:
        body = _items(app, q="罚款", page=page, page_size=45)
        if not body["items"]:
            break
        assert body["page"] == page and body["total"] == everything["total"]
        ids += [i["id"] for i in body["items"]]
        page += 1
    assert ids == [i["id"] for i in everything["items"]][: len(ids)]
    assert len(ids) == everything["total"] == len(set(ids))


def test_after_cursor_pages_cover_every_row_once_in_order(app) -> None:
    for params in ({"q": "罚款"}, {"sort": "金额", "order": "asc", "year": "2025"},
                   {"sort": "决定日期", "agency": "QS-SCJG", "year": "2025"}):
        everything = _items(app, page_size=500, **params)
        assert everything["total"] <= 500
        ids: list[int] = []
        body = _items(app, page_size=45, **params)
        assert body["page"] == 1
        while True:
            ids += [i["id"] for i in body["items"]]
            assert body["total"] == everything["total"]
            if body["next"] is None:
                break
            body = _items(app, page_size=45, after=body["next"], **params)
            assert body["page"] is None
        assert ids == [i["id"] for i in everything["items"]]


def test_after_works_on_the_streamed_exports_as_one_page(app) -> None:
    first = _items(app, page_size=5)
    r = get(app, "/api/v1/decisions.csv", {"after": first["next"], "page_size": "5"})
    table = list(csv.reader(io.StringIO(r.content.decode("utf-8-sig"))))
    assert [int(line[0]) for line in table[1:]] == [i["id"] for i in _items(app, page=2, page_size=5)["items"]]


def test_a_bad_cursor_is_a_chinese_400(app) -> None:
    token = _items(app, page_size=5)["next"]
    for params, fragment in (({"after": token, "page": "2"}, "不能同时使用"),
                             ({"after": token, "order": "asc"}, "不一致"),
                             ({"after": token[:-2]}, "after"),
                             ({"after": token[:5] + ("x" if token[5] != "x" else "y") + token[6:]}, "after"),
                             ({"after": "';DROP TABLE x;--"}, "after")):
        for path in ("/api/v1/decisions", "/api/v1/decisions.csv", "/api/v1/decisions.json"):
            r = get(app, path, params)
            assert r.status_code == 400, (path, params)
            error = r.json()["error"]
            assert fragment in error and re.search("[\u4e00-\u9fff]", error), error


def test_a_text_scan_is_counted_up_to_a_bound_unless_asked_for_the_exact_count(app, engine, monkeypatch) -> None:
    monkeypatch.setattr(api.public, "TEXT_COUNT_LIMIT", 50)
    api.public.clear_count_cache()
    api.RESPONSES.clear()
    exact = api.public.count_by_scan(engine, DecisionFilters(q="2"), today_shanghai())  # not cached
    assert exact > 50  # "2" starts too many trigrams for the index: a scan
    bounded = _items(app, q="2", page_size=20)
    assert (bounded["total"], bounded["total_exact"]) == (50, False)
    asked = _items(app, q="2", page_size=20, count="exact")
    assert (asked["total"], asked["total_exact"]) == (exact, True)
    assert [i["id"] for i in bounded["items"]] == [i["id"] for i in asked["items"]]
    # the bounded answer cached for the plain URL gives way to the exact count now known, without a write
    assert _items(app, q="2", page_size=20)["total_exact"] is True
    assert _items(app, q="2", page_size=20, page=2)["total"] == exact
    api.RESPONSES.clear()
    assert get(app, "/api/v1/decisions", {"count": "all"}).status_code == 400


def test_pages_of_a_bounded_text_scan_still_reach_every_row(app, engine, monkeypatch) -> None:
    monkeypatch.setattr(api.public, "TEXT_COUNT_LIMIT", 30)
    api.public.clear_count_cache()
    api.RESPONSES.clear()
    expected = [r["id"] for r in api.public.iter_public_decisions(engine, DecisionFilters(q="2 罚"), today_shanghai())]
    ids: list[int] = []
    body = _items(app, q="2 罚", page_size=100)
    while True:
        assert body["total_exact"] is False and body["total"] == 30
        ids += [i["id"] for i in body["items"]]
        if body["next"] is None:
            break
        body = _items(app, q="2 罚", page_size=100, after=body["next"])
    assert ids == expected and len(ids) > 100
    api.RESPONSES.clear()
    api.public.clear_count_cache()


@pytest.mark.parametrize("params, fragment", [
    ({"page_size": "501"}, "page_size"),
    ({"page_size": "0"}, "page_size"),
    ({"page": "abc"}, "page"),
    ({"year": "1999"}, "year"),
    ({"month": "3"}, "month"),
    ({"year": "2025", "month": "13"}, "month"),
    ({"category": "罚款"}, "category"),
    ({"type": "罚"}, "type"),
    ({"amount": "100"}, "amount"),
    ({"status": "已到期"}, "status"),
    ({"sort": "名称"}, "sort"),
    ({"order": "up"}, "order"),
    ({"agency": "不存在的局"}, "agency"),
    ({"agency": "9999"}, "agency"),
    ({"categroy": "行政处罚"}, "categroy"),
    ({"q": "食" * 101}, "q"),
])
def test_bad_parameters_are_400_with_a_chinese_error(app, params, fragment) -> None:
    for path in ("/api/v1/decisions", "/api/v1/decisions.csv", "/api/v1/decisions.json"):
        r = get(app, path, params)
        assert r.status_code == 400, (path, params)
        assert r.headers["content-type"].startswith("application/json")
        error = r.json()["error"]
        assert fragment in error and re.search("[\u4e00-\u9fff]", error)


def test_repeated_parameter_is_refused(app) -> None:
    r = get(app, "/api/v1/decisions", [("year", "2025"), ("year", "2024")])
    assert r.status_code == 400 and "重复" in r.json()["error"]


def test_csv_streams_every_row_with_bom_and_chinese_headers(app, engine) -> None:
    r = get(app, "/api/v1/decisions.csv", {"q": "罚款", "sort": "金额"})
    assert r.status_code == 200
    assert r.headers["content-type"] == "text/csv; charset=utf-8"
    assert "attachment" in r.headers["content-disposition"] and "filename*=UTF-8''" in r.headers["content-disposition"]
    assert r.content.startswith("\ufeff".encode())
    table = list(csv.reader(io.StringIO(r.content.decode("utf-8-sig"))))
    assert table[0] == list(PUBLIC_COLUMNS.values())
    f = DecisionFilters(q="罚款", sort=SortKey.AMOUNT, page_size=10_000)
    rows, total = public_decision_rows(engine, f, today_shanghai())
    assert len(table) - 1 == total > 20  # every row, not a page
    assert [int(line[0]) for line in table[1:]] == [row["id"] for row in rows]
    fines = [line[list(PUBLIC_COLUMNS).index("fine_total")] for line in table[1:]]
    assert all(v == "" or MONEY.match(v) for v in fines)


def test_csv_with_page_params_gives_that_page(app) -> None:
    r = get(app, "/api/v1/decisions.csv", {"page": "2", "page_size": "7"})
    table = list(csv.reader(io.StringIO(r.content.decode("utf-8-sig"))))
    assert [int(line[0]) for line in table[1:]] == [i["id"] for i in _items(app, page=2, page_size=7)["items"]]


def test_json_stream_has_total_and_every_item(app) -> None:
    r = get(app, "/api/v1/decisions.json", {"status": "已更正"})
    assert r.status_code == 200
    body = json.loads(r.content)
    assert body["total"] == len(body["items"]) == _items(app, status="已更正")["total"] > 0
    assert {i["status"] for i in body["items"]} == {"已更正"}


def test_one_decision_and_404s(app, engine) -> None:
    body = _items(app, status="已撤回", page_size=1)
    withdrawn_id = body["items"][0]["id"]
    r = get(app, f"/api/v1/decisions/{withdrawn_id}")
    assert r.status_code == 200
    decision = r.json()
    assert decision["status"] == "已撤回" and decision["withdrawal_reason"] and decision["penalty_items"] == []
    assert decision["fine_total"] is None and decision["facts"] == "（已撤回）"
    assert_public_record(decision)

    fined = _items(app, type="罚款", status="已公示", page_size=1)["items"][0]
    decision = get(app, f"/api/v1/decisions/{fined['id']}").json()
    assert decision["penalty_items"] and all(MONEY.match(p["amount"]) for p in decision["penalty_items"]
                                             if p["amount"] is not None)
    assert [h["version"] for h in decision["history"]] == sorted(h["version"] for h in decision["history"])
    _assert_money_is_text(decision)

    with engine.connect() as conn:
        withheld = conn.execute(select(m.Disclosure.decision_id).where(m.Disclosure.withheld_reason.is_not(None))
                                .limit(1)).scalar_one()
        draft = conn.execute(select(m.Disclosure.decision_id).where(
            m.Disclosure.status == DisclosureStatus.DRAFT, m.Disclosure.withheld_reason.is_(None)).limit(1)).scalar_one()
    for hidden in (withheld, draft, 999_999):
        r = get(app, f"/api/v1/decisions/{hidden}")
        assert r.status_code == 404 and "找不到" in r.json()["error"]
    for bad in ("abc", "-1", "0", "1.5"):
        r = get(app, f"/api/v1/decisions/{bad}")
        assert r.status_code == 400 and "正整数" in r.json()["error"]
    assert get(app, f"/api/v1/decisions/{fined['id']}", {"x": "1"}).status_code == 400


def test_annual_statistics_are_suppressed_and_money_is_text(app, engine) -> None:
    r = get(app, "/api/v1/stats/annual", {"year": "2025"})
    assert r.status_code == 200
    body = r.json()
    assert body["year"] == 2025 and body["publication_deadline"] == "2026-01-31" and "<3" in body["note"]
    assert body["rows"][-1]["执法机关"] == "合计"
    amount_column = next(c for c in body["columns"] if "罚没金额" in c)
    values = [row[amount_column] for row in body["rows"]]
    assert all(v in ("", "<3") or MONEY.match(v) for v in values), values
    cells = [v for row in body["rows"] for k, v in row.items() if k in body["columns"]]
    assert not any(isinstance(v, float) for v in cells)
    # exactly the suppressed public records of domain.statistics (never the unsuppressed counts)
    from db import stats
    from domain.opendata import json_record
    from domain.statistics import annual_report

    facts, reported = stats.annual_facts(engine, 2025)
    report = annual_report(facts, 2025, stats.enforcing_agencies(engine), reported)
    assert body["rows"] == json_record({"rows": report.to_records(suppress=True)})["rows"]


@pytest.mark.parametrize("params, status", [({}, 400), ({"year": "abc"}, 400), ({"year": "1800"}, 400),
                                            ({"year": "2025", "agency": "1"}, 400)])
def test_annual_statistics_bad_parameters(app, params, status) -> None:
    r = get(app, "/api/v1/stats/annual", params)
    assert r.status_code == status
    error = r.json()["error"]
    assert "year" in error or "agency" in error


def test_unknown_api_path_is_a_json_404(app) -> None:
    r = get(app, "/api/v1/nothing")
    assert r.status_code == 404 and r.json()["error"].startswith("没有这个接口")


def test_api_output_carries_no_personal_data(app) -> None:
    r = get(app, "/api/v1/decisions.json")
    assert not find_personal_data(r.text)
    assert not find_personal_data(get(app, "/api/v1/decisions.csv").content.decode("utf-8-sig"))


def test_server_mounts_the_api_routes() -> None:
    import server

    assert server.API_ROUTES is api.ROUTES


def test_the_server_imports_the_chart_library_before_the_first_visitor() -> None:
    """Otherwise the first chart page a fresh server draws imports Altair inside that visitor's script run."""
    import subprocess
    import sys
    from pathlib import Path

    probe = "import sys, server; print('altair' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True,
                            cwd=Path(__file__).resolve().parents[1])
    assert result.stdout.strip().splitlines()[-1] == "True"


def test_decision_says_whether_a_major_decision_was_reviewed(app, engine) -> None:
    """A major decision shows 经法制审核（date） or 未经法制审核 (planted legacy history); other decisions nothing."""
    from db.public import public_decision

    today = today_shanghai()
    with engine.connect() as conn:
        rows = conn.execute(select(m.Decision.id, m.Decision.unreviewed_major, m.Case.is_major)
                            .join(m.Case, m.Case.id == m.Decision.case_id)
                            .join(m.Disclosure, m.Disclosure.decision_id == m.Decision.id)
                            .where(m.Disclosure.status == DisclosureStatus.PUBLISHED)).all()
    seen = set()
    for decision_id, unreviewed, major in rows:
        kind = "unreviewed" if unreviewed else ("reviewed" if major else "plain")
        if kind in seen or public_decision(engine, decision_id, today) is None:
            continue
        seen.add(kind)
        label = get(app, f"/api/v1/decisions/{decision_id}").json()["legal_review"]
        if kind == "unreviewed":
            assert label == "未经法制审核"
        elif kind == "reviewed":
            assert re.fullmatch(r"经法制审核（\d{4}-\d{2}-\d{2}）", label), label
        else:
            assert label == ""
    assert seen == {"unreviewed", "reviewed", "plain"}
