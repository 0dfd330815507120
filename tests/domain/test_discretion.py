from __future__ import annotations

from decimal import Decimal as D

import pytest

from domain.discretion import (
    ParsedStandard,
    assess_fine,
    parse_penalty_standard,
    resolve_range,
    tier_bounds_guangdong,
    tier_bounds_model_a,
    tier_bounds_model_b,
    tier_bounds_model_b_max_only,
    tier_for_amount,
)
from domain.enums import BenchmarkRangeKind as K
from domain.enums import DiscretionTier as T
from domain.enums import PenaltyType as P

# text, kind, min_amount, max_amount, base, min_factor, max_factor, penalty types
PARSE_CASES = [
    ("处一万元以上十万元以下的罚款", K.FIXED, "10000", "100000", None, None, None, {P.FINE}),
    ("处五万元以下罚款", K.MAX_ONLY, None, "50000", None, None, None, {P.FINE}),
    ("处建设项目总投资额百分之一以上百分之二以下的罚款", K.RELATIVE, None, None, "总投资额", "0.01", "0.02", {P.FINE}),
    ("处违法所得一倍以上三倍以下罚款", K.RELATIVE, None, None, "违法所得", "1", "3", {P.FINE}),
    (
        "处二十万元以上一百万元以下的罚款，并责令停业、关闭",
        K.FIXED, "200000", "1000000", None, None, None, {P.FINE, P.ORDER_SUSPENSION, P.ORDER_CLOSURE},
    ),
    ("责令停止建设", K.NON_MONETARY, None, None, None, None, None, set()),
    ("给予警告", K.NON_MONETARY, None, None, None, None, None, {P.WARNING}),
    ("报经有批准权的人民政府批准，责令停业", K.NON_MONETARY, None, None, None, None, None, {P.ORDER_SUSPENSION}),
    ("责令改正，处二十万元罚款", K.FIXED, "200000", "200000", None, None, None, {P.FINE}),
    ("责令备案，处五万元的罚款", K.FIXED, "50000", "50000", None, None, None, {P.FINE}),
    ("处3万元以上5万元以下的罚款", K.FIXED, "30000", "50000", None, None, None, {P.FINE}),
    ("责令改正，处300元以上1500元以下罚款", K.FIXED, "300", "1500", None, None, None, {P.FINE}),
    ("处1,000元以上5,000元以下罚款", K.FIXED, "1000", "5000", None, None, None, {P.FINE}),
    ("责令停止违法行为，限期改正，处以一万元以上三万元以下罚款", K.FIXED, "10000", "30000", None, None, None, {P.FINE}),
    ("责令停止违法行为，限期改正，处以处六万元以上十万元以下的罚款", K.FIXED, "60000", "100000", None, None, None, {P.FINE}),
    ("处二十万元以上三十万元以下元罚款", K.FIXED, "200000", "300000", None, None, None, {P.FINE}),
    # lower bound without 元/万 borrows the upper bound's unit
    ("责令停止违法行为，可以处二百以上五百元以下的罚款", K.FIXED, "200", "500", None, None, None, {P.FINE}),
    ("处十二万以上十五万元以下罚款", K.FIXED, "120000", "150000", None, None, None, {P.FINE}),
    ("处二十至三十万元罚款", K.FIXED, "200000", "300000", None, None, None, {P.FINE}),
    ("处货值金额1倍以上2倍以下的罚款", K.RELATIVE, None, None, "货值金额", "1", "2", {P.FINE}),
    ("处所收费用三倍的罚款", K.RELATIVE, None, None, "所收费用", "3", "3", {P.FINE}),
    ("责令限期改正，处代为处置费用两倍的罚款", K.RELATIVE, None, None, "代为处置费用", "2", "2", {P.FINE}),
    (
        "责令停止违法行为，没收违法所得，可以并处违法所得一倍的罚款",
        K.RELATIVE, None, None, "违法所得", "1", "1", {P.FINE, P.CONFISCATE_GAINS},
    ),
    ("处以直接经济损失2倍罚款", K.RELATIVE, None, None, "直接经济损失", "2", "2", {P.FINE}),
    ("处以直接损失20%的罚款", K.RELATIVE, None, None, "直接损失", "0.2", "0.2", {P.FINE}),
    ("按照直接损失的百分之三十计算罚款，但是最高不超过一百万元", K.RELATIVE, None, None, "直接损失", "0.3", "0.3", {P.FINE}),
    (
        "处所收费用五倍的罚款，禁止从事环境影响报告书、环境影响报告表编制工作",
        K.RELATIVE, None, None, "所收费用", "5", "5", {P.FINE, P.RESTRICT_PRACTICE},
    ),
    ("没收违法所得，处10万元以上20万元以下罚款", K.FIXED, "100000", "200000", None, None, None, {P.FINE, P.CONFISCATE_GAINS}),
    ("吊销许可证，并处五千元罚款", K.FIXED, "5000", "5000", None, None, None, {P.FINE, P.REVOKE_LICENCE}),
    ("处罚款人民币3000元", K.FIXED, "3000", "3000", None, None, None, {P.FINE}),
    (
        "处二十万元以上七十万元以下罚款（每增加1个超标因子增加五万元，每个因子超标每0.2倍增加二万元）",
        K.FIXED, "200000", "700000", None, None, None, {P.FINE},
    ),
    (
        "处二十万元以上七十万元以下罚款一般水污染物（不含一类污染物）每增加1个超标因子增加一万元，每个因子超标每0.5倍增加两万元",
        K.FIXED, "200000", "700000", None, None, None, {P.FINE},
    ),
]


