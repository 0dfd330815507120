"""Checking a fine against the item it applied: boundaries of fixed, max-only and relative tiers, both tier models for
a whole-item range, the version in force on the effective date, and the robust peer comparison."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal as D

import pytest

from domain.discretion import parse_penalty_standard
from domain.discretion_check import (
    BenchmarkRule,
    TierModel,
    TierRule,
    check_fine,
    departs_from_benchmark,
    in_force,
    match_no_penalty,
    parse_no_penalty_list,
    public_distribution,
    score_peers,
    statement_explains_discretion,
)
from domain.discretion_check import (
    DiscretionFlag as F,
)
from domain.enums import DiscretionTier as T

OK_STATEMENT = "适用裁量基准第一档，违法情节较轻，从轻处罚。"


def rule(*standards: str, labels: tuple[T | None, ...] = (), grades: tuple[int | None, ...] = (),
         statutory: str | None = None, start: dt.date = dt.date(2020, 3, 1), end: dt.date | None = None,
         item_id: int = 1) -> BenchmarkRule:
    tiers = tuple(
        TierRule(tier_id=item_id * 100 + i, position=i, grade=grades[i - 1] if grades else i,
                 label=labels[i - 1] if labels else None, circumstance=f"情节{i}", standard=parse_penalty_standard(s))
        for i, s in enumerate(standards, start=1))
    return BenchmarkRule(item_id, "测试基准", "1-1", "测试违法行为", "《测试法》第一条", start, end, tiers,
                         parse_penalty_standard(statutory) if statutory else None)


FIXED = rule("处一万元以上三万元以下罚款", "处三万元以上六万元以下罚款", "处六万元以上十万元以下罚款")
MAX_ONLY = rule("处二万元以下罚款", "处二万元以上五万元以下罚款")
RELATIVE = rule("处违法所得一倍以上二倍以下罚款", "处违法所得二倍以上五倍以下罚款")


@pytest.mark.parametrize(("r", "tier_pos", "amount", "base", "flags"), [
    # fixed tiers, claimed grade 1 (1万–3万); the item spans 1万–10万
    (FIXED, 1, D("10000"), None, ()),
    (FIXED, 1, D("9999.99"), None, (F.OUT_OF_RANGE,)),
    (FIXED, 1, D("30000"), None, ()),
    (FIXED, 1, D("30000.01"), None, (F.TIER_MISMATCH,)),
    (FIXED, 1, D("100000"), None, (F.TIER_MISMATCH,)),  # inside the statutory range: 档次不符, not 超出
    (FIXED, 1, D("100000.01"), None, (F.OUT_OF_RANGE,)),
    (FIXED, 3, D("60000"), None, ()),
    (FIXED, 3, D("59999.99"), None, (F.TIER_MISMATCH,)),
    (FIXED, 2, D("30000"), None, ()),
    # max-only first tier: 0–2万, then 2万–5万
    (MAX_ONLY, 1, D("20000"), None, ()),
    (MAX_ONLY, 1, D("20000.01"), None, (F.TIER_MISMATCH,)),
    (MAX_ONLY, 1, D("1"), None, ()),
    (MAX_ONLY, 2, D("50000.01"), None, (F.OUT_OF_RANGE,)),
    (MAX_ONLY, 2, D("19999.99"), None, (F.TIER_MISMATCH,)),
    # relative: 违法所得 1–2倍, 2–5倍, base 10,000
    (RELATIVE, 1, D("10000"), D("10000"), ()),
    (RELATIVE, 1, D("9999.99"), D("10000"), (F.OUT_OF_RANGE,)),
    (RELATIVE, 1, D("20000"), D("10000"), ()),
    (RELATIVE, 1, D("20000.01"), D("10000"), (F.TIER_MISMATCH,)),
    (RELATIVE, 2, D("50000"), D("10000"), ()),
    (RELATIVE, 2, D("50000.01"), D("10000"), (F.OUT_OF_RANGE,)),
    (RELATIVE, 1, D("15000"), None, (F.NO_BASE,)),
])
def test_boundaries(r: BenchmarkRule, tier_pos: int, amount: D, base: D | None, flags: tuple[F, ...]) -> None:
    result = check_fine(r, r.tiers[tier_pos - 1].tier_id, None, amount, base, OK_STATEMENT)
    assert result.flags == flags, result.explanation()


def test_below_minimum_with_recorded_mitigation_is_not_out_of_range() -> None:
    assert check_fine(FIXED, 100 + 1, T.MITIGATED, D("5000"), None, OK_STATEMENT).flags == ()
    assert check_fine(FIXED, 101, None, D("5000"), None, "依据行政处罚法第三十二条减轻处罚，适用裁量基准。").flags == ()
    assert departs_from_benchmark(check_fine(FIXED, 101, T.MITIGATED, D("5000"), None, OK_STATEMENT))


def test_explanations_cite_row_and_numbers() -> None:
    text = check_fine(FIXED, 101, None, D("40000"), None, OK_STATEMENT).explanation()
    assert "第1-1项第1级" in text and "10,000.00元至30,000.00元" in text and "40,000.00元" in text
    assert "第2级" in text  # where the amount falls
    text = check_fine(FIXED, 101, None, D("120000"), None, OK_STATEMENT).explanation()
    assert "100,000.00元" in text and "超出法定幅度" in text


WHOLE = rule("处一万元以上十万元以下罚款")


@pytest.mark.parametrize(("model", "claimed", "amount", "mismatch"), [
    # 30/40/30: 从轻 1万–3.7万, 一般 3.7万–7.3万, 从重 7.3万–10万 (shared edges belong to both)
    (TierModel.SPLIT_30_40_30, T.LIGHTER, D("37000"), False),
    (TierModel.SPLIT_30_40_30, T.LIGHTER, D("37000.01"), True),
    (TierModel.SPLIT_30_40_30, T.GENERAL, D("36999.99"), True),
    (TierModel.SPLIT_30_40_30, T.GENERAL, D("73000"), False),
    (TierModel.SPLIT_30_40_30, T.HEAVIER, D("72999.99"), True),
    (TierModel.SPLIT_30_40_30, T.HEAVIER, D("100000"), False),
    # 广东 midpoint 5.5万: 从轻 below, 一般 at it, 从重 not below it
    (TierModel.GUANGDONG_MIDPOINT, T.LIGHTER, D("55000"), False),
    (TierModel.GUANGDONG_MIDPOINT, T.LIGHTER, D("55000.01"), True),
    (TierModel.GUANGDONG_MIDPOINT, T.GENERAL, D("55000"), False),
    (TierModel.GUANGDONG_MIDPOINT, T.GENERAL, D("54999.99"), True),
    (TierModel.GUANGDONG_MIDPOINT, T.HEAVIER, D("55000"), False),
    (TierModel.GUANGDONG_MIDPOINT, T.HEAVIER, D("54999.99"), True),
])
def test_whole_item_range_is_split_by_the_model(model: TierModel, claimed: T, amount: D, mismatch: bool) -> None:
    result = check_fine(WHOLE, None, claimed, amount, None, OK_STATEMENT, model=model)
    assert (F.TIER_MISMATCH in result.flags) is mismatch, result.explanation()
    assert F.OUT_OF_RANGE not in result.flags


def test_a_printed_grade_is_never_split_again() -> None:
    # 3万–6万 is grade 2 of the item; an amount anywhere in it matches, whatever 30/40/30 would say of it
    for amount in (D("30000"), D("31000"), D("59000"), D("60000")):
        assert check_fine(FIXED, 102, T.LIGHTER, amount, None, OK_STATEMENT).flags == ()


def test_labelled_tiers_compare_with_the_claimed_label_when_no_tier_is_linked() -> None:
    r = rule("处一万元以上三万元以下罚款", "处三万元以上七万元以下罚款", "处七万元以上十万元以下罚款",
             labels=(T.LIGHTER, T.GENERAL, T.HEAVIER), grades=(None, None, None))
    assert check_fine(r, None, T.GENERAL, D("50000"), None, OK_STATEMENT).flags == ()
    assert check_fine(r, None, T.LIGHTER, D("50000"), None, OK_STATEMENT).flags == (F.TIER_MISMATCH,)


def test_explicit_statutory_range_wins_over_the_tier_span() -> None:
    r = rule("处一万元以上三万元以下罚款", "处三万元以上六万元以下罚款", statutory="处一万元以上十万元以下罚款")
    result = check_fine(r, 101, None, D("80000"), None, OK_STATEMENT)
    assert result.flags == (F.TIER_MISMATCH,)
    assert result.statutory_range == (D("10000"), D("100000"))


@pytest.mark.parametrize(("statement", "flagged"), [
    ("", True), ("   ", True), ("罚款五万元。", True), ("违法情节一般，适用第二档。", False), (OK_STATEMENT, False),
])
def test_missing_statement(statement: str, flagged: bool) -> None:
    assert statement_explains_discretion(statement) is not flagged
    assert (F.NO_STATEMENT in check_fine(FIXED, 101, None, D("20000"), None, statement).flags) is flagged


V1 = rule("处一万元以上三万元以下罚款", "处三万元以上十万元以下罚款", start=dt.date(2023, 1, 1), end=dt.date(2025, 7, 1))
V2 = rule("处一万元以上二万五千元以下罚款", "处二万五千元以上十万元以下罚款", start=dt.date(2025, 7, 1), item_id=2)


@pytest.mark.parametrize(("day", "expected"), [
    (dt.date(2022, 12, 31), None), (dt.date(2023, 1, 1), V1), (dt.date(2025, 6, 30), V1),
    (dt.date(2025, 7, 1), V2), (dt.date(2030, 1, 1), V2),
])
def test_version_in_force_on_the_effective_date(day: dt.date, expected: BenchmarkRule | None) -> None:
    assert in_force([V1, V2], day) is expected


def test_version_change_changes_the_verdict() -> None:
    # 2.8万 claimed in the lighter tier: fine under v1 (1万–3万), 档次不符 under v2 (1万–2.5万)
    assert check_fine(V1, 101, None, D("28000"), None, OK_STATEMENT).flags == ()
    assert check_fine(V2, 201, None, D("28000"), None, OK_STATEMENT).flags == (F.TIER_MISMATCH,)


def test_departs_from_benchmark() -> None:
    assert not departs_from_benchmark(None)
    assert not departs_from_benchmark(check_fine(FIXED, 101, None, D("20000"), None, OK_STATEMENT))
    assert not departs_from_benchmark(check_fine(FIXED, 101, None, D("20000"), None, ""))
    assert departs_from_benchmark(check_fine(FIXED, 101, None, D("40000"), None, OK_STATEMENT))
    assert departs_from_benchmark(check_fine(FIXED, 101, None, D("200000"), None, OK_STATEMENT))


NO_PENALTY_MD = """
### 14、未密闭煤炭、煤矸石、煤渣、煤灰、水泥、石灰、石膏、砂土等易产生扬尘的物料

