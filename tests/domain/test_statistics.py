from __future__ import annotations

import itertools
import random
from dataclasses import FrozenInstanceError
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from domain.enums import ActionCategory, DueState, PenaltyType
from domain.statistics import (
    AGENCY_HEADER,
    AMOUNT_COLUMN,
    COLUMNS,
    LICENCE_GRANTED_COLUMN,
    LICENCE_REFUSED_COLUMN,
    PENALTY_GROUPS,
    PENALTY_TOTAL_COLUMN,
    REPORT_WORDING,
    STATUS_HEADER,
    TOTAL_ROW_NAME,
    AnnualReport,
    DecisionFact,
    ReportStatus,
    annual_report,
    annual_report_due_status,
    heaviest_penalty,
    penalty_column_key,
    penalty_group_label,
    publication_deadline_for_year,
    suppress_small_cells,
)

P = PenaltyType
C = ActionCategory
YEAR = 2024
AGENCIES = {1: "甲市市场监督管理局", 2: "甲市生态环境局", 3: "乙镇人民政府"}
FINE = penalty_column_key(P.FINE)
WARNING = penalty_column_key(P.WARNING)
REVOKE = penalty_column_key(P.REVOKE_LICENCE)
CONFISCATION = penalty_column_key(P.CONFISCATE_GAINS)
TOTAL = PENALTY_TOTAL_COLUMN.key
AMOUNT = AMOUNT_COLUMN.key
PENALTY_TYPE_KEYS = [penalty_column_key(g[0]) for g in PENALTY_GROUPS]

_ids = itertools.count(1)


def fact(
    category: ActionCategory = C.PENALTY,
    *types: PenaltyType,
    agency: int = 1,
    on: date = date(YEAR, 6, 1),
    fine: str = "0",
    confiscation: str = "0",
    known: bool = True,
    person: bool = False,
    granted: bool | None = None,
    revoked: bool = False,
    decision_id: int | None = None,
) -> DecisionFact:
    if category is C.LICENCE and granted is None:
        granted = True
    return DecisionFact(
        decision_id=decision_id if decision_id is not None else next(_ids),
        agency_id=agency,
        agency_name=AGENCIES.get(agency, f"机关{agency}"),
        category=category,
        decided_on=on,
        penalty_types=frozenset(types),
        fine_total=Decimal(fine),
        confiscation_total=Decimal(confiscation),
        confiscation_value_known=known,
        party_is_natural_person=person,
        licence_granted=granted,
        revoked_later=revoked,
    )


def penalty(*types: PenaltyType, **kwargs: object) -> DecisionFact:
    return fact(C.PENALTY, *types, **kwargs)  # type: ignore[arg-type]


def report(facts: list[DecisionFact], reported: set[int] | None = None, agencies: dict[int, str] | None = None
           ) -> AnnualReport:
    return annual_report(facts, YEAR, AGENCIES if agencies is None else agencies, reported)


# --- heaviest_penalty -----------------------------------------------------------------------------------------

# docs/rules.md §1.5 rule 3, written out independently of the enum.
STATUTORY_ORDER = [
    "警告", "通报批评", "罚款", "没收违法所得、没收非法财物", "暂扣许可证件", "降低资质等级",
    "限制开展生产经营活动", "责令停产停业", "责令关闭、限制从业", "吊销许可证件", "行政拘留",
]
RANKED = [[P(v) for v in label.split("、")] for label in STATUTORY_ORDER]


def test_penalty_columns_follow_the_statutory_order() -> None:
    labels = [c.label for c in COLUMNS if c.key in PENALTY_TYPE_KEYS]
    assert labels == [*STATUTORY_ORDER, "其他行政处罚"]


ADJACENT = [
    (lighter, heavier)
    for lighter_group, heavier_group in itertools.pairwise(RANKED)
    for lighter in lighter_group
    for heavier in heavier_group
]


@pytest.mark.parametrize(("lighter", "heavier"), ADJACENT, ids=[f"{a.value}<{b.value}" for a, b in ADJACENT])
def test_every_adjacent_pair(lighter: PenaltyType, heavier: PenaltyType) -> None:
    assert heaviest_penalty({lighter, heavier}) is heavier
    assert heaviest_penalty([heavier, lighter]) is heavier


