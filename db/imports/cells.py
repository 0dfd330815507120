"""Cell parsers and small value rules shared by the import kinds. Pure: no database.

Parsers of repeated text are memoised per distinct cell (real exports repeat dates, amounts and standard penalty
wordings on thousands of rows); each returns (value, Chinese error message or None) so that failures are cached
too."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass, replace
from decimal import Decimal
from functools import lru_cache
from zoneinfo import ZoneInfo

from db.imports.reading import compact
from domain.enums import DiscretionTier, PartyType, PenaltyType, ReviewOutcome
from domain.major import DEFAULT_MAJOR_RULES, MajorRules
from domain.numbers import parse_chinese_number
from domain.parsing import (
    FieldError,
    PenaltyContent,
    parse_amount,
    parse_date,
    parse_penalty_content,
    parse_penalty_types,
    parse_publication_period,
)

__all__ = ["CHINA_TZ", "MASKED_NAME_RE", "MAX_MONEY", "ORG_TYPES", "PARTY_TYPE_VALUES", "REVIEW_OK_PREFIXES",
           "REVIEW_PROBLEM_WORDS", "TIER_ALIASES", "AgencyRef", "age_on",
           "agency_key", "amount_cached", "content_cached", "date_cached", "local_text", "money_text", "nfkc",
           "ordinal", "party_key", "period_cached", "review_outcome", "types_cached"]

MAX_MONEY = Decimal("999999999999.99")  # NUMERIC(14, 2)
CHINA_TZ = ZoneInfo("Asia/Shanghai")


@dataclass
class AgencyRef:
    """An agency a row names: a stored one (``id``), or one ``--create-agencies`` will insert (``id`` None)."""

    id: int | None
    name: str
    major_fine_person: Decimal
    major_fine_org: Decimal
    first_line: int = 0  # for agencies to be created
    major_rules: MajorRules | None = None  # the stored 目录清单; None: defaults with the thresholds above

    def rules(self) -> MajorRules:
        if self.major_rules is not None:
            return self.major_rules
        return replace(DEFAULT_MAJOR_RULES, fine_person=self.major_fine_person, fine_org=self.major_fine_org)



PARTY_TYPE_VALUES: dict[str, PartyType | None] = {
    "自然人": PartyType.NATURAL_PERSON, "个人": PartyType.NATURAL_PERSON, "公民": PartyType.NATURAL_PERSON,
    "法人": PartyType.LEGAL_PERSON, "企业法人": PartyType.LEGAL_PERSON, "法人组织": PartyType.LEGAL_PERSON,
    "非法人组织": PartyType.UNINCORPORATED, "其他组织": PartyType.UNINCORPORATED,
    "个体工商户": PartyType.INDIVIDUAL_BUSINESS, "个体户": PartyType.INDIVIDUAL_BUSINESS,
    "个体": PartyType.INDIVIDUAL_BUSINESS,
    # 信用中国 and many local systems only distinguish persons from "units": decided from the identifiers.
    "法人及非法人组织": None, "法人及其他组织": None, "法人或其他组织": None, "法人和其他组织": None, "单位": None,
    "组织": None, "企业": None,
}
ORG_TYPES = (PartyType.LEGAL_PERSON, PartyType.UNINCORPORATED, PartyType.INDIVIDUAL_BUSINESS)
REVIEW_PROBLEM_WORDS = ("不同意", "不通过", "未通过", "不予通过", "存在问题", "退回", "不合法", "驳回")
REVIEW_OK_PREFIXES = ("同意", "通过", "审核通过", "已通过", "予以通过", "合法", "无异议")
# "张某", "李某某", "王*", "赵××": a published, masked name identifies nobody, so such parties are never merged.
MASKED_NAME_RE = re.compile(r"某|[*＊×✕]|[xX]{2}|○")


def nfkc(value: str) -> str:
    return compact(unicodedata.normalize("NFKC", value))


def agency_key(name: str) -> str:
    return nfkc(name)


def money_text(value: Decimal | None) -> str:
    return "" if value is None else f"{value:,.2f}"


def local_text(moment: dt.datetime) -> str:
    return moment.astimezone(CHINA_TZ).strftime("%Y-%m-%d %H:%M:%S")


def age_on(id_number: str, day: dt.date) -> int | None:
    try:
        born = dt.date(int(id_number[6:10]), int(id_number[10:12]), int(id_number[12:14]))
    except (ValueError, IndexError):
        return None
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


def party_key(ptype: PartyType, name: str, uscc: str | None, id_number: str | None) -> tuple[str, ...]:
    if uscc:
        return ("uscc", uscc)
    if id_number:
        return ("id", id_number)
    return ("name", ptype.value, name)


def review_outcome(raw: str) -> tuple[ReviewOutcome | None, bool]:
    """(outcome, recognised) of a 法制审核结论 cell; blank and 待审核 are a pending round."""
    folded = nfkc(raw)
    if not folded or folded in ("待审核", "审核中", "未审核", "尚未审核", "待审"):
        return None, True
    if any(w in folded for w in REVIEW_PROBLEM_WORDS):
        return ReviewOutcome.PROBLEMS, True
    if folded.startswith(REVIEW_OK_PREFIXES):
        return ReviewOutcome.APPROVED, True
    return None, False


_SEQ_RE = re.compile(r"第?\s*([0-9]{1,6}|[一二三四五六七八九十百]{1,4})\s*(?:轮|次|条|步)?")


def ordinal(raw: str) -> int | None:
    """"3", "第3轮", "第三轮", "3.0" (an Excel number) → 3; anything else None."""
    text_ = nfkc(raw)
    if re.fullmatch(r"[0-9]{1,6}\.0+", text_):
        text_ = text_.split(".")[0]
    match = _SEQ_RE.fullmatch(text_)
    if not match:
        return None
    try:
        return int(parse_chinese_number(match.group(1)))
    except ValueError:
        return None


TIER_ALIASES = {t.value: t for t in DiscretionTier} | {
    "从轻处罚": DiscretionTier.LIGHTER, "一般处罚": DiscretionTier.GENERAL, "从重处罚": DiscretionTier.HEAVIER,
    "减轻处罚": DiscretionTier.MITIGATED, "不予行政处罚": DiscretionTier.NONE, "免予处罚": DiscretionTier.NONE,
    "较轻": DiscretionTier.LIGHTER, "较重": DiscretionTier.HEAVIER, "一般情形": DiscretionTier.GENERAL,
}


# thousands of rows. Each returns (value, Chinese error message or None) so that failures are cached too.
@lru_cache(maxsize=1 << 16)
def date_cached(raw: str) -> tuple[dt.date | None, str | None]:
    try:
        return parse_date(raw), None
    except FieldError as exc:
        return None, exc.message


@lru_cache(maxsize=1 << 16)
def amount_cached(raw: str, unit: str) -> tuple[Decimal | None, str | None]:
    try:
        return parse_amount(raw, unit=unit), None
    except FieldError as exc:
        return None, exc.message


@lru_cache(maxsize=1 << 16)
def content_cached(raw: str) -> tuple[PenaltyContent | None, str | None]:
    try:
        return parse_penalty_content(raw), None
    except FieldError as exc:
        return None, exc.message


@lru_cache(maxsize=4096)
def types_cached(raw: str) -> tuple[frozenset[PenaltyType], str | None]:
    try:
        return parse_penalty_types(raw), None
    except FieldError as exc:
        return frozenset(), exc.message


@lru_cache(maxsize=4096)
def period_cached(raw: str) -> tuple[int | None, str | None]:
    try:
        return parse_publication_period(raw), None
    except FieldError as exc:
        return None, exc.message

