"""Journeys in a real browser (Debian's Chromium driven by Playwright) against the real server (manage.py serve):
what AppTest cannot show — routing by URL, the rendered menu, login through the form."""

from __future__ import annotations

import shutil
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--no-first-run", "--disable-sync"]


@pytest.fixture(scope="module")
def browser(chromium):
    """The session's one Chromium (tests/e2e/conftest.py): a second Playwright in the same process is refused."""
    return chromium


def _open(browser, url: str):
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    page.goto(url)
    page.wait_for_selector("h1", timeout=30_000)
    return page


def _sidebar(page) -> str:
    return page.locator('[data-testid="stSidebar"]').inner_text()


def test_health_endpoint(live_server) -> None:
    with urllib.request.urlopen(f"{live_server}/health") as r:
        assert r.status == 200 and b'"ok"' in r.read()


def test_public_menu_shows_only_public_pages(browser, live_server) -> None:
    page = _open(browser, live_server)
    assert page.locator("h1").first.inner_text() == "执法公示台"
    menu = _sidebar(page)
    assert "执法决定公示" in menu and "登录" in menu
    for internal in ("案件", "法制审核队列", "执法监督概览", "用户管理", "审计日志"):
        assert internal not in menu.split("\n")


def test_guessed_internal_url_asks_to_log_in_and_shows_nothing_of_the_page(browser, live_server) -> None:
    page = _open(browser, f"{live_server}/users")
    assert page.locator("h1").first.inner_text() == "请登录后查看"
    page.get_by_role("link", name="前往登录").wait_for(timeout=30_000)
    assert "用户管理" not in page.locator('[data-testid="stMain"]').inner_text()


def test_decisions_permalink_in_browser(browser, live_server) -> None:
    page = _open(browser, f"{live_server}/decisions?year=2025")
    page.wait_for_selector("text=2025年", timeout=30_000)
    assert "2025年" in page.locator('[data-testid="stMarkdownContainer"] strong').first.inner_text()


def test_supervisor_logs_in_and_opens_supervision(browser, live_server, tmp_path) -> None:
    """Found: F5 on a staff page logged the user out, and staff permalinks could not be opened in a new tab. The
    login is now an HTTP form setting a session cookie: reload and a new tab stay signed in; logout ends it."""
    from domain.accounts import DEMO_PASSWORD

    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    page.goto(f"{live_server}/decisions")
    page.wait_for_selector("h1", timeout=30_000)
    link = page.locator('[data-testid="stSidebar"] a', has_text="工作人员登录")
    link.wait_for(timeout=30_000)
    assert link.get_attribute("href").endswith("/auth/login?next=/decisions")
    page.goto(f"{live_server}/auth/login?next=/supervision")  # as after a staff permalink's 请登录 link
    page.get_by_label("用户名").fill("supervisor")
    page.get_by_label("密码").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_selector("text=退出登录", timeout=30_000)
    page.wait_for_selector("text=按时公示率", timeout=30_000)  # back on the requested staff page
    assert "当前用户：区司法局执法监督员" in _sidebar(page)
    page.screenshot(path=str(tmp_path / "supervision.png"), full_page=True)
    assert (tmp_path / "supervision.png").stat().st_size > 10_000

    page.reload()  # F5
    page.wait_for_selector("text=按时公示率", timeout=30_000)
    assert "当前用户：区司法局执法监督员" in _sidebar(page)

    other = context.new_page()  # a staff permalink in a new tab
    other.goto(f"{live_server}/completeness")
    other.wait_for_selector("h1", timeout=30_000)
    other.wait_for_selector("text=退出登录", timeout=30_000)
    assert other.locator("h1").first.inner_text().startswith("案卷完整性")

    other.get_by_text("退出登录").first.click()
    other.wait_for_selector("text=公众访问", timeout=30_000)
    page.reload()  # the first tab's cookie no longer opens anything
    page.wait_for_selector("h1", timeout=30_000)
    page.wait_for_selector("text=公众访问", timeout=30_000)
    assert "按时公示率" not in page.content()
    context.close()


def test_wrong_password_in_the_browser_form_is_a_calm_401(browser, live_server) -> None:
    page = browser.new_page()
    response = page.goto(f"{live_server}/auth/login?next=/supervision")
    assert response.status == 200
    page.get_by_label("用户名").fill("supervisor")
    page.get_by_label("密码").fill("not-the-password-123")
    with page.expect_response(lambda r: r.url.endswith("/auth/login") and r.request.method == "POST") as info:
        page.get_by_role("button", name="登录").click()
    assert info.value.status == 401
    assert "用户名或密码错误" in page.content()
    page.close()
