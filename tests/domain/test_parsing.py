"""Tests for domain.parsing: the cell parsers of the penalty-decision importer.

Each rule is one table-driven test with accepting and rejecting rows. Party identifiers are synthetic (they pass
the check digits) or the docs/rules.md §5 textbook vectors; no real organisation is attached to a penalty.
"""

from __future__ import annotations

import random
from datetime import date, datetime
from decimal import Decimal

import pytest

from domain.enums import PartyType, PenaltyType
from domain.identifiers import synthetic_id_number, synthetic_uscc
from domain.parsing import (
    FieldError,
    PenaltyContent,
    PenaltyItem,
    excel_serial_to_date,
    infer_party_type,
    normalize_header,
    parse_amount,
    parse_date,
    parse_penalty_content,
    parse_penalty_types,
    parse_publication_period,
    parse_yes_no,
)

D = Decimal
P = PenaltyType


# --------------------------------------------------------------------------------------------------------------
# FieldError
# --------------------------------------------------------------------------------------------------------------


def test_field_error_is_a_value_error_with_a_chinese_message() -> None:
    with pytest.raises(ValueError) as info:
        parse_date("2026-02-30")
    assert isinstance(info.value, FieldError)
    assert info.value.message == str(info.value)
    assert "2月只有28天" in info.value.message


# --------------------------------------------------------------------------------------------------------------
# 1. parse_date
# --------------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (date(2026, 9, 8), date(2026, 9, 8)),
        (datetime(2026, 9, 8, 17, 30), date(2026, 9, 8)),
        ("2026-09-08", date(2026, 9, 8)),
        ("2026-9-8", date(2026, 9, 8)),
        ("2026/9/8", date(2026, 9, 8)),
        ("2026/09/08", date(2026, 9, 8)),
        ("2026.9.8", date(2026, 9, 8)),
        ("20260908", date(2026, 9, 8)),
        ("2026年9月8日", date(2026, 9, 8)),
        ("2026年09月08日", date(2026, 9, 8)),
        ("2026年9月8号", date(2026, 9, 8)),
        ("2025年8月 20日", date(2025, 8, 20)),
        (" 2026 - 09 - 08 ", date(2026, 9, 8)),
        ("２０２６－０９－０８", date(2026, 9, 8)),  # full-width digits and hyphen
        ("２０２６年９月８日", date(2026, 9, 8)),
        ("2026—09—08", date(2026, 9, 8)),  # em dashes from Word
        ("\ufeff2026-09-08", date(2026, 9, 8)),  # BOM on the first cell of a CSV
        ("2026-09-08 00:00:00", date(2026, 9, 8)),
        ("2026/9/8 0:00", date(2026, 9, 8)),
        ("2026-09-08T10:15:00", date(2026, 9, 8)),
        ("2026-09-08 10:15:00.000", date(2026, 9, 8)),
        ("2026年9月8日 10时30分", date(2026, 9, 8)),
        ("二〇二五年八月二十日", date(2025, 8, 20)),  # 公文 date in Chinese numerals
        ("二○二六年十二月三十一日", date(2026, 12, 31)),
        ("2024-02-29", date(2024, 2, 29)),  # leap year
        # Excel serial dates (1900 system): ints, floats with a time of day, numeric strings.
        (46273, date(2026, 9, 8)),
        (46273.75, date(2026, 9, 8)),
        ("46273", date(2026, 9, 8)),
        ("46273.0", date(2026, 9, 8)),
        (Decimal("46273"), date(2026, 9, 8)),
        (45658, date(2025, 1, 1)),
        (20260908, date(2026, 9, 8)),  # YYYYMMDD that Excel stored as a number
        (20260908.0, date(2026, 9, 8)),
    ],
)
def test_parse_date_accepts(value: object, expected: date) -> None:
    assert parse_date(value) == expected


@pytest.mark.parametrize(
    ("value", "message_part"),
    [
        ("2026-02-30", "2026年2月只有28天"),
        ("2025-02-29", "2025年2月只有28天"),
        ("2026-04-31", "2026年4月只有30天"),
        ("2026-13-01", "月份13不存在"),
        ("2026-00-10", "月份0不存在"),
        ("20261301", "月份13不存在"),
        ("2026年2月30日", "只有28天"),
        ("二〇二六年二月三十日", "只有28天"),
        ("20260230", "只有28天"),
        (20260230, "只有28天"),
        ("1899-12-31", "年份1899不合理"),
        ("0226-09-08", "年份226不合理"),
        ("2026-09-08 25:00", "时间部分无效"),
        ("2026年9月", "不完整"),
        ("2026-09", "不完整"),
        ("2026", "超出合理范围"),  # a bare year is not serial 2026 (1905-07-18)
        (2026, "超出合理范围"),
        ("60", "1900年2月29日"),  # Lotus 1-2-3 leap-year bug
        (60, "1900年2月29日"),
        (60.5, "1900年2月29日"),
        (0, "超出范围"),
        (-3, "不是有效日期"),
        (3_000_000, "超出范围"),
        ("26-9-8", "不是可识别的日期"),  # two-digit year: century unknown
        ("09/08/2026", "不是可识别的日期"),  # month/day order unknown
        ("2026-9/8", "不是可识别的日期"),  # mixed separators
        ("明天", "不是可识别的日期"),
        ("2026-09-08 至 2026-09-10", "不是可识别的日期"),
        ("", "不能为空"),
        ("   ", "不能为空"),
        (None, "不能为空"),
        (float("nan"), "不能为空"),
        (True, "不是日期"),
        (float("inf"), "不是有效日期"),
        ([2026, 9, 8], "不是可识别的日期"),
    ],
)
def test_parse_date_rejects(value: object, message_part: str) -> None:
    with pytest.raises(FieldError) as info:
        parse_date(value)
    assert message_part in info.value.message


