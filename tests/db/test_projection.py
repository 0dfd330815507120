"""The public projection (db.projection, domain.publication): every published field redacted once at write time,
held back when redaction cannot make it safe, and the read path (list, detail, API, CSV, export) unbreakable by one
bad row. Probe rows come in through the importer, as a user's file would."""

from __future__ import annotations

import datetime as dt
import io
import json

import pytest
from sqlalchemy import Engine, select

import domain.publication as publication
from db import models as m
from db.export import write_disclosures
from db.projection import held_records, project_decisions, project_missing
from db.public import iter_public_decisions, public_decision, public_decision_record
from domain.filters import DecisionFilters
from domain.redaction import RedactionPolicy, find_personal_data
from tests.probes import import_probes, probe_row

TODAY = dt.date(2026, 11, 30)
PHONE = "13912345678"
WECHAT = "wxid_zhangsan88"
NAME = "钟离春华"
SPOUSE = "王秀英"

# Personal data in the three fields that never passed the redaction, and a phone in 处罚内容.
PROBES = [
    {"违法行为类型": f"{NAME}销售过期食品", "处罚内容": f"对{NAME}罚款5000元，联系电话{PHONE}",
     "当事人名称": NAME, "当事人类型": "自然人", "统一社会信用代码": "",
     "违法事实": f"证人{NAME}证实：当事人{NAME}（身份证号码110101199003074514）销售过期食品。",
     "裁量说明": f"当事人住青石区建设路18号3栋201室，其妻{SPOUSE}（微信号{WECHAT}，邮箱zhang.san@example.com）到场。"},
    {"处罚内容": f"罚款5000元。联系人手机{PHONE}"},
]
SECRETS = (PHONE, WECHAT, NAME, SPOUSE, "110101199003074514", "zhang.san@example.com", "18号3栋201室")


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def probed(request) -> Engine:
    engine = request.getfixturevalue("sqlite_engine" if request.param == "sqlite" else "pg_engine")
    import_probes(engine, [probe_row(i, row, today=TODAY) for i, row in enumerate(PROBES)], today=TODAY)
    return engine


def _ids(engine: Engine) -> list[int]:
    with engine.connect() as conn:
        return list(conn.execute(select(m.Decision.id).order_by(m.Decision.id)).scalars())


def _all_text(value) -> str:
    return json.dumps(value, ensure_ascii=False, default=str)


def test_probe_rows_are_public_and_masked_in_every_output(probed: Engine) -> None:
    listed = list(iter_public_decisions(probed, DecisionFilters(), TODAY))
    assert sorted(r["id"] for r in listed) == _ids(probed)  # both probe rows stay public
    details = [public_decision_record(public_decision(probed, i, TODAY)) for i in _ids(probed)]
    out = io.BytesIO()
    assert write_disclosures(probed, out, "csv", TODAY) == 2
    for text in (_all_text(listed), _all_text(details), out.getvalue().decode("utf-8-sig")):
        for secret in SECRETS:
            assert secret not in text
        assert find_personal_data(text) == []
    person = next(d for d in details if d["party_type"] == "自然人")
    assert person["party_name"] == "钟离某"  # compound surname
    assert person["violation"].startswith("钟离某")
    assert "钟离某" in person["conclusion"] and "******" in person["conclusion"]
    assert "王某" in person["discretion_statement"]


def test_a_record_that_cannot_be_made_safe_is_held_not_published(probed: Engine) -> None:
    """A jurisdiction policy that leaves phones visible makes the check find them: the record is held with a
    reason that names field and kind but never the number, and the rest stays public."""
    first, second = _ids(probed)
    with probed.begin() as conn:
        held = project_decisions(conn, [second], RedactionPolicy(mask_phone=False))
    assert list(held) == [second]
    assert held[second].held_fields == ("处罚内容",)
    assert "手机号码" in held[second].held_reason and PHONE not in held[second].held_reason
    assert [r["id"] for r in iter_public_decisions(probed, DecisionFilters(), TODAY)] == [first]
    assert public_decision(probed, second, TODAY) is None
    frame = held_records(probed)
    assert list(frame["id"]) == [second] and PHONE not in frame.to_csv()
    with probed.begin() as conn:  # fixed (here: the default policy again), it is public again
        assert project_decisions(conn, [second]) == {}
    assert public_decision(probed, second, TODAY) is not None


