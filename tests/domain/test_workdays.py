from __future__ import annotations

from dataclasses import FrozenInstanceError
from datetime import date, timedelta

import chinese_calendar
import pytest

from domain.workdays import DEFAULT_CALENDAR, Deadline, WorkCalendar, library_covered_years

CAL = WorkCalendar()


def test_covered_years_match_installed_library() -> None:
    years = CAL.covered_years()
    assert years == library_covered_years()
    assert years.start == 2004 and 2026 in years
    assert 2027 not in years  # update this test and the 2027 ones below when chinesecalendar adds 2027


def test_agrees_with_chinese_calendar_on_every_covered_day() -> None:
    d, end = date(CAL.covered_years().start, 1, 1), date(CAL.covered_years()[-1], 12, 31)
    while d <= end:
        assert CAL.is_workday(d) == chinese_calendar.is_workday(d), d
        assert not CAL.is_provisional(d)
        d += timedelta(days=1)


# --- add_workdays: docs/rules.md §6.1 ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "n", "due"),
    [
        # 9/28 (Sun, 调休), 9/29, 9/30, 10/9, 10/10, 10/11 (Sat, 调休), 10/13
        (date(2025, 9, 26), 7, date(2025, 10, 13)),
        # 1/4/2026 (Sun) is a 调休 workday
        (date(2025, 12, 31), 3, date(2026, 1, 6)),
        # Saturday in the National Day break: chinese_calendar.find_workday(7, d) wrongly gives 10-17
        (date(2025, 10, 4), 7, date(2025, 10, 16)),
        (date(2025, 9, 30), 1, date(2025, 10, 9)),
        # Spring Festival 2026: 2/14 (Sat) worked, 2/15–2/23 off, 2/28 (Sat) worked
        (date(2026, 2, 13), 1, date(2026, 2, 14)),
        (date(2026, 2, 14), 1, date(2026, 2, 24)),
        (date(2026, 2, 13), 7, date(2026, 3, 2)),  # 2/14, 2/24, 2/25, 2/26, 2/27, 2/28, 3/2
        # National Day 2026: 9/20 (Sun) worked, 9/25 中秋 off, 10/1–10/7 off, 10/10 (Sat) worked
        (date(2026, 9, 18), 1, date(2026, 9, 20)),
        (date(2026, 9, 30), 3, date(2026, 10, 10)),  # 10/8, 10/9, 10/10
        (date(2026, 9, 24), 1, date(2026, 9, 28)),
        (date(2025, 3, 3), 0, date(2025, 3, 3)),
    ],
)
def test_add_workdays(start: date, n: int, due: date) -> None:
    assert CAL.add_workdays(start, n) == Deadline(due, False)


def test_start_day_is_never_counted() -> None:
    # Every start day, working or not, yields a due date strictly later and a working day.
    d = date(2025, 9, 20)
    while d < date(2025, 10, 20):
        deadline = CAL.add_workdays(d, 1)
        assert deadline.due > d and CAL.is_workday(deadline.due)
        assert CAL.workdays_between(d, deadline.due) == 1
        d += timedelta(days=1)


def test_negative_n_is_rejected() -> None:
    with pytest.raises(ValueError):
        CAL.add_workdays(date(2025, 1, 1), -1)


def test_deadline_is_frozen() -> None:
    with pytest.raises(FrozenInstanceError):
        CAL.add_workdays(date(2025, 1, 1), 1).due = date(2025, 1, 3)  # type: ignore[misc]


# --- is_workday and 调休 --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("d", "working"),
    [
        (date(2025, 9, 28), True),  # Sunday, 调休 working day
        (date(2025, 10, 11), True),  # Saturday, 调休
        (date(2025, 10, 8), False),  # Wednesday, National Day + 中秋 2025
        (date(2025, 10, 9), True),
        (date(2026, 2, 14), True),  # Saturday before Spring Festival 2026
        (date(2026, 2, 15), False),
        (date(2026, 2, 16), False),  # Monday
        (date(2026, 2, 23), False),  # Monday, last day of the break
        (date(2026, 2, 24), True),
        (date(2026, 2, 28), True),  # Saturday after Spring Festival 2026
        (date(2026, 1, 4), True),  # Sunday
        (date(2026, 10, 7), False),
        (date(2026, 10, 8), True),
        (date(2026, 10, 10), True),  # Saturday
        (date(2026, 3, 7), False),  # ordinary Saturday
        (date(2026, 3, 9), True),  # ordinary Monday
    ],
)
def test_is_workday_follows_official_calendar(d: date, working: bool) -> None:
    assert CAL.is_workday(d) is working
    assert chinese_calendar.is_workday(d) is working


def test_spring_festival_2026_block() -> None:
    off = [date(2026, 2, 15) + timedelta(days=i) for i in range(9)]
    assert [CAL.is_workday(d) for d in off] == [False] * 9
    assert CAL.is_workday(date(2026, 2, 14)) and CAL.is_workday(date(2026, 2, 28))
    assert CAL.workdays_between(date(2026, 2, 13), date(2026, 2, 28)) == 6  # 2/14, 2/24–2/27, 2/28


