"""The seeder builds each decision's public record and discretion check in its worker processes, next to the rows it
generates, instead of reading the decisions back after writing them; so are the decision facts of the statistics
pages (db.summaries) and the completeness scores of the supervisors' page (db.completeness). What it writes must be
exactly what the path of every other writer (db.projection.project_decisions, db.discretion.recompute_checks,
db.summaries.rebuild, db.completeness.rebuild) writes for the same data: these tests seed a database, recompute them
from the stored rows, and compare every row."""

from __future__ import annotations

import functools

import pytest
from sqlalchemy import Engine, select, text

from db import models as m
from db.completeness import rebuild as rebuild_completeness
from db.discretion import recompute_checks
from db.projection import project_decisions, public_record
from db.summaries import rebuild as rebuild_facts
from domain.redaction import RedactionPolicy
from sample_data import generator
from sample_data.generator import SEED_TIME, seed

DERIVED = ("public_records", "discretion_checks", "public_search", "decision_facts", "case_completeness",
           "case_completeness_certs", "case_completeness_queue")


def _rows(engine: Engine) -> dict[str, list[tuple]]:
    out = {}
    with engine.connect() as conn:
        for name in DERIVED:
            table = m.Base.metadata.tables[name]
            out[name] = [tuple(r) for r in conn.execute(select(table).order_by(*table.primary_key.columns))]
        out["public_search_doc"] = [tuple(r) for r in conn.execute(
            text("SELECT decision_id, doc FROM public_search_doc ORDER BY decision_id"))]
    return out


def _recomputed(engine: Engine, policy: RedactionPolicy) -> dict[str, list[tuple]]:
    """The same tables after the ordinary writers' path rebuilt them from the stored decisions."""
    with engine.begin() as conn:
        ids = list(conn.execute(select(m.Decision.id).order_by(m.Decision.id)).scalars())
        conn.execute(m.PublicRecord.__table__.delete())
        project_decisions(conn, ids, policy, now=SEED_TIME)
        recompute_checks(conn, None, now=SEED_TIME)
        rebuild_facts(conn)
        rebuild_completeness(conn)
    return _rows(engine)


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def empty_engine(request) -> Engine:
    return request.getfixturevalue("sqlite_engine" if request.param == "sqlite" else "pg_engine")


@pytest.mark.parametrize("policy", [RedactionPolicy(), RedactionPolicy(mask_phone=False)],
                         ids=["default-policy", "phones-left-visible"])
