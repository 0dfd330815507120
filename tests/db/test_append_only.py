"""Found: nothing in the database stopped UPDATE or DELETE on case events or the audit log. Triggers now refuse
them on SQLite and PostgreSQL — for the full-process record (events, their officers and evidence), the audit log and
decided legal-review rounds — whoever sends the SQL. A pending review round may be decided once."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine, text
from sqlalchemy.exc import DatabaseError

from db.append_only import suspended
from sample_data.generator import clear_all, is_empty


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def engine(request) -> Engine:
    copy = request.getfixturevalue("seeded_sqlite_copy" if request.param == "sqlite" else "seeded_pg_copy")
    return copy(60, 3)


def _one(engine: Engine, sql: str):
    with engine.connect() as conn:
        return conn.execute(text(sql)).first()


STATEMENTS = [
    ("case_events", "UPDATE case_events SET note = '改' WHERE id = {id}", "SELECT id FROM case_events"),
    ("case_events", "DELETE FROM case_events WHERE id = {id}", "SELECT id FROM case_events"),
    ("event_officers", "UPDATE event_officers SET officer_id = officer_id WHERE event_id = {id}",
     "SELECT event_id FROM event_officers"),
    ("event_officers", "DELETE FROM event_officers WHERE event_id = {id}", "SELECT event_id FROM event_officers"),
    ("evidence_files", "UPDATE evidence_files SET sha256 = '{zeros}' WHERE id = {id}", "SELECT id FROM evidence_files"),
    ("evidence_files", "DELETE FROM evidence_files WHERE id = {id}", "SELECT id FROM evidence_files"),
    ("audit_log", "UPDATE audit_log SET actor = 'x' WHERE id = {id}", "SELECT id FROM audit_log"),
    ("audit_log", "DELETE FROM audit_log WHERE id = {id}", "SELECT id FROM audit_log"),
    ("legal_reviews", "UPDATE legal_reviews SET opinion = '改' WHERE id = {id}",
     "SELECT id FROM legal_reviews WHERE outcome IS NOT NULL"),
    ("legal_reviews", "DELETE FROM legal_reviews WHERE id = {id}", "SELECT id FROM legal_reviews"),
]


@pytest.mark.parametrize(("table", "statement", "pick"), STATEMENTS,
                         ids=[f"{t}-{s.split()[0]}" for t, s, _ in STATEMENTS])
def test_update_and_delete_are_refused_by_the_database(engine: Engine, table: str, statement: str, pick: str) -> None:
    row = _one(engine, pick)
    assert row is not None, f"the sample has no {table} row to try"
    with pytest.raises(DatabaseError, match="append-only"), engine.begin() as conn:
        conn.execute(text(statement.format(id=row[0], zeros="0" * 64)))
    with engine.connect() as conn:  # nothing changed
        assert conn.execute(text(pick)).first() is not None


@pytest.mark.postgres
def test_truncate_is_refused_on_postgres(seeded_pg_copy) -> None:
    engine = seeded_pg_copy(60, 3)
    for table in ("case_events", "audit_log"):
        with pytest.raises(DatabaseError, match="append-only"), engine.begin() as conn:
            conn.execute(text(f"TRUNCATE {table} CASCADE"))


def test_a_pending_review_round_may_be_decided_once(engine: Engine) -> None:
    pending = _one(engine, "SELECT id FROM legal_reviews WHERE outcome IS NULL")
    if pending is None:
        with engine.begin() as conn:
            case_id = conn.execute(text("SELECT id FROM cases ORDER BY id LIMIT 1")).scalar_one()
            conn.execute(text("INSERT INTO legal_reviews (case_id, round_no, submitted_on, opinion, checklist) "
                              "VALUES (:c, 99, '2026-11-01', '', '{}')"), {"c": case_id})
        pending = _one(engine, "SELECT id FROM legal_reviews WHERE outcome IS NULL")
    with engine.begin() as conn:
        conn.execute(text("UPDATE legal_reviews SET outcome = '同意', reviewed_on = submitted_on, opinion = '同意' "
                          "WHERE id = :i"), {"i": pending[0]})
    with pytest.raises(DatabaseError, match="append-only"), engine.begin() as conn:
        conn.execute(text("UPDATE legal_reviews SET outcome = '存在问题' WHERE id = :i"), {"i": pending[0]})


def test_inserts_still_work_and_the_triggers_survive_a_suspension(engine: Engine) -> None:
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO audit_log (occurred_at, actor, action, entity, detail) "
                          "VALUES (CURRENT_TIMESTAMP, 'tester', 'probe', 'audit_log', '{}')"))
    with engine.begin() as conn, suspended(conn):
        conn.execute(text("UPDATE audit_log SET detail = '{\"x\": 1}' WHERE actor = 'tester'"))
    with pytest.raises(DatabaseError, match="append-only"), engine.begin() as conn:
        conn.execute(text("DELETE FROM audit_log WHERE actor = 'tester'"))


def test_a_failed_suspension_leaves_the_triggers_in_place(engine: Engine) -> None:
    """The suspension is part of the caller's transaction: if the block fails, the rollback restores them (on
    SQLite the DROP used to run before the driver had opened a transaction, and so committed on its own)."""
    with pytest.raises(RuntimeError), engine.begin() as conn, suspended(conn):
        raise RuntimeError("a failed reset")
    with pytest.raises(DatabaseError, match="append-only"), engine.begin() as conn:
        conn.execute(text("DELETE FROM audit_log"))


def test_seed_reset_empties_a_sample_database_despite_the_triggers(engine: Engine) -> None:
    clear_all(engine)
    assert is_empty(engine)
    with pytest.raises(DatabaseError, match="append-only"), engine.begin() as conn:  # and they are back
        conn.execute(text("INSERT INTO audit_log (occurred_at, actor, action, entity, detail) "
                          "VALUES (CURRENT_TIMESTAMP, 'a', 'b', 'c', '{}')"))
        conn.execute(text("DELETE FROM audit_log"))
