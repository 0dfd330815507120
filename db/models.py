"""Typed SQLAlchemy 2.x models. Every schema change goes through an Alembic migration (db/migrations);
tests/db/test_migrations.py fails when the models and the migrations drift apart.

Enumerations are stored by their Chinese value (what users and exports see) with a named CHECK constraint.
Money columns are ``Money`` (exact Decimal in 元), instants are ``UTCDateTime`` (timezone-aware).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from enum import StrEnum
from typing import Annotated

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    Date,
    Enum,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    SmallInteger,
    String,
    Text,
    UniqueConstraint,
    func,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from db.types import Money, UTCDateTime
from domain.enums import (
    ActionCategory,
    AgencyKind,
    AgencyLevel,
    BenchmarkRangeKind,
    CaseStatus,
    DataOrigin,
    DisclosureStatus,
    DiscretionTier,
    InspectionPlanKind,
    InspectionResult,
    ObjectionStatus,
    PartyType,
    PenaltyType,
    PoolKind,
    Procedure,
    RecordForm,
    ReviewOutcome,
    ReviewStepKind,
    Role,
    Stage,
    WithdrawalReason,
)
from domain.major import DEFAULT_MAJOR_TYPES, join_types
from domain.review import ReviewAction

MAJOR_TYPES_TEXT = join_types(DEFAULT_MAJOR_TYPES)

NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def str_enum(enum_cls: type[StrEnum], name: str) -> Enum:
    """Store a StrEnum by value (the Chinese term), portable (no native PG enum), with a named CHECK constraint."""
    return Enum(
        enum_cls,
        name=name,
        native_enum=False,
        create_constraint=True,
        validate_strings=True,
        values_callable=lambda cls: [member.value for member in cls],
        length=max(len(m.value) for m in enum_cls) + 4,
    )


intpk = Annotated[int, mapped_column(Integer, primary_key=True)]
str_20 = Annotated[str, mapped_column(String(20))]
str_50 = Annotated[str, mapped_column(String(50))]
str_100 = Annotated[str, mapped_column(String(100))]
str_200 = Annotated[str, mapped_column(String(200))]
text = Annotated[str, mapped_column(Text)]
money = Annotated[Decimal, mapped_column(Money())]
created_now = Annotated[dt.datetime, mapped_column(UTCDateTime(), server_default=func.current_timestamp())]
bool_false = Annotated[bool, mapped_column(Boolean, server_default="0", default=False)]


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map = {
        Decimal: Money(),
        dt.datetime: UTCDateTime(),
        dt.date: Date(),
    }


class AuditMixin:
    """Who created and last changed a row, and when (OpenOversight's TrackUpdates). The full history of a change
    lives in ``audit_log``; these columns answer the common question without a join."""

    created_at: Mapped[created_now]
    updated_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime(), onupdate=func.current_timestamp())
    created_by: Mapped[str | None] = mapped_column(String(50))
    updated_by: Mapped[str | None] = mapped_column(String(50))


# ---------------------------------------------------------------- 执法主体, 人员, 事项 (事前公开)


class Agency(AuditMixin, Base):
    """执法主体. Thresholds for 重大执法决定 and hearings vary by agency (docs/rules.md §1.8, §2.2): they live here."""

    __tablename__ = "agencies"

    id: Mapped[intpk]
    code: Mapped[str_20] = mapped_column(unique=True)
    name: Mapped[str_100] = mapped_column(unique=True)
    short_name: Mapped[str_50]
    level: Mapped[AgencyLevel] = mapped_column(str_enum(AgencyLevel, "agency_level"))
    kind: Mapped[AgencyKind] = mapped_column(str_enum(AgencyKind, "agency_kind"))
    region_code: Mapped[str_20]
    region_name: Mapped[str_50]
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("agencies.id"))
    duties: Mapped[text] = mapped_column(default="")
    legal_basis_summary: Mapped[text] = mapped_column(default="")
    remedy_channels: Mapped[text] = mapped_column(default="")
    contact: Mapped[str_200] = mapped_column(default="")
    address: Mapped[str_200] = mapped_column(default="")
    major_fine_person: Mapped[money] = mapped_column(default=Decimal("10000"))
    major_fine_org: Mapped[money] = mapped_column(default=Decimal("100000"))
    hearing_fine_person: Mapped[money] = mapped_column(default=Decimal("10000"))
    hearing_fine_org: Mapped[money] = mapped_column(default=Decimal("100000"))

    parent: Mapped[Agency | None] = relationship(remote_side="Agency.id")


class Officer(AuditMixin, Base):
    """执法人员 with the 执法证 that entitles them to act (行政处罚法 art. 42)."""

    __tablename__ = "officers"
    __table_args__ = (CheckConstraint("cert_valid_to >= cert_valid_from", name="cert_period"),)

    id: Mapped[intpk]
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"), index=True)
    name: Mapped[str_50]
    cert_no: Mapped[str_50] = mapped_column(unique=True)
    enforcement_field: Mapped[str_50]
    cert_valid_from: Mapped[dt.date]
    cert_valid_to: Mapped[dt.date]
    is_legal_reviewer: Mapped[bool_false]
    has_legal_qualification: Mapped[bool_false]
    # 行政处罚法 art. 58 ¶2 binds those who first review from 2021-07-15: the date decides whether the
    # 法律职业资格 is required of a reviewer without one.
    first_reviewed_on: Mapped[dt.date | None]

    agency: Mapped[Agency] = relationship()


class Matter(AuditMixin, Base):
    """权责清单 item: one enforcement power of an agency."""

    __tablename__ = "matters"
    __table_args__ = (UniqueConstraint("agency_id", "code"),)

    id: Mapped[intpk]
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"), index=True)
    code: Mapped[str_50]
    name: Mapped[str_200]
    category: Mapped[ActionCategory] = mapped_column(str_enum(ActionCategory, "action_category"))
    legal_basis: Mapped[text]
    time_limit_days: Mapped[int | None]
    accepting_body: Mapped[str_100] = mapped_column(default="")
    approving_body: Mapped[str_100] = mapped_column(default="")
    conditions: Mapped[text] = mapped_column(default="")
    # The law's fine range for this power (e.g. "处五万元以上十万元以下罚款"): decisions of an agency without a
    # benchmark are still checked against it for 超出法定幅度.
    statutory_range: Mapped[text] = mapped_column(default="", server_default="")


class InspectionItem(AuditMixin, Base):
    """随机抽查事项清单 row (columns as published by local practice, docs/rules.md §1.2)."""

    __tablename__ = "inspection_items"
    __table_args__ = (UniqueConstraint("agency_id", "seq"),)

    id: Mapped[intpk]
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"), index=True)
    seq: Mapped[int]
    item: Mapped[str_200]
    sub_item: Mapped[str_200] = mapped_column(default="")
    basis: Mapped[text]
    method: Mapped[str_100]
    content: Mapped[text]
    note: Mapped[str_200] = mapped_column(default="")


class LegalProvision(Base):
    __tablename__ = "legal_provisions"
    __table_args__ = (UniqueConstraint("law_name", "article"),)

    id: Mapped[intpk]
    law_name: Mapped[str_200]
    article: Mapped[str_50]
    text: Mapped[text]


# ---------------------------------------------------------------- 裁量基准


class BenchmarkSet(AuditMixin, Base):
    """A published discretion benchmark (裁量基准), versioned by its effective dates."""

    __tablename__ = "benchmark_sets"
    __table_args__ = (
        UniqueConstraint("agency_id", "name", "effective_from"),
        CheckConstraint("effective_to IS NULL OR effective_to > effective_from", name="effective_period"),
    )

    id: Mapped[intpk]
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"), index=True)
    name: Mapped[str_200]
    issuer: Mapped[str_100]
    source: Mapped[str_200] = mapped_column(default="")
    effective_from: Mapped[dt.date]
    effective_to: Mapped[dt.date | None]
    # The 不予处罚/首违不罚 list the set's issuer published with it, as published (Markdown), "" when none.
    no_penalty_list: Mapped[text] = mapped_column(default="", server_default="")


class BenchmarkItem(Base):
    __tablename__ = "benchmark_items"
    __table_args__ = (UniqueConstraint("set_id", "item_no"),)

    id: Mapped[intpk]
    set_id: Mapped[int] = mapped_column(ForeignKey("benchmark_sets.id"), index=True)
    item_no: Mapped[str_20]
    law_name: Mapped[str_200]
    violation: Mapped[text]
    legal_basis: Mapped[text]
    statutory_range: Mapped[text] = mapped_column(default="", server_default="")  # the law's range, when given


class BenchmarkTier(Base):
    """One 裁量档次 of an item. The range is a fixed amount window, a max-only cap, or factors of a base quantity
    (违法所得, 总投资额 …) that the case must record."""

    __tablename__ = "benchmark_tiers"
    __table_args__ = (UniqueConstraint("item_id", "level"),)

    id: Mapped[intpk]
    item_id: Mapped[int] = mapped_column(ForeignKey("benchmark_items.id"), index=True)
    level: Mapped[int]  # position within the item, 1-based
    grade: Mapped[int | None]  # 裁量等级 as printed in the source table (repeats across sub-cases of an item)
    tier: Mapped[DiscretionTier | None] = mapped_column(str_enum(DiscretionTier, "discretion_tier"))
    circumstance: Mapped[text]
    standard_text: Mapped[text]
    range_kind: Mapped[BenchmarkRangeKind] = mapped_column(str_enum(BenchmarkRangeKind, "range_kind"))
    min_amount: Mapped[Decimal | None] = mapped_column(Money())
    max_amount: Mapped[Decimal | None] = mapped_column(Money())
    base_name: Mapped[str | None] = mapped_column(String(50))
    min_factor: Mapped[str | None] = mapped_column(String(20))  # Decimal as text: factors need more than 2 decimals
    max_factor: Mapped[str | None] = mapped_column(String(20))
    note: Mapped[text] = mapped_column(default="")


# ---------------------------------------------------------------- 当事人, 案件, 全过程记录


class Party(AuditMixin, Base):
    """当事人. Personal data of natural persons stays here and never reaches a public output unmasked."""

    __tablename__ = "parties"

    id: Mapped[intpk]
    party_type: Mapped[PartyType] = mapped_column(str_enum(PartyType, "party_type"))
    name: Mapped[str_200] = mapped_column(index=True)
    uscc: Mapped[str | None] = mapped_column(String(18), index=True)
    id_number: Mapped[str | None] = mapped_column(String(18))
    legal_representative: Mapped[str | None] = mapped_column(String(50))
    address: Mapped[str | None] = mapped_column(String(200))
    phone: Mapped[str | None] = mapped_column(String(30))
    is_minor: Mapped[bool_false]


class Case(AuditMixin, Base):
    __tablename__ = "cases"
    # Which agencies have case data in a year (the annual report's 已报送): one index probe per agency.
    __table_args__ = (Index("ix_cases_agency_id_filed_on", "agency_id", "filed_on"),)

    id: Mapped[intpk]
    case_no: Mapped[str_50] = mapped_column(unique=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"), index=True)
    matter_id: Mapped[int | None] = mapped_column(ForeignKey("matters.id"), index=True)
    party_id: Mapped[int] = mapped_column(ForeignKey("parties.id"), index=True)
    procedure: Mapped[Procedure] = mapped_column(str_enum(Procedure, "procedure"))
    filed_on: Mapped[dt.date] = mapped_column(index=True)
    is_major: Mapped[bool_false]
    major_reasons: Mapped[str] = mapped_column(Text, default="")  # "；"-joined MajorReason values
    status: Mapped[CaseStatus] = mapped_column(str_enum(CaseStatus, "case_status"), index=True)
    origin: Mapped[DataOrigin] = mapped_column(str_enum(DataOrigin, "data_origin"), default=DataOrigin.NATIVE)
    confidential: Mapped[bool_false]  # 涉及国家秘密/商业秘密/个人隐私为主: never published (118号 §二)
    violation: Mapped[str_200]
    facts: Mapped[text]
    internal_note: Mapped[text] = mapped_column(default="")
    decision_extension_days: Mapped[int] = mapped_column(Integer, server_default="0", default=0)
    # Hash of the case's last event: without it, deleting the newest event would leave a valid shorter chain.
    chain_head: Mapped[str] = mapped_column(String(64), default="0" * 64, server_default="0" * 64)

    agency: Mapped[Agency] = relationship()
    party: Mapped[Party] = relationship()
    matter: Mapped[Matter | None] = relationship()


class CaseEvent(Base):
    """One recorded step of a case. Append-only: a correction is a new event with ``corrects_event_id``.
    ``hash`` = SHA-256 over the canonical content (domain.chain) and ``prev_hash``, chaining each case's events."""

    __tablename__ = "case_events"
    __table_args__ = (UniqueConstraint("case_id", "seq"),)

    id: Mapped[intpk]
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"))
    seq: Mapped[int]
    occurred_at: Mapped[dt.datetime]
    stage: Mapped[Stage] = mapped_column(str_enum(Stage, "stage"))
    action: Mapped[str_100]
    officer_cert_nos: Mapped[str] = mapped_column(String(200), default="")  # "、"-joined, as recorded at the time
    document_no: Mapped[str | None] = mapped_column(String(100))
    record_forms: Mapped[str] = mapped_column(String(100), default=RecordForm.TEXT.value)  # "、"-joined RecordForm
    location: Mapped[str | None] = mapped_column(String(200))
    note: Mapped[text] = mapped_column(default="")
    corrects_event_id: Mapped[int | None] = mapped_column(ForeignKey("case_events.id"))
    recorded_at: Mapped[dt.datetime]
    recorded_by: Mapped[str_50]
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))
    # domain.chain: "v1" hashes the row; "v2" also its officers (event_officers) and evidence sha256 values.
    chain_version: Mapped[str] = mapped_column(String(4), default="v1", server_default="v1")


