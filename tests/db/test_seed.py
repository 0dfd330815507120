"""The sample data: deterministic, valid identifiers, intact hash chains, and planted problems that independent
checks over the database find exactly as often as the seeder says it planted them."""

from __future__ import annotations

import datetime as dt
import math
import re
from collections import Counter
from decimal import Decimal

import pytest
from sqlalchemy import Engine, select

from db import models as m
from db.integrity import verify_chains
from domain.deadlines import disclosure_clock
from domain.enums import BenchmarkRangeKind, DisclosureStatus, DueState, PartyType, Procedure, RecordForm, Stage
from domain.identifiers import is_synthetic_uscc, validate_id_number, validate_uscc
from domain.workdays import WorkCalendar
from sample_data import generator
from sample_data.generator import AS_OF, PLANTED_RATES, seed

# argon2 salts, wall-clock login/audit times, and the public data version (a random start per database)
# Versions are cache keys, not data: after an emptied table they restart at random values (db.summaries._bump).
EXCLUDED_FROM_DETERMINISM = {"users", "audit_log", "public_data_version", "summary_versions"}


def dump(engine: Engine) -> dict[str, list[tuple]]:
    out = {}
    with engine.connect() as conn:
        for table in m.Base.metadata.sorted_tables:
            if table.name in EXCLUDED_FROM_DETERMINISM:
                continue
            pk = list(table.primary_key.columns)
            out[table.name] = [tuple(r) for r in conn.execute(select(table).order_by(*pk))]
    return out




# ----------------------------------------------------------------------------------------------- determinism


def test_same_seed_writes_identical_rows(sqlite_templates, tmp_path, monkeypatch) -> None:
    monkeypatch.setattr(generator, "CHUNK", 120)  # several chunks, so the worker-process path runs too
    a, b = sqlite_templates.copy(tmp_path / "a.sqlite3"), sqlite_templates.copy(tmp_path / "b.sqlite3")
    seed(a, 400, 11)
    seed(b, 400, 11)
    dump_a, dump_b = dump(a), dump(b)
    assert dump_a == dump_b
    assert len(dump_a["cases"]) == 400


def test_different_seed_writes_different_rows(sqlite_templates, tmp_path) -> None:
    a, b = sqlite_templates.copy(tmp_path / "a.sqlite3"), sqlite_templates.copy(tmp_path / "b.sqlite3")
    seed(a, 100, 1)
    seed(b, 100, 2)
    assert dump(a)["cases"] != dump(b)["cases"]


@pytest.mark.postgres
def test_postgres_gets_the_same_rows_as_sqlite(sqlite_engine, pg_engine) -> None:
    lite = sqlite_engine
    seed(lite, 150, 5)
    seed(pg_engine, 150, 5)
    assert dump(lite) == dump(pg_engine)
    assert verify_chains(pg_engine).first_break is None


def test_seed_refuses_a_non_empty_database(seeded_engine) -> None:
    with pytest.raises(ValueError, match="已有数据"):
        seed(seeded_engine, 10, 1)


# ----------------------------------------------------------------------------------------------- validity


def test_identifiers_are_valid_synthetic_and_unique(seeded_engine) -> None:
    with seeded_engine.connect() as conn:
        parties = conn.execute(select(m.Party.party_type, m.Party.uscc, m.Party.id_number, m.Party.is_minor)).all()
    usccs = [p.uscc for p in parties if p.uscc]
    ids = [p.id_number for p in parties if p.id_number]
    assert usccs and ids
    assert all(validate_uscc(u).ok and is_synthetic_uscc(u) for u in usccs)
    assert all(validate_id_number(i, today=AS_OF).ok for i in ids)
    assert len(set(usccs)) == len(usccs) and len(set(ids)) == len(ids)
    for p in parties:
        assert (p.party_type is PartyType.NATURAL_PERSON) == (p.id_number is not None)


def test_every_chain_verifies(seeded_engine) -> None:
    report = verify_chains(seeded_engine)
    assert report.first_break is None
    assert report.cases_checked == 600 and report.events_checked > 3000


