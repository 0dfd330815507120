"""双随机、一公开 in the database: seeded draws verify (except the planted one), planted problems are found, entity
profiles and credit periods, objections with their clock, rate limit and disclosure history."""

from __future__ import annotations

import datetime as dt
import importlib.util
import json
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select

from db import inspections as q
from db import models as m
from domain.credit import DEFAULT_PERIOD_RULES
from domain.draw import inspectors_from_json, selection_from_json
from domain.enums import ObjectionStatus, PartyType
from domain.redaction import personal_data_kinds
from domain.workdays import WorkCalendar
from sample_data.generator import AS_OF

NOW = dt.datetime(2026, 11, 20, 2, 0, tzinfo=dt.UTC)  # 10:00 in Shanghai on the sample's "today"


def _planted(seeded_sqlite) -> dict[str, str]:
    return seeded_sqlite[1].inspection_planted


def test_every_seeded_draw_verifies_except_the_planted_one(seeded_engine: Engine, seeded_sqlite) -> None:
    planted = _planted(seeded_sqlite)["pool_mismatch"]
    failing = {}
    for draw_id, draw_no in q.all_draw_ids(seeded_engine):
        v = q.verify_draw_id(seeded_engine, draw_id)
        assert v is not None
        if not v.ok:
            failing[draw_no] = v.summary
    assert list(failing) == [planted]
    assert failing[planted].startswith("检查对象名录与抽取时的快照不同") and "未出现在公布的名录中" in failing[planted]


def test_draws_pair_two_valid_unconflicted_inspectors(seeded_engine: Engine) -> None:
    with seeded_engine.connect() as conn:
        rows = conn.execute(select(m.InspectionDraw.drawn_on, m.InspectionDraw.selection,
                                   m.InspectionDraw.published_inspectors)).all()
    assert len(rows) >= 40
    for drawn_on, selection, inspectors_json in rows:
        inspectors = {i.cert_no: i for i in inspectors_from_json(inspectors_json)}
        for pairing in selection_from_json(selection):
            assert len(set(pairing.cert_nos)) == 2
            for cert in pairing.cert_nos:
                assert inspectors[cert].eligible_on(drawn_on, pairing.member_id)


def test_planted_repeat_pairing_is_found(seeded_engine: Engine, seeded_sqlite) -> None:
    planted = _planted(seeded_sqlite)["repeat_pairing"]
    found = {f"{a} → {b}：{member} / {cert}" for a, b, member, cert in q.repeated_inspector_pairings(seeded_engine)}
    assert planted in found


def test_planted_late_result_is_the_only_late_one(seeded_engine: Engine, seeded_sqlite) -> None:
    late = q.late_results(seeded_engine, WorkCalendar())
    assert list(late["inspection_no"]) == [_planted(seeded_sqlite)["late_result"]]
    assert int(late["late_workdays"].iloc[0]) == 7


def test_results_are_published_only_once_published(seeded_engine: Engine) -> None:
    frame = q.published_inspections(seeded_engine, AS_OF, limit=10_000)
    assert not frame.empty and frame["result_published_on"].max() <= AS_OF
    with seeded_engine.connect() as conn:
        pending = conn.scalar(select(func.count()).select_from(m.Inspection)
                              .where(m.Inspection.result_published_on.is_(None)))
    assert pending > 0  # inspections still running at the sample's "today" are not shown
    assert len(frame) + pending == q.published_inspections(seeded_engine, dt.date(2099, 1, 1), limit=10_000).shape[0] \
        + pending


