"""Import kinds besides the flat ``decisions`` file (issue 5): ``agencies``, ``officers``, ``matters``, ``cases``,
``events`` and ``reviews``.

Same engine and the same guarantees as db/importer.py, whose building blocks this module reuses (reading, header
folding, RowProblem, ImportReport, bulk writes, audit):

* every problem of every row is reported with its file line, column and a Chinese message;
* one transaction per file: by default nothing at all is written when any row has an error (exit 1); with
  ``accept_valid`` the valid rows are written and the others rejected (exit 3); ``dry_run`` writes nothing;
* ``read == inserted + updated + unchanged + rejected`` always;
* re-importing the same file changes nothing: rows are upserted by their natural key —
  agencies by 机关代码 (else 机关名称), officers by 执法证号, matters by (执法机关, 事项编码), cases by 案号,
  events by (案号, 序号), reviews by (案号, 轮次).

An optional column that the file does not have leaves the stored value alone; a column that is present but blank
clears it (or, where the database needs a value, keeps the default). Events are different: the 执法全过程记录 is
append-only and hash-chained (domain/chain.py). An existing (案号, 序号) with identical content is unchanged, one
with different content is an error, and new events must continue the case's sequence; they are chained from
``cases.chain_head`` and move it, exactly as ``db.events.append_event`` does for a step entered in the app.

``import_kind(kind, engine, source, **options)`` is reached through ``db.importer.run_import``; the templates through
``db.importer.template_csv_bytes(kind)`` / ``template_xlsx_bytes(kind)``. docs/import.md describes every column.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import json
import re
import time
import unicodedata
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from functools import lru_cache
from typing import Any, ClassVar

from sqlalchemy import Connection, Engine, bindparam, func, select, update
from sqlalchemy.exc import SQLAlchemyError

from db import models as m
from db.importer import (
    CHINA_TZ,
    MAX_MONEY,
    PARTY_COLS,
    PREVIEW_ROWS,
    REVIEW_COLS,
    HeaderMap,
    ImportFileError,
    ImportReport,
    ProgressFn,
    RowProblem,
    Source,
    Table,
    TemplateField,
    _age_on,
    _agency_key,
    _AgencyRef,
    _amount_cached,
    _audit,
    _chunks,
    _clean,
    _compact,
    _create_agency,
    _date_cached,
    _guess_level,
    _Ids,
    _insert,
    _load_lookups,
    _MASKED_NAME_RE,
    _now,
    _ORG_TYPES,
    _party_key,
    _PARTY_TYPE_VALUES,
    _q,
    _REVIEW_OK_PREFIXES,
    _REVIEW_PROBLEM_WORDS,
    _today,
    _WS_RE,
    read_table,
)
from domain.chain import GENESIS, event_hash
from domain.enums import (
    ActionCategory,
    AgencyKind,
    AgencyLevel,
    CaseStatus,
    DataOrigin,
    MajorReason,
    PartyType,
    Procedure,
    RecordForm,
    ReviewOutcome,
    Stage,
)
from domain.identifiers import validate_id_number, validate_uscc
from domain.numbers import parse_chinese_number
from domain.parsing import FieldError, excel_serial_to_date, infer_party_type, normalize_header, parse_yes_no
from domain.procedure import CaseFacts, EventFact, OfficerCert, ReviewFact, validate_new_event

__all__ = ["KINDS", "KindSpec", "import_kind", "parse_event_time"]

_NEW = "new"  # first element of the token that stands for a row's not-yet-inserted agency / party / parent


# ==============================================================================================================
# Kinds, templates and header matching
# ==============================================================================================================


def _f(key: str, header: str, required: bool, fmt: str, example: str, *aliases: str) -> TemplateField:
    return TemplateField(key, header, required, fmt, example, tuple(aliases))


@dataclass(frozen=True)
class KindSpec:
    """One import kind: its template columns and the class that validates and writes its rows."""

    kind: str
    title: str  # what one row is, in Chinese (执法主体 …): messages, the template's sheet name
    fields: tuple[TemplateField, ...]
    handler: type[_Kind]

    @property
    def aliases(self) -> dict[str, str]:
        return _ALIASES[self.kind]

    def label(self, key: str) -> str:
        return next((f.header for f in self.fields if f.key == key), "")

    def score(self, cells: Sequence[str]) -> int:
        """How many cells of a row are headers of this template (header detection in read_table)."""
        aliases = self.aliases
        return sum(1 for c in cells if c and normalize_header(c) in aliases)

    def map_headers(self, headers: Sequence[str]) -> HeaderMap:
        """Match the header row; raises ImportFileError for a wrong template or a column given twice."""
        columns: dict[str, int] = {}
        unknown: list[str] = []
        for index, header in enumerate(headers):
            norm = normalize_header(header)
            if not norm:
                continue
            key = self.aliases.get(norm)
            if key is None:
                unknown.append(str(header).strip())
                continue
            if key in columns:
                raise ImportFileError(f"表头中“{str(headers[columns[key]]).strip()}”和“{str(header).strip()}”都对应"
                                      f"“{self.label(key)}”，请只保留一列")
            columns[key] = index
        missing = [f.header for f in self.fields if f.required and f.key not in columns]
        if missing:
            raise ImportFileError(f"文件不是{self.title}导入模板（{self.kind}）：缺少必填列"
                                  + "、".join(f"“{h}”" for h in missing) + "（请下载该类型的导入模板核对表头）")
        return HeaderMap(columns, {}, tuple(unknown))


AGENCY_FIELDS = (
    _f("code", "机关代码", False, "执法主体在本系统中的代码，最多20字；导入的唯一标识（为空时按机关名称对应，新机关自动生成代码）",
       "QS-SCJG", "执法主体代码", "机关编码", "主体代码", "代码", "编码"),
    _f("name", "机关名称", True, "执法主体全称，最多100字", "临江市青石区市场监督管理局",
       "执法主体名称", "执法主体", "机关全称", "执法机关名称", "单位名称", "名称"),
    _f("short_name", "简称", False, "最多50字；留空时用全称", "区市场监管局", "机关简称", "主体简称"),
    _f("level", "层级", False, "省级、市级、县级、乡镇级；新机关留空时按名称推断（提示）", "县级", "机关层级", "行政层级", "级别"),
    _f("kind", "主体类型", False, "法定、授权、委托（法定行政机关、法律法规授权组织、受委托组织）；新机关留空按法定（提示）", "法定",
       "执法主体类型", "主体性质", "主体资格"),
    _f("region_code", "行政区划代码", False, "6位（县级以上）或9位、12位（乡镇街道）数字", "449901", "区划代码"),
    _f("region_name", "行政区划名称", False, "最多50字", "临江市青石区", "区划名称", "所属区划", "行政区划"),
    _f("parent", "上级机关", False, "系统中或本文件中另一执法主体的全称、简称或代码；不能是本机关", "",
       "上级主管部门", "上级单位", "主管部门", "上级机关名称"),
    _f("duties", "主要职责", False, "事前公开的职责", "负责本区市场监督管理工作。", "职责", "职能", "主要职能"),
    _f("legal_basis_summary", "执法依据", False, "主要法律依据", "《中华人民共和国行政处罚法》等", "法定依据", "执法依据摘要"),
    _f("remedy_channels", "救济渠道", False, "行政复议、行政诉讼等救济途径", "对行政处罚决定不服的，可依法申请行政复议或提起行政诉讼。",
       "救济途径", "投诉举报及救济渠道"),
    _f("contact", "联系电话", False, "最多200字", "0750-0000000", "电话", "咨询电话", "联系方式"),
    _f("address", "地址", False, "最多200字", "临江市青石区青石大道8号", "办公地址", "通讯地址"),
    _f("major_fine_person", "重大罚没金额标准（自然人，元）", False, "对自然人罚没达到该金额为重大执法决定；新机关留空为10000",
       "10000", "重大标准自然人", "重大执法决定标准(自然人)"),
    _f("major_fine_org", "重大罚没金额标准（单位，元）", False, "对法人和其他组织罚没达到该金额为重大执法决定；新机关留空为100000",
       "100000", "重大标准单位", "重大执法决定标准(单位)"),
)

OFFICER_FIELDS = (
    _f("cert_no", "执法证号", True, "行政执法证件号码，最多50字；导入的唯一标识", "44990000126",
       "执法证件号", "执法证件号码", "执法证编号", "执法证号码", "证件编号"),
    _f("name", "姓名", True, "最多50字", "王明", "执法人员姓名", "执法人员"),
    _f("agency", "执法机关", True, "所属执法主体的全称、简称或代码", "临江市青石区市场监督管理局",
       "所属执法主体", "执法主体", "所属机关", "所在单位", "单位", "执法单位"),
    _f("enforcement_field", "执法类别", False, "执法领域，最多50字", "市场监管", "执法领域", "执法门类", "执法种类"),
    _f("cert_valid_from", "证件有效期起", True, "日期（格式同决定导入）", "2026-01-01", "有效期起", "发证日期", "有效期开始日期"),
    _f("cert_valid_to", "证件有效期止", True, "日期，不早于有效期起", "2030-12-31", "有效期止", "有效期至", "有效期截止日期"),
    _f("is_legal_reviewer", "是否法制审核人员", False, "是/否（留空为否）", "否", "法制审核人员"),
    _f("has_legal_qualification", "是否具有法律职业资格", False, "是/否（留空为否）", "否", "法律职业资格",
       "是否取得法律职业资格"),
)

MATTER_FIELDS = (
    _f("code", "事项编码", True, "权责清单事项编码，最多50字；与执法机关一起为导入的唯一标识", "SCJG-CF-101",
       "编码", "事项代码", "权力编码", "职权编码", "实施编码"),
    _f("name", "事项名称", True, "最多200字", "对销售不符合食品安全标准的食品的行政处罚", "权力名称", "职权名称", "名称", "事项"),
    _f("agency", "执法机关", True, "实施该事项的执法主体全称、简称或代码", "临江市青石区市场监督管理局",
       "实施主体", "执法主体", "实施机关"),
    _f("category", "执法类别", True, "、".join(c.value for c in ActionCategory) + "（也可省略“行政”二字）", "行政处罚",
       "权力类型", "职权类别", "事项类型", "权力类别", "类别"),
    _f("legal_basis", "设定依据", False, "法律法规条款", "《中华人民共和国食品安全法》第一百二十四条", "法律依据", "实施依据", "依据"),
    _f("time_limit_days", "办理时限（工作日）", False, "整数个工作日，如“20”“20个工作日”；“即办”为0；留空为无", "",
       "办理时限", "法定时限", "法定办结时限", "承诺时限", "时限"),
    _f("accepting_body", "受理机构", False, "最多100字", "", "受理机关"),
    _f("approving_body", "决定机构", False, "最多100字", "", "决定机关", "审批机构"),
    _f("conditions", "办理条件", False, "", "", "受理条件", "申请条件"),
)

CASE_FIELDS = (
    _f("case_no", "案号", True, "立案编号，最多50字；导入的唯一标识", "青市监立〔2026〕101号", "案件编号", "立案编号", "立案号", "案件号"),
    _f("agency", "执法机关", True, "办案的执法主体全称、简称或代码", "临江市青石区市场监督管理局",
       "处罚机关", "执法主体", "办案机关", "立案机关"),
    _f("matter_code", "事项编码", False, "该执法机关权责清单中的事项编码", "", "权力编码", "职权编码"),
    _f("party_name", "当事人名称", True, "单位全称或自然人姓名（可为“张某”）", "临江市青石示例商贸有限公司",
       "当事人", "当事人姓名", "当事人姓名或名称", "当事人姓名/名称", "行政相对人名称"),
    _f("party_type", "当事人类型", False, "自然人、法人、非法人组织、个体工商户；留空时推断（提示）", "法人",
       "行政相对人类别", "当事人类别", "相对人类型"),
    _f("uscc", "统一社会信用代码", False, "18位，按GB 32100-2015校验", "91449901YYKNQXNW9D", "社会信用代码", "信用代码"),
    _f("id_number", "证件号码", False, "居民身份证号码（按GB 11643校验）；其他证件原样保存", "",
       "身份证号码", "身份证号", "公民身份号码"),
    _f("procedure", "程序", False, "简易程序、普通程序；新案件留空按普通程序（提示）", "普通程序", "适用程序", "程序类型", "办案程序"),
    _f("filed_on", "立案日期", True, "日期，不得晚于今天", "2026-03-02", "立案时间"),
    _f("is_major", "是否重大", False, "是/否；填写重大情形的视为重大", "是", "是否重大执法决定", "是否重大案件"),
    _f("major_reasons", "重大情形", False, "；".join(r.value for r in MajorReason)
       + "（多个用“；”分隔；也可写关键词，如“听证”“金额”“裁量基准”）", "罚没金额达到重大标准",
       "重大执法决定情形", "重大理由"),
    _f("violation", "违法行为", False, "案由，最多200字", "销售不符合食品安全标准的食品", "违法行为类型", "案由", "案件名称"),
    _f("facts", "违法事实", False, "主要违法事实", "经查，当事人销售过期食品。", "主要违法事实", "案情简介"),
    _f("status", "案件状态", False, "、".join(s.value for s in CaseStatus) + "；新案件留空为已立案", "",
       "办理状态", "状态"),
)

EVENT_FIELDS = (
    _f("case_no", "案号", True, "系统中已有案件的案号", "青市监立〔2026〕101号", "案件编号", "立案编号", "立案号"),
    _f("seq", "序号", True, "本案第几条记录（正整数），接续系统中已有的记录；与案号一起为唯一标识", "1",
       "记录序号", "顺序号", "步骤序号"),
    _f("occurred_at", "时间", True, "发生时间，须有时和分：2026-09-08 14:30、2026年9月8日14时30分；未写时区的按北京时间",
       "2026-03-02 09:30", "发生时间", "执法时间", "日期时间"),
    _f("stage", "环节", True, "、".join(s.value for s in Stage), "立案", "执法环节", "程序环节", "阶段"),
    _f("action", "执法行为", True, "最多100字", "立案审批", "执法活动", "行为", "活动"),
    _f("officer_cert_nos", "执法证号", False, "在场执法人员的执法证号，用“、”分隔；须为本案执法机关的执法人员", "44990000126",
       "执法人员执法证号", "执法人员证号", "执法证件号"),
    _f("document_no", "文书编号", False, "最多100字", "", "文书号", "文书文号"),
    _f("record_forms", "记录形式", False, "、".join(f.value for f in RecordForm) + "，多个用“、”分隔；留空为文字", "文字",
       "记录方式", "音像记录"),
    _f("location", "地点", False, "最多200字", "", "执法地点", "场所"),
    _f("note", "备注", False, "", "", "说明"),
    _f("corrects_seq", "更正序号", False, "本条更正的是本案第几条记录（须在本条之前）", "", "更正记录序号", "被更正序号"),
)

REVIEW_FIELDS = (
    _f("case_no", "案号", True, "系统中已有案件的案号", "青市监立〔2026〕101号", "案件编号", "立案编号", "立案号"),
    _f("round_no", "轮次", True, "第几轮审核（正整数，也可“第2轮”）；与案号一起为唯一标识", "1", "审核轮次", "第几轮", "轮数"),
    _f("submitted_on", "报送日期", True, "日期", "2026-03-15", "送审日期", "提交日期", "报送审核日期"),
    _f("reviewed_on", "审核日期", False, "日期；尚未审核的留空", "2026-03-18", "法制审核日期", "审核完成日期"),
    _f("outcome", "审核结论", False, "同意（通过）、存在问题（不同意、退回）；尚未审核的留空", "同意",
       "法制审核结论", "审核结果"),
    _f("opinion", "审核意见", False, "内部意见，不公开", "事实清楚，证据确凿，适用依据正确。", "法制审核意见", "意见"),
    _f("reviewer", "审核人员执法证号", False, "审核人员的执法证号", "", "审核人员证号", "审核人执法证号", "审核人员"),
)


def _build_aliases(fields: Sequence[TemplateField]) -> dict[str, str]:
    aliases: dict[str, str] = {}
    for f in fields:
        for name in (f.header, f.key, f.key.replace("_", " "), f.key.replace("_", ""), *f.aliases):
            aliases.setdefault(normalize_header(name), f.key)
    return aliases


_ALIASES: dict[str, dict[str, str]] = {}


# ==============================================================================================================
# Shared cell parsers
# ==============================================================================================================


def _nfkc(value: str) -> str:
    return _compact(unicodedata.normalize("NFKC", value))


_SPLIT_RE = re.compile(r"[、,，;；/|\s]+")
_SEQ_RE = re.compile(r"第?\s*([0-9]{1,6}|[一二三四五六七八九十百]{1,4})\s*(?:轮|次|条|步)?")


def _ordinal(raw: str) -> int | None:
    """"3", "第3轮", "第三轮", "3.0" (an Excel number) → 3; anything else None."""
    text_ = _nfkc(raw)
    if re.fullmatch(r"[0-9]{1,6}\.0+", text_):
        text_ = text_.split(".")[0]
    match = _SEQ_RE.fullmatch(text_)
    if not match:
        return None
    try:
        return int(parse_chinese_number(match.group(1)))
    except ValueError:
        return None


_LEVELS = {"省级": AgencyLevel.PROVINCE, "省": AgencyLevel.PROVINCE, "省级机关": AgencyLevel.PROVINCE,
           "市级": AgencyLevel.CITY, "市": AgencyLevel.CITY, "地市级": AgencyLevel.CITY, "设区的市级": AgencyLevel.CITY,
           "县级": AgencyLevel.COUNTY, "县": AgencyLevel.COUNTY, "区级": AgencyLevel.COUNTY, "县区级": AgencyLevel.COUNTY,
           "区县级": AgencyLevel.COUNTY, "县(区)级": AgencyLevel.COUNTY, "县(市、区)级": AgencyLevel.COUNTY,
           "乡镇级": AgencyLevel.TOWNSHIP, "乡镇": AgencyLevel.TOWNSHIP, "乡级": AgencyLevel.TOWNSHIP,
           "镇级": AgencyLevel.TOWNSHIP, "街道": AgencyLevel.TOWNSHIP, "乡镇(街道)": AgencyLevel.TOWNSHIP,
           "乡镇街道": AgencyLevel.TOWNSHIP}


def _agency_kind(raw: str) -> AgencyKind | None:
    text_ = _nfkc(raw)
    if "委托" in text_:
        return AgencyKind.ENTRUSTED
    if "授权" in text_:
        return AgencyKind.AUTHORISED
    if text_ in ("法定", "法定机关", "法定行政机关", "行政机关", "法定执法主体") or text_.startswith("法定"):
        return AgencyKind.STATUTORY
    return None


def _category(raw: str) -> ActionCategory | None:
    text_ = _nfkc(raw)
    for c in ActionCategory:
        if text_ in (c.value, c.value.removeprefix("行政")):
            return c
    if text_.startswith("其他"):
        return ActionCategory.OTHER
    return None


def _time_limit(raw: str) -> tuple[int | None, str | None]:
    """办理时限 in working days: "20", "20个工作日", "二十个工作日", "即办" (0). Calendar days are refused: the
    column is working days and converting would guess."""
    text_ = _nfkc(raw)
    if text_ in ("即办", "即时办结", "当场办结", "当场", "立即"):
        return 0, None
    match = re.fullmatch(r"([0-9]{1,4}|[一二三四五六七八九十百]{1,5})(个)?(工作日|工作天)?", text_)
    if not match:
        if re.fullmatch(r"[0-9一二三四五六七八九十百]+\s*(个)?(日|天|自然日)", text_):
            return None, f"办理时限“{raw}”不是工作日：本列按工作日填写（如“20个工作日”）"
        return None, f"办理时限“{raw}”无法识别，应为工作日数（如“20”或“20个工作日”），即办填“即办”"
    try:
        days = int(parse_chinese_number(match.group(1)))
    except ValueError:
        return None, f"办理时限“{raw}”无法识别"
    if days > 3650:
        return None, f"办理时限{days}个工作日不合理"
    return days, None


_PROCEDURES = {"简易程序": Procedure.SIMPLE, "简易": Procedure.SIMPLE, "当场处罚": Procedure.SIMPLE,
               "当场处罚程序": Procedure.SIMPLE, "普通程序": Procedure.ORDINARY, "普通": Procedure.ORDINARY,
               "一般程序": Procedure.ORDINARY, "一般": Procedure.ORDINARY}
_MAJOR_KEYWORDS: tuple[tuple[str, MajorReason], ...] = (
    ("公共利益", MajorReason.PUBLIC_INTEREST), ("听证", MajorReason.HEARING), ("疑难复杂", MajorReason.COMPLEX),
    ("多个法律关系", MajorReason.COMPLEX), ("金额", MajorReason.LARGE_AMOUNT), ("停产停业", MajorReason.SEVERE_TYPE),
    ("吊销", MajorReason.SEVERE_TYPE), ("较重处罚", MajorReason.SEVERE_TYPE), ("裁量基准", MajorReason.BENCHMARK_DEVIATION),
    ("其他情形", MajorReason.OTHER_LAW), ("法律、法规规定", MajorReason.OTHER_LAW), ("法律法规规定", MajorReason.OTHER_LAW),
)
_STAGES = {s.value: s for s in Stage} | {
    "受理": Stage.FILING, "调查": Stage.INVESTIGATION, "取证": Stage.INVESTIGATION, "检查": Stage.INVESTIGATION,
    "事先告知": Stage.NOTICE, "处罚告知": Stage.NOTICE, "审核": Stage.LEGAL_REVIEW,
    "负责人集体讨论": Stage.COLLECTIVE_DISCUSSION, "作出决定": Stage.DECISION, "处罚决定": Stage.DECISION,
    "决定书送达": Stage.SERVICE, "结案": Stage.ARCHIVE, "归档": Stage.ARCHIVE,
}
_FORMS = {f.value: f for f in RecordForm} | {
    "文字记录": RecordForm.TEXT, "书面": RecordForm.TEXT, "书面记录": RecordForm.TEXT, "文书": RecordForm.TEXT,
    "记录仪": RecordForm.BODYCAM, "执法记录仪录像": RecordForm.BODYCAM, "音频": RecordForm.AUDIO,
    "拍照": RecordForm.PHOTO, "照片": RecordForm.PHOTO, "视频": RecordForm.VIDEO, "摄像": RecordForm.VIDEO,
    "监控": RecordForm.CCTV, "监控视频": RecordForm.CCTV,
}
_STATUSES = {s.value: s for s in CaseStatus}

_TIME_RE = re.compile(
    r"(?P<date>.+?)(?:\s*T\s*|\s+|(?<=[日号]))"
    r"(?P<ampm>上午|下午|晚上)?\s*(?P<h>\d{1,2})\s*"
    r"(?::\s*(?P<m>\d{1,2})(?:\s*:\s*(?P<s>\d{1,2})(?:\.\d+)?)?"
    r"|[时点]\s*(?:(?P<mc>\d{1,2})\s*分\s*(?:(?P<sc>\d{1,2})\s*秒)?)?)"
    r"\s*(?P<tz>Z|UTC|GMT|[+-]\d{2}:?\d{2})?"
)
_SERIAL_TIME_RE = re.compile(r"\d{4,6}\.\d+")


@lru_cache(maxsize=1 << 14)
def _event_time_cached(raw: str) -> tuple[dt.datetime | None, str | None]:
    try:
        return parse_event_time(raw), None
    except FieldError as exc:
        return None, exc.message


def parse_event_time(raw: str) -> dt.datetime:
    """The time of a recorded step, timezone-aware and in whole seconds.

    Accepts "2026-09-08 14:30", "2026/9/8 14:30:05", "2026年9月8日14时30分", "2026-09-08T14:30:00+08:00", "…Z",
    "下午2:30" and Excel date-time serials (46273.6041…). Without a zone the time is Beijing time (Asia/Shanghai).
    A date without a time of day is refused: the order of a case's steps depends on it.
    """
    text_ = unicodedata.normalize("NFKC", raw.translate({ord("\ufeff"): None})).strip()
    if not text_:
        raise FieldError("时间不能为空")
    if _SERIAL_TIME_RE.fullmatch(text_):
        serial = Decimal(text_)
        day = excel_serial_to_date(int(serial))
        seconds = int(((serial - int(serial)) * 86400).to_integral_value())
        moment = dt.datetime.combine(day, dt.time(0), tzinfo=CHINA_TZ) + dt.timedelta(seconds=seconds)
        return moment.astimezone(dt.UTC)
    match = _TIME_RE.fullmatch(text_)
    if match is None:
        day, message = _date_cached(text_)
        if day is not None:
            raise FieldError(f"时间“{raw.strip()}”只有日期，缺少时刻：请写明时和分，如“{day.isoformat()} 14:30”")
        raise FieldError(f"“{raw.strip()}”不是可识别的时间，请使用“2026-09-08 14:30”或“2026年9月8日14时30分”等格式"
                         + (f"（{message}）" if message and "不是可识别" not in message else ""))
    day, message = _date_cached(match["date"])
    if day is None:
        raise FieldError(f"时间“{raw.strip()}”中的日期无效：{message}")
    hour = int(match["h"])
    minute = int(match["m"] or match["mc"] or 0)
    second = int(match["s"] or match["sc"] or 0)
    if match["ampm"] in ("下午", "晚上") and hour < 12:
        hour += 12
    if hour > 23 or minute > 59 or second > 59:
        raise FieldError(f"时间“{raw.strip()}”中的时刻无效")
    tz: dt.tzinfo = CHINA_TZ
    zone = match["tz"]
    if zone in ("Z", "UTC", "GMT"):
        tz = dt.UTC
    elif zone:
        sign = 1 if zone[0] == "+" else -1
        digits = zone[1:].replace(":", "")
        offset = dt.timedelta(hours=int(digits[:2]), minutes=int(digits[2:]))
        if offset > dt.timedelta(hours=14):
            raise FieldError(f"时间“{raw.strip()}”中的时区无效")
        tz = dt.timezone(sign * offset)
    return dt.datetime(day.year, day.month, day.day, hour, minute, second, tzinfo=tz).astimezone(dt.UTC)


def _local_text(moment: dt.datetime) -> str:
    return moment.astimezone(CHINA_TZ).strftime("%Y-%m-%d %H:%M:%S")


def _plain(value: Any) -> Any:
    """A value for the audit log and the preview: enums by their Chinese value, tokens of new rows as 新建."""
    if isinstance(value, tuple) and value and value[0] == _NEW:
        return f"（新建：{value[1]}）" if len(value) > 1 and isinstance(value[1], str) else "（新建）"
    if isinstance(value, (tuple, list, frozenset, set)):
        return "、".join(str(_plain(v)) for v in value)
    if isinstance(value, dt.datetime):
        return _local_text(value)
    if isinstance(value, (dt.date, Decimal)):
        return str(value)
    if hasattr(value, "value"):
        return value.value
    return value


# ==============================================================================================================
# The row loop shared by every kind
# ==============================================================================================================


@dataclass
class _Options:
    file_name: str
    dry_run: bool
    accept_valid: bool
    create_agencies: bool
    actor: str
    today: dt.date
    now: dt.datetime


@dataclass(eq=False)
class _Rec:
    """One valid row: ``data`` holds the normalised values by database column, for the columns the file gives."""

    line: int
    data: dict[str, Any]
    key: Any = None
    action: str = ""  # insert | update | unchanged
    id: int | None = None  # the stored row's id (after the write: also of inserted rows)
    old: dict[str, Any] | None = None  # the stored values, for an existing row
    changed: tuple[str, ...] = ()
    ref: dict[str, Any] = field(default_factory=dict)  # kind-specific: agency, party, case …
    display: dict[str, Any] = field(default_factory=dict)  # normalised values for the preview


class _Row:
    """Problems of one row while it is validated."""

    def __init__(self, spec: KindSpec, line: int, index: int) -> None:
        self.spec, self.line, self.index = spec, line, index
        self.problems: list[RowProblem] = []

    def err(self, key: str, message: str) -> None:
        self.problems.append(RowProblem(self.line, self.spec.label(key), message, "error"))

    def warn(self, key: str, message: str) -> None:
        self.problems.append(RowProblem(self.line, self.spec.label(key), message, "warning"))

    @property
    def failed(self) -> bool:
        return any(p.severity == "error" for p in self.problems)


class _Problems:
    """Problems found in the second pass (against the database), by line."""

    def __init__(self, spec: KindSpec) -> None:
        self.spec = spec
        self.by_line: dict[int, list[RowProblem]] = defaultdict(list)

    def err(self, rec: _Rec, key: str, message: str) -> None:
        self.by_line[rec.line].append(RowProblem(rec.line, self.spec.label(key), message, "error"))

    def warn(self, rec: _Rec, key: str, message: str) -> None:
        self.by_line[rec.line].append(RowProblem(rec.line, self.spec.label(key), message, "warning"))

    def failed(self, rec: _Rec) -> bool:
        return any(p.severity == "error" for p in self.by_line.get(rec.line, ()))


class _Kind:
    """Validation and writing of one kind. Subclasses implement ``check`` (one row, no database), ``resolve``
    (against the database: existing rows, references, insert/update/unchanged) and ``write``."""

    entity: ClassVar[str] = ""  # table name for the audit log
    singular: ClassVar[str] = ""  # audit action import_update_<singular>
    preview_keys: ClassVar[tuple[str, ...]] = ()
    personal: ClassVar[frozenset[str]] = frozenset()  # columns named but never copied into the audit log
    uses_agencies: ClassVar[bool] = False

    def __init__(self, spec: KindSpec, table: Table, header: HeaderMap, opts: _Options) -> None:
        self.spec, self.table, self.cols, self.opts = spec, table, header.columns, opts
        self.present = frozenset(header.columns)
        self.agencies: dict[str, _AgencyRef] = {}
        self.new_agencies: dict[str, _AgencyRef] = {}
        self.labels = {f.key: f.header for f in spec.fields}

    # -- first pass -------------------------------------------------------------------------------------------

    def load(self, conn: Connection) -> None:
        if self.uses_agencies:
            self.agencies = _load_lookups(conn).agencies

    def values(self, cells: list[str]) -> dict[str, str]:
        n = len(cells)
        out = {f.key: "" for f in self.spec.fields}
        for key, index in self.cols.items():
            if index < n and cells[index]:
                out[key] = _clean(cells[index])
        return out

    def cell(self, cells: list[str], key: str) -> str:
        index = self.cols.get(key)
        return _clean(cells[index]) if index is not None and index < len(cells) else ""

    def validate_row(self, index: int, cells: list[str], line: int) -> tuple[_Rec | None, list[RowProblem]]:
        row = _Row(self.spec, line, index)
        width = len(self.table.headers)
        if len(cells) > width and any(c.strip() for c in cells[width:]):
            if self.table.file_format.startswith("Excel"):
                row.warn("", f"表头右侧第{width + 1}列之后还有内容，没有表头，已忽略")
            else:
                row.err("", f"本行有{len(cells)}个单元格，多于表头的{width}列（可能是内容中的逗号没有加引号），请检查")
        v = self.values(cells)
        for f in self.spec.fields:
            if f.required and not v[f.key]:
                row.err(f.key, f"{f.header}不能为空")
        rec = self.check(v, row)
        if row.failed:
            return None, row.problems
        return rec, row.problems

    def check(self, v: dict[str, str], row: _Row) -> _Rec | None:
        raise NotImplementedError

    # -- helpers for check --------------------------------------------------------------------------------------

    def text(self, v: dict[str, str], key: str, limit: int | None, row: _Row, *, compact: bool = False) -> str:
        value = _compact(v[key]) if compact else v[key]
        if limit is not None and len(value) > limit:
            row.err(key, f"{self.labels[key]}过长（{len(value)}字，最多{limit}字）")
        return value

    def date(self, v: dict[str, str], key: str, row: _Row, *, not_future: bool = True) -> dt.date | None:
        raw = v[key]
        if not raw:
            return None
        value, message = _date_cached(raw)
        if message:
            row.err(key, message)
            return None
        if not_future and value is not None and value > self.opts.today:
            row.err(key, f"{self.labels[key]}{value.isoformat()}晚于今天")
            return None
        return value

    def yes_no(self, v: dict[str, str], key: str, row: _Row) -> bool | None:
        try:
            return parse_yes_no(v[key]) if v[key] else None
        except FieldError as exc:
            row.err(key, exc.message)
            return None

    def agency(self, v: dict[str, str], key: str, row: _Row) -> _AgencyRef | None:
        """The agency a cell names (full name, unique short name or code); with ``create_agencies`` an unknown one
        is created when the rows are written."""
        text_ = v[key]
        if not text_:
            return None
        k = _agency_key(text_)
        agency = self.agencies.get(k) or self.new_agencies.get(k)
        if agency is not None:
            return agency
        if len(text_) > 100:
            row.err(key, f"{self.labels[key]}名称过长（{len(text_)}字，最多100字）")
        elif self.opts.create_agencies:
            agency = _AgencyRef(None, _WS_RE.sub("", text_), Decimal("10000"), Decimal("100000"), row.line)
            self.new_agencies[k] = agency
            return agency
        else:
            row.err(key, f"系统中没有执法主体“{text_}”：请先导入或添加该执法主体，或使用 --create-agencies 自动新建")
        return None

    @staticmethod
    def agency_token(agency: _AgencyRef) -> Any:
        return agency.id if agency.id is not None else (_NEW, agency.name)

    # -- second pass --------------------------------------------------------------------------------------------

    def resolve(self, conn: Connection, recs: list[_Rec]) -> _Problems:
        raise NotImplementedError

    def compare(self, rec: _Rec) -> None:
        """insert / update / unchanged against ``rec.old`` over the columns the row gives."""
        if rec.old is None:
            rec.action = "insert"
            return
        rec.changed = tuple(k for k, value in rec.data.items() if value != rec.old.get(k))
        rec.action = "update" if rec.changed else "unchanged"

    # -- writing ------------------------------------------------------------------------------------------------

    def write(self, conn: Connection, ids: _Ids, recs: list[_Rec], report: ImportReport) -> None:
        raise NotImplementedError

    def column_label(self, column: str) -> str:
        return self.labels.get(column, column)

    def update_rows(self, conn: Connection, table: Any, recs: Iterable[_Rec],
                    convert: Callable[[_Rec, str], Any] | None = None) -> None:
        """UPDATE the changed columns of existing rows, batched by the set of columns changed."""
        batches: dict[tuple[str, ...], list[dict[str, Any]]] = defaultdict(list)
        for rec in recs:
            if rec.action != "update":
                continue
            values = {c: (convert(rec, c) if convert else rec.data[c]) for c in rec.changed}
            values["updated_by"] = self.opts.actor[:50]
            values["b_id"] = rec.id
            batches[tuple(sorted(values))].append(values)
        for batch in batches.values():
            conn.execute(table.update().where(table.c.id == bindparam("b_id")), batch)

    def update_audits(self, conn: Connection, recs: Iterable[_Rec], key_label: Callable[[_Rec], str]) -> None:
        entries = []
        for rec in recs:
            if rec.action != "update":
                continue
            assert rec.old is not None

            def shown(source: dict[str, Any], column: str) -> Any:
                return "（个人信息，不记录）" if column in self.personal else _plain(source.get(column))

            entries.append({
                "occurred_at": _now(), "actor": self.opts.actor[:50], "action": f"import_update_{self.singular}",
                "entity": self.entity, "entity_id": str(rec.id),
                "detail": json.dumps({"key": key_label(rec), "file": self.opts.file_name, "line": rec.line,
                                      "changed": [self.column_label(c) for c in rec.changed],
                                      "before": {self.column_label(c): shown(rec.old, c) for c in rec.changed},
                                      "after": {self.column_label(c): shown(rec.data, c) for c in rec.changed}},
                                     ensure_ascii=False, default=str)})
        for chunk in _chunks(entries, 5000):
            conn.execute(m.AuditEntry.__table__.insert(), list(chunk))

    # -- preview ------------------------------------------------------------------------------------------------

    def preview_row(self, line: int, cells: list[str], rec: _Rec | None, invalid: bool,
                    problems: list[RowProblem], refused: bool) -> dict[str, Any]:
        actions = {"insert": "新增", "update": "更新", "unchanged": "不变"}
        if rec is None or invalid:
            result = "拒绝（有错误）"
        elif refused:
            result = "拒绝（整个文件被拒绝）"
        else:
            result = actions.get(rec.action, rec.action)
        out: dict[str, Any] = {"行号": line, "结果": result}
        for key in self.preview_keys:
            value = rec.display.get(key) if rec is not None and not invalid and key in rec.display else None
            out[self.labels[key]] = self.cell(cells, key) if value is None else str(_plain(value))
        out["问题"] = "；".join(str(p) for p in problems)
        return out


def import_kind(
    kind: str,
    engine: Engine,
    source: Source,
    *,
    filename: str | None = None,
    dry_run: bool = False,
    accept_valid: bool = False,
    create_agencies: bool = False,
    actor: str = "import",
    progress: ProgressFn | None = None,
    today: dt.date | None = None,
    now: dt.datetime | None = None,
) -> ImportReport:
    """Validate and import a file of ``kind`` (agencies, officers, matters, cases, events, reviews).

    Options as ``db.importer.import_decisions``; ``now`` (timezone-aware, default the current time) is the clock
    the ``events`` kind judges future times by and stamps ``recorded_at`` with. Raises ImportFileError (exit 2)
    for an unreadable file or the wrong template, otherwise returns the report (exit code 0, 1 or 3).
    """
    started = time.perf_counter()
    spec = KINDS.get(kind)
    if spec is None:
        from db.importer import SUPPORTED_KINDS

        raise ImportFileError(f"不支持的导入类型“{kind}”：目前支持" + "、".join(SUPPORTED_KINDS))
    now = now or _now()
    if now.tzinfo is None:
        raise ValueError("now 必须带时区")
    now = now.astimezone(dt.UTC).replace(microsecond=0)
    today = today or _today()
    table = read_table(source, filename=filename, header_score=spec.score)
    header = spec.map_headers(table.headers)
    if not table.rows:
        raise ImportFileError(f"文件{_q(table.file_name)}只有表头，没有数据行")
    report = ImportReport(kind=kind, file_name=table.file_name, file_format=table.file_format, dry_run=dry_run,
                          accept_valid=accept_valid, read=len(table.rows), headers=list(table.headers))
    for name in header.unknown:
        report.problems.append(RowProblem(table.header_line, name, f"未知列“{name}”，已忽略", "warning"))
    opts = _Options(table.file_name, dry_run, accept_valid, create_agencies, actor, today, now)
    handler = spec.handler(spec, table, header, opts)

    total = len(table.rows)
    step = max(1, min(2000, total // 50))
    recs: list[_Rec] = []
    invalid_lines: set[int] = set()
    row_problems: dict[int, list[RowProblem]] = {}
    preview_lines = set(table.lines[:PREVIEW_ROWS])
    with engine.connect() as conn:
        handler.load(conn)
        for index, (cells, line) in enumerate(zip(table.rows, table.lines)):
            rec, problems = handler.validate_row(index, cells, line)
            if problems:
                report.problems.extend(problems)
                if line in preview_lines:
                    row_problems[line] = list(problems)
            if rec is None:
                invalid_lines.add(line)
                report._raw_invalid[line] = list(cells)
            else:
                recs.append(rec)
            if progress and (index + 1) % step == 0:
                progress(index + 1, total)
        second = handler.resolve(conn, recs)

    line_index = {line: i for i, line in enumerate(table.lines)}
    accepted: list[_Rec] = []
    for rec in recs:
        problems = second.by_line.get(rec.line, [])
        if problems:
            report.problems.extend(problems)
            if rec.line in preview_lines:
                row_problems.setdefault(rec.line, []).extend(problems)
        if any(p.severity == "error" for p in problems):
            invalid_lines.add(rec.line)
            report._raw_invalid[rec.line] = list(table.rows[line_index[rec.line]])
        else:
            accepted.append(rec)

    report.invalid = len(invalid_lines)
    writing: list[_Rec] = []
    if report.refused:
        report.rejected = report.read
    else:
        report.rejected = report.invalid
        report.inserted = sum(1 for r in accepted if r.action == "insert")
        report.updated = sum(1 for r in accepted if r.action == "update")
        report.unchanged = sum(1 for r in accepted if r.action == "unchanged")
        writing = [r for r in accepted if r.action != "unchanged"]
        used = {id(r.ref["agency"]) for r in writing if r.ref.get("agency") is not None}
        created = [a for a in handler.new_agencies.values() if id(a) in used]
        report.agencies_created = [a.name for a in created]
        for a in created:
            report.problems.append(RowProblem(a.first_line, handler.labels.get("agency", ""),
                                              f"{'将' if dry_run else '已'}新建执法主体“{a.name}”："
                                              "请在系统中补全其层级、区划和重大执法决定标准（或导入执法主体清单）",
                                              "warning"))
    report.check()

    if not dry_run and writing:
        try:
            with engine.begin() as conn:
                if conn.dialect.name == "sqlite":
                    conn.exec_driver_sql("BEGIN IMMEDIATE")  # take the write lock before reading max(id)
                ids = _Ids(conn)
                now_ = _now()
                for rec in writing:
                    agency = rec.ref.get("agency")
                    if agency is not None:
                        _create_agency(conn, agency, actor, table.file_name, now_)
                handler.write(conn, ids, writing, report)
                _audit(conn, actor, f"import_{kind}", spec.handler.entity, None, {
                    "file": report.file_name, "format": report.file_format, "read": report.read,
                    "inserted": report.inserted, "updated": report.updated, "unchanged": report.unchanged,
                    "rejected": report.rejected, "accept_valid": report.accept_valid,
                    "agencies_created": report.agencies_created,
                })
        except SQLAlchemyError as exc:
            raise ImportFileError(f"写入数据库失败，已全部回滚，未写入任何数据：{type(exc).__name__}"
                                  f"（{str(getattr(exc, 'orig', exc)).splitlines()[0][:200]}）") from exc
        report.written = True
    if progress:
        progress(total, total)

    by_line = {r.line: r for r in recs}
    for cells, line in list(zip(table.rows, table.lines))[:PREVIEW_ROWS]:
        report._preview.append(handler.preview_row(line, cells, by_line.get(line), line in invalid_lines,
                                                   row_problems.get(line, []), report.refused))
    report.problems.sort(key=lambda p: (p.line, p.severity != "error"))
    report.elapsed_seconds = time.perf_counter() - started
    return report


class _WriteConflict(ImportFileError):
    """Another writer changed a case's record between validation and the write: everything is rolled back."""