def test_at_least_six_agencies_with_officers_some_expired(seeded_engine) -> None:
    with seeded_engine.connect() as conn:
        agencies = conn.execute(select(m.Agency.name)).scalars().all()
        expired = conn.execute(select(m.Officer.id).where(m.Officer.cert_valid_to < AS_OF)).all()
        jiangmen = conn.execute(select(m.BenchmarkItem.id).join(m.BenchmarkSet)
                                .where(m.BenchmarkSet.issuer == "江门市生态环境局")).all()
    assert len(agencies) >= 6
    assert any("市场监督管理局" in a for a in agencies) and any("生态环境" in a for a in agencies)
    assert expired
    assert len(jiangmen) == 165


def test_decisions_span_2023_to_2026(seeded_engine) -> None:
    with seeded_engine.connect() as conn:
        years = set(conn.execute(select(m.Decision.decided_on)).scalars())
    assert {d.year for d in years} == {2023, 2024, 2025, 2026}


# ----------------------------------------------------------------------------------------------- planted problems


def within_tolerance(name: str, report) -> bool:
    target = PLANTED_RATES[name][0]
    n = report.denominators[name]
    if n == 0:
        return False
    return abs(report.rate(name) - target) <= 4 * math.sqrt(target * (1 - target) / n) + 0.005


@pytest.mark.parametrize("name", [n for n in PLANTED_RATES if n not in {"minor_party", "confidential", "missing_av"}])
def test_planted_rate_is_near_its_target(seeded_sqlite, name: str) -> None:
    _, report = seeded_sqlite
    assert report.planted[name] > 0, f"nothing planted for {name}"
    assert within_tolerance(name, report), (name, report.rate(name))


def test_disclosure_clock_finds_exactly_the_planted_late_and_overdue(seeded_engine, seeded_sqlite) -> None:
    report = seeded_sqlite[1]
    cal = WorkCalendar()
    statuses: Counter[DueState] = Counter()
    with seeded_engine.connect() as conn:
        rows = conn.execute(
            select(m.Decision.decided_on, m.Decision.category, m.Disclosure.published_on, m.Disclosure.status)
            .join(m.Disclosure, m.Disclosure.decision_id == m.Decision.id)
            .where(m.Disclosure.withheld_reason.is_(None))
        ).all()
    for decided_on, category, published_on, status in rows:
        published = None if status is DisclosureStatus.DRAFT else published_on
        statuses[disclosure_clock(decided_on, category, published, AS_OF, cal).status] += 1
    assert statuses[DueState.LATE] == report.planted["late_disclosure"]
    assert statuses[DueState.OVERDUE] == report.planted["unpublished_overdue"]


def test_withdrawals_and_corrections_match_the_plan(seeded_engine, seeded_sqlite) -> None:
    report = seeded_sqlite[1]
    with seeded_engine.connect() as conn:
        versions = Counter(conn.execute(select(m.DisclosureVersion.status)).scalars())
        withdrawn = conn.execute(select(m.Disclosure).where(m.Disclosure.status == DisclosureStatus.WITHDRAWN)).all()
    assert versions[DisclosureStatus.WITHDRAWN] == report.planted["withdrawn"] == len(withdrawn)
    assert versions[DisclosureStatus.CORRECTED] == report.planted["corrected"]
    assert all(w.withdrawal_reason is not None and w.public_explanation for w in withdrawn)


def test_unreviewed_major_decisions_are_marked_legacy_and_others_were_approved_first(seeded_engine, seeded_sqlite) -> None:
    report = seeded_sqlite[1]
    with seeded_engine.connect() as conn:
        decisions = conn.execute(
            select(m.Decision.case_id, m.Decision.decided_on, m.Decision.unreviewed_major, m.Case.is_major,
                   m.Case.origin).join(m.Case, m.Case.id == m.Decision.case_id).where(m.Case.is_major.is_(True))
        ).all()
        approved = {r.case_id: r.reviewed_on for r in conn.execute(
            select(m.LegalReview.case_id, m.LegalReview.reviewed_on).where(m.LegalReview.outcome == "同意"))}
    unreviewed = [d for d in decisions if d.unreviewed_major]
    assert len(unreviewed) == report.planted["unreviewed_major"]
    assert all(d.origin.value == "历史导入" and d.case_id not in approved for d in unreviewed)
    for d in decisions:
        if not d.unreviewed_major:
            assert approved[d.case_id] <= d.decided_on


