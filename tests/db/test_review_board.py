"""review_board stays equal to the old per-case computation of the legal-review status board — after the seed and
after every kind of write: proposal, submission, supplement, claim, extension, review decision, recorded decision,
imported decisions and reviews, a calendar entry, a change of an agency's review time limit — once db.board has
refreshed what the triggers queued (SQLite and PostgreSQL); and the aggregates and bounded lists the pages read
from it equal the ones computed from the full board."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from sqlalchemy import Engine, func, insert, or_, select, update

from components.review import outcome_mix, review_duration_chart
from db import models as m
from db.board import BOARD, QUEUE, VERSION, board_overview, board_rows, board_tallies, current_version, rebuild, refresh
from db.commands import remove_calendar_day, set_calendar_day
from db.events import load_case_facts
from db.public import public_review, public_review_summary
from db.review_rounds import load_rounds, major_rules_by_agency
from db.reviews import (
    DecisionForm,
    claim_review,
    decide_review,
    extend_review,
    major_board,
    record_decision,
    record_proposal,
    save_major_rules,
    submit_for_review,
    supplement_materials,
)
from db.stats import load_calendar
from domain.enums import ReviewOutcome, Role
from domain.major import DEFAULT_MAJOR_RULES, MajorRules
from domain.permissions import Actor
from domain.procedure import case_clocks
from domain.review import ClockState, ReviewAction, ReviewDecision, approved_before, major_status, review_clock
from domain.workdays import WorkCalendar
from tests.db.test_events import new_case
from tests.db.test_review_gate import ALL_MATERIALS, ALL_PASS, TODAY, actors, proposal

# Today as the sample's, a month later (running clocks overdue, open durations longer) and in a year without a
# bundled calendar.
TODAYS = (TODAY, TODAY + dt.timedelta(days=31), dt.date(2027, 3, 1))


# --- the old computation, kept as the reference -------------------------------------------------------------------


def reference_board(engine: Engine, calendar: WorkCalendar, today: dt.date) -> pd.DataFrame:
    """db.reviews.major_board as it was before the stored board: every major case loaded with its rounds and
    computed in Python."""
    c, a, d = m.Case, m.Agency, m.Decision
    stmt = (select(c.id, c.case_no, c.agency_id, a.short_name, c.major_reasons, d.decision_no, d.decided_on,
                   d.unreviewed_major)
            .join(a, a.id == c.agency_id).outerjoin(d, d.case_id == c.id)
            .where(or_(c.is_major.is_(True), d.unreviewed_major.is_(True))).order_by(c.id))
    with engine.connect() as conn:
        cases = list(conn.execute(stmt).all())
        rounds, rules = load_rounds(conn, [x.id for x in cases]), major_rules_by_agency(conn)
    rows = []
    for case in cases:
        own = rounds.get(case.id, [])
        rule = rules.get(case.agency_id, DEFAULT_MAJOR_RULES)
        last = own[-1] if own else None
        decided = case.decided_on is not None
        approved = approved_before(own, case.decided_on) if decided else (
            last.reviewed_on if last and last.outcome is ReviewOutcome.APPROVED else None)
        violation = decided and (bool(case.unreviewed_major) or approved is None)
        status = major_status(last.conclusion if last else None, bool(last and last.pending),
                              bool(last and last.assignee_officer_id), decided, violation)
        overdue = False
        for x in own:
            clock = review_clock(x.clock_started_on, x.extended, rule.review_workdays, rule.review_extension_workdays,
                                 calendar, today, concluded_on=x.reviewed_on)
            overdue = overdue or clock.state is ClockState.OVERDUE
        first = own[0].submitted_on if own else None
        end = approved or (last.reviewed_on if last and not last.pending else None) or (None if decided else today)
        rows.append({
            "case_id": case.id, "case_no": case.case_no, "decision_no": case.decision_no or "",
            "agency": case.short_name, "agency_id": case.agency_id, "triggers": case.major_reasons or "",
            "status": status.value, "rounds": len(own), "first_submitted_on": first, "approved_on": approved,
            "decided_on": case.decided_on,
            "review_workdays": calendar.workdays_between(first, end) if first and end else None,
            "overdue": overdue, "violation": violation,
            "latest_outcome": last.conclusion.value if last and last.conclusion else "",
        })
    return pd.DataFrame(rows, columns=list(rows[0]) if rows else None)


def reference_public_summary(board: pd.DataFrame) -> pd.DataFrame:
    """db.public.public_review_summary as it was, over the full board."""
    columns = ["agency", "major", "decided", "reviewed", "unreviewed", "in_review", "median_workdays"]
    decided = board[board["decided_on"].notna()]
    rows = []
    for agency, group in board.groupby("agency", sort=True):
        own = decided[decided["agency"] == agency]
        durations = group["review_workdays"].dropna()
        rows.append({"agency": agency, "major": len(group), "decided": len(own),
                     "reviewed": int((~own["violation"]).sum()), "unreviewed": int(own["violation"].sum()),
                     "in_review": int(group["status"].isin(["待审核", "审核中"]).sum()),
                     "median_workdays": "—" if durations.empty else f"{float(durations.median()):g}"})
    return pd.DataFrame(rows, columns=columns)


# --- comparing ----------------------------------------------------------------------------------------------------


def records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """Rows as plain values: a missing number is None whatever the column's dtype."""
    def plain(v: Any) -> Any:
        if v is None or (isinstance(v, float) and v != v):
            return None
        if hasattr(v, "item"):  # numpy scalars
            return v.item()
        return int(v) if isinstance(v, float) and v.is_integer() else v
    return [{k: plain(v) for k, v in row.items()} for row in frame.to_dict("records")]