ALL_PAIRS = [
    (a, b) for i, j in itertools.combinations(range(len(RANKED)), 2) for a in RANKED[i] for b in RANKED[j]
]


@pytest.mark.parametrize(("lighter", "heavier"), ALL_PAIRS)
def test_every_non_adjacent_pair_too(lighter: PenaltyType, heavier: PenaltyType) -> None:
    assert heaviest_penalty([lighter, heavier]) is heavier


@pytest.mark.parametrize(
    ("types", "expected_column"),
    [
        # RULES worked examples
        ({P.CONFISCATE_GAINS, P.FINE}, "没收违法所得、没收非法财物"),  # “没收违法所得，并处罚款” → 没收
        ({P.FINE, P.OTHER}, "罚款"),  # “罚款，并处其他” → 罚款
        # ties share a column
        ({P.CONFISCATE_GAINS, P.CONFISCATE_PROPERTY}, "没收违法所得、没收非法财物"),
        ({P.CONFISCATE_PROPERTY}, "没收违法所得、没收非法财物"),
        ({P.ORDER_CLOSURE, P.RESTRICT_PRACTICE}, "责令关闭、限制从业"),
        ({P.RESTRICT_PRACTICE}, "责令关闭、限制从业"),
        ({P.ORDER_CLOSURE, P.RESTRICT_PRACTICE, P.ORDER_SUSPENSION}, "责令关闭、限制从业"),
        # longer combinations
        ({P.WARNING, P.FINE, P.CONFISCATE_GAINS, P.CONFISCATE_PROPERTY}, "没收违法所得、没收非法财物"),
        ({P.FINE, P.SUSPEND_LICENCE, P.WARNING}, "暂扣许可证件"),
        ({P.FINE, P.REVOKE_LICENCE, P.CONFISCATE_GAINS}, "吊销许可证件"),
        ({P.DETENTION, P.FINE}, "行政拘留"),
        (set(P), "行政拘留"),
        ({P.OTHER}, "其他行政处罚"),
        ({P.OTHER, P.WARNING}, "警告"),
    ],
)
def test_combinations(types: set[PenaltyType], expected_column: str) -> None:
    heaviest = heaviest_penalty(types)
    assert heaviest is not None
    assert penalty_group_label(heaviest) == expected_column


@pytest.mark.parametrize(
    ("tie", "winner"),
    [
        ((P.CONFISCATE_GAINS, P.CONFISCATE_PROPERTY), P.CONFISCATE_PROPERTY),
        ((P.ORDER_CLOSURE, P.RESTRICT_PRACTICE), P.RESTRICT_PRACTICE),
    ],
)
def test_ties_resolve_deterministically(tie: tuple[PenaltyType, PenaltyType], winner: PenaltyType) -> None:
    assert {heaviest_penalty(order) for order in itertools.permutations(tie)} == {winner}
    assert penalty_column_key(tie[0]) == penalty_column_key(tie[1])


def test_empty_and_single() -> None:
    assert heaviest_penalty([]) is None
    assert heaviest_penalty(frozenset()) is None
    for p in P:
        assert heaviest_penalty([p]) is p


# --- DecisionFact ------------------------------------------------------------------------------------------------


def test_fact_is_frozen_and_normalises_types() -> None:
    f = DecisionFact(1, 1, "甲", C.PENALTY, date(YEAR, 1, 1), {P.FINE}, Decimal("10"))  # type: ignore[arg-type]
    assert f.penalty_types == frozenset({P.FINE}) and isinstance(f.penalty_types, frozenset)
    with pytest.raises(FrozenInstanceError):
        f.fine_total = Decimal(1)  # type: ignore[misc]


@pytest.mark.parametrize(
    ("kwargs", "error"),
    [
        ({"fine_total": 10.5}, TypeError),
        ({"confiscation_total": 3}, TypeError),
        ({"fine_total": Decimal("-1")}, ValueError),
        ({"fine_total": Decimal("NaN")}, ValueError),
        ({"category": C.LICENCE, "licence_granted": None}, ValueError),
    ],
)
def test_fact_validation(kwargs: dict[str, object], error: type[Exception]) -> None:
    base: dict[str, object] = {"decision_id": 1, "agency_id": 1, "agency_name": "甲", "category": C.PENALTY,
                               "decided_on": date(YEAR, 1, 1)}
    with pytest.raises(error):
        DecisionFact(**{**base, **kwargs})  # type: ignore[arg-type]


