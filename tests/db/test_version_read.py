"""The public data version, read first by every API request, comes from an engine that spends one round trip on it on
PostgreSQL (db.engine.version_read_engine): it must still see every committed change at once, and it must survive a
connection the server dropped without failing the request."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
from sqlalchemy import Engine, select, text, update

from db import engine as engines
from db import models as m
from db.public import public_data_version
from tests.conftest import SMALL_SEED_CASES

TODAY = dt.date(2026, 11, 30)
pytestmark = pytest.mark.postgres


@pytest.fixture
def seeded(seeded_pg_copy) -> Engine:
    """PostgreSQL only: on SQLite the version is read through the public read engine."""
    return seeded_pg_copy(SMALL_SEED_CASES, 7)


@pytest.fixture
def lean(seeded: Engine) -> Iterator[Engine]:
    url = seeded.url.render_as_string(hide_password=False)
    engine = engines.version_read_engine(url)
    assert engine is not seeded
    try:
        yield engine
    finally:
        engines._version_readers.pop(url, None)
        engine.dispose()


def test_a_committed_change_is_seen_by_the_next_version_read(seeded: Engine, lean: Engine) -> None:
    version = public_data_version(lean)
    assert version == public_data_version(seeded)
    with seeded.begin() as conn:
        victim = conn.execute(select(m.PublicSearch.decision_id).where(m.PublicSearch.published_on <= TODAY)
                              .limit(1)).scalar_one()
        conn.execute(update(m.PublicRecord).where(m.PublicRecord.decision_id == victim)
                     .values(held_reason="待脱敏复核：测试"))
    assert public_data_version(lean) > version


def test_a_connection_the_server_dropped_does_not_fail_the_read(seeded: Engine, lean: Engine) -> None:
    version = public_data_version(lean)
    with lean.connect() as conn:
        pid = conn.execute(text("SELECT pg_backend_pid()")).scalar_one()
    assert lean.pool.checkedin() == 1
    with seeded.connect() as conn:
        assert conn.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid}).scalar_one()
    assert public_data_version(lean) == version
    with lean.connect() as conn:
        assert conn.execute(text("SELECT pg_backend_pid()")).scalar_one() != pid