class EventOfficer(Base):
    """Officers present at an event, for queries (who acted, with which certificate); the event row keeps the
    certificate numbers too, inside its hash."""

    __tablename__ = "event_officers"

    event_id: Mapped[int] = mapped_column(ForeignKey("case_events.id"), primary_key=True)
    officer_id: Mapped[int] = mapped_column(ForeignKey("officers.id"), primary_key=True, index=True)


class EvidenceFile(Base):
    """音像/文字 evidence metadata; the file itself lives on disk or object storage, the database keeps its hash."""

    __tablename__ = "evidence_files"

    id: Mapped[intpk]
    event_id: Mapped[int] = mapped_column(ForeignKey("case_events.id"), index=True)
    file_name: Mapped[str_200]
    media_type: Mapped[str_50]
    size_bytes: Mapped[int]
    sha256: Mapped[str] = mapped_column(String(64))
    storage_uri: Mapped[str_200] = mapped_column(default="")


class LegalReview(AuditMixin, Base):
    """One round of 重大执法决定法制审核. ``outcome`` is NULL while pending; 存在问题 sends the case back and the
    handling unit resubmits as the next round."""

    __tablename__ = "legal_reviews"
    __table_args__ = (UniqueConstraint("case_id", "round_no"),)

    id: Mapped[intpk]
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    round_no: Mapped[int]
    submitted_on: Mapped[dt.date]
    reviewer_officer_id: Mapped[int | None] = mapped_column(ForeignKey("officers.id"))
    reviewed_on: Mapped[dt.date | None]
    outcome: Mapped[ReviewOutcome | None] = mapped_column(str_enum(ReviewOutcome, "review_outcome"))
    opinion: Mapped[text] = mapped_column(default="")  # internal: never public
    checklist: Mapped[text] = mapped_column(default="{}")  # JSON {item: {"ok": bool, "comment": str}}


