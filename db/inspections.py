"""双随机、一公开, entity profiles (by 统一社会信用代码), credit classes and 异议: queries and write commands.

Public reads show only what is public: draws once their seed is revealed, inspection results once published, and
decisions only through the public projection (db.public.public_base). An objection's contact and client key are
never returned by a public query.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass

import pandas as pd
from sqlalchemy import Connection, Engine, func, or_, select, update
from sqlalchemy.orm import Session

from db import models as m
from db.commands import CommandResult, record_audit
from db.engine import session_scope
from db.projection import project_decisions
from db.public import PUBLIC_COLUMNS, public_base, public_row
from db.search import text_condition
from domain.credit import (
    DEFAULT_PERIOD_RULES,
    CreditFinding,
    InspectionFact,
    PenaltyFact,
    PenaltyPeriod,
    PeriodRule,
    Severity,
    classify,
    objection_clock,
    penalty_period,
    rate_limit_problem,
)
from domain.draw import (
    DrawInputs,
    PublishedDraw,
    Verification,
    inspectors_from_json,
    objects_from_json,
    ratios_from_json,
    repeated_pairings,
    selection_from_json,
    verify_draw,
)
from domain.enums import ActionCategory, DisclosureStatus, ObjectionStatus, PartyType, PenaltyType, Procedure
from domain.identifiers import normalize_uscc
from domain.params import text_problem
from domain.redaction import mask_person_name, personal_data_kinds
from domain.workdays import DEFAULT_CALENDAR, WorkCalendar

SHANGHAI = dt.timezone(dt.timedelta(hours=8))  # China has no daylight saving time
RESULT_PUBLISH_WORKDAYS = 20  # 检查结果 published within 20 working days of the inspection's end (118号 §六)

# ------------------------------------------------------------------------------------------------ draws


@dataclass(frozen=True)
class DrawView:
    id: int
    draw_no: str
    agency_id: int
    agency: str
    plan_title: str
    plan_kind: str
    items: tuple[str, ...]
    committed_at: dt.datetime
    drawn_on: dt.date
    revealed: bool
    published: PublishedDraw | None  # None until the seed is revealed
    commitment: str
    object_pool_hash: str
    inspector_pool_hash: str


def draw_list(engine: Engine) -> pd.DataFrame:
    d, p, a = m.InspectionDraw, m.InspectionPlan, m.Agency
    stmt = (select(d.id, d.draw_no, a.short_name.label("agency"), p.title.label("plan"), d.drawn_on,
                   d.seed.is_not(None).label("revealed"), d.commitment)
            .join(p, p.id == d.plan_id).join(a, a.id == p.agency_id).order_by(d.drawn_on.desc(), d.id.desc()))
    with engine.connect() as conn:
        rows = [dict(r) for r in conn.execute(stmt).mappings()]
    return pd.DataFrame(rows, columns=["id", "draw_no", "agency", "plan", "drawn_on", "revealed", "commitment"])


def draw_id_by_no(engine: Engine, key: str) -> int | None:
    """A draw by its number (e.g. 青市监抽〔2025〕1号) or its numeric id."""
    with engine.connect() as conn:
        found = conn.scalar(select(m.InspectionDraw.id).where(m.InspectionDraw.draw_no == key))
        if found is None and key.isascii() and key.isdigit() and len(key) < 10:
            found = conn.scalar(select(m.InspectionDraw.id).where(m.InspectionDraw.id == int(key)))
    return found


def _published(row: m.InspectionDraw, object_snapshot: str, inspector_snapshot: str) -> PublishedDraw | None:
    if row.seed is None:
        return None
    inputs = DrawInputs(seed=row.seed, drawn_on=row.drawn_on, objects=objects_from_json(row.published_objects),
                     inspectors=inspectors_from_json(row.published_inspectors), ratios=ratios_from_json(row.ratios),
                     per_inspection=row.per_inspection)
    return PublishedDraw(row.commitment, row.object_pool_hash, row.inspector_pool_hash, inputs,
                         selection_from_json(row.selection), objects_from_json(object_snapshot),
                         inspectors_from_json(inspector_snapshot))


def draw_view(engine: Engine, draw_id: int) -> DrawView | None:
    with Session(engine) as s:
        row = s.get(m.InspectionDraw, draw_id)
        if row is None:
            return None
        plan = row.plan
        snaps = {x.id: x.members for x in s.scalars(select(m.PoolSnapshot).where(
            m.PoolSnapshot.id.in_([row.object_snapshot_id, row.inspector_snapshot_id])))}
        items = tuple(s.scalars(
            select(m.InspectionItem.item).join(m.InspectionPlanItem,
                                               m.InspectionPlanItem.inspection_item_id == m.InspectionItem.id)
            .where(m.InspectionPlanItem.plan_id == plan.id).order_by(m.InspectionItem.seq)))
        return DrawView(row.id, row.draw_no, plan.agency_id, plan.agency.name, plan.title, plan.kind.value, items,
                        row.committed_at, row.drawn_on, row.seed is not None,
                        _published(row, snaps[row.object_snapshot_id], snaps[row.inspector_snapshot_id]),
                        row.commitment, row.object_pool_hash, row.inspector_pool_hash)


def verify_draw_id(engine: Engine, draw_id: int) -> Verification | None:
    """Recompute one draw from what was published; None when it is unknown or its seed is not revealed yet."""
    view = draw_view(engine, draw_id)
    if view is None or view.published is None:
        return None
    return verify_draw(view.published)


def all_draw_ids(engine: Engine) -> list[tuple[int, str]]:
    with engine.connect() as conn:
        return [(r.id, r.draw_no) for r in conn.execute(
            select(m.InspectionDraw.id, m.InspectionDraw.draw_no).order_by(m.InspectionDraw.id))]


def repeated_inspector_pairings(engine: Engine) -> list[tuple[str, str, str, str]]:
    """(earlier draw, later draw, 统一社会信用代码, 执法证号) where one inspector was drawn for the same entity in two
    consecutive draws of the same agency."""
    d, p = m.InspectionDraw, m.InspectionPlan
    with engine.connect() as conn:
        rows = conn.execute(select(p.agency_id, d.draw_no, d.selection).join(p, p.id == d.plan_id)
                            .where(d.seed.is_not(None)).order_by(p.agency_id, d.drawn_on, d.id)).all()
    found: list[tuple[str, str, str, str]] = []
    by_agency: dict[int, list[tuple[str, tuple]]] = {}
    for agency_id, draw_no, selection in rows:
        by_agency.setdefault(agency_id, []).append((draw_no, selection_from_json(selection)))
    for history in by_agency.values():
        found += repeated_pairings(history)
    return found


def late_results(engine: Engine, calendar: WorkCalendar = DEFAULT_CALENDAR) -> pd.DataFrame:
    """Inspections whose result was published more than 20 working days after the inspection ended."""
    i = m.Inspection
    with engine.connect() as conn:
        rows = conn.execute(select(i.inspection_no, i.entity_name, i.ended_on, i.result_published_on)
                            .where(i.result_published_on.is_not(None)).order_by(i.ended_on)).all()
    late = []
    for no, name, ended, published in rows:
        if published is None:
            continue
        due = calendar.add_workdays(ended, RESULT_PUBLISH_WORKDAYS).due
        if published > due:
            late.append({"inspection_no": no, "entity_name": name, "ended_on": ended, "due": due,
                         "result_published_on": published,
                         "late_workdays": calendar.workdays_between(due, published)})
    return pd.DataFrame(late, columns=["inspection_no", "entity_name", "ended_on", "due", "result_published_on",
                                       "late_workdays"])


# ------------------------------------------------------------------------------------------------ inspections


INSPECTION_COLUMNS = ["inspection_no", "agency", "draw_no", "entity_uscc", "entity_name", "inspector_cert_nos",
                      "started_on", "ended_on", "result", "result_summary", "result_published_on", "case_decision_id"]


def _published_inspections(today: dt.date):
    i, a, d = m.Inspection, m.Agency, m.InspectionDraw
    return (select(i.inspection_no, a.name.label("agency"), d.draw_no, i.entity_uscc, i.entity_name,
                   i.inspector_cert_nos, i.started_on, i.ended_on, i.result, i.result_summary, i.result_published_on,
                   m.PublicSearch.decision_id.label("case_decision_id"))
            .join(a, a.id == i.agency_id).outerjoin(d, d.id == i.draw_id)
            .outerjoin(m.Decision, m.Decision.case_id == i.case_id)
            .outerjoin(m.PublicSearch, m.PublicSearch.decision_id == m.Decision.id)
            .where(i.result_published_on.is_not(None), i.result_published_on <= today, i.result.is_not(None)))


def published_inspection_records(engine: Engine, today: dt.date, *, uscc: str | None = None,
                                 draw_id: int | None = None, limit: int = 500) -> list[dict]:
    """Inspection results as published (only those published by ``today``); a case link only to a public decision."""
    stmt = _published_inspections(today)
    if uscc is not None:
        stmt = stmt.where(m.Inspection.entity_uscc == uscc)
    if draw_id is not None:
        stmt = stmt.where(m.Inspection.draw_id == draw_id)
    stmt = stmt.order_by(m.Inspection.ended_on.desc(), m.Inspection.id.desc()).limit(limit)
    with engine.connect() as conn:
        return [{k: (v.value if hasattr(v, "value") else v) for k, v in r.items()}
                for r in conn.execute(stmt).mappings()]


def published_inspections(engine: Engine, today: dt.date, *, uscc: str | None = None, draw_id: int | None = None,
                          limit: int = 500) -> pd.DataFrame:
    return pd.DataFrame(published_inspection_records(engine, today, uscc=uscc, draw_id=draw_id, limit=limit),
                        columns=INSPECTION_COLUMNS)


# ------------------------------------------------------------------------------------------------ entities


@dataclass(frozen=True)
class PenaltyRow:
    decision_id: int
    decision_no: str
    decided_on: dt.date
    penalty_types: tuple[str, ...]
    procedure: Procedure
    period: PenaltyPeriod

    @property
    def fact(self) -> PenaltyFact:
        return PenaltyFact(self.decision_no, self.decided_on, self.procedure,
                           frozenset(PenaltyType(t) for t in self.penalty_types))


@dataclass(frozen=True)
class EntityProfile:
    uscc: str
    name: str
    party_type: str
    representative: str  # 法定代表人 (organisation) or the masked 经营者 of a 个体工商户
    representative_label: str
    decisions: pd.DataFrame  # through the public projection only
    penalties: tuple[PenaltyRow, ...]
    inspections: pd.DataFrame
    credit: CreditFinding
    objections: pd.DataFrame
    decision_rows: tuple[dict, ...] = ()  # the same decisions as records (the open-data API)
    inspection_rows: tuple[dict, ...] = ()


def load_period_rules(conn: Connection) -> tuple[PeriodRule, ...]:
    r = m.CreditRuleVersion
    rows = conn.execute(select(r.effective_from, r.instrument, r.severity, r.min_months, r.max_months, r.published)
                        .order_by(r.effective_from, r.id)).all()
    if not rows:
        return DEFAULT_PERIOD_RULES
    return tuple(PeriodRule(f, i, Severity(s), lo, hi, bool(p)) for f, i, s, lo, hi, p in rows)


def period_rules(engine: Engine) -> tuple[PeriodRule, ...]:
    with engine.connect() as conn:
        return load_period_rules(conn)


def search_entities(engine: Engine, q: str, limit: int = 50) -> pd.DataFrame:
    """Organisations (never natural persons) whose name or 统一社会信用代码 contains ``q``, one row per code: names
    come from public projections and published inspection results, so two companies of the same name are two rows
    told apart by their code."""
    q = q.strip()
    if not q:
        return pd.DataFrame(columns=["uscc", "name"])
    like = f"%{q}%"
    pr, i, ps = m.PublicRecord, m.Inspection, m.PublicSearch
    with engine.connect() as conn:
        # The public search index narrows the decisions first (trigram FTS / pg_trgm): a LIKE over every public
        # record would scan a million rows.
        indexed = text_condition(conn, q)
    if indexed is None:
        return pd.DataFrame(columns=["uscc", "name"])
    from_decisions = (select(pr.uscc.label("uscc"), pr.party_name.label("name"))
                      .join(ps, ps.decision_id == pr.decision_id)
                      .where(indexed, pr.uscc != "", pr.held_reason.is_(None),
                             or_(pr.party_name.like(like), pr.uscc.like(like.upper()))))
    from_inspections = (select(i.entity_uscc.label("uscc"), i.entity_name.label("name"))
                        .where(i.result_published_on.is_not(None),
                               or_(i.entity_name.like(like), i.entity_uscc.like(like.upper()))))
    union = from_decisions.union(from_inspections).subquery()
    stmt = (select(union.c.uscc, func.min(union.c.name).label("name")).group_by(union.c.uscc)
            .order_by(func.min(union.c.name), union.c.uscc).limit(limit))
    with engine.connect() as conn:
        rows = [dict(r) for r in conn.execute(stmt).mappings()]
    return pd.DataFrame(rows, columns=["uscc", "name"])


def _registered(conn: Connection, code: str) -> tuple[str, str, str, str] | None:
    """(name, type, representative, label) of an organisation as registered; never a natural person."""
    p = m.Party
    row = conn.execute(select(p.name, p.party_type, p.legal_representative).where(p.uscc == code)
                       .where(p.party_type != PartyType.NATURAL_PERSON).order_by(p.id).limit(1)).first()
    if row is None:
        found = conn.execute(select(m.Inspection.entity_name).where(m.Inspection.entity_uscc == code,
                                                                    m.Inspection.result_published_on.is_not(None))
                             .limit(1)).first()
        return (found[0], "", "", "") if found else None
    name, ptype, rep = row
    # The representative is a natural person: masked like every natural person in a public output (the operator of
    # a 个体工商户 must be, 总局令第45号 art. 6; a 法定代表人 is public in the registry, but this page adds nothing by
    # repeating the full name and the sample's names may collide with a natural-person party's).
    masked = mask_person_name(rep) if rep else ""
    if ptype is PartyType.INDIVIDUAL_BUSINESS:
        return name, ptype.value, masked, "经营者"
    return name, ptype.value, masked, "法定代表人"


def _public_name(conn: Connection, code: str, fallback: str) -> str:
    """The entity's name as its public projection publishes it (organisations' names are redacted for personal data
    inside them); the registered name only when no projection says otherwise and it holds no personal data."""
    name = conn.scalar(select(m.PublicRecord.party_name).where(m.PublicRecord.uscc == code,
                                                              m.PublicRecord.held_reason.is_(None)).limit(1))
    if name:
        return name
    return fallback if not personal_data_kinds(fallback) else "（名称待脱敏复核）"


def _penalties(conn: Connection, code: str, rules: tuple[PeriodRule, ...]) -> tuple[PenaltyRow, ...]:
    ps, pr = m.PublicSearch, m.PublicRecord
    rows = conn.execute(
        select(ps.decision_id, m.Decision.decision_no, ps.decided_on, ps.penalty_types, ps.status, m.Case.procedure)
        .join(pr, pr.decision_id == ps.decision_id).join(m.Decision, m.Decision.id == ps.decision_id)
        .join(m.Case, m.Case.id == m.Decision.case_id)
        .where(pr.uscc == code, ps.category == ActionCategory.PENALTY.value, ps.status != DisclosureStatus.WITHDRAWN.value)
        .order_by(ps.decided_on.desc())).all()
    out = []
    for decision_id, no, decided_on, types_text, _status, procedure in rows:
        types = tuple(t for t in (types_text or "").split("|") if t)
        fact = PenaltyFact(no, decided_on, Procedure(procedure), frozenset(PenaltyType(t) for t in types))
        out.append(PenaltyRow(decision_id, no, decided_on, types, fact.procedure, penalty_period(fact, rules)))
    return tuple(out)


def credit_of(conn: Connection, code: str, today: dt.date, rules: tuple[PeriodRule, ...] | None = None,
              penalties: tuple[PenaltyRow, ...] | None = None) -> CreditFinding:
    rules = rules or load_period_rules(conn)
    penalties = penalties if penalties is not None else _penalties(conn, code, rules)
    facts = [p.fact for p in penalties]
    i = m.Inspection
    inspections = [InspectionFact(ended, result.value if result else "") for ended, result in conn.execute(
        select(i.ended_on, i.result).where(i.entity_uscc == code, i.result.is_not(None),
                                           i.result_published_on.is_not(None), i.result_published_on <= today))]
    return classify(facts, inspections, today, period_rules=rules)


def entity_profile(engine: Engine, raw_code: str, today: dt.date) -> EntityProfile | None:
    code = normalize_uscc(raw_code)
    with engine.connect() as conn:
        registered = _registered(conn, code)
        if registered is None:
            return None
        name, ptype, rep, rep_label = registered
        rules = load_period_rules(conn)
        decision_rows = tuple(public_row(r) for r in conn.execute(
            public_base(today).where(m.PublicRecord.uscc == code).order_by(m.PublicSearch.decided_on.desc())
        ).mappings())
        penalties = _penalties(conn, code, rules)
        credit = credit_of(conn, code, today, rules, penalties)
        public_name = _public_name(conn, code, name)
        objections = public_objections(conn, uscc=code)
    inspection_rows = tuple(published_inspection_records(engine, today, uscc=code))
    return EntityProfile(code, public_name, ptype, rep, rep_label,
                         pd.DataFrame(list(decision_rows), columns=[*PUBLIC_COLUMNS]), penalties,
                         pd.DataFrame(list(inspection_rows), columns=INSPECTION_COLUMNS), credit, objections,
                         decision_rows, inspection_rows)


# ------------------------------------------------------------------------------------------------ 异议

OBJECTION_MAX = 1000
CONTACT_MAX = 100


def client_key(raw: str) -> str:
    """A one-way key for a client (address or browser session): enough to count its submissions, nothing more."""
    return hashlib.sha256(f"objection|{raw}".encode()).hexdigest()


def _objection_agency(conn: Connection, decision_id: int | None, code: str | None) -> int | None:
    """The publishing agency: the decision's, or for a profile the agency of its latest decision or inspection."""
    if decision_id is not None:
        return conn.scalar(select(m.PublicSearch.agency_id).where(m.PublicSearch.decision_id == decision_id))
    latest_decision = conn.execute(
        select(m.PublicSearch.agency_id, m.PublicSearch.decided_on)
        .join(m.PublicRecord, m.PublicRecord.decision_id == m.PublicSearch.decision_id)
        .where(m.PublicRecord.uscc == code).order_by(m.PublicSearch.decided_on.desc()).limit(1)).first()
    latest_inspection = conn.execute(
        select(m.Inspection.agency_id, m.Inspection.ended_on)
        .where(m.Inspection.entity_uscc == code, m.Inspection.result_published_on.is_not(None))
        .order_by(m.Inspection.ended_on.desc()).limit(1)).first()
    candidates = [c for c in (latest_decision, latest_inspection) if c is not None]
    if not candidates:
        return None
    return max(candidates, key=lambda c: c[1])[0]


