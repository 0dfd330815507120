"""Appending steps to a case's hash-chained record (db.events.append_event): every validation rule is accepted and
refused through the command, a refusal writes nothing, the chain still verifies afterwards (SQLite and
PostgreSQL), a lost write race is reported in Chinese; plus the completeness list, the public timeline and the
record-based case search."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import Engine, func, select, text
from sqlalchemy.orm import Session

import manage
from db import events as events_module
from db import models as m
from db.append_only import suspended
from db.engine import make_engine
from db.events import (
    CONFLICT_MESSAGE,
    EvidenceInput,
    NewEvent,
    append_event,
    completeness_table,
    evidence_from_bytes,
    load_calendar,
    load_case_facts,
    overdue_case_ids,
    per_agency_completeness,
    public_timeline,
    search_cases,
)
from db.integrity import case_chain_status, verify_chains
from domain.chain import GENESIS, event_hash, event_hash_v2
from domain.enums import CaseStatus, DueState, Procedure, RecordForm, ReviewOutcome, Role, Stage
from domain.filters import CaseFilters, RecordFilters
from domain.permissions import Actor
from domain.procedure import SHANGHAI, case_clocks, completeness
from sample_data.generator import AS_OF

NOW = dt.datetime(2026, 11, 20, 10, 0, tzinfo=SHANGHAI)
FILED = dt.date(2026, 10, 12)  # a Monday


def at(day: dt.date, hour: int = 10, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=SHANGHAI)


# ------------------------------------------------------------------------------------------------ fixtures


@pytest.fixture
def db(seeded_sqlite_copy, monkeypatch: pytest.MonkeyPatch) -> Engine:
    """This test's own copy of a small seeded database."""
    engine = seeded_sqlite_copy(40, 3)
    monkeypatch.setenv("DATABASE_URL", engine.url.render_as_string(hide_password=False))
    return engine


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def any_db(request, monkeypatch: pytest.MonkeyPatch) -> Engine:
    if request.param == "sqlite":
        return request.getfixturevalue("db")
    engine = request.getfixturevalue("seeded_pg_copy")(40, 3)
    monkeypatch.setenv("DATABASE_URL", engine.url.render_as_string(hide_password=False))
    return engine


def agency_id(engine: Engine, code: str = "QS-SCJG") -> int:
    with engine.connect() as conn:
        return conn.execute(select(m.Agency.id).where(m.Agency.code == code)).scalar_one()


def officer(engine: Engine, code: str = "QS-SCJG", role: Role = Role.OFFICER) -> Actor:
    return Actor(username=f"t_{role.name.lower()}_{code}", display_name="测试", role=role,
                 agency_id=agency_id(engine, code))


def certs(engine: Engine, code: str = "QS-SCJG", *, valid_on: dt.date = FILED, valid: bool = True) -> list[str]:
    """Certificate numbers of the agency's officers that are (or are not) valid on ``valid_on``."""
    o = m.Officer
    with engine.connect() as conn:
        rows = conn.execute(select(o.cert_no, o.cert_valid_from, o.cert_valid_to)
                            .where(o.agency_id == agency_id(engine, code)).order_by(o.id)).all()
    return [r.cert_no for r in rows if (r.cert_valid_from <= valid_on <= r.cert_valid_to) is valid]


def new_case(engine: Engine, *, code: str = "QS-SCJG", filed_on: dt.date = FILED, major: bool = False,
             procedure: Procedure = Procedure.ORDINARY) -> int:
    """An empty penalty case (no events yet) of the agency, written directly as a test set-up."""
    aid = agency_id(engine, code)
    with engine.begin() as conn:
        matter_id = conn.execute(select(m.Matter.id).where(m.Matter.agency_id == aid, m.Matter.category == "行政处罚")
                                 .order_by(m.Matter.id).limit(1)).scalar_one()
        party_id = conn.execute(m.Party.__table__.insert().values(
            party_type="法人", name="临江市测试贸易有限公司", address="临江市青石区测试路1号",
            created_at=dt.datetime.now(dt.UTC)).returning(m.Party.id)).scalar_one()
        n = conn.execute(select(func.count()).select_from(m.Case)).scalar_one()
        return conn.execute(m.Case.__table__.insert().values(
            case_no=f"测试立〔2026〕{n + 9000}号", agency_id=aid, matter_id=matter_id, party_id=party_id,
            procedure=procedure, filed_on=filed_on, is_major=major, major_reasons="罚没金额达到重大标准" if major else "",
            status=CaseStatus.INVESTIGATING, violation="测试违法行为", facts="经查……",
            created_at=dt.datetime.now(dt.UTC)).returning(m.Case.id)).scalar_one()


def snapshot(engine: Engine, case_id: int) -> tuple:
    """Everything an append may write: row counts of every touched table and the case's chain head."""
    with engine.connect() as conn:
        counts = tuple(conn.execute(select(func.count()).select_from(t)).scalar_one()
                       for t in (m.CaseEvent, m.EventOfficer, m.EvidenceFile, m.AuditEntry))
        head = conn.execute(select(m.Case.chain_head).where(m.Case.id == case_id)).scalar_one()
    return (*counts, head)


