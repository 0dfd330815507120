"""重大执法决定法制审核 (国办发〔2018〕118号(十三), 行政处罚法 art. 58): the checklist, who may act on a review
round, and what a complete written opinion needs. Pure rules; db/reviews.py writes the result."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from domain.enums import ReviewOutcome, Role
from domain.params import bad_characters_message, has_bad_characters
from domain.permissions import Actor, Permission, can

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
    return [ReviewAction.APPROVE, ReviewAction.RETURN]


def validate_decision(decision: ReviewDecision, review: ReviewRound, reviewed_on: date) -> list[str]:
    """Chinese reasons why this written opinion cannot be recorded (empty when it can)."""
    errors: list[str] = []
    missing = [label for key, label in CHECKLIST if key not in decision.checklist]
    if missing:
        errors.append("审核清单未填写完整：" + "、".join(missing))
    failed = [key for key, (passed, _comment) in decision.checklist.items() if not passed]
    if decision.action is ReviewAction.APPROVE and failed:
        errors.append("存在未通过的审核事项，不能同意：" + "、".join(CHECKLIST_LABELS.get(k, k) for k in failed))
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
