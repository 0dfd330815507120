"""当事人 columns, checked the same way wherever a row names a party (decisions, cases): the name, the
统一社会信用代码 and 证件号码 by their standards, and 当事人类型 as given — or inferred, with a warning — and
compared with what the name and identifiers suggest."""

from __future__ import annotations

import datetime as dt
import re
from typing import Protocol

from db.imports.cells import ORG_TYPES, PARTY_TYPE_VALUES, nfkc
from db.imports.reading import WS_RE
from domain.enums import PartyType
from domain.identifiers import validate_id_number, validate_uscc
from domain.parsing import infer_party_type

__all__ = ["Party", "ProblemSink", "check_party"]

Party = tuple[PartyType | None, str, str | None, str | None]  # (type, name, uscc, id_number)


class ProblemSink(Protocol):
    def err(self, key: str, message: str) -> None: ...

    def warn(self, key: str, message: str) -> None: ...


def check_party(v: dict[str, str], row: ProblemSink, today: dt.date, *, imprecise_id: bool) -> Party:
    """The row's party; problems go to ``row``. ``imprecise_id``: Excel stored the 证件号码 as a long number."""
    name = WS_RE.sub(" ", v["party_name"]).strip()
    if len(name) > 200:
        row.err("party_name", f"当事人名称过长（{len(name)}字，最多200字）")
    uscc = _uscc(v["uscc"], row)
    id_number = _id_number(v["id_number"], row, today, imprecise_id)
    return _party_type(v["party_type"], name, uscc, id_number, row), name, uscc, id_number


def _uscc(raw: str, row: ProblemSink) -> str | None:
    if not raw:
        return None
    check = validate_uscc(raw)
    if not check.ok:
        row.err("uscc", f"统一社会信用代码“{raw}”无效：{check.message}")
        return None
    for w in check.warnings:
        row.warn("uscc", w)
    return check.normalized


def _id_number(raw: str, row: ProblemSink, today: dt.date, imprecise: bool) -> str | None:
    if not raw:
        return None
    compact_id = nfkc(raw).upper()
    if re.fullmatch(r"[0-9]{14,19}[0-9X]?", compact_id):
        check = validate_id_number(raw, today=today)
        if check.ok:
            for w in check.warnings:
                row.warn("id_number", w)
            return check.normalized
        hint = "；该单元格在Excel中是数字，超过15位的数字会被Excel改动，请将该列设为文本后重新填写" if imprecise else ""
        row.err("id_number", f"身份证号码“{raw}”无效：{check.message}{hint}")
        return None
    if len(compact_id) > 18:
        row.err("id_number", f"证件号码“{raw}”过长（最多18位）")
        return None
    row.warn("id_number", f"证件号码“{raw}”不是居民身份证号码，按其他证件原样保存，未做校验")
    return compact_id


def _party_type(raw: str, name: str, uscc: str | None, id_number: str | None, row: ProblemSink) -> PartyType | None:
    raw_type = nfkc(raw)
    if not raw_type:
        if not name:
            return None
        inferred, note = infer_party_type(name, uscc, id_number)
        if inferred is None:
            row.err("party_type", f"当事人类型为空且无法推断：{note}")
        else:
            row.warn("party_type", f"当事人类型为空，已推断为“{inferred.value}”：{note}")
        return inferred
    if raw_type not in PARTY_TYPE_VALUES:
        row.err("party_type", f"当事人类型“{raw_type}”无效，应为自然人、法人、非法人组织或个体工商户")
        return None
    declared = PARTY_TYPE_VALUES[raw_type]
    if declared is None:  # 法人及非法人组织, 单位 …: which kind of organisation is decided from the identifiers
        inferred, note = infer_party_type(name, uscc, id_number)
        if inferred in ORG_TYPES:
            row.warn("party_type", f"当事人类型“{raw_type}”未区分法人与非法人组织，{note}")
            return inferred
        row.warn("party_type", f"当事人类型“{raw_type}”未区分法人与非法人组织，按法人处理，请核对")
        return PartyType.LEGAL_PERSON
    if name:
        _compare_declared(declared, raw_type, name, uscc, id_number, row)
    return declared


def _compare_declared(declared: PartyType, raw_type: str, name: str, uscc: str | None, id_number: str | None,
                      row: ProblemSink) -> None:
    """Warn when the declared type contradicts the name and identifiers: a person declared 法人 is published
    unredacted. Only the person / organisation divide counts: 法人 against 非法人组织 is the registrar's call, and
    a 个体工商户 often trades under its operator's own name."""
    inferred, note = infer_party_type(name, uscc, id_number)
    if inferred is None or inferred is declared:
        return
    person = PartyType.NATURAL_PERSON
    if (inferred is person) == (declared is person):
        return
    if declared is PartyType.INDIVIDUAL_BUSINESS and inferred is person:
        return
    row.warn("party_type", f"当事人类型填写为“{raw_type}”，但推断为“{inferred.value}”（{note}），请核对")
