from __future__ import annotations

from decimal import Decimal

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


# ------------------------------------------------------------------ facets added for the search page and the API

from domain.enums import DisclosureStatus  # noqa: E402
from domain.filters import (  # noqa: E402
    AmountBand,
    FilterError,
    SortKey,
    describe_sort,
    filters_from_api_params,
    filters_to_api_params,
)

FULL = DecisionFilters(q="食品 罚款", agency_id=2, category=ActionCategory.PENALTY, penalty_type=PenaltyType.FINE,
                       year=2025, month=12, amount=AmountBand.FROM_10K, status=DisclosureStatus.CORRECTED,
                       sort=SortKey.AMOUNT, descending=False, page=3, page_size=100)


@pytest.mark.parametrize("f", [
    FULL,
    DecisionFilters(amount=AmountBand.UNDER_10K),
    DecisionFilters(amount=AmountBand.FROM_1M, sort=SortKey.DECIDED),
    DecisionFilters(status=DisclosureStatus.WITHDRAWN, descending=False),
    DecisionFilters(year=2024, month=1),
])
def test_new_facets_round_trip_through_url(f: DecisionFilters) -> None:
    assert filters_from_params(filters_to_params(f)) == f


def test_new_facet_parameter_names() -> None:
    assert filters_to_params(FULL) == {
        "q": "食品 罚款", "agency": "2", "category": "行政处罚", "type": "罚款", "year": "2025", "month": "12",
        "amount": "1万-10万", "status": "已更正", "sort": "金额", "order": "asc", "page": "3", "size": "100"}


@pytest.mark.parametrize("params", [
    {"month": "3"},  # a month without a year
    {"year": "2025", "month": "13"}, {"amount": "1万"}, {"status": "已到期"}, {"status": "待公示"},
    {"sort": "名称"},
])
def test_mangled_new_facets_fall_back_to_defaults(params: dict) -> None:
    assert filters_from_params(params) == (DecisionFilters(year=2025) if "year" in params else DecisionFilters())


def test_amount_bands_are_half_open_and_positive() -> None:
    assert AmountBand.UNDER_10K.bounds == (Decimal("0.01"), Decimal(10000))
    assert AmountBand.FROM_10K.bounds[0] == AmountBand.UNDER_10K.bounds[1]
    assert AmountBand.FROM_1M.bounds == (Decimal(1_000_000), None)


def test_description_with_the_new_facets() -> None:
    assert describe_filters(FULL, 7, "区市场监管局") == (
        "2025年12月 区市场监管局 行政处罚 罚款 罚款1万至10万元 已更正 含“食品 罚款” 共 7 条")
    assert describe_sort(FULL) == "按罚款金额从低到高"
    assert describe_sort(DecisionFilters()) == "按公示日期从新到旧"


def test_changing_the_page_keeps_the_result_set_but_a_filter_does_not() -> None:
    assert FULL.same_result_set(FULL.with_page(9))
    assert not FULL.same_result_set(DecisionFilters(**{**vars(FULL), "descending": True}))


def test_api_params_parse_strictly() -> None:
    keys = {"QS-SCJG": 1, "临江市青石区市场监督管理局": 1, "1": 1}
    f = filters_from_api_params({"q": "食品", "agency": "QS-SCJG", "year": "2025", "month": "2", "type": "罚款",
                                 "amount": ">100万", "status": "已撤回", "sort": "决定日期", "order": "asc",
                                 "page": "2", "page_size": "500"}, agency_ids=keys)
    assert (f.agency_id, f.month, f.amount, f.status, f.sort, f.descending, f.page, f.page_size) == (
        1, 2, AmountBand.FROM_1M, DisclosureStatus.WITHDRAWN, SortKey.DECIDED, False, 2, 500)
    assert filters_from_api_params({}) == DecisionFilters()


@pytest.mark.parametrize("params, word", [
    ({"page_size": "501"}, "page_size"), ({"page": "0"}, "page"), ({"agency": "x"}, "agency"),
    ({"agency": "5"}, "agency"), ({"month": "1"}, "month"), ({"order": "down"}, "order"),
    ({"status": "已到期"}, "status"), ({"foo": "1"}, "foo"), ({"q": "字" * 101}, "q"),
])
def test_api_params_refuse_bad_values_with_chinese_messages(params: dict, word: str) -> None:
    with pytest.raises(FilterError, match=word) as raised:
        filters_from_api_params(params, agency_ids={"QS-SCJG": 1, "1": 1})
    assert any("\u4e00" <= c <= "\u9fff" for c in str(raised.value))


def test_api_export_params_leave_out_the_page() -> None:
    assert filters_to_api_params(FULL) == {k: v for k, v in filters_to_params(FULL).items() if k not in ("page", "size")}


# ------------------------------------------------------------------ hostile values in links and API parameters

from domain.enums import CaseStatus, Stage  # noqa: E402
from domain.filters import (  # noqa: E402
    CaseFilters,
    RecordFilters,
    case_filters_from_params,
    case_filters_to_params,
)

HOSTILE_NUMBERS = ["²", "①", "４２", "٤٢", "-1", "+1", " 1 x", "1_0", "99999999999999999999", "9" * 4301, "2147483648"]