# --- counting ----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("types", "column"),
    [
        ((P.CONFISCATE_GAINS, P.FINE), CONFISCATION),
        ((P.FINE, P.OTHER), FINE),
        ((P.WARNING, P.FINE, P.REVOKE_LICENCE), REVOKE),
        ((P.CONFISCATE_PROPERTY,), CONFISCATION),
        ((P.OTHER,), penalty_column_key(P.OTHER)),
        ((), penalty_column_key(P.OTHER)),  # no type recorded: still one 宗, under 其他
    ],
)
def test_one_decision_counts_once_under_its_heaviest_type(types: tuple[PenaltyType, ...], column: str) -> None:
    values = report([penalty(*types)]).row(1).values
    assert values[TOTAL] == 1
    assert {k: values[k] for k in PENALTY_TYPE_KEYS if values[k]} == {column: 1}


def test_counting_several_decisions() -> None:
    facts = [
        penalty(P.FINE, P.WARNING),
        penalty(P.FINE),
        penalty(P.FINE, P.CONFISCATE_GAINS),
        penalty(P.CONFISCATE_PROPERTY),
        penalty(P.ORDER_CLOSURE, P.FINE),
        penalty(P.RESTRICT_PRACTICE),
        penalty(P.WARNING, agency=2),
    ]
    r = report(facts)
    v1 = r.row(1).values
    assert (v1[FINE], v1[CONFISCATION], v1[penalty_column_key(P.ORDER_CLOSURE)], v1[WARNING], v1[TOTAL]) == (
        2, 2, 2, 0, 6)
    assert r.row(2).values[WARNING] == 1
    assert r.totals.values[TOTAL] == 7


def test_duplicate_decision_counts_once_and_conflict_is_rejected() -> None:
    f = penalty(P.FINE, fine="100", decision_id=900)
    r = report([f, f])
    assert r.row(1).values[TOTAL] == 1
    assert r.row(1).values[AMOUNT] == Decimal("100")
    with pytest.raises(ValueError, match="900"):
        report([f, penalty(P.WARNING, decision_id=900)])


def test_revoked_decisions_are_included() -> None:
    r = report([penalty(P.FINE, fine="500", revoked=True), penalty(P.FINE, fine="300")])
    assert r.row(1).values[FINE] == 2
    assert r.row(1).values[AMOUNT] == Decimal("800")


@pytest.mark.parametrize(
    ("decided_on", "in_2024", "in_2025"),
    [
        (date(2023, 12, 31), False, False),
        (date(2024, 1, 1), True, False),
        (date(2024, 12, 31), True, False),
        (date(2025, 1, 1), False, True),
        (date(2025, 12, 31), False, True),
    ],
)
def test_year_boundaries(decided_on: date, in_2024: bool, in_2025: bool) -> None:
    facts = [penalty(P.FINE, on=decided_on)]
    assert annual_report(facts, 2024, AGENCIES).row(1).values[TOTAL] == int(in_2024)
    assert annual_report(facts, 2025, AGENCIES).row(1).values[TOTAL] == int(in_2025)


def test_licences_granted_and_refused() -> None:
    facts = [fact(C.LICENCE, granted=True), fact(C.LICENCE, granted=True), fact(C.LICENCE, granted=False)]
    values = report(facts).row(1).values
    assert values[LICENCE_GRANTED_COLUMN.key] == 2
    assert values[LICENCE_REFUSED_COLUMN.key] == 1
    assert values[TOTAL] == 0


@pytest.mark.parametrize(
    "category", [c for c in C if c not in {C.LICENCE, C.PENALTY}], ids=lambda c: c.value
)
def test_other_categories_count_in_their_own_column(category: ActionCategory) -> None:
    values = report([fact(category), fact(category)]).row(1).values
    key = category.name.lower()
    assert values[key] == 2
    assert sum(v for k, v in values.items() if k != key) == 0


