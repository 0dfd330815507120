"""Legal review pages: the queue ordered by time left on the review clock, the review form (everything under review
on one screen, every checklist item unset, approve; problems → resubmit → approve; the form clears), the case
page's submission, and the supervisors' status board with the planted legacy violations."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy import select

from db import models as m
from db.reviews import ProposalForm, handling_officer_ids, record_proposal, rounds_of, submit_for_review
from domain.enums import PenaltyType, Role
from domain.permissions import Actor
from domain.review import CHECKLIST, MATERIALS
from tests.pages.conftest import make_app, no_errors, query


def _free_reviewer(conn, case_id: int, agency_id: int) -> int:
    """A legal reviewer of the agency who did not handle the case (回避)."""
    handled = handling_officer_ids(conn, case_id)
    ids = conn.execute(select(m.Officer.id).where(m.Officer.agency_id == agency_id,
                                                  m.Officer.is_legal_reviewer.is_(True)).order_by(m.Officer.id)).scalars()
    return next(i for i in ids if i not in handled)


def _pending(engine):
    with engine.connect() as conn:
        rows = conn.execute(
            select(m.LegalReview.case_id, m.Case.agency_id, m.Agency.code)
            .join(m.Case, m.Case.id == m.LegalReview.case_id).join(m.Agency, m.Agency.id == m.Case.agency_id)
            .where(m.LegalReview.outcome.is_(None)).order_by(m.LegalReview.case_id)).all()
        for row in rows:
            try:
                return row.case_id, row.code, _free_reviewer(conn, row.case_id, row.agency_id)
            except StopIteration:
                continue
    raise AssertionError("no pending round with a reviewer free to review it")


def _fill(at, verdicts: dict[str, str], opinion: str, action: str, v: int = 0) -> None:
    for key, _label in CHECKLIST:
        at.radio(key=f"chk_{key}_{v}").set_value(verdicts.get(key, "通过"))
        if verdicts.get(key) == "存在问题":
            at.text_input(key=f"cmt_{key}_{v}").input("从重情节未说明依据")
    at.text_area(key=f"opinion_{v}").input(opinion)
    radio = at.radio(key=f"review_action_{v}")
    radio.set_value(next(o for o in radio.options if o.startswith(action)))
    at.get("form_submit_button")[0].click().run()


def _all_text(at) -> str:
    parts = [str(x.value) for kind in ("markdown", "caption", "info", "warning", "success", "error")
             for x in at.get(kind)]
    for frame in at.dataframe:
        data = frame.value.data if hasattr(frame.value, "data") else frame.value
        parts.append(data.to_string())
    return "\n".join(parts)


def test_queue_is_sorted_by_time_left_and_shows_no_raw_values() -> None:
    code = query(select(m.Agency.code).join(m.Case, m.Case.agency_id == m.Agency.id)
                 .join(m.LegalReview, m.LegalReview.case_id == m.Case.id).where(m.LegalReview.outcome.is_(None))
                 .limit(1))[0][0]
    at = make_app(Role.REVIEWER, code)
    at.switch_page("pages/review_queue.py").run()
    no_errors(at)
    frame = at.dataframe[0].value
    data = frame.data if hasattr(frame, "data") else frame
    assert list(data.columns)[:2] == ["案号", "执法主体"] and "剩余时间" in data.columns
    assert "None" not in data.to_string() and "nan" not in data.to_string()
    left = [int(t.removeprefix("剩余").removesuffix("个工作日")) if t.startswith("剩余") else
            (-int(t.removeprefix("逾期").removesuffix("个工作日")) if t.startswith("逾期") else 0)
            for t in data["剩余时间"] if t != "材料不全，待补充"]
    assert left == sorted(left)


def test_review_form_shows_everything_starts_unset_approves_and_clears(writable_db) -> None:
    case_id, code, reviewer = _pending(writable_db)
    at = make_app(Role.REVIEWER, code, officer_id=reviewer, case=str(case_id))
    at.switch_page("pages/review.py").run()
    no_errors(at)
    headers = [h.value for h in at.subheader]
    for section in ("拟处理决定", "裁量基准运用", "送审材料", "办案时间轴与法定时限", "审核记录"):
        assert section in headers
    assert all(at.radio(key=f"chk_{key}_0").value is None for key, _ in CHECKLIST)
    assert at.radio(key="review_action_0").value is None
    _fill(at, {}, "同意。事实清楚，证据确凿，适用依据正确，程序合法，裁量适当。", "同意")
    no_errors(at)
    assert at.success and "审核意见已记录" in at.success[0].value
    assert not at.get("form_submit_button")  # concluded: no form left to submit again
    rounds = rounds_of(writable_db, case_id)
    assert rounds[-1].conclusion.value == "同意" and rounds[-1].reviewer_officer_id == reviewer
    assert rounds[-1].checklist["裁量基准运用适当"]["ok"] is True
    assert "None" not in _all_text(at)


def test_problems_then_resubmission_then_approval(writable_db) -> None:
    with writable_db.connect() as conn:
        case = conn.execute(select(m.Case.id, m.Case.agency_id, m.Agency.code).join(m.Agency, m.Agency.id == m.Case.agency_id)
                            .outerjoin(m.Decision, m.Decision.case_id == m.Case.id)
                            .outerjoin(m.LegalReview, m.LegalReview.case_id == m.Case.id)
                            .where(m.Decision.id.is_(None), m.LegalReview.id.is_(None))
                            .order_by(m.Case.id)).first()
        officer_id = conn.execute(select(m.Officer.id).where(m.Officer.agency_id == case.agency_id,
                                                             m.Officer.is_legal_reviewer.is_(False))).scalars().first()
    officer = Actor("t_officer", "测试用户", Role.OFFICER, agency_id=case.agency_id, officer_id=officer_id)
    assert record_proposal(writable_db, case.id, ProposalForm(
        items=((PenaltyType.FINE, Decimal("200000")),), legal_basis="《中华人民共和国食品安全法》第一百二十四条",
        facts="当事人经营超过保质期的食品。", discretion_statement="货值金额较大，按一般档次处罚。"), officer).ok
    today = dt.date.today()
    assert submit_for_review(writable_db, case.id, [k for k, _ in MATERIALS], officer, today).ok
    with writable_db.connect() as conn:
        reviewer = _free_reviewer(conn, case.id, case.agency_id)

    at = make_app(Role.REVIEWER, case.code, officer_id=reviewer, case=str(case.id))
    at.switch_page("pages/review.py").run()
    assert "200,000.00" in _all_text(at) and "第一百二十四条" in _all_text(at)  # amount and basis under review
    _fill(at, {"discretion": "存在问题"}, "裁量说明不充分，请补充从重情节的证据后重新报送。", "存在问题")
    no_errors(at)
    assert at.success and "已退回承办机构" in at.success[0].value

    page = make_app(Role.OFFICER, case.code, officer_id=officer_id, id=str(case.id))
    page.switch_page("pages/case.py").run()
    no_errors(page)
    assert page.button(key="submit_review_0").label == "重新报送法制审核"
    page.text_area(key="response_0").input("已补充从重情节的证据和说明。")
    page.button(key="submit_review_0").click().run()
    no_errors(page)
    assert page.success and "重新报送法制审核（第2轮）" in page.success[0].value

    again = make_app(Role.REVIEWER, case.code, officer_id=reviewer, case=str(case.id))
    again.switch_page("pages/review.py").run()
    _fill(again, {}, "同意。已补充证据，裁量适当。", "同意")
    no_errors(again)
    rounds = rounds_of(writable_db, case.id)
    assert [r.conclusion.value for r in rounds] == ["存在问题，退回", "同意"]
    history = again.dataframe[-1].value
    assert list(history["轮次"]) == ["第1轮", "第2轮"] and "None" not in history.to_string()


def test_status_board_lists_the_planted_legacy_violations(seeded_sqlite) -> None:
    planted = seeded_sqlite[1].planted["unreviewed_major"]
    frames = {}
    for view in ("违法情形", "全部重大执法决定"):  # each view of the overview has its own address
        at = make_app(Role.SUPERVISOR, view=view)
        at.switch_page("pages/supervision.py").run()
        no_errors(at)
        assert at.query_params["view"] == view
        frames[view] = [f.value for f in at.dataframe]
    boards = [f for f in frames["全部重大执法决定"] if "法制审核状态" in f.columns]
    assert boards, "the status board list is missing"
    violations = [f for f in frames["违法情形"] if "违法情形" in f.columns]
    assert len(violations[0]) >= planted
    assert (boards[0]["法制审核状态"] == "未经法制审核").sum() >= planted
    assert "None" not in boards[0].to_string()


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
    _fill(at, {}, "同意。事实清楚，证据确凿，适用依据正确，程序合法，裁量适当。", "同意")
    with writable_db.connect() as conn:
        stage, action = conn.execute(select(m.CaseEvent.stage, m.CaseEvent.action).where(m.CaseEvent.case_id == case_id)
                                     .order_by(m.CaseEvent.seq.desc())).first()
        count = len(conn.execute(select(m.CaseEvent.seq).where(m.CaseEvent.case_id == case_id)).scalars().all())
    assert count == len(before) + 1 and stage.value == "法制审核" and action == "法制审核同意"
    assert case_chain_status(writable_db, case_id) is None and verify_chains(writable_db).first_break is None


def test_public_review_summary_counts_the_planted_violations_without_naming_cases(seeded_sqlite) -> None:
    at = make_app()
    at.switch_page("pages/review_status.py").run()
    no_errors(at)
    labels = {m.label: m.value for m in at.metric}
    assert int(labels["未经法制审核"]) >= seeded_sqlite[1].planted["unreviewed_major"] > 0
    table = at.dataframe[0].value
    assert "执法主体" in table.columns and "案号" not in table.columns and "决定书文号" not in table.columns
    assert "None" not in table.to_string()


def test_agency_page_publishes_its_major_decision_catalogue() -> None:
    agency_id = query(select(m.Agency.id).order_by(m.Agency.id).limit(1))[0][0]
    at = make_app(id=str(agency_id))
    at.switch_page("pages/agency.py").run()
    no_errors(at)
    lines = [x.value for x in at.markdown]
    assert any("对自然人罚款" in x and "以上（含本数）" in x for x in lines)
    assert any("审核时限" in x and "7个工作日" in x for x in lines)


def test_admin_edits_the_catalogue_and_bad_amounts_write_nothing(writable_db) -> None:
    from db.reviews import agency_major_rules

    with writable_db.connect() as conn:
        agency_id = conn.execute(select(m.Agency.id).order_by(m.Agency.id).limit(1)).scalar_one()
    at = make_app(Role.ADMIN)
    at.switch_page("pages/major_rules.py").run()
    at.selectbox(key="rules_agency").set_value(agency_id).run()
    no_errors(at)
    at.text_input[0].input("一些")
    at.get("form_submit_button")[0].click().run()
    assert any("无法识别" in e.value for e in at.error)
    assert agency_major_rules(writable_db, agency_id).inclusive is True
    at.text_input[0].input("5000")
    at.text_input[1].input("50000")
    at.radio[0].set_value("超过（不含本数）")
    at.get("form_submit_button")[0].click().run()
    no_errors(at)
    assert at.success and "已保存" in at.success[0].value
    rules = agency_major_rules(writable_db, agency_id)
    assert (rules.fine_person, rules.fine_org, rules.inclusive) == (Decimal("5000.00"), Decimal("50000.00"), False)
    assert any("超过5\\,000元（不含本数）" in x.value for x in at.markdown)  # md() escapes the comma


def test_review_form_shows_the_discretion_check_of_the_proposed_fine(writable_db) -> None:
    """裁量基准运用适当 can be judged on the form: the check of the proposed fine against the tier it applies (here
    above the tier), inline at the checklist item, and the 类案参考 panel for that tier."""
    from domain.enums import BenchmarkRangeKind

    t = m.BenchmarkTier
    with writable_db.connect() as conn:
        case = conn.execute(select(m.Case.id, m.Case.agency_id, m.Agency.code).join(m.Agency, m.Agency.id == m.Case.agency_id)
                            .outerjoin(m.Decision, m.Decision.case_id == m.Case.id)
                            .outerjoin(m.LegalReview, m.LegalReview.case_id == m.Case.id)
                            .where(m.Decision.id.is_(None), m.LegalReview.id.is_(None))
                            .order_by(m.Case.id)).first()
        officer_id = conn.execute(select(m.Officer.id).where(m.Officer.agency_id == case.agency_id,
                                                             m.Officer.is_legal_reviewer.is_(False))).scalars().first()
        tier_id, high = conn.execute(select(t.id, t.max_amount).where(
            t.range_kind == BenchmarkRangeKind.FIXED, t.min_amount >= 1000, t.max_amount <= 30000,
            t.min_amount < t.max_amount).order_by(t.id).limit(1)).one()
    officer = Actor("t_officer", "测试用户", Role.OFFICER, agency_id=case.agency_id, officer_id=officer_id)
    assert record_proposal(writable_db, case.id, ProposalForm(
        items=((PenaltyType.FINE, high + 1000),), legal_basis="《中华人民共和国环境保护法》第六十三条",
        facts="当事人超标排放污染物。", discretion_statement="情节一般。", benchmark_tier_id=tier_id), officer).ok
    # The officer sees the flags on the case page as soon as the proposal is saved (warnings, not a refusal).
    page = make_app(Role.OFFICER, case.code, officer_id=officer_id, id=str(case.id))
    page.switch_page("pages/case.py").run()
    no_errors(page)
    assert any(e.label.startswith("拟处理决定的裁量基准核查：") and "未发现问题" not in e.label for e in page.expander)
    assert submit_for_review(writable_db, case.id, [k for k, _ in MATERIALS], officer, dt.date.today()).ok
    with writable_db.connect() as conn:
        reviewer = _free_reviewer(conn, case.id, case.agency_id)
    at = make_app(Role.REVIEWER, case.code, officer_id=reviewer, case=str(case.id))
    at.switch_page("pages/review.py").run()
    no_errors(at)
    text = _all_text(at)
    assert "裁量基准核查" in text
    assert "档次不符" in text or "超出法定幅度" in text
    assert "突破裁量基准" in text  # the case became major because of it
    assert any(e.label.startswith("类案参考") for e in at.expander)