# ==============================================================================================================
# agencies
# ==============================================================================================================


_AGENCY_COLS = ("id", "code", "name", "short_name", "level", "kind", "region_code", "region_name", "parent_id",
                "duties", "legal_basis_summary", "remedy_channels", "contact", "address", "major_fine_person",
                "major_fine_org", "hearing_fine_person", "hearing_fine_org", "created_at", "created_by")
_AGENCY_TEXT = ("duties", "legal_basis_summary", "remedy_channels")


def _generated_agency_code(name: str) -> str:
    return f"IMP-{hashlib.sha1(name.encode('utf-8')).hexdigest()[:12]}"


class _Agencies(_Kind):
    entity = "agencies"
    singular = "agency"
    preview_keys = ("code", "name", "short_name", "level", "kind", "region_name", "parent")

    def __init__(self, *args: Any) -> None:
        super().__init__(*args)
        self.labels["parent_id"] = self.labels["parent"]
        self.seen_codes: dict[str, int] = {}
        self.seen_names: dict[str, int] = {}

    def check(self, v: dict[str, str], row: _Row) -> _Rec | None:
        name = self.text(v, "name", 100, row, compact=True)
        code = _nfkc(v["code"])
        if len(code) > 20:
            row.err("code", f"机关代码过长（{len(code)}字，最多20字）")
        for value, seen, key, what in ((code, self.seen_codes, "code", "机关代码"),
                                       (_agency_key(name), self.seen_names, "name", "机关名称")):
            if not value:
                continue
            if value in seen:
                row.err(key, f"{what}“{v[key]}”与第{seen[value]}行重复")
            else:
                seen[value] = row.line
        data: dict[str, Any] = {"name": name}
        display: dict[str, Any] = {"code": code, "name": name}
        if "short_name" in self.present and v["short_name"]:
            data["short_name"] = self.text(v, "short_name", 50, row, compact=True)
        if v["level"]:
            level = _LEVELS.get(_nfkc(v["level"]))
            if level is None:
                row.err("level", f"层级“{v['level']}”无效，应为" + "、".join(x.value for x in AgencyLevel))
            else:
                data["level"] = level
        if v["kind"]:
            kind = _agency_kind(v["kind"])
            if kind is None:
                row.err("kind", f"主体类型“{v['kind']}”无效，应为法定、授权或委托")
            else:
                data["kind"] = kind
        if "region_code" in self.present:
            region = _nfkc(v["region_code"])
            if region and not (region.isdigit() and len(region) in (6, 9, 12)):
                row.err("region_code", f"行政区划代码“{v['region_code']}”无效，应为6位、9位或12位数字")
            data["region_code"] = region
        if "region_name" in self.present:
            data["region_name"] = self.text(v, "region_name", 50, row, compact=True)
        for key in _AGENCY_TEXT:
            if key in self.present:
                data[key] = v[key]
        for key in ("contact", "address"):
            if key in self.present:
                data[key] = self.text(v, key, 200, row)
        for key in ("major_fine_person", "major_fine_org"):
            if key in self.present and v[key]:
                amount, message = _amount_cached(v[key], "元")
                if message or amount is None:
                    row.err(key, message or f"金额“{v[key]}”无法识别")
                elif amount < 0 or amount > MAX_MONEY:
                    row.err(key, f"金额“{v[key]}”{'为负数' if amount < 0 else '超出范围'}")
                else:
                    data[key] = amount
        display.update({k: data[k] for k in ("short_name", "level", "kind", "region_name") if k in data})
        display["parent"] = v["parent"]
        return _Rec(row.line, data, key=code or name, ref={"code": code, "parent": v["parent"]}, display=display)

    def resolve(self, conn: Connection, recs: list[_Rec]) -> _Problems:
        out = _Problems(self.spec)
        a = m.Agency
        stored = [dict(r) for r in conn.execute(select(
            a.id, a.code, a.name, a.short_name, a.level, a.kind, a.region_code, a.region_name, a.parent_id, a.duties,
            a.legal_basis_summary, a.remedy_channels, a.contact, a.address, a.major_fine_person, a.major_fine_org,
        )).mappings()]
        by_code = {r["code"]: r for r in stored}
        by_name = {_agency_key(r["name"]): r for r in stored}
        claimed: dict[int, int] = {}  # stored agency id → first line that updates it

        # -- 1. which stored agency each row is (code first, then name)
        for rec in recs:
            code, name = rec.ref["code"], rec.data["name"]
            hit = by_code.get(code) if code else None
            if hit is None:
                named = by_name.get(_agency_key(name))
                if named is not None and code and named["code"] != code:
                    if named["code"].startswith("IMP-"):
                        hit = named
                        out.warn(rec, "code", f"系统中的“{name}”是导入时自动新建的（代码“{named['code']}”），"
                                              f"代码改为“{code}”")
                    else:
                        out.err(rec, "code", f"系统中的“{name}”机关代码为“{named['code']}”，与本行“{code}”不同："
                                             "同一执法主体请使用系统中的代码")
                        continue
                else:
                    hit = named
            elif _agency_key(hit["name"]) != _agency_key(name):
                other = by_name.get(_agency_key(name))
                if other is not None and other["id"] != hit["id"]:
                    out.err(rec, "name", f"机关名称“{name}”已被系统中的另一执法主体（代码“{other['code']}”）使用")
                    continue
            if hit is not None:
                first = claimed.setdefault(hit["id"], rec.line)
                if first != rec.line:
                    out.err(rec, "name", f"本行与第{first}行对应系统中的同一执法主体“{hit['name']}”")
                    continue
                rec.id, rec.old = hit["id"], hit
            if code:
                rec.data["code"] = code
            elif hit is None:
                rec.data["code"] = _generated_agency_code(name)
                out.warn(rec, "code", f"未填写机关代码，已生成“{rec.data['code']}”")
            rec.display["code"] = rec.data.get("code", hit["code"] if hit else "")

        # -- 2. parents (stored agencies or rows of this file) and cycles, until no further row is rejected: a row
        # whose parent row was rejected is rejected too
        alias_ids: dict[str, set[int]] = defaultdict(set)
        for r in stored:
            for alias in (r["short_name"], r["code"]):
                if alias:
                    alias_ids[_agency_key(alias)].add(r["id"])
        db_parent = {k: r["id"] for k, r in by_name.items()}
        db_parent.update({k: next(iter(v)) for k, v in alias_ids.items() if len(v) == 1 and k not in db_parent})
        alive = [r for r in recs if not out.failed(r)]
        while "parent" in self.present:
            rejected = self._parents(alive, db_parent, out) or self._cycles(alive, stored, out)
            if not rejected:
                break
            alive = [r for r in alive if not out.failed(r)]

        # -- 3. defaults for new agencies, insert / update / unchanged
        for rec in alive:
            if out.failed(rec):
                continue
            if rec.old is None:
                name = rec.data["name"]
                if "level" not in rec.data:
                    rec.data["level"] = _guess_level(name)
                    out.warn(rec, "level", f"层级为空，按名称推断为“{rec.data['level'].value}”，请核对")
                if "kind" not in rec.data:
                    rec.data["kind"] = AgencyKind.STATUTORY
                    out.warn(rec, "kind", "主体类型为空，按“法定”处理，请核对")
                rec.display.update(level=rec.data["level"], kind=rec.data["kind"])
            self.compare(rec)
        return out

    @staticmethod
    def _token(rec: _Rec) -> Any:
        return rec.id if rec.id is not None else (_NEW, rec.line)

    def _parents(self, alive: list[_Rec], db_parent: dict[str, int], out: _Problems) -> bool:
        """Resolve every row's 上级机关; True when a row was rejected."""
        file_keys: dict[str, _Rec] = {}
        for rec in alive:
            for alias in (rec.data["name"], rec.data.get("short_name"), rec.data.get("code")):
                if alias:
                    file_keys.setdefault(_agency_key(alias), rec)
        rejected = False
        for rec in alive:
            text_ = rec.ref["parent"]
            if not text_:
                rec.data["parent_id"] = None
                continue
            key = _agency_key(text_)
            target = file_keys.get(key)
            if target is not None:
                token = self._token(target)
            elif key in db_parent:
                token = db_parent[key]
            else:
                out.err(rec, "parent", f"系统和本文件中都没有上级机关“{text_}”（如在本文件中，请检查该行的错误）")
                rejected = True
                continue
            if target is rec or token == rec.id:
                out.err(rec, "parent", "上级机关不能是本机关")
                rejected = True
                continue
            rec.data["parent_id"] = token
        return rejected

    def _cycles(self, alive: list[_Rec], stored: list[dict[str, Any]], out: _Problems) -> bool:
        """Reject rows whose 上级机关 chain comes back to themselves; True when a row was rejected."""
        parent_of: dict[Any, Any] = {r["id"]: r["parent_id"] for r in stored}
        parent_of.update({self._token(rec): rec.data.get("parent_id") for rec in alive})
        rejected = False
        for rec in alive:
            start = self._token(rec)
            node, steps = parent_of.get(start), 0
            while node is not None and steps <= len(parent_of):
                if node == start:
                    out.err(rec, "parent", "上级机关关系形成循环（本机关成了自己的上级的上级）")
                    rejected = True
                    break
                node, steps = parent_of.get(node), steps + 1
        return rejected

    def write(self, conn: Connection, ids: _Ids, recs: list[_Rec], report: ImportReport) -> None:
        actor, now = self.opts.actor[:50], _now()
        new = [r for r in recs if r.action == "insert"]
        for rec, aid in zip(new, ids.take(m.Agency.__table__, len(new))):
            rec.id = aid
        by_line = {r.line: r for r in recs}

        def parent_id(rec: _Rec) -> int | None:
            token = rec.data.get("parent_id")
            if isinstance(token, tuple):
                return by_line[token[1]].id
            return token

        # Parents may be rows of this file: insert without them, then set every parent in one pass.
        _insert(conn, m.Agency.__table__, _AGENCY_COLS, (
            (r.id, r.data["code"], r.data["name"], r.data.get("short_name") or r.data["name"][:50], r.data["level"],
             r.data["kind"], r.data.get("region_code", ""), r.data.get("region_name", ""), None,
             r.data.get("duties", ""), r.data.get("legal_basis_summary", ""), r.data.get("remedy_channels", ""),
             r.data.get("contact", ""), r.data.get("address", ""), r.data.get("major_fine_person", Decimal("10000")),
             r.data.get("major_fine_org", Decimal("100000")), Decimal("10000"), Decimal("100000"), now, actor)
            for r in new))
        t = m.Agency.__table__
        parents = [{"b_id": r.id, "parent_id": parent_id(r)} for r in new if r.data.get("parent_id") is not None]
        if parents:
            conn.execute(t.update().where(t.c.id == bindparam("b_id")), parents)
        self.update_rows(conn, t, recs, lambda r, c: parent_id(r) if c == "parent_id" else r.data[c])
        self.update_audits(conn, recs, lambda r: r.data["name"])