def step(stage: Stage, action: str, when: dt.datetime, officers: list[str] = (), **kw) -> NewEvent:
    return NewEvent(stage=stage, action=action, occurred_at=when, officer_cert_nos=tuple(officers), **kw)


def ok(engine: Engine, case_id: int, new: NewEvent, actor: Actor, now: dt.datetime = NOW) -> int:
    before = snapshot(engine, case_id)
    result = append_event(engine, case_id, new, actor, now)
    assert result.ok, result.errors
    after = snapshot(engine, case_id)
    assert after[0] == before[0] + 1 and after[3] == before[3] + 1 and after[4] != before[4]
    assert case_chain_status(engine, case_id) is None
    return result.id


def refused(engine: Engine, case_id: int, new: NewEvent, actor: Actor, expect: str, now: dt.datetime = NOW) -> None:
    before = snapshot(engine, case_id)
    result = append_event(engine, case_id, new, actor, now)
    assert not result.ok and result.id is None
    assert any(expect in e for e in result.errors), result.errors
    assert snapshot(engine, case_id) == before  # nothing written: no event, officer, evidence or audit row


def filed_case(engine: Engine, **kw) -> tuple[int, Actor, list[str]]:
    """A new case with its 立案 step recorded; returns (case id, acting officer, two valid certificates)."""
    case_id = new_case(engine, **kw)
    actor = officer(engine, kw.get("code", "QS-SCJG"))
    valid = certs(engine, kw.get("code", "QS-SCJG"))[:2]
    ok(engine, case_id, step(Stage.FILING, "立案审批", at(FILED, 9), valid[:1], document_no="测试立案"), actor)
    return case_id, actor, valid


# --------------------------------------------------------------------------------------- accepted appends


def test_accepted_step_is_chained_with_officers_evidence_and_audit(any_db: Engine) -> None:
    engine = any_db
    case_id = new_case(engine)
    actor = officer(engine)
    two = certs(engine)[:2]
    evidence = evidence_from_bytes("现场.mp4", "video/mp4", b"\x00\x01video")
    event_id = ok(engine, case_id, step(Stage.INVESTIGATION, "现场检查", at(FILED, 14, 30), two,
                                        record_forms=(RecordForm.TEXT, RecordForm.BODYCAM), location="测试路1号",
                                        note="当事人在场", evidence=(evidence,)), actor)
    with Session(engine) as session:
        row = session.get(m.CaseEvent, event_id)
        officers = session.scalars(select(m.Officer.cert_no).join(m.EventOfficer, m.EventOfficer.officer_id == m.Officer.id)
                                   .where(m.EventOfficer.event_id == event_id)).all()
        files = session.scalars(select(m.EvidenceFile).where(m.EvidenceFile.event_id == event_id)).all()
        head = session.scalar(select(m.Case.chain_head).where(m.Case.id == case_id))
        audit = session.scalars(select(m.AuditEntry).order_by(m.AuditEntry.id.desc()).limit(1)).one()
    assert (row.seq, row.prev_hash, row.stage, row.record_forms) == (1, GENESIS, Stage.INVESTIGATION, "文字、执法记录仪")
    assert row.occurred_at == at(FILED, 14, 30) and row.recorded_by == actor.username
    content = {f: getattr(row, f) for f in ("case_id", "seq", "occurred_at", "action", "officer_cert_nos",
                                            "document_no", "record_forms", "location", "note", "corrects_event_id",
                                            "recorded_at", "recorded_by")}
    with Session(engine) as session:
        officer_ids = session.scalars(select(m.EventOfficer.officer_id).where(m.EventOfficer.event_id == event_id)).all()
    assert row.chain_version == "v2"  # the hash covers the officers and the evidence too
    assert row.hash == head == event_hash_v2({**content, "stage": row.stage.value}, officer_ids, [evidence.sha256],
                                             GENESIS)
    assert row.hash != event_hash({**content, "stage": row.stage.value}, GENESIS)
    assert sorted(officers) == sorted(two)
    assert [(f.file_name, f.size_bytes, f.sha256) for f in files] == [("现场.mp4", 7, evidence.sha256)]
    assert (audit.action, audit.entity, audit.entity_id, audit.actor) == ("append_event", "case_events", str(event_id),
                                                                          actor.username)


