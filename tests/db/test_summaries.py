"""decision_facts stays equal to a full recomputation whatever is written — decisions, penalties, publication,
withdrawal, parties, calendar entries — once db.summaries has refreshed what the triggers queued (SQLite and
PostgreSQL); and the annual data and disclosure clocks read from it equal the old per-decision computation."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pandas as pd
import pytest
from sqlalchemy import Engine, exists, func, insert, select, update

from db import models as m
from db import stats
from db.commands import declare_calendar_year, remove_calendar_day, set_calendar_day
from db.summaries import FACTS, QUEUE, calendar_of, current_version, fact_row, refresh
from domain.deadlines import DISCLOSURE_WORDING
from domain.enums import ActionCategory, DisclosureStatus, DueState, PartyType, PenaltyType, WithdrawalReason
from domain.statistics import annual_report
from domain.workdays import WorkCalendar


def stored(engine: Engine) -> dict[int, dict[str, Any]]:
    with engine.connect() as conn:
        return {r["decision_id"]: dict(r) for r in conn.execute(select(FACTS)).mappings()}


def recomputed(engine: Engine) -> dict[int, dict[str, Any]]:
    """Every row computed afresh from the source tables, with the calendar as it is now."""
    from db.summaries import _source

    with engine.connect() as conn:
        calendar = calendar_of(conn)
        return {r.id: fact_row(r, calendar) for r in conn.execute(_source(conn))}


def queued(engine: Engine) -> int:
    with engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(QUEUE)).scalar_one()


def differing(engine: Engine) -> set[int]:
    have, want = stored(engine), recomputed(engine)
    return {i for i in have.keys() | want.keys() if have.get(i) != want.get(i)}


def one(engine: Engine, stmt) -> Any:
    with engine.connect() as conn:
        return conn.execute(stmt.limit(1)).scalar_one()


def test_the_seed_leaves_every_fact_current(seeded: Engine) -> None:
    assert queued(seeded) == 0
    facts = stored(seeded)
    with seeded.connect() as conn:
        assert len(facts) == conn.execute(select(func.count()).select_from(m.Decision)).scalar_one() > 0
    assert differing(seeded) == set()


def test_writes_are_queued_and_refreshed_to_a_full_recomputation(seeded: Engine) -> None:
    d, s, p, c, i = m.Decision, m.Disclosure, m.Party, m.Case, m.PenaltyItem
    version = current_version(seeded)
    draft = one(seeded, select(s.decision_id).where(s.status == DisclosureStatus.DRAFT, s.withheld_reason.is_(None)))
    published = one(seeded, select(s.decision_id).where(s.status == DisclosureStatus.PUBLISHED,
                                                        s.decision_id != draft).order_by(s.decision_id))
    penalty = one(seeded, select(d.id).where(d.category == ActionCategory.PENALTY, d.id.not_in([draft, published]))
                  .order_by(d.id.desc()))
    undecided = one(seeded, select(c.id).where(~exists().where(d.case_id == c.id)).order_by(c.id))
    natural = one(seeded, select(p.id).where(p.party_type == PartyType.NATURAL_PERSON).order_by(p.id))
    with seeded.begin() as conn:
        # publication of a draft, long after its deadline
        conn.execute(update(s).where(s.decision_id == draft)
                     .values(status=DisclosureStatus.PUBLISHED, published_on=dt.date(2026, 11, 27)))
        # withdrawal, and a later date of the decision
        conn.execute(update(s).where(s.decision_id == published).values(
            status=DisclosureStatus.WITHDRAWN, withdrawn_on=dt.date(2026, 11, 27),
            withdrawal_reason=WithdrawalReason.REVOKED))
        conn.execute(update(d).where(d.id == published).values(decided_on=dt.date(2026, 10, 9)))
        # a heavier penalty changes the report column; the amount changes the 罚没金额
        conn.execute(insert(i).values(decision_id=penalty, penalty_type=PenaltyType.DETENTION, amount=None))
        conn.execute(update(d).where(d.id == penalty).values(fine_total=Decimal("1234.56")))
        # the party becomes an organisation (suppression counts natural persons)
        conn.execute(update(p).where(p.id == natural).values(party_type=PartyType.LEGAL_PERSON))
        # a new decision, published on time
        new_id = conn.execute(insert(d).values(
            case_id=undecided, decision_no="测试决〔2026〕1号", decided_on=dt.date(2026, 11, 2),
            category=ActionCategory.PENALTY, conclusion="罚款", legal_basis="", fine_total=Decimal("500"),
            confiscation_total=Decimal("0")).returning(d.id)).scalar_one()
        conn.execute(insert(i).values(decision_id=new_id, penalty_type=PenaltyType.FINE, amount=Decimal("500")))
        conn.execute(insert(s).values(decision_id=new_id, status=DisclosureStatus.PUBLISHED,
                                      published_on=dt.date(2026, 11, 4)))
    changed = differing(seeded)
    assert {draft, published, penalty, new_id} <= changed  # stale until refreshed: the check below can fail
    assert queued(seeded) >= len(changed)
    assert current_version(seeded) != version
    assert queued(seeded) == 0
    assert differing(seeded) == set()
    facts = stored(seeded)
    assert facts[draft]["late_workdays"] > 0 and facts[draft]["published_on"] == dt.date(2026, 11, 27)
    assert facts[penalty]["report_column"] == "penalty.detention"
    assert facts[new_id]["late_workdays"] == 0 and facts[new_id]["amount"] == Decimal("500")

    # deleting the decision's rows leaves no fact behind
    with seeded.begin() as conn:
        conn.execute(s.__table__.delete().where(s.decision_id == new_id))
        conn.execute(i.__table__.delete().where(i.decision_id == new_id))
        conn.execute(d.__table__.delete().where(d.id == new_id))
    with seeded.begin() as conn:
        assert refresh(conn) >= 1
    assert new_id not in stored(seeded)
    assert differing(seeded) == set()


def test_a_calendar_entry_recomputes_the_deadlines_it_moves(seeded: Engine) -> None:
    f = m.DecisionFactRow
    current_version(seeded)
    # A working day inside some decisions' disclosure windows becomes a holiday.
    day = one(seeded, select(f.deadline).where(f.deadline.is_not(None)).order_by(f.deadline.desc()))
    before = stored(seeded)
    version = current_version(seeded)
    assert set_calendar_day(seeded, day, False, "测试", "tester").ok
    assert queued(seeded) > 0
    assert differing(seeded)  # the stored deadlines are stale until refreshed
    assert current_version(seeded) != version
    assert differing(seeded) == set()
    after = stored(seeded)
    moved = {i for i in before if before[i]["deadline"] != after[i]["deadline"]}
    assert moved and all(after[i]["deadline"] > before[i]["deadline"] for i in moved)

    assert remove_calendar_day(seeded, day, "tester").ok
    current_version(seeded)
    assert stored(seeded) == before


def test_declaring_a_year_official_clears_its_provisional_deadlines(seeded: Engine) -> None:
    d, s, c = m.Decision, m.Disclosure, m.Case
    year = WorkCalendar.covered_years().stop  # the first year without a bundled official calendar
    undecided = one(seeded, select(c.id).where(~exists().where(d.case_id == c.id)).order_by(c.id))
    with seeded.begin() as conn:
        late_in_year = conn.execute(insert(d).values(
            case_id=undecided, decision_no="测试决〔暂定〕1号", decided_on=dt.date(year - 1, 12, 29),
            category=ActionCategory.LICENCE, conclusion="准予许可", legal_basis="", fine_total=Decimal("0"),
            confiscation_total=Decimal("0")).returning(d.id)).scalar_one()
        conn.execute(insert(s).values(decision_id=late_in_year, status=DisclosureStatus.DRAFT))
    current_version(seeded)
    assert stored(seeded)[late_in_year]["provisional"] is True
    assert set_calendar_day(seeded, dt.date(year, 1, 1), False, "元旦", "tester").ok
    assert declare_calendar_year(seeded, year, "测试", "tester", dt.date(year - 1, 12, 30)).ok
    assert queued(seeded) > 0
    current_version(seeded)
    assert stored(seeded)[late_in_year]["provisional"] is False
    assert differing(seeded) == set()


# ------------------------------------------------------------------------------ old per-decision path vs facts


def test_annual_data_from_the_facts_equal_the_per_decision_count(seeded_engine: Engine) -> None:
    suppressed = 0
    for year in stats.decision_years(seeded_engine):
        facts, reported = stats.annual_facts(seeded_engine, year)
        old = annual_report(facts, year, stats.enforcing_agencies(seeded_engine), reported)
        new = stats.annual_report_from_facts(seeded_engine, year)
        assert new.to_records(suppress=False) == old.to_records(suppress=False)
        assert new.to_records(suppress=True) == old.to_records(suppress=True)
        assert new.suppressed_cells() == old.suppressed_cells()
        assert new.unreported_decisions == old.unreported_decisions
        suppressed += len(old.suppressed_cells())
    assert suppressed > 0  # the comparison covers hidden cells


def _reference_worst(clocks: pd.DataFrame, *, public_only: bool, limit: int) -> pd.DataFrame:
    """db.stats.worst_late with a total order (its sort leaves ties between equal rows unordered)."""
    late = clocks[clocks["clock"].isin([DISCLOSURE_WORDING[DueState.LATE], DISCLOSURE_WORDING[DueState.OVERDUE]])]
    if public_only:
        late = late[late["public"]]
    order = late.assign(_behind=-late["late_workdays"]).sort_values(["_behind", "decided_on", "decision_id"])
    return order.drop(columns="_behind").head(limit).reset_index(drop=True)


@pytest.mark.parametrize("today", [dt.date(2025, 6, 3), dt.date(2026, 11, 20), dt.date(2027, 3, 1)])
def test_disclosure_clocks_from_the_facts_equal_the_per_decision_clocks(seeded_engine: Engine, today) -> None:
    calendar = stats.load_calendar(seeded_engine)
    current_version(seeded_engine)
    clocks = stats.disclosure_clocks(seeded_engine, today, calendar)
    old = stats.clock_summary(clocks).sort_values("agency").reset_index(drop=True)
    for public_only in (True, False):
        for limit in (20, 100_000):
            overview = stats.clock_overview(seeded_engine, today, calendar, public_only=public_only, limit=limit)
            new = overview.per_agency.sort_values("agency").reset_index(drop=True)
            pd.testing.assert_frame_equal(new, old, check_dtype=False)
            pd.testing.assert_frame_equal(overview.worst_late.reset_index(drop=True),
                                          _reference_worst(clocks, public_only=public_only, limit=limit),
                                          check_dtype=False)
            assert overview.provisional == bool(clocks["provisional"].any())
    assert (old["overdue"].sum() > 0) and (old["late"].sum() > 0)


def test_versions_start_again_after_the_tables_were_emptied(seeded: Engine) -> None:
    from db.summaries import VERSION, current_version, mark_changed

    with seeded.begin() as conn:
        conn.execute(VERSION.delete())
        conn.execute(insert(QUEUE).values(decision_id=select(func.min(m.Decision.id)).scalar_subquery()))
    first = current_version(seeded)
    assert first  # the row is back, at a random version
    with seeded.begin() as conn:
        mark_changed(conn)
    assert current_version(seeded) != first


def test_a_held_projection_is_not_published_on_the_disclosure_clock(seeded: Engine) -> None:
    """A decision the public cannot see (its projection held for redaction review) is not yet published, whatever
    its disclosure row records; released again, it counts from its recorded date."""
    from db.stats import disclosure_clocks, load_calendar

    s, r = m.Disclosure, m.PublicRecord
    current_version(seeded)
    decided = one(seeded, select(s.decision_id).join(r, r.decision_id == s.decision_id)
                  .where(s.status == DisclosureStatus.PUBLISHED, s.withheld_reason.is_(None),
                         r.held_reason.is_(None)).order_by(s.decision_id))
    before = stored(seeded)[decided]
    assert before["published_on"] is not None

    def clock_of(engine: Engine) -> dict[str, Any]:
        clocks = disclosure_clocks(engine, dt.date(2026, 11, 30), load_calendar(engine))
        return clocks.set_index("decision_id").loc[decided].to_dict()

    with seeded.begin() as conn:
        conn.execute(update(r).where(r.decision_id == decided).values(held_reason="脱敏后仍含个人信息"))
    assert queued(seeded) > 0
    current_version(seeded)
    assert differing(seeded) == set()
    held = stored(seeded)[decided]
    assert held["published_on"] is None and held["deadline"] == before["deadline"]
    reference = clock_of(seeded)
    assert reference["published_on"] is None and not reference["public"]  # never named on a public page
    assert reference["clock"] == DISCLOSURE_WORDING[DueState.OVERDUE]

    with seeded.begin() as conn:
        conn.execute(update(r).where(r.decision_id == decided).values(held_reason=None))
    current_version(seeded)
    assert differing(seeded) == set()
    assert stored(seeded)[decided] == before
    assert clock_of(seeded)["public"]
