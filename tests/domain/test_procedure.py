from __future__ import annotations

from dataclasses import FrozenInstanceError, replace
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest

from domain.enums import ActionCategory, DueState, Procedure, RecordForm, ReviewOutcome, Stage
from domain.procedure import (
    CHECK_WEIGHTS,
    DECISION_FIELDS,
    DEFAULT_ACTION_RULES,
    SHANGHAI,
    ActionRules,
    AvRequirement,
    CaseFacts,
    EventFact,
    OfficerCert,
    ProcedureRules,
    ReviewFact,
    ReviewRules,
    av_requirement,
    case_clocks,
    completeness,
    effective_events,
    is_on_site_action,
    validate_new_event,
)
from domain.workdays import WorkCalendar

CAL = WorkCalendar()
AGENCY = 7
TEXT, BODYCAM, AUDIO, VIDEO = RecordForm.TEXT, RecordForm.BODYCAM, RecordForm.AUDIO, RecordForm.VIDEO

OFFICERS = {
    "A001": OfficerCert(1, "张三", "A001", date(2020, 1, 1), date(2030, 12, 31), AGENCY),
    "A002": OfficerCert(2, "李四", "A002", date(2020, 1, 1), date(2030, 12, 31), AGENCY),
    "A003": OfficerCert(3, "王五", "A003", date(2020, 1, 1), date(2025, 6, 30), AGENCY),
    "A004": OfficerCert(1, "张三", "A004", date(2020, 1, 1), date(2030, 12, 31), AGENCY),  # 张三's second number
    "B001": OfficerCert(4, "赵六", "B001", date(2020, 1, 1), date(2030, 12, 31), 8),
}
TWO = ("A001", "A002")
FULL_FIELDS = {f: "已载明" for f in DECISION_FIELDS}


def at(y: int, m: int, d: int, h: int = 10, mi: int = 0) -> datetime:
    return datetime(y, m, d, h, mi, tzinfo=SHANGHAI)


def ev(
    seq: int,
    stage: Stage,
    action: str,
    when: datetime,
    officers: tuple[str, ...] = TWO,
    forms: tuple[RecordForm, ...] = (TEXT,),
    location: str | None = None,
    corrects: int | None = None,
) -> EventFact:
    return EventFact(seq, stage, action, when, officers, frozenset(forms), None, location, corrects)


def make_case(events: tuple[EventFact, ...] = (), **kw: object) -> CaseFacts:
    base: dict[str, object] = dict(
        case_no="江环罚〔2025〕1号",
        procedure=Procedure.ORDINARY,
        category=ActionCategory.PENALTY,
        filed_on=date(2025, 3, 3),
        is_major=False,
        events=events,
    )
    base.update(kw)
    return CaseFacts(**base)  # type: ignore[arg-type]


FILING = ev(1, Stage.FILING, "立案审批", at(2025, 3, 3, 9), officers=("A001",))
INSPECT = ev(2, Stage.INVESTIGATION, "现场检查", at(2025, 3, 5), forms=(TEXT, BODYCAM), location="某公司厂区")
NOTICE = ev(3, Stage.NOTICE, "送达行政处罚事先告知书", at(2025, 3, 20))
UP_TO_NOTICE = (FILING, INSPECT, NOTICE)
NOW = at(2025, 6, 1, 12)


def check(case: CaseFacts, new: EventFact, now: datetime = NOW, **kw: object) -> list[str]:
    return validate_new_event(case, new, OFFICERS, now, AGENCY, **kw)  # type: ignore[arg-type]


# --- input types --------------------------------------------------------------------------------------------------


def test_inputs_are_frozen_and_normalised() -> None:
    e = EventFact(5, "调查取证", "询问调查", at(2025, 3, 5), "A001、A002", {"文字", "录音"})  # type: ignore[arg-type]
    assert e.stage is Stage.INVESTIGATION
    assert e.officer_cert_nos == TWO
    assert e.record_forms == frozenset({TEXT, AUDIO})
    with pytest.raises(FrozenInstanceError):
        e.seq = 6  # type: ignore[misc]
    case = make_case((NOTICE, FILING), decision_fields={"印章": "有"})
    assert [x.seq for x in case.events] == [1, 3]
    with pytest.raises(TypeError):
        case.decision_fields["印章"] = None  # type: ignore[index]
    hash(case)  # usable as a cache key despite the mapping field
    with pytest.raises(ValueError, match="延长天数"):
        make_case(decision_extension_days=-1)


def test_local_date_is_beijing_date() -> None:
    late_utc = datetime(2025, 3, 4, 17, 0, tzinfo=UTC)  # 2025-03-05 01:00 in Beijing
    assert ev(1, Stage.FILING, "立案", late_utc).local_date == date(2025, 3, 5)


# --- action classification ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("action", "location", "expected"),
    [
        ("查封扣押", None, AvRequirement.MANDATORY_FULL),
        ("对仓库实施查封", None, AvRequirement.MANDATORY_FULL),
        ("扣押涉案物品", None, AvRequirement.MANDATORY_FULL),
        ("强制拆除", "某村违法建筑", AvRequirement.MANDATORY_FULL),
        ("涉及人身自由的现场处置", None, AvRequirement.MANDATORY_FULL),
        ("询问调查", "执法大队询问室", AvRequirement.MANDATORY_FULL),
        ("制作笔录", "一楼办案区", AvRequirement.MANDATORY_FULL),
        ("现场检查", "某公司厂区", AvRequirement.AS_NEEDED),
        ("现场执法", None, AvRequirement.AS_NEEDED),
        ("调查取证", None, AvRequirement.AS_NEEDED),
        ("举行听证", None, AvRequirement.AS_NEEDED),
        ("留置送达", None, AvRequirement.AS_NEEDED),
        ("公告送达", None, AvRequirement.AS_NEEDED),
        ("先行登记保存", None, AvRequirement.AS_NEEDED),
        ("立案审批", None, AvRequirement.OPTIONAL),
        ("邮寄送达", None, AvRequirement.OPTIONAL),
        ("法制审核通过", "局机关", AvRequirement.OPTIONAL),
        ("作出查封决定", None, AvRequirement.OPTIONAL),  # paperwork about a seizure is not the seizure
        ("送达查封扣押决定书", None, AvRequirement.OPTIONAL),
        ("送达查封扣押决定书", "询问室", AvRequirement.MANDATORY_FULL),  # but everything in 办案场所 is
        ("当场作出行政处罚决定", None, AvRequirement.AS_NEEDED),
    ],
)
def test_av_requirement(action: str, location: str | None, expected: AvRequirement) -> None:
    assert av_requirement(action, location) is expected