def chart_rows(chart) -> list[tuple]:
    spec = chart.to_dict()
    rows = spec["datasets"][next(iter(spec["datasets"]))] if spec.get("datasets") else []
    return sorted((r["执法主体"], r["审核用时（工作日）"], r["法制审核状态"], r["件数"]) for r in rows)


def assert_current(engine: Engine) -> None:
    """The stored board, brought up to date, equals the reference computation on every day of TODAYS — the full
    board, the aggregates and the bounded lists the pages read."""
    current_version(engine)
    with engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(QUEUE)).scalar_one() == 0
    calendar = load_calendar(engine)
    for today in TODAYS:
        reference = reference_board(engine, calendar, today)
        stored = major_board(engine, None, calendar, today)
        assert records(stored) == records(reference), today
        tallies = board_tallies(engine, calendar, today)
        pd.testing.assert_frame_equal(outcome_mix(tallies), outcome_mix(reference))
        pd.testing.assert_frame_equal(public_review_summary(tallies), reference_public_summary(reference))
        summary, durations = public_review(engine, calendar, today)
        pd.testing.assert_frame_equal(summary, reference_public_summary(reference))
        assert "case_no" not in durations.columns and "decision_no" not in durations.columns
        assert chart_rows(review_duration_chart(durations)) == chart_rows(review_duration_chart(reference))
        assert chart_rows(review_duration_chart(tallies)) == chart_rows(review_duration_chart(reference))
        overview = board_overview(engine, calendar, today, limit=7)
        newest = reference.iloc[::-1]
        assert records(overview.latest) == records(newest.head(7))
        assert records(overview.violations) == records(newest[newest["violation"]].head(7))
        assert overview.total == len(reference)
        assert overview.count("violation") == int(reference["violation"].sum())
        assert overview.count("overdue") == int(reference["overdue"].sum())
        assert overview.in_review() == int(reference["status"].isin(["待审核", "审核中"]).sum())
        agency = int(reference["agency_id"].iloc[0])
        assert records(board_rows(engine, calendar, today, scope_agency_id=agency)) == records(
            reference[reference["agency_id"] == agency])


def queued(engine: Engine) -> set[int]:
    with engine.connect() as conn:
        return set(conn.execute(select(QUEUE.c.case_id)).scalars())


def stored_row(engine: Engine, case_id: int) -> dict[str, Any] | None:
    with engine.connect() as conn:
        row = conn.execute(select(BOARD).where(BOARD.c.case_id == case_id)).mappings().one_or_none()
    return dict(row) if row is not None else None


# --- tests --------------------------------------------------------------------------------------------------------


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def any_db(request) -> Engine:
    """A small seeded database (40 cases) of this test's own, as in test_review_gate."""
    if request.param == "sqlite":
        return request.getfixturevalue("seeded_sqlite_copy")(40, 3)
    return request.getfixturevalue("seeded_pg_copy")(40, 3)


