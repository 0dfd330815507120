"""Rows written by the bulk path read back through the ORM with exact money and timezone-aware instants."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from db import models as m
from db.bulk import insert_rows, reset_sequences
from db.types import Money
from domain.enums import AgencyKind, AgencyLevel, PartyType


def _roundtrip(engine) -> None:
    with Session(engine) as s:
        s.add(m.Agency(code="T", name="测试局", short_name="测试", level=AgencyLevel.COUNTY, kind=AgencyKind.STATUTORY,
                       region_code="449901", region_name="青石区"))
        s.commit()
    amounts = [Decimal("17124000.00"), Decimal("0.10"), Decimal("16217.47")]
    moment = dt.datetime(2026, 9, 8, 9, 30, 15, 123456, tzinfo=dt.timezone(dt.timedelta(hours=8)))
    with engine.begin() as conn:
        insert_rows(conn, m.Party.__table__, ("id", "party_type", "name", "is_minor", "created_at"),
                    [(i + 1, PartyType.LEGAL_PERSON, f"公司{i}", False, moment) for i in range(3)])
        insert_rows(conn, m.Case.__table__,
                    ("id", "case_no", "agency_id", "party_id", "procedure", "filed_on", "status", "origin",
                     "violation", "facts", "is_major", "confidential", "major_reasons", "chain_head", "created_at",
                     "internal_note", "decision_extension_days"),
                    # imported history: the 1,712万 fine is a major decision without review, accepted only marked
                    [(i + 1, f"C{i}", 1, i + 1, "普通程序", dt.date(2026, 9, 1), "已决定", "导入", "v", "f", False,
                      False, "", "0" * 64, moment, "", 0) for i in range(3)])
        insert_rows(conn, m.Decision.__table__,
                    ("id", "case_id", "decision_no", "decided_on", "category", "conclusion", "legal_basis",
                     "fine_total", "confiscation_total", "unreviewed_major", "created_at", "discretion_statement"),
                    [(i + 1, i + 1, f"D{i}", dt.date(2026, 9, 8), "行政处罚", "罚款", "依据", a, Decimal(0),
                      a >= Decimal("100000"), moment, "")
                     for i, a in enumerate(amounts)])
        reset_sequences(conn, [m.Decision.__table__, m.Case.__table__, m.Party.__table__])
    with Session(engine) as s:
        got = s.scalars(select(m.Decision).order_by(m.Decision.id)).all()
        assert [d.fine_total for d in got] == amounts
        assert all(isinstance(d.fine_total, Decimal) for d in got)
        assert got[0].created_at == moment and got[0].created_at.tzinfo is not None
        assert s.scalar(select(func.sum(m.Decision.fine_total, type_=Money()))) == sum(amounts)
        # the sequence moved past the explicit ids: an ORM insert gets a fresh id
        s.add(m.Party(party_type=PartyType.NATURAL_PERSON, name="张某"))
        s.commit()
        assert s.scalar(select(func.max(m.Party.id))) == 4


def test_bulk_roundtrip_sqlite(sqlite_engine) -> None:
    _roundtrip(sqlite_engine)


@pytest.mark.postgres
def test_bulk_roundtrip_postgres(pg_engine) -> None:
    _roundtrip(pg_engine)


def test_money_refuses_floats(sqlite_engine) -> None:
    with Session(sqlite_engine) as s:
        s.add(m.Agency(code="F", name="浮点局", short_name="浮点", level=AgencyLevel.COUNTY, kind=AgencyKind.STATUTORY,
                       region_code="1", region_name="x", major_fine_person=1.5))
        with pytest.raises(Exception, match="float"):
            s.commit()
