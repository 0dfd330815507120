"""行政执法统计年报: the annual enforcement statistics, generated from case data (docs/rules.md §1.5, §1.4 D8).

118号(六) requires every agency to publish “上年度行政执法总体情况有关数据” by 31 January. The fields follow
the local templates (Guangdong 年度数据公开样式 and others); the counting rules are those of docs/rules.md §1.5:

1. The period is 1 January–31 December by **decision date**. Decisions later revoked through 复议 or 诉讼
   are **included** (Guangzhou rule).
2. One decision = one 宗, counted once, under its **heaviest** penalty type (:func:`heaviest_penalty`).
3. 罚没金额 = fine + confiscation fixed in the decision; a confiscation counts only when its value is
   determinable.

Public outputs are protected by small-cell suppression (:func:`suppress_small_cells`, and the secondary rule
in :meth:`AnnualReport.suppressed_cells`), because a cell such as “某镇 行政拘留 1 宗” can single out a person.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import StrEnum
from types import MappingProxyType
from typing import Final

from domain.enums import ActionCategory, DueState, PenaltyType

__all__ = [
    "AGENCY_HEADER",
    "AMOUNT_COLUMN",
    "COLUMNS",
    "LICENCE_GRANTED_COLUMN",
    "LICENCE_REFUSED_COLUMN",
    "PENALTY_GROUPS",
    "PENALTY_TOTAL_COLUMN",
    "STATUS_HEADER",
    "SUPPRESSION_NOTE",
    "SUPPRESSION_THRESHOLD",
    "TOTAL_ROW_NAME",
    "AnnualReport",
    "AnnualRow",
    "Cell",
    "Column",
    "DecisionFact",
    "FactTally",
    "REPORT_WORDING",
    "ReportStatus",
    "annual_report",
    "annual_report_from_tallies",
    "report_column_key",
    "annual_report_due_status",
    "heaviest_penalty",
    "penalty_column_key",
    "penalty_group_label",
    "publication_deadline_for_year",
    "suppress_small_cells",
]

SUPPRESSION_THRESHOLD: Final = 3
AGENCY_HEADER: Final = "执法机关"
STATUS_HEADER: Final = "报送状态"
TOTAL_ROW_NAME: Final = "合计"

SUPPRESSION_NOTE: Final = (
    "为保护个人信息，涉及自然人且不足3宗（件）的单元格显示为“<3”，该单元格对应的罚没金额一并隐去；"
    "为防止通过合计数反推，同一行（处罚种类与合计）或同一列（各机关与合计行）中只有一个单元格被隐去时，"
    "另隐去其中数值次小的非零单元格。0 照常显示。"
)


class ReportStatus(StrEnum):
    """Whether an agency's figures are in the report. 未报送 is not the same as 无案件 (explicit zeros)."""

    REPORTED = "已报送"
    NO_CASES = "无案件"
    UNREPORTED = "未报送"


# How the annual-report page words each state of the report's 31 January clock (D8).
REPORT_WORDING: Mapping[DueState, str] = MappingProxyType({
    DueState.ON_TIME: "按时公开",
    DueState.LATE: "逾期公开",
    DueState.PENDING: "未公开(未到期)",
    DueState.OVERDUE: "逾期未公开",
})


