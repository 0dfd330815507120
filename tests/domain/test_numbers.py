from decimal import Decimal

import pytest

from domain.numbers import AMOUNT_PATTERN, parse_amount_yuan, parse_chinese_number, quantize_yuan

NUMBER_CASES = [
    ("五十", "50"),
    ("一千五百", "1500"),
    ("两万", "20000"),
    ("十", "10"),
    ("十五", "15"),
    ("二十五", "25"),
    ("三十万", "300000"),
    ("一百零五", "105"),
    ("一千零五", "1005"),
    ("一万零五百", "10500"),
    ("三万十", "30010"),
    ("一千二百三十四万五千六百七十八", "12345678"),
    ("三亿五千万", "350000000"),
    ("一万亿", "1000000000000"),
    ("一千五", "1500"),  # colloquial abbreviation
    ("一万五", "15000"),
    ("〇", "0"),
    ("零", "0"),
    ("二〇二〇", "2020"),
    ("伍仟", "5000"),
    ("壹拾贰万叁仟", "123000"),
    ("贰佰", "200"),
    ("一点五", "1.5"),
    ("负五", "-5"),
    ("1.5", "1.5"),
    ("3000", "3000"),
    ("1,712.4", "1712.4"),
    ("12,345,678", "12345678"),
    ("１２３", "123"),
    ("１，０００．５", "1000.5"),
    (" 4 2 ", "42"),
    ("1.5万", "15000"),
    ("1712.4万", "17124000"),
    ("5千万", "50000000"),
    ("2亿", "200000000"),
]


@pytest.mark.parametrize(("text", "expected"), NUMBER_CASES)
def test_parse_chinese_number(text: str, expected: str) -> None:
    assert parse_chinese_number(text) == Decimal(expected)


@pytest.mark.parametrize("text", ["", "   ", "abc", "万", "百", "五五千", "1,2", "1e5", "NaN", "十二条", "1.2.3"])
def test_parse_chinese_number_rejects(text: str) -> None:
    with pytest.raises(ValueError, match="无法识别"):
        parse_chinese_number(text)


AMOUNT_CASES = [
    ("1,712.4万元", "17124000.00"),
    ("1.621747万元", "16217.47"),
    ("五千元", "5000.00"),
    ("3000", "3000.00"),
    ("3000元", "3000.00"),
    ("¥1,000.005", "1000.01"),  # ROUND_HALF_UP at the cent
    ("￥３０００元", "3000.00"),
    ("RMB 20万", "200000.00"),
    ("人民币伍仟元整", "5000.00"),
    ("5000元人民币", "5000.00"),
    ("十万元", "100000.00"),
    ("2亿元", "200000000.00"),
    ("0.5亿", "50000000.00"),
    ("  1 000 元 ", "1000.00"),
]


@pytest.mark.parametrize(("text", "expected"), AMOUNT_CASES)
def test_parse_amount_yuan(text: str, expected: str) -> None:
    result = parse_amount_yuan(text)
    assert result == Decimal(expected)
    assert result.as_tuple().exponent == -2


@pytest.mark.parametrize("text", ["", "元", "万元", "abc元", "罚款", "-5元", "1,2元"])
def test_parse_amount_yuan_rejects(text: str) -> None:
    with pytest.raises(ValueError):
        parse_amount_yuan(text)


def test_quantize_yuan_rounds_half_up() -> None:
    assert quantize_yuan(Decimal("2.345")) == Decimal("2.35")
    assert quantize_yuan(Decimal("2.344")) == Decimal("2.34")


PATTERN_CASES = [
    ("罚款1712.4万元", ["1712.4万元"]),
    ("处一万元以上十万元以下的罚款", ["一万元", "十万元"]),
    ("依据第十二条处违法所得二倍罚款", []),
    ("罚款人民币伍仟元整。", ["人民币伍仟元整"]),
    ("共计¥1,000元和￥500", ["¥1,000元", "￥500"]),
    ("罚款 3,000 元", ["3,000 元"]),
    ("处五万元以下罚款", ["五万元"]),
    ("罚款1.621747万元。", ["1.621747万元"]),
]


@pytest.mark.parametrize(("text", "expected"), PATTERN_CASES)
def test_amount_pattern_finds_amounts(text: str, expected: list[str]) -> None:
    found = [m.group(0) for m in AMOUNT_PATTERN.finditer(text)]
    assert found == expected
    for match in found:
        parse_amount_yuan(match)  # every match must be parseable


def test_amount_pattern_values() -> None:
    text = "处五千元以上3万元以下罚款"
    assert [parse_amount_yuan(m.group(0)) for m in AMOUNT_PATTERN.finditer(text)] == [
        Decimal("5000.00"),
        Decimal("30000.00"),
    ]
