"""Verification of the per-case event hash chains (``manage.py verify-chain``, the 记录完整性 badge).

Speed matters (target: 10 million events in under a minute), so rows are read as plain driver tuples and turned
into the canonical strings of domain.chain directly, and the case-id range is split across worker processes.
The canonical form is the same whichever database stored the row (tests prove it on SQLite and PostgreSQL).
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Iterator
from dataclasses import dataclass

from sqlalchemy import Engine, select

from db import models as m
from db.engine import make_engine
from domain.chain import CHAIN_FIELDS, CHAIN_V2, GENESIS, attachments_canonical, hash_canonical, hash_canonical_v2

_TIME_FIELDS = ("occurred_at", "recorded_at")
_INT_FIELDS = ("case_id", "seq", "corrects_event_id")
_BATCH = 50_000


def _canonical_sql(dialect: str) -> str:
    """SELECT list giving id, prev_hash, hash, case_id, seq, chain_version, the v2 attachments (officer ids and
    evidence sha256 values, comma-joined, unordered), then every CHAIN_FIELD already as its canonical string
    (domain.chain: UTC seconds with Z, integers as text, NULL as ""), so Python only hashes."""
    parts = []
    for f in CHAIN_FIELDS:
        if f in _TIME_FIELDS:
            if dialect == "sqlite":  # stored as "YYYY-MM-DD HH:MM:SS.ffffff" in UTC (db.types.UTCDateTime)
                parts.append(f"substr({f}, 1, 10) || 'T' || substr({f}, 12, 8) || 'Z'")
            else:
                parts.append(f"""to_char({f} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"')""")
        elif f in _INT_FIELDS:
            parts.append(f"COALESCE(CAST({f} AS TEXT), '')")
        else:
            parts.append(f"COALESCE({f}, '')")
    if dialect == "sqlite":
        officers = "(SELECT group_concat(o.officer_id, ',') FROM event_officers o WHERE o.event_id = case_events.id)"
        evidence = "(SELECT group_concat(f.sha256, ',') FROM evidence_files f WHERE f.event_id = case_events.id)"
    else:
        officers = ("(SELECT string_agg(CAST(o.officer_id AS TEXT), ',') FROM event_officers o "
                    "WHERE o.event_id = case_events.id)")
        evidence = "(SELECT string_agg(f.sha256, ',') FROM evidence_files f WHERE f.event_id = case_events.id)"
    # The attachments are read only for v2 events, whose hash covers them (domain.chain).
    attachments = [f"CASE WHEN chain_version = '{CHAIN_V2}' THEN COALESCE({officers}, '') ELSE '' END",
                   f"CASE WHEN chain_version = '{CHAIN_V2}' THEN COALESCE({evidence}, '') ELSE '' END"]
    return ", ".join(["id", "prev_hash", "hash", "case_id", "seq", "chain_version", *attachments, *parts])


@dataclass(frozen=True)
class CaseBreak:
    case_id: int
    case_no: str
    seq: int
    event_id: int | None
    reason: str


@dataclass(frozen=True)
class ChainReport:
    cases_checked: int
    events_checked: int
    broken_cases: int
    first_break: CaseBreak | None


def _rows(engine: Engine, low: int, high: int) -> Iterator[tuple]:
    """Raw event tuples (id, prev_hash, hash, case_id, seq, *canonical fields) for case ids in [low, high]."""
    placeholder = "?" if engine.dialect.name == "sqlite" else "%s"
    sql = (f"SELECT {_canonical_sql(engine.dialect.name)} FROM case_events WHERE case_id BETWEEN {placeholder} AND {placeholder} "
           "ORDER BY case_id, seq")
    raw = engine.raw_connection()
    try:
        cur = raw.cursor()
        cur.execute(sql, (low, high))
        while batch := cur.fetchmany(_BATCH):
            yield from batch
        cur.close()
    finally:
        raw.close()


def _check_case(case_id: int, case_no: str, head: str | None, events: list[tuple]) -> CaseBreak | None:
    prev = GENESIS
    for expected_seq, ev in enumerate(events, start=1):
        event_id, prev_hash, stored, seq = ev[0], ev[1], ev[2], ev[4]
        if seq != expected_seq:
            return CaseBreak(case_id, case_no, seq, event_id, f"序号不连续：应为 {expected_seq}，实为 {seq}")
        if prev_hash != prev:
            return CaseBreak(case_id, case_no, seq, event_id, "前序哈希不符（记录被删除、插入或调换顺序）")
        if ev[5] == CHAIN_V2:
            attachments = attachments_canonical(ev[6].split(",") if ev[6] else (), ev[7].split(",") if ev[7] else ())
            computed = hash_canonical_v2(ev[8:], attachments, prev)
        else:
            computed = hash_canonical(ev[8:], prev)
        if computed != stored:
            return CaseBreak(case_id, case_no, seq, event_id, "内容哈希不符（记录、执法人员或证据被改动）")
        prev = stored
    if head is not None and prev != head:
        seq = len(events) + 1
        return CaseBreak(case_id, case_no, seq, None, f"案件记录链末端不符：第 {seq} 条及之后的记录缺失")
    return None