class ReviewStep(Base):
    """One step of a review round, append-only: 报送 (with its materials), 补充材料 (restarts the clock), 领取, 指派,
    延长审核期限 and the 审核意见 itself. The round row is never changed after it is written; its current state
    (assignee, conclusion) is the latest step of each kind."""

    __tablename__ = "review_steps"

    id: Mapped[intpk]
    review_id: Mapped[int] = mapped_column(ForeignKey("legal_reviews.id"), index=True)
    kind: Mapped[ReviewStepKind] = mapped_column(str_enum(ReviewStepKind, "review_step_kind"))
    occurred_on: Mapped[dt.date]
    recorded_at: Mapped[dt.datetime]
    recorded_by: Mapped[str_50]
    officer_id: Mapped[int | None] = mapped_column(ForeignKey("officers.id"))  # who acted
    assignee_officer_id: Mapped[int | None] = mapped_column(ForeignKey("officers.id"))
    conclusion: Mapped[ReviewAction | None] = mapped_column(str_enum(ReviewAction, "review_conclusion"))
    opinion: Mapped[text] = mapped_column(default="")  # internal: never public
    checklist: Mapped[text] = mapped_column(default="{}")  # JSON {item: {"ok": bool, "comment": str}}
    materials: Mapped[str] = mapped_column(String(200), default="")  # "、"-joined domain.review.MATERIALS keys
    note: Mapped[text] = mapped_column(default="")


class MajorReviewRules(AuditMixin, Base):
    """An agency's 重大执法决定法制审核目录清单 beyond its fine thresholds (agencies.major_fine_person/org): whether
    the thresholds include the figure, confiscation thresholds, penalty types, hearing and benchmark triggers, and
    its review time limit. An agency without a row uses domain.major.DEFAULT_MAJOR_RULES."""

    __tablename__ = "major_review_rules"
    __table_args__ = (CheckConstraint("review_workdays >= 1 AND review_extension_workdays >= 0",
                                      name="review_workdays_positive"),)

    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"), primary_key=True)
    inclusive: Mapped[bool] = mapped_column(Boolean, server_default="1", default=True)
    confiscation_person: Mapped[Decimal | None] = mapped_column(Money())
    confiscation_org: Mapped[Decimal | None] = mapped_column(Money())
    penalty_types: Mapped[str] = mapped_column(String(200), default=MAJOR_TYPES_TEXT, server_default=MAJOR_TYPES_TEXT)
    hearing: Mapped[bool] = mapped_column(Boolean, server_default="1", default=True)
    benchmark_departure: Mapped[bool] = mapped_column(Boolean, server_default="1", default=True)
    review_workdays: Mapped[int] = mapped_column(Integer, server_default="7", default=7)
    review_extension_workdays: Mapped[int] = mapped_column(Integer, server_default="3", default=3)