def test_the_seed_leaves_the_board_current(seeded: Engine) -> None:
    assert queued(seeded) == set()
    assert_current(seeded)
    calendar = load_calendar(seeded)
    board = reference_board(seeded, calendar, TODAY)
    # the sample covers what the board distinguishes
    assert board["violation"].any() and (~board["violation"]).any() and board["overdue"].any()
    assert board["review_workdays"].notna().any() and board["decided_on"].isna().any()
    with seeded.connect() as conn:
        assert conn.execute(select(func.count()).select_from(BOARD)).scalar_one() == len(board)
        assert conn.execute(select(func.count()).select_from(BOARD).where(BOARD.c.open_since.is_not(None))
                            ).scalar_one() > 0


def test_every_step_of_the_review_workflow_keeps_the_board_current(any_db: Engine) -> None:
    officer, reviewer, second = actors(any_db)
    case_id = new_case(any_db)
    versions = {current_version(any_db)}

    def after(write_ok: bool, *, on_board: bool = True) -> None:
        assert write_ok
        if on_board:
            assert case_id in queued(any_db)
        assert_current(any_db)
        versions.add(current_version(any_db))

    after(record_proposal(any_db, case_id, proposal("150000"), officer).ok)  # becomes major: on the board
    assert stored_row(any_db, case_id)["status"] == "待提交"
    after(submit_for_review(any_db, case_id, ALL_MATERIALS[:2], officer, TODAY).ok)  # materials missing
    after(supplement_materials(any_db, case_id, ALL_MATERIALS[2:], "补充证据清单", officer, TODAY).ok)
    assert stored_row(any_db, case_id)["open_due"] is not None
    after(claim_review(any_db, case_id, reviewer, TODAY).ok)
    assert stored_row(any_db, case_id)["status"] == "审核中"
    after(extend_review(any_db, case_id, "经局长批准延长3个工作日", reviewer, TODAY).ok)
    problems = ReviewDecision(ReviewAction.RETURN, {**ALL_PASS, "discretion": (False, "从重情节未说明")},
                              "裁量说明不充分，请补充后重新报送。")
    after(decide_review(any_db, case_id, problems, reviewer, TODAY).ok)
    assert stored_row(any_db, case_id)["status"] == "存在问题待修改"
    # a revised proposal that leaves the case major and its reasons as they were changes nothing on the board
    after(record_proposal(any_db, case_id, proposal("160000"), officer).ok, on_board=False)
    after(submit_for_review(any_db, case_id, ALL_MATERIALS, officer, TODAY, response="已补充从重情节说明").ok)
    approve = ReviewDecision(ReviewAction.APPROVE, ALL_PASS, "同意。事实清楚，证据确凿，裁量适当。")
    after(decide_review(any_db, case_id, approve, second, TODAY).ok)
    assert stored_row(any_db, case_id)["status"] == "同意"
    after(record_decision(any_db, case_id, DecisionForm("测试罚〔2026〕1号", TODAY), officer, TODAY).ok)
    row = stored_row(any_db, case_id)
    assert row["status"] == "已决定" and row["decision_no"] == "测试罚〔2026〕1号" and row["open_since"] is None
    assert len(versions) == 10  # every write the board shows came with a new version
    # a proposal below the threshold takes a case off the board
    other = new_case(any_db)
    after(record_proposal(any_db, other, proposal("150000"), officer).ok, on_board=False)
    assert stored_row(any_db, other) is not None
    after(record_proposal(any_db, other, proposal("500"), officer).ok, on_board=False)
    assert stored_row(any_db, other) is None


