"""The one password hasher: argon2id at argon2-cffi's defaults (RFC 9106 low-memory profile) unless a test run
swaps in a cheap one.

Each hash records its own cost parameters, so a hash made at either cost verifies under the other; a login at
production cost upgrades a cheap hash (``check_needs_rehash``)."""

from __future__ import annotations

from argon2 import PasswordHasher


def production_hasher() -> PasswordHasher:
    return PasswordHasher()


def cheap_hasher() -> PasswordHasher:
    """Minimal argon2 cost, for tests only: at production cost the six demo users were half of every seed's time."""
    return PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)


_current = production_hasher()


def hasher() -> PasswordHasher:
    return _current


def use_hasher(new: PasswordHasher) -> PasswordHasher:
    """Make ``new`` the hasher for this process (and processes it forks); returns the previous one to restore."""
    global _current
    previous, _current = _current, new
    return previous
