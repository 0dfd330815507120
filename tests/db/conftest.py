"""Fixtures shared by the db tests."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from sqlalchemy import Engine

from db import models as m
from domain.enums import AgencyKind, AgencyLevel
from tests.conftest import SMALL_SEED_CASES


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def seeded(request) -> Engine:
    """A copy of the small sample database (seed 7), on SQLite and on PostgreSQL; a test module may define its own."""
    factory = request.getfixturevalue("seeded_sqlite_copy" if request.param == "sqlite" else "seeded_pg_copy")
    return factory(SMALL_SEED_CASES, 7)


AG1 = "临江市青石区市场监督管理局"
AG2 = "临江市生态环境局青石分局"


def add_two_agencies(engine: Engine, **first: str) -> None:
    """The market regulator (major thresholds 1万/10万) and the environment bureau (5,000/5万, to show per-agency
    thresholds); ``first`` overrides text fields of the first one."""
    now = dt.datetime.now(dt.UTC)
    blank = dict(duties="", legal_basis_summary="", remedy_channels="", contact="", address="")
    common = dict(level=AgencyLevel.COUNTY, kind=AgencyKind.STATUTORY, region_code="449901",
                  region_name="临江市青石区", created_at=now, hearing_fine_person=Decimal("10000"),
                  hearing_fine_org=Decimal("100000"))
    with engine.begin() as conn:
        conn.execute(m.Agency.__table__.insert(), [
            dict(code="QS-SCJG", name=AG1, short_name="区市场监管局", **common, **{**blank, **first},
                 major_fine_person=Decimal("10000"), major_fine_org=Decimal("100000")),
            dict(code="QS-STHJ", name=AG2, short_name="青石生态环境分局", **common, **blank,
                 major_fine_person=Decimal("5000"), major_fine_org=Decimal("50000")),
        ])
