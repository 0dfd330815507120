"""Imported text is shown as text: the decision, agency, case and review pages show the Markdown/HTML probe
payloads exactly as typed. The probes go in through ``import agencies`` and ``import decisions`` (tests/probes.py).

AppTest sees the Markdown source each element sends to the browser: every probe must arrive escaped (it then renders
as the literal text — tests/domain/test_markup.py) and never raw. The browser test
(tests/e2e/test_markup_browser.py) checks the real rendering in Chromium.
"""

from __future__ import annotations

import pytest
from sqlalchemy import select
from streamlit.testing.v1 import AppTest

from db import models as m
from domain.enums import Role
from domain.formatting import today_shanghai
from domain.markup import escape_markdown
from tests.pages.conftest import make_app, no_errors
from tests.probes import MARKUP_PROBES, MARKUP_TEXT, import_markup_probes

TEXT_ELEMENTS = ("title", "header", "subheader", "markdown", "caption", "info", "warning", "error", "success")


@pytest.fixture
def probed(sqlite_engine, monkeypatch):
    import streamlit as st

    import_markup_probes(sqlite_engine, today=today_shanghai())
    monkeypatch.setenv("DATABASE_URL", sqlite_engine.url.render_as_string(hide_password=False))
    st.cache_data.clear()
    st.cache_resource.clear()
    with sqlite_engine.connect() as conn:
        ids = conn.execute(select(m.Decision.id, m.Decision.case_id, m.Case.agency_id)
                           .join(m.Case, m.Case.id == m.Decision.case_id)).one()
    yield ids
    st.cache_data.clear()
    st.cache_resource.clear()


def shown(at: AppTest) -> list[str]:
    """The Markdown source of every text element and link label on the page."""
    texts = [str(e.value) for kind in TEXT_ELEMENTS for e in getattr(at, kind)]
    return texts + [e.proto.label for e in at.get("page_link")]


def assert_literal(at: AppTest, at_least: int) -> None:
    no_errors(at)
    texts = shown(at)
    for probe in MARKUP_PROBES:
        raw = [t for t in texts if probe in t]
        assert not raw, f"{probe} reaches Markdown unescaped: {raw}"
    escaped = sum(t.count(escape_markdown(MARKUP_TEXT)) for t in texts)
    assert escaped >= at_least, texts


def test_decision_page(probed) -> None:
    decision_id, _, _ = probed
    at = make_app(id=str(decision_id))
    at.switch_page("pages/decision.py").run()
    assert_literal(at, 6)  # party, violation, facts, legal basis, conclusion, discretion statement


def test_agency_page(probed) -> None:
    _, _, agency_id = probed
    at = make_app(id=str(agency_id))
    at.switch_page("pages/agency.py").run()
    assert_literal(at, 5)  # address, contact, duties, legal basis, remedy channels


def test_case_page(probed) -> None:
    _, case_id, _ = probed
    at = make_app(Role.OFFICER, "QS-SCJG", id=str(case_id))
    at.switch_page("pages/case.py").run()
    assert_literal(at, 4)  # party, violation, facts, conclusion


def test_review_page(probed) -> None:
    _, case_id, _ = probed
    at = make_app(Role.REVIEWER, "QS-SCJG", case=str(case_id))
    at.switch_page("pages/review.py").run()
    assert_literal(at, 3)  # party, violation, facts
