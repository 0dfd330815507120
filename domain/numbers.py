"""Numbers and money amounts as written in Chinese administrative documents.

Decisions, benchmarks and published notices mix Arabic numerals ("1,712.4万元"), plain Chinese numerals
("一万元以上十万元以下"), financial numerals ("伍仟元整") and full-width characters, so every layer that reads
an amount goes through these two functions. Money is Decimal in 元, never float.
"""

from __future__ import annotations

import re
import unicodedata
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

__all__ = [
    "AMOUNT_PATTERN",
    "CENT",
    "parse_amount_yuan",
    "parse_chinese_number",
    "quantize_yuan",
]

CENT = Decimal("0.01")

_DIGITS: dict[str, int] = {
    "〇": 0, "零": 0,
    "一": 1, "壹": 1, "幺": 1,
    "二": 2, "贰": 2, "貳": 2, "两": 2, "兩": 2,
    "三": 3, "叁": 3, "參": 3,
    "四": 4, "肆": 4,
    "五": 5, "伍": 5,
    "六": 6, "陆": 6, "陸": 6,
    "七": 7, "柒": 7,
    "八": 8, "捌": 8,
    "九": 9, "玖": 9,
}
# 十/百/千 build a number below 万; 万/亿 close a section and scale everything before them.
_SMALL_UNITS: dict[str, int] = {"十": 10, "拾": 10, "百": 100, "佰": 100, "千": 1000, "仟": 1000}
_BIG_UNITS: dict[str, int] = {"万": 10_000, "萬": 10_000, "亿": 100_000_000, "億": 100_000_000}
_DECIMAL_POINTS = frozenset("点點")

_CN_NUMERAL_CHARS = "".join(_DIGITS) + "".join(_SMALL_UNITS) + "".join(_BIG_UNITS)
_CN_START_CHARS = "".join(ch for ch in _DIGITS) + "十拾"

# Thousands separators are only dropped when they really separate groups of three, so "1,2" stays invalid.
_THOUSANDS_RE = re.compile(r"(?<=\d),(?=\d{3}(?:\D|$))")
_ARABIC_RE = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)")
_PURE_ARABIC_RE = re.compile(r"[+-]?(?:\d+(?:\.\d+)?|\.\d+)")

_CURRENCY_PREFIX_RE = re.compile(r"^(?:人民币|RMB|CNY|¥|￥)+", re.IGNORECASE)
_CURRENCY_SUFFIX_RE = re.compile(r"(?:元整|圆整|元人民币|元|圆|整|RMB|CNY)$", re.IGNORECASE)

# AMOUNT_PATTERN: an amount with its unit inside running text, e.g. "罚款1712.4万元", "处一万元以上".
# A unit (元/万元/亿元…) or a currency mark is required so that article numbers ("第十二条") and multiples
# ("二倍") are not mistaken for money. The whole match (group 0) can be passed to parse_amount_yuan.
_ARABIC_IN_TEXT = r"(?<![\d.,])\d{1,3}(?:,\d{3})+(?:\.\d+)?|(?<![\d.,])\d+(?:\.\d+)?"
_CN_IN_TEXT = rf"[{_CN_START_CHARS}][{_CN_NUMERAL_CHARS}点]*"
AMOUNT_PATTERN: re.Pattern[str] = re.compile(
    rf"""
    (?:(?P<currency>人民币|RMB|¥|￥)\s*)?
    (?P<number>(?:{_ARABIC_IN_TEXT})\s*[十百千万亿]*|{_CN_IN_TEXT})
    \s*(?P<unit>元整|圆整|元|圆)
    |
    (?P<currency2>人民币|RMB|¥|￥)\s*
    (?P<number2>(?:{_ARABIC_IN_TEXT})\s*[十百千万亿]*)
    """,
    re.VERBOSE | re.IGNORECASE,
)


def quantize_yuan(amount: Decimal) -> Decimal:
    """Round a final amount to the cent, half up (the usual rounding of financial documents)."""
    return amount.quantize(CENT, rounding=ROUND_HALF_UP)


def _normalise(text: str) -> str:
    # NFKC maps full-width digits, "，", "．" and "￥" to their ASCII forms and the ideographic space to " ".
    cleaned = unicodedata.normalize("NFKC", text)
    cleaned = re.sub(r"\s+", "", cleaned)
    return _THOUSANDS_RE.sub("", cleaned)


def _not_a_number(text: str) -> ValueError:
    return ValueError(f"无法识别的数字：“{text}”")


def parse_chinese_number(text: str) -> Decimal:
    """Parse Arabic, Chinese or mixed numerals ("1.5万", "一千五百", "两万", "伍仟", "二〇二〇") to Decimal."""
    if not isinstance(text, str):
        raise ValueError(f"数字必须是文本，收到 {type(text).__name__}")
    cleaned = _normalise(text)
    if not cleaned:
        raise _not_a_number(text)
    if _PURE_ARABIC_RE.fullmatch(cleaned):
        return Decimal(cleaned)

    sign = Decimal(1)
    if cleaned[0] in "+-负":
        sign = Decimal(-1) if cleaned[0] in "-负" else Decimal(1)
        cleaned = cleaned[1:]
    if not cleaned:
        raise _not_a_number(text)

    integer_part, fraction_part = cleaned, ""
    for point in _DECIMAL_POINTS:
        if point in cleaned:
            integer_part, _, fraction_part = cleaned.partition(point)
            break
    value = _parse_integer_with_units(integer_part, text) if integer_part else Decimal(0)
    if fraction_part:
        value += _parse_fraction_digits(fraction_part, text)
    return sign * value


