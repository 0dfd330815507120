"""记录链锚点: a daily Merkle root over every case's chain head, plus the head of the audit log's hash chain,
published on a public page and in the API (and so copied by anyone who keeps them).

Each event's hash covers the previous one, so whoever can write to the database could still rewrite an event and
recompute every later hash and the case's head: ``verify-chain`` alone would then pass. An anchor published before
the rewrite no longer matches, because the heads as of that anchor changed. ``verify_anchor`` recomputes the root
from the events with id ≤ the anchor's ``max_event_id`` (the record as it stood then; later appends do not matter)
and the audit chain up to ``max_audit_id``.

The audit log is hash-chained here, at anchoring time, rather than row by row as it is written: a per-row chain
would make every login, import and append wait on one global "last audit row" lock. Rows are append-only in the
database (db/append_only.py); each anchor then fixes all rows up to its ``max_audit_id``.

A known limit: on PostgreSQL an event or audit row with an id at or below the anchor's maximum that commits after
the anchor was taken (a transaction in flight at that moment) changes the recomputed value. The anchor is taken in
one snapshot at a quiet moment (the first request of the day), and a mismatch names what differs for review.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import asdict, dataclass
from typing import Any

from sqlalchemy import Connection, Engine, func, insert, select, text
from sqlalchemy.exc import IntegrityError

from db import models as m
from domain.chain import GENESIS, audit_row_hash, canonical_instant, merkle_leaf, merkle_root
from domain.formatting import SHANGHAI

ANCHOR_FIELDS = ("anchored_on", "anchored_at", "max_event_id", "cases", "root", "max_audit_id", "audit_head")


@dataclass(frozen=True)
class Anchor:
    anchored_on: str  # YYYY-MM-DD, Asia/Shanghai
    anchored_at: str  # ISO 8601, UTC
    max_event_id: int
    cases: int
    root: str
    max_audit_id: int
    audit_head: str

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


def _heads(conn: Connection, max_event_id: int) -> list[tuple[int, str]]:
    """(case id, hash of its last event with id ≤ max_event_id), by case id."""
    rows = conn.execute(text(
        "SELECT e.case_id, e.hash FROM case_events e JOIN ("
        " SELECT case_id, MAX(seq) AS last_seq FROM case_events WHERE id <= :m GROUP BY case_id"
        ") t ON t.case_id = e.case_id AND t.last_seq = e.seq ORDER BY e.case_id"), {"m": max_event_id})
    return [(int(r[0]), str(r[1])) for r in rows]


def _audit_head(conn: Connection, max_audit_id: int) -> str:
    a = m.AuditEntry
    head = GENESIS
    result = conn.execute(
        select(a.id, a.occurred_at, a.actor, a.action, a.entity, a.entity_id, a.detail)
        .where(a.id <= max_audit_id).order_by(a.id).execution_options(yield_per=20_000))
    for row in result:
        head = audit_row_hash([str(row.id), canonical_instant(row.occurred_at), row.actor, row.action, row.entity,
                               row.entity_id or "", row.detail or ""], head)
    return head


def compute(conn: Connection, max_event_id: int, max_audit_id: int) -> tuple[int, str, str]:
    """(cases, Merkle root, audit head) of the record as it stood at these two ids."""
    heads = _heads(conn, max_event_id)
    return len(heads), merkle_root([merkle_leaf(cid, h) for cid, h in heads]), _audit_head(conn, max_audit_id)


def _to_anchor(row: Any) -> Anchor:
    return Anchor(anchored_on=row.anchored_on.isoformat(),
                  anchored_at=row.anchored_at.astimezone(dt.UTC).replace(microsecond=0).isoformat(),
                  max_event_id=row.max_event_id, cases=row.cases, root=row.root, max_audit_id=row.max_audit_id,
                  audit_head=row.audit_head)


def publish_today(engine: Engine, now: dt.datetime | None = None) -> Anchor:
    """Today's anchor (Asia/Shanghai), computing and storing it on the first call of the day."""
    now = now or dt.datetime.now(dt.UTC)
    day = now.astimezone(SHANGHAI).date()
    c = m.ChainAnchor
    with engine.connect() as conn:
        found = conn.execute(select(c).where(c.anchored_on == day)).one_or_none()
        if found is not None:
            return _to_anchor(found)
    with engine.begin() as conn:
        max_event = conn.execute(select(func.coalesce(func.max(m.CaseEvent.id), 0))).scalar_one()
        max_audit = conn.execute(select(func.coalesce(func.max(m.AuditEntry.id), 0))).scalar_one()
        cases, root, audit_head = compute(conn, max_event, max_audit)
        try:
            with conn.begin_nested():
                conn.execute(insert(c).values(anchored_on=day, anchored_at=now, max_event_id=max_event,
                                                         cases=cases, root=root, max_audit_id=max_audit,
                                                         audit_head=audit_head))
        except IntegrityError:  # another process published today's anchor first
            pass
    with engine.connect() as conn:
        return _to_anchor(conn.execute(select(c).where(c.anchored_on == day)).one())


def list_anchors(engine: Engine, limit: int = 366) -> list[Anchor]:
    c = m.ChainAnchor
    with engine.connect() as conn:
        return [_to_anchor(r) for r in conn.execute(select(c).order_by(c.anchored_on.desc()).limit(limit))]


def parse_anchors(payload: Any) -> list[dict[str, Any]]:
    """Anchors from a saved copy: one anchor object, a list of them, or the API's ``{"items": [...]}``. Raises
    ValueError with a Chinese message when the shape is wrong."""
    items = payload.get("items") if isinstance(payload, dict) and "items" in payload else payload
    if isinstance(items, dict):
        items = [items]
    if not isinstance(items, list) or not items:
        raise ValueError("锚点文件应为一个锚点、锚点列表或接口返回的 {\"items\": [...]}")
    out = []
    for item in items:
        if not isinstance(item, dict) or any(k not in item for k in ("max_event_id", "root", "max_audit_id",
                                                                      "audit_head")):
            raise ValueError("锚点缺少字段（需要 max_event_id、root、max_audit_id、audit_head）")
        out.append(item)
    return out


def verify_anchor(engine: Engine, anchor: dict[str, Any]) -> list[str]:
    """What no longer matches a published anchor (empty when the record as of that anchor is unchanged)."""
    try:
        max_event, max_audit = int(anchor["max_event_id"]), int(anchor["max_audit_id"])
    except (TypeError, ValueError):
        return ["锚点的 max_event_id 或 max_audit_id 不是整数"]
    with engine.connect() as conn:
        cases, root, audit_head = compute(conn, max_event, max_audit)
    problems = []
    label = anchor.get("anchored_on", "?")
    if root != anchor["root"]:
        problems.append(f"{label} 锚点的记录链根哈希不符（锚点涉及 {anchor.get('cases', '?')} 件案件，现为 {cases} 件）："
                        "锚点发布之后，已有的执法记录被改写或删除")
    if audit_head != anchor["audit_head"]:
        problems.append(f"{label} 锚点的审计日志链不符：锚点发布之前的审计记录被改动或删除")
    return problems


def dumps(anchors: list[Anchor]) -> str:
    return json.dumps({"items": [a.to_json() for a in anchors]}, ensure_ascii=False, indent=1)