def submit_objection(engine: Engine, *, content: str, contact: str, client: str, now: dt.datetime,
                     decision_id: int | None = None, uscc: str | None = None,
                     calendar: WorkCalendar = DEFAULT_CALENDAR) -> CommandResult:
    """Create an objection for the publishing agency with a 10-working-day clock. Rate-limited per client; an
    over-limit or invalid submission writes nothing."""
    errors = [e for e in (text_problem(content, "异议内容", OBJECTION_MAX, multiline=True),
                          text_problem(contact, "联系方式", CONTACT_MAX)) if e]
    if not content.strip():
        errors.append("请填写异议内容：哪一项信息有误、正确的应是什么。")
    if (decision_id is None) == (uscc is None):
        errors.append("异议须针对一项执法决定或一个主体。")
    if errors:
        return CommandResult(False, tuple(errors))
    key = client_key(client)
    today = now.astimezone(SHANGHAI).date()
    with session_scope(engine) as s:
        previous = list(s.scalars(select(m.Objection.submitted_at).where(
            m.Objection.client_key == key, m.Objection.submitted_at > now - dt.timedelta(days=1))))
        limited = rate_limit_problem(previous, now)
        if limited:
            return CommandResult(False, (limited,))
        conn = s.connection()
        code = normalize_uscc(uscc) if uscc is not None else None
        agency_id = _objection_agency(conn, decision_id, code)
        if agency_id is None:
            return CommandResult(False, ("找不到该决定或主体的公示机关，无法受理异议。",))
        due = objection_clock(today, today, calendar=calendar).due
        objection = m.Objection(agency_id=agency_id, decision_id=decision_id, entity_uscc=code, submitted_at=now,
                                client_key=key, contact=contact.strip(), content=content.strip(), due_on=due,
                                status=ObjectionStatus.OPEN)
        s.add(objection)
        s.flush()
        record_audit(s, "公众", "提交异议", "objections", objection.id,
                     {"decision_id": decision_id, "uscc": code, "due_on": due})
        return CommandResult(True, id=objection.id)