# ==============================================================================================================
# officers
# ==============================================================================================================

_OFFICER_COLS = ("id", "agency_id", "name", "cert_no", "enforcement_field", "cert_valid_from", "cert_valid_to",
                 "is_legal_reviewer", "has_legal_qualification", "created_at", "created_by")


class _Officers(_Kind):
    entity = "officers"
    singular = "officer"
    preview_keys = ("cert_no", "name", "agency", "enforcement_field", "cert_valid_from", "cert_valid_to")
    uses_agencies = True

    def __init__(self, *args: Any) -> None:
        super().__init__(*args)
        self.labels["agency_id"] = self.labels["agency"]
        self.seen: dict[str, int] = {}

    def check(self, v: dict[str, str], row: _Row) -> _Rec | None:
        cert = _nfkc(v["cert_no"])
        if len(cert) > 50:
            row.err("cert_no", f"执法证号过长（{len(cert)}字，最多50字）")
        if cert in self.seen:
            row.err("cert_no", f"执法证号“{cert}”与第{self.seen[cert]}行重复")
        elif cert:
            self.seen[cert] = row.line
        name = _WS_RE.sub(" ", v["name"]).strip()
        if len(name) > 50:
            row.err("name", f"姓名过长（{len(name)}字，最多50字）")
        agency = self.agency(v, "agency", row)
        start = self.date(v, "cert_valid_from", row, not_future=False)
        end = self.date(v, "cert_valid_to", row, not_future=False)
        if start and end and end < start:
            row.err("cert_valid_to", f"证件有效期止{end.isoformat()}早于有效期起{start.isoformat()}")
        elif end and end < self.opts.today:
            row.warn("cert_valid_to", f"执法证已于{end.isoformat()}过期：已导入，但该人员不能再以此证执法")
        data: dict[str, Any] = {"cert_no": cert, "name": name, "cert_valid_from": start, "cert_valid_to": end}
        if "enforcement_field" in self.present:
            data["enforcement_field"] = self.text(v, "enforcement_field", 50, row, compact=True)
        for key in ("is_legal_reviewer", "has_legal_qualification"):
            if key in self.present:
                data[key] = bool(self.yes_no(v, key, row))
        if agency is None or row.failed:
            return None
        data["agency_id"] = self.agency_token(agency)
        return _Rec(row.line, data, key=cert, ref={"agency": agency},
                    display={**data, "agency": agency.name})

    def resolve(self, conn: Connection, recs: list[_Rec]) -> _Problems:
        out = _Problems(self.spec)
        o = m.Officer
        stored: dict[str, dict[str, Any]] = {}
        for chunk in _chunks(sorted({r.data["cert_no"] for r in recs})):
            for r in conn.execute(select(o.id, o.agency_id, o.name, o.cert_no, o.enforcement_field, o.cert_valid_from,
                                         o.cert_valid_to, o.is_legal_reviewer, o.has_legal_qualification,
                                         m.Agency.name.label("agency_name"))
                                  .join(m.Agency, m.Agency.id == o.agency_id).where(o.cert_no.in_(chunk))).mappings():
                stored[r["cert_no"]] = dict(r)
        for rec in recs:
            old = stored.get(rec.data["cert_no"])
            if old is not None:
                rec.id, rec.old = old["id"], old
            self.compare(rec)
            if rec.action == "update" and "agency_id" in rec.changed:
                out.warn(rec, "agency", f"执法证号“{rec.data['cert_no']}”原属“{old['agency_name']}”，改为“"
                                        f"{rec.ref['agency'].name}”：已记录的执法活动按新的所属机关核对")
        return out

    def write(self, conn: Connection, ids: _Ids, recs: list[_Rec], report: ImportReport) -> None:
        actor, now = self.opts.actor[:50], _now()
        new = [r for r in recs if r.action == "insert"]
        _insert(conn, m.Officer.__table__, _OFFICER_COLS, (
            (oid, r.ref["agency"].id, r.data["name"], r.data["cert_no"], r.data.get("enforcement_field", ""),
             r.data["cert_valid_from"], r.data["cert_valid_to"], r.data.get("is_legal_reviewer", False),
             r.data.get("has_legal_qualification", False), now, actor)
            for r, oid in zip(new, ids.take(m.Officer.__table__, len(new)))))
        self.update_rows(conn, m.Officer.__table__, recs,
                         lambda r, c: r.ref["agency"].id if c == "agency_id" else r.data[c])
        self.update_audits(conn, recs, lambda r: r.data["cert_no"])


