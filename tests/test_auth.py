"""Accounts over HTTP (auth_routes.py) and the sessions behind them (db/accounts.py): login sets a signed HttpOnly
cookie that resolves to the user as stored now; logout, idleness, age, deactivation and role changes end or change
it; five failures lock the account (the right password then gets 429); a client is throttled; every attempt is
audited; an unknown username costs a password verification like a known one."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from argon2 import PasswordHasher
from sqlalchemy import Engine, select
from starlette.applications import Starlette

import auth_routes
from db import models as m
from db import passwords
from db.accounts import (
    LoginStatus,
    end_session,
    login,
    resolve_session,
    secret_key,
    set_password,
    set_role,
    start_session,
)
from db.commands import create_user, set_user_active
from domain.accounts import (
    ABSOLUTE_TIMEOUT,
    IDLE_TIMEOUT,
    LOCKOUT,
    SESSION_COOKIE,
    ClientThrottle,
    sign,
    unsign,
)
from domain.enums import Role
from tests.asgi import get, post_form

PASSWORD = "correct-horse-battery"


@pytest.fixture
def db(sqlite_engine: Engine, monkeypatch) -> Engine:
    monkeypatch.setenv("DATABASE_URL", sqlite_engine.url.render_as_string(hide_password=False))
    monkeypatch.setattr(auth_routes, "_throttle", ClientThrottle())
    for name, role in (("sup", "执法监督人员"), ("boss", "管理员")):
        assert create_user(sqlite_engine, username=name, display_name=name, role=role, password=PASSWORD).ok
    return sqlite_engine


@pytest.fixture
def app(db: Engine) -> Starlette:
    return Starlette(routes=auth_routes.ROUTES)


def _audit(engine: Engine, action: str | None = None) -> list[m.AuditEntry]:
    with engine.connect() as conn:
        stmt = select(m.AuditEntry).order_by(m.AuditEntry.id)
        if action:
            stmt = stmt.where(m.AuditEntry.action == action)
        return list(conn.execute(stmt).all())


def _user_id(engine: Engine, username: str) -> int:
    with engine.connect() as conn:
        return conn.execute(select(m.User.id).where(m.User.username == username)).scalar_one()


# ------------------------------------------------------------------------------------------------- HTTP login


def test_login_form_is_chinese_with_a_csrf_field_and_cookie(app) -> None:
    response = get(app, "/auth/login", {"next": "/cases?id=3"})
    assert response.status_code == 200
    assert "工作人员登录" in response.text and 'name="csrf"' in response.text and 'name="username"' in response.text
    assert 'value="/cases?id=3"' in response.text
    csrf = response.cookie("zhifa_csrf")
    assert csrf and f'value="{csrf}"' in response.text


def test_right_password_answers_303_with_a_signed_httponly_lax_cookie(app, db) -> None:
    response = post_form(app, "/auth/login", {"username": "sup", "password": PASSWORD, "next": "/supervision"})
    assert response.status_code == 303 and response.headers["location"] == "/supervision"
    header = next(h for h in response.set_cookies if h.startswith(SESSION_COOKIE + "="))
    assert "httponly" in header.lower() and "samesite=lax" in header.lower() and "Path=/" in header
    token = unsign(response.cookie(SESSION_COOKIE), secret_key())
    actor = resolve_session(db, token)
    assert actor is not None and actor.username == "sup" and actor.role is Role.SUPERVISOR
    assert [e.actor for e in _audit(db, "login")] == ["sup"]


def test_a_forged_or_altered_cookie_resolves_to_nobody(app, db) -> None:
    response = post_form(app, "/auth/login", {"username": "sup", "password": PASSWORD})
    signed = response.cookie(SESSION_COOKIE)
    assert unsign(signed, secret_key())
    assert unsign(signed[:-2] + ("AA" if not signed.endswith("AA") else "BB"), secret_key()) is None
    assert unsign(sign("made-up-token", b"another key"), secret_key()) is None


@pytest.mark.parametrize("next_value", ["https://evil.example/", "//evil.example", "/\\evil", "javascript:alert(1)"])
def test_login_never_redirects_off_site(app, next_value: str) -> None:
    response = post_form(app, "/auth/login", {"username": "sup", "password": PASSWORD, "next": next_value})
    assert response.status_code == 303 and response.headers["location"] == "/"


@pytest.mark.parametrize("username", ["sup", "nobody"])
def test_wrong_password_and_unknown_user_get_the_same_generic_401(app, username: str) -> None:
    response = post_form(app, "/auth/login", {"username": username, "password": "wrong-password-123"})
    assert response.status_code == 401
    assert "用户名或密码错误，或账户已停用。" in response.text
    assert response.cookie(SESSION_COOKIE) is None


def test_login_without_the_csrf_pair_is_refused(app) -> None:
    response = post_form(app, "/auth/login", {"username": "sup", "password": PASSWORD}, csrf=False)
    assert response.status_code == 400 and response.cookie(SESSION_COOKIE) is None
    response = post_form(app, "/auth/login", {"username": "sup", "password": PASSWORD, "csrf": "other"})
    assert response.status_code == 400


def test_five_failures_lock_the_account_and_the_right_password_gets_429(app, db) -> None:
    """Found: 55 wrong passwords for admin in a minute, then the right one was accepted."""
    for attempt in range(1, 6):
        response = post_form(app, "/auth/login", {"username": "sup", "password": f"wrong-password-{attempt}"})
        assert response.status_code == (401 if attempt < 5 else 429), attempt
    response = post_form(app, "/auth/login", {"username": "sup", "password": PASSWORD})
    assert response.status_code == 429 and response.cookie(SESSION_COOKIE) is None
    assert "锁定" in response.text and int(response.headers["retry-after"]) > 0
    assert len(_audit(db, "login_failed")) == 5 and len(_audit(db, "login_locked")) == 1
    # another account is not affected
    assert post_form(app, "/auth/login", {"username": "boss", "password": PASSWORD}).status_code == 303


def test_an_unknown_username_locks_like_a_real_one(app, monkeypatch) -> None:
    """Otherwise a 429 after five tries would tell which usernames exist."""
    from db import accounts

    monkeypatch.setattr(accounts, "_unknown_failures", ClientThrottle(limit=5, window=LOCKOUT))
    answers = [post_form(app, "/auth/login", {"username": name, "password": f"wrong-password-{i}"}).status_code
               for name in ("sup", "ghost") for i in range(6)]
    assert answers[:6] == answers[6:] == [401, 401, 401, 401, 429, 429]


def test_the_lock_lifts_after_fifteen_minutes_and_success_resets_the_count(db) -> None:
    start = dt.datetime(2026, 11, 30, 2, 0, tzinfo=dt.UTC)
    for i in range(5):
        login(db, "sup", "wrong-password-x", now=start + dt.timedelta(seconds=i))
    assert login(db, "sup", PASSWORD, now=start + LOCKOUT - dt.timedelta(seconds=1)).status is LoginStatus.LOCKED
    assert login(db, "sup", PASSWORD, now=start + dt.timedelta(seconds=4) + LOCKOUT).status is LoginStatus.OK
    for _ in range(4):  # the count starts again from zero
        assert login(db, "sup", "wrong-password-x", now=start + LOCKOUT * 2).status is LoginStatus.INVALID


def test_one_client_is_throttled_across_usernames(app, db, monkeypatch) -> None:
    monkeypatch.setattr(auth_routes, "_throttle", ClientThrottle(limit=3))
    for name in ("a1", "a2", "a3"):
        assert post_form(app, "/auth/login", {"username": name, "password": "x" * 12}, client="10.0.0.9"
                         ).status_code == 401
    assert post_form(app, "/auth/login", {"username": "sup", "password": PASSWORD}, client="10.0.0.9"
                     ).status_code == 429
    throttled = _audit(db, "login_throttled")
    assert [(e.actor, json.loads(e.detail)["client"]) for e in throttled] == [("sup", "10.0.0.9")]
    assert post_form(app, "/auth/login", {"username": "sup", "password": PASSWORD}, client="10.0.0.10"
                     ).status_code == 303


class _CountingHasher(PasswordHasher):
    def __init__(self) -> None:
        super().__init__(time_cost=1, memory_cost=8, parallelism=1)
        self.verified = 0

    def verify(self, hash, password):
        self.verified += 1
        return super().verify(hash, password)


def test_an_unknown_username_costs_one_password_verification_like_a_known_one(db) -> None:
    """Found: unknown usernames answered in 3 ms, known ones in 900 ms (a username oracle). Both paths now verify
    exactly one argon2 hash (of the same cost), so they take the same time."""
    counting = _CountingHasher()
    previous = passwords.use_hasher(counting)
    try:
        create_user(db, username="timed", display_name="t", role="管理员", password=PASSWORD)
        for username in ("timed", "nobody-here", "x" * 60):
            counting.verified = 0
            assert login(db, username, "wrong-password-123").status is LoginStatus.INVALID
            assert counting.verified == 1, username
    finally:
        passwords.use_hasher(previous)


def test_every_attempt_is_audited_with_the_client(app, db) -> None:
    post_form(app, "/auth/login", {"username": "nobody", "password": "wrong-password-123"}, client="10.1.2.3")
    post_form(app, "/auth/login", {"username": "sup", "password": PASSWORD}, client="10.1.2.3")
    entries = _audit(db)
    failed = next(e for e in entries if e.action == "login_failed")
    ok = next(e for e in entries if e.action == "login")
    assert json.loads(failed.detail) == {"client": "10.1.2.3", "reason": "unknown_user"}
    assert json.loads(ok.detail)["client"] == "10.1.2.3"


# ------------------------------------------------------------------------------------------------- sessions


def test_logout_revokes_the_session_and_clears_the_cookie(app, db) -> None:
    signed = post_form(app, "/auth/login", {"username": "sup", "password": PASSWORD}).cookie(SESSION_COOKIE)
    token = unsign(signed, secret_key())
    assert "退出登录" in get(app, "/auth/logout").text
    response = post_form(app, "/auth/logout", {}, cookies={SESSION_COOKIE: signed})
    assert response.status_code == 303 and response.cookie(SESSION_COOKIE) == ""
    assert resolve_session(db, token) is None
    assert [e.actor for e in _audit(db, "logout")] == ["sup"]


def test_idle_and_absolute_timeouts(db) -> None:
    start = dt.datetime(2026, 11, 30, 1, 0, tzinfo=dt.UTC)
    token = start_session(db, _user_id(db, "sup"), now=start)
    assert resolve_session(db, token, now=start + IDLE_TIMEOUT - dt.timedelta(seconds=1)) is not None
    assert resolve_session(db, token, now=start + 2 * IDLE_TIMEOUT - dt.timedelta(seconds=2)) is not None  # touched
    assert resolve_session(db, token, now=start + 3 * IDLE_TIMEOUT) is None  # idle for more than 30 minutes

    kept_busy = start_session(db, _user_id(db, "sup"), now=start)
    moment = start
    while moment + dt.timedelta(minutes=20) < start + ABSOLUTE_TIMEOUT:
        moment += dt.timedelta(minutes=20)
        assert resolve_session(db, kept_busy, now=moment) is not None
    assert resolve_session(db, kept_busy, now=start + ABSOLUTE_TIMEOUT) is None  # 12 hours, however busy


def test_deactivation_ends_open_sessions(db) -> None:
    """Found: deactivating a user left their open session working."""
    uid = _user_id(db, "sup")
    token = start_session(db, uid)
    assert resolve_session(db, token) is not None
    assert set_user_active(db, uid, False, "boss").ok
    assert resolve_session(db, token) is None
    assert set_user_active(db, uid, True, "boss").ok
    assert resolve_session(db, token) is None  # enabling the account again does not revive the old session


def test_role_change_takes_effect_on_the_next_resolution(db) -> None:
    token = start_session(db, _user_id(db, "sup"))
    assert resolve_session(db, token).role is Role.SUPERVISOR
    assert set_role(db, "sup", "管理员", None, "boss").ok
    assert resolve_session(db, token).role is Role.ADMIN
    entry = _audit(db, "set_role")[-1]
    assert entry.actor == "boss" and json.loads(entry.detail)["before"]["role"] == "执法监督人员"


def test_password_change_ends_sessions_and_the_old_password(db) -> None:
    token = start_session(db, _user_id(db, "sup"))
    assert set_password(db, "sup", "a-new-longer-secret", "boss").ok
    assert resolve_session(db, token) is None
    assert login(db, "sup", PASSWORD).status is LoginStatus.INVALID
    assert login(db, "sup", "a-new-longer-secret").status is LoginStatus.OK
    assert _audit(db, "set_password")[-1].actor == "boss"


def test_end_session_twice_is_harmless(db) -> None:
    token = start_session(db, _user_id(db, "sup"))
    assert end_session(db, token) is True and end_session(db, token) is False and end_session(db, None) is False