@pytest.mark.parametrize(
    ("action", "on_site"),
    [
        ("现场检查", True),
        ("现场勘验", True),
        ("抽样取证", True),
        ("查封扣押", True),
        ("先行登记保存", True),
        ("强制拆除", True),
        ("当场作出行政处罚决定", True),
        ("询问调查", True),
        ("行政拘留", True),  # mandatory-AV actions are on-site by definition
        ("立案审批", False),
        ("法制审核通过", False),
        ("邮寄送达", False),
        ("申请人民法院强制执行", False),
        ("作出查封决定", False),
        ("查封审批", False),
        ("送达查封扣押决定书", False),
    ],
)
def test_on_site_actions(action: str, on_site: bool) -> None:
    assert is_on_site_action(action) is on_site


def test_action_rules_are_configurable() -> None:
    rules = ActionRules(on_site_actions=DEFAULT_ACTION_RULES.on_site_actions | {"巡查"}, min_officers=3)
    assert rules.is_on_site("道路巡查") and not is_on_site_action("道路巡查")
    assert av_requirement("巡查", None, rules) is AvRequirement.AS_NEEDED
    with pytest.raises(ValueError, match="空字符串"):
        ActionRules(mandatory_av_actions=frozenset({"查封", " "}))
    with pytest.raises(ValueError, match="最少执法人员数"):
        ActionRules(min_officers=0)


# --- validate_new_event: stage order -------------------------------------------------------------------------------


def test_next_stage_in_order_is_accepted() -> None:
    case = make_case((FILING, INSPECT))
    assert check(case, NOTICE) == []


def test_earlier_stage_is_rejected() -> None:
    case = make_case(UP_TO_NOTICE)
    errors = check(case, ev(4, Stage.FILING, "立案审批", at(2025, 3, 21), officers=("A001",)))
    assert errors == [
        "环节顺序错误：本案已记录到“告知”环节，不能再记录较早的“立案”环节；如需修改已有记录，请以更正方式录入"
    ]


def test_investigation_may_repeat_before_the_decision() -> None:
    case = make_case(UP_TO_NOTICE)  # 补充调查 after 陈述申辩
    assert check(case, ev(4, Stage.INVESTIGATION, "询问调查", at(2025, 3, 25), forms=(TEXT, AUDIO))) == []


def test_investigation_after_the_decision_is_rejected() -> None:
    decision = ev(4, Stage.DECISION, "作出行政处罚决定", at(2025, 4, 1))
    case = make_case((*UP_TO_NOTICE, decision))
    errors = check(case, ev(5, Stage.INVESTIGATION, "询问调查", at(2025, 4, 2), forms=(TEXT, AUDIO)))
    assert len(errors) == 1 and "作出决定后不能再补充调查取证" in errors[0]


@pytest.mark.parametrize(("stage", "action", "missing"), [
    (Stage.ARCHIVE, "结案归档", "“调查取证”"),
    (Stage.SERVICE, "送达行政处罚决定书", "“决定”"),
    (Stage.EXECUTION, "罚款缴纳", "“决定”"),
    (Stage.DECISION, "作出行政处罚决定", "“调查取证”"),
])
def test_forward_skip_over_a_required_step_is_rejected(stage, action, missing) -> None:
    case = make_case((FILING,))
    errors = check(case, ev(2, stage, action, at(2025, 3, 21)))
    assert any(e.startswith(f"缺少必经环节：记录“{stage.value}”前应先记录{missing}") for e in errors), errors


def test_summary_procedure_decides_on_the_spot_without_investigation() -> None:
    case = make_case((FILING,), procedure=Procedure.SIMPLE)
    errors = check(case, ev(2, Stage.DECISION, "当场作出行政处罚决定", at(2025, 3, 3, 10)))
    assert not any(e.startswith("缺少必经环节") for e in errors), errors


def test_investigation_after_a_skip_does_not_claim_a_decision() -> None:
    archive = ev(2, Stage.ARCHIVE, "结案归档", at(2025, 3, 21))
    case = make_case((FILING, archive))  # an archive recorded before the rule (or imported) with no decision
    errors = check(case, ev(3, Stage.INVESTIGATION, "询问调查", at(2025, 3, 22), forms=(TEXT, AUDIO)))
    assert len(errors) == 1 and "作出决定后" not in errors[0] and "已到“结案归档”环节" in errors[0]


def test_correction_may_concern_an_earlier_stage() -> None:
    case = make_case(UP_TO_NOTICE)
    fixed = ev(4, Stage.INVESTIGATION, "现场检查", at(2025, 3, 5, 11), forms=(TEXT, BODYCAM), corrects=2)
    assert check(case, fixed) == []


def test_correction_of_a_missing_event_is_rejected() -> None:
    case = make_case(UP_TO_NOTICE)
    fixed = ev(4, Stage.INVESTIGATION, "现场检查", at(2025, 3, 5, 11), forms=(TEXT, BODYCAM), corrects=9)
    assert check(case, fixed) == ["更正所指向的记录（序号9）不存在或不在本记录之前，无法更正"]


def test_sequence_must_increase() -> None:
    case = make_case(UP_TO_NOTICE)
    errors = check(case, ev(3, Stage.NOTICE, "送达行政处罚事先告知书", at(2025, 3, 21)))
    assert errors == ["记录序号3不大于已有记录的最大序号3，执法记录只能追加，不能插入"]


# --- validate_new_event: 告知 before 决定 ----------------------------------------------------------------------------


def test_decision_after_notice_is_accepted() -> None:
    case = make_case(UP_TO_NOTICE)
    assert check(case, ev(4, Stage.DECISION, "作出行政处罚决定", at(2025, 4, 1))) == []


def test_decision_without_notice_is_rejected() -> None:
    case = make_case((FILING, INSPECT))
    errors = check(case, ev(3, Stage.DECISION, "作出行政处罚决定", at(2025, 4, 1)))
    assert len(errors) == 1 and errors[0].startswith("缺少告知环节") and "第四十四条" in errors[0]


def test_decision_before_the_recorded_notice_time_is_rejected() -> None:
    case = make_case(UP_TO_NOTICE)
    errors = check(case, ev(4, Stage.DECISION, "作出行政处罚决定", at(2025, 3, 20, 9)))
    assert len(errors) == 1 and "应当先告知、后决定" in errors[0]


