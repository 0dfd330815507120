"""Credit periods at the rule-change dates, credit classes with the rule that fired, the objection clock."""

from __future__ import annotations

import datetime as dt
from datetime import date

import pytest

from domain.credit import (
    CreditClass,
    InspectionFact,
    PenaltyFact,
    Severity,
    classify,
    objection_clock,
    penalty_period,
    rate_limit_problem,
)
from domain.enums import PenaltyType as P
from domain.enums import Procedure

FINE = frozenset({P.FINE})


def _fact(day: date, types=FINE, procedure=Procedure.ORDINARY) -> PenaltyFact:
    return PenaltyFact("青市监罚〔2025〕1号", day, procedure, frozenset(types))


@pytest.mark.parametrize(
    ("decided", "types", "procedure", "severity", "repair", "until"),
    [
        # 527号: 严重 6–36 months, 一般 3–12 months
        (date(2023, 4, 30), {P.REVOKE_LICENCE}, Procedure.ORDINARY, Severity.SEVERE, date(2023, 10, 30),
         date(2026, 4, 30)),
        (date(2023, 4, 30), FINE, Procedure.ORDINARY, Severity.GENERAL, date(2023, 7, 30), date(2024, 4, 30)),
        # 58号令 from 2023-05-01: 严重 minimum becomes 12 months
        (date(2023, 5, 1), {P.REVOKE_LICENCE}, Procedure.ORDINARY, Severity.SEVERE, date(2024, 5, 1),
         date(2026, 5, 1)),
        (date(2023, 5, 1), FINE, Procedure.SIMPLE, Severity.GENERAL, date(2023, 8, 1), date(2024, 5, 1)),
        # The day before the 2026 办法: a 简易程序 fine is still 一般 and published
        (date(2026, 3, 31), FINE, Procedure.SIMPLE, Severity.GENERAL, date(2026, 6, 30), date(2027, 3, 31)),
        # 2026-04-01: 轻微 (简易程序) is not published; 一般 and 严重 unchanged
        (date(2026, 4, 1), FINE, Procedure.SIMPLE, Severity.MINOR, None, None),
        (date(2026, 4, 1), FINE, Procedure.ORDINARY, Severity.GENERAL, date(2026, 7, 1), date(2027, 4, 1)),
        (date(2026, 4, 1), {P.FINE, P.ORDER_SUSPENSION}, Procedure.ORDINARY, Severity.SEVERE, date(2027, 4, 1),
         date(2029, 4, 1)),
    ],
)
def test_periods_at_rule_change_dates(decided, types, procedure, severity, repair, until) -> None:
    period = penalty_period(_fact(decided, types, procedure))
    assert period.severity is severity
    assert period.earliest_repair == repair
    assert period.publish_until == until
    assert period.published is (until is not None)


def test_warning_only_is_never_published() -> None:
    for day in (date(2020, 1, 1), date(2024, 1, 1), date(2026, 6, 1)):
        period = penalty_period(_fact(day, {P.WARNING}))
        assert not period.published and "警告" in period.note


def test_instrument_named_by_date() -> None:
    assert "527号" in penalty_period(_fact(date(2023, 4, 30))).instrument
    assert "第58号" in penalty_period(_fact(date(2023, 5, 1))).instrument
    assert "2026" in penalty_period(_fact(date(2026, 4, 1))).instrument


TODAY = date(2026, 11, 20)


@pytest.mark.parametrize(
    ("penalties", "inspections", "expected", "because"),
    [
        ([], [], CreditClass.GOOD, ""),
        ([_fact(date(2026, 1, 5), {P.REVOKE_LICENCE})], [], CreditClass.SEVERE, "决定书"),
        ([_fact(date(2026, 1, 5))], [], CreditClass.UNTRUSTWORTHY, "决定书"),
        # A 一般 penalty past its 12-month maximum no longer counts
        ([_fact(date(2025, 11, 19))], [], CreditClass.GOOD, ""),
        ([_fact(date(2025, 11, 20))], [], CreditClass.UNTRUSTWORTHY, "决定书"),
        ([_fact(date(2026, 5, 1), {P.WARNING})], [], CreditClass.WARNED, "警告"),
        ([], [InspectionFact(date(2026, 6, 1), "发现问题已责令整改")], CreditClass.WARNED, "抽查结果"),
        ([], [InspectionFact(date(2026, 6, 1), "未发现问题")], CreditClass.GOOD, ""),
        ([], [InspectionFact(date(2025, 11, 19), "发现问题已责令整改")], CreditClass.GOOD, ""),
    ],
)
def test_credit_class_and_the_rule_that_fired(penalties, inspections, expected, because) -> None:
    finding = classify(penalties, inspections, TODAY)
    assert finding.credit_class is expected
    assert because in finding.because
    assert finding.rule


def test_every_class_has_text_and_colour() -> None:
    assert {c.colour for c in CreditClass} == {"green", "orange", "red", "violet"}
    assert all(c.explanation for c in CreditClass)


@pytest.mark.parametrize(
    ("submitted", "due"),
    [
        # National Day 2025 with 调休 Sunday 9/28 and Saturday 10/11
        (date(2025, 9, 26), date(2025, 10, 16)),
        # Spring Festival 2026: Saturday 2/14 and 2/28 are 调休 workdays, 2/15–2/23 off
        (date(2026, 2, 13), date(2026, 3, 5)),
        # Over New Year into the 2026 调休 Sunday 1/4
        (date(2025, 12, 31), date(2026, 1, 15)),
        # A plain fortnight
        (date(2025, 11, 3), date(2025, 11, 17)),
    ],
)
def test_objection_clock_across_holidays(submitted: date, due: date) -> None:
    clock = objection_clock(submitted, submitted)
    assert clock.due == due and not clock.overdue and clock.remaining_workdays == 10
    assert objection_clock(submitted, due).overdue is False
    assert objection_clock(submitted, due + dt.timedelta(days=1)).overdue is True
    assert objection_clock(submitted, due + dt.timedelta(days=30), answered_on=due).overdue is False


def test_rate_limit() -> None:
    now = dt.datetime(2026, 11, 20, 10, 0, tzinfo=dt.UTC)
    earlier = [now - dt.timedelta(hours=h) for h in (1, 2)]
    assert rate_limit_problem(earlier, now) is None
    message = rate_limit_problem([*earlier, now - dt.timedelta(minutes=5)], now)
    assert message and "未被记录" in message
    # Older than 24 hours does not count
    assert rate_limit_problem([now - dt.timedelta(hours=25)] * 5, now) is None
