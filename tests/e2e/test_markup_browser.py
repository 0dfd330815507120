"""Imported Markdown stays text in a real browser: the decision page, served by ``manage.py serve`` and
rendered by Debian's Chromium, with the probe payloads imported through ``import decisions`` — no request to the
probe's address, no link, no bold, colour, maths or HTML, and the payload readable exactly as typed."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import select

from db import models as m
from db.engine import make_engine
from db.migrate import upgrade_to_head
from domain.formatting import today_shanghai
from domain.markup import WORD_JOINER
from tests.e2e.conftest import serve
from tests.e2e.test_journeys import browser  # noqa: F401 - the shared Chromium fixture
from tests.probes import MARKUP_TEXT, import_markup_probes

PROBE_HOST = "127.0.0.1:9"


@pytest.fixture(scope="module")
def probe_server(tmp_path_factory) -> Iterator[tuple[str, int]]:
    """Its own server on a database holding only the probe decision: (base URL, decision id)."""
    folder = tmp_path_factory.mktemp("markup")
    url = f"sqlite:///{folder / 'probes.sqlite3'}"
    engine = make_engine(url)
    upgrade_to_head(engine)
    import_markup_probes(engine, today=today_shanghai())
    with engine.connect() as conn:
        decision_id = conn.execute(select(m.Decision.id)).scalar_one()
    engine.dispose()
    with serve(url, folder) as base:
        yield base, decision_id


def test_decision_page_shows_markdown_as_text(browser, probe_server) -> None:  # noqa: F811
    base, decision_id = probe_server
    page = browser.new_page(viewport={"width": 1400, "height": 1600})
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    page.goto(f"{base}/decision?id={decision_id}")
    page.wait_for_selector("text=违法行为与事实", timeout=30_000)
    main = page.locator('[data-testid="stMain"]')
    page.wait_for_timeout(1500)  # let any image or lazy maths plugin that would load do so

    text = main.inner_text().replace(WORD_JOINER, "")
    assert MARKUP_TEXT in text  # violation, legal basis, discretion statement: exactly as typed
    assert text.count(MARKUP_TEXT) >= 4
    assert not [u for u in requests if PROBE_HOST in u], requests
    links = main.locator(f'a[href*="{PROBE_HOST}"]')
    assert links.count() == 0, [(links.nth(i).get_attribute("href"), links.nth(i).inner_text())
                                for i in range(links.count())]
    assert main.locator(f'img[src*="{PROBE_HOST}"]').count() == 0
    assert main.locator("strong", has_text="粗体").count() == 0
    assert main.locator("b", has_text="html").count() == 0
    assert main.locator(".katex").count() == 0
    assert main.locator('[class*="Colored"]', has_text="红字").count() == 0
    page.close()