@pytest.mark.parametrize(
    ("serial", "expected"),
    [
        (1, date(1900, 1, 1)),
        (59, date(1900, 2, 28)),
        (61, date(1900, 3, 1)),  # one day after the fictitious 1900-02-29
        (43831, date(2020, 1, 1)),
        (46273.99, date(2026, 9, 8)),
        (2_958_465, date(9999, 12, 31)),
    ],
)
def test_excel_serial_to_date_accepts(serial: float, expected: date) -> None:
    assert excel_serial_to_date(serial) == expected


@pytest.mark.parametrize("serial", [60, 0, -1, 2_958_466, float("nan"), True, "46273"])
def test_excel_serial_to_date_rejects(serial: object) -> None:
    with pytest.raises(FieldError):
        excel_serial_to_date(serial)  # type: ignore[arg-type]


def test_parse_date_reads_pandas_cells() -> None:
    pd = pytest.importorskip("pandas")
    np = pytest.importorskip("numpy")
    assert parse_date(pd.Timestamp("2026-09-08 10:00")) == date(2026, 9, 8)
    assert parse_date(np.int64(46273)) == date(2026, 9, 8)
    assert parse_date(np.float64(46273.0)) == date(2026, 9, 8)
    for empty in (pd.NaT, pd.NA, np.nan):
        with pytest.raises(FieldError, match="不能为空"):
            parse_date(empty)


# --------------------------------------------------------------------------------------------------------------
# 2. parse_amount
# --------------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (None, None),
        ("", None),
        ("  ", None),
        (float("nan"), None),
        ("-", None),  # placeholders exports put in an empty amount column
        ("—", None),
        ("——", None),
        ("/", None),
        ("无", None),
        (0, D("0.00")),
        ("0", D("0.00")),
        (5000, D("5000.00")),
        (1234.5, D("1234.50")),
        (0.1 + 0.2, D("0.30")),  # float noise does not leak into Decimal
        (D("1234.5"), D("1234.50")),
        ("5000", D("5000.00")),
        ("1,234.50", D("1234.50")),
        ("１，２３４．５０", D("1234.50")),
        ("1234.5元", D("1234.50")),
        ("1.2万元", D("12000.00")),
        ("1.2万", D("12000.00")),
        ("1712.4万元", D("17124000.00")),
        ("1.621747万元", D("16217.47")),
        ("0.35亿元", D("35000000.00")),
        ("5000.00元整", D("5000.00")),
        ("人民币5000元", D("5000.00")),
        ("￥5,000.00", D("5000.00")),
        ("¥ 5000", D("5000.00")),
        ("伍仟元整", D("5000.00")),
        ("壹万贰仟元", D("12000.00")),
        (" 5000 元 ", D("5000.00")),
        ("-500", D("-500.00")),  # negative is returned; the importer rejects it with its own message
        ("－500元", D("-500.00")),
        ("−1.2万元", D("-12000.00")),
        (-1234.5, D("-1234.50")),
    ],
)
def test_parse_amount_accepts(value: object, expected: Decimal | None) -> None:
    result = parse_amount(value)
    assert result == expected
    if result is not None:
        assert isinstance(result, Decimal)
        assert result.as_tuple().exponent == -2


@pytest.mark.parametrize(
    "value",
    ["abc", "5000元（罚款）", "1,2345", "12..5", "5000美元", "罚款5000元", "1.2.3", "元", True, float("inf"), [5000]],
)
def test_parse_amount_rejects(value: object) -> None:
    with pytest.raises(FieldError) as info:
        parse_amount(value)
    assert "金额" in info.value.message


@pytest.mark.parametrize(
    ("value", "unit", "expected"),
    [
        ("1.2", "万元", D("12000.00")),
        (3, "万元", D("30000.00")),
        ("1.2万元", "万元", D("12000.00")),  # an explicit unit in the cell wins over the column's
        ("5000元", "万元", D("5000.00")),
        ("0.5", "亿元", D("50000000.00")),
        ("", "万元", None),
    ],
)
def test_parse_amount_column_unit(value: object, unit: str, expected: Decimal | None) -> None:
    assert parse_amount(value, unit=unit) == expected