def test_hearing_notice_is_not_the_article_44_notice() -> None:
    only_hearing_notice = ev(3, Stage.NOTICE, "送达听证通知书", at(2025, 3, 20))
    case = make_case((FILING, INSPECT, only_hearing_notice))
    errors = check(case, ev(4, Stage.DECISION, "作出行政处罚决定", at(2025, 4, 1)))
    assert len(errors) == 1 and errors[0].startswith("缺少告知环节")


@pytest.mark.parametrize(
    ("procedure", "category"),
    [(Procedure.SIMPLE, ActionCategory.PENALTY), (Procedure.ORDINARY, ActionCategory.LICENCE)],
)
def test_notice_not_required_outside_ordinary_penalty(procedure: Procedure, category: ActionCategory) -> None:
    case = make_case((FILING,), procedure=procedure, category=category)
    assert check(case, ev(2, Stage.DECISION, "作出决定", at(2025, 3, 3, 11))) == []


# --- validate_new_event: 法制审核 for major cases --------------------------------------------------------------------

DECISION = ev(4, Stage.DECISION, "作出行政处罚决定", at(2025, 4, 1))


def test_major_decision_with_approved_review_is_accepted() -> None:
    reviews = (
        ReviewFact(1, date(2025, 3, 21), date(2025, 3, 24), ReviewOutcome.PROBLEMS),
        ReviewFact(2, date(2025, 3, 26), date(2025, 3, 28), ReviewOutcome.APPROVED),
    )
    case = make_case(UP_TO_NOTICE, is_major=True, reviews=reviews)
    assert check(case, DECISION) == []


def test_major_decision_without_review_is_rejected() -> None:
    case = make_case(UP_TO_NOTICE, is_major=True)
    assert check(case, DECISION) == [
        "重大执法决定未经法制审核，不得作出决定（行政处罚法第五十八条、国办发〔2018〕118号第四部分）"
    ]


def test_major_decision_with_pending_review_is_rejected() -> None:
    case = make_case(UP_TO_NOTICE, is_major=True, reviews=(ReviewFact(1, date(2025, 3, 21)),))
    errors = check(case, DECISION)
    assert len(errors) == 1 and "第1轮法制审核尚未完成" in errors[0]


def test_major_decision_after_failed_latest_review_is_rejected() -> None:
    reviews = (
        ReviewFact(1, date(2025, 3, 21), date(2025, 3, 24), ReviewOutcome.APPROVED),
        ReviewFact(2, date(2025, 3, 26), date(2025, 3, 28), ReviewOutcome.PROBLEMS),
    )
    case = make_case(UP_TO_NOTICE, is_major=True, reviews=reviews)
    errors = check(case, DECISION)
    assert len(errors) == 1 and "第2轮法制审核意见为“存在问题”" in errors[0]


def test_major_decision_dated_before_approval_is_rejected() -> None:
    reviews = (ReviewFact(1, date(2025, 3, 21), date(2025, 4, 2), ReviewOutcome.APPROVED),)
    case = make_case(UP_TO_NOTICE, is_major=True, reviews=reviews)
    errors = check(case, DECISION)
    assert len(errors) == 1 and "应当先审核、后决定" in errors[0]


def test_review_requirement_applies_to_major_non_penalty_decisions() -> None:
    case = make_case((FILING,), category=ActionCategory.LICENCE, is_major=True)
    errors = check(case, ev(2, Stage.DECISION, "作出许可决定", at(2025, 3, 10)))
    assert len(errors) == 1 and "未经法制审核" in errors[0]


# --- validate_new_event: time -------------------------------------------------------------------------------------


def test_time_within_tolerance_is_accepted() -> None:
    case = make_case((FILING, INSPECT))
    assert check(case, replace(NOTICE, occurred_at=NOW + timedelta(minutes=4))) == []


def test_future_time_is_rejected() -> None:
    case = make_case((FILING, INSPECT))
    errors = check(case, replace(NOTICE, occurred_at=NOW + timedelta(minutes=6)))
    assert errors == ["发生时间2025-06-01 12:06晚于当前时间2025-06-01 12:00，不能记录尚未发生的执法活动"]


def test_time_on_filing_day_in_beijing_is_accepted() -> None:
    case = make_case()
    first = datetime(2025, 3, 2, 16, 30, tzinfo=UTC)  # 2025-03-03 00:30 in Beijing, 3/2 in UTC
    assert check(case, ev(1, Stage.FILING, "立案审批", first, officers=("A001",))) == []


def test_time_before_filing_is_rejected() -> None:
    case = make_case()
    errors = check(case, ev(1, Stage.FILING, "立案审批", at(2025, 3, 2, 23, 59), officers=("A001",)))
    assert errors == ["发生时间2025-03-02 23:59早于立案日期2025-03-03，立案前的活动不能记入本案"]


def test_naive_time_is_rejected() -> None:
    case = make_case()
    errors = check(case, ev(1, Stage.FILING, "立案审批", datetime(2025, 3, 3, 9), officers=("A001",)))
    assert errors == ["发生时间缺少时区信息，无法确定执法活动的日期"]


def test_naive_now_is_a_programming_error() -> None:
    with pytest.raises(ValueError):
        check(make_case(), FILING, now=datetime(2025, 6, 1))


# --- validate_new_event: officers ---------------------------------------------------------------------------------


def test_valid_officers_are_accepted() -> None:
    case = make_case((FILING,))
    assert check(case, ev(2, Stage.INVESTIGATION, "现场检查", at(2025, 3, 5), officers=("A001", "A003"))) == []


def test_unknown_certificate_is_rejected() -> None:
    case = make_case((FILING,))
    errors = check(case, ev(2, Stage.INVESTIGATION, "现场检查", at(2025, 3, 5), officers=("A001", "X999")))
    assert errors == ["执法证号X999不在本系统执法人员名录中，无法确认其行政执法资格（行政处罚法第四十二条）"]


def test_certificate_of_another_agency_is_rejected() -> None:
    case = make_case((FILING,))
    errors = check(case, ev(2, Stage.INVESTIGATION, "现场检查", at(2025, 3, 5), officers=("A001", "B001")))
    assert errors == ["赵六（执法证号B001）不属于本执法主体，不能以本机关名义实施执法"]


def test_certificate_valid_on_its_last_day_in_beijing() -> None:
    case = make_case((FILING,))
    last_day = datetime(2025, 6, 30, 15, 0, tzinfo=UTC)  # 23:00 in Beijing, still 6/30
    new = ev(2, Stage.INVESTIGATION, "现场检查", last_day, officers=("A001", "A003"))
    assert check(case, new, now=at(2025, 7, 2)) == []


