"""Logins, sessions and account changes. Every attempt and every change writes an audit entry.

A login verifies the password against the user's argon2 hash, or against a dummy hash when no such user exists, so
an unknown username costs the same time as a known one. Consecutive failures lock the account (domain.accounts);
while locked even the right password is refused. A successful login opens a session row; the browser holds only a
signed random token (auth_routes.py), and each Streamlit run resolves it back to the user as stored right now.
"""

from __future__ import annotations

import datetime as dt
import enum
import hashlib
import os
import secrets
import threading
from dataclasses import dataclass
from functools import lru_cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import Engine, select, update

from db import models as m
from db import passwords
from db.commands import CommandResult, record_audit
from db.engine import PROJECT_ROOT, session_scope
from domain.accounts import (
    LOCKOUT,
    MAX_FAILURES,
    MAX_PASSWORD_LENGTH,
    ClientThrottle,
    SessionTimes,
    locked_until_after_failure,
    password_problems,
    session_end_reason,
)
from domain.enums import Role
from domain.params import has_bad_characters, quote_input
from domain.permissions import Actor

SECRET_KEY_FILE = PROJECT_ROOT / "data" / "session_secret"
TOUCH_EVERY = dt.timedelta(seconds=60)  # last_seen_at is written at most this often per session


class LoginStatus(enum.Enum):
    OK = "ok"
    INVALID = "invalid"  # unknown user, wrong password or deactivated account: one answer for all three
    LOCKED = "locked"


@dataclass(frozen=True)
class LoginResult:
    status: LoginStatus
    actor: Actor | None = None
    locked_until: dt.datetime | None = None


_key_lock = threading.Lock()
# Failures for names that have no account, so that they lock exactly like real accounts do (otherwise a 429 after
# five tries would tell which usernames exist). Kept per process, like the client throttle.
_unknown_failures = ClientThrottle(limit=MAX_FAILURES, window=LOCKOUT)
_unknown_lock = threading.Lock()


def secret_key() -> bytes:
    """The key that signs session cookies: ZHIFA_SECRET_KEY, else a random key kept in data/session_secret (created
    on first use, readable by its owner only), so sessions survive restarts without configuration."""
    configured = os.environ.get("ZHIFA_SECRET_KEY", "").strip()
    if configured:
        return configured.encode("utf-8")
    with _key_lock:
        if not SECRET_KEY_FILE.exists():
            SECRET_KEY_FILE.parent.mkdir(parents=True, exist_ok=True)
            fd = os.open(SECRET_KEY_FILE, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "w") as f:
                f.write(secrets.token_hex(32))
        return SECRET_KEY_FILE.read_text().strip().encode("ascii")


@lru_cache(maxsize=4)
def _dummy_hash(hasher: PasswordHasher) -> str:
    return hasher.hash(secrets.token_urlsafe(16))


def _unknown_key(engine: Engine, username: str) -> str:
    return f"{engine.url.render_as_string(hide_password=True)}|{username}"


def _verify(hasher: PasswordHasher, stored: str, password: str) -> bool:
    try:
        return hasher.verify(stored, password)
    except (VerificationError, InvalidHashError):
        return False


def _actor(user: m.User) -> Actor:
    return Actor(username=user.username, display_name=user.display_name, role=user.role, agency_id=user.agency_id,
                 user_id=user.id, officer_id=user.officer_id)


