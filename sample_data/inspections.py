"""Sample 双随机、一公开 history for the seeded district: for every enforcing agency, yearly 抽查计划 with two draws a
year (and a 专项 plan in 2025), each with its commitment, pool snapshots, reveal and selection computed by
domain.draw, then the inspections and their published results.

Planted problems (PLANTED), for the checks to find:

* ``repeat_pairing``: an inspector drawn twice in a row for the same business (the later draw's seed was chosen
  among candidates until the repetition happened — the draw itself is honest and verifies);
* ``late_result``: an inspection result published 27 working days after the inspection ended (limit 20);
* ``pool_mismatch``: a draw whose published object pool is not the snapshot it was drawn from (one member
  missing): ``manage.py verify-draw`` names it with the first difference.

Entities are the fictional organisations of the sample (synthetic codes marked "YY"); no real organisation or
person is inspected here.
"""

from __future__ import annotations

import datetime as dt
import random
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from db import models as m
from domain.credit import InspectionFact, PenaltyFact, classify
from domain.draw import (
    DrawInputs,
    Pairing,
    PoolInspector,
    PoolObject,
    commitment_of,
    compute_draw,
    inspectors_hash,
    inspectors_to_json,
    objects_hash,
    objects_to_json,
    ratios_to_json,
    repeated_pairings,
    selection_to_json,
)
from domain.enums import (
    ActionCategory,
    InspectionPlanKind,
    InspectionResult,
    PartyType,
    PenaltyType,
    PoolKind,
    Procedure,
)
from domain.workdays import WorkCalendar

YEARS = (2023, 2024, 2025, 2026)
POOL_CAP = 300  # sample pools list at most this many entities per agency (the first by code)
ANNUAL_RATIOS = {"良好": Decimal("0.05"), "警示": Decimal("0.15"), "失信": Decimal("0.3"), "严重失信": Decimal("0.6")}
SPECIAL_RATIOS = {"良好": Decimal("0.1"), "警示": Decimal("0.3"), "失信": Decimal("0.5"), "严重失信": Decimal("1")}
RESULT_WEIGHTS = ((InspectionResult.NO_PROBLEM, 70), (InspectionResult.RECTIFICATION, 18),
                  (InspectionResult.CASE_FILED, 5), (InspectionResult.NOT_FOUND, 5), (InspectionResult.CLOSED_DOWN, 2))
SUMMARY = {
    InspectionResult.NO_PROBLEM: "按抽查事项逐项检查，未发现违法违规问题。",
    InspectionResult.RECTIFICATION: "发现台账记录不完整等问题，已当场责令限期整改。",
    InspectionResult.CASE_FILED: "发现涉嫌违法行为，已依法立案调查。",
    InspectionResult.NOT_FOUND: "现场未发现开展经营活动。",
    InspectionResult.CLOSED_DOWN: "经核查，该主体已注销或迁出本区。",
}
ABBR = {"QS-SCJG": "青市监", "QS-STHJ": "临环青", "QS-YJGL": "青应急", "QS-JTYS": "青交", "QS-CGZF": "青城管",
        "QS-WSJK": "青卫健"}
SHANGHAI = dt.timezone(dt.timedelta(hours=8))


@dataclass
class InspectionSeedReport:
    rows: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    planted: dict[str, str] = field(default_factory=dict)  # name → the record it is planted in


@dataclass
class _Entity:
    uscc: str
    name: str
    case_id: int
    case_filed_on: dt.date
    penalties: list[PenaltyFact] = field(default_factory=list)
    inspections: list[InspectionFact] = field(default_factory=list)


def _at(day: dt.date, hour: int) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, hour, tzinfo=SHANGHAI).astimezone(dt.UTC)


def _entities(session: Session, agency_id: int) -> list[_Entity]:
    p, c = m.Party, m.Case
    rows = session.execute(
        select(p.uscc, p.name, c.id, c.filed_on).join(c, c.party_id == p.id)
        .where(c.agency_id == agency_id, p.party_type != PartyType.NATURAL_PERSON, p.uscc.is_not(None),
               c.confidential.is_(False))
        .order_by(p.uscc).limit(POOL_CAP)).all()
    entities = {uscc: _Entity(uscc, name, case_id, filed_on) for uscc, name, case_id, filed_on in rows}
    d, i = m.Decision, m.PenaltyItem
    facts = session.execute(
        select(p.uscc, d.decision_no, d.decided_on, c.procedure, i.penalty_type)
        .join(c, c.party_id == p.id).join(d, d.case_id == c.id).join(i, i.decision_id == d.id)
        .where(p.uscc.in_(list(entities)), d.category == ActionCategory.PENALTY)).all()
    grouped: dict[tuple[str, str], tuple[dt.date, Procedure, set[PenaltyType]]] = {}
    for uscc, no, decided_on, procedure, ptype in facts:
        grouped.setdefault((uscc, no), (decided_on, procedure, set()))[2].add(ptype)
    for (uscc, no), (decided_on, procedure, types) in grouped.items():
        entities[uscc].penalties.append(PenaltyFact(no, decided_on, procedure, frozenset(types)))
    return list(entities.values())


