"""Annual statistics and disclosure clocks read from the database agree with independent counts."""

from __future__ import annotations

from collections import Counter

from sqlalchemy import select

from db import models as m
from db.stats import annual_facts, clock_summary, disclosure_clocks, enforcing_agencies, worst_late
from domain.deadlines import DISCLOSURE_WORDING
from domain.enums import ActionCategory, DueState
from domain.statistics import annual_report
from domain.workdays import WorkCalendar
from sample_data.generator import AS_OF


def test_annual_report_counts_each_decision_once_by_agency(seeded_engine) -> None:
    facts, reported = annual_facts(seeded_engine, 2025)
    report = annual_report(facts, 2025, enforcing_agencies(seeded_engine), reported)
    with seeded_engine.connect() as conn:
        rows = conn.execute(select(m.Case.agency_id, m.Decision.category)
                            .join(m.Case, m.Case.id == m.Decision.case_id)
                            .where(m.Decision.decided_on.between("2025-01-01", "2025-12-31"))).all()
    penalties = Counter(a for a, c in rows if c is ActionCategory.PENALTY)
    for agency_id, n in penalties.items():
        assert report.row(agency_id).values["penalty.total"] == n
    assert report.totals.values["penalty.total"] == sum(penalties.values())
    by_type = sum(v for k, v in report.totals.values.items()
                  if k.startswith("penalty.") and k not in ("penalty.total", "penalty.amount"))
    assert by_type == sum(penalties.values())  # every decision under exactly one heaviest type


def test_supervising_bureau_is_not_an_enforcing_agency(seeded_engine) -> None:
    assert all("司法局" not in name for name in enforcing_agencies(seeded_engine).values())


def test_amount_is_exact_decimal(seeded_engine) -> None:
    facts, reported = annual_facts(seeded_engine, 2024)
    report = annual_report(facts, 2024, enforcing_agencies(seeded_engine), reported)
    expected = sum((f.amount for f in facts), start=type(facts[0].fine_total)(0))
    assert report.totals.values["penalty.amount"] == expected


def test_agency_without_data_is_unreported(seeded_engine) -> None:
    facts, reported = annual_facts(seeded_engine, 2019)
    report = annual_report(facts, 2019, enforcing_agencies(seeded_engine), reported)
    assert {r.status.value for r in report.rows} == {"未报送"}


def test_clock_summary_matches_clock_rows(seeded_engine) -> None:
    clocks = disclosure_clocks(seeded_engine, AS_OF, WorkCalendar())
    summary = clock_summary(clocks)
    assert summary["decisions"].sum() == len(clocks)
    assert summary["late"].sum() == (clocks["clock"] == DISCLOSURE_WORDING[DueState.LATE]).sum() > 0
    public_late = worst_late(clocks, public_only=True, limit=10_000)
    assert public_late["public"].all()
    assert (public_late["clock"] == DISCLOSURE_WORDING[DueState.LATE]).all()  # unpublished overdue ones are never named