def login(engine: Engine, username: str, password: str, client: str = "", now: dt.datetime | None = None,
          ) -> LoginResult:
    """Check a username and password. Audited as login, login_failed or login_locked, with the client address."""
    now = now or dt.datetime.now(dt.UTC)
    hasher = passwords.hasher()
    detail = {"client": client[:64]}
    if (not username or len(username) > 50 or has_bad_characters(username)
            or len(password) > MAX_PASSWORD_LENGTH or has_bad_characters(password)):
        _verify(hasher, _dummy_hash(hasher), "x" * min(len(password), MAX_PASSWORD_LENGTH))  # same cost as a real try
        with session_scope(engine) as session:
            record_audit(session, quote_input(username, 49) or "?", "login_failed", "users", None,
                         {**detail, "reason": "malformed"})
        return LoginResult(LoginStatus.INVALID)
    with session_scope(engine) as session:
        user = session.scalar(select(m.User).where(m.User.username == username))
        if user is not None and user.locked_until is not None and user.locked_until > now:
            record_audit(session, username, "login_locked", "users", user.id, detail)
            return LoginResult(LoginStatus.LOCKED, locked_until=user.locked_until)
        if user is None:
            with _unknown_lock:
                unknown_locked = _unknown_failures.blocked(_unknown_key(engine, username), now)
            if unknown_locked:
                record_audit(session, username, "login_locked", "users", None, detail)
                return LoginResult(LoginStatus.LOCKED, locked_until=now + LOCKOUT)
        verified = _verify(hasher, user.password_hash if user is not None else _dummy_hash(hasher), password)
        if user is None or not verified or not user.is_active:
            reason = "unknown_user" if user is None else "inactive" if verified else "wrong_password"
            if user is not None and not verified:
                user.failed_logins = (user.failed_logins or 0) + 1
                user.locked_until = locked_until_after_failure(user.failed_logins, now)
            record_audit(session, username, "login_failed", "users", user.id if user else None,
                         {**detail, "reason": reason})
            if user is None:
                with _unknown_lock:
                    _unknown_failures.failed(_unknown_key(engine, username), now)
                    if _unknown_failures.blocked(_unknown_key(engine, username), now):
                        return LoginResult(LoginStatus.LOCKED, locked_until=now + LOCKOUT)
            if user is not None and user.locked_until is not None:
                return LoginResult(LoginStatus.LOCKED, locked_until=user.locked_until)
            return LoginResult(LoginStatus.INVALID)
        user.failed_logins, user.locked_until, user.last_login_at = 0, None, now
        if hasher.check_needs_rehash(user.password_hash):
            user.password_hash = hasher.hash(password)
        record_audit(session, username, "login", "users", user.id, detail)
        return LoginResult(LoginStatus.OK, _actor(user))


def record_throttled(engine: Engine, username: str, client: str) -> None:
    """Audit a login attempt refused before any password check because its client is throttled."""
    with session_scope(engine) as session:
        record_audit(session, quote_input(username, 49) or "?", "login_throttled", "users", None,
                     {"client": client[:64]})


def _token_digest(token: str) -> str:
    return hashlib.sha256(token.encode("ascii")).hexdigest()


def start_session(engine: Engine, user_id: int, client: str = "", now: dt.datetime | None = None) -> str:
    """A new session for ``user_id``; returns the token the browser keeps (only its hash is stored)."""
    now = now or dt.datetime.now(dt.UTC)
    token = secrets.token_urlsafe(32)
    with session_scope(engine) as session:
        session.add(m.UserSession(token_sha256=_token_digest(token), user_id=user_id, created_at=now,
                                  last_seen_at=now, client=client[:64]))
    return token


def resolve_session(engine: Engine, token: str | None, now: dt.datetime | None = None) -> Actor | None:
    """The user behind a session token as stored now (active flag, role, agency), or None when the token is
    unknown, the session ended (logout, idle, age) or the account is deactivated."""
    if not token or len(token) > 100 or not token.isascii():
        return None
    now = now or dt.datetime.now(dt.UTC)
    s, u = m.UserSession, m.User
    with engine.connect() as conn:
        row = conn.execute(select(s.id, s.created_at, s.last_seen_at, s.revoked_at, u.id.label("user_id"), u.username,
                                  u.display_name, u.role, u.agency_id, u.officer_id, u.is_active)
                           .join(u, u.id == s.user_id).where(s.token_sha256 == _token_digest(token))).one_or_none()
        if row is None or not row.is_active:
            return None
        if session_end_reason(SessionTimes(row.created_at, row.last_seen_at, row.revoked_at), now) is not None:
            return None
        if now - row.last_seen_at >= TOUCH_EVERY:
            conn.execute(update(s).where(s.id == row.id).values(last_seen_at=now))
            conn.commit()
    return Actor(username=row.username, display_name=row.display_name, role=row.role, agency_id=row.agency_id,
                 user_id=row.user_id, officer_id=row.officer_id)


