"""Driving the Streamlit UI in Debian's Chromium: open a page, wait for a run to finish, choose in a select box,
type into a text box, log in. Shared by the browser journeys so a change of Streamlit's markup is fixed once."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--no-first-run", "--disable-sync"]
DESKTOP = {"width": 1440, "height": 1000}
MOBILE = {"width": 390, "height": 844}
IDLE = """() => { const app = document.querySelector('[data-testid="stApp"]');
  return app && app.getAttribute('data-test-script-state') === 'notRunning'
      && document.querySelectorAll('[data-stale="true"]').length === 0
      && document.querySelectorAll('[data-testid^="stSkeleton"], [data-testid="stAppSkeleton"]').length === 0; }"""


def launch(playwright):
    if not Path(CHROMIUM).exists():
        if os.environ.get("REQUIRE_E2E") == "1":
            pytest.fail("Chromium is required (REQUIRE_E2E=1): apt-get install chromium fonts-noto-cjk")
        pytest.skip("browser journeys skipped: Debian's chromium is not installed")
    return playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)


def settle(page, timeout: int = 30_000) -> None:
    """Wait until the app's current run has finished, nothing on screen is stale and every widget has been drawn
    (a widget's code loads on first use and shows a grey placeholder until then)."""
    page.wait_for_timeout(250)  # a rerun starts a moment after the input that caused it
    page.wait_for_function(IDLE, timeout=timeout)


def open_url(page, url: str) -> None:
    page.goto(url)
    page.wait_for_selector('[data-testid="stMain"] h1', timeout=30_000)
    settle(page)


def choose(page, label: str, option: str) -> None:
    """Pick ``option`` in the select box labelled ``label``."""
    page.get_by_role("combobox", name=label, exact=True).click()
    page.get_by_role("option", name=option, exact=True).click()
    settle(page)


def type_text(page, label: str, text: str) -> None:
    """Replace the text box's content and confirm with Enter."""
    box = page.get_by_label(label, exact=True)
    box.fill(text)
    box.press("Enter")
    settle(page)


def selected(page, label: str) -> str:
    return page.get_by_role("combobox", name=label, exact=True).input_value()


def log_in(page, base: str, username: str) -> None:
    """Log in through the HTTP login form (/auth/login); the session cookie then holds for reloads and new tabs."""
    from domain.accounts import DEMO_PASSWORD

    page.goto(f"{base}/auth/login?next=/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_selector("text=退出登录", timeout=30_000)
    settle(page)


def go_in_app(page, path: str) -> None:
    """Open ``path`` (e.g. "/case?id=3") inside the running app, keeping the session: Streamlit follows the
    browser's history, so a pushed URL plus a popstate event is an in-app navigation, not a new page load."""
    page.evaluate("p => { window.history.pushState({}, '', p); window.dispatchEvent(new PopStateEvent('popstate')); }",
                  path)
    page.wait_for_selector('[data-testid="stMain"] h1', timeout=30_000)
    settle(page)