def test_parse_amount_rejects_unknown_column_unit() -> None:
    with pytest.raises(ValueError):
        parse_amount("5", unit="千元")


def test_parse_amount_reads_numpy_scalars() -> None:
    np = pytest.importorskip("numpy")
    assert parse_amount(np.float64(1234.5)) == D("1234.50")
    assert parse_amount(np.int64(7)) == D("7.00")


# --------------------------------------------------------------------------------------------------------------
# 3. parse_penalty_content
# --------------------------------------------------------------------------------------------------------------

# (text, [(type, amount or None)], fine_total, confiscation_total)
PENALTY_TEXTS = [
    # The brief's own examples.
    ("警告，没收违法所得1.621747万元，罚款1712.4万元",
     [(P.WARNING, None), (P.CONFISCATE_GAINS, "16217.47"), (P.FINE, "17124000.00")], "17124000.00", "16217.47"),
    ("罚款人民币伍仟元整", [(P.FINE, "5000")], "5000", "0"),
    ("处罚款5000元", [(P.FINE, "5000")], "5000", "0"),
    ("责令改正，并处罚款3万元", [(P.FINE, "30000")], "30000", "0"),
    ("没收违法所得2,300元并处罚款1万元", [(P.CONFISCATE_GAINS, "2300"), (P.FINE, "10000")], "10000", "2300"),
    ("责令停产停业", [(P.ORDER_SUSPENSION, None)], "0", "0"),
    ("吊销营业执照", [(P.REVOKE_LICENCE, None)], "0", "0"),
    ("暂扣驾驶证", [(P.SUSPEND_LICENCE, None)], "0", "0"),
    ("通报批评", [(P.CIRCULATED_CRITICISM, None)], "0", "0"),
    ("行政拘留十日", [(P.DETENTION, None)], "0", "0"),
    ("没收非法财物（价值800元）", [(P.CONFISCATE_PROPERTY, "800")], "0", "800"),
    ("罚款1万元，没收违法所得5000元", [(P.FINE, "10000"), (P.CONFISCATE_GAINS, "5000")], "10000", "5000"),
    # Amount before the penalty word, and mixed orders in one sentence.
    ("处5000元罚款", [(P.FINE, "5000")], "5000", "0"),
    ("处以5000元的罚款", [(P.FINE, "5000")], "5000", "0"),
    ("没收违法所得2000元并处5000元罚款", [(P.CONFISCATE_GAINS, "2000"), (P.FINE, "5000")], "5000", "2000"),
    ("处5000元罚款并没收违法所得2000元", [(P.FINE, "5000"), (P.CONFISCATE_GAINS, "2000")], "5000", "2000"),
    ("罚款1万元;没收违法所得5000元", [(P.FINE, "10000"), (P.CONFISCATE_GAINS, "5000")], "10000", "5000"),
    # Wording around the amount.
    ("罚款：5000元", [(P.FINE, "5000")], "5000", "0"),
    ("罚款金额为人民币5000元", [(P.FINE, "5000")], "5000", "0"),
    ("罚款 5000 元", [(P.FINE, "5000")], "5000", "0"),
    ("罚款5千元", [(P.FINE, "5000")], "5000", "0"),
    ("罚款1.5万元", [(P.FINE, "15000")], "15000", "0"),
    ("处以罚款人民币壹拾万元整", [(P.FINE, "100000")], "100000", "0"),
    ("罚款贰仟伍佰元", [(P.FINE, "2500")], "2500", "0"),
    ("罚款５０００元；没收违法所得１２３４．５元", [(P.FINE, "5000"), (P.CONFISCATE_GAINS, "1234.5")], "5000", "1234.5"),
    ("没收违法所得人民币1234.56元，并处罚款人民币5000元",
     [(P.CONFISCATE_GAINS, "1234.56"), (P.FINE, "5000")], "5000", "1234.56"),
    ("没收其违法所得3000元", [(P.CONFISCATE_GAINS, "3000")], "0", "3000"),
    ("没收非法所得3000元", [(P.CONFISCATE_GAINS, "3000")], "0", "3000"),
    # Amounts restated in capitals or with a total that agrees.
    ("罚款5000元（大写：伍仟元整）", [(P.FINE, "5000")], "5000", "0"),
    ("罚款人民币壹万贰仟元整（￥12,000.00）", [(P.FINE, "12000")], "12000", "0"),
    ("罚款5000元，没收违法所得2000元，罚没款合计7000元",
     [(P.FINE, "5000"), (P.CONFISCATE_GAINS, "2000")], "5000", "2000"),
    ("罚没款共计7000元（其中罚款5000元，没收违法所得2000元）",
     [(P.FINE, "5000"), (P.CONFISCATE_GAINS, "2000")], "5000", "2000"),
    ("没收违法所得和非法财物共计5000元",
     [(P.CONFISCATE_GAINS, None), (P.CONFISCATE_PROPERTY, "5000")], "0", "5000"),
    # Relative fines: the base is part of the fine's wording, not a separate amount.
    ("并处违法所得2倍罚款", [(P.FINE, None)], "0", "0"),
    ("处以货值金额3倍的罚款15000元", [(P.FINE, "15000")], "15000", "0"),
    ("没收违法所得5000元，并处违法所得5000元的2倍罚款10000元",
     [(P.CONFISCATE_GAINS, "5000"), (P.FINE, "10000")], "10000", "5000"),
    # Several penalties, numbered lists, 警告 variants.
    ("对当事人作出如下行政处罚：1.警告；2.罚款人民币3000元。", [(P.WARNING, None), (P.FINE, "3000")], "3000", "0"),
    ("（一）警告；（二）罚款3000元", [(P.WARNING, None), (P.FINE, "3000")], "3000", "0"),
    ("一、警告 二、罚款3000元", [(P.WARNING, None), (P.FINE, "3000")], "3000", "0"),
    ("①警告②罚款3000元", [(P.WARNING, None), (P.FINE, "3000")], "3000", "0"),
    ("给予警告处罚", [(P.WARNING, None)], "0", "0"),
    ("警告并罚款200元", [(P.WARNING, None), (P.FINE, "200")], "200", "0"),
    ("罚款5000元并处罚款3000元", [(P.FINE, "5000"), (P.FINE, "3000")], "8000", "0"),
    ("警告、警告", [(P.WARNING, None)], "0", "0"),
    ("罚款5000元，并没收违法所得", [(P.FINE, "5000"), (P.CONFISCATE_GAINS, None)], "5000", "0"),
    # Confiscations.
    ("没收违法所得、非法财物", [(P.CONFISCATE_GAINS, None), (P.CONFISCATE_PROPERTY, None)], "0", "0"),
    ("没收违法生产、销售的产品和违法所得", [(P.CONFISCATE_PROPERTY, None), (P.CONFISCATE_GAINS, None)], "0", "0"),
    ("没收涉案香烟20条", [(P.CONFISCATE_PROPERTY, None)], "0", "0"),
    ("没收违法物品（价值1,500元）", [(P.CONFISCATE_PROPERTY, "1500")], "0", "1500"),
    # Licences, operations, detention.
    ("吊销《食品经营许可证》并处罚款10万元", [(P.REVOKE_LICENCE, None), (P.FINE, "100000")], "100000", "0"),
    ("吊销许可证件", [(P.REVOKE_LICENCE, None)], "0", "0"),
    ("暂扣机动车驾驶证六个月，并处罚款2000元", [(P.SUSPEND_LICENCE, None), (P.FINE, "2000")], "2000", "0"),
    ("降低资质等级", [(P.DOWNGRADE_QUALIFICATION, None)], "0", "0"),
    ("限制开展生产经营活动三个月", [(P.RESTRICT_OPERATIONS, None)], "0", "0"),
    ("责令停业整顿", [(P.ORDER_SUSPENSION, None)], "0", "0"),
    ("责令停产停业，并处罚款20万元", [(P.ORDER_SUSPENSION, None), (P.FINE, "200000")], "200000", "0"),
    ("责令关闭", [(P.ORDER_CLOSURE, None)], "0", "0"),
    ("限制从业", [(P.RESTRICT_PRACTICE, None)], "0", "0"),
    ("五年内不得从事食品生产经营管理工作", [(P.RESTRICT_PRACTICE, None)], "0", "0"),
    ("处十日行政拘留", [(P.DETENTION, None)], "0", "0"),
    ("处以行政拘留5日并处罚款500元", [(P.DETENTION, None), (P.FINE, "500")], "500", "0"),
    ("法律、行政法规规定的其他行政处罚", [(P.OTHER, None)], "0", "0"),
    # Non-penalty orders only.
    ("不予行政处罚", [], "0", "0"),
    ("", [], "0", "0"),
]