def test_missing_stages_match_the_plan(seeded_engine, seeded_sqlite) -> None:
    report = seeded_sqlite[1]
    with seeded_engine.connect() as conn:
        cases = conn.execute(
            select(m.Case.id).join(m.Decision, m.Decision.case_id == m.Case.id)
            .where(m.Case.procedure == Procedure.ORDINARY, m.Decision.category == "行政处罚")
        ).scalars().all()
        stages: dict[int, set] = {}
        for case_id, stage in conn.execute(select(m.CaseEvent.case_id, m.CaseEvent.stage)):
            stages.setdefault(case_id, set()).add(stage)
    missing = [c for c in cases if not {Stage.NOTICE, Stage.SERVICE} <= stages.get(c, set())]
    assert len(missing) == report.planted["missing_stage"]


def test_overdue_decisions_match_the_plan(seeded_engine, seeded_sqlite) -> None:
    report = seeded_sqlite[1]
    with seeded_engine.connect() as conn:
        spans = conn.execute(select(m.Case.filed_on, m.Decision.decided_on)
                             .join(m.Decision, m.Decision.case_id == m.Case.id)).all()
    assert sum((d - f).days > 90 for f, d in spans) == report.planted["decision_overdue"]


def test_on_site_problems_match_the_plan(seeded_engine, seeded_sqlite) -> None:
    report = seeded_sqlite[1]
    with seeded_engine.connect() as conn:
        officers = {o.cert_no: o for o in conn.execute(select(m.Officer))}
        events = conn.execute(select(m.CaseEvent.action, m.CaseEvent.occurred_at, m.CaseEvent.officer_cert_nos,
                                     m.CaseEvent.record_forms)).all()
    on_site = [e for e in events if e.action == "现场检查" or e.action.startswith(("强制拆除", "查封扣押"))]
    single = [e for e in on_site if len(e.officer_cert_nos.split("、")) == 1]
    local = lambda e: e.occurred_at.astimezone(generator.SHANGHAI).date()  # noqa: E731
    # on-site actions only: a simple-procedure case repeats its on-site officers on the decision and service
    expired = [e for e in on_site if e.officer_cert_nos and any(
        not (officers[c].cert_valid_from <= local(e) <= officers[c].cert_valid_to)
        for c in e.officer_cert_nos.split("、"))]
    seizures = [e for e in on_site if e.action.startswith(("强制拆除", "查封扣押"))]
    no_av = [e for e in seizures if not set(e.record_forms.split("、")) - {RecordForm.TEXT.value}]
    assert len(single) == report.planted["single_officer"]
    assert len(expired) == report.planted["expired_certificate"]
    assert len(no_av) == report.planted["missing_av"]


def test_personal_data_planted_in_facts(seeded_engine, seeded_sqlite) -> None:
    report = seeded_sqlite[1]
    with seeded_engine.connect() as conn:
        rows = conn.execute(select(m.Case.facts, m.Party.id_number, m.Party.phone)
                            .join(m.Party, m.Party.id == m.Case.party_id)
                            .where(m.Party.party_type == PartyType.NATURAL_PERSON)).all()
    found = [r for r in rows if (r.id_number and r.id_number in r.facts) or (r.phone and r.phone in r.facts)]
    assert len(found) == report.planted["pii_in_facts"]
    assert any(re.search(r"证人", r.facts) for r in found)


