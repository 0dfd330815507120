"""Shared fixtures: seeded SQLite databases, an isolated PostgreSQL database, and Streamlit cache hygiene.

PostgreSQL tests use TEST_DATABASE_URL. Without it they skip with a message on a developer machine; in CI
(REQUIRE_POSTGRES=1, set by .ci/run) a missing or unreachable server fails the run instead.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import make_url

from db.engine import make_engine, normalise_url
from db.migrate import upgrade_to_head

SMALL_SEED_CASES = 600


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
    except Exception as exc:  # noqa: BLE001 - any failure to reach the server
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


@pytest.fixture
def pg_engine(pg_empty_url: str) -> Iterator[Engine]:
    engine = make_engine(pg_empty_url)
    upgrade_to_head(engine)
    yield engine
    engine.dispose()


@pytest.fixture
def sqlite_engine(tmp_path: Path) -> Iterator[Engine]:
    engine = make_engine(f"sqlite:///{tmp_path / 'test.sqlite3'}")
    upgrade_to_head(engine)
    yield engine
    engine.dispose()


@pytest.fixture(scope="session")
def seeded_sqlite(tmp_path_factory: pytest.TempPathFactory):
    """A small seeded sample database shared (read-only!) by tests in this session; returns (url, report)."""
    from sample_data.generator import seed

    path = tmp_path_factory.mktemp("seeded") / "seeded.sqlite3"
    url = f"sqlite:///{path}"
    engine = make_engine(url)
    upgrade_to_head(engine)
    report = seed(engine, SMALL_SEED_CASES, 7)
    engine.dispose()
    return url, report


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
