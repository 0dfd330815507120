"""重大执法决定法制审核 (国办发〔2018〕118号(十三), 行政处罚法 art. 58): the checklist, who may act on a review
round, and what a complete written opinion needs. Pure rules; db/reviews.py writes the result."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import StrEnum
from typing import Protocol

from domain.enums import ReviewOutcome, Role
from domain.params import bad_characters_message, has_bad_characters
from domain.permissions import Actor, Permission, can
from domain.workdays import WorkCalendar

# 118号(十三) lists what the review must examine; one yes/no with a comment per item (docs/rules.md §1.8).
CHECKLIST: tuple[tuple[str, str], ...] = (
    ("subject", "执法主体合法"),
    ("qualification", "执法人员具备执法资格"),
    ("procedure", "执法程序合法"),
    ("facts", "案件事实清楚"),
    ("evidence", "证据合法充分"),
    ("law", "适用法律、法规、规章准确"),
    ("discretion", "裁量基准运用适当"),
    ("authority", "未超越法定权限"),
    ("documents", "执法文书完备、规范"),
    ("crime", "不涉嫌犯罪，无需移送司法机关"),
)
CHECKLIST_LABELS = dict(CHECKLIST)


class ReviewAction(StrEnum):
    APPROVE = "同意"
    RETURN = "存在问题，退回"
    TRANSFER = "建议移送司法机关"


@dataclass(frozen=True)
class ReviewRound:
    case_id: int
    agency_id: int
    round_no: int
    submitted_on: date
    outcome: ReviewOutcome | None
    is_latest: bool


@dataclass(frozen=True)
class ReviewDecision:
    action: ReviewAction
    checklist: Mapping[str, tuple[bool, str]]  # key → (passed, comment)
    opinion: str


def available_actions(review: ReviewRound, actor: Actor, reviewer_qualified: bool) -> list[ReviewAction]:
    """What ``actor`` may do with this round: both outcomes for a qualified reviewer of the same agency on the
    latest, still pending round; nothing otherwise (the page renders buttons from this list)."""
    if not can(actor, Permission.REVIEWS_DECIDE) or actor.role is not Role.REVIEWER:
        return []
    if actor.agency_id != review.agency_id or review.outcome is not None or not review.is_latest:
        return []
    if not reviewer_qualified:
        return []
    return [ReviewAction.APPROVE, ReviewAction.RETURN, ReviewAction.TRANSFER]


def validate_decision(decision: ReviewDecision, review: ReviewRound, reviewed_on: date) -> list[str]:
    """Chinese reasons why this written opinion cannot be recorded (empty when it can)."""
    errors: list[str] = []
    missing = [label for key, label in CHECKLIST if key not in decision.checklist]
    if missing:
        errors.append("审核清单未填写完整：" + "、".join(missing))
    failed = [key for key, (passed, _comment) in decision.checklist.items() if not passed]
    if decision.action is ReviewAction.APPROVE and failed:
        errors.append("存在未通过的审核事项，不能同意：" + "、".join(CHECKLIST_LABELS.get(k, k) for k in failed))
    if decision.action is ReviewAction.TRANSFER:
        if "crime" not in failed:
            errors.append("建议移送司法机关的，应在“不涉嫌犯罪，无需移送司法机关”一项标明存在问题并说明涉嫌犯罪的情形")
        if len(decision.opinion.strip()) < 10:
            errors.append("建议移送司法机关的，应提出书面审核意见（不少于10个字），说明涉嫌的罪名和依据")
    if decision.action is ReviewAction.RETURN:
        if not failed:
            errors.append("退回时应至少标明一项存在问题的审核事项")
        if len(decision.opinion.strip()) < 10:
            errors.append("存在问题的，应提出书面审核意见（不少于10个字），说明问题和处理建议")
        for key in failed:
            if not decision.checklist[key][1].strip():
                errors.append(f"请说明“{CHECKLIST_LABELS.get(key, key)}”存在的问题")
    if decision.action is ReviewAction.APPROVE and not decision.opinion.strip():
        errors.append("请填写审核意见")
    if reviewed_on < review.submitted_on:
        errors.append("审核日期不能早于报送日期")
    if has_bad_characters(decision.opinion, multiline=True):
        errors.append(bad_characters_message("审核意见"))
    if any(has_bad_characters(comment, multiline=True) for _passed, comment in decision.checklist.values()):
        errors.append(bad_characters_message("审核事项说明"))
    return errors


def outcome_of(action: ReviewAction) -> ReviewOutcome:
    return ReviewOutcome.APPROVED if action is ReviewAction.APPROVE else ReviewOutcome.PROBLEMS


# --- the gate: no decision on a major case without an approval dated before it ------------------------------------


class RoundLike(Protocol):
    @property
    def round_no(self) -> int: ...
    @property
    def outcome(self) -> ReviewOutcome | None: ...
    @property
    def reviewed_on(self) -> date | None: ...


def decision_gate(is_major: bool, rounds: Sequence[RoundLike], decision_day: date | None) -> list[str]:
    """Why a decision on this case may not be recorded (行政处罚法 art. 58: "未经法制审核或者审核未通过的，不得作出
    决定"). The latest round decides; an approval counts only when dated on or before the decision day. The same
    rule is written into the database as a trigger on ``decisions``."""
    if not is_major:
        return []
    if not rounds:
        return ["重大执法决定未经法制审核，不得作出决定（行政处罚法第五十八条、国办发〔2018〕118号第四部分）"]
    last = max(rounds, key=lambda r: r.round_no)
    if last.outcome is None or last.reviewed_on is None:
        return [f"第{last.round_no}轮法制审核尚未完成，未经法制审核不得作出决定（行政处罚法第五十八条）"]
    if last.outcome is not ReviewOutcome.APPROVED:
        return [
            f"第{last.round_no}轮法制审核意见为“{last.outcome.value}”：应当研究处理后再次报送审核，"
            f"审核未通过的不得作出决定（行政处罚法第五十八条）"
        ]
    if decision_day is not None and last.reviewed_on > decision_day:
        return [
            f"法制审核于{last.reviewed_on.isoformat()}通过，晚于决定日期{decision_day.isoformat()}："
            f"应当先审核、后决定（行政处罚法第五十八条）"
        ]
    return []


def approved_before(rounds: Sequence[RoundLike], decision_day: date) -> date | None:
    """The approval date that makes a decision reviewed (latest round 同意, on or before the decision), else None."""
    if not rounds:
        return None
    last = max(rounds, key=lambda r: r.round_no)
    if last.outcome is ReviewOutcome.APPROVED and last.reviewed_on is not None and last.reviewed_on <= decision_day:
        return last.reviewed_on
    return None


# --- who may review: 回避 and qualification ------------------------------------------------------------------------

QUALIFICATION_FROM = date(2021, 7, 15)  # 行政处罚法 (2021) in force: art. 58 ¶2 binds those first reviewing from then


def recusal_problem(reviewer_officer_id: int | None, handling_officer_ids: Iterable[int]) -> str | None:
    """A reviewer who took part in handling the case cannot review it (回避; 118号(十四) separates the units)."""
    if reviewer_officer_id is not None and reviewer_officer_id in set(handling_officer_ids):
        return "您参与了本案的调查处理，应当回避，不能审核本案（请由本机关其他法制审核人员审核）"
    return None


def qualification_problem(is_legal_reviewer: bool, has_legal_qualification: bool,
                          first_reviewed_on: date | None) -> str | None:
    """行政处罚法 art. 58 ¶2: "初次从事行政处罚决定法制审核的人员，应当通过国家统一法律职业资格考试取得法律职业资格"."""
    if not is_legal_reviewer:
        return "您未登记为本机关法制审核人员"
    if has_legal_qualification:
        return None
    if first_reviewed_on is not None and first_reviewed_on < QUALIFICATION_FROM:
        return None  # in post before the 2021 law; the requirement binds first-time reviewers only
    return "初次从事法制审核的人员应当取得法律职业资格（行政处罚法第五十八条第二款），您的人员信息中没有法律职业资格记录"


STAFF_RATIO = Decimal("0.05")  # 118号(十一): "原则上…不少于本单位执法人员总数的5%"


def reviewers_required(officers: int) -> int:
    """Reviewers an agency needs under the 5% rule (rounded up)."""
    needed = Decimal(officers) * STAFF_RATIO
    whole = int(needed)
    return whole + 1 if needed > whole else whole


# --- submission materials --------------------------------------------------------------------------------------

MATERIALS: tuple[tuple[str, str], ...] = (
    ("investigation_report", "调查终结报告"),
    ("proposed_decision", "拟处理决定"),
    ("evidence_list", "证据清单"),
    ("notice", "告知及陈述申辩/听证材料"),
    ("discretion_statement", "裁量说明"),
)
MATERIAL_LABELS = dict(MATERIALS)


def missing_materials(provided: Iterable[str]) -> list[str]:
    """Labels of the 送审材料 not provided, in list order (the clock waits for complete materials)."""
    have = set(provided)
    return [label for key, label in MATERIALS if key not in have]


# --- the review clock --------------------------------------------------------------------------------------------


class ClockState(StrEnum):
    WAITING = "材料不全，待补充"
    ON_TIME = "正常"
    DUE_SOON = "即将到期"
    OVERDUE = "已逾期"
    DONE = "已审结"


@dataclass(frozen=True)
class ReviewClock:
    started_on: date | None  # receipt of complete materials (the latest supplement restarts it)
    due: date | None
    remaining_workdays: int | None  # negative when overdue
    state: ClockState
    provisional: bool = False


def review_clock(started_on: date | None, extended: bool, workdays: int, extension_workdays: int,
                 calendar: WorkCalendar, today: date, concluded_on: date | None = None) -> ReviewClock:
    """7 working days from receipt of complete materials, +3 with a recorded approval (辽宁、宁夏 practice, per
    agency); yellow at two working days or fewer, red once past due. Working days follow the official calendar."""
    if started_on is None:
        return ReviewClock(None, None, None, ClockState.WAITING)
    deadline = calendar.add_workdays(started_on, workdays + (extension_workdays if extended else 0))
    due = deadline.due
    on = concluded_on or today
    if on > due:
        remaining = -calendar.workdays_between(due, on)
    else:
        remaining = calendar.workdays_between(on, due)
    if concluded_on is not None:
        state = ClockState.OVERDUE if concluded_on > due else ClockState.DONE
    elif today > due:
        state = ClockState.OVERDUE
    elif remaining <= 2:
        state = ClockState.DUE_SOON
    else:
        state = ClockState.ON_TIME
    return ReviewClock(started_on, due, remaining, state, deadline.provisional)


# --- status of a major decision -----------------------------------------------------------------------------------


class MajorStatus(StrEnum):
    NOT_SUBMITTED = "待提交"
    AWAITING = "待审核"
    IN_REVIEW = "审核中"
    RETURNED = "存在问题待修改"
    TRANSFER = "建议移送司法机关"
    APPROVED = "同意"
    DECIDED = "已决定"
    UNREVIEWED = "未经法制审核"


def major_status(latest_conclusion: ReviewAction | None, latest_pending: bool, claimed: bool,
                 decided: bool, unreviewed: bool) -> MajorStatus:
    """Where a major case stands; 未经法制审核 is permanent once a decision was made without approval."""
    if decided:
        return MajorStatus.UNREVIEWED if unreviewed else MajorStatus.DECIDED
    if latest_pending:
        return MajorStatus.IN_REVIEW if claimed else MajorStatus.AWAITING
    if latest_conclusion is ReviewAction.APPROVE:
        return MajorStatus.APPROVED
    if latest_conclusion is ReviewAction.RETURN:
        return MajorStatus.RETURNED
    if latest_conclusion is ReviewAction.TRANSFER:
        return MajorStatus.TRANSFER
    return MajorStatus.NOT_SUBMITTED


def public_review_label(is_major: bool, approved_on: date | None) -> str:
    """What the public decision page says about review: 经法制审核（日期） or 未经法制审核; empty for other cases."""
    if not is_major:
        return ""
    return f"经法制审核（{approved_on.isoformat()}）" if approved_on is not None else "未经法制审核"


def clock_start(submitted_on: date, supplement_dates: Iterable[date], materials_complete: bool) -> date | None:
    """Receipt of complete materials: the submission, or the latest supplement (which restarts the clock); none
    while materials are still missing."""
    if not materials_complete:
        return None
    return max([submitted_on, *supplement_dates])


# --- medians of counted values (the public summary's median time in review) ---------------------------------------


def median_of_counts(counts: Iterable[tuple[float, int]]) -> float | None:
    """The median of values given as (value, how many times) pairs — the mean of the two middle values for an even
    total, as pandas' median of the values written out — or None when there are none. Lets a page take the median
    of a grouped count (e.g. working days in review per agency) without one row per case."""
    merged: dict[float, int] = defaultdict(int)
    for value, times in counts:
        if times > 0:
            merged[float(value)] += int(times)
    total = sum(merged.values())
    if total == 0:
        return None
    wanted = [(total - 1) // 2, total // 2]  # positions of the middle value(s) in the written-out order
    found: list[float] = []
    seen = 0
    for value in sorted(merged):
        seen += merged[value]
        while wanted and wanted[0] < seen:
            found.append(value)
            wanted.pop(0)
        if not wanted:
            break
    return (found[0] + found[1]) / 2