@pytest.mark.parametrize("raw", HOSTILE_NUMBERS)
@pytest.mark.parametrize("key", ["agency", "year", "month", "page", "size"])
def test_hostile_numbers_in_links_are_ignored(key: str, raw: str) -> None:
    assert filters_from_params({key: raw, **({"year": "2025"} if key == "month" else {})}) in (
        DecisionFilters(), DecisionFilters(year=2025))


@pytest.mark.parametrize("raw", HOSTILE_NUMBERS)
@pytest.mark.parametrize("key", ["agency", "year", "page", "page_size"])
def test_hostile_numbers_in_api_are_a_chinese_400_message(key: str, raw: str) -> None:
    with pytest.raises(FilterError) as err:
        filters_from_api_params({key: raw}, agency_ids={"区市场监管局": 1})
    assert len(str(err.value)) < 200 and "参数" in str(err.value)


def test_api_error_quotes_at_most_50_characters() -> None:
    with pytest.raises(FilterError) as err:
        filters_from_api_params({"category": "x" * 5000})
    assert "x" * 50 + "…" in str(err.value) and "x" * 51 not in str(err.value)
    with pytest.raises(FilterError) as err:
        filters_from_api_params({"y" * 5000: "1"})
    assert len(str(err.value)) < 300


def test_control_characters_in_the_keyword() -> None:
    assert filters_from_params({"q": "食\x00品\ud800"}).q == "食品"
    with pytest.raises(FilterError):
        filters_from_api_params({"q": "食\x00品"})


CASE_ROUND_TRIPS = [
    (CaseFilters(), RecordFilters()),
    (CaseFilters(q="立", status=CaseStatus.IN_REVIEW, agency_id=3, major_only=True),
     RecordFilters(officer="44010012", stage=Stage.INVESTIGATION, overdue=True)),
    (CaseFilters(q="某某"), RecordFilters(officer="张")),
]


@pytest.mark.parametrize(("f", "r"), CASE_ROUND_TRIPS)
def test_case_filters_round_trip_through_url(f: CaseFilters, r: RecordFilters) -> None:
    assert case_filters_from_params(case_filters_to_params(f, r)) == (f, r)


def test_case_filter_defaults_are_left_out_of_the_url() -> None:
    assert case_filters_to_params(CaseFilters(), RecordFilters()) == {}


@pytest.mark.parametrize("params", [
    {"agency": "²"}, {"agency": "99999999999999999999"}, {"status": "不存在"}, {"stage": "x" * 5000},
    {"major": "yes"}, {"overdue": "①"}, {"q": "\x00"}, {"officer": "\ud800"},
])
def test_mangled_case_links_fall_back_to_defaults(params: dict) -> None:
    assert case_filters_from_params(params) == (CaseFilters(), RecordFilters())


# ---------------------------------------------------------------- what a shared link asks for, with notes

from domain.filters import page_out_of_range_note, read_decision_link  # noqa: E402

KEYS = {"2": 2, "QS-SCJG": 2, "临江市青石区市场监督管理局": 2, "3": 3, "QS-STHJ": 3}
YEARS = (2026, 2025, 2024, 2023)


@pytest.mark.parametrize("raw", ["2", "QS-SCJG", "临江市青石区市场监督管理局"])
def test_link_names_the_agency_by_id_code_or_full_name(raw) -> None:
    reading = read_decision_link({"agency": raw}, agency_keys=KEYS, years=YEARS)
    assert reading.filters.agency_id == 2 and reading.notes == ()


@pytest.mark.parametrize(("params", "fragment"), [
    ({"agency": "QS-NONE"}, "执法机关"),
    ({"agency": "99"}, "执法机关"),
    ({"year": "1999"}, "年度"),
    ({"year": "2010"}, "年度"),  # a valid year the page does not offer is not silently dropped either
    ({"year": "abc"}, "年度"),
    ({"year": "2025", "month": "13"}, "月份"),
    ({"category": "行政审判"}, "执法类别"),
    ({"type": "枪毙"}, "处罚种类"),
    ({"amount": "很多"}, "罚款金额"),
    ({"status": "已到期"}, "公示状态"),
    ({"sort": "名称"}, "排序"),
    ({"page": "-1"}, "页码"),
])
def test_a_dropped_link_value_gets_a_note_and_the_rest_still_applies(params, fragment) -> None:
    reading = read_decision_link({**params, "q": "食品"}, agency_keys=KEYS, years=YEARS)
    assert len(reading.notes) == 1 and fragment in reading.notes[0], reading.notes
    assert reading.filters.q == "食品"


def test_a_valid_link_has_no_notes() -> None:
    params = {"agency": "QS-STHJ", "year": "2025", "month": "3", "type": "罚款", "status": "已撤回", "page": "2"}
    reading = read_decision_link(params, agency_keys=KEYS, years=YEARS)
    assert reading.notes == ()
    assert (reading.filters.agency_id, reading.filters.year, reading.filters.month, reading.filters.page) == (3, 2025, 3, 2)


@pytest.mark.parametrize(("page", "pages", "noted"), [(1, 1, False), (215, 215, False), (216, 215, True),
                                                      (999, 1, True)])
def test_a_page_beyond_the_last_is_noted(page, pages, noted) -> None:
    note = page_out_of_range_note(page, pages)
    assert (note is not None) is noted
    if note:
        assert f"共 {pages:,} 页" in note
