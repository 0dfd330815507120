"""Parsing of cells from published penalty-decision exports (CSV/Excel): dates, amounts, penalty texts, parties.

This is the pure heart of the importer. Real exports are messy: dates typed five different ways or stored as Excel
serial numbers, amounts written inside sentences ("没收违法所得1.621747万元，罚款1712.4万元"), financial numerals
("伍仟元整"), full-width characters and headers with stray spaces. Every function here either returns a clean value
or raises `FieldError` whose `message` tells the administrator, in Chinese, what is wrong with the cell. Nothing is
silently coerced: an impossible date or an amount that cannot be attributed is reported, never guessed.
"""

from __future__ import annotations

import math
import numbers as _abc_numbers
import re
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from itertools import pairwise
from typing import TypeGuard

from domain.enums import MONETARY_PENALTY_TYPES, PartyType, PenaltyType
from domain.identifiers import validate_id_number, validate_uscc
from domain.numbers import AMOUNT_PATTERN, parse_amount_yuan, parse_chinese_number, quantize_yuan
from domain.surnames import COMPOUND_SURNAMES

__all__ = [
    "FieldError",
    "PenaltyContent",
    "PenaltyItem",
    "SERIAL_DATE_RANGE",
    "excel_serial_to_date",
    "infer_party_type",
    "normalize_header",
    "parse_amount",
    "parse_date",
    "parse_penalty_content",
    "parse_penalty_types",
    "parse_publication_period",
    "parse_yes_no",
]

_ZERO = Decimal("0.00")


