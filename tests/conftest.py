"""Shared fixtures: per-test copies of migrated or seeded template databases (SQLite and PostgreSQL), a cheap
password hasher, and Streamlit cache hygiene.

PostgreSQL tests use TEST_DATABASE_URL. Without it they skip with a message on a developer machine; in CI
(REQUIRE_POSTGRES=1, set by .ci/run) a missing or unreachable server fails the run instead.
"""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import make_url

from db import passwords
from db.engine import make_engine, normalise_url
from db.migrate import upgrade_to_head

SMALL_SEED_CASES = 600


@pytest.fixture(scope="session", autouse=True)
def _cheap_password_hashing() -> Iterator[None]:
    """Minimal argon2 cost for the whole run (production keeps the defaults; tests/db/test_commands.py checks)."""
    previous = passwords.use_hasher(passwords.cheap_hasher())
    yield
    passwords.use_hasher(previous)


def _require_postgres() -> bool:
    return os.environ.get("REQUIRE_POSTGRES") == "1"


@pytest.fixture(scope="session")
def pg_server_url() -> str:
    url = os.environ.get("TEST_DATABASE_URL", "").strip()
    if not url:
        if _require_postgres():
            pytest.fail("REQUIRE_POSTGRES=1 but TEST_DATABASE_URL is not set")
        pytest.skip("PostgreSQL tests skipped: set TEST_DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/test")
    url = normalise_url(url)
    try:
        engine = create_engine(url)
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
        engine.dispose()
    except Exception as exc:  # any failure to reach the server
        if _require_postgres():
            pytest.fail(f"PostgreSQL at TEST_DATABASE_URL is unreachable: {exc}")
        pytest.skip(f"PostgreSQL unreachable, tests skipped: {exc}")
    return url