def test_personal_data_planted_in_every_other_published_field(seeded_engine, seeded_sqlite) -> None:
    """The name in 违法行为类型, name and phone in 处罚内容, spouse/WeChat/e-mail/address in 裁量说明: the raw rows hold
    them (so the redaction sweep has something to catch) and the public projections do not."""
    report = seeded_sqlite[1]
    with seeded_engine.connect() as conn:
        rows = conn.execute(
            select(m.Party.name, m.Party.phone, m.Case.violation, m.Decision.conclusion, m.Decision.discretion_statement,
                   m.PublicRecord.violation.label("pv"), m.PublicRecord.conclusion.label("pc"),
                   m.PublicRecord.discretion_statement.label("pd"))
            .join(m.Case, m.Case.party_id == m.Party.id).join(m.Decision, m.Decision.case_id == m.Case.id)
            .join(m.PublicRecord, m.PublicRecord.decision_id == m.Decision.id)
            .where(m.Party.party_type == PartyType.NATURAL_PERSON, m.Decision.discretion_statement.like("%其妻%"))
        ).all()
    assert len(rows) == report.planted["pii_in_public_fields"] > 0
    for r in rows:
        assert r.violation.startswith(r.name) and r.name in r.conclusion and r.phone in r.conclusion
        assert "wxid_" in r.discretion_statement and "@example.com" in r.discretion_statement
        public = r.pv + r.pc + r.pd
        assert r.name not in public and r.phone not in public
        assert "wxid_" not in public and "@example.com" not in public


def test_minor_and_confidential_cases_are_withheld(seeded_engine) -> None:
    with seeded_engine.connect() as conn:
        rows = conn.execute(
            select(m.Party.is_minor, m.Case.confidential, m.Disclosure.withheld_reason, m.Disclosure.status)
            .join(m.Case, m.Case.party_id == m.Party.id).join(m.Decision, m.Decision.case_id == m.Case.id)
            .join(m.Disclosure, m.Disclosure.decision_id == m.Decision.id)
        ).all()
    for r in rows:
        if r.is_minor or r.confidential:
            assert r.withheld_reason and r.status is DisclosureStatus.DRAFT
        else:
            assert r.withheld_reason is None


def _tier_window(tier, base: Decimal | None) -> tuple[Decimal, Decimal] | None:
    if tier.range_kind is BenchmarkRangeKind.RELATIVE:
        if base is None or tier.min_factor is None or tier.max_factor is None:
            return None
        return base * Decimal(tier.min_factor), base * Decimal(tier.max_factor)
    if tier.range_kind is BenchmarkRangeKind.MAX_ONLY:
        return Decimal(0), tier.max_amount
    if tier.min_amount is not None and tier.max_amount is not None:
        return tier.min_amount, tier.max_amount
    return None


def test_benchmark_problems_match_the_plan(seeded_engine, seeded_sqlite) -> None:
    report = seeded_sqlite[1]
    with seeded_engine.connect() as conn:
        tiers = {t.id: t for t in conn.execute(select(m.BenchmarkTier))}
        by_item: dict[int, list] = {}
        for t in tiers.values():
            by_item.setdefault(t.item_id, []).append(t)
        decisions = conn.execute(select(m.Decision.benchmark_tier_id, m.Decision.base_amount, m.Decision.fine_total)
                                 .where(m.Decision.benchmark_tier_id.is_not(None))).all()
    out_of_range = mismatch = 0
    for tier_id, base, fine in decisions:
        tier = tiers[tier_id]
        windows = [w for w in (_tier_window(t, base) for t in by_item[tier.item_id]) if w]
        lo, hi = min(w[0] for w in windows), max(w[1] for w in windows)
        own = _tier_window(tier, base)
        if not lo <= fine <= hi:
            out_of_range += 1
        elif own and not own[0] <= fine <= own[1]:
            mismatch += 1
    assert out_of_range == report.planted["fine_out_of_range"]
    assert mismatch == report.planted["tier_mismatch"]


def test_report_lines_state_every_planted_rate(seeded_sqlite) -> None:
    text = "\n".join(seeded_sqlite[1].lines())
    for name in PLANTED_RATES:
        assert name in text
    assert dt.date(2026, 11, 20).isoformat() in text


@pytest.mark.parametrize("cases", [1, 10])
def test_a_tiny_sample_seeds_without_error(sqlite_engine, cases: int) -> None:
    """A pool so small that the draw selects every member still gets its planted published-pool mismatch."""
    report = seed(sqlite_engine, cases, 1)
    assert report.cases == cases