OBJECTION_COLUMNS = ["id", "submitted_on", "subject", "content", "status", "due_on", "answer", "answered_on"]


def public_objections(conn: Connection, *, uscc: str | None = None, decision_id: int | None = None,
                      objection_id: int | None = None) -> pd.DataFrame:
    """Objections as the public sees them: what was said and answered, the status and the deadline; never the
    contact or client key. The content is checked for personal data on the way in (it is free text)."""
    o = m.Objection
    stmt = select(o.id, o.submitted_at, o.decision_id, o.entity_uscc, o.content, o.status, o.due_on, o.answer,
                  o.answered_on).order_by(o.submitted_at.desc(), o.id.desc())
    if uscc is not None:
        stmt = stmt.where(or_(o.entity_uscc == uscc, o.decision_id.in_(
            select(m.PublicRecord.decision_id).where(m.PublicRecord.uscc == uscc))))
    if decision_id is not None:
        stmt = stmt.where(o.decision_id == decision_id)
    if objection_id is not None:
        stmt = stmt.where(o.id == objection_id)
    rows = []
    for r in conn.execute(stmt).mappings():
        rows.append({
            "id": r["id"], "submitted_on": r["submitted_at"].astimezone(SHANGHAI).date(),
            "subject": f"决定 {r['decision_id']}" if r["decision_id"] else f"主体 {r['entity_uscc']}",
            # Free text from the public: shown only when it holds no personal data.
            "content": r["content"] if not personal_data_kinds(r["content"]) else "（内容含个人信息，不予公开）",
            "status": r["status"].value, "due_on": r["due_on"],
            "answer": r["answer"] if not personal_data_kinds(r["answer"]) else "（答复含个人信息，不予公开）",
            "answered_on": r["answered_on"],
        })
    return pd.DataFrame(rows, columns=OBJECTION_COLUMNS)


