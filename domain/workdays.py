"""Working-day arithmetic on the official calendar (法定节假日 and 调休), docs/rules.md §6.

Statutory "N个工作日" periods follow the State Council's yearly 放假安排, not weekdays: a 调休 Saturday is a
working day and a holiday Monday is not. `chinesecalendar` carries those notices up to its release year. For later
years an admin can enter the official dates; until a year is declared complete its results are marked provisional
rather than presented as certain.
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass, field
from datetime import date, timedelta

import chinese_calendar

__all__ = ["Deadline", "WorkCalendar", "DEFAULT_CALENDAR", "library_covered_years"]


@dataclass(frozen=True)
class Deadline:
    due: date
    provisional: bool  # some counted day lies in a year without an official calendar


def library_covered_years() -> range:
    """Years for which the installed chinesecalendar has the official 放假安排."""
    years = [d.year for d in chinese_calendar.holidays]
    return range(min(years), max(years) + 1)


_LIBRARY_YEARS = library_covered_years()


@dataclass(frozen=True)
class WorkCalendar:
    """Immutable and hashable, so it can be a cache key; per-year tables are built lazily and memoised."""

    extra_holidays: frozenset[date] = frozenset()
    extra_workdays: frozenset[date] = frozenset()
    official_years: frozenset[int] = frozenset()
    # Sorted ordinals of each year's working days: deadlines become a bisect instead of a day-by-day walk,
    # which matters when the seeder computes a million of them.
    _years: dict[int, tuple[tuple[int, ...], bool]] = field(
        default_factory=dict, init=False, repr=False, compare=False, hash=False
    )

    def __post_init__(self) -> None:
        # Accept any iterable (lists from a form or a config file) while keeping the instance hashable.
        object.__setattr__(self, "extra_holidays", frozenset(self.extra_holidays))
        object.__setattr__(self, "extra_workdays", frozenset(self.extra_workdays))
        object.__setattr__(self, "official_years", frozenset(int(y) for y in self.official_years))
        both = self.extra_holidays & self.extra_workdays
        if both:
            listed = "、".join(d.isoformat() for d in sorted(both))
            raise ValueError(f"以下日期同时被设为节假日和工作日：{listed}")

    # -- per-year tables --------------------------------------------------------------------------------------

    @staticmethod
    def covered_years() -> range:
        return _LIBRARY_YEARS

    def _year(self, year: int) -> tuple[tuple[int, ...], bool]:
        cached = self._years.get(year)
        if cached is None:
            cached = self._build_year(year)
            self._years[year] = cached
        return cached

    def _build_year(self, year: int) -> tuple[tuple[int, ...], bool]:
        first = date(year, 1, 1)
        days = [first + timedelta(days=i) for i in range((date(year + 1, 1, 1) - first).days)]
        try:
            base = [chinese_calendar.is_workday(d) for d in days]
            covered = True
        except NotImplementedError:
            # No official data: judge on weekdays and say so (provisional) instead of guessing 调休.
            base = [d.weekday() < 5 for d in days]
            covered = False
        # Admin entries win over the library too, e.g. a holiday announced after the installed release.
        workdays = tuple(
            d.toordinal()
            for d, is_work in zip(days, base, strict=True)
            if d not in self.extra_holidays and (is_work or d in self.extra_workdays)
        )
        return workdays, not covered and year not in self.official_years

    # -- queries ----------------------------------------------------------------------------------------------

    def is_workday(self, d: date) -> bool:
        ordinals, _ = self._year(d.year)
        i = bisect_right(ordinals, d.toordinal())
        return i > 0 and ordinals[i - 1] == d.toordinal()

    def is_provisional(self, d: date) -> bool:
        return self._year(d.year)[1]

    def add_workdays(self, start: date, n: int) -> Deadline:
        """The n-th working day strictly after `start`; the start day is not counted (民法典 art. 201).

        Unlike chinese_calendar.find_workday, a non-working start day is not itself counted as day 0.
        """
        if n < 0:
            raise ValueError("工作日天数不能为负数")
        if n == 0:
            return Deadline(start, False)
        provisional = False
        year, after = start.year, start.toordinal()
        remaining = n
        while True:  # one pass per calendar year touched; terminates because every later year has weekdays
            ordinals, year_provisional = self._year(year)
            i = bisect_right(ordinals, after)
            available = len(ordinals) - i
            if available > 0:
                provisional = provisional or year_provisional
                if remaining <= available:
                    return Deadline(date.fromordinal(ordinals[i + remaining - 1]), provisional)
                remaining -= available
            year += 1
            after = date(year, 1, 1).toordinal() - 1

    def workdays_between(self, a: date, b: date) -> int:
        """Number of working days d with a < d <= b (0 when b <= a)."""
        if b <= a:
            return 0
        lo, hi = a.toordinal(), b.toordinal()
        count = 0
        for year in range(a.year, b.year + 1):
            ordinals, _ = self._year(year)
            count += bisect_right(ordinals, hi) - bisect_right(ordinals, lo)
        return count

    def next_workday_on_or_after(self, d: date) -> date:
        if self.is_workday(d):
            return d
        return self.add_workdays(d, 1).due

    def add_calendar_days(self, start: date, n: int) -> date:
        """End of an n-calendar-day period (e.g. 15日, 90日), rolled forward off a non-working day.

        The start day is not counted (民法典 art. 201); a period ending on a 法定休假日 ends on the next working
        day (art. 203, applied by analogy). Check `is_provisional(result)` before presenting it as final.
        """
        if n < 0:
            raise ValueError("天数不能为负数")
        return self.next_workday_on_or_after(start + timedelta(days=n))


DEFAULT_CALENDAR = WorkCalendar()