def test_every_category_has_a_column_and_columns_are_well_formed() -> None:
    keys = [c.key for c in COLUMNS]
    titles = [c.title for c in COLUMNS]
    assert len(set(keys)) == len(keys) and len(set(titles)) == len(titles)
    groups = {c.group for c in COLUMNS}
    assert {c.value for c in C if c is not C.OTHER} <= groups
    assert AGENCY_HEADER not in titles and STATUS_HEADER not in titles
    for col in COLUMNS:
        assert col.help and col.label and col.unit in {"件", "宗", "元", "次"}
        assert any("\u4e00" <= ch <= "\u9fff" for ch in col.help)
    assert AMOUNT_COLUMN.title == "行政处罚·罚没金额(元)"
    assert PENALTY_TOTAL_COLUMN.title == "行政处罚·合计(宗)"


# --- amounts -------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("decisions", "expected"),
    [
        ([("100.10", "0", True)], "100.10"),
        ([("0.10", "0.20", True)], "0.30"),  # exact: no float drift
        ([("500", "1200.50", True)], "1700.50"),
        ([("500", "1200.50", False)], "500"),  # confiscated value not determinable: not in the amount
        ([("0", "800", False)], "0"),
        ([("0.01", "0", True)] * 3, "0.03"),
        ([("12345678.90", "0.01", True), ("0.09", "0", True)], "12345679.00"),
    ],
)
def test_amounts_are_exact_decimals(decisions: list[tuple[str, str, bool]], expected: str) -> None:
    facts = [penalty(P.FINE, P.CONFISCATE_GAINS, fine=f, confiscation=c, known=k) for f, c, k in decisions]
    r = report(facts)
    amount = r.row(1).values[AMOUNT]
    assert isinstance(amount, Decimal) and amount == Decimal(expected)
    assert isinstance(r.totals.values[AMOUNT], Decimal) and r.totals.values[AMOUNT] == Decimal(expected)


def test_amount_of_non_penalty_decisions_is_ignored() -> None:
    f = fact(C.COERCION, fine="999")
    assert f.amount == Decimal(0)
    assert report([f]).row(1).values[AMOUNT] == Decimal(0)


# --- 未报送 / 无案件 / explicit zeros -------------------------------------------------------------------------------


def test_statuses_and_explicit_zeros() -> None:
    facts = [penalty(P.FINE, fine="200", agency=1), penalty(P.WARNING, agency=3), penalty(P.FINE, agency=3)]
    r = report(facts, reported={1, 2})
    by_id = {row.agency_id: row for row in r.rows}
    assert [row.agency_id for row in r.rows] == [1, 2, 3]
    assert by_id[1].status is ReportStatus.REPORTED
    assert by_id[2].status is ReportStatus.NO_CASES
    assert by_id[3].status is ReportStatus.UNREPORTED
    assert by_id[2].values == {c.key: 0 for c in COLUMNS}  # explicit zeros for every column
    assert dict(by_id[3].values) == {}  # not zeros: no data
    assert by_id[2].status == "无案件" and by_id[3].status == "未报送" and by_id[1].status == "已报送"
    # the 未报送 agency's decisions are not in the totals, but are accounted for
    assert r.totals.values[TOTAL] == 1
    assert r.unreported_decisions == 2

    records = {rec[AGENCY_HEADER]: rec for rec in r.to_records(suppress=False)}
    zero_row, missing_row = records[AGENCIES[2]], records[AGENCIES[3]]
    assert zero_row[STATUS_HEADER] == "无案件" and missing_row[STATUS_HEADER] == "未报送"
    for col in COLUMNS:
        assert zero_row[col.title] == 0
        assert missing_row[col.title] == ""
        assert zero_row[col.title] != missing_row[col.title]


def test_without_reported_ids_everyone_has_reported() -> None:
    r = report([penalty(P.FINE)])
    assert [row.status for row in r.rows] == [ReportStatus.REPORTED, ReportStatus.NO_CASES, ReportStatus.NO_CASES]
    assert r.unreported_decisions == 0


def test_agency_missing_from_the_list_is_not_lost() -> None:
    r = report([penalty(P.FINE, agency=1), penalty(P.WARNING, agency=42)], agencies={1: "甲"})
    assert [(row.agency_id, row.agency_name) for row in r.rows] == [(1, "甲"), (42, "机关42")]
    assert r.totals.values[TOTAL] == 2


def test_an_empty_year() -> None:
    r = report([], reported=set())
    assert all(row.status is ReportStatus.UNREPORTED for row in r.rows)
    assert r.totals.values == {c.key: 0 for c in COLUMNS}
    assert report([]).totals.values[AMOUNT] == Decimal(0)