def test_appends_keep_every_chain_verifiable_and_verify_chain_passes(any_db: Engine, capsys) -> None:
    engine = any_db
    case_id, actor, two = filed_case(engine)
    ok(engine, case_id, step(Stage.INVESTIGATION, "现场检查", at(FILED, 15), two,
                             record_forms=(RecordForm.TEXT, RecordForm.PHOTO)), actor)
    ok(engine, case_id, step(Stage.INVESTIGATION, "询问调查", at(FILED + dt.timedelta(days=2)), two,
                             record_forms=(RecordForm.TEXT, RecordForm.AUDIO)), actor)
    ok(engine, case_id, step(Stage.NOTICE, "送达行政处罚事先告知书", at(FILED + dt.timedelta(days=10)), two[:1]), actor)
    ok(engine, case_id, step(Stage.DECISION, "作出行政处罚决定", at(FILED + dt.timedelta(days=20)), two[:1]), actor)
    ok(engine, case_id, step(Stage.SERVICE, "直接送达", at(FILED + dt.timedelta(days=20), 16), two[:1]), actor)
    # ... and a seeded case of another agency's officer: appending to the tail of an existing chain.
    with engine.connect() as conn:
        seeded = conn.execute(select(m.Case.id).where(m.Case.status == CaseStatus.INVESTIGATING)
                              .order_by(m.Case.id).limit(1)).scalar_one_or_none()
    if seeded is not None:
        rec = load_case_facts(engine, seeded)
        code = {agency_id(engine, c): c for c in ("QS-SCJG", "QS-STHJ", "QS-YJGL", "QS-JTYS", "QS-CGZF", "QS-WSJK")}
        actor2 = officer(engine, code[rec.agency_id])
        last = rec.facts.events[-1]
        ok(engine, seeded, step(Stage.INVESTIGATION, "调取书证", last.occurred_at + dt.timedelta(hours=1)), actor2,
           now=max(NOW, last.occurred_at + dt.timedelta(hours=2)))
    report = verify_chains(engine)
    assert report.first_break is None and report.broken_cases == 0
    assert manage.main(["verify-chain"]) == 0
    assert "全部记录链完整" in capsys.readouterr().out
    with engine.connect() as conn:
        seqs = conn.execute(select(m.CaseEvent.seq).where(m.CaseEvent.case_id == case_id)
                            .order_by(m.CaseEvent.seq)).scalars().all()
    assert seqs == [1, 2, 3, 4, 5, 6]


def test_tampering_with_an_appended_event_is_still_detected(db: Engine, capsys) -> None:
    case_id, actor, two = filed_case(db)
    event_id = ok(db, case_id, step(Stage.INVESTIGATION, "调取书证", at(FILED, 16)), actor)
    with pytest.raises(Exception, match="append-only"), db.begin() as conn:  # the database refuses it outright
        conn.execute(text("UPDATE case_events SET action = '篡改' WHERE id = :i"), {"i": event_id})
    with db.begin() as conn, suspended(conn):  # someone with the owner's rights lifts the triggers first
        conn.execute(text("UPDATE case_events SET action = '篡改' WHERE id = :i"), {"i": event_id})
    assert case_chain_status(db, case_id).event_id == event_id
    assert manage.main(["verify-chain"]) == 1
    assert f"event id={event_id}" in capsys.readouterr().out
    # and the command refuses to build on a chain whose head no longer matches its last stored event
    with db.begin() as conn:
        conn.execute(text("UPDATE cases SET chain_head = :h WHERE id = :c"), {"h": "f" * 64, "c": case_id})
    refused(db, case_id, step(Stage.INVESTIGATION, "调取书证", at(FILED, 17)), actor, "记录链校验不一致")


# ------------------------------------------------------------------------------- each rule: accept and refuse


def test_time_in_the_future_is_refused_and_a_few_minutes_of_clock_drift_accepted(db: Engine) -> None:
    case_id, actor, two = filed_case(db)
    refused(db, case_id, step(Stage.INVESTIGATION, "调取书证", NOW + dt.timedelta(hours=1)), actor, "晚于当前时间")
    ok(db, case_id, step(Stage.INVESTIGATION, "调取书证", NOW + dt.timedelta(minutes=2)), actor)


def test_time_before_filing_is_refused_and_the_filing_day_accepted(db: Engine) -> None:
    case_id = new_case(db)
    actor = officer(db)
    one = certs(db)[:1]
    refused(db, case_id, step(Stage.FILING, "立案审批", at(FILED - dt.timedelta(days=1), 23, 59), one), actor,
            "早于立案日期")
    ok(db, case_id, step(Stage.FILING, "立案审批", at(FILED, 0, 0), one), actor)


def test_time_without_time_zone_is_refused(db: Engine) -> None:
    case_id, actor, _ = filed_case(db)
    refused(db, case_id, step(Stage.INVESTIGATION, "调取书证", dt.datetime(2026, 10, 13, 10, 0)), actor, "缺少时区")


def test_out_of_order_stage_is_refused_and_supplementary_investigation_accepted(db: Engine) -> None:
    case_id, actor, two = filed_case(db)
    ok(db, case_id, step(Stage.NOTICE, "送达行政处罚事先告知书", at(FILED + dt.timedelta(days=5)), two[:1]), actor)
    refused(db, case_id, step(Stage.FILING, "立案审批", at(FILED + dt.timedelta(days=6)), two[:1]), actor,
            "环节顺序错误")
    # 补充调查 after 告知 and before the decision is normal practice
    ok(db, case_id, step(Stage.INVESTIGATION, "补充调取书证", at(FILED + dt.timedelta(days=6))), actor)


