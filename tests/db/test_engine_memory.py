"""The server's SQLite connections keep a small page cache (a pool of 15 at 128 MiB each took the server past
1.2 GB under load); one-off bulk writers ask for the large one."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import text

from db.engine import BULK_CACHE_MIB, make_engine, shared_engine


def _cache_kib(engine) -> int:
    with engine.connect() as conn:
        return -int(conn.execute(text("PRAGMA cache_size")).scalar_one())


def test_reader_connections_use_a_small_page_cache(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'r.sqlite3'}"
    assert _cache_kib(shared_engine(url)) == 16 * 1024
    shared_engine(url).dispose()


def test_bulk_writers_get_the_large_page_cache(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'w.sqlite3'}", cache_mib=BULK_CACHE_MIB)
    assert _cache_kib(engine) == BULK_CACHE_MIB * 1024
    engine.dispose()
