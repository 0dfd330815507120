"""Every Streamlit run resolves the session cookie to the user as stored now: a deactivation or a role change
takes effect on the next click, and a signed-out visitor gets a login link. (AppTest renders the sidebar on the
first run only, so the sidebar's logout button is exercised in the browser journey, tests/e2e/test_journeys.py.)"""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from components.auth import APPTEST_COOKIE_KEY
from db.accounts import set_role
from db.commands import set_user_active
from domain.enums import Role
from tests.pages.conftest import APP, no_errors, signed_in_as


def _app(cookie: str) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=30)
    at.session_state[APPTEST_COOKIE_KEY] = cookie
    return at.run()


def _sidebar_text(at: AppTest) -> str:
    return " ".join(str(getattr(e, "value", "")) for e in at.sidebar.children.values())


def test_deactivation_signs_the_user_out_on_the_next_click(writable_db) -> None:
    cookie, user_id = signed_in_as(Role.SUPERVISOR)
    at = _app(cookie)
    assert "当前用户" in _sidebar_text(at)
    at.switch_page("pages/supervision.py").run()
    no_errors(at)
    assert [t.value for t in at.title] == ["执法监督概览"] and at.metric
    assert set_user_active(writable_db, user_id, False, "admin").ok
    at.run()  # the next click
    assert "执法监督概览" not in [t.value for t in at.title] and not at.metric


def test_role_change_applies_on_the_next_click(writable_db) -> None:
    cookie, user_id = signed_in_as(Role.SUPERVISOR)
    at = _app(cookie)
    with pytest.raises(ValueError):
        at.switch_page("pages/users.py")
    import os

    from sqlalchemy import select

    from db import models as m
    from db.engine import make_engine

    engine = make_engine(os.environ["DATABASE_URL"])
    with engine.connect() as conn:
        username = conn.execute(select(m.User.username).where(m.User.id == user_id)).scalar_one()
    engine.dispose()
    assert set_role(writable_db, username, "管理员", None, "admin").ok
    at.run()
    at.switch_page("pages/users.py").run()
    no_errors(at)
    assert any(t.value == "用户管理" for t in at.title)


def test_a_signed_out_visitor_gets_the_login_link() -> None:
    at = AppTest.from_file(APP, default_timeout=30).run()
    links = [b.proto.url for b in at.sidebar.get("link_button")]
    assert any(url.startswith("/auth/login") for url in links), links


def test_an_unsigned_or_forged_cookie_is_the_public() -> None:
    cookie, _ = signed_in_as(Role.ADMIN)
    for forged in (cookie.rsplit(".", 1)[0], cookie.rsplit(".", 1)[0] + ".AAAA", "garbage"):
        at = _app(forged)
        assert "公众访问" in _sidebar_text(at)
