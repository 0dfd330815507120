from __future__ import annotations

import random
from dataclasses import FrozenInstanceError
from datetime import date

import pytest

from domain.identifiers import (
    SYNTHETIC_USCC_MARKER,
    IdentifierCheck,
    id_birth_date,
    id_check_char,
    id_is_male,
    is_synthetic_uscc,
    is_valid_uscc,
    normalize_id_number,
    org_code_check_char,
    synthetic_id_number,
    synthetic_uscc,
    uscc_check_char,
    validate_id_number,
    validate_uscc,
)
from sample_data import REFERENCE_DIR

REAL_USCC_FILE = REFERENCE_DIR / "uscc_valid_codes.txt"
TODAY = date(2025, 10, 20)


def _real_codes() -> list[str]:
    return [line.strip() for line in REAL_USCC_FILE.read_text(encoding="utf-8").splitlines() if line.strip()]


# --- 统一社会信用代码 -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("first17", "check"),
    [
        ("91350100M000100Y4", "3"),  # docs/rules.md §5.1 worked example 1: S = 1640
        ("91110000600037341", "L"),  # worked example 2: S = 538
        ("N2440300MA5D12345", "C"),  # worked example 3: letter in position 1
    ],
)
def test_uscc_check_char_worked_examples(first17: str, check: str) -> None:
    assert uscc_check_char(first17) == check


@pytest.mark.parametrize(
    "code",
    [
        "91350100M000100Y43",
        "91110000600037341L",
        "N2440300MA5D12345C",
        " 91350100M000100Y43 ",
        "91350100m000100y43",
        "9135 0100 M000 100Y 43",
        "９１３５０１００Ｍ０００１００Ｙ４３",  # full-width input from a Chinese IME
        "\t91110000600037341l\n",
    ],
)
def test_valid_uscc(code: str) -> None:
    result = validate_uscc(code)
    assert result.ok, result.message
    assert result.message == ""
    assert is_valid_uscc(code)
    assert len(result.normalized) == 18 and result.normalized == result.normalized.upper()


@pytest.mark.parametrize(
    ("code", "reason"),
    [
        ("91350100M000100Y44", "校验码错误"),  # docs/rules.md §5.3 invalid vector: bad check
        ("91350100I000100Y43", "第9位字符“I”"),  # illegal letter I
        ("91350100O000100Y43", "第9位字符“O”"),
        ("91350100S000100Y43", "第9位字符“S”"),
        ("91350100V000100Y43", "第9位字符“V”"),
        ("91350100Z000100Y43", "第9位字符“Z”"),
        ("9135010M000100Y43", "应为18位"),
        ("91350100M000100Y433", "应为18位"),
        ("", "不能为空"),
        ("   ", "不能为空"),
        ("91A50100M000100Y43", "行政区划码"),
        ("91350100M000100Y4-", "第18位字符“-”"),
    ],
)
def test_invalid_uscc(code: str, reason: str) -> None:
    result = validate_uscc(code)
    assert not result.ok
    assert reason in result.message
    assert not is_valid_uscc(code)


@pytest.mark.parametrize("prefix", ["11", "12", "51", "52", "91", "92", "93", "Y1", "A1", "N1", "N2", "N3", "31", "71"])
def test_letter_and_digit_prefixes_are_valid(prefix: str) -> None:
    first17 = prefix + "440703M000100Y4"
    assert validate_uscc(first17 + uscc_check_char(first17)).ok


def test_inner_org_code_mismatch_is_only_a_warning() -> None:
    # The synthetic worked example 3 has a 主体标识码 whose GB 11714 check does not hold.
    result = validate_uscc("N2440300MA5D12345C")
    assert result.ok
    assert len(result.warnings) == 1 and "GB 11714" in result.warnings[0]


@pytest.mark.parametrize(("body", "check"), [("M000100Y", "4"), ("60003734", "1")])
def test_org_code_check_char(body: str, check: str) -> None:
    assert org_code_check_char(body) == check


def test_uscc_check_char_rejects_bad_input() -> None:
    with pytest.raises(ValueError):
        uscc_check_char("91350100M000100Y")
    with pytest.raises(ValueError):
        uscc_check_char("91350100I000100Y4")


def test_every_real_uscc_passes() -> None:
    codes = _real_codes()
    assert len(codes) == 1016
    failures = [(c, validate_uscc(c).message) for c in codes if not validate_uscc(c).ok]
    assert failures == []
    assert not any(is_synthetic_uscc(c) for c in codes)


def test_identifier_check_is_frozen() -> None:
    result = validate_uscc("91350100M000100Y43")
    assert isinstance(result, IdentifierCheck)
    with pytest.raises(FrozenInstanceError):
        result.ok = False  # type: ignore[misc]


# --- synthetic USCC ---------------------------------------------------------------------------------------------


def test_synthetic_uscc_valid_fictional_and_never_real() -> None:
    real = set(_real_codes())
    rng = random.Random(20240601)
    codes = [synthetic_uscc(rng) for _ in range(20_000)]
    assert real.isdisjoint(codes)
    for code in codes:
        result = validate_uscc(code)
        assert result.ok and result.warnings == (), code
        assert code.startswith("91440703" + SYNTHETIC_USCC_MARKER)
        assert is_synthetic_uscc(code)
    assert len(set(codes)) > 19_990  # 31**6 bodies: repeats are rare


