"""Hand-checked decisions against items 4-2, 3-1 and 2-6 of the real 江门 table: a decision names its tier by the
printed 裁量等级, a grade is already a tier, and an amount inside the statutory range but outside the grade is
档次不符, not 超出法定幅度."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal as D

import pytest

from domain.discretion_check import BenchmarkRule, TierRule, check_fine
from domain.discretion_check import DiscretionFlag as F
from sample_data.jiangmen import load_jiangmen_table

STATEMENT = "依据江门市生态环境局裁量标准，认定违法情节，适用相应裁量等级。"


@pytest.fixture(scope="module")
def items() -> dict[str, BenchmarkRule]:
    out = {}
    for n, item in enumerate(load_jiangmen_table(), start=1):
        tiers = tuple(TierRule(n * 1000 + i, i, t.level, None, t.circumstance, t.parsed)
                      for i, t in enumerate(item.tiers, start=1))
        out[item.item_no] = BenchmarkRule(n, "江门", item.item_no, item.violation, item.legal_basis,
                                          dt.date(2020, 3, 1), None, tiers)
    return out


@pytest.mark.parametrize(("item_no", "grade", "amount", "statement", "flags"), [
    ("4-2", 2, D("50000"), STATEMENT, ()),  # in range (grade 2: 3万–6万; three rows share the grade)
    ("4-2", 1, D("50000"), STATEMENT, (F.TIER_MISMATCH,)),  # grade 1 is 1万–3万; the item runs to 10万
    ("4-2", 3, D("100000"), STATEMENT, ()),  # the statutory maximum itself
    ("3-1", 4, D("180000"), STATEMENT, ()),  # grade 4 is row 5: by position, row 4 would be grade 3 (10万–15万)
    ("3-1", 3, D("180000"), STATEMENT, (F.TIER_MISMATCH,)),
    ("3-1", 5, D("250000"), STATEMENT, (F.OUT_OF_RANGE,)),  # above 二十万元
    ("3-1", 5, D("200000"), STATEMENT, ()),  # 处二十万元罚款: a single amount
    ("2-6", 1, D("80000"), STATEMENT, (F.OUT_OF_RANGE,)),  # below 十万元 without a 减轻 ground
    ("2-6", 1, D("80000"), STATEMENT + "当事人主动消除违法行为危害后果，依法减轻处罚。", ()),
    ("2-6", 3, D("300000"), "", (F.NO_STATEMENT,)),
    ("2-6", 4, D("1000001"), STATEMENT, (F.OUT_OF_RANGE,)),
])
def test_hand_checked(items: dict[str, BenchmarkRule], item_no: str, grade: int, amount: D, statement: str,
                      flags: tuple[F, ...]) -> None:
    rule = items[item_no]
    tier = rule.tier_for_grade(grade)
    assert tier is not None and tier.grade == grade
    result = check_fine(rule, tier.tier_id, None, amount, None, statement)
    assert result.flags == flags, result.explanation()


def test_grade_is_not_row_position(items: dict[str, BenchmarkRule]) -> None:
    rule = items["3-1"]
    assert rule.tiers[3].grade == 3 and rule.tier_for_grade(4) is rule.tiers[4]
    assert rule.tier_for_grade(6) is None


def test_explanation_of_the_mismatch_names_the_grade_and_numbers(items: dict[str, BenchmarkRule]) -> None:
    rule = items["4-2"]
    tier = rule.tier_for_grade(1)
    assert tier is not None
    text = check_fine(rule, tier.tier_id, None, D("50000"), None, STATEMENT).explanation()
    assert "第4-2项第1级" in text and "10,000.00元至30,000.00元" in text and "第2级" in text
