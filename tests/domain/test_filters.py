from __future__ import annotations

import pytest

from domain.enums import ActionCategory, PenaltyType
from domain.filters import DecisionFilters, describe_filters, filters_from_params, filters_to_params

ROUND_TRIPS = [
    DecisionFilters(),
    DecisionFilters(q="食品", agency_id=3, category=ActionCategory.PENALTY, penalty_type=PenaltyType.FINE, year=2025,
                    page=4, page_size=50),
    DecisionFilters(q="91350100M000100Y43"),
]


@pytest.mark.parametrize("f", ROUND_TRIPS)
def test_round_trip_through_url(f: DecisionFilters) -> None:
    assert filters_from_params(filters_to_params(f)) == f


def test_defaults_are_left_out_of_the_url() -> None:
    assert filters_to_params(DecisionFilters()) == {}


@pytest.mark.parametrize(
    "params",
    [{"agency": "abc"}, {"category": "不存在"}, {"year": "1800"}, {"page": "-2"}, {"size": "7"}, {"type": "罚"}],
)
def test_mangled_links_fall_back_to_defaults(params: dict) -> None:
    assert filters_from_params(params) == DecisionFilters()


def test_list_values_use_the_first() -> None:
    assert filters_from_params({"q": ["甲", "乙"]}).q == "甲"


def test_description_sentence() -> None:
    f = DecisionFilters(year=2025, penalty_type=PenaltyType.FINE)
    assert describe_filters(f, 412, "区市场监管局") == "2025年 区市场监管局 罚款 共 412 条"
    assert describe_filters(DecisionFilters(), 0) == "全部已公示决定 共 0 条"
