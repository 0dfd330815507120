from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select
from streamlit.testing.v1 import AppTest

from db import models as m
from db.engine import make_engine
from domain.enums import Role
from domain.permissions import Actor

ROOT = Path(__file__).resolve().parents[2]
APP = str(ROOT / "app.py")


def make_app(role: Role | None = None, agency_code: str | None = None, *, officer_id: int | None = None,
             **params: str) -> AppTest:
    """An AppTest of the entrypoint, with the actor in session state and query params set before the first run."""
    at = AppTest.from_file(APP, default_timeout=30)
    if role is not None and role is not Role.PUBLIC:
        agency_id = None
        if agency_code:
            import os

            engine = make_engine(os.environ["DATABASE_URL"])
            with engine.connect() as conn:
                agency_id = conn.execute(select(m.Agency.id).where(m.Agency.code == agency_code)).scalar_one()
            engine.dispose()
        at.session_state["actor"] = Actor(username=f"t_{role.name.lower()}", display_name="测试用户", role=role,
                                          agency_id=agency_id, officer_id=officer_id)
    for key, value in params.items():
        at.query_params[key] = value
    return at.run()


def query(stmt) -> list:
    """Rows from the database the app under test uses (to pick ids and compute expectations)."""
    import os

    engine = make_engine(os.environ["DATABASE_URL"])
    with engine.connect() as conn:
        rows = conn.execute(stmt).all()
    engine.dispose()
    return rows


def no_errors(at: AppTest) -> None:
    assert not at.exception, [e.value for e in at.exception]


@pytest.fixture(autouse=True)
def _app_db(app_db):  # every page test runs against the shared seeded database with clean caches
    yield


@pytest.fixture
def writable_db(seeded_sqlite_copy, monkeypatch):
    """A small seeded database of this test's own, for pages that write (the shared one stays read-only)."""
    import streamlit as st

    engine = seeded_sqlite_copy(300, 8)  # this seed leaves review rounds pending (cases still in progress)
    monkeypatch.setenv("DATABASE_URL", engine.url.render_as_string(hide_password=False))
    st.cache_data.clear()
    st.cache_resource.clear()
    return engine