@pytest.mark.parametrize(("text", "expected_items", "fine_total", "confiscation_total"), PENALTY_TEXTS)
def test_parse_penalty_content_accepts(
    text: str, expected_items: list[tuple[PenaltyType, str | None]], fine_total: str, confiscation_total: str
) -> None:
    content = parse_penalty_content(text)
    assert [(i.type, i.amount) for i in content.items] == [
        (t, None if a is None else D(a).quantize(D("0.01"))) for t, a in expected_items
    ]
    assert content.fine_total == D(fine_total)
    assert content.confiscation_total == D(confiscation_total)
    assert content.unrecognised == ""
    assert all(isinstance(i.amount, Decimal) for i in content.items if i.amount is not None)


def test_parse_penalty_content_returns_frozen_values_with_exact_decimals() -> None:
    content = parse_penalty_content("警告，没收违法所得1.621747万元，罚款1712.4万元")
    assert content == PenaltyContent(
        items=(
            PenaltyItem(P.WARNING, None),
            PenaltyItem(P.CONFISCATE_GAINS, D("16217.47")),
            PenaltyItem(P.FINE, D("17124000.00")),
        ),
        fine_total=D("17124000.00"),
        confiscation_total=D("16217.47"),
        unrecognised="",
    )
    assert str(content.fine_total) == "17124000.00"
    assert content.monetary_total == D("17140217.47")
    assert content.most_severe is P.CONFISCATE_GAINS  # docs/rules.md §1.5: counted under the heaviest type
    assert content.types == frozenset({P.WARNING, P.FINE, P.CONFISCATE_GAINS})
    with pytest.raises(AttributeError):
        content.fine_total = D(0)  # type: ignore[misc]