def _draw_days(year: int, calendar: WorkCalendar) -> list[dt.date]:
    return [calendar.next_workday_on_or_after(dt.date(year, 3, 15)),
            calendar.next_workday_on_or_after(dt.date(year, 9, 15))]


def seed_inspections(engine: Engine, seed_value: int, as_of: dt.date, seed_time: dt.datetime,
                     calendar: WorkCalendar | None = None) -> InspectionSeedReport:
    """Write the sample inspection history up to ``as_of`` (deterministic for a given database and seed)."""
    calendar = calendar or WorkCalendar()
    rng = random.Random(f"{seed_value}:inspections")
    report = InspectionSeedReport()
    with Session(engine) as session:
        agencies = session.scalars(select(m.Agency).where(m.Agency.code.in_(list(ABBR))).order_by(m.Agency.id)).all()
        for a_idx, agency in enumerate(agencies):
            _seed_agency(session, agency, a_idx, rng, calendar, as_of, seed_time, report)
        session.commit()
    return report


def _seed_agency(session: Session, agency: m.Agency, a_idx: int, rng: random.Random, calendar: WorkCalendar,
                 as_of: dt.date, seed_time: dt.datetime, report: InspectionSeedReport) -> None:
    entities = _entities(session, agency.id)
    if not entities:
        return
    officers = session.scalars(select(m.Officer).where(m.Officer.agency_id == agency.id,
                                                       m.Officer.is_legal_reviewer.is_(False))
                               .order_by(m.Officer.id)).all()
    items = session.scalars(select(m.InspectionItem).where(m.InspectionItem.agency_id == agency.id)
                            .order_by(m.InspectionItem.seq)).all()
    abbr = ABBR[agency.code]
    by_code = {e.uscc: e for e in entities}
    previous: tuple[str, tuple[Pairing, ...]] | None = None
    for year in YEARS:
        serial = 0  # 抽取编号 〔year〕N号 count within the year
        plans = [(InspectionPlanKind.ANNUAL, f"{year}年度{agency.short_name}“双随机、一公开”抽查计划",
                  _draw_days(year, calendar), ANNUAL_RATIOS, items)]
        if year == 2025 and a_idx in (0, 1):
            plans.append((InspectionPlanKind.SPECIAL, f"{year}年{agency.short_name}专项抽查计划",
                          [calendar.next_workday_on_or_after(dt.date(year, 6, 16))], SPECIAL_RATIOS, items[:1]))
        for kind, title, days, ratios, plan_items in plans:
            days = [d for d in days if d <= as_of]
            if not days:
                continue
            plan = m.InspectionPlan(agency_id=agency.id, year=year, kind=kind, title=title,
                                    published_on=dt.date(year, 1, 10) if kind is InspectionPlanKind.ANNUAL
                                    else dt.date(year, 5, 20), created_by="seed", created_at=seed_time)
            session.add(plan)
            session.flush()
            for item in plan_items:
                session.add(m.InspectionPlanItem(plan_id=plan.id, inspection_item_id=item.id))
            report.rows["inspection_plans"] += 1
            for day in days:
                serial += 1
                draw_no = f"{abbr}抽〔{year}〕{serial}号"
                previous = _one_draw(session, agency, plan, draw_no, day, ratios, entities, by_code, officers, rng,
                                     calendar, as_of, seed_time, report, previous, a_idx)


