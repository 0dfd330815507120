"""重大执法决定法制审核目录清单 as data (国办发〔2018〕118号(十二), 行政处罚法 art. 58): per-agency triggers and the
pure assessment of whether a proposed decision is major, with the reasons to store and show.

The assessment runs on the *proposed* penalty every time it changes, so a case is major because of what is about
to be decided, not because somebody once ticked a box. "以上" includes the figure and "超过" excludes it
(民法典 art. 1259); each agency chooses which one its 目录清单 uses.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from domain.enums import DiscretionTier, MajorReason, PartyType, PenaltyType

__all__ = [
    "CONFISCATION_TYPES", "DEFAULT_MAJOR_RULES", "DEFAULT_MAJOR_TYPES", "MANUAL_TRIGGERS", "MajorAssessment",
    "MajorFinding", "MajorRules", "ProposedPenalty", "assess_major", "claims_departure", "format_yuan",
    "rules_catalogue",
]

CONFISCATION_TYPES = frozenset({PenaltyType.CONFISCATE_GAINS, PenaltyType.CONFISCATE_PROPERTY})
DEFAULT_MAJOR_TYPES = frozenset({
    PenaltyType.ORDER_SUSPENSION, PenaltyType.ORDER_CLOSURE, PenaltyType.RESTRICT_PRACTICE,
    PenaltyType.DOWNGRADE_QUALIFICATION, PenaltyType.REVOKE_LICENCE,
})
# Triggers no amount can show; the handling officer states them (118号(十二), art. 58 (一)(三)(四)).
MANUAL_TRIGGERS = (MajorReason.PUBLIC_INTEREST, MajorReason.COMPLEX, MajorReason.OTHER_LAW)


def format_yuan(amount: Decimal) -> str:
    """1万元 / 10万元 / 5000元: how 目录清单 state thresholds."""
    if amount >= 10000 and amount % 10000 == 0:
        return f"{amount // 10000:,}万元"
    text = f"{amount:,.2f}".rstrip("0").rstrip(".")
    return f"{text}元"


@dataclass(frozen=True)
class MajorRules:
    """One agency's 目录清单. Confiscation thresholds default to the fine thresholds (巩义: "或者没收同等价值")."""

    fine_person: Decimal = Decimal("10000")
    fine_org: Decimal = Decimal("100000")
    inclusive: bool = True  # True: 以上（含本数）; False: 超过（不含本数）
    confiscation_person: Decimal | None = None
    confiscation_org: Decimal | None = None
    penalty_types: frozenset[PenaltyType] = DEFAULT_MAJOR_TYPES
    hearing: bool = True
    benchmark_departure: bool = True
    review_workdays: int = 7
    review_extension_workdays: int = 3

    def __post_init__(self) -> None:
        object.__setattr__(self, "penalty_types", frozenset(PenaltyType(t) for t in self.penalty_types))
        for name in ("fine_person", "fine_org", "confiscation_person", "confiscation_org"):
            value = getattr(self, name)
            if value is not None and (not isinstance(value, Decimal) or value <= 0):
                raise ValueError(f"重大标准金额应为正数（元），实际为{value!r}")
        if self.review_workdays < 1 or self.review_extension_workdays < 0:
            raise ValueError("法制审核时限应为正整数个工作日，延长时限不能为负数")

    def fine_threshold(self, party: PartyType) -> Decimal:
        return self.fine_person if party.is_natural_person else self.fine_org

    def confiscation_threshold(self, party: PartyType) -> Decimal:
        own = self.confiscation_person if party.is_natural_person else self.confiscation_org
        return own if own is not None else self.fine_threshold(party)

    def reaches(self, amount: Decimal, threshold: Decimal) -> bool:
        return amount >= threshold if self.inclusive else amount > threshold

    def boundary_text(self, threshold: Decimal) -> str:
        return f"{format_yuan(threshold)}以上（含本数）" if self.inclusive else f"超过{format_yuan(threshold)}（不含本数）"


DEFAULT_MAJOR_RULES = MajorRules()


@dataclass(frozen=True)
class ProposedPenalty:
    """What the handling unit proposes to decide, as the assessment needs it."""

    party_type: PartyType
    items: tuple[tuple[PenaltyType, Decimal | None], ...] = ()
    hearing_held: bool = False
    # Fed by the discretion check of the proposed fine (减轻 or outside the tier); see claims_departure.
    departs_from_benchmark: bool = False
    manual: frozenset[MajorReason] = field(default_factory=frozenset)

    def __post_init__(self) -> None:
        object.__setattr__(self, "manual", frozenset(MajorReason(r) for r in self.manual))
        unknown = self.manual - set(MANUAL_TRIGGERS)
        if unknown:
            raise ValueError("只能人工认定的重大情形：" + "、".join(r.value for r in MANUAL_TRIGGERS))

    @property
    def fine_total(self) -> Decimal:
        return sum((a for t, a in self.items if t is PenaltyType.FINE and a is not None), Decimal(0))

    @property
    def confiscation_total(self) -> Decimal:
        return sum((a for t, a in self.items if t in CONFISCATION_TYPES and a is not None), Decimal(0))


