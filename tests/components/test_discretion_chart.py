"""The per-item distribution chart: tier bands as coloured areas under the decisions, the selected one marked."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal as D

import pandas as pd

from components.discretion import distribution_chart, tier_bands
from domain.discretion import parse_penalty_standard
from domain.discretion_check import BenchmarkRule, TierRule

RULE = BenchmarkRule(1, "测试基准", "4-2", "违法行为", "依据", dt.date(2020, 1, 1), None, tuple(
    TierRule(10 + i, i, grade, None, "", parse_penalty_standard(text))
    for i, (grade, text) in enumerate([(1, "处一万元以上三万元以下罚款"), (2, "处三万元以上六万元以下罚款"),
                                        (2, "处三万元以上六万元以下罚款"), (3, "处六万元以上十万元以下罚款"),
                                        (4, "处违法所得一倍以上三倍以下罚款")], start=1)))


def test_tier_bands_one_per_range_relative_ranges_need_a_base() -> None:
    bands = tier_bands(RULE)
    assert list(bands["档次"]) == ["第1级", "第2级", "第3级"]
    assert list(bands["上限"]) == [30000.0, 60000.0, 100000.0]
    assert len(tier_bands(RULE, D(10000))) == 4


def test_chart_layers_and_selection() -> None:
    decisions = pd.DataFrame({"decision_id": [1, 2, 3], "决定书文号": ["甲", "乙", "丙"], "认定档次": ["第1级"] * 3,
                              "罚款金额": [D(20000), D(21000), D(90000)], "标记": ["无", "无", "档次不符"],
                              "稳健z值": [None, None, None]})
    spec = distribution_chart(decisions, tier_bands(RULE), 3).to_dict()
    assert [layer["mark"]["type"] for layer in spec["layer"]] == ["rect", "circle"]
    values = next(iter(spec["datasets"].values())) if "datasets" in spec else None
    assert spec["layer"][1]["encoding"]["x"]["title"] == "罚款金额（元）"
    assert values is not None
    selected = [row for data in spec["datasets"].values() for row in data if row.get("选中")]
    assert [row["决定书文号"] for row in selected] == ["丙"]
