"""Every filter change sticks, in a real browser: each filter changed three times in a row shows the new value in
its widget and in the URL (a lost second change once made the search page look broken)."""

from __future__ import annotations

import csv
import io
import urllib.parse
from pathlib import Path

import pytest

from tests.e2e.browser import DESKTOP, choose, go_in_app, log_in, open_url, selected, type_text

AGENCIES = ("临江市生态环境局青石分局", "临江市青石区市场监督管理局", "临江市青石区应急管理局")
SHORT_NAMES = ("青石生态环境分局", "区市场监管局", "区应急管理局")


def _params(page) -> dict[str, str]:
    return dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(page.url).query))


@pytest.fixture
def page(chromium):
    context = chromium.new_context(viewport=DESKTOP)
    page = context.new_page()
    yield page
    context.close()


def test_each_decision_filter_changed_three_times_sticks(page, live_server) -> None:
    open_url(page, f"{live_server}/decisions")
    seen_agencies = []
    for name in AGENCIES:
        choose(page, "执法机关", name)
        assert selected(page, "执法机关") == name
        seen_agencies.append(_params(page).get("agency"))
        assert "agency" in _params(page), page.url
        assert name in page.locator('[data-testid="stMain"] strong').first.inner_text()
    assert len(set(seen_agencies)) == 3, seen_agencies
    for word in ("食品", "环境", "安全"):
        type_text(page, "关键词", word)
        assert page.get_by_label("关键词", exact=True).input_value() == word
        assert _params(page).get("q") == word
    for year in ("2025", "2024", "2026"):
        choose(page, "年度", f"{year}年")
        assert selected(page, "年度") == f"{year}年"
        assert _params(page).get("year") == year
    # Every filter above is still applied together.
    params = _params(page)
    assert params["agency"] == seen_agencies[-1] and params["q"] == "安全" and params["year"] == "2026"


def test_each_case_filter_changed_three_times_sticks(page, live_server) -> None:
    log_in(page, live_server, "supervisor")
    go_in_app(page, "/cases")
    ids = []
    for name in SHORT_NAMES:
        choose(page, "执法主体", name)
        assert selected(page, "执法主体") == name
        ids.append(_params(page).get("agency"))
    assert None not in ids and len(set(ids)) == 3, ids
    for word in ("QS", "2025", "市"):
        type_text(page, "案号、当事人或决定书文号", word)
        assert page.get_by_label("案号、当事人或决定书文号", exact=True).input_value() == word
        assert _params(page).get("q") == word
    for status in ("已立案", "已结案", "已决定"):
        choose(page, "状态", status)
        assert selected(page, "状态") == status
        assert _params(page).get("status") == status


@pytest.mark.parametrize("raw", ["QS-SCJG", "临江市青石区市场监督管理局"])
def test_shared_link_by_agency_code_or_name_filters_the_page_and_the_csv(page, live_server, raw) -> None:
    open_url(page, f"{live_server}/decisions?agency={urllib.parse.quote(raw)}")
    assert selected(page, "执法机关") == "临江市青石区市场监督管理局"
    assert page.locator('[data-testid="stMain"] strong').first.inner_text().startswith("临江市青石区市场监督管理局 ")
    with page.expect_download() as info:
        page.get_by_role("button", name="下载 CSV").click()
    rows = list(csv.DictReader(io.StringIO(Path(info.value.path()).read_text(encoding="utf-8-sig"))))
    assert rows and {r["执法机关"] for r in rows} == {"临江市青石区市场监督管理局"}


def test_invalid_year_and_page_beyond_the_last_are_explained(page, live_server) -> None:
    open_url(page, f"{live_server}/decisions?year=1999&page=999")
    main = page.locator('[data-testid="stMain"]').inner_text()
    assert "链接中的年度 1999 无效" in main.replace("“", "").replace("”", ""), main[:400]
    assert "超出范围" in main and "没有符合条件的记录" not in main