def end_session(engine: Engine, token: str | None, client: str = "") -> bool:
    """Log out: the session row is revoked (so the cookie is dead even if the browser keeps it) and audited."""
    if not token or len(token) > 100 or not token.isascii():
        return False
    now = dt.datetime.now(dt.UTC)
    with session_scope(engine) as session:
        row = session.scalar(select(m.UserSession).where(m.UserSession.token_sha256 == _token_digest(token)))
        if row is None or row.revoked_at is not None:
            return False
        row.revoked_at = now
        user = session.get(m.User, row.user_id)
        record_audit(session, user.username if user else "?", "logout", "users", row.user_id, {"client": client[:64]})
    return True


def _revoke_all(session, user_id: int, now: dt.datetime) -> None:
    session.execute(update(m.UserSession).where(m.UserSession.user_id == user_id, m.UserSession.revoked_at.is_(None))
                    .values(revoked_at=now))


def set_password(engine: Engine, username: str, password: str, actor: str) -> CommandResult:
    """Set a new password under the policy; ends the user's open sessions and lifts a lock. Audited."""
    now = dt.datetime.now(dt.UTC)
    with session_scope(engine) as session:
        user = session.scalar(select(m.User).where(m.User.username == username))
        if user is None:
            return CommandResult(False, (f"用户不存在：{quote_input(username)}",))
        problems = (["密码含有不可见的控制字符"] if has_bad_characters(password) else []) + \
            password_problems(username, password)
        if problems:
            return CommandResult(False, tuple(problems))
        user.password_hash = passwords.hasher().hash(password)
        user.password_changed_at, user.failed_logins, user.locked_until, user.updated_by = now, 0, None, actor
        _revoke_all(session, user.id, now)
        record_audit(session, actor, "set_password", "users", user.id, {"username": username})
        return CommandResult(True, id=user.id)


def set_role(engine: Engine, username: str, role: str, agency_id: int | None, actor: str) -> CommandResult:
    """Change a user's role (and agency); takes effect on the user's next click. Audited with the before state."""
    from domain.permissions import AGENCY_SCOPED_ROLES

    with session_scope(engine) as session:
        user = session.scalar(select(m.User).where(m.User.username == username))
        if user is None:
            return CommandResult(False, (f"用户不存在：{quote_input(username)}",))
        try:
            new_role = Role(role)
        except ValueError:
            return CommandResult(False, (f"未知角色：{quote_input(role)}",))
        if new_role is Role.PUBLIC:
            return CommandResult(False, ("公众无需账户",))
        if new_role in AGENCY_SCOPED_ROLES and agency_id is None:
            return CommandResult(False, (f"{new_role.value}必须属于一个执法主体",))
        if agency_id is not None and session.get(m.Agency, agency_id) is None:
            return CommandResult(False, (f"执法主体不存在：{agency_id}",))
        before = {"role": user.role.value, "agency_id": user.agency_id}
        user.role, user.agency_id, user.updated_by = new_role, agency_id, actor
        record_audit(session, actor, "set_role", "users", user.id,
                     {"username": username, "role": new_role.value, "agency_id": agency_id, "before": before})
        return CommandResult(True, id=user.id)


def authenticate(engine: Engine, username: str, password: str, client: str = "") -> Actor | None:
    """``login`` reduced to the actor on success (None otherwise), for callers that need no lockout detail."""
    result = login(engine, username, password, client)
    return result.actor if result.status is LoginStatus.OK else None


@lru_cache(maxsize=256)
def _accepts_demo_password(stored: str) -> bool:
    """Whether a stored hash accepts the published demo password. A hash (with its salt) answers the same forever,
    so it is verified once per process: the demo banner asks on every page run, and verifying the six sample
    accounts cost 1.6–2.1 s of each cold run. A changed password is a new hash and is verified again."""
    from domain.accounts import DEMO_PASSWORD

    return _verify(passwords.hasher(), stored, DEMO_PASSWORD)


def demo_accounts_open(engine: Engine) -> list[str]:
    """The sample staff accounts that are active and still accept the published demo password."""
    from domain.accounts import DEMO_USERNAMES

    with engine.connect() as conn:
        rows = conn.execute(select(m.User.username, m.User.password_hash)
                            .where(m.User.username.in_(DEMO_USERNAMES), m.User.is_active.is_(True))).all()
    return [r.username for r in rows if _accepts_demo_password(r.password_hash)]