def test_imported_decisions_and_reviews_keep_the_board_current(any_db: Engine, tmp_path: Path) -> None:
    from db.imports import run_import
    from tests.db.test_importer import row
    from tests.db.test_importer import run as import_rows

    current_version(any_db)
    # a major decision without review: imported and marked 未经法制审核; one with a prior approval
    report = import_rows(any_db, tmp_path, [row(9901, {"处罚内容": "罚款10万元", "立案日期": "2026-03-02"}),
                                            row(9902, {"处罚内容": "罚款20万元", "法制审核结论": "同意",
                                                       "法制审核日期": "2026-03-18"})])
    assert report.exit_code == 0, report.lines()
    with any_db.connect() as conn:
        unreviewed, reviewed = (conn.execute(select(m.Decision.case_id).where(m.Decision.decision_no == number))
                                .scalar_one() for number in ("青市监罚〔2026〕9901号", "青市监罚〔2026〕9902号"))
        case_no = conn.execute(select(m.Case.case_no).where(m.Case.id == unreviewed)).scalar_one()
    assert queued(any_db) == set()  # the import brought the board up to date itself
    assert_current(any_db)
    assert stored_row(any_db, unreviewed)["status"] == "未经法制审核" and stored_row(any_db, unreviewed)["violation"]
    assert stored_row(any_db, reviewed)["status"] == "已决定" and stored_row(any_db, reviewed)["rounds"] == 1
    # an imported approval dated before the decision clears the mark
    review = f"案号,轮次,报送日期,审核日期,审核结论\r\n{case_no},1,2026-03-10,2026-03-18,同意\r\n"
    report = run_import("reviews", any_db, review.encode("utf-8-sig"), filename="reviews.csv", today=TODAY,
                        now=dt.datetime.now(dt.UTC))
    assert report.exit_code == 0, report.lines()
    assert queued(any_db) == set()  # the import brought the board up to date itself
    assert_current(any_db)
    assert stored_row(any_db, unreviewed)["status"] == "已决定" and not stored_row(any_db, unreviewed)["violation"]


def _workdays_inside_windows(engine: Engine) -> dt.date:
    """A working day inside the stored windows of closed rows with a review duration."""
    calendar = load_calendar(engine)
    with engine.connect() as conn:
        rows = conn.execute(select(BOARD.c.first_submitted_on, BOARD.c.window_to)
                            .where(BOARD.c.review_workdays > 2).order_by(BOARD.c.case_id)).all()
    for first, _ in rows:
        day = calendar.add_workdays(first, 1).due
        if day.year in WorkCalendar.covered_years():
            return day
    raise AssertionError("no closed review with a duration in the sample")


def test_a_calendar_entry_recomputes_the_rows_it_moves(seeded: Engine) -> None:
    version = current_version(seeded)
    before = {r["case_id"]: r for r in records(major_board(seeded, None, load_calendar(seeded), TODAY))}
    day = _workdays_inside_windows(seeded)
    assert set_calendar_day(seeded, day, False, "测试", "tester").ok
    assert queued(seeded)
    assert current_version(seeded) != version
    assert_current(seeded)
    after = {r["case_id"]: r for r in records(major_board(seeded, None, load_calendar(seeded), TODAY))}
    shorter = [i for i in before if before[i]["review_workdays"] != after[i]["review_workdays"]]
    assert shorter and all(after[i]["review_workdays"] == before[i]["review_workdays"] - 1 for i in shorter)
    # a day far from every window queues nothing but still moves the version (open durations count to today)
    version = current_version(seeded)
    assert set_calendar_day(seeded, dt.date(2000, 1, 8), True, "测试调休", "tester").ok
    assert not queued(seeded) and current_version(seeded) != version
    assert remove_calendar_day(seeded, day, "tester").ok
    assert_current(seeded)
    assert {r["case_id"]: r for r in records(major_board(seeded, None, load_calendar(seeded), TODAY))} == before


def test_a_changed_review_time_limit_recomputes_the_agencys_rows(seeded: Engine) -> None:
    current_version(seeded)
    with seeded.connect() as conn:
        agency_id = conn.execute(select(BOARD.c.agency_id).where(BOARD.c.rounds > 0).group_by(BOARD.c.agency_id)
                                 .order_by(func.count().desc()).limit(1)).scalar_one()
        with_rounds = set(conn.execute(select(BOARD.c.case_id).where(BOARD.c.agency_id == agency_id,
                                                                   BOARD.c.rounds > 0)).scalars())
    calendar = load_calendar(seeded)
    overdue_before = int(board_tallies(seeded, calendar, TODAY, agency_id).query("overdue")["cases"].sum())
    admin = Actor("t_admin", "管理员", Role.ADMIN)
    rules = MajorRules(fine_person=DEFAULT_MAJOR_RULES.fine_person, fine_org=DEFAULT_MAJOR_RULES.fine_org,
                       penalty_types=DEFAULT_MAJOR_RULES.penalty_types, review_workdays=1, review_extension_workdays=0)
    assert save_major_rules(seeded, agency_id, rules, admin).ok
    assert queued(seeded) == with_rounds
    assert_current(seeded)
    overdue_after = int(board_tallies(seeded, calendar, TODAY, agency_id).query("overdue")["cases"].sum())
    assert overdue_after > overdue_before
    with seeded.begin() as conn:  # back to the defaults by a direct write
        conn.execute(update(m.MajorReviewRules).where(m.MajorReviewRules.agency_id == agency_id)
                     .values(review_workdays=7, review_extension_workdays=3))
    assert_current(seeded)
    assert int(board_tallies(seeded, calendar, TODAY, agency_id).query("overdue")["cases"].sum()) == overdue_before