@pytest.mark.parametrize(
    ("text", "detail"),
    [
        ("吊销营业执照", "吊销营业执照"),
        ("暂扣驾驶证", "暂扣驾驶证"),
        ("暂扣机动车驾驶证六个月", "暂扣机动车驾驶证六个月"),
        ("行政拘留十日", "行政拘留十日"),
        ("处十日行政拘留", "十日行政拘留"),
        ("责令停产停业3个月", "责令停产停业3个月"),
        ("并处违法所得2倍罚款", "违法所得2倍罚款"),
        ("没收涉案香烟20条", "没收涉案香烟20条"),
        ("罚款5000元", ""),
        ("警告", ""),
    ],
)
def test_parse_penalty_content_keeps_wording_as_detail(text: str, detail: str) -> None:
    assert parse_penalty_content(text).items[0].detail == detail


@pytest.mark.parametrize(
    ("text", "measures"),
    [
        ("责令改正，并处罚款3万元", ("责令改正",)),
        ("警告，罚款1000元，责令停止违法行为", ("责令停止违法行为",)),
        ("责令其于15日内改正，处罚款5000元", ("责令其于15日内改正",)),
        ("责令限期改正", ("责令限期改正",)),
        ("不予行政处罚", ("不予行政处罚",)),
        ("罚款5000元", ()),
    ],
)
def test_parse_penalty_content_recognises_non_penalty_orders(text: str, measures: tuple[str, ...]) -> None:
    content = parse_penalty_content(text)
    assert content.measures == measures
    assert content.unrecognised == ""
    assert all(item.type is not P.OTHER for item in content.items)


@pytest.mark.parametrize(
    ("text", "unrecognised", "items"),
    [
        ("刑事拘留", "刑事拘留", []),  # criminal, not an administrative penalty
        ("游街示众", "游街示众", []),
        ("没收", "没收", []),  # confiscating what?
        ("罚款5000元。罚款已当场缴纳", "已当场缴纳", [(P.FINE, D("5000.00"))]),
        ("违法所得为5000元，没收违法所得5000元", "违法所得为5000元", [(P.CONFISCATE_GAINS, D("5000.00"))]),
        ("处罚金额：5000元", "处罚金额：5000元", []),  # no penalty word: the amount is not guessed
        ("警告，3000元", "3000元", [(P.WARNING, None)]),
        ("罚款（按违法所得的2倍计算）10000元", "（按违法所得的2倍计算）", [(P.FINE, D("10000.00"))]),
    ],
)
def test_parse_penalty_content_reports_unrecognised_text(
    text: str, unrecognised: str, items: list[tuple[PenaltyType, Decimal | None]]
) -> None:
    content = parse_penalty_content(text)
    assert content.unrecognised == unrecognised
    assert [(i.type, i.amount) for i in content.items] == items


@pytest.mark.parametrize(
    ("text", "message_part"),
    [
        ("罚款5000元（大写：肆仟元整）", "金额前后不一致"),
        ("罚款5000元，没收违法所得2000元，合计8000元", "与各项金额之和7,000.00元不一致"),
        ("罚款和没收违法所得共计5000元", "同时包含罚款和没收"),
        ("处1万元以上5万元以下罚款", "金额幅度"),
        ("处5万元以下罚款", "金额幅度"),
        ("罚款5000元至10000元", "金额幅度"),
        ("一点五万元罚款", "无法识别"),
    ],
)
def test_parse_penalty_content_rejects_contradictions(text: str, message_part: str) -> None:
    with pytest.raises(FieldError) as info:
        parse_penalty_content(text)
    assert message_part in info.value.message