def _d(value: str | None) -> D | None:
    return None if value is None else D(value)


@pytest.mark.parametrize(
    ("text", "kind", "lo", "hi", "base", "f_lo", "f_hi", "types"), PARSE_CASES, ids=[c[0][:24] for c in PARSE_CASES]
)
def test_parse_penalty_standard(
    text: str, kind: K, lo: str | None, hi: str | None, base: str | None, f_lo: str | None, f_hi: str | None, types: set[P]
) -> None:
    parsed = parse_penalty_standard(text)
    assert parsed.parsed
    assert parsed.raw == text
    assert parsed.kind is kind
    assert (parsed.min_amount, parsed.max_amount) == (_d(lo), _d(hi))
    assert parsed.base == base
    assert (parsed.min_factor, parsed.max_factor) == (_d(f_lo), _d(f_hi))
    assert parsed.penalty_types == frozenset(types)


def test_parse_is_frozen() -> None:
    parsed = parse_penalty_standard("处五万元以下罚款")
    with pytest.raises(AttributeError):
        parsed.max_amount = D(1)  # type: ignore[misc]


def test_secondary_fine_on_responsible_persons() -> None:
    parsed = parse_penalty_standard(
        "处五十万元以上七十万元以下的罚款，并对建设单位的法定代表人、主要负责人、直接负责的主管人员和其他直接责任人员，"
        "处五万元以上七万元以下的罚款"
    )
    assert (parsed.min_amount, parsed.max_amount) == (D(500000), D(700000))
    assert parsed.target is None
    (person,) = parsed.secondary
    assert (person.kind, person.min_amount, person.max_amount) == (K.FIXED, D(50000), D(70000))
    assert person.target is not None and "直接责任人员" in person.target


def test_single_amount_for_unit_and_range_for_person() -> None:
    # Jiangmen 6-16 level 5: the CSV machine parse wrongly took the individual's range as the tier's range.
    parsed = parse_penalty_standard(
        "责令改正，处二十万元罚款，对直接负责的主管人员和其他直接责任人员处一万八千元以上二万元以下的罚款"
    )
    assert (parsed.min_amount, parsed.max_amount) == (D(200000), D(200000))
    assert parsed.is_single_amount
    assert (parsed.secondary[0].min_amount, parsed.secondary[0].max_amount) == (D(18000), D(20000))


