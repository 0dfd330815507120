"""``manage.py backup OUT`` and ``restore IN``, each verified.

SQLite is copied with its online backup API (a consistent copy while the app keeps running); PostgreSQL with
``pg_dump --format=custom`` and ``pg_restore``. Beside the backup a manifest (OUT + ".manifest.json") records what
the database held: the row count of every table, the verify-chain result, and the SHA-256 of the public export
(every published decision, as the public sees it). ``restore`` only writes into an empty database and then checks
all three against the manifest, so a restore that silently lost rows, broke a chain or changed what the public sees
is reported as failed.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import os
import shutil
import sqlite3
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, func, inspect, select, table
from sqlalchemy.engine import make_url

from db import models as m
from db.export import write_disclosures
from db.integrity import verify_chains


class BackupError(Exception):
    """A user-facing failure, one line of Chinese."""


@dataclass(frozen=True)
class Summary:
    counts: dict[str, int]
    chain_ok: bool
    public_sha256: str
    export_day: str

    def to_json(self) -> dict[str, Any]:
        return {"counts": self.counts, "chain_ok": self.chain_ok, "public_sha256": self.public_sha256,
                "export_day": self.export_day}


def manifest_path(backup: Path) -> Path:
    return backup.with_name(backup.name + ".manifest.json")


def summarise(engine: Engine, day: dt.date) -> Summary:
    names = sorted(set(m.Base.metadata.tables) | {"alembic_version"})
    with engine.connect() as conn:
        present = set(inspect(conn).get_table_names())
        counts = {n: int(conn.execute(select(func.count()).select_from(table(n))).scalar_one())
                  for n in names if n in present}
    chain = verify_chains(engine, workers=1)
    buffer = io.BytesIO()
    write_disclosures(engine, buffer, "csv", day)
    return Summary(counts, chain.first_break is None, hashlib.sha256(buffer.getvalue()).hexdigest(), day.isoformat())


def _libpq_url(engine: Engine) -> tuple[str, dict[str, str]]:
    """A URL pg_dump understands (no "+psycopg"), and the password moved to PGPASSWORD rather than argv."""
    url = make_url(engine.url.render_as_string(hide_password=False))
    env = dict(os.environ)
    if url.password:
        env["PGPASSWORD"] = str(url.password)
    plain = url.set(drivername="postgresql", password=None).render_as_string(hide_password=False)
    return plain, env


def _tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        raise BackupError(f"找不到 {name}：请安装与服务器版本一致的 PostgreSQL 客户端"
                          "（Debian：apt-get install postgresql-client）")
    return found


def _run(args: list[str], env: dict[str, str]) -> None:
    result = subprocess.run(args, capture_output=True, text=True, env=env, check=False)
    if result.returncode != 0:
        reason = (result.stderr or result.stdout).strip().splitlines()
        raise BackupError(f"{Path(args[0]).name} 失败：{reason[-1] if reason else result.returncode}")


def backup(engine: Engine, out: Path, today: dt.date) -> Summary:
    """Write the backup to ``out`` and its manifest beside it; returns the summary of the source."""
    if out.exists():
        raise BackupError(f"备份文件已存在，不会覆盖：{out}")
    if not out.parent.is_dir():
        raise BackupError(f"目录不存在：{out.parent}")
    if engine.dialect.name == "sqlite":
        raw = engine.raw_connection()
        try:
            target = sqlite3.connect(out)
            try:
                raw.driver_connection.backup(target)  # type: ignore[union-attr]
            finally:
                target.close()
        finally:
            raw.close()
    else:
        url, env = _libpq_url(engine)
        _run([_tool("pg_dump"), "--format=custom", "--no-owner", "--file", str(out), "--dbname", url], env)
    summary = summarise(engine, today)
    manifest_path(out).write_text(json.dumps(summary.to_json(), ensure_ascii=False, indent=1), encoding="utf-8")
    return summary


def _is_empty(engine: Engine) -> bool:
    with engine.connect() as conn:
        return not inspect(conn).get_table_names()


def restore(engine: Engine, source: Path) -> tuple[Summary, list[str]]:
    """Restore ``source`` into the empty database of ``engine``; returns the restored summary and every way it
    differs from the manifest (empty when verified)."""
    if not source.is_file():
        raise BackupError(f"备份文件不存在：{source}")
    manifest_file = manifest_path(source)
    if not manifest_file.is_file():
        raise BackupError(f"缺少备份清单 {manifest_file.name}（与备份文件同时生成），无法校验")
    expected = json.loads(manifest_file.read_text(encoding="utf-8"))
    if not _is_empty(engine):
        raise BackupError("目标数据库不是空的：恢复只写入空数据库，以免覆盖现有数据")
    if engine.dialect.name == "sqlite":
        raw = engine.raw_connection()
        try:
            origin = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
            try:
                origin.backup(raw.driver_connection)  # type: ignore[arg-type]
            finally:
                origin.close()
        finally:
            raw.close()
        engine.dispose()
    else:
        url, env = _libpq_url(engine)
        _run([_tool("pg_restore"), "--no-owner", "--exit-on-error", "--dbname", url, str(source)], env)
    summary = summarise(engine, dt.date.fromisoformat(expected["export_day"]))
    problems = []
    for name, count in sorted(expected["counts"].items()):
        if summary.counts.get(name) != count:
            problems.append(f"表 {name} 应有 {count} 行，恢复后 {summary.counts.get(name)} 行")
    if not summary.chain_ok:
        problems.append("恢复后的执法记录链校验不通过")
    if summary.public_sha256 != expected["public_sha256"]:
        problems.append("恢复后的公示数据与备份时不一致")
    return summary, problems