def test_a_source_change_without_a_new_projection_hides_the_record(probed: Engine) -> None:
    first, second = _ids(probed)
    with probed.begin() as conn:
        conn.execute(m.Decision.__table__.update().where(m.Decision.id == second)
                     .values(conclusion=f"罚款5000元，当事人电话{PHONE}"))
    assert public_decision(probed, second, TODAY) is None  # stale: held by the trigger, never the old text
    assert second in set(held_records(probed)["id"])
    assert project_missing(probed) == 1
    record = public_decision(probed, second, TODAY)
    assert record is not None and PHONE not in record.conclusion


def test_import_reports_a_held_row_as_a_warning_with_line_and_column(sqlite_engine: Engine, monkeypatch) -> None:
    import domain.publication as publication

    monkeypatch.setattr(publication, "DEFAULT_POLICY", RedactionPolicy(mask_phone=False))
    original = publication.project
    monkeypatch.setattr("db.projection.project",
                        lambda source, policy=None: original(source, RedactionPolicy(mask_phone=False)))
    from db.imports import import_decisions
    from tests.db.conftest import add_two_agencies
    from tests.probes import decisions_csv

    add_two_agencies(sqlite_engine)
    report = import_decisions(sqlite_engine, decisions_csv([probe_row(0, PROBES[1], today=TODAY)]),
                              filename="p.csv", today=TODAY)
    assert report.inserted == 1 and not report.errors
    (warning,) = [w for w in report.warnings if "待脱敏复核" in w.message]
    assert (warning.line, warning.column) == (2, "处罚内容")
    assert PHONE not in warning.message


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def empty(request) -> Engine:
    return request.getfixturevalue("sqlite_engine" if request.param == "sqlite" else "pg_engine")


def test_a_decision_held_from_its_first_projection_counts_as_published_when_released(empty: Engine,
                                                                                     monkeypatch) -> None:
    """Imported with a phone the jurisdiction's policy does not mask, the decision is held from the start: the
    public never saw it on its recorded publication day (two days after the decision). Released on 15 December by
    a corrected projection, the disclosure clock counts it as published that day (late), on the supervisors'
    stored facts and on the computed clocks alike; a later correction keeps the first release."""
    from db.stats import disclosure_clocks, load_calendar
    from db.summaries import current_version
    from domain.deadlines import DISCLOSURE_WORDING
    from domain.enums import DueState

    original = publication.project
    with monkeypatch.context() as patched:
        patched.setattr("db.projection.project",
                        lambda source, policy=None: original(source, RedactionPolicy(mask_phone=False)))
        import_probes(empty, [probe_row(0, PROBES[1], today=TODAY)], today=TODAY)
    (decided,) = _ids(empty)
    assert public_decision(empty, decided, TODAY) is None
    recorded = TODAY - dt.timedelta(days=5)  # probe_row: decided a week before, published two days later
    calendar = load_calendar(empty)

    def clocks(today: dt.date) -> tuple[dict, dict]:
        current_version(empty)
        with empty.connect() as conn:
            fact = conn.execute(select(m.DecisionFactRow.__table__).where(
                m.DecisionFactRow.decision_id == decided)).mappings().one()
        return dict(fact), disclosure_clocks(empty, today, calendar).set_index("decision_id").loc[decided].to_dict()

    fact, clock = clocks(TODAY)
    assert fact["published_on"] is None and clock["published_on"] is None  # held: not published
    released = dt.datetime(2026, 12, 15, 2, 0, tzinfo=dt.UTC)  # 10:00 in Shanghai
    with empty.begin() as conn:
        assert project_decisions(conn, [decided], now=released) == {}
    assert public_decision(empty, decided, dt.date(2026, 12, 15)) is not None
    fact, clock = clocks(dt.date(2026, 12, 20))
    day = dt.date(2026, 12, 15)
    assert fact["published_on"] == day != recorded and clock["published_on"] == day
    late = calendar.workdays_between(fact["deadline"], day)
    assert fact["deadline"] < day and fact["late_workdays"] == clock["late_workdays"] == late > 0
    assert clock["clock"] == DISCLOSURE_WORDING[DueState.LATE]

    with empty.begin() as conn:  # a correction re-projects it: the public saw it since the 15th
        assert project_decisions(conn, [decided], now=dt.datetime(2027, 1, 5, 2, 0, tzinfo=dt.UTC)) == {}
        conn.execute(m.PublicRecord.__table__.update().where(m.PublicRecord.decision_id == decided)
                     .values(held_reason="待脱敏复核：测试"))  # and a later hold and release changes nothing
        assert project_decisions(conn, [decided], now=dt.datetime(2027, 1, 7, 2, 0, tzinfo=dt.UTC)) == {}
        assert conn.execute(select(m.PublicRecord.released_at).where(
            m.PublicRecord.decision_id == decided)).scalar_one() == released
    fact, clock = clocks(dt.date(2027, 1, 8))
    assert fact["published_on"] == clock["published_on"] == day  # the stored fact recomputed by the hold, too