def objection_public(engine: Engine, objection_id: int) -> pd.DataFrame:
    with engine.connect() as conn:
        return public_objections(conn, objection_id=objection_id)


def agency_objections(engine: Engine, scope_agency_id: int | None) -> pd.DataFrame:
    """The internal queue: every objection of the agency (None = all), with the contact for the answer."""
    o, a = m.Objection, m.Agency
    stmt = (select(o.id, o.agency_id, a.short_name.label("agency"), o.submitted_at, o.decision_id, o.entity_uscc, o.content,
                   o.contact, o.status, o.due_on, o.answer, o.answered_on)
            .join(a, a.id == o.agency_id).order_by(o.status, o.due_on, o.id))
    if scope_agency_id is not None:
        stmt = stmt.where(o.agency_id == scope_agency_id)
    with engine.connect() as conn:
        rows = [{k: (v.value if hasattr(v, "value") else v) for k, v in r.items()}
                for r in conn.execute(stmt).mappings()]
    for r in rows:
        r["submitted_on"] = r["submitted_at"].astimezone(SHANGHAI).date()
        # As text: a column of ids with gaps would otherwise become floats with NaN.
        r["decision_id"] = str(r["decision_id"]) if r["decision_id"] is not None else None
    return pd.DataFrame(rows, columns=["id", "agency_id", "agency", "submitted_at", "submitted_on", "decision_id",
                                       "entity_uscc", "content", "contact", "status", "due_on", "answer",
                                       "answered_on"])