def test_relative_secondary_with_missing_unit_and_missing_yixia() -> None:
    parsed = parse_penalty_standard(
        "处以直接经济损失5倍罚款；对责任人员可以处上一年度从本单位取得收入35以上50％以下的罚款"
    )
    assert (parsed.kind, parsed.base, parsed.min_factor) == (K.RELATIVE, "直接经济损失", D(5))
    (person,) = parsed.secondary
    assert (person.base, person.min_factor, person.max_factor) == ("上一年度从本单位取得的收入", D("0.35"), D("0.5"))
    assert person.fine_optional and person.target == "责任人员"
    assert any("缺少单位" in note for note in parsed.notes)

    parsed = parse_penalty_standard("处以直接损失20%的罚款；对责任人员可以处上一年度从本单位取得收入20%以上30%的罚款")
    assert (parsed.secondary[0].min_factor, parsed.secondary[0].max_factor) == (D("0.2"), D("0.3"))
    assert any("缺少“以下”" in note for note in parsed.notes)


def test_relative_max_only_factor() -> None:
    parsed = parse_penalty_standard("对责任人员可以处上一年度从本单位取得收入10%以下的罚款")
    assert (parsed.kind, parsed.min_factor, parsed.max_factor) == (K.RELATIVE, D(0), D("0.1"))


def test_cap_on_relative_fine() -> None:
    parsed = parse_penalty_standard("按照直接损失的百分之三十计算罚款，但是最高不超过一百万元")
    assert parsed.cap_amount == D(1000000)
    assert resolve_range(parsed, D(2000000)) == (D("600000.00"), D("600000.00"))
    assert resolve_range(parsed, D(5000000)) == (D(1000000), D(1000000))


def test_optional_fine_flag() -> None:
    assert parse_penalty_standard("责令改正，可处五千元以下罚款").fine_optional
    assert parse_penalty_standard("责令停止生产或者使用，可以并处五万元以下的罚款").fine_optional
    assert not parse_penalty_standard("处五万元以下罚款").fine_optional


ODDITY_CASES = [
    # 10-16: 以下…以下 is a slip for 以上…以下; the neighbouring tiers are 5–7万 and 9–10万.
    ("处七万元以下九万元以下罚款", K.FIXED, D(70000), D(90000), "疑为"),
    # 8-3: "一百万一十元" read literally (1,000,010); most likely 一百一十万 was meant, so it is flagged.
    ("处一百万一十元以上一百三十万元以下罚款", K.FIXED, D(1000010), D(1300000), "写法不规范"),
]


@pytest.mark.parametrize(("text", "kind", "lo", "hi", "note"), ODDITY_CASES)
def test_source_oddities_are_parsed_and_noted(text: str, kind: K, lo: D, hi: D, note: str) -> None:
    parsed = parse_penalty_standard(text)
    assert (parsed.kind, parsed.min_amount, parsed.max_amount) == (kind, lo, hi)
    assert any(note in n for n in parsed.notes)


@pytest.mark.parametrize("text", ["处罚款", "罚款若干", "处¥¥罚款", ""])
def test_unreadable_fine_never_raises(text: str) -> None:
    parsed = parse_penalty_standard(text)
    assert parsed.kind is K.NON_MONETARY
    assert not parsed.parsed
    assert resolve_range(parsed, None) is None


def test_non_string_input_does_not_raise() -> None:
    parsed = parse_penalty_standard(None)  # type: ignore[arg-type]
    assert not parsed.parsed


# --- tier models ---------------------------------------------------------------------------------------------