class ProposedPenalty(Base):
    """拟处理决定, one row per version (append-only): what the handling unit proposes, with the major-decision
    assessment computed from it when it was recorded. The newest version is the one under review."""

    __tablename__ = "proposed_penalties"
    __table_args__ = (UniqueConstraint("case_id", "version"),)

    id: Mapped[intpk]
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    version: Mapped[int]
    items: Mapped[text]  # JSON [{"type": PenaltyType value, "amount": "1234.00" | null}]
    fine_total: Mapped[money] = mapped_column(default=Decimal("0"))
    confiscation_total: Mapped[money] = mapped_column(default=Decimal("0"))
    legal_basis: Mapped[text]
    facts: Mapped[text]
    hearing_held: Mapped[bool_false]
    manual_triggers: Mapped[str] = mapped_column(String(200), default="")  # "；"-joined MajorReason values
    benchmark_tier_id: Mapped[int | None] = mapped_column(ForeignKey("benchmark_tiers.id"))
    claimed_tier: Mapped[DiscretionTier | None] = mapped_column(str_enum(DiscretionTier, "proposed_tier"))
    discretion_statement: Mapped[text] = mapped_column(default="")
    is_major: Mapped[bool_false]
    major_reasons: Mapped[text] = mapped_column(default="")
    major_explanation: Mapped[text] = mapped_column(default="")
    recorded_at: Mapped[dt.datetime]
    recorded_by: Mapped[str_50]


class Decision(AuditMixin, Base):
    """执法决定 (决定书). Amount totals are denormalised from penalty_items for search and statistics."""

    __tablename__ = "decisions"

    id: Mapped[intpk]
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), unique=True)
    decision_no: Mapped[str_100] = mapped_column(unique=True)
    decided_on: Mapped[dt.date] = mapped_column(index=True)
    category: Mapped[ActionCategory] = mapped_column(str_enum(ActionCategory, "decision_category"), index=True)
    conclusion: Mapped[text]  # 执法结论 / 处罚内容 as written in the decision
    legal_basis: Mapped[text]
    benchmark_tier_id: Mapped[int | None] = mapped_column(ForeignKey("benchmark_tiers.id"), index=True)
    claimed_tier: Mapped[DiscretionTier | None] = mapped_column(str_enum(DiscretionTier, "claimed_tier"))
    base_amount: Mapped[Decimal | None] = mapped_column(Money())
    discretion_statement: Mapped[text] = mapped_column(default="")
    fine_total: Mapped[money] = mapped_column(default=Decimal("0"))
    confiscation_total: Mapped[money] = mapped_column(default=Decimal("0"))
    unreviewed_major: Mapped[bool_false]  # 未经法制审核: a legacy record kept as history, never treated as reviewed

    case: Mapped[Case] = relationship()
    items: Mapped[list[PenaltyItem]] = relationship(back_populates="decision", order_by="PenaltyItem.id")


class DiscretionCheck(Base):
    """The stored result of checking one decision's fine against the benchmark it applied (domain.discretion_check),
    recomputed when the decision is written or corrected and when a benchmark version changes. ``flags`` holds the
    flag codes as "|code|code|" so that one flag is a LIKE on this row."""

    __tablename__ = "discretion_checks"

    decision_id: Mapped[int] = mapped_column(ForeignKey("decisions.id"), primary_key=True, autoincrement=False)
    benchmark_item_id: Mapped[int | None] = mapped_column(ForeignKey("benchmark_items.id"), index=True)
    benchmark_tier_id: Mapped[int | None] = mapped_column(ForeignKey("benchmark_tiers.id"))
    version: Mapped[str_200] = mapped_column(default="")
    item_no: Mapped[str_20] = mapped_column(default="")
    claimed: Mapped[str_50] = mapped_column(default="")
    computed: Mapped[str_100] = mapped_column(default="")
    amount: Mapped[money]
    statutory_min: Mapped[Decimal | None] = mapped_column(Money())
    statutory_max: Mapped[Decimal | None] = mapped_column(Money())
    claimed_min: Mapped[Decimal | None] = mapped_column(Money())
    claimed_max: Mapped[Decimal | None] = mapped_column(Money())
    peer_key: Mapped[str | None] = mapped_column(String(100), index=True)
    peer_value: Mapped[str | None] = mapped_column(String(40))  # Decimal as text: a multiple needs many places
    robust_z: Mapped[float | None] = mapped_column(Float)
    peer_note: Mapped[str_200] = mapped_column(default="")
    flags: Mapped[str_200] = mapped_column(default="||", index=True)
    explanation: Mapped[text] = mapped_column(default="")
    summary: Mapped[text] = mapped_column(default="")
    checked_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())


class DiscretionResolution(Base):
    """How a supervisor resolved one flag of one decision: 已说明理由, 已纠正 or 误报, always with a note."""

    __tablename__ = "discretion_resolutions"
    __table_args__ = (UniqueConstraint("decision_id", "flag"),)

    id: Mapped[intpk]
    decision_id: Mapped[int] = mapped_column(ForeignKey("decisions.id"), index=True)
    flag: Mapped[str_20]  # DiscretionFlag code
    status: Mapped[str_20]  # ResolutionStatus value
    note: Mapped[text]
    resolved_by: Mapped[str_50]
    resolved_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())


class PenaltyItem(Base):
    __tablename__ = "penalty_items"
    __table_args__ = (CheckConstraint("amount IS NULL OR amount >= 0", name="amount_not_negative"),)

    id: Mapped[intpk]
    decision_id: Mapped[int] = mapped_column(ForeignKey("decisions.id"), index=True)
    penalty_type: Mapped[PenaltyType] = mapped_column(str_enum(PenaltyType, "penalty_type"))
    amount: Mapped[Decimal | None] = mapped_column(Money())
    description: Mapped[str_200] = mapped_column(default="")

    decision: Mapped[Decision] = relationship(back_populates="items")


# ---------------------------------------------------------------- 公示