def _one_draw(session: Session, agency: m.Agency, plan: m.InspectionPlan, draw_no: str, day: dt.date,
              ratios: dict[str, Decimal], entities: list[_Entity], by_code: dict[str, _Entity],
              officers: list[m.Officer], rng: random.Random, calendar: WorkCalendar, as_of: dt.date,
              seed_time: dt.datetime, report: InspectionSeedReport,
              previous: tuple[str, tuple[Pairing, ...]] | None, a_idx: int) -> tuple[str, tuple[Pairing, ...]]:
    objects = tuple(
        PoolObject(e.uscc, e.name, classify([p for p in e.penalties if p.decided_on < day],
                                            [i for i in e.inspections if i.ended_on < day], day).credit_class.value)
        for e in entities)
    valid = [o for o in officers if o.cert_valid_from <= day <= o.cert_valid_to]
    # 回避: the second officer on the list is related to the first two entities of the pool.
    conflicts = frozenset(e.uscc for e in entities[:2])
    inspectors = tuple(PoolInspector(o.cert_no, o.name, o.cert_valid_from, o.cert_valid_to,
                                     conflicts if n == 1 else frozenset()) for n, o in enumerate(valid))
    want_repeat = a_idx == 0 and "repeat_pairing" not in report.planted and previous is not None \
        and day.year == 2024
    attempt = 0
    while True:
        seed = f"{rng.getrandbits(128):032x}"
        inputs = DrawInputs(seed, day, objects, inspectors, ratios)
        selection = compute_draw(inputs)
        attempt += 1
        if not want_repeat or attempt > 500:
            break
        assert previous is not None
        repeats = repeated_pairings([previous, (draw_no, selection)])
        if repeats:
            _, _, member, cert = repeats[0]
            report.planted["repeat_pairing"] = f"{previous[0]} → {draw_no}：{member} / {cert}"
            break
    published = objects
    if a_idx == 0 and day.year == 2025 and day.month == 9 and objects:
        # The planted mismatch: one member left out of the published list after the draw (in a pool so small
        # that every member was selected, a selected one — the published list still differs from the snapshot).
        selected = {p.member_id for p in selection}
        dropped = next((o for o in objects if o.member_id not in selected), objects[-1])
        published = tuple(o for o in objects if o is not dropped)
        report.planted["pool_mismatch"] = draw_no
    taken_at = _at(day - dt.timedelta(days=7), 9)
    obj_snap = m.PoolSnapshot(agency_id=agency.id, kind=PoolKind.OBJECTS, taken_at=taken_at,
                              members=objects_to_json(objects), sha256=objects_hash(objects))
    ins_snap = m.PoolSnapshot(agency_id=agency.id, kind=PoolKind.INSPECTORS, taken_at=taken_at,
                              members=inspectors_to_json(inspectors), sha256=inspectors_hash(inspectors))
    session.add_all([obj_snap, ins_snap])
    session.flush()
    draw = m.InspectionDraw(
        plan_id=plan.id, draw_no=draw_no, committed_at=taken_at, commitment=commitment_of(seed),
        object_snapshot_id=obj_snap.id, inspector_snapshot_id=ins_snap.id, object_pool_hash=obj_snap.sha256,
        inspector_pool_hash=ins_snap.sha256, drawn_on=day, seed=seed, revealed_at=_at(day, 10),
        published_objects=objects_to_json(published), published_inspectors=inspectors_to_json(inspectors),
        ratios=ratios_to_json(ratios), per_inspection=2, selection=selection_to_json(selection),
        created_by="seed", created_at=seed_time)
    session.add(draw)
    session.flush()
    report.rows["inspection_draws"] += 1
    report.rows["pool_snapshots"] += 2
    for n, pairing in enumerate(selection, start=1):
        entity = by_code[pairing.member_id]
        started = calendar.next_workday_on_or_after(day + dt.timedelta(days=rng.randint(7, 60)))
        ended = started + dt.timedelta(days=rng.choice((0, 0, 1, 2)))
        result: InspectionResult | None = None
        published_on: dt.date | None = None
        if ended <= as_of:
            result = rng.choices([r for r, _ in RESULT_WEIGHTS], [w for _, w in RESULT_WEIGHTS])[0]
            late = a_idx == 1 and "late_result" not in report.planted and ended.year == 2025
            published_on = calendar.add_workdays(ended, 27 if late else rng.randint(1, 18)).due
            if published_on > as_of:
                result, published_on = None, None
            elif late:
                report.planted["late_result"] = f"{draw_no}-{n:03d}"
        session.add(m.Inspection(
            inspection_no=f"{draw_no}-{n:03d}", agency_id=agency.id, draw_id=draw.id, entity_uscc=entity.uscc,
            entity_name=entity.name, inspector_cert_nos="、".join(pairing.cert_nos), started_on=started,
            ended_on=ended, result=result, result_summary=SUMMARY[result] if result else "",
            result_published_on=published_on,
            # The resulting case, when the entity's case was filed after the inspection.
            case_id=entity.case_id if result is InspectionResult.CASE_FILED and entity.case_filed_on >= ended
            else None,
            created_by="seed", created_at=seed_time))
        report.rows["inspections"] += 1
        if result is not None:
            entity.inspections.append(InspectionFact(ended, result.value))
    return draw_no, selection
