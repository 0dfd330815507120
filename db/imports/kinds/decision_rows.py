"""The ``decisions`` kind, row by row: one row of a published-decisions file checked field group by field group
(keys, agency, party, dates, amounts, penalties, review, discretion) and turned into a ``DecisionRec`` — the
row normalised to exactly what the database will hold — or problems. Everything it needs is preloaded."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from db.imports.base import Row, check_width
from db.imports.cells import (
    MAX_MONEY,
    REVIEW_OK_PREFIXES,
    REVIEW_PROBLEM_WORDS,
    TIER_ALIASES,
    AgencyRef,
    age_on,
    agency_key,
    amount_cached,
    content_cached,
    date_cached,
    money_text,
    nfkc,
    period_cached,
    types_cached,
)
from db.imports.party import check_party
from db.imports.reading import WS_RE, Table, clean, compact
from db.imports.report import RowProblem
from db.imports.spec import HeaderMap, KindSpec, TemplateField
from db.imports.store import new_agency
from domain.enums import (
    DataOrigin,
    DisclosureStatus,
    DiscretionTier,
    MajorReason,
    PartyType,
    PenaltyType,
    Procedure,
    ReviewOutcome,
)
from domain.major import ProposedPenalty, assess_major, claims_departure
from domain.numbers import parse_chinese_number
from domain.parsing import FieldError, PenaltyContent, parse_yes_no

__all__ = ["DECISION_FIELDS", "DEFAULT_PERIOD_MONTHS_ORG", "DEFAULT_PERIOD_MONTHS_PERSON", "MONEY_FIELDS", "DecisionRec",
           "DecisionRows", "Existing", "Lookups", "PartyRef"]

DEFAULT_PERIOD_MONTHS_PERSON = 24  # 公示期限 when the column is blank (local practice: 2 years)
DEFAULT_PERIOD_MONTHS_ORG = 60  # … and 5 years for organisations
SIMPLE_PROCEDURE_MAX_FINE = {True: Decimal("200"), False: Decimal("3000")}  # 行政处罚法 art. 51, keyed by "person"
AMOUNT_KINDS = frozenset({PenaltyType.FINE, PenaltyType.CONFISCATE_GAINS, PenaltyType.CONFISCATE_PROPERTY})
MONEY_FIELDS = ("fine_amount", "confiscation_amount", "base_amount")
DECISION_FIELDS: tuple[TemplateField, ...] = (
    TemplateField("decision_no", "决定书文号", True, "行政处罚决定书文号，导入的唯一标识（同一文号再次导入即为更新）",
                  "青市监罚〔2026〕1号", ("行政处罚决定书文号", "处罚决定书文号", "决定文书号", "决定书编号", "文书号")),
    TemplateField("agency", "处罚机关", True, "作出决定的执法主体全称（或系统中的简称、编码）",
                  "临江市青石区市场监督管理局", ("作出处罚决定的机关", "处罚决定机关", "处罚机关名称", "执法机关", "执法主体",
                                     "决定机关", "作出处罚的机关名称")),
    TemplateField("party_name", "当事人名称", True, "单位全称或自然人姓名（可为已处理的“张某”）",
                  "临江市青石示例商贸有限公司", ("当事人", "当事人姓名", "当事人姓名或名称", "当事人姓名/名称",
                                      "行政相对人名称", "被处罚人", "被处罚单位", "被处罚人名称", "相对人名称")),
    TemplateField("party_type", "当事人类型", False, "自然人、法人、非法人组织、个体工商户；留空时按证件号码或名称推断（提示）",
                  "法人", ("行政相对人类别", "当事人类别", "相对人类型", "主体类型")),
    TemplateField("uscc", "统一社会信用代码", False, "18位，按GB 32100-2015校验（N、Y等字母开头的代码有效）",
                  "91449901YYKNQXNW9D", ("社会信用代码", "信用代码", "行政相对人代码_1(统一社会信用代码)",
                                         "统一社会信用代码/注册号")),
    TemplateField("id_number", "证件号码", False, "居民身份证号码18位或15位（按GB 11643校验，小写x可）；其他证件原样保存",
                  "", ("身份证号码", "身份证号", "公民身份号码", "证件号")),
    TemplateField("violation", "违法行为类型", False, "案由，不超过200字", "销售不符合食品安全标准的食品",
                  ("违法行为", "违法行为名称", "案由", "案件名称")),
    TemplateField("facts", "违法事实", False, "主要违法事实", "2026年3月2日，执法人员检查发现当事人销售过期食品。",
                  ("主要违法事实", "违法事实描述", "案情简介")),
    TemplateField("legal_basis", "处罚依据", False, "法律条款", "《中华人民共和国食品安全法》第一百二十四条第一款",
                  ("行政处罚依据", "法律依据", "处罚依据条款")),
    TemplateField("penalty_types", "处罚种类", False, "行政处罚法第九条的种类，多个用“；”或“、”分隔",
                  "警告；没收违法所得；罚款", ("处罚类别", "行政处罚种类", "处罚类型", "处罚种类名称")),
    TemplateField("penalty_content", "处罚内容", False, "决定书的处罚内容原文；金额列为空时从此处解析罚没金额",
                  "警告，没收违法所得1.621747万元，罚款5万元", ("处罚结果", "行政处罚内容", "处罚决定内容", "处罚决定")),
    TemplateField("fine_amount", "罚款金额（元）", False, "数字，可带千分位、元/万元/亿元；表头写“（万元）”时按万元",
                  "50000", ("罚款金额", "罚款数额", "罚款金额(元)", "罚款数额(元)")),
    TemplateField("confiscation_amount", "没收金额（元）", False, "没收违法所得和非法财物的金额，格式同上",
                  "16217.47", ("没收金额", "没收违法所得金额", "没收违法所得金额(元)",
                               "没收违法所得、没收非法财物的金额(元)", "没收违法所得、没收非法财物的金额")),
    TemplateField("decided_on", "决定日期", True, "2026-09-08、2026/9/8、2026.9.8、20260908、2026年9月8日或Excel日期",
                  "2026-03-20", ("处罚决定日期", "作出处罚决定日期", "作出决定日期", "决定书日期", "处罚日期",
                                 "作出行政处罚决定日期")),
    TemplateField("published_on", "公示日期", False, "已公示的填写公示日期；留空表示尚未公示", "2026-03-25",
                  ("公开日期", "公示时间", "发布日期", "公示发布日期")),
    TemplateField("publication_period", "公示期限", False, "如“五年”“3年”“6个月”“长期”；留空时自然人2年、其他5年",
                  "3年", ("公示期", "公开期限")),
    TemplateField("case_no", "案号", False, "立案编号；留空时生成“IMP-决定书文号”", "青市监立〔2026〕1号",
                  ("案件编号", "立案编号", "立案号", "案件号")),
    TemplateField("filed_on", "立案日期", False, "日期格式同上，不得晚于决定日期；留空按决定日期", "2026-03-02",
                  ("立案时间",)),
    TemplateField("is_major", "是否重大", False, "是/否（也可Y/N、1/0）；达到本机关重大执法决定标准的自动视为重大",
                  "否", ("是否重大执法决定", "重大执法决定", "是否重大案件")),
    TemplateField("review_outcome", "法制审核结论", False, "同意/通过，或存在问题；重大决定须有日期不晚于决定日期的“同意”",
                  "同意", ("法制审核意见", "法制审核结果", "审核结论", "审核意见")),
    TemplateField("reviewed_on", "法制审核日期", False, "日期格式同上", "2026-03-18",
                  ("法制审核时间", "审核日期", "审核时间")),
    TemplateField("benchmark_no", "裁量基准编号", False, "本机关已录入的裁量基准条目编号", "",
                  ("裁量基准条目编号", "基准编号", "裁量基准条目")),
    TemplateField("tier", "裁量档次", False, "从轻、一般、从重、减轻、不予处罚，或档次序号（如“2”“第二档”）", "一般",
                  ("裁量阶次", "裁量等级")),
    TemplateField("base_amount", "基数金额（元）", False, "倍数罚款的基数（违法所得、货值等），格式同金额", "",
                  ("基数金额", "基数", "基数金额(元)")),
    TemplateField("discretion_statement", "裁量说明", False, "裁量基准适用情况的说明", "当事人初次违法，按一般档次处罚。",
                  ("裁量理由", "裁量情况说明", "裁量基准适用说明")),
)
_TIER_LEVEL_RE = re.compile(r"第?\s*([0-9]{1,2}|[一二三四五六七八九十]{1,3})\s*(?:档|级|阶次|阶|等级)?")
_PERIOD_OPEN = "长期"
_CONF_TYPES = (PenaltyType.CONFISCATE_GAINS, PenaltyType.CONFISCATE_PROPERTY)


@dataclass(slots=True)
class PartyRef:
    key: tuple[str, ...]
    id: int | None
    party_type: PartyType
    name: str
    uscc: str | None
    id_number: str | None
    is_minor: bool
    first_line: int
    db: tuple[Any, ...] | None = None  # (party_type, name, uscc, id_number) as stored, None for a new party
    used: bool = False

    @property
    def state(self) -> tuple[Any, ...]:
        return (self.party_type, self.name, self.uscc, self.id_number)


@dataclass(slots=True)
class DecisionRec:
    """One valid row, normalised to exactly what the database will hold (also rebuilt from the database for
    existing decisions, so that re-import compares like with like)."""

    line: int
    decision_no: str
    agency_name: str
    party_type: PartyType
    party_name: str
    uscc: str | None
    id_number: str | None
    violation: str
    facts: str
    legal_basis: str
    conclusion: str
    items: tuple[tuple[PenaltyType, Decimal | None, str], ...]
    fine_total: Decimal
    confiscation_total: Decimal
    decided_on: dt.date
    filed_on: dt.date
    case_no: str
    procedure: Procedure
    is_major: bool
    major_reasons: str
    review: tuple[ReviewOutcome, dt.date | None, str] | None
    benchmark_tier_id: int | None
    claimed_tier: DiscretionTier | None
    base_amount: Decimal | None
    discretion_statement: str
    unreviewed_major: bool
    published_on: dt.date | None
    period_months: int | None
    is_minor: bool = False
    agency: AgencyRef | None = None
    party: PartyRef | None = None
    action: str = ""  # insert | update | unchanged
    existing: Existing | None = None
    changed: tuple[str, ...] = ()

    def compare_key(self) -> dict[str, Any]:
        return {
            "agency": self.agency_name,
            "party_type": self.party_type, "party_name": self.party_name, "uscc": self.uscc,
            "id_number": self.id_number,
            "violation": self.violation, "facts": self.facts, "legal_basis": self.legal_basis,
            "penalty_content": self.conclusion,
            "penalty_types": tuple(sorted((t.value, a if a is not None else Decimal(-1), d)
                                          for t, a, d in self.items)),
            "fine_amount": self.fine_total, "confiscation_amount": self.confiscation_total,
            "decided_on": self.decided_on, "filed_on": self.filed_on, "case_no": self.case_no,
            "is_major": (self.is_major, self.unreviewed_major),
            "review_outcome": self.review,
            "benchmark_no": self.benchmark_tier_id, "tier": self.claimed_tier, "base_amount": self.base_amount,
            "discretion_statement": self.discretion_statement,
            "published_on": self.published_on, "publication_period": self.period_months,
        }


@dataclass
class Existing:
    decision_id: int
    case_id: int
    party_id: int
    origin: DataOrigin
    disclosure_id: int | None
    disclosure_status: DisclosureStatus | None
    disclosure_version: int
    rec: DecisionRec


@dataclass
class Lookups:
    """Everything validation needs from the database, read once."""

    agencies: dict[str, AgencyRef]  # agency_key(name / short name / code) → agency
    benchmarks: dict[tuple[int, str], list[tuple[dt.date, dt.date | None, int]]]  # (agency, item_no) → versions
    # item id → (tier id, printed grade or else position, tier label, range)
    tiers: dict[int, list[tuple[int, int, DiscretionTier | None, tuple[object, ...]]]]
    # Filled after the first pass, for the keys the file uses:
    decisions: dict[str, int] = field(default_factory=dict)  # decision_no → decision id
    cases: dict[str, str | None] = field(default_factory=dict)  # case_no → decision_no (None: no decision yet)
    parties: dict[tuple[str, ...], PartyRef] = field(default_factory=dict)


@dataclass
class _Parsed:
    """The row's values while its field groups are checked, before the rules that combine them."""

    decision_no: str = ""
    agency: AgencyRef | None = None
    party: tuple[PartyType | None, str, str | None, str | None] = (None, "", None, None)
    decided_on: dt.date | None = None
    filed_on: dt.date | None = None
    published_on: dt.date | None = None
    period: int | str | None = None
    amounts: dict[str, Decimal | None] = field(default_factory=dict)
    types: frozenset[PenaltyType] = frozenset()
    content_text: str = ""
    items: list[tuple[PenaltyType, Decimal | None, str]] = field(default_factory=list)
    fine_total: Decimal = Decimal("0.00")
    conf_total: Decimal = Decimal("0.00")
    is_major_flag: bool | None = None
    outcome: ReviewOutcome | None = None
    reviewed_on: dt.date | None = None
    review_text: str = ""
    raw_tier: str = ""
    claimed: DiscretionTier | None = None
    level: int | None = None
    benchmark_no: str = ""
    statement: str = ""
    case_no: str = ""
    violation: str = ""


