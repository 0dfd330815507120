"""Browser journeys of 双随机、一公开: verify a draw by recomputing it, look an entity up by name and by code, and
object to its information until the rate limit refuses a submission."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import select

from db import models as m
from db.engine import make_engine
from db.inspections import all_draw_ids
from tests.e2e.conftest import serve
from tests.e2e.test_journeys import _open, browser  # noqa: F401 - the module's browser fixture

TIMEOUT = 30_000


def _draws(url: str, planted_no: str) -> tuple[int, int]:
    engine = make_engine(url)
    ids = all_draw_ids(engine)
    engine.dispose()
    planted = next(i for i, no in ids if no == planted_no)
    honest = next(i for i, no in ids if no != planted_no)
    return honest, planted


def _entity(url: str) -> tuple[str, str]:
    engine = make_engine(url)
    with engine.connect() as conn:
        code, name = conn.execute(
            select(m.PublicRecord.uscc, m.PublicRecord.party_name)
            .join(m.PublicSearch, m.PublicSearch.decision_id == m.PublicRecord.decision_id)
            .where(m.PublicRecord.uscc != "", m.PublicSearch.status == "已公示")
            .order_by(m.PublicSearch.decided_on.desc()).limit(1)).one()
    engine.dispose()
    return code, name


def test_draw_is_recomputed_in_the_browser(browser, live_server, seeded_sqlite, tmp_path) -> None:  # noqa: F811
    honest, planted = _draws(seeded_sqlite[0], seeded_sqlite[1].inspection_planted["pool_mismatch"])
    page = _open(browser, f"{live_server}/draws?id={honest}")
    page.wait_for_selector("text=承诺值", timeout=TIMEOUT)
    page.get_by_role("button", name="重新计算并核验").click()
    page.wait_for_selector("text=一致：种子与承诺值相符", timeout=TIMEOUT)
    page.screenshot(path=str(tmp_path / "draw-ok.png"), full_page=True)
    page = _open(browser, f"{live_server}/draws?id={planted}")
    page.get_by_role("button", name="重新计算并核验").click()
    page.wait_for_selector("text=不一致：检查对象名录与抽取时的快照不同", timeout=TIMEOUT)
    assert "一致：种子与承诺值相符" not in page.content()


def test_entity_by_name_then_by_code(browser, live_server, seeded_sqlite) -> None:  # noqa: F811
    code, name = _entity(seeded_sqlite[0])
    page = _open(browser, f"{live_server}/entity")
    box = page.get_by_label("统一社会信用代码或名称")
    box.fill(name)
    box.press("Enter")
    page.wait_for_selector(f"text={code}", timeout=TIMEOUT)
    page.get_by_text(code).first.click()
    page.wait_for_selector("text=信用分类", timeout=TIMEOUT)
    page.wait_for_selector("text=触发规则", timeout=TIMEOUT)
    body = page.locator("body").inner_text()
    assert code in body and any(c in body for c in ("良好", "警示", "失信", "严重失信"))
    page.get_by_role("tab", name="公示期与信用修复").click()
    page.wait_for_selector("text=按决定日期适用当时有效的信用修复规则", timeout=TIMEOUT)


@pytest.fixture
def writable_server(seeded_sqlite_copy, tmp_path) -> Iterator[tuple[str, str]]:
    engine = seeded_sqlite_copy(600, 7)
    url = engine.url.render_as_string(hide_password=False)
    engine.dispose()
    with serve(url, tmp_path) as base:
        yield base, url


def test_objection_form_refuses_the_fourth_submission(browser, writable_server, tmp_path) -> None:  # noqa: F811
    base, url = writable_server
    code, _ = _entity(url)
    page = _open(browser, f"{base}/objection?code={code}")
    for n in range(1, 4):
        page.get_by_label("异议内容").fill(f"第{n}条：违法行为类型与事实不符")
        page.get_by_role("button", name="提交异议").click()
        page.wait_for_selector(f"text=异议已提交，编号 {n}", timeout=TIMEOUT)
    page.get_by_label("异议内容").fill("第4条")
    page.get_by_role("button", name="提交异议").click()
    page.wait_for_selector("text=提交过于频繁", timeout=TIMEOUT)
    page.screenshot(path=str(tmp_path / "objection-refused.png"), full_page=True)
    engine = make_engine(url)
    with engine.connect() as conn:
        assert len(conn.execute(select(m.Objection.id)).all()) == 3
    engine.dispose()
    status = _open(browser, f"{base}/objection?ticket=1")
    status.wait_for_selector("text=异议办理情况", timeout=TIMEOUT)
    status.wait_for_selector("text=待处理", timeout=TIMEOUT)
    # The ticket's text is drawn after its status line: wait for it rather than read the body once.
    status.wait_for_selector("text=第1条：违法行为类型与事实不符", timeout=TIMEOUT)
