"""Identifier validation: 统一社会信用代码 (GB 32100-2015) and 居民身份证号码 (GB 11643-1999), docs/rules.md §5.

Also the generators of synthetic identifiers for the sample data. Real identifiers are for validator tests only
(sample_data/reference/README.md): sample cases must never carry a real organisation's code.
"""

from __future__ import annotations

import random
import re
import unicodedata
from dataclasses import dataclass
from datetime import date
from functools import lru_cache

__all__ = [
    "IdentifierCheck",
    "USCC_ALPHABET",
    "SYNTHETIC_USCC_MARKER",
    "uscc_check_char",
    "org_code_check_char",
    "normalize_uscc",
    "is_valid_uscc",
    "validate_uscc",
    "is_synthetic_uscc",
    "synthetic_uscc",
    "id_check_char",
    "normalize_id_number",
    "validate_id_number",
    "id_birth_date",
    "id_is_male",
    "synthetic_id_number",
]


@dataclass(frozen=True)
class IdentifierCheck:
    ok: bool
    normalized: str
    message: str = ""  # Chinese reason shown to the user when not ok
    warnings: tuple[str, ...] = ()


def _clean(raw: str) -> str:
    # NFKC folds full-width input (９１３５…, ｘ) that Chinese IMEs produce; internal spaces come from
    # copying codes printed in groups.
    return "".join(unicodedata.normalize("NFKC", raw).split()).upper()


# --------------------------------------------------------------------------------------------------------------
# 统一社会信用代码 — GB 32100-2015
# --------------------------------------------------------------------------------------------------------------

USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"  # I O S V Z excluded: confusable with 1 0 5 U 2
_USCC_VALUE = {c: i for i, c in enumerate(USCC_ALPHABET)}
_USCC_WEIGHTS = tuple(pow(3, i, 31) for i in range(17))
_USCC_RE = re.compile(r"[0-9A-HJ-NPQRTUWXY]{2}[0-9]{6}[0-9A-HJ-NPQRTUWXY]{10}")

_ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)
# GB 11714 values letters over the full Latin alphabet (A=10 … Z=35), unlike the USCC alphabet.
_ORG_VALUE = {c: int(c, 36) for c in "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"}
# Indexed by the weighted sum mod 11: the check is 11 − r, written X for 10 and 0 for 11.
_ORG_CHECK_MAP = "0" + "".join({10: "X"}.get(11 - r, str(11 - r)) for r in range(1, 11))

# Synthetic codes put this marker at the start of the 主体标识码 (positions 9–10). Not "MA": that is the block
# 市场监管 has issued to new entities since 2015 (526 of the 1,016 real codes in sample_data/reference use it), and
# other authorities appear to use other "M?" pairs (unverified). No authority is known to issue "YY".
SYNTHETIC_USCC_MARKER = "YY"


def uscc_check_char(first17: str) -> str:
    """校验码 (position 18) for the first 17 characters of a 统一社会信用代码."""
    if len(first17) != 17:
        raise ValueError(f"计算校验码需要前17位，实际为{len(first17)}位")
    try:
        total = sum(_USCC_VALUE[c] * w for c, w in zip(first17, _USCC_WEIGHTS, strict=True))
    except KeyError as exc:
        raise ValueError(f"字符“{exc.args[0]}”不是统一社会信用代码允许的字符") from None
    return USCC_ALPHABET[-total % 31]


def org_code_check_char(body8: str) -> str:
    """GB 11714 check character of a 组织机构代码 body (USCC positions 9–16)."""
    try:
        if len(body8) != 8:
            raise KeyError
        total = sum(_ORG_VALUE[c] * w for c, w in zip(body8, _ORG_WEIGHTS, strict=True))
    except KeyError:
        raise ValueError("组织机构代码本体应为8位数字或大写字母") from None
    return _ORG_CHECK_MAP[total % 11]


def normalize_uscc(code: str) -> str:
    return _clean(code)


def is_valid_uscc(code: str) -> bool:
    code = _clean(code)
    return _USCC_RE.fullmatch(code) is not None and uscc_check_char(code[:17]) == code[17]