def test_expired_certificate_is_rejected_by_beijing_date() -> None:
    case = make_case((FILING,))
    utc_still_june = datetime(2025, 6, 30, 17, 0, tzinfo=UTC)  # 2025-07-01 01:00 in Beijing
    errors = check(
        case,
        ev(2, Stage.INVESTIGATION, "现场检查", utc_still_june, officers=("A001", "A003")),
        now=at(2025, 7, 2),
    )
    assert errors == [
        "王五的执法证（A003）有效期为2020-01-01至2025-06-30，2025-07-01不在有效期内（行政处罚法第四十二条、第七十六条）"
    ]


def test_certificate_not_yet_valid_is_rejected() -> None:
    officers = {**OFFICERS, "A005": OfficerCert(5, "钱七", "A005", date(2025, 4, 1), date(2030, 3, 31), AGENCY)}
    case = make_case((FILING,))
    new = ev(2, Stage.INVESTIGATION, "现场检查", at(2025, 3, 5), officers=("A001", "A005"))
    errors = validate_new_event(case, new, officers, NOW, AGENCY)
    assert len(errors) == 1 and "钱七的执法证（A005）" in errors[0]


def test_single_officer_on_site_is_rejected() -> None:
    case = make_case((FILING,))
    errors = check(case, ev(2, Stage.INVESTIGATION, "现场检查", at(2025, 3, 5), officers=("A001",)))
    assert errors == [
        "“现场检查”属于现场执法活动，执法人员不得少于2人（行政处罚法第四十二条、行政强制法第十八条），本记录仅1人"
    ]


def test_single_officer_off_site_is_accepted() -> None:
    case = make_case(UP_TO_NOTICE)
    assert check(case, ev(4, Stage.LEGAL_REVIEW, "报送法制审核", at(2025, 3, 21), officers=("A001",))) == []
    assert check(case, ev(4, Stage.LEGAL_REVIEW, "法制审核通过", at(2025, 3, 21), officers=())) == []


def test_configured_headcount_exception() -> None:
    case = make_case((FILING,))
    one = ActionRules(min_officers=1)  # 法律另有规定的除外
    new = ev(2, Stage.INVESTIGATION, "现场检查", at(2025, 3, 5), officers=("A001",))
    assert check(case, new, action_rules=one) == []


def test_duplicate_certificate_is_rejected() -> None:
    case = make_case((FILING,))
    errors = check(case, ev(2, Stage.INVESTIGATION, "现场检查", at(2025, 3, 5), officers=("A001", "A001")))
    assert errors == [
        "执法人员重复：张三（执法证号A001）被重复记录，同一人只能计为一名执法人员",
        "“现场检查”属于现场执法活动，执法人员不得少于2人（行政处罚法第四十二条、行政强制法第十八条），本记录仅1人",
    ]


def test_same_officer_under_two_numbers_is_rejected() -> None:
    case = make_case((FILING,))
    errors = check(case, ev(2, Stage.INVESTIGATION, "询问调查", at(2025, 3, 5), officers=("A001", "A004")))
    assert errors[0] == "执法人员重复：张三以多个执法证号（A001、A004）被记录，同一人只能计为一名执法人员"
    assert "本记录仅1人" in errors[1]


# --- validate_new_event: 音像记录 ---------------------------------------------------------------------------------


def test_seizure_with_audio_visual_record_is_accepted() -> None:
    case = make_case((FILING, INSPECT))
    assert check(case, ev(3, Stage.INVESTIGATION, "查封扣押", at(2025, 3, 6), forms=(TEXT, BODYCAM, VIDEO))) == []


def test_seizure_without_audio_visual_record_is_rejected() -> None:
    case = make_case((FILING, INSPECT))
    errors = check(case, ev(3, Stage.INVESTIGATION, "查封扣押", at(2025, 3, 6), forms=(TEXT,)))
    assert len(errors) == 1 and errors[0].startswith("“查封扣押”应当全程音像记录（国办发〔2018〕118号第（八）项）")


def test_questioning_in_interview_room_needs_audio_visual_record() -> None:
    case = make_case((FILING, INSPECT))
    new = ev(3, Stage.INVESTIGATION, "询问调查", at(2025, 3, 6), location="执法大队询问室")
    errors = check(case, new)
    assert len(errors) == 1 and "（地点：执法大队询问室）应当全程音像记录" in errors[0]
    assert check(case, replace(new, record_forms=frozenset({TEXT, AUDIO}))) == []


def test_as_needed_action_may_be_recorded_in_writing_only() -> None:
    case = make_case((FILING,))
    assert check(case, ev(2, Stage.INVESTIGATION, "现场检查", at(2025, 3, 5), forms=(TEXT,))) == []


def test_all_problems_are_reported_together() -> None:
    case = make_case((FILING, INSPECT))
    new = ev(3, Stage.INVESTIGATION, "查封扣押", at(2025, 3, 1), officers=("X1",), forms=())
    errors = check(case, new)
    assert len(errors) == 4  # before 立案, unknown certificate, one officer, no 音像


# --- clocks: 立案 → 决定 (art. 60) ------------------------------------------------------------------------------------


def clock(clocks: list, name: str):
    found = [c for c in clocks if c.name == name]
    assert len(found) == 1, [c.name for c in clocks]
    return found[0]


def decision_clock(case: CaseFacts, today: date):
    return clock(case_clocks(case, CAL, today), "立案至作出处罚决定")


def test_decision_period_ending_in_national_day_moves_to_next_working_day() -> None:
    # 2026-07-04 + 90 days = 2026-10-02, inside the 10/1–10/7 break; 10/8 (Thursday) is the next working day
    # under the State Council's 2026 notice as carried by chinesecalendar 1.11.0.
    case = make_case(filed_on=date(2026, 7, 4))
    c = decision_clock(case, date(2026, 9, 1))
    assert (c.start, c.due, c.status, c.unit, c.provisional) == (
        date(2026, 7, 4), date(2026, 10, 8), DueState.PENDING, "自然日", False
    )
    assert c.basis.startswith("《行政处罚法》第六十条")


def test_decision_on_the_rolled_due_date_is_on_time() -> None:
    c = decision_clock(make_case(filed_on=date(2026, 7, 4), decided_on=date(2026, 10, 8)), date(2026, 11, 1))
    assert (c.status, c.overdue_days, c.done_on) == (DueState.ON_TIME, 0, date(2026, 10, 8))


def test_decision_after_the_rolled_due_date_is_late() -> None:
    c = decision_clock(make_case(filed_on=date(2026, 7, 4), decided_on=date(2026, 10, 9)), date(2026, 11, 1))
    assert (c.status, c.overdue_days) == (DueState.LATE, 1)


