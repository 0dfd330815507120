"""Account rules, free of any framework: usernames, the password policy, lockout, session lifetimes and the
post-login redirect target. The database layer (db/accounts.py) and the HTTP routes (auth_routes.py) apply them.

Anchored on GB/T 22239-2019 level 3, 身份鉴别: passwords hard to guess, limited failed attempts, idle sessions end.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import re
import urllib.parse
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

USERNAME_PATTERN = re.compile(r"^[a-z0-9_.-]{3,32}$")
MIN_PASSWORD_LENGTH = 12
MAX_PASSWORD_LENGTH = 200  # not stored (only its hash is), but hashing an unbounded text is work an attacker chooses

MAX_FAILURES = 5  # consecutive failed logins of one account before it locks
LOCKOUT = dt.timedelta(minutes=15)
IDLE_TIMEOUT = dt.timedelta(minutes=30)
ABSOLUTE_TIMEOUT = dt.timedelta(hours=12)
# Per client address: more failures than this within the window answer 429 whatever the username, so one client
# cannot walk through many accounts at MAX_FAILURES - 1 each.
CLIENT_MAX_FAILURES = 20
CLIENT_WINDOW = dt.timedelta(minutes=15)

COMMON_PASSWORDS_FILE = Path(__file__).resolve().parent / "common_passwords.txt"


def username_problem(username: str) -> str | None:
    if USERNAME_PATTERN.fullmatch(username):
        return None
    return "用户名应为 3–32 个字符，只能使用小写英文字母、数字、下划线、点或连字符"


@lru_cache(maxsize=1)
def common_passwords() -> frozenset[str]:
    """The bundled list (lower case), one password a line; lines starting with # are comments."""
    lines = COMMON_PASSWORDS_FILE.read_text(encoding="utf-8").splitlines()
    return frozenset(line.strip().lower() for line in lines if line.strip() and not line.startswith("#"))


def password_problems(username: str, password: str) -> list[str]:
    """Every reason ``password`` may not be set for ``username`` (empty when it is acceptable)."""
    problems: list[str] = []
    if len(password) < MIN_PASSWORD_LENGTH:
        problems.append(f"密码至少 {MIN_PASSWORD_LENGTH} 位")
    if len(password) > MAX_PASSWORD_LENGTH:
        problems.append(f"密码不能超过 {MAX_PASSWORD_LENGTH} 个字符")
    lowered = password.lower()
    if lowered in common_passwords() or len(set(lowered)) <= 2:
        problems.append("密码过于常见，请换一个不易猜到的密码")
    if username and username.lower() in lowered:
        problems.append("密码不能包含用户名")
    return problems


@dataclass(frozen=True)
class SessionTimes:
    created_at: dt.datetime
    last_seen_at: dt.datetime
    revoked_at: dt.datetime | None = None


def session_end_reason(times: SessionTimes, now: dt.datetime) -> str | None:
    """Why a session is no longer valid at ``now`` (None while it is): 已退出, 闲置超时 or 超过最长时限."""
    if times.revoked_at is not None:
        return "已退出"
    if now - times.created_at >= ABSOLUTE_TIMEOUT:
        return "超过最长时限"
    if now - times.last_seen_at >= IDLE_TIMEOUT:
        return "闲置超时"
    return None


def locked_until_after_failure(failures: int, now: dt.datetime) -> dt.datetime | None:
    """The lock a failed attempt sets: after the MAX_FAILURES-th consecutive failure, LOCKOUT from now."""
    return now + LOCKOUT if failures >= MAX_FAILURES else None


def safe_next(target: str | None) -> str:
    """Where to send the browser after login: a path on this site only (no scheme, host, ``//`` or backslash), else
    the home page. An open redirect would let a phishing link log a user in and hand them to another site."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/"
    if any(ord(ch) < 0x20 or ch == "\x7f" for ch in target) or len(target) > 2000:
        return "/"
    return target


def sign(value: str, key: bytes) -> str:
    """``value.signature``: HMAC-SHA256 of ``value`` under ``key``, URL-safe base64 without padding."""
    mac = hmac.new(key, value.encode("ascii"), hashlib.sha256).digest()
    return f"{value}.{base64.urlsafe_b64encode(mac).rstrip(b'=').decode('ascii')}"


def unsign(signed: str | None, key: bytes) -> str | None:
    """The value of a ``sign`` result when its signature is right, else None (compared in constant time)."""
    if not signed or "." not in signed or len(signed) > 200 or not signed.isascii():
        return None
    value = signed.rsplit(".", 1)[0]
    return value if hmac.compare_digest(sign(value, key), signed) else None


class ClientThrottle:
    """Failed logins per client address within CLIENT_WINDOW, kept in memory by the serving process. Not
    thread-safe on its own: the caller holds a lock."""

    def __init__(self, limit: int = CLIENT_MAX_FAILURES, window: dt.timedelta = CLIENT_WINDOW) -> None:
        self.limit, self.window = limit, window
        self._failures: dict[str, list[dt.datetime]] = {}

    def _recent(self, client: str, now: dt.datetime) -> list[dt.datetime]:
        kept = [t for t in self._failures.get(client, []) if now - t < self.window]
        if kept:
            self._failures[client] = kept
        else:
            self._failures.pop(client, None)
        return kept

    def blocked(self, client: str, now: dt.datetime) -> bool:
        return len(self._recent(client, now)) >= self.limit

    def failed(self, client: str, now: dt.datetime) -> None:
        self._failures.setdefault(client, []).append(now)
        if len(self._failures) > 10_000:  # forget idle clients rather than grow without bound
            for key in [k for k in self._failures if not self._recent(k, now)]:
                self._failures.pop(key, None)


SESSION_COOKIE = "zhifa_session"
CSRF_COOKIE = "zhifa_csrf"
LOGIN_PATH = "/auth/login"
LOGOUT_PATH = "/auth/logout"

# The sample database's staff accounts and their published password (README). While any of them still accepts it,
# every page shows a warning and ``manage.py serve`` refuses to listen beyond this machine.
DEMO_PASSWORD = "Qingshan-Demo-2026"
DEMO_USERNAMES = ("officer_scjg", "officer_sthj", "reviewer_scjg", "reviewer_sthj", "supervisor", "admin")


def login_url(next_path: str | None = None) -> str:
    """``/auth/login?next=…`` for returning to ``next_path`` (a local path) after login."""
    target = safe_next(next_path)
    return LOGIN_PATH if target == "/" else f"{LOGIN_PATH}?next={urllib.parse.quote(target, safe='/')}"