def test_decision_without_notice_is_refused_and_after_notice_accepted(db: Engine) -> None:
    case_id, actor, two = filed_case(db)
    ok(db, case_id, step(Stage.INVESTIGATION, "调取书证", at(FILED + dt.timedelta(days=5)), two[:1]), actor)
    decision = step(Stage.DECISION, "作出行政处罚决定", at(FILED + dt.timedelta(days=20)), two[:1])
    refused(db, case_id, decision, actor, "缺少告知环节")
    ok(db, case_id, step(Stage.NOTICE, "送达行政处罚事先告知书", at(FILED + dt.timedelta(days=10)), two[:1]), actor)
    ok(db, case_id, decision, actor)


def test_major_decision_needs_an_approved_legal_review(db: Engine) -> None:
    case_id, actor, two = filed_case(db, major=True)
    ok(db, case_id, step(Stage.INVESTIGATION, "调取书证", at(FILED + dt.timedelta(days=5)), two[:1]), actor)
    ok(db, case_id, step(Stage.NOTICE, "送达行政处罚事先告知书", at(FILED + dt.timedelta(days=10)), two[:1]), actor)
    decision = step(Stage.DECISION, "作出行政处罚决定", at(FILED + dt.timedelta(days=20)), two[:1])
    refused(db, case_id, decision, actor, "未经法制审核")
    with db.begin() as conn:
        conn.execute(m.LegalReview.__table__.insert().values(
            case_id=case_id, round_no=1, submitted_on=FILED + dt.timedelta(days=12),
            reviewed_on=FILED + dt.timedelta(days=14), outcome=ReviewOutcome.PROBLEMS,
            created_at=dt.datetime.now(dt.UTC)))
    refused(db, case_id, decision, actor, "存在问题")
    with db.begin() as conn:
        conn.execute(m.LegalReview.__table__.insert().values(
            case_id=case_id, round_no=2, submitted_on=FILED + dt.timedelta(days=15),
            reviewed_on=FILED + dt.timedelta(days=17), outcome=ReviewOutcome.APPROVED,
            created_at=dt.datetime.now(dt.UTC)))
    ok(db, case_id, decision, actor)


def test_on_site_action_needs_two_officers(db: Engine) -> None:
    case_id, actor, two = filed_case(db)
    inspection = step(Stage.INVESTIGATION, "现场检查", at(FILED, 15), two[:1], record_forms=(RecordForm.TEXT,))
    refused(db, case_id, inspection, actor, "执法人员不得少于2人")
    # the same person twice is still one person
    refused(db, case_id, step(Stage.INVESTIGATION, "现场检查", at(FILED, 15), [two[0], two[0]]), actor, "执法人员重复")
    ok(db, case_id, step(Stage.INVESTIGATION, "现场检查", at(FILED, 15), two), actor)


def test_expired_certificate_is_refused(db: Engine) -> None:
    case_id, actor, two = filed_case(db)
    lapsed = certs(db, valid_on=FILED, valid=False)[0]
    refused(db, case_id, step(Stage.INVESTIGATION, "现场检查", at(FILED, 15), [two[0], lapsed]), actor,
            "不在有效期内")
    ok(db, case_id, step(Stage.INVESTIGATION, "现场检查", at(FILED, 15), two), actor)


def test_officer_of_another_agency_or_unknown_certificate_is_refused(db: Engine) -> None:
    case_id, actor, two = filed_case(db)
    foreign = certs(db, "QS-STHJ")[0]
    refused(db, case_id, step(Stage.INVESTIGATION, "现场检查", at(FILED, 15), [two[0], foreign]), actor,
            "不属于本执法主体")
    refused(db, case_id, step(Stage.INVESTIGATION, "现场检查", at(FILED, 15), [two[0], "00000000000"]), actor,
            "不在本系统执法人员名录中")
    ok(db, case_id, step(Stage.INVESTIGATION, "现场检查", at(FILED, 15), two), actor)


@pytest.mark.parametrize("action, location", [("查封扣押", None), ("强制拆除", None), ("制作询问笔录", "执法办案场所询问室")])
def test_mandatory_audio_video_record(db: Engine, action: str, location: str | None) -> None:
    case_id, actor, two = filed_case(db)
    text_only = step(Stage.INVESTIGATION, action, at(FILED, 15), two, record_forms=(RecordForm.TEXT,),
                     location=location or "")
    refused(db, case_id, text_only, actor, "应当全程音像记录")
    ok(db, case_id, step(Stage.INVESTIGATION, action, at(FILED, 15), two,
                         record_forms=(RecordForm.TEXT, RecordForm.BODYCAM), location=location or ""), actor)