# --------------------------------------------------------------------------------------------------------------
# 4. parse_penalty_types
# --------------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("罚款；没收违法所得", {P.FINE, P.CONFISCATE_GAINS}),
        ("警告、罚款", {P.WARNING, P.FINE}),
        ("罚款,没收违法所得,没收非法财物", {P.FINE, P.CONFISCATE_GAINS, P.CONFISCATE_PROPERTY}),
        ("罚款，没收违法所得", {P.FINE, P.CONFISCATE_GAINS}),
        ("警告和罚款", {P.WARNING, P.FINE}),
        ("罚款及没收违法所得以及警告", {P.FINE, P.CONFISCATE_GAINS, P.WARNING}),
        ("警告/罚款", {P.WARNING, P.FINE}),
        ("罚款 没收违法所得", {P.FINE, P.CONFISCATE_GAINS}),
        ("罚款；罚款", {P.FINE}),
        ("吊销营业执照", {P.REVOKE_LICENCE}),
        ("暂扣许可证件", {P.SUSPEND_LICENCE}),
        ("责令停产停业、罚款", {P.ORDER_SUSPENSION, P.FINE}),
        ("限制开展生产经营活动", {P.RESTRICT_OPERATIONS}),
        ("降低资质等级", {P.DOWNGRADE_QUALIFICATION}),
        ("责令关闭", {P.ORDER_CLOSURE}),
        ("关闭", {P.ORDER_CLOSURE}),
        ("限制从业", {P.RESTRICT_PRACTICE}),
        ("行政拘留", {P.DETENTION}),
        ("拘留", {P.DETENTION}),
        ("通报批评", {P.CIRCULATED_CRITICISM}),
        ("法律、行政法规规定的其他行政处罚", {P.OTHER}),
        ("其他", {P.OTHER}),
        ("", set()),
        (None, set()),
        *[(t.value, {t}) for t in PenaltyType],  # every canonical name reads back as itself
    ],
)
def test_parse_penalty_types_accepts(text: str, expected: set[PenaltyType]) -> None:
    assert parse_penalty_types(text) == frozenset(expected)


@pytest.mark.parametrize(
    ("text", "message_part"),
    [
        ("没收", "没收违法所得或没收非法财物"),
        ("罚没", "不明确"),
        ("责令改正", "不属于行政处罚种类"),
        ("罚款；游街", "“游街”"),
        ("刑事拘留", "无法识别的处罚种类"),
        ("处分", "无法识别的处罚种类"),
    ],
)
def test_parse_penalty_types_rejects(text: str, message_part: str) -> None:
    with pytest.raises(FieldError) as info:
        parse_penalty_types(text)
    assert message_part in info.value.message


# --------------------------------------------------------------------------------------------------------------
# 5. infer_party_type
# --------------------------------------------------------------------------------------------------------------

_RNG = random.Random(20260908)
USCC_91 = synthetic_uscc(_RNG, prefix="91")
USCC_92 = synthetic_uscc(_RNG, prefix="92")
USCC_93 = synthetic_uscc(_RNG, prefix="93")
USCC_11 = synthetic_uscc(_RNG, prefix="11")
USCC_12 = synthetic_uscc(_RNG, prefix="12")
USCC_51 = synthetic_uscc(_RNG, prefix="51")
USCC_52 = synthetic_uscc(_RNG, prefix="52")
USCC_31 = synthetic_uscc(_RNG, prefix="31")
USCC_N2 = "N2440300MA5D12345C"  # docs/rules.md §5.1 synthetic vector
USCC_Y1 = synthetic_uscc(_RNG, prefix="Y1")
USCC_UNKNOWN = synthetic_uscc(_RNG, prefix="E5")  # valid check digit, unassigned category
PERSON_ID = synthetic_id_number(_RNG, born_to=date(2000, 1, 1))


