"""Public pages of 双随机、一公开: the draw page recomputes a draw on request; the entity page shows the credit class in
text and colour with the rule that fired, and tells same-name companies apart; the objection form refuses an
over-limit submission; an agency answers from its internal page."""

from __future__ import annotations

from sqlalchemy import func, select

from db import models as m
from domain.enums import Role
from tests.pages.conftest import make_app, no_errors, query


def _texts(at) -> str:
    return "\n".join(str(e.value) for kind in ("title", "subheader", "markdown", "caption", "success", "error",
                                                "warning", "info") for e in getattr(at, kind))


def _open(path: str, role: Role | None = None, agency: str | None = None, **params: str):
    at = make_app(role, agency, **params)
    at.switch_page(path).run()
    no_errors(at)
    return at


def _draw_ids() -> tuple[int, int]:
    rows = query(select(m.InspectionDraw.id, m.InspectionDraw.published_objects, m.PoolSnapshot.members)
                 .join(m.PoolSnapshot, m.PoolSnapshot.id == m.InspectionDraw.object_snapshot_id)
                 .order_by(m.InspectionDraw.id))
    planted = next(i for i, published, snapshot in rows if published != snapshot)
    honest = next(i for i, published, snapshot in rows if published == snapshot)
    return honest, planted


def test_draw_list() -> None:
    at = _open("pages/draws.py")
    assert at.title[0].value == "双随机抽查"
    assert len(at.dataframe[0].value) >= 40
    # The planted late result and the planted repeated pairing are shown to the public
    assert any("**检查结果逾期公示**：1 项" in md.value for md in at.markdown)
    late = at.dataframe[1].value
    assert len(late) == 1 and int(late["逾期工作日"].iloc[0]) == 7
    repeats = next(md.value for md in at.markdown if "相邻两次抽取" in md.value)
    assert "：0 次" not in repeats


def test_honest_draw_recomputes_as_consistent() -> None:
    honest, _ = _draw_ids()
    at = _open("pages/draws.py", id=str(honest))
    text = _texts(at)
    assert "承诺值" in text and "随机种子" in text
    assert len(at.code) >= 3  # commitment, pool hashes, seed
    at.button(key="verify_draw").click().run()
    no_errors(at)
    assert any(s.value.startswith("一致") for s in at.success)


def test_planted_draw_shows_where_it_differs() -> None:
    _, planted = _draw_ids()
    at = _open("pages/draws.py", id=str(planted))
    at.button(key="verify_draw").click().run()
    no_errors(at)
    assert not at.success
    assert any("检查对象名录与抽取时的快照不同" in e.value for e in at.error)


def test_unknown_draw_falls_back_to_the_list() -> None:
    at = _open("pages/draws.py", id="99999")
    assert any("未找到" in w.value for w in at.warning)


def _penalised_code() -> str:
    return query(select(m.PublicRecord.uscc)
                 .join(m.PublicSearch, m.PublicSearch.decision_id == m.PublicRecord.decision_id)
                 .where(m.PublicRecord.uscc != "", m.PublicSearch.category == "行政处罚",
                        m.PublicSearch.penalty_types.like("%|罚款|%"))
                 .order_by(m.PublicSearch.decided_on.desc()).limit(1))[0][0]


def test_entity_profile_credit_class_in_text_and_colour() -> None:
    code = _penalised_code()
    at = _open("pages/entity.py", code=code)
    text = _texts(at)
    assert code in text
    badge = next(md.value for md in at.markdown if "信用分类" in md.value)
    assert "-badge[" in badge
    assert any(word in badge for word in ("良好", "警示", "失信", "严重失信"))  # the class in words, not colour alone
    assert "触发规则" in text
    tables = [d.value for d in at.dataframe]
    assert any("最早可申请信用修复" in t.columns for t in tables)
    assert any("决定书文号" in t.columns for t in tables)


def test_same_name_companies_are_listed_with_their_codes() -> None:
    name = query(select(m.PublicRecord.party_name).where(m.PublicRecord.uscc != "")
                 .group_by(m.PublicRecord.party_name)
                 .having(func.count(func.distinct(m.PublicRecord.uscc)) > 1).limit(1))[0][0]
    at = _open("pages/entity.py", q=name)
    links = [link.label for link in at.get("page_link") if name in link.label]
    assert len(links) >= 2 and len(set(links)) == len(links)


def test_bad_code_is_a_calm_message() -> None:
    at = _open("pages/entity.py", code="91440703YY0000000X")
    assert any("不正确" in w.value or "没有找到" in w.value for w in at.warning)


def test_objection_form_rate_limit(writable_db) -> None:
    code = _penalised_code()
    at = _open("pages/objection.py", code=code)
    for n in range(3):
        at.text_area[0].input(f"第{n + 1}条：违法行为类型与事实不符")
        at.get("form_submit_button")[0].click().run()
        no_errors(at)
        assert any("异议已提交" in s.value for s in at.success), _texts(at)
    at.text_area[0].input("第4条")
    at.get("form_submit_button")[0].click().run()
    assert any("过于频繁" in e.value for e in at.error), _texts(at)
    assert query(select(func.count()).select_from(m.Objection))[0][0] == 3


def test_objection_status_and_agency_answer(writable_db) -> None:
    decision_id, agency_code = query(
        select(m.PublicSearch.decision_id, m.Agency.code).join(m.Agency, m.Agency.id == m.PublicSearch.agency_id)
        .where(m.PublicSearch.status == "已公示", m.Agency.code == "QS-SCJG").limit(1))[0]
    at = _open("pages/objection.py", decision=str(decision_id))
    at.text_area[0].input("处罚内容中的金额有误")
    at.get("form_submit_button")[0].click().run()
    ticket = query(select(m.Objection.id))[0][0]
    status = _open("pages/objection.py", ticket=str(ticket))
    assert any("**状态**：待处理" in md.value for md in status.markdown)
    # A supervisor sees it but cannot answer; an officer of the agency answers
    supervisor = _open("pages/objections_admin.py", Role.SUPERVISOR)
    assert any("只有该公示机关的执法人员" in i.value for i in supervisor.info)
    officer = _open("pages/objections_admin.py", Role.OFFICER, agency_code)
    officer.text_area[0].input("经核实，金额无误，维持原公示内容。")
    officer.get("form_submit_button")[0].click().run()
    no_errors(officer)
    assert any("已答复" in s.value for s in officer.success)
    decision = _open("pages/decision.py", id=str(decision_id))
    assert any("异议答复" in md.value for md in decision.markdown)



HOSTILE_TEXT = ["x" * 5000, "a\x00b", "' OR 1=1 --", '"*NEAR(', "４２", "![](http://127.0.0.1:9/x.png)"]


def test_hostile_text_in_the_objection_form_and_the_entity_search(writable_db) -> None:
    code = _penalised_code()
    for value in HOSTILE_TEXT:
        at = _open("pages/objection.py", code=code)
        at.text_area[0].input(value)
        at.text_input[0].input(value)
        at.get("form_submit_button")[0].click().run()
        no_errors(at)
        for box in at.error:
            assert len(box.value) < 300 and value[:60] not in box.value or len(value) <= 50
        search = _open("pages/entity.py")
        search.text_input(key="entity_q").input(value).run()
        no_errors(search)
    with_bad_text = query(select(func.count()).select_from(m.Objection).where(m.Objection.content.like("%x%x%x%")))
    assert with_bad_text[0][0] == 0  # the 5,000-character text was refused, not cut
