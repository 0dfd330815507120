"""Checking one decided fine against the benchmark item it applied, and comparing it with its peers.

A benchmark item (裁量基准条目) lists tiers, each with its circumstances and its range. A real table such as
江门's prints numbered grades (裁量等级) that are already the tiers: the decision names one, and its amount must fall
in that grade's range. Only an item that gives a single range for the whole item, without tiers, is split by a
tier model (30/40/30 by default, the 广东 midpoint model as the alternative) so that a claimed 从轻/一般/从重 can
be checked at all. The statutory range of the item is the explicit one when known, otherwise the span of its
tiers: above it is 超出法定幅度; inside it but outside the claimed tier is 档次不符.

Consistency (类案不同罚) compares a decision with decisions of the same item, claimed tier and party type. The
statistics are robust (median and median absolute deviation), groups below a minimum size are not scored.
"""

from __future__ import annotations

import datetime as dt
import re
import statistics
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum
from typing import Any

from domain.discretion import (
    ParsedStandard,
    TierBounds,
    format_yuan,
    resolve_range,
    tier_bounds_guangdong,
    tier_bounds_model_a,
    tier_for_amount,
)
from domain.enums import BenchmarkRangeKind, DiscretionTier

__all__ = [
    "DEFAULT_MIN_GROUP",
    "DEFAULT_PERIOD_YEARS",
    "DEFAULT_Z_LIMIT",
    "BenchmarkRule",
    "DiscretionCheck",
    "DiscretionFlag",
    "Finding",
    "NoPenaltyEntry",
    "PeerScore",
    "PeerStats",
    "TierModel",
    "TierRule",
    "check_fine",
    "departs_from_benchmark",
    "in_force",
    "PUBLIC_MIN_GROUP",
    "RANGE_FLAGS",
    "Distribution",
    "match_no_penalty",
    "parse_no_penalty_list",
    "peer_stats",
    "public_distribution",
    "rate_interval",
    "ResolutionStatus",
    "score_peers",
    "score_rolling",
    "statement_explains_discretion",
    "summarise_values",
]

DEFAULT_Z_LIMIT = Decimal("3.5")
DEFAULT_MIN_GROUP = 5
DEFAULT_PERIOD_YEARS = 3
# Iglewicz and Hoaglin: 0.6745 × (x − median) / MAD is comparable with a standard normal z.
_MAD_SCALE = 0.6745
# When more than half the peers share one amount the MAD is 0; the mean absolute deviation times 1.2533 (√(π/2))
# is the usual fallback scale.
_MEAN_AD_SCALE = 1.253314


class DiscretionFlag(StrEnum):
    OUT_OF_RANGE = "超出法定幅度"
    TIER_MISMATCH = "档次不符"
    NO_STATEMENT = "缺少裁量说明"
    MAY_NOT_PUNISH = "可能适用不予处罚"
    NO_BASE = "缺少基数"
    TOO_HEAVY = "畸重"
    TOO_LIGHT = "畸轻"

    @property
    def code(self) -> str:
        return _FLAG_CODES[self]

    @property
    def help(self) -> str:
        return _FLAG_HELP[self]

    @classmethod
    def from_code(cls, code: str) -> DiscretionFlag | None:
        return _FLAG_BY_CODE.get(code)