def test_correction_is_a_new_event_referencing_the_corrected_one(db: Engine) -> None:
    case_id, actor, two = filed_case(db)
    first = ok(db, case_id, step(Stage.INVESTIGATION, "现场检查", at(FILED, 15), two), actor)
    ok(db, case_id, step(Stage.NOTICE, "送达行政处罚事先告知书", at(FILED + dt.timedelta(days=5)), two[:1]), actor)
    refused(db, case_id, step(Stage.INVESTIGATION, "现场检查", at(FILED, 15, 30), two, corrects_seq=9), actor,
            "无法更正")
    # an earlier stage is allowed as a correction (it restates step 2), but the rules on its content still apply
    refused(db, case_id, step(Stage.INVESTIGATION, "现场检查", at(FILED, 15, 30), two[:1], corrects_seq=2), actor,
            "不得少于2人")
    fixed = ok(db, case_id, step(Stage.INVESTIGATION, "现场检查", at(FILED, 15, 30), two, corrects_seq=2,
                                 note="更正检查时间"), actor)
    with db.connect() as conn:
        rows = conn.execute(select(m.CaseEvent.id, m.CaseEvent.seq, m.CaseEvent.action, m.CaseEvent.corrects_event_id)
                            .where(m.CaseEvent.case_id == case_id).order_by(m.CaseEvent.seq)).all()
    assert [(r.seq, r.corrects_event_id) for r in rows] == [(1, None), (2, None), (3, None), (4, first)]
    assert rows[3].id == fixed and rows[1].action == "现场检查"  # the corrected event is untouched
    facts = load_case_facts(db, case_id).facts
    assert facts.events[-1].corrects_seq == 2


def test_only_an_officer_of_the_case_agency_may_record(db: Engine) -> None:
    case_id, _, two = filed_case(db)
    new = step(Stage.INVESTIGATION, "调取书证", at(FILED, 16))
    for actor in (officer(db, "QS-STHJ"), officer(db, role=Role.REVIEWER), officer(db, role=Role.SUPERVISOR),
                  Actor("public", "公众", Role.PUBLIC)):
        refused(db, case_id, new, actor, "只有本案所属执法主体的执法人员")
    ok(db, case_id, new, officer(db))


def test_unknown_case_is_refused(db: Engine) -> None:
    result = append_event(db, 999_999, step(Stage.FILING, "立案审批", at(FILED)), officer(db), NOW)
    assert not result.ok and "案件不存在" in result.errors[0]


@pytest.mark.parametrize("change, expect", [
    ({"action": "  "}, "请填写执法行为"),
    ({"record_forms": ()}, "请至少选择一种记录形式"),
    ({"record_forms": ("传真",)}, "未知的记录形式"),
    ({"stage": "侦查"}, "未知的执法环节"),
    ({"action": "调" * 101}, "执法行为过长"),
    ({"document_no": "号" * 101}, "文书编号过长"),
    ({"evidence": (EvidenceInput("a.jpg", "image/jpeg", 10, "xyz"),)}, "SHA-256"),
    ({"evidence": (EvidenceInput("", "image/jpeg", 10, "0" * 64),)}, "证据文件名"),
    ({"evidence": (EvidenceInput("a.jpg", "image/jpeg", -1, "0" * 64),)}, "证据文件大小"),
    ({"action": "现场\x00检查"}, "执法行为含有"),
    ({"location": "某路\ud800"}, "地点含有"),
    ({"note": "备\x00注"}, "备注含有"),
    ({"evidence": (EvidenceInput("a\x00.jpg", "image/jpeg", 10, "0" * 64),)}, "控制字符"),
])
def test_malformed_input_is_refused(db: Engine, change: dict, expect: str) -> None:
    case_id, actor, _ = filed_case(db)
    fields = {"stage": Stage.INVESTIGATION, "action": "调取书证", "occurred_at": at(FILED, 16)} | change
    refused(db, case_id, NewEvent(**fields), actor, expect)


def test_all_problems_are_reported_at_once(db: Engine) -> None:
    case_id, actor, two = filed_case(db)
    result = append_event(db, case_id, step(Stage.INVESTIGATION, "查封扣押", NOW + dt.timedelta(days=1), two[:1],
                                            record_forms=(RecordForm.TEXT,)), actor, NOW)
    assert not result.ok and len(result.errors) == 3  # future time, one officer, no audio-video


# --------------------------------------------------------------------------------------------- concurrency


def test_losing_a_write_race_returns_the_conflict_message(any_db: Engine, monkeypatch: pytest.MonkeyPatch) -> None:
    engine = any_db
    case_id, actor, two = filed_case(engine)
    other = make_engine(engine.url.render_as_string(hide_password=False))
    real = events_module._read_state
    raced = []

    def stale_read(conn, cid):  # another writer appends right after this writer has read the case
        state = real(conn, cid)
        if not raced:
            raced.append(True)
            assert append_event(other, cid, step(Stage.INVESTIGATION, "调取书证", at(FILED, 16)), actor, NOW).ok
        return state

    monkeypatch.setattr(events_module, "_read_state", stale_read)
    before = snapshot(engine, case_id)
    result = append_event(engine, case_id, step(Stage.INVESTIGATION, "询问调查", at(FILED, 17), two), actor, NOW)
    other.dispose()
    assert (result.ok, result.errors) == (False, (CONFLICT_MESSAGE,))
    after = snapshot(engine, case_id)
    assert after[0] == before[0] + 1  # only the winner's event
    assert case_chain_status(engine, case_id) is None