# ==============================================================================================================
# matters (权责清单)
# ==============================================================================================================

_MATTER_COLS = ("id", "agency_id", "code", "name", "category", "legal_basis", "time_limit_days", "accepting_body",
                "approving_body", "conditions", "created_at", "created_by")


class _Matters(_Kind):
    entity = "matters"
    singular = "matter"
    preview_keys = ("agency", "code", "name", "category", "time_limit_days")
    uses_agencies = True

    def __init__(self, *args: Any) -> None:
        super().__init__(*args)
        self.seen: dict[tuple[str, str], int] = {}

    def check(self, v: dict[str, str], row: _Row) -> _Rec | None:
        code = self.text(v, "code", 50, row, compact=True)
        name = self.text(v, "name", 200, row)
        agency = self.agency(v, "agency", row)
        category = _category(v["category"]) if v["category"] else None
        if v["category"] and category is None:
            row.err("category", f"执法类别“{v['category']}”无效，应为" + "、".join(c.value for c in ActionCategory))
        data: dict[str, Any] = {"code": code, "name": name, "category": category}
        if "legal_basis" in self.present:
            data["legal_basis"] = v["legal_basis"]
        if "time_limit_days" in self.present:
            days, message = _time_limit(v["time_limit_days"]) if v["time_limit_days"] else (None, None)
            if message:
                row.err("time_limit_days", message)
            data["time_limit_days"] = days
        for key in ("accepting_body", "approving_body"):
            if key in self.present:
                data[key] = self.text(v, key, 100, row)
        if "conditions" in self.present:
            data["conditions"] = v["conditions"]
        if agency is None or row.failed:
            return None
        first = self.seen.setdefault((agency.name, code), row.line)
        if first != row.line:
            row.err("code", f"执法机关“{agency.name}”的事项编码“{code}”与第{first}行重复")
            return None
        return _Rec(row.line, data, key=(agency.name, code), ref={"agency": agency},
                    display={**data, "agency": agency.name})

    def resolve(self, conn: Connection, recs: list[_Rec]) -> _Problems:
        mt = m.Matter
        agency_ids = sorted({r.ref["agency"].id for r in recs if r.ref["agency"].id is not None})
        stored: dict[tuple[int, str], dict[str, Any]] = {}
        for chunk in _chunks(agency_ids):
            for r in conn.execute(select(mt.id, mt.agency_id, mt.code, mt.name, mt.category, mt.legal_basis,
                                         mt.time_limit_days, mt.accepting_body, mt.approving_body, mt.conditions)
                                  .where(mt.agency_id.in_(chunk))).mappings():
                stored[(r["agency_id"], r["code"])] = dict(r)
        for rec in recs:
            agency = rec.ref["agency"]
            old = stored.get((agency.id, rec.data["code"])) if agency.id is not None else None
            if old is not None:
                rec.id, rec.old = old["id"], old
            self.compare(rec)
        return _Problems(self.spec)

    def write(self, conn: Connection, ids: _Ids, recs: list[_Rec], report: ImportReport) -> None:
        actor, now = self.opts.actor[:50], _now()
        new = [r for r in recs if r.action == "insert"]
        _insert(conn, m.Matter.__table__, _MATTER_COLS, (
            (mid, r.ref["agency"].id, r.data["code"], r.data["name"], r.data["category"], r.data.get("legal_basis", ""),
             r.data.get("time_limit_days"), r.data.get("accepting_body", ""), r.data.get("approving_body", ""),
             r.data.get("conditions", ""), now, actor)
            for r, mid in zip(new, ids.take(m.Matter.__table__, len(new)))))
        self.update_rows(conn, m.Matter.__table__, recs)
        self.update_audits(conn, recs, lambda r: f"{r.ref['agency'].name} {r.data['code']}")