def validate_uscc(code: str) -> IdentifierCheck:
    norm = _clean(code)
    if not norm:
        return IdentifierCheck(False, norm, "统一社会信用代码不能为空")
    if len(norm) != 18:
        return IdentifierCheck(False, norm, f"统一社会信用代码应为18位，实际为{len(norm)}位")
    for pos, c in enumerate(norm, start=1):
        if c not in _USCC_VALUE:
            return IdentifierCheck(
                False, norm, f"第{pos}位字符“{c}”不是统一社会信用代码允许的字符（只用数字和除I、O、S、V、Z外的大写字母）"
            )
    if not norm[2:8].isdigit():
        return IdentifierCheck(False, norm, "第3–8位登记管理机关行政区划码应为6位数字")
    expected = uscc_check_char(norm[:17])
    if norm[17] != expected:
        return IdentifierCheck(False, norm, f"校验码错误：第18位应为“{expected}”，实际为“{norm[17]}”")
    warnings: list[str] = []
    # docs/rules.md §5.1: some issued 主体标识码 may not satisfy GB 11714, so a mismatch must not reject the code.
    org_expected = org_code_check_char(norm[8:16])
    if norm[16] != org_expected:
        warnings.append(
            f"主体标识码（组织机构代码）校验位与GB 11714不符：第17位按该标准应为“{org_expected}”，"
            f"实际为“{norm[16]}”，请与营业执照或登记证书核对"
        )
    return IdentifierCheck(True, norm, "", tuple(warnings))


def is_synthetic_uscc(code: str) -> bool:
    """True for codes made by `synthetic_uscc` (sample data), so the UI can label them as fictional."""
    code = _clean(code)
    return (
        is_valid_uscc(code)
        and code[8:10] == SYNTHETIC_USCC_MARKER
        and org_code_check_char(code[8:16]) == code[16]
    )


def synthetic_uscc(rng: random.Random, region_code: str = "440703", prefix: str = "91") -> str:
    """A fictional but check-valid 统一社会信用代码: 主体标识码 = marker + 6 random characters + GB 11714 check.

    31**6 (≈ 8.9 亿) bodies per prefix and region: a million draws repeat about 560 times, so callers that need
    unique codes keep a set and draw again.
    """
    if len(prefix) != 2 or any(c not in _USCC_VALUE for c in prefix):
        raise ValueError(f"登记管理部门和机构类别代码“{prefix}”无效")
    if len(region_code) != 6 or not (region_code.isascii() and region_code.isdigit()):
        raise ValueError(f"行政区划码“{region_code}”应为6位数字")
    body = SYNTHETIC_USCC_MARKER + "".join(rng.choices(USCC_ALPHABET, k=6))
    inner = body + org_code_check_char(body)
    total = _uscc_head_sum(prefix + region_code) + sum(
        _USCC_VALUE[c] * w for c, w in zip(inner, _USCC_WEIGHTS[8:], strict=True)
    )
    return prefix + region_code + inner + USCC_ALPHABET[-total % 31]


@lru_cache(maxsize=4096)
def _uscc_head_sum(head8: str) -> int:
    # The seeder draws many codes per region: the weighted sum of positions 1–8 is worth computing once.
    return sum(_USCC_VALUE[c] * w for c, w in zip(head8, _USCC_WEIGHTS[:8], strict=True))


# --------------------------------------------------------------------------------------------------------------
# 居民身份证号码 — GB 11643-1999
# --------------------------------------------------------------------------------------------------------------

_ID_WEIGHTS = tuple(pow(2, 17 - i, 11) for i in range(17))
_ID_CHECK_MAP = "10X98765432"
_ID18_RE = re.compile(r"[0-9]{17}[0-9X]")
# GB/T 2260 province-level codes; 83 is used by 台湾居民居住证. A new-style 外国人永久居留身份证 (2023) starts
# with 9 and follows the same check rule, so an unknown prefix is only a warning.
_PROVINCE_CODES = frozenset(
    "11 12 13 14 15 21 22 23 31 32 33 34 35 36 37 41 42 43 44 45 46 50 51 52 53 54 61 62 63 64 65 71 81 82 83".split()
)


def id_check_char(first17: str) -> str:
    """Check character (position 18) for the first 17 digits of a 居民身份证号码."""
    if len(first17) != 17 or not first17.isascii() or not first17.isdigit():
        raise ValueError("计算校验码需要前17位数字")
    return _ID_CHECK_MAP[sum(int(c) * w for c, w in zip(first17, _ID_WEIGHTS, strict=True)) % 11]