class _PausingConnection:
    """A connection that runs ``between`` right after the statement reading the case's chain head, before the
    statement reading its events: the window where a concurrent append used to commit."""

    def __init__(self, conn, between) -> None:
        self._conn, self._between = conn, between

    def execute(self, statement, *args, **kwargs):
        result = self._conn.execute(statement, *args, **kwargs)
        if self._between is not None and "chain_head" in str(statement):
            result = result.all()  # read the rows now, as the real statement had before the other writer commits
            between, self._between = self._between, None
            between()
            return _Rows(result)
        return result

    def __getattr__(self, name):
        return getattr(self._conn, name)


class _Rows(list):
    def all(self):
        return list(self)


def test_a_concurrent_append_is_never_reported_as_tampering(any_db: Engine, monkeypatch: pytest.MonkeyPatch) -> None:
    """Found: under concurrent appends on PostgreSQL officers saw 本案执法记录链校验不一致 — the case's chain head
    and its events were read in separate READ COMMITTED statements, with another writer's commit in between. The
    append now reads in one snapshot; the loser of the race is told to refresh, never that the record is broken."""
    engine = any_db
    case_id, actor, two = filed_case(engine)
    other = make_engine(engine.url.render_as_string(hide_password=False))

    def concurrent_append() -> None:
        assert append_event(other, case_id, step(Stage.INVESTIGATION, "调取书证", at(FILED, 16)), actor, NOW).ok

    real, paused = events_module._read_state, []

    def paused_read(conn, cid):
        if paused:  # the concurrent writer reads normally
            return real(conn, cid)
        paused.append(True)
        found = events_module.load_records(_PausingConnection(conn, concurrent_append), m.Case.id == cid)
        return found[0] if found else None

    monkeypatch.setattr(events_module, "_read_state", paused_read)
    result = append_event(engine, case_id, step(Stage.INVESTIGATION, "询问调查", at(FILED, 17), two), actor, NOW)
    other.dispose()
    assert not any("校验不一致" in e for e in result.errors), result.errors
    assert result.ok or result.errors == (CONFLICT_MESSAGE,)
    assert case_chain_status(engine, case_id) is None


def test_duplicate_sequence_number_is_reported_as_a_conflict(any_db: Engine, monkeypatch: pytest.MonkeyPatch) -> None:
    """The (case_id, seq) unique constraint is the backstop when a row appears without moving the chain head."""
    engine = any_db
    case_id, actor, _ = filed_case(engine)
    real = events_module._read_state

    def intruder(conn, cid):
        state = real(conn, cid)
        with engine.begin() as other:
            other.execute(text(
                "INSERT INTO case_events (case_id, seq, occurred_at, stage, action, officer_cert_nos, record_forms, "
                "note, recorded_at, recorded_by, prev_hash, hash) SELECT case_id, 2, occurred_at, stage, '并发写入', "
                "officer_cert_nos, record_forms, note, recorded_at, recorded_by, hash, hash FROM case_events "
                "WHERE case_id = :c AND seq = 1"), {"c": cid})
        return state

    monkeypatch.setattr(events_module, "_read_state", intruder)
    head = snapshot(engine, case_id)[4]
    result = append_event(engine, case_id, step(Stage.INVESTIGATION, "调取书证", at(FILED, 16)), actor, NOW)
    assert (result.ok, result.errors) == (False, (CONFLICT_MESSAGE,))
    assert snapshot(engine, case_id)[4] == head  # the chain head move was rolled back with the failed insert


# ------------------------------------------------------------------------------------------ facts from rows


def test_loaded_facts_match_the_rows(seeded_engine: Engine) -> None:
    with seeded_engine.connect() as conn:
        case_id, n_events, major = conn.execute(text(
            "SELECT c.id, COUNT(e.id), c.is_major FROM cases c JOIN case_events e ON e.case_id = c.id "
            "WHERE c.is_major GROUP BY c.id, c.is_major ORDER BY c.id LIMIT 1")).one()
        reviews = conn.execute(select(func.count()).select_from(m.LegalReview)
                               .where(m.LegalReview.case_id == case_id)).scalar_one()
    rec = load_case_facts(seeded_engine, case_id)
    assert len(rec.facts.events) == n_events and [e.seq for e in rec.facts.events] == list(range(1, n_events + 1))
    assert rec.facts.is_major and len(rec.facts.reviews) == reviews
    assert all(e.occurred_at.tzinfo is not None for e in rec.facts.events)
    assert rec.officers and all(c.cert_no == k for k, c in rec.officers.items())
    assert load_case_facts(seeded_engine, 10**9) is None


