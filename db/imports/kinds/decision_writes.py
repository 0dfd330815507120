"""The ``decisions`` kind against the database: the stored decisions, cases and parties a file refers to, the
insert / update / unchanged decision for each row (``resolve``), and the bulk writes — parties, cases,
decisions, penalty items, legal reviews, disclosures and, for published decisions that change, a correction in
the disclosure history."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any

from sqlalchemy import Connection, bindparam, select

from db import models as m
from db.imports.cells import MASKED_NAME_RE, party_key
from db.imports.kinds.decision_rows import DECISION_FIELDS, DecisionRec, Existing, Lookups, PartyRef
from db.imports.report import ImportReport, RowProblem
from db.imports.store import CASE_COLS, PARTY_COLS, REVIEW_COLS, Ids, chunks, insert, table_of
from domain.deadlines import add_months
from domain.enums import (
    ActionCategory,
    CaseStatus,
    DataOrigin,
    DisclosureStatus,
    PartyType,
    PenaltyType,
    ReviewOutcome,
)

__all__ = ["label", "load_existing", "load_keyed", "resolve", "write_decisions"]

DECISION_COLS = ("id", "case_id", "decision_no", "decided_on", "category", "conclusion", "legal_basis",
                 "benchmark_tier_id", "claimed_tier", "base_amount", "discretion_statement", "fine_total",
                 "confiscation_total", "unreviewed_major", "created_at", "created_by")
ITEM_COLS = ("id", "decision_id", "penalty_type", "amount", "description")
DISCLOSURE_COLS = ("id", "decision_id", "status", "published_on", "gsxt_published_on", "period_months",
                   "expires_on", "withdrawn_on", "withdrawal_reason", "withdrawal_doc_ref", "public_explanation",
                   "redaction_applied", "redaction_note", "withheld_reason", "version", "created_at", "created_by")
VERSION_COLS = ("id", "disclosure_id", "version", "changed_on", "status", "reason", "snapshot")
_REDACTION_NOTE = "自然人姓名、身份证号、联系方式、住址已按规定处理"
_MINOR_WITHHELD = "当事人为未成年人，依法不予公开"
_UNREVIEWED_NOTE = "导入数据：原系统未记录事前法制审核（未经法制审核），作为历史记录保存"
_LABEL_EXTRA = {"agency": "处罚机关", "party_type": "当事人类型", "party_name": "当事人名称",
                "is_major": "是否重大/法制审核", "review_outcome": "法制审核结论/日期",
                "penalty_types": "处罚种类及金额"}
_HEADERS = {f.key: f.header for f in DECISION_FIELDS}


def label(key: str) -> str:
    """The name of a compared field in messages and the audit log."""
    return _LABEL_EXTRA.get(key) or _HEADERS.get(key, key)


def load_keyed(conn: Connection, recs: Sequence[DecisionRec], lookups: Lookups) -> None:
    """Stored decisions, cases and parties that the file's rows refer to (queried by key, never the whole
    table, so that memory stays flat however large the database is)."""
    decision_nos = sorted({r.decision_no for r in recs})
    for chunk in chunks(decision_nos):
        lookups.decisions.update(conn.execute(
            select(m.Decision.decision_no, m.Decision.id).where(m.Decision.decision_no.in_(chunk))).all())
    for chunk in chunks(sorted({r.case_no for r in recs})):
        lookups.cases.update(conn.execute(
            select(m.Case.case_no, m.Decision.decision_no).outerjoin(m.Decision, m.Decision.case_id == m.Case.id)
            .where(m.Case.case_no.in_(chunk))).all())
    keys = [row_party_key(r) for r in recs]
    usccs = sorted({k[1] for k in keys if k[0] == "uscc"})
    ids = sorted({k[1] for k in keys if k[0] == "id"})
    names = sorted({k[2] for k in keys if k[0] == "name"})
    p = m.Party
    columns = (p.id, p.party_type, p.name, p.uscc, p.id_number, p.is_minor)
    for column, values in ((p.uscc, usccs), (p.id_number, ids), (p.name, names)):
        for chunk in chunks(values):
            for pid, ptype, name, uscc, id_number, minor in conn.execute(
                    select(*columns).where(column.in_(chunk)).order_by(p.id)):
                key = party_key(ptype, name, uscc, id_number)
                lookups.parties.setdefault(key, PartyRef(key, pid, ptype, name, uscc, id_number, minor, 0,
                                                          db=(ptype, name, uscc, id_number)))


def row_party_key(rec: DecisionRec) -> tuple[str, ...]:
    if not rec.uscc and not rec.id_number and rec.party_type is PartyType.NATURAL_PERSON \
            and MASKED_NAME_RE.search(rec.party_name):
        return ("row", rec.decision_no)
    return party_key(rec.party_type, rec.party_name, rec.uscc, rec.id_number)


def load_existing(conn: Connection, decision_ids: Sequence[int]) -> dict[str, Existing]:
    """Rebuild `DecisionRec`s for existing decisions so that rows can be compared with them field by field."""
    out: dict[str, Existing] = {}
    d, c, p, a, s = m.Decision, m.Case, m.Party, m.Agency, m.Disclosure
    for chunk in chunks(list(decision_ids)):
        items: dict[int, list[tuple[PenaltyType, Decimal | None, str]]] = {}
        for did, ptype, amount, desc in conn.execute(
                select(m.PenaltyItem.decision_id, m.PenaltyItem.penalty_type, m.PenaltyItem.amount,
                       m.PenaltyItem.description).where(m.PenaltyItem.decision_id.in_(chunk))
                .order_by(m.PenaltyItem.id)):
            items.setdefault(did, []).append((ptype, amount, desc))
        rows = conn.execute(
            select(d.id, d.decision_no, d.decided_on, d.conclusion, d.legal_basis, d.benchmark_tier_id,
                   d.claimed_tier, d.base_amount, d.discretion_statement, d.fine_total, d.confiscation_total,
                   d.unreviewed_major, c.id, c.case_no, c.party_id, c.procedure, c.filed_on, c.is_major,
                   c.major_reasons, c.origin, c.violation, c.facts, p.party_type, p.name, p.uscc, p.id_number,
                   p.is_minor, a.name, s.id, s.status, s.published_on, s.period_months, s.version)
            .join(c, d.case_id == c.id).join(p, c.party_id == p.id).join(a, c.agency_id == a.id)
            .outerjoin(s, s.decision_id == d.id).where(d.id.in_(chunk))
        ).all()
        case_ids = [r[12] for r in rows]
        reviews: dict[int, list[tuple[int, ReviewOutcome | None, dt.date | None, str]]] = {}
        for case_id, round_no, outcome, reviewed_on, opinion in conn.execute(
                select(m.LegalReview.case_id, m.LegalReview.round_no, m.LegalReview.outcome,
                       m.LegalReview.reviewed_on, m.LegalReview.opinion).where(m.LegalReview.case_id.in_(case_ids))):
            reviews.setdefault(case_id, []).append((round_no, outcome, reviewed_on, opinion))
        for r in rows:
            (did, dno, decided_on, conclusion, basis, tier_id, claimed, base, statement, fine, conf, unreviewed,
             case_id, case_no, party_id, procedure, filed_on, is_major, reasons, origin, violation, facts,
             ptype, pname, uscc, id_number, minor, agency_name, sid, status, published_on, period, version) = r
            case_reviews = sorted(reviews.get(case_id, []))
            review = None
            if case_reviews:
                _, last_outcome, last_reviewed_on, last_opinion = case_reviews[-1]
                if last_outcome is not None:
                    review = (last_outcome, last_reviewed_on, last_opinion)
            rec = DecisionRec(
                line=0, decision_no=dno, agency_name=agency_name, party_type=ptype, party_name=pname, uscc=uscc,
                id_number=id_number, violation=violation, facts=facts, legal_basis=basis, conclusion=conclusion,
                items=tuple(items.get(did, [])), fine_total=fine, confiscation_total=conf, decided_on=decided_on,
                filed_on=filed_on, case_no=case_no, procedure=procedure, is_major=is_major, major_reasons=reasons,
                review=review, benchmark_tier_id=tier_id, claimed_tier=claimed, base_amount=base,
                discretion_statement=statement, unreviewed_major=unreviewed, published_on=published_on,
                period_months=period, is_minor=minor,
            )
            out[dno] = Existing(did, case_id, party_id, origin, sid, status, version or 1, rec)
    return out


def diff(new: DecisionRec, old: DecisionRec) -> tuple[str, ...]:
    a, b = new.compare_key(), old.compare_key()
    return tuple(k for k in a if a[k] != b[k])


def resolve(rec: DecisionRec, lookups: Lookups, old: Existing | None) -> list[RowProblem]:
    """Check the case number against stored cases, attach the canonical party (first occurrence wins) and decide
    insert / update / unchanged."""
    problems: list[RowProblem] = []
    if rec.case_no in lookups.cases and lookups.cases[rec.case_no] != rec.decision_no:
        other = lookups.cases[rec.case_no]
        problems.append(RowProblem(rec.line, label("case_no"), f"案号“{rec.case_no}”已被系统中的另一案件使用"
                                   + (f"（决定书文号“{other}”）" if other else "（该案件尚未作出决定）")))
        return problems
    parties = lookups.parties
    key = row_party_key(rec)
    party = parties.get(key)
    state = (rec.party_type, rec.party_name, rec.uscc, rec.id_number)
    if party is None and key[0] == "row" and old is not None and state == (
            old.rec.party_type, old.rec.party_name, old.rec.uscc, old.rec.id_number):
        party = parties[key] = PartyRef(key, old.party_id, *state, is_minor=old.rec.is_minor, first_line=rec.line,
                                         db=state)
    if party is None:
        party = PartyRef(key, None, rec.party_type, rec.party_name, rec.uscc, rec.id_number, rec.is_minor, rec.line)
        parties[key] = party
    elif party.first_line == 0:
        # A stored party: the file's first row for it decides its current name and type.
        party.first_line = rec.line
        party.party_type, party.name = rec.party_type, rec.party_name
        party.uscc = party.uscc or rec.uscc
        party.id_number = party.id_number or rec.id_number
    elif (party.party_type, party.name) != (rec.party_type, rec.party_name):
        ident = "统一社会信用代码" if key[0] == "uscc" else "证件号码"
        problems.append(RowProblem(rec.line, label("party_name"),
                                   f"{ident}与第{party.first_line}行相同，但当事人名称或类型不同"
                                   f"（第{party.first_line}行为“{party.name}”，{party.party_type.value}），按第{party.first_line}行保存",
                                   "warning"))
    rec.party = party
    rec.party_type, rec.party_name = party.party_type, party.name
    rec.uscc, rec.id_number = party.uscc, party.id_number
    if old is None:
        rec.action = "insert"
        party.used = True
        return problems
    rec.existing = old
    changed = diff(rec, old.rec)
    if not changed:
        rec.action = "unchanged"
        return problems
    if old.origin is not DataOrigin.IMPORTED:
        # Native records carry their full-process record (hash-chained events): an import must not rewrite them.
        problems.append(RowProblem(rec.line, label("decision_no"),
                                   f"决定书文号“{rec.decision_no}”是{old.origin.value}的决定，内容与本行不同（"
                                   + "、".join(label(k) for k in changed) + "）；导入不能修改系统录入的决定，请在系统中更正"))
        return problems
    if old.rec.published_on is not None and rec.published_on is None:
        problems.append(RowProblem(rec.line, label("published_on"),
                                   f"该决定已于{old.rec.published_on.isoformat()}公示，公示日期不能清空；"
                                   "撤回公示请使用撤回功能并说明理由"))
        return problems
    rec.action = "update"
    rec.changed = changed
    party.used = True
    return problems

def _disclosure_state(rec: DecisionRec, today: dt.date) -> tuple[DisclosureStatus, dt.date | None]:
    if rec.published_on is None:
        return DisclosureStatus.DRAFT, None
    expires = add_months(rec.published_on, rec.period_months) if rec.period_months else None
    if expires is not None and expires <= today:
        return DisclosureStatus.EXPIRED, expires
    return DisclosureStatus.PUBLISHED, expires


def _snapshot(rec: DecisionRec) -> str:
    """The public, non-personal content of a decision at a disclosure version."""
    return json.dumps({
        "decision_no": rec.decision_no, "agency": rec.agency_name, "violation": rec.violation,
        "conclusion": rec.conclusion, "legal_basis": rec.legal_basis, "decided_on": rec.decided_on.isoformat(),
        "fine_total": str(rec.fine_total), "confiscation_total": str(rec.confiscation_total),
        "penalty_types": [t.value for t, _, _ in rec.items],
    }, ensure_ascii=False)


def write_decisions(conn: Connection, ids: Ids, recs: list[DecisionRec], report: ImportReport, actor: str,
                    now: dt.datetime, today: dt.date) -> None:
    """Parties (new ones, and stored ones whose name/type the file corrects), then the inserted and the updated
    decisions. The agencies to create are already inserted (by the runner)."""
    new_parties = []
    party_updates = []
    seen: set[int] = set()
    for rec in recs:
        party = rec.party
        assert party is not None
        if id(party) in seen:
            continue
        seen.add(id(party))
        if party.id is None:
            new_parties.append(party)
        elif party.db is not None and party.state != party.db:
            party_updates.append(party)
    for party, pid in zip(new_parties, ids.take(m.Party.__table__, len(new_parties)), strict=False):
        party.id = pid
    insert(conn, m.Party.__table__, PARTY_COLS, (
        (p.id, p.party_type, p.name, p.uscc, p.id_number, None, None, None, p.is_minor, now, actor)
        for p in new_parties))
    if party_updates:
        t = table_of(m.Party)
        conn.execute(t.update().where(t.c.id == bindparam("b_id")), [
            {"b_id": p.id, "party_type": p.party_type, "name": p.name, "uscc": p.uscc, "id_number": p.id_number,
             "updated_by": actor} for p in party_updates])
    _insert_decisions(conn, ids, [r for r in recs if r.action == "insert"], report, actor, now, today)
    _update_decisions(conn, ids, [r for r in recs if r.action == "update"], report, actor, now, today)


def _case_row(rec: DecisionRec, case_id: int, actor: str, now: dt.datetime, note: str) -> tuple[Any, ...]:
    assert rec.agency is not None and rec.party is not None
    return (case_id, rec.case_no, rec.agency.id, None, rec.party.id, rec.procedure, rec.filed_on, rec.is_major,
            rec.major_reasons, CaseStatus.DECIDED, DataOrigin.IMPORTED, False, rec.violation, rec.facts, note, 0,
            "0" * 64, now, actor)


def _insert_decisions(conn: Connection, ids: Ids, recs: list[DecisionRec], report: ImportReport, actor: str,
                      now: dt.datetime, today: dt.date) -> None:
    if not recs:
        return
    n = len(recs)
    case_ids = ids.take(m.Case.__table__, n)
    decision_ids = ids.take(m.Decision.__table__, n)
    source = f"由文件导入：{report.file_name or '（未命名文件）'}"
    insert(conn, m.Case.__table__, CASE_COLS, (
        _case_row(r, cid, actor, now, f"{source}第{r.line}行" + (f"；{_UNREVIEWED_NOTE}" if r.unreviewed_major else ""))
        for r, cid in zip(recs, case_ids, strict=False)))
    # The review goes in before the decision: the database refuses a major decision without a prior approval.
    reviewed = [(r, cid, r.review) for r, cid in zip(recs, case_ids, strict=False) if r.review is not None]
    insert(conn, m.LegalReview.__table__, REVIEW_COLS, (
        (rid, cid, 1, review[1] or r.decided_on, None, review[1], review[0], review[2], "{}", now, actor)
        for rid, (r, cid, review) in zip(ids.take(m.LegalReview.__table__, len(reviewed)), reviewed, strict=False)))
    insert(conn, m.Decision.__table__, DECISION_COLS, (
        (did, cid, r.decision_no, r.decided_on, ActionCategory.PENALTY, r.conclusion, r.legal_basis,
         r.benchmark_tier_id, r.claimed_tier, r.base_amount, r.discretion_statement, r.fine_total,
         r.confiscation_total, r.unreviewed_major, now, actor)
        for r, cid, did in zip(recs, case_ids, decision_ids, strict=False)))
    _insert_children(conn, ids, list(zip(recs, case_ids, decision_ids, strict=False)), actor, now, today)


def _insert_children(conn: Connection, ids: Ids, rows: list[tuple[DecisionRec, int, int]], actor: str,
                     now: dt.datetime, today: dt.date) -> None:
    """Penalty items, disclosure (+ its first version) of freshly inserted decisions."""
    item_rows = [(did, t, a, d) for r, _, did in rows for t, a, d in r.items]
    insert(conn, m.PenaltyItem.__table__, ITEM_COLS, (
        (iid, *row) for iid, row in zip(ids.take(m.PenaltyItem.__table__, len(item_rows)), item_rows, strict=False)))
    _insert_disclosures(conn, ids, [(r, did) for r, _, did in rows], actor, now, today)


def _insert_disclosures(conn: Connection, ids: Ids, rows: list[tuple[DecisionRec, int]], actor: str, now: dt.datetime,
                        today: dt.date) -> None:
    """The disclosure of each (row, decision id), with its first version when the row was published."""
    disclosures = []
    versions = []
    for (r, did), sid in zip(rows, ids.take(m.Disclosure.__table__, len(rows)), strict=False):
        status, expires = _disclosure_state(r, today)
        person = r.party_type is PartyType.NATURAL_PERSON
        published = r.published_on is not None
        disclosures.append((sid, did, status, r.published_on, None, r.period_months, expires, None, None, None, "",
                            published and person, _REDACTION_NOTE if published and person else "",
                            _MINOR_WITHHELD if r.is_minor else None, 1, now, actor))
        if published:
            versions.append((sid, r))
    insert(conn, m.Disclosure.__table__, DISCLOSURE_COLS, disclosures)
    insert(conn, m.DisclosureVersion.__table__, VERSION_COLS, (
        (vid, sid, 1, r.published_on, DisclosureStatus.PUBLISHED, "首次公示（导入）", _snapshot(r))
        for vid, (sid, r) in zip(ids.take(m.DisclosureVersion.__table__, len(versions)), versions, strict=False)))


def _update_decisions(conn: Connection, ids: Ids, recs: list[DecisionRec], report: ImportReport, actor: str,
                      now: dt.datetime, today: dt.date) -> None:
    if not recs:
        return
    case_table, decision_table = table_of(m.Case), table_of(m.Decision)
    conn.execute(case_table.update().where(case_table.c.id == bindparam("b_id")), [{
        "b_id": r.existing.case_id, "case_no": r.case_no, "agency_id": r.agency.id, "party_id": r.party.id,
        "procedure": r.procedure, "filed_on": r.filed_on, "is_major": r.is_major, "major_reasons": r.major_reasons,
        "violation": r.violation, "facts": r.facts, "updated_by": actor,
    } for r in recs if r.existing and r.agency and r.party])
    _replace_reviews(conn, ids, recs, actor, now)
    conn.execute(decision_table.update().where(decision_table.c.id == bindparam("b_id")), [{
        "b_id": r.existing.decision_id, "decided_on": r.decided_on, "conclusion": r.conclusion,
        "legal_basis": r.legal_basis, "benchmark_tier_id": r.benchmark_tier_id, "claimed_tier": r.claimed_tier,
        "base_amount": r.base_amount, "discretion_statement": r.discretion_statement, "fine_total": r.fine_total,
        "confiscation_total": r.confiscation_total, "unreviewed_major": r.unreviewed_major, "updated_by": actor,
    } for r in recs if r.existing])
    _replace_children(conn, ids, recs, actor, now)
    # -- disclosures: corrections of published ones, first publication of drafts
    _insert_disclosures(conn, ids, [(r, r.existing.decision_id) for r in recs
                                    if r.existing and r.existing.disclosure_id is None], actor, now, today)
    _update_disclosures(conn, ids, recs, report, actor, now, today)


def _replace_reviews(conn: Connection, ids: Ids, recs: list[DecisionRec], actor: str, now: dt.datetime) -> None:
    """The legal review of updated decisions, as the file now has it (before the decision and its items, which the
    database checks against it)."""
    case_ids = [r.existing.case_id for r in recs if r.existing]
    for chunk in chunks(case_ids):
        conn.execute(table_of(m.LegalReview).delete().where(m.LegalReview.__table__.c.case_id.in_(chunk)))
    reviewed = [(r, r.existing, r.review) for r in recs if r.review is not None and r.existing]
    insert(conn, m.LegalReview.__table__, REVIEW_COLS, (
        (rid, old.case_id, 1, review[1] or r.decided_on, None, review[1], review[0], review[2], "{}", now, actor)
        for rid, (r, old, review) in zip(ids.take(m.LegalReview.__table__, len(reviewed)), reviewed, strict=False)))


def _replace_children(conn: Connection, ids: Ids, recs: list[DecisionRec], actor: str, now: dt.datetime) -> None:
    """Penalty items of updated decisions, as the file now has them."""
    decision_ids = [r.existing.decision_id for r in recs if r.existing]
    for chunk in chunks(decision_ids):
        conn.execute(table_of(m.PenaltyItem).delete().where(m.PenaltyItem.__table__.c.decision_id.in_(chunk)))
    item_rows = [(r.existing.decision_id, t, a, d) for r in recs if r.existing for t, a, d in r.items]
    insert(conn, m.PenaltyItem.__table__, ITEM_COLS, (
        (iid, *row) for iid, row in zip(ids.take(m.PenaltyItem.__table__, len(item_rows)), item_rows, strict=False)))


def _update_disclosures(conn: Connection, ids: Ids, recs: list[DecisionRec], report: ImportReport, actor: str,
                        now: dt.datetime, today: dt.date) -> None:
    """Corrections of published disclosures (a new version), first publication of drafts, and the audit entry
    of every updated decision."""
    disclosure_table = table_of(m.Disclosure)
    new_versions = []
    updates: dict[tuple[str, ...], list[dict[str, Any]]] = {}
    audits = []
    for r in recs:
        old = r.existing
        assert old is not None
        correction = old.rec.published_on is not None and old.disclosure_id is not None
        if old.disclosure_id is not None:
            status, expires = _disclosure_state(r, today)
            person = r.party_type is PartyType.NATURAL_PERSON
            values: dict[str, Any] = {
                "b_id": old.disclosure_id, "published_on": r.published_on, "period_months": r.period_months,
                "expires_on": expires, "withheld_reason": _MINOR_WITHHELD if r.is_minor else None,
                "redaction_applied": r.published_on is not None and person,
                "redaction_note": _REDACTION_NOTE if r.published_on is not None and person else "",
                "updated_by": actor,
            }
            if correction:
                # 118号 §二 / 45号令 art. 12: an inaccurate published record is corrected, keeping its history.
                version = old.disclosure_version + 1
                if old.disclosure_status in (DisclosureStatus.PUBLISHED, DisclosureStatus.CORRECTED):
                    new_status = DisclosureStatus.CORRECTED
                else:  # 已到期 / 已撤回 stay so; the version still records the correction
                    new_status = old.disclosure_status or DisclosureStatus.CORRECTED
                new_versions.append((old.disclosure_id, version, today, new_status,
                                     f"导入更正（{report.file_name or '导入文件'}第{r.line}行）："
                                     + "、".join(label(k) for k in r.changed), _snapshot(r)))
                values.update(status=new_status, version=version)
            elif r.published_on is not None:
                new_versions.append((old.disclosure_id, old.disclosure_version, r.published_on,
                                     DisclosureStatus.PUBLISHED, "首次公示（导入）", _snapshot(r)))
                values.update(status=status, version=old.disclosure_version)
            updates.setdefault(tuple(sorted(values)), []).append(values)
        audits.append({
            "occurred_at": now, "actor": actor[:50],
            "action": "import_correct_decision" if correction else "import_update_decision",
            "entity": "decisions", "entity_id": str(old.decision_id),
            "detail": json.dumps({"decision_no": r.decision_no, "file": report.file_name, "line": r.line,
                                  "changed": [label(k) for k in r.changed],
                                  "before": _public_diff(old.rec, r.changed), "after": _public_diff(r, r.changed)},
                                 ensure_ascii=False, default=str)})
    for batch in updates.values():
        conn.execute(disclosure_table.update().where(disclosure_table.c.id == bindparam("b_id")), batch)
    insert(conn, m.DisclosureVersion.__table__, VERSION_COLS, (
        (vid, *row) for vid, row in zip(ids.take(m.DisclosureVersion.__table__, len(new_versions)), new_versions, strict=False)))
    conn.execute(table_of(m.AuditEntry).insert(), audits)


_PERSONAL_KEYS = frozenset({"party_name", "uscc", "id_number", "facts"})


def _public_diff(rec: DecisionRec, keys: Iterable[str]) -> dict[str, Any]:
    """Old or new values of the changed fields for the audit log; personal data is named, never copied."""
    values = rec.compare_key()
    return {label(k): (values[k] if k not in _PERSONAL_KEYS else "（个人信息，不记录）") for k in keys}


# ==============================================================================================================
# Entry points for manage.py and the admin page
# ==============================================================================================================
