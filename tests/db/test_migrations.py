"""Migrations upgrade an empty database to head on SQLite and PostgreSQL, and the models match them (no drift)."""

from __future__ import annotations

from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import inspect

from db.engine import make_engine
from db.migrate import alembic_config, current_revision, head_revision, include_name, include_object, upgrade_to_head
from db.models import Base


def _drift(engine) -> list:
    with engine.connect() as conn:
        # The search-index objects the metadata cannot describe (FTS5, pg_trgm) are skipped as env.py skips them.
        ctx = MigrationContext.configure(conn, opts={"compare_type": True, "include_name": include_name,
                                                      "include_object": include_object})
        return compare_metadata(ctx, Base.metadata)


def test_single_head() -> None:
    assert len(ScriptDirectory.from_config(alembic_config()).get_heads()) == 1


def test_sqlite_upgrades_to_head_without_drift(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'm.sqlite3'}")
    assert current_revision(engine) is None
    assert upgrade_to_head(engine) == head_revision()
    assert set(Base.metadata.tables) <= set(inspect(engine).get_table_names())
    assert _drift(engine) == []


def test_init_is_safe_to_run_again(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'm.sqlite3'}")
    upgrade_to_head(engine)
    assert upgrade_to_head(engine) == head_revision()


@pytest.mark.postgres
def test_postgres_upgrades_to_head_without_drift(pg_empty_url: str) -> None:
    engine = make_engine(pg_empty_url)
    try:
        assert upgrade_to_head(engine) == head_revision()
        assert _drift(engine) == []
        assert upgrade_to_head(engine) == head_revision()
    finally:
        engine.dispose()


@pytest.mark.parametrize("table", sorted(Base.metadata.tables))
def test_constraints_are_named(table: str) -> None:
    for constraint in Base.metadata.tables[table].constraints:
        assert constraint.name, f"unnamed constraint on {table}: {constraint}"


def test_health_check_tells_current_from_missing_or_behind(tmp_path: Path) -> None:
    from sqlalchemy import text

    from db.migrate import schema_is_current

    engine = make_engine(f"sqlite:///{tmp_path / 'h.sqlite3'}")
    assert schema_is_current(engine) is False  # no schema at all
    upgrade_to_head(engine)
    assert schema_is_current(engine) is True
    with engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = '316b5b0fccd7'"))
    assert schema_is_current(engine) is False  # behind head: /health answers 503 until `manage.py init`


def _records_version_objects(engine) -> tuple[int, list]:
    from sqlalchemy import text

    with engine.connect() as conn:
        if engine.dialect.name == "sqlite":
            triggers = conn.execute(text("SELECT name FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'sv!_%' "
                                         "ESCAPE '!'")).scalars().all()
        else:
            triggers = conn.execute(text("SELECT tgname FROM pg_trigger WHERE tgname LIKE 'sv!_%' ESCAPE '!'")
                                    ).scalars().all()
        rows = conn.execute(text("SELECT count(*) FROM summary_versions WHERE id = 2")).scalar_one()
    return rows, sorted(triggers)


def _records_version_round_trip(engine) -> None:
    """Migration 8a3f5c1d2b47 drops the unread case-record version and its triggers; its downgrade brings them back."""
    from alembic import command

    upgrade_to_head(engine)
    assert _records_version_objects(engine) == (0, [])
    cfg = alembic_config()
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, "7d4b2e9c1a68")
    rows, triggers = _records_version_objects(engine)
    assert rows == 1
    assert len(triggers) == (22 if engine.dialect.name == "sqlite" else 8)
    upgrade_to_head(engine)
    assert _records_version_objects(engine) == (0, [])
    assert _drift(engine) == []


def test_the_unread_records_version_is_dropped_and_restored_on_sqlite(tmp_path: Path) -> None:
    _records_version_round_trip(make_engine(f"sqlite:///{tmp_path / 'r.sqlite3'}"))


@pytest.mark.postgres
def test_the_unread_records_version_is_dropped_and_restored_on_postgres(pg_empty_url: str) -> None:
    engine = make_engine(pg_empty_url)
    try:
        _records_version_round_trip(engine)
    finally:
        engine.dispose()