# ------------------------------------------------------------------------------------------------ completeness


def test_completeness_table_scores_every_decided_case_lowest_first(seeded_engine: Engine) -> None:
    table = completeness_table(seeded_engine, None)
    with seeded_engine.connect() as conn:
        decided = conn.execute(select(func.count()).select_from(m.Decision)).scalar_one()
    assert len(table) == decided
    assert table["score"].is_monotonic_increasing and table["score"].between(0, 100).all()
    assert (table["missing_count"] > 0).sum() > 0 and table.iloc[-1]["score"] == 100
    low = table.iloc[0]
    rec = load_case_facts(seeded_engine, int(low["case_id"]))
    single = completeness(rec.facts, rec.officers, agency_id=rec.agency_id)
    assert (single.score, single.missing[0]) == (low["score"], low["first_missing"])
    # planted 缺少告知 / 缺少送达 cases are found
    assert table["missing"].str.contains("缺少告知环节").any() and table["missing"].str.contains("缺少送达记录").any()


def test_completeness_table_respects_the_agency_scope(seeded_engine: Engine) -> None:
    aid = agency_id(seeded_engine, "QS-STHJ")
    table = completeness_table(seeded_engine, aid)
    assert len(table) > 0 and set(table["agency_id"]) == {aid}


def test_per_agency_averages(seeded_engine: Engine) -> None:
    table = completeness_table(seeded_engine, None)
    per = per_agency_completeness(table)
    assert list(per.columns) == ["agency", "cases", "average_score", "lowest_score", "low_cases"]
    assert per["cases"].sum() == len(table)
    row = per.iloc[0]
    mine = table[table["agency"] == row["agency"]]["score"]
    assert row["average_score"] == round(mine.mean(), 1) and row["lowest_score"] == mine.min()
    assert per["average_score"].is_monotonic_increasing
    assert per_agency_completeness(table.iloc[0:0]).empty


# --------------------------------------------------------------------------------------------- public timeline


def _public_decision_ids(engine: Engine) -> tuple[int, int | None]:
    with engine.connect() as conn:
        public = conn.execute(text(
            "SELECT d.id FROM decisions d JOIN disclosures s ON s.decision_id = d.id WHERE s.status = '已公示' "
            "AND s.withheld_reason IS NULL AND s.published_on <= :t AND (s.expires_on IS NULL OR s.expires_on > :t) "
            "ORDER BY d.id LIMIT 1"), {"t": AS_OF}).scalar_one()
        withheld = conn.execute(text(
            "SELECT d.id FROM decisions d JOIN disclosures s ON s.decision_id = d.id "
            "WHERE s.withheld_reason IS NOT NULL OR s.status = '待公示' ORDER BY d.id LIMIT 1")).scalar()
    return public, withheld


def test_public_timeline_has_stage_names_and_dates_only(seeded_engine: Engine) -> None:
    public, _ = _public_decision_ids(seeded_engine)
    frame = public_timeline(seeded_engine, public, AS_OF)
    assert list(frame.columns) == ["stage", "date"] and len(frame) > 0
    assert set(frame["stage"]) <= {s.value for s in Stage}
    assert all(isinstance(d, dt.date) and not isinstance(d, dt.datetime) for d in frame["date"])
    assert list(frame["date"]) == sorted(frame["date"])
    assert not frame.duplicated().any()


def test_public_timeline_is_empty_for_a_decision_that_is_not_public(seeded_engine: Engine) -> None:
    _, withheld = _public_decision_ids(seeded_engine)
    assert withheld is not None
    assert public_timeline(seeded_engine, withheld, AS_OF).empty
    assert public_timeline(seeded_engine, 10**9, AS_OF).empty


def test_public_timeline_shows_the_correction_not_the_corrected_step(db: Engine) -> None:
    public, _ = _public_decision_ids(db)
    with db.connect() as conn:
        case_id, aid = conn.execute(select(m.Case.id, m.Case.agency_id).join(m.Decision, m.Decision.case_id == m.Case.id)
                                    .where(m.Decision.id == public)).one()
    rec = load_case_facts(db, case_id)
    before = public_timeline(db, public, AS_OF)
    code = next(c for c in ("QS-SCJG", "QS-STHJ", "QS-YJGL", "QS-JTYS", "QS-CGZF", "QS-WSJK") if agency_id(db, c) == aid)
    first = rec.facts.events[0]
    moved = first.occurred_at + dt.timedelta(days=1)
    result = append_event(db, case_id, NewEvent(stage=first.stage, action=first.action, occurred_at=moved,
                                                officer_cert_nos=first.officer_cert_nos, corrects_seq=first.seq,
                                                document_no=first.document_no or ""),
                          officer(db, code), max(NOW, moved + dt.timedelta(hours=1)))
    if not result.ok:  # the seeded officer's certificate may have lapsed by then; use the agency's first officer
        result = append_event(db, case_id, NewEvent(stage=first.stage, action=first.action, occurred_at=moved,
                                                    officer_cert_nos=tuple(certs(db, code, valid_on=moved.date())[:1]),
                                                    corrects_seq=first.seq), officer(db, code), NOW)
    assert result.ok, result.errors
    after = public_timeline(db, public, AS_OF)
    old_day = first.occurred_at.astimezone(SHANGHAI).date()
    assert (first.stage.value, moved.astimezone(SHANGHAI).date()) in set(map(tuple, after.values.tolist()))
    if (before["date"] == old_day).sum() == 1:
        assert old_day not in set(after["date"])


