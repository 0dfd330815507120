"""目录清单 thresholds at, just below and just above each boundary (inclusive 以上 and exclusive 超过), the other
triggers, the gate, 回避 and qualification, and the review clock across the 2025 National Day holiday."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from domain.enums import DiscretionTier, MajorReason, PartyType, PenaltyType, ReviewOutcome
from domain.major import MajorRules, ProposedPenalty, assess_major, claims_departure, rules_catalogue
from domain.procedure import ReviewFact
from domain.review import (
    ClockState,
    MajorStatus,
    ReviewAction,
    approved_before,
    clock_start,
    decision_gate,
    major_status,
    missing_materials,
    public_review_label,
    qualification_problem,
    recusal_problem,
    review_clock,
    reviewers_required,
)
from domain.workdays import WorkCalendar

PERSON, ORG = PartyType.NATURAL_PERSON, PartyType.LEGAL_PERSON
INCLUSIVE = MajorRules()  # 1万/10万 以上（含本数）
EXCLUSIVE = MajorRules(fine_person=Decimal("5000"), fine_org=Decimal("50000"), inclusive=False)  # 通州: 超过
SEPARATE_CONFISCATION = MajorRules(confiscation_person=Decimal("20000"), confiscation_org=Decimal("200000"))
CENT = Decimal("0.01")


def fine(party: PartyType, amount: str) -> ProposedPenalty:
    return ProposedPenalty(party, ((PenaltyType.FINE, Decimal(amount)),))


def confiscate(party: PartyType, amount: str) -> ProposedPenalty:
    return ProposedPenalty(party, ((PenaltyType.CONFISCATE_GAINS, Decimal(amount)),))


@pytest.mark.parametrize(("rules", "proposal", "major"), [
    # inclusive: the figure itself is major
    (INCLUSIVE, fine(PERSON, "9999.99"), False),
    (INCLUSIVE, fine(PERSON, "10000"), True),
    (INCLUSIVE, fine(PERSON, "10000.01"), True),
    (INCLUSIVE, fine(ORG, "99999.99"), False),
    (INCLUSIVE, fine(ORG, "100000"), True),
    (INCLUSIVE, fine(ORG, "100000.01"), True),
    # a person's threshold does not apply to an organisation
    (INCLUSIVE, fine(ORG, "10000"), False),
    # exclusive: the figure itself is not major
    (EXCLUSIVE, fine(PERSON, "4999.99"), False),
    (EXCLUSIVE, fine(PERSON, "5000"), False),
    (EXCLUSIVE, fine(PERSON, "5000.01"), True),
    (EXCLUSIVE, fine(ORG, "49999.99"), False),
    (EXCLUSIVE, fine(ORG, "50000"), False),
    (EXCLUSIVE, fine(ORG, "50000.01"), True),
    # confiscation defaults to the fine threshold, or has its own
    (INCLUSIVE, confiscate(PERSON, "9999.99"), False),
    (INCLUSIVE, confiscate(PERSON, "10000"), True),
    (EXCLUSIVE, confiscate(ORG, "50000"), False),
    (EXCLUSIVE, confiscate(ORG, "50000.01"), True),
    (SEPARATE_CONFISCATION, confiscate(PERSON, "19999.99"), False),
    (SEPARATE_CONFISCATION, confiscate(PERSON, "20000"), True),
    (SEPARATE_CONFISCATION, confiscate(ORG, "199999.99"), False),
    (SEPARATE_CONFISCATION, confiscate(ORG, "200000"), True),
    (SEPARATE_CONFISCATION, fine(PERSON, "10000"), True),
    # a fine and a confiscation are measured separately, not summed
    (INCLUSIVE, ProposedPenalty(PERSON, ((PenaltyType.FINE, Decimal("6000")),
                                         (PenaltyType.CONFISCATE_GAINS, Decimal("6000")))), False),
    (INCLUSIVE, ProposedPenalty(PERSON, ((PenaltyType.WARNING, None),)), False),
])
def test_amount_thresholds(rules: MajorRules, proposal: ProposedPenalty, major: bool) -> None:
    assessment = assess_major(rules, proposal)
    assert assessment.is_major is major
    if major:
        assert assessment.reasons == (MajorReason.LARGE_AMOUNT,)


def test_reason_text_states_the_boundary_rule() -> None:
    assert "1万元以上（含本数）" in assess_major(INCLUSIVE, fine(PERSON, "10000")).explanation
    assert "超过5,000元（不含本数）" in assess_major(EXCLUSIVE, fine(PERSON, "5000.01")).explanation


@pytest.mark.parametrize("kind", [PenaltyType.ORDER_SUSPENSION, PenaltyType.ORDER_CLOSURE, PenaltyType.RESTRICT_PRACTICE,
                                  PenaltyType.DOWNGRADE_QUALIFICATION, PenaltyType.REVOKE_LICENCE])
def test_severe_penalty_types_are_major_whatever_the_amount(kind: PenaltyType) -> None:
    assessment = assess_major(INCLUSIVE, ProposedPenalty(PERSON, ((kind, None), (PenaltyType.FINE, Decimal("100")))))
    assert assessment.reasons == (MajorReason.SEVERE_TYPE,)
    assert kind.value in assessment.explanation


def test_an_agency_can_drop_a_penalty_type_from_its_list() -> None:
    rules = MajorRules(penalty_types=frozenset({PenaltyType.REVOKE_LICENCE}))
    assert not assess_major(rules, ProposedPenalty(ORG, ((PenaltyType.ORDER_SUSPENSION, None),))).is_major
    assert assess_major(rules, ProposedPenalty(ORG, ((PenaltyType.REVOKE_LICENCE, None),))).is_major


def test_hearing_benchmark_and_manual_triggers() -> None:
    small = ((PenaltyType.FINE, Decimal("500")),)
    assert assess_major(INCLUSIVE, ProposedPenalty(PERSON, small, hearing_held=True)).reasons == (MajorReason.HEARING,)
    assert not assess_major(MajorRules(hearing=False), ProposedPenalty(PERSON, small, hearing_held=True)).is_major
    departs = ProposedPenalty(PERSON, small, departs_from_benchmark=claims_departure(DiscretionTier.MITIGATED))
    assert assess_major(INCLUSIVE, departs).reasons == (MajorReason.BENCHMARK_DEVIATION,)
    assert not assess_major(MajorRules(benchmark_departure=False), departs).is_major
    assert not claims_departure(DiscretionTier.LIGHTER) and not claims_departure(None)
    manual = ProposedPenalty(ORG, small, manual=frozenset({MajorReason.PUBLIC_INTEREST, MajorReason.COMPLEX}))
    assessment = assess_major(INCLUSIVE, manual)
    assert assessment.reasons == (MajorReason.PUBLIC_INTEREST, MajorReason.COMPLEX)
    assert assessment.reasons_text == "涉及重大公共利益；案件疑难复杂、涉及多个法律关系"
    with pytest.raises(ValueError):
        ProposedPenalty(ORG, small, manual=frozenset({MajorReason.LARGE_AMOUNT}))  # computed, never ticked


def test_rules_refuse_nonsense_and_publish_as_a_list() -> None:
    with pytest.raises(ValueError):
        MajorRules(fine_person=Decimal("0"))
    catalogue = rules_catalogue(EXCLUSIVE)
    assert catalogue[0].startswith("对自然人罚款超过5,000元（不含本数）")
    assert any("7个工作日" in line and "延长3个工作日" in line for line in catalogue)


def rounds(*specs: tuple[ReviewOutcome | None, date | None]) -> tuple[ReviewFact, ...]:
    return tuple(ReviewFact(i + 1, date(2026, 3, 1), reviewed, outcome) for i, (outcome, reviewed) in enumerate(specs))


DAY = date(2026, 3, 10)


@pytest.mark.parametrize(("is_major", "history", "refused"), [
    (False, (), None),
    (True, (), "未经法制审核"),
    (True, rounds((None, None)), "尚未完成"),
    (True, rounds((ReviewOutcome.PROBLEMS, date(2026, 3, 3))), "审核未通过"),
    (True, rounds((ReviewOutcome.APPROVED, date(2026, 3, 3)), (None, None)), "第2轮法制审核尚未完成"),
    (True, rounds((ReviewOutcome.APPROVED, date(2026, 3, 11))), "晚于决定日期"),
    (True, rounds((ReviewOutcome.PROBLEMS, date(2026, 3, 3)), (ReviewOutcome.APPROVED, DAY)), None),
    (True, rounds((ReviewOutcome.APPROVED, date(2026, 3, 9))), None),
])
def test_gate(is_major: bool, history: tuple[ReviewFact, ...], refused: str | None) -> None:
    problems = decision_gate(is_major, history, DAY)
    if refused is None:
        assert problems == []
        assert not is_major or approved_before(history, DAY) is not None
    else:
        assert len(problems) == 1 and refused in problems[0]
        assert approved_before(history, DAY) is None


def test_recusal_and_qualification() -> None:
    assert recusal_problem(7, [3, 7]) is not None and "回避" in recusal_problem(7, [3, 7])
    assert recusal_problem(8, [3, 7]) is None
    assert qualification_problem(True, True, None) is None
    assert qualification_problem(True, False, date(2021, 7, 14)) is None  # in post before the 2021 law
    assert "法律职业资格" in qualification_problem(True, False, date(2021, 7, 15))
    assert "法律职业资格" in qualification_problem(True, False, None)
    assert qualification_problem(False, True, None) is not None


@pytest.mark.parametrize(("officers", "needed"), [(0, 0), (1, 1), (20, 1), (21, 2), (40, 2), (41, 3)])
def test_five_percent_rule(officers: int, needed: int) -> None:
    assert reviewers_required(officers) == needed


CAL = WorkCalendar()
NATIONAL_DAY_START = date(2025, 9, 26)  # 7 working days end on 10-13: 9/28 (调休), 9/29, 9/30, 10/9, 10/10, 10/11, 10/13


@pytest.mark.parametrize(("today", "remaining", "state"), [
    (date(2025, 10, 1), 4, ClockState.ON_TIME),  # holiday: 10/9, 10/10, 10/11 (调休 Saturday), 10/13
    (date(2025, 10, 9), 3, ClockState.ON_TIME),
    (date(2025, 10, 10), 2, ClockState.DUE_SOON),
    (date(2025, 10, 13), 0, ClockState.DUE_SOON),
    (date(2025, 10, 14), -1, ClockState.OVERDUE),
])
def test_review_clock_across_national_day(today: date, remaining: int, state: ClockState) -> None:
    clock = review_clock(NATIONAL_DAY_START, False, 7, 3, CAL, today)
    assert clock.due == date(2025, 10, 13)
    assert (clock.remaining_workdays, clock.state) == (remaining, state)


def test_review_clock_extension_and_restart() -> None:
    extended = review_clock(NATIONAL_DAY_START, True, 7, 3, CAL, date(2025, 10, 14))
    assert extended.due == date(2025, 10, 16)
    assert (extended.remaining_workdays, extended.state) == (2, ClockState.DUE_SOON)  # not yet overdue
    # a supplement on 10-09 restarts the 7 days: 10/10, 10/11, 10/13, 10/14, 10/15, 10/16, 10/17
    restarted = clock_start(NATIONAL_DAY_START, [date(2025, 10, 9)], True)
    assert review_clock(restarted, False, 7, 3, CAL, date(2025, 10, 14)).due == date(2025, 10, 17)
    assert clock_start(NATIONAL_DAY_START, [], False) is None
    assert review_clock(None, False, 7, 3, CAL, date(2025, 10, 14)).state is ClockState.WAITING
    done = review_clock(NATIONAL_DAY_START, False, 7, 3, CAL, date(2025, 11, 1), concluded_on=date(2025, 10, 10))
    assert done.state is ClockState.DONE


def test_materials_and_status() -> None:
    assert missing_materials(["proposed_decision", "evidence_list"]) == ["调查终结报告", "告知及陈述申辩/听证材料", "裁量说明"]
    assert major_status(None, False, False, False, False) is MajorStatus.NOT_SUBMITTED
    assert major_status(None, True, False, False, False) is MajorStatus.AWAITING
    assert major_status(None, True, True, False, False) is MajorStatus.IN_REVIEW
    assert major_status(ReviewAction.RETURN, False, True, False, False) is MajorStatus.RETURNED
    assert major_status(ReviewAction.APPROVE, False, True, False, False) is MajorStatus.APPROVED
    assert major_status(ReviewAction.APPROVE, False, True, True, False) is MajorStatus.DECIDED
    assert major_status(None, False, False, True, True) is MajorStatus.UNREVIEWED
    assert public_review_label(True, date(2026, 3, 9)) == "经法制审核（2026-03-09）"
    assert public_review_label(True, None) == "未经法制审核"
    assert public_review_label(False, None) == ""
