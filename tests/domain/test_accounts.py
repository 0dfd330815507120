"""Account rules as pure functions: usernames, the password policy, session lifetimes, lockout, the redirect
target, cookie signing, the client throttle, and the Merkle root the anchors publish."""

from __future__ import annotations

import datetime as dt

import pytest

from domain.accounts import (
    ABSOLUTE_TIMEOUT,
    IDLE_TIMEOUT,
    LOCKOUT,
    MAX_FAILURES,
    ClientThrottle,
    SessionTimes,
    common_passwords,
    locked_until_after_failure,
    login_url,
    password_problems,
    safe_next,
    session_end_reason,
    sign,
    unsign,
    username_problem,
)
from domain.chain import GENESIS, merkle_leaf, merkle_root

T0 = dt.datetime(2026, 11, 30, 1, 0, tzinfo=dt.UTC)


@pytest.mark.parametrize(("username", "ok"), [
    ("admin", True), ("zhang.san-2", True), ("a_b", True), ("x" * 32, True),
    ("ab", False), ("x" * 33, False), ("Admin", False), ("аdmin", False), ("张三", False), ("a b", False),
    ("a@b", False), ("", False),
])
def test_usernames(username: str, ok: bool) -> None:
    assert (username_problem(username) is None) is ok


@pytest.mark.parametrize(("username", "password", "expected"), [
    ("zhao", "plum blossom in winter", []),
    ("zhao", "short-pass", ["密码至少 12 位"]),
    ("zhao", "Password1234", ["密码过于常见，请换一个不易猜到的密码"]),
    ("zhao", "qingshan-demo-2026", []),  # the demo password itself passes: the banner and serve guard handle it
    ("zhao", "zzzzzzzzzzzzzzzz", ["密码过于常见，请换一个不易猜到的密码"]),
    ("wangwu", "my-WANGWU-secret", ["密码不能包含用户名"]),
    ("zhao", "pq-" * 67, ["密码不能超过 200 个字符"]),
])
def test_password_policy(username: str, password: str, expected: list[str]) -> None:
    assert password_problems(username, password) == expected


def test_the_bundled_list_is_loaded_and_lower_case() -> None:
    words = common_passwords()
    assert len(words) > 150 and "123456" in words and "1qaz2wsx3edc" in words
    assert all(w == w.lower() for w in words)


@pytest.mark.parametrize(("created", "seen", "revoked", "now", "reason"), [
    (T0, T0, None, T0 + IDLE_TIMEOUT - dt.timedelta(seconds=1), None),
    (T0, T0, None, T0 + IDLE_TIMEOUT, "闲置超时"),
    (T0, T0 + ABSOLUTE_TIMEOUT - dt.timedelta(minutes=1), None, T0 + ABSOLUTE_TIMEOUT, "超过最长时限"),
    (T0, T0, T0, T0 + dt.timedelta(seconds=1), "已退出"),
])
def test_session_lifetimes(created, seen, revoked, now, reason) -> None:
    assert session_end_reason(SessionTimes(created, seen, revoked), now) == reason


def test_lock_after_the_fifth_failure() -> None:
    assert locked_until_after_failure(MAX_FAILURES - 1, T0) is None
    assert locked_until_after_failure(MAX_FAILURES, T0) == T0 + LOCKOUT


@pytest.mark.parametrize(("target", "expected"), [
    ("/cases?id=3", "/cases?id=3"), ("/", "/"), (None, "/"), ("", "/"), ("cases", "/"),
    ("//evil.example/x", "/"), ("https://evil.example/", "/"), ("/\\evil.example", "/"), ("/a\r\nSet-Cookie: x", "/"),
])
def test_redirect_target_stays_on_this_site(target, expected) -> None:
    assert safe_next(target) == expected


def test_login_url() -> None:
    assert login_url("/") == "/auth/login"
    assert login_url("/case?id=7&tab=记录") == "/auth/login?next=/case%3Fid%3D7%26tab%3D%E8%AE%B0%E5%BD%95"
    assert login_url("https://evil.example/") == "/auth/login"


def test_signing() -> None:
    signed = sign("token-123", b"key")
    assert unsign(signed, b"key") == "token-123"
    assert unsign(signed, b"other") is None
    assert unsign(signed.replace("token-123", "token-124"), b"key") is None
    assert unsign("no-signature", b"key") is None and unsign(None, b"key") is None and unsign("ä.b", b"key") is None


def test_client_throttle_window() -> None:
    throttle = ClientThrottle(limit=2, window=dt.timedelta(minutes=15))
    throttle.failed("1.1.1.1", T0)
    assert not throttle.blocked("1.1.1.1", T0)
    throttle.failed("1.1.1.1", T0 + dt.timedelta(minutes=1))
    assert throttle.blocked("1.1.1.1", T0 + dt.timedelta(minutes=2)) and not throttle.blocked("2.2.2.2", T0)
    assert not throttle.blocked("1.1.1.1", T0 + dt.timedelta(minutes=15, seconds=1))  # the first one expired


def test_merkle_root() -> None:
    a, b, c = (merkle_leaf(i, h) for i, h in ((1, "a" * 64), (2, "b" * 64), (3, "c" * 64)))
    assert merkle_root([]) == GENESIS and merkle_root([a]) == a
    assert merkle_root([a, b]) != merkle_root([b, a])  # order (by case id) is part of the root
    assert merkle_root([a, b, c]) == merkle_root([a, b, c, c])  # an odd node pairs with itself
    assert merkle_root([a, b, c]) != merkle_root([a, b])
    assert merkle_leaf(1, "a" * 64) != merkle_leaf(2, "a" * 64)
