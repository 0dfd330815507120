"""Discretion benchmarks (行政裁量权基准): parsing 裁量标准 texts, tier models and fine checks.

docs/rules.md §3. A benchmark tier says e.g. "责令改正，处一万元以上十万元以下的罚款"; the dashboard needs the range
in 元 to flag fines outside it (above the maximum is illegal, below the minimum must be 减轻 with reasons) and
to flag decisions whose stated tier (从轻/一般/从重) does not match where the amount falls. Tier models differ
between provinces, so the split is a plain function the caller can swap (docs/rules.md §3.3 "make the model
pluggable").
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from decimal import Decimal

from domain.enums import BenchmarkRangeKind, DiscretionTier, PenaltyType
from domain.numbers import parse_chinese_number, quantize_yuan

__all__ = [
    "KNOWN_BASES",
    "FineAssessment",
    "ParsedStandard",
    "TierBounds",
    "TierBoundsFn",
    "assess_fine",
    "format_yuan",
    "parse_penalty_standard",
    "resolve_range",
    "tier_bounds_guangdong",
    "tier_bounds_model_a",
    "tier_bounds_model_b",
    "tier_bounds_model_b_max_only",
    "tier_for_amount",
]

TierBounds = dict[DiscretionTier, tuple[Decimal, Decimal]]
TierBoundsFn = Callable[[Decimal, Decimal], TierBounds]

_ZERO = Decimal(0)
_HUNDRED = Decimal(100)

# Bases of relative fines as they appear in benchmarks, most specific first ("直接经济损失" before "直接损失").
# The canonical name is what a case records as its base_type.
KNOWN_BASES: tuple[tuple[str, str], ...] = (
    ("总投资额", "总投资额"),
    ("违法所得", "违法所得"),
    ("货值金额", "货值金额"),
    ("违法经营额", "违法经营额"),
    ("代为处置费用", "代为处置费用"),
    ("所收费用", "所收费用"),
    ("直接经济损失", "直接经济损失"),
    ("直接损失", "直接损失"),
    ("上一年度从本单位取得收入", "上一年度从本单位取得的收入"),
    ("上一年度从本单位取得的收入", "上一年度从本单位取得的收入"),
)


@dataclass(frozen=True)
class ParsedStandard:
    """A 裁量标准 text read into numbers. Amounts are 元; factors are fractions (百分之一 = 0.01) or multiples."""

    raw: str
    kind: BenchmarkRangeKind
    parsed: bool = True  # False: the text mentions a fine that could not be read; nothing else is trustworthy
    min_amount: Decimal | None = None
    max_amount: Decimal | None = None
    base: str | None = None
    min_factor: Decimal | None = None
    max_factor: Decimal | None = None
    cap_amount: Decimal | None = None  # "但是最高不超过一百万元" on a relative fine
    fine_optional: bool = False  # "可处…罚款": imposing no fine at all is within the benchmark
    target: str | None = None  # "个人", "直接负责的主管人员和其他直接责任人员" when the fine is not on the unit
    penalty_types: frozenset[PenaltyType] = frozenset()
    secondary: tuple[ParsedStandard, ...] = ()  # further fines in the same text, usually on responsible persons
    notes: tuple[str, ...] = ()  # anomalies in the source text, in Chinese, for data-quality display

    @property
    def is_single_amount(self) -> bool:
        """处十万元罚款 / 处违法所得二倍罚款: no room for discretion inside the tier."""
        if self.kind is BenchmarkRangeKind.FIXED:
            return self.min_amount == self.max_amount
        if self.kind is BenchmarkRangeKind.RELATIVE:
            return self.min_factor == self.max_factor
        return False

    def describe(self) -> str:
        """Short Chinese description of the range, for explanations and tables."""
        if self.kind is BenchmarkRangeKind.FIXED and self.min_amount is not None and self.max_amount is not None:
            if self.min_amount == self.max_amount:
                return f"罚款{format_yuan(self.min_amount)}"
            return f"罚款{format_yuan(self.min_amount)}至{format_yuan(self.max_amount)}"
        if self.kind is BenchmarkRangeKind.MAX_ONLY and self.max_amount is not None:
            return f"罚款{format_yuan(self.max_amount)}以下"
        if self.kind is BenchmarkRangeKind.RELATIVE and self.min_factor is not None and self.max_factor is not None:
            base = self.base or "基数"
            if self.min_factor == self.max_factor:
                text = f"{base}的{_format_factor(self.min_factor)}"
            else:
                text = f"{base}的{_format_factor(self.min_factor)}至{_format_factor(self.max_factor)}"
            if self.cap_amount is not None:
                text += f"（最高{format_yuan(self.cap_amount)}）"
            return f"罚款{text}"
        return "未规定罚款" if self.parsed else "未能识别罚款幅度"


@dataclass(frozen=True)
class FineAssessment:
    amount: Decimal
    resolved_range: tuple[Decimal, Decimal] | None
    within_range: bool | None  # None: cannot tell (no base amount, unreadable standard)
    below_min: bool
    above_max: bool
    computed_tier: DiscretionTier | None
    claimed_tier: DiscretionTier | None
    tier_mismatch: bool
    explanation: str
    computed_band: tuple[Decimal, Decimal] | None = None
    claimed_band: tuple[Decimal, Decimal] | None = None


# ---------------------------------------------------------------------------------------------------------
# Formatting


def format_yuan(amount: Decimal) -> str:
    return f"{quantize_yuan(amount):,.2f}元"


def _format_factor(factor: Decimal) -> str:
    # Benchmarks write fractions as percentages and whole multiples as 倍; keep that reading.
    if factor < 1:
        return f"{_plain(factor * _HUNDRED)}%"
    return f"{_plain(factor)}倍"


def _plain(value: Decimal) -> str:
    return format(value.normalize(), "f")


# ---------------------------------------------------------------------------------------------------------
# Parsing 裁量标准 texts

_N = (
    r"(?:\d+(?:\.\d+)?[十百千万亿]*"
    r"|[〇零一二两三四五六七八九十壹贰叁肆伍陆柒捌玖拾][〇零一二两三四五六七八九十百千万亿壹贰叁肆伍陆柒捌玖拾佰仟]*)"
)
_UP = r"(?:以上|至|到|~|-|—|–)"


def _factor(name: str, unit_required: bool) -> str:
    unit = r"(?:%|倍)" if unit_required else r"(?:%|倍)?"
    return rf"(?:百分之(?P<{name}_pct>{_N})|(?P<{name}_num>{_N})(?P<{name}_unit>{unit}))"


_MONEY_RANGE = re.compile(rf"(?P<lo>{_N})(?P<lo_yuan>元)?{_UP}(?P<hi>{_N})(?:元(?:以下)?|以下)")
# "处七万元以下九万元以下罚款" (10-16 of the Jiangmen table): a slip for 以上…以下.
_MONEY_TYPO_RANGE = re.compile(rf"(?P<lo>{_N})元?以下(?P<hi>{_N})元以下")
_MONEY_MAX = re.compile(rf"(?P<hi>{_N})元(?:以下|以内)|(?:不超过|不高于)(?P<hi2>{_N})元")
_MONEY_SINGLE = re.compile(rf"(?P<amt>{_N})元(?:的)?罚款|罚款(?:人民币)?(?P<amt2>{_N})元")
_REL_RANGE = re.compile(rf"{_factor('lo', False)}{_UP}{_factor('hi', True)}(?:以下)?")
_REL_SINGLE = re.compile(rf"{_factor('one', True)}(?:的)?(?:计算)?罚款")
_REL_MAX = re.compile(rf"{_factor('hi', True)}以下(?:的)?罚款")
_CAP = re.compile(rf"(?:最高|最多)(?:不超过|不得超过|不高于)(?P<cap>{_N})元")
_BASE_KEYWORD = re.compile(r"处以|并处|处|按照|按")
_TARGET = re.compile(r"对(?P<target>[^，,；;]+?)(?:可以|可)?(?:并)?处")
_OPTIONAL = re.compile(r"可以?(?:并)?处")
_IRREGULAR_NUMERAL = re.compile(r"[万亿][一二两三四五六七八九]?[十百](?![千万])")
_THOUSANDS = re.compile(r"(?<=\d),(?=\d{3}(?:\D|$))")
_CLAUSE_SPLIT = re.compile(r"[,;。:]")
_PARENTHETICAL = re.compile(r"\([^()]*\)")
_UNCLOSED_PAREN = re.compile(r"\([^)]*$")

# Penalty types named in benchmark texts. 责令改正 / 责令停止违法行为 / 责令限期拆除 are administrative orders, not
# penalties (行政处罚法 art. 28), so they are deliberately absent.
_PENALTY_KEYWORDS: tuple[tuple[re.Pattern[str], PenaltyType], ...] = (
    (re.compile(r"警告"), PenaltyType.WARNING),
    (re.compile(r"通报批评"), PenaltyType.CIRCULATED_CRITICISM),
    (re.compile(r"罚款"), PenaltyType.FINE),
    (re.compile(r"没收违法所得"), PenaltyType.CONFISCATE_GAINS),
    (re.compile(r"没收(?!违法所得)"), PenaltyType.CONFISCATE_PROPERTY),
    (re.compile(r"暂扣"), PenaltyType.SUSPEND_LICENCE),
    (re.compile(r"降低资质等级"), PenaltyType.DOWNGRADE_QUALIFICATION),
    (re.compile(r"限制生产|限制开展生产经营活动"), PenaltyType.RESTRICT_OPERATIONS),
    (re.compile(r"停产停业|责令停业|责令停产|停产整治|停业"), PenaltyType.ORDER_SUSPENSION),
    (re.compile(r"关闭"), PenaltyType.ORDER_CLOSURE),
    (re.compile(r"限制从业|禁止从业|禁止从事"), PenaltyType.RESTRICT_PRACTICE),
    (re.compile(r"吊销"), PenaltyType.REVOKE_LICENCE),
    (re.compile(r"拘留"), PenaltyType.DETENTION),
)


@dataclass(frozen=True)
class _Clause:
    kind: BenchmarkRangeKind
    start: int
    min_amount: Decimal | None = None
    max_amount: Decimal | None = None
    min_factor: Decimal | None = None
    max_factor: Decimal | None = None
    notes: tuple[str, ...] = ()


def _normalise(text: str) -> str:
    # NFKC turns "（", "，", "％" and full-width digits into ASCII so the patterns stay simple.
    cleaned = unicodedata.normalize("NFKC", text or "")
    cleaned = re.sub(r"\s+", "", cleaned)
    return _THOUSANDS.sub("", cleaned)  # before splitting clauses on commas


def _strip_parentheticals(text: str) -> str:
    # Parentheses hold calculation rules ("每增加1个超标因子增加一万元") whose amounts are not the range.
    previous = None
    while previous != text:
        previous, text = text, _PARENTHETICAL.sub("", text)
    return _UNCLOSED_PAREN.sub("", text)


def _number(text: str) -> Decimal:
    return parse_chinese_number(text)


def _magnitude_suffix(text: str) -> Decimal:
    if text.endswith("亿"):
        return Decimal(100_000_000)
    if text.endswith("万"):
        return Decimal(10_000)
    return Decimal(1)


def _factor_value(match: re.Match[str], name: str, fallback_unit: str | None = None) -> Decimal:
    pct = match.group(f"{name}_pct")
    if pct is not None:
        return _number(pct) / _HUNDRED
    value = _number(match.group(f"{name}_num"))
    unit = match.group(f"{name}_unit") or fallback_unit
    return value / _HUNDRED if unit == "%" else value


def _factor_unit(match: re.Match[str], name: str) -> str:
    return "%" if match.group(f"{name}_pct") is not None else (match.group(f"{name}_unit") or "")


def _irregular_notes(numeral: str) -> tuple[str, ...]:
    if _IRREGULAR_NUMERAL.search(numeral):
        value = _number(numeral)
        return (f"数字“{numeral}”写法不规范（万、亿后缺“零”），按字面解析为{format_yuan(value)}，请核对原文",)
    return ()


def _first_fine_clause(clause: str) -> _Clause | None:
    """The leftmost fine expression in one clause; at equal positions the earlier pattern below wins."""
    candidates: list[_Clause] = []

    if m := _MONEY_RANGE.search(clause):
        lo, hi = _number(m.group("lo")), _number(m.group("hi"))
        # "二十至三十万元": a bare lower bound takes the upper bound's 万/亿.
        if m.group("lo_yuan") is None and _magnitude_suffix(m.group("lo")) == 1:
            lo *= _magnitude_suffix(m.group("hi"))
        notes = _irregular_notes(m.group("lo")) + _irregular_notes(m.group("hi"))
        if lo > hi:
            notes += (f"下限{format_yuan(lo)}高于上限{format_yuan(hi)}，已互换",)
            lo, hi = hi, lo
        candidates.append(_Clause(BenchmarkRangeKind.FIXED, m.start(), lo, hi, notes=notes))
    if m := _MONEY_TYPO_RANGE.search(clause):
        lo, hi = _number(m.group("lo")), _number(m.group("hi"))
        if lo < hi:
            note = f"原文“{m.group(0)}”疑为“以上…以下”之误，按{format_yuan(lo)}至{format_yuan(hi)}解析"
            candidates.append(_Clause(BenchmarkRangeKind.FIXED, m.start(), lo, hi, notes=(note,)))
    if m := _MONEY_MAX.search(clause):
        numeral = m.group("hi") or m.group("hi2")
        candidates.append(
            _Clause(BenchmarkRangeKind.MAX_ONLY, m.start(), None, _number(numeral), notes=_irregular_notes(numeral))
        )
    if m := _MONEY_SINGLE.search(clause):
        numeral = m.group("amt") or m.group("amt2")
        amount = _number(numeral)
        candidates.append(
            _Clause(BenchmarkRangeKind.FIXED, m.start(), amount, amount, notes=_irregular_notes(numeral))
        )
    if m := _REL_RANGE.search(clause):
        hi_unit, lo_unit = _factor_unit(m, "hi"), _factor_unit(m, "lo")
        rel_notes: tuple[str, ...] = ()
        if not lo_unit:
            shown_unit = "%" if hi_unit == "%" else "倍"
            rel_notes += (f"原文“{m.group(0)}”下限缺少单位，按上限单位“{shown_unit}”解析",)
        if not m.group(0).endswith("以下"):
            rel_notes += (f"原文“{m.group(0)}”缺少“以下”，按区间解析",)
        lo_factor = _factor_value(m, "lo", fallback_unit=hi_unit)
        hi_factor = _factor_value(m, "hi")
        candidates.append(
            _Clause(BenchmarkRangeKind.RELATIVE, m.start(), min_factor=lo_factor, max_factor=hi_factor, notes=rel_notes)
        )
    if m := _REL_MAX.search(clause):
        candidates.append(
            _Clause(BenchmarkRangeKind.RELATIVE, m.start(), min_factor=_ZERO, max_factor=_factor_value(m, "hi"))
        )
    if m := _REL_SINGLE.search(clause):
        value = _factor_value(m, "one")
        candidates.append(_Clause(BenchmarkRangeKind.RELATIVE, m.start(), min_factor=value, max_factor=value))

    if not candidates:
        return None
    # min() keeps the first of equal keys, so the order above is the priority at equal start positions.
    return min(candidates, key=lambda c: c.start)


def _base_of(prefix: str) -> str | None:
    keyword = _BASE_KEYWORD.search(prefix)
    phrase = prefix[keyword.end() :] if keyword else prefix
    phrase = phrase.rstrip("的")
    for needle, canonical in KNOWN_BASES:
        if needle in phrase:
            return canonical
    return phrase or None


def _target_of(prefix: str) -> str | None:
    m = _TARGET.search(prefix)
    if m:
        return m.group("target")
    if prefix.startswith("个人"):
        return "个人"
    return None


def _penalty_types(text: str) -> frozenset[PenaltyType]:
    return frozenset(kind for pattern, kind in _PENALTY_KEYWORDS if pattern.search(text))


def _clause_standard(raw_clause: str, clause: str, found: _Clause, context: str = "") -> ParsedStandard:
    # context: the fine-less clause just before, which may name the person fined ("并对…直接责任人员，处…").
    prefix = clause[: found.start]
    base = _base_of(prefix) if found.kind is BenchmarkRangeKind.RELATIVE else None
    cap_match = _CAP.search(clause)
    return ParsedStandard(
        raw=raw_clause,
        kind=found.kind,
        min_amount=found.min_amount,
        max_amount=found.max_amount,
        base=base,
        min_factor=found.min_factor,
        max_factor=found.max_factor,
        cap_amount=_number(cap_match.group("cap")) if cap_match else None,
        fine_optional=bool(_OPTIONAL.search(prefix)),
        target=_target_of(context + prefix),
        penalty_types=_penalty_types(clause),
        notes=found.notes,
    )


def parse_penalty_standard(text: str) -> ParsedStandard:
    """Read a 裁量标准 text. Never raises: unreadable fines come back with parsed=False and kind NON_MONETARY.

    The first fine clause is the main one (on the party); later fine clauses, usually on responsible persons
    ("对个人处…"), go to `secondary`.
    """
    raw = text if isinstance(text, str) else ""
    normalised = _normalise(raw)
    penalty_types = _penalty_types(normalised)
    body = _strip_parentheticals(normalised)
    clauses = [c for c in _CLAUSE_SPLIT.split(body) if c]

    found: list[tuple[str, _Clause, str]] = []
    cap: Decimal | None = None
    context = ""
    for clause in clauses:
        cap_match = _CAP.search(clause)
        if cap_match and "罚款" not in clause:
            # "按照直接损失的百分之三十计算罚款，但是最高不超过一百万元": the cap belongs to the clause before it.
            cap = _number(cap_match.group("cap"))
            continue
        if "罚款" not in clause:
            context = clause  # "每增加1个超标因子增加一万元" and "责令改正" carry no fine range
            continue
        try:
            fine = _first_fine_clause(clause)
        except ValueError:
            fine = None
        if fine is not None:
            found.append((clause, fine, context))
        context = ""

    notes: list[str] = []
    if "每增加" in normalised or "每个因子" in normalised:
        notes.append("标准另有按超标因子、超标倍数递增的计算规则，见原文")

    if not found:
        fine_mentioned = "罚款" in normalised
        if fine_mentioned:
            notes.append("原文提及罚款，但未能识别罚款幅度")
        return ParsedStandard(
            raw=raw,
            kind=BenchmarkRangeKind.NON_MONETARY,
            parsed=bool(normalised) and not fine_mentioned,
            penalty_types=penalty_types,
            notes=tuple(notes),
        )

    main_clause, main, main_context = found[0]
    primary = _clause_standard(raw, main_clause, main, main_context)
    if cap is not None and primary.cap_amount is None and primary.kind is BenchmarkRangeKind.RELATIVE:
        primary = _replace(primary, cap_amount=cap)
    secondary = tuple(_clause_standard(clause, clause, fine, ctx) for clause, fine, ctx in found[1:])
    return _replace(
        primary,
        penalty_types=penalty_types,
        secondary=secondary,
        notes=tuple(notes) + primary.notes + tuple(n for s in secondary for n in s.notes),
    )


def _replace(standard: ParsedStandard, **changes: object) -> ParsedStandard:
    return replace(standard, **changes)  # type: ignore[arg-type]


# ---------------------------------------------------------------------------------------------------------
# Tier models


def _check_range(lo: Decimal, hi: Decimal) -> None:
    if lo > hi:
        raise ValueError(f"下限{lo}不能高于上限{hi}")
    if lo < 0:
        raise ValueError(f"下限{lo}不能为负数")


def tier_bounds_model_a(
    lo: Decimal, hi: Decimal, light: Decimal = Decimal("0.30"), heavy: Decimal = Decimal("0.70")
) -> TierBounds:
    """Model A (SAMR-style 30/40/30): 从轻 the lower 30 % of [lo, hi], 从重 the upper 30 %, 一般 between."""
    _check_range(lo, hi)
    if not (0 <= light <= heavy <= 1):
        raise ValueError(f"分档比例须满足 0 ≤ {light} ≤ {heavy} ≤ 1")
    span = hi - lo
    light_edge, heavy_edge = lo + span * light, lo + span * heavy
    return {
        DiscretionTier.LIGHTER: (lo, light_edge),
        DiscretionTier.GENERAL: (light_edge, heavy_edge),
        DiscretionTier.HEAVIER: (heavy_edge, hi),
    }


def tier_bounds_model_b(lo: Decimal, hi: Decimal, tiers: int = 3) -> TierBounds:
    """Model B (中间阶次): split [lo, hi] into an odd number of equal steps; 一般 is the middle step."""
    _check_range(lo, hi)
    if tiers < 3 or tiers % 2 == 0:
        raise ValueError(f"中间阶次模型的阶次数须为不少于3的奇数，收到{tiers}")
    step = (hi - lo) / tiers
    middle = tiers // 2
    general = (lo + step * middle, lo + step * (middle + 1))
    return {
        DiscretionTier.LIGHTER: (lo, general[0]),
        DiscretionTier.GENERAL: general,
        DiscretionTier.HEAVIER: (general[1], hi),
    }


def tier_bounds_model_b_max_only(
    max_amount: Decimal,
    light_max: Decimal = Decimal("0.20"),
    general: tuple[Decimal, Decimal] = (Decimal("0.40"), Decimal("0.60")),
) -> TierBounds:
    """Model B for "处X元以下": 从轻 ≤ 20 % of max, 一般 40–60 %, 从重 above 60 %.

    The rule leaves 20–40 % to no tier, so amounts there get no computed tier and any claimed tier mismatches;
    that is intended: such a fine needs an explicit 说理.
    """
    _check_range(_ZERO, max_amount)
    low, high = general
    if not (0 <= light_max <= low <= high <= 1):
        raise ValueError("分档比例须满足 0 ≤ 从轻上限 ≤ 一般下限 ≤ 一般上限 ≤ 1")
    return {
        DiscretionTier.LIGHTER: (_ZERO, max_amount * light_max),
        DiscretionTier.GENERAL: (max_amount * low, max_amount * high),
        DiscretionTier.HEAVIER: (max_amount * high, max_amount),
    }


def tier_bounds_guangdong(lo: Decimal, hi: Decimal) -> TierBounds:
    """粤环发〔2021〕7号 art. 12(一)(二): 一般 is the midpoint, 从轻 below it, 从重 not below it.

    For "X元以下" art. 12(三) gives point values (从轻 20 %, 一般 50 % of max) rather than bands; call this
    with lo = 0 to get the midpoint reading of that rule.
    """
    _check_range(lo, hi)
    mid = (lo + hi) / 2
    return {
        DiscretionTier.LIGHTER: (lo, mid),
        DiscretionTier.GENERAL: (mid, mid),
        DiscretionTier.HEAVIER: (mid, hi),
    }


def tier_for_amount(amount: Decimal, bounds: Mapping[DiscretionTier, tuple[Decimal, Decimal]]) -> DiscretionTier | None:
    """The tier whose band holds the amount. A shared boundary belongs to the higher tier (3.7万 of 1–10万 is
    一般), a zero-width band (the Guangdong midpoint) wins at its point, and gaps between bands give None."""
    containing = [(a, b, tier) for tier, (a, b) in bounds.items() if a <= amount <= b]
    if not containing:
        return None
    for a, b, tier in containing:
        if a == b:
            return tier
    return max(containing, key=lambda item: (item[0], item[1]))[2]


# ---------------------------------------------------------------------------------------------------------
# Resolving and assessing


def resolve_range(parsed: ParsedStandard, base_amount: Decimal | None) -> tuple[Decimal, Decimal] | None:
    """The fine range in 元: a fixed range as is, "X元以下" as (0, X), a relative range as factors × base.

    None when there is no range (non-monetary, unreadable) or a relative fine lacks a positive base: a zero base
    means the statute's "没有违法所得的" alternative applies, which is a different benchmark item.
    """
    if not parsed.parsed:
        return None
    if parsed.kind is BenchmarkRangeKind.FIXED and parsed.min_amount is not None and parsed.max_amount is not None:
        return parsed.min_amount, parsed.max_amount
    if parsed.kind is BenchmarkRangeKind.MAX_ONLY and parsed.max_amount is not None:
        return _ZERO, parsed.max_amount
    if parsed.kind is BenchmarkRangeKind.RELATIVE and parsed.min_factor is not None and parsed.max_factor is not None:
        if base_amount is None or base_amount <= 0:
            return None
        lo = quantize_yuan(parsed.min_factor * base_amount)
        hi = quantize_yuan(parsed.max_factor * base_amount)
        if parsed.cap_amount is not None:
            lo, hi = min(lo, parsed.cap_amount), min(hi, parsed.cap_amount)
        return lo, hi
    return None


def _band_text(band: tuple[Decimal, Decimal]) -> str:
    return f"{format_yuan(band[0])}至{format_yuan(band[1])}"


def assess_fine(
    amount: Decimal,
    parsed: ParsedStandard,
    base_amount: Decimal | None,
    claimed_tier: DiscretionTier | None,
    *,
    tier_bounds: TierBoundsFn = tier_bounds_model_a,
) -> FineAssessment:
    """Check a fine against a range given for a whole item without tiers: the range (above max is illegal, below
    min needs 减轻) and whether the stated tier matches where the amount falls under `tier_bounds` (model A by
    default). Never pass one tier of a tiered table here: a printed grade (江门's 裁量等级) is already a tier and
    is not split again — domain.discretion_check.check_fine handles tiered items and the statutory range."""
    if not isinstance(amount, Decimal):
        raise ValueError(f"罚款金额必须是Decimal，收到{type(amount).__name__}")
    if amount < 0:
        raise ValueError(f"罚款金额不能为负数：{amount}")
    if base_amount is not None and base_amount < 0:
        raise ValueError(f"计算基数不能为负数：{base_amount}")
    claim = f"“{claimed_tier.value}”" if claimed_tier is not None else ""
    shown = format_yuan(amount)

    def result(
        within: bool | None,
        explanation: str,
        *,
        rng: tuple[Decimal, Decimal] | None = None,
        below: bool = False,
        above: bool = False,
        computed: DiscretionTier | None = None,
        mismatch: bool = False,
        computed_band: tuple[Decimal, Decimal] | None = None,
        claimed_band: tuple[Decimal, Decimal] | None = None,
    ) -> FineAssessment:
        return FineAssessment(
            amount=amount,
            resolved_range=rng,
            within_range=within,
            below_min=below,
            above_max=above,
            computed_tier=computed,
            claimed_tier=claimed_tier,
            tier_mismatch=mismatch,
            explanation=explanation,
            computed_band=computed_band,
            claimed_band=claimed_band,
        )

    if not parsed.parsed:
        return result(None, f"裁量标准“{parsed.raw}”未能识别罚款幅度，无法判断罚款{shown}是否在幅度内。")

    if parsed.kind is BenchmarkRangeKind.NON_MONETARY:
        if amount == 0:
            return result(True, "该档次裁量标准未规定罚款，本案未处罚款。")
        return result(
            False,
            f"该档次裁量标准未规定罚款，但实际处以罚款{shown}，超出裁量标准。",
            above=True,
            mismatch=claimed_tier is not None,
        )

    rng = resolve_range(parsed, base_amount)
    if rng is None:
        base = parsed.base or "计算基数"
        reason = f"缺少{base}金额" if base_amount is None else f"{base}为零，应适用“没有{base}”的相应条款"
        return result(None, f"裁量标准为{parsed.describe()}，{reason}，无法判断罚款{shown}是否在幅度内。")

    lo, hi = rng
    range_text = parsed.describe()
    if parsed.kind is BenchmarkRangeKind.RELATIVE:
        range_text += f"（按{parsed.base or '基数'}{format_yuan(base_amount or _ZERO)}计为{_band_text(rng)}）"

    if amount > hi:
        return result(
            False,
            f"罚款{shown}高于裁量标准上限（{range_text}），超出法定幅度。",
            rng=rng,
            above=True,
            mismatch=claimed_tier is not None,
        )

    if amount == 0 and parsed.fine_optional:
        return result(True, f"裁量标准为“可处”{range_text}，本案未处罚款。", rng=rng)

    if amount < lo:
        below_tier = DiscretionTier.NONE if amount == 0 else DiscretionTier.MITIGATED
        consistent = claimed_tier in (None, DiscretionTier.MITIGATED) or claimed_tier is below_tier
        text = f"罚款{shown}低于裁量标准下限（{range_text}），属于减轻处罚，须有法定减轻情节并说明理由"
        if not consistent:
            text += f"，与认定的{claim}不符"
        return result(False, text + "。", rng=rng, below=True, computed=below_tier, mismatch=not consistent)

    # Within the range.
    if amount == 0:
        # Only a range starting at 0 ("处五万元以下") gets here: no fine was imposed, so no tier to compare.
        return result(True, f"本案未处罚款（裁量标准为{range_text}）。", rng=rng)
    if claimed_tier is DiscretionTier.NONE and amount > 0:
        return result(
            True, f"罚款{shown}在裁量标准幅度内（{range_text}），但认定为“不予处罚”，前后矛盾。", rng=rng, mismatch=True
        )
    if claimed_tier is DiscretionTier.MITIGATED:
        return result(
            True,
            f"罚款{shown}未低于裁量标准下限（{range_text}），不属于减轻处罚，与认定的{claim}不符。",
            rng=rng,
            mismatch=True,
        )
    if lo == hi:
        return result(True, f"罚款{shown}符合裁量标准（{range_text}），该档次为固定金额，无分档。", rng=rng)

    bounds = tier_bounds(lo, hi)
    computed = tier_for_amount(amount, bounds)
    computed_band = bounds.get(computed) if computed is not None else None
    claimed_band = bounds.get(claimed_tier) if claimed_tier is not None else None
    mismatch = claimed_band is not None and not (claimed_band[0] <= amount <= claimed_band[1])
    if computed is None:
        text = f"罚款{shown}在裁量标准幅度内（{range_text}），但不在任何裁量档次内"
    else:
        text = f"罚款{shown}在裁量标准幅度内（{range_text}），按分档属于“{computed.value}”（{_band_text(bounds[computed])}）"
    if mismatch and claimed_band is not None:
        text += f"，与认定的{claim}（{_band_text(claimed_band)}）不符"
    elif claimed_tier is not None and not mismatch:
        text += f"，与认定的{claim}一致"
    return result(
        True,
        text + "。",
        rng=rng,
        computed=computed,
        mismatch=mismatch,
        computed_band=computed_band,
        claimed_band=claimed_band,
    )