MODEL_A_CASES = [
    # docs/rules.md §3.3: 1万–10万元 -> 从轻 1.0–3.7万, 一般 3.7–7.3万, 从重 7.3–10万
    (D(10000), D(100000), {T.LIGHTER: (D(10000), D(37000)), T.GENERAL: (D(37000), D(73000)), T.HEAVIER: (D(73000), D(100000))}),
    # 1–3倍 -> 1–1.6, 1.6–2.4, 2.4–3
    (D(1), D(3), {T.LIGHTER: (D(1), D("1.6")), T.GENERAL: (D("1.6"), D("2.4")), T.HEAVIER: (D("2.4"), D(3))}),
    (D(0), D(50000), {T.LIGHTER: (D(0), D(15000)), T.GENERAL: (D(15000), D(35000)), T.HEAVIER: (D(35000), D(50000))}),
    (D(5), D(5), {T.LIGHTER: (D(5), D(5)), T.GENERAL: (D(5), D(5)), T.HEAVIER: (D(5), D(5))}),
]


@pytest.mark.parametrize(("lo", "hi", "expected"), MODEL_A_CASES)
def test_tier_bounds_model_a(lo: D, hi: D, expected: dict[T, tuple[D, D]]) -> None:
    assert tier_bounds_model_a(lo, hi) == expected


def test_tier_bounds_model_a_is_configurable() -> None:
    bounds = tier_bounds_model_a(D(0), D(100), light=D("0.25"), heavy=D("0.75"))
    assert bounds[T.GENERAL] == (D(25), D(75))


@pytest.mark.parametrize(
    ("args", "kwargs"),
    [((D(10), D(1)), {}), ((D(-1), D(1)), {}), ((D(0), D(1)), {"light": D("0.8"), "heavy": D("0.2")})],
)
def test_tier_bounds_model_a_rejects(args: tuple[D, D], kwargs: dict[str, D]) -> None:
    with pytest.raises(ValueError):
        tier_bounds_model_a(*args, **kwargs)


def test_tier_bounds_model_b_middle_step() -> None:
    assert tier_bounds_model_b(D(0), D(90)) == {T.LIGHTER: (D(0), D(30)), T.GENERAL: (D(30), D(60)), T.HEAVIER: (D(60), D(90))}
    assert tier_bounds_model_b(D(0), D(100), tiers=5)[T.GENERAL] == (D(40), D(60))
    with pytest.raises(ValueError):
        tier_bounds_model_b(D(0), D(100), tiers=4)


def test_tier_bounds_model_b_max_only() -> None:
    # docs/rules.md §3.3 model B(3): 一般 40–60 % of max, 从轻 ≤ 20 %.
    bounds = tier_bounds_model_b_max_only(D(50000))
    assert bounds[T.LIGHTER] == (D(0), D(10000))
    assert bounds[T.GENERAL] == (D(20000), D(30000))
    assert bounds[T.HEAVIER] == (D(30000), D(50000))
    assert tier_for_amount(D(10000), bounds) is T.LIGHTER
    assert tier_for_amount(D(15000), bounds) is None  # the 20–40 % gap belongs to no tier


def test_tier_bounds_guangdong_midpoint() -> None:
    # 粤环发〔2021〕7号 art. 12(二): 一般 = average, 从轻 below, 从重 not below.
    bounds = tier_bounds_guangdong(D(10000), D(100000))
    assert bounds[T.GENERAL] == (D(55000), D(55000))
    assert tier_for_amount(D(55000), bounds) is T.GENERAL
    assert tier_for_amount(D(54999), bounds) is T.LIGHTER
    assert tier_for_amount(D(55001), bounds) is T.HEAVIER


TIER_FOR_AMOUNT_CASES = [
    (D(10000), T.LIGHTER),
    (D(36999), T.LIGHTER),
    (D(37000), T.GENERAL),  # shared boundary goes to the higher tier
    (D(73000), T.HEAVIER),
    (D(100000), T.HEAVIER),
    (D(9999), None),
    (D(100001), None),
]


@pytest.mark.parametrize(("amount", "tier"), TIER_FOR_AMOUNT_CASES)
def test_tier_for_amount_model_a(amount: D, tier: T | None) -> None:
    assert tier_for_amount(amount, tier_bounds_model_a(D(10000), D(100000))) is tier


