"""The legal-review gate and workflow against the database (SQLite and PostgreSQL): the proposed decision makes a
case major by the agency's rules; submission, 回避, qualification, return and resubmission; the decision refused
before approval through the service (nothing written), through a direct SQL insert (the trigger), and accepted
only after an approval dated on or before it; imported decisions without approval are marked 未经法制审核 and only
an imported approval dated before the decision clears the mark."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from sqlalchemy import Engine, func, select, text
from sqlalchemy.exc import DBAPIError

from db import models as m
from db.events import append_event
from db.imports import run_import
from db.public import public_decision, review_labels
from db.reviews import (
    DecisionForm,
    ProposalForm,
    claim_review,
    decide_review,
    extend_review,
    record_decision,
    record_proposal,
    rounds_of,
    submit_for_review,
    supplement_materials,
)
from domain.enums import DataOrigin, MajorReason, PenaltyType, ReviewOutcome, Role
from domain.permissions import Actor
from domain.review import CHECKLIST, MATERIALS, ReviewAction, ReviewDecision
from tests.db.test_events import FILED, at, certs, new_case, step

TODAY = dt.date(2026, 11, 20)
ALL_MATERIALS = [k for k, _ in MATERIALS]
ALL_PASS = {key: (True, "") for key, _ in CHECKLIST}


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def any_db(request) -> Engine:
    if request.param == "sqlite":
        return request.getfixturevalue("seeded_sqlite_copy")(40, 3)
    return request.getfixturevalue("seeded_pg_copy")(40, 3)


def agency_officers(engine: Engine, code: str = "QS-SCJG") -> tuple[list[int], list[int]]:
    """(plain officer ids, legal reviewer ids) of the agency."""
    o, a = m.Officer, m.Agency
    with engine.connect() as conn:
        rows = conn.execute(select(o.id, o.is_legal_reviewer).join(a, a.id == o.agency_id).where(a.code == code)
                            .order_by(o.id)).all()
    return [r.id for r in rows if not r.is_legal_reviewer], [r.id for r in rows if r.is_legal_reviewer]


def actors(engine: Engine) -> tuple[Actor, Actor, Actor]:
    """(officer, reviewer, second reviewer) of the market regulator."""
    with engine.connect() as conn:
        aid = conn.execute(select(m.Agency.id).where(m.Agency.code == "QS-SCJG")).scalar_one()
    plain, reviewers = agency_officers(engine)
    return (Actor("t_officer", "承办人", Role.OFFICER, agency_id=aid, officer_id=plain[0]),
            Actor("t_reviewer", "审核人", Role.REVIEWER, agency_id=aid, officer_id=reviewers[0]),
            Actor("t_reviewer2", "审核人二", Role.REVIEWER, agency_id=aid, officer_id=reviewers[1]))


def proposal(fine: str, **kw) -> ProposalForm:
    return ProposalForm(items=((PenaltyType.FINE, Decimal(fine)),), legal_basis="《中华人民共和国产品质量法》第四十九条",
                        facts="当事人销售不合格产品，货值金额较大。", discretion_statement="一般情节，按一般档次处罚。", **kw)


def counts(engine: Engine) -> tuple[int, ...]:
    with engine.connect() as conn:
        return tuple(conn.execute(select(func.count()).select_from(t)).scalar_one()
                     for t in (m.Decision, m.PenaltyItem, m.Disclosure, m.ReviewStep, m.LegalReview, m.AuditEntry))


def case_row(engine: Engine, case_id: int) -> dict:
    with engine.connect() as conn:
        return dict(conn.execute(select(m.Case.is_major, m.Case.major_reasons).where(m.Case.id == case_id)).one()._mapping)


def test_proposal_assesses_major_at_the_boundary(any_db: Engine) -> None:
    officer, _, _ = actors(any_db)
    case_id = new_case(any_db)  # a 法人: 10万 inclusive
    assert record_proposal(any_db, case_id, proposal("99999.99"), officer).ok
    assert case_row(any_db, case_id) == {"is_major": False, "major_reasons": ""}
    assert record_proposal(any_db, case_id, proposal("100000"), officer).id == 2
    assert case_row(any_db, case_id) == {"is_major": True, "major_reasons": MajorReason.LARGE_AMOUNT.value}
    with any_db.begin() as conn:  # the agency switches to 超过 (exclusive)
        aid = conn.execute(select(m.Case.agency_id).where(m.Case.id == case_id)).scalar_one()
        conn.execute(m.MajorReviewRules.__table__.insert().values(agency_id=aid, inclusive=False))
    assert record_proposal(any_db, case_id, proposal("100000"), officer).ok
    assert case_row(any_db, case_id)["is_major"] is False
    manual = proposal("500", manual=frozenset({MajorReason.PUBLIC_INTEREST}))
    assert record_proposal(any_db, case_id, manual, officer).ok
    assert case_row(any_db, case_id) == {"is_major": True, "major_reasons": MajorReason.PUBLIC_INTEREST.value}
    refused = record_proposal(any_db, case_id, ProposalForm(items=(), legal_basis="", facts=""), officer)
    assert not refused.ok and any("法律依据" in e for e in refused.errors)


def test_full_loop_and_the_gate_through_the_service(any_db: Engine) -> None:
    officer, reviewer, second = actors(any_db)
    case_id = new_case(any_db)
    assert record_proposal(any_db, case_id, proposal("150000"), officer).ok
    form = DecisionForm("测试罚〔2026〕1号", TODAY)

    def refused_decision(fragment: str) -> None:
        before = counts(any_db)
        result = record_decision(any_db, case_id, form, officer, TODAY)
        assert not result.ok and any(fragment in e for e in result.errors), result.errors
        assert counts(any_db) == before  # nothing written, not even an audit entry

    refused_decision("未经法制审核")
    assert submit_for_review(any_db, case_id, ALL_MATERIALS[:2], officer, TODAY).id == 1
    assert rounds_of(any_db, case_id)[-1].clock_started_on is None  # materials incomplete: the clock waits
    refused_decision("尚未完成")
    assert not submit_for_review(any_db, case_id, ALL_MATERIALS, officer, TODAY).ok  # one pending round at a time
    assert supplement_materials(any_db, case_id, ALL_MATERIALS[2:], "补充证据清单", officer, TODAY).ok
    assert rounds_of(any_db, case_id)[-1].clock_started_on == TODAY
    assert claim_review(any_db, case_id, reviewer, TODAY).ok
    assert rounds_of(any_db, case_id)[-1].assignee_officer_id == reviewer.officer_id
    assert extend_review(any_db, case_id, "经局长批准延长3个工作日", reviewer, TODAY).ok
    assert not extend_review(any_db, case_id, "再次延长审核期限", reviewer, TODAY).ok
    problems = ReviewDecision(ReviewAction.RETURN, {**ALL_PASS, "discretion": (False, "从重情节未说明")},
                              "裁量说明不充分，请补充后重新报送。")
    assert decide_review(any_db, case_id, problems, reviewer, TODAY).ok
    assert not decide_review(any_db, case_id, problems, second, TODAY).ok  # the round is concluded
    refused_decision("存在问题")
    # resubmission states how the opinion was dealt with
    assert any("研究处理情况" in e for e in submit_for_review(any_db, case_id, ALL_MATERIALS, officer, TODAY).errors)
    assert record_proposal(any_db, case_id, proposal("150000"), officer).ok
    assert submit_for_review(any_db, case_id, ALL_MATERIALS, officer, TODAY, response="已补充从重情节说明").id == 2
    approve = ReviewDecision(ReviewAction.APPROVE, ALL_PASS, "同意。事实清楚，证据确凿，裁量适当。")
    assert decide_review(any_db, case_id, approve, second, TODAY).ok
    rounds = rounds_of(any_db, case_id)
    assert [(r.round_no, r.outcome) for r in rounds] == [(1, ReviewOutcome.PROBLEMS), (2, ReviewOutcome.APPROVED)]
    assert rounds[0].opinion.startswith("裁量说明不充分") and rounds[0].checklist["裁量基准运用适当"]["ok"] is False
    # an approval dated after the decision day is no prior review
    early = record_decision(any_db, case_id, DecisionForm("测试罚〔2026〕1号", TODAY - dt.timedelta(days=1)), officer, TODAY)
    assert not early.ok and any("晚于决定日期" in e for e in early.errors)
    result = record_decision(any_db, case_id, form, officer, TODAY)
    assert result.ok, result.errors
    shown = public_decision(any_db, result.id, TODAY)
    assert shown is not None and shown.legal_review == f"经法制审核（{TODAY.isoformat()}）"
    with any_db.connect() as conn:  # every round row stays as written: two rounds, steps appended
        stored = conn.execute(select(m.LegalReview.outcome).where(m.LegalReview.case_id == case_id)).scalars().all()
    assert stored == [None, None]


def test_recusal_and_qualification(any_db: Engine) -> None:
    officer, reviewer, second = actors(any_db)
    case_id = new_case(any_db)
    # the first reviewer took part in an inspection of this case
    with any_db.connect() as conn:
        reviewer_cert = conn.execute(select(m.Officer.cert_no).where(m.Officer.id == reviewer.officer_id)).scalar_one()
    other = [c for c in certs(any_db) if c != reviewer_cert][0]
    assert append_event(any_db, case_id, step("立案", "立案审批", at(FILED, 9), [other]), officer, at(TODAY)).ok
    assert append_event(any_db, case_id, step("调查取证", "现场检查", at(FILED, 10), [other, reviewer_cert]),
                        officer, at(TODAY)).ok
    assert record_proposal(any_db, case_id, proposal("150000"), officer).ok
    assert submit_for_review(any_db, case_id, ALL_MATERIALS, officer, TODAY).ok
    refused = claim_review(any_db, case_id, reviewer, TODAY)
    assert not refused.ok and "回避" in refused.errors[0]
    approve = ReviewDecision(ReviewAction.APPROVE, ALL_PASS, "同意。事实清楚，证据确凿。")
    assert "回避" in decide_review(any_db, case_id, approve, reviewer, TODAY).errors[0]
    assert "回避" in claim_review(any_db, case_id, second, TODAY, assignee_officer_id=reviewer.officer_id).errors[0]
    # a reviewer without 法律职业资格 who first reviews now is refused
    with any_db.begin() as conn:
        conn.execute(m.Officer.__table__.update().where(m.Officer.id == second.officer_id)
                     .values(has_legal_qualification=False))
    assert "法律职业资格" in claim_review(any_db, case_id, second, TODAY).errors[0]
    with any_db.begin() as conn:  # in post before 2021-07-15: the requirement does not bind them
        conn.execute(m.Officer.__table__.update().where(m.Officer.id == second.officer_id)
                     .values(first_reviewed_on=dt.date(2020, 5, 1)))
    assert claim_review(any_db, case_id, second, TODAY).ok
    assert decide_review(any_db, case_id, approve, second, TODAY).ok


def _insert_decision(conn, case_id: int, number: str, day: dt.date, fine: str = "150000", unreviewed: bool = False):
    return conn.execute(m.Decision.__table__.insert().values(
        case_id=case_id, decision_no=number, decided_on=day, category="行政处罚", conclusion="罚款", legal_basis="x",
        fine_total=Decimal(fine), confiscation_total=Decimal("0"), unreviewed_major=unreviewed,
        created_at=dt.datetime.now(dt.UTC)).returning(m.Decision.id)).scalar_one()


def test_direct_sql_insert_is_refused_by_the_database(any_db: Engine) -> None:
    major = new_case(any_db, major=True)
    with pytest.raises(DBAPIError, match="法制审核"), any_db.begin() as conn:
        _insert_decision(conn, major, "直插〔2026〕1号", TODAY)
    # a native case cannot dodge the gate by marking its own decision unreviewed
    with pytest.raises(DBAPIError, match="法制审核"), any_db.begin() as conn:
        _insert_decision(conn, major, "直插〔2026〕1号", TODAY, unreviewed=True)
    # a case not flagged major whose decision reaches the agency's threshold is major all the same
    plain = new_case(any_db)
    with pytest.raises(DBAPIError, match="法制审核"), any_db.begin() as conn:
        _insert_decision(conn, plain, "直插〔2026〕2号", TODAY, fine="100000")
    with any_db.begin() as conn:
        small = _insert_decision(conn, plain, "直插〔2026〕2号", TODAY, fine="99999.99")
    with pytest.raises(DBAPIError, match="法制审核"), any_db.begin() as conn:  # 吊销许可证件 is a listed type
        conn.execute(m.PenaltyItem.__table__.insert().values(decision_id=small, penalty_type="吊销许可证件"))
    # approved the day after the decision: still refused; approved on the day: accepted
    with any_db.begin() as conn:
        conn.execute(m.LegalReview.__table__.insert().values(
            case_id=major, round_no=1, submitted_on=FILED, reviewed_on=TODAY + dt.timedelta(days=1),
            outcome=ReviewOutcome.APPROVED, created_at=dt.datetime.now(dt.UTC)))
    with pytest.raises(DBAPIError, match="法制审核"), any_db.begin() as conn:
        _insert_decision(conn, major, "直插〔2026〕1号", TODAY)
    with any_db.begin() as conn:
        _insert_decision(conn, major, "直插〔2026〕1号", TODAY + dt.timedelta(days=1))


def _legacy_decision(engine: Engine, number: str) -> tuple[int, str]:
    """An imported (历史导入) major case decided on 2026-11-01 without review: accepted only marked."""
    case_id = new_case(engine, major=True)
    with engine.begin() as conn:
        conn.execute(m.Case.__table__.update().where(m.Case.id == case_id).values(origin=DataOrigin.LEGACY))
        decision_id = _insert_decision(conn, case_id, number, dt.date(2026, 11, 1), unreviewed=True)
        case_no = conn.execute(select(m.Case.case_no).where(m.Case.id == case_id)).scalar_one()
    return decision_id, case_no


def test_imported_history_is_marked_and_the_mark_is_permanent_without_prior_approval(any_db: Engine) -> None:
    late_id, late_case = _legacy_decision(any_db, "历史〔2025〕1号")
    prior_id, prior_case = _legacy_decision(any_db, "历史〔2025〕2号")
    with pytest.raises(DBAPIError, match="法制审核"), any_db.begin() as conn:
        conn.execute(text("UPDATE decisions SET unreviewed_major = :f WHERE id = :i"), {"f": False, "i": late_id})

    def import_review(case_no: str, reviewed_on: str):
        row = f"案号,轮次,报送日期,审核日期,审核结论\r\n{case_no},1,2026-10-20,{reviewed_on},同意\r\n"
        report = run_import("reviews", any_db, row.encode("utf-8-sig"), filename="reviews.csv", today=TODAY,
                            now=dt.datetime.now(dt.UTC))
        assert report.exit_code == 0, report.lines()
        return report

    def marked(decision_id: int) -> bool:
        with any_db.connect() as conn:
            return conn.execute(select(m.Decision.unreviewed_major).where(m.Decision.id == decision_id)).scalar_one()

    late = import_review(late_case, "2026-11-05")  # approved after the decision: no prior review
    assert marked(late_id) and any("晚于决定日期" in p.message for p in late.warnings)
    shown = public_review_labels(any_db, [late_id, prior_id])
    assert shown == {late_id: "未经法制审核", prior_id: "未经法制审核"}
    cleared = import_review(prior_case, "2026-10-30")
    assert not marked(prior_id) and any("标记已清除" in p.message for p in cleared.warnings)
    assert public_review_labels(any_db, [prior_id]) == {prior_id: "经法制审核（2026-10-30）"}


def public_review_labels(engine: Engine, ids: list[int]) -> dict[int, str]:
    with engine.connect() as conn:
        return review_labels(conn, ids)


def test_board_lists_planted_legacy_violations_and_queue_sorts_by_time_left(seeded_engine: Engine, seeded_sqlite) -> None:
    from db.reviews import major_board, review_queue
    from db.stats import load_calendar

    calendar = load_calendar(seeded_engine)
    board = major_board(seeded_engine, None, calendar, TODAY)
    planted = seeded_sqlite[1].planted["unreviewed_major"]
    assert planted > 0
    unreviewed = board[board["status"] == "未经法制审核"]
    assert len(unreviewed) >= planted and unreviewed["violation"].all()
    with seeded_engine.connect() as conn:
        marked = conn.execute(select(func.count()).select_from(m.Decision).where(m.Decision.unreviewed_major.is_(True))
                              ).scalar_one()
    assert len(unreviewed) == marked
    assert set(board["status"]) >= {"已决定", "未经法制审核"}
    queue = review_queue(seeded_engine, None, calendar, TODAY)
    timed = queue["remaining"].dropna().tolist()
    assert timed == sorted(timed) and len(queue) > 0


def test_the_approval_covers_the_proposal_it_reviewed(any_db: Engine) -> None:
    officer, reviewer, _ = actors(any_db)
    case_id = new_case(any_db)
    assert record_proposal(any_db, case_id, proposal("150000"), officer).ok
    assert submit_for_review(any_db, case_id, ALL_MATERIALS, officer, TODAY).ok
    frozen = record_proposal(any_db, case_id, proposal("300000"), officer)  # not while it is under review
    assert not frozen.ok and "审核进行中" in frozen.errors[0]
    assert decide_review(any_db, case_id, ReviewDecision(ReviewAction.APPROVE, ALL_PASS, "同意。事实清楚，证据确凿。"),
                         reviewer, TODAY).ok
    assert record_proposal(any_db, case_id, proposal("300000"), officer).ok  # changed after the approval
    refused = record_decision(any_db, case_id, DecisionForm("改后〔2026〕1号", TODAY), officer, TODAY)
    assert not refused.ok and "重新报送" in refused.errors[0]


def test_a_proposed_fine_outside_its_benchmark_tier_makes_the_case_major(any_db: Engine) -> None:
    """The 重大 trigger "突破裁量基准" comes from the discretion check of the proposed fine, not only from a claimed
    减轻: a fine above the applied tier (still under the amount threshold) needs legal review."""
    from db.reviews import proposal_check
    from domain.discretion_check import DiscretionFlag
    from domain.enums import BenchmarkRangeKind

    officer, _, _ = actors(any_db)
    t = m.BenchmarkTier
    with any_db.connect() as conn:
        tier_id, low, high = conn.execute(
            select(t.id, t.min_amount, t.max_amount).where(t.range_kind == BenchmarkRangeKind.FIXED,
                                                           t.min_amount >= 1000, t.max_amount <= 30000,
                                                           t.min_amount < t.max_amount)
            .order_by(t.id).limit(1)).one()
    inside, above = (low + high) / 2, high + 1000
    assert proposal_check(any_db, tier_id, None, ((PenaltyType.FINE, inside),), "情节一般").flags == ()
    flags = proposal_check(any_db, tier_id, None, ((PenaltyType.FINE, above),), "情节一般").flags
    assert {DiscretionFlag.TIER_MISMATCH, DiscretionFlag.OUT_OF_RANGE} & set(flags)
    case_id = new_case(any_db)
    assert record_proposal(any_db, case_id, proposal(str(inside), benchmark_tier_id=tier_id), officer).ok
    assert case_row(any_db, case_id) == {"is_major": False, "major_reasons": ""}
    assert record_proposal(any_db, case_id, proposal(str(above), benchmark_tier_id=tier_id), officer).ok
    assert case_row(any_db, case_id) == {"is_major": True, "major_reasons": MajorReason.BENCHMARK_DEVIATION.value}