def generated_case_no(decision_no: str) -> str:
    case_no = f"IMP-{decision_no}"
    if len(case_no) <= 50:
        return case_no
    digest = hashlib.sha1(decision_no.encode("utf-8")).hexdigest()[:16]
    return f"IMP-{decision_no[:29]}-{digest}"


class DecisionRows:
    """Turns one row of cells into a ``DecisionRec`` or problems."""

    def __init__(self, spec: KindSpec, table: Table, header: HeaderMap, lookups: Lookups, *,
                 create_agencies: bool, today: dt.date) -> None:
        self.spec = spec
        self.table = table
        self.cols = header.columns
        self.units = header.units
        self.lookups = lookups
        self.create_agencies = create_agencies
        self.today = today
        self.keys = tuple(f.key for f in spec.fields)
        self.seen_decisions: dict[str, int] = {}
        self.seen_cases: dict[str, tuple[int, str]] = {}
        self.new_agencies: dict[str, AgencyRef] = {}

    def values(self, cells: list[str]) -> dict[str, str]:
        """The row's cells by field key, cleaned; "" for absent columns."""
        n = len(cells)
        out = dict.fromkeys(self.keys, "")
        for key, index in self.cols.items():
            if index < n and cells[index]:
                out[key] = clean(cells[index])
        return out

    def cell(self, cells: list[str], key: str) -> str:
        index = self.cols.get(key)
        if index is None or index >= len(cells):
            return ""
        return clean(cells[index])

    def validate(self, row_index: int, cells: list[str], line: int) -> tuple[DecisionRec | None, list[RowProblem]]:
        row = Row(self.spec, line, row_index)
        check_width(row, cells, self.table)
        v = self.values(cells)
        p = _Parsed()
        self._keys(v, row, p)
        p.agency = self._agency(v["agency"], row)
        index = self.cols.get("id_number")
        imprecise = index is not None and (row_index, index) in self.table.imprecise
        p.party = check_party(v, row, self.today, imprecise_id=imprecise)
        self._dates(v, row, p)
        self._amounts(v, row, p)
        self._penalties(v, row, p)
        self._review(v, row, p)
        self._discretion(v, row, p)
        p.case_no = compact(v["case_no"])
        if p.case_no and len(p.case_no) > 50:
            row.err("case_no", f"案号过长（{len(p.case_no)}字，最多50字）")
        p.violation = v["violation"]
        if len(p.violation) > 200:
            row.err("violation", f"违法行为类型过长（{len(p.violation)}字，最多200字），较长的内容请写在违法事实中")
        if row.failed:
            return None, row.problems
        rec = self._combine(v, row, p)
        return (None if row.failed else rec), row.problems

    # -- field groups -------------------------------------------------------------------------------------------

    def _keys(self, v: dict[str, str], row: Row, p: _Parsed) -> None:
        p.decision_no = compact(v["decision_no"])
        for key, value in (("decision_no", p.decision_no), ("agency", v["agency"]), ("party_name", v["party_name"]),
                           ("decided_on", v["decided_on"])):
            if not value:
                row.err(key, f"{self.spec.label(key)}不能为空")
        if not p.decision_no:
            return
        if len(p.decision_no) > 100:
            row.err("decision_no", f"决定书文号过长（{len(p.decision_no)}字，最多100字）")
        first = self.seen_decisions.get(p.decision_no)
        if first is not None:
            row.err("decision_no", f"决定书文号“{p.decision_no}”与第{first}行重复")
        else:
            self.seen_decisions[p.decision_no] = row.line

    def _agency(self, text_: str, row: Row) -> AgencyRef | None:
        if not text_:
            return None
        key = agency_key(text_)
        agency = self.lookups.agencies.get(key) or self.new_agencies.get(key)
        if agency is not None:
            return agency
        if len(text_) > 100:
            row.err("agency", f"处罚机关名称过长（{len(text_)}字，最多100字）")
        elif self.create_agencies:
            agency = self.new_agencies[key] = new_agency(WS_RE.sub("", text_), row.line)
        else:
            row.err("agency", f"系统中没有执法主体“{text_}”：请先在系统中添加，或使用 --create-agencies 自动新建")
        return agency

    def _date(self, raw: str, key: str, row: Row) -> dt.date | None:
        if not raw:
            return None
        value, message = date_cached(raw)
        if message:
            row.err(key, message)
        return value

    def _dates(self, v: dict[str, str], row: Row, p: _Parsed) -> None:
        decided_on = self._date(v["decided_on"], "decided_on", row)
        if decided_on and decided_on > self.today:
            row.err("decided_on", f"决定日期{decided_on.isoformat()}晚于今天")
            decided_on = None
        filed_on = self._date(v["filed_on"], "filed_on", row)
        if decided_on and filed_on and decided_on < filed_on:
            row.err("decided_on", f"决定日期{decided_on.isoformat()}早于立案日期{filed_on.isoformat()}")
        published_on = self._date(v["published_on"], "published_on", row)
        if published_on and decided_on and published_on < decided_on:
            row.err("published_on", f"公示日期{published_on.isoformat()}早于决定日期{decided_on.isoformat()}")
        if published_on and published_on > self.today:
            row.err("published_on", f"公示日期{published_on.isoformat()}晚于今天：尚未公示的请留空")
        p.decided_on, p.filed_on, p.published_on = decided_on, filed_on, published_on
        if v["publication_period"]:
            period, message = period_cached(v["publication_period"])
            if message:
                row.err("publication_period", message)
            p.period = _PERIOD_OPEN if period is None else period

    def _amounts(self, v: dict[str, str], row: Row, p: _Parsed) -> None:
        for key in MONEY_FIELDS:
            raw = v[key]
            if not raw:
                p.amounts[key] = None
                continue
            value, message = amount_cached(raw, self.units.get(key, "元"))
            if message:
                row.err(key, message)
            elif value is not None and value < 0:
                row.err(key, f"金额“{raw}”为负数")
            elif value is not None and value > MAX_MONEY:
                row.err(key, f"金额“{raw}”超出范围")
            else:
                p.amounts[key] = value

    def _penalties(self, v: dict[str, str], row: Row, p: _Parsed) -> None:
        raw_types = v["penalty_types"]
        if raw_types:
            p.types, message = types_cached(raw_types)
            if message:
                row.err("penalty_types", message)
        p.content_text = v["penalty_content"]
        fine_col, conf_col = p.amounts.get("fine_amount"), p.amounts.get("confiscation_amount")
        content: PenaltyContent | None = None
        if p.content_text:
            content, message = content_cached(p.content_text)
            if message:
                if fine_col is not None or conf_col is not None or not any(k in message for k in ("金额", "合计")):
                    row.warn("penalty_content", message + "（处罚内容按原文保存）")
                else:
                    row.err("penalty_content", message + "；请在罚款金额、没收金额列中填写金额")
            if content is not None and content.unrecognised:
                row.warn("penalty_content", f"处罚内容中有未能识别的部分：“{content.unrecognised}”（按原文保存），请核对")
        if not p.content_text and not raw_types:
            row.err("penalty_content", "处罚内容和处罚种类不能同时为空（执法结论是必须公示的内容）")
        if content is not None:
            p.items = [(i.type, i.amount, i.detail[:200]) for i in content.items]
            p.fine_total, p.conf_total = content.fine_total, content.confiscation_total
        if fine_col is not None:
            self._fine_column(fine_col, content, row, p)
        if conf_col is not None:
            self._confiscation_column(conf_col, content, row, p)
        present = {t for t, _, _ in p.items}
        for t in sorted(p.types - present, key=lambda t: t.severity):
            p.items.append((t, None, ""))

    @staticmethod
    def _fine_column(fine_col: Decimal, content: PenaltyContent | None, row: Row, p: _Parsed) -> None:
        """罚款金额 given as a column: it wins over the amount in 处罚内容 (a warning when they differ)."""
        if content is not None and content.fine_total and content.fine_total != fine_col:
            row.warn("fine_amount", f"罚款金额{money_text(fine_col)}元与处罚内容中的罚款"
                                    f"{money_text(content.fine_total)}元不一致，以罚款金额列为准")
        if fine_col != p.fine_total or not any(t is PenaltyType.FINE for t, _, _ in p.items):
            detail = next((d for t, _, d in p.items if t is PenaltyType.FINE), "")
            p.items = [i for i in p.items if i[0] is not PenaltyType.FINE]
            if fine_col > 0:
                p.items.append((PenaltyType.FINE, fine_col, detail))
        p.fine_total = fine_col

    @staticmethod
    def _confiscation_column(conf_col: Decimal, content: PenaltyContent | None, row: Row, p: _Parsed) -> None:
        """没收金额 given as a column: as the fine, replacing the confiscations found in 处罚内容."""
        if content is not None and content.confiscation_total and content.confiscation_total != conf_col:
            row.warn("confiscation_amount", f"没收金额{money_text(conf_col)}元与处罚内容中的没收金额"
                                            f"{money_text(content.confiscation_total)}元不一致，以没收金额列为准")
        items = p.items
        if conf_col != p.conf_total or not any(t in _CONF_TYPES for t, _, _ in items):
            first_conf = next((i for i in items if i[0] in _CONF_TYPES), None)
            kind = first_conf[0] if first_conf else (
                PenaltyType.CONFISCATE_PROPERTY if PenaltyType.CONFISCATE_PROPERTY in p.types
                and PenaltyType.CONFISCATE_GAINS not in p.types else PenaltyType.CONFISCATE_GAINS)
            rest = [i for i in items if i[0] in _CONF_TYPES and i is not first_conf]
            items = [i for i in items if i[0] not in _CONF_TYPES]
            if conf_col > 0:
                items.append((kind, conf_col, first_conf[2] if first_conf else ""))
            items.extend((t, None, d) for t, _, d in rest)
        p.items = items
        p.conf_total = conf_col

    def _review(self, v: dict[str, str], row: Row, p: _Parsed) -> None:
        if v["is_major"]:
            try:
                p.is_major_flag = parse_yes_no(v["is_major"])
            except FieldError as exc:
                row.err("is_major", exc.message)
        p.review_text = v["review_outcome"]
        if p.review_text:
            folded = nfkc(p.review_text)
            if any(w in folded for w in REVIEW_PROBLEM_WORDS):
                p.outcome = ReviewOutcome.PROBLEMS
            elif folded.startswith(REVIEW_OK_PREFIXES):
                p.outcome = ReviewOutcome.APPROVED
            else:
                row.err("review_outcome",
                        f"法制审核结论“{p.review_text[:40]}”无法识别，应为“同意”（或“通过”）或“存在问题”")
        p.reviewed_on = self._date(v["reviewed_on"], "reviewed_on", row)
        if p.reviewed_on and not p.review_text:
            row.err("review_outcome", "填写了法制审核日期，但法制审核结论为空")
        if p.reviewed_on and p.reviewed_on > self.today:
            row.err("reviewed_on", f"法制审核日期{p.reviewed_on.isoformat()}晚于今天")

    @staticmethod
    def _discretion(v: dict[str, str], row: Row, p: _Parsed) -> None:
        p.raw_tier = raw_tier = nfkc(v["tier"])
        if raw_tier:
            p.claimed = TIER_ALIASES.get(raw_tier) or TIER_ALIASES.get(raw_tier.removesuffix("档"))
            if p.claimed is None:
                match = _TIER_LEVEL_RE.fullmatch(raw_tier)
                if match:
                    try:
                        p.level = int(parse_chinese_number(match.group(1)))
                    except ValueError:
                        p.level = None
                if p.level is None:
                    row.err("tier", f"裁量档次“{raw_tier}”无效，应为" + "、".join(t.value for t in DiscretionTier)
                            + "或档次序号")
        p.benchmark_no = compact(v["benchmark_no"])
        p.statement = v["discretion_statement"]

    # -- rules that combine the groups --------------------------------------------------------------------------

    def _combine(self, v: dict[str, str], row: Row, p: _Parsed) -> DecisionRec:
        party_type, party_name, uscc, id_number = p.party
        decided_on, agency = p.decided_on, p.agency
        assert decided_on is not None and party_type is not None and agency is not None
        case_no = p.case_no or generated_case_no(p.decision_no)
        first_case = self.seen_cases.get(case_no)
        if first_case is not None and first_case[1] != p.decision_no:
            row.err("case_no", f"案号“{case_no}”与第{first_case[0]}行重复（一个案件只能有一份决定书）")
        else:
            self.seen_cases.setdefault(case_no, (row.line, p.decision_no))
        person = party_type is PartyType.NATURAL_PERSON
        major, reasons, unreviewed = self._major(row, p, agency, person, decided_on)
        tier_id = self._link_benchmark(row, p, agency, decided_on)
        item_types = {t for t, _, _ in p.items}
        filed = p.filed_on or decided_on
        simple = (bool(item_types) and item_types <= {PenaltyType.WARNING, PenaltyType.FINE} and p.conf_total == 0
                  and p.fine_total <= SIMPLE_PROCEDURE_MAX_FINE[person] and not major and filed == decided_on)
        is_minor = False
        if person and id_number and len(id_number) == 18:
            age = age_on(id_number, decided_on)
            if age is not None and age < 18:
                is_minor = True
                row.warn("id_number", f"当事人作出决定时未满18周岁（{age}岁）：依法不予公开，已标记")
        if p.period == _PERIOD_OPEN:
            months: int | None = None
        elif p.period is None:
            months = DEFAULT_PERIOD_MONTHS_PERSON if person else DEFAULT_PERIOD_MONTHS_ORG
        else:
            months = int(p.period)
        conclusion = p.content_text or "、".join(t.value for t in sorted(p.types, key=lambda t: t.severity))
        review = (p.outcome, p.reviewed_on, p.review_text) if p.outcome is not None else None
        return DecisionRec(
            line=row.line, decision_no=p.decision_no, agency_name=agency.name, party_type=party_type,
            party_name=party_name, uscc=uscc, id_number=id_number, violation=p.violation,
            facts=v["facts"], legal_basis=v["legal_basis"], conclusion=conclusion,
            items=tuple(p.items), fine_total=p.fine_total, confiscation_total=p.conf_total, decided_on=decided_on,
            filed_on=filed, case_no=case_no, procedure=Procedure.SIMPLE if simple else Procedure.ORDINARY,
            is_major=major, major_reasons="；".join(r.value for r in reasons), review=review,
            benchmark_tier_id=tier_id, claimed_tier=p.claimed, base_amount=p.amounts.get("base_amount"),
            discretion_statement=p.statement, unreviewed_major=unreviewed, published_on=p.published_on,
            period_months=months, is_minor=is_minor, agency=agency,
        )

    @staticmethod
    def _major(row: Row, p: _Parsed, agency: AgencyRef, person: bool,
               decided_on: dt.date) -> tuple[bool, list[MajorReason], bool]:
        """(major, reasons, unreviewed): the agency's thresholds and severe types make a decision major whatever
        the row says; a major decision without an approving review before it is marked 未经法制审核."""
        rules = agency.rules()
        party = PartyType.NATURAL_PERSON if person else PartyType.LEGAL_PERSON
        # The totals (the amount columns win over the penalty text) are what the database gate measures too.
        kinds = tuple((t, None) for t, _, _ in p.items if t not in AMOUNT_KINDS)
        proposal = ProposedPenalty(party, ((PenaltyType.FINE, p.fine_total), (PenaltyType.CONFISCATE_GAINS, p.conf_total),
                                           *kinds), departs_from_benchmark=claims_departure(p.claimed))
        # Hearings and manual triggers are not columns of a decision file: the 是否重大 column speaks for them.
        reasons = list(assess_major(rules, proposal).reasons)
        if p.is_major_flag is False and reasons:
            threshold = rules.fine_threshold(party)
            row.warn("is_major", f"是否重大填写为“否”，但该决定{('、'.join(r.value for r in reasons))}"
                                 f"（本机关对{'自然人' if person else '单位'}的重大标准为罚没{rules.boundary_text(threshold)}），"
                                 "按重大执法决定处理")
        major = bool(reasons) or p.is_major_flag is True
        outcome, reviewed_on = p.outcome, p.reviewed_on
        approved_prior = outcome is ReviewOutcome.APPROVED and reviewed_on is not None and reviewed_on <= decided_on
        unreviewed = major and not approved_prior
        if unreviewed:
            if outcome is None:
                why = "未填写法制审核结论"
            elif outcome is ReviewOutcome.PROBLEMS:
                why = f"法制审核结论为“{p.review_text[:20]}”"
            elif reviewed_on is None:
                why = "未填写法制审核日期，无法确认审核在决定之前"
            else:
                why = f"法制审核日期{reviewed_on.isoformat()}晚于决定日期"
            row.warn("review_outcome", f"重大执法决定未经法制审核（{why}）：已导入并标记为“未经法制审核”，不视为已审核")
        elif outcome is ReviewOutcome.APPROVED and reviewed_on and reviewed_on > decided_on:
            row.warn("reviewed_on", "法制审核日期晚于决定日期，不是事前审核")
        return major, reasons, unreviewed

    def _link_benchmark(self, row: Row, p: _Parsed, agency: AgencyRef, decided_on: dt.date) -> int | None:
        """The 裁量基准 tier the row names, if it can be determined; otherwise a warning (never an error)."""
        if not p.benchmark_no:
            if p.level is not None:
                row.warn("tier", f"裁量档次“{p.raw_tier}”是序号，但未填写裁量基准编号，无法确定档次，未保存")
            return None
        tier_id, p.claimed, note = self._benchmark(agency, p.benchmark_no, decided_on, p.claimed, p.level)
        if note:
            row.warn("benchmark_no", note)
            if tier_id is None and p.benchmark_no not in p.statement:
                p.statement = (p.statement + "；" if p.statement else "") + f"裁量基准编号：{p.benchmark_no}"
        return tier_id

    def _benchmark(self, agency: AgencyRef, number: str, day: dt.date, claimed: DiscretionTier | None,
                   level: int | None) -> tuple[int | None, DiscretionTier | None, str]:
        versions = self.lookups.benchmarks.get((agency.id, number), []) if agency.id is not None else []
        current = [v for v in versions if v[0] <= day and (v[1] is None or day < v[1])]
        if not current:
            when = "在决定日期有效的" if versions else ""
            return None, claimed, f"未找到{agency.name}{when}裁量基准条目“{number}”，决定未关联裁量基准（编号已记入裁量说明）"
        item_id = max(current)[2]
        tiers = self.lookups.tiers.get(item_id, [])
        if level is not None:
            hit = [t for t in tiers if t[1] == level]
            if len({t[3] for t in hit}) == 1:
                hit = hit[:1]  # sub-cases of one grade: one tier, one range
        elif claimed is not None:
            hit = [t for t in tiers if t[2] is claimed]
        else:
            return None, claimed, f"裁量基准条目“{number}”已找到，但未填写裁量档次，未关联具体档次"
        if len(hit) == 1:
            return hit[0][0], hit[0][2] or claimed, ""
        what = f"第{level}档" if level is not None else f"“{claimed.value if claimed else ''}”档"
        if not hit:
            return None, claimed, f"裁量基准条目“{number}”没有{what}，未关联具体档次"
        return None, claimed, f"裁量基准条目“{number}”有多个{what}，无法确定具体档次，未关联"


# ==============================================================================================================
# Comparing with what is stored
# ==============================================================================================================