# --- totals -------------------------------------------------------------------------------------------------------


def _random_facts(rng: random.Random, n: int) -> list[DecisionFact]:
    facts = []
    for _ in range(n):
        category = rng.choice(list(C))
        types = rng.sample(list(P), rng.randint(0, 3)) if category is C.PENALTY else []
        facts.append(fact(
            category, *types,
            agency=rng.choice([1, 2, 3, 4]),
            on=date(rng.choice([2023, 2024, 2024, 2025]), rng.randint(1, 12), rng.randint(1, 28)),
            fine=str(Decimal(rng.randint(0, 500000)) / 100),
            confiscation=str(Decimal(rng.randint(0, 90000)) / 100),
            known=rng.random() < 0.7,
            person=rng.random() < 0.4,
            granted=rng.random() < 0.8,
            revoked=rng.random() < 0.1,
        ))
    return facts


@pytest.mark.parametrize("seed", range(20))
def test_totals_equal_the_sum_of_rows(seed: int) -> None:
    rng = random.Random(seed)
    facts = _random_facts(rng, rng.randint(0, 60))
    reported = {a for a in (1, 2, 3, 4) if rng.random() < 0.8}
    r = report(facts, reported=reported)
    included = [row for row in r.rows if row.status is not ReportStatus.UNREPORTED]
    for col in COLUMNS:
        assert r.totals.values[col.key] == sum(row.values[col.key] for row in included), col.title
    for row in (*included, r.totals):
        assert row.values[TOTAL] == sum(row.values[k] for k in PENALTY_TYPE_KEYS)
    in_year = [f for f in facts if f.decided_on.year == YEAR]
    assert r.totals.values[TOTAL] == sum(1 for f in in_year if f.category is C.PENALTY and f.agency_id in reported)
    assert r.unreported_decisions == sum(1 for f in in_year if f.agency_id not in reported)
    expected_amount = sum((f.amount for f in in_year if f.agency_id in reported), Decimal(0))
    assert r.totals.values[AMOUNT] == expected_amount


# --- suppress_small_cells ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("count", "persons", "expected"),
    [
        (0, 0, 0),
        (1, 0, 1),
        (1, 1, "<3"),
        (2, 0, 2),
        (2, 1, "<3"),
        (2, 2, "<3"),
        (3, 0, 3),
        (3, 1, 3),
        (3, 3, 3),
        (40, 40, 40),
    ],
)
def test_suppress_small_cells(count: int, persons: int, expected: int | str) -> None:
    assert suppress_small_cells(count, persons) == expected


def test_suppression_threshold_is_configurable_and_input_checked() -> None:
    assert suppress_small_cells(4, 1, threshold=5) == "<5"
    assert suppress_small_cells(5, 1, threshold=5) == 5
    for bad in [(1, 2), (-1, 0), (1, -1)]:
        with pytest.raises(ValueError):
            suppress_small_cells(*bad)


# --- suppression in the report ----------------------------------------------------------------------------------


def _record(r: AnnualReport, name: str, suppress: bool = True) -> dict[str, object]:
    return next(rec for rec in r.to_records(suppress=suppress) if rec[AGENCY_HEADER] == name)


def test_a_lone_natural_person_is_hidden_with_the_amount() -> None:
    r = report([penalty(P.FINE, fine="500", person=True)], agencies={1: "乙镇"})
    rec = _record(r, "乙镇")
    assert rec[PENALTY_TOTAL_COLUMN.title] == "<3"
    assert rec["行政处罚·罚款(宗)"] == "<3"
    assert rec[AMOUNT_COLUMN.title] == "<3"
    assert rec["行政检查(次)"] == 0  # zeros stay
    totals = _record(r, TOTAL_ROW_NAME)
    assert totals[AMOUNT_COLUMN.title] == "<3" and totals[PENALTY_TOTAL_COLUMN.title] == "<3"
    raw = _record(r, "乙镇", suppress=False)
    assert raw[AMOUNT_COLUMN.title] == Decimal("500") and raw[PENALTY_TOTAL_COLUMN.title] == 1