class Disclosure(AuditMixin, Base):
    """The public record of a decision (事后公开). Status moves 待公示 → 已公示 → (已更正 | 已撤回 | 已到期);
    every change is a new ``disclosure_versions`` row."""

    __tablename__ = "disclosures"
    __table_args__ = (
        CheckConstraint(
            "status <> '已撤回' OR (withdrawn_on IS NOT NULL AND withdrawal_reason IS NOT NULL)",
            name="withdrawal_explained",
        ),
        Index("ix_disclosures_status_published_on", "status", "published_on"),
    )

    id: Mapped[intpk]
    decision_id: Mapped[int] = mapped_column(ForeignKey("decisions.id"), unique=True)
    status: Mapped[DisclosureStatus] = mapped_column(str_enum(DisclosureStatus, "disclosure_status"))
    published_on: Mapped[dt.date | None]
    gsxt_published_on: Mapped[dt.date | None]
    period_months: Mapped[int | None]
    expires_on: Mapped[dt.date | None]
    withdrawn_on: Mapped[dt.date | None]
    withdrawal_reason: Mapped[WithdrawalReason | None] = mapped_column(
        str_enum(WithdrawalReason, "withdrawal_reason")
    )
    withdrawal_doc_ref: Mapped[str | None] = mapped_column(String(100))
    public_explanation: Mapped[text] = mapped_column(default="")
    redaction_applied: Mapped[bool_false]
    redaction_note: Mapped[text] = mapped_column(default="")
    # 依法不予公开 (minor party, 国家秘密/商业秘密/个人隐私为主): exempt from the disclosure clock, never public.
    withheld_reason: Mapped[str | None] = mapped_column(String(200))
    version: Mapped[int] = mapped_column(Integer, server_default="1", default=1)

    decision: Mapped[Decision] = relationship()


class DisclosureVersion(Base):
    __tablename__ = "disclosure_versions"
    __table_args__ = (UniqueConstraint("disclosure_id", "version"),)

    id: Mapped[intpk]
    disclosure_id: Mapped[int] = mapped_column(ForeignKey("disclosures.id"), index=True)
    version: Mapped[int]
    changed_on: Mapped[dt.date]
    status: Mapped[DisclosureStatus] = mapped_column(str_enum(DisclosureStatus, "version_status"))
    reason: Mapped[text] = mapped_column(default="")
    snapshot: Mapped[text] = mapped_column(default="{}")  # JSON of the public content at this version


class PublicRecord(Base):
    """The public projection of one decision (domain.publication): every published text field, redacted once when
    the decision was written. The public read path reads text only from here; the search index lists a decision
    only while its projection exists and is not held. Database triggers set ``held_reason`` when a source text
    changes without a new projection, so a stale projection is never published (fail closed)."""

    __tablename__ = "public_records"

    decision_id: Mapped[int] = mapped_column(ForeignKey("decisions.id"), primary_key=True, autoincrement=False)
    party_type: Mapped[str_20]  # PartyType value
    party_name: Mapped[str_200]
    uscc: Mapped[str] = mapped_column(String(18), default="")
    violation: Mapped[text]
    facts: Mapped[text]
    legal_basis: Mapped[text]
    conclusion: Mapped[text]
    discretion_statement: Mapped[text]
    public_explanation: Mapped[text]
    history: Mapped[text] = mapped_column(default="[]")  # JSON [[version, "YYYY-MM-DD", status, reason], …]
    held_reason: Mapped[str | None] = mapped_column(String(500), index=True)
    projected_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    # Whether the public has seen a version of this decision (written unheld while disclosed), and when a decision
    # held before the public ever saw it was released: the disclosure clock counts it as published then, not on its
    # recorded day (db.projection, domain.deadlines.published_for_clock).
    public_seen: Mapped[bool_false]
    released_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())


class PublicSearch(Base):
    """Search index of the public decision list: one narrow row per decision the public may see — published (已公示,
    已更正 or 已撤回), not withheld, not confidential, party not a minor; the publication period is checked at query
    time against today — with the facets, so that counting and paging 1,000,000 decisions scans this table instead of joining four
    wide ones. Derived data, never written by application code: database triggers (migration ``public search
    index``) keep it in step with disclosures, decisions, cases, parties and penalty_items, however rows are written
    (ORM, bulk COPY, import). For a withdrawn decision the amount and penalty types are blank, as on its tombstone.
    See db/search.py."""

    __tablename__ = "public_search"
    # One index per sort key, each covering every column a filter reads: SQLite then counts and pages by reading one
    # index in order instead of looking rows up at random (1.5 s → 0.2 s for a facet count at 1M rows).
    __table_args__ = (
        Index("ix_public_search_published_on", "published_on", "decided_on", "expires_on", "status", "agency_id",
              "category", "fine_total", "penalty_types"),
        Index("ix_public_search_decided_on", "decided_on", "published_on", "expires_on", "status", "agency_id",
              "category", "fine_total", "penalty_types"),
        Index("ix_public_search_fine_total", "fine_total", "published_on", "decided_on", "expires_on", "status",
              "agency_id", "category", "penalty_types"),
        # An agency filter reads its own decisions only; the count by buckets (PublicCount) reads the rows whose
        # publication ends this month exactly.
        Index("ix_public_search_agency_id", "agency_id", "published_on", "decided_on", "expires_on", "status",
              "category", "fine_total", "penalty_types"),
        Index("ix_public_search_expires_on", "expires_on", "published_on", "decided_on", "status", "agency_id",
              "category", "fine_total", "penalty_types"),
    )

    decision_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    agency_id: Mapped[int]
    category: Mapped[str_20]  # ActionCategory value
    decided_on: Mapped[dt.date]
    published_on: Mapped[dt.date | None]
    expires_on: Mapped[dt.date | None]
    status: Mapped[str_20]  # DisclosureStatus value: 已公示, 已更正 or 已撤回
    fine_total: Mapped[Decimal | None] = mapped_column(Money())
    penalty_types: Mapped[text]  # "|罚款|警告|", so that one type is a LIKE '%|罚款|%' on this narrow row


class PublicSearchDoc(Base):
    """The searchable text of a disclosed decision, as the public may search it: organisation name (a natural
    person only by the masked name), 决定书文号, 统一社会信用代码 (organisations), 违法行为类型, 处罚依据 and
    处罚内容 (not for a withdrawn decision), separated by U+001F. Indexed by SQLite FTS5 (trigram) or PostgreSQL
    pg_trgm; kept apart from public_search so that facet scans stay narrow. Maintained by triggers."""

    __tablename__ = "public_search_doc"

    decision_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    doc: Mapped[text]