def test_credit_rule_table_matches_the_domain_defaults(seeded_engine: Engine) -> None:
    assert q.period_rules(seeded_engine) == DEFAULT_PERIOD_RULES
    path = next(Path("db/migrations/versions").glob("*_inspections_draws_credit_objections.py"))
    spec = importlib.util.spec_from_file_location("migration", path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert len(module.CREDIT_RULES) == len(DEFAULT_PERIOD_RULES)


def _entity_with_penalty(engine: Engine) -> str:
    with engine.connect() as conn:
        return conn.scalar(
            select(m.PublicRecord.uscc).join(m.PublicSearch, m.PublicSearch.decision_id == m.PublicRecord.decision_id)
            .where(m.PublicRecord.uscc != "", m.PublicSearch.category == "行政处罚",
                   m.PublicSearch.status == "已公示", m.PublicSearch.penalty_types.like("%|罚款|%"))
            .order_by(m.PublicSearch.decided_on.desc()).limit(1))


def test_entity_profile_by_code(seeded_engine: Engine) -> None:
    code = _entity_with_penalty(seeded_engine)
    profile = q.entity_profile(seeded_engine, code.lower(), AS_OF)  # codes are normalised
    assert profile is not None and profile.uscc == code
    assert not profile.decisions.empty and set(profile.decisions["uscc"]) == {code}
    assert profile.penalties and all(p.period.instrument for p in profile.penalties)
    assert profile.credit.rule
    assert q.entity_profile(seeded_engine, "91440703YY00000000", AS_OF) is None


def test_individual_business_operator_is_masked(seeded_engine: Engine) -> None:
    with seeded_engine.connect() as conn:
        code, rep = conn.execute(select(m.Party.uscc, m.Party.legal_representative)
                                 .where(m.Party.party_type == PartyType.INDIVIDUAL_BUSINESS)
                                 .order_by(m.Party.id).limit(1)).one()
    profile = q.entity_profile(seeded_engine, code, AS_OF)
    if profile is None:
        pytest.skip("the first 个体工商户 has no public record")
    assert profile.representative_label == "经营者" and rep not in profile.representative
    assert "某" in profile.representative


def test_same_name_companies_are_told_apart_by_code(seeded_engine: Engine) -> None:
    with seeded_engine.connect() as conn:
        name = conn.scalar(select(m.PublicRecord.party_name).where(m.PublicRecord.uscc != "")
                           .group_by(m.PublicRecord.party_name)
                           .having(func.count(func.distinct(m.PublicRecord.uscc)) > 1).limit(1))
    assert name, "the sample should contain two organisations with the same name"
    found = q.search_entities(seeded_engine, name)
    same = found[found["name"] == name]
    assert len(same) >= 2 and same["uscc"].is_unique


def test_natural_persons_have_no_profile(seeded_engine: Engine) -> None:
    with seeded_engine.connect() as conn:
        person = conn.scalar(select(m.Party.name).where(m.Party.party_type == PartyType.NATURAL_PERSON).limit(1))
    assert q.search_entities(seeded_engine, person).empty


# ------------------------------------------------------------------------------------------------ objections


def _public_decision(engine: Engine) -> int:
    with engine.connect() as conn:
        return conn.scalar(select(m.PublicSearch.decision_id).where(m.PublicSearch.status == "已公示")
                           .order_by(m.PublicSearch.decision_id).limit(1))


def _objections(engine: Engine) -> int:
    with engine.connect() as conn:
        return conn.scalar(select(func.count()).select_from(m.Objection))


def _answer_flow(engine: Engine) -> None:
    decision_id = _public_decision(engine)
    made = [q.submit_objection(engine, content=f"决定书中的违法行为类型有误，第{n}处", contact="", client="1.2.3.4",
                               now=NOW + dt.timedelta(minutes=n), decision_id=decision_id) for n in range(3)]
    assert all(r.ok for r in made)
    over = q.submit_objection(engine, content="第四条", contact="", client="1.2.3.4", now=NOW + dt.timedelta(hours=1),
                              decision_id=decision_id)
    assert not over.ok and "过于频繁" in over.errors[0]
    assert _objections(engine) == 3
    # Another client is not limited by the first one
    assert q.submit_objection(engine, content="另一条", contact="", client="5.6.7.8", now=NOW, decision_id=decision_id).ok
    with engine.connect() as conn:
        objection = conn.execute(select(m.Objection.due_on, m.Objection.status, m.Objection.agency_id,
                                        m.Objection.client_key).where(m.Objection.id == made[0].id)).one()
        assert objection.due_on == dt.date(2026, 12, 4)  # 10 working days after Friday 2026-11-20
        assert objection.status is ObjectionStatus.OPEN
        agency_id = objection.agency_id
        assert "1.2.3.4" not in objection.client_key
    wrong_agency = q.answer_objection(engine, made[0].id, answer="已核实", corrected=False, actor="x",
                                      scope_agency_id=agency_id + 1000, today=AS_OF)
    assert not wrong_agency.ok
    answered = q.answer_objection(engine, made[0].id, answer="经核实，违法行为类型已更正。", corrected=True,
                                  actor="officer_scjg", scope_agency_id=agency_id, today=AS_OF)
    assert answered.ok, answered.errors
    with engine.connect() as conn:
        record = conn.execute(select(m.PublicRecord.history, m.PublicRecord.held_reason)
                              .where(m.PublicRecord.decision_id == decision_id)).one()
        status = conn.scalar(select(m.Disclosure.status).where(m.Disclosure.decision_id == decision_id))
    history = json.loads(record.history)
    assert record.held_reason is None
    assert history[-1][2] == "已更正" and "依异议更正" in history[-1][3]
    assert status.value == "已更正"
    public = q.objection_public(engine, made[0].id)
    assert list(public["status"]) == ["已更正"] and "contact" not in public.columns


def test_objection_flow_sqlite(seeded_sqlite_copy) -> None:
    _answer_flow(seeded_sqlite_copy(600, 7))


@pytest.mark.postgres
def test_objection_flow_and_draws_postgres(seeded_pg_copy) -> None:
    engine = seeded_pg_copy(600, 7)
    _answer_flow(engine)
    failing = [no for i, no in q.all_draw_ids(engine) if not q.verify_draw_id(engine, i).ok]  # type: ignore[union-attr]
    assert len(failing) == 1
    assert len(q.late_results(engine, WorkCalendar())) == 1
    assert q.repeated_inspector_pairings(engine)
    code = _entity_with_penalty(engine)
    profile = q.entity_profile(engine, code, AS_OF)
    assert profile is not None and profile.penalties and not profile.decisions.empty
    assert code in set(q.search_entities(engine, profile.name)["uscc"])
    assert not q.published_inspections(engine, AS_OF).empty


def test_invalid_objections_write_nothing(seeded_sqlite_copy) -> None:
    engine = seeded_sqlite_copy(600, 7)
    decision_id = _public_decision(engine)
    for content in ("", "   ", "x" * 1001, "含控制字符\x00"):
        assert not q.submit_objection(engine, content=content, contact="", client="c", now=NOW,
                                      decision_id=decision_id).ok
    assert not q.submit_objection(engine, content="有误", contact="", client="c", now=NOW).ok
    assert not q.submit_objection(engine, content="有误", contact="", client="c", now=NOW,
                                  uscc="91440703YY00000000").ok
    assert _objections(engine) == 0


def test_objection_content_with_personal_data_is_not_shown(seeded_sqlite_copy) -> None:
    engine = seeded_sqlite_copy(600, 7)
    code = _entity_with_penalty(engine)
    made = q.submit_objection(engine, content="联系我 13800138000", contact="13800138000", client="c", now=NOW,
                              uscc=code)
    assert made.ok
    public = q.objection_public(engine, made.id)
    assert not any(personal_data_kinds(str(v)) for v in public.iloc[0].to_dict().values())


def _single_penalty_entity(engine: Engine) -> tuple[str, int]:
    """An organisation with exactly one public 罚款 decision (no warning) and no inspection."""
    with engine.connect() as conn:
        inspected = select(m.Inspection.entity_uscc)
        return conn.execute(
            select(m.PublicRecord.uscc, func.min(m.PublicRecord.decision_id))
            .join(m.PublicSearch, m.PublicSearch.decision_id == m.PublicRecord.decision_id)
            .where(m.PublicRecord.uscc != "", m.PublicRecord.uscc.not_in(inspected),
                   m.PublicSearch.category == "行政处罚", m.PublicSearch.status == "已公示",
                   m.PublicSearch.penalty_types == "|罚款|")
            .group_by(m.PublicRecord.uscc).having(func.count() == 1).limit(1)).one()


@pytest.mark.parametrize(
    ("decided_on", "procedure", "credit", "repair", "until"),
    [
        # 简易程序 fine the day before the 2026 办法: 一般, published 12 months → 失信 on the sample's "today"
        (dt.date(2026, 3, 31), "简易程序", "失信", dt.date(2026, 6, 30), dt.date(2027, 3, 31)),
        # the day it takes effect: 轻微, not published → the entity stays 良好
        (dt.date(2026, 4, 1), "简易程序", "良好", None, None),
        (dt.date(2026, 4, 1), "普通程序", "失信", dt.date(2026, 7, 1), dt.date(2027, 4, 1)),
        # the last day of the 12-month maximum: a 一般 fine of 2025-11-20 is still published on 2026-11-20, of
        # 2025-11-19 no longer; one of 2023-04-30 (527号) ended long ago
        (dt.date(2025, 11, 20), "普通程序", "失信", dt.date(2026, 2, 20), dt.date(2026, 11, 20)),
        (dt.date(2025, 11, 19), "普通程序", "良好", dt.date(2026, 2, 19), dt.date(2026, 11, 19)),
        (dt.date(2023, 4, 30), "普通程序", "良好", dt.date(2023, 7, 30), dt.date(2024, 4, 30)),
    ],
)
def test_profile_periods_and_class_at_the_rule_change_dates(seeded_sqlite_copy, decided_on, procedure, credit,
                                                            repair, until) -> None:
    from sqlalchemy import update

    engine = seeded_sqlite_copy(600, 7)
    code, decision_id = _single_penalty_entity(engine)
    with engine.begin() as conn:
        case_id = conn.scalar(select(m.Decision.case_id).where(m.Decision.id == decision_id))
        conn.execute(update(m.Decision).where(m.Decision.id == decision_id).values(decided_on=decided_on))
        conn.execute(update(m.Case).where(m.Case.id == case_id).values(procedure=procedure))
    profile = q.entity_profile(engine, code, AS_OF)
    assert profile is not None
    [penalty] = profile.penalties
    assert penalty.decided_on == decided_on
    assert (penalty.period.earliest_repair, penalty.period.publish_until) == (repair, until)
    assert profile.credit.credit_class.value == credit
