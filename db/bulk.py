"""Fast bulk writes for the seeder and the importer: rows go straight to the driver (SQLite executemany,
PostgreSQL COPY), bypassing per-row ORM work. Values are converted here to exactly the storage format that
db.types and SQLAlchemy read back (tests/db/test_bulk.py proves the round trip on both databases)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from decimal import Decimal
from enum import Enum
from typing import Any

from sqlalchemy import Boolean, Connection, Date, Table, text
from sqlalchemy import Enum as SAEnum

from db.models import PublicSearch
from db.types import CENT, Money, UTCDateTime


def _sqlite_converter(column_type: Any) -> Callable[[Any], Any] | None:
    """A converter to SQLite's storage format for one column type, or None where the value passes as it is."""
    if isinstance(column_type, Money):
        return lambda v: None if v is None else int(Decimal(v).quantize(CENT) * 100)
    if isinstance(column_type, UTCDateTime):
        def instant(v: Any) -> Any:
            if v is None:
                return None
            if v.tzinfo is None:
                raise ValueError("naive datetime")
            return v.astimezone(dt.UTC).replace(tzinfo=None).isoformat(" ", "microseconds")
        return instant
    if isinstance(column_type, Date):
        return lambda v: None if v is None else v.isoformat()
    if isinstance(column_type, Boolean):
        return lambda v: None if v is None else int(v)
    if isinstance(column_type, SAEnum):
        return lambda v: v.value if isinstance(v, Enum) else v
    return None


def _pg_converter(column_type: Any) -> Callable[[Any], Any] | None:
    if isinstance(column_type, Money):
        return lambda v: None if v is None else Decimal(v).quantize(CENT)
    if isinstance(column_type, UTCDateTime):
        def instant(v: Any) -> Any:
            if v is not None and v.tzinfo is None:
                raise ValueError("naive datetime")
            return v
        return instant
    if isinstance(column_type, SAEnum):
        return lambda v: v.value if isinstance(v, Enum) else v
    return None