def _parse_fraction_digits(fraction: str, original: str) -> Decimal:
    # After "点" only plain digits are allowed ("一点五" = 1.5); units would make "一点五万" ambiguous.
    digits = []
    for ch in fraction:
        if ch in _DIGITS:
            digits.append(str(_DIGITS[ch]))
        elif ch.isdigit():
            digits.append(ch)
        else:
            raise _not_a_number(original)
    return Decimal("0." + "".join(digits))


def _tokenise(text: str, original: str) -> list[tuple[str, Decimal]]:
    """Split into ("digit", n), ("arabic", n), ("zero", 0), ("small", unit), ("big", unit) tokens."""
    tokens: list[tuple[str, Decimal]] = []
    pos = 0
    while pos < len(text):
        ch = text[pos]
        arabic = _ARABIC_RE.match(text, pos)
        if arabic and (ch.isdigit() or ch == "."):
            try:
                tokens.append(("arabic", Decimal(arabic.group(0))))
            except InvalidOperation:
                raise _not_a_number(original) from None
            pos = arabic.end()
            continue
        if ch in ("零", "〇"):
            tokens.append(("zero", Decimal(0)))
        elif ch in _DIGITS:
            tokens.append(("digit", Decimal(_DIGITS[ch])))
        elif ch in _SMALL_UNITS:
            tokens.append(("small", Decimal(_SMALL_UNITS[ch])))
        elif ch in _BIG_UNITS:
            tokens.append(("big", Decimal(_BIG_UNITS[ch])))
        else:
            raise _not_a_number(original)
        pos += 1
    return tokens


def _parse_integer_with_units(text: str, original: str) -> Decimal:
    tokens = _tokenise(text, original)
    if not any(kind in ("small", "big") for kind, _ in tokens):
        return _digit_sequence(tokens, original)

    total = Decimal(0)  # everything already scaled by 万/亿
    section = Decimal(0)  # the part below the next 万/亿
    pending: Decimal | None = None  # a digit still waiting for its unit
    pending_kind = ""
    last_unit: Decimal | None = None  # magnitude of the unit just before the pending digit
    zero_since_unit = False
    for kind, value in tokens:
        if kind in ("digit", "arabic"):
            if pending is not None:
                raise _not_a_number(original)  # "五五千": two digits with no unit between them
            pending, pending_kind = value, kind
        elif kind == "zero":
            if pending is not None:
                raise _not_a_number(original)
            zero_since_unit = True
        elif kind == "small":
            if pending is None:
                # Only "十" may omit its digit, and only where no smaller section has begun ("十五", "三万十").
                if value != 10 or section:
                    raise _not_a_number(original)
                pending = Decimal(1)
            section += pending * value
            pending, last_unit, zero_since_unit = None, value, False
        else:  # big unit
            if pending is None and section == 0 and total == 0:
                raise _not_a_number(original)  # "万" on its own is not a number
            section += pending or 0
            if value == 100_000_000:
                total = (total + section) * value  # "一万亿": 亿 scales the 万 section too
            else:
                total += section * value
            section, pending, last_unit, zero_since_unit = Decimal(0), None, value, False
    if pending is not None:
        single_digit = pending_kind == "digit" or (pending == pending.to_integral_value() and pending < 10)
        if last_unit is not None and not zero_since_unit and single_digit:
            # Colloquial abbreviation: "一千五" = 1500, "一万五" = 15000, "十五" stays 15.
            pending *= last_unit / 10 if last_unit > 10 else 1
        section += pending
    return total + section


def _digit_sequence(tokens: list[tuple[str, Decimal]], original: str) -> Decimal:
    # "二〇二〇" or "一二三": digits read one by one, as in years and document numbers.
    if len(tokens) == 1:
        return tokens[0][1]
    if any(kind == "arabic" for kind, _ in tokens):
        raise _not_a_number(original)
    return Decimal("".join(str(int(value)) for _, value in tokens))


def parse_amount_yuan(text: str) -> Decimal:
    """Parse a money amount to 元, quantized to the cent: "1,712.4万元" → 17124000.00, "伍仟元整" → 5000.00."""
    if not isinstance(text, str):
        raise ValueError(f"金额必须是文本，收到 {type(text).__name__}")
    cleaned = _normalise(text)
    cleaned = _CURRENCY_PREFIX_RE.sub("", cleaned)
    cleaned = _CURRENCY_SUFFIX_RE.sub("", cleaned)
    cleaned = _CURRENCY_PREFIX_RE.sub("", cleaned)  # "人民币5000元" may also be written "5000元人民币"
    if not cleaned:
        raise ValueError(f"无法识别的金额：“{text}”")
    try:
        value = parse_chinese_number(cleaned)
    except ValueError:
        raise ValueError(f"无法识别的金额：“{text}”") from None
    if value < 0:
        raise ValueError(f"金额不能为负数：“{text}”")
    return quantize_yuan(value)