def test_decision_period_ending_in_dragon_boat_festival() -> None:
    # 2025-03-03 + 90 = Sunday 2025-06-01; 6/2 is the 端午 holiday, so the period ends on 6/3.
    c = decision_clock(make_case(decided_on=date(2025, 6, 3)), date(2025, 7, 1))
    assert (c.due, c.status) == (date(2025, 6, 3), DueState.ON_TIME)


def test_decision_overdue_and_still_open() -> None:
    c = decision_clock(make_case(), date(2025, 6, 13))
    assert (c.due, c.status, c.overdue_days, c.done_on) == (date(2025, 6, 3), DueState.OVERDUE, 10, None)


def test_recorded_extension_lengthens_the_decision_period() -> None:
    c = decision_clock(make_case(decision_extension_days=30, decided_on=date(2025, 6, 20)), date(2025, 7, 1))
    assert (c.due, c.status) == (date(2025, 7, 1), DueState.ON_TIME)
    assert "30日" in c.note
    late = decision_clock(make_case(decision_extension_days=30, decided_on=date(2025, 7, 2)), date(2025, 7, 3))
    assert (late.status, late.overdue_days) == (DueState.LATE, 1)


def test_decision_date_falls_back_to_the_decision_event() -> None:
    case = make_case((*UP_TO_NOTICE, ev(4, Stage.DECISION, "作出行政处罚决定", at(2025, 4, 1))))
    assert decision_clock(case, date(2025, 7, 1)).done_on == date(2025, 4, 1)


def test_decision_clock_in_uncovered_year_is_provisional() -> None:
    c = decision_clock(make_case(filed_on=date(2026, 11, 2)), date(2026, 12, 1))
    assert c.provisional


def test_no_decision_or_hearing_clocks_for_simple_or_non_penalty_cases() -> None:
    assert case_clocks(make_case(procedure=Procedure.SIMPLE), CAL, date(2025, 6, 1)) == []
    assert case_clocks(make_case(category=ActionCategory.INSPECTION), CAL, date(2025, 6, 1)) == []


# --- clocks: 送达 (art. 61) -----------------------------------------------------------------------------------------


def service_case(decided: date, served: date | None, procedure: Procedure = Procedure.ORDINARY) -> CaseFacts:
    events = [ev(1, Stage.DECISION, "作出行政处罚决定", at(decided.year, decided.month, decided.day, 9))]
    if served is not None:
        events.append(ev(2, Stage.SERVICE, "邮寄送达", at(served.year, served.month, served.day, 15)))
    return make_case(tuple(events), filed_on=decided - timedelta(days=30), decided_on=decided, procedure=procedure)


def service_clock(case: CaseFacts, today: date, name: str = "送达处罚决定书"):
    return clock(case_clocks(case, CAL, today), name)


def test_service_on_seventh_working_day_across_national_day_is_on_time() -> None:
    # 9/28 (Sun, 调休), 9/29, 9/30, 10/9, 10/10, 10/11 (Sat, 调休), 10/13.
    c = service_clock(service_case(date(2025, 9, 26), date(2025, 10, 13)), date(2025, 11, 1))
    assert (c.due, c.status, c.unit) == (date(2025, 10, 13), DueState.ON_TIME, "工作日")


def test_service_on_eighth_working_day_is_late() -> None:
    c = service_clock(service_case(date(2025, 9, 26), date(2025, 10, 14)), date(2025, 11, 1))
    assert (c.status, c.overdue_days) == (DueState.LATE, 1)


def test_service_after_decision_on_30_september() -> None:
    # From 9/30 the 1–8 October break intervenes: 10/9, 10/10, 10/11 (调休), 10/13, 10/14, 10/15, 10/16.
    on_time = service_clock(service_case(date(2025, 9, 30), date(2025, 10, 13)), date(2025, 11, 1))
    assert (on_time.due, on_time.status) == (date(2025, 10, 16), DueState.ON_TIME)
    late = service_clock(service_case(date(2025, 9, 30), date(2025, 10, 17)), date(2025, 11, 1))
    assert (late.status, late.overdue_days) == (DueState.LATE, 1)


def test_service_on_the_spot_is_on_time() -> None:
    c = service_clock(service_case(date(2025, 9, 30), date(2025, 9, 30)), date(2025, 11, 1))
    assert (c.status, c.note) == (DueState.ON_TIME, "当场交付")


def test_service_pending_and_overdue() -> None:
    running = service_clock(service_case(date(2025, 9, 30), None), date(2025, 10, 16))
    assert running.status is DueState.PENDING
    overdue = service_clock(service_case(date(2025, 9, 30), None), date(2025, 10, 20))
    assert (overdue.status, overdue.overdue_days) == (DueState.OVERDUE, 2)  # 10/17, 10/20


def test_simple_procedure_must_hand_over_on_the_spot() -> None:
    on_spot = service_clock(service_case(date(2025, 5, 6), date(2025, 5, 6), Procedure.SIMPLE), date(2025, 6, 1),
                            "当场交付处罚决定书")
    assert (on_spot.due, on_spot.status) == (date(2025, 5, 6), DueState.ON_TIME)
    next_day = service_clock(service_case(date(2025, 5, 6), date(2025, 5, 7), Procedure.SIMPLE), date(2025, 6, 1),
                             "当场交付处罚决定书")
    assert (next_day.status, next_day.overdue_days) == (DueState.LATE, 1)


def test_configured_service_period() -> None:
    case = service_case(date(2025, 9, 26), date(2025, 10, 13))
    c = clock(case_clocks(case, CAL, date(2025, 11, 1), rules=ProcedureRules(service_workdays=5)), "送达处罚决定书")
    assert (c.due, c.status) == (date(2025, 10, 10), DueState.LATE)


# --- clocks: 听证 (art. 64) -----------------------------------------------------------------------------------------

NOTICE_0926 = ev(2, Stage.NOTICE, "送达行政处罚事先告知书", at(2025, 9, 26))


def hearing_case(*events: EventFact, requested: bool = True) -> CaseFacts:
    return make_case((ev(1, Stage.FILING, "立案审批", at(2025, 9, 1), officers=("A001",)), NOTICE_0926, *events),
                     filed_on=date(2025, 9, 1), hearing_requested=requested)


def request_clock(case: CaseFacts, today: date = date(2025, 12, 1)):
    return clock(case_clocks(case, CAL, today), "当事人要求听证")