class PublicCount(Base):
    """How many rows of ``public_search`` fall in each bucket (agency, category, status, penalty types, decided year,
    amount band, published month, expiry month), kept by triggers on ``public_search`` (migration ``public counts
    and API indexes``), so a broad count of the public list sums a few thousand buckets (db.public). Months are
    ``yyyymm``: 999999 for never published, 0 for never expiring; ``amount_band`` 0 is no fine (or withdrawn), 1–4
    the bands of domain.filters.AmountBand in order. Derived data, never written by application code."""

    __tablename__ = "public_counts"

    agency_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    category: Mapped[str_20] = mapped_column(primary_key=True)
    status: Mapped[str_20] = mapped_column(primary_key=True)
    penalty_types: Mapped[text] = mapped_column(primary_key=True)
    decided_year: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    amount_band: Mapped[int] = mapped_column(SmallInteger, primary_key=True, autoincrement=False)
    published_month: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    expires_month: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    n: Mapped[int] = mapped_column(BigInteger)


class PublicDataVersion(Base):
    """One row whose ``version`` rises whenever the public index or projection changes (database triggers, however
    the rows are written). Counts and HTTP validators of the public list are cached per version, so a repeated
    question costs one primary-key read instead of a count over 1,000,000 rows, and a write invalidates them all."""

    __tablename__ = "public_data_version"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    version: Mapped[int] = mapped_column(BigInteger, default=0)


class DecisionFactRow(Base):
    """What the statistics pages count about one decision, computed once when the decision changes instead of on
    every page run: the disclosure clock fixed at publication (deadline in working days with 调休, lateness) and the
    annual report's column and amount. Derived data, never written by application code: database triggers put the
    id of every changed decision (and of every decision whose deadline window an entered calendar day falls into)
    into ``decision_facts_queue``, and ``db.summaries.refresh`` recomputes those rows with the domain rules — before
    a read, at the end of a bulk write, or in full with ``manage.py refresh``."""

    __tablename__ = "decision_facts"
    __table_args__ = (
        # Annual report: one range of decision dates, grouped by agency, column and party kind, read from the index.
        Index("ix_decision_facts_annual", "decided_on", "agency_id", "report_column", "natural_person", "amount"),
        # Most working days late among published decisions.
        Index("ix_decision_facts_late", "late_workdays", "decided_on"),
        # Unpublished decisions by deadline: the overdue ones are a prefix for any ``today``.
        Index("ix_decision_facts_unpublished", "published_on", "deadline"),
    )

    decision_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    agency_id: Mapped[int]
    category: Mapped[str_20]  # ActionCategory value
    decided_on: Mapped[dt.date]
    disclosed: Mapped[bool]  # has a disclosure record: only these are on the disclosure clock
    withheld: Mapped[bool]  # 依法不予公开: exempt from the clock
    deadline: Mapped[dt.date | None]  # NULL when not disclosed or withheld
    provisional: Mapped[bool]  # the deadline counts days of a year without an official calendar
    published_on: Mapped[dt.date | None]  # NULL while unpublished (待公示) and when withheld
    late_workdays: Mapped[int]  # working days late at publication; 0 when on time or not yet published
    unreviewed_major: Mapped[bool]
    natural_person: Mapped[bool]
    report_column: Mapped[str] = mapped_column(String(80))  # domain.statistics column key
    amount: Mapped[Decimal] = mapped_column(Money())  # 罚没金额 (0 unless 行政处罚)


class DecisionFactsQueue(Base):
    """Ids of decisions whose ``decision_facts`` row is stale (filled by triggers, emptied by db.summaries)."""

    __tablename__ = "decision_facts_queue"

    decision_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)


class ReviewBoardRow(Base):
    """One row per major case (``cases.is_major``, or a decision marked 未经法制审核) with what the legal-review
    status board shows that does not depend on today: status, rounds, approval, violation, the working days in review
    of a closed case and whether a concluded round was overdue. What grows with today is computed at read time from
    ``open_since`` (the duration of an open case runs until today) and ``open_due`` (a round not yet concluded is
    overdue once today passes it). Derived data kept by db.board exactly like ``decision_facts``: triggers queue the
    changed case ids in ``review_board_queue`` (also every row whose calendar window holds an entered day, and every
    row with rounds of an agency whose review time limit changes); ``db.board.refresh`` recomputes them."""

    __tablename__ = "review_board"
    __table_args__ = (
        # The violation list, newest first, bounded.
        Index("ix_review_board_violation", "violation", "case_id"),
        # The tallies read this index alone (every column they group or test), and a change of an agency's review
        # time limit finds its rows by the first column.
        Index("ix_review_board_tally", "agency_id", "status", "violation", "overdue_done", "review_workdays",
              "open_since", "open_due", "decided_on"),
    )

    case_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    agency_id: Mapped[int]
    case_no: Mapped[str_50]
    decision_no: Mapped[str_100]  # "" while undecided
    triggers: Mapped[text]  # the case's "；"-joined major reasons, "" when none
    status: Mapped[str_20]  # domain.review.MajorStatus value
    rounds: Mapped[int]
    first_submitted_on: Mapped[dt.date | None]
    approved_on: Mapped[dt.date | None]
    decided_on: Mapped[dt.date | None]
    violation: Mapped[bool]
    latest_outcome: Mapped[str_20]  # ReviewAction value of the latest concluded round, "" otherwise
    review_workdays: Mapped[int | None]  # closed cases; NULL when open (see open_since) or never submitted
    open_since: Mapped[dt.date | None]  # first submission of a case whose time in review runs until today
    overdue_done: Mapped[bool]  # a concluded round took longer than its time limit
    open_due: Mapped[dt.date | None]  # the earliest due date of a round not yet concluded (clock running)
    # The working days the stored dates were counted over: (window_from, window_to]. An entered calendar day inside
    # it queues the row.
    window_from: Mapped[dt.date | None]
    window_to: Mapped[dt.date | None]


class ReviewBoardQueue(Base):
    """Ids of cases whose ``review_board`` row may be stale (filled by triggers, emptied by db.board)."""

    __tablename__ = "review_board_queue"

    case_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)


