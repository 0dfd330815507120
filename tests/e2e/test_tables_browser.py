"""Result tables in a real browser at 1440 px: every column is visible without a horizontal scroll, and each row's
first cell is a link that opens the record's own page (a permalink), on the search page, the home page and an
agency's page."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from db import models as m
from db.engine import make_engine
from tests.e2e.browser import DESKTOP, MOBILE, go_in_app, log_in, open_url, settle

GRID = '[data-testid="stDataFrame"]'
WIDTHS = f"""() => Array.from(document.querySelectorAll('{GRID} .dvn-scroller'))
    .filter(e => e.clientWidth > 0).map(e => [e.scrollWidth, e.clientWidth])"""


@pytest.fixture
def context(chromium):
    context = chromium.new_context(viewport=DESKTOP)
    yield context
    context.close()


def _agency_id(database_url: str, code: str) -> int:
    engine = make_engine(database_url)
    with engine.connect() as conn:
        found = conn.execute(select(m.Agency.id).where(m.Agency.code == code)).scalar_one()
    engine.dispose()
    return found


def _tables_fit(page) -> None:
    page.wait_for_selector(f"{GRID} .dvn-scroller", timeout=30_000)
    page.wait_for_timeout(300)
    widths = page.evaluate(WIDTHS)
    assert widths and all(scroll <= client + 2 for scroll, client in widths), widths


def _first_row_link_opens_a_decision(context, page, grid) -> None:
    box = grid.bounding_box()
    x, y = box["x"] + 20, box["y"] + 35 + 17  # the 详情 cell of the first row
    page.mouse.move(x, y)  # as a person does: the grid marks a link under the pointer before a click opens it
    page.wait_for_timeout(300)
    with context.expect_page(timeout=15_000) as opened:
        page.mouse.click(x, y)
    detail = opened.value
    detail.wait_for_selector('[data-testid="stMain"] h1', timeout=30_000)
    settle(detail)
    assert "/decision?id=" in detail.url
    assert "〔" in detail.locator('[data-testid="stMain"] h1').first.inner_text()  # a 决定书文号 as the title
    detail.close()


@pytest.mark.parametrize("path", ["/decisions", "/"])
def test_result_rows_link_to_their_decision_and_fit_the_page(context, live_server, path) -> None:
    page = context.new_page()
    open_url(page, live_server + path)
    _tables_fit(page)
    _first_row_link_opens_a_decision(context, page, page.locator(GRID).first)


def test_agency_page_lists_its_decisions_with_links_and_the_benchmark_fits(context, live_server, seeded_sqlite) -> None:
    page = context.new_page()
    open_url(page, f"{live_server}/agency?id={_agency_id(seeded_sqlite[0], 'QS-STHJ')}")
    page.get_by_role("tab", name="裁量基准").click()
    settle(page)
    _tables_fit(page)
    page.get_by_role("tab", name="执法决定", exact=True).click()
    settle(page)
    _tables_fit(page)
    _first_row_link_opens_a_decision(context, page, page.locator(f'[role="tabpanel"]:visible {GRID}').first)


def test_phone_shows_the_search_box_and_the_results(chromium, live_server) -> None:
    context = chromium.new_context(viewport=MOBILE)
    page = context.new_page()
    try:
        open_url(page, f"{live_server}/decisions?agency=QS-SCJG")
        box = page.get_by_label("关键词", exact=True)
        assert box.is_visible()
        first = box.bounding_box()
        assert first["y"] < MOBILE["height"] and first["x"] >= 0 and first["x"] + first["width"] <= MOBILE["width"]
        grid = page.locator(GRID).first
        grid.scroll_into_view_if_needed()
        assert grid.is_visible()
        table = grid.bounding_box()
        assert table["width"] <= MOBILE["width"] and table["height"] > 100
        # The results come right after the main filters, not after a screenful of rarely used ones.
        assert table["y"] - first["y"] < 3 * MOBILE["height"]
    finally:
        context.close()


def test_staff_case_list_fits_the_page(context, live_server) -> None:
    page = context.new_page()
    log_in(page, live_server, "supervisor")  # every agency: the widest list
    go_in_app(page, "/cases")
    _tables_fit(page)