def _verify_range(args: tuple[str, int, int]) -> tuple[int, int, int, CaseBreak | None]:
    url, low, high = args
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            cases = {r.id: (r.case_no, r.chain_head) for r in conn.execute(
                select(m.Case.id, m.Case.case_no, m.Case.chain_head).where(m.Case.id.between(low, high)))}
        checked_events = broken = 0
        first: CaseBreak | None = None
        seen: set[int] = set()

        def finish(cid: int, bucket: list[tuple]) -> None:
            nonlocal broken, first
            case_no, head = cases.get(cid, ("(未知案件)", None))
            found = _check_case(cid, case_no, head, bucket)
            seen.add(cid)
            if found is not None:
                broken += 1
                if first is None or found.case_id < first.case_id:
                    first = found

        current: int | None = None
        bucket: list[tuple] = []
        for ev in _rows(engine, low, high):
            checked_events += 1
            cid = ev[3]
            if cid != current:
                if current is not None:
                    finish(current, bucket)
                current, bucket = cid, []
            bucket.append(ev)
        if current is not None:
            finish(current, bucket)
        for cid in sorted(cases.keys() - seen):  # every event of the case was deleted
            finish(cid, [])
        return len(cases), checked_events, broken, first
    finally:
        engine.dispose()


def verify_chains(engine: Engine, case_no: str | None = None, workers: int | None = None) -> ChainReport:
    """Verify every case's chain (or one case's, by 案号) and report the first break by case id."""
    url = engine.url.render_as_string(hide_password=False)
    with engine.connect() as conn:
        if case_no:
            case_id = conn.execute(select(m.Case.id).where(m.Case.case_no == case_no)).scalar_one_or_none()
            if case_id is None:
                return ChainReport(0, 0, 0, None)
            low = high = case_id
        else:
            bounds = conn.execute(select(m.Case.id).order_by(m.Case.id).limit(1)).scalar_one_or_none()
            if bounds is None:
                return ChainReport(0, 0, 0, None)
            low = bounds
            high = conn.execute(select(m.Case.id).order_by(m.Case.id.desc()).limit(1)).scalar_one()
    workers = workers or min(os.cpu_count() or 1, 4)
    in_memory = url in ("sqlite://", "sqlite:///:memory:")
    if workers <= 1 or high - low < 20_000 or in_memory:
        results = [_verify_range((url, low, high))] if not in_memory else [_verify_in_process(engine, low, high)]
    else:
        step = (high - low + workers) // workers
        parts = [(url, start, min(start + step - 1, high)) for start in range(low, high + 1, step)]
        with multiprocessing.get_context("fork").Pool(workers) as pool:
            results = pool.map(_verify_range, parts)
    first = min((r[3] for r in results if r[3] is not None), key=lambda b: b.case_id, default=None)
    return ChainReport(sum(r[0] for r in results), sum(r[1] for r in results), sum(r[2] for r in results), first)


def _verify_in_process(engine: Engine, low: int, high: int) -> tuple[int, int, int, CaseBreak | None]:
    """In-memory SQLite cannot be reopened by URL: verify on the caller's engine."""
    with engine.connect() as conn:
        cases = {r.id: (r.case_no, r.chain_head) for r in conn.execute(
            select(m.Case.id, m.Case.case_no, m.Case.chain_head).where(m.Case.id.between(low, high)))}
    grouped: dict[int, list[tuple]] = {cid: [] for cid in cases}
    n = 0
    for ev in _rows(engine, low, high):
        grouped.setdefault(ev[3], []).append(ev)
        n += 1
    breaks = [b for cid, evs in sorted(grouped.items())
              if (b := _check_case(cid, *cases.get(cid, ("(未知案件)", None)), evs)) is not None]
    return len(cases), n, len(breaks), breaks[0] if breaks else None


def case_chain_status(engine: Engine, case_id: int) -> CaseBreak | None:
    """The 记录完整性 of one case: None when intact."""
    with engine.connect() as conn:
        row = conn.execute(select(m.Case.case_no, m.Case.chain_head).where(m.Case.id == case_id)).one_or_none()
    if row is None:
        return None
    return _check_case(case_id, row.case_no, row.chain_head, list(_rows(engine, case_id, case_id)))