def claims_departure(claimed_tier: DiscretionTier | str | None) -> bool:
    """减轻 is below the statutory range, so it always departs from the benchmark (27号; 巩义 目录清单)."""
    return claimed_tier is not None and DiscretionTier(claimed_tier) is DiscretionTier.MITIGATED


@dataclass(frozen=True)
class MajorFinding:
    reason: MajorReason
    detail: str


@dataclass(frozen=True)
class MajorAssessment:
    findings: tuple[MajorFinding, ...]

    @property
    def is_major(self) -> bool:
        return bool(self.findings)

    @property
    def reasons(self) -> tuple[MajorReason, ...]:
        seen: list[MajorReason] = []
        for f in self.findings:
            if f.reason not in seen:
                seen.append(f.reason)
        return tuple(seen)

    @property
    def reasons_text(self) -> str:
        """Stored in cases.major_reasons: MajorReason values in declaration order, "；"-joined."""
        return "；".join(r.value for r in MajorReason if r in self.reasons)

    @property
    def explanation(self) -> str:
        return "；".join(f.detail for f in self.findings)


def assess_major(rules: MajorRules, proposal: ProposedPenalty) -> MajorAssessment:
    """Every 目录清单 trigger the proposed decision fires, each with a sentence saying why."""
    party = proposal.party_type
    who = "自然人" if party.is_natural_person else "法人和其他组织"
    findings: list[MajorFinding] = []
    fine, confiscated = proposal.fine_total, proposal.confiscation_total
    if fine > 0 and rules.reaches(fine, rules.fine_threshold(party)):
        findings.append(MajorFinding(MajorReason.LARGE_AMOUNT, f"拟罚款{format_yuan(fine)}，达到本机关对{who}的重大标准"
                                                               f"（{rules.boundary_text(rules.fine_threshold(party))}）"))
    if confiscated > 0 and rules.reaches(confiscated, rules.confiscation_threshold(party)):
        findings.append(MajorFinding(MajorReason.LARGE_AMOUNT,
                                     f"拟没收{format_yuan(confiscated)}，达到本机关对{who}的重大标准"
                                     f"（{rules.boundary_text(rules.confiscation_threshold(party))}）"))
    severe = [t for t in PenaltyType if t in rules.penalty_types and any(t is i for i, _ in proposal.items)]
    if severe:
        findings.append(MajorFinding(MajorReason.SEVERE_TYPE, "拟" + "、".join(t.value for t in severe)))
    if rules.hearing and proposal.hearing_held:
        findings.append(MajorFinding(MajorReason.HEARING, "经过听证程序"))
    if rules.benchmark_departure and proposal.departs_from_benchmark:
        findings.append(MajorFinding(MajorReason.BENCHMARK_DEVIATION, "拟处罚突破裁量基准（减轻或超出所适用的裁量阶次）"))
    for reason in MANUAL_TRIGGERS:
        if reason in proposal.manual:
            findings.append(MajorFinding(reason, f"承办机构认定：{reason.value}"))
    return MajorAssessment(tuple(findings))


def rules_catalogue(rules: MajorRules) -> tuple[str, ...]:
    """The agency's 重大执法决定法制审核目录清单 as published sentences (118号 requires it to be public)."""
    lines = [
        f"对自然人罚款{rules.boundary_text(rules.fine_person)}，或者没收违法所得、非法财物价值"
        f"{rules.boundary_text(rules.confiscation_threshold(PartyType.NATURAL_PERSON))}",
        f"对法人或者其他组织罚款{rules.boundary_text(rules.fine_org)}，或者没收违法所得、非法财物价值"
        f"{rules.boundary_text(rules.confiscation_threshold(PartyType.LEGAL_PERSON))}",
    ]
    if rules.penalty_types:
        lines.append("拟作出" + "、".join(t.value for t in PenaltyType if t in rules.penalty_types) + "的")
    if rules.hearing:
        lines.append("经过听证程序作出决定的")
    if rules.benchmark_departure:
        lines.append("拟减轻处罚或者突破裁量基准作出决定的")
    lines.extend(["涉及重大公共利益，可能造成重大社会影响或者引发社会风险的",
                  "案件情况疑难复杂、涉及多个法律关系的", "法律、法规规定应当进行法制审核的其他情形"])
    lines.append(f"审核时限：自收到完整送审材料之日起{rules.review_workdays}个工作日，"
                 f"经批准可延长{rules.review_extension_workdays}个工作日；补充材料的，自材料补齐之日起重新计算")
    return tuple(lines)


def parse_types(text: str) -> frozenset[PenaltyType]:
    """The "、"-joined penalty types stored in major_review_rules.penalty_types."""
    return frozenset(PenaltyType(p) for p in text.split("、") if p.strip())


def join_types(types: Iterable[PenaltyType]) -> str:
    chosen = set(types)
    return "、".join(t.value for t in PenaltyType if t in chosen)
