from __future__ import annotations

import os
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session
from streamlit.testing.v1 import AppTest

from components.auth import APPTEST_COOKIE_KEY
from db import models as m
from db.accounts import secret_key, start_session
from db.engine import make_engine
from domain.accounts import sign
from domain.enums import Role

ROOT = Path(__file__).resolve().parents[2]
APP = str(ROOT / "app.py")


def signed_in_as(role: Role, agency_id: int | None = None, officer_id: int | None = None) -> tuple[str, int]:
    """A real account with this role, agency and officer in the app's database (made once, with an unusable
    password), and a fresh session for it: returns (signed cookie value, user id). The cookie goes through the same
    resolution as a browser's (components.auth), so page tests exercise the real session path."""
    engine = make_engine(os.environ["DATABASE_URL"])
    username = f"t_{role.name.lower()}_{agency_id or 0}_{officer_id or 0}"
    try:
        with Session(engine) as session:
            user = session.scalar(select(m.User).where(m.User.username == username))
            if user is None:
                user = m.User(username=username, display_name="测试用户", role=role, password_hash="!",
                              agency_id=agency_id, officer_id=officer_id, created_by="tests")
                session.add(user)
                session.commit()
            user_id = user.id
        return sign(start_session(engine, user_id), secret_key()), user_id
    finally:
        engine.dispose()


def make_app(role: Role | None = None, agency_code: str | None = None, *, officer_id: int | None = None,
             **params: str) -> AppTest:
    """An AppTest of the entrypoint, signed in as ``role`` (a session of a real account, see ``signed_in_as``), with
    query params set before the first run."""
    at = AppTest.from_file(APP, default_timeout=30)
    if role is not None and role is not Role.PUBLIC:
        agency_id = None
        if agency_code:
            engine = make_engine(os.environ["DATABASE_URL"])
            with engine.connect() as conn:
                agency_id = conn.execute(select(m.Agency.id).where(m.Agency.code == agency_code)).scalar_one()
            engine.dispose()
        at.session_state[APPTEST_COOKIE_KEY] = signed_in_as(role, agency_id, officer_id)[0]
    for key, value in params.items():
        at.query_params[key] = value
    return at.run()


def query(stmt) -> list:
    """Rows from the database the app under test uses (to pick ids and compute expectations)."""
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
