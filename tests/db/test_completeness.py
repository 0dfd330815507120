"""case_completeness stays equal to the full recomputation (db.events.completeness_table, the old per-read path kept
as the reference) after the seed and after each kind of write the score reads — a new step, a correction, an officer's
certificate, a review round and its steps, a new decision and its texts, penalty items, the case, its party, matter
and agency — once db.completeness has refreshed what the triggers queued (SQLite and PostgreSQL); and the page's
figures read from it with SQL equal the old pandas computation."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pandas as pd
import pytest
from sqlalchemy import Engine, delete, func, insert, select, update

from db import completeness as cc
from db import models as m
from db.events import completeness_table, load_records, per_agency_completeness
from domain.enums import ActionCategory, ReviewOutcome, ReviewStepKind, Stage
from domain.procedure import SHANGHAI, completeness_cert_nos
from domain.review import ReviewAction
from tests.db.test_events import NOW, officer, ok, step


def stored(engine: Engine) -> tuple[dict[int, tuple], set[tuple[int, str]]]:
    with engine.connect() as conn:
        rows = {r[0]: tuple(r) for r in conn.execute(select(cc.STORE))}
        certs = {(r.case_id, r.cert_no) for r in conn.execute(select(cc.CERTS))}
    return rows, certs


def reference(engine: Engine) -> tuple[dict[int, tuple], set[tuple[int, str]]]:
    """Every decided case scored afresh by the old full computation, and the certificates its scores read."""
    table = completeness_table(engine, None)
    rows = {r.case_id: (r.case_id, r.agency_id, r.category, r.procedure, r.decided_on, r.score, r.missing_count,
                        r.first_missing, r.missing) for r in table.itertuples()}
    with engine.connect() as conn:
        records = load_records(conn, m.Decision.id.is_not(None))
    certs = {(rec.case_id, no) for rec in records for no in completeness_cert_nos(rec.facts)}
    return rows, certs


def queued(engine: Engine) -> set[int]:
    with engine.connect() as conn:
        return set(conn.execute(select(cc.QUEUE.c.case_id)).scalars())


def refresh(engine: Engine) -> int:
    with engine.begin() as conn:
        return cc.refresh(conn)


def assert_current(engine: Engine) -> dict[int, tuple]:
    refresh(engine)
    assert queued(engine) == set()
    have, want = stored(engine), reference(engine)
    assert {i for i in have[0].keys() | want[0].keys() if have[0].get(i) != want[0].get(i)} == set()
    assert have[1] == want[1]
    return want[0]


def rescored(engine: Engine, write: Callable[[Any], Any], case_id: int, *, changes: bool = True) -> dict[int, tuple]:
    """Run ``write`` in a transaction; the case is queued, and after a refresh the stored table equals the full
    recomputation. ``changes``: the write changes the case's score or missing items (so the test would fail
    without the trigger that queues it)."""
    before = reference(engine)[0].get(case_id)
    with engine.begin() as conn:
        write(conn)
    assert case_id in queued(engine)
    after = assert_current(engine)
    assert (after.get(case_id) != before) is changes, (before, after.get(case_id))
    return after


def one(engine: Engine, stmt) -> Any:
    with engine.connect() as conn:
        return conn.execute(stmt.limit(1)).scalar_one()


def row_of(engine: Engine, case_id: int) -> tuple:
    return stored(engine)[0][case_id]


def test_the_seed_leaves_every_score_current(seeded: Engine) -> None:
    assert queued(seeded) == set()
    have = stored(seeded)
    with seeded.connect() as conn:
        decided = conn.execute(select(func.count()).select_from(m.Decision)).scalar_one()
    assert len(have[0]) == decided > 0 and have[1]
    assert have == reference(seeded)
    # the sample has problems to find: not every case is complete
    assert any(r[5] < 100 for r in have[0].values())


def _executed_case(engine: Engine) -> int:
    """A decided ordinary penalty case of the market regulator whose only gap is the missing 执行 record."""
    s, c, a = cc.STORE.c, m.Case, m.Agency
    return one(engine, select(s.case_id).join(c, c.id == s.case_id).join(a, a.id == c.agency_id)
               .where(s.missing_count == 1, s.first_missing.like("缺少执行记录%"), a.code == "QS-SCJG")
               .order_by(s.case_id))


def test_steps_and_corrections_are_rescored(seeded: Engine, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DATABASE_URL", seeded.url.render_as_string(hide_password=False))
    case_id = _executed_case(seeded)
    decided_on = row_of(seeded, case_id)[4]
    when = min(dt.datetime.combine(decided_on + dt.timedelta(days=20), dt.time(10), tzinfo=SHANGHAI),
               NOW - dt.timedelta(hours=1))
    actor = officer(seeded)
    before = reference(seeded)[0][case_id]
    # through the event form's path: validated and chained
    event_id = ok(seeded, case_id, step(Stage.EXECUTION, "当事人缴纳罚款", when), actor)
    assert case_id in queued(seeded)
    now_row = assert_current(seeded)[case_id]
    assert now_row != before and now_row[5] == 100  # the 执行 record completes the file
    with seeded.connect() as conn:
        seq = conn.execute(select(m.CaseEvent.seq).where(m.CaseEvent.id == event_id)).scalar_one()
    # a correction that turns the step into a further investigation record takes the 执行 away again
    correction = step(Stage.INVESTIGATION, "补充调查笔录", when, corrects_seq=seq)
    ok(seeded, case_id, correction, actor)
    assert case_id in queued(seeded)
    assert assert_current(seeded)[case_id] == before


def test_officer_and_certificate_changes_rescore_the_cases_naming_them(seeded: Engine) -> None:
    o = m.Officer
    case_id, cert_no = _case_and_cert(seeded)  # a complete case and one certificate on its on-site steps
    naming = {c for c, no in stored(seeded)[1] if no == cert_no}
    officer_id, valid_from = _officer(seeded, cert_no)

    # the certificate lapses before every step it was used on
    rescored(seeded, lambda conn: conn.execute(update(o).where(o.id == officer_id).values(
        cert_valid_to=valid_from)), case_id)
    # an unrelated column queues nothing
    with seeded.begin() as conn:
        conn.execute(update(o).where(o.id == officer_id).values(first_reviewed_on=dt.date(2025, 1, 1)))
    assert queued(seeded) == set()
    # a renewed certificate under a new number: the old number is no longer on the roster
    rescored(seeded, lambda conn: conn.execute(update(o).where(o.id == officer_id).values(
        cert_no=f"{cert_no}R", cert_valid_to=dt.date(2030, 12, 31))), case_id)
    assert {c for c, no in stored(seeded)[1] if no == cert_no} == naming  # the steps still name the old number
    # a roster entry for the old number again (another officer of the agency): known, valid, of this agency
    agency = one(seeded, select(o.agency_id).where(o.id == officer_id))

    def insert_officer(conn) -> None:
        conn.execute(insert(o).values(agency_id=agency, name="补录人员", cert_no=cert_no, enforcement_field="市场监管",
                                      cert_valid_from=dt.date(2015, 1, 1), cert_valid_to=dt.date(2030, 12, 31),
                                      created_at=dt.datetime.now(dt.UTC)))

    rescored(seeded, insert_officer, case_id)
    assert row_of(seeded, case_id)[5] == 100
    # and deleted again
    rescored(seeded, lambda conn: conn.execute(delete(o).where(o.cert_no == cert_no)), case_id)


def _case_and_cert(engine: Engine) -> tuple[int, str]:
    s, certs = cc.STORE.c, cc.CERTS.c
    with engine.connect() as conn:
        row = conn.execute(select(certs.case_id, certs.cert_no).join(cc.STORE, s.case_id == certs.case_id)
                           .where(s.score == 100).order_by(certs.case_id, certs.cert_no).limit(1)).one()
    return row.case_id, row.cert_no


def _officer(engine: Engine, cert_no: str) -> tuple[int, dt.date]:
    o = m.Officer
    with engine.connect() as conn:
        row = conn.execute(select(o.id, o.cert_valid_from).where(o.cert_no == cert_no)).one()
    return row.id, row.cert_valid_from


def test_review_rounds_and_steps_are_rescored(seeded: Engine) -> None:
    c, d, r = m.Case, m.Decision, m.LegalReview
    # a decided major case without any review round (a planted 未经法制审核 history)
    case_id = one(seeded, select(c.id).join(d, d.case_id == c.id)
                  .where(c.is_major.is_(True), ~select(r.id).where(r.case_id == c.id).exists()).order_by(c.id))
    decided_on = row_of(seeded, case_id)[4]
    review: dict[str, int] = {}

    def imported_round(conn) -> None:  # an imported approval dated before the decision
        review["id"] = conn.execute(insert(r).values(
            case_id=case_id, round_no=1, submitted_on=decided_on - dt.timedelta(days=9),
            reviewed_on=decided_on - dt.timedelta(days=2), outcome=ReviewOutcome.APPROVED, opinion="同意。",
            created_at=dt.datetime.now(dt.UTC)).returning(r.id)).scalar_one()

    rescored(seeded, imported_round, case_id)

    def second_round(conn) -> None:  # a later round, still pending: the latest round decides
        review["second"] = conn.execute(insert(r).values(
            case_id=case_id, round_no=2, submitted_on=decided_on - dt.timedelta(days=1),
            created_at=dt.datetime.now(dt.UTC)).returning(r.id)).scalar_one()

    rescored(seeded, second_round, case_id)
    # the reviewer's opinion recorded as a step (the app's path): 同意
    rescored(seeded, lambda conn: conn.execute(insert(m.ReviewStep).values(
        review_id=review["second"], kind=ReviewStepKind.CONCLUDE, occurred_on=decided_on - dt.timedelta(days=1),
        recorded_at=dt.datetime.now(dt.UTC), recorded_by="t", conclusion=ReviewAction.APPROVE,
        opinion="同意。")), case_id)
    assert "法制审核" not in row_of(seeded, case_id)[8]
    # a third round, pending, then decided once on its row (an import's path)
    third: dict[str, int] = {}

    def third_round(conn) -> None:
        third["id"] = conn.execute(insert(r).values(
            case_id=case_id, round_no=3, submitted_on=decided_on - dt.timedelta(days=1),
            created_at=dt.datetime.now(dt.UTC)).returning(r.id)).scalar_one()

    rescored(seeded, third_round, case_id)
    rescored(seeded, lambda conn: conn.execute(update(r).where(r.id == third["id"]).values(
        outcome=ReviewOutcome.APPROVED, reviewed_on=decided_on)), case_id)
    assert "法制审核" not in row_of(seeded, case_id)[8]


def test_decisions_items_cases_parties_matters_and_agencies_are_rescored(seeded: Engine) -> None:
    c, d, p, i, mt, a = m.Case, m.Decision, m.Party, m.PenaltyItem, m.Matter, m.Agency
    case_id = _executed_case(seeded)
    decision_id = one(seeded, select(d.id).where(d.case_id == case_id))
    party_id, matter_id, agency_id = (one(seeded, select(col).where(c.id == case_id))
                                      for col in (c.party_id, c.matter_id, c.agency_id))
    # the decision's texts (art. 59 items) and its penalty items
    rescored(seeded, lambda conn: conn.execute(update(d).where(d.id == decision_id).values(conclusion="")), case_id)
    items = [dict(r._mapping) for r in seeded.connect().execute(select(i).where(i.decision_id == decision_id))]
    assert items
    rescored(seeded, lambda conn: conn.execute(delete(i).where(i.decision_id == decision_id)), case_id)
    rescored(seeded, lambda conn: conn.execute(insert(i), items), case_id)
    # the decision date moves before the recorded notice
    rescored(seeded, lambda conn: conn.execute(update(d).where(d.id == decision_id).values(
        decided_on=one(seeded, select(c.filed_on).where(c.id == case_id)))), case_id)
    # the case's 重大 flag (a major case needs its review and collective discussion, a minor one not)
    major = one(seeded, select(c.is_major).where(c.id == case_id))
    rescored(seeded, lambda conn: conn.execute(update(c).where(c.id == case_id).values(is_major=not major)), case_id)
    # the case's chain head moves with every step and is not read: nothing queued
    with seeded.begin() as conn:
        conn.execute(update(c).where(c.id == case_id).values(chain_head="f" * 64))
    assert queued(seeded) == set()
    # the party's address
    rescored(seeded, lambda conn: conn.execute(update(p).where(p.id == party_id).values(address="")), case_id)
    # the agency's 救济途径 blank by full-width spaces (str.strip() removes them): every case of the agency
    old_remedy = one(seeded, select(a.remedy_channels).where(a.id == agency_id))
    rescored(seeded, lambda conn: conn.execute(update(a).where(a.id == agency_id).values(remedy_channels="\u3000 \n")),
             case_id)
    with seeded.connect() as conn:
        decided = set(conn.execute(select(d.case_id).join(c, c.id == d.case_id).where(c.agency_id == agency_id))
                      .scalars())
    assert {k for k, v in stored(seeded)[0].items() if v[1] == agency_id} == decided
    rescored(seeded, lambda conn: conn.execute(update(a).where(a.id == agency_id).values(remedy_channels=old_remedy)),
             case_id)
    # a new text that is not blank either way, and a new name: blankness is all the score reads of them
    with seeded.begin() as conn:
        conn.execute(update(a).where(a.id == agency_id).values(remedy_channels=old_remedy + "（2026年修订）",
                                                                 name="临江市青石区市场监督管理局（更名）"))
    assert queued(seeded) == set()
    # the matter's category: another checklist
    rescored(seeded, lambda conn: conn.execute(update(mt).where(mt.id == matter_id).values(
        category=ActionCategory.INSPECTION)), case_id)


def test_a_new_decision_adds_its_case_and_a_removed_one_takes_it_away(seeded: Engine) -> None:
    c, d = m.Case, m.Decision
    case_id = one(seeded, select(c.id).where(~select(d.id).where(d.case_id == c.id).exists(), c.is_major.is_(False))
                  .order_by(c.id))
    assert case_id not in stored(seeded)[0]

    def decide(conn) -> None:
        conn.execute(insert(d).values(
            case_id=case_id, decision_no="测试罚〔2026〕9001号", decided_on=dt.date(2026, 11, 19),
            category=ActionCategory.PENALTY, conclusion="罚款人民币五百元", legal_basis="《测试法》第一条",
            fine_total=Decimal("500"), created_at=dt.datetime.now(dt.UTC)))

    after = rescored(seeded, decide, case_id)
    assert case_id in after
    rescored(seeded, lambda conn: conn.execute(delete(d).where(d.case_id == case_id)), case_id)
    assert case_id not in stored(seeded)[0]


# --------------------------------------------------------------------------------------------------- the page


def _old_page(engine: Engine, agency: int | None) -> tuple:
    table = completeness_table(engine, agency)
    return (len(table), float(table["score"].mean()), int((table["score"] < 90).sum()),
            int((table["score"] == 100).sum()), per_agency_completeness(table), table.head(cc.LOWEST))


def assert_page_equal(engine: Engine, agency: int | None) -> None:
    cases, average, low, full, per_agency, lowest = _old_page(engine, agency)
    with engine.begin() as conn:
        cc.refresh(conn)
    found = cc.overview(engine, agency)
    assert (found.cases, found.low, found.full) == (cases, low, full)
    assert f"{found.average:.1f}" == f"{average:.1f}" and found.average == average
    pd.testing.assert_frame_equal(found.per_agency, per_agency)
    pd.testing.assert_frame_equal(found.lowest, lowest.reset_index(drop=True))


def test_the_page_figures_equal_the_pandas_computation(seeded: Engine) -> None:
    a = m.Agency
    assert_page_equal(seeded, None)
    with seeded.connect() as conn:
        agencies = conn.execute(select(a.id).join(cc.STORE, cc.STORE.c.agency_id == a.id).distinct()
                                .order_by(a.id)).scalars().all()
    assert len(agencies) > 1
    for agency in agencies[:2]:
        assert_page_equal(seeded, agency)
    # two agencies of one short name are one row, as the pandas table grouped them by name
    version = cc.current_version(seeded)
    with seeded.begin() as conn:
        conn.execute(update(a).where(a.id.in_(agencies[:2])).values(short_name="同名执法主体"))
    assert cc.current_version(seeded) != version  # the name beside the scores changed: read again
    assert_page_equal(seeded, None)
    assert (cc.overview(seeded, None).per_agency["agency"] == "同名执法主体").sum() == 1


def test_an_agency_without_decided_cases_and_an_empty_database(seeded: Engine, sqlite_engine: Engine) -> None:
    with seeded.connect() as conn:
        idle = conn.execute(select(m.Agency.id).where(~select(cc.STORE.c.case_id).where(
            cc.STORE.c.agency_id == m.Agency.id).exists())).scalars().first()
    assert idle is not None  # the 司法局 supervises and decides no case
    for engine, agency in ((seeded, idle), (sqlite_engine, None)):
        found = cc.overview(engine, agency)
        assert (found.cases, found.average, found.low, found.full) == (0, None, 0, 0)
        assert found.per_agency.empty and found.lowest.empty
        assert list(found.per_agency.columns) == list(per_agency_completeness(completeness_table(engine, agency))
                                                      .columns)


def test_the_version_rises_only_when_a_shown_row_changes(seeded: Engine) -> None:
    c, p = m.Case, m.Party
    version = cc.current_version(seeded)
    assert cc.current_version(seeded) == version  # nothing queued: the same key
    case_id = _executed_case(seeded)
    party_id = one(seeded, select(c.party_id).where(c.id == case_id))
    with seeded.begin() as conn:  # queued, rescored, unchanged (the name is only checked for blankness)
        conn.execute(update(p).where(p.id == party_id).values(name="临江市改名后的公司"))
    assert case_id in queued(seeded)
    assert cc.current_version(seeded) == version and queued(seeded) == set()
    with seeded.begin() as conn:
        conn.execute(update(p).where(p.id == party_id).values(name=""))
    assert cc.current_version(seeded) != version


def test_rebuild_equals_the_reference_and_a_large_queue_takes_the_full_pass(seeded: Engine,
                                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    with seeded.begin() as conn:
        conn.execute(delete(cc.STORE).where(cc.STORE.c.case_id % 3 == 0))  # stale rows a rebuild must restore
        assert cc.rebuild(conn) == len(reference(seeded)[0])
    assert stored(seeded) == reference(seeded)
    calls: list[int] = []
    monkeypatch.setattr(cc, "_FULL_PASS_MIN", 10)
    real = cc.rebuild
    monkeypatch.setattr(cc, "rebuild", lambda conn: calls.append(1) or real(conn))
    with seeded.begin() as conn:
        conn.execute(insert(cc.QUEUE).from_select(["case_id"], select(m.Decision.case_id)))
    refresh(seeded)
    assert calls == [1] and stored(seeded) == reference(seeded)


def test_the_review_and_decision_services_keep_the_scores_current(seeded: Engine,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    """The application's own path: a major case submitted, reviewed (存在问题, then 同意 in a second round) and decided
    through db.reviews, with its steps through the event form; after each service call the table equals the full
    recomputation, and the decided case is in it."""
    from db.reviews import (
        DecisionForm,
        claim_review,
        decide_review,
        record_decision,
        record_proposal,
        submit_for_review,
    )
    from domain.review import ReviewDecision
    from tests.db.test_events import FILED, at, certs, new_case
    from tests.db.test_review_gate import ALL_MATERIALS, ALL_PASS, TODAY, actors, proposal

    monkeypatch.setenv("DATABASE_URL", seeded.url.render_as_string(hide_password=False))
    officer_actor, reviewer, second = actors(seeded)
    case_id = new_case(seeded)
    two = certs(seeded)[:2]
    event_actor = officer(seeded)
    ok(seeded, case_id, step(Stage.FILING, "立案审批", at(FILED), two[:1]), event_actor)
    ok(seeded, case_id, step(Stage.INVESTIGATION, "现场检查", at(FILED + dt.timedelta(days=1)), two), event_actor)
    ok(seeded, case_id, step(Stage.NOTICE, "行政处罚告知", at(FILED + dt.timedelta(days=3)), two[:1]), event_actor)
    assert record_proposal(seeded, case_id, proposal("150000"), officer_actor).ok
    assert submit_for_review(seeded, case_id, ALL_MATERIALS, officer_actor, TODAY).ok
    assert claim_review(seeded, case_id, reviewer, TODAY).ok
    back = ReviewDecision(ReviewAction.RETURN, {**ALL_PASS, "discretion": (False, "从重情节未说明")},
                          "裁量说明不充分，请补充后重新报送。")
    assert decide_review(seeded, case_id, back, reviewer, TODAY).ok
    assert case_id not in queued(seeded)  # steps and reviews of an undecided case: no score, nothing queued
    assert case_id not in assert_current(seeded)
    assert record_proposal(seeded, case_id, proposal("150000"), officer_actor).ok
    assert submit_for_review(seeded, case_id, ALL_MATERIALS, officer_actor, TODAY, response="已补充从重情节说明").ok
    approve = ReviewDecision(ReviewAction.APPROVE, ALL_PASS, "同意。事实清楚，证据确凿，裁量适当。")
    assert decide_review(seeded, case_id, approve, second, TODAY).ok
    assert record_decision(seeded, case_id, DecisionForm("测试罚〔2026〕77号", TODAY), officer_actor, TODAY).ok
    assert case_id in queued(seeded)
    row = assert_current(seeded)[case_id]
    assert "法制审核" not in row[8]  # approved in round 2, before the decision
    assert "缺少执行记录" in row[8]


def test_an_officers_import_leaves_every_score_current_without_a_page_read(seeded: Engine) -> None:
    """The import refreshes what it queued after its commit (db.derived), so the first page read after it does not
    rescore every case that names an imported certificate."""
    from tests.db.test_import_kinds import run

    case_id, cert_no = _case_and_cert(seeded)
    o, a = m.Officer, m.Agency
    with seeded.connect() as conn:
        officer_row = conn.execute(select(o, a.name.label("agency")).join(a, a.id == o.agency_id)
                                   .where(o.cert_no == cert_no)).mappings().one()
    before = reference(seeded)[0][case_id]
    lapsed = officer_row["cert_valid_from"]  # valid for one day only: lapsed on every later step
    report = run(seeded, "officers", [{
        "执法证号": cert_no, "姓名": officer_row["name"], "执法机关": officer_row["agency"],
        "执法类别": officer_row["enforcement_field"], "证件有效期起": lapsed.isoformat(),
        "证件有效期止": lapsed.isoformat(), "是否法制审核人员": "否", "是否具有法律职业资格": ""}])
    assert report.exit_code == 0 and report.updated == 1, report.lines()
    assert queued(seeded) == set()
    have, want = stored(seeded), reference(seeded)
    assert have == want
    assert want[0][case_id] != before