_FLAG_CODES = {
    DiscretionFlag.OUT_OF_RANGE: "out_of_range",
    DiscretionFlag.TIER_MISMATCH: "tier_mismatch",
    DiscretionFlag.NO_STATEMENT: "no_statement",
    DiscretionFlag.MAY_NOT_PUNISH: "may_not_punish",
    DiscretionFlag.NO_BASE: "no_base",
    DiscretionFlag.TOO_HEAVY: "too_heavy",
    DiscretionFlag.TOO_LIGHT: "too_light",
}
_FLAG_BY_CODE = {code: flag for flag, code in _FLAG_CODES.items()}
_FLAG_HELP = {
    DiscretionFlag.OUT_OF_RANGE: "罚款高于法定幅度上限，或低于下限而未记录法定减轻情节（行政处罚法第三十条至第三十二条）。",
    DiscretionFlag.TIER_MISMATCH: "罚款在法定幅度内，但不在决定所认定裁量档次的幅度内。",
    DiscretionFlag.NO_STATEMENT: "决定未说明裁量基准的适用情况（国办发〔2022〕27号要求在决定书中予以明确）。",
    DiscretionFlag.MAY_NOT_PUNISH: "违法行为列入不予处罚清单，且记载的情节为首次违法，但仍处以罚款。",
    DiscretionFlag.NO_BASE: "裁量幅度按违法所得、货值金额等基数计算，但决定未记录基数，无法核对金额。",
    DiscretionFlag.TOO_HEAVY: "罚款明显高于同一条目、同一档次、同类当事人的其他决定（稳健z值超过阈值）。",
    DiscretionFlag.TOO_LIGHT: "罚款明显低于同一条目、同一档次、同类当事人的其他决定（稳健z值超过阈值）。",
}

# Flags that say the amount itself is wrong for the claimed tier: such a decision is not part of its tier's peer
# distribution, and the consistency check adds nothing to the more specific flag.
RANGE_FLAGS = frozenset({DiscretionFlag.OUT_OF_RANGE, DiscretionFlag.TIER_MISMATCH})


class TierModel(StrEnum):
    """How a range given for a whole item, without tiers, is split into 从轻/一般/从重."""

    SPLIT_30_40_30 = "三档划分（30%/40%/30%）"
    GUANGDONG_MIDPOINT = "广东中间值模型（粤环发〔2021〕7号）"

    def bounds(self, lo: Decimal, hi: Decimal) -> TierBounds:
        if self is TierModel.GUANGDONG_MIDPOINT:
            return tier_bounds_guangdong(lo, hi)
        return tier_bounds_model_a(lo, hi)


@dataclass(frozen=True)
class TierRule:
    tier_id: int
    position: int  # row order within the item, 1-based
    grade: int | None  # 裁量等级 as printed; the decision names this, never the position
    label: DiscretionTier | None  # 从轻/一般/从重 when the benchmark names its tiers so
    circumstance: str
    standard: ParsedStandard

    @property
    def name(self) -> str:
        if self.label is not None and self.grade is None:
            return f"“{self.label.value}”档"
        grade = self.grade if self.grade is not None else self.position
        return f"第{grade}级" + (f"（{self.label.value}）" if self.label is not None else "")


@dataclass(frozen=True)
class BenchmarkRule:
    """One item of a benchmark set in one version."""

    item_id: int
    set_name: str
    item_no: str
    violation: str
    legal_basis: str
    effective_from: dt.date
    effective_to: dt.date | None
    tiers: tuple[TierRule, ...]
    statutory: ParsedStandard | None = None  # the law's own range when recorded; else the span of the tiers

    def tier(self, tier_id: int | None) -> TierRule | None:
        return next((t for t in self.tiers if t.tier_id == tier_id), None)

    def tiers_with_grade(self, grade: int) -> list[TierRule]:
        """The rows printed with this 裁量等级 (or, for a table without printed grades, at this position)."""
        return [t for t in self.tiers if (t.grade if t.grade is not None else t.position) == grade]

    def tier_for_grade(self, grade: int) -> TierRule | None:
        """The tier a decision means by "第N级": rows sharing a printed grade are sub-cases of one tier with one
        range, so the first is as good as any; rows of one grade with different ranges cannot be told apart."""
        rows = self.tiers_with_grade(grade)
        if not rows or len({(t.standard.min_amount, t.standard.max_amount, t.standard.min_factor,
                              t.standard.max_factor) for t in rows}) > 1:
            return None
        return rows[0]

    def version(self) -> str:
        end = f"至{self.effective_to.isoformat()}" if self.effective_to else "起"
        return f"{self.set_name}（{self.effective_from.isoformat()}{end}）"

    @property
    def whole_item(self) -> bool:
        """A single range for the whole item, without tiers: the claimed tier is checked with a tier model."""
        monetary = [t for t in self.tiers if t.standard.kind is not BenchmarkRangeKind.NON_MONETARY]
        return len(monetary) == 1 and monetary[0].label is None