::: details 违反条款

- 《中华人民共和国大气污染防治法》第七十二条第一款&emsp;贮存煤炭……应当密闭。

:::

::: tip 不予处罚的情节

同时满足下列情形的，不予行政处罚：

（1）属于首次违法；

:::
"""


def test_no_penalty_list() -> None:
    entries = parse_no_penalty_list(NO_PENALTY_MD, "不予处罚清单")
    assert len(entries) == 1 and entries[0].number == 14 and entries[0].mandatory
    assert entries[0].articles == (("中华人民共和国大气污染防治法", "第七十二条"),)
    basis = "《中华人民共和国大气污染防治法》第一百一十七条第（一）项，违反第七十二条第一款"
    assert match_no_penalty(entries, basis, "属于首次违法，已改正") == entries[0]
    assert match_no_penalty(entries, basis, "一年内再次违法") is None
    assert match_no_penalty(entries, "《中华人民共和国水污染防治法》第八十三条", "首次违法") is None
    result = check_fine(FIXED, 101, None, D("20000"), None, OK_STATEMENT, no_penalty=entries[0])
    assert result.flags == (F.MAY_NOT_PUNISH,) and "第14项" in result.explanation()


def test_peer_scores() -> None:
    values = [D(v) for v in (20000, 21000, 22000, 20000, 23000, 21000, 22000, 90000, 1000)]
    scores = score_peers({"g": [(i, v) for i, v in enumerate(values)]})
    flagged = {k: s.flag for k, s in scores.items() if s.flag}
    assert flagged == {7: F.TOO_HEAVY, 8: F.TOO_LIGHT}
    assert "中位数21,000.00元" in scores[7].explanation


def test_small_groups_are_not_scored() -> None:
    scores = score_peers({"g": [(i, D(v)) for i, v in enumerate((100, 100, 100, 100000))]})
    assert all(s.z is None and s.flag is None for s in scores.values())
    assert "少于5件" in scores[0].explanation


def test_identical_amounts_fall_back_to_mean_absolute_deviation() -> None:
    values = [D(20000)] * 6 + [D(20100), D(200000)]
    scores = score_peers({"g": list(enumerate(values))})
    assert scores[7].flag is F.TOO_HEAVY
    assert scores[6].flag is None and scores[0].z == 0


def test_public_distribution_is_suppressed_below_three() -> None:
    assert public_distribution([D(1), D(2)]).suppressed
    shown = public_distribution([D(1), D(2), D(9)])
    assert not shown.suppressed and shown.median == D(2) and shown.count == 3


def test_rolling_period_compares_decisions_within_three_years() -> None:
    from domain.discretion_check import score_rolling

    early = [(f"a{i}", dt.date(2018, 1, 10 + i), D(20000 + 100 * i)) for i in range(6)]
    late = [(f"b{i}", dt.date(2023, 6, 1 + i), D(90000 + 100 * i)) for i in range(6)]
    # 2018 and 2023 are more than three years apart: each half is its own comparison, so nobody is an outlier
    scores = score_rolling({"g": early + late})
    assert all(s.flag is None and s.stats.count == 6 for s in scores.values())
    # within three years they are one group of twelve (median between the two clusters)
    close = [(k, dt.date(2021, 1, 1), v) for k, _, v in late]
    scores = score_rolling({"g": early + close})
    assert scores["a0"].stats.count == 12
    one_off = early + [("x", dt.date(2018, 2, 1), D(500000))]
    assert score_rolling({"g": one_off})["x"].flag is F.TOO_HEAVY


@pytest.mark.parametrize(("flagged", "total", "expected"), [
    (0, 0, None), (0, 10, (0.0, 27.8)), (5, 100, (2.2, 11.2)), (10, 10, (72.2, 100.0)),
])
def test_rate_interval(flagged: int, total: int, expected: tuple[float, float] | None) -> None:
    from domain.discretion_check import rate_interval

    assert rate_interval(flagged, total) == expected
