"""Password hashing: production keeps argon2id at its secure defaults; the suite's cheap hasher is a test-only
swap, and a hash made at either cost verifies and is upgraded on login."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from argon2 import Type
from sqlalchemy import select

from db import models as m
from db import passwords
from db.accounts import authenticate
from db.commands import create_user

ROOT = Path(__file__).resolve().parents[2]
SECURE = (3, 65536, 4, 32, 16, Type.ID)  # argon2-cffi's RFC 9106 low-memory profile


def _cost(h) -> tuple:
    return h.time_cost, h.memory_cost, h.parallelism, h.hash_len, h.salt_len, h.type


def test_production_hasher_keeps_the_secure_defaults() -> None:
    assert _cost(passwords.production_hasher()) == SECURE


def test_a_fresh_process_hashes_at_production_cost() -> None:
    # in this process the suite has swapped in the cheap hasher, so ask one that has not
    code = "from db import passwords; h = passwords.hasher(); print(h.time_cost, h.memory_cost, h.parallelism)"
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True).stdout
    assert out.split() == ["3", "65536", "4"]


def test_the_suite_hashes_cheaply() -> None:
    assert _cost(passwords.hasher())[:3] == (1, 8, 1)


def test_a_cheap_hash_is_upgraded_at_the_first_production_login(sqlite_engine) -> None:
    assert create_user(sqlite_engine, username="admin2", display_name="管理员", role="管理员",
                       password="long-enough-pass").ok
    previous = passwords.use_hasher(passwords.production_hasher())
    try:
        assert authenticate(sqlite_engine, "admin2", "long-enough-pass") is not None
    finally:
        passwords.use_hasher(previous)
    with sqlite_engine.connect() as conn:
        stored = conn.execute(select(m.User.password_hash)).scalar_one()
    assert stored.startswith("$argon2id$v=19$m=65536,t=3,p=4$")
    assert authenticate(sqlite_engine, "admin2", "long-enough-pass") is not None  # and still verifies under the cheap one
