"""Enumerations shared by every layer. Values are the Chinese terms stored in the database and shown to users."""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    PUBLIC = "公众"
    OFFICER = "执法人员"
    REVIEWER = "法制审核人员"
    SUPERVISOR = "执法监督人员"
    ADMIN = "管理员"


class AgencyKind(StrEnum):
    STATUTORY = "法定"
    AUTHORISED = "授权"
    ENTRUSTED = "委托"


class AgencyLevel(StrEnum):
    PROVINCE = "省级"
    CITY = "市级"
    COUNTY = "县级"
    TOWNSHIP = "乡镇级"


class ActionCategory(StrEnum):
    """执法类别 of a 权责清单 matter (国办发〔2018〕118号 scope)."""

    LICENCE = "行政许可"
    PENALTY = "行政处罚"
    COERCION = "行政强制"
    INSPECTION = "行政检查"
    LEVY = "行政征收"
    REQUISITION = "行政征用"
    ADJUDICATION = "行政裁决"
    CONFIRMATION = "行政确认"
    BENEFIT = "行政给付"
    REWARD = "行政奖励"
    OTHER = "其他"


# 118号(六): 许可 and 处罚 decisions are published within 7 working days, all others within 20.
SHORT_DEADLINE_CATEGORIES = frozenset({ActionCategory.LICENCE, ActionCategory.PENALTY})


class PenaltyType(StrEnum):
    """行政处罚法 art. 9, declared lightest first: the order is the statutory severity order used by the
    annual statistics (one decision counts once, under its heaviest type)."""

    WARNING = "警告"
    CIRCULATED_CRITICISM = "通报批评"
    FINE = "罚款"
    CONFISCATE_GAINS = "没收违法所得"
    CONFISCATE_PROPERTY = "没收非法财物"
    SUSPEND_LICENCE = "暂扣许可证件"
    DOWNGRADE_QUALIFICATION = "降低资质等级"
    RESTRICT_OPERATIONS = "限制开展生产经营活动"
    ORDER_SUSPENSION = "责令停产停业"
    ORDER_CLOSURE = "责令关闭"
    RESTRICT_PRACTICE = "限制从业"
    REVOKE_LICENCE = "吊销许可证件"
    DETENTION = "行政拘留"
    OTHER = "其他行政处罚"

    @property
    def severity(self) -> int:
        """Rank in the statutory severity order (docs/rules.md §1.5); 责令关闭 and 限制从业 share a rank."""
        return _SEVERITY[self]


_SEVERITY: dict[PenaltyType, int] = {
    PenaltyType.OTHER: 0,
    PenaltyType.WARNING: 1,
    PenaltyType.CIRCULATED_CRITICISM: 2,
    PenaltyType.FINE: 3,
    PenaltyType.CONFISCATE_GAINS: 4,
    PenaltyType.CONFISCATE_PROPERTY: 4,
    PenaltyType.SUSPEND_LICENCE: 5,
    PenaltyType.DOWNGRADE_QUALIFICATION: 6,
    PenaltyType.RESTRICT_OPERATIONS: 7,
    PenaltyType.ORDER_SUSPENSION: 8,
    PenaltyType.ORDER_CLOSURE: 9,
    PenaltyType.RESTRICT_PRACTICE: 9,
    PenaltyType.REVOKE_LICENCE: 10,
    PenaltyType.DETENTION: 11,
}

MONETARY_PENALTY_TYPES = frozenset({PenaltyType.FINE, PenaltyType.CONFISCATE_GAINS, PenaltyType.CONFISCATE_PROPERTY})


class PartyType(StrEnum):
    NATURAL_PERSON = "自然人"
    LEGAL_PERSON = "法人"
    UNINCORPORATED = "非法人组织"
    INDIVIDUAL_BUSINESS = "个体工商户"

    @property
    def is_natural_person(self) -> bool:
        return self is PartyType.NATURAL_PERSON


class Procedure(StrEnum):
    SIMPLE = "简易程序"
    ORDINARY = "普通程序"


class CaseStatus(StrEnum):
    FILED = "已立案"
    INVESTIGATING = "调查中"
    IN_REVIEW = "法制审核中"
    DECIDED = "已决定"
    SERVED = "已送达"
    EXECUTED = "已执行"
    CLOSED = "已结案"
    NOT_PUNISHED = "不予处罚"
    TRANSFERRED = "已移送司法机关"