def _create_database(server_url: str) -> tuple[str, str]:
    """A fresh, uniquely named database on the test server; returns (url, name)."""
    name = f"zhifa_t_{uuid.uuid4().hex[:10]}"
    admin = create_engine(server_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return make_url(server_url).set(database=name).render_as_string(hide_password=False), name


def _drop_database(server_url: str, name: str) -> None:
    admin = create_engine(server_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture
def pg_empty_url(pg_server_url: str) -> Iterator[str]:
    url, name = _create_database(pg_server_url)
    try:
        yield url
    finally:
        _drop_database(pg_server_url, name)


# ------------------------------------------------------------------------------------ templates, copied per test
# Migrating takes seconds and seeding more; copying a file or a PostgreSQL template database takes milliseconds.
# So each distinct database state (migrated, or migrated and seeded with (cases, seed)) is built once per session
# and every test gets its own writable copy of it.


class SqliteTemplates:
    """SQLite template files, built on first use; ``copy`` gives a test its own engine on a copy."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self._built: dict[tuple[int, int], tuple[Path, object]] = {}

    def path(self, cases: int = 0, seed_value: int = 0) -> Path:
        return self._build(cases, seed_value)[0]

    def report(self, cases: int, seed_value: int):
        """The seed's report for a seeded template."""
        return self._build(cases, seed_value)[1]

    def _build(self, cases: int, seed_value: int) -> tuple[Path, object]:
        key = (cases, seed_value)
        if key not in self._built:
            path = self.root / (f"seeded-{cases}-{seed_value}.sqlite3" if cases else "migrated.sqlite3")
            report = None
            if cases:
                from sample_data.generator import seed

                shutil.copyfile(self.path(), path)
                engine = make_engine(f"sqlite:///{path}")
                report = seed(engine, cases, seed_value)
            else:
                engine = make_engine(f"sqlite:///{path}")
                upgrade_to_head(engine)
            with engine.connect() as conn:  # a plain file copy must not miss pages still in the WAL
                conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
            engine.dispose()
            self._built[key] = (path, report)
        return self._built[key]

    def copy(self, dest: Path, cases: int = 0, seed_value: int = 0) -> Engine:
        shutil.copyfile(self.path(cases, seed_value), dest)
        return make_engine(f"sqlite:///{dest}")


class PgTemplates:
    """PostgreSQL template databases, built on first use; ``copy`` is CREATE DATABASE … TEMPLATE."""

    def __init__(self, server_url: str) -> None:
        self.server_url = server_url
        self._built: dict[tuple[int, int], str] = {}

    def name(self, cases: int = 0, seed_value: int = 0) -> str:
        key = (cases, seed_value)
        if key not in self._built:
            if cases:
                from sample_data.generator import seed

                url, name = self._create(self.name())
                engine = make_engine(url)
                seed(engine, cases, seed_value)
            else:
                url, name = _create_database(self.server_url)
                engine = make_engine(url)
                upgrade_to_head(engine)
            engine.dispose()  # a template must have no open connections when it is copied
            self._built[key] = name
        return self._built[key]

    def copy(self, cases: int = 0, seed_value: int = 0) -> tuple[str, str]:
        """A new database copied from the template; returns (url, name). Drop it with ``drop``."""
        return self._create(self.name(cases, seed_value))

    def drop(self, name: str) -> None:
        _drop_database(self.server_url, name)

    def drop_all(self) -> None:
        for name in reversed(list(self._built.values())):
            self.drop(name)
        self._built.clear()

    def _create(self, template: str) -> tuple[str, str]:
        name = f"zhifa_t_{uuid.uuid4().hex[:10]}"
        admin = create_engine(self.server_url, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}" TEMPLATE "{template}"'))
        admin.dispose()
        return make_url(self.server_url).set(database=name).render_as_string(hide_password=False), name


@pytest.fixture(scope="session")
def sqlite_templates(tmp_path_factory: pytest.TempPathFactory) -> SqliteTemplates:
    return SqliteTemplates(tmp_path_factory.mktemp("templates"))


@pytest.fixture(scope="session")
def pg_templates(pg_server_url: str) -> Iterator[PgTemplates]:
    templates = PgTemplates(pg_server_url)
    yield templates
    templates.drop_all()


@pytest.fixture
def pg_engine(pg_templates: PgTemplates) -> Iterator[Engine]:
    """This test's own migrated, empty PostgreSQL database."""
    url, name = pg_templates.copy()
    engine = make_engine(url)
    yield engine
    engine.dispose()
    pg_templates.drop(name)


@pytest.fixture
def sqlite_engine(sqlite_templates: SqliteTemplates, tmp_path: Path) -> Iterator[Engine]:
    """This test's own migrated, empty SQLite database."""
    engine = sqlite_templates.copy(tmp_path / "test.sqlite3")
    yield engine
    engine.dispose()


@pytest.fixture
def seeded_sqlite_copy(sqlite_templates: SqliteTemplates, tmp_path: Path) -> Iterator[Callable[..., Engine]]:
    """``seeded_sqlite_copy(cases, seed_value)``: this test's own writable copy of a database seeded with
    ``seed(engine, cases, seed_value)`` — the seed runs once per session for each (cases, seed_value)."""
    engines: list[Engine] = []

    def make(cases: int, seed_value: int) -> Engine:
        engines.append(sqlite_templates.copy(tmp_path / f"seeded-{len(engines)}.sqlite3", cases, seed_value))
        return engines[-1]

    yield make
    for engine in engines:
        engine.dispose()


@pytest.fixture
def seeded_pg_copy(pg_templates: PgTemplates) -> Iterator[Callable[..., Engine]]:
    """The PostgreSQL counterpart of ``seeded_sqlite_copy``."""
    made: list[tuple[Engine, str]] = []

    def make(cases: int, seed_value: int) -> Engine:
        url, name = pg_templates.copy(cases, seed_value)
        made.append((make_engine(url), name))
        return made[-1][0]

    yield make
    for engine, name in made:
        engine.dispose()
        pg_templates.drop(name)


@pytest.fixture(scope="session")
def seeded_sqlite(sqlite_templates: SqliteTemplates):
    """A small seeded sample database shared (read-only!) by tests in this session; returns (url, report)."""
    return f"sqlite:///{sqlite_templates.path(SMALL_SEED_CASES, 7)}", sqlite_templates.report(SMALL_SEED_CASES, 7)


@pytest.fixture
def seeded_engine(seeded_sqlite) -> Iterator[Engine]:
    engine = make_engine(seeded_sqlite[0])
    yield engine
    engine.dispose()


@pytest.fixture
def app_db(seeded_sqlite, monkeypatch: pytest.MonkeyPatch) -> str:
    """Point the Streamlit app at the shared seeded database and start with empty caches."""
    import streamlit as st

    monkeypatch.setenv("DATABASE_URL", seeded_sqlite[0])
    st.cache_data.clear()
    st.cache_resource.clear()
    yield seeded_sqlite[0]
    st.cache_data.clear()
    st.cache_resource.clear()
