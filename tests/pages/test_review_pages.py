"""Legal review: the reviewer's page pages/review.py records 同意 / 存在问题 with a complete written opinion."""

from __future__ import annotations

import json

from sqlalchemy import select

from db import models as m
from domain.enums import Role
from tests.pages.conftest import make_app, no_errors, query


def _pending(engine):
    with engine.connect() as conn:
        row = conn.execute(
            select(m.LegalReview.case_id, m.Case.agency_id, m.Agency.code)
            .join(m.Case, m.Case.id == m.LegalReview.case_id).join(m.Agency, m.Agency.id == m.Case.agency_id)
            .where(m.LegalReview.outcome.is_(None)).limit(1)).one()
        reviewer = conn.execute(select(m.Officer.id).where(m.Officer.agency_id == row.agency_id,
                                                           m.Officer.is_legal_reviewer.is_(True)).limit(1)).scalar_one()
    return row.case_id, row.code, reviewer


def test_reviewer_approves_with_complete_opinion(writable_db) -> None:
    case_id, code, reviewer = _pending(writable_db)
    at = make_app(Role.REVIEWER, code, officer_id=reviewer, case=str(case_id))
    at.switch_page("pages/review.py").run()
    no_errors(at)
    at.text_area(key="opinion").input("同意。事实清楚，证据确凿，适用依据正确，程序合法，裁量适当。")
    at.get("form_submit_button")[0].click().run()
    no_errors(at)
    assert at.success and "审核意见已记录" in at.success[0].value
    with writable_db.connect() as conn:
        row = conn.execute(select(m.LegalReview).where(m.LegalReview.case_id == case_id)
                           .order_by(m.LegalReview.round_no.desc())).first()
        audit = conn.execute(select(m.AuditEntry.action).where(m.AuditEntry.action == "decide_review")).all()
    assert row.outcome.value == "同意" and row.reviewer_officer_id == reviewer
    assert json.loads(row.checklist)["裁量基准运用适当"]["ok"] is True
    assert len(audit) == 1


def test_return_without_reasons_is_refused_and_writes_nothing(writable_db) -> None:
    case_id, code, reviewer = _pending(writable_db)
    at = make_app(Role.REVIEWER, code, officer_id=reviewer, case=str(case_id))
    at.switch_page("pages/review.py").run()
    at.radio(key="review_action").set_value(at.radio(key="review_action").options[1])
    at.text_area(key="opinion").input("退回")
    at.get("form_submit_button")[0].click().run()
    assert any("至少标明一项" in e.value for e in at.error)
    with writable_db.connect() as conn:
        outcome = conn.execute(select(m.LegalReview.outcome).where(m.LegalReview.case_id == case_id)
                               .order_by(m.LegalReview.round_no.desc())).scalar()
    assert outcome is None


def test_reviewer_without_qualification_sees_no_form() -> None:
    case_id, code = query(select(m.LegalReview.case_id, m.Agency.code).join(m.Case, m.Case.id == m.LegalReview.case_id)
                          .join(m.Agency, m.Agency.id == m.Case.agency_id).where(m.LegalReview.outcome.is_(None))
                          .limit(1))[0]
    at = make_app(Role.REVIEWER, code, case=str(case_id))  # no officer record → no 法律职业资格 on file
    at.switch_page("pages/review.py").run()
    no_errors(at)
    assert not at.get("form_submit_button")
    assert any("法律职业资格" in i.value for i in at.info)


def test_reviewer_of_other_agency_cannot_open_the_case() -> None:
    case_id = query(select(m.LegalReview.case_id).join(m.Case, m.Case.id == m.LegalReview.case_id)
                    .join(m.Agency, m.Agency.id == m.Case.agency_id).where(m.Agency.code != "QS-SCJG").limit(1))[0][0]
    at = make_app(Role.REVIEWER, "QS-SCJG", case=str(case_id))
    at.switch_page("pages/review.py").run()
    assert at.warning and "不属于本机关" in at.warning[0].value


def test_review_decision_is_recorded_in_the_case_chain(writable_db) -> None:
    from db.integrity import case_chain_status, verify_chains

    case_id, code, reviewer = _pending(writable_db)
    with writable_db.connect() as conn:
        before = conn.execute(select(m.CaseEvent.seq).where(m.CaseEvent.case_id == case_id)).scalars().all()
    at = make_app(Role.REVIEWER, code, officer_id=reviewer, case=str(case_id))
    at.switch_page("pages/review.py").run()
    at.text_area(key="opinion").input("同意。事实清楚，证据确凿，适用依据正确，程序合法，裁量适当。")
    at.get("form_submit_button")[0].click().run()
    with writable_db.connect() as conn:
        stage, action = conn.execute(select(m.CaseEvent.stage, m.CaseEvent.action).where(m.CaseEvent.case_id == case_id)
                                     .order_by(m.CaseEvent.seq.desc())).first()
        count = len(conn.execute(select(m.CaseEvent.seq).where(m.CaseEvent.case_id == case_id)).scalars().all())
    assert count == len(before) + 1 and stage.value == "法制审核" and action == "法制审核同意"
    assert case_chain_status(writable_db, case_id) is None and verify_chains(writable_db).first_break is None
