"""Verification of the per-case event hash chains (``manage.py verify-chain``, the 记录完整性 badge)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from sqlalchemy import Engine, select

from db import models as m
from domain.chain import CHAIN_FIELDS, GENESIS, ChainBreak, verify_case_chain

_E = m.CaseEvent


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


def _event_rows(conn, case_ids: list[int] | None) -> Iterator[dict]:  # type: ignore[no-untyped-def]
    cols = [_E.id, _E.prev_hash, _E.hash] + [getattr(_E, f) for f in CHAIN_FIELDS]
    stmt = select(*cols).order_by(_E.case_id, _E.seq)
    if case_ids is not None:
        stmt = stmt.where(_E.case_id.in_(case_ids))
    result = conn.execution_options(stream_results=True, yield_per=20000).execute(stmt)
    for row in result.mappings():
        yield dict(row)


def verify_chains(engine: Engine, case_no: str | None = None) -> ChainReport:
    """Verify every case (or one, by 案号). Cases with no events verify against their stored head too."""
    with engine.connect() as conn:
        stmt = select(m.Case.id, m.Case.case_no, m.Case.chain_head).order_by(m.Case.id)
        if case_no:
            stmt = stmt.where(m.Case.case_no == case_no)
        cases = {r.id: (r.case_no, r.chain_head) for r in conn.execute(stmt)}
        case_ids = list(cases) if case_no else None
        events_checked = 0
        broken = 0
        first: CaseBreak | None = None
        seen: set[int] = set()

        def finish(cid: int, events: list[dict]) -> None:
            nonlocal broken, first
            found = _verify_one(cid, events, cases)
            if found is not None:
                broken += 1
                if first is None or (found.case_id < first.case_id):
                    first = found

        current: int | None = None
        bucket: list[dict] = []
        for ev in _event_rows(conn, case_ids):
            events_checked += 1
            cid = ev["case_id"]
            if cid != current:
                if current is not None:
                    finish(current, bucket)
                    seen.add(current)
                current, bucket = cid, []
            bucket.append(ev)
        if current is not None:
            finish(current, bucket)
            seen.add(current)
        for cid in cases.keys() - seen:  # cases whose events were all deleted
            finish(cid, [])
        return ChainReport(len(cases), events_checked, broken, first)


def _verify_one(case_id: int, events: list[dict], cases: dict[int, tuple[str, str]]) -> CaseBreak | None:
    case_no, head = cases.get(case_id, ("(未知案件)", None))
    found: ChainBreak | None = verify_case_chain(events)
    if found is not None:
        return CaseBreak(case_id, case_no, found.seq, found.event_id, found.reason)
    last_hash = events[-1]["hash"] if events else GENESIS
    if head is not None and last_hash != head:
        seq = len(events) + 1
        return CaseBreak(case_id, case_no, seq, None, f"案件记录链末端不符：第 {seq} 条及之后的记录缺失")
    if case_id not in cases:
        return CaseBreak(case_id, case_no, events[0]["seq"], events[0]["id"], "记录所属案件不存在")
    return None


def case_chain_status(engine: Engine, case_id: int) -> CaseBreak | None:
    """The 记录完整性 of one case: None when intact."""
    with engine.connect() as conn:
        row = conn.execute(select(m.Case.case_no, m.Case.chain_head).where(m.Case.id == case_id)).one_or_none()
        if row is None:
            return None
        events = list(_event_rows(conn, [case_id]))
    return _verify_one(case_id, events, {case_id: (row.case_no, row.chain_head)})