# --- resolve_range -----------------------------------------------------------------------------------------

RESOLVE_CASES = [
    ("处一万元以上十万元以下的罚款", None, (D(10000), D(100000))),
    ("处五万元以下罚款", None, (D(0), D(50000))),
    ("处违法所得一倍以上三倍以下罚款", D("12345.67"), (D("12345.67"), D("37037.01"))),
    ("处违法所得一倍以上三倍以下罚款", None, None),
    ("处违法所得一倍以上三倍以下罚款", D(0), None),  # 没有违法所得: a different clause applies
    ("处建设项目总投资额百分之一以上百分之二以下的罚款", D(3000000), (D("30000.00"), D("60000.00"))),
    ("给予警告", D(100), None),
]


@pytest.mark.parametrize(("text", "base", "expected"), RESOLVE_CASES)
def test_resolve_range(text: str, base: D | None, expected: tuple[D, D] | None) -> None:
    assert resolve_range(parse_penalty_standard(text), base) == expected


# --- assess_fine ---------------------------------------------------------------------------------------------

RANGE_1_10 = "处一万元以上十万元以下的罚款"
MULTIPLE_1_3 = "处违法所得一倍以上三倍以下罚款"

# text, amount, base, claimed, within, below, above, computed, mismatch, phrase in explanation
ASSESS_CASES = [
    (RANGE_1_10, D(20000), None, T.LIGHTER, True, False, False, T.LIGHTER, False, "一致"),
    (RANGE_1_10, D(50000), None, T.GENERAL, True, False, False, T.GENERAL, False, "“一般”"),
    (RANGE_1_10, D(50000), None, T.HEAVIER, True, False, False, T.GENERAL, True, "不符"),
    (RANGE_1_10, D(80000), None, T.LIGHTER, True, False, False, T.HEAVIER, True, "不符"),
    (RANGE_1_10, D(37000), None, T.LIGHTER, True, False, False, T.GENERAL, False, "一致"),  # boundary fits both
    (RANGE_1_10, D(100000), None, T.HEAVIER, True, False, False, T.HEAVIER, False, "一致"),
    (RANGE_1_10, D(120000), None, T.HEAVIER, False, False, True, None, True, "高于"),
    (RANGE_1_10, D(5000), None, T.MITIGATED, False, True, False, T.MITIGATED, False, "减轻"),
    (RANGE_1_10, D(5000), None, T.LIGHTER, False, True, False, T.MITIGATED, True, "不符"),
    (RANGE_1_10, D(20000), None, T.MITIGATED, True, False, False, None, True, "不属于减轻"),
    (RANGE_1_10, D(20000), None, T.NONE, True, False, False, None, True, "不予处罚"),
    (RANGE_1_10, D(0), None, T.NONE, False, True, False, T.NONE, False, "低于"),
    (RANGE_1_10, D(20000), None, None, True, False, False, T.LIGHTER, False, "从轻"),
    (MULTIPLE_1_3, D(20000), D(10000), T.GENERAL, True, False, False, T.GENERAL, False, "违法所得"),  # 2倍
    (MULTIPLE_1_3, D(15000), D(10000), T.GENERAL, True, False, False, T.LIGHTER, True, "不符"),  # 1.5倍
    (MULTIPLE_1_3, D(25000), D(10000), T.HEAVIER, True, False, False, T.HEAVIER, False, "一致"),  # 2.5倍
    (MULTIPLE_1_3, D(20000), None, T.GENERAL, None, False, False, None, False, "缺少违法所得"),
    ("处五万元以下罚款", D(10000), None, T.LIGHTER, True, False, False, T.LIGHTER, False, "一致"),
    ("处五万元以下罚款", D(40000), None, T.GENERAL, True, False, False, T.HEAVIER, True, "不符"),
    ("处五万元以下罚款", D(0), None, T.NONE, True, False, False, None, False, "未处罚款"),
    ("责令改正，可处五千元以下罚款", D(0), None, None, True, False, False, None, False, "未处罚款"),
    ("责令改正，处二十万元罚款", D(200000), None, T.HEAVIER, True, False, False, None, False, "固定金额"),
    ("责令改正，处二十万元罚款", D(150000), None, T.LIGHTER, False, True, False, T.MITIGATED, True, "减轻"),
    ("给予警告", D(0), None, None, True, False, False, None, False, "未规定罚款"),
    ("给予警告", D(1000), None, T.LIGHTER, False, False, True, None, True, "超出"),
    ("处罚款", D(1000), None, T.LIGHTER, None, False, False, None, False, "未能识别"),
]