def in_force(rules: Iterable[BenchmarkRule], day: dt.date) -> BenchmarkRule | None:
    """The version in force on `day`: from its effective date (inclusive) until the next one's (exclusive)."""
    current = [r for r in rules if r.effective_from <= day and (r.effective_to is None or day < r.effective_to)]
    return max(current, key=lambda r: r.effective_from) if current else None


@dataclass(frozen=True)
class Finding:
    flag: DiscretionFlag
    explanation: str


@dataclass(frozen=True)
class DiscretionCheck:
    """The result for one decision, as stored and as shown."""

    amount: Decimal
    item_no: str
    version: str
    claimed: str  # the claimed tier as named in the benchmark ("第2级", "“从轻”档"), "" when none
    computed: str  # the tier the amount falls in, "" when none or not determinable
    statutory_range: tuple[Decimal, Decimal] | None
    claimed_range: tuple[Decimal, Decimal] | None
    findings: tuple[Finding, ...]
    summary: str  # one Chinese sentence on where the amount lies
    peer_value: Decimal | None = None  # amount, or multiple of the base for a relative range: what peers compare
    claimed_label: DiscretionTier | None = None

    @property
    def flags(self) -> tuple[DiscretionFlag, ...]:
        return tuple(f.flag for f in self.findings)

    def explanation(self) -> str:
        return "；".join(f.explanation for f in self.findings) or self.summary


def _band(band: tuple[Decimal, Decimal]) -> str:
    return f"{format_yuan(band[0])}至{format_yuan(band[1])}"


_MITIGATION_WORDS = ("减轻", "第三十二条", "第三十条", "第三十一条")
_STATEMENT_WORDS = ("裁量", "基准", "档", "阶次", "等级", "从轻", "从重", "一般", "减轻", "情节", "不予处罚")


def statement_explains_discretion(statement: str) -> bool:
    """A 裁量说明 states how the benchmark was applied: it must at least name the benchmark, tier or circumstances."""
    text = (statement or "").strip()
    return bool(text) and any(word in text for word in _STATEMENT_WORDS)


