"""The public projection of a decision: every published text field, redacted once, when the decision is written.

行政执法公示 must never expose a natural person (118号 §二, RULES.md §1.6). Redacting on the read path meant each
page, export and API route had to remember every field, and one unredactable value made the guard raise for a whole
listing. Instead, whoever writes a decision (import, seed, correction, withdrawal) builds its ``PublicProjection``
here, through one function over every published field, and the database stores it; the public read path reads only
the stored projection, so it cannot leak a raw column and cannot fail on a row.

A projection whose text still holds personal data after redaction (an unknown format, a name the rules cannot see)
is *held*: ``held_reason`` says which field and what kind of data, never the value, and the decision stays off every
public output until someone fixes the source text (状态 待脱敏复核, shown to administrators).

Pure Python: no streamlit, no sqlalchemy.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field

from domain.enums import DisclosureStatus, PartyType
from domain.redaction import (
    DEFAULT_POLICY,
    RedactionPolicy,
    mask_person_name,
    personal_data_kinds,
    redact_party,
    redact_text,
)

__all__ = ["HOLD_PREFIX", "STALE_REASON", "HistoryEntry", "PublicProjection", "PublicSource", "project"]

# Every held reason starts with this, so a list of held records reads as one status.
HOLD_PREFIX = "待脱敏复核"
# Set by database triggers (frozen in migration 8b1e4c2d9f30; a test keeps the two equal) when a source text changes
# and no new projection was written in the same transaction.
STALE_REASON = f"{HOLD_PREFIX}：原文已修改，待重新生成公示内容"
# public_records.held_reason is String(500); a reason never quotes the data, only field labels and kinds.
MAX_REASON = 500


@dataclass(frozen=True)
class HistoryEntry:
    version: int
    changed_on: dt.date
    status: str
    reason: str


@dataclass(frozen=True)
class PublicSource:
    """The raw content of one decision as stored, before any redaction (never shown to the public)."""

    party_type: PartyType
    party_name: str
    uscc: str | None = None
    legal_representative: str | None = None
    decision_no: str = ""
    violation: str = ""
    facts: str = ""
    legal_basis: str = ""
    conclusion: str = ""
    discretion_statement: str = ""
    public_explanation: str = ""
    history: tuple[HistoryEntry, ...] = ()
    # Other natural persons named in the record (witnesses, relatives, 个体工商户's operator …), masked everywhere.
    other_names: tuple[str, ...] = ()


@dataclass(frozen=True)
class PublicProjection:
    party_type: str
    party_name: str
    uscc: str
    violation: str
    facts: str
    legal_basis: str
    conclusion: str
    discretion_statement: str
    public_explanation: str
    history: tuple[HistoryEntry, ...] = field(default=())
    held_reason: str | None = None
    held_fields: tuple[str, ...] = ()  # labels of the fields that still hold personal data (the import's columns)

    @property
    def held(self) -> bool:
        return self.held_reason is not None


# Field → label, in the order the decision page shows them (also the order held reasons name them).
TEXT_FIELDS = {
    "party_name": "当事人名称",
    "violation": "违法行为类型",
    "facts": "违法事实",
    "legal_basis": "处罚依据",
    "conclusion": "处罚内容",
    "discretion_statement": "裁量说明",
    "public_explanation": "撤回说明",
}


def _names(source: PublicSource) -> tuple[list[str], list[str]]:
    """(names to mask, names to keep) for ``redact_text``."""
    known = [n for n in source.other_names if n]
    keep: list[str] = []
    name = (source.party_name or "").strip()
    if source.party_type.is_natural_person:
        known.append(name)
    else:
        keep.append(name)
        rep = (source.legal_representative or "").strip()
        # A 个体工商户's operator is a natural person in every sense (总局令45号 art. 6); an organisation's
        # 法定代表人 is published (RULES.md §1.6 "Keep").
        if rep and source.party_type is PartyType.INDIVIDUAL_BUSINESS:
            known.append(rep)
    return known, keep


def disclosed(status: object, published_on: dt.date | None, withheld_reason: str | None) -> bool:
    """Whether a decision's disclosure record has let the public see it (published at some time — corrected,
    withdrawn and expired decisions were — and not withheld): with an unheld projection, the public has seen it."""
    return status is not None and str(status) != DisclosureStatus.DRAFT.value and published_on is not None \
        and not withheld_reason


def project(source: PublicSource, policy: RedactionPolicy = DEFAULT_POLICY) -> PublicProjection:
    """The public record of ``source``: every text field through ``redact_text`` with the record's own names, then
    checked; anything the check still finds holds the record back with a reason that names field and kind only."""
    known, keep = _names(source)

    def clean(text: str | None) -> str:
        return redact_text(text or "", known_names=known, keep_names=keep, policy=policy)

    party = redact_party({"party_type": source.party_type, "name": source.party_name, "uscc": source.uscc or "",
                          "legal_representative": source.legal_representative or ""}, policy)
    # An organisation's registered name is published as registered, except for personal data inside it
    # ("张三（手机138…）经营部").
    party_name = party["name"] if source.party_type.is_natural_person else clean(party["name"])
    values = {
        "party_name": party_name,
        "violation": clean(source.violation),
        "facts": clean(source.facts),
        "legal_basis": clean(source.legal_basis),
        "conclusion": clean(source.conclusion),
        "discretion_statement": clean(source.discretion_statement),
        "public_explanation": clean(source.public_explanation),
    }
    history = tuple(HistoryEntry(h.version, h.changed_on, h.status, clean(h.reason)) for h in source.history)
    problems = _problems(values, history, known)
    return PublicProjection(
        party_type=source.party_type.value, uscc=party["uscc"], history=history,
        held_reason=_reason([text for _, text in problems]), held_fields=tuple(label for label, _ in problems),
        **values,
    )


def _problems(values: dict[str, str], history: Iterable[HistoryEntry], known: list[str]) -> list[tuple[str, str]]:
    """(field label, what it still holds) for every field the check still finds personal data in."""
    problems = []
    for key, label in TEXT_FIELDS.items():
        kinds = list(personal_data_kinds(values[key]))
        # A known full name that survived (e.g. split by a line break the rules could not see) is a leak too.
        if any(len(n) >= 2 and n in values[key] and mask_person_name(n) != n for n in known):
            kinds.append("自然人姓名")
        if kinds:
            problems.append((label, f"{label}含{'、'.join(dict.fromkeys(kinds))}"))
    for h in history:
        reason_kinds = personal_data_kinds(h.reason)
        if reason_kinds:
            problems.append(("公示说明", f"第{h.version}版公示说明含{'、'.join(reason_kinds)}"))
    return problems


def _reason(problems: list[str]) -> str | None:
    if not problems:
        return None
    text = f"{HOLD_PREFIX}：" + "；".join(problems)
    return text if len(text) <= MAX_REASON else text[: MAX_REASON - 1] + "…"