# --- input ----------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class DecisionFact:
    """One enforcement decision, reduced to what the annual statistics need.

    ``penalty_types``, ``fine_total`` and ``confiscation_total`` matter only for 行政处罚 decisions;
    ``licence_granted`` is required for 行政许可 decisions (True 许可 / False 不予许可; an approved 变更/延续
    is a 许可, a refused one a 不予许可) and ignored otherwise. Inspections passed in must already satisfy
    RULES §1.5 rule 5 (a specific object and a complete record); patrols are not facts.
    """

    decision_id: int
    agency_id: int
    agency_name: str
    category: ActionCategory
    decided_on: date
    penalty_types: frozenset[PenaltyType] = frozenset()
    fine_total: Decimal = Decimal(0)
    confiscation_total: Decimal = Decimal(0)
    confiscation_value_known: bool = True
    party_is_natural_person: bool = False
    licence_granted: bool | None = None
    revoked_later: bool = False

    def __post_init__(self) -> None:
        for name in ("fine_total", "confiscation_total"):
            amount = getattr(self, name)
            if not isinstance(amount, Decimal):
                raise TypeError(f"{name} 必须是 Decimal（元），不能是 {type(amount).__name__}")
            if not amount.is_finite() or amount < 0:
                raise ValueError(f"{name} 不能为负数或非有限数: {amount}")
        types = frozenset(PenaltyType(t) for t in self.penalty_types)
        object.__setattr__(self, "penalty_types", types)
        object.__setattr__(self, "category", ActionCategory(self.category))
        if self.category is ActionCategory.LICENCE and self.licence_granted is None:
            raise ValueError(f"行政许可决定 {self.decision_id} 未注明准予或不予许可")

    @property
    def amount(self) -> Decimal:
        """罚没金额 of this decision: fine plus the confiscation when its value is determinable (rule 4)."""
        if self.category is not ActionCategory.PENALTY:
            return Decimal(0)
        return self.fine_total + (self.confiscation_total if self.confiscation_value_known else Decimal(0))


# --- heaviest penalty ----------------------------------------------------------------------------------------


def _rank(penalty: PenaltyType) -> tuple[int, int]:
    # Severity first; within a shared rank (没收违法所得/没收非法财物, 责令关闭/限制从业) the member declared
    # later in PenaltyType wins, so the choice is deterministic. Both land in the same column anyway.
    return penalty.severity, list(PenaltyType).index(penalty)


def heaviest_penalty(types: Iterable[PenaltyType]) -> PenaltyType | None:
    """The most severe type in the statutory order of RULES §1.5 rule 3; None when ``types`` is empty.

    “法律、行政法规规定的其他行政处罚” ranks below 警告, so “罚款，并处其他” → 罚款 (the RULES example).
    """
    members = [PenaltyType(t) for t in types]
    return max(members, key=_rank) if members else None


def _penalty_groups() -> tuple[tuple[PenaltyType, ...], ...]:
    by_rank: dict[int, list[PenaltyType]] = defaultdict(list)
    for penalty in PenaltyType:
        by_rank[penalty.severity].append(penalty)
    ordered = [tuple(by_rank[r]) for r in sorted(by_rank) if PenaltyType.OTHER not in by_rank[r]]
    return (*ordered, (PenaltyType.OTHER,))


#: Columns of the 行政处罚 part, lightest first, 其他行政处罚 last; types sharing a rank share a column.
PENALTY_GROUPS: Final[tuple[tuple[PenaltyType, ...], ...]] = _penalty_groups()
_GROUP_OF: Final[dict[PenaltyType, tuple[PenaltyType, ...]]] = {p: g for g in PENALTY_GROUPS for p in g}


def penalty_group_label(penalty: PenaltyType) -> str:
    """Column label for a type: “没收违法所得、没收非法财物” for either confiscation, “责令关闭、限制从业” …"""
    return "、".join(p.value for p in _GROUP_OF[PenaltyType(penalty)])


def penalty_column_key(penalty: PenaltyType) -> str:
    """Column key for a type, e.g. ``penalty.fine``, ``penalty.confiscate_gains_or_confiscate_property``."""
    return "penalty." + "_or_".join(p.name.lower() for p in _GROUP_OF[PenaltyType(penalty)])


# --- columns ---------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    """One statistic. ``group`` is the 执法类别 heading; ``help`` explains the counting rule to the public."""

    key: str
    group: str
    label: str
    unit: str
    help: str

    @property
    def title(self) -> str:
        """Unique Chinese header for tables and CSV, e.g. “行政处罚·罚款(宗)”, “行政检查(次)”."""
        head = self.label if self.label == self.group else f"{self.group}·{self.label}"
        return f"{head}({self.unit})"

    @property
    def is_amount(self) -> bool:
        return self.unit == "元"


_PERIOD = "统计期间为1月1日至12月31日，以决定作出日期为准"
_SEVERITY_TEXT = " < ".join(penalty_group_label(g[0]) for g in PENALTY_GROUPS[:-1])

