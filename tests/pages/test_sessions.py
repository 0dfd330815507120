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


def test_admin_resets_a_password_and_changes_a_role(writable_db) -> None:
    """Found: no password change, reset or role change anywhere. Both are on the 用户管理 page now, audited."""
    from sqlalchemy import select

    from db import models as m
    from db.accounts import LoginStatus, login

    cookie, _ = signed_in_as(Role.ADMIN)
    at = _app(cookie)
    at.switch_page("pages/users.py").run()
    no_errors(at)
    with writable_db.connect() as conn:
        sup_id = conn.execute(select(m.User.id).where(m.User.username == "supervisor")).scalar_one()
    at.selectbox(key="password_target").set_value(sup_id)
    at.text_input[3].input("password1234")
    at.get("form_submit_button")[2].click().run()
    assert any("过于常见" in e.value for e in at.error)
    at.selectbox(key="password_target").set_value(sup_id)
    at.text_input[3].input("a-reset-by-the-admin")
    at.get("form_submit_button")[2].click().run()
    assert any("已重设" in s.value for s in at.success), [e.value for e in at.error]
    assert login(writable_db, "supervisor", "a-reset-by-the-admin").status is LoginStatus.OK

    at.selectbox(key="role_target").set_value(sup_id)
    at.selectbox(key="role_new").set_value(Role.ADMIN)
    at.get("form_submit_button")[3].click().run()
    assert any("下一次操作即生效" in s.value for s in at.success), [e.value for e in at.error]
    with writable_db.connect() as conn:
        assert conn.execute(select(m.User.role).where(m.User.id == sup_id)).scalar_one() is Role.ADMIN
        actions = conn.execute(select(m.AuditEntry.action).where(m.AuditEntry.entity_id == str(sup_id))).scalars()
        assert {"set_password", "set_role"} <= set(actions)