@pytest.mark.parametrize(
    ("persons", "organisations", "hidden"),
    [
        (0, 0, False),
        (0, 1, False),
        (0, 2, False),
        (1, 0, True),
        (1, 1, True),
        (2, 0, True),
        (1, 2, False),
        (3, 0, False),
    ],
)
def test_cell_suppression_by_count_and_natural_person(persons: int, organisations: int, hidden: bool) -> None:
    facts = [fact(C.INSPECTION, person=True) for _ in range(persons)]
    facts += [fact(C.INSPECTION) for _ in range(organisations)]
    r = report(facts, agencies={1: "甲"})
    assert _record(r, "甲")["行政检查(次)"] == ("<3" if hidden else persons + organisations)


def test_amount_hidden_when_few_people_paid_even_if_the_count_is_large() -> None:
    # 合计 5 is safe, but only one decision (a person's) carries money: 罚没金额 would be that person's fine.
    facts = [penalty(P.FINE, fine="3000", person=True)] + [penalty(P.WARNING) for _ in range(4)]
    r = report(facts, agencies={1: "甲"})
    rec = _record(r, "甲")
    assert rec[PENALTY_TOTAL_COLUMN.title] == 5
    assert rec[AMOUNT_COLUMN.title] == "<3"
    # three payers: shown
    facts = [penalty(P.FINE, fine="3000", person=True) for _ in range(3)]
    assert _record(report(facts, agencies={1: "甲"}), "甲")[AMOUNT_COLUMN.title] == Decimal("9000")


def test_organisation_amounts_are_not_hidden() -> None:
    r = report([penalty(P.FINE, fine="3000")], agencies={1: "甲"})
    assert _record(r, "甲")[AMOUNT_COLUMN.title] == Decimal("3000")
    assert r.suppressed_cells() == frozenset()


def test_secondary_suppression_in_a_row() -> None:
    # 罚款 1 (a person) is hidden; 合计 11 would give it away as 11 − 4 − 6, so 警告 4 (next smallest
    # non-zero addend, skipping the zeros) is hidden too; 吊销 6 stays.
    facts = [penalty(P.FINE, fine="200", person=True)]
    facts += [penalty(P.WARNING) for _ in range(4)] + [penalty(P.REVOKE_LICENCE) for _ in range(6)]
    r = report(facts, agencies={1: "甲"})
    rec = _record(r, "甲")
    assert rec["行政处罚·罚款(宗)"] == "<3"
    assert rec["行政处罚·警告(宗)"] == "<3"
    assert rec["行政处罚·吊销许可证件(宗)"] == 6
    assert rec[PENALTY_TOTAL_COLUMN.title] == 11
    assert rec["行政处罚·通报批评(宗)"] == 0
    # with one agency the totals row repeats the row, so it is hidden the same way
    assert r.suppressed_cells() == {
        (1, FINE), (1, WARNING), (1, AMOUNT), (None, FINE), (None, WARNING), (None, AMOUNT)}


def test_secondary_suppression_across_rows_and_columns() -> None:
    facts = [penalty(P.FINE, fine="200", person=True, agency=1)]
    facts += [penalty(P.WARNING, agency=1) for _ in range(4)] + [penalty(P.REVOKE_LICENCE, agency=1) for _ in range(6)]
    facts += [penalty(P.FINE, fine="1000", agency=2) for _ in range(3)] + [penalty(P.WARNING, agency=2)
                                                                           for _ in range(5)]
    r = report(facts, agencies={1: "甲", 2: "乙"})
    assert r.suppressed_cells() == {
        (1, FINE), (1, AMOUNT),  # primary
        (1, WARNING),  # row 甲: only 罚款 hidden under 合计
        (2, FINE),  # column 罚款: 合计行 4 − 甲 would reveal 甲
        (2, WARNING),  # row 乙: now only 罚款 hidden under 合计
        (2, AMOUNT),  # column 罚没金额: 合计行 − 乙 would reveal 甲's amount
    }
    totals = _record(r, TOTAL_ROW_NAME)
    assert totals["行政处罚·罚款(宗)"] == 4 and totals[AMOUNT_COLUMN.title] == Decimal("3200")


def test_no_secondary_suppression_when_two_cells_are_already_hidden() -> None:
    facts = [penalty(P.FINE, person=True), penalty(P.DETENTION, person=True)]
    facts += [penalty(P.WARNING) for _ in range(5)]
    r = report(facts, agencies={1: "甲"})
    rec = _record(r, "甲")
    assert rec["行政处罚·罚款(宗)"] == "<3" and rec["行政处罚·行政拘留(宗)"] == "<3"
    assert rec["行政处罚·警告(宗)"] == 5 and rec[PENALTY_TOTAL_COLUMN.title] == 7


