"""Engine and session factory (no Streamlit here: components/data.py caches the engine for the app)."""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import StaticPool

PROJECT_ROOT = Path(__file__).resolve().parents[1]
DEFAULT_SQLITE_PATH = PROJECT_ROOT / "data" / "zhifa.sqlite3"


class DatabaseUrlError(ValueError):
    """DATABASE_URL is malformed or names a driver we do not support."""


def database_url() -> str:
    """``DATABASE_URL`` or the embedded SQLite file under data/ (created on first use)."""
    url = os.environ.get("DATABASE_URL", "").strip()
    if url:
        return normalise_url(url)
    DEFAULT_SQLITE_PATH.parent.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{DEFAULT_SQLITE_PATH}"


def normalise_url(url: str) -> str:
    """Accept the common ``postgresql://`` spelling and route it to psycopg 3."""
    try:
        parsed = make_url(url)
    except ArgumentError as exc:
        raise DatabaseUrlError(f"DATABASE_URL 无法解析：{url!r}") from exc
    if parsed.drivername in ("postgresql", "postgres"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    if parsed.get_backend_name() not in ("sqlite", "postgresql"):
        raise DatabaseUrlError(f"不支持的数据库类型：{parsed.get_backend_name()}（仅支持 SQLite 与 PostgreSQL）")
    return parsed.render_as_string(hide_password=False)


_shared: dict[str, Engine] = {}
_shared_lock = threading.Lock()


def shared_engine(url: str | None = None) -> Engine:
    """The process's one engine for ``url`` (default: DATABASE_URL). The UI, the API, downloads and /health all use
    it, so a process holds one connection pool per database instead of building an engine per request. Engines are
    thread-safe; sessions are never shared."""
    url = normalise_url(url) if url else database_url()
    with _shared_lock:
        engine = _shared.get(url)
        if engine is None:
            engine = _shared[url] = make_engine(url)
        return engine


_readers: dict[str, Engine] = {}


def public_read_engine(url: str | None = None) -> Engine:
    """The process's engine for anonymous public reads (the open-data API's lists and decisions). SQLite: read-only
    connections (``PRAGMA query_only``: a bug or an injected statement cannot write through them) in WAL mode, from
    a pool sized to the cores plus as many overflow connections — SQLite reads run in parallel, but more connections
    than cores only add page caches (16 MiB each) and contention; a request beyond that waits for a connection
    instead of opening a fifteenth. PostgreSQL: the shared engine (its server does the pooling of work)."""
    url = normalise_url(url) if url else database_url()
    if not url.startswith("sqlite") or url in ("sqlite://", "sqlite:///:memory:"):
        return shared_engine(url)
    with _shared_lock:
        engine = _readers.get(url)
        if engine is None:
            cores = os.cpu_count() or 2
            engine = _readers[url] = make_engine(url, query_only=True, pool_size=max(2, cores), max_overflow=cores)
        return engine


_version_readers: dict[str, Engine] = {}


def version_read_engine(url: str | None = None) -> Engine:
    """The engine for the one read every API request makes first: the public data version, a one-row primary-key
    read whose answer decides whether the cached response may be sent. On PostgreSQL the default engine spends five
    round trips on it (the pre-ping, BEGIN, the SELECT, and the rollback of both on return); this one spends one: its
    connections are in autocommit and are neither pinged on checkout nor rolled back on return. A connection the
    server dropped is noticed by the read itself (db.public.public_data_version reads once more). SQLite: the public
    read engine (no round trips to save)."""
    url = normalise_url(url) if url else database_url()
    if not url.startswith("postgresql"):
        return public_read_engine(url)
    with _shared_lock:
        engine = _version_readers.get(url)
        if engine is None:
            cores = os.cpu_count() or 2  # a read takes a fraction of a millisecond: a small pool beside the main one
            engine = _version_readers[url] = create_engine(
                url, pool_pre_ping=False, isolation_level="AUTOCOMMIT", pool_reset_on_return=None,
                pool_size=cores, max_overflow=cores)
        return engine


# SQLite page cache per connection. A server pools up to 15 connections, so 128 MiB each reached 1.2 GB RSS under
# load at 1,000,000 decisions; readers get 16 MiB. One-off bulk writers (seed, import: manage.py) ask for more.
READER_CACHE_MIB = 16
BULK_CACHE_MIB = 128


def make_engine(url: str, *, echo: bool = False, cache_mib: int = READER_CACHE_MIB, query_only: bool = False,
                pool_size: int | None = None, max_overflow: int | None = None) -> Engine:
    url = normalise_url(url)
    if url.startswith("sqlite"):
        in_memory = url in ("sqlite://", "sqlite:///:memory:")
        sizes = {} if in_memory or pool_size is None else {"pool_size": pool_size, "max_overflow": max_overflow or 0}
        engine = create_engine(
            url,
            echo=echo,
            connect_args={"check_same_thread": False, "timeout": 30},
            poolclass=StaticPool if in_memory else None,
            **sizes,
        )

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_conn, _record):
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA foreign_keys=ON")
            # WAL lets the app read while an import or seed writes.
            if not in_memory:
                cur.execute("PRAGMA journal_mode=WAL")
                cur.execute("PRAGMA synchronous=NORMAL")
                cur.execute(f"PRAGMA cache_size=-{int(cache_mib) * 1024}")
            if query_only:
                cur.execute("PRAGMA query_only=ON")
            cur.close()

        return engine
    return create_engine(url, echo=echo, pool_pre_ping=True)


@contextmanager
def session_scope(engine: Engine) -> Iterator[Session]:
    """One unit of work: commit on success, roll back on any error."""
    factory = sessionmaker(engine, expire_on_commit=False)
    session = factory()
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


@contextmanager
def snapshot_session_scope(engine: Engine) -> Iterator[Session]:
    """``session_scope`` whose reads all see one snapshot of the database, so that two related reads (a case's
    chain head and its events) cannot straddle another writer's commit. PostgreSQL: REPEATABLE READ (a write to a row
    changed since the snapshot then fails with a serialization error). SQLite: an explicit BEGIN, since the driver
    otherwise runs each SELECT outside a transaction (a write after another connection's commit then fails as
    "database is locked")."""
    if engine.dialect.name == "postgresql":
        with session_scope(engine.execution_options(isolation_level="REPEATABLE READ")) as session:
            yield session
        return
    with session_scope(engine) as session:
        session.connection().exec_driver_sql("BEGIN")
        yield session
