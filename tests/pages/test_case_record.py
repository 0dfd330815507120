"""执法全过程记录 pages: the officer's add-event form on pages/case.py (accept and refuse), who sees the form, the
timeline with its statutory clocks, pages/completeness.py for supervisors, and the record filters of pages/cases.py."""

from __future__ import annotations

import datetime as dt
import os

import pytest
from sqlalchemy import func, select
from streamlit.testing.v1 import AppTest

from components.auth import APPTEST_COOKIE_KEY
from db import models as m
from db.engine import make_engine
from db.events import LOW_SCORE, NewEvent, append_event, completeness_table, overdue_case_ids
from db.integrity import case_chain_status
from domain.enums import ActionCategory, Procedure, RecordForm, Role, Stage
from domain.markup import escape_markdown
from domain.permissions import Actor
from domain.procedure import SHANGHAI
from sample_data.generator import AS_OF
from tests.pages.conftest import ROOT, make_app, no_errors, query, signed_in_as

# ------------------------------------------------------------------------------------- a database to write to


@pytest.fixture
def record_db(seeded_sqlite_copy, monkeypatch: pytest.MonkeyPatch):
    """This test's own copy of a small seeded database (the shared seeded one is read-only)."""
    import streamlit as st

    engine = seeded_sqlite_copy(40, 3)
    monkeypatch.setenv("DATABASE_URL", engine.url.render_as_string(hide_password=False))
    st.cache_data.clear()
    st.cache_resource.clear()
    return engine


def _agency(engine, code: str) -> int:
    with engine.connect() as conn:
        return conn.execute(select(m.Agency.id).where(m.Agency.code == code)).scalar_one()


def _certs(engine, code: str, on: dt.date) -> list[str]:
    o = m.Officer
    with engine.connect() as conn:
        rows = conn.execute(select(o.cert_no, o.cert_valid_from, o.cert_valid_to)
                            .where(o.agency_id == _agency(engine, code)).order_by(o.id)).all()
    return [r.cert_no for r in rows if r.cert_valid_from <= on <= r.cert_valid_to]


def _open_case(engine, code: str = "QS-SCJG") -> tuple[int, dt.date]:
    """A new penalty case filed ten days ago with its 立案 step recorded through the command."""
    filed = dt.datetime.now(SHANGHAI).date() - dt.timedelta(days=10)
    aid = _agency(engine, code)
    with engine.begin() as conn:
        matter = conn.execute(select(m.Matter.id).where(m.Matter.agency_id == aid,
                                                        m.Matter.category == ActionCategory.PENALTY).limit(1)).scalar_one()
        party = conn.execute(m.Party.__table__.insert().values(
            party_type="法人", name="临江市页面测试有限公司", address="临江市青石区测试路2号",
            created_at=dt.datetime.now(dt.UTC)).returning(m.Party.id)).scalar_one()
        case_id = conn.execute(m.Case.__table__.insert().values(
            case_no="页面测试立〔2026〕1号", agency_id=aid, matter_id=matter, party_id=party,
            procedure=Procedure.ORDINARY, filed_on=filed, is_major=False, major_reasons="", status="调查中",
            violation="测试违法行为", facts="经查……", created_at=dt.datetime.now(dt.UTC)).returning(m.Case.id)).scalar_one()
    actor = Actor("setup", "setup", Role.OFFICER, agency_id=aid)
    result = append_event(engine, case_id, NewEvent(stage=Stage.FILING, action="立案审批",
                                                    occurred_at=dt.datetime.combine(filed, dt.time(9), tzinfo=SHANGHAI),
                                                    officer_cert_nos=tuple(_certs(engine, code, filed)[:1])),
                          actor, dt.datetime.now(SHANGHAI))
    assert result.ok, result.errors
    return case_id, filed


def _events(engine, case_id: int) -> int:
    with engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(m.CaseEvent).where(m.CaseEvent.case_id == case_id)).scalar_one()


def _fill(at: AppTest, *, stage: Stage, action: str, day: dt.date, officers: list[str], forms: list[RecordForm],
          location: str = "") -> AppTest:
    at.selectbox(key="ev_stage_0").set_value(stage)
    at.text_input(key="ev_action_0").input(action)
    at.date_input(key="ev_date_0").set_value(day)
    at.time_input(key="ev_time_0").set_value(dt.time(10, 30))
    at.multiselect(key="ev_officers_0").set_value(officers)
    at.multiselect(key="ev_forms_0").set_value(forms)
    at.text_input(key="ev_location_0").input(location)
    return at


def _submit(at: AppTest) -> AppTest:
    [button] = [b for b in at.get("form_submit_button") if b.label == "追加记录"]
    return button.click().run()


