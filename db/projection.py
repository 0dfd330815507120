"""Writes the public projection of decisions (``public_records``, see domain.publication).

Every path that writes a decision's public content calls ``project_decisions`` in the same transaction: the importer
(new decisions and corrections) and ``manage.py init`` for decisions that have none yet. The seeder builds the same
rows with ``public_record`` in its worker processes, from the rows it is about to write, and writes them with the
chunk (tests/db/test_seed_derived.py proves them equal to ``project_decisions`` over the stored decisions). The search
index follows ``public_records`` through database triggers, and a change to a source text without a new projection
holds the record back (migration 8b1e4c2d9f30), so a forgotten call publishes nothing rather than raw text.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import defaultdict
from collections.abc import Iterable, Iterator
from itertools import islice

import pandas as pd
from sqlalchemy import Connection, Engine, and_, case, func, or_, select
from sqlalchemy.dialects import postgresql, sqlite

from db import models as m
from domain.enums import PartyType
from domain.publication import STALE_REASON, HistoryEntry, PublicProjection, PublicSource, disclosed, project
from domain.redaction import DEFAULT_POLICY, RedactionPolicy

BATCH = 2000
_PR = m.PublicRecord.__table__
RECORD_COLUMNS = tuple(c.name for c in _PR.columns)
# Kept across projections (set by _upsert): whether the public has seen the decision, and when it was released.
_UPDATABLE = [c.name for c in _PR.columns if c.name not in ("decision_id", "public_seen", "released_at")]


def _batches(ids: Iterable[int], size: int = BATCH) -> Iterator[list[int]]:
    it = iter(ids)
    while chunk := list(islice(it, size)):
        yield chunk


def _sources(conn: Connection, ids: list[int]) -> dict[int, tuple[PublicSource, bool]]:
    """Each decision's projection source, and whether its disclosure lets the public see it."""
    d, c, p, s, v = m.Decision, m.Case, m.Party, m.Disclosure, m.DisclosureVersion
    rows = conn.execute(
        select(d.id, d.decision_no, d.conclusion, d.legal_basis, d.discretion_statement, c.violation, c.facts,
               p.party_type, p.name, p.uscc, p.legal_representative, s.public_explanation, s.id.label("sid"),
               s.status, s.published_on, s.withheld_reason)
        .join(c, c.id == d.case_id).join(p, p.id == c.party_id).outerjoin(s, s.decision_id == d.id)
        .where(d.id.in_(ids))
    ).all()
    history: dict[int, list[HistoryEntry]] = defaultdict(list)
    sids = [r.sid for r in rows if r.sid is not None]
    if sids:
        for sid, version, changed_on, status, reason in conn.execute(
                select(v.disclosure_id, v.version, v.changed_on, v.status, v.reason)
                .where(v.disclosure_id.in_(sids)).order_by(v.disclosure_id, v.version)):
            history[sid].append(HistoryEntry(version, changed_on, status.value, reason or ""))
    return {
        r.id: (public_source(r.party_type, r.name, r.uscc, r.legal_representative, r.decision_no, r.violation,
                             r.facts, r.legal_basis, r.conclusion, r.discretion_statement, r.public_explanation,
                             history.get(r.sid, ())), disclosed(r.status, r.published_on, r.withheld_reason))
        for r in rows
    }


def public_source(party_type: PartyType | str, party_name: str | None, uscc: str | None,
                  legal_representative: str | None, decision_no: str, violation: str | None, facts: str | None,
                  legal_basis: str | None, conclusion: str | None, discretion_statement: str | None,
                  public_explanation: str | None, history: Iterable[HistoryEntry]) -> PublicSource:
    """The source of one decision's projection from its stored values, however they were read: from the database
    (``project_decisions``) or from the rows the seeder is about to write (sample_data.generator)."""
    return PublicSource(
        party_type=PartyType(party_type), party_name=party_name or "", uscc=uscc,
        legal_representative=legal_representative, decision_no=decision_no, violation=violation or "",
        facts=facts or "", legal_basis=legal_basis or "", conclusion=conclusion or "",
        discretion_statement=discretion_statement or "", public_explanation=public_explanation or "",
        history=tuple(history),
    )


