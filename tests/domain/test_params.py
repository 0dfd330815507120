"""Strict reading of ids, years, pages and texts from outside (URLs, forms, the API, the command line)."""

from __future__ import annotations

import pytest

from domain.params import (
    PG_INTEGER_MAX,
    ParamError,
    clean_text,
    parse_id,
    parse_page,
    parse_year,
    quote_input,
    require_int,
    text_problem,
)

ID_CASES = [
    ("1", 1),
    ("42", 42),
    ("007", 7),
    (str(PG_INTEGER_MAX), PG_INTEGER_MAX),
    (str(PG_INTEGER_MAX + 1), None),  # beyond PostgreSQL integer
    ("9999999999", None),
    ("99999999999999999999", None),  # 20 digits
    ("9" * 4301, None),  # beyond Python's int() digit limit: must not raise
    ("0", None),
    ("", None),
    ("²", None),  # isdigit() is True, int() raises
    ("①", None),
    ("４２", None),  # full-width: int() accepts it
    ("٤٢", None),  # Arabic-Indic digits: int() accepts them
    ("-1", None),
    ("+1", None),
    (" 1", None),
    ("1 ", None),
    ("1_000", None),
    ("1.0", None),
    ("1e3", None),
    ("0x10", None),
    ("1\x00", None),
    ("\ud800", None),
    ("' OR 1=1 --", None),
    (None, None),
    (42, None),  # only text is read; a caller with an int has nothing to parse
]


@pytest.mark.parametrize(("raw", "expected"), ID_CASES)
def test_parse_id(raw, expected) -> None:
    assert parse_id(raw) == expected


@pytest.mark.parametrize(("raw", "expected"), [
    ("2025", 2025), ("1949", 1949), ("2100", 2100), ("1948", None), ("2101", None), ("²⁰²⁵", None), ("２０２５", None),
    ("9" * 4301, None), ("", None),
])
def test_parse_year(raw, expected) -> None:
    assert parse_year(raw) == expected


@pytest.mark.parametrize(("raw", "expected"), [
    ("1", 1), ("1000000", 1_000_000), ("1000001", None), ("0", None), ("-3", None), ("³", None),
])
def test_parse_page(raw, expected) -> None:
    assert parse_page(raw) == expected


QUOTE_CASES = [
    ("abc", "abc"),
    ("a" * 50, "a" * 50),
    ("a" * 51, "a" * 50 + "…"),
    ("x" * 5000, "x" * 50 + "…"),
    ("a\x00b", "ab"),
    ("a\nb\tc\rd", "abcd"),
    ("a\u202eb", "ab"),  # bidi override
    ("a\ud800b", "a\ufffdb"),
    ("执法" * 40, ("执法" * 25) + "…"),
    (None, ""),
    (12, "12"),
]


@pytest.mark.parametrize(("value", "expected"), QUOTE_CASES)
def test_quote_input(value, expected) -> None:
    assert quote_input(value) == expected


def test_quote_input_custom_limit_and_encodable() -> None:
    assert quote_input("abcdef", limit=3) == "abc…"
    quote_input("\udfff" * 100).encode("utf-8")  # no lone surrogate survives


def test_require_int_message_is_chinese_and_bounded() -> None:
    with pytest.raises(ParamError) as err:
        require_int("9" * 4301, "year", "年度", 1949, 2100)
    message = str(err.value)
    assert message.startswith("参数 year（年度）应为 1949–2100 之间的整数")
    assert len(message) < 120
    assert require_int("2025", "year", "年度", 1949, 2100) == 2025


TEXT_CASES = [
    ("张三", 50, False, None),
    ("a" * 50, 50, False, None),
    ("a" * 51, 50, False, "不能超过 50 个字符"),
    ("a" * 60, 50, False, "不能超过 50 个字符"),
    ("a\x00b", 50, False, "控制字符"),
    ("a\nb", 50, False, "控制字符"),
    ("a\nb\tc", 50, True, None),
    ("a\x00b", 50, True, "控制字符"),
    ("a\ud800", 50, False, "控制字符"),
    ("", 50, False, None),
]


@pytest.mark.parametrize(("value", "limit", "multiline", "problem"), TEXT_CASES)
def test_text_problem(value, limit, multiline, problem) -> None:
    found = text_problem(value, "用户名", limit, multiline=multiline)
    if problem is None:
        assert found is None
    else:
        assert found is not None and problem in found and found.startswith("用户名")
        assert len(found) < 50 + 40  # quotes at most 50 characters of the input


@pytest.mark.parametrize(("value", "expected"), [
    ("  食品 ", "食品"), ("a\x00b", "ab"), ("a\ud800b", "ab"), ("x" * 500, "x" * 100), (None, ""),
])
def test_clean_text(value, expected) -> None:
    assert clean_text(value, 100) == expected