@pytest.mark.parametrize(
    ("text", "amount", "base", "claimed", "within", "below", "above", "computed", "mismatch", "phrase"),
    ASSESS_CASES,
    ids=[f"{c[0][:10]}-{c[1]}-{c[3]}" for c in ASSESS_CASES],
)
def test_assess_fine(
    text: str,
    amount: D,
    base: D | None,
    claimed: T | None,
    within: bool | None,
    below: bool,
    above: bool,
    computed: T | None,
    mismatch: bool,
    phrase: str,
) -> None:
    result = assess_fine(amount, parse_penalty_standard(text), base, claimed)
    assert result.within_range is within
    assert (result.below_min, result.above_max) == (below, above)
    assert result.computed_tier is computed
    assert result.tier_mismatch is mismatch
    assert phrase in result.explanation
    assert result.claimed_tier is claimed


def test_assess_fine_explanation_names_bands() -> None:
    result = assess_fine(D(50000), parse_penalty_standard(RANGE_1_10), None, T.HEAVIER)
    assert result.explanation == (
        "罚款50,000.00元在裁量标准幅度内（罚款10,000.00元至100,000.00元），按分档属于“一般”"
        "（37,000.00元至73,000.00元），与认定的“从重”（73,000.00元至100,000.00元）不符。"
    )
    assert result.computed_band == (D(37000), D(73000))


def test_assess_fine_with_pluggable_model() -> None:
    parsed = parse_penalty_standard("处五万元以下罚款")
    result = assess_fine(D(25000), parsed, None, T.GENERAL, tier_bounds=lambda lo, hi: tier_bounds_model_b_max_only(hi))
    assert result.computed_tier is T.GENERAL and not result.tier_mismatch
    result = assess_fine(D(15000), parsed, None, T.LIGHTER, tier_bounds=lambda lo, hi: tier_bounds_model_b_max_only(hi))
    assert result.computed_tier is None and result.tier_mismatch
    result = assess_fine(D(60000), parse_penalty_standard(RANGE_1_10), None, T.HEAVIER, tier_bounds=tier_bounds_guangdong)
    assert result.computed_tier is T.HEAVIER and not result.tier_mismatch


@pytest.mark.parametrize(("amount", "base"), [(D(-1), None), (D(1), D(-5))])
def test_assess_fine_rejects_negative(amount: D, base: D | None) -> None:
    with pytest.raises(ValueError):
        assess_fine(amount, parse_penalty_standard(MULTIPLE_1_3), base, None)


def test_assess_fine_rejects_float() -> None:
    with pytest.raises(ValueError):
        assess_fine(1000.0, parse_penalty_standard(RANGE_1_10), None, None)  # type: ignore[arg-type]


def test_describe() -> None:
    assert parse_penalty_standard(MULTIPLE_1_3).describe() == "罚款违法所得的1倍至3倍"
    assert parse_penalty_standard("处建设项目总投资额百分之一以上百分之二以下的罚款").describe() == "罚款总投资额的1%至2%"
    assert parse_penalty_standard("处五万元以下罚款").describe() == "罚款50,000.00元以下"
    assert isinstance(parse_penalty_standard("给予警告"), ParsedStandard)