class SummaryVersion(Base):
    """Versions the supervision and statistics pages cache by, so that a repeated read costs a few primary-key reads
    and any write shows at once. Row 1 (decision facts) rises whenever db.summaries changes ``decision_facts`` or a
    calendar entry changes; row 2 (case records) rises on writes to what the case-record aggregates read that no
    append-only id reveals (case flags, officers, agencies, parties, review rules, decision texts) — database triggers,
    however the rows are written; row 3 (completeness scores) rises whenever db.completeness changes
    ``case_completeness`` and when an agency's short name (shown beside the scores) changes; row 4 (review board)
    rises whenever db.board changes ``review_board``, and with every calendar entry and agency rename (triggers)."""

    __tablename__ = "summary_versions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    version: Mapped[int] = mapped_column(BigInteger, default=0)


class CaseCompleteness(Base):
    """案卷完整性 of one decided case (domain.procedure.completeness), computed when the case's record changes
    instead of for every case on each read of the supervisors' page. Derived data, never written by application
    code: database triggers put the id of every case a write may have rescored into ``case_completeness_queue``
    and ``db.completeness.refresh`` recomputes those rows — before a read, or in full with ``manage.py refresh``.
    The seeder writes the rows of its cases itself."""

    __tablename__ = "case_completeness"

    case_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    agency_id: Mapped[int]
    category: Mapped[str_20]  # ActionCategory value (the matter's, else the decision's)
    procedure: Mapped[str_20]  # Procedure value
    decided_on: Mapped[dt.date]
    score: Mapped[int]  # 0–100
    missing_count: Mapped[int]
    first_missing: Mapped[text]  # "" when nothing is missing
    missing: Mapped[text]  # every missing item, "；"-joined


# The lowest-scoring cases: ORDER BY score, missing_count DESC, decided_on DESC, case_id LIMIT 50, from the index.
Index("ix_case_completeness_lowest", CaseCompleteness.score, CaseCompleteness.missing_count.desc(),
      CaseCompleteness.decided_on.desc(), CaseCompleteness.case_id)
# The same within one agency; the per-agency counts are read from this index alone.
Index("ix_case_completeness_agency", CaseCompleteness.agency_id, CaseCompleteness.score,
      CaseCompleteness.missing_count.desc(), CaseCompleteness.decided_on.desc(), CaseCompleteness.case_id)


class CaseCompletenessCert(Base):
    """The 执法证号 whose roster entry (holder, agency, validity) a stored score read: those listed on the case's
    on-site steps. A write to ``officers`` queues the cases that name the old or the new number."""

    __tablename__ = "case_completeness_certs"
    __table_args__ = {"sqlite_with_rowid": False}  # the key is the row: two B-trees instead of three

    case_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    cert_no: Mapped[str] = mapped_column(String(200), primary_key=True, index=True)


class CaseCompletenessQueue(Base):
    """Ids of cases whose ``case_completeness`` row is stale (filled by triggers, emptied by db.completeness)."""

    __tablename__ = "case_completeness_queue"

    case_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)


class CalendarDay(Base):
    """Official 放假/调休 dates entered by an administrator for years the bundled calendar does not cover yet."""

    __tablename__ = "calendar_days"

    day: Mapped[dt.date] = mapped_column(primary_key=True)
    is_workday: Mapped[bool]
    note: Mapped[str_100] = mapped_column(default="")


class CalendarYear(Base):
    """A year whose complete official 放假/调休 arrangement an administrator has entered: deadlines in it are no
    longer marked 暂定."""

    __tablename__ = "calendar_years"

    year: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    declared_by: Mapped[str_50]
    declared_on: Mapped[dt.date]
    source: Mapped[str_200] = mapped_column(default="")  # e.g. 国务院办公厅关于2027年部分节假日安排的通知


# ---------------------------------------------------------------- 账户与审计


class User(AuditMixin, Base):
    __tablename__ = "users"

    id: Mapped[intpk]
    username: Mapped[str_50] = mapped_column(unique=True)
    display_name: Mapped[str_50]
    password_hash: Mapped[str_200]
    role: Mapped[Role] = mapped_column(str_enum(Role, "user_role"))
    agency_id: Mapped[int | None] = mapped_column(ForeignKey("agencies.id"))
    officer_id: Mapped[int | None] = mapped_column(ForeignKey("officers.id"))
    is_active: Mapped[bool] = mapped_column(Boolean, server_default="1", default=True)
    last_login_at: Mapped[dt.datetime | None]
    # Consecutive failed logins since the last success, and the lock they set (domain.accounts).
    failed_logins: Mapped[int] = mapped_column(Integer, server_default="0", default=0)
    locked_until: Mapped[dt.datetime | None]
    password_changed_at: Mapped[dt.datetime | None]


class UserSession(Base):
    """A signed-in browser. The cookie carries a random token; only its SHA-256 is stored, so a copy of the
    database does not yield usable sessions. Ended by logout (``revoked_at``), idleness or age (domain.accounts)."""

    __tablename__ = "user_sessions"

    id: Mapped[intpk]
    token_sha256: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    created_at: Mapped[dt.datetime]
    last_seen_at: Mapped[dt.datetime]
    revoked_at: Mapped[dt.datetime | None]
    client: Mapped[str] = mapped_column(String(64), default="")


class ChainAnchor(Base):
    """A published 记录链锚点: the Merkle root over every case's chain head as of the event with id ``max_event_id``,
    and the head of the audit log's hash chain up to ``max_audit_id``. Copies published elsewhere are what make a
    wholesale rewrite of the record detectable (db/anchors.py)."""

    __tablename__ = "chain_anchors"

    id: Mapped[intpk]
    anchored_on: Mapped[dt.date] = mapped_column(unique=True)  # one a day, Asia/Shanghai
    anchored_at: Mapped[dt.datetime]
    max_event_id: Mapped[int]
    cases: Mapped[int]
    root: Mapped[str] = mapped_column(String(64))
    max_audit_id: Mapped[int]
    audit_head: Mapped[str] = mapped_column(String(64))


class AuditEntry(Base):
    """Append-only log of every write command: who did what to which record."""

    __tablename__ = "audit_log"
    __table_args__ = (Index("ix_audit_log_entity", "entity", "entity_id"),)

    id: Mapped[intpk]
    occurred_at: Mapped[created_now]
    actor: Mapped[str_50]
    action: Mapped[str_50]
    entity: Mapped[str_50]
    entity_id: Mapped[str | None] = mapped_column(String(50))
    detail: Mapped[text] = mapped_column(default="{}")


# ---------------------------------------------------------------- 双随机、一公开, 信用, 异议 (docs/inspections.md)


