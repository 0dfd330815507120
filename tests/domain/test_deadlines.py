from __future__ import annotations

from dataclasses import FrozenInstanceError
from datetime import UTC, date, datetime

import pytest

from domain.deadlines import (
    DEFAULT_DISCLOSURE_RULES,
    DISCLOSURE_WORDING,
    ClockResult,
    DisclosureRules,
    disclosure_clock,
    publication_deadline,
    published_for_clock,
    withdrawal_deadline,
)
from domain.enums import SHORT_DEADLINE_CATEGORIES, ActionCategory, DueState
from domain.publication import disclosed
from domain.workdays import Deadline, WorkCalendar

CAL = WorkCalendar()
PENALTY = ActionCategory.PENALTY


# --- publication_deadline -------------------------------------------------------------------------------------


@pytest.mark.parametrize("category", list(ActionCategory))
def test_period_depends_on_category(category: ActionCategory) -> None:
    expected = 7 if category in {ActionCategory.LICENCE, ActionCategory.PENALTY} else 20
    assert DEFAULT_DISCLOSURE_RULES.publish_workdays(category) == expected


@pytest.mark.parametrize(
    ("decided", "category", "due"),
    [
        (date(2025, 9, 26), ActionCategory.PENALTY, date(2025, 10, 13)),  # across National Day + 调休
        (date(2025, 9, 26), ActionCategory.LICENCE, date(2025, 10, 13)),
        (date(2025, 9, 26), ActionCategory.INSPECTION, date(2025, 10, 30)),
        (date(2025, 10, 4), ActionCategory.PENALTY, date(2025, 10, 16)),  # Saturday inside the break
        (date(2025, 3, 1), ActionCategory.PENALTY, date(2025, 3, 11)),  # ordinary Saturday: 3/3 is day 1
        (date(2025, 3, 5), ActionCategory.PENALTY, date(2025, 3, 14)),
        (date(2026, 2, 13), ActionCategory.LICENCE, date(2026, 3, 2)),  # Spring Festival 2026
        (date(2026, 12, 1), ActionCategory.COERCION, date(2026, 12, 29)),
    ],
)
def test_publication_deadline(decided: date, category: ActionCategory, due: date) -> None:
    assert publication_deadline(decided, category, CAL) == Deadline(due, False)


def test_publication_deadline_into_uncovered_year_is_provisional() -> None:
    assert publication_deadline(date(2026, 12, 28), PENALTY, CAL) == Deadline(date(2027, 1, 6), True)


def test_configured_rules_change_the_deadline() -> None:
    rules = DisclosureRules(short_publish_workdays=5, general_publish_workdays=15)
    assert publication_deadline(date(2025, 3, 5), PENALTY, CAL, rules).due == date(2025, 3, 12)
    assert publication_deadline(date(2025, 3, 5), ActionCategory.INSPECTION, CAL, rules).due == date(2025, 3, 26)

    coercion_short = DisclosureRules(short_deadline_categories=SHORT_DEADLINE_CATEGORIES | {ActionCategory.COERCION})
    assert coercion_short.publish_workdays(ActionCategory.COERCION) == 7


@pytest.mark.parametrize(
    "kwargs",
    [
        {"short_publish_workdays": 0},
        {"general_publish_workdays": -1},
        {"withdrawal_workdays": 2.5},
        {"withdrawal_workdays": True},
    ],
)
def test_invalid_rules_are_rejected(kwargs: dict[str, object]) -> None:
    with pytest.raises(ValueError, match="正整数"):
        DisclosureRules(**kwargs)  # type: ignore[arg-type]


def test_rules_accept_category_strings() -> None:
    rules = DisclosureRules(short_deadline_categories=frozenset({"行政处罚"}))  # type: ignore[arg-type]
    assert rules.publish_workdays(ActionCategory.PENALTY) == 7
    assert rules.publish_workdays(ActionCategory.LICENCE) == 20


# --- disclosure_clock -----------------------------------------------------------------------------------------

DECIDED = date(2025, 3, 5)  # Wednesday; 7-working-day deadline is Friday 2025-03-14


def clock(published_on: date | None, today: date, decided: date = DECIDED, cal: WorkCalendar = CAL) -> ClockResult:
    return disclosure_clock(decided, PENALTY, published_on, today, cal)