# ==============================================================================================================
# cases
# ==============================================================================================================

_CASE_COLS = ("id", "case_no", "agency_id", "matter_id", "party_id", "procedure", "filed_on", "is_major",
              "major_reasons", "status", "origin", "confidential", "violation", "facts", "internal_note",
              "decision_extension_days", "chain_head", "created_at", "created_by")


@dataclass(eq=False)
class _NewParty:
    party_type: PartyType
    name: str
    uscc: str | None
    id_number: str | None
    is_minor: bool
    first_line: int
    id: int | None = None


class _Cases(_Kind):
    entity = "cases"
    singular = "case"
    preview_keys = ("case_no", "agency", "party_name", "party_type", "procedure", "filed_on", "is_major")
    personal = frozenset({"party_id", "facts"})
    uses_agencies = True

    def __init__(self, *args: Any) -> None:
        super().__init__(*args)
        self.labels.update(agency_id=self.labels["agency"], matter_id=self.labels["matter_code"],
                           party_id="当事人")
        self.seen: dict[str, int] = {}
        self.matters: dict[tuple[int, str], int] = {}

    def load(self, conn: Connection) -> None:
        super().load(conn)
        if "matter_code" in self.present:
            self.matters = {(a, c): i for i, a, c in conn.execute(select(m.Matter.id, m.Matter.agency_id,
                                                                         m.Matter.code))}

    def party(self, v: dict[str, str], row: _Row) -> tuple[PartyType | None, str, str | None, str | None]:
        """当事人 as in the decisions import: identifiers checked, type given or inferred (with a warning)."""
        name = _WS_RE.sub(" ", v["party_name"]).strip()
        if len(name) > 200:
            row.err("party_name", f"当事人名称过长（{len(name)}字，最多200字）")
        uscc: str | None = None
        if v["uscc"]:
            check = validate_uscc(v["uscc"])
            if check.ok:
                uscc = check.normalized
                for w in check.warnings:
                    row.warn("uscc", w)
            else:
                row.err("uscc", f"统一社会信用代码“{v['uscc']}”无效：{check.message}")
        id_number: str | None = None
        if v["id_number"]:
            compact_id = _nfkc(v["id_number"]).upper()
            if re.fullmatch(r"[0-9]{14,19}[0-9X]?", compact_id):
                check = validate_id_number(v["id_number"], today=self.opts.today)
                if check.ok:
                    id_number = check.normalized
                    for w in check.warnings:
                        row.warn("id_number", w)
                else:
                    index = self.cols.get("id_number")
                    hint = ("；该单元格在Excel中是数字，超过15位的数字会被Excel改动，请将该列设为文本后重新填写"
                            if index is not None and (row.index, index) in self.table.imprecise else "")
                    row.err("id_number", f"身份证号码“{v['id_number']}”无效：{check.message}{hint}")
            elif len(compact_id) > 18:
                row.err("id_number", f"证件号码“{v['id_number']}”过长（最多18位）")
            else:
                id_number = compact_id
                row.warn("id_number", f"证件号码“{v['id_number']}”不是居民身份证号码，按其他证件原样保存，未做校验")
        ptype: PartyType | None = None
        raw_type = _nfkc(v["party_type"])
        if raw_type:
            if raw_type not in _PARTY_TYPE_VALUES:
                row.err("party_type", f"当事人类型“{raw_type}”无效，应为自然人、法人、非法人组织或个体工商户")
            else:
                ptype = _PARTY_TYPE_VALUES[raw_type]
                if ptype is None:
                    inferred, note = infer_party_type(name, uscc, id_number)
                    ptype = inferred if inferred in _ORG_TYPES else PartyType.LEGAL_PERSON
                    row.warn("party_type", f"当事人类型“{raw_type}”未区分法人与非法人组织，"
                                           + (note if inferred in _ORG_TYPES else "按法人处理，请核对"))
        elif name:
            inferred, note = infer_party_type(name, uscc, id_number)
            if inferred is None:
                row.err("party_type", f"当事人类型为空且无法推断：{note}")
            else:
                ptype = inferred
                row.warn("party_type", f"当事人类型为空，已推断为“{inferred.value}”：{note}")
        return ptype, name, uscc, id_number

    def check(self, v: dict[str, str], row: _Row) -> _Rec | None:
        case_no = self.text(v, "case_no", 50, row, compact=True)
        if case_no in self.seen:
            row.err("case_no", f"案号“{case_no}”与第{self.seen[case_no]}行重复")
        elif case_no:
            self.seen[case_no] = row.line
        agency = self.agency(v, "agency", row)
        ptype, name, uscc, id_number = self.party(v, row)
        filed_on = self.date(v, "filed_on", row)
        data: dict[str, Any] = {"case_no": case_no, "filed_on": filed_on}
        if v["procedure"]:
            procedure = _PROCEDURES.get(_nfkc(v["procedure"]))
            if procedure is None:
                row.err("procedure", f"程序“{v['procedure']}”无效，应为简易程序或普通程序")
            data["procedure"] = procedure
        # 是否重大 blank (or absent) and no 重大情形: the stored flag stays; 否 also clears the reasons.
        flag = self.yes_no(v, "is_major", row)
        reasons: list[MajorReason] = []
        for part in (p for p in re.split(r"[；;，,\n]+", v["major_reasons"]) if p.strip()):
            found = [r for r in MajorReason if r.value == part.strip()] or \
                [r for word, r in _MAJOR_KEYWORDS if word in part]
            if not found:
                row.err("major_reasons", f"重大情形“{part.strip()}”无法识别，应为"
                                         + "、".join(r.value for r in MajorReason))
            reasons.extend(r for r in found if r not in reasons)
        if flag is False and reasons:
            row.err("is_major", "是否重大为“否”，但填写了重大情形")
        if flag is not None or reasons:
            data["is_major"] = bool(flag) or bool(reasons)
        if "major_reasons" in self.present or flag is False:
            data["major_reasons"] = "；".join(r.value for r in MajorReason if r in reasons)
        if "violation" in self.present:
            data["violation"] = self.text(v, "violation", 200, row)
        if "facts" in self.present:
            data["facts"] = v["facts"]
        if v["status"]:
            status = _STATUSES.get(_nfkc(v["status"]))
            if status is None:
                row.err("status", f"案件状态“{v['status']}”无效，应为" + "、".join(s.value for s in CaseStatus))
            data["status"] = status
        if agency is not None and "matter_code" in self.present:
            code = _compact(v["matter_code"])
            data["matter_id"] = None
            if code:
                matter = self.matters.get((agency.id, code)) if agency.id is not None else None
                if matter is None:
                    row.err("matter_code", f"执法机关“{agency.name}”的权责清单中没有事项编码“{code}”（请先导入事项）")
                data["matter_id"] = matter
        if agency is None or ptype is None or filed_on is None or row.failed:
            return None
        data["agency_id"] = self.agency_token(agency)
        is_minor = False
        if ptype is PartyType.NATURAL_PERSON and id_number and len(id_number) == 18:
            age = _age_on(id_number, filed_on)
            if age is not None and age < 18:
                is_minor = True
                row.warn("id_number", f"当事人立案时未满18周岁（{age}岁）：已标记为未成年人，依法不予公开")
        return _Rec(row.line, data, key=case_no,
                    ref={"agency": agency, "party": (ptype, name, uscc, id_number, is_minor)},
                    display={**data, "agency": agency.name, "party_name": name, "party_type": ptype,
                             "is_major": "是" if data.get("is_major") else "否" if "is_major" in data else ""})

    def resolve(self, conn: Connection, recs: list[_Rec]) -> _Problems:
        out = _Problems(self.spec)
        c, p, d, e = m.Case, m.Party, m.Decision, m.CaseEvent
        stored: dict[str, dict[str, Any]] = {}
        for chunk in _chunks(sorted({r.data["case_no"] for r in recs})):
            first_event = (select(e.case_id, func.min(e.occurred_at).label("first_event"))
                           .group_by(e.case_id).subquery())
            for r in conn.execute(
                    select(c.id, c.case_no, c.agency_id, c.matter_id, c.party_id, c.procedure, c.filed_on, c.is_major,
                           c.major_reasons, c.status, c.origin, c.violation, c.facts, p.party_type,
                           p.name.label("pname"), p.uscc, p.id_number, d.decided_on, first_event.c.first_event)
                    .join(p, p.id == c.party_id).outerjoin(d, d.case_id == c.id)
                    .outerjoin(first_event, first_event.c.case_id == c.id).where(c.case_no.in_(chunk))).mappings():
                stored[r["case_no"]] = dict(r)
        parties = self._stored_parties(conn, recs)
        new_parties: dict[tuple[str, ...], _NewParty] = {}
        for rec in recs:
            old = stored.get(rec.data["case_no"])
            ptype, name, uscc, id_number, is_minor = rec.ref["party"]
            token: Any = None
            if old is not None and old["pname"] == name and old["party_type"] is ptype \
                    and uscc in (None, old["uscc"]) and id_number in (None, old["id_number"]):
                token = old["party_id"]  # the case's own party, as stored
            else:
                masked = not uscc and not id_number and ptype is PartyType.NATURAL_PERSON \
                    and _MASKED_NAME_RE.search(name)
                key = ("row", str(rec.line)) if masked else _party_key(ptype, name, uscc, id_number)
                known = parties.get(key)
                if known is not None:
                    token = known["id"]
                    if (known["name"], known["party_type"]) != (name, ptype):
                        out.warn(rec, "party_name", f"证件号码或统一社会信用代码与系统中的当事人“{known['name']}”"
                                                    f"（{known['party_type'].value}）相同，按该当事人关联")
                else:
                    party = new_parties.get(key)
                    if party is None:
                        party = new_parties[key] = _NewParty(ptype, name, uscc, id_number, is_minor, rec.line)
                    elif (party.name, party.party_type) != (name, ptype):
                        out.warn(rec, "party_name", f"证件号码或统一社会信用代码与第{party.first_line}行相同，但名称或类型"
                                                    f"不同，按第{party.first_line}行的“{party.name}”保存")
                    rec.ref["new_party"] = party
                    token = (_NEW, id(party))
            rec.data["party_id"] = token
            if old is None:
                rec.action = "insert"
                if "procedure" not in rec.data:
                    out.warn(rec, "procedure", "程序为空，按普通程序处理")
                    rec.display["procedure"] = Procedure.ORDINARY
                continue
            rec.id, rec.old = old["id"], old
            self.compare(rec)
            if rec.action != "update":
                continue
            labels = "、".join(self.column_label(k) for k in rec.changed)
            if old["origin"] is not DataOrigin.IMPORTED:
                out.err(rec, "case_no", f"案号“{rec.data['case_no']}”是{old['origin'].value}的案件，内容与本行不同"
                                        f"（{labels}）：导入不能修改系统录入的案件，请在系统中更正")
                continue
            if old["decided_on"] is not None and {"agency_id", "party_id"} & set(rec.changed):
                out.err(rec, "agency" if "agency_id" in rec.changed else "party_name",
                        "该案件已有处罚决定，不能通过案件导入更改执法机关或当事人（请导入更正后的决定）")
            if old["first_event"] is not None and "agency_id" in rec.changed:
                out.err(rec, "agency", "该案件已有执法全过程记录，不能更改执法机关")
            filed = rec.data["filed_on"]
            if old["first_event"] is not None and filed > old["first_event"].astimezone(CHINA_TZ).date():
                out.err(rec, "filed_on", f"立案日期{filed.isoformat()}晚于本案第一条执法记录的日期"
                                         f"{old['first_event'].astimezone(CHINA_TZ).date().isoformat()}")
            if old["decided_on"] is not None and filed > old["decided_on"]:
                out.err(rec, "filed_on", f"立案日期{filed.isoformat()}晚于决定日期{old['decided_on'].isoformat()}")
        return out

    @staticmethod
    def _stored_parties(conn: Connection, recs: list[_Rec]) -> dict[tuple[str, ...], dict[str, Any]]:
        states = [r.ref["party"] for r in recs]
        usccs = sorted({s[2] for s in states if s[2]})
        ids = sorted({s[3] for s in states if s[3] and not s[2]})
        names = sorted({s[1] for s in states if not s[2] and not s[3]})
        p = m.Party
        found: dict[tuple[str, ...], dict[str, Any]] = {}
        for column, values in ((p.uscc, usccs), (p.id_number, ids), (p.name, names)):
            for chunk in _chunks(values):
                for r in conn.execute(select(p.id, p.party_type, p.name, p.uscc, p.id_number)
                                      .where(column.in_(chunk)).order_by(p.id)).mappings():
                    found.setdefault(_party_key(r["party_type"], r["name"], r["uscc"], r["id_number"]), dict(r))
        return found

    def write(self, conn: Connection, ids: _Ids, recs: list[_Rec], report: ImportReport) -> None:
        actor, now = self.opts.actor[:50], _now()
        parties: list[_NewParty] = []
        for rec in recs:
            party = rec.ref.get("new_party")
            if party is not None and party.id is None and all(party is not q for q in parties):
                parties.append(party)
        for party, pid in zip(parties, ids.take(m.Party.__table__, len(parties))):
            party.id = pid
        _insert(conn, m.Party.__table__, PARTY_COLS, (
            (q.id, q.party_type, q.name, q.uscc, q.id_number, None, None, None, q.is_minor, now, actor)
            for q in parties))

        def value(rec: _Rec, column: str) -> Any:
            if column == "agency_id":
                return rec.ref["agency"].id
            if column == "party_id":
                party = rec.ref.get("new_party")
                return party.id if party is not None else rec.data["party_id"]
            return rec.data[column]

        source = f"由文件导入：{self.opts.file_name or '（未命名文件）'}"
        new = [r for r in recs if r.action == "insert"]
        _insert(conn, m.Case.__table__, _CASE_COLS, (
            (cid, r.data["case_no"], value(r, "agency_id"), r.data.get("matter_id"), value(r, "party_id"),
             r.data.get("procedure") or Procedure.ORDINARY, r.data["filed_on"], r.data.get("is_major", False),
             r.data.get("major_reasons", ""), r.data.get("status") or CaseStatus.FILED, DataOrigin.IMPORTED, False,
             r.data.get("violation", ""), r.data.get("facts", ""), f"{source}第{r.line}行", 0, GENESIS, now, actor)
            for r, cid in zip(new, ids.take(m.Case.__table__, len(new)))))
        self.update_rows(conn, m.Case.__table__, recs, value)
        self.update_audits(conn, recs, lambda r: r.data["case_no"])


