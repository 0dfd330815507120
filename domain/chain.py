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


# ---------------------------------------------------------------- v2: the event's officers and evidence are chained
# v1 hashed the event row only, so swapping the officers recorded in event_officers or changing an evidence file's
# sha256 went unnoticed. A v2 event (case_events.chain_version = "v2") also hashes the sorted officer ids and the
# sorted evidence sha256 values. v1 events keep verifying under v1.
CHAIN_V2 = "v2"


def attachments_canonical(officer_ids: Iterable[int | str], evidence_sha256: Iterable[str]) -> list[str]:
    """The two extra v2 fields: officer ids in numeric order and evidence sha256 values in order, comma-joined."""
    officers = sorted({int(i) for i in officer_ids})
    return [",".join(str(i) for i in officers), ",".join(sorted(evidence_sha256))]


def hash_canonical_v2(values: Sequence[str], attachments: Sequence[str], prev_hash: str) -> str:
    digest = hashlib.sha256(prev_hash.encode("ascii"))
    digest.update(_ENCODER.encode([CHAIN_V2, *values, *attachments]).encode("utf-8"))
    return digest.hexdigest()


def event_hash_v2(event: Mapping[str, Any], officer_ids: Iterable[int], evidence_sha256: Iterable[str],
                  prev_hash: str) -> str:
    return hash_canonical_v2([_canonical_value(event.get(f)) for f in CHAIN_FIELDS],
                             attachments_canonical(officer_ids, evidence_sha256), prev_hash)


# ---------------------------------------------------------------- anchors
# A 记录链锚点 is a Merkle root over every case's chain head at one moment, published outside the database (a public
# page, the API, anyone's saved copy). Recomputing every hash after rewriting the record yields new heads and so a
# different root: comparing with a root published earlier exposes the rewrite.


def merkle_leaf(case_id: int, head: str) -> str:
    return hashlib.sha256(f"leaf:{case_id}:{head}".encode("ascii")).hexdigest()


def merkle_root(leaves: Sequence[str]) -> str:
    """Root of the binary Merkle tree over ``leaves`` (in the given order; an odd node is paired with itself);
    GENESIS for no leaves."""
    level = list(leaves)
    if not level:
        return GENESIS
    while len(level) > 1:
        if len(level) % 2:
            level.append(level[-1])
        level = [hashlib.sha256(f"node:{level[i]}{level[i + 1]}".encode("ascii")).hexdigest()
                 for i in range(0, len(level), 2)]
    return level[0]


def audit_row_hash(values: Sequence[str], prev_hash: str) -> str:
    """One link of the audit log's hash chain: ``values`` are the row's canonical strings (id, occurred_at in UTC
    seconds, actor, action, entity, entity_id, detail)."""
    digest = hashlib.sha256(prev_hash.encode("ascii"))
    digest.update(_ENCODER.encode(["audit", *values]).encode("utf-8"))
    return digest.hexdigest()


def canonical_instant(value: dt.datetime | None) -> str:
    return _canonical_value(value)