@pytest.mark.parametrize(
    ("published_on", "today", "status", "late"),
    [
        (date(2025, 3, 5), date(2025, 4, 1), DueState.ON_TIME, 0),  # same day as the decision
        (date(2025, 3, 14), date(2025, 4, 1), DueState.ON_TIME, 0),  # on the last day
        (date(2025, 3, 17), date(2025, 4, 1), DueState.LATE, 1),  # Monday after a Friday deadline
        (date(2025, 3, 18), date(2025, 4, 1), DueState.LATE, 2),  # 2 working days late across the weekend
        (date(2025, 3, 15), date(2025, 4, 1), DueState.LATE, 1),  # Saturday: late, though no working day passed
        (None, date(2025, 3, 6), DueState.PENDING, 0),
        (None, date(2025, 3, 14), DueState.PENDING, 0),  # the last day itself is still in time
        (None, date(2025, 3, 15), DueState.OVERDUE, 1),
        (None, date(2025, 3, 18), DueState.OVERDUE, 2),
        (None, date(2025, 4, 1), DueState.OVERDUE, 12),
    ],
)
def test_clock_statuses(published_on: date | None, today: date, status: DueState, late: int) -> None:
    result = clock(published_on, today)
    assert result == ClockResult(date(2025, 3, 14), False, status, late)


def test_publication_wins_over_today() -> None:
    # Once published, the status no longer depends on the day the dashboard is viewed.
    assert clock(date(2025, 3, 18), date(2025, 3, 18)) == clock(date(2025, 3, 18), date(2030, 1, 1))


def test_clock_around_national_day() -> None:
    decided = date(2025, 9, 30)  # deadline: 10/9, 10/10, 10/11 (Sat, 调休), 10/13, 10/14, 10/15, 10/16
    assert clock(date(2025, 10, 8), date(2025, 10, 20), decided).status is DueState.ON_TIME
    assert clock(None, date(2025, 10, 16), decided).status is DueState.PENDING
    late = clock(date(2025, 10, 21), date(2025, 10, 21), decided)
    assert (late.deadline, late.status, late.late_workdays) == (date(2025, 10, 16), DueState.LATE, 3)


def test_clock_lateness_counts_调休_saturday() -> None:
    decided = date(2025, 9, 24)  # 9/25, 9/26, 9/28 (Sun, 调休), 9/29, 9/30, 10/9, 10/10 (Friday)
    assert clock(None, date(2025, 10, 10), decided).status is DueState.PENDING
    result = clock(date(2025, 10, 13), date(2025, 10, 13), decided)
    # Monday publication: Saturday 10/11 was a working day, so this is 2 working days late, not 1.
    assert (result.deadline, result.status, result.late_workdays) == (date(2025, 10, 10), DueState.LATE, 2)


def test_clock_for_saturday_decision() -> None:
    result = clock(date(2025, 10, 17), date(2025, 10, 17), date(2025, 10, 4))
    assert result == ClockResult(date(2025, 10, 16), False, DueState.LATE, 1)


def test_general_category_uses_twenty_workdays() -> None:
    result = disclosure_clock(date(2025, 9, 26), ActionCategory.INSPECTION, date(2025, 10, 30), date(2025, 11, 3), CAL)
    assert (result.deadline, result.status) == (date(2025, 10, 30), DueState.ON_TIME)


def test_provisional_flag_propagates() -> None:
    decided = date(2026, 12, 28)
    pending = clock(None, date(2027, 1, 4), decided)
    assert pending == ClockResult(date(2027, 1, 6), True, DueState.PENDING, 0)
    overdue = clock(None, date(2027, 1, 8), decided)
    assert overdue == ClockResult(date(2027, 1, 6), True, DueState.OVERDUE, 2)

    official = WorkCalendar(extra_holidays=frozenset({date(2027, 1, 1)}), official_years=frozenset({2027}))
    assert clock(None, date(2027, 1, 8), decided, official) == ClockResult(
        date(2027, 1, 7), False, DueState.OVERDUE, 1
    )


def test_within_covered_year_is_not_provisional() -> None:
    assert not clock(None, date(2026, 12, 31), date(2026, 12, 18)).provisional


