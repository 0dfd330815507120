"""信用监管: credit classes of an entity, publication and credit-repair periods of its penalties, and the 异议
(objection) clock. docs/inspections.md and RULES.md §4.

* Credit class (良好 / 警示 / 失信 / 严重失信) comes from configurable rules over the entity's published penalties
  and inspection results; the first rule that fires decides, and its text is shown with the class.
* Publication and repair periods follow the versioned rule table in force on the *decision date* (527号 until
  2023-04-30, 58号令 until 2026-03-31, 信用修复管理办法 from 2026-04-01): a penalty is classed 轻微 / 一般 / 严重,
  and the class's minimum is the earliest credit-repair date, the maximum the end of publication. A decision that
  is only a warning is not published (总局令第45号 art. 2).

Pure Python: no streamlit, no sqlalchemy.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum

from domain.deadlines import add_months
from domain.enums import InspectionResult, PenaltyType, Procedure
from domain.workdays import DEFAULT_CALENDAR, WorkCalendar

__all__ = [
    "CREDIT_RULES", "DEFAULT_PERIOD_RULES", "OBJECTION_WORKDAYS", "CreditClass", "CreditFinding", "CreditRule",
    "InspectionFact", "ObjectionClock", "PenaltyFact", "PenaltyPeriod", "PeriodRule", "Severity", "classify",
    "objection_clock", "penalty_period", "rate_limit_problem",
]


class CreditClass(StrEnum):
    GOOD = "良好"
    WARNED = "警示"
    UNTRUSTWORTHY = "失信"
    SEVERE = "严重失信"

    @property
    def colour(self) -> str:
        return _COLOURS[self]

    @property
    def explanation(self) -> str:
        return _EXPLANATIONS[self]


_COLOURS = {CreditClass.GOOD: "green", CreditClass.WARNED: "orange", CreditClass.UNTRUSTWORTHY: "red",
            CreditClass.SEVERE: "violet"}
_EXPLANATIONS = {
    CreditClass.GOOD: "未发现处于公示期内的失信信息",
    CreditClass.WARNED: "近一年内检查发现问题或受到警告，需关注",
    CreditClass.UNTRUSTWORTHY: "有处于公示期内的行政处罚信息",
    CreditClass.SEVERE: "有处于公示期内的严重失信行政处罚信息",
}


class Severity(StrEnum):
    MINOR = "轻微"
    GENERAL = "一般"
    SEVERE = "严重"


# Penalties that make a record 严重 (and are never early-stopped, 总局令第45号 art. 14).
SEVERE_TYPES = frozenset({
    PenaltyType.ORDER_SUSPENSION, PenaltyType.RESTRICT_OPERATIONS, PenaltyType.RESTRICT_PRACTICE,
    PenaltyType.DOWNGRADE_QUALIFICATION, PenaltyType.REVOKE_LICENCE, PenaltyType.ORDER_CLOSURE,
})


@dataclass(frozen=True)
class PeriodRule:
    """One row of the versioned 信用中国 period table: from ``effective_from`` (by decision date), a penalty of
    ``severity`` is published between ``min_months`` (earliest repair) and ``max_months`` (auto stop)."""

    effective_from: dt.date
    instrument: str
    severity: Severity
    min_months: int
    max_months: int
    published: bool = True


_527 = "发改办财金〔2019〕527号"
_58 = "失信行为纠正后的信用信息修复管理办法（试行）（国家发展改革委令第58号）"
_2026 = "信用修复管理办法（2026年4月1日起施行）"

DEFAULT_PERIOD_RULES: tuple[PeriodRule, ...] = (
    PeriodRule(dt.date(2019, 7, 1), _527, Severity.MINOR, 3, 12),  # no 轻微 class yet: treated as 一般
    PeriodRule(dt.date(2019, 7, 1), _527, Severity.GENERAL, 3, 12),
    PeriodRule(dt.date(2019, 7, 1), _527, Severity.SEVERE, 6, 36),
    PeriodRule(dt.date(2023, 5, 1), _58, Severity.MINOR, 3, 12),
    PeriodRule(dt.date(2023, 5, 1), _58, Severity.GENERAL, 3, 12),
    PeriodRule(dt.date(2023, 5, 1), _58, Severity.SEVERE, 12, 36),
    PeriodRule(dt.date(2026, 4, 1), _2026, Severity.MINOR, 0, 0, published=False),  # 轻微: 原则上不予公示
    PeriodRule(dt.date(2026, 4, 1), _2026, Severity.GENERAL, 3, 12),
    PeriodRule(dt.date(2026, 4, 1), _2026, Severity.SEVERE, 12, 36),
)


@dataclass(frozen=True)
class PenaltyFact:
    decision_no: str
    decided_on: dt.date
    procedure: Procedure
    penalty_types: frozenset[PenaltyType]


@dataclass(frozen=True)
class PenaltyPeriod:
    published: bool
    severity: Severity | None
    instrument: str
    publish_until: dt.date | None  # last day of publication (auto stop)
    earliest_repair: dt.date | None  # from this day the party may apply for 信用修复
    note: str

    def in_force_on(self, day: dt.date) -> bool:
        return self.published and self.publish_until is not None and day <= self.publish_until


def severity_of(p: PenaltyFact, rule_date: dt.date) -> Severity:
    if p.penalty_types & SEVERE_TYPES:
        return Severity.SEVERE
    # The 2026 办法 classes 简易程序 penalties as 轻微; earlier instruments had no such class.
    if p.procedure is Procedure.SIMPLE and rule_date >= dt.date(2026, 4, 1):
        return Severity.MINOR
    return Severity.GENERAL


def rules_in_force(rules: Sequence[PeriodRule], day: dt.date) -> list[PeriodRule]:
    starts = [r.effective_from for r in rules if r.effective_from <= day]
    if not starts:
        return []
    latest = max(starts)
    return [r for r in rules if r.effective_from == latest]


def penalty_period(p: PenaltyFact, rules: Sequence[PeriodRule] = DEFAULT_PERIOD_RULES) -> PenaltyPeriod:
    """Publication period and earliest credit-repair date of one penalty under the rules in force on its date."""
    if p.penalty_types and p.penalty_types <= {PenaltyType.WARNING}:
        return PenaltyPeriod(False, None, "国家市场监督管理总局令第45号第二条", None, None,
                             "仅受到警告行政处罚的不予公示")
    in_force = rules_in_force(rules, p.decided_on)
    if not in_force:
        return PenaltyPeriod(False, None, "", None, None, "决定日期早于已收录的信用规则，未计算公示期")
    severity = severity_of(p, in_force[0].effective_from)
    rule = next((r for r in in_force if r.severity is severity), None)
    if rule is None:
        return PenaltyPeriod(False, severity, in_force[0].instrument, None, None, "该规则版本未规定此类信息的公示期")
    if not rule.published:
        return PenaltyPeriod(False, severity, rule.instrument, None, None, f"{severity.value}失信信息原则上不予公示")
    until = add_months(p.decided_on, rule.max_months)
    repair = add_months(p.decided_on, rule.min_months)
    return PenaltyPeriod(True, severity, rule.instrument, until, repair,
                         f"{severity.value}：最短 {rule.min_months} 个月、最长 {rule.max_months} 个月，自决定之日起算")


# ------------------------------------------------------------------------------------------------ credit class


@dataclass(frozen=True)
class InspectionFact:
    ended_on: dt.date
    result: str  # InspectionResult value


@dataclass(frozen=True)
class CreditRule:
    credit_class: CreditClass
    text: str
    kind: str  # "severe_penalty" | "penalty" | "warning_or_problem"


CREDIT_RULES: tuple[CreditRule, ...] = (
    CreditRule(CreditClass.SEVERE, "有处于公示期内的严重失信行政处罚（责令停产停业、吊销许可证件等）", "severe_penalty"),
    CreditRule(CreditClass.UNTRUSTWORTHY, "有处于公示期内的行政处罚信息", "penalty"),
    CreditRule(CreditClass.WARNED, "近 12 个月内受到警告，或双随机抽查发现问题", "warning_or_problem"),
)

PROBLEM_RESULTS = frozenset({InspectionResult.RECTIFICATION.value, InspectionResult.CASE_FILED.value})


@dataclass(frozen=True)
class CreditFinding:
    credit_class: CreditClass
    rule: str  # the rule that fired, in words
    because: str  # the record that made it fire


def classify(penalties: Iterable[PenaltyFact], inspections: Iterable[InspectionFact], today: dt.date,
             rules: Sequence[CreditRule] = CREDIT_RULES,
             period_rules: Sequence[PeriodRule] = DEFAULT_PERIOD_RULES) -> CreditFinding:
    """The entity's class on ``today``: the first of ``rules`` that fires, with the record that fired it."""
    penalties = sorted(penalties, key=lambda p: p.decided_on, reverse=True)
    inspections = sorted(inspections, key=lambda i: i.ended_on, reverse=True)
    year_ago = add_months(today, -12)
    for rule in rules:
        if rule.kind in ("severe_penalty", "penalty"):
            for p in penalties:
                if p.decided_on > today:
                    continue
                period = penalty_period(p, period_rules)
                if not period.in_force_on(today):
                    continue
                if rule.kind == "penalty" or period.severity is Severity.SEVERE:
                    return CreditFinding(rule.credit_class, rule.text, f"决定书 {p.decision_no}")
        elif rule.kind == "warning_or_problem":
            for p in penalties:
                if year_ago <= p.decided_on <= today and PenaltyType.WARNING in p.penalty_types:
                    return CreditFinding(rule.credit_class, rule.text, f"决定书 {p.decision_no}（警告）")
            for i in inspections:
                if year_ago <= i.ended_on <= today and i.result in PROBLEM_RESULTS:
                    return CreditFinding(rule.credit_class, rule.text,
                                         f"{i.ended_on.isoformat()} 抽查结果：{i.result}")
    return CreditFinding(CreditClass.GOOD, "未触发任何失信或警示规则", "")