class MajorReason(StrEnum):
    """行政处罚法 art. 58 and 118号(十二) triggers for 重大执法决定法制审核."""

    PUBLIC_INTEREST = "涉及重大公共利益"
    HEARING = "经过听证程序"
    COMPLEX = "案件疑难复杂、涉及多个法律关系"
    LARGE_AMOUNT = "罚没金额达到重大标准"
    SEVERE_TYPE = "责令停产停业、吊销许可证件等较重处罚"
    BENCHMARK_DEVIATION = "突破裁量基准"
    OTHER_LAW = "法律、法规规定的其他情形"


class Stage(StrEnum):
    """执法全过程记录 stages (行政处罚法 art. 47; docs/rules.md §1.7), in their required order."""

    FILING = "立案"
    INVESTIGATION = "调查取证"
    NOTICE = "告知"
    HEARING = "听证"
    LEGAL_REVIEW = "法制审核"
    COLLECTIVE_DISCUSSION = "集体讨论"
    DECISION = "决定"
    SERVICE = "送达"
    EXECUTION = "执行"
    ARCHIVE = "结案归档"

    @property
    def order(self) -> int:
        return list(Stage).index(self)


class RecordForm(StrEnum):
    TEXT = "文字"
    BODYCAM = "执法记录仪"
    AUDIO = "录音"
    PHOTO = "照相"
    VIDEO = "录像"
    CCTV = "视频监控"


AUDIO_VISUAL_FORMS = frozenset(set(RecordForm) - {RecordForm.TEXT})


class ReviewOutcome(StrEnum):
    APPROVED = "同意"
    PROBLEMS = "存在问题"


class ReviewStepKind(StrEnum):
    SUBMIT = "报送"
    SUPPLEMENT = "补充材料"
    CLAIM = "领取"
    ASSIGN = "指派"
    EXTEND = "延长审核期限"
    CONCLUDE = "审核意见"


class DiscretionTier(StrEnum):
    LIGHTER = "从轻"
    GENERAL = "一般"
    HEAVIER = "从重"
    MITIGATED = "减轻"
    NONE = "不予处罚"


class BenchmarkRangeKind(StrEnum):
    FIXED = "固定幅度"        # 处X元以上Y元以下
    MAX_ONLY = "仅上限"        # 处Y元以下
    RELATIVE = "基数倍数"      # 违法所得/总投资额 × fraction or multiple
    NON_MONETARY = "非罚款"    # 警告, 责令停产停业 … without an amount


class DisclosureStatus(StrEnum):
    DRAFT = "待公示"
    PUBLISHED = "已公示"
    CORRECTED = "已更正"
    WITHDRAWN = "已撤回"
    EXPIRED = "已到期"


class WithdrawalReason(StrEnum):
    """行政处罚法 art. 48 ¶2 and 118号(六)."""

    CHANGED = "变更"
    REVOKED = "撤销"
    CONFIRMED_ILLEGAL = "确认违法"
    CONFIRMED_VOID = "确认无效"
    REDO = "要求重新作出"


class DataOrigin(StrEnum):
    NATIVE = "系统录入"
    IMPORTED = "导入"
    LEGACY = "历史导入"


class DueState(StrEnum):
    """Where a step stands against its deadline: one state set for every clock (publishing a decision, publishing
    the annual report, each procedural step). The values are the wording of the case timeline; the disclosure and
    annual-report pages say the same states in their own terms (deadlines.DISCLOSURE_WORDING,
    statistics.REPORT_WORDING)."""

    ON_TIME = "按时"
    LATE = "逾期"
    PENDING = "进行中"  # not done, not yet due
    OVERDUE = "已逾期未完成"
    NOT_APPLICABLE = "不适用"  # no deadline runs (e.g. no hearing was requested)


# ---------------------------------------------------------------- 双随机、一公开 and 异议


class InspectionPlanKind(StrEnum):
    ANNUAL = "年度抽查计划"
    SPECIAL = "专项抽查计划"


class PoolKind(StrEnum):
    OBJECTS = "检查对象名录库"
    INSPECTORS = "执法检查人员名录库"


class InspectionResult(StrEnum):
    """检查结果 as published (一公开)."""

    NO_PROBLEM = "未发现问题"
    RECTIFICATION = "发现问题已责令整改"
    CASE_FILED = "立案查处"
    NOT_FOUND = "未发现开展经营活动"
    CLOSED_DOWN = "已注销或迁出"


class ObjectionStatus(StrEnum):
    OPEN = "待处理"
    ANSWERED = "已答复"
    CORRECTED = "已更正"