LICENCE_GRANTED_COLUMN: Final = Column(
    "licence.granted", ActionCategory.LICENCE.value, "许可数量", "件",
    f"作出准予行政许可决定的件数；准予变更、延续的计入许可数量。{_PERIOD}。",
)
LICENCE_REFUSED_COLUMN: Final = Column(
    "licence.refused", ActionCategory.LICENCE.value, "不予许可数量", "件",
    f"作出不予行政许可决定的件数；不予变更、延续的计入不予许可数量。{_PERIOD}。",
)


def _penalty_type_column(group: tuple[PenaltyType, ...]) -> Column:
    label = penalty_group_label(group[0])
    if group == (PenaltyType.OTHER,):
        text = ("只给予法律、行政法规规定的其他行政处罚（或决定未注明处罚种类）的决定宗数；"
                "与上列种类并处的，按上列种类计，例如“罚款，并处其他”计入罚款。")
    else:
        text = (f"以“{label}”为最重处罚种类的行政处罚决定宗数。一份决定计一宗；同时给予多种处罚的，"
                f"只按最重的种类计一次（由轻到重：{_SEVERITY_TEXT}），例如“没收违法所得，并处罚款”计入没收。")
        if len(group) > 1:
            text += "两者轻重相同，合并为一栏。"
    return Column(penalty_column_key(group[0]), ActionCategory.PENALTY.value, label, "宗",
                  f"{text}含事后经行政复议、行政诉讼被撤销的决定。{_PERIOD}。")


PENALTY_TOTAL_COLUMN: Final = Column(
    "penalty.total", ActionCategory.PENALTY.value, "合计", "宗",
    f"行政处罚决定总宗数，等于各处罚种类栏之和；一份决定只计一次。含事后经行政复议、行政诉讼被撤销的决定。{_PERIOD}。",
)
AMOUNT_COLUMN: Final = Column(
    "penalty.amount", ActionCategory.PENALTY.value, "罚没金额", "元",
    "行政处罚决定书确定的罚款金额与没收金额之和（元）；没收财物价值无法确定的，不计入金额。"
    f"含事后经行政复议、行政诉讼被撤销的决定。{_PERIOD}。",
)

_CATEGORY_HELP: Final[dict[ActionCategory, tuple[str, str]]] = {
    ActionCategory.COERCION: ("件", "作出的行政强制措施决定和行政强制执行决定件数之和"),
    ActionCategory.INSPECTION: ("次", "行政检查次数：有具体检查对象且记录完整、详细的检查计1次；"
                                      "无具体对象或记录不完整的巡查不计入"),
    ActionCategory.LEVY: ("件", "作出的行政征收决定件数"),
    ActionCategory.REQUISITION: ("件", "作出的行政征用决定件数"),
    ActionCategory.ADJUDICATION: ("件", "作出的行政裁决件数"),
    ActionCategory.CONFIRMATION: ("件", "作出的行政确认件数"),
    ActionCategory.BENEFIT: ("件", "作出的行政给付决定件数"),
    ActionCategory.REWARD: ("件", "作出的行政奖励决定件数"),
    ActionCategory.OTHER: ("件", "未归入上列类别的其他行政执法决定件数"),
}


def _category_column(category: ActionCategory) -> Column:
    unit, text = _CATEGORY_HELP[category]
    label = "其他行政执法行为" if category is ActionCategory.OTHER else category.value
    period = _PERIOD.replace("决定作出日期", "检查日期") if category is ActionCategory.INSPECTION else _PERIOD
    return Column(category.name.lower(), label, label, unit, f"{text}。{period}。")


#: Every column in display order: 许可, 处罚 (by type, 合计, 罚没金额), then the other categories.
COLUMNS: Final[tuple[Column, ...]] = (
    LICENCE_GRANTED_COLUMN,
    LICENCE_REFUSED_COLUMN,
    *(_penalty_type_column(g) for g in PENALTY_GROUPS),
    PENALTY_TOTAL_COLUMN,
    AMOUNT_COLUMN,
    *(_category_column(c) for c in _CATEGORY_HELP),
)
_PENALTY_TYPE_KEYS: Final = tuple(penalty_column_key(g[0]) for g in PENALTY_GROUPS)


# --- cells and rows --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Cell:
    """One figure plus what suppression needs to know about the decisions behind it.

    For count columns ``value == decisions``. For the 罚没金额 column ``value`` is the Decimal sum and
    ``decisions`` counts the decisions that contributed a non-zero amount (the people the sum is about).
    """

    value: int | Decimal
    decisions: int
    natural_persons: int