# ==============================================================================================================
# events (执法全过程记录: append-only, hash-chained)
# ==============================================================================================================

_EVENT_COLS = ("id", "case_id", "seq", "occurred_at", "stage", "action", "officer_cert_nos", "document_no",
               "record_forms", "location", "note", "corrects_event_id", "recorded_at", "recorded_by", "prev_hash",
               "hash")
# validate_new_event's reasons that make an imported step impossible (unknown or foreign certificate, a time in the
# future or before the filing, a broken sequence or correction): errors, with the column they concern. Its other
# reasons — stage order, 告知 / 法制审核 before the decision, two officers on site, 音像, certificate validity —
# describe how the case was handled: an imported record keeps that history as it happened, with a warning (the
# completeness list then shows the case), as the decisions import does for a major decision without review.
_EVENT_HARD = (("不在本系统执法人员名录中", "officer_cert_nos"), ("不属于本执法主体", "officer_cert_nos"),
               ("被重复记录", "officer_cert_nos"), ("以多个执法证号", "officer_cert_nos"),
               ("晚于当前时间", "occurred_at"), ("早于立案日期", "occurred_at"), ("缺少时区", "occurred_at"),
               ("更正所指向的记录", "corrects_seq"), ("只能追加", "seq"))
_EVENT_SOFT = (("音像", "record_forms"), ("环节", "stage"), ("告知", "stage"), ("法制审核", "stage"),
               ("集体讨论", "stage"), ("执法人员", "officer_cert_nos"), ("执法证", "officer_cert_nos"))