class InspectionPlan(AuditMixin, Base):
    """年度 or 专项 抽查计划 of an agency, covering items of its 随机抽查事项清单."""

    __tablename__ = "inspection_plans"
    __table_args__ = (UniqueConstraint("agency_id", "title"),)

    id: Mapped[intpk]
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"), index=True)
    year: Mapped[int]
    kind: Mapped[InspectionPlanKind] = mapped_column(str_enum(InspectionPlanKind, "plan_kind"))
    title: Mapped[str_200]
    published_on: Mapped[dt.date]

    agency: Mapped[Agency] = relationship()


class InspectionPlanItem(Base):
    __tablename__ = "inspection_plan_items"

    plan_id: Mapped[int] = mapped_column(ForeignKey("inspection_plans.id"), primary_key=True)
    inspection_item_id: Mapped[int] = mapped_column(ForeignKey("inspection_items.id"), primary_key=True)


class PoolSnapshot(Base):
    """名录库 as it stood when a draw was prepared: JSON records (domain.draw.object_record / inspector_record) and
    their SHA-256 (domain.draw.pool_hash). Kept unchanged once taken."""

    __tablename__ = "pool_snapshots"

    id: Mapped[intpk]
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"), index=True)
    kind: Mapped[PoolKind] = mapped_column(str_enum(PoolKind, "pool_kind"))
    taken_at: Mapped[dt.datetime]
    members: Mapped[text]
    sha256: Mapped[str] = mapped_column(String(64))


class InspectionDraw(AuditMixin, Base):
    """One 双随机 draw. Published before it: ``commitment`` (SHA-256 of the secret seed) and the pool hashes; at the
    draw: ``seed``, the pools as published, the ratios and the selection (domain.draw). ``seed`` is NULL until
    revealed."""

    __tablename__ = "inspection_draws"

    id: Mapped[intpk]
    plan_id: Mapped[int] = mapped_column(ForeignKey("inspection_plans.id"), index=True)
    draw_no: Mapped[str_50] = mapped_column(unique=True)
    committed_at: Mapped[dt.datetime]
    commitment: Mapped[str] = mapped_column(String(64))
    object_snapshot_id: Mapped[int] = mapped_column(ForeignKey("pool_snapshots.id"))
    inspector_snapshot_id: Mapped[int] = mapped_column(ForeignKey("pool_snapshots.id"))
    object_pool_hash: Mapped[str] = mapped_column(String(64))
    inspector_pool_hash: Mapped[str] = mapped_column(String(64))
    drawn_on: Mapped[dt.date]
    seed: Mapped[str | None] = mapped_column(String(100))
    revealed_at: Mapped[dt.datetime | None]
    published_objects: Mapped[text] = mapped_column(default="[]")
    published_inspectors: Mapped[text] = mapped_column(default="[]")
    ratios: Mapped[text] = mapped_column(default="{}")  # JSON {stratum: "0.05"}
    per_inspection: Mapped[int] = mapped_column(Integer, server_default="2", default=2)
    selection: Mapped[text] = mapped_column(default="[]")  # JSON [[member id, stratum, cert no, …], …]

    plan: Mapped[InspectionPlan] = relationship()


class Inspection(AuditMixin, Base):
    """One inspection of one entity (from a draw, or not), its 检查结果 and the day that result was published
    (within 20 working days of ``ended_on``); ``case_id`` links a result of 立案查处 to its case."""

    __tablename__ = "inspections"
    __table_args__ = (
        CheckConstraint("ended_on >= started_on", name="inspection_period"),
        Index("ix_inspections_entity_uscc", "entity_uscc"),
    )

    id: Mapped[intpk]
    inspection_no: Mapped[str_50] = mapped_column(unique=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"), index=True)
    draw_id: Mapped[int | None] = mapped_column(ForeignKey("inspection_draws.id"), index=True)
    entity_uscc: Mapped[str] = mapped_column(String(18))
    entity_name: Mapped[str_200]
    inspector_cert_nos: Mapped[str] = mapped_column(String(200), default="")  # "、"-joined
    started_on: Mapped[dt.date]
    ended_on: Mapped[dt.date]
    result: Mapped[InspectionResult | None] = mapped_column(str_enum(InspectionResult, "inspection_result"))
    result_summary: Mapped[text] = mapped_column(default="")
    result_published_on: Mapped[dt.date | None]
    case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id"))


class CreditRuleVersion(Base):
    """Versioned 信用中国 publication-period table (domain.credit.PeriodRule), keyed by the decision date."""

    __tablename__ = "credit_rule_versions"
    __table_args__ = (
        UniqueConstraint("effective_from", "severity"),
        CheckConstraint("max_months >= min_months", name="period_order"),
    )

    id: Mapped[intpk]
    effective_from: Mapped[dt.date]
    instrument: Mapped[str_200]
    severity: Mapped[str_20]  # domain.credit.Severity value
    min_months: Mapped[int]
    max_months: Mapped[int]
    published: Mapped[bool] = mapped_column(Boolean, server_default="1", default=True)


class Objection(Base):
    """异议: a public report of an error in a decision or an entity profile, answered by the publishing agency
    within 10 working days. ``client_key`` is a hash of the submitting client, kept for rate limiting only;
    ``contact`` is never shown publicly."""

    __tablename__ = "objections"
    __table_args__ = (
        CheckConstraint("decision_id IS NOT NULL OR entity_uscc IS NOT NULL", name="objection_subject"),
        Index("ix_objections_client_key_submitted_at", "client_key", "submitted_at"),
    )

    id: Mapped[intpk]
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"), index=True)
    decision_id: Mapped[int | None] = mapped_column(ForeignKey("decisions.id"), index=True)
    entity_uscc: Mapped[str | None] = mapped_column(String(18), index=True)
    submitted_at: Mapped[dt.datetime]
    client_key: Mapped[str] = mapped_column(String(64))
    contact: Mapped[str_100] = mapped_column(default="")
    content: Mapped[text]
    due_on: Mapped[dt.date]
    status: Mapped[ObjectionStatus] = mapped_column(str_enum(ObjectionStatus, "objection_status"))
    answer: Mapped[text] = mapped_column(default="")
    answered_on: Mapped[dt.date | None]
    answered_by: Mapped[str | None] = mapped_column(String(50))