def answer_objection(engine: Engine, objection_id: int, *, answer: str, corrected: bool, actor: str,
                     scope_agency_id: int | None, today: dt.date) -> CommandResult:
    """Record the agency's answer. On a decision, the answer (and a correction) becomes a new version of its
    disclosure history, and the public projection is rebuilt in the same transaction."""
    problem = text_problem(answer, "答复内容", OBJECTION_MAX, multiline=True)
    if problem or not answer.strip():
        return CommandResult(False, (problem or "请填写答复内容。",))
    if personal_data_kinds(answer):
        return CommandResult(False, ("答复将公开，请勿写入身份证号、电话、住址等个人信息。",))
    with session_scope(engine) as s:
        objection = s.get(m.Objection, objection_id)
        if objection is None or (scope_agency_id is not None and objection.agency_id != scope_agency_id):
            return CommandResult(False, ("找不到该异议，或不属于本机关。",))
        if objection.status is not ObjectionStatus.OPEN:
            return CommandResult(False, ("该异议已答复。",))
        objection.status = ObjectionStatus.CORRECTED if corrected else ObjectionStatus.ANSWERED
        objection.answer = answer.strip()
        objection.answered_on = today
        objection.answered_by = actor
        if objection.decision_id is not None:
            disclosure = s.scalar(select(m.Disclosure).where(m.Disclosure.decision_id == objection.decision_id))
            if disclosure is not None:
                version = disclosure.version + 1
                status = DisclosureStatus.CORRECTED if corrected else disclosure.status
                reason = f"{'依异议更正' if corrected else '异议答复'}：{answer.strip()}"
                s.add(m.DisclosureVersion(disclosure_id=disclosure.id, version=version, changed_on=today,
                                          status=status, reason=reason))
                s.execute(update(m.Disclosure).where(m.Disclosure.id == disclosure.id)
                          .values(version=version, status=status, updated_by=actor))
                s.flush()
                project_decisions(s.connection(), [objection.decision_id])
        record_audit(s, actor, "答复异议", "objections", objection_id, {"corrected": corrected})
        return CommandResult(True, id=objection_id)
