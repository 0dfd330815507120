"""Append-only tables, enforced by the database itself: triggers refuse UPDATE and DELETE on the full-process record
(case events, their officers and evidence), the audit log, and decided legal-review rounds. The application never
changes these rows (a correction is a new row); the triggers make that true for anyone with a SQL prompt as well,
short of dropping them — which the chain anchors (db/anchors.py) catch.

A pending review round (outcome still NULL) may be decided once; after that the round is frozen.

Migration 9ef44e3a420a installs these triggers from a frozen copy of this SQL; ``suspended`` lifts them inside one
transaction for ``seed --reset`` (which empties a sample database and is audited).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import Connection

from db.bulk import begin_sqlite_transaction

APPEND_ONLY_TABLES = ("case_events", "event_officers", "evidence_files", "audit_log", "review_steps", "proposed_penalties")
DECIDED_ONCE_TABLE = "legal_reviews"
REFUSED = "append-only"  # in every refusal's message, so callers and tests can tell it apart


def create_sql(dialect: str) -> list[str]:
    if dialect == "sqlite":
        out = []
        for table in APPEND_ONLY_TABLES:
            for op in ("UPDATE", "DELETE"):
                out.append(f"CREATE TRIGGER append_only_{table}_{op.lower()} BEFORE {op} ON {table} "
                           f"BEGIN SELECT RAISE(ABORT, '{REFUSED}: {op} on {table} refused'); END")
        t = DECIDED_ONCE_TABLE
        out.append(f"CREATE TRIGGER append_only_{t}_update BEFORE UPDATE ON {t} WHEN OLD.outcome IS NOT NULL "
                   f"BEGIN SELECT RAISE(ABORT, '{REFUSED}: UPDATE of a decided round on {t} refused'); END")
        out.append(f"CREATE TRIGGER append_only_{t}_delete BEFORE DELETE ON {t} "
                   f"BEGIN SELECT RAISE(ABORT, '{REFUSED}: DELETE on {t} refused'); END")
        return out
    out = [f"""CREATE OR REPLACE FUNCTION append_only_refuse() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION '{REFUSED}: % on % refused', TG_OP, TG_TABLE_NAME USING ERRCODE = 'insufficient_privilege';
END $$"""]
    for table in APPEND_ONLY_TABLES:
        out.append(f"CREATE TRIGGER append_only_{table} BEFORE UPDATE OR DELETE ON {table} "
                   "FOR EACH ROW EXECUTE FUNCTION append_only_refuse()")
        out.append(f"CREATE TRIGGER append_only_{table}_truncate BEFORE TRUNCATE ON {table} "
                   "FOR EACH STATEMENT EXECUTE FUNCTION append_only_refuse()")
    t = DECIDED_ONCE_TABLE
    out.append(f"CREATE TRIGGER append_only_{t}_update BEFORE UPDATE ON {t} FOR EACH ROW "
               "WHEN (OLD.outcome IS NOT NULL) EXECUTE FUNCTION append_only_refuse()")
    out.append(f"CREATE TRIGGER append_only_{t}_delete BEFORE DELETE ON {t} FOR EACH ROW "
               "EXECUTE FUNCTION append_only_refuse()")
    out.append(f"CREATE TRIGGER append_only_{t}_truncate BEFORE TRUNCATE ON {t} "
               "FOR EACH STATEMENT EXECUTE FUNCTION append_only_refuse()")
    return out


def drop_sql(dialect: str) -> list[str]:
    if dialect == "sqlite":
        names = [f"append_only_{t}_{op}" for t in (*APPEND_ONLY_TABLES, DECIDED_ONCE_TABLE) for op in ("update", "delete")]
        return [f"DROP TRIGGER IF EXISTS {n}" for n in names]
    out = []
    for table in APPEND_ONLY_TABLES:
        out += [f"DROP TRIGGER IF EXISTS append_only_{table} ON {table}",
                f"DROP TRIGGER IF EXISTS append_only_{table}_truncate ON {table}"]
    t = DECIDED_ONCE_TABLE
    out += [f"DROP TRIGGER IF EXISTS append_only_{t}_{s} ON {t}" for s in ("update", "delete", "truncate")]
    return out


@contextmanager
def suspended(conn: Connection) -> Iterator[None]:
    """Lift the triggers for the rest of ``conn``'s transaction, and put them back before it commits. Both databases
    run DDL transactionally, so no other connection ever sees the tables unguarded after a commit."""
    dialect = conn.dialect.name
    begin_sqlite_transaction(conn)
    for statement in drop_sql(dialect):
        conn.exec_driver_sql(statement)
    yield
    for statement in create_sql(dialect):
        if not statement.startswith("CREATE OR REPLACE FUNCTION"):  # the function itself was never dropped
            conn.exec_driver_sql(statement)