def test_seeded_records_and_checks_equal_the_ordinary_writers(empty_engine: Engine, policy: RedactionPolicy,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    """A policy that leaves phones visible makes the check find the phones planted in 处罚内容, so held records
    (and their reasons) are compared too, not only clean ones."""
    monkeypatch.setattr(generator, "CHUNK", 150)  # several chunks: the worker processes build them
    monkeypatch.setattr(generator, "public_record", functools.partial(public_record, policy=policy))
    report = seed(empty_engine, 600, 3)
    seeded = _rows(empty_engine)
    reason = [c.name for c in m.PublicRecord.__table__.columns].index("held_reason")
    held = [r for r in seeded["public_records"] if r[reason] is not None]
    assert len(held) == report.held
    if policy.mask_phone:
        assert report.held == 0
    else:
        assert report.held > 0 and all("手机号码" in r[reason] for r in held)
    assert len(seeded["public_records"]) == report.rows["decisions"]
    columns = [c.name for c in m.DiscretionCheck.__table__.columns]
    checks = [dict(zip(columns, r, strict=True)) for r in seeded["discretion_checks"]]
    assert any(c["flags"] != "||" for c in checks) and any(c["robust_z"] is not None for c in checks)
    assert seeded["public_search"]
    assert seeded["case_completeness"] and seeded["case_completeness_certs"] and not seeded["case_completeness_queue"]
    assert _recomputed(empty_engine, policy) == seeded


# ------------------------------------------------------------------------------------------ public data version

VERSION = text("SELECT version FROM public_data_version WHERE id = 1")
VERSION_TRIGGERS = text("SELECT count(*) FROM sqlite_master WHERE type = 'trigger' "
                        "AND sql LIKE '%public_data_version%'")


def _version(engine: Engine) -> int:
    with engine.connect() as conn:
        return int(conn.execute(VERSION).scalar_one())


def test_the_version_rises_after_a_seed_and_after_ordinary_writes(empty_engine: Engine,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    """The seeder raises the version once per chunk instead of once per row; the triggers that raise it for every
    other writer are back after the seed."""
    monkeypatch.setattr(generator, "CHUNK", 100)
    before = _version(empty_engine)
    seed(empty_engine, 250, 4)
    after_seed = _version(empty_engine)
    assert after_seed > before
    if empty_engine.dialect.name == "sqlite":
        with empty_engine.connect() as conn:
            assert conn.execute(VERSION_TRIGGERS).scalar_one() == 6
    with empty_engine.begin() as conn:  # an ordinary writer: a correction re-projects one decision
        decision_id = conn.execute(select(m.PublicRecord.decision_id).limit(1)).scalar_one()
        project_decisions(conn, [decision_id])
    assert _version(empty_engine) > after_seed


def test_a_deferred_index_equals_the_row_triggers_and_raises_the_version_once(sqlite_engine: Engine) -> None:
    from db.bulk import public_index_deferred, write_prepared
    from db.projection import RECORD_COLUMNS

    seed(sqlite_engine, 60, 2)
    indexed = _rows(sqlite_engine)
    records = m.PublicRecord.__table__
    with sqlite_engine.begin() as conn:
        stored = [tuple(r) for r in conn.execute(text(f"SELECT {', '.join(RECORD_COLUMNS)} FROM public_records "
                                                      "ORDER BY decision_id"))]
    ids = [r[0] for r in stored]
    with sqlite_engine.begin() as conn:  # the row triggers take these decisions out of the index
        conn.execute(records.delete())
    assert _rows(sqlite_engine)["public_search"] == []
    before = _version(sqlite_engine)
    with sqlite_engine.begin() as conn, public_index_deferred(conn, ids[0], ids[-1]):
        write_prepared(conn, records, RECORD_COLUMNS, stored)
        assert conn.execute(text("SELECT count(*) FROM public_search")).scalar_one() == 0  # not row by row
    assert _rows(sqlite_engine) == indexed
    assert _version(sqlite_engine) == before + 1
    with pytest.raises(RuntimeError), sqlite_engine.begin() as conn, public_index_deferred(conn, 0, 0):
        assert conn.execute(VERSION_TRIGGERS).scalar_one() == 0
        raise RuntimeError("a failed chunk")
    with sqlite_engine.connect() as conn:
        assert conn.execute(VERSION_TRIGGERS).scalar_one() == 6
    with sqlite_engine.begin() as conn:  # the triggers are back: an ordinary write raises the version
        project_decisions(conn, ids[:1])
    assert _version(sqlite_engine) > before + 1


COMPLETENESS_TRIGGERS = text("SELECT count(*) FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'cc!_%' "
                             "ESCAPE '!'")


def test_the_completeness_queue_triggers_are_set_aside_for_a_chunk_only(sqlite_engine: Engine) -> None:
    """The seeder writes the scores of its own cases, so the row triggers that would queue every step are set aside
    inside the chunk's transaction, and are back for every other writer, also after a failed chunk."""
    from db.completeness import QUEUE, queue_triggers_set_aside

    seed(sqlite_engine, 40, 2)
    with sqlite_engine.connect() as conn:
        installed = conn.execute(COMPLETENESS_TRIGGERS).scalar_one()
    assert installed > 10
    with pytest.raises(RuntimeError), sqlite_engine.begin() as conn, queue_triggers_set_aside(conn):
        assert conn.execute(COMPLETENESS_TRIGGERS).scalar_one() < installed
        raise RuntimeError("a failed chunk")
    with sqlite_engine.begin() as conn:
        assert conn.execute(COMPLETENESS_TRIGGERS).scalar_one() == installed
        case_id = conn.execute(select(m.Decision.case_id).limit(1)).scalar_one()
        conn.execute(m.Decision.__table__.update().where(m.Decision.case_id == case_id).values(conclusion=""))
        assert conn.execute(select(QUEUE.c.case_id)).scalars().all() == [case_id]


def test_a_chunk_leaves_no_cyclic_garbage(sqlite_engine: Engine, monkeypatch: pytest.MonkeyPatch) -> None:
    """The seed's workers build chunks with the cyclic collector off (it cost them ≈ 10 %): a chunk must leave no
    reference cycles behind, or a million-case seed would grow without bound."""
    import gc
    import random

    from sqlalchemy.orm import Session

    from domain.workdays import WorkCalendar

    with Session(sqlite_engine) as session:
        contexts = generator._write_static(session, random.Random(5), WorkCalendar())
        session.commit()
    with sqlite_engine.connect() as conn:
        derived = generator._load_derived(conn)
    gc.collect()
    assert gc.isenabled()
    rows = generator._generate_chunk((contexts, derived, 5, 0, 1, 300, "sqlite"))
    assert gc.isenabled()  # paused for the chunk only
    assert rows[0]["case_completeness"]
    del rows
    gc.disable()
    try:
        generator._chunk_rows((contexts, derived, 5, 1, 301, 300, "sqlite"))
        assert gc.collect() == 0
    finally:
        gc.enable()
