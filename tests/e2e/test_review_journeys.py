"""Legal review in a real browser against the real server: the officer submits a major case, the reviewer sees the
proposed amount and legal basis, returns it with a problem, the officer resubmits, the reviewer approves, the
officer records the decision and its public page says 经法制审核 with the date; and a decision refused before
approval, with nothing written."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from sqlalchemy import Engine, func, select

from db import models as m
from db.reviews import ProposalForm, record_proposal
from domain.enums import CaseStatus, PenaltyType, Role
from domain.formatting import today_shanghai
from domain.permissions import Actor
from domain.review import CHECKLIST
from tests.e2e.conftest import serve
from tests.e2e.test_journeys import ARGS, CHROMIUM, browser  # noqa: F401 - the shared browser fixture

BASIS = "《中华人民共和国产品质量法》第四十九条"
CASE_NO = "青市监立〔2026〕旅程1号"
TIMEOUT = 30_000


@pytest.fixture
def major_case(seeded_sqlite_copy) -> tuple[Engine, int]:
    """A new case of the market regulator with a proposed fine of 15万 on a company (major: ≥ 10万)."""
    engine = seeded_sqlite_copy(40, 3)
    with engine.begin() as conn:
        agency_id, officer_id = conn.execute(
            select(m.User.agency_id, m.User.officer_id).where(m.User.username == "officer_scjg")).one()
        party = conn.execute(m.Party.__table__.insert().values(
            party_type="法人", name="临江市旅程测试贸易有限公司", created_at=dt.datetime.now(dt.UTC)).returning(m.Party.id)
        ).scalar_one()
        case_id = conn.execute(m.Case.__table__.insert().values(
            case_no=CASE_NO, agency_id=agency_id, party_id=party, procedure="普通程序",
            filed_on=today_shanghai() - dt.timedelta(days=30), status=CaseStatus.INVESTIGATING,
            violation="销售不合格产品", facts="经查，当事人销售不合格电线。", created_at=dt.datetime.now(dt.UTC)
        ).returning(m.Case.id)).scalar_one()
    officer = Actor("officer_scjg", "区市场监管局执法人员", Role.OFFICER, agency_id=agency_id, officer_id=officer_id)
    assert record_proposal(engine, case_id, ProposalForm(
        items=((PenaltyType.FINE, Decimal("150000")),), legal_basis=BASIS, facts="当事人销售不合格电线，货值金额5万元。",
        discretion_statement="货值金额较大，按一般档次处罚。"), officer).ok
    return engine, case_id


def _login(browser, base: str, username: str):  # noqa: F811
    context = browser.new_context(viewport={"width": 1400, "height": 1100})
    page = context.new_page()
    from domain.accounts import DEMO_PASSWORD

    page.goto(f"{base}/auth/login?next=/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_selector("text=退出登录", timeout=TIMEOUT)
    return page


def _open_case(page, case_no: str, text: str) -> None:
    """In-app navigation (a reload would start a new, logged-out session): 案件 → search → the row → 打开案件."""
    page.locator('[data-testid="stSidebar"]').get_by_text("案件", exact=True).click()
    page.wait_for_selector("text=案号、当事人或决定书文号", timeout=TIMEOUT)
    box = page.get_by_label("案号、当事人或决定书文号")
    box.fill(case_no)
    box.press("Enter")
    grid = page.locator('[data-testid="stDataFrame"]').first
    page.wait_for_timeout(1500)
    grid.wait_for(timeout=TIMEOUT)
    bounds = grid.bounding_box()
    page.mouse.click(bounds["x"] + 18, bounds["y"] + 35 + 17)  # the row marker of the first (only) row
    page.get_by_text(f"打开案件 {case_no}").click()
    page.wait_for_selector(f"text={text}", timeout=TIMEOUT)


def _review(page, problem: bool) -> None:
    _open_case(page, CASE_NO, "进行法制审核")
    page.get_by_text("进行法制审核").click()
    page.wait_for_selector("text=审核意见", timeout=TIMEOUT)
    body = page.locator("section.main, [data-testid='stMain']").first.inner_text()
    assert "150,000.00" in body and BASIS in body  # the proposed amount and the legal basis under review
    for key, label in CHECKLIST:
        verdict = "存在问题" if problem and key == "discretion" else "通过"
        page.get_by_role("radiogroup", name=label).get_by_text(verdict, exact=True).click()
    if problem:
        page.get_by_placeholder("存在问题时说明问题和依据").nth(6).fill("从重情节未说明依据")
        page.get_by_label("书面审核意见").fill("裁量说明不充分，请补充从重情节的证据后重新报送。")
        page.get_by_role("radiogroup", name="审核结论").get_by_text("存在问题，退回").click()
    else:
        page.get_by_label("书面审核意见").fill("同意。事实清楚，证据确凿，适用依据正确，裁量适当。")
        page.get_by_role("radiogroup", name="审核结论").get_by_text("同意", exact=True).click()
    page.get_by_role("button", name="提交审核意见").click()
    page.wait_for_selector("text=审核意见已记录", timeout=TIMEOUT)


def test_submit_return_resubmit_approve_decide_and_publish(browser, major_case, tmp_path) -> None:  # noqa: F811
    engine, case_id = major_case
    with serve(engine.url.render_as_string(hide_password=False), tmp_path) as base:
        officer = _login(browser, base, "officer_scjg")
        _open_case(officer, CASE_NO, "报送法制审核")
        officer.get_by_role("button", name="报送法制审核").click()
        officer.wait_for_selector("text=已报送法制审核（第1轮）", timeout=TIMEOUT)

        reviewer = _login(browser, base, "reviewer_scjg")
        _review(reviewer, problem=True)

        _open_case(officer, CASE_NO, "重新报送法制审核")
        officer.get_by_label("对审核意见的研究处理情况").fill("已补充从重情节的证据和说明。")
        officer.get_by_role("button", name="重新报送法制审核").click()
        officer.wait_for_selector("text=已重新报送法制审核（第2轮）", timeout=TIMEOUT)

        _review(reviewer, problem=False)

        _open_case(officer, CASE_NO, "作出决定")
        officer.get_by_label("决定书文号").fill("青市监罚〔2026〕旅程1号")
        officer.get_by_role("button", name="记录决定").click()
        officer.wait_for_selector("text=已记录并公示", timeout=TIMEOUT)

        with engine.connect() as conn:
            decision_id = conn.execute(select(m.Decision.id).where(m.Decision.case_id == case_id)).scalar_one()
        public = browser.new_page()
        public.goto(f"{base}/decision?id={decision_id}")
        public.wait_for_selector("text=重大执法决定法制审核", timeout=TIMEOUT)
        assert f"经法制审核（{today_shanghai().isoformat()}）" in public.locator("[data-testid='stMain']").inner_text()


def test_decision_is_refused_before_approval_and_nothing_is_written(browser, major_case, tmp_path) -> None:  # noqa: F811
    engine, case_id = major_case
    with serve(engine.url.render_as_string(hide_password=False), tmp_path) as base:
        officer = _login(browser, base, "officer_scjg")
        _open_case(officer, CASE_NO, "作出决定")
        officer.get_by_label("决定书文号").fill("青市监罚〔2026〕旅程2号")
        officer.get_by_role("button", name="记录决定").click()
        officer.wait_for_selector("text=未经法制审核，不得作出决定", timeout=TIMEOUT)
    with engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(m.Decision).where(m.Decision.case_id == case_id)
                            ).scalar_one() == 0
