"""Hash chain over a case's events (执法全过程记录: 全程留痕、可回溯).

Each event's hash is SHA-256 over its canonical content and the previous event's hash, so altering, deleting,
inserting or reordering any row breaks the chain from that event on. The canonical form is plain text built from
strings the same way on SQLite and PostgreSQL: instants in UTC ISO-8601 with seconds, enums by value, None as "".
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

GENESIS = "0" * 64

# The fields that make up an event's content, in canonical order. Changing this list invalidates every stored
# hash, so it is versioned by CHAIN_VERSION.
CHAIN_VERSION = "v1"
CHAIN_FIELDS = (
    "case_id",
    "seq",
    "occurred_at",
    "stage",
    "action",
    "officer_cert_nos",
    "document_no",
    "record_forms",
    "location",
    "note",
    "corrects_event_id",
    "recorded_at",
    "recorded_by",
)


def _canonical_value(value: Any) -> str:
    if value is None:
        return ""
    if type(value) is str:  # the common case first: this runs for every field of millions of events
        return value
    if isinstance(value, dt.datetime):
        if value.tzinfo is None:
            raise ValueError("naive datetime in chained content")
        # Whole seconds: SQLite and PostgreSQL keep microseconds alike, but imports often carry none.
        return value.astimezone(dt.UTC).replace(tzinfo=None, microsecond=0).isoformat() + "Z"
    if isinstance(value, dt.date):
        return value.isoformat()
    if hasattr(value, "value"):  # StrEnum
        return str(value.value)
    return str(value)


_ENCODER = json.JSONEncoder(ensure_ascii=False)


def canonical_content(event: Mapping[str, Any]) -> str:
    """``{"case_id": 1, "seq": 1, ...}`` → a JSON array string of the chained fields in fixed order."""
    return _ENCODER.encode([CHAIN_VERSION] + [_canonical_value(event.get(f)) for f in CHAIN_FIELDS])


def event_hash(event: Mapping[str, Any], prev_hash: str) -> str:
    return hash_canonical([_canonical_value(event.get(f)) for f in CHAIN_FIELDS], prev_hash)


def hash_canonical(values: Sequence[str], prev_hash: str) -> str:
    """The hash from already-canonical field strings (in CHAIN_FIELDS order): the verifier's fast path."""
    digest = hashlib.sha256(prev_hash.encode("ascii"))
    digest.update(_ENCODER.encode([CHAIN_VERSION, *values]).encode("utf-8"))
    return digest.hexdigest()


@dataclass(frozen=True)
class ChainBreak:
    case_id: int
    seq: int
    event_id: int | None
    reason: str


def verify_case_chain(events: Iterable[Mapping[str, Any]]) -> ChainBreak | None:
    """Check one case's events, ordered by seq. Returns the first break, or None when the chain is intact.

    Each mapping carries the CHAIN_FIELDS plus ``id``, ``prev_hash`` and ``hash`` as stored.
    """
    prev = GENESIS
    expected_seq = 1
    for ev in events:
        case_id, seq = int(ev["case_id"]), int(ev["seq"])
        if seq != expected_seq:
            return ChainBreak(case_id, seq, ev.get("id"), f"序号不连续：应为 {expected_seq}，实为 {seq}")
        if ev["prev_hash"] != prev:
            return ChainBreak(case_id, seq, ev.get("id"), "前序哈希不符（记录被删除、插入或调换顺序）")
        if event_hash(ev, prev) != ev["hash"]:
            return ChainBreak(case_id, seq, ev.get("id"), "内容哈希不符（记录被改动）")
        prev = ev["hash"]
        expected_seq += 1
    return None