# --- workdays_between -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("a", "b", "count"),
    [
        (date(2025, 9, 26), date(2025, 10, 13), 7),
        (date(2025, 10, 13), date(2025, 9, 26), 0),
        (date(2025, 10, 13), date(2025, 10, 13), 0),
        (date(2025, 10, 10), date(2025, 10, 12), 1),  # Sat 10/11 is 调休; Sun 10/12 is not
        (date(2025, 12, 31), date(2026, 1, 6), 3),
        # 261 weekdays − 18 weekday holidays + 5 调休 weekend days; 1/1 (excluded as start) is a holiday anyway
        (date(2025, 1, 1), date(2025, 12, 31), 248),
    ],
)
def test_workdays_between(a: date, b: date, count: int) -> None:
    assert CAL.workdays_between(a, b) == count


# --- calendar-day periods -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "n", "end"),
    [
        (date(2025, 3, 3), 15, date(2025, 3, 18)),  # ends on a Tuesday
        (date(2025, 9, 16), 15, date(2025, 10, 9)),  # 10/1 falls in the break: next working day 10/9
        (date(2025, 9, 13), 15, date(2025, 9, 28)),  # ends on a 调休 Sunday, which is a working day
        (date(2025, 3, 1), 14, date(2025, 3, 17)),  # ends on Saturday 3/15 → Monday
        (date(2025, 7, 1), 90, date(2025, 9, 29)),
        (date(2026, 11, 20), 44, date(2027, 1, 4)),  # ends Sunday 2027-01-03 (provisional year) → Monday
    ],
)
def test_add_calendar_days(start: date, n: int, end: date) -> None:
    assert CAL.add_calendar_days(start, n) == end


# --- years without official data ------------------------------------------------------------------------------

DECISION = date(2026, 12, 28)  # Monday


def test_deadline_into_uncovered_year_is_provisional_and_weekday_based() -> None:
    # 12/29, 12/30, 12/31, then 2027 on weekdays alone: 1/1 (Fri), 1/4, 1/5, 1/6
    assert CAL.add_workdays(DECISION, 7) == Deadline(date(2027, 1, 6), True)
    assert CAL.is_provisional(date(2027, 1, 1)) and not CAL.is_provisional(DECISION)
    assert CAL.is_workday(date(2027, 1, 1))  # on weekdays alone; the admin must supply 元旦


def test_deadline_within_covered_days_is_not_provisional() -> None:
    assert CAL.add_workdays(DECISION, 3) == Deadline(date(2026, 12, 31), False)


def test_uncovered_year_never_raises() -> None:
    for d in (date(2003, 5, 1), date(2030, 2, 4), date(2099, 12, 31)):
        CAL.is_workday(d)
        assert CAL.is_provisional(d)
    assert CAL.add_workdays(date(2003, 12, 30), 2) == Deadline(date(2004, 1, 2), True)  # 12/31/2003 counted
    assert CAL.add_workdays(date(2003, 12, 31), 2) == Deadline(date(2004, 1, 5), False)  # only 2004 days


def test_admin_holidays_change_result_but_stay_provisional_until_declared() -> None:
    holidays_2027 = frozenset({date(2027, 1, 1)})
    draft = WorkCalendar(extra_holidays=holidays_2027)
    assert draft.add_workdays(DECISION, 7) == Deadline(date(2027, 1, 7), True)

    official = WorkCalendar(extra_holidays=holidays_2027, official_years=frozenset({2027}))
    assert official.add_workdays(DECISION, 7) == Deadline(date(2027, 1, 7), False)
    assert not official.is_provisional(date(2027, 6, 1))


def test_admin_workdays_add_调休_weekends() -> None:
    cal = WorkCalendar(
        extra_holidays=frozenset({date(2027, 1, 1)}),
        extra_workdays=frozenset({date(2027, 1, 2)}),  # a hypothetical 调休 Saturday
        official_years=frozenset({2027}),
    )
    assert cal.is_workday(date(2027, 1, 2))
    assert cal.add_workdays(DECISION, 4) == Deadline(date(2027, 1, 2), False)


def test_admin_dates_override_library_years() -> None:
    cal = WorkCalendar(extra_holidays=frozenset({date(2026, 3, 9)}))
    assert not cal.is_workday(date(2026, 3, 9))
    assert cal.add_workdays(date(2026, 3, 6), 1) == Deadline(date(2026, 3, 10), False)


def test_calendar_is_immutable_hashable_and_accepts_iterables() -> None:
    a = WorkCalendar(extra_holidays=[date(2027, 1, 1)], official_years=[2027])  # type: ignore[arg-type]
    b = WorkCalendar(extra_holidays=frozenset({date(2027, 1, 1)}), official_years=frozenset({2027}))
    a.is_workday(date(2027, 1, 1))  # fills a's memo only
    assert a == b and hash(a) == hash(b)
    assert isinstance(a.extra_holidays, frozenset)
    with pytest.raises(FrozenInstanceError):
        a.official_years = frozenset()  # type: ignore[misc]


def test_conflicting_admin_dates_are_rejected() -> None:
    with pytest.raises(ValueError, match="同时"):
        WorkCalendar(extra_holidays=frozenset({date(2027, 1, 2)}), extra_workdays=frozenset({date(2027, 1, 2)}))


def test_default_calendar() -> None:
    assert DEFAULT_CALENDAR == WorkCalendar()
