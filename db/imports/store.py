"""Database helpers shared by the import kinds: lookups by key, primary keys for bulk inserts, chunked bulk
writes, audit entries, and the agencies ``--create-agencies`` inserts."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterable, Iterator, Sequence
from decimal import Decimal
from itertools import islice
from typing import Any

from sqlalchemy import Connection, Table, select, text

from db import models as m
from db.bulk import insert_rows, max_id
from db.imports.cells import CHINA_TZ, AgencyRef, agency_key
from db.review_rounds import major_rules_by_agency
from domain.enums import AgencyKind, AgencyLevel

__all__ = ["CASE_COLS", "PARTY_COLS", "REVIEW_COLS", "Ids", "audit", "chunks", "create_agency", "generated_agency_code",
           "guess_level", "insert", "china_today", "load_agencies", "new_agency", "table_of", "utc_now"]

PARTY_COLS = ("id", "party_type", "name", "uscc", "id_number", "legal_representative", "address", "phone",
              "is_minor", "created_at", "created_by")
CASE_COLS = ("id", "case_no", "agency_id", "matter_id", "party_id", "procedure", "filed_on", "is_major",
             "major_reasons", "status", "origin", "confidential", "violation", "facts", "internal_note",
             "decision_extension_days", "chain_head", "created_at", "created_by")
REVIEW_COLS = ("id", "case_id", "round_no", "submitted_on", "reviewer_officer_id", "reviewed_on", "outcome",
               "opinion", "checklist", "created_at", "created_by")
_WRITE_CHUNK = 10_000  # rows per executemany / COPY: bounds the memory of converted rows


def table_of(model: type[m.Base]) -> Table:
    """The Core ``Table`` a model is mapped to; SQLAlchemy types ``__table__`` only as a ``FromClause``, which has
    no ``insert()`` / ``update()`` / ``delete()``."""
    table = model.__table__
    assert isinstance(table, Table), model
    return table


def utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def china_today() -> dt.date:
    return dt.datetime.now(CHINA_TZ).date()


def chunks(values: Sequence[Any], size: int = 500) -> Iterator[Sequence[Any]]:
    for start in range(0, len(values), size):
        yield values[start:start + size]


def load_agencies(conn: Connection) -> dict[str, AgencyRef]:
    """agency_key(name / short name / code) → agency; short names and codes only where they name one agency."""
    rows = conn.execute(select(m.Agency.id, m.Agency.name, m.Agency.short_name, m.Agency.code,
                               m.Agency.major_fine_person, m.Agency.major_fine_org)).all()
    rules = major_rules_by_agency(conn)
    refs = {aid: AgencyRef(aid, name, person, org, major_rules=rules.get(aid)) for aid, name, _, _, person, org in rows}
    agencies: dict[str, AgencyRef] = {agency_key(name): refs[aid] for aid, name, *_ in rows}
    alias_hits: dict[str, set[int]] = {}
    for aid, _, short, code, _, _ in rows:
        for alias in (short, code):
            key = agency_key(alias or "")
            if key and key not in agencies:
                alias_hits.setdefault(key, set()).add(aid)
    for key, hits in alias_hits.items():
        if len(hits) == 1:
            agencies[key] = refs[next(iter(hits))]
    return agencies


def insert(conn: Connection, table: Any, columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> int:
    """db.bulk.insert_rows in chunks, inside the caller's transaction."""
    written = 0
    it = iter(rows)
    while chunk := list(islice(it, _WRITE_CHUNK)):
        written += insert_rows(conn, table, columns, chunk)
    return written


class Ids:
    """Primary keys for bulk inserts: PostgreSQL's own sequences, or (SQLite, under the write lock) max + 1."""

    def __init__(self, conn: Connection) -> None:
        self.conn = conn
        self.pg = conn.dialect.name == "postgresql"

    def take(self, table: Any, n: int) -> list[int]:
        if n <= 0:
            return []
        if self.pg:
            return sorted(self.conn.execute(
                text("SELECT nextval(pg_get_serial_sequence(:t, 'id')) FROM generate_series(1, :n)"),
                {"t": table.name, "n": n}).scalars().all())
        start = max_id(self.conn, table) + 1
        return list(range(start, start + n))


def audit(conn: Connection, actor: str, action: str, entity: str, entity_id: Any, detail: dict[str, Any]) -> None:
    conn.execute(table_of(m.AuditEntry).insert(), [{
        "occurred_at": utc_now(), "actor": actor[:50], "action": action, "entity": entity,
        "entity_id": None if entity_id is None else str(entity_id),
        "detail": json.dumps(detail, ensure_ascii=False, default=str)}])


def create_agency(conn: Connection, agency: AgencyRef, actor: str, file_name: str, at: dt.datetime) -> None:
    """Insert an agency that ``--create-agencies`` allowed (once: ``agency.id`` is set afterwards), with an audit
    entry. It gets a generated code ``IMP-…``, a guessed level and the default thresholds; an ``agencies`` import
    matched by name later replaces the code and completes the details."""
    if agency.id is not None:
        return
    key = conn.execute(table_of(m.Agency).insert().values(
        code=generated_agency_code(agency.name), name=agency.name,
        short_name=agency.name[:50], level=guess_level(agency.name), kind=AgencyKind.STATUTORY,
        region_code="", region_name="", major_fine_person=agency.major_fine_person,
        major_fine_org=agency.major_fine_org, created_at=at, created_by=actor,
    )).inserted_primary_key
    assert key is not None  # a single-row INSERT always has one
    agency.id = key[0]
    audit(conn, actor, "import_create_agency", "agencies", agency.id,
          {"name": agency.name, "file": file_name, "line": agency.first_line})


def generated_agency_code(name: str) -> str:
    return f"IMP-{hashlib.sha1(name.encode('utf-8')).hexdigest()[:12]}"


def new_agency(name: str, line: int) -> AgencyRef:
    """An agency to be created, with the default thresholds for major decisions."""
    return AgencyRef(None, name, Decimal("10000"), Decimal("100000"), line)


def guess_level(name: str) -> AgencyLevel:
    if "省" in name or "自治区" in name:
        return AgencyLevel.PROVINCE
    if any(w in name for w in ("乡", "镇人民政府", "街道")):
        return AgencyLevel.TOWNSHIP
    if any(w in name for w in ("区", "县", "旗")):
        return AgencyLevel.COUNTY
    if "市" in name:
        return AgencyLevel.CITY
    return AgencyLevel.COUNTY

