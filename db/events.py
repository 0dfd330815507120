"""执法全过程记录 in the database: reading a case's record as domain facts, appending a step to its hash chain,
the completeness list for supervisors, the public reduced timeline and the record-based case search.

The rules themselves live in domain.procedure (validation, clocks, completeness) and domain.chain (the hash);
this module only turns rows into facts and facts back into rows. Appending is the one write path for events:
the application never updates or deletes a ``case_events`` row (a correction is a new row that names the one
it corrects), and ``cases.chain_head`` is the only column it changes on an existing row.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from collections import defaultdict
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from enum import Enum
from functools import lru_cache
from types import MappingProxyType
from typing import Any, TypeVar

import pandas as pd
from sqlalchemy import ColumnElement, Connection, Engine, Select, and_, bindparam, func, or_, select, update
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm import Session

from db import models as m
from db.commands import CommandResult, record_audit
from db.engine import snapshot_session_scope
from db.public import public_base
from db.queries import case_list_frame, case_list_statement
from db.review_rounds import load_rounds
from db.stats import load_calendar
from domain.chain import CHAIN_V2, event_hash_v2
from domain.enums import ActionCategory, CaseStatus, DueState, MajorReason, PartyType, Procedure, RecordForm, Stage
from domain.filters import CaseFilters, RecordFilters
from domain.params import bad_characters_message, has_bad_characters, quote_input
from domain.permissions import Actor, may_record
from domain.procedure import (
    DEFAULT_ACTION_RULES,
    DEFAULT_REVIEW_RULES,
    SHANGHAI,
    CaseFacts,
    EventFact,
    OfficerCert,
    ReviewFact,
    ReviewRules,
    case_clocks,
    completeness,
    effective_events,
    split_cert_nos,
    validate_new_event,
)
from domain.workdays import WorkCalendar

__all__ = [
    "CONFLICT_MESSAGE",
    "LOW_SCORE",
    "CaseRecord",
    "EvidenceInput",
    "NewEvent",
    "append_event",
    "agency_officers",
    "completeness_table",
    "evidence_from_bytes",
    "load_case_facts",
    "overdue_case_ids",
    "per_agency_completeness",
    "public_timeline",
    "search_cases",
]

CONFLICT_MESSAGE = "记录已被他人更新，请刷新后重试"
# Below this completeness score a case is listed for 案卷评查: one missing weight-15 item (告知, 法制审核, 决定, 简易程序
# 限额) always takes a case under it, a missing 执行 record (weight 5) alone never does.
LOW_SCORE = 90

# Column widths of case_events / evidence_files (db/models.py). PostgreSQL refuses longer values and SQLite would
# store them, so the same input must be refused on both, before anything is hashed.
_LIMITS = {"action": 100, "officer_cert_nos": 200, "document_no": 100, "record_forms": 100, "location": 200}
_SHA256 = re.compile(r"^[0-9a-f]{64}$")


# --------------------------------------------------------------------------------------------- reading facts


@dataclass(frozen=True)
class CaseRecord:
    """A case's recorded steps as domain facts, with what the rules and the form need around them.

    ``officers`` is the whole roster keyed by 执法证号 (not only the case's agency), so that a certificate of another
    agency is reported as such rather than as unknown; ``agency_id`` tells the rules which agency is acting.
    """

    case_id: int
    case_no: str
    agency_id: int
    agency: str
    facts: CaseFacts
    officers: Mapping[str, OfficerCert]
    event_ids: Mapping[int, int]  # seq → case_events.id
    last_hash: str | None  # stored hash of the last event (None without events)
    chain_head: str


def load_roster(conn: Connection) -> dict[str, OfficerCert]:
    o = m.Officer
    rows = conn.execute(select(o.id, o.name, o.cert_no, o.cert_valid_from, o.cert_valid_to, o.agency_id)).all()
    return {r.cert_no: OfficerCert(r.id, r.name, r.cert_no, r.cert_valid_from, r.cert_valid_to, r.agency_id)
            for r in rows}


@lru_cache(maxsize=512)
def _forms(text: str | None) -> frozenset[RecordForm]:
    """"文字、执法记录仪" → the forms. Rows repeat a handful of combinations, so the parse is memoised."""
    known = RecordForm._value2member_map_
    return frozenset(RecordForm(f) for f in (text or "").split("、") if f in known)


def decision_fields(decided_on: dt.date | None, *, party_name: str | None, party_address: str | None,
                    facts: str | None, conclusion: str | None, legal_basis: str | None, has_items: bool,
                    remedy_channels: str | None, agency_name: str | None, decision_no: str | None,
                    ) -> dict[str, str | None]:
    """行政处罚法 art. 59 items as far as the schema records them.

    Two items have no column of their own: 印章 is taken from the issued 文号 (a number is given only to a
    sealed, issued 决定书) and 履行方式和期限 from the recorded penalty items (amounts and types, from which the
    art. 67 payment term follows). Both are proxies until the schema stores them.
    """
    if decided_on is None:
        return {}
    both = f"{conclusion}；{legal_basis}" if (conclusion or "").strip() and (legal_basis or "").strip() else None
    return {
        "当事人姓名或名称": party_name,
        "当事人地址": party_address,
        "违法事实和证据": facts,
        "处罚种类和依据": both,
        "履行方式和期限": "见处罚内容" if has_items else None,
        "救济途径和期限": remedy_channels,
        "行政机关名称": agency_name,
        "作出决定日期": decided_on.isoformat(),
        "印章": decision_no,
    }


# The event columns build_case_facts reads, in this order (a Row of this select or a plain tuple).
EVENT_FACT_COLUMNS = ("id", "seq", "occurred_at", "stage", "action", "officer_cert_nos", "record_forms",
                      "document_no", "location", "corrects_event_id")


def build_case_facts(*, case_no: str, procedure: Procedure, matter_category: ActionCategory | str | None,
                     decision_category: ActionCategory | str | None, filed_on: dt.date, is_major: bool,
                     major_reasons: str | None, decision_extension_days: int | None, decided_on: dt.date | None,
                     fine_total: Any, party_type: PartyType | str, fields: Mapping[str, str | None],
                     events: list[Any], reviews: tuple[ReviewFact, ...],
                     review_rules: ReviewRules = DEFAULT_REVIEW_RULES) -> CaseFacts:
    """A case's CaseFacts from its stored values, ``events`` in seq order as tuples of EVENT_FACT_COLUMNS: the one
    translation of rows into facts, for the pages (``load_records``), the stored completeness scores and the seeder,
    which holds the rows before writing them. ``fine_total`` is None for an undecided case."""
    seq_of = {ev[0]: ev[1] for ev in events}
    facts_events = tuple(
        EventFact(seq=ev[1], stage=ev[3], action=ev[4], occurred_at=ev[2],
                  officer_cert_nos=split_cert_nos(ev[5] or ""), record_forms=_forms(ev[6]),
                  document_no=ev[7], location=ev[8],
                  corrects_seq=seq_of.get(ev[9]) if ev[9] is not None else None)
        for ev in events
    )
    category = ActionCategory(matter_category or decision_category or ActionCategory.PENALTY)
    # 当事人要求听证 has no column: a hearing held as 听证程序 (a MajorReason) or a recorded 听证申请 says so.
    requested = MajorReason.HEARING.value in (major_reasons or "") or any(
        DEFAULT_ACTION_RULES.is_hearing_request(ev[4]) for ev in events)
    return CaseFacts(
        case_no=case_no, procedure=procedure, category=category, filed_on=filed_on, is_major=bool(is_major),
        decided_on=decided_on, decision_extension_days=int(decision_extension_days or 0), events=facts_events,
        reviews=reviews, hearing_requested=requested, decision_fields=fields, fine_total=fine_total,
        party_is_natural_person=PartyType(party_type).is_natural_person, review_rules=review_rules,
    )


def load_records(conn: Connection, condition: ColumnElement[bool], roster: Mapping[str, OfficerCert] | None = None,
                  ) -> list[CaseRecord]:
    """Every case matching ``condition`` (on cases, decisions) as a CaseRecord, in five queries whatever the number
    of cases: a page for one case and the supervisors' list for thousands share this code."""
    c, d, a, p, mt, k = m.Case, m.Decision, m.Agency, m.Party, m.Matter, m.MajorReviewRules
    roster = roster if roster is not None else load_roster(conn)
    ids = select(c.id).select_from(c).outerjoin(d, d.case_id == c.id).where(condition)
    cases = conn.execute(
        select(c.id, c.case_no, c.agency_id, a.short_name.label("agency"), a.name.label("agency_name"),
               a.remedy_channels, c.procedure, c.filed_on, c.is_major, c.major_reasons, c.decision_extension_days,
               c.facts, c.chain_head, mt.category.label("matter_category"), d.id.label("decision_id"),
               d.category.label("decision_category"), d.decided_on, d.conclusion, d.legal_basis, d.decision_no,
               d.fine_total, p.name.label("party_name"), p.address.label("party_address"), p.party_type,
               k.review_workdays, k.review_extension_workdays)
        .select_from(c).join(a, a.id == c.agency_id).join(p, p.id == c.party_id)
        .outerjoin(mt, mt.id == c.matter_id).outerjoin(d, d.case_id == c.id)
        .outerjoin(k, k.agency_id == c.agency_id)
        .where(condition).order_by(c.id)
    ).all()
    if not cases:
        return []
    e = m.CaseEvent
    events: dict[int, list[Any]] = defaultdict(list)
    for event_row in conn.execute(
        select(e.case_id, *(getattr(e, name) for name in EVENT_FACT_COLUMNS), e.hash)
        .where(e.case_id.in_(ids)).order_by(e.case_id, e.seq)
    ):
        events[event_row[0]].append(event_row[1:])
    reviews = review_facts(load_rounds(conn, [row.id for row in cases]))
    items = {row[0] for row in conn.execute(
        select(m.PenaltyItem.decision_id).join(d, d.id == m.PenaltyItem.decision_id).where(d.case_id.in_(ids))
        .distinct())}

    records = []
    for row in cases:
        rows = events.get(row.id, [])
        fields = decision_fields(
            row.decided_on, party_name=row.party_name, party_address=row.party_address, facts=row.facts,
            conclusion=row.conclusion, legal_basis=row.legal_basis, has_items=row.decision_id in items,
            remedy_channels=row.remedy_channels, agency_name=row.agency_name, decision_no=row.decision_no)
        facts = build_case_facts(
            case_no=row.case_no, procedure=row.procedure, matter_category=row.matter_category,
            decision_category=row.decision_category, filed_on=row.filed_on, is_major=row.is_major,
            major_reasons=row.major_reasons, decision_extension_days=row.decision_extension_days,
            decided_on=row.decided_on, fine_total=row.fine_total if row.decision_id is not None else None,
            party_type=row.party_type, fields=fields, events=rows, reviews=reviews.get(row.id, ()),
            review_rules=DEFAULT_REVIEW_RULES if row.review_workdays is None else ReviewRules(
                row.review_workdays, row.review_extension_workdays))
        records.append(CaseRecord(
            case_id=row.id, case_no=row.case_no, agency_id=row.agency_id, agency=row.agency, facts=facts,
            officers=MappingProxyType(roster), event_ids=MappingProxyType({ev[1]: ev[0] for ev in rows}),
            last_hash=rows[-1][-1] if rows else None, chain_head=row.chain_head,
        ))
    return records


def review_facts(rounds: Mapping[int, list[Any]]) -> dict[int, tuple[ReviewFact, ...]]:
    """case id → its rounds (db.review_rounds.load_rounds) as the rules read them."""
    return {case_id: tuple(ReviewFact(x.round_no, x.clock_started_on or x.submitted_on, x.reviewed_on, x.outcome,
                                      extended=x.extended) for x in found)
            for case_id, found in rounds.items()}


def load_case_facts(engine: Engine, case_id: int) -> CaseRecord | None:
    """``load_case_facts(engine, 42).facts`` → the CaseFacts of case 42 for domain.procedure; None if absent."""
    with engine.connect() as conn:
        found = load_records(conn, m.Case.id == case_id)
    return found[0] if found else None


def agency_officers(record: CaseRecord, on_day: dt.date) -> dict[str, str]:
    """执法证号 → "姓名（执法证号）" of the case's own agency whose certificate is valid on ``on_day``, for the form:
    an officer with a lapsed certificate may not act (行政处罚法 art. 42), so the picker does not offer one."""
    valid = (o for o in record.officers.values() if o.agency_id == record.agency_id and o.valid_on(on_day))
    return {cert.cert_no: f"{cert.name}（{cert.cert_no}）" for cert in sorted(valid, key=lambda o: o.cert_no)}


# ------------------------------------------------------------------------------------------- appending a step


@dataclass(frozen=True)
class EvidenceInput:
    """Metadata of one evidence file: the file itself lives on disk or object storage, the database keeps its hash."""

    file_name: str
    media_type: str
    size_bytes: int
    sha256: str
    storage_uri: str = ""


def evidence_from_bytes(file_name: str, media_type: str | None, data: bytes, storage_uri: str = "") -> EvidenceInput:
    """``evidence_from_bytes("a.jpg", "image/jpeg", b"...")`` → EvidenceInput with the file's SHA-256 and size."""
    return EvidenceInput(file_name, media_type or "application/octet-stream", len(data),
                         hashlib.sha256(data).hexdigest(), storage_uri)


@dataclass(frozen=True)
class NewEvent:
    """What an officer enters for one step. ``occurred_at`` must be timezone-aware; ``corrects_seq`` names the
    step (by 序号) that this one corrects."""

    stage: Stage | str
    action: str
    occurred_at: dt.datetime
    officer_cert_nos: tuple[str, ...] = ()
    record_forms: tuple[RecordForm | str, ...] = (RecordForm.TEXT,)
    document_no: str = ""
    location: str = ""
    note: str = ""
    corrects_seq: int | None = None
    evidence: tuple[EvidenceInput, ...] = ()

_E = TypeVar("_E", bound=Enum)


def _member(enum_cls: type[_E], value: object) -> _E | None:
    try:
        return enum_cls(str(value.value if isinstance(value, enum_cls) else value))
    except ValueError:
        return None


def _input_errors(new: NewEvent) -> tuple[list[str], Stage | None, tuple[RecordForm, ...]]:
    """Shape problems the domain rules do not cover (required fields, column widths, evidence metadata)."""
    errors: list[str] = []
    stage = _member(Stage, new.stage)
    if stage is None:
        errors.append(f"未知的执法环节：{new.stage}")
    if not new.action.strip():
        errors.append("请填写执法行为（例如：现场检查、询问调查、送达决定书）")
    forms: list[RecordForm] = []
    for f in new.record_forms:
        form = _member(RecordForm, f)
        if form is None:
            errors.append(f"未知的记录形式：{f}")
        elif form not in forms:
            forms.append(form)
    if not new.record_forms:
        errors.append("请至少选择一种记录形式（文字或音像）")
    values = {"action": new.action.strip(), "officer_cert_nos": "、".join(new.officer_cert_nos),
              "document_no": new.document_no.strip(), "record_forms": "、".join(f.value for f in forms),
              "location": new.location.strip()}
    names = {"action": "执法行为", "officer_cert_nos": "执法证号", "document_no": "文书编号", "record_forms": "记录形式",
             "location": "地点"}
    for key, limit in _LIMITS.items():
        if has_bad_characters(values[key]):
            errors.append(bad_characters_message(names[key]))
        if len(values[key]) > limit:
            errors.append(f"{names[key]}过长：最多{limit}个字符，实际{len(values[key])}个")
    if has_bad_characters(new.note, multiline=True):
        errors.append(bad_characters_message("备注"))
    for ev in new.evidence:
        label = quote_input(ev.file_name) or "（未命名文件）"
        if not ev.file_name.strip() or len(ev.file_name) > 200:
            errors.append(f"证据文件名应为1至200个字符：{label}")
        if not ev.media_type.strip() or len(ev.media_type) > 50:
            errors.append(f"证据文件类型应为1至50个字符：{label}")
        if isinstance(ev.size_bytes, bool) or not isinstance(ev.size_bytes, int) or ev.size_bytes < 0:
            errors.append(f"证据文件大小应为非负整数字节数：{label}")
        if not _SHA256.match(ev.sha256 or ""):
            errors.append(f"证据文件的SHA-256应为64位小写十六进制数：{label}")
        if any(has_bad_characters(v) for v in (ev.file_name, ev.media_type, ev.storage_uri)):
            errors.append(f"证据文件的名称、类型或存储地址含有控制字符或无效字符：{label}")
        if len(ev.storage_uri) > 200:
            errors.append(f"证据文件存储地址过长（最多200个字符）：{label}")
    return errors, stage, tuple(forms)


class ChainConflict(Exception):
    """Another writer appended to the same case between our read and our write."""


def _read_state(conn: Connection, case_id: int) -> CaseRecord | None:
    """The case as it stands before the write (a seam for the concurrency tests)."""
    found = load_records(conn, m.Case.id == case_id)
    return found[0] if found else None


def append_event(engine: Engine, case_id: int, new: NewEvent, actor: Actor, now: dt.datetime) -> CommandResult:
    """Validate ``new`` against the case's record and, if it passes, chain it on in one transaction.

    Returns ``CommandResult(ok=False, errors=(…Chinese sentences…))`` and writes nothing when the input breaks a
    rule, the actor may not record for this case, or another writer got there first. On success ``id`` is the new
    ``case_events.id``.
    """
    if now.tzinfo is None:
        raise ValueError("now 必须带时区")
    try:
        with snapshot_session_scope(engine) as session:
            result = append_in_session(session, case_id, new, actor, now)
            if not result.ok:
                session.rollback()
            return result
    except (ChainConflict, IntegrityError):
        return CommandResult(False, (CONFLICT_MESSAGE,))
    except OperationalError as exc:
        # A lost write race: SQLite reports "database is locked", PostgreSQL's snapshot "could not serialize".
        if any(word in str(exc.orig).lower() for word in ("locked", "could not serialize")):
            return CommandResult(False, (CONFLICT_MESSAGE,))
        raise


def append_in_session(session: Session, case_id: int, new: NewEvent, actor: Actor, now: dt.datetime,
                      allowed: Callable[[Actor, int], bool] = may_record,
                      refusal: str = "只有本案所属执法主体的执法人员可以记录执法活动。") -> CommandResult:
    """The validated, chained append inside the caller's transaction, so another command (a legal review) can
    record its step atomically with its own write. Raises ChainConflict when another writer moved the chain head."""
    state = _read_state(session.connection(), case_id)
    if state is None:
        return CommandResult(False, (f"案件不存在：{case_id}",))
    if not allowed(actor, state.agency_id):
        return CommandResult(False, (refusal,))

    if state.last_hash is not None and state.last_hash != state.chain_head:
        return CommandResult(False, ("本案执法记录链校验不一致，已暂停追加记录；请联系管理员运行 verify-chain 核查。",))
    errors, stage, forms = _input_errors(new)
    occurred = new.occurred_at
    if occurred.tzinfo is not None:
        # Whole seconds: the chain hashes whole seconds, and what is stored must be what was hashed.
        occurred = occurred.astimezone(dt.UTC).replace(microsecond=0)
    seq = max(state.event_ids, default=0) + 1
    if stage is not None and new.action.strip():
        fact = EventFact(seq=seq, stage=stage, action=new.action.strip(), occurred_at=occurred,
                         officer_cert_nos=tuple(c.strip() for c in new.officer_cert_nos),
                         record_forms=frozenset(forms), document_no=new.document_no.strip() or None,
                         location=new.location.strip() or None, corrects_seq=new.corrects_seq)
        errors += validate_new_event(state.facts, fact, state.officers, now, state.agency_id)
    if errors or stage is None:  # an unknown stage always comes with its error
        return CommandResult(False, tuple(errors))
    recorded_at = now.astimezone(dt.UTC).replace(microsecond=0)
    content = {
        "case_id": case_id, "seq": seq, "occurred_at": occurred, "stage": stage.value,
        "action": new.action.strip(), "officer_cert_nos": "、".join(c.strip() for c in new.officer_cert_nos),
        "document_no": new.document_no.strip() or None, "record_forms": "、".join(f.value for f in forms),
        "location": new.location.strip() or None, "note": new.note.strip(),
        "corrects_event_id": state.event_ids[new.corrects_seq] if new.corrects_seq is not None else None,
        "recorded_at": recorded_at, "recorded_by": actor.username[:50],
    }
    prev = state.chain_head
    ids = {cert.cert_no: cert.officer_id for cert in state.officers.values()}
    officer_ids = list(dict.fromkeys(ids[c] for c in (x.strip() for x in new.officer_cert_nos) if c in ids))
    digest = event_hash_v2(content, officer_ids, [ev.sha256 for ev in new.evidence], prev)
    # The one update the record allows: moving the case's chain head, which is what makes deleting the
    # newest event detectable. The WHERE on the old head is a compare-and-swap: if another writer appended
    # since we read, no row matches and we stop before inserting (the (case_id, seq) unique constraint is
    # the backstop).
    moved = session.connection().execute(
        update(m.Case).where(m.Case.id == case_id, m.Case.chain_head == prev)
        .values(chain_head=digest)
    ).rowcount
    if moved != 1:
        raise ChainConflict
    event = m.CaseEvent(**content, prev_hash=prev, hash=digest, chain_version=CHAIN_V2)
    session.add(event)
    session.flush()
    for officer_id in officer_ids:
        session.add(m.EventOfficer(event_id=event.id, officer_id=officer_id))
    for ev in new.evidence:
        session.add(m.EvidenceFile(event_id=event.id, file_name=ev.file_name.strip(), media_type=ev.media_type,
                                   size_bytes=ev.size_bytes, sha256=ev.sha256, storage_uri=ev.storage_uri))
    record_audit(session, actor.username, "append_event", "case_events", event.id,
                 {"case_id": case_id, "case_no": state.case_no, "seq": seq, "stage": stage.value,
                  "action": content["action"], "corrects_seq": new.corrects_seq, "hash": digest})
    session.flush()
    return CommandResult(True, id=event.id)


# ------------------------------------------------------------------------------------------------ completeness


def _scope_condition(scope_agency_id: int | None) -> ColumnElement[bool]:
    cond: ColumnElement[bool] = m.Decision.id.is_not(None)
    if scope_agency_id is not None:
        cond = and_(cond, m.Case.agency_id == scope_agency_id)
    return cond


COMPLETENESS_COLUMNS = ["case_id", "case_no", "agency_id", "agency", "category", "procedure", "decided_on", "score",
                        "missing_count", "first_missing", "missing"]


def completeness_table(engine: Engine, scope_agency_id: int | None) -> pd.DataFrame:
    """案卷完整性 of every decided case (of one agency, or all when ``scope_agency_id`` is None), lowest score first.

    Columns: case_id, case_no, agency_id, agency, category, procedure, decided_on, score, missing_count,
    first_missing and missing (all missing items joined by "；"). Five queries in all, then the pure rules: every case
    loaded and scored (≈ 0.4 ms a case). The page reads the stored scores instead (db.completeness); this full
    computation is the reference the stored table is tested against.
    """
    with engine.connect() as conn:
        records = load_records(conn, _scope_condition(scope_agency_id))
    rows = []
    for rec in records:
        result = completeness(rec.facts, rec.officers, agency_id=rec.agency_id)
        rows.append((rec.case_id, rec.case_no, rec.agency_id, rec.agency, rec.facts.category.value,
                     rec.facts.procedure.value, rec.facts.decided_on, result.score, len(result.missing),
                     result.missing[0] if result.missing else "", "；".join(result.missing)))
    frame = pd.DataFrame(rows, columns=COMPLETENESS_COLUMNS)
    return frame.sort_values(["score", "missing_count", "decided_on", "case_id"],
                             ascending=[True, False, False, True], ignore_index=True)


def per_agency_completeness(table: pd.DataFrame) -> pd.DataFrame:
    """Per agency: cases, average and lowest score, cases below LOW_SCORE (from ``completeness_table``; the page's
    figures come from SQL aggregates in db.completeness.overview, tested equal to this)."""
    columns = ["agency", "cases", "average_score", "lowest_score", "low_cases"]
    if table.empty:
        return pd.DataFrame(columns=columns)
    grouped = table.groupby("agency", sort=True)["score"]
    out = pd.DataFrame({
        "cases": grouped.size(),
        "average_score": grouped.mean().round(1),
        "lowest_score": grouped.min(),
        "low_cases": grouped.apply(lambda s: int((s < LOW_SCORE).sum())),
    }).reset_index()
    return out[columns].sort_values(["average_score", "agency"], ignore_index=True)


# ------------------------------------------------------------------------------------------- public timeline


def public_timeline(engine: Engine, decision_id: int, today: dt.date | None = None) -> pd.DataFrame:
    """Stage names and dates of a published decision's case (columns ``stage``, ``date``), one row per stage and
    day, in order. No officers, notes, document numbers or times; corrections replace what they correct.

    Empty unless the decision is public today under exactly the rules of db.public (published, not withheld,
    not confidential, no minor party, within its publication period).
    """
    today = today or dt.datetime.now(SHANGHAI).date()
    e = m.CaseEvent
    with engine.connect() as conn:
        visible = conn.execute(public_base(today).where(m.Decision.id == decision_id)).first()
        if visible is None:
            return pd.DataFrame(columns=["stage", "date"])
        case_id = conn.execute(select(m.Decision.case_id).where(m.Decision.id == decision_id)).scalar_one()
        rows = conn.execute(select(e.id, e.seq, e.stage, e.occurred_at, e.corrects_event_id)
                            .where(e.case_id == case_id).order_by(e.seq)).all()
    seq_of = {r.id: r.seq for r in rows}
    facts = CaseFacts(case_no="", procedure=Procedure.ORDINARY, category=ActionCategory.OTHER,
                      filed_on=dt.date.min, is_major=False,
                      events=tuple(EventFact(seq=r.seq, stage=r.stage, action="", occurred_at=r.occurred_at,
                                             corrects_seq=seq_of.get(r.corrects_event_id)) for r in rows))
    seen: dict[tuple[str, dt.date], None] = {}
    for ev in sorted(effective_events(facts), key=lambda ev: (ev.local_date, ev.stage.order, ev.seq)):
        seen.setdefault((ev.stage.value, ev.local_date), None)
    return pd.DataFrame(list(seen), columns=["stage", "date"])


# ------------------------------------------------------------------------------------------------- case search


_DECISION_CLOCKS = ("立案至作出处罚决定", "送达处罚决定书", "当场交付处罚决定书")


def overdue_case_ids(engine: Engine, scope_agency_id: int | None, today: dt.date,
                     calendar: WorkCalendar | None = None) -> set[int]:
    """Cases whose decision came (or is still due) more than 90 days (plus approved extensions) after filing, or
    whose 决定书 was served late (7 working days, art. 61; on the spot for 简易程序) — per domain.case_clocks.

    A cheap date filter in Python picks candidates first (a late step is always more than 7 calendar days late
    by the calendar), then the exact clocks decide on those few cases only.
    """
    calendar = calendar or load_calendar(engine)
    c, d, e = m.Case, m.Decision, m.CaseEvent
    cond: ColumnElement[bool] = c.id.is_not(None)
    if scope_agency_id is not None:
        cond = c.agency_id == scope_agency_id
    with engine.connect() as conn:
        rows = conn.execute(select(c.id, c.filed_on, c.decision_extension_days, c.procedure, d.decided_on)
                            .select_from(c).outerjoin(d, d.case_id == c.id).where(cond)).all()
        served = dict(conn.execute(
            select(e.case_id, func.max(e.occurred_at)).join(c, c.id == e.case_id)
            .where(cond, e.stage == Stage.SERVICE).group_by(e.case_id)).all())
    candidates = []
    for r in rows:
        limit = dt.timedelta(days=90 + int(r.decision_extension_days or 0))
        if (r.decided_on or today) - r.filed_on > limit:
            candidates.append(r.id)
        elif r.decided_on is not None:
            last = served.get(r.id)
            last_day = last.astimezone(SHANGHAI).date() if last is not None else today
            slack = 0 if r.procedure is Procedure.SIMPLE else 7
            if (last_day - r.decided_on).days > slack or last is None:
                candidates.append(r.id)
    if not candidates:
        return set()
    found: set[int] = set()
    with engine.connect() as conn:
        roster = load_roster(conn)
        for start in range(0, len(candidates), 500):  # keeps the IN list well under every driver's limit
            chunk = candidates[start:start + 500]
            for rec in load_records(conn, c.id.in_(bindparam("ids", chunk, expanding=True)), roster):
                for clock in case_clocks(rec.facts, calendar, today):
                    if clock.name in _DECISION_CLOCKS and clock.status in (DueState.LATE, DueState.OVERDUE):
                        found.add(rec.case_id)
                        break
    return found



def search_cases(engine: Engine, scope_agency_id: int | None, f: CaseFilters, r: RecordFilters, today: dt.date,
                 ) -> tuple[pd.DataFrame, int]:
    """db.queries.load_cases plus the record filters: same columns, order and limit, and the total count."""
    return case_list_frame(engine, _search_statement(engine, scope_agency_id, f, r, today), f.limit)


def search_case_status_counts(engine: Engine, scope_agency_id: int | None, f: CaseFilters, r: RecordFilters,
                              today: dt.date) -> dict[str, int]:
    """Status → number of cases matching every filter but the status one (so the line beside a status filter
    still shows the other statuses' counts), in the order of domain.enums.CaseStatus."""
    sub = _search_statement(engine, scope_agency_id, replace(f, status=None), r, today).subquery()
    with engine.connect() as conn:
        found = {CaseStatus(s): int(n) for s, n in conn.execute(
            select(sub.c.status, func.count()).group_by(sub.c.status)).all()}
    return {s.value: found[s] for s in CaseStatus if s in found}


def _search_statement(engine: Engine, scope_agency_id: int | None, f: CaseFilters, r: RecordFilters,
                      today: dt.date) -> Select:
    c, e, eo, o = m.Case, m.CaseEvent, m.EventOfficer, m.Officer
    stmt = case_list_statement(scope_agency_id, f)
    agency = scope_agency_id if scope_agency_id is not None else f.agency_id
    officer = r.officer.strip()
    if officer:
        like = f"%{officer}%"
        # By the roster (who was present, event_officers) or by the numbers as recorded in the event itself,
        # which also finds imported steps whose officer is not on this system's roster.
        stmt = stmt.where(or_(
            select(eo.event_id).join(e, e.id == eo.event_id).join(o, o.id == eo.officer_id)
            .where(e.case_id == c.id, or_(o.cert_no == officer, o.name.like(like))).exists(),
            select(e.id).where(e.case_id == c.id, e.officer_cert_nos.like(like)).exists(),
        ))
    if r.stage is not None:
        stmt = stmt.where(select(e.id).where(e.case_id == c.id, e.stage == r.stage).exists())
    if r.overdue:
        ids = sorted(overdue_case_ids(engine, agency, today))
        stmt = stmt.where(c.id.in_(bindparam("overdue_ids", ids or [-1], expanding=True)))
    return stmt