def test_hearing_request_on_fifth_working_day_is_on_time() -> None:
    # 9/28 (调休), 9/29, 9/30, 10/9, 10/10.
    c = request_clock(hearing_case(ev(3, Stage.HEARING, "当事人申请听证", at(2025, 10, 10))))
    assert (c.start, c.due, c.status, c.done_on) == (date(2025, 9, 26), date(2025, 10, 10), DueState.ON_TIME,
                                                     date(2025, 10, 10))


def test_hearing_request_on_a_working_saturday_after_the_period_is_late() -> None:
    c = request_clock(hearing_case(ev(3, Stage.HEARING, "当事人申请听证", at(2025, 10, 11))))
    assert (c.status, c.overdue_days, c.note) == (DueState.LATE, 1, "当事人逾期提出听证申请")


def test_hearing_request_window_still_open() -> None:
    c = request_clock(hearing_case(requested=False), date(2025, 10, 9))
    assert (c.status, c.note) == (DueState.PENDING, "听证申请期内，不宜作出处罚决定")


def test_hearing_request_window_closed_unused_is_a_waiver() -> None:
    c = request_clock(hearing_case(requested=False), date(2025, 10, 13))
    assert (c.status, c.note) == (DueState.NOT_APPLICABLE, "当事人未在期限内要求听证")


def test_hearing_request_without_a_recorded_date() -> None:
    c = request_clock(hearing_case(requested=True))
    assert c.status is DueState.NOT_APPLICABLE and "未记录申请日期" in c.note


def notice_clock(case: CaseFacts):
    return clock(case_clocks(case, CAL, date(2025, 12, 1)), "听证通知")


HEARING_1017 = ev(5, Stage.HEARING, "举行听证", at(2025, 10, 17), forms=(TEXT, AUDIO, VIDEO))
REQUEST_0929 = ev(3, Stage.HEARING, "当事人申请听证", at(2025, 9, 29))


def test_hearing_notice_seven_working_days_before_is_on_time() -> None:
    # Counting back from Friday 10/17: 10/16, 15, 14, 13, 11 (调休 Saturday), 10, 9 → notify by 10/9.
    sent = ev(4, Stage.HEARING, "送达听证通知书", at(2025, 10, 9))
    c = notice_clock(hearing_case(REQUEST_0929, sent, HEARING_1017))
    assert (c.start, c.due, c.done_on, c.status) == (date(2025, 10, 17), date(2025, 10, 9), date(2025, 10, 9),
                                                     DueState.ON_TIME)


def test_hearing_notice_across_the_holiday_is_on_time() -> None:
    sent = ev(4, Stage.HEARING, "送达听证通知书", at(2025, 9, 30))
    assert notice_clock(hearing_case(REQUEST_0929, sent, HEARING_1017)).status is DueState.ON_TIME


def test_hearing_notice_too_close_to_the_hearing_is_late() -> None:
    sent = ev(4, Stage.HEARING, "送达听证通知书", at(2025, 10, 10))
    c = notice_clock(hearing_case(REQUEST_0929, sent, HEARING_1017))
    assert (c.status, c.overdue_days) == (DueState.LATE, 1)


def test_hearing_without_recorded_notice_is_not_applicable() -> None:
    c = notice_clock(hearing_case(REQUEST_0929, HEARING_1017))
    assert (c.status, c.due, c.note) == (DueState.NOT_APPLICABLE, date(2025, 10, 9), "未记录听证通知，无法核对")


def test_no_hearing_notice_clock_before_a_hearing_is_held() -> None:
    names = [c.name for c in case_clocks(hearing_case(REQUEST_0929), CAL, date(2025, 12, 1))]
    assert "听证通知" not in names


# --- clocks: 法制审核 --------------------------------------------------------------------------------------------------


DEFAULT_REVIEW_RULES = ReviewRules()


def review_clock(
    review: ReviewFact, today: date = date(2025, 12, 1), rules: ReviewRules = DEFAULT_REVIEW_RULES
):
    case = make_case(category=ActionCategory.LICENCE, is_major=True, reviews=(review,))
    return clock(case_clocks(case, CAL, today, review_rules=rules), f"法制审核（第{review.round_no}轮）")


def test_review_within_seven_working_days_is_on_time() -> None:
    c = review_clock(ReviewFact(1, date(2025, 9, 26), date(2025, 10, 13), ReviewOutcome.APPROVED))
    assert (c.due, c.status) == (date(2025, 10, 13), DueState.ON_TIME)


def test_review_after_seven_working_days_is_late() -> None:
    c = review_clock(ReviewFact(1, date(2025, 9, 26), date(2025, 10, 14), ReviewOutcome.APPROVED))
    assert (c.status, c.overdue_days) == (DueState.LATE, 1)


def test_extended_review_has_three_more_working_days() -> None:
    c = review_clock(ReviewFact(1, date(2025, 9, 26), date(2025, 10, 16), ReviewOutcome.APPROVED, extended=True))
    assert (c.due, c.status, c.note) == (date(2025, 10, 16), DueState.ON_TIME, "经批准延长3个工作日")
    late = review_clock(ReviewFact(1, date(2025, 9, 26), date(2025, 10, 17), ReviewOutcome.APPROVED, extended=True))
    assert late.status is DueState.LATE


def test_pending_review_running_then_overdue() -> None:
    pending = ReviewFact(2, date(2025, 9, 26))
    assert review_clock(pending, date(2025, 10, 13)).status is DueState.PENDING
    overdue = review_clock(pending, date(2025, 10, 15))
    assert (overdue.status, overdue.overdue_days) == (DueState.OVERDUE, 2)


def test_configured_review_period() -> None:
    c = review_clock(ReviewFact(1, date(2025, 9, 26), date(2025, 10, 13), ReviewOutcome.APPROVED),
                     rules=ReviewRules(workdays=5))
    assert (c.due, c.status) == (date(2025, 10, 10), DueState.LATE)  # 9/28, 9/29, 9/30, 10/9, 10/10
    with pytest.raises(ValueError):
        ReviewRules(workdays=0)
    with pytest.raises(ValueError):
        ReviewRules(extension_workdays=-1)


def test_review_into_uncovered_year_is_provisional() -> None:
    c = review_clock(ReviewFact(1, date(2026, 12, 28)), date(2026, 12, 29))
    assert (c.due, c.provisional) == (date(2027, 1, 6), True)


def test_one_review_clock_per_round_in_order() -> None:
    reviews = (ReviewFact(2, date(2025, 3, 26)), ReviewFact(1, date(2025, 3, 21), date(2025, 3, 24),
                                                            ReviewOutcome.PROBLEMS))
    case = make_case(UP_TO_NOTICE, is_major=True, reviews=reviews)
    names = [c.name for c in case_clocks(case, CAL, date(2025, 3, 27))]
    assert names == ["立案至作出处罚决定", "当事人要求听证", "法制审核（第1轮）", "法制审核（第2轮）"]


