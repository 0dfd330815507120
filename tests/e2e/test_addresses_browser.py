"""Addresses a visitor may type or follow, in a real browser: a staff page asks to log in (and shows nothing of it),
a signed-in user without the role is told so, an unknown address and an old-style /pages/….py address get a Chinese
page — never Streamlit's English "Page not found" dialog or a blank page."""

from __future__ import annotations

import pytest

from components.registry import PAGES, pages_for
from domain.permissions import PUBLIC_ACTOR
from tests.e2e.browser import DESKTOP, go_in_app, log_in, open_url

MAIN = '[data-testid="stMain"]'
STAFF_PAGES = [spec for spec in PAGES if spec not in pages_for(PUBLIC_ACTOR)]


@pytest.fixture
def page(chromium):
    context = chromium.new_context(viewport=DESKTOP)
    page = context.new_page()
    yield page
    context.close()


def _heading(page) -> str:
    return page.locator(f"{MAIN} h1").first.inner_text()


def _no_english_dialog(page) -> None:
    assert "Page not found" not in page.content()
    assert page.locator('[role="dialog"]').count() == 0


@pytest.mark.parametrize("spec", STAFF_PAGES[:3] + STAFF_PAGES[-3:], ids=lambda s: s.url_path)
def test_public_at_a_staff_address_is_asked_to_log_in(page, live_server, spec) -> None:
    open_url(page, f"{live_server}/{spec.url_path}?id=1")
    assert _heading(page) == "请登录后查看"
    main = page.locator(MAIN).inner_text()
    assert spec.title not in main
    link = page.get_by_role("link", name="前往登录")
    # The login form is an HTTP route (it sets the session cookie), and it returns to this very address.
    assert link.get_attribute("href") == f"/auth/login?next=/{spec.url_path}%3Fid%3D1"
    _no_english_dialog(page)
    page.goto(live_server + link.get_attribute("href"))
    page.wait_for_selector("h1:has-text('工作人员登录')", timeout=30_000)


def test_signed_in_user_without_the_role_is_told_so(page, live_server) -> None:
    log_in(page, live_server, "officer_scjg")
    go_in_app(page, "/users")
    assert _heading(page) == "无权访问"
    assert "用户管理" not in page.locator(MAIN).inner_text()
    assert "退出登录" in page.content()  # still signed in


@pytest.mark.parametrize("address", ["/no-such-page", "/decisions2?year=2025"])
def test_unknown_address_gets_a_chinese_page(page, live_server, address) -> None:
    open_url(page, live_server + address)
    assert _heading(page) == "页面不存在"
    _no_english_dialog(page)
    assert page.get_by_role("link", name="返回首页").count() == 1


@pytest.mark.parametrize(("address", "heading"), [("/pages/supervision.py", "请登录后查看"),
                                                  ("/pages/decisions.py", "执法决定公示"),
                                                  ("/pages/nothing.py", "页面不存在")])
def test_old_style_page_file_address_is_not_blank(page, live_server, address, heading) -> None:
    open_url(page, live_server + address)
    assert _heading(page) == heading
    assert page.title() != "Streamlit"