def normalize_id_number(s: str) -> str:
    """Upper-case, strip whitespace, and convert a 15-digit legacy number to 18 digits.

    Input that is neither shape is returned cleaned but otherwise unchanged; `validate_id_number` says why.
    """
    num = _clean(s)
    if len(num) == 15 and num.isascii() and num.isdigit():
        # Legacy numbers were issued before 2000 with a 2-digit year, all in the 1900s (docs/rules.md §5.2).
        first17 = num[:6] + "19" + num[6:]
        return first17 + id_check_char(first17)
    return num


def _birth_date_or_none(num18: str) -> date | None:
    try:
        return date(int(num18[6:10]), int(num18[10:12]), int(num18[12:14]))
    except ValueError:
        return None


def validate_id_number(s: str, today: date | None = None) -> IdentifierCheck:
    raw = _clean(s)
    norm = normalize_id_number(raw)
    if not raw:
        return IdentifierCheck(False, norm, "身份证号码不能为空")
    warnings: list[str] = []
    if len(raw) == 15:
        if norm == raw:
            return IdentifierCheck(False, norm, "15位身份证号码应全部为数字")
        warnings.append("15位旧身份证号码已按规则升级为18位")
    elif len(raw) != 18:
        return IdentifierCheck(False, norm, f"身份证号码应为18位（或15位旧号码），实际为{len(raw)}位")
    if _ID18_RE.fullmatch(norm) is None:
        return IdentifierCheck(False, norm, "身份证号码前17位应为数字，第18位应为数字或X")
    born = _birth_date_or_none(norm)
    if born is None:
        return IdentifierCheck(False, norm, f"出生日期“{norm[6:14]}”不是有效日期")
    if born > (today or date.today()):
        return IdentifierCheck(False, norm, f"出生日期{born.isoformat()}晚于当前日期")
    expected = id_check_char(norm[:17])
    if norm[17] != expected:
        return IdentifierCheck(False, norm, f"校验码错误：第18位应为“{expected}”，实际为“{norm[17]}”")
    if norm[:2] not in _PROVINCE_CODES:
        warnings.append(f"地址码前两位“{norm[:2]}”不是省级行政区划代码，请核对证件类型")
    return IdentifierCheck(True, norm, "", tuple(warnings))


def _require_id18(num: str) -> str:
    norm = normalize_id_number(num)
    if _ID18_RE.fullmatch(norm) is None:
        raise ValueError("身份证号码格式不正确")
    return norm


def id_birth_date(num: str) -> date:
    born = _birth_date_or_none(_require_id18(num))
    if born is None:
        raise ValueError("身份证号码中的出生日期无效")
    return born


def id_is_male(num: str) -> bool:
    # 顺序码 (positions 15–17): odd for men, even for women.
    return int(_require_id18(num)[16]) % 2 == 1


def synthetic_id_number(
    rng: random.Random,
    region_code: str = "440703",
    born_from: date = date(1950, 1, 1),
    born_to: date = date(2005, 12, 31),
    *,
    male: bool | None = None,
) -> str:
    """A check-valid 居民身份证号码 with a random birth date in [born_from, born_to].

    `male` fixes the sex so that it can match a generated name; None draws it at random.
    """
    if len(region_code) != 6 or not (region_code.isascii() and region_code.isdigit()):
        raise ValueError(f"地址码“{region_code}”应为6位数字")
    if born_to < born_from:
        raise ValueError("出生日期范围无效：起始日期晚于结束日期")
    born = date.fromordinal(rng.randint(born_from.toordinal(), born_to.toordinal()))
    # 996–999 are reserved for centenarians; staying below keeps 顺序码 plausible for the birth years drawn.
    seq = rng.randrange(1, 996)
    if male is not None and seq % 2 != int(male):
        seq = seq + 1 if seq < 995 else seq - 1
    tail = f"{born.year:04d}{born.month:02d}{born.day:02d}{seq:03d}"
    total = _id_head_sum(region_code) + sum(int(c) * w for c, w in zip(tail, _ID_WEIGHTS[6:], strict=True))
    return region_code + tail + _ID_CHECK_MAP[total % 11]


@lru_cache(maxsize=4096)
def _id_head_sum(region_code: str) -> int:
    return sum(int(c) * w for c, w in zip(region_code, _ID_WEIGHTS[:6], strict=True))
