"""Chinese display formats shared by pages, exports and the API: 2026年9月8日, ¥1,712.40万, Asia/Shanghai times."""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal
from zoneinfo import ZoneInfo

SHANGHAI = ZoneInfo("Asia/Shanghai")
_WAN = Decimal(10000)
_YI = Decimal(100_000_000)


def format_date(day: dt.date | None) -> str:
    """``format_date(date(2026, 9, 8))`` → "2026年9月8日"; None → "—"."""
    if day is None:
        return "—"
    return f"{day.year}年{day.month}月{day.day}日"


def format_datetime(moment: dt.datetime | None) -> str:
    """An instant shown in Asia/Shanghai: "2026年9月8日 14:05"."""
    if moment is None:
        return "—"
    if moment.tzinfo is None:
        raise ValueError("naive datetime")
    local = moment.astimezone(SHANGHAI)
    return f"{format_date(local.date())} {local:%H:%M}"


def format_yuan(amount: Decimal | None, *, compact: bool = True) -> str:
    """Money in 元: ``Decimal("17124000")`` → "¥1,712.40万"; below 1万 "¥3,000.00"; ``compact=False`` keeps 元."""
    if amount is None:
        return "—"
    amount = Decimal(amount)
    if compact and abs(amount) >= _YI:
        return f"¥{(amount / _YI).quantize(Decimal('0.01'), ROUND_HALF_UP):,}亿"
    if compact and abs(amount) >= _WAN:
        return f"¥{(amount / _WAN).quantize(Decimal('0.01'), ROUND_HALF_UP):,}万"
    return f"¥{amount.quantize(Decimal('0.01'), ROUND_HALF_UP):,}"


def format_count(n: int) -> str:
    return f"{n:,}"


def format_total(n: int, exact: bool = True) -> str:
    """"共 412 条"; a count known only as a lower bound reads "1 万条以上" (whole 万) or "12,345 条以上"."""
    if exact:
        return f"共 {n:,} 条"
    if n >= 10_000 and n % 10_000 == 0:
        return f"{n // 10_000:,} 万条以上"
    return f"{n:,} 条以上"


def format_rate(part: int, whole: int) -> str:
    """"87.5%"; "—" when there is nothing to divide."""
    if whole == 0:
        return "—"
    return f"{Decimal(part * 100) / Decimal(whole):.1f}%"


def today_shanghai() -> dt.date:
    return dt.datetime.now(SHANGHAI).date()
