"""Public pages as a visitor uses them: permalinks, the decision page by id, masking, tombstones, agencies."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from db import models as m
from domain.enums import DisclosureStatus, PartyType
from domain.redaction import find_personal_data
from tests.pages.conftest import make_app, no_errors, query


def _page_text(at) -> str:
    parts = [e.value for e in (*at.markdown, *at.title, *at.subheader, *at.caption, *at.error, *at.info, *at.warning)]
    parts += [str(t.value) for t in at.text]
    for df in at.dataframe:
        parts.append(df.value.to_string())
    return "\n".join(str(p) for p in parts)


def test_decisions_permalink_restores_filters() -> None:
    at = make_app(year="2025", category="行政处罚", type="罚款")
    at.switch_page("pages/decisions.py").run()
    no_errors(at)
    assert at.selectbox[1].value.value == "行政处罚"  # order: 执法机关, 执法类别, 年度, 处罚种类
    assert at.selectbox[2].value == 2025
    assert at.selectbox[3].value.value == "罚款"
    sentence = next(md.value for md in at.markdown if "共" in md.value)
    assert sentence.startswith("**2025年 行政处罚 罚款 共")
    assert at.query_params["year"] in ("2025", ["2025"])


def test_decisions_keyword_search_and_pagination_state_in_url() -> None:
    at = make_app(q="食品", page="2")
    at.switch_page("pages/decisions.py").run()
    no_errors(at)
    assert at.text_input[0].value == "食品"
    assert any("第 2 /" in c.value for c in at.caption)


def test_decision_page_by_id_masks_natural_person() -> None:
    decision_id, name, id_number = query(
        select(m.Decision.id, m.Party.name, m.Party.id_number).join(m.Case, m.Case.id == m.Decision.case_id)
        .join(m.Party, m.Party.id == m.Case.party_id).join(m.Disclosure, m.Disclosure.decision_id == m.Decision.id)
        .join(m.PublicSearch, m.PublicSearch.decision_id == m.Decision.id)  # listed for the public today
        .where(m.Party.party_type == PartyType.NATURAL_PERSON, m.Disclosure.status == DisclosureStatus.PUBLISHED,
               m.Case.facts.contains(m.Party.id_number),
               (m.PublicSearch.expires_on.is_(None)) | (m.PublicSearch.expires_on > dt.date.today()))
        .order_by(m.Decision.id).limit(1))[0]
    at = make_app(id=str(decision_id))
    at.switch_page("pages/decision.py").run()
    no_errors(at)
    text = _page_text(at)
    assert name[0] + "某" in text
    assert name not in text and id_number not in text
    assert find_personal_data(text) == []


def test_decision_page_of_company_shows_name_and_credit_code() -> None:
    decision_id, name, uscc = query(
        select(m.Decision.id, m.Party.name, m.Party.uscc).join(m.Case, m.Case.id == m.Decision.case_id)
        .join(m.Party, m.Party.id == m.Case.party_id).join(m.Disclosure, m.Disclosure.decision_id == m.Decision.id)
        .where(m.Party.party_type == PartyType.LEGAL_PERSON, m.Disclosure.status == DisclosureStatus.PUBLISHED)
        .limit(1))[0]
    at = make_app(id=str(decision_id))
    at.switch_page("pages/decision.py").run()
    text = _page_text(at)
    assert name in text and uscc in text


def test_withdrawn_decision_shows_tombstone_only() -> None:
    decision_id, conclusion, reason = query(
        select(m.Decision.id, m.Decision.conclusion, m.Disclosure.withdrawal_reason)
        .join(m.Disclosure, m.Disclosure.decision_id == m.Decision.id)
        .where(m.Disclosure.status == DisclosureStatus.WITHDRAWN).limit(1))[0]
    at = make_app(id=str(decision_id))
    at.switch_page("pages/decision.py").run()
    no_errors(at)
    assert any("已于" in e.value and reason.value in e.value for e in at.error)
    assert conclusion not in _page_text(at)


@pytest.mark.parametrize("raw", ["999999999", "abc", ""])
def test_unknown_decision_shows_a_message(raw: str) -> None:
    at = make_app(id=raw)
    at.switch_page("pages/decision.py").run()
    no_errors(at)
    assert at.warning and "未找到" in at.warning[0].value


def test_withheld_decision_is_not_public() -> None:
    decision_id = query(select(m.Disclosure.decision_id).where(m.Disclosure.withheld_reason.is_not(None)).limit(1))
    assert decision_id, "the sample data should contain withheld decisions"
    at = make_app(id=str(decision_id[0][0]))
    at.switch_page("pages/decision.py").run()
    assert "未找到" in at.warning[0].value


def test_agency_directory_and_profile_list_only_valid_officers() -> None:
    at = make_app()
    at.switch_page("pages/agencies.py").run()
    no_errors(at)
    assert any("市场监督管理局" in md.value for md in at.markdown)
    agency_id = query(select(m.Agency.id).where(m.Agency.code == "QS-SCJG"))[0][0]
    expired = query(select(m.Officer.cert_no).where(m.Officer.agency_id == agency_id,
                                                     m.Officer.cert_valid_to < m.func.current_date()))
    at = make_app(id=str(agency_id))
    at.switch_page("pages/agency.py").run()
    no_errors(at)
    officers = at.dataframe[1].value  # tabs: 权责清单, 执法人员, …
    assert len(officers) > 0
    assert not set(officers["执法证号"]) & {e[0] for e in expired}
    assert "裁量基准" in _page_text(at) or at.tabs


def test_login_page_and_sidebar_send_the_public_to_the_http_login_form() -> None:
    """The login form is served over HTTP (it sets the session cookie; tests/test_auth.py); the page and the
    sidebar link there."""
    at = make_app()
    at.switch_page("pages/login.py").run()
    no_errors(at)
    links = [b.proto.url for b in at.get("link_button")]
    assert "/auth/login" in links, links


def test_agency_page_publishes_benchmark_content_and_flow() -> None:
    agency_id = query(select(m.Agency.id).where(m.Agency.code == "QS-STHJ"))[0][0]
    at = make_app(id=str(agency_id))
    at.switch_page("pages/agency.py").run()
    no_errors(at)
    benchmark_rows = at.dataframe[4].value  # the chosen benchmark's items and tiers
    assert len(benchmark_rows) > 100 and "裁量标准" in benchmark_rows.columns
    at.text_input(key="benchmark_q").input("锅炉").run()
    assert 0 < len(at.dataframe[4].value) < len(benchmark_rows)
    assert any("行政复议" in md.value and "60 日" in md.value for md in at.markdown)


def test_procedure_flow_chart_lists_statutory_limits() -> None:
    from components.flow import procedure_flow_chart

    spec = procedure_flow_chart().to_dict()
    rows = spec["datasets"][next(iter(spec["datasets"]))]
    assert [r["环节"] for r in rows][:2] == ["立案", "调查取证"]
    assert any("90日" in r["要求"] for r in rows)


def test_decision_page_shows_reduced_public_timeline() -> None:
    decision_id, officer_certs = query(
        select(m.Decision.id, m.CaseEvent.officer_cert_nos).join(m.Case, m.Case.id == m.Decision.case_id)
        .join(m.CaseEvent, m.CaseEvent.case_id == m.Case.id)
        .join(m.Disclosure, m.Disclosure.decision_id == m.Decision.id)
        .where(m.Disclosure.status == DisclosureStatus.PUBLISHED, m.CaseEvent.officer_cert_nos != "").limit(1))[0]
    at = make_app(id=str(decision_id))
    at.switch_page("pages/decision.py").run()
    no_errors(at)
    assert any(s.value == "办理过程" for s in at.subheader)
    steps = at.dataframe[0].value
    assert list(steps.columns) == ["环节", "日期"] and "决定" in set(steps["环节"])
    assert officer_certs.split("、")[0] not in _page_text(at)  # no officer data on the public page


def test_agency_directory_explains_an_agency_without_officers_or_matters() -> None:
    at = make_app()
    at.switch_page("pages/agencies.py").run()
    no_errors(at)
    zero = [m.value for m in at.markdown if " 0 人" in m.value or " 0 项" in m.value]
    notes = [c.value for c in at.caption if c.value.startswith("本平台尚未收录该机关的")]
    assert zero and len(notes) == len(zero)