def test_direct_writes_and_a_renamed_agency(seeded: Engine) -> None:
    current_version(seeded)
    d = m.Decision
    with seeded.connect() as conn:
        legacy = conn.execute(select(d.id, d.case_id).where(d.unreviewed_major.is_(True)).order_by(d.id)).first()
        plain = conn.execute(select(m.Case.id).where(m.Case.is_major.is_(False)).order_by(m.Case.id)).scalar()
    with seeded.begin() as conn:  # a case flagged major by hand; a decision's number corrected
        conn.execute(update(m.Case).where(m.Case.id == plain).values(is_major=True, major_reasons="测试"))
        conn.execute(update(d).where(d.id == legacy.id).values(decision_no="更正〔2026〕1号"))
    assert {plain, legacy.case_id} <= queued(seeded)
    assert_current(seeded)
    assert stored_row(seeded, legacy.case_id)["decision_no"] == "更正〔2026〕1号"
    version = current_version(seeded)
    with seeded.begin() as conn:
        conn.execute(update(m.Agency).where(m.Agency.id == select(BOARD.c.agency_id).limit(1).scalar_subquery())
                     .values(short_name="改名后的局"))
    assert current_version(seeded) != version
    assert "改名后的局" in set(board_tallies(seeded, load_calendar(seeded), TODAY)["agency"])
    assert_current(seeded)


def test_a_large_queue_is_one_pass_and_a_reset_starts_a_new_version(seeded: Engine) -> None:
    import db.board as board_module

    before = records(major_board(seeded, None, load_calendar(seeded), TODAY))
    with seeded.begin() as conn:
        conn.execute(insert(QUEUE).from_select(["case_id"], select(m.Case.id)))
        conn.execute(update(BOARD).values(status="错误"))  # stale everywhere: the pass must rewrite every row
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(board_module, "_FULL_PASS_MIN", 10)
        with seeded.begin() as conn:
            assert refresh(conn) > 0
    assert records(major_board(seeded, None, load_calendar(seeded), TODAY)) == before
    with seeded.begin() as conn:
        conn.execute(VERSION.delete())
    first = current_version(seeded)
    assert first
    with seeded.begin() as conn:
        assert rebuild(conn) == len(before)
    assert current_version(seeded) != first


def test_the_case_pages_review_clock_follows_the_agencys_time_limit_as_the_board_does(seeded: Engine) -> None:
    """The case and review pages draw their 法制审核 clocks from load_records: an agency that shortened its limit to
    one working day must see the same due date there as on the board, not the default 7 + 3."""
    current_version(seeded)
    with seeded.connect() as conn:
        case_id, agency_id = conn.execute(select(BOARD.c.case_id, BOARD.c.agency_id).where(BOARD.c.rounds > 0)
                                          .order_by(BOARD.c.case_id).limit(1)).one()
    calendar = load_calendar(seeded)

    def review_dues() -> list[dt.date]:
        record = load_case_facts(seeded, case_id)
        assert record is not None and record.facts.reviews
        return [c.due for c in case_clocks(record.facts, calendar, TODAY) if c.name.startswith("法制审核")]

    def expected(workdays: int, extension: int) -> list[dt.date]:
        record = load_case_facts(seeded, case_id)
        assert record is not None
        return [review_clock(r.submitted_on, r.extended, workdays, extension, calendar, TODAY).due
                for r in record.facts.reviews]

    assert review_dues() == expected(7, 3)  # the seed's agencies keep the default
    admin = Actor("t_admin", "管理员", Role.ADMIN)
    rules = MajorRules(fine_person=DEFAULT_MAJOR_RULES.fine_person, fine_org=DEFAULT_MAJOR_RULES.fine_org,
                       penalty_types=DEFAULT_MAJOR_RULES.penalty_types, review_workdays=1, review_extension_workdays=0)
    assert save_major_rules(seeded, agency_id, rules, admin).ok
    assert review_dues() == expected(1, 0) != expected(7, 3)
