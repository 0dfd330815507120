"""Direct SQL tampering with event rows — alter, delete, insert, reorder — is found by verify-chain, which names
the first broken event and exits 1; untouched data verifies with exit 0. On SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from sqlalchemy import Connection, Engine, text

import manage
from db.append_only import suspended
from db.integrity import case_chain_status, verify_chains


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def small_db(request, monkeypatch) -> tuple[Engine, str]:
    copy = request.getfixturevalue("seeded_sqlite_copy" if request.param == "sqlite" else "seeded_pg_copy")
    engine = copy(60, 3)
    url = engine.url.render_as_string(hide_password=False)
    monkeypatch.setenv("DATABASE_URL", url)
    return engine, url


@contextmanager
def _as_database_owner(engine: Engine) -> Iterator[Connection]:
    """Tampering as someone with the database owner's rights: the append-only triggers are lifted first (and put
    back), so what is tested here is that verify-chain still finds the change."""
    with engine.begin() as conn, suspended(conn):
        yield conn


def _case_with_events(engine: Engine, minimum: int = 5) -> tuple[int, str, list[tuple[int, int]]]:
    with engine.connect() as conn:
        case_id, case_no = conn.execute(text(
            "SELECT c.id, c.case_no FROM cases c WHERE (SELECT COUNT(*) FROM case_events e WHERE e.case_id = c.id) >= :n "
            "ORDER BY c.id LIMIT 1"), {"n": minimum}).one()
        events = [tuple(r) for r in conn.execute(
            text("SELECT id, seq FROM case_events WHERE case_id = :c ORDER BY seq"), {"c": case_id})]
    return case_id, case_no, events


def _run(capsys, *args: str) -> tuple[int, str]:
    code = manage.main(["verify-chain", *args])
    out = capsys.readouterr()
    return code, out.out + out.err


def test_untouched_data_verifies(small_db, capsys) -> None:
    code, out = _run(capsys)
    assert code == 0
    assert "已校验 60 件案件" in out and "全部记录链完整" in out


def test_altered_event_is_named(small_db, capsys) -> None:
    engine, _ = small_db
    case_id, case_no, events = _case_with_events(engine)
    event_id = events[2][0]
    with _as_database_owner(engine) as conn:
        conn.execute(text("UPDATE case_events SET note = '事后补记' WHERE id = :i"), {"i": event_id})
    code, out = _run(capsys)
    assert code == 1
    assert f"案件 {case_no}" in out and f"event id={event_id}" in out and "第 3 条" in out
    assert case_chain_status(engine, case_id).event_id == event_id


def test_deleted_event_is_named(small_db, capsys) -> None:
    engine, _ = small_db
    _, case_no, events = _case_with_events(engine)
    with _as_database_owner(engine) as conn:
        conn.execute(text("DELETE FROM event_officers WHERE event_id = :i"), {"i": events[1][0]})
        conn.execute(text("DELETE FROM evidence_files WHERE event_id = :i"), {"i": events[1][0]})
        conn.execute(text("DELETE FROM case_events WHERE id = :i"), {"i": events[1][0]})
    code, out = _run(capsys, "--case", case_no)
    assert code == 1
    assert f"event id={events[2][0]}" in out  # the event after the gap no longer follows its predecessor


def test_deleted_last_event_is_found_by_the_case_head(small_db, capsys) -> None:
    engine, _ = small_db
    case_id, case_no, events = _case_with_events(engine)
    last = events[-1][0]
    with _as_database_owner(engine) as conn:
        for table in ("event_officers", "evidence_files"):
            conn.execute(text(f"DELETE FROM {table} WHERE event_id = :i"), {"i": last})
        conn.execute(text("DELETE FROM case_events WHERE id = :i"), {"i": last})
    code, out = _run(capsys)
    assert code == 1 and f"案件 {case_no}" in out and "缺失" in out


def test_inserted_event_is_named(small_db, capsys) -> None:
    engine, _ = small_db
    case_id, case_no, events = _case_with_events(engine)
    with _as_database_owner(engine) as conn:
        # make room at seq 2 and insert a forged event copying seq 1's hashes
        conn.execute(text("UPDATE case_events SET seq = seq + 100 WHERE case_id = :c AND seq >= 2"), {"c": case_id})
        conn.execute(text("UPDATE case_events SET seq = seq - 99 WHERE case_id = :c AND seq >= 102"), {"c": case_id})
        conn.execute(text(
            "INSERT INTO case_events (id, case_id, seq, occurred_at, stage, action, officer_cert_nos, record_forms, "
            "note, recorded_at, recorded_by, prev_hash, hash) SELECT 999999, case_id, 2, occurred_at, stage, '伪造记录', "
            "officer_cert_nos, record_forms, note, recorded_at, recorded_by, hash, hash FROM case_events "
            "WHERE case_id = :c AND seq = 1"), {"c": case_id})
    code, out = _run(capsys)
    assert code == 1 and f"案件 {case_no}" in out and "event id=999999" in out


def test_reordered_events_are_named(small_db, capsys) -> None:
    engine, _ = small_db
    case_id, case_no, events = _case_with_events(engine)
    (id2, _), (id3, _) = events[1], events[2]
    with _as_database_owner(engine) as conn:
        conn.execute(text("UPDATE case_events SET seq = 1000 WHERE id = :i"), {"i": id2})
        conn.execute(text("UPDATE case_events SET seq = 2 WHERE id = :i"), {"i": id3})
        conn.execute(text("UPDATE case_events SET seq = 3 WHERE id = :i"), {"i": id2})
    code, out = _run(capsys)
    assert code == 1 and f"案件 {case_no}" in out and f"event id={id3}" in out


def test_report_counts_every_event(small_db) -> None:
    engine, _ = small_db
    with engine.connect() as conn:
        n = conn.execute(text("SELECT COUNT(*) FROM case_events")).scalar_one()
    report = verify_chains(engine)
    assert (report.cases_checked, report.events_checked, report.first_break) == (60, n, None)


def test_parallel_and_single_process_agree(small_db) -> None:
    engine, _ = small_db
    case_id, _, events = _case_with_events(engine)
    with _as_database_owner(engine) as conn:
        conn.execute(text("UPDATE case_events SET action = 'x' WHERE id = :i"), {"i": events[0][0]})
    assert verify_chains(engine, workers=1) == verify_chains(engine, workers=2)