# ------------------------------------------------------------------------------------------------ case search


def test_search_by_officer_certificate_or_name(seeded_engine: Engine) -> None:
    with seeded_engine.connect() as conn:
        cert, name, case_id = conn.execute(
            select(m.Officer.cert_no, m.Officer.name, m.CaseEvent.case_id)
            .join(m.EventOfficer, m.EventOfficer.officer_id == m.Officer.id)
            .join(m.CaseEvent, m.CaseEvent.id == m.EventOfficer.event_id).order_by(m.CaseEvent.id).limit(1)).one()
        expected = set(conn.execute(select(m.CaseEvent.case_id).join(m.EventOfficer, m.EventOfficer.event_id == m.CaseEvent.id)
                                    .join(m.Officer, m.Officer.id == m.EventOfficer.officer_id)
                                    .where(m.Officer.cert_no == cert)).scalars())
    frame, total = search_cases(seeded_engine, None, CaseFilters(limit=10_000), RecordFilters(officer=cert), AS_OF)
    assert set(frame["id"]) == expected and total == len(expected) and case_id in expected
    by_name, _ = search_cases(seeded_engine, None, CaseFilters(limit=10_000), RecordFilters(officer=name), AS_OF)
    assert expected <= set(by_name["id"])
    none, n = search_cases(seeded_engine, None, CaseFilters(), RecordFilters(officer="查无此人"), AS_OF)
    assert none.empty and n == 0


def test_search_by_stage(seeded_engine: Engine) -> None:
    frame, total = search_cases(seeded_engine, None, CaseFilters(limit=10_000), RecordFilters(stage=Stage.HEARING),
                                AS_OF)
    with seeded_engine.connect() as conn:
        expected = set(conn.execute(select(m.CaseEvent.case_id).where(m.CaseEvent.stage == Stage.HEARING)).scalars())
    assert expected and set(frame["id"]) == expected and total == len(expected)


def test_search_overdue_finds_exactly_the_late_decisions_and_services(seeded_engine: Engine) -> None:
    calendar = load_calendar(seeded_engine)
    found = overdue_case_ids(seeded_engine, None, AS_OF, calendar)
    # the exact answer from the clocks, case by case over every case
    with seeded_engine.connect() as conn:
        ids = conn.execute(select(m.Case.id)).scalars().all()
    expected = set()
    for cid in ids:
        rec = load_case_facts(seeded_engine, cid)
        if any(c.status in (DueState.LATE, DueState.OVERDUE)
               and c.name in ("立案至作出处罚决定", "送达处罚决定书", "当场交付处罚决定书")
               for c in case_clocks(rec.facts, calendar, AS_OF)):
            expected.add(cid)
    assert expected and found == expected
    frame, total = search_cases(seeded_engine, None, CaseFilters(limit=10_000), RecordFilters(overdue=True), AS_OF)
    assert set(frame["id"]) == expected and total == len(expected)
    aid = agency_id(seeded_engine, "QS-SCJG")
    scoped, _ = search_cases(seeded_engine, aid, CaseFilters(limit=10_000), RecordFilters(overdue=True), AS_OF)
    assert set(scoped["agency"]) <= {"区市场监管局"}


def test_search_without_record_filters_matches_load_cases(seeded_engine: Engine) -> None:
    from db.queries import load_cases

    f = CaseFilters(q="立", major_only=True)
    mine, total = search_cases(seeded_engine, None, f, RecordFilters(), AS_OF)
    theirs, total2 = load_cases(seeded_engine, None, f)
    assert total == total2 and mine.equals(theirs)


def test_officer_picker_offers_only_certificates_valid_on_the_day(seeded_engine: Engine) -> None:
    from db.events import agency_officers, load_case_facts

    with seeded_engine.connect() as conn:
        case_id, agency_id = conn.execute(select(m.Case.id, m.Case.agency_id).order_by(m.Case.id)).first()
        lapsed = conn.execute(select(m.Officer.cert_no, m.Officer.cert_valid_to).where(
            m.Officer.agency_id == agency_id).order_by(m.Officer.cert_valid_to)).first()
    record = load_case_facts(seeded_engine, case_id)
    day_after = lapsed.cert_valid_to + dt.timedelta(days=1)
    offered = agency_officers(record, day_after)
    assert lapsed.cert_no not in offered
    assert lapsed.cert_no in agency_officers(record, lapsed.cert_valid_to)
    assert all(record.officers[c].valid_on(day_after) for c in offered)