@pytest.mark.parametrize(
    ("name", "uscc", "id_number", "expected", "message_part"),
    [
        # A valid 统一社会信用代码 decides by its first two characters.
        ("某某科技有限公司", USCC_91, None, PartyType.LEGAL_PERSON, "“91”"),
        ("某某科技有限公司", "91350100M000100Y43", None, PartyType.LEGAL_PERSON, "市场监管部门登记的企业"),
        ("张三", USCC_92, None, PartyType.INDIVIDUAL_BUSINESS, "个体工商户"),
        ("某某食品店", USCC_92, "11010519491231002X", PartyType.INDIVIDUAL_BUSINESS, "“92”"),
        ("某某农民专业合作社", USCC_93, None, PartyType.LEGAL_PERSON, "农民专业合作社"),
        ("某某局", USCC_11, None, PartyType.LEGAL_PERSON, "机关"),
        ("某某中心", USCC_12, None, PartyType.LEGAL_PERSON, "事业单位"),
        ("某某协会", USCC_51, None, PartyType.LEGAL_PERSON, "社会团体"),
        ("某某培训学校", USCC_52, None, PartyType.LEGAL_PERSON, "民办非企业单位"),
        ("某某律师事务所", USCC_31, None, PartyType.UNINCORPORATED, "律师事务所"),
        ("某某村股份经济合作社", USCC_N2, None, PartyType.LEGAL_PERSON, "农村集体经济组织"),
        ("某某机构", USCC_Y1, None, PartyType.UNINCORPORATED, "请核对"),
        (" 某某科技有限公司 ", " " + USCC_91.lower() + " ", None, PartyType.LEGAL_PERSON, "“91”"),
        # 91 covers 合伙企业 / 个人独资企业 / branches, which are not legal persons.
        ("某某投资合伙企业（有限合伙）", USCC_91, None, PartyType.UNINCORPORATED, "合伙"),
        ("某某有限公司某某分公司", USCC_91, None, PartyType.UNINCORPORATED, "分公司"),
        # A valid 身份证 means a natural person, unless the name says otherwise.
        ("张某", None, PERSON_ID, PartyType.NATURAL_PERSON, "身份证"),
        ("张某", None, "11010519491231002X", PartyType.NATURAL_PERSON, "身份证"),
        ("张某", None, "11010519491231002x", PartyType.NATURAL_PERSON, "身份证"),
        ("某某商行", None, PERSON_ID, PartyType.INDIVIDUAL_BUSINESS, "经营者"),
        # Invalid identifiers are reported and the name decides.
        ("某某有限公司", "91350100M000100Y44", None, PartyType.LEGAL_PERSON, "校验码错误"),
        ("张三", None, "110105194912310021", PartyType.NATURAL_PERSON, "身份证号码无效"),
        # By name only.
        ("宁波某某科技有限公司", None, None, PartyType.LEGAL_PERSON, "公司"),
        ("某某股份有限公司", "", "", PartyType.LEGAL_PERSON, "公司"),
        ("某某实业有限", None, None, PartyType.LEGAL_PERSON, "有限"),
        ("某某食品厂", None, None, PartyType.LEGAL_PERSON, "厂"),
        ("某某便利店", None, None, PartyType.LEGAL_PERSON, "店"),
        ("某某银行", None, None, PartyType.LEGAL_PERSON, "银行"),
        ("某某农民专业合作社", None, None, PartyType.LEGAL_PERSON, "合作社"),
        ("某某检测中心", None, None, PartyType.LEGAL_PERSON, "中心"),
        ("某某县市场监督管理局", None, None, PartyType.LEGAL_PERSON, "局"),
        ("某某村民委员会", None, None, PartyType.LEGAL_PERSON, "委员会"),
        ("某某行业协会", None, None, PartyType.LEGAL_PERSON, "协会"),
        ("某某人民医院", None, None, PartyType.LEGAL_PERSON, "医院"),
        ("某某实验学校", None, None, PartyType.LEGAL_PERSON, "学校"),
        ("某某日用品经营部", None, None, PartyType.INDIVIDUAL_BUSINESS, "经营部"),
        ("某某商行", None, None, PartyType.INDIVIDUAL_BUSINESS, "商行"),
        ("某某五金门市部", None, None, PartyType.INDIVIDUAL_BUSINESS, "门市部"),
        ("个体工商户张三", None, None, PartyType.INDIVIDUAL_BUSINESS, "个体"),
        ("某某有限公司分公司", None, None, PartyType.UNINCORPORATED, "分公司"),
        ("张某", None, None, PartyType.NATURAL_PERSON, "个人姓名"),
        ("李某某", None, None, PartyType.NATURAL_PERSON, "个人姓名"),
        ("王*", None, None, PartyType.NATURAL_PERSON, "个人姓名"),
        ("赵××", None, None, PartyType.NATURAL_PERSON, "个人姓名"),
        ("张三", None, None, PartyType.NATURAL_PERSON, "个人姓名"),
        ("欧阳建国", None, None, PartyType.NATURAL_PERSON, "个人姓名"),
        ("阿卜杜拉·买买提", None, None, PartyType.NATURAL_PERSON, "个人姓名"),
    ],
)
def test_infer_party_type_accepts(
    name: str, uscc: str | None, id_number: str | None, expected: PartyType, message_part: str
) -> None:
    party, message = infer_party_type(name, uscc, id_number)
    assert party is expected
    assert message_part in message


@pytest.mark.parametrize(
    ("name", "uscc", "id_number", "message_part"),
    [
        ("ABC Trading Ltd", None, None, "请手工选择"),
        ("张三丰李四王五", None, None, "请手工选择"),  # too long for a personal name, no organisation word
        ("", None, None, "名称为空"),
        ("某某科技有限公司", None, "11010519491231002X", "像单位名称"),  # an ID number for a company
        ("某某", USCC_UNKNOWN, None, "未知"),
        ("ABC", "91350100M000100Y44", "110105194912310021", "身份证号码无效"),
    ],
)
def test_infer_party_type_rejects(name: str, uscc: str | None, id_number: str | None, message_part: str) -> None:
    party, message = infer_party_type(name, uscc, id_number)
    assert party is None
    assert message_part in message


def test_infer_party_type_reads_every_reference_uscc() -> None:
    """The 1,016 real Ningbo codes (validator material only) all yield a type and a reason."""
    from sample_data import REFERENCE_DIR

    for code in (REFERENCE_DIR / "uscc_valid_codes.txt").read_text(encoding="utf-8").split():
        party, message = infer_party_type("", code, None)
        expected = PartyType.INDIVIDUAL_BUSINESS if code.startswith("92") else PartyType.LEGAL_PERSON
        assert party is expected, code
        assert message