# ----------------------------------------------------------------------------------------- the officer's form


def test_officer_adds_an_event_and_it_appears_with_the_chain_verified(record_db) -> None:
    case_id, filed = _open_case(record_db)
    at = make_app(Role.OFFICER, "QS-SCJG", id=str(case_id))
    at.switch_page("pages/case.py").run()
    no_errors(at)
    assert len(at.dataframe[0].value) == 1
    day = filed + dt.timedelta(days=1)
    _fill(at, stage=Stage.INVESTIGATION, action="现场检查", day=day, officers=_certs(record_db, "QS-SCJG", day)[:2],
          forms=[RecordForm.TEXT, RecordForm.BODYCAM], location="临江市青石区测试路2号")
    _submit(at)
    no_errors(at)
    assert not at.error
    assert any("已追加第2条记录" in s.value for s in at.success)
    assert any("记录完整性：已验证" in s.value for s in at.success)
    table = at.dataframe[0].value
    assert list(table["序号"]) == [1, 2] and table.iloc[1]["执法行为"] == "现场检查"
    assert table.iloc[1]["时间"].endswith("10:30")  # entered and shown in Beijing time
    assert _events(record_db, case_id) == 2 and case_chain_status(record_db, case_id) is None
    # the form is fresh (next version) and empty for the next step
    assert at.text_input(key="ev_action_1").value == ""


def test_officer_form_refuses_a_bad_event_shows_why_and_writes_nothing(record_db) -> None:
    case_id, filed = _open_case(record_db)
    at = make_app(Role.OFFICER, "QS-SCJG", id=str(case_id))
    at.switch_page("pages/case.py").run()
    day = filed + dt.timedelta(days=1)
    _fill(at, stage=Stage.INVESTIGATION, action="查封扣押", day=day, officers=_certs(record_db, "QS-SCJG", day)[:1],
          forms=[RecordForm.TEXT])
    _submit(at)
    no_errors(at)
    messages = [e.value for e in at.error]
    assert any("应当全程音像记录" in msg for msg in messages)
    assert any("执法人员不得少于2人" in msg for msg in messages)
    assert _events(record_db, case_id) == 1 and len(at.dataframe[0].value) == 1
    assert at.text_input(key="ev_action_0").value == "查封扣押"  # the officer's input is kept for correcting


def test_officer_correction_names_the_corrected_step(record_db) -> None:
    case_id, filed = _open_case(record_db)
    at = make_app(Role.OFFICER, "QS-SCJG", id=str(case_id))
    at.switch_page("pages/case.py").run()
    _fill(at, stage=Stage.FILING, action="立案审批", day=filed, officers=_certs(record_db, "QS-SCJG", filed)[:1],
          forms=[RecordForm.TEXT])
    at.selectbox(key="ev_corrects_0").set_value(1)
    _submit(at)
    no_errors(at)
    assert not at.error
    table = at.dataframe[0].value
    assert list(table["更正"]) == ["已被第2条更正", "更正第1条"]


def test_reviewer_and_supervisor_see_the_record_but_no_form(record_db) -> None:
    case_id, _ = _open_case(record_db)
    for role, code in ((Role.REVIEWER, "QS-SCJG"), (Role.SUPERVISOR, None)):
        at = make_app(role, code, id=str(case_id))
        at.switch_page("pages/case.py").run()
        no_errors(at)
        assert any("记录完整性：已验证" in s.value for s in at.success)
        assert not at.get("form_submit_button")
        assert "追加执法记录" not in [h.value for h in at.subheader]


def test_officer_of_another_agency_cannot_open_the_case_nor_see_the_form(record_db) -> None:
    case_id, _ = _open_case(record_db)
    at = make_app(Role.OFFICER, "QS-STHJ", id=str(case_id))
    at.switch_page("pages/case.py").run()
    no_errors(at)
    assert at.warning and "无权查看" in at.warning[0].value
    assert not at.dataframe and not at.get("form_submit_button")


# --------------------------------------------------------------------------------------------------- timeline


def _late_decision_case() -> int:
    engine = make_engine(os.environ["DATABASE_URL"])
    try:
        ids = sorted(overdue_case_ids(engine, None, AS_OF))
        table = completeness_table(engine, None)
    finally:
        engine.dispose()
    decided = set(table["case_id"])
    return next(i for i in ids if i in decided)


