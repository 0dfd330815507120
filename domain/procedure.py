"""Procedure rules for 执法全过程记录: checks on each recorded step, statutory clocks and a completeness score.

docs/rules.md §1.3 (执法人员和证件), §1.7 (全过程记录, 音像记录), §1.8 (法制审核) and §2.2 (行政处罚法 arts. 42, 44–45,
51, 57–64, 85). Three layers:

* `validate_new_event` — refuses a step before it is stored: the hash chain (domain/chain.py) makes a stored
  step permanent, so a wrong one can only be fixed by a later correction; catching it at entry is cheaper.
* `case_clocks` — statutory time limits (立案→决定, 送达, 听证, 法制审核). 公示 deadlines live in
  domain/deadlines.py and are deliberately not repeated here.
* `completeness` — a 案卷评查-style checklist with a weighted score, chosen by procedure type.

Which recorded action counts as 现场执法 or needs 全程音像记录 is data (`ActionRules`), because action names are
free text that differ between agencies and sectors; the statute only names the kinds of activity.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from enum import StrEnum
from functools import cached_property
from types import MappingProxyType
from typing import Any
from zoneinfo import ZoneInfo

from domain.enums import AUDIO_VISUAL_FORMS, ActionCategory, DueState, Procedure, RecordForm, ReviewOutcome, Stage
from domain.review import decision_gate
from domain.workdays import Deadline, WorkCalendar

__all__ = [
    "SHANGHAI",
    "DECISION_FIELDS",
    "ON_SITE_ACTIONS",
    "MANDATORY_AV_ACTIONS",
    "ENFORCEMENT_PREMISES",
    "AS_NEEDED_AV_ACTIONS",
    "PAPERWORK_MARKERS",
    "ON_THE_SPOT_MARKERS",
    "HEARING_NOTICE_ACTIONS",
    "HEARING_REQUEST_ACTIONS",
    "CHECK_WEIGHTS",
    "OfficerCert",
    "EventFact",
    "ReviewFact",
    "CaseFacts",
    "AvRequirement",
    "ActionRules",
    "DEFAULT_ACTION_RULES",
    "ProcedureRules",
    "DEFAULT_PROCEDURE_RULES",
    "ReviewRules",
    "DEFAULT_REVIEW_RULES",
    "is_on_site_action",
    "av_requirement",
    "effective_events",
    "validate_new_event",
    "Clock",
    "case_clocks",
    "Check",
    "Completeness",
    "completeness",
    "completeness_cert_nos",
]

# Certificates, 立案 dates and statutory days are all dates in China; an instant is judged by its Beijing date.
SHANGHAI = ZoneInfo("Asia/Shanghai")

# 行政处罚法 art. 59: what a 行政处罚决定书 must state. Keys of `CaseFacts.decision_fields`.
DECISION_FIELDS: tuple[str, ...] = (
    "当事人姓名或名称",
    "当事人地址",
    "违法事实和证据",
    "处罚种类和依据",
    "履行方式和期限",
    "救济途径和期限",
    "行政机关名称",
    "作出决定日期",
    "印章",
)


# --- input facts ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class OfficerCert:
    """One 行政执法证 as held on the roster. `officers` mappings passed to this module are keyed by `cert_no`."""

    officer_id: int
    name: str
    cert_no: str
    valid_from: date
    valid_to: date
    agency_id: int

    def valid_on(self, d: date) -> bool:
        return self.valid_from <= d <= self.valid_to


def split_cert_nos(text: str) -> tuple[str, ...]:
    """执法证号 as case_events stores them: "、"-joined as recorded (commas tolerated), blanks dropped."""
    parts = text.replace(",", "、").replace("，", "、").split("、")
    return tuple(c.strip() for c in parts if c.strip())


@dataclass(frozen=True)
class EventFact:
    """One recorded step of a case (case_events row), as the rules need it."""

    seq: int
    stage: Stage
    action: str
    occurred_at: datetime  # tz-aware
    officer_cert_nos: tuple[str, ...] = ()
    record_forms: frozenset[RecordForm] = frozenset()
    document_no: str | None = None
    location: str | None = None
    corrects_seq: int | None = None

    def __post_init__(self) -> None:
        # Values already of the normal form (as db.events builds them, a million times for the stored scores) are
        # kept as they are; anything else is converted.
        if self.stage.__class__ is not Stage:
            object.__setattr__(self, "stage", Stage(self.stage))
        cert_nos = self.officer_cert_nos
        if isinstance(cert_nos, str):
            # case_events stores the numbers "、"-joined as recorded; accept that form straight from the row.
            cert_nos = split_cert_nos(cert_nos)
        object.__setattr__(self, "officer_cert_nos", tuple(c.strip() for c in cert_nos if c and c.strip()))
        forms = self.record_forms
        if forms.__class__ is not frozenset or any(f.__class__ is not RecordForm for f in forms):
            object.__setattr__(self, "record_forms", frozenset(RecordForm(f) for f in forms))

    @cached_property  # read by several checks; the instance is frozen, so once is enough
    def local_date(self) -> date:
        return _local(self.occurred_at).date()


@dataclass(frozen=True)
class ReviewFact:
    """One round of 法制审核. A round with outcome 存在问题 is followed by a resubmission (docs/rules.md §1.8)."""

    round_no: int
    submitted_on: date
    reviewed_on: date | None = None
    outcome: ReviewOutcome | None = None
    # Local rules allow a longer review for 疑难复杂 cases on approval (辽宁, 宁夏: +3 working days).
    extended: bool = False

    def __post_init__(self) -> None:
        if self.outcome is not None:
            object.__setattr__(self, "outcome", ReviewOutcome(self.outcome))


@dataclass(frozen=True)
class ReviewRules:
    """法制审核 time limit. 118号(十四) leaves it to each agency; 7 + 3 working days is 辽宁/宁夏 practice (§1.8)."""

    workdays: int = 7
    extension_workdays: int = 3

    def __post_init__(self) -> None:
        if isinstance(self.workdays, bool) or not isinstance(self.workdays, int) or self.workdays < 1:
            raise ValueError(f"法制审核时限应为正整数个工作日，实际为{self.workdays!r}")
        if isinstance(self.extension_workdays, bool) or not isinstance(self.extension_workdays, int):
            raise ValueError(f"法制审核延长时限应为整数个工作日，实际为{self.extension_workdays!r}")
        if self.extension_workdays < 0:
            raise ValueError("法制审核延长时限不能为负数")


DEFAULT_REVIEW_RULES = ReviewRules()


@dataclass(frozen=True)
class CaseFacts:
    case_no: str
    procedure: Procedure
    category: ActionCategory
    filed_on: date
    is_major: bool
    decided_on: date | None = None
    decision_extension_days: int = 0
    events: tuple[EventFact, ...] = ()
    reviews: tuple[ReviewFact, ...] = ()
    hearing_requested: bool = False
    # Excluded from the hash so that the case stays hashable; compared like any other field.
    decision_fields: Mapping[str, str | None] = field(default_factory=dict, hash=False)
    fine_total: Decimal | None = None  # 罚款 total in 元; None or 0 when no fine (e.g. 警告 only)
    party_is_natural_person: bool | None = None
    review_rules: ReviewRules = DEFAULT_REVIEW_RULES  # the case's agency's 法制审核 time limit (its 目录清单)

    def __post_init__(self) -> None:
        object.__setattr__(self, "procedure", Procedure(self.procedure))
        object.__setattr__(self, "category", ActionCategory(self.category))
        if self.decision_extension_days < 0:
            raise ValueError("延长天数不能为负数")
        # Sorted once here so that every rule can rely on seq order without re-sorting.
        object.__setattr__(self, "events", tuple(sorted(self.events, key=lambda e: e.seq)))
        object.__setattr__(self, "reviews", tuple(sorted(self.reviews, key=lambda r: r.round_no)))
        object.__setattr__(self, "decision_fields", MappingProxyType(dict(self.decision_fields)))


# --- action classification (118号(八), 行政处罚法 art. 42, 行政强制法 art. 18) ----------------------------------
#
# All tables are matched as substrings of the recorded action (or location): recorded names vary
# ("查封扣押", "对仓库实施查封", "扣押涉案物品"), and a missed match would silently drop a mandatory check.
# Keep entries specific: "留置" alone would also match 留置送达, and "强制执行" would match 申请人民法院强制执行.

ON_SITE_ACTIONS: frozenset[str] = frozenset(
    {
        "现场检查",
        "现场核查",
        "现场勘验",
        "勘验",
        "现场调查",
        "现场执法",
        "抽样取证",
        "查封扣押",
        "查封",
        "扣押",
        "先行登记保存",
        "强制拆除",
        "当场作出行政处罚决定",
        "当场处罚",
        "询问调查",
        "询问",
    }
)

# Directly touching 人身自由, 生命健康 or 重大财产权益: 全程音像记录. The three abstract phrases are listed too, so
# an agency can tag a free-text action with them.
MANDATORY_AV_ACTIONS: frozenset[str] = frozenset(
    {
        "查封",
        "扣押",
        "强制拆除",
        "强制清除",
        "人身自由",
        "生命健康",
        "重大财产权益",
        "行政拘留",
        "强制传唤",
        "强制带离",
        "保护性约束",
        "强制隔离",
        "强制检疫",
        "强制扑杀",
    }
)

# 执法办案场所: any activity recorded there needs 全程音像记录, whatever the action.
ENFORCEMENT_PREMISES: frozenset[str] = frozenset({"执法办案场所", "办案场所", "询问室", "讯问室", "办案区", "候问室"})

# 容易引发争议的执法过程: record on audio-video 根据实际情况. Every on-site action is also AS_NEEDED (现场执法).
AS_NEEDED_AV_ACTIONS: frozenset[str] = frozenset(
    {"现场", "当场", "调查", "取证", "勘验", "抽样", "询问", "听证", "留置送达", "公告送达"}
)

# Paperwork about an on-site measure is not the measure: "作出查封决定", "送达查封扣押决定书" and "查封审批" happen
# at a desk and need neither two officers on site nor 音像. A marker from the second table ("当场作出行政处罚决定")
# puts the action back on site.
PAPERWORK_MARKERS: frozenset[str] = frozenset({"作出", "决定书", "审批", "审核", "讨论", "送达", "通知", "告知", "催告"})
ON_THE_SPOT_MARKERS: frozenset[str] = frozenset({"当场"})

HEARING_NOTICE_ACTIONS: frozenset[str] = frozenset({"听证通知"})
HEARING_REQUEST_ACTIONS: frozenset[str] = frozenset({"听证申请", "申请听证", "要求听证"})


class AvRequirement(StrEnum):
    MANDATORY_FULL = "全程音像记录"
    AS_NEEDED = "根据实际情况音像记录"
    OPTIONAL = "可以不进行音像记录"


_MEMO_LIMIT = 4096


def _mentions(text: str | None, keywords: Iterable[str]) -> bool:
    return text is not None and any(k in text for k in keywords)


@dataclass(frozen=True)
class ActionRules:
    """Per-agency classification tables. `min_officers` is configurable for 法律另有规定 (行政处罚法 art. 42)."""

    on_site_actions: frozenset[str] = ON_SITE_ACTIONS
    mandatory_av_actions: frozenset[str] = MANDATORY_AV_ACTIONS
    enforcement_premises: frozenset[str] = ENFORCEMENT_PREMISES
    as_needed_av_actions: frozenset[str] = AS_NEEDED_AV_ACTIONS
    paperwork_markers: frozenset[str] = PAPERWORK_MARKERS
    on_the_spot_markers: frozenset[str] = ON_THE_SPOT_MARKERS
    hearing_notice_actions: frozenset[str] = HEARING_NOTICE_ACTIONS
    hearing_request_actions: frozenset[str] = HEARING_REQUEST_ACTIONS
    min_officers: int = 2

    def __post_init__(self) -> None:
        for name in (
            "on_site_actions",
            "mandatory_av_actions",
            "enforcement_premises",
            "as_needed_av_actions",
            "paperwork_markers",
            "on_the_spot_markers",
            "hearing_notice_actions",
            "hearing_request_actions",
        ):
            # An empty string would match every action and silently turn every step into a mandatory one.
            values = frozenset(str(v).strip() for v in getattr(self, name))
            if "" in values:
                raise ValueError("动作分类表中不能包含空字符串")
            object.__setattr__(self, name, values)
        if isinstance(self.min_officers, bool) or not isinstance(self.min_officers, int) or self.min_officers < 1:
            raise ValueError(f"最少执法人员数应为正整数，实际为{self.min_officers!r}")
        # Recorded actions repeat a few hundred texts: each question about a text is answered once. Not a field, so
        # equality, hashing and ``replace`` ignore it; bounded so that free text cannot grow it without limit.
        object.__setattr__(self, "_memo", {})

    def _remember(self, key: tuple[str, str, str | None], value: Any) -> Any:
        memo: dict[tuple[str, str, str | None], Any] = self._memo  # type: ignore[attr-defined]
        if len(memo) >= _MEMO_LIMIT:
            memo.clear()
        memo[key] = value
        return value

    def is_paperwork(self, action: str) -> bool:
        key = ("paperwork", action, None)
        found = self._memo.get(key)  # type: ignore[attr-defined]
        if found is None:
            found = self._remember(key, _mentions(action, self.paperwork_markers)
                                   and not _mentions(action, self.on_the_spot_markers))
        return found

    def is_on_site(self, action: str) -> bool:
        key = ("on_site", action, None)
        found = self._memo.get(key)  # type: ignore[attr-defined]
        if found is None:
            # 查封、扣押、强制拆除… are 现场执法活动 by definition (118号(八)), so they count even if not listed.
            found = self._remember(key, not self.is_paperwork(action) and (
                _mentions(action, self.on_site_actions) or _mentions(action, self.mandatory_av_actions)))
        return found

    def av_requirement(self, action: str, location: str | None = None) -> AvRequirement:
        key = ("av", action, location)
        found = self._memo.get(key)  # type: ignore[attr-defined]
        if found is None:
            found = self._remember(key, self._av_requirement(action, location))
        return found

    def _av_requirement(self, action: str, location: str | None) -> AvRequirement:
        # Anything done inside 执法办案场所 is recorded in full, paperwork included (118号(八)).
        if _mentions(location, self.enforcement_premises):
            return AvRequirement.MANDATORY_FULL
        if not self.is_paperwork(action) and _mentions(action, self.mandatory_av_actions):
            return AvRequirement.MANDATORY_FULL
        if self.is_on_site(action) or _mentions(action, self.as_needed_av_actions):
            return AvRequirement.AS_NEEDED
        return AvRequirement.OPTIONAL

    def is_hearing_notice(self, action: str) -> bool:
        key = ("hearing_notice", action, None)
        found = self._memo.get(key)  # type: ignore[attr-defined]
        if found is None:
            found = self._remember(key, _mentions(action, self.hearing_notice_actions))
        return found

    def is_hearing_request(self, action: str) -> bool:
        key = ("hearing_request", action, None)
        found = self._memo.get(key)  # type: ignore[attr-defined]
        if found is None:
            found = self._remember(key, _mentions(action, self.hearing_request_actions))
        return found


DEFAULT_ACTION_RULES = ActionRules()


def is_on_site_action(action: str, rules: ActionRules = DEFAULT_ACTION_RULES) -> bool:
    return rules.is_on_site(action)


def av_requirement(
    action: str, location: str | None = None, rules: ActionRules = DEFAULT_ACTION_RULES
) -> AvRequirement:
    """118号(八): 全程音像记录 / 根据实际情况 / 文字记录即可, for one recorded action at one place."""
    return rules.av_requirement(action, location)


# --- configurable periods ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ProcedureRules:
    """Statutory periods of 行政处罚法; “日” in arts. 61 and 64 are working days (art. 85), art. 60's 九十日 are
    calendar days. Each allows 法律、法规另有规定, hence configuration rather than constants."""

    decision_days: int = 90  # art. 60
    service_workdays: int = 7  # art. 61
    hearing_request_workdays: int = 5  # art. 64(一)
    hearing_notice_workdays: int = 7  # art. 64(二)
    future_tolerance: timedelta = timedelta(minutes=5)  # device clocks drift; a few minutes is not a fabrication
    simple_fine_max_person: Decimal = Decimal("200")  # art. 51, “以下” includes the figure
    simple_fine_max_org: Decimal = Decimal("3000")

    def __post_init__(self) -> None:
        for name in ("decision_days", "service_workdays", "hearing_request_workdays", "hearing_notice_workdays"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                raise ValueError(f"期限{name}应为正整数，实际为{value!r}")
        if self.future_tolerance < timedelta(0):
            raise ValueError("时间误差不能为负数")


DEFAULT_PROCEDURE_RULES = ProcedureRules()




# --- shared helpers -----------------------------------------------------------------------------------------------


def _local(moment: datetime) -> datetime:
    # Facts from the database are tz-aware; a naive value here is read as Beijing wall time rather than as the
    # server's zone, which would shift dates on a UTC host. validate_new_event refuses naive input outright.
    if moment.tzinfo is None:
        return moment.replace(tzinfo=SHANGHAI)
    return moment.astimezone(SHANGHAI)


def _fmt(moment: datetime) -> str:
    return _local(moment).strftime("%Y-%m-%d %H:%M")


def _start_of(d: date) -> datetime:
    return datetime.combine(d, time.min, tzinfo=SHANGHAI)


def effective_events(case: CaseFacts) -> tuple[EventFact, ...]:
    """The case's events with every corrected event replaced by its correction (seq order kept).

    A correction is a new chained row, not an edit; for the rules it is the one that counts. Chains of
    corrections resolve naturally: only the last one is left uncorrected.
    """
    corrected = {e.corrects_seq for e in case.events if e.corrects_seq is not None}
    return tuple(e for e in case.events if e.seq not in corrected)


def _of_stage(events: Iterable[EventFact], stage: Stage) -> list[EventFact]:
    return [e for e in events if e.stage is stage]


def _decision(case: CaseFacts, events: tuple[EventFact, ...]) -> tuple[date | None, datetime | None]:
    """The decision's date (the case's decided_on wins) and, when a 决定 step was recorded, its instant."""
    decisions = _of_stage(events, Stage.DECISION)
    moment = decisions[0].occurred_at if decisions else None
    day = case.decided_on if case.decided_on is not None else (decisions[0].local_date if decisions else None)
    return day, moment


def _not_after(event: EventFact, day: date | None, moment: datetime | None) -> bool:
    """Whether `event` happened no later than the decision (by instant when known, else by date)."""
    if moment is not None:
        return event.occurred_at <= moment
    if day is not None:
        return event.local_date <= day
    return True


def _not_before(event: EventFact, day: date | None, moment: datetime | None) -> bool:
    if moment is not None:
        return event.occurred_at >= moment
    if day is not None:
        return event.local_date >= day
    return False


def _officer_problems(
    event: EventFact,
    officers: Mapping[str, OfficerCert],
    agency_id: int | None,
    rules: ActionRules,
    on_day: date | None,
) -> list[str]:
    """Certificate, duplicate and headcount problems of one event, as Chinese sentences.

    `agency_id` None skips the agency check (completeness of an imported case); `on_day` None skips validity.
    """
    problems: list[str] = []
    people: set[object] = set()
    seen_certs: set[str] = set()
    by_officer: dict[int, list[str]] = {}
    for no in event.officer_cert_nos:
        if no in seen_certs:
            who = officers[no].name if no in officers else "执法人员"
            problems.append(f"执法人员重复：{who}（执法证号{no}）被重复记录，同一人只能计为一名执法人员")
            continue
        seen_certs.add(no)
        cert = officers.get(no)
        if cert is None:
            problems.append(f"执法证号{no}不在本系统执法人员名录中，无法确认其行政执法资格（行政处罚法第四十二条）")
            people.add(no)  # unknown, but still one person for the headcount; the problem is reported above
            continue
        by_officer.setdefault(cert.officer_id, []).append(no)
        people.add(cert.officer_id)
        if agency_id is not None and cert.agency_id != agency_id:
            problems.append(f"{cert.name}（执法证号{no}）不属于本执法主体，不能以本机关名义实施执法")
        if on_day is not None and not cert.valid_on(on_day):
            problems.append(
                f"{cert.name}的执法证（{no}）有效期为{cert.valid_from.isoformat()}至{cert.valid_to.isoformat()}，"
                f"{on_day.isoformat()}不在有效期内（行政处罚法第四十二条、第七十六条）"
            )
    for nos in by_officer.values():
        if len(nos) > 1:
            name = officers[nos[0]].name
            problems.append(
                f"执法人员重复：{name}以多个执法证号（{'、'.join(nos)}）被记录，同一人只能计为一名执法人员"
            )
    if rules.is_on_site(event.action) and len(people) < rules.min_officers:
        problems.append(
            f"“{event.action}”属于现场执法活动，执法人员不得少于{rules.min_officers}人"
            f"（行政处罚法第四十二条、行政强制法第十八条），本记录仅{len(people)}人"
        )
    return problems


def _av_problem(event: EventFact, rules: ActionRules) -> str | None:
    if rules.av_requirement(event.action, event.location) is not AvRequirement.MANDATORY_FULL:
        return None
    if event.record_forms & AUDIO_VISUAL_FORMS:
        return None
    where = f"（地点：{event.location}）" if event.location else ""
    return (
        f"“{event.action}”{where}应当全程音像记录（国办发〔2018〕118号第（八）项），"
        f"请至少选择一种音像记录形式：执法记录仪、录音、照相、录像或视频监控"
    )


# --- validation of a new step -----------------------------------------------------------------------------------


def validate_new_event(
    case: CaseFacts,
    new: EventFact,
    officers: Mapping[str, OfficerCert],
    now: datetime,
    acting_agency_id: int,
    *,
    action_rules: ActionRules = DEFAULT_ACTION_RULES,
    rules: ProcedureRules = DEFAULT_PROCEDURE_RULES,
) -> list[str]:
    """Reasons to refuse `new` for `case`, in Chinese; an empty list accepts it.

    `officers` maps 执法证号 → certificate. All problems are reported at once so the officer can fix the form
    in one go. A correction (`corrects_seq`) may concern any earlier step, so stage order and the 告知/法制审核
    prerequisites are not re-applied to it; times, certificates and 音像 are, because the corrected content is
    what the file will show.
    """
    if now.tzinfo is None:
        raise ValueError("now 必须带时区")
    errors: list[str] = []
    events = effective_events(case)

    if case.events and new.seq <= case.events[-1].seq:
        errors.append(f"记录序号{new.seq}不大于已有记录的最大序号{case.events[-1].seq}，执法记录只能追加，不能插入")

    if new.corrects_seq is not None:
        target = next((e for e in case.events if e.seq == new.corrects_seq), None)
        if target is None or new.corrects_seq >= new.seq:
            errors.append(f"更正所指向的记录（序号{new.corrects_seq}）不存在或不在本记录之前，无法更正")

    on_day: date | None = None
    if new.occurred_at.tzinfo is None:
        errors.append("发生时间缺少时区信息，无法确定执法活动的日期")
    else:
        on_day = new.local_date
        if new.occurred_at > now + rules.future_tolerance:
            errors.append(f"发生时间{_fmt(new.occurred_at)}晚于当前时间{_fmt(now)}，不能记录尚未发生的执法活动")
        if new.occurred_at < _start_of(case.filed_on):
            errors.append(
                f"发生时间{_fmt(new.occurred_at)}早于立案日期{case.filed_on.isoformat()}，立案前的活动不能记入本案"
            )

    if new.corrects_seq is None:
        errors.extend(_stage_problems(case, events, new, action_rules))

    errors.extend(_officer_problems(new, officers, acting_agency_id, action_rules, on_day))
    av = _av_problem(new, action_rules)
    if av is not None:
        errors.append(av)
    return errors


def _stage_problems(
    case: CaseFacts, events: tuple[EventFact, ...], new: EventFact, action_rules: ActionRules
) -> list[str]:
    problems: list[str] = []
    if events:
        latest = max((e.stage for e in events), key=lambda s: s.order)
        if new.stage.order < latest.order:
            if new.stage is Stage.INVESTIGATION and latest.order < Stage.DECISION.order:
                # 补充调查 after 陈述申辩, 听证 or a 存在问题 review is normal practice (118号(十三)); after the
                # decision it would mean deciding first and proving later.
                pass
            elif new.stage is Stage.INVESTIGATION:
                when = "作出决定后" if _of_stage(events, Stage.DECISION) else f"已到“{latest.value}”环节，"
                problems.append(
                    f"环节顺序错误：本案已记录到“{latest.value}”环节，{when}不能再补充调查取证；"
                    f"如需修改已有记录，请以更正方式录入"
                )
            else:
                problems.append(
                    f"环节顺序错误：本案已记录到“{latest.value}”环节，不能再记录较早的“{new.stage.value}”环节；"
                    f"如需修改已有记录，请以更正方式录入"
                )

    problems.extend(_skipped_steps(case, events, new))
    if new.stage is not Stage.DECISION:
        return problems

    # 告知 (arts. 44–45, 62) is a 行政处罚 rule; 许可 and the other categories have no such step.
    if case.category is ActionCategory.PENALTY and case.procedure is Procedure.ORDINARY:
        # A 听证通知 filed under 告知 is not the art. 44 告知 itself.
        notices = [n for n in _of_stage(events, Stage.NOTICE) if not action_rules.is_hearing_notice(n.action)]
        if not notices:
            problems.append(
                "缺少告知环节：作出行政处罚决定前，应当告知当事人拟作出的行政处罚内容及事实、理由、依据，"
                "并告知其陈述、申辩、要求听证的权利（行政处罚法第四十四条、第六十二条）"
            )
        elif new.occurred_at.tzinfo is not None and all(n.occurred_at > new.occurred_at for n in notices):
            problems.append(
                f"告知时间{_fmt(notices[0].occurred_at)}晚于本次决定时间{_fmt(new.occurred_at)}："
                f"应当先告知、后决定（行政处罚法第四十四条）"
            )

    # 118号(十二) applies to every 重大执法决定, not only to 处罚.
    if case.is_major:
        problems.extend(_review_problems(case, new.local_date if new.occurred_at.tzinfo else None))
    return problems


def required_before(case: CaseFacts, stage: Stage) -> tuple[Stage, ...]:
    """The steps that must already be on record before ``stage`` (a forward skip over them is refused): a 行政处罚
    is decided only after 调查取证 (ordinary procedure; a 简易程序 decision is made on the spot), served and executed
    only after its 决定, and no case is closed (结案归档) before 调查取证 — also one transferred or not punished.
    告知 and 法制审核 before a 决定 have their own, more precise checks."""
    penalty = case.category is ActionCategory.PENALTY
    ordinary = case.procedure is Procedure.ORDINARY
    if stage is Stage.DECISION and penalty and ordinary:
        return (Stage.INVESTIGATION,)
    if stage in (Stage.SERVICE, Stage.EXECUTION) and penalty:
        return (Stage.DECISION,)
    if stage is Stage.ARCHIVE and ordinary:
        return (Stage.INVESTIGATION,)
    return ()


def _skipped_steps(case: CaseFacts, events: tuple[EventFact, ...], new: EventFact) -> list[str]:
    missing = [s for s in required_before(case, new.stage) if not _of_stage(events, s)]
    if not missing:
        return []
    names = "、".join(f"“{s.value}”" for s in missing)
    return [f"缺少必经环节：记录“{new.stage.value}”前应先记录{names}环节，不能跳过"]


def _review_problems(case: CaseFacts, decision_day: date | None) -> list[str]:
    # One gate for the event form, the decision service and the importer (domain.review.decision_gate).
    return decision_gate(True, case.reviews, decision_day)


# --- statutory clocks -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Clock:
    name: str
    basis: str
    start: date  # 起算日 (not counted, 民法典 art. 201); for 听证通知 the hearing day, counted backwards
    due: date  # last day on which the step is on time
    done_on: date | None
    status: DueState
    overdue_days: int  # in `unit`; 0 unless 逾期 or 已逾期未完成
    provisional: bool  # the calendar of a counted year is not official yet (domain/workdays.py)
    unit: str  # "工作日" | "自然日"
    note: str = ""


WORKDAYS = "工作日"
CALENDAR_DAYS = "自然日"


def _clock(
    name: str,
    basis: str,
    start: date,
    deadline: Deadline,
    done_on: date | None,
    today: date,
    unit: str,
    calendar: WorkCalendar,
    note: str = "",
) -> Clock:
    def late_by(end: date) -> int:
        if unit == CALENDAR_DAYS:
            return (end - deadline.due).days
        # A step on the weekend right after a Friday deadline is late although no working day has passed:
        # report at least 1 so that 逾期 never shows with 0 days (same convention as domain/deadlines.py).
        return max(1, calendar.workdays_between(deadline.due, end))

    if done_on is not None:
        if done_on <= deadline.due:
            status, days = DueState.ON_TIME, 0
        else:
            status, days = DueState.LATE, late_by(done_on)
    elif today <= deadline.due:
        status, days = DueState.PENDING, 0
    else:
        status, days = DueState.OVERDUE, late_by(today)
    return Clock(name, basis, start, deadline.due, done_on, status, days, deadline.provisional, unit, note)


def case_clocks(
    case: CaseFacts,
    calendar: WorkCalendar,
    today: date,
    *,
    rules: ProcedureRules = DEFAULT_PROCEDURE_RULES,
    review_rules: ReviewRules | None = None,
    action_rules: ActionRules = DEFAULT_ACTION_RULES,
) -> list[Clock]:
    """The statutory clocks that apply to `case`, in procedural order. 公示 clocks: see domain/deadlines.py. The
    法制审核 clocks follow `review_rules` if given, else the case's agency's (``case.review_rules``)."""
    events = effective_events(case)
    clocks: list[Clock] = []
    if case.category is ActionCategory.PENALTY:
        decided_day, _ = _decision(case, events)
        if case.procedure is Procedure.ORDINARY:
            clocks.append(_decision_clock(case, decided_day, calendar, today, rules))
        if decided_day is not None:
            clocks.append(_service_clock(case, events, decided_day, calendar, today, rules))
        if case.procedure is Procedure.ORDINARY:
            clocks.extend(_hearing_clocks(case, events, calendar, today, rules, action_rules))
    for review in case.reviews:
        clocks.append(_review_clock(review, calendar, today, review_rules or case.review_rules))
    return clocks


def _decision_clock(
    case: CaseFacts, decided_day: date | None, calendar: WorkCalendar, today: date, rules: ProcedureRules
) -> Clock:
    days = rules.decision_days + case.decision_extension_days
    # 九十日 are calendar days; a period ending on a 法定休假日 ends on the next working day (民法典 art. 203,
    # by analogy), which add_calendar_days applies.
    due = calendar.add_calendar_days(case.filed_on, days)
    note = f"含经批准延长的{case.decision_extension_days}日" if case.decision_extension_days else ""
    return _clock(
        "立案至作出处罚决定",
        "《行政处罚法》第六十条；《民法典》第二百零三条（类推）",
        case.filed_on,
        Deadline(due, calendar.is_provisional(due)),
        decided_day,
        today,
        CALENDAR_DAYS,
        calendar,
        note,
    )


def _service_clock(
    case: CaseFacts,
    events: tuple[EventFact, ...],
    decided_day: date,
    calendar: WorkCalendar,
    today: date,
    rules: ProcedureRules,
) -> Clock:
    served = [e.local_date for e in _of_stage(events, Stage.SERVICE) if e.local_date >= decided_day]
    done_on = min(served) if served else None
    if case.procedure is Procedure.SIMPLE:
        # 当场作出的决定书 must be handed over on the spot (art. 52): the period is the day itself.
        return _clock(
            "当场交付处罚决定书",
            "《行政处罚法》第五十二条",
            decided_day,
            Deadline(decided_day, calendar.is_provisional(decided_day)),
            done_on,
            today,
            WORKDAYS,
            calendar,
        )
    note = "当场交付" if done_on == decided_day else ""
    return _clock(
        "送达处罚决定书",
        "《行政处罚法》第六十一条、第八十五条",
        decided_day,
        calendar.add_workdays(decided_day, rules.service_workdays),
        done_on,
        today,
        WORKDAYS,
        calendar,
        note,
    )


def _hearing_clocks(
    case: CaseFacts,
    events: tuple[EventFact, ...],
    calendar: WorkCalendar,
    today: date,
    rules: ProcedureRules,
    action_rules: ActionRules,
) -> list[Clock]:
    clocks: list[Clock] = []
    notices = [e for e in _of_stage(events, Stage.NOTICE) if not action_rules.is_hearing_notice(e.action)]
    requests = [e for e in events if action_rules.is_hearing_request(e.action)]
    hearing_notices = [e for e in events if action_rules.is_hearing_notice(e.action)]
    hearings = [
        e
        for e in _of_stage(events, Stage.HEARING)
        if not action_rules.is_hearing_notice(e.action) and not action_rules.is_hearing_request(e.action)
    ]

    if notices:
        request = requests[0] if requests else None
        # A renewed 告知 (e.g. after new facts) restarts the party's period: count from the last one before
        # the request, or the last one of all while no request was recorded.
        before = [n for n in notices if request is None or n.occurred_at <= request.occurred_at]
        notice = (before or notices)[-1]
        deadline = calendar.add_workdays(notice.local_date, rules.hearing_request_workdays)
        name, basis = "当事人要求听证", "《行政处罚法》第六十四条第（一）项、第八十五条"
        if request is not None:
            note = "" if request.local_date <= deadline.due else "当事人逾期提出听证申请"
            clocks.append(_clock(name, basis, notice.local_date, deadline, request.local_date, today, WORKDAYS,
                                 calendar, note))
        elif case.hearing_requested:
            clocks.append(_not_applicable(name, basis, notice.local_date, deadline,
                                          "已记录当事人要求听证，但未记录申请日期，无法核对期限"))
        elif today <= deadline.due:
            clocks.append(_clock(name, basis, notice.local_date, deadline, None, today, WORKDAYS, calendar,
                                 "听证申请期内，不宜作出处罚决定"))
        else:
            # The party's window closed unused: that is a waiver, not a delay of the agency.
            clocks.append(_not_applicable(name, basis, notice.local_date, deadline, "当事人未在期限内要求听证"))

    if hearings:
        held_on = hearings[0].local_date
        latest = _workdays_before(calendar, held_on, rules.hearing_notice_workdays)
        deadline = Deadline(latest, calendar.is_provisional(latest) or calendar.is_provisional(held_on))
        name, basis = "听证通知", "《行政处罚法》第六十四条第（二）项、第八十五条"
        sent = [e.local_date for e in hearing_notices if e.local_date <= held_on]
        if sent:
            clocks.append(_clock(name, basis, held_on, deadline, max(sent), today, WORKDAYS, calendar,
                                 "自举行听证之日向前倒算"))
        else:
            clocks.append(_not_applicable(name, basis, held_on, deadline, "未记录听证通知，无法核对"))
    return clocks


def _not_applicable(name: str, basis: str, start: date, deadline: Deadline, note: str) -> Clock:
    return Clock(name, basis, start, deadline.due, None, DueState.NOT_APPLICABLE, 0, deadline.provisional,
                 WORKDAYS, note)


def _workdays_before(calendar: WorkCalendar, day: date, n: int) -> date:
    """The latest date d with add_workdays(d, n) <= day: notice on d leaves n working days up to the hearing."""
    d, counted = day, 0
    while counted < n:  # at most a few weeks of steps; every year has working days
        d -= timedelta(days=1)
        if calendar.is_workday(d):
            counted += 1
    return d


def _review_clock(review: ReviewFact, calendar: WorkCalendar, today: date, rules: ReviewRules) -> Clock:
    workdays = rules.workdays + (rules.extension_workdays if review.extended else 0)
    note = f"经批准延长{rules.extension_workdays}个工作日" if review.extended and rules.extension_workdays else ""
    return _clock(
        f"法制审核（第{review.round_no}轮）",
        "国办发〔2018〕118号第（十四）项；本机关法制审核时限",
        review.submitted_on,
        calendar.add_workdays(review.submitted_on, workdays),
        review.reviewed_on,
        today,
        WORKDAYS,
        calendar,
        note,
    )


# --- completeness -----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Check:
    key: str
    label: str
    passed: bool
    detail: str


@dataclass(frozen=True)
class Completeness:
    score: int  # 0–100: weighted share of passed checks (CHECK_WEIGHTS)
    checks: tuple[Check, ...]
    missing: tuple[str, ...]  # one Chinese sentence per failed check, with its legal basis


# Weights of the checks. Steps without which a decision is unlawful (告知, 法制审核 for major cases, the decision
# itself, the art. 51 limits of an on-the-spot decision) weigh 15; other statutory steps and record-keeping 10;
# 执行, which depends on the party as much as on the agency, 5. Only applicable checks enter the share.
CHECK_WEIGHTS: Mapping[str, int] = MappingProxyType(
    {
        "filing": 10,
        "investigation": 10,
        "notice": 15,
        "hearing": 10,
        "legal_review": 15,
        "collective_discussion": 10,
        "decision": 15,
        "service": 10,
        "execution": 5,
        "av_records": 10,
        "officers": 10,
        "decision_fields": 10,
        "on_site": 10,
        "service_on_spot": 10,
        "fine_limit": 15,
        "coercion_notice": 10,
        "inspection_record": 10,
    }
)


@dataclass(frozen=True)
class _Outcome:
    passed: bool
    detail: str
    missing: str = ""


def completeness(
    case: CaseFacts,
    officers: Mapping[str, OfficerCert] | None = None,
    *,
    agency_id: int | None = None,
    action_rules: ActionRules = DEFAULT_ACTION_RULES,
    rules: ProcedureRules = DEFAULT_PROCEDURE_RULES,
) -> Completeness:
    """案卷完整性 against the checklist for the case's procedure type.

    Without `officers` the officer check only counts heads (certificates cannot be verified); with `agency_id`
    it also flags certificates of another agency.
    """
    events = effective_events(case)
    day, moment = _decision(case, events)
    ctx = _Ctx(case, events, day, moment, officers, agency_id, action_rules, rules)

    items: list[tuple[str, str, _Outcome]]
    if case.category is ActionCategory.PENALTY and case.procedure is Procedure.SIMPLE:
        items = [
            ("on_site", "现场执法记录", ctx.on_site()),
            ("officers", "执法人员及证件", ctx.officers_ok()),
            ("decision", "当场作出处罚决定", ctx.decision("处罚决定", "行政处罚法第五十二条")),
            ("service_on_spot", "当场交付决定书", ctx.service_on_spot()),
            ("fine_limit", "简易程序罚款限额", ctx.fine_limit()),
            ("av_records", "音像记录", ctx.av_records()),
        ]
    elif case.category is ActionCategory.PENALTY:
        items = [
            ("filing", "立案", ctx.filing("立案记录", "行政处罚法第五十四条、第四十七条")),
            ("investigation", "调查取证", ctx.investigation()),
            ("notice", "决定前告知", ctx.notice()),
        ]
        if case.hearing_requested:
            items.append(("hearing", "依申请举行听证", ctx.hearing()))
        if case.is_major:
            items.append(("legal_review", "法制审核通过", ctx.legal_review()))
            items.append(("collective_discussion", "负责人集体讨论", ctx.collective_discussion()))
        items += [
            ("decision", "作出处罚决定", ctx.decision("处罚决定", "行政处罚法第五十七条")),
            ("service", "送达决定书", ctx.service("行政处罚决定书应当在宣告后当场交付当事人；当事人不在场的，"
                                                 "应当在七日内送达（行政处罚法第六十一条）")),
            ("execution", "执行", ctx.execution()),
            ("av_records", "音像记录", ctx.av_records()),
            ("officers", "执法人员及证件", ctx.officers_ok()),
            ("decision_fields", "决定书要素", ctx.decision_fields()),
        ]
    else:
        items = [("filing", "程序启动", ctx.filing("启动记录", "国办发〔2018〕118号第三部分"))]
        if case.category is ActionCategory.COERCION:
            items.append(("coercion_notice", "告知或催告", ctx.coercion_notice()))
        if case.category is ActionCategory.INSPECTION:
            items.append(("inspection_record", "检查记录", ctx.inspection_record()))
        if case.is_major:
            items.append(("legal_review", "法制审核通过", ctx.legal_review()))
        items += [
            ("decision", "执法决定", ctx.decision("执法决定（结论）", "国办发〔2018〕118号第三部分")),
            ("service", "送达", ctx.service("执法决定作出后应当送达当事人并记录（国办发〔2018〕118号第三部分）")),
            ("av_records", "音像记录", ctx.av_records()),
            ("officers", "执法人员及证件", ctx.officers_ok()),
        ]

    checks = tuple(Check(key, label, o.passed, o.detail) for key, label, o in items)
    missing = tuple(o.missing for _, _, o in items if not o.passed and o.missing)
    total = sum(CHECK_WEIGHTS[c.key] for c in checks)
    got = sum(CHECK_WEIGHTS[c.key] for c in checks if c.passed)
    # Integer round-half-up: Python's round() would turn 62.5 into 62 and 63.5 into 64.
    score = (200 * got + total) // (2 * total) if total else 100
    return Completeness(score, checks, missing)


def completeness_cert_nos(case: CaseFacts, *, action_rules: ActionRules = DEFAULT_ACTION_RULES) -> frozenset[str]:
    """The 执法证号 whose roster entry (holder, agency, validity) ``completeness`` reads: those on the case's on-site
    steps as corrected (``_Ctx.officers_ok``). A stored score needs recomputing when one of them changes on the
    roster, and only then."""
    return frozenset(no for e in effective_events(case) if action_rules.is_on_site(e.action)
                     for no in e.officer_cert_nos)


@dataclass(frozen=True)
class _Ctx:
    case: CaseFacts
    events: tuple[EventFact, ...]
    decided_day: date | None
    decided_at: datetime | None
    officers: Mapping[str, OfficerCert] | None
    agency_id: int | None
    action_rules: ActionRules
    rules: ProcedureRules

    @cached_property
    def _by_stage(self) -> dict[Stage, tuple[EventFact, ...]]:
        found: dict[Stage, list[EventFact]] = {}
        for e in self.events:
            found.setdefault(e.stage, []).append(e)
        return {stage: tuple(events) for stage, events in found.items()}

    def _stage(self, stage: Stage) -> tuple[EventFact, ...]:
        """The effective events of one stage in seq order (as _of_stage), indexed once per case."""
        return self._by_stage.get(stage, ())

    @property
    def decided(self) -> bool:
        return self.decided_day is not None

    def filing(self, what: str, basis: str) -> _Outcome:
        found = self._stage(Stage.FILING)
        if found:
            return _Outcome(True, f"{found[0].local_date.isoformat()}“{found[0].action}”")
        return _Outcome(False, f"未记录{what}", f"缺少{what}：执法程序的启动应当记录在案（{basis}）")

    def investigation(self) -> _Outcome:
        found = self._stage(Stage.INVESTIGATION)
        if found:
            return _Outcome(True, f"共{len(found)}条调查取证记录")
        return _Outcome(
            False, "未记录调查取证", "缺少调查取证记录：应当全面、客观、公正地调查，收集有关证据（行政处罚法第五十四条）"
        )

    def notice(self) -> _Outcome:
        notices = [n for n in self._stage(Stage.NOTICE) if not self.action_rules.is_hearing_notice(n.action)]
        if not notices:
            return _Outcome(
                False,
                "未记录告知",
                "缺少告知环节：作出处罚决定前应告知当事人拟作出的处罚内容及陈述、申辩、听证权利（行政处罚法第四十四条）",
            )
        if not any(_not_after(n, self.decided_day, self.decided_at) for n in notices):
            return _Outcome(
                False,
                f"告知（{notices[0].local_date.isoformat()}）晚于决定",
                "告知晚于决定：应当在作出处罚决定前告知当事人拟作出的处罚内容及陈述、申辩、听证权利"
                "（行政处罚法第四十四条、第六十二条）",
            )
        return _Outcome(True, f"{notices[0].local_date.isoformat()}告知当事人")

    def hearing(self) -> _Outcome:
        held = [
            e
            for e in self._stage(Stage.HEARING)
            if not self.action_rules.is_hearing_notice(e.action) and not self.action_rules.is_hearing_request(e.action)
        ]
        if held:
            return _Outcome(True, f"{held[0].local_date.isoformat()}举行听证")
        return _Outcome(
            False,
            "当事人要求听证，未记录听证",
            "缺少听证记录：当事人要求听证的，行政机关应当组织听证（行政处罚法第六十三条、第六十四条）",
        )

    def legal_review(self) -> _Outcome:
        problems = _review_problems(self.case, self.decided_day)
        if not problems:
            last = self.case.reviews[-1]
            return _Outcome(True, f"第{last.round_no}轮法制审核于{last.reviewed_on}同意")
        return _Outcome(
            False,
            problems[0],
            "缺少法制审核通过记录：重大执法决定未经法制审核或者审核未通过的，不得作出决定（行政处罚法第五十八条）",
        )

    def collective_discussion(self) -> _Outcome:
        discussions = self._stage(Stage.COLLECTIVE_DISCUSSION)
        found = [e for e in discussions if _not_after(e, self.decided_day, self.decided_at)]
        if found:
            return _Outcome(True, f"{found[0].local_date.isoformat()}负责人集体讨论")
        return _Outcome(
            False,
            "决定前未记录集体讨论",
            "缺少集体讨论记录：对情节复杂或者重大违法行为给予行政处罚，行政机关负责人应当集体讨论决定"
            "（行政处罚法第五十七条第二款）",
        )

    def decision(self, what: str, basis: str) -> _Outcome:
        if self.decided_day is not None:
            return _Outcome(True, f"{self.decided_day.isoformat()}作出{what}")
        return _Outcome(False, f"未记录{what}", f"缺少{what}记录：执法决定应当记录在案（{basis}）")

    def service(self, rule: str) -> _Outcome:
        if not self.decided:
            return _Outcome(False, "尚未作出决定，无从送达", f"缺少送达记录：{rule}")
        served = [e for e in self._stage(Stage.SERVICE) if _not_before(e, self.decided_day, None)]
        if served:
            return _Outcome(True, f"{served[0].local_date.isoformat()}“{served[0].action}”")
        return _Outcome(False, "决定后未记录送达", f"缺少送达记录：{rule}")

    def service_on_spot(self) -> _Outcome:
        rule = "当场作出的行政处罚决定书应当当场交付当事人（行政处罚法第五十二条）"
        served = [e for e in self._stage(Stage.SERVICE) if e.local_date == self.decided_day]
        if self.decided and served:
            return _Outcome(True, f"{served[0].local_date.isoformat()}当场交付")
        later = [e for e in self._stage(Stage.SERVICE) if self.decided_day and e.local_date > self.decided_day]
        detail = f"{later[0].local_date.isoformat()}才送达" if later else "未记录当场交付"
        return _Outcome(False, detail, f"未当场交付处罚决定书：{rule}")

    def execution(self) -> _Outcome:
        found = self._stage(Stage.EXECUTION)
        if found:
            return _Outcome(True, f"{found[0].local_date.isoformat()}“{found[0].action}”")
        return _Outcome(
            False, "未记录执行", "缺少执行记录：应当记录处罚决定的履行或者执行情况（行政处罚法第四十七条）"
        )

    def av_records(self) -> _Outcome:
        lacking = [e for e in self.events if _av_problem(e, self.action_rules) is not None]
        mandatory = [
            e
            for e in self.events
            if self.action_rules.av_requirement(e.action, e.location) is AvRequirement.MANDATORY_FULL
        ]
        if not lacking:
            detail = f"{len(mandatory)}项须全程音像记录的活动均有音像记录" if mandatory else "无须全程音像记录的活动"
            return _Outcome(True, detail)
        names = "、".join(f"“{e.action}”（序号{e.seq}）" for e in lacking)
        return _Outcome(
            False,
            f"{names}无音像记录",
            f"缺少全程音像记录：{names}属于查封扣押、强制拆除等直接涉及人身自由、生命健康、重大财产权益的执法活动"
            f"或在执法办案场所进行，应当全程音像记录（国办发〔2018〕118号第（八）项）",
        )

    def officers_ok(self) -> _Outcome:
        on_site = [e for e in self.events if self.action_rules.is_on_site(e.action)]
        problems: list[str] = []
        for e in on_site:
            if self.officers is None:
                # Without the roster every listed number is one person; only the headcount can be judged.
                heads = len(set(e.officer_cert_nos))
                if heads < self.action_rules.min_officers:
                    problems.append(f"序号{e.seq}“{e.action}”仅{heads}名执法人员")
            else:
                problems.extend(
                    f"序号{e.seq}：{p}"
                    for p in _officer_problems(e, self.officers, self.agency_id, self.action_rules, e.local_date)
                )
        unverified = "（未提供执法证信息，仅核对人数）" if self.officers is None else ""
        if not problems:
            detail = f"{len(on_site)}项现场执法活动均符合要求{unverified}" if on_site else "无现场执法活动"
            return _Outcome(True, detail)
        return _Outcome(
            False,
            "；".join(problems) + unverified,
            f"执法人员不符合要求：现场执法活动的执法人员不得少于{self.action_rules.min_officers}人，"
            f"且应当持有有效的行政执法证件（行政处罚法第四十二条；{'；'.join(problems)}）",
        )

    def decision_fields(self) -> _Outcome:
        fields = self.case.decision_fields
        absent = [f for f in DECISION_FIELDS if not (fields.get(f) or "").strip()]
        if not absent:
            return _Outcome(True, "第五十九条规定的事项齐全")
        listed = "、".join(absent)
        return _Outcome(False, f"缺少：{listed}", f"决定书要素不全：缺少{listed}（行政处罚法第五十九条）")

    def on_site(self) -> _Outcome:
        found = [e for e in self.events if self.action_rules.is_on_site(e.action)]
        if found:
            return _Outcome(True, f"{found[0].local_date.isoformat()}“{found[0].action}”")
        return _Outcome(
            False,
            "未记录现场执法活动",
            "缺少现场执法记录：适用简易程序当场处罚的，应当记录现场执法情况，执法人员应当出示执法证件"
            "（行政处罚法第五十二条）",
        )

    def fine_limit(self) -> _Outcome:
        fine = self.case.fine_total or Decimal(0)
        person, org = self.rules.simple_fine_max_person, self.rules.simple_fine_max_org
        rule = (
            f"对公民处{person}元以下、对法人或者其他组织处{org}元以下罚款或者警告的，方可当场作出处罚决定"
            f"（行政处罚法第五十一条）"
        )
        kind = self.case.party_is_natural_person
        if fine == 0:
            return _Outcome(True, "未处罚款")
        if fine <= person:  # within the lower limit the party's kind does not matter
            return _Outcome(True, f"罚款{fine}元，未超过{person}元")
        if kind is False and fine <= org:
            return _Outcome(True, f"罚款{fine}元，未超过法人或者其他组织{org}元的限额")
        if kind is None:
            return _Outcome(
                False,
                f"罚款{fine}元，未记录当事人类型，无法核对限额",
                f"无法核对简易程序罚款限额：未记录当事人是公民还是法人或者其他组织；{rule}",
            )
        who, limit = ("公民", person) if kind else ("法人或者其他组织", org)
        return _Outcome(False, f"罚款{fine}元，超过{who}{limit}元的限额", f"超出简易程序罚款限额：{rule}")

    def coercion_notice(self) -> _Outcome:
        found = self._stage(Stage.NOTICE)
        if found:
            return _Outcome(True, f"{found[0].local_date.isoformat()}“{found[0].action}”")
        return _Outcome(
            False,
            "未记录告知或催告",
            "缺少告知或催告记录：实施行政强制措施应当当场告知当事人理由、依据和权利，强制执行前应当催告当事人履行义务"
            "（行政强制法第十八条、第三十五条）",
        )

    def inspection_record(self) -> _Outcome:
        found = self._stage(Stage.INVESTIGATION)
        if found:
            return _Outcome(True, f"共{len(found)}条检查记录")
        return _Outcome(
            False, "未记录检查过程", "缺少检查记录：应当以文字、音像等形式记录检查过程和结果（国办发〔2018〕118号第三部分）"
        )