# --- completeness ----------------------------------------------------------------------------------------------------


def full_ordinary(**kw: object) -> CaseFacts:
    events = (
        FILING,
        INSPECT,
        ev(3, Stage.INVESTIGATION, "查封扣押", at(2025, 3, 6), forms=(TEXT, BODYCAM, VIDEO)),
        ev(4, Stage.NOTICE, "送达行政处罚事先告知书", at(2025, 3, 20)),
        ev(5, Stage.LEGAL_REVIEW, "法制审核通过", at(2025, 3, 28), officers=()),
        ev(6, Stage.COLLECTIVE_DISCUSSION, "负责人集体讨论", at(2025, 3, 31), officers=()),
        ev(7, Stage.DECISION, "作出行政处罚决定", at(2025, 4, 1)),
        ev(8, Stage.SERVICE, "直接送达", at(2025, 4, 1, 15)),
        ev(9, Stage.EXECUTION, "当事人缴纳罚没款", at(2025, 4, 10), officers=()),
    )
    base: dict[str, object] = dict(
        is_major=True,
        decided_on=date(2025, 4, 1),
        reviews=(ReviewFact(1, date(2025, 3, 21), date(2025, 3, 28), ReviewOutcome.APPROVED),),
        decision_fields=FULL_FIELDS,
    )
    base.update(kw)
    return make_case(events, **base)


def without(case: CaseFacts, *seqs: int) -> CaseFacts:
    return replace(case, events=tuple(e for e in case.events if e.seq not in seqs))


def checks(result) -> dict[str, bool]:
    return {c.key: c.passed for c in result.checks}


def test_complete_ordinary_major_case_scores_100() -> None:
    result = completeness(full_ordinary(), OFFICERS, agency_id=AGENCY)
    assert result.score == 100 and result.missing == ()
    assert list(checks(result)) == [
        "filing", "investigation", "notice", "legal_review", "collective_discussion", "decision", "service",
        "execution", "av_records", "officers", "decision_fields",
    ]
    assert all(c.label and c.detail for c in result.checks)


def test_non_major_case_has_no_review_checks() -> None:
    result = completeness(full_ordinary(is_major=False, reviews=()), OFFICERS)
    assert "legal_review" not in checks(result) and "collective_discussion" not in checks(result)
    assert result.score == 100


def test_missing_notice_is_named_in_words() -> None:
    result = completeness(without(full_ordinary(is_major=False, reviews=()), 4), OFFICERS)
    assert checks(result)["notice"] is False
    assert result.missing == (
        "缺少告知环节：作出处罚决定前应告知当事人拟作出的处罚内容及陈述、申辩、听证权利（行政处罚法第四十四条）",
    )
    # 95 points apply (no review, no hearing); 告知 weighs 15: 80 / 95 = 84.2 %.
    assert result.score == 84


def test_notice_after_decision_fails() -> None:
    late_notice = ev(10, Stage.NOTICE, "送达行政处罚事先告知书", at(2025, 4, 2))
    case = replace(without(full_ordinary(), 4), events=(*without(full_ordinary(), 4).events, late_notice))
    result = completeness(case, OFFICERS)
    assert checks(result)["notice"] is False and result.missing[0].startswith("告知晚于决定")


def test_major_case_without_approved_review_or_discussion() -> None:
    case = without(full_ordinary(reviews=(ReviewFact(1, date(2025, 3, 21), date(2025, 3, 28),
                                                     ReviewOutcome.PROBLEMS),)), 6)
    result = completeness(case, OFFICERS)
    assert checks(result)["legal_review"] is False and checks(result)["collective_discussion"] is False
    assert any("第五十八条" in m for m in result.missing)
    assert any("第五十七条第二款" in m for m in result.missing)
    # 120 points apply; 25 are lost: 95 / 120 = 79.2 %.
    assert result.score == 79


def test_requested_hearing_must_be_held() -> None:
    held = ev(10, Stage.HEARING, "举行听证", at(2025, 3, 25), forms=(TEXT, AUDIO))
    assert checks(completeness(full_ordinary(hearing_requested=True), OFFICERS))["hearing"] is False
    case = full_ordinary(hearing_requested=True)
    assert checks(completeness(replace(case, events=(*case.events, held)), OFFICERS))["hearing"] is True


def test_missing_service_and_execution() -> None:
    result = completeness(without(full_ordinary(), 8, 9), OFFICERS)
    assert checks(result)["service"] is False and checks(result)["execution"] is False
    assert any(m.startswith("缺少送达记录") and "第六十一条" in m for m in result.missing)
    assert any(m.startswith("缺少执行记录") for m in result.missing)


def test_undecided_case_lacks_decision_and_service() -> None:
    result = completeness(without(full_ordinary(decided_on=None), 7, 8, 9), OFFICERS)
    assert checks(result)["decision"] is False and checks(result)["service"] is False


def test_missing_audio_visual_record_on_seizure() -> None:
    case = full_ordinary()
    bare = replace(case, events=tuple(replace(e, record_forms=frozenset({TEXT})) if e.seq == 3 else e
                                      for e in case.events))
    result = completeness(bare, OFFICERS)
    assert checks(result)["av_records"] is False
    assert any(m.startswith("缺少全程音像记录：“查封扣押”（序号3）") for m in result.missing)


def test_correction_supplies_the_missing_audio_visual_record() -> None:
    case = full_ordinary()
    bare = tuple(replace(e, record_forms=frozenset({TEXT})) if e.seq == 3 else e for e in case.events)
    fixed = ev(10, Stage.INVESTIGATION, "查封扣押", at(2025, 3, 6), forms=(TEXT, VIDEO), corrects=3)
    corrected = replace(case, events=(*bare, fixed))
    assert [e.seq for e in effective_events(corrected)] == [1, 2, 4, 5, 6, 7, 8, 9, 10]
    assert completeness(corrected, OFFICERS).score == 100


def test_on_site_action_with_expired_certificate_or_one_officer() -> None:
    case = full_ordinary()
    events = tuple(
        replace(e, officer_cert_nos=("A001", "A003"), occurred_at=at(2025, 7, 2)) if e.seq == 9 else e
        for e in case.events
    )
    # 执行 by payment is not on-site, so an expired certificate there does not count…
    assert checks(completeness(replace(case, events=events), OFFICERS))["officers"] is True
    events = tuple(replace(e, officer_cert_nos=("A001",)) if e.seq == 2 else e for e in case.events)
    result = completeness(replace(case, events=events), OFFICERS)
    assert checks(result)["officers"] is False
    assert any(m.startswith("执法人员不符合要求") and "序号2" in m for m in result.missing)