class FieldError(ValueError):
    """A cell that cannot be read. `message` is the Chinese text shown to the administrator."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


# --------------------------------------------------------------------------------------------------------------
# Shared text helpers
# --------------------------------------------------------------------------------------------------------------

# Full-width ASCII (U+FF01–U+FF5E) and the ideographic space map one-to-one onto ASCII. Unlike NFKC this keeps
# the string length, so positions found in the folded text still point into the administrator's original text.
_WIDTH_FOLD = {cp: cp - 0xFEE0 for cp in range(0xFF01, 0xFF5F)} | {0x3000: 0x20}
# Dashes that Word/WPS substitute for a hyphen or minus sign while typing.
_DASHES = {ord(c): "-" for c in "\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe63"}
# Invisible characters: the UTF-8 BOM on the first header of a CSV, and zero-width spaces pasted from web pages.
_INVISIBLE = {ord(c): None for c in "\ufeff\u200b\u200c\u200d\u2060"}


def _fold_width(text: str) -> str:
    return text.translate(_WIDTH_FOLD)


def _is_missing(value: object) -> bool:
    """None, NaN/NaT (pandas' empty cells) and whitespace-only strings."""
    if value is None:
        return True
    if isinstance(value, str):
        return not value.translate(_INVISIBLE).strip()
    try:
        # NaN and NaT are the only values not equal to themselves; checking that avoids importing pandas.
        return bool(value != value)
    except TypeError:
        return True  # pandas.NA: every comparison gives NA, whose truth value raises
    except ValueError:
        return False


def _show(value: object) -> str:
    """A short rendering of a cell for messages."""
    text = str(value).strip()
    return text if len(text) <= 40 else text[:40] + "…"


_Number = _abc_numbers.Real | Decimal


def _is_real_number(value: object) -> TypeGuard[_Number]:
    # bool is an int subclass, but True in a date or amount column is a data error, not 1.
    return isinstance(value, (_abc_numbers.Real, Decimal)) and not isinstance(value, bool)


# --------------------------------------------------------------------------------------------------------------
# 1. Dates
# --------------------------------------------------------------------------------------------------------------

# Bare numbers are ambiguous (a year "2026", a count, an amount), so an Excel serial is only accepted when it
# falls in a window where enforcement records can plausibly exist. Text dates only need a four-digit year in
# 1900–2099, which catches typos such as "0226-09-08" without rejecting old legacy records.
SERIAL_DATE_RANGE = (date(1950, 1, 1), date(2099, 12, 31))
_YEAR_RANGE = (1900, 2099)
_EXCEL_MAX_SERIAL = 2_958_465  # 9999-12-31, the last date Excel can store

_TIME = (
    r"(?:\s*(?:T|\s)\s*(?P<hh>\d{1,2})\s*:\s*(?P<mi>\d{2})(?:\s*:\s*(?P<ss>\d{2})(?:\.\d+)?)?"
    r"(?:\s*(?:Z|[+-]\d{2}:?\d{2}))?"
    r"|\s*(?P<hh_cn>\d{1,2})\s*[时点]\s*(?:(?P<mi_cn>\d{1,2})\s*分\s*(?:(?P<ss_cn>\d{1,2})\s*秒)?)?)?"
)
_SEP_DATE_RE = re.compile(
    rf"(?P<y>\d{{4}})\s*(?P<sep>[-/.])\s*(?P<m>\d{{1,2}})\s*(?P=sep)\s*(?P<d>\d{{1,2}}){_TIME}"
)
_CN_DATE_RE = re.compile(rf"(?P<y>\d{{4}})\s*年\s*(?P<m>\d{{1,2}})\s*月\s*(?P<d>\d{{1,2}})\s*[日号]?{_TIME}")
_COMPACT_DATE_RE = re.compile(rf"(?P<y>\d{{4}})(?P<m>\d{{2}})(?P<d>\d{{2}}){_TIME}")
# 公文 dates are written in Chinese numerals: "二〇二五年八月二十日". The year is read digit by digit.
_CN_NUMERAL_DATE_RE = re.compile(
    r"(?P<y>[〇○零OoΟ0一二三四五六七八九]{4})\s*年\s*(?P<m>[一二三四五六七八九十]{1,3})\s*月"
    r"\s*(?P<d>[一二三四五六七八九十]{1,4})\s*[日号]"
)
_CN_YEAR_DIGITS = {c: str(i) for i, c in enumerate("〇一二三四五六七八九")} | {
    "○": "0", "零": "0", "O": "0", "o": "0", "Ο": "0", "0": "0",
}
_SERIAL_TEXT_RE = re.compile(r"\d+(?:\.\d+)?")
_LOOKS_PARTIAL_RE = re.compile(r"\d{4}\s*(?:[-/.]\s*\d{1,2}|年\s*\d{1,2}\s*月?)")


def excel_serial_to_date(serial: float | int) -> date:
    """Excel's 1900 date system: serial 1 = 1900-01-01; fractions are times of day and are dropped.

    Excel inherited Lotus 1-2-3's bug of treating 1900 as a leap year, so serial 60 is the non-existent
    1900-02-29 and every serial from 61 on is one day "ahead" of a plain count from 1899-12-31.
    """
    if isinstance(serial, bool) or not _is_real_number(serial) or not math.isfinite(float(serial)):
        raise FieldError(f"“{_show(serial)}”不是Excel日期序号")
    day = math.floor(float(serial))
    if day == 60:
        raise FieldError("Excel日期序号60对应不存在的1900年2月29日（Excel沿用Lotus 1-2-3的闰年错误），请核对该日期")
    if day < 1 or day > _EXCEL_MAX_SERIAL:
        raise FieldError(f"Excel日期序号{_show(serial)}超出范围（1至{_EXCEL_MAX_SERIAL}）")
    base = date(1899, 12, 31) if day < 60 else date(1899, 12, 30)
    return base + timedelta(days=day)


def _make_date(year: int, month: int, day: int, shown: str) -> date:
    if not _YEAR_RANGE[0] <= year <= _YEAR_RANGE[1]:
        raise FieldError(f"日期“{shown}”的年份{year}不合理（应在{_YEAR_RANGE[0]}至{_YEAR_RANGE[1]}年之间）")
    if not 1 <= month <= 12:
        raise FieldError(f"日期“{shown}”的月份{month}不存在（应为1至12）")
    try:
        return date(year, month, day)
    except ValueError:
        last = (date(year + month // 12, month % 12 + 1, 1) - timedelta(days=1)).day
        raise FieldError(f"日期“{shown}”不存在：{year}年{month}月只有{last}天") from None


def _check_time(match: re.Match[str], shown: str) -> None:
    # A time of day is tolerated (Excel exports "2026-09-08 00:00:00") but must itself be a real time, otherwise
    # the whole cell is probably something else.
    hh = match.group("hh") or match.group("hh_cn")
    mi = match.group("mi") or match.group("mi_cn")
    ss = match.group("ss") or match.group("ss_cn")
    if hh is not None and (int(hh) > 23 or int(mi or 0) > 59 or int(ss or 0) > 59):
        raise FieldError(f"日期“{shown}”中的时间部分无效")


def _serial_in_range(serial: float | int, shown: str) -> date:
    result = excel_serial_to_date(serial)
    low, high = SERIAL_DATE_RANGE
    if not low <= result <= high:
        raise FieldError(
            f"“{shown}”不是可识别的日期；若按Excel日期序号换算为{result.isoformat()}，"
            f"超出合理范围（{low.isoformat()}至{high.isoformat()}），请检查该单元格"
        )
    return result


def _date_from_number(value: _Number, shown: str) -> date:
    if not math.isfinite(float(value)):
        raise FieldError(f"“{shown}”不是有效日期")
    number = _decimal_from_number(value)
    if number == int(number) and 19_000_101 <= int(number) <= 20_991_231:
        # An 8-digit integer is a date typed as YYYYMMDD that Excel stored as a number.
        digits = str(int(number))
        return _make_date(int(digits[:4]), int(digits[4:6]), int(digits[6:]), shown)
    if number < 0:
        raise FieldError(f"“{shown}”不是有效日期")
    return _serial_in_range(_as_serial(value), shown)


def _as_serial(value: _Number) -> float | int:
    # Cells arrive as int or float (numpy scalars from pandas): they keep their own rendering in messages.
    if isinstance(value, (int, float)):
        return value
    if isinstance(value, _abc_numbers.Integral):
        return int(value)
    return float(value)


def parse_date(value: object) -> date:
    """Read a date cell: date objects, "2026-09-08", "2026/9/8", "2026.9.8", "20260908", "2026年9月8日",
    "二〇二六年九月八日", full-width digits, stray spaces, a trailing time, or an Excel serial number.

    Raises FieldError for blank cells, impossible dates ("2026-02-30") and anything unrecognised.
    """
    if _is_missing(value):
        raise FieldError("日期不能为空")
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, bool):
        raise FieldError(f"“{value}”不是日期")
    if _is_real_number(value):
        return _date_from_number(value, _show(value))
    if not isinstance(value, str):
        raise FieldError(f"“{_show(value)}”不是可识别的日期")

    shown = value.strip()
    text = _fold_width(value.translate(_INVISIBLE)).translate(_DASHES).strip()
    for pattern in (_SEP_DATE_RE, _CN_DATE_RE, _COMPACT_DATE_RE):
        match = pattern.fullmatch(text)
        if match:
            _check_time(match, shown)
            return _make_date(int(match["y"]), int(match["m"]), int(match["d"]), shown)
    match = _CN_NUMERAL_DATE_RE.fullmatch(text)
    if match:
        year = int("".join(_CN_YEAR_DIGITS[c] for c in match["y"]))
        try:
            month, day = int(parse_chinese_number(match["m"])), int(parse_chinese_number(match["d"]))
        except ValueError:
            raise FieldError(f"日期“{shown}”中的月或日无法识别") from None
        return _make_date(year, month, day, shown)
    if _SERIAL_TEXT_RE.fullmatch(text):
        return _date_from_number(Decimal(text), shown)
    if _LOOKS_PARTIAL_RE.fullmatch(text) or re.fullmatch(r"\d{4}\s*年", text):
        raise FieldError(f"日期“{shown}”不完整，需要写明年、月、日")
    raise FieldError(
        f"“{shown}”不是可识别的日期，请使用“2026-09-08”“2026/9/8”“2026年9月8日”或“20260908”等格式"
    )


# --------------------------------------------------------------------------------------------------------------
# 2. Amounts
# --------------------------------------------------------------------------------------------------------------

# Placeholders that exports put in an amount column when there is no amount. "0" is deliberately not here: it is
# a real value.
_AMOUNT_BLANKS = frozenset({"-", "--", "---", "/", "\\", "无", "暂无", "空", "nan", "none", "null", "n/a", "na"})
_UNIT_MULTIPLIERS = {"元": Decimal(1), "万元": Decimal(10_000), "亿元": Decimal(100_000_000)}
_MINUS_SIGNS = "-负"


def _decimal_from_number(value: _Number) -> Decimal:
    if isinstance(value, Decimal):
        return value
    if isinstance(value, _abc_numbers.Integral):
        return Decimal(int(value))
    # repr() of a float is the shortest decimal that round-trips, so 0.1 becomes Decimal("0.1") and not
    # 0.1000000000000000055511151231257827. float() first: numpy 2 scalars repr as "np.float64(0.1)".
    return Decimal(repr(float(value)))


def parse_amount(value: object, *, unit: str = "元") -> Decimal | None:
    """Read an amount cell to Decimal 元 (quantized to the cent). Blank cells and placeholders ("-", "/", "无")
    give None. Negative amounts are returned negative so that the importer can reject them with its own message.

    `unit` is the unit of the column when its header says so ("罚款金额（万元）"); it applies only to cells that do
    not carry their own unit, so "1.2万元" in a 元 column and "1.2" in a 万元 column both give 12000.00.
    """
    if unit not in _UNIT_MULTIPLIERS:
        raise ValueError(f"不支持的金额单位“{unit}”，应为元、万元或亿元")
    multiplier = _UNIT_MULTIPLIERS[unit]
    if _is_missing(value):
        return None
    if isinstance(value, bool):
        raise FieldError(f"“{value}”不是金额")
    if _is_real_number(value):
        if not math.isfinite(float(value)):
            raise FieldError(f"“{_show(value)}”不是有效金额")
        return quantize_yuan(_decimal_from_number(value) * multiplier)
    if not isinstance(value, str):
        raise FieldError(f"“{_show(value)}”不是可识别的金额")

    shown = value.strip()
    text = _fold_width(value.translate(_INVISIBLE)).translate(_DASHES).strip()
    if text.lower() in _AMOUNT_BLANKS:
        return None
    sign = Decimal(1)
    if text[0] in _MINUS_SIGNS:
        sign, text = Decimal(-1), text[1:].strip()
    elif text[0] == "+":
        text = text[1:].strip()
    if not text:
        raise FieldError(f"“{shown}”不是可识别的金额")
    has_own_unit = any(ch in text for ch in "元圆万萬亿億")
    try:
        amount = parse_amount_yuan(text)
    except ValueError:
        raise FieldError(f"“{shown}”不是可识别的金额，请填写如“5000”“1,234.50”“1.2万元”的金额") from None
    if not has_own_unit:
        amount = quantize_yuan(amount * multiplier)
    return sign * amount


# --------------------------------------------------------------------------------------------------------------
# 3. Penalty content (处罚内容 / 处罚结果)
# --------------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PenaltyItem:
    """One penalty imposed by a decision.

    `amount` is set only for 罚款 / 没收 with a stated value. `detail` keeps the original wording when it says
    more than the type name (the licence revoked, the goods confiscated, the length of a detention).
    """

    type: PenaltyType
    amount: Decimal | None = None
    detail: str = ""


@dataclass(frozen=True)
class PenaltyContent:
    items: tuple[PenaltyItem, ...]
    fine_total: Decimal
    confiscation_total: Decimal
    unrecognised: str
    # Orders that accompany a penalty but are not penalties under 行政处罚法 art. 9/28 (责令改正, 不予处罚 …):
    # recognised, so they are not reported as unrecognised, but they add no penalty type.
    measures: tuple[str, ...] = ()

    @property
    def types(self) -> frozenset[PenaltyType]:
        return frozenset(item.type for item in self.items)

    @property
    def most_severe(self) -> PenaltyType | None:
        """The type a decision is counted under in the annual statistics (docs/rules.md §1.5, rule 2)."""
        return max(self.types, key=lambda t: t.severity) if self.items else None

    @property
    def monetary_total(self) -> Decimal:
        """罚没金额: fines plus confiscations with a stated value (docs/rules.md §1.5, rule 4)."""
        return self.fine_total + self.confiscation_total


# Object of 没收/暂扣/吊销/从事: runs until a separator, an amount (\x00), a duration (\x01) or the next penalty or
# connective word. "、" may occur inside ("违法生产、销售的产品") but not at the end.
_OBJ_STOP = (
    r"(?:[和及、]?(?:违法|非法)所得|并处|并|处以|处罚款|罚款|警告|没收|暂扣|吊销|责令|拘留|价值|共计|合计|总计|"
    r"通报批评|限制|降低)"
)
_OBJ_CHAR = r"[^,;。\s()\[\]\x00\x01\n]"
_OBJ = rf"(?:(?:(?!{_OBJ_STOP}){_OBJ_CHAR}){{0,29}}(?:(?!{_OBJ_STOP})(?!、){_OBJ_CHAR}))"
# An order may contain its time limit: "责令其于15日内改正".
_ORDER_OBJ = _OBJ.replace(r"\x00\x01", r"\x00")

# Alternatives are tried left to right at each position, so longer and more specific phrases come first; the
# named group that matched tells what was found: M_* are non-penalty measures, BASIS is the base of a relative
# fine ("违法所得2倍"), every other group is a penalty (see _GROUP_TYPES).
_PHRASES: list[tuple[str, str]] = [
    ("M_NONE", r"(?:不予|免予|免于)(?:行政)?处罚"),
    ("OTHER", r"(?:法律、?行政法规规定的)?其他行政处罚"),
    ("CONFISCATE_GAINS", r"没收(?:当事人|其)?(?:的)?(?:全部)?(?:违法|非法)所得"),
    ("CONFISCATE_PROPERTY", r"(?:没收(?:当事人|其)?(?:的)?)?非法财物"),
    ("BASIS", rf"(?:违法所得|非法所得|货值金额|违法货值|违法经营额|违法收入|销售金额|违法销售额|营业额|合同价款|合同金额)"
              rf"(?:(?!{_OBJ_STOP})[^,;。、\n\x01]){{0,15}}?(?:\d+(?:\.\d+)?|[一二三四五六七八九十两半]+)\s*(?:倍|%)"),
    ("CONFISCATE_GAINS_LIST", r"(?<=[和及、])(?:违法|非法)所得"),
    # A bare "没收" names no object, so it is left unrecognised rather than guessed.
    ("CONFISCATE_PROPERTY_OBJ", rf"没收(?:当事人|其)?{_OBJ}"),
    ("WARNING", r"警告"),
    ("CIRCULATED_CRITICISM", r"通报批评"),
    ("FINE", r"罚款"),
    ("SUSPEND_LICENCE", rf"暂扣(?:当事人|其)?{_OBJ}?"),
    ("DOWNGRADE_QUALIFICATION", r"降低(?:其)?资质(?:等级)?"),
    ("RESTRICT_OPERATIONS", r"(?:责令)?限制(?:开展)?生产经营(?:活动)?|(?:责令)?限制生产"),
    ("ORDER_SUSPENSION", r"(?:责令)?(?:停产停业|停业整顿|停产整顿|停产整治|停产整改)(?:整顿)?|责令(?:其)?停业|责令(?:其)?停产"),
    ("ORDER_CLOSURE", r"(?:责令|予以|依法)(?:其)?关闭"),
    ("RESTRICT_PRACTICE", rf"限制从业|禁止从业|从业禁止|(?:终身|(?<=\x01)内)(?:不得|禁止)(?:从事|担任){_OBJ}?"),
    ("REVOKE_LICENCE", rf"吊销(?:当事人|其)?{_OBJ}?"),
    ("DETENTION", r"(?<!刑事)(?:行政)?拘留"),
    ("M_ORDER", rf"(?:责令|要求)(?:当事人|其)?{_ORDER_OBJ}|限期(?:改正|整改)|批评教育"),
]
_PHRASE_RE = re.compile("|".join(f"(?P<{name}>{pattern})" for name, pattern in _PHRASES))
_GROUP_TYPES: dict[str, PenaltyType] = {
    "OTHER": PenaltyType.OTHER,
    "CONFISCATE_GAINS": PenaltyType.CONFISCATE_GAINS,
    "CONFISCATE_GAINS_LIST": PenaltyType.CONFISCATE_GAINS,
    "CONFISCATE_PROPERTY": PenaltyType.CONFISCATE_PROPERTY,
    "CONFISCATE_PROPERTY_OBJ": PenaltyType.CONFISCATE_PROPERTY,
    "WARNING": PenaltyType.WARNING,
    "CIRCULATED_CRITICISM": PenaltyType.CIRCULATED_CRITICISM,
    "FINE": PenaltyType.FINE,
    "SUSPEND_LICENCE": PenaltyType.SUSPEND_LICENCE,
    "DOWNGRADE_QUALIFICATION": PenaltyType.DOWNGRADE_QUALIFICATION,
    "RESTRICT_OPERATIONS": PenaltyType.RESTRICT_OPERATIONS,
    "ORDER_SUSPENSION": PenaltyType.ORDER_SUSPENSION,
    "ORDER_CLOSURE": PenaltyType.ORDER_CLOSURE,
    "RESTRICT_PRACTICE": PenaltyType.RESTRICT_PRACTICE,
    "REVOKE_LICENCE": PenaltyType.REVOKE_LICENCE,
    "DETENTION": PenaltyType.DETENTION,
}
# Penalties whose length is part of the penalty ("暂扣驾驶证六个月", "行政拘留十日").
_TIMED_TYPES = frozenset({
    PenaltyType.SUSPEND_LICENCE, PenaltyType.DETENTION, PenaltyType.ORDER_SUSPENSION,
    PenaltyType.RESTRICT_PRACTICE, PenaltyType.RESTRICT_OPERATIONS,
})
# Arabic durations are limited to three digits and must not follow a digit, so "2025年" in a date is not a period.
_DURATION_RE = re.compile(r"(?<![\d.])(?:\d{1,3}|[一二三四五六七八九十两百半]+)\s*(?:个月|个工作日|日|天|年|周|小时)")
_SEPARATORS = frozenset(",;。、\n")
# Text between a penalty word and its amount that does not break the link ("罚款人民币", "价值", "金额为").
_FILLER_WORDS = [
    "人民币", "共计", "合计", "总计", "金额", "价值", "大写", "小写", "款项", "计", "为", "的", "以", "即", "整", "元",
]
_GAP_RE = re.compile(r"(?:" + "|".join(_FILLER_WORDS) + r"|[\s:()\[\]【】〔〕])*")
# Left-over text that carries no information of its own once penalties and amounts have been taken out.
_RESIDUE_WORDS = [
    "对当事人", "当事人", "作出如下", "作出", "如下", "行政处罚决定", "行政处罚", "处罚决定", "处罚", "决定", "依法",
    "处以", "并处", "给予", "予以", "同时", "分别", "以及", "其中", "罚没款", "罚没", "处", "并", "和", "及", "与", "另", "其",
    "对", *_FILLER_WORDS,
]
# List numbering as decisions print it: "1.", "2、", "(一)", "一、", "①".
# A fragment that is only a number is numbering whose "、" was taken as a clause separator.
_ENUMERATION = (
    r"^\s*(?:\d{1,2}|[一二三四五六七八九十]{1,3})\s*$"
    r"|\d{1,2}[.、)]|\([一二三四五六七八九十\d]{1,3}\)|[一二三四五六七八九十]{1,3}、|[\u2460-\u2473]"
)
_RESIDUE_RE = re.compile(
    r"(?:" + _ENUMERATION + "|" + "|".join(_RESIDUE_WORDS) + r"|[\s,;:.。、()\[\]【】〔〕《》\"'“”‘’!！?？…-])*"
)
_CONJUNCTION_GAP_RE = re.compile(r"[\s和及与、]*|以及|并处?")
_TOTAL_WORDS_RE = re.compile(r"共计|合计|总计")
_RANGE_AFTER_RE = re.compile(r"\s*(?:以上|以下|以内|至\s*(?:人民币)?\x00|到\s*\x00|[~-]\s*\x00)")
_RESTATEMENT_GAP_RE = re.compile(r"[\s(\[【〔]*(?:大写|小写|即)?[\s:]*")


@dataclass
class _Token:
    """Internal, mutable while amounts are being attributed."""

    kind: str  # "P" penalty, "M" measure, "A" amount, "D" duration, "B" basis of a relative fine
    start: int
    end: int
    ptype: PenaltyType | None = None
    amount: Decimal | None = None
    partner: _Token | None = None
    extra: list[_Token] | None = None  # durations / bases attached to a penalty
    role: str = ""  # for amounts: "bound", "restated", "total"
    clause: int = 0


def _gap_is_filler(text: str, start: int, end: int) -> bool:
    return start <= end and _GAP_RE.fullmatch(text, start, end) is not None


def _find_amounts(folded: str, original: str) -> list[_Token]:
    tokens = []
    for match in AMOUNT_PATTERN.finditer(folded):
        start = match.start()
        while start < match.end() and folded[start].isspace():
            start += 1
        try:
            value = parse_amount_yuan(folded[start:match.end()])
        except ValueError:
            raise FieldError(f"处罚内容中的金额“{original[start:match.end()]}”无法识别") from None
        tokens.append(_Token("A", start, match.end(), amount=value))
    return tokens


def _mask(chars: list[str], tokens: list[_Token], mark: str) -> None:
    for tok in tokens:
        chars[tok.start:tok.end] = mark * (tok.end - tok.start)


def _attribute_amounts(masked: str, clause_tokens: list[_Token], original: str) -> None:
    """Give each amount in one clause to its penalty. Adjacency ("罚款5000元", "处5000元罚款") wins over mere
    proximity, so "没收违法所得2000元并处5000元罚款" attributes both amounts correctly."""
    monetary = [t for t in clause_tokens if t.kind == "P" and t.ptype in MONETARY_PENALTY_TYPES]
    amounts = [t for t in clause_tokens if t.kind == "A"]

    # A restatement "5000元（大写：伍仟元整）" is dropped when it agrees and reported when it does not.
    for prev, tok in pairwise(clause_tokens):
        if prev.kind == "A" and tok.kind == "A" and _RESTATEMENT_GAP_RE.fullmatch(masked, prev.end, tok.start):
            if prev.amount != tok.amount:
                raise FieldError(
                    f"处罚内容中的金额前后不一致：“{original[prev.start:prev.end]}”与"
                    f"“{original[tok.start:tok.end]}”，请核对"
                )
            tok.role = "restated"
    amounts = [a for a in amounts if a.role != "restated"]
    ordered = [t for t in clause_tokens if t.role != "restated"]

    def bind(penalty: _Token, amount: _Token) -> None:
        penalty.partner, amount.partner, amount.role = amount, penalty, "bound"

    # Pass 1: penalty word directly followed by its amount.
    for i, (tok, nxt) in enumerate(pairwise(ordered)):
        if tok in monetary and nxt.kind == "A" and not nxt.role and _gap_is_filler(masked, tok.end, nxt.start):
            if _TOTAL_WORDS_RE.search(masked, tok.end, nxt.start):
                _check_joint_amount(masked, ordered[: i + 1], nxt, original)
            bind(tok, nxt)
    # Pass 2: amount directly followed by its penalty word.
    for tok, nxt in pairwise(ordered):
        if (tok.kind == "A" and not tok.role and nxt in monetary and nxt.partner is None
                and _gap_is_filler(masked, tok.end, nxt.start)):
            bind(nxt, tok)
    # Pass 3: the nearest free penalty word in the same clause, preferring the one before the amount.
    for amount in amounts:
        if amount.role:
            continue
        before = [p for p in monetary if p.partner is None and p.end <= amount.start]
        after = [p for p in monetary if p.partner is None and p.start >= amount.end]
        if before:
            bind(before[-1], amount)
        elif after:
            bind(after[0], amount)


def _check_joint_amount(masked: str, upto: list[_Token], amount: _Token, original: str) -> None:
    """"没收违法所得和非法财物共计5000元" is a confiscation either way; "罚款和没收违法所得共计5000元" cannot be split
    between 罚款 and 没收, so it is refused rather than guessed."""
    listed = [upto[-1]]
    for prev in reversed(upto[:-1]):
        if not (prev.kind == "P" and prev.ptype in MONETARY_PENALTY_TYPES and prev.partner is None
                and _CONJUNCTION_GAP_RE.fullmatch(masked, prev.end, listed[-1].start)):
            break
        listed.append(prev)
    kinds = {t.ptype is PenaltyType.FINE for t in listed}
    if len(kinds) > 1:
        raise FieldError(
            f"处罚内容中的合计金额“{original[amount.start:amount.end]}”同时包含罚款和没收，"
            "无法区分各自金额，请分别写明"
        )


def _attach_extras(masked: str, tokens: list[_Token]) -> None:
    """Durations go to the adjacent timed penalty, bases ("违法所得2倍") to the adjacent fine."""
    for i, tok in enumerate(tokens):
        if tok.kind not in ("D", "B"):
            continue
        wanted = _TIMED_TYPES if tok.kind == "D" else frozenset({PenaltyType.FINE})
        neighbours = []
        if i + 1 < len(tokens):
            neighbours.append((tokens[i + 1], tok.end, tokens[i + 1].start))
        if i > 0:
            neighbours.append((tokens[i - 1], tokens[i - 1].end, tok.start))
        if tok.kind == "D":
            neighbours.reverse()  # "行政拘留十日" is commoner than "十日行政拘留"
        for other, gap_start, gap_end in neighbours:
            if (other.kind == "P" and other.ptype in wanted and other.clause == tok.clause
                    and _gap_is_filler(masked, gap_start, gap_end)):
                other.extra = (other.extra or []) + [tok]
                tok.partner = other
                break


def parse_penalty_content(text: str) -> PenaltyContent:
    """Split a 处罚内容 text into penalties with their amounts.

    "警告，没收违法所得1.621747万元，罚款1712.4万元" → 警告; 没收违法所得 16217.47; 罚款 17124000.00.
    Amounts are attributed to the penalty word next to them, before or after; whatever cannot be attributed or
    recognised is returned in `unrecognised` for the administrator to check. Raises FieldError when the text
    contradicts itself (a restated or total amount that does not match).
    """
    if _is_missing(text):
        return PenaltyContent((), _ZERO, _ZERO, "")
    if not isinstance(text, str):
        raise FieldError(f"处罚内容“{_show(text)}”不是文本")
    original = text.translate({k: " " for k in _INVISIBLE})  # same length, invisible characters neutralised
    folded = _fold_width(original)

    amounts = _find_amounts(folded, original)
    chars = list(folded)
    _mask(chars, amounts, "\x00")
    for amount in amounts:
        # "处1万元以上5万元以下罚款" is a benchmark range pasted from the law, not the amount decided.
        if _RANGE_AFTER_RE.match("".join(chars), amount.end):
            raise FieldError(
                f"处罚内容中的“{_show(original[amount.start:])}”写的是金额幅度（以上/以下），"
                "不是决定的金额，请填写实际金额"
            )
    durations = [_Token("D", m.start(), m.end()) for m in _DURATION_RE.finditer("".join(chars))]
    _mask(chars, durations, "\x01")
    masked = "".join(chars)

    phrases: list[_Token] = []
    for match in _PHRASE_RE.finditer(masked):
        if match.end() == match.start():
            continue
        group = match.lastgroup or ""
        if group == "BASIS":
            phrases.append(_Token("B", match.start(), match.end()))
        elif group.startswith("M_"):
            phrases.append(_Token("M", match.start(), match.end()))
        else:
            phrases.append(_Token("P", match.start(), match.end(), ptype=_GROUP_TYPES[group]))

    # Amounts and durations inside a basis ("违法所得5000元的2倍") belong to that basis, not to a penalty.
    def inside_phrase(tok: _Token) -> bool:
        return any(p.start <= tok.start and tok.end <= p.end for p in phrases)

    tokens = sorted(
        phrases + [t for t in amounts + durations if not inside_phrase(t)], key=lambda t: t.start
    )

    # Clauses are split at separators that are not part of a token ("2,300元" keeps its comma).
    covered = [False] * len(masked)
    for tok in tokens:
        covered[tok.start:tok.end] = [True] * (tok.end - tok.start)
    clause_of = [0] * (len(masked) + 1)
    clause = 0
    for pos, ch in enumerate(masked):
        if ch in _SEPARATORS and not covered[pos]:
            clause += 1
        clause_of[pos] = clause
    for tok in tokens:
        tok.clause = clause_of[tok.start]

    for number in sorted({t.clause for t in tokens}):
        _attribute_amounts(masked, [t for t in tokens if t.clause == number], original)
    _attach_extras(masked, tokens)

    # A stated total ("罚没款合计7000元") must equal what was attributed.
    attributed = sum(
        (t.amount for t in tokens if t.kind == "A" and t.role == "bound" and t.amount is not None), _ZERO
    )
    for tok in tokens:
        if tok.kind != "A" or tok.role:
            continue
        clause_start = max((i + 1 for i in range(tok.start) if clause_of[i] != tok.clause), default=0)
        previous_end = max((t.end for t in tokens if t.clause == tok.clause and t.end <= tok.start),
                           default=clause_start)
        if _TOTAL_WORDS_RE.search(masked, previous_end, tok.start):
            if tok.amount != attributed:
                raise FieldError(
                    f"处罚内容中的合计金额“{original[tok.start:tok.end]}”与各项金额之和"
                    f"{attributed:,.2f}元不一致，请核对"
                )
            tok.role = "total"

    items: list[PenaltyItem] = []
    measures: list[str] = []
    for tok in tokens:
        if tok.kind == "M":
            measures.append(original[tok.start:tok.end].strip())
        if tok.kind != "P" or tok.ptype is None:
            continue
        start = min([tok.start] + [e.start for e in tok.extra or []])
        end = max([tok.end] + [e.end for e in tok.extra or []])
        wording = re.sub(r"\s+", "", original[start:end])
        detail = "" if wording in tok.ptype.value else wording
        bound_amount = tok.partner.amount if tok.partner is not None else None
        items.append(PenaltyItem(tok.ptype, bound_amount, detail))
    # The same penalty named twice without an amount ("警告……警告") is one penalty; amounts are never merged.
    seen: set[PenaltyItem] = set()
    unique: list[PenaltyItem] = []
    for item in items:
        if item.amount is None and (item in seen or any(
                other.type is item.type and other.amount is not None and not item.detail for other in items)):
            continue
        seen.add(item)
        unique.append(item)

    consumed = [False] * len(masked)
    for tok in tokens:
        used = tok.kind in ("P", "M") or tok.role in ("bound", "restated", "total") or (
            tok.kind in ("D", "B") and tok.partner is not None)
        if used:
            consumed[tok.start:tok.end] = [True] * (tok.end - tok.start)
    fragments: list[str] = []
    current: list[str] = []
    for pos, ch in enumerate(original):
        if consumed[pos] or (masked[pos] in _SEPARATORS and not covered[pos]):
            if current:
                fragments.append("".join(current))
                current = []
            continue
        current.append(ch)
    if current:
        fragments.append("".join(current))
    leftovers = [f.strip() for f in fragments if not _RESIDUE_RE.fullmatch(_fold_width(f))]

    fine_total = sum((i.amount for i in unique if i.type is PenaltyType.FINE and i.amount is not None), _ZERO)
    confiscation_total = sum(
        (i.amount for i in unique
         if i.type in (PenaltyType.CONFISCATE_GAINS, PenaltyType.CONFISCATE_PROPERTY) and i.amount is not None),
        _ZERO,
    )
    return PenaltyContent(
        items=tuple(unique),
        fine_total=quantize_yuan(fine_total),
        confiscation_total=quantize_yuan(confiscation_total),
        unrecognised="；".join(leftovers),
        measures=tuple(measures),
    )


# --------------------------------------------------------------------------------------------------------------
# 4. Penalty types column (处罚种类 / 处罚类别)
# --------------------------------------------------------------------------------------------------------------

_TYPE_SPLIT_RE = re.compile(r"[,;。、/|\s]+|(?:以及|并处|和|及|与|并)(?=\S)")
# Short names a types column uses that would be ambiguous inside running text.
_TYPE_ALIASES: dict[str, PenaltyType] = {
    "其他": PenaltyType.OTHER,
    "其它": PenaltyType.OTHER,
    "其他处罚": PenaltyType.OTHER,
    "其它行政处罚": PenaltyType.OTHER,
    "关闭": PenaltyType.ORDER_CLOSURE,
    "拘留": PenaltyType.DETENTION,
}
# Short names that cannot be mapped to one type; the message says what to write instead.
_AMBIGUOUS_TYPES: dict[str, str] = {
    "没收": "处罚种类“没收”不明确，请写明没收违法所得或没收非法财物",
    "罚没": "处罚种类“罚没”不明确，请分别写明罚款、没收违法所得或没收非法财物",
}
_TYPE_PREFIX_RE = re.compile(r"^(?:处以|并处|给予|予以|处)")


def parse_penalty_types(text: str) -> frozenset[PenaltyType]:
    """Read a 处罚种类 column: "罚款；没收违法所得", "警告、罚款". Blank gives an empty set.

    Every part must be a penalty type; anything else raises FieldError naming the parts not understood.
    """
    if _is_missing(text):
        return frozenset()
    if not isinstance(text, str):
        raise FieldError(f"处罚种类“{_show(text)}”不是文本")
    folded = _fold_width(text.translate(_INVISIBLE))
    # The statutory catch-all contains "、", so it is taken out before splitting.
    folded = re.sub(r"法律、?行政法规规定的其他行政处罚", "其他行政处罚", folded)
    found: set[PenaltyType] = set()
    unknown: list[str] = []
    for part in _TYPE_SPLIT_RE.split(folded):
        part = _TYPE_PREFIX_RE.sub("", part.strip())
        if not part:
            continue
        if part in _AMBIGUOUS_TYPES:
            raise FieldError(_AMBIGUOUS_TYPES[part])
        if part in _TYPE_ALIASES:
            found.add(_TYPE_ALIASES[part])
            continue
        content = parse_penalty_content(part)
        if len(content.items) == 1 and not content.unrecognised and not content.measures:
            found.add(content.items[0].type)
        elif content.measures and not content.items:
            raise FieldError(f"“{part}”不属于行政处罚种类（行政处罚法第九条、第二十八条）")
        else:
            unknown.append(part)
    if unknown:
        raise FieldError(
            "无法识别的处罚种类：" + "、".join(f"“{u}”" for u in unknown)
            + "。可用的种类：" + "、".join(t.value for t in PenaltyType)
        )
    return frozenset(found)


# --------------------------------------------------------------------------------------------------------------
# 5. Party type
# --------------------------------------------------------------------------------------------------------------

# 登记管理部门代码 + 机构类别代码 (positions 1–2) → party type, docs/rules.md §5.1. Civil-code categories:
# 机关、事业单位、社会团体、基金会、社会服务机构 and 农村集体经济组织 are 法人 (民法典 arts. 87–101);
# foreign representative offices, law-firm partnerships and other "其他" categories are treated as
# 非法人组织 and flagged for checking.
_USCC_CATEGORIES: dict[str, tuple[PartyType, str, bool]] = {
    "11": (PartyType.LEGAL_PERSON, "机构编制部门登记的机关", False),
    "12": (PartyType.LEGAL_PERSON, "机构编制部门登记的事业单位", False),
    "13": (PartyType.LEGAL_PERSON, "机构编制部门登记的群众团体", False),
    "19": (PartyType.LEGAL_PERSON, "机构编制部门登记的其他机构", True),
    "21": (PartyType.UNINCORPORATED, "外交部门登记的外国常驻新闻机构", False),
    "29": (PartyType.UNINCORPORATED, "外交部门登记的其他机构", True),
    "31": (PartyType.UNINCORPORATED, "司法行政部门登记的律师事务所", True),
    "32": (PartyType.LEGAL_PERSON, "司法行政部门登记的公证处", True),
    "33": (PartyType.UNINCORPORATED, "司法行政部门登记的基层法律服务所", True),
    "34": (PartyType.UNINCORPORATED, "司法行政部门登记的司法鉴定机构", True),
    "35": (PartyType.LEGAL_PERSON, "司法行政部门登记的仲裁委员会", True),
    "39": (PartyType.UNINCORPORATED, "司法行政部门登记的其他机构", True),
    "41": (PartyType.UNINCORPORATED, "文化部门登记的外国在华文化中心", False),
    "49": (PartyType.UNINCORPORATED, "文化部门登记的其他机构", True),
    "51": (PartyType.LEGAL_PERSON, "民政部门登记的社会团体", False),
    "52": (PartyType.LEGAL_PERSON, "民政部门登记的民办非企业单位", False),
    "53": (PartyType.LEGAL_PERSON, "民政部门登记的基金会", False),
    "59": (PartyType.LEGAL_PERSON, "民政部门登记的其他机构", True),
    "61": (PartyType.UNINCORPORATED, "旅游部门登记的外国旅游部门常驻代表机构", False),
    "62": (PartyType.UNINCORPORATED, "旅游部门登记的港澳台地区旅游部门常驻内地代表机构", False),
    "69": (PartyType.UNINCORPORATED, "旅游部门登记的其他机构", True),
    "71": (PartyType.UNINCORPORATED, "宗教事务部门登记的宗教活动场所", True),
    "72": (PartyType.LEGAL_PERSON, "宗教事务部门登记的宗教院校", True),
    "79": (PartyType.UNINCORPORATED, "宗教事务部门登记的其他机构", True),
    "81": (PartyType.LEGAL_PERSON, "工会组织", False),
    "89": (PartyType.LEGAL_PERSON, "工会系统的其他机构", True),
    "91": (PartyType.LEGAL_PERSON, "市场监管部门登记的企业", False),
    "92": (PartyType.INDIVIDUAL_BUSINESS, "市场监管部门登记的个体工商户", False),
    "93": (PartyType.LEGAL_PERSON, "市场监管部门登记的农民专业合作社", False),
    "A1": (PartyType.LEGAL_PERSON, "中央军委改革和编制办公室登记的军队事业单位", False),
    "A9": (PartyType.LEGAL_PERSON, "中央军委改革和编制办公室登记的其他机构", True),
    "N1": (PartyType.LEGAL_PERSON, "农业农村部门登记的组级农村集体经济组织", False),
    "N2": (PartyType.LEGAL_PERSON, "农业农村部门登记的村级农村集体经济组织", False),
    "N3": (PartyType.LEGAL_PERSON, "农业农村部门登记的乡镇级农村集体经济组织", False),
    "N9": (PartyType.LEGAL_PERSON, "农业农村部门登记的其他机构", True),
    "Y1": (PartyType.UNINCORPORATED, "其他登记管理部门登记的机构", True),
}
# 个人独资企业, 合伙企业 and branches register under 91 but are not legal persons (民法典 art. 102, 74).
_UNINCORPORATED_MARKERS = ("合伙", "个人独资", "分公司", "分支机构", "分行", "支行", "分店", "分厂", "代表处")
_INDIVIDUAL_MARKERS = ("个体", "经营部", "商行", "门市部", "门市", "小卖部")
_ORGANISATION_MARKERS = (
    "公司", "有限", "集团", "企业", "银行", "合作社", "中心", "委员会", "协会", "商会", "学会", "基金会", "研究会",
    "医院", "卫生院", "诊所", "门诊部", "药房", "药店", "学校", "大学", "学院", "中学", "小学", "幼儿园", "培训",
    "事务所", "研究所", "研究院", "设计院", "政府", "办事处", "村委会", "居委会", "管委会", "工作室", "酒店",
    "宾馆", "饭店", "餐厅", "酒家", "超市", "商场", "加油站", "养殖场", "农场", "林场", "车队", "俱乐部",
)
# One-character organisation suffixes ("某某厂", "某某店", "某某局"); only at the end, because they also occur in
# given names.
_ORGANISATION_SUFFIXES = ("厂", "店", "局", "馆", "院", "所", "站", "场", "社", "部", "处", "园", "队")
_CJK = r"\u3400-\u4dbf\u4e00-\u9fff"
# Masked names as published: "张某", "李某某", "王*", "赵××", "钱XX".
_MASKED_PERSON_RE = re.compile(rf"[{_CJK}]{{1,2}}(?:某{{1,2}}|[*＊×xX○]{{1,3}})")
_PERSON_RE = re.compile(rf"[{_CJK}]{{2,4}}|[{_CJK}]{{1,10}}[·・•][{_CJK}]{{1,10}}")
# A surname (single or compound) + 某/某某 opening the name is a natural person, whatever follows in brackets or
# after a space: "蒋某（广发银行股份有限公司资产托管部）" names the person and where they work. "张某某小吃店" is a shop
# and does not match: the masked name must end there.
_MASKED_PERSON_HEAD_RE = re.compile(
    rf"(?P<name>(?:{'|'.join(sorted(COMPOUND_SURNAMES))}|[{_CJK}](?<!某))某{{1,2}})(?=$|[（(\[【〔<《,，、;；:：/\s])"
)


def _name_marker(name: str, markers: tuple[str, ...]) -> str | None:
    return next((m for m in markers if m in name), None)


def infer_party_type(name: str, uscc: str | None, id_number: str | None) -> tuple[PartyType | None, str]:
    """Infer 当事人类型 from the identifiers, then from the name. The second element explains the inference (or why
    none was possible) in Chinese, for the import report; treat any result as a suggestion to confirm."""
    folded = _fold_width((name or "").translate(_INVISIBLE)).strip()
    clean_name = re.sub(r"\s+", "", folded)
    notes: list[str] = []

    person = _MASKED_PERSON_HEAD_RE.match(folded)
    if person and person.end() < len(folded):  # a bare "张某" keeps the usual path (and its message)
        return PartyType.NATURAL_PERSON, (
            f"名称以“{person.group('name')}”（姓氏加“某”）开头，是自然人，其后括号内的单位名称不改变当事人类型，请核对"
        )

    if uscc is not None and not _is_missing(uscc):
        check = validate_uscc(uscc)
        if check.ok:
            code = check.normalized
            category = _USCC_CATEGORIES.get(code[:2])
            if category is None:
                return None, (
                    f"统一社会信用代码“{code}”的登记管理部门和机构类别代码“{code[:2]}”未知，无法判断当事人类型，请手工选择"
                )
            party, description, uncertain = category
            reason = f"依据统一社会信用代码前两位“{code[:2]}”（{description}）"
            if code[:2] == "91":
                marker = _name_marker(clean_name, _UNINCORPORATED_MARKERS)
                if marker:
                    return PartyType.UNINCORPORATED, (
                        f"{reason}及名称中的“{marker}”推断为非法人组织（个人独资企业、合伙企业和分支机构不是法人），请核对"
                    )
                return party, f"{reason}推断为{party.value}；若为个人独资企业或合伙企业，应改为非法人组织"
            return party, f"{reason}推断为{party.value}" + ("，请核对" if uncertain else "")
        notes.append(f"统一社会信用代码无效（{check.message}），未用于判断")

    if id_number is not None and not _is_missing(id_number):
        check = validate_id_number(id_number)
        if check.ok:
            individual = _name_marker(clean_name, _INDIVIDUAL_MARKERS)
            if individual:
                return PartyType.INDIVIDUAL_BUSINESS, (
                    f"提供了有效的身份证号码且名称含“{individual}”，推断为个体工商户（身份证号码为经营者的），请核对"
                )
            organisation = _name_marker(clean_name, _ORGANISATION_MARKERS + _UNINCORPORATED_MARKERS)
            if organisation:
                return None, (
                    f"提供的是身份证号码，但名称含“{organisation}”像单位名称，无法判断当事人类型，"
                    "请核对是否应填写统一社会信用代码"
                )
            return PartyType.NATURAL_PERSON, "依据有效的身份证号码推断为自然人"
        notes.append(f"身份证号码无效（{check.message}），未用于判断")

    prefix = ("；".join(notes) + "；") if notes else "未提供有效的证件号码，"
    if not clean_name:
        return None, prefix + "且当事人名称为空，无法判断当事人类型"
    marker = _name_marker(clean_name, _INDIVIDUAL_MARKERS)
    if marker:
        return PartyType.INDIVIDUAL_BUSINESS, f"{prefix}依据名称中的“{marker}”推断为个体工商户，请核对"
    marker = _name_marker(clean_name, _UNINCORPORATED_MARKERS)
    if marker:
        return PartyType.UNINCORPORATED, f"{prefix}依据名称中的“{marker}”推断为非法人组织，请核对"
    marker = _name_marker(clean_name, _ORGANISATION_MARKERS)
    if marker is None and len(clean_name) >= 3 and clean_name[-1] in _ORGANISATION_SUFFIXES \
            and not _MASKED_PERSON_RE.fullmatch(clean_name):
        marker = clean_name[-1]
    if marker:
        return PartyType.LEGAL_PERSON, (
            f"{prefix}依据名称中的“{marker}”推断为单位（按法人处理），若为非法人组织请修改"
        )
    if _MASKED_PERSON_RE.fullmatch(clean_name) or _PERSON_RE.fullmatch(clean_name):
        return PartyType.NATURAL_PERSON, f"{prefix}名称“{clean_name}”形如个人姓名，推断为自然人，请核对"
    return None, f"{prefix}无法从名称“{_show(name)}”判断当事人类型，请手工选择"


# --------------------------------------------------------------------------------------------------------------
# 6. Publication period (公示期限)
# --------------------------------------------------------------------------------------------------------------

_OPEN_ENDED = frozenset({"长期", "永久", "长期有效", "长期公示", "永久公示", "无期限", "不设期限", "长期公开", "永久公开"})
_PERIOD_RE = re.compile(
    r"(?:公示)?(?:期限|期)?(?:为|:)?(?:自[^起]{1,12}起)?"
    r"(?:(?P<num>\d+(?:\.\d+)?|[零一二三四五六七八九十两]+)(?P<unit>年|个月|月)(?P<half>半)?|(?P<halfyear>半年))"
    r"(?:内|整)?"
)


def parse_publication_period(text: str) -> int | None:
    """公示期限 in months: "五年" 60, "6个月" 6, "半年" 6, "一年半" 18. "长期"/"永久"/blank give None."""
    if _is_missing(text):
        return None
    if not isinstance(text, str):
        raise FieldError(f"公示期限“{_show(text)}”应写明单位，如“3年”“6个月”")
    cleaned = re.sub(r"\s+", "", _fold_width(text.translate(_INVISIBLE)))
    if cleaned in _OPEN_ENDED:
        return None
    match = _PERIOD_RE.fullmatch(cleaned)
    if match is None:
        if re.fullmatch(r"\d+(?:\.\d+)?", cleaned):
            raise FieldError(f"公示期限“{text.strip()}”缺少单位，请写成“{cleaned}年”或“{cleaned}个月”")
        if re.search(r"\d\s*(?:日|天|周)|[一二三四五六七八九十]\s*(?:日|天|周)", cleaned):
            raise FieldError(f"公示期限“{text.strip()}”请以年或月为单位")
        raise FieldError(f"公示期限“{text.strip()}”无法识别，请填写如“3年”“6个月”“长期”")
    if match["halfyear"]:
        return 6
    try:
        number = parse_chinese_number(match["num"])
    except ValueError:
        raise FieldError(f"公示期限“{text.strip()}”中的数字无法识别") from None
    months = number * 12 if match["unit"] == "年" else number
    if match["half"]:
        months += 6 if match["unit"] == "年" else Decimal("0.5")
    if months != months.to_integral_value():
        raise FieldError(f"公示期限“{text.strip()}”不是整月数")
    if months <= 0:
        raise FieldError(f"公示期限“{text.strip()}”必须大于零")
    return int(months)


# --------------------------------------------------------------------------------------------------------------
# 7. Yes/no columns (是否重大, 是否听证 …)
# --------------------------------------------------------------------------------------------------------------

_YES = frozenset({"是", "y", "yes", "1", "true", "t", "√", "✓", "✔", "对", "有"})
_NO = frozenset({"否", "n", "no", "0", "false", "f", "×", "✗", "✘", "x", "不是", "无", "非"})


def parse_yes_no(value: object) -> bool | None:
    """是/否, Y/N, yes/no, 1/0, true/false, √/× (any case or width); blank → None."""
    if _is_missing(value):
        return None
    if isinstance(value, bool):
        return value
    if _is_real_number(value):
        if value == 1:
            return True
        if value == 0:
            return False
        raise FieldError(f"“{_show(value)}”不是“是”或“否”")
    if not isinstance(value, str):
        raise FieldError(f"“{_show(value)}”不是“是”或“否”")
    token = unicodedata.normalize("NFKC", value.translate(_INVISIBLE)).strip().lower()
    if token in _YES:
        return True
    if token in _NO:
        return False
    raise FieldError(f"“{value.strip()}”不是“是”或“否”，请填写是/否（也可用Y/N、1/0、√/×）")


# --------------------------------------------------------------------------------------------------------------
# 8. Column headers
# --------------------------------------------------------------------------------------------------------------

_BRACKETS = str.maketrans({"【": "(", "】": ")", "〔": "(", "〕": ")", "[": "(", "]": ")", "{": "(", "}": ")"})


def normalize_header(name: str) -> str:
    """Fold a column header for comparison: "罚款金额(元)", "罚款金额（元）", " 罚款金额 （元） " compare equal.

    Full-width characters become ASCII, all brackets become "()", whitespace (including line breaks inside Excel
    header cells) and the BOM disappear, required-field stars ("*当事人名称") and a trailing colon are dropped,
    and Latin letters are lower-cased.
    """
    text = unicodedata.normalize("NFKC", str(name).translate(_INVISIBLE)).translate(_BRACKETS)
    text = re.sub(r"\s+", "", text)
    text = text.strip("*※:")
    return text.lower()