def check_fine(
    rule: BenchmarkRule,
    tier_id: int | None,
    claimed_label: DiscretionTier | None,
    amount: Decimal,
    base_amount: Decimal | None,
    statement: str,
    *,
    model: TierModel = TierModel.SPLIT_30_40_30,
    no_penalty: NoPenaltyEntry | None = None,
) -> DiscretionCheck:
    """Check one fine (or confiscation) against the item it applied. Never raises on data: every problem is a
    finding with a Chinese explanation citing the item, the tier and the numbers."""
    if amount < 0:
        raise ValueError(f"金额不能为负数：{amount}")
    findings: list[Finding] = []
    where = f"裁量基准第{rule.item_no}项"
    shown = format_yuan(amount)
    linked = rule.tier(tier_id)
    monetary = [t for t in rule.tiers if t.standard.kind is not BenchmarkRangeKind.NON_MONETARY and t.standard.parsed]

    needs_base = [t for t in monetary if t.standard.kind is BenchmarkRangeKind.RELATIVE]
    if needs_base and (base_amount is None or base_amount <= 0):
        base = next((t.standard.base for t in needs_base if t.standard.base), None) or "计算基数"
        first = linked if linked in needs_base else needs_base[0]
        findings.append(Finding(
            DiscretionFlag.NO_BASE,
            f"{where}{first.name}为“{first.standard.describe()}”，须按{base}计算，但决定未记录{base}金额，"
            f"无法核对罚款{shown}是否在幅度内"))

    ranges = {t.tier_id: r for t in monetary if (r := resolve_range(t.standard, base_amount)) is not None}
    statutory: tuple[Decimal, Decimal] | None = None
    statutory_text = ""
    if rule.statutory is not None:
        statutory = resolve_range(rule.statutory, base_amount)
        statutory_text = f"法定幅度{rule.statutory.describe()}"
    if statutory is None and ranges:
        statutory = (min(r[0] for r in ranges.values()), max(r[1] for r in ranges.values()))
        statutory_text = "各档幅度合计"
    claimed_range = ranges.get(linked.tier_id) if linked is not None else None
    claimed_name = linked.name if linked is not None else (f"“{claimed_label.value}”档" if claimed_label else "")

    computed = ""
    peer: Decimal | None = None
    if linked is not None and linked.standard.kind is BenchmarkRangeKind.RELATIVE and base_amount:
        peer = amount / base_amount
    elif claimed_range is not None or statutory is not None:
        peer = amount
    summary = f"罚款{shown}"

    if statutory is not None:
        lo, hi = statutory
        containing = [t for t in monetary if t.tier_id in ranges and ranges[t.tier_id][0] <= amount <= ranges[t.tier_id][1]]
        computed = "、".join(t.name for t in containing[:3])
        mitigated = claimed_label is DiscretionTier.MITIGATED or any(w in (statement or "") for w in _MITIGATION_WORDS)
        if amount > hi:
            findings.append(Finding(
                DiscretionFlag.OUT_OF_RANGE,
                f"罚款{shown}高于{where}的上限{format_yuan(hi)}（{statutory_text}{_band(statutory)}），超出法定幅度"))
            summary += f"高于法定幅度（{_band(statutory)}）"
        elif amount < lo and amount > 0 and not mitigated:
            findings.append(Finding(
                DiscretionFlag.OUT_OF_RANGE,
                f"罚款{shown}低于{where}的下限{format_yuan(lo)}（{statutory_text}{_band(statutory)}），"
                "且未记录减轻处罚的法定情节（行政处罚法第三十条至第三十二条）"))
            summary += f"低于法定幅度（{_band(statutory)}）"
        elif amount < lo:
            summary += f"低于法定幅度下限{format_yuan(lo)}，已记录减轻处罚"
        else:
            summary += f"在法定幅度内（{_band(statutory)}）"
            if linked is not None and claimed_range is not None and not rule.whole_item:
                if not claimed_range[0] <= amount <= claimed_range[1]:
                    actual = f"，按金额落在{computed}" if computed else ""
                    findings.append(Finding(
                        DiscretionFlag.TIER_MISMATCH,
                        f"决定认定适用{where}{linked.name}（{linked.circumstance[:60] or '未写明情节'}），该档为"
                        f"“{linked.standard.describe()}”即{_band(claimed_range)}，罚款{shown}不在该档幅度内{actual}"))
                else:
                    summary += f"，符合所认定的{linked.name}（{_band(claimed_range)}）"
            elif claimed_label in (DiscretionTier.LIGHTER, DiscretionTier.GENERAL, DiscretionTier.HEAVIER) and lo < hi:
                labelled = [t for t in monetary if t.label is claimed_label and t.tier_id in ranges]
                if labelled and not rule.whole_item:
                    band = ranges[labelled[0].tier_id]
                    model_name = ""
                else:
                    bounds = model.bounds(lo, hi)
                    band = bounds[claimed_label]
                    model_tier = tier_for_amount(amount, bounds)
                    computed = f"“{model_tier.value}”档" if model_tier is not None else ""
                    model_name = f"按{model.value}"
                claimed_range = band
                if not band[0] <= amount <= band[1]:
                    findings.append(Finding(
                        DiscretionFlag.TIER_MISMATCH,
                        f"决定认定为“{claimed_label.value}”，{where}{model_name}该档为{_band(band)}，"
                        f"罚款{shown}不在该档幅度内" + (f"，按金额属于{computed}" if computed else "")))
                else:
                    summary += f"，符合所认定的“{claimed_label.value}”档（{_band(band)}）"
    elif not findings:
        summary += "：裁量基准条目未规定可核对的罚款幅度"

    if not statement_explains_discretion(statement):
        findings.append(Finding(
            DiscretionFlag.NO_STATEMENT,
            f"决定未说明{where}（{rule.violation.splitlines()[0][:40] if rule.violation else ''}）的适用情况："
            "裁量说明为空或未写明所适用的档次和情节"))

    if no_penalty is not None and amount > 0:
        findings.append(Finding(
            DiscretionFlag.MAY_NOT_PUNISH,
            f"该违法行为列入《{no_penalty.list_name}》第{no_penalty.number}项（{no_penalty.title[:40]}），"
            f"决定记载的情节含“首次违法”，但仍处以罚款{shown}；请核对是否符合该项不予处罚的条件"))

    return DiscretionCheck(
        amount=amount, item_no=rule.item_no, version=rule.version(), claimed=claimed_name, computed=computed,
        statutory_range=statutory, claimed_range=claimed_range, findings=tuple(findings), summary=summary + "。",
        peer_value=peer, claimed_label=claimed_label,
    )