@dataclass(frozen=True)
class AnnualRow:
    """One agency's line, or the totals line (``agency_id`` None, ``status`` None).

    An 未报送 agency has no cells at all (blank, not zero); 无案件 and 已报送 agencies have a cell, possibly
    an explicit 0, for every column.
    """

    agency_id: int | None
    agency_name: str
    status: ReportStatus | None
    cells: Mapping[str, Cell]

    @property
    def values(self) -> Mapping[str, int | Decimal]:
        return MappingProxyType({key: cell.value for key, cell in self.cells.items()})

    @property
    def reported(self) -> bool:
        return self.status is not ReportStatus.UNREPORTED


_Ref = tuple[int | None, str]  # (agency_id or None for the totals row, column key)


@dataclass(frozen=True)
class AnnualReport:
    year: int
    columns: tuple[Column, ...]
    rows: tuple[AnnualRow, ...]
    totals: AnnualRow
    #: decisions of the year filed by agencies marked 未报送; they are not in any figure
    unreported_decisions: int = 0
    threshold: int = SUPPRESSION_THRESHOLD

    @property
    def publication_deadline(self) -> date:
        return publication_deadline_for_year(self.year)

    def row(self, agency_id: int) -> AnnualRow:
        for row in self.rows:
            if row.agency_id == agency_id:
                return row
        raise KeyError(agency_id)

    def suppressed_cells(self) -> frozenset[_Ref]:
        """Cells to hide in public outputs, as (agency_id, column key); agency_id None is the totals row.

        Primary: every cell for which :func:`suppress_small_cells` returns a marker; the 罚没金额 cell uses
        the decisions that contributed a non-zero amount, and is also hidden whenever the row's 合计 is.

        Secondary (the simple rule, applied to every published sum): the report publishes two kinds of sums,
        行政处罚 合计 = Σ 处罚种类 within a row, and 合计行 = Σ agencies within a column. Whenever exactly one
        cell of such a sum is hidden, it could be backed out by subtraction, so the smallest non-zero visible
        addend is hidden too (ties: leftmost column / first row); only when every other addend is 0 is the
        sum itself hidden. Repeated until no sum has exactly one hidden cell. Zeros are never hidden.
        """
        hidden: set[_Ref] = set()
        lines = (*(r for r in self.rows if r.reported), self.totals)
        for row in lines:
            for key, cell in row.cells.items():
                if isinstance(suppress_small_cells(cell.decisions, cell.natural_persons, self.threshold), str):
                    hidden.add((row.agency_id, key))
            if (row.agency_id, PENALTY_TOTAL_COLUMN.key) in hidden:
                hidden.add((row.agency_id, AMOUNT_COLUMN.key))

        value = {(row.agency_id, key): cell.value for row in lines for key, cell in row.cells.items()}
        sums: list[tuple[_Ref, list[_Ref]]] = [
            ((row.agency_id, PENALTY_TOTAL_COLUMN.key), [(row.agency_id, k) for k in _PENALTY_TYPE_KEYS])
            for row in lines
        ]
        agencies = [r.agency_id for r in self.rows if r.reported]
        sums += [((None, col.key), [(a, col.key) for a in agencies]) for col in self.columns]

        changed = True
        while changed:
            changed = False
            for total, addends in sums:
                if sum(ref in hidden for ref in (total, *addends)) != 1:
                    continue
                visible = [ref for ref in addends if ref not in hidden and value[ref] != 0]
                if visible:
                    hidden.add(min(visible, key=lambda ref: value[ref]))  # min() keeps the first on ties
                    changed = True
                elif total not in hidden and value[total] != 0:
                    hidden.add(total)
                    changed = True
        return frozenset(hidden)

    def to_records(self, suppress: bool = True) -> list[dict[str, object]]:
        """Rows (agencies, then 合计) keyed by Chinese headers, for tables and CSV download.

        Cells of an 未报送 agency are blank strings; a reported agency shows 0 where it had no cases.
        ``suppress=True`` (the default, for anything public) replaces hidden cells with “<3”.
        """
        hidden = self.suppressed_cells() if suppress else frozenset()
        marker = f"<{self.threshold}"
        records: list[dict[str, object]] = []
        for row in (*self.rows, self.totals):
            record: dict[str, object] = {
                AGENCY_HEADER: row.agency_name,
                STATUS_HEADER: row.status.value if row.status is not None else "",
            }
            for col in self.columns:
                if not row.reported:
                    record[col.title] = ""
                elif (row.agency_id, col.key) in hidden:
                    record[col.title] = marker
                else:
                    record[col.title] = row.cells[col.key].value
            records.append(record)
        return records


