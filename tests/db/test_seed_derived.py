"""The seeder builds each decision's public record and discretion check in its worker processes, next to the rows it
generates, instead of reading the decisions back after writing them. What it writes must be exactly what the path
of every other writer (db.projection.project_decisions, db.discretion.recompute_checks) writes for the same data:
these tests seed a database, recompute both from the stored decisions, and compare every row."""

from __future__ import annotations

import functools

import pytest
from sqlalchemy import Engine, select, text

from db import models as m
from db.discretion import recompute_checks
from db.projection import project_decisions, public_record
from domain.redaction import RedactionPolicy
from sample_data import generator
from sample_data.generator import SEED_TIME, seed

DERIVED = ("public_records", "discretion_checks", "public_search")


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
    held = [r for r in seeded["public_records"] if r[-2] is not None]
    assert len(held) == report.held
    if policy.mask_phone:
        assert report.held == 0
    else:
        assert report.held > 0 and all("手机号码" in r[-2] for r in held)
    assert len(seeded["public_records"]) == report.rows["decisions"]
    columns = [c.name for c in m.DiscretionCheck.__table__.columns]
    checks = [dict(zip(columns, r, strict=True)) for r in seeded["discretion_checks"]]
    assert any(c["flags"] != "||" for c in checks) and any(c["robust_z"] is not None for c in checks)
    assert seeded["public_search"]
    assert _recomputed(empty_engine, policy) == seeded