def departs_from_benchmark(check: DiscretionCheck | None) -> bool:
    """The proposed penalty departs from the benchmark: it is 减轻 (below the range) or outside its claimed tier
    or the statutory range. A reason for 重大执法决定 review; a missing check is not a departure."""
    if check is None:
        return False
    if check.claimed_label is DiscretionTier.MITIGATED:
        return True
    if check.statutory_range is not None and check.amount > 0 and check.amount < check.statutory_range[0]:
        return True
    return any(f in RANGE_FLAGS for f in check.flags)


# ---------------------------------------------------------------------------------------------------------
# 不予处罚 / 首违不罚 lists


@dataclass(frozen=True)
class NoPenaltyEntry:
    list_name: str
    number: int
    title: str
    articles: tuple[tuple[str, str], ...]  # (law name, article) cited as 违反条款
    conditions: str
    mandatory: bool  # "不予行政处罚" rather than "可以不予行政处罚"


_ENTRY_RE = re.compile(r"^### (\d+)、(.+)$", re.M)
_CITATION_RE = re.compile(r"《([^》]+)》(第[零一二三四五六七八九十百]+条)")
_FIRST_OFFENCE = re.compile(r"首次违法|初次违法|首违|首次被查处")


def parse_no_penalty_list(text: str, list_name: str) -> tuple[NoPenaltyEntry, ...]:
    """The entries of a published 不予处罚清单 in the Markdown layout of sample_data/reference."""
    entries: list[NoPenaltyEntry] = []
    heads = list(_ENTRY_RE.finditer(text))
    for i, head in enumerate(heads):
        body = text[head.end(): heads[i + 1].start() if i + 1 < len(heads) else len(text)]
        clauses, _, conditions = body.partition("不予处罚的情节")
        articles = tuple(dict.fromkeys(_CITATION_RE.findall(clauses)))
        conditions = conditions.split(":::")[0].strip()
        entries.append(NoPenaltyEntry(list_name, int(head.group(1)), head.group(2).strip(), articles, conditions,
                                      "可以不予" not in conditions))
    return tuple(entries)


def match_no_penalty(entries: Sequence[NoPenaltyEntry], legal_basis: str, circumstances: str) -> NoPenaltyEntry | None:
    """The list entry whose 违反条款 the item's legal basis cites, when the recorded circumstances say the party
    offended for the first time (the condition every entry starts with)."""
    if not _FIRST_OFFENCE.search(circumstances or ""):
        return None
    basis = legal_basis or ""
    for entry in entries:
        for law, article in entry.articles:
            short = law.removeprefix("中华人民共和国")
            if article in basis and short in basis:
                return entry
    return None