def prepare_rows(dialect_name: str, table: Table, columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> list[tuple]:
    """Convert rows to the driver's storage format. Pure and picklable, so worker processes can do it."""
    make = _sqlite_converter if dialect_name == "sqlite" else _pg_converter
    converters = [(i, f) for i, c in enumerate(columns) if (f := make(table.c[c].type)) is not None]
    if not converters:
        return [tuple(row) for row in rows]
    out: list[tuple] = []
    for row in rows:
        values = list(row)
        for i, f in converters:
            values[i] = f(values[i])
        out.append(tuple(values))
    return out


def write_prepared(conn: Connection, table: Table, columns: Sequence[str], prepared: list[tuple]) -> int:
    """Write rows already converted by ``prepare_rows`` for this connection's dialect."""
    if not prepared:
        return 0
    if conn.dialect.name == "sqlite":
        sql = f'INSERT INTO {table.name} ({", ".join(columns)}) VALUES ({", ".join("?" * len(columns))})'
        conn.exec_driver_sql(sql, prepared)
        return len(prepared)
    dbapi_conn = conn.connection.driver_connection
    if dbapi_conn is None:
        raise RuntimeError("COPY needs an open psycopg connection")
    with dbapi_conn.cursor() as cur:
        with cur.copy(f'COPY {table.name} ({", ".join(columns)}) FROM STDIN') as copy:
            for row in prepared:
                copy.write_row(row)
    return len(prepared)


def insert_rows(conn: Connection, table: Table, columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> int:
    """Insert ``rows`` (tuples in ``columns`` order) into ``table``; returns the number written."""
    return write_prepared(conn, table, columns, prepare_rows(conn.dialect.name, table, columns, rows))


def reset_sequences(conn: Connection, tables: Iterable[Table]) -> None:
    """After writing explicit ids, move PostgreSQL's serial sequences past them (SQLite needs nothing)."""
    if conn.dialect.name != "postgresql":
        return
    for table in tables:
        if "id" not in table.c:
            continue
        conn.execute(
            text(
                f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "
                f"COALESCE((SELECT MAX(id) FROM {table.name}), 0) + 1, false)"
            )
        )


def max_id(conn: Connection, table: Table) -> int:
    return int(conn.execute(text(f"SELECT COALESCE(MAX(id), 0) FROM {table.name}")).scalar_one())


def begin_sqlite_transaction(conn: Connection) -> None:
    """Open the transaction now on SQLite. The sqlite3 driver opens it only before the first INSERT/UPDATE/DELETE,
    so DDL issued before that (a DROP TRIGGER) would commit on its own and outlive a rollback."""
    if conn.dialect.name != "sqlite":
        return
    dbapi_conn = conn.connection.driver_connection
    if dbapi_conn is not None and not dbapi_conn.in_transaction:
        conn.exec_driver_sql("BEGIN")


@contextmanager
def sqlite_triggers_set_aside(conn: Connection, listing_sql: str) -> Iterator[None]:
    """Drop the SQLite triggers that ``listing_sql`` lists (``SELECT name, sql FROM sqlite_master …``) for this block
    and recreate them from their own stored SQL at its end — in the caller's transaction only, so no other connection
    ever sees them missing, and a rollback restores them too."""
    begin_sqlite_transaction(conn)
    triggers = conn.exec_driver_sql(listing_sql).all()
    for name, _sql in triggers:
        conn.exec_driver_sql(f'DROP TRIGGER "{name}"')
    yield
    for _name, sql in triggers:
        conn.exec_driver_sql(sql)


# Row triggers that the seeder's chunks replace by one set-based statement each (SQLite only): the search index's
# refresh of one decision on a new projection, disclosure or penalty item (migrations 410ede7f7ec4, 8b1e4c2d9f30)
# and the public data version's bump (migration c3a9d1e7b5f2).
_DEFERRED_TRIGGERS = ("SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND (name IN ('pr_records_ai', "
                      "'ps_disclosures_ai', 'ps_penalty_items_ai') OR sql LIKE '%public_data_version%') ORDER BY name")


@contextmanager
def public_index_deferred(conn: Connection, first_id: int, last_id: int) -> Iterator[None]:
    """Index the new decisions ``first_id``…``last_id`` written inside this block in one pass at its end, and raise
    ``public_data_version`` once, instead of per row.

    On SQLite the ``public_records`` insert trigger refreshes the search index one decision at a time (four reads of
    the ``public_search_source`` view each; the disclosure and penalty item insert triggers read it again), and the
    version triggers run one UPDATE per row of ``public_records`` and ``public_search``: ≈ 225 µs per decision,
    against ≈ 45 µs for the same rows inserted from the view in one statement. Inside this block those triggers are
    set aside — in the caller's transaction only, restored from their own stored SQL before it commits (a rollback
    restores them too), so no other connection ever sees them missing — and at its end the index rows of the range
    come from the same view the triggers read. Only for decisions that are new in this transaction (none of them
    indexed yet): a row already indexed makes the insert fail loudly. PostgreSQL's triggers are statement triggers
    that already index a whole COPY at once, so there they stay."""
    if conn.dialect.name != "sqlite":
        yield
        return
    with sqlite_triggers_set_aside(conn, _DEFERRED_TRIGGERS):
        yield
        columns = ", ".join(c.name for c in PublicSearch.__table__.columns)
        in_range = "FROM public_search_source WHERE decision_id BETWEEN ? AND ?"
        conn.exec_driver_sql(f"INSERT INTO public_search ({columns}) SELECT {columns} {in_range}",
                             (first_id, last_id))
        conn.exec_driver_sql(f"INSERT INTO public_search_doc (decision_id, doc) SELECT decision_id, doc {in_range}",
                             (first_id, last_id))
    conn.exec_driver_sql("UPDATE public_data_version SET version = version + 1 WHERE id = 1")