# --- aggregation -----------------------------------------------------------------------------------------------


def report_column_key(category: ActionCategory, penalty_types: Iterable[PenaltyType], licence_granted: bool | None) -> str:
    """The column a decision is counted in: 许可/不予许可, its heaviest penalty type, or its category."""
    category = ActionCategory(category)
    if category is ActionCategory.LICENCE:
        return LICENCE_GRANTED_COLUMN.key if licence_granted else LICENCE_REFUSED_COLUMN.key
    if category is ActionCategory.PENALTY:
        # A 处罚 decision without a recorded type still counts once, under 其他行政处罚, so 合计 stays honest.
        return penalty_column_key(heaviest_penalty(penalty_types) or PenaltyType.OTHER)
    return category.name.lower()


def _column_key(fact: DecisionFact) -> str:
    return report_column_key(fact.category, fact.penalty_types, fact.licence_granted)


@dataclass(frozen=True)
class FactTally:
    """Decisions of one agency counted in the same column with the same kind of party, already added up — what a
    database can aggregate so that a million decisions never reach Python one by one. ``amount`` is their 罚没金额
    and ``paying`` how many of them have a non-zero amount (both only for 行政处罚 columns)."""

    agency_id: int
    agency_name: str
    column_key: str
    natural_person: bool
    decisions: int
    amount: Decimal = Decimal(0)
    paying: int = 0

    def __post_init__(self) -> None:
        if not isinstance(self.amount, Decimal):
            raise TypeError(f"amount 必须是 Decimal（元），不能是 {type(self.amount).__name__}")
        if self.decisions < 0 or not 0 <= self.paying <= self.decisions:
            raise ValueError(f"计数无效: decisions={self.decisions}, paying={self.paying}")


def _fact_tally(fact: DecisionFact) -> FactTally:
    amount = fact.amount
    return FactTally(fact.agency_id, fact.agency_name, _column_key(fact), fact.party_is_natural_person, 1,
                     amount, int(amount != 0))


def _tally(tallies: Iterable[FactTally], columns: tuple[Column, ...]) -> dict[str, Cell]:
    counts = {col.key: [0, 0] for col in columns}  # [decisions, natural persons]
    amount = Decimal(0)
    payers = [0, 0]
    for tally in tallies:
        if tally.column_key not in counts or tally.column_key in (PENALTY_TOTAL_COLUMN.key, AMOUNT_COLUMN.key):
            raise ValueError(f"未知的统计栏目: {tally.column_key}")
        persons = tally.decisions if tally.natural_person else 0
        keys = [tally.column_key]
        if tally.column_key in _PENALTY_TYPE_KEYS:
            keys.append(PENALTY_TOTAL_COLUMN.key)
            amount += tally.amount
            payers[0] += tally.paying
            payers[1] += tally.paying if tally.natural_person else 0
        for key in keys:
            counts[key][0] += tally.decisions
            counts[key][1] += persons
    cells = {key: Cell(n, n, np) for key, (n, np) in counts.items()}
    cells[AMOUNT_COLUMN.key] = Cell(amount, payers[0], payers[1])
    return cells


def _unique_facts(facts: Iterable[DecisionFact], year: int) -> list[DecisionFact]:
    seen: dict[int, DecisionFact] = {}
    for fact in facts:
        if fact.decided_on.year != year:
            continue
        earlier = seen.setdefault(fact.decision_id, fact)
        if earlier != fact:
            raise ValueError(f"决定 {fact.decision_id} 出现两次且内容不一致")
    return list(seen.values())