# ---------------------------------------------------------------------------------------------------------
# Consistency (类案不同罚)


@dataclass(frozen=True)
class PeerStats:
    count: int
    median: Decimal | None
    q1: Decimal | None
    q3: Decimal | None
    mad: Decimal | None
    scored: bool
    note: str  # why not scored, in Chinese; "" when scored


@dataclass(frozen=True)
class PeerScore:
    key: object
    z: float | None  # robust z; None when the group is too small
    flag: DiscretionFlag | None
    stats: PeerStats
    explanation: str = ""


def summarise_values(values: Sequence[Decimal]) -> tuple[Decimal, Decimal, Decimal] | None:
    """Median and interquartile range of amounts (inclusive quartiles); None for an empty list."""
    if not values:
        return None
    ordered = sorted(values)
    median = statistics.median(ordered)
    if len(ordered) < 2:
        return median, median, median
    q1, _, q3 = statistics.quantiles(ordered, n=4, method="inclusive")
    return Decimal(q1), Decimal(median), Decimal(q3)


def peer_stats(values: Sequence[Decimal], min_group: int = DEFAULT_MIN_GROUP) -> PeerStats:
    n = len(values)
    if n == 0:
        return PeerStats(0, None, None, None, None, False, "没有可比较的同类决定")
    q = summarise_values(values)
    assert q is not None
    median = q[1]
    mad = Decimal(statistics.median(abs(v - median) for v in values))
    if n < min_group:
        return PeerStats(n, median, q[0], q[2], mad, False, f"同类决定仅{n}件，少于{min_group}件，不作比较")
    return PeerStats(n, median, q[0], q[2], mad, True, "")


def _robust_z(value: Decimal, stats: PeerStats, mean_ad: float) -> float:
    assert stats.median is not None and stats.mad is not None
    diff = float(value - stats.median)
    if stats.mad > 0:
        return _MAD_SCALE * diff / float(stats.mad)
    if mean_ad > 0:
        return diff / (_MEAN_AD_SCALE * mean_ad)
    return 0.0


def _window_stats(peers: Sequence[Decimal], min_group: int) -> tuple[PeerStats, float]:
    """The statistics of one set of peers, and their mean absolute deviation (the fallback scale)."""
    stats = peer_stats(peers, min_group)
    if not stats.scored:
        return stats, 0.0
    assert stats.median is not None
    return stats, sum(abs(float(v - stats.median)) for v in peers) / len(peers)


def _score_members(key_values: Sequence[tuple[Any, Decimal]], stats: PeerStats, mean_ad: float, limit: Decimal,
                   describe: Callable[[Decimal], str], out: dict[Any, PeerScore]) -> None:
    if not stats.scored:
        for key, _ in key_values:
            out[key] = PeerScore(key, None, None, stats, stats.note)
        return
    assert stats.median is not None and stats.q1 is not None and stats.q3 is not None
    bound = float(limit)
    for key, value in key_values:
        z = _robust_z(value, stats, mean_ad)
        flag = DiscretionFlag.TOO_HEAVY if z > bound else DiscretionFlag.TOO_LIGHT if z < -bound else None
        text = ""
        if flag is not None:
            word = "高于" if flag is DiscretionFlag.TOO_HEAVY else "低于"
            text = (f"{describe(value)}明显{word}同类决定（{stats.count}件，中位数{describe(stats.median)}，"
                    f"四分位距{describe(stats.q1)}至{describe(stats.q3)}），稳健z值为{z:.1f}，超过±{limit}")
        out[key] = PeerScore(key, z, flag, stats, text)


