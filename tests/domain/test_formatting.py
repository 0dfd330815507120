from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from domain.formatting import format_date, format_datetime, format_rate, format_yuan


@pytest.mark.parametrize(
    ("amount", "compact", "expected"),
    [
        (Decimal("17124000"), True, "¥1,712.40万"),
        (Decimal("3000"), True, "¥3,000.00"),
        (Decimal("9999.995"), True, "¥10,000.00"),
        (Decimal("250000000"), True, "¥2.50亿"),
        (Decimal("17124000"), False, "¥17,124,000.00"),
        (None, True, "—"),
    ],
)
def test_format_yuan(amount, compact, expected) -> None:
    assert format_yuan(amount, compact=compact) == expected


def test_format_date() -> None:
    assert format_date(dt.date(2026, 9, 8)) == "2026年9月8日"
    assert format_date(None) == "—"


def test_datetime_is_shown_in_shanghai() -> None:
    assert format_datetime(dt.datetime(2026, 9, 8, 16, 5, tzinfo=dt.UTC)) == "2026年9月9日 00:05"


def test_naive_datetime_is_refused() -> None:
    with pytest.raises(ValueError):
        format_datetime(dt.datetime(2026, 9, 8, 16, 5))


def test_format_rate() -> None:
    assert format_rate(7, 8) == "87.5%"
    assert format_rate(0, 0) == "—"


@pytest.mark.parametrize(("n", "exact", "shown"), [
    (0, True, "共 0 条"), (412, True, "共 412 条"), (196_655, True, "共 196,655 条"),
    (10_000, False, "1 万条以上"), (120_000, False, "12 万条以上"), (40, False, "40 条以上"),
    (12_345, False, "12,345 条以上"),
])
def test_format_total_says_at_least_when_the_count_is_a_bound(n, exact, shown) -> None:
    from domain.formatting import format_total

    assert format_total(n, exact) == shown


def test_describe_filters_with_a_bounded_total() -> None:
    from domain.filters import DecisionFilters, describe_filters

    assert describe_filters(DecisionFilters(q="2"), 10_000, exact=False) == "含“2” 1 万条以上"