def test_a_draft_published_with_personal_data_counts_from_its_release(empty: Engine, monkeypatch) -> None:
    """A decision imported as a draft (no 公示日期) is projected clean but the public cannot see it. Published by a
    later import whose text the policy cannot make safe, it is held; released on 15 December, it counts as
    published that day, not on the recorded day the public never saw."""
    from db.stats import disclosure_clocks, load_calendar

    clean = {"处罚内容": "罚款5000元。"}
    import_probes(empty, [probe_row(0, {**clean, "公示日期": ""}, today=TODAY)], today=TODAY)
    (decided,) = _ids(empty)
    original = publication.project
    with monkeypatch.context() as patched:
        patched.setattr("db.projection.project",
                        lambda source, policy=None: original(source, RedactionPolicy(mask_phone=False)))
        from db.imports import import_decisions
        from tests.probes import decisions_csv
        report = import_decisions(empty, decisions_csv([probe_row(0, PROBES[1], today=TODAY)]), filename="p.csv",
                                  today=TODAY)
        assert not report.errors and [w for w in report.warnings if "待脱敏复核" in w.message]
    assert public_decision(empty, decided, TODAY) is None
    released = dt.datetime(2026, 12, 15, 2, 0, tzinfo=dt.UTC)
    with empty.begin() as conn:
        assert project_decisions(conn, [decided], now=released) == {}
    clock = disclosure_clocks(empty, dt.date(2026, 12, 20), load_calendar(empty)).set_index("decision_id")
    assert clock.loc[decided, "published_on"] == dt.date(2026, 12, 15)


def test_a_draft_published_clean_keeps_its_recorded_day(empty: Engine) -> None:
    """The ordinary path: a draft later published by an import with clean text counts from the recorded day."""
    from db.imports import import_decisions
    from db.stats import disclosure_clocks, load_calendar
    from tests.probes import decisions_csv

    import_probes(empty, [probe_row(0, {"公示日期": ""}, today=TODAY)], today=TODAY)
    (decided,) = _ids(empty)
    report = import_decisions(empty, decisions_csv([probe_row(0, today=TODAY)]), filename="p.csv", today=TODAY)
    assert not report.errors
    with empty.begin() as conn:  # and a later re-projection (a new policy run) does not move it
        assert project_decisions(conn, [decided], now=dt.datetime(2026, 12, 15, 2, 0, tzinfo=dt.UTC)) == {}
    clock = disclosure_clocks(empty, dt.date(2026, 12, 20), load_calendar(empty)).set_index("decision_id")
    assert clock.loc[decided, "published_on"] == TODAY - dt.timedelta(days=5)