def test_officer_check_verifies_certificates_when_roster_given() -> None:
    case = full_ordinary()
    events = tuple(replace(e, officer_cert_nos=("A001", "B001")) if e.seq == 2 else e for e in case.events)
    case = replace(case, events=events)
    assert checks(completeness(case, OFFICERS, agency_id=AGENCY))["officers"] is False
    assert checks(completeness(case, OFFICERS))["officers"] is True  # agency not checked without agency_id
    headcount_only = completeness(case)
    officers_check = next(c for c in headcount_only.checks if c.key == "officers")
    assert officers_check.passed and "未提供执法证信息" in officers_check.detail


def test_decision_fields_of_article_59() -> None:
    fields = {**FULL_FIELDS, "救济途径和期限": "  ", "印章": None}
    result = completeness(full_ordinary(decision_fields=fields), OFFICERS)
    assert checks(result)["decision_fields"] is False
    assert "决定书要素不全：缺少救济途径和期限、印章（行政处罚法第五十九条）" in result.missing


def simple_case(fine: str | None, natural: bool | None, served_same_day: bool = True) -> CaseFacts:
    day = date(2025, 5, 6)
    events = (
        ev(1, Stage.INVESTIGATION, "现场检查", at(2025, 5, 6, 10), forms=(TEXT, BODYCAM)),
        ev(2, Stage.DECISION, "当场作出行政处罚决定", at(2025, 5, 6, 10, 30)),
        ev(3, Stage.SERVICE, "当场送达", at(2025, 5, 6 if served_same_day else 7, 10, 40)),
    )
    return make_case(events, procedure=Procedure.SIMPLE, filed_on=day, decided_on=day,
                     fine_total=None if fine is None else Decimal(fine), party_is_natural_person=natural)


def test_complete_simple_case() -> None:
    result = completeness(simple_case("200", True), OFFICERS, agency_id=AGENCY)
    assert result.score == 100
    assert list(checks(result)) == ["on_site", "officers", "decision", "service_on_spot", "fine_limit", "av_records"]


@pytest.mark.parametrize(
    ("fine", "natural", "passed"),
    [
        (None, None, True),  # 警告 only
        ("200", True, True),  # “以下” includes the figure
        ("200.01", True, False),
        ("3000", False, True),
        ("3000.01", False, False),
        ("150", None, True),  # within both limits
        ("500", None, False),  # kind unknown: cannot be verified
    ],
)
def test_simple_procedure_fine_limits(fine: str | None, natural: bool | None, passed: bool) -> None:
    result = completeness(simple_case(fine, natural), OFFICERS)
    assert checks(result)["fine_limit"] is passed
    if not passed:
        assert any("第五十一条" in m for m in result.missing)


def test_simple_case_served_next_day_is_not_on_the_spot() -> None:
    result = completeness(simple_case("100", True, served_same_day=False), OFFICERS)
    assert checks(result)["service_on_spot"] is False
    assert any(m.startswith("未当场交付处罚决定书") for m in result.missing)


def test_simple_case_without_on_site_record() -> None:
    case = without(simple_case("100", True), 1)
    case = replace(case, events=tuple(replace(e, action="作出处罚决定") if e.seq == 2 else e for e in case.events))
    result = completeness(case, OFFICERS)
    assert checks(result)["on_site"] is False


def test_licence_checklist() -> None:
    events = (
        ev(1, Stage.FILING, "受理申请", at(2025, 3, 3), officers=("A001",)),
        ev(2, Stage.INVESTIGATION, "现场核查", at(2025, 3, 5), forms=(TEXT, RecordForm.PHOTO)),
        ev(3, Stage.DECISION, "作出决定", at(2025, 3, 10), officers=()),
        ev(4, Stage.SERVICE, "送达决定书", at(2025, 3, 10, 15), officers=("A001",)),
    )
    case = make_case(events, category=ActionCategory.LICENCE, decided_on=date(2025, 3, 10))
    result = completeness(case, OFFICERS)
    assert list(checks(result)) == ["filing", "decision", "service", "av_records", "officers"]
    assert result.score == 100
    assert completeness(without(case, 4), OFFICERS).score == 82  # 45 / 55


def test_coercion_needs_notice_and_full_av() -> None:
    events = (
        ev(1, Stage.FILING, "立案审批", at(2025, 3, 3), officers=("A001",)),
        ev(2, Stage.NOTICE, "催告当事人", at(2025, 3, 4)),
        ev(3, Stage.DECISION, "作出查封决定", at(2025, 3, 5), officers=()),
        ev(4, Stage.EXECUTION, "查封场所设施财物", at(2025, 3, 5, 14), forms=(TEXT, BODYCAM)),
        ev(5, Stage.SERVICE, "送达查封决定书", at(2025, 3, 5, 15)),
    )
    case = make_case(events, category=ActionCategory.COERCION, decided_on=date(2025, 3, 5))
    assert completeness(case, OFFICERS).score == 100
    result = completeness(without(case, 2), OFFICERS)
    assert checks(result)["coercion_notice"] is False and any("行政强制法第十八条" in m for m in result.missing)


def test_inspection_needs_a_record_of_the_inspection() -> None:
    events = (
        ev(1, Stage.FILING, "检查任务登记", at(2025, 3, 3), officers=("A001",)),
        ev(2, Stage.INVESTIGATION, "现场检查", at(2025, 3, 5), forms=(TEXT, BODYCAM)),
        ev(3, Stage.DECISION, "作出决定", at(2025, 3, 5, 12), officers=()),
        ev(4, Stage.SERVICE, "送达决定书", at(2025, 3, 5, 15), officers=("A001",)),
    )
    case = make_case(events, category=ActionCategory.INSPECTION, decided_on=date(2025, 3, 5))
    assert completeness(case, OFFICERS).score == 100
    assert checks(completeness(without(case, 2), OFFICERS))["inspection_record"] is False


def test_check_weights_cover_every_check_key() -> None:
    keys = set()
    for case in (full_ordinary(hearing_requested=True), simple_case("1", True),
                 make_case(category=ActionCategory.COERCION), make_case(category=ActionCategory.INSPECTION)):
        keys |= set(checks(completeness(case)))
    assert keys == set(CHECK_WEIGHTS)
    assert all(w > 0 for w in CHECK_WEIGHTS.values())
