"""Every page, for every role, in a real browser: no English words (outside a short allow-list) and no raw
"None"/"nan"/"NaT" in the visible text or in any placeholder, and a screenshot of each page at 1440 px and at 390 px
in a git-ignored folder (``screenshots/`` by default, ``SCREENSHOT_DIR`` to move it) for a person to look at.

The pages come from the registry (components/registry.py) filtered by each role exactly as app.py does, so a page
added later is crawled without touching this file; ``RECORD_PARAMS`` gives detail pages a record to show (a page
without an entry is visited bare, which must read well too)."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from sqlalchemy import select

from components.registry import PAGES, pages_for
from db import models as m
from db.engine import make_engine
from domain.enums import Role
from domain.permissions import PUBLIC_ACTOR, Actor
from tests.e2e.browser import DESKTOP, MOBILE, go_in_app, log_in, open_url, settle

ROOT = Path(__file__).resolve().parents[2]
SHOTS = Path(os.environ.get("SCREENSHOT_DIR", ROOT / "screenshots"))

# The sample accounts (README) by role; their agency decides what an officer's or reviewer's pages show.
ACCOUNTS = {Role.PUBLIC: None, Role.OFFICER: "officer_scjg", Role.REVIEWER: "reviewer_scjg",
            Role.SUPERVISOR: "supervisor", Role.ADMIN: "admin"}
AGENCY = "QS-SCJG"

# Words a Chinese user may see on purpose: formats, the open-data API path, units and identifiers' prefixes.
ALLOWED = {"CSV", "JSON", "API", "ID", "MB", "api", "v1", "decisions", "csv", "json", "Excel", "xlsx", "xls", "QS",
           "PDF", "UTF", "GB", "SHA", "id", "stats", "annual", "health"}
# Sample data that happen to be Latin letters: the demo usernames (README) shown to an administrator.
DATA_WORDS = {"admin", "supervisor"}
RAW = re.compile(r"(?<![A-Za-z])(None|nan|NaN|NaT|null|undefined|True|False)(?![A-Za-z])")
WORD = re.compile(r"(?<![A-Za-z0-9_.\-/@])[A-Za-z]{2,}(?![A-Za-z0-9_\-@])")

VISIBLE_TEXT = """() => {
  // Text a person can see: rendered text nodes (not hidden, not shrunk to nothing — Streamlit's English words that
  // CSS replaces with Chinese, see components/words.py), placeholders, and the cells of tables drawn on a canvas
  // (the grid's accessible table holds the same text). Material icons are drawn from ligature words ("search"):
  // glyphs, not text, so they are returned apart.
  const texts = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const el = node.parentElement;
    if (!el || !node.textContent.trim()) continue;
    if (el.closest('[data-testid="stIconMaterial"], [translate="no"], style, script')) continue;
    if (el.closest('[data-testid="stDataFrame"] table')) { texts.push(node.textContent); continue; }
    if (!el.checkVisibility({visibilityProperty: true, opacityProperty: true})) continue;
    if (parseFloat(getComputedStyle(el).fontSize) === 0) continue;
    texts.push(node.textContent);
  }
  document.querySelectorAll('[placeholder]').forEach(e => texts.push(e.getAttribute('placeholder')));
  const icons = new Set(Array.from(document.querySelectorAll('[data-testid="stIconMaterial"]')).map(e => e.textContent));
  return {texts, icons: Array.from(icons)};
}"""


def _record_params(database_url: str) -> dict[str, str]:
    """A record of the officer's agency for each detail page: url_path → query string."""
    engine = make_engine(database_url)
    with engine.connect() as conn:
        agency_id = conn.execute(select(m.Agency.id).where(m.Agency.code == AGENCY)).scalar_one()
        case_id = conn.execute(select(m.Decision.case_id).join(m.Case, m.Case.id == m.Decision.case_id)
                               .where(m.Case.agency_id == agency_id).order_by(m.Decision.id)).scalars().first()
        decision_id = conn.execute(select(m.PublicRecord.decision_id).order_by(m.PublicRecord.decision_id)
                                   ).scalars().first() if hasattr(m, "PublicRecord") else None
        review_case = conn.execute(select(m.LegalReview.case_id).join(m.Case, m.Case.id == m.LegalReview.case_id)
                                   .where(m.Case.agency_id == agency_id, m.LegalReview.outcome.is_(None))
                                   ).scalars().first()
    engine.dispose()
    params = {"agency": f"id={agency_id}", "case": f"id={case_id}", "review-case": f"case={review_case or case_id}"}
    if decision_id is not None:
        params["decision"] = f"id={decision_id}"
    return params


def _actor(role: Role) -> Actor:
    return PUBLIC_ACTOR if role is Role.PUBLIC else Actor(username="crawl", display_name="crawl", role=role,
                                                          agency_id=1)


def _problems(found: dict) -> list[str]:
    icons = set(found["icons"])
    problems = []
    for text in found["texts"]:
        for raw in RAW.findall(text or ""):
            problems.append(f"raw value {raw!r}")
        for word in WORD.findall(text or ""):
            if word not in ALLOWED and word not in DATA_WORDS and word not in icons:
                problems.append(f"English {word!r} in {text[:60]!r}")
    return sorted(set(problems))


def _shoot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}-1440.png"))
    page.set_viewport_size(MOBILE)
    page.wait_for_timeout(400)
    page.screenshot(path=str(SHOTS / f"{name}-390.png"))
    page.set_viewport_size(DESKTOP)


@pytest.fixture(scope="module")
def record_params(seeded_sqlite) -> dict[str, str]:
    return _record_params(seeded_sqlite[0])


@pytest.mark.parametrize("role", list(ACCOUNTS), ids=lambda r: r.name.lower())
def test_every_page_reads_in_chinese_for_every_role(chromium, live_server, record_params, role) -> None:
    context = chromium.new_context(viewport=DESKTOP)
    page = context.new_page()
    try:
        if ACCOUNTS[role]:
            log_in(page, live_server, ACCOUNTS[role])
        else:
            open_url(page, live_server)
        report: dict[str, list[str]] = {}
        for spec in pages_for(_actor(role)):
            query = record_params.get(spec.url_path, "")
            go_in_app(page, f"/{spec.url_path}" + (f"?{query}" if query else ""))
            page.wait_for_timeout(300)  # charts and grids draw after the run ends
            settle(page)
            problems = _problems(page.evaluate(VISIBLE_TEXT))
            if problems:
                report[spec.url_path] = problems
            _shoot(page, f"{role.name.lower()}-{spec.url_path}")
        assert not report, report
    finally:
        context.close()


def test_registry_pages_are_all_crawled_by_some_role() -> None:
    crawled = {spec.path for role in ACCOUNTS for spec in pages_for(_actor(role))}
    assert crawled == {spec.path for spec in PAGES}