def test_synthetic_uscc_is_deterministic_and_honours_prefix_and_region() -> None:
    a = [synthetic_uscc(random.Random(7), "440705", "N2") for _ in range(3)]
    assert len(set(a)) == 1
    assert a[0].startswith("N2440705")
    assert is_valid_uscc(a[0]) and is_synthetic_uscc(a[0])


@pytest.mark.parametrize(("region", "prefix"), [("44070", "91"), ("44070X", "91"), ("440703", "9"), ("440703", "9I")])
def test_synthetic_uscc_rejects_bad_arguments(region: str, prefix: str) -> None:
    with pytest.raises(ValueError):
        synthetic_uscc(random.Random(1), region, prefix)


@pytest.mark.parametrize(
    "code",
    ["91350100M000100Y43", "91440703YY00000000", "N2440300MA5D12345C", "not a code"],
)
def test_is_synthetic_uscc_negative(code: str) -> None:
    assert not is_synthetic_uscc(code)


# --- 居民身份证号码 ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("first17", "check"),
    [("11010519491231002", "X"), ("44052418800101001", "4")],  # docs/rules.md §5.2 worked examples: S = 167, 195
)
def test_id_check_char_worked_examples(first17: str, check: str) -> None:
    assert id_check_char(first17) == check


@pytest.mark.parametrize(
    ("raw", "normalized"),
    [
        ("11010519491231002X", "11010519491231002X"),
        ("11010519491231002x", "11010519491231002X"),  # lower-case x
        ("440524188001010014", "440524188001010014"),
        (" 4405 2418 8001 0100 14 ", "440524188001010014"),
        ("110105491231002", "11010519491231002X"),  # 15-digit legacy number
        ("１１０１０５４９１２３１００２", "11010519491231002X"),
    ],
)
def test_valid_id_numbers(raw: str, normalized: str) -> None:
    result = validate_id_number(raw, today=TODAY)
    assert result.ok, result.message
    assert result.normalized == normalized
    assert normalize_id_number(raw) == normalized


def test_fifteen_digit_conversion_warns() -> None:
    result = validate_id_number("110105491231002", today=TODAY)
    assert result.ok and any("15位" in w for w in result.warnings)


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        ("110105194912310021", "校验码错误"),  # docs/rules.md §5.3 invalid vector
        ("110105194913310026", "不是有效日期"),  # month 13
        ("110105194902300010", "不是有效日期"),  # 30 February
        ("11010519491231002Y", "第18位应为数字或X"),
        ("1101051949123100XX", "第18位应为数字或X"),
        ("11010519491231002", "应为18位"),
        ("1101054912310X2", "15位"),
        ("", "不能为空"),
    ],
)
def test_invalid_id_numbers(raw: str, reason: str) -> None:
    result = validate_id_number(raw, today=TODAY)
    assert not result.ok
    assert reason in result.message


def test_future_birth_date_is_rejected() -> None:
    first17 = "44070320251021001"  # born the day after TODAY
    result = validate_id_number(first17 + id_check_char(first17), today=TODAY)
    assert not result.ok and "晚于当前日期" in result.message
    same_day = "44070320251020001"
    assert validate_id_number(same_day + id_check_char(same_day), today=TODAY).ok


def test_unknown_province_code_is_only_a_warning() -> None:
    first17 = "99070319800101001"
    result = validate_id_number(first17 + id_check_char(first17), today=TODAY)
    assert result.ok and any("地址码" in w for w in result.warnings)


def test_birth_date_and_sex() -> None:
    assert id_birth_date("11010519491231002X") == date(1949, 12, 31)
    assert id_birth_date("110105491231002") == date(1949, 12, 31)
    assert not id_is_male("11010519491231002X")  # 顺序码 002
    assert id_is_male("440524188001010014")  # 顺序码 001
    with pytest.raises(ValueError):
        id_birth_date("110105194913310026")
    with pytest.raises(ValueError):
        id_is_male("abc")


# --- synthetic 身份证号码 ---------------------------------------------------------------------------------------


def test_synthetic_id_numbers_are_valid_and_in_range() -> None:
    rng = random.Random(42)
    born_from, born_to = date(1950, 1, 1), date(2005, 12, 31)
    numbers = [synthetic_id_number(rng) for _ in range(20_000)]
    for num in numbers:
        result = validate_id_number(num, today=TODAY)
        assert result.ok and result.warnings == (), num
        assert num.startswith("440703")
        assert born_from <= id_birth_date(num) <= born_to
        assert 1 <= int(num[14:17]) <= 995  # 996–999 are reserved for centenarians
    assert 0.45 < sum(map(id_is_male, numbers)) / len(numbers) < 0.55


@pytest.mark.parametrize("male", [True, False])
def test_synthetic_id_number_fixed_sex(male: bool) -> None:
    rng = random.Random(3)
    for _ in range(2_000):
        num = synthetic_id_number(rng, "110105", date(2000, 2, 29), date(2000, 2, 29), male=male)
        assert id_is_male(num) is male
        assert id_birth_date(num) == date(2000, 2, 29)
        assert validate_id_number(num, today=TODAY).ok


def test_synthetic_id_number_is_deterministic() -> None:
    assert synthetic_id_number(random.Random(9)) == synthetic_id_number(random.Random(9))


def test_synthetic_id_number_rejects_bad_arguments() -> None:
    with pytest.raises(ValueError):
        synthetic_id_number(random.Random(1), "4407")
    with pytest.raises(ValueError):
        synthetic_id_number(random.Random(1), born_from=date(2000, 1, 2), born_to=date(2000, 1, 1))