def public_record(decision_id: int, source: PublicSource, now: dt.datetime,
                  policy: RedactionPolicy = DEFAULT_POLICY, *, shown: bool = False) -> tuple[dict, PublicProjection]:
    """The ``public_records`` row of one decision (column → value) and its projection: the one place a stored
    public record is built, by ``project_decisions`` and by the seeder's worker processes alike. ``shown``: the
    decision's disclosure lets the public see it (domain.publication.disclosed)."""
    p = project(source, policy)
    return {
        "decision_id": decision_id, "party_type": p.party_type, "party_name": p.party_name[:200], "uscc": p.uscc,
        "violation": p.violation, "facts": p.facts, "legal_basis": p.legal_basis, "conclusion": p.conclusion,
        "discretion_statement": p.discretion_statement, "public_explanation": p.public_explanation,
        "history": json.dumps([[h.version, h.changed_on.isoformat(), h.status, h.reason] for h in p.history],
                              ensure_ascii=False),
        "held_reason": p.held_reason, "projected_at": now, "public_seen": shown and p.held_reason is None,
        "released_at": None,
    }, p


def _upsert(conn: Connection, rows: list[dict]) -> None:
    """Insert or replace the projections ``rows``. A decision held for personal data before the public ever saw
    it, now written unheld while disclosed, is released: ``released_at`` is this projection's time. Once the public
    has seen a decision (``public_seen``), a later hold and release (a correction) changes neither."""
    dialect = postgresql if conn.dialect.name == "postgresql" else sqlite
    stmt = dialect.insert(_PR)
    old, new = _PR.c, stmt.excluded
    released = case((and_(old.released_at.is_(None), ~old.public_seen, old.held_reason.is_not(None),
                          old.held_reason != STALE_REASON, new.public_seen), new.projected_at),
                    else_=old.released_at)
    conn.execute(stmt.on_conflict_do_update(index_elements=["decision_id"], set_={
        **{c: new[c] for c in _UPDATABLE}, "public_seen": or_(old.public_seen, new.public_seen),
        "released_at": released}), rows)


def project_decisions(conn: Connection, decision_ids: Iterable[int], policy: RedactionPolicy = DEFAULT_POLICY,
                      now: dt.datetime | None = None) -> dict[int, PublicProjection]:
    """Build and store the public projection of ``decision_ids``; returns the held ones (reason and fields)."""
    held: dict[int, PublicProjection] = {}
    now = now or dt.datetime.now(dt.UTC)
    for chunk in _batches(decision_ids):
        rows = []
        for decision_id, (source, shown) in _sources(conn, chunk).items():
            row, projection = public_record(decision_id, source, now, policy, shown=shown)
            if projection.held_reason:
                held[decision_id] = projection
            rows.append(row)
        if rows:
            _upsert(conn, rows)
    return held


def stale_or_missing_ids(conn: Connection) -> list[int]:
    """Decisions without a projection, or whose projection a source change marked stale."""
    pr = _PR
    missing = select(m.Decision.id).where(~select(pr.c.decision_id).where(pr.c.decision_id == m.Decision.id)
                                           .exists())
    stale = select(pr.c.decision_id).where(pr.c.held_reason == STALE_REASON)
    return sorted(set(conn.execute(missing).scalars()) | set(conn.execute(stale).scalars()))


def project_missing(engine: Engine, policy: RedactionPolicy = DEFAULT_POLICY) -> int:
    """Project every decision that has no projection or a stale one (``manage.py init`` after an upgrade)."""
    with engine.begin() as conn:
        ids = stale_or_missing_ids(conn)
        project_decisions(conn, ids, policy)
    return len(ids)


def held_records(engine: Engine) -> pd.DataFrame:
    """Decisions held back from publication (待脱敏复核), for administrators: which, and why (never the data)."""
    d, a, c = m.Decision, m.Agency, m.Case
    with engine.connect() as conn:
        rows = conn.execute(
            select(d.id, d.decision_no, a.name.label("agency"), d.decided_on, _PR.c.held_reason, _PR.c.projected_at)
            .join(_PR, _PR.c.decision_id == d.id).join(c, c.id == d.case_id).join(a, a.id == c.agency_id)
            .where(_PR.c.held_reason.is_not(None)).order_by(d.id)
        ).mappings().all()
    return pd.DataFrame([dict(r) for r in rows],
                        columns=["id", "decision_no", "agency", "decided_on", "held_reason", "projected_at"])


def count_held(engine: Engine) -> int:
    with engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(_PR)
                                .where(_PR.c.held_reason.is_not(None))).scalar_one())