_EVENT_COMPARED = ("occurred_at", "stage", "action", "officer_cert_nos", "document_no", "record_forms", "location",
                   "note", "corrects_seq")


def _event_identity(values: dict[str, Any]) -> dict[str, Any]:
    """The content of a step as compared on re-import: order-free sets of certificates and forms, blanks as ""."""
    return {
        "occurred_at": values["occurred_at"].astimezone(dt.UTC).replace(microsecond=0),
        "stage": values["stage"], "action": values["action"],
        "officer_cert_nos": frozenset(values["officer_cert_nos"]), "document_no": values["document_no"] or "",
        "record_forms": frozenset(values["record_forms"]), "location": values["location"] or "",
        "note": values["note"] or "", "corrects_seq": values["corrects_seq"],
    }


@dataclass
class _CaseState:
    id: int
    case_no: str
    agency_id: int
    chain_head: str
    facts: CaseFacts
    events: dict[int, dict[str, Any]]  # seq → stored event (identity values + id)
    last_hash: str | None
    last_time: dt.datetime | None = None


class _Events(_Kind):
    entity = "case_events"
    singular = "event"
    preview_keys = ("case_no", "seq", "occurred_at", "stage", "action", "officer_cert_nos", "record_forms")

    def __init__(self, *args: Any) -> None:
        super().__init__(*args)
        self.seen: dict[tuple[str, int], int] = {}
        self.cases: dict[str, _CaseState] = {}

    def check(self, v: dict[str, str], row: _Row) -> _Rec | None:
        case_no = _compact(v["case_no"])
        seq = _ordinal(v["seq"]) if v["seq"] else None
        if v["seq"] and (seq is None or seq < 1):
            row.err("seq", f"序号“{v['seq']}”无效，应为正整数")
            seq = None
        if seq is not None and case_no:
            first = self.seen.setdefault((case_no, seq), row.line)
            if first != row.line:
                row.err("seq", f"案号“{case_no}”的序号{seq}与第{first}行重复")
        occurred: dt.datetime | None = None
        if v["occurred_at"]:
            occurred, message = _event_time_cached(v["occurred_at"])
            if message:
                row.err("occurred_at", message)
        stage: Stage | None = None
        if v["stage"]:
            raw = _nfkc(v["stage"])
            stage = _STAGES.get(raw) or _STAGES.get(raw.removesuffix("环节").removesuffix("阶段"))
            if stage is None:
                row.err("stage", f"环节“{v['stage']}”无效，应为" + "、".join(s.value for s in Stage))
        action = self.text(v, "action", 100, row)
        # Kept as written, duplicates included: validate_new_event reports a person recorded twice.
        certs = tuple(c for c in (_nfkc(x) for x in _SPLIT_RE.split(v["officer_cert_nos"])) if c)
        if len("、".join(certs)) > 200:
            row.err("officer_cert_nos", f"执法证号过长（合计最多200字）：共{len(certs)}个")
        forms: list[RecordForm] = []
        for part in (p for p in _SPLIT_RE.split(v["record_forms"]) if p):
            form = _FORMS.get(_nfkc(part))
            if form is None:
                row.err("record_forms", f"记录形式“{part}”无效，应为" + "、".join(f.value for f in RecordForm))
            elif form not in forms:
                forms.append(form)
        document_no = self.text(v, "document_no", 100, row)
        location = self.text(v, "location", 200, row)
        corrects: int | None = None
        if v["corrects_seq"]:
            corrects = _ordinal(v["corrects_seq"])
            if corrects is None or corrects < 1:
                row.err("corrects_seq", f"更正序号“{v['corrects_seq']}”无效，应为正整数")
        if row.failed or seq is None or occurred is None or stage is None:
            return None
        data = {"seq": seq, "occurred_at": occurred, "stage": stage, "action": action, "officer_cert_nos": certs,
                "document_no": document_no or None, "record_forms": tuple(forms or (RecordForm.TEXT,)),
                "location": location or None, "note": v["note"], "corrects_seq": corrects}
        return _Rec(row.line, data, key=(case_no, seq), ref={"case_no": case_no},
                    display={**data, "case_no": case_no})

    # -- second pass --------------------------------------------------------------------------------------------

    def _load_cases(self, conn: Connection, case_nos: Sequence[str]) -> None:
        c, d, mt, e, r = m.Case, m.Decision, m.Matter, m.CaseEvent, m.LegalReview
        for chunk in _chunks(list(case_nos)):
            rows = conn.execute(
                select(c.id, c.case_no, c.agency_id, c.procedure, c.filed_on, c.is_major, c.chain_head,
                       mt.category.label("matter_category"), d.category.label("decision_category"), d.decided_on)
                .outerjoin(mt, mt.id == c.matter_id).outerjoin(d, d.case_id == c.id).where(c.case_no.in_(chunk))
            ).mappings().all()
            ids = [row["id"] for row in rows]
            events: dict[int, list[Any]] = defaultdict(list)
            for ev in conn.execute(
                    select(e.id, e.case_id, e.seq, e.occurred_at, e.stage, e.action, e.officer_cert_nos, e.document_no,
                           e.record_forms, e.location, e.note, e.corrects_event_id, e.hash)
                    .where(e.case_id.in_(ids)).order_by(e.case_id, e.seq)).mappings():
                events[ev["case_id"]].append(ev)
            reviews: dict[int, list[ReviewFact]] = defaultdict(list)
            for rv in conn.execute(select(r.case_id, r.round_no, r.submitted_on, r.reviewed_on, r.outcome)
                                   .where(r.case_id.in_(ids))):
                reviews[rv.case_id].append(ReviewFact(rv.round_no, rv.submitted_on, rv.reviewed_on, rv.outcome))
            for row in rows:
                stored = events.get(row["id"], [])
                seq_of = {ev["id"]: ev["seq"] for ev in stored}
                by_seq: dict[int, dict[str, Any]] = {}
                facts_events = []
                for ev in stored:
                    certs = tuple(x for x in (ev["officer_cert_nos"] or "").split("、") if x)
                    forms = tuple(_FORMS[f] for f in (ev["record_forms"] or "").split("、") if f in _FORMS)
                    corrects = seq_of.get(ev["corrects_event_id"]) if ev["corrects_event_id"] is not None else None
                    values = {"occurred_at": ev["occurred_at"], "stage": Stage(ev["stage"]), "action": ev["action"],
                              "officer_cert_nos": certs, "document_no": ev["document_no"], "record_forms": forms,
                              "location": ev["location"], "note": ev["note"], "corrects_seq": corrects}
                    by_seq[ev["seq"]] = {**_event_identity(values), "id": ev["id"]}
                    facts_events.append(EventFact(seq=ev["seq"], stage=values["stage"], action=ev["action"],
                                                  occurred_at=ev["occurred_at"], officer_cert_nos=certs,
                                                  record_forms=frozenset(forms), document_no=ev["document_no"],
                                                  location=ev["location"], corrects_seq=corrects))
                category = row["matter_category"] or row["decision_category"] or ActionCategory.PENALTY
                facts = CaseFacts(case_no=row["case_no"], procedure=row["procedure"], category=category,
                                  filed_on=row["filed_on"], is_major=bool(row["is_major"]),
                                  decided_on=row["decided_on"], events=tuple(facts_events),
                                  reviews=tuple(reviews.get(row["id"], ())))
                self.cases[row["case_no"]] = _CaseState(
                    row["id"], row["case_no"], row["agency_id"], row["chain_head"], facts, by_seq,
                    stored[-1]["hash"] if stored else None, stored[-1]["occurred_at"] if stored else None)

    @staticmethod
    def _roster(conn: Connection, certs: Iterable[str]) -> dict[str, OfficerCert]:
        o = m.Officer
        roster: dict[str, OfficerCert] = {}
        for chunk in _chunks(sorted(set(certs))):
            for r in conn.execute(select(o.id, o.name, o.cert_no, o.cert_valid_from, o.cert_valid_to, o.agency_id)
                                  .where(o.cert_no.in_(chunk))):
                roster[r.cert_no] = OfficerCert(r.id, r.name, r.cert_no, r.cert_valid_from, r.cert_valid_to,
                                                r.agency_id)
        return roster

    def resolve(self, conn: Connection, recs: list[_Rec]) -> _Problems:
        out = _Problems(self.spec)
        self._load_cases(conn, sorted({r.ref["case_no"] for r in recs}))
        self.roster = self._roster(conn, (c for r in recs for c in r.data["officer_cert_nos"]))
        by_case: dict[str, list[_Rec]] = defaultdict(list)
        for rec in recs:
            by_case[rec.ref["case_no"]].append(rec)
        for case_no, group in by_case.items():
            state = self.cases.get(case_no)
            if state is None:
                for rec in group:
                    out.err(rec, "case_no", f"系统中没有案号为“{case_no}”的案件（请先导入案件）")
                continue
            self._resolve_case(state, sorted(group, key=lambda r: r.data["seq"]), out)
        return out

    def _resolve_case(self, state: _CaseState, group: list[_Rec], out: _Problems) -> None:
        last_seq = max(state.events, default=0)
        intact = state.last_hash == state.chain_head if state.last_hash is not None else state.chain_head == GENESIS
        facts = state.facts
        last_time = state.last_time
        blocked: _Rec | None = None  # the first new step that could not be appended
        for rec in group:
            rec.ref["state"] = state
            seq = rec.data["seq"]
            stored = state.events.get(seq)
            if stored is not None:
                mine = _event_identity(rec.data)
                differ = [k for k in _EVENT_COMPARED if (k in self.present or k == "occurred_at")
                          and mine[k] != stored[k]]
                if differ:
                    out.err(rec, "seq", "执法记录只能追加，不能修改：本案序号" f"{seq}的记录已存在，内容与本行不同（"
                                        + "、".join(self.labels[k] for k in differ)
                                        + f"）；如需更正，请以新的序号追加一条更正记录（更正序号填{seq}）")
                else:
                    rec.action, rec.id = "unchanged", stored["id"]
                continue
            if blocked is not None:
                out.err(rec, "seq", f"本案序号{blocked.data['seq']}的记录（第{blocked.line}行）未能导入，"
                                    "其后的记录不能追加（执法记录须按序号连续追加）")
                continue
            if not intact:
                out.err(rec, "case_no", "本案执法记录链校验不一致，已暂停追加记录；请联系管理员运行 verify-chain 核查")
                blocked = rec
                continue
            if seq != last_seq + 1:
                out.err(rec, "seq", f"序号不连续：本案已有{last_seq}条记录，下一条应为序号{last_seq + 1}，本行为{seq}"
                        if seq > last_seq else f"本案序号{seq}之前的记录不存在，序号只能接续已有记录（下一条应为{last_seq + 1}）")
                blocked = rec
                continue
            data = rec.data
            fact = EventFact(seq=seq, stage=data["stage"], action=data["action"], occurred_at=data["occurred_at"],
                             officer_cert_nos=data["officer_cert_nos"], record_forms=frozenset(data["record_forms"]),
                             document_no=data["document_no"], location=data["location"],
                             corrects_seq=data["corrects_seq"])
            hard = False
            for reason in validate_new_event(facts, fact, self.roster, self.opts.now, state.agency_id):
                column = next((col for marker, col in _EVENT_HARD if marker in reason), None)
                if column is not None:
                    out.err(rec, column, reason)
                    hard = True
                else:
                    soft = next((col for marker, col in _EVENT_SOFT if marker in reason), "")
                    out.warn(rec, soft, f"{reason}（导入的历史记录按原样保存，请核查）")
            if hard:
                blocked = rec
                continue
            if data["corrects_seq"] is None and last_time is not None and data["occurred_at"] < last_time:
                out.warn(rec, "occurred_at", f"时间{_local_text(data['occurred_at'])}早于本案上一条记录的时间"
                                             f"{_local_text(last_time)}，请核对")
            facts = dataclasses.replace(facts, events=facts.events + (fact,))
            last_seq, last_time = seq, data["occurred_at"]
            rec.action = "insert"

    def write(self, conn: Connection, ids: _Ids, recs: list[_Rec], report: ImportReport) -> None:
        actor = self.opts.actor[:50]
        recorded_at = self.opts.now
        new = sorted((r for r in recs if r.action == "insert"),
                     key=lambda r: (r.ref["state"].id, r.data["seq"]))
        for rec, eid in zip(new, ids.take(m.CaseEvent.__table__, len(new))):
            rec.id = eid
        by_case: dict[int, list[_Rec]] = defaultdict(list)
        for rec in new:
            by_case[rec.ref["state"].id].append(rec)
        rows, officer_rows, audits = [], [], []
        for case_id, group in by_case.items():
            state: _CaseState = group[0].ref["state"]
            seq_ids = {seq: ev["id"] for seq, ev in state.events.items()} | {r.data["seq"]: r.id for r in group}
            prev = head = state.chain_head
            for rec in group:
                d = rec.data
                content = {
                    "case_id": case_id, "seq": d["seq"], "occurred_at": d["occurred_at"], "stage": d["stage"].value,
                    "action": d["action"], "officer_cert_nos": "、".join(d["officer_cert_nos"]),
                    "document_no": d["document_no"], "record_forms": "、".join(f.value for f in d["record_forms"]),
                    "location": d["location"], "note": d["note"],
                    "corrects_event_id": seq_ids[d["corrects_seq"]] if d["corrects_seq"] is not None else None,
                    "recorded_at": recorded_at, "recorded_by": actor,
                }
                digest = event_hash(content, prev)
                rows.append((rec.id, case_id, d["seq"], d["occurred_at"], d["stage"], d["action"],
                             content["officer_cert_nos"], d["document_no"], content["record_forms"], d["location"],
                             d["note"], content["corrects_event_id"], recorded_at, actor, prev, digest))
                officers = dict.fromkeys(self.roster[c].officer_id for c in d["officer_cert_nos"] if c in self.roster)
                officer_rows.extend((rec.id, oid) for oid in officers)
                prev = digest
            # Compare-and-swap on the chain head, as db.events.append_event: if another writer appended to the case
            # since it was read, nothing of this file is written.
            moved = conn.execute(update(m.Case.__table__).where(m.Case.id == case_id, m.Case.chain_head == head)
                                 .values(chain_head=prev)).rowcount
            if moved != 1:
                raise _WriteConflict(f"案件“{state.case_no}”的执法记录在校验后被他人更新，已全部回滚，未写入任何数据："
                                     "请重新导入")
            audits.append({"occurred_at": _now(), "actor": actor, "action": "import_append_events",
                           "entity": "cases", "entity_id": str(case_id),
                           "detail": json.dumps({"case_no": state.case_no, "file": self.opts.file_name,
                                                 "seqs": [r.data["seq"] for r in group],
                                                 "lines": [r.line for r in group], "prev_head": head,
                                                 "chain_head": prev}, ensure_ascii=False)})
        _insert(conn, m.CaseEvent.__table__, _EVENT_COLS, rows)
        _insert(conn, m.EventOfficer.__table__, ("event_id", "officer_id"), officer_rows)
        for chunk in _chunks(audits, 5000):
            conn.execute(m.AuditEntry.__table__.insert(), list(chunk))


