"""The disclosure clock: 事后公开 deadlines of 国办发〔2018〕118号(六) and withdrawal deadlines (docs/rules.md §1.4)."""

from __future__ import annotations

import calendar
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from types import MappingProxyType

from domain.enums import SHORT_DEADLINE_CATEGORIES, ActionCategory, DueState
from domain.formatting import SHANGHAI
from domain.workdays import Deadline, WorkCalendar

__all__ = [
    "DisclosureRules",
    "DEFAULT_DISCLOSURE_RULES",
    "DISCLOSURE_WORDING",
    "ClockResult",
    "publication_deadline",
    "disclosure_clock",
    "published_for_clock",
    "withdrawal_deadline",
]


_PERIOD_LABELS = {
    "short_publish_workdays": "行政许可、行政处罚决定公示期限",
    "general_publish_workdays": "其他执法决定公示期限",
    "withdrawal_workdays": "撤回已公开决定的期限",
}


@dataclass(frozen=True)
class DisclosureRules:
    """Per-agency configurable periods; defaults are the national rules (docs/rules.md §1.4 D1, D2, D5).

    A 法律 or 行政法规 may set another period for 许可/处罚 (118号(六) “另有规定的除外”), and provinces set
    their own withdrawal SLAs (e.g. 浙江 5 working days), hence configuration rather than constants.
    """

    short_publish_workdays: int = 7  # 行政许可, 行政处罚 (D2)
    general_publish_workdays: int = 20  # every other enforcement decision (D1)
    withdrawal_workdays: int = 3  # 行政处罚法 art. 48 ¶2; “三日” are working days by art. 85 (D5)
    short_deadline_categories: frozenset[ActionCategory] = SHORT_DEADLINE_CATEGORIES

    def __post_init__(self) -> None:
        for name, label in _PERIOD_LABELS.items():
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                raise ValueError(f"{label}应为正整数个工作日，实际为{value!r}")
        object.__setattr__(
            self, "short_deadline_categories", frozenset(ActionCategory(c) for c in self.short_deadline_categories)
        )

    def publish_workdays(self, category: ActionCategory) -> int:
        if category in self.short_deadline_categories:
            return self.short_publish_workdays
        return self.general_publish_workdays


DEFAULT_DISCLOSURE_RULES = DisclosureRules()


# How the disclosure pages word each state of the publication clock.
DISCLOSURE_WORDING: Mapping[DueState, str] = MappingProxyType({
    DueState.ON_TIME: "按时公示",
    DueState.LATE: "逾期公示",
    DueState.PENDING: "待公示(未到期)",
    DueState.OVERDUE: "逾期未公示",
})


@dataclass(frozen=True)
class ClockResult:
    deadline: date
    provisional: bool
    status: DueState
    late_workdays: int


def publication_deadline(
    decision_date: date,
    category: ActionCategory,
    calendar: WorkCalendar,
    rules: DisclosureRules = DEFAULT_DISCLOSURE_RULES,
) -> Deadline:
    """Last day to publish: the N-th working day after the day the decision was made (作出之日 not counted)."""
    return calendar.add_workdays(decision_date, rules.publish_workdays(category))


def published_for_clock(recorded_on: date | None, *, draft: bool, visible: bool,
                        released_at: datetime | None) -> date | None:
    """The publication day the disclosure clock counts: none while the public cannot see the decision (a draft, or
    its public projection held for redaction review or missing), whatever the disclosure row records; for a
    decision held before the public ever saw it, the day it was released (in Asia/Shanghai) if that is later than
    the recorded day — it was not public before. A decision the public had already seen keeps its recorded day through
    a later hold and release (a correction)."""
    if draft or not visible or recorded_on is None:
        return None
    if released_at is None:
        return recorded_on
    return max(recorded_on, released_at.astimezone(SHANGHAI).date())


def disclosure_clock(
    decision_date: date,
    category: ActionCategory,
    published_on: date | None,
    today: date,
    calendar: WorkCalendar,
    rules: DisclosureRules = DEFAULT_DISCLOSURE_RULES,
) -> ClockResult:
    """Where a decision stands against its publication deadline.

    A publication dated before the decision is a data error for the data-quality checks to report; here it
    counts as on time rather than raising, so one bad row cannot break a dashboard.
    """
    deadline = publication_deadline(decision_date, category, calendar, rules)
    if published_on is not None:
        if published_on <= deadline.due:
            return ClockResult(deadline.due, deadline.provisional, DueState.ON_TIME, 0)
        return ClockResult(
            deadline.due, deadline.provisional, DueState.LATE, _late_workdays(calendar, deadline.due, published_on)
        )
    if today <= deadline.due:
        return ClockResult(deadline.due, deadline.provisional, DueState.PENDING, 0)
    return ClockResult(
        deadline.due, deadline.provisional, DueState.OVERDUE, _late_workdays(calendar, deadline.due, today)
    )


def _late_workdays(calendar: WorkCalendar, due: date, until: date) -> int:
    # Publishing on the weekend right after a Friday deadline is still late, yet no working day has passed:
    # report at least 1 so that "逾期" never shows alongside a lateness of 0.
    return max(1, calendar.workdays_between(due, until))


def withdrawal_deadline(
    learned_on: date,
    calendar: WorkCalendar,
    rules: DisclosureRules = DEFAULT_DISCLOSURE_RULES,
) -> Deadline:
    """Last day to take down a published decision that was 变更, 撤销, 确认违法 or 确认无效.

    Counted from the day the agency learned of the outcome (e.g. received the 复议决定书 or 判决书); that start
    convention is practice, not statute (docs/rules.md §1.4 [M]).
    """
    return calendar.add_workdays(learned_on, rules.withdrawal_workdays)


def add_months(day: date, months: int) -> date:
    """Calendar months later, clamped to the month's last day: ``add_months(date(2024, 8, 31), 6)`` → 2025-02-28.
    Publication periods (公示期限 “二年”、“六个月”) are counted this way."""
    years, month_index = divmod(day.month - 1 + months, 12)
    year, month = day.year + years, month_index + 1
    last_day = calendar.monthrange(year, month)[1]
    return date(year, month, min(day.day, last_day))