def _sums(r: AnnualReport) -> list[list[tuple[int | None, str]]]:
    lines = [row for row in (*r.rows, r.totals) if row.status is not ReportStatus.UNREPORTED]
    sums = [[(row.agency_id, TOTAL)] + [(row.agency_id, k) for k in PENALTY_TYPE_KEYS] for row in lines]
    agencies = [row.agency_id for row in lines if row.agency_id is not None]
    sums += [[(None, c.key)] + [(a, c.key) for a in agencies] for c in COLUMNS]
    return sums


@pytest.mark.parametrize("seed", range(40))
def test_suppression_invariants(seed: int) -> None:
    rng = random.Random(1000 + seed)
    facts = _random_facts(rng, rng.randint(0, 40))
    r = report(facts, reported={a for a in (1, 2, 3, 4) if rng.random() < 0.85})
    hidden = r.suppressed_cells()
    lines = [row for row in (*r.rows, r.totals) if row.status is not ReportStatus.UNREPORTED]
    for row in lines:
        for key, cell in row.cells.items():
            ref = (row.agency_id, key)
            if 0 < cell.decisions < 3 and cell.natural_persons:
                assert ref in hidden  # every risky cell is hidden
            if key != AMOUNT and cell.value == 0:
                assert ref not in hidden  # zeros stay zeros
        if (row.agency_id, TOTAL) in hidden:
            assert (row.agency_id, AMOUNT) in hidden
    for refs in _sums(r):
        assert sum(ref in hidden for ref in refs) != 1  # nothing can be backed out of a published sum
    # public records carry exactly the hidden cells as “<3”
    for rec, row in zip(r.to_records(), (*r.rows, r.totals), strict=True):
        if row.status is ReportStatus.UNREPORTED:
            continue
        for col in COLUMNS:
            assert (rec[col.title] == "<3") == ((row.agency_id, col.key) in hidden)


def test_to_records_layout() -> None:
    r = report([penalty(P.FINE, fine="10")])
    records = r.to_records(suppress=False)
    assert len(records) == len(AGENCIES) + 1
    assert list(records[0]) == [AGENCY_HEADER, STATUS_HEADER, *(c.title for c in COLUMNS)]
    assert records[-1][AGENCY_HEADER] == TOTAL_ROW_NAME and records[-1][STATUS_HEADER] == ""
    assert records[-1][AMOUNT_COLUMN.title] == Decimal("10")
    assert r.to_records() == r.to_records(suppress=True)


# --- publication deadline (D8) -----------------------------------------------------------------------------------


@pytest.mark.parametrize(("year", "deadline"), [(2023, date(2024, 1, 31)), (2024, date(2025, 1, 31))])
def test_publication_deadline(year: int, deadline: date) -> None:
    assert publication_deadline_for_year(year) == deadline
    assert annual_report([], year, {}).publication_deadline == deadline


@pytest.mark.parametrize(
    ("published_on", "today", "expected"),
    [
        (date(2025, 1, 15), date(2025, 1, 20), "按时公开"),
        (date(2025, 1, 31), date(2025, 3, 1), "按时公开"),  # the deadline day itself is on time
        (date(2025, 2, 1), date(2025, 3, 1), "逾期公开"),
        (date(2025, 6, 30), date(2026, 1, 1), "逾期公开"),
        (None, date(2024, 11, 1), "未公开(未到期)"),  # year still running
        (None, date(2025, 1, 1), "未公开(未到期)"),
        (None, date(2025, 1, 31), "未公开(未到期)"),
        (None, date(2025, 2, 1), "逾期未公开"),
    ],
)
def test_annual_report_due_status(published_on: date | None, today: date, expected: str) -> None:
    status = annual_report_due_status(2024, published_on, today)
    assert REPORT_WORDING[status] == expected and isinstance(status, DueState)


def test_domain_module_is_pure() -> None:
    source = (Path(__file__).parents[2] / "domain" / "statistics.py").read_text(encoding="utf-8")
    for banned in ("streamlit", "sqlalchemy", "pandas"):
        assert f"import {banned}" not in source and f"from {banned}" not in source
    assert "float(" not in source