# ==============================================================================================================
# reviews (重大执法决定法制审核 rounds)
# ==============================================================================================================


def _review_outcome(raw: str) -> tuple[ReviewOutcome | None, bool]:
    """(outcome, recognised): blank and 待审核 are a pending round."""
    folded = _nfkc(raw)
    if not folded or folded in ("待审核", "审核中", "未审核", "尚未审核", "待审"):
        return None, True
    if any(w in folded for w in _REVIEW_PROBLEM_WORDS):
        return ReviewOutcome.PROBLEMS, True
    if folded.startswith(_REVIEW_OK_PREFIXES):
        return ReviewOutcome.APPROVED, True
    return None, False


_REVIEW_COMPARED = ("submitted_on", "reviewed_on", "outcome", "opinion", "reviewer_officer_id")


class _Reviews(_Kind):
    entity = "legal_reviews"
    singular = "review"
    preview_keys = ("case_no", "round_no", "submitted_on", "reviewed_on", "outcome")
    personal = frozenset({"opinion"})

    def __init__(self, *args: Any) -> None:
        super().__init__(*args)
        self.labels["reviewer_officer_id"] = self.labels["reviewer"]
        self.seen: dict[tuple[str, int], int] = {}

    def check(self, v: dict[str, str], row: _Row) -> _Rec | None:
        case_no = _compact(v["case_no"])
        round_no = _ordinal(v["round_no"]) if v["round_no"] else None
        if v["round_no"] and (round_no is None or round_no < 1):
            row.err("round_no", f"轮次“{v['round_no']}”无效，应为正整数（如“1”或“第2轮”）")
            round_no = None
        if round_no is not None and case_no:
            first = self.seen.setdefault((case_no, round_no), row.line)
            if first != row.line:
                row.err("round_no", f"案号“{case_no}”的第{round_no}轮与第{first}行重复")
        submitted = self.date(v, "submitted_on", row)
        reviewed = self.date(v, "reviewed_on", row)
        outcome, known = _review_outcome(v["outcome"])
        if not known:
            row.err("outcome", f"审核结论“{v['outcome'][:40]}”无法识别，应为“同意”（或“通过”）、“存在问题”，尚未审核的留空")
        if outcome is not None and reviewed is None and not v["reviewed_on"]:
            row.err("reviewed_on", "填写了审核结论，但审核日期为空")
        if reviewed is not None and outcome is None and known:
            row.err("outcome", "填写了审核日期，但审核结论为空（尚未审核的两列都留空）")
        if submitted and reviewed and reviewed < submitted:
            row.err("reviewed_on", f"审核日期{reviewed.isoformat()}早于报送日期{submitted.isoformat()}")
        if row.failed or round_no is None or submitted is None:
            return None
        data: dict[str, Any] = {"round_no": round_no, "submitted_on": submitted, "reviewed_on": reviewed,
                                "outcome": outcome}
        if "opinion" in self.present:
            data["opinion"] = v["opinion"]
        reviewer = _nfkc(v["reviewer"])
        return _Rec(row.line, data, key=(case_no, round_no), ref={"case_no": case_no, "reviewer": reviewer},
                    display={**data, "case_no": case_no, "outcome": outcome.value if outcome else "（待审核）"})

    def resolve(self, conn: Connection, recs: list[_Rec]) -> _Problems:
        out = _Problems(self.spec)
        c, d, r, o = m.Case, m.Decision, m.LegalReview, m.Officer
        cases: dict[str, dict[str, Any]] = {}
        for chunk in _chunks(sorted({x.ref["case_no"] for x in recs})):
            for row in conn.execute(select(c.id, c.case_no, c.agency_id, c.filed_on, c.is_major, d.decided_on)
                                    .outerjoin(d, d.case_id == c.id).where(c.case_no.in_(chunk))).mappings():
                cases[row["case_no"]] = dict(row)
        rounds: dict[int, dict[int, dict[str, Any]]] = defaultdict(dict)
        for chunk in _chunks(sorted(x["id"] for x in cases.values())):
            for row in conn.execute(select(r.id, r.case_id, r.round_no, r.submitted_on, r.reviewed_on, r.outcome,
                                           r.opinion, r.reviewer_officer_id).where(r.case_id.in_(chunk))).mappings():
                rounds[row["case_id"]][row["round_no"]] = dict(row)
        officers: dict[str, dict[str, Any]] = {}
        for chunk in _chunks(sorted({x.ref["reviewer"] for x in recs if x.ref["reviewer"]})):
            for row in conn.execute(select(o.id, o.cert_no, o.name, o.agency_id, o.is_legal_reviewer)
                                    .where(o.cert_no.in_(chunk))).mappings():
                officers[row["cert_no"]] = dict(row)

        by_case: dict[str, list[_Rec]] = defaultdict(list)
        for rec in recs:
            by_case[rec.ref["case_no"]].append(rec)
        for case_no, group in by_case.items():
            case = cases.get(case_no)
            if case is None:
                for rec in group:
                    out.err(rec, "case_no", f"系统中没有案号为“{case_no}”的案件（请先导入案件）")
                continue
            final = {n: (x["outcome"], x["reviewed_on"]) for n, x in rounds[case["id"]].items()}
            for rec in sorted(group, key=lambda x: x.data["round_no"]):
                self._resolve_round(rec, case, rounds[case["id"]], final, officers, out)
        return out

    def _resolve_round(self, rec: _Rec, case: dict[str, Any], stored: dict[int, dict[str, Any]],
                       final: dict[int, tuple[ReviewOutcome | None, dt.date | None]],
                       officers: dict[str, dict[str, Any]], out: _Problems) -> None:
        data, n = rec.data, rec.data["round_no"]
        rec.ref["case_id"] = case["id"]
        if data["submitted_on"] < case["filed_on"]:
            out.err(rec, "submitted_on", f"报送日期{data['submitted_on'].isoformat()}早于立案日期"
                                         f"{case['filed_on'].isoformat()}")
            return
        if "reviewer" in self.present:
            cert = rec.ref["reviewer"]
            data["reviewer_officer_id"] = None
            if cert:
                officer = officers.get(cert)
                if officer is None:
                    out.err(rec, "reviewer", f"执法证号“{cert}”不在本系统执法人员名录中")
                    return
                data["reviewer_officer_id"] = officer["id"]
                if not officer["is_legal_reviewer"]:
                    out.warn(rec, "reviewer", f"{officer['name']}（{cert}）未登记为法制审核人员，请核对")
        old = stored.get(n)
        if old is not None:
            rec.id, rec.old = old["id"], old
            self.compare(rec)
            if rec.action == "update" and old["outcome"] is not None:
                out.err(rec, "outcome", f"第{n}轮法制审核已于{old['reviewed_on']}作出结论“{old['outcome'].value}”，"
                                        "已完成的审核不能通过导入修改（本行不同的是："
                                        + "、".join(self.column_label(k) for k in rec.changed) + "）")
                return
        else:
            if n > 1:
                previous = final.get(n - 1)
                if previous is None:
                    out.err(rec, "round_no", f"本案没有第{n - 1}轮审核，不能直接报送第{n}轮（轮次须连续）")
                    return
                if previous[0] is None:
                    out.err(rec, "round_no", f"本案第{n - 1}轮审核尚未作出结论，不能报送第{n}轮")
                    return
                if previous[1] is not None and data["submitted_on"] < previous[1]:
                    out.err(rec, "submitted_on", f"第{n}轮报送日期{data['submitted_on'].isoformat()}早于第{n - 1}轮"
                                                 f"审核日期{previous[1].isoformat()}")
                    return
                if previous[0] is ReviewOutcome.APPROVED:
                    out.warn(rec, "round_no", f"第{n - 1}轮审核已同意，又报送第{n}轮，请核对")
            rec.action = "insert"
        final[n] = (data["outcome"], data["reviewed_on"])
        if not case["is_major"]:
            out.warn(rec, "case_no", "该案件未标记为重大执法决定，请核对")
        if case["decided_on"] and data["reviewed_on"] and data["reviewed_on"] > case["decided_on"]:
            out.warn(rec, "reviewed_on", f"审核日期{data['reviewed_on'].isoformat()}晚于决定日期"
                                         f"{case['decided_on'].isoformat()}，不是事前审核")

    def write(self, conn: Connection, ids: _Ids, recs: list[_Rec], report: ImportReport) -> None:
        actor, now = self.opts.actor[:50], _now()
        new = [r for r in recs if r.action == "insert"]
        _insert(conn, m.LegalReview.__table__, REVIEW_COLS, (
            (rid, r.ref["case_id"], r.data["round_no"], r.data["submitted_on"], r.data.get("reviewer_officer_id"),
             r.data["reviewed_on"], r.data["outcome"], r.data.get("opinion", ""), "{}", now, actor)
            for r, rid in zip(new, ids.take(m.LegalReview.__table__, len(new)))))
        self.update_rows(conn, m.LegalReview.__table__, recs)
        self.update_audits(conn, recs, lambda r: f"{r.ref['case_no']} 第{r.data['round_no']}轮")


KINDS: dict[str, KindSpec] = {
    spec.kind: spec for spec in (
        KindSpec("agencies", "执法主体", AGENCY_FIELDS, _Agencies),
        KindSpec("officers", "执法人员", OFFICER_FIELDS, _Officers),
        KindSpec("matters", "权责清单事项", MATTER_FIELDS, _Matters),
        KindSpec("cases", "案件", CASE_FIELDS, _Cases),
        KindSpec("events", "执法全过程记录", EVENT_FIELDS, _Events),
        KindSpec("reviews", "法制审核", REVIEW_FIELDS, _Reviews),
    )
}
_ALIASES.update({kind: _build_aliases(spec.fields) for kind, spec in KINDS.items()})