def test_disclosure_pages_word_the_clock_states_as_before() -> None:
    states = [DueState.ON_TIME, DueState.LATE, DueState.PENDING, DueState.OVERDUE]
    assert [DISCLOSURE_WORDING[s] for s in states] == ["按时公示", "逾期公示", "待公示(未到期)", "逾期未公示"]
    assert [s.value for s in DueState] == ["按时", "逾期", "进行中", "已逾期未完成", "不适用"]  # the case timeline


def test_clock_result_is_frozen() -> None:
    with pytest.raises(FrozenInstanceError):
        clock(None, DECIDED).late_workdays = 3  # type: ignore[misc]


# --- withdrawal_deadline --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("learned", "due"),
    [
        (date(2025, 3, 7), date(2025, 3, 12)),  # Friday: Mon, Tue, Wed
        (date(2025, 9, 30), date(2025, 10, 11)),  # 10/9, 10/10, 10/11 (Sat, 调休)
        (date(2026, 2, 13), date(2026, 2, 25)),  # 2/14 (Sat, 调休), 2/24, 2/25
    ],
)
def test_withdrawal_deadline(learned: date, due: date) -> None:
    assert withdrawal_deadline(learned, CAL) == Deadline(due, False)


def test_withdrawal_deadline_configurable_and_provisional() -> None:
    assert withdrawal_deadline(date(2025, 3, 7), CAL, DisclosureRules(withdrawal_workdays=5)).due == date(2025, 3, 14)
    assert withdrawal_deadline(date(2026, 12, 30), CAL) == Deadline(date(2027, 1, 4), True)


@pytest.mark.parametrize(
    ("start", "months", "expected"),
    [(date(2024, 8, 31), 6, date(2025, 2, 28)), (date(2023, 1, 31), 1, date(2023, 2, 28)),
     (date(2024, 1, 31), 1, date(2024, 2, 29)), (date(2025, 11, 15), 24, date(2027, 11, 15)),
     (date(2025, 12, 1), 1, date(2026, 1, 1)), (date(2025, 5, 10), 0, date(2025, 5, 10))],
)
def test_add_months_clamps_to_month_end(start, months, expected) -> None:
    from domain.deadlines import add_months

    assert add_months(start, months) == expected


_RECORDED = date(2026, 11, 25)


@pytest.mark.parametrize(("draft", "visible", "released_at", "expected"), [
    (False, True, None, _RECORDED),  # visible since its first projection: the recorded day
    (True, True, None, None),  # a draft is not published
    (False, False, None, None),  # held or unprojected: the public cannot see it
    (False, False, datetime(2026, 12, 15, 2, 0, tzinfo=UTC), None),  # held again after its release
    (False, True, datetime(2026, 12, 15, 2, 0, tzinfo=UTC), date(2026, 12, 15)),  # released later: that day
    (False, True, datetime(2026, 12, 14, 16, 30, tzinfo=UTC), date(2026, 12, 15)),  # 00:30 in Shanghai
    (False, True, datetime(2026, 12, 14, 15, 30, tzinfo=UTC), date(2026, 12, 14)),  # 23:30 in Shanghai
    (False, True, datetime(2026, 11, 20, 2, 0, tzinfo=UTC), _RECORDED),  # released before the recorded day
])
def test_the_clock_counts_a_decision_held_from_the_start_as_published_when_released(
        draft, visible, released_at, expected) -> None:
    assert published_for_clock(_RECORDED, draft=draft, visible=visible, released_at=released_at) == expected
    assert published_for_clock(None, draft=draft, visible=visible, released_at=released_at) is None


@pytest.mark.parametrize(("status", "published_on", "withheld_reason", "expected"), [
    ("已公示", _RECORDED, None, True),
    ("已更正", _RECORDED, None, True),
    ("已撤回", _RECORDED, None, True),  # it was public before its withdrawal
    ("已到期", _RECORDED, None, True),  # and before its period ended
    ("待公示", None, None, False),
    ("待公示", _RECORDED, None, False),
    ("已公示", None, None, False),
    ("已公示", _RECORDED, "当事人为未成年人", False),
    (None, None, None, False),  # no disclosure record
])
def test_whether_the_public_has_been_shown_a_decision(status, published_on, withheld_reason, expected) -> None:
    assert disclosed(status, published_on, withheld_reason) is expected
