"""Supervisor pages for discretion checks (flagged list with URL filters and drill-down, resolution, per-item
distribution) and the public 类案参考 page."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import func, select
from streamlit.testing.v1 import AppTest

from components.auth import APPTEST_COOKIE_KEY
from db import models as m
from domain.enums import Role
from tests.pages.conftest import ROOT, make_app, no_errors, query, signed_in_as

DC = m.DiscretionCheck


def _flagged(code: str) -> tuple[int, int, int]:
    row = query(select(DC.decision_id, m.Decision.case_id, DC.benchmark_item_id)
                .join(m.Decision, m.Decision.id == DC.decision_id)
                .where(DC.flags.like(f"%|{code}|%"), DC.benchmark_item_id.is_not(None)).order_by(DC.decision_id)
                .limit(1))[0]
    return row[0], row[1], row[2]


def _texts(at) -> str:
    return "\n".join(str(e.value) for kind in ("markdown", "caption", "error", "warning", "info", "success",
                                               "subheader") for e in getattr(at, kind))


def test_flagged_list_filters_by_flag_and_agency_from_the_url() -> None:
    at = make_app(Role.SUPERVISOR, flag="out_of_range")
    at.switch_page("pages/discretion_flags.py").run()
    no_errors(at)
    table = at.dataframe[0].value
    expected = query(select(func.count()).select_from(DC).where(DC.flags.like("%|out_of_range|%")))[0][0]
    assert len(table) == expected > 0
    assert all("超出法定幅度" in f for f in table["标记"])
    agency_id = query(select(m.Agency.id).where(m.Agency.code == "QS-STHJ"))[0][0]
    at = make_app(Role.SUPERVISOR, flag="out_of_range", agency=str(agency_id))
    at.switch_page("pages/discretion_flags.py").run()
    no_errors(at)
    narrowed = at.dataframe[0].value
    assert 0 < len(narrowed) < len(table) and set(narrowed["执法主体"]) == {"青石生态环境分局"}
    assert at.query_params["agency"] == str(agency_id) and at.query_params["flag"] == "out_of_range"
    officers = next(f.value for f in at.dataframe if "执法人员" in f.value.columns)  # officer comparison, same agency
    assert len(officers) > 0 and officers["执法人员"].str.endswith("（青石生态环境分局）").all()


def test_flagged_list_drills_down_to_the_check_and_the_case() -> None:
    decision_id, case_id, item_id = _flagged("tier_mismatch")
    at = make_app(Role.SUPERVISOR, decision=str(decision_id))
    at.switch_page("pages/discretion_flags.py").run()
    no_errors(at)
    text = _texts(at)
    assert "档次不符" in text and "不在该档幅度内" in text
    links = {(p.proto.page, p.proto.query_string) for p in at.get("page_link")}
    assert any("case" in page and f"id={case_id}" in qs for page, qs in links)
    assert any(f"item={item_id}" in qs for _, qs in links)


@pytest.mark.parametrize("path", ["pages/discretion_flags.py", "pages/discretion_item.py"])
@pytest.mark.parametrize("role", [Role.PUBLIC, Role.OFFICER, Role.REVIEWER, Role.ADMIN])
def test_supervision_pages_are_denied_to_other_roles(role: Role, path: str) -> None:
    at = make_app(role, "QS-SCJG" if role in (Role.OFFICER, Role.REVIEWER) else None)
    with pytest.raises(ValueError):
        at.switch_page(path)
    direct = AppTest.from_file(str(ROOT / path), default_timeout=30)
    if role is not Role.PUBLIC:
        direct.session_state[APPTEST_COOKIE_KEY] = signed_in_as(role, agency_id=1)[0]
    direct.run()
    assert any("无权访问" in e.value for e in direct.error) and not direct.dataframe


def test_resolving_a_flag_needs_a_note(writable_db) -> None:
    decision_id = writable_db.connect().execute(
        select(DC.decision_id).where(DC.flags.like("%|tier_mismatch|%")).limit(1)).scalar_one()
    at = make_app(Role.SUPERVISOR, decision=str(decision_id), flag="tier_mismatch")
    at.switch_page("pages/discretion_flags.py").run()
    no_errors(at)
    at.text_area[0].set_value("")
    at.button(key="FormSubmitter:resolve-保存处理结果").click().run()
    assert any("处理说明" in e.value for e in at.error)
    at.text_area[0].set_value("经核查，集体讨论记录载明从重理由")
    at.button(key="FormSubmitter:resolve-保存处理结果").click().run()
    no_errors(at)
    assert any("审计日志" in s.value for s in at.success)
    with writable_db.connect() as conn:
        stored = conn.execute(select(m.DiscretionResolution.status, m.DiscretionResolution.resolved_by)
                              .where(m.DiscretionResolution.decision_id == decision_id)).one()
    assert stored == ("已说明理由", "t_supervisor_0_0")  # the signed-in test account (tests/pages/conftest.py)


def test_distribution_page_draws_tier_bands_and_highlights_the_decision() -> None:
    decision_id, _, item_id = _flagged("tier_mismatch")
    at = make_app(Role.SUPERVISOR, item=str(item_id), decision=str(decision_id))
    at.switch_page("pages/discretion_item.py").run()
    no_errors(at)
    charts = at.get("arrow_vega_lite_chart") or at.get("vega_lite_chart")
    spec = json.loads(charts[0].proto.spec)
    marks = [layer["mark"]["type"] if isinstance(layer["mark"], dict) else layer["mark"] for layer in spec["layer"]]
    assert marks == ["rect", "circle"]  # tier bands under the decisions
    assert "选中" in json.dumps(spec["layer"][1]["encoding"]["color"], ensure_ascii=False)
    number = query(select(m.Decision.decision_no).where(m.Decision.id == decision_id))[0][0]
    assert any(number in str(e.value) for e in at.markdown)
    assert len(at.dataframe[0].value) >= 1


def _tier_with(n_at_least: int | None = None, n_below: int | None = None) -> tuple[int, int]:
    rows = query(select(DC.benchmark_item_id, DC.benchmark_tier_id, func.count())
                 .join(m.PublicSearch, m.PublicSearch.decision_id == DC.decision_id)
                 .where(m.PublicSearch.status != "已撤回", DC.benchmark_item_id.is_not(None))
                 .group_by(DC.benchmark_item_id, DC.benchmark_tier_id))
    for item, tier, n in rows:
        if (n_at_least is not None and n >= n_at_least) or (n_below is not None and n < n_below):
            return item, tier
    raise AssertionError("no such tier")


@pytest.mark.parametrize("role", [Role.PUBLIC, Role.OFFICER, Role.REVIEWER])
def test_similar_cases_shows_range_source_and_median(role: Role) -> None:
    item, tier = _tier_with(n_at_least=5)
    at = make_app(role, "QS-SCJG" if role in (Role.OFFICER, Role.REVIEWER) else None, item=str(item), tier=str(tier))
    at.switch_page("pages/similar_cases.py").run()
    no_errors(at)
    metrics = {mt.label: mt.value for mt in at.metric}
    assert int(metrics["可比公示决定"].replace(",", "")) >= 5
    assert metrics["罚款中位数"].endswith("元") and "至" in metrics["四分位距"]
    assert "适用档次" in _texts(at)


def test_similar_cases_suppresses_small_groups() -> None:
    item, tier = _tier_with(n_below=3)
    at = make_app(Role.PUBLIC, item=str(item), tier=str(tier))
    at.switch_page("pages/similar_cases.py").run()
    no_errors(at)
    metrics = {mt.label: mt.value for mt in at.metric}
    assert metrics["罚款中位数"] == "—"
    assert any("少于3件" in i.value for i in at.info)


def test_case_page_shows_the_discretion_check_of_its_decision() -> None:
    decision_id, case_id, _ = _flagged("out_of_range")
    agency = query(select(m.Agency.code).join(m.Case, m.Case.agency_id == m.Agency.id).where(m.Case.id == case_id))[0][0]
    at = make_app(Role.OFFICER, agency, id=str(case_id))
    at.switch_page("pages/case.py").run()
    no_errors(at)
    assert any("超出法定幅度" in e.value for e in at.error)
    assert any("裁量基准核查" in x.label for x in at.expander)
