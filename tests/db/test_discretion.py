"""Discretion checks stored with each decision: what the seeded plantings look like to the checks (measured),
recomputation when a benchmark changes, the frozen read for the review form, resolutions (audited), and the public
comparable-decision figures (suppressed below three)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from sqlalchemy import Engine, select, update

from db import models as m
from db.discretion import (
    check_proposed,
    check_rows,
    comparable_decisions,
    comparable_for_tier,
    decision_check,
    flag_rates,
    flagged_decisions,
    recompute_checks,
    resolve_flag,
)
from domain.discretion_check import DiscretionFlag as F
from domain.discretion_check import ResolutionStatus, departs_from_benchmark

MEASURE_CASES = 10_000


def _flags(engine: Engine) -> dict[int, str]:
    with engine.connect() as conn:
        return dict(conn.execute(select(m.DiscretionCheck.decision_id, m.DiscretionCheck.flags)).all())


def test_seeded_plantings_are_found(sqlite_templates) -> None:
    """Measured on 10,000 seeded cases (seed 7): all 159 planted out-of-range fines and all 356 planted tier
    mismatches are flagged; 73 of 76 planted outliers (96 %) are flagged 畸重 — the other three were withdrawn or
    corrected and are excluded from comparison by rule; 37 of 6,972 decisions without a planted benchmark problem
    (0.53 %) are flagged 畸重/畸轻."""
    from db.engine import make_engine

    engine = make_engine(f"sqlite:///{sqlite_templates.path(MEASURE_CASES, 7)}")
    report = sqlite_templates.report(MEASURE_CASES, 7)
    flags = _flags(engine)
    planted = report.planted_decisions
    out_of_range, mismatch, outliers = planted["fine_out_of_range"], planted["tier_mismatch"], planted["outlier_fine"]
    assert len(out_of_range) == report.planted["fine_out_of_range"] > 100
    assert len(mismatch) == report.planted["tier_mismatch"] > 300
    assert all("|out_of_range|" in flags[d] for d in out_of_range)
    assert all("|tier_mismatch|" in flags[d] for d in mismatch)
    found = [d for d in outliers if "|too_heavy|" in flags[d]]
    assert len(found) >= 0.9 * len(outliers), f"{len(found)} / {len(outliers)}"
    unplanted = [d for d in flags if d not in out_of_range | mismatch | outliers]
    false = [d for d in unplanted if "|too_heavy|" in flags[d] or "|too_light|" in flags[d]]
    assert len(false) < 0.02 * len(unplanted), f"{len(false)} / {len(unplanted)}"
    engine.dispose()


def test_every_fine_with_a_benchmark_is_checked(seeded_engine: Engine) -> None:
    with seeded_engine.connect() as conn:
        linked = set(conn.execute(select(m.Decision.id).where(m.Decision.benchmark_tier_id.is_not(None))).scalars())
        checked = set(conn.execute(select(m.DiscretionCheck.decision_id)).scalars())
    assert linked and linked <= checked


def _a_flagged(engine: Engine, code: str) -> int:
    return next(d for d, f in sorted(_flags(engine).items()) if f"|{code}|" in f)


def test_frozen_check_for_the_review_form(seeded_engine: Engine) -> None:
    decision_id = _a_flagged(seeded_engine, "out_of_range")
    with seeded_engine.connect() as conn:
        case_id = conn.execute(select(m.Decision.case_id).where(m.Decision.id == decision_id)).scalar_one()
    stored = decision_check(seeded_engine, case_id=case_id)
    assert stored is not None and stored.decision_id == decision_id
    assert F.OUT_OF_RANGE in stored.flags and departs_from_benchmark(stored.check)
    assert "超出法定幅度" in stored.check.explanation() and stored.tier_standard
    with pytest.raises(AttributeError):
        stored.decision_id = 1  # type: ignore[misc]
    clean = next(d for d, f in sorted(_flags(seeded_engine).items()) if f == "||")
    stored_clean = decision_check(seeded_engine, decision_id=clean)
    assert stored_clean is not None and stored_clean.flags == () and not departs_from_benchmark(stored_clean.check)


def test_check_proposed_writes_nothing(seeded_engine: Engine) -> None:
    with seeded_engine.connect() as conn:
        tier = conn.execute(select(m.BenchmarkTier.id, m.BenchmarkTier.tier, m.BenchmarkTier.max_amount)
                            .where(m.BenchmarkTier.min_amount.is_not(None),
                                   m.BenchmarkTier.min_amount < m.BenchmarkTier.max_amount)).first()
    assert tier is not None
    inside = check_proposed(seeded_engine, benchmark_tier_id=tier.id, claimed_tier=tier.tier, amount=tier.max_amount,
                            base_amount=None, statement="适用裁量基准，情节一般。")
    assert inside is not None and F.OUT_OF_RANGE not in inside.flags and F.TIER_MISMATCH not in inside.flags
    above = check_proposed(seeded_engine, benchmark_tier_id=tier.id, claimed_tier=tier.tier,
                           amount=tier.max_amount * 100, base_amount=None, statement="")
    assert above is not None and F.OUT_OF_RANGE in above.flags and F.NO_STATEMENT in above.flags
    assert check_proposed(seeded_engine, benchmark_tier_id=None, claimed_tier=None, amount=Decimal(1),
                          base_amount=None, statement="") is None


def test_benchmark_change_is_recomputed(seeded_sqlite_copy) -> None:
    engine = seeded_sqlite_copy(600, 7)
    decision_id = _a_flagged(engine, "tier_mismatch")
    with engine.begin() as conn:
        tier_id, amount = conn.execute(select(m.Decision.benchmark_tier_id, m.Decision.fine_total)
                                       .where(m.Decision.id == decision_id)).one()
        # the issuer widens the tier so that the amount falls in it
        conn.execute(update(m.BenchmarkTier).where(m.BenchmarkTier.id == tier_id)
                     .values(range_kind="固定幅度", min_amount=Decimal(0), max_amount=amount,
                             standard_text="处罚款", base_name=None, min_factor=None, max_factor=None))
        recompute_checks(conn)
    assert "|tier_mismatch|" not in _flags(engine)[decision_id]
    engine.dispose()


def test_resolution_needs_a_note_and_is_audited(seeded_sqlite_copy) -> None:
    engine = seeded_sqlite_copy(600, 7)
    decision_id = _a_flagged(engine, "tier_mismatch")
    ok, message = resolve_flag(engine, decision_id=decision_id, flag=F.TIER_MISMATCH,
                               status=ResolutionStatus.EXPLAINED, note="  ", actor="supervisor")
    assert not ok and "处理说明" in message
    ok, message = resolve_flag(engine, decision_id=decision_id, flag=F.OUT_OF_RANGE,
                               status=ResolutionStatus.EXPLAINED, note="说明", actor="supervisor")
    assert not ok and "没有" in message
    ok, _ = resolve_flag(engine, decision_id=decision_id, flag=F.TIER_MISMATCH,
                         status=ResolutionStatus.EXPLAINED, note="集体讨论认定从重，记录已归档", actor="supervisor")
    assert ok
    open_rows, open_total = flagged_decisions(engine, flag=F.TIER_MISMATCH, status="open")
    done_rows, done_total = flagged_decisions(engine, flag=F.TIER_MISMATCH, status=ResolutionStatus.EXPLAINED.value)
    assert decision_id not in set(open_rows["decision_id"]) and list(done_rows["decision_id"]) == [decision_id]
    assert done_total == 1 and open_total >= 1
    with engine.connect() as conn:
        audit = conn.execute(select(m.AuditEntry.entity_id, m.AuditEntry.detail)
                             .where(m.AuditEntry.action == "resolve_discretion_flag")).all()
    assert len(audit) == 1 and audit[0].entity_id == str(decision_id) and "集体讨论" in audit[0].detail
    stored = decision_check(engine, decision_id=decision_id)
    assert stored is not None and F.TIER_MISMATCH not in stored.open_flags()
    engine.dispose()


def test_filters(seeded_engine: Engine) -> None:
    everything, total = flagged_decisions(seeded_engine)
    assert total == len(everything) > 0
    agency_rows, agency_total = flagged_decisions(seeded_engine, agency_id=2)
    assert 0 < agency_total < total
    window, _ = flagged_decisions(seeded_engine, start=dt.date(2025, 1, 1), end=dt.date(2025, 12, 31))
    assert all(dt.date(2025, 1, 1) <= d <= dt.date(2025, 12, 31) for d in window["决定日期"])
    only, _ = flagged_decisions(seeded_engine, flag=F.OUT_OF_RANGE)
    assert all("超出法定幅度" in f for f in only["标记"])


def test_flag_rates_state_counts(seeded_engine: Engine) -> None:
    rates = flag_rates(seeded_engine)
    assert (rates["核查决定数"] >= rates["被标记决定数"]).all()
    row = rates.iloc[0]
    assert row["每百件标记数"] == round(100 * row["被标记决定数"] / row["核查决定数"], 1)
    assert len(flag_rates(seeded_engine, by="month")) > 12


def test_flag_rates_per_officer_count_each_decision_of_their_cases(seeded_engine: Engine) -> None:
    from sqlalchemy import func, select

    from db import models as m

    with seeded_engine.connect() as conn:
        aid, officer_id, name, short = conn.execute(
            select(m.Agency.id, m.Officer.id, m.Officer.name, m.Agency.short_name)
            .join(m.Officer, m.Officer.agency_id == m.Agency.id)
            .join(m.EventOfficer, m.EventOfficer.officer_id == m.Officer.id).limit(1)).one()
        checked = conn.execute(
            select(func.count(func.distinct(m.DiscretionCheck.decision_id)))
            .join(m.Decision, m.Decision.id == m.DiscretionCheck.decision_id)
            .join(m.CaseEvent, m.CaseEvent.case_id == m.Decision.case_id)
            .join(m.EventOfficer, m.EventOfficer.event_id == m.CaseEvent.id)
            .where(m.EventOfficer.officer_id == officer_id)).scalar_one()
    rates = flag_rates(seeded_engine, by="officer", agency_id=aid)
    row = rates[rates["分组"] == f"{name}（{short}）"]
    assert int(row["核查决定数"].iloc[0]) == checked > 0
    assert (rates["被标记决定数"] <= rates["核查决定数"]).all()
    assert rates["分组"].str.endswith(f"（{short}）").all()  # only the chosen agency's officers


def test_comparable_published_decisions_are_suppressed_below_three(seeded_engine: Engine) -> None:
    with seeded_engine.connect() as conn:
        counts = conn.execute(
            select(m.DiscretionCheck.benchmark_item_id, m.DiscretionCheck.benchmark_tier_id)
            .join(m.PublicSearch, m.PublicSearch.decision_id == m.DiscretionCheck.decision_id)
            .where(m.PublicSearch.status != "已撤回")).all()
    per_tier: dict[tuple[int, int], int] = {}
    for item, tier in counts:
        per_tier[(item, tier)] = per_tier.get((item, tier), 0) + 1
    big = next(k for k, n in per_tier.items() if n >= 5)
    small = next(k for k, n in per_tier.items() if n < 3)
    shown = comparable_decisions(seeded_engine, big[0], big[1], dt.date(2026, 11, 20))
    assert not shown.suppressed and shown.median is not None and shown.count >= 5
    hidden = comparable_decisions(seeded_engine, small[0], small[1], dt.date(2026, 11, 20))
    assert hidden.suppressed and hidden.median is None


def test_check_rows_for_the_command(seeded_engine: Engine) -> None:
    rows = list(check_rows(seeded_engine))
    assert rows and set(rows[0]) == {"决定书文号", "裁量基准条目", "版本", "认定档次", "按金额所在档次", "罚款金额",
                                     "标记", "说明"}
    flagged = [r for r in rows if r["标记"]]
    assert flagged and all(all(c.isascii() for c in r["标记"]) for r in flagged)


def test_matter_statutory_range_checks_decisions_without_a_benchmark(seeded_sqlite_copy) -> None:
    engine = seeded_sqlite_copy(600, 7)
    with engine.begin() as conn:
        row = conn.execute(
            select(m.Decision.id, m.Matter.statutory_range)
            .join(m.Case, m.Case.id == m.Decision.case_id).join(m.Matter, m.Matter.id == m.Case.matter_id)
            .where(m.Matter.statutory_range.like("%万元以上%万元以下%"), m.Decision.fine_total > 0)
            .order_by(m.Decision.id).limit(1)).one()
        # the agency has no benchmark for this decision: only the 权责清单 states the law's range
        conn.execute(update(m.Decision).where(m.Decision.id == row.id)
                     .values(benchmark_tier_id=None, fine_total=Decimal("5000000")))
        recompute_checks(conn, [row.id])
    stored = decision_check(engine, decision_id=row.id)
    assert stored is not None and stored.flags[0] is F.OUT_OF_RANGE
    assert "法定幅度" in stored.check.explanation() and stored.benchmark_item_id is None
    engine.dispose()


def test_comparable_for_tier_is_what_the_review_panel_shows(seeded_engine: Engine) -> None:
    with seeded_engine.connect() as conn:
        tier_id = conn.execute(select(m.Decision.benchmark_tier_id).where(m.Decision.benchmark_tier_id.is_not(None))
                               .order_by(m.Decision.id).limit(1)).scalar_one()
    found = comparable_for_tier(seeded_engine, tier_id, dt.date(2026, 11, 20))
    assert found is not None and found.tier is not None and found.tier.tier_id == tier_id
    assert found.rule.tier(tier_id) is found.tier
    assert comparable_for_tier(seeded_engine, None, dt.date(2026, 11, 20)) is None


@pytest.mark.postgres
def test_checks_filters_and_resolution_on_postgres(seeded_pg_copy) -> None:
    engine = seeded_pg_copy(300, 7)
    flags = _flags(engine)
    assert any("|tier_mismatch|" in f for f in flags.values())
    decision_id = _a_flagged(engine, "tier_mismatch")
    ok, _ = resolve_flag(engine, decision_id=decision_id, flag=F.TIER_MISMATCH, status=ResolutionStatus.FALSE_ALARM,
                         note="复核后认定情节属于第二级", actor="supervisor")
    assert ok
    rows, total = flagged_decisions(engine, flag=F.TIER_MISMATCH, status=ResolutionStatus.FALSE_ALARM.value)
    assert total == 1 and list(rows["decision_id"]) == [decision_id]
    with engine.begin() as conn:
        recompute_checks(conn)
    assert _flags(engine) == flags