def test_timeline_renders_with_statutory_clocks_and_flags_the_late_step() -> None:
    case_id = _late_decision_case()
    at = make_app(Role.SUPERVISOR, id=str(case_id))
    at.switch_page("pages/case.py").run()
    no_errors(at)
    assert "办案时间轴与法定时限" in [h.value for h in at.subheader]
    assert at.get("arrow_vega_lite_chart") or at.get("vega_lite_chart")
    clocks = next(d.value for d in at.dataframe if "时限" in d.value.columns)
    assert {"立案至作出处罚决定", "送达处罚决定书"} & set(clocks["时限"])
    late = clocks[clocks["状态"].isin(["逾期", "已逾期未完成"])]
    assert len(late) >= 1
    assert any(row["时限"] in e.value and "逾期" in e.value for e in at.error for _, row in late.iterrows())
    assert at.metric[0].label == "完整性评分"


def test_completeness_score_lists_missing_items_in_words() -> None:
    engine = make_engine(os.environ["DATABASE_URL"])
    table = completeness_table(engine, None)
    engine.dispose()
    low = table.iloc[0]
    at = make_app(Role.SUPERVISOR, id=str(int(low["case_id"])))
    at.switch_page("pages/case.py").run()
    no_errors(at)
    assert at.metric[0].value == str(low["score"])
    assert any(escape_markdown(low["first_missing"]) in md.value for md in at.markdown)  # shown as text


# ------------------------------------------------------------------------------------------- completeness page


def test_supervisor_sees_lowest_scoring_cases_and_agency_chart() -> None:
    at = make_app(Role.SUPERVISOR)
    at.switch_page("pages/completeness.py").run()
    no_errors(at)
    assert [mt.label for mt in at.metric] == ["已评查案件", "平均评分", f"低于{LOW_SCORE}分", "满分案件"]
    assert at.get("arrow_vega_lite_chart") or at.get("vega_lite_chart")
    lowest = next(d.value for d in at.dataframe if "完整性评分" in d.value.columns)
    scores = list(lowest["完整性评分"])
    assert scores == sorted(scores) and scores[0] < 100
    links = at.page_link
    assert len(links) == 10 and links[0].value.startswith(lowest.iloc[0]["案号"])
    assert all(link.proto.page.endswith("case") or "case" in link.proto.page for link in links)


def test_completeness_page_filters_by_agency_in_the_url() -> None:
    sthj = query(select(m.Agency.id).where(m.Agency.code == "QS-STHJ"))[0][0]
    at = make_app(Role.SUPERVISOR, agency=str(sthj))
    at.switch_page("pages/completeness.py").run()
    no_errors(at)
    assert at.selectbox[0].value == sthj
    lowest = next(d.value for d in at.dataframe if "完整性评分" in d.value.columns)
    assert set(lowest["执法主体"]) == {"青石生态环境分局"}


@pytest.mark.parametrize("role", [Role.PUBLIC, Role.OFFICER, Role.REVIEWER, Role.ADMIN])
def test_completeness_page_is_denied_to_other_roles(role: Role) -> None:
    at = make_app(role, "QS-SCJG" if role in (Role.OFFICER, Role.REVIEWER) else None)
    with pytest.raises(ValueError):
        at.switch_page("pages/completeness.py")
    direct = AppTest.from_file(str(ROOT / "pages/completeness.py"), default_timeout=30)
    if role is not Role.PUBLIC:
        direct.session_state[APPTEST_COOKIE_KEY] = signed_in_as(role, agency_id=1)[0]
    direct.run()
    assert any("无权访问" in e.value for e in direct.error) and not direct.dataframe


# ------------------------------------------------------------------------------------------------ case search


def test_case_search_by_overdue_stage_and_officer_is_permalinked() -> None:
    engine = make_engine(os.environ["DATABASE_URL"])
    try:
        overdue = overdue_case_ids(engine, None, dt.datetime.now(SHANGHAI).date())
    finally:
        engine.dispose()
    at = make_app(Role.SUPERVISOR, overdue="1")
    at.switch_page("pages/cases.py").run()
    no_errors(at)
    assert at.checkbox[1].value is True
    assert f"共 {len(overdue):,} 件" in [md.value for md in at.markdown]

    hearing = {r[0] for r in query(select(m.CaseEvent.case_id).where(m.CaseEvent.stage == Stage.HEARING))}
    at = make_app(Role.SUPERVISOR, stage="听证")
    at.switch_page("pages/cases.py").run()
    no_errors(at)
    assert f"共 {len(hearing):,} 件" in [md.value for md in at.markdown]

    cert = query(select(m.Officer.cert_no).join(m.EventOfficer, m.EventOfficer.officer_id == m.Officer.id).limit(1))[0][0]
    at = make_app(Role.OFFICER, "QS-SCJG", officer=cert)
    at.switch_page("pages/cases.py").run()
    no_errors(at)
    assert at.text_input[1].value == cert
    assert set(at.dataframe[0].value["执法主体"]) <= {"区市场监管局"}