def annual_report(
    facts: Iterable[DecisionFact],
    year: int,
    agencies: Mapping[int, str],
    reported_agency_ids: set[int] | frozenset[int] | None = None,
) -> AnnualReport:
    """The 年报 table for ``year``: one row per agency, then a totals row.

    Rows follow ``agencies`` in its order; an agency with decisions in the year but missing from ``agencies``
    is appended (by id, named from its decisions) so no decision disappears from the totals.

    ``reported_agency_ids`` None means every agency counts as having reported. Otherwise an agency outside it
    is 未报送: no cells, left out of the totals, its decisions counted only in ``unreported_decisions``.
    A reporting agency without decisions in the year is 无案件 and shows an explicit 0 in every column.
    A decision counted in the same year twice (same ``decision_id``) is counted once.
    """
    tallies = [_fact_tally(fact) for fact in _unique_facts(facts, year)]
    return annual_report_from_tallies(tallies, year, agencies, reported_agency_ids)


def annual_report_from_tallies(
    tallies: Iterable[FactTally],
    year: int,
    agencies: Mapping[int, str],
    reported_agency_ids: set[int] | frozenset[int] | None = None,
) -> AnnualReport:
    """:func:`annual_report` from decisions already added up per (agency, column, party kind), all of ``year`` and
    each decision counted once. Same rows, cells and suppression as from the single facts."""
    columns = COLUMNS
    by_agency: dict[int, list[FactTally]] = defaultdict(list)
    for tally in tallies:
        if tally.decisions:
            by_agency[tally.agency_id].append(tally)

    names = dict(agencies)
    for agency_id in sorted(set(by_agency) - set(names)):
        names[agency_id] = by_agency[agency_id][0].agency_name

    rows: list[AnnualRow] = []
    unreported = 0
    for agency_id, name in names.items():
        own = by_agency.get(agency_id, [])
        if reported_agency_ids is not None and agency_id not in reported_agency_ids:
            rows.append(AnnualRow(agency_id, name, ReportStatus.UNREPORTED, MappingProxyType({})))
            unreported += sum(t.decisions for t in own)
            continue
        status = ReportStatus.REPORTED if own else ReportStatus.NO_CASES
        rows.append(AnnualRow(agency_id, name, status, MappingProxyType(_tally(own, columns))))

    included = [r for r in rows if r.reported]
    total_cells = {
        col.key: Cell(
            sum((r.cells[col.key].value for r in included), Decimal(0) if col.is_amount else 0),
            sum(r.cells[col.key].decisions for r in included),
            sum(r.cells[col.key].natural_persons for r in included),
        )
        for col in columns
    }
    totals = AnnualRow(None, TOTAL_ROW_NAME, None, MappingProxyType(total_cells))
    return AnnualReport(year, columns, tuple(rows), totals, unreported)


# --- suppression -----------------------------------------------------------------------------------------------


def suppress_small_cells(count: int, natural_person_count: int, threshold: int = SUPPRESSION_THRESHOLD) -> int | str:
    """The public value of a count cell: ``count``, or “<3” when it could single out a natural person.

    Rule: a cell is hidden iff 0 < count < threshold AND at least one of its decisions concerns a natural
    person. 0 is always shown (nobody to identify); cells about organisations only are shown, since
    enforcement against 法人 and 非法人组织 is itself public; from ``threshold`` decisions up the cell is shown.
    """
    if count < 0 or natural_person_count < 0 or natural_person_count > count:
        raise ValueError(f"单元格计数无效: count={count}, natural_person_count={natural_person_count}")
    if 0 < count < threshold and natural_person_count > 0:
        return f"<{threshold}"
    return count


# --- publication deadline (D8) ---------------------------------------------------------------------------------


def publication_deadline_for_year(year: int) -> date:
    """118号(六): the previous year's data is published by 31 January (D8)."""
    return date(year + 1, 1, 31)


def annual_report_due_status(year: int, published_on: date | None, today: date) -> DueState:
    """On time or late once published (the deadline day itself is on time); otherwise pending up to and including
    31 January, overdue after it. REPORT_WORDING says these as 按时公开, 逾期公开, 未公开(未到期), 逾期未公开."""
    deadline = publication_deadline_for_year(year)
    if published_on is not None:
        return DueState.ON_TIME if published_on <= deadline else DueState.LATE
    return DueState.PENDING if today <= deadline else DueState.OVERDUE