def score_peers(
    groups: Mapping[Any, Sequence[tuple[Any, Decimal]]],
    *,
    z_limit: Decimal = DEFAULT_Z_LIMIT,
    min_group: int = DEFAULT_MIN_GROUP,
    describe: Callable[[Decimal], str] = format_yuan,
) -> dict[Any, PeerScore]:
    """Robust z of every member of every peer group; beyond ±z_limit is 畸重/畸轻. Groups smaller than
    `min_group` are not scored and say so."""
    out: dict[Any, PeerScore] = {}
    for members in groups.values():
        _score_members(members, *_window_stats([v for _, v in members], min_group), z_limit, describe, out)
    return out


def score_rolling(
    groups: Mapping[Any, Sequence[tuple[Any, dt.date, Decimal]]],
    *,
    period_years: int = DEFAULT_PERIOD_YEARS,
    z_limit: Decimal = DEFAULT_Z_LIMIT,
    min_group: int = DEFAULT_MIN_GROUP,
    describe: Callable[[Decimal], str] = format_yuan,
) -> dict[Any, PeerScore]:
    """`score_peers` where a decision's peers are the group's decisions of the months within `period_years`
    before or after its own month (whole months, so that one comparison serves every decision of a month)."""
    span = 12 * period_years
    out: dict[Any, PeerScore] = {}
    for members in groups.values():
        by_month: dict[int, list[tuple[Any, Decimal]]] = {}
        for key, day, value in members:
            by_month.setdefault(day.year * 12 + day.month - 1, []).append((key, value))
        months = sorted(by_month)
        if not months:
            continue
        if months[-1] - months[0] <= span:
            _score_members([(k, v) for k, _, v in members], *_window_stats([v for _, _, v in members], min_group),
                           z_limit, describe, out)
            continue
        # Months in the middle of a long series all see the same window; its statistics are computed once.
        windows: dict[tuple[int, ...], tuple[PeerStats, float]] = {}
        for month in months:
            window = tuple(other for other in months if abs(other - month) <= span)
            if window not in windows:
                windows[window] = _window_stats([v for other in window for _, v in by_month[other]], min_group)
            _score_members(by_month[month], *windows[window], z_limit, describe, out)
    return out


class ResolutionStatus(StrEnum):
    """How a supervisor closed a flag. Each needs a note; all are kept in the audit log."""

    EXPLAINED = "已说明理由"
    CORRECTED = "已纠正"
    FALSE_ALARM = "误报"


@dataclass(frozen=True)
class Distribution:
    """What 类案参考 shows: count, median and quartiles, or nothing below the suppression size."""

    count: int
    median: Decimal | None = None
    q1: Decimal | None = None
    q3: Decimal | None = None
    suppressed: bool = False
    values: tuple[Decimal, ...] = field(default=(), repr=False)


PUBLIC_MIN_GROUP = 3


def public_distribution(values: Sequence[Decimal], min_count: int = PUBLIC_MIN_GROUP) -> Distribution:
    """Published comparable decisions, summarised; fewer than `min_count` are suppressed so that no single
    decision can be read off the figures."""
    if len(values) < min_count:
        return Distribution(len(values), suppressed=True)
    q = summarise_values(values)
    assert q is not None
    return Distribution(len(values), q[1], q[0], q[2], False, tuple(sorted(values)))



def rate_interval(flagged: int, total: int, z: float = 1.96) -> tuple[float, float] | None:
    """Wilson 95 % interval of a flag rate, per 100 decisions: a small agency's rate is shown with how uncertain it
    is. None when nothing was checked."""
    if total <= 0:
        return None
    p = flagged / total
    denominator = 1 + z * z / total
    centre = (p + z * z / (2 * total)) / denominator
    half = z * ((p * (1 - p) / total + z * z / (4 * total * total)) ** 0.5) / denominator
    return round(100 * max(0.0, centre - half), 1), round(100 * min(1.0, centre + half), 1)
