"""Found: no backup or restore. ``manage.py backup`` → ``restore`` into an empty database round-trips on SQLite
and PostgreSQL with identical row counts, a verified chain and an identical public export; restore refuses a
database that is not empty and reports a backup that does not match its manifest."""

from __future__ import annotations

import json
import uuid

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

import manage
from db.backup import manifest_path


@pytest.fixture
def sqlite_source(seeded_sqlite_copy, monkeypatch) -> str:
    url = seeded_sqlite_copy(40, 3).url.render_as_string(hide_password=False)
    monkeypatch.setenv("DATABASE_URL", url)
    return url


def test_sqlite_round_trip(sqlite_source, tmp_path, monkeypatch, capsys) -> None:
    out = tmp_path / "zhifa.backup"
    assert manage.main(["backup", str(out)]) == 0
    manifest = json.loads(manifest_path(out).read_text(encoding="utf-8"))
    assert manifest["chain_ok"] and manifest["counts"]["case_events"] > 0
    assert manage.main(["backup", str(out)]) == 2  # never overwrites
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'restored.sqlite3'}")
    capsys.readouterr()
    assert manage.main(["restore", str(out)]) == 0
    assert "已恢复并校验" in capsys.readouterr().out
    assert manage.main(["verify-chain"]) == 0
    capsys.readouterr()
    assert manage.main(["restore", str(out)]) == 2  # the target is no longer empty
    assert "不是空的" in capsys.readouterr().err


def test_a_backup_that_lost_rows_fails_verification(sqlite_source, tmp_path, monkeypatch, capsys) -> None:
    out = tmp_path / "zhifa.backup"
    assert manage.main(["backup", str(out)]) == 0
    manifest = json.loads(manifest_path(out).read_text(encoding="utf-8"))
    manifest["counts"]["case_events"] += 1  # as if a row had gone missing from the copy
    manifest_path(out).write_text(json.dumps(manifest), encoding="utf-8")
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'restored.sqlite3'}")
    assert manage.main(["restore", str(out)]) == 1
    assert "表 case_events 应有" in capsys.readouterr().out


@pytest.mark.postgres
def test_postgres_round_trip_with_pg_dump(seeded_pg_copy, pg_server_url, tmp_path, monkeypatch, capsys) -> None:
    source = seeded_pg_copy(40, 3)
    monkeypatch.setenv("DATABASE_URL", source.url.render_as_string(hide_password=False))
    out = tmp_path / "zhifa.dump"
    assert manage.main(["backup", str(out)]) == 0
    assert out.read_bytes()[:5] == b"PGDMP"  # pg_dump's custom format
    name = f"zhifa_t_{uuid.uuid4().hex[:10]}"
    admin = create_engine(pg_server_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        target = make_url(pg_server_url).set(database=name).render_as_string(hide_password=False)
        monkeypatch.setenv("DATABASE_URL", target)
        capsys.readouterr()
        assert manage.main(["restore", str(out)]) == 0, capsys.readouterr()
        assert manage.main(["verify-chain"]) == 0
        restored = create_engine(target)
        with restored.begin() as conn:  # the append-only triggers came back with the schema
            with pytest.raises(Exception, match="append-only"):
                conn.execute(text("DELETE FROM audit_log"))
        restored.dispose()
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