# --------------------------------------------------------------------------------------------------------------
# 6. parse_publication_period
# --------------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "months"),
    [
        ("五年", 60),
        ("三年", 36),
        ("6个月", 6),
        ("六个月", 6),
        ("1年", 12),
        ("半年", 6),
        ("两年", 24),
        ("十二个月", 12),
        ("18个月", 18),
        ("一年半", 18),
        ("1.5年", 18),
        ("6月", 6),
        ("３年", 36),
        (" 3 年 ", 36),
        ("3年内", 36),
        ("公示期3年", 36),
        ("公示期限为三年", 36),
        ("自公示之日起三年", 36),
        ("长期", None),
        ("永久", None),
        ("长期公示", None),
        ("", None),
        (None, None),
    ],
)
def test_parse_publication_period_accepts(text: str | None, months: int | None) -> None:
    assert parse_publication_period(text) == months  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("text", "message_part"),
    [
        ("3", "缺少单位"),
        (3, "应写明单位"),
        ("30日", "以年或月为单位"),
        ("90天", "以年或月为单位"),
        ("0年", "必须大于零"),
        ("2.5个月", "不是整月数"),
        ("三年或五年", "无法识别"),
        ("abc", "无法识别"),
        ("年", "无法识别"),
    ],
)
def test_parse_publication_period_rejects(text: object, message_part: str) -> None:
    with pytest.raises(FieldError) as info:
        parse_publication_period(text)  # type: ignore[arg-type]
    assert message_part in info.value.message


# --------------------------------------------------------------------------------------------------------------
# 7. parse_yes_no
# --------------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("是", True), ("否", False),
        ("Y", True), ("N", False), ("y", True), ("n", False),
        ("yes", True), ("no", False), ("YES", True), ("No", False),
        ("1", True), ("0", False), (1, True), (0, False), (1.0, True), (0.0, False),
        ("true", True), ("false", False), ("TRUE", True), ("FALSE", False),
        (True, True), (False, False),
        ("√", True), ("×", False), ("✓", True), ("✗", False),
        ("Ｙ", True), ("ｎｏ", False), (" 是 ", True),
        ("", None), ("  ", None), (None, None), (float("nan"), None),
    ],
)
def test_parse_yes_no_accepts(value: object, expected: bool | None) -> None:
    assert parse_yes_no(value) is expected


@pytest.mark.parametrize("value", ["maybe", "是否", "待定", "2", 2, -1, 0.5, "重大", [1]])
def test_parse_yes_no_rejects(value: object) -> None:
    with pytest.raises(FieldError) as info:
        parse_yes_no(value)
    assert "“是”或“否”" in info.value.message


# --------------------------------------------------------------------------------------------------------------
# 8. normalize_header
# --------------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("variants", "expected"),
    [
        (["罚款金额(元)", "罚款金额（元）", " 罚款金额 （元） ", "罚款金额【元】", "罚款金额\n(元)", "\ufeff罚款金额(元)",
          "*罚款金额(元)", "罚款金额(元)：", "罚款金额　(元)"], "罚款金额(元)"),
        (["当事人名称", " 当事人 名称 ", "＊当事人名称"], "当事人名称"),
        (["USCC", "uscc", "ＵＳＣＣ"], "uscc"),
    ],
)
def test_normalize_header_folds_equivalent_spellings(variants: list[str], expected: str) -> None:
    assert {normalize_header(v) for v in variants} == {expected}


@pytest.mark.parametrize(
    ("left", "right"),
    [
        ("罚款金额(元)", "罚款金额(万元)"),  # different units are different columns
        ("罚款金额", "罚款金额(元)"),
        ("处罚决定日期", "处罚日期"),
    ],
)
def test_normalize_header_keeps_different_headers_apart(left: str, right: str) -> None:
    assert normalize_header(left) != normalize_header(right)


@pytest.mark.parametrize(
    ("name", "uscc", "id_number"),
    [
        ("蒋某（广发银行股份有限公司资产托管部）", None, None),
        ("蒋某某(中国工商银行股份有限公司临江分行)", None, None),
        ("欧阳某（临江市某某有限公司）", None, None),
        ("钟离某某（某某合伙企业）", None, None),
        ("李某 临江市恒泰食品有限公司", None, None),
        ("王某（某某个体商行）", None, None),
        ("蒋某（广发银行股份有限公司资产托管部）", None, PERSON_ID),
        ("张某【某某有限公司员工】", None, None),
    ],
)
def test_infer_party_type_surname_and_mou_is_a_person(name: str, uscc: str | None, id_number: str | None) -> None:
    # 姓 + 某/某某 names a natural person even when a bracket names the employer.
    party, message = infer_party_type(name, uscc, id_number)
    assert party is PartyType.NATURAL_PERSON
    assert "某" in message and "自然人" in message


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("张某某小吃店", PartyType.LEGAL_PERSON),  # the masked name must end before the bracket: a shop
        ("某某科技有限公司", PartyType.LEGAL_PERSON),  # 某 is no surname
        ("张某", PartyType.NATURAL_PERSON),
        ("某某银行临江分行", PartyType.UNINCORPORATED),
    ],
)
def test_infer_party_type_mou_names_keep_existing_rules(name: str, expected: PartyType) -> None:
    assert infer_party_type(name, None, None)[0] is expected