# ------------------------------------------------------------------------------------------------ 异议


OBJECTION_WORKDAYS = 10
# At most this many objections from one client within ROLLING_HOURS; more are refused without being written.
OBJECTION_LIMIT = 3
ROLLING_HOURS = 24


@dataclass(frozen=True)
class ObjectionClock:
    due: dt.date
    provisional: bool
    overdue: bool
    remaining_workdays: int


def objection_clock(submitted_on: dt.date, today: dt.date, answered_on: dt.date | None = None,
                    calendar: WorkCalendar = DEFAULT_CALENDAR) -> ObjectionClock:
    """The agency answers within 10 working days of the day after submission (the submission day is not counted)."""
    deadline = calendar.add_workdays(submitted_on, OBJECTION_WORKDAYS)
    reference = answered_on or today
    overdue = reference > deadline.due
    remaining = 0 if answered_on else max(0, OBJECTION_WORKDAYS - calendar.workdays_between(submitted_on, today))
    return ObjectionClock(deadline.due, deadline.provisional, overdue, remaining)


def rate_limit_problem(previous: Iterable[dt.datetime], now: dt.datetime, limit: int = OBJECTION_LIMIT,
                       hours: int = ROLLING_HOURS) -> str | None:
    """A Chinese message when one more submission would exceed ``limit`` within ``hours``; None when allowed."""
    since = now - dt.timedelta(hours=hours)
    recent = [t for t in previous if since < t <= now]
    if len(recent) >= limit:
        return f"提交过于频繁：同一来源 {hours} 小时内最多提交 {limit} 条异议，请稍后再试。本次提交未被记录。"
    return None
