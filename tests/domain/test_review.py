from __future__ import annotations

from datetime import date

import pytest

from domain.enums import ReviewOutcome, Role
from domain.permissions import Actor
from domain.review import (
    CHECKLIST,
    ReviewAction,
    ReviewDecision,
    ReviewRound,
    available_actions,
    median_of_counts,
    outcome_of,
    validate_decision,
)

ROUND = ReviewRound(case_id=1, agency_id=3, round_no=1, submitted_on=date(2026, 5, 6), outcome=None, is_latest=True)
ALL_PASS = {key: (True, "") for key, _ in CHECKLIST}


def reviewer(agency_id: int = 3) -> Actor:
    return Actor("r", "审核员", Role.REVIEWER, agency_id=agency_id)


def test_qualified_reviewer_of_same_agency_can_approve_or_return() -> None:
    assert available_actions(ROUND, reviewer(), True) == [ReviewAction.APPROVE, ReviewAction.RETURN,
                                                          ReviewAction.TRANSFER]


@pytest.mark.parametrize(
    ("review", "actor", "qualified"),
    [
        (ROUND, reviewer(4), True),  # another agency
        (ROUND, Actor("o", "执法", Role.OFFICER, agency_id=3), True),  # handling unit cannot review itself
        (ROUND, Actor("s", "监督", Role.SUPERVISOR), True),
        (ROUND, reviewer(), False),  # art. 58 ¶2: no 法律职业资格 for a first-time reviewer
        (ReviewRound(1, 3, 1, date(2026, 5, 6), ReviewOutcome.APPROVED, True), reviewer(), True),  # decided
        (ReviewRound(1, 3, 1, date(2026, 5, 6), None, False), reviewer(), True),  # superseded round
    ],
)
def test_no_actions_otherwise(review, actor, qualified) -> None:
    assert available_actions(review, actor, qualified) == []


def test_complete_approval_is_valid() -> None:
    decision = ReviewDecision(ReviewAction.APPROVE, ALL_PASS, "同意。事实清楚，证据确凿。")
    assert validate_decision(decision, ROUND, date(2026, 5, 8)) == []
    assert outcome_of(decision.action) is ReviewOutcome.APPROVED


@pytest.mark.parametrize(
    ("decision", "message"),
    [
        (ReviewDecision(ReviewAction.APPROVE, {k: v for k, v in list(ALL_PASS.items())[:3]}, "同意"), "未填写完整"),
        (ReviewDecision(ReviewAction.APPROVE, {**ALL_PASS, "discretion": (False, "偏重")}, "同意"), "不能同意"),
        (ReviewDecision(ReviewAction.APPROVE, ALL_PASS, " "), "请填写审核意见"),
        (ReviewDecision(ReviewAction.RETURN, ALL_PASS, "请补充证据后重新报送审核。"), "至少标明一项"),
        (ReviewDecision(ReviewAction.RETURN, {**ALL_PASS, "evidence": (False, "缺少询问笔录")}, "退回"), "书面审核意见"),
        (ReviewDecision(ReviewAction.RETURN, {**ALL_PASS, "evidence": (False, "")}, "证据不足，请补充询问笔录后重新报送。"),
         "证据合法充分"),
    ],
)
def test_incomplete_opinions_are_refused(decision, message) -> None:
    errors = validate_decision(decision, ROUND, date(2026, 5, 8))
    assert any(message in e for e in errors), errors


def test_review_before_submission_is_refused() -> None:
    decision = ReviewDecision(ReviewAction.APPROVE, ALL_PASS, "同意")
    assert any("早于报送日期" in e for e in validate_decision(decision, ROUND, date(2026, 5, 1)))


def test_return_with_reasons_is_valid() -> None:
    decision = ReviewDecision(ReviewAction.RETURN, {**ALL_PASS, "discretion": (False, "从重情节未说明")},
                              "存在问题：裁量说明不充分，请补充从重情节的证据后重新报送。")
    assert validate_decision(decision, ROUND, date(2026, 5, 8)) == []
    assert outcome_of(decision.action) is ReviewOutcome.PROBLEMS


@pytest.mark.parametrize(("opinion", "comment", "message"), [
    ("同意\x00", "", "审核意见含有"),
    ("同意\ud800", "", "审核意见含有"),
    ("同意。", "说明\x00", "审核事项说明含有"),
])
def test_control_characters_are_refused_before_writing(opinion, comment, message) -> None:
    """PostgreSQL refuses NUL in text with a driver error; the reviewer gets a sentence instead."""
    decision = ReviewDecision(ReviewAction.APPROVE, {**ALL_PASS, "evidence": (True, comment)}, opinion)
    assert any(message in e for e in validate_decision(decision, ROUND, date(2026, 5, 8)))


def test_line_breaks_in_an_opinion_are_fine() -> None:
    decision = ReviewDecision(ReviewAction.APPROVE, ALL_PASS, "同意。\n事实清楚，\t证据确凿。")
    assert validate_decision(decision, ROUND, date(2026, 5, 8)) == []


def test_the_median_of_counted_values_is_the_median_of_the_values_written_out() -> None:
    import random
    import statistics
    from collections import Counter

    rng = random.Random(5)
    for _ in range(500):
        values = [rng.randint(0, 12) for _ in range(rng.randint(1, 15))]
        counted = list(Counter(values).items()) + [(99, 0)]  # a value counted zero times is no value
        assert median_of_counts(counted) == float(statistics.median(values)), values
    assert median_of_counts([(3, 2), (3.0, 1)]) == 3.0  # the same value from two groups
    assert median_of_counts([]) is None and median_of_counts([(5, 0)]) is None
    assert median_of_counts([(1, 1), (4, 1)]) == 2.5
