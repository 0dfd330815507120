"""Import of published penalty decisions from a flat CSV/Excel file (issue 5, kind ``decisions``).

One row per decision, Chinese headers as in the published template (English aliases accepted, column order free).
The engine is shared by ``manage.py import`` and the admin import page:

* :func:`read_table` reads CSV (UTF-8 with or without BOM, UTF-16, GB18030/GBK; quoted line breaks), .xlsx and
  .xls into strings, keeping each record's file line number. A file that cannot be read raises
  :class:`ImportFileError` with a one-line Chinese message (exit code 2).
* :func:`import_decisions` validates every row (every problem with its line, column and a Chinese message), then
  writes in ONE transaction: by default nothing at all when any row is invalid (exit 1); with ``accept_valid`` the
  valid rows (exit 3 when some were rejected). Re-importing the same file changes nothing (upsert by 决定书文号); a
  changed row updates the decision and, when it was published, records a correction in the disclosure history.
* :func:`template_csv_bytes` / :func:`template_xlsx_bytes` give the downloadable templates (of any kind).

The other import kinds (agencies, officers, matters, cases, events, reviews) live in db/import_kinds.py, which reuses
this module's reader, report, header folding and bulk writes; :func:`run_import` dispatches by kind.

Validation is pure Python over preloaded lookups and the writes are bulk inserts (db.bulk), so 100,000 rows stay
well under a minute on SQLite (docs/import.md records the measured figure).
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import hashlib
import io
import json
import math
import os
import re
import time
import unicodedata
import zipfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import islice
from decimal import Decimal
from pathlib import Path
from typing import Any, BinaryIO, Literal
from zoneinfo import ZoneInfo

from sqlalchemy import Connection, Engine, bindparam, select, text
from sqlalchemy.exc import SQLAlchemyError

from db import models as m
from db.bulk import insert_rows, max_id
from db.projection import project_decisions, stale_or_missing_ids
from domain.deadlines import add_months
from domain.enums import (
    ActionCategory,
    AgencyKind,
    AgencyLevel,
    CaseStatus,
    DataOrigin,
    DisclosureStatus,
    DiscretionTier,
    MajorReason,
    PartyType,
    PenaltyType,
    Procedure,
    ReviewOutcome,
)
from domain.identifiers import validate_id_number, validate_uscc
from domain.numbers import parse_chinese_number
from domain.parsing import (
    FieldError,
    PenaltyContent,
    infer_party_type,
    normalize_header,
    parse_amount,
    parse_date,
    parse_penalty_content,
    parse_penalty_types,
    parse_publication_period,
    parse_yes_no,
)

__all__ = [
    "DEFAULT_PERIOD_MONTHS_ORG",
    "DEFAULT_PERIOD_MONTHS_PERSON",
    "EXIT_FILE_ERROR",
    "EXIT_OK",
    "EXIT_PARTIAL",
    "EXIT_REFUSED",
    "FIELDS",
    "HeaderMap",
    "ImportFileError",
    "ImportReport",
    "RowProblem",
    "SUPPORTED_KINDS",
    "bench_import",
    "Table",
    "TemplateField",
    "import_decisions",
    "map_headers",
    "read_table",
    "run_import",
    "sample_decision_rows",
    "template_csv_bytes",
    "template_rows",
    "template_xlsx_bytes",
    "write_csv",
]

EXIT_OK = 0  # every row accepted (or would be, in a dry run)
EXIT_REFUSED = 1  # invalid rows: nothing written
EXIT_FILE_ERROR = 2  # unreadable file or bad arguments (ImportFileError)
EXIT_PARTIAL = 3  # --accept-valid: the valid rows were written, the invalid ones rejected

# Import kinds in dependency order: agencies before the officers and matters that name them, cases before their
# events and review rounds. ``decisions`` is implemented here, the others in db.import_kinds.
SUPPORTED_KINDS = ("agencies", "officers", "matters", "cases", "events", "reviews", "decisions")
DEFAULT_PERIOD_MONTHS_PERSON = 24  # 公示期限 when the column is blank (RULES.md §1.4 local practice: 2 years)
DEFAULT_PERIOD_MONTHS_ORG = 60  # … and 5 years for organisations
SIMPLE_PROCEDURE_MAX_FINE = {True: Decimal("200"), False: Decimal("3000")}  # 行政处罚法 art. 51, keyed by "person"
SEVERE_TYPES = frozenset({PenaltyType.ORDER_SUSPENSION, PenaltyType.ORDER_CLOSURE, PenaltyType.REVOKE_LICENCE})
MAX_MONEY = Decimal("999999999999.99")  # NUMERIC(14, 2)
CHINA_TZ = ZoneInfo("Asia/Shanghai")
PREVIEW_ROWS = 200  # rows kept for ImportReport.preview

Severity = Literal["error", "warning"]
ProgressFn = Callable[[int, int], None]

_INVISIBLE = {ord(c): None for c in "\ufeff\u200b\u200c\u200d\u2060"}
_WS_RE = re.compile(r"\s+")


# ==============================================================================================================
# Errors and problems
# ==============================================================================================================


class ImportFileError(Exception):
    """The file (or an argument) cannot be used at all: empty, truncated, binary, wrong template, unknown kind.
    ``message`` is one line of Chinese for the administrator; scripts exit with ``exit_code`` (2)."""

    exit_code = EXIT_FILE_ERROR

    def __init__(self, message: str) -> None:
        message = " ".join(str(message).split())  # always one line
        super().__init__(message)
        self.message = message


@dataclass(frozen=True, slots=True)
class RowProblem:
    """One problem of one row. ``line`` is the file line (the header is line 1 in a plain file; for a CSV record
    spanning several lines, the line where it starts); ``column`` the canonical Chinese header ("" for the row)."""

    line: int
    column: str
    message: str
    severity: Severity = "error"

    def __str__(self) -> str:
        where = f"第{self.line}行" + (f"“{self.column}”" if self.column else "")
        return f"{where}{'错误' if self.severity == 'error' else '提示'}：{self.message}"


# ==============================================================================================================
# The template
# ==============================================================================================================


@dataclass(frozen=True)
class TemplateField:
    key: str  # English alias, also the internal name
    header: str  # canonical Chinese header
    required: bool
    fmt: str  # what the cell may contain (docs, template notes)
    example: str  # the template's example row
    aliases: tuple[str, ...] = ()  # further headers seen in real exports (信用中国 format, local systems)


FIELDS: tuple[TemplateField, ...] = (
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
_FIELD_BY_KEY = {f.key: f for f in FIELDS}
_LABEL = {f.key: f.header for f in FIELDS}
_MONEY_FIELDS = ("fine_amount", "confiscation_amount", "base_amount")


def _build_aliases() -> dict[str, tuple[str, str]]:
    """normalised header → (field key, unit of the column)."""
    aliases: dict[str, tuple[str, str]] = {}
    for f in FIELDS:
        names = [f.header, f.key, f.key.replace("_", " "), f.key.replace("_", ""), *f.aliases]
        for name in names:
            aliases[normalize_header(name)] = (f.key, "元")
        if f.key in _MONEY_FIELDS:
            base = re.sub(r"（元）$", "", f.header)
            for name in [base, *[a for a in f.aliases if "(元)" not in a]]:
                stem = re.sub(r"\(元\)$", "", normalize_header(name))
                aliases[f"{stem}(元)"] = (f.key, "元")
                aliases[f"{stem}(人民币元)"] = (f.key, "元")
                aliases[f"{stem}(万元)"] = (f.key, "万元")
                aliases[f"{stem}(亿元)"] = (f.key, "亿元")
    return aliases


_ALIASES = _build_aliases()


@dataclass(frozen=True)
class HeaderMap:
    columns: dict[str, int]  # field key → column index
    units: dict[str, str]  # money field key → unit of its column (元/万元/亿元)
    unknown: tuple[str, ...]  # headers that map to no field (reported, ignored)


def map_headers(headers: Sequence[str]) -> HeaderMap:
    """Match a header row against the template. Raises ImportFileError for a wrong template (a required column
    missing) or an ambiguous one (two columns for the same field)."""
    columns: dict[str, int] = {}
    units: dict[str, str] = {}
    unknown: list[str] = []
    for index, header in enumerate(headers):
        norm = normalize_header(header)
        if not norm:
            continue
        hit = _ALIASES.get(norm)
        if hit is None:
            unknown.append(str(header).strip())
            continue
        key, unit = hit
        if key in columns:
            raise ImportFileError(
                f"表头中“{str(headers[columns[key]]).strip()}”和“{str(header).strip()}”都对应“{_LABEL[key]}”，请只保留一列"
            )
        columns[key] = index
        units[key] = unit
    missing = [f.header for f in FIELDS if f.required and f.key not in columns]
    if missing:
        raise ImportFileError(
            "文件不是决定书导入模板：缺少必填列" + "、".join(f"“{h}”" for h in missing)
            + "（请下载导入模板核对表头）"
        )
    return HeaderMap(columns, units, tuple(unknown))


def _header_score(cells: Sequence[str]) -> int:
    return sum(1 for c in cells if c and normalize_header(c) in _ALIASES)


# ==============================================================================================================
# Reading files
# ==============================================================================================================


@dataclass
class Table:
    """A sheet read as text. ``rows[i]`` started on file line ``lines[i]``; blank rows are dropped."""

    headers: list[str]
    rows: list[list[str]]
    lines: list[int]
    header_line: int = 1
    file_format: str = ""  # e.g. "CSV（UTF-8，带BOM）", "Excel .xlsx（工作表“Sheet1”）"
    file_name: str = ""
    # (row index, column index) of numbers Excel stored with more digits than it keeps exactly (ID numbers).
    imprecise: set[tuple[int, int]] = field(default_factory=set)

    def __len__(self) -> int:
        return len(self.rows)


Source = str | os.PathLike[str] | bytes | bytearray | memoryview | BinaryIO


def _load_bytes(source: Source, filename: str | None) -> tuple[bytes, str]:
    if isinstance(source, (bytes, bytearray, memoryview)):
        return bytes(source), filename or ""
    if isinstance(source, (str, os.PathLike)):
        path = Path(source)
        try:
            return path.read_bytes(), filename or path.name
        except FileNotFoundError:
            raise ImportFileError(f"找不到文件：{path}") from None
        except IsADirectoryError:
            raise ImportFileError(f"{path} 是目录，不是文件") from None
        except OSError as exc:
            raise ImportFileError(f"无法读取文件 {path}：{exc.strerror or exc}") from None
    getvalue = getattr(source, "getvalue", None)
    data = getvalue() if callable(getvalue) else source.read()
    if isinstance(data, str):
        data = data.encode("utf-8")
    return bytes(data), filename or os.path.basename(str(getattr(source, "name", "") or ""))


_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


HeaderScore = Callable[[Sequence[str]], int]


def read_table(source: Source, *, filename: str | None = None, header_score: HeaderScore | None = None) -> Table:
    """Read a CSV, .xlsx or .xls file (path, bytes or a binary file object such as Streamlit's UploadedFile) into
    strings. The format is recognised from the content, the extension only refines the messages.

    ``header_score(cells)`` counts the template columns in a row; the header is the first of the first ten rows
    scoring at least 2, and in a workbook the first sheet with such a header is used. The default recognises the
    ``decisions`` template; db.import_kinds passes its own for the other kinds.

    Raises ImportFileError for an empty, truncated, binary or undecodable file.
    """
    score = header_score or _header_score
    data, name = _load_bytes(source, filename)
    ext = Path(name).suffix.lower()
    if not data.strip(b" \t\r\n\x00"):
        raise ImportFileError(f"文件{_q(name)}为空")
    if data[:4] == b"PK\x03\x04" or (ext in (".xlsx", ".xlsm") and data[:8] != _OLE_MAGIC):
        if data[:4] != b"PK\x03\x04":
            raise ImportFileError(f"文件{_q(name)}扩展名为{ext}，但内容不是Excel工作簿（文件可能已损坏或不完整）")
        table = _read_xlsx(data, score)
    elif data[:8] == _OLE_MAGIC:
        table = _read_xls(data, score)
    else:
        table = _read_text(data, ext, score)
    table.file_name = name
    return table


def _q(name: str) -> str:
    return f"“{name}”" if name else ""


def _decode(data: bytes) -> tuple[str, str, str]:
    """(text, label for the report, codec). Raises ImportFileError for binary or undecodable content."""
    if data.startswith(codecs.BOM_UTF8):
        try:
            return data[3:].decode("utf-8"), "UTF-8，带BOM", "utf-8-sig"
        except UnicodeDecodeError:
            raise ImportFileError("文件以UTF-8标记开头，但内容不是有效的UTF-8文本（文件可能已损坏）") from None
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16"), "UTF-16", "utf-16"
        except UnicodeDecodeError:
            raise ImportFileError("文件以UTF-16标记开头，但内容不是有效的UTF-16文本（文件可能已损坏）") from None
    if b"\x00" in data[:65536]:
        raise ImportFileError("文件不是CSV或Excel表格（内容为二进制数据）")
    try:
        return data.decode("utf-8"), "UTF-8", "utf-8"
    except UnicodeDecodeError as exc:
        if exc.start >= len(data) - 3 and exc.start > 0:
            # Valid UTF-8 up to a character cut in half at the very end: a truncated file, not GB18030.
            raise ImportFileError("文件末尾的字符不完整，文件可能被截断：请重新导出完整的文件") from None
    try:
        return data.decode("gb18030"), "GB18030/GBK", "gb18030"
    except UnicodeDecodeError:
        raise ImportFileError("无法识别文件编码：请将文件保存为UTF-8或GB18030（GBK）编码的CSV，或Excel格式") from None


_CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def _read_text(data: bytes, ext: str, score: HeaderScore = _header_score) -> Table:
    text_, encoding, codec = _decode(data)  # decoding the whole file once proves the encoding
    head = text_[:65536]
    del text_  # parsed below as a stream, so the decoded text is not held twice
    sample_ = head[:4096]
    if len(_CONTROL_RE.findall(sample_)) > max(3, len(sample_) // 100):
        raise ImportFileError("文件不是CSV或Excel表格（内容为二进制数据）")
    if head.lstrip()[:20].lower().startswith(("<!doctype html", "<html", "<table", "<?xml")):
        raise ImportFileError("文件是网页（HTML/XML）格式而不是CSV或Excel表格：请用Excel打开后另存为.xlsx或CSV再导入")
    sample = "\n".join([ln for ln in head.splitlines()[:10] if ln.strip()])
    delimiter = max((",", "\t", ";", "|"), key=lambda d: sample.count(d))
    if sample.count(delimiter) == 0:
        delimiter = "\t" if ext in (".tsv", ".txt") else ","
    stream = io.TextIOWrapper(io.BytesIO(data), encoding=codec, newline="")
    reader = csv.reader(stream, delimiter=delimiter, strict=True)
    records: list[tuple[int, list[str]]] = []
    start = 1
    try:
        for record in reader:
            records.append((start, record))
            start = reader.line_num + 1
    except csv.Error as exc:
        detail = "引号未闭合，文件可能不完整（被截断）" if "end of data" in str(exc) or "EOF" in str(exc) \
            else "引号使用不正确（字段中的引号应写成两个双引号）"
        raise ImportFileError(f"CSV文件第{start}行起格式错误：{detail}") from None
    kind = {",": "CSV", "\t": "制表符分隔文本", ";": "分号分隔文本", "|": "竖线分隔文本"}[delimiter]
    return _table_from_records(records, f"{kind}（{encoding}）", score=score)


def _table_from_records(records: Iterable[tuple[int, list[str]]], file_format: str,
                        imprecise: set[tuple[int, int]] | None = None, *,
                        score: HeaderScore = _header_score) -> Table:
    """Find the header (the first of the first 10 non-blank records that looks like the template; a title row
    above it is skipped) and keep the non-blank records below it."""
    it = iter(records)
    candidates: list[tuple[int, list[str]]] = []
    header: tuple[int, list[str]] | None = None
    for line, cells in it:
        if not any(c.strip() for c in cells):
            continue
        candidates.append((line, cells))
        if score(cells) >= 2:
            header = (line, cells)
            break
        if len(candidates) >= 10:
            break
    if header is None:
        if not candidates:
            raise ImportFileError("文件没有任何内容")
        header = candidates[0]
        rest: Iterable[tuple[int, list[str]]] = candidates[1:] + list(it)
    else:
        rest = it
    header_line, header_cells = header
    headers = [c.translate(_INVISIBLE).strip() for c in header_cells]
    while headers and not headers[-1]:
        headers.pop()
    rows: list[list[str]] = []
    lines: list[int] = []
    moved: set[tuple[int, int]] = set()
    for line, cells in rest:
        if not any(c.strip() for c in cells):
            continue
        if imprecise:
            moved.update((len(rows), col) for (ln, col) in imprecise if ln == line)
        rows.append(cells)
        lines.append(line)
    return Table(headers, rows, lines, header_line, file_format, imprecise=moved)


def _cell_text(value: Any) -> tuple[str, bool]:
    """An Excel cell as text; the flag says the number was too long for Excel to keep exactly."""
    if value is None:
        return "", False
    if isinstance(value, str):
        return value, False
    if isinstance(value, bool):
        return ("是" if value else "否"), False
    if isinstance(value, dt.datetime):
        if value.time() == dt.time(0, 0):
            return value.date().isoformat(), False
        return value.isoformat(sep=" "), False
    if isinstance(value, (dt.date, dt.time)):
        return value.isoformat(), False
    if isinstance(value, int):
        return str(value), abs(value) >= 10**15
    if isinstance(value, float):
        if not math.isfinite(value):
            return str(value), False
        if value.is_integer():
            return str(int(value)), abs(value) >= 1e15
        return repr(value), False
    if isinstance(value, Decimal):
        return str(value), False
    return str(value), False


def _read_xlsx(data: bytes, score: HeaderScore = _header_score) -> Table:
    """.xlsx: a lean streaming reader first (ElementTree over the sheet XML, about three times faster than
    openpyxl on 100,000 rows), openpyxl for any workbook it does not understand."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, OSError, ValueError):
        raise ImportFileError("Excel文件已损坏或不完整，无法读取：请在Excel中打开并重新保存后再导入") from None
    try:
        return _read_xlsx_streaming(archive, score)
    except ImportFileError:
        raise
    except Exception:  # noqa: BLE001 - anything unusual: let openpyxl try
        return _read_xlsx_openpyxl(data, score)


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _xlsx_text(node: Any, ns: str) -> str:
    """Text of a shared or inline string: plain <t>, or the <r><t> runs of rich text (never phonetic <rPh>)."""
    plain = node.find(f"{ns}t")
    if plain is not None:
        return plain.text or ""
    return "".join(t.text or "" for r in node.findall(f"{ns}r") if (t := r.find(f"{ns}t")) is not None)


def _column_index(ref: str) -> int:
    n = 0
    for ch in ref:
        if "A" <= ch <= "Z":
            n = n * 26 + ord(ch) - 64
        else:
            break
    return n - 1


def _read_xlsx_streaming(archive: zipfile.ZipFile, score: HeaderScore = _header_score) -> Table:
    from xml.etree import ElementTree as ET

    from openpyxl.styles.numbers import BUILTIN_FORMATS, is_date_format
    from openpyxl.utils.datetime import CALENDAR_MAC_1904, CALENDAR_WINDOWS_1900, from_excel

    names = set(archive.namelist())
    workbook = ET.parse(archive.open("xl/workbook.xml")).getroot()
    ns = workbook.tag[: workbook.tag.index("}") + 1] if workbook.tag.startswith("{") else ""
    properties = workbook.find(f"{ns}workbookPr")
    epoch = CALENDAR_MAC_1904 if properties is not None and properties.get("date1904") in ("1", "true") \
        else CALENDAR_WINDOWS_1900
    relations = ET.parse(archive.open("xl/_rels/workbook.xml.rels")).getroot()
    targets = {r.get("Id"): r.get("Target", "") for r in relations}
    sheets = []
    for sheet in workbook.iter(f"{ns}sheet"):
        rel_id = next((v for k, v in sheet.attrib.items() if _local(k) == "id"), None)
        target = targets[rel_id]
        sheets.append((sheet.get("name", ""), target.lstrip("/") if target.startswith("/") else f"xl/{target}"))
    shared: list[str] = []
    if "xl/sharedStrings.xml" in names:
        for _, node in ET.iterparse(archive.open("xl/sharedStrings.xml")):
            if node.tag == f"{ns}si":
                shared.append(_xlsx_text(node, ns))
                node.clear()
    date_styles: set[int] = set()
    if "xl/styles.xml" in names:
        styles = ET.parse(archive.open("xl/styles.xml")).getroot()
        custom = {int(f.get("numFmtId", "0")): f.get("formatCode", "") for f in styles.iter(f"{ns}numFmt")}
        cell_xfs = styles.find(f"{ns}cellXfs")
        for index, xf in enumerate(cell_xfs if cell_xfs is not None else []):
            code = custom.get(int(xf.get("numFmtId", "0"))) or BUILTIN_FORMATS.get(int(xf.get("numFmtId", "0")))
            if code and is_date_format(code):
                date_styles.add(index)

    def records(target: str, flags: set[tuple[int, int]]) -> Iterator[tuple[int, list[str]]]:
        line = 0
        row_tag, cell_tag, value_tag, inline_tag = f"{ns}row", f"{ns}c", f"{ns}v", f"{ns}is"
        for _, node in ET.iterparse(archive.open(target)):
            if node.tag != row_tag:
                continue
            line = int(node.get("r") or line + 1)
            cells: list[str] = []
            for cell in node:
                if cell.tag != cell_tag:
                    continue
                ref = cell.get("r")
                index = _column_index(ref) if ref else len(cells)
                kind = cell.get("t")
                v = cell.find(value_tag)
                value: Any
                if kind == "s":
                    value = shared[int(v.text)] if v is not None and v.text else ""
                elif kind == "inlineStr":
                    inline = cell.find(inline_tag)
                    value = _xlsx_text(inline, ns) if inline is not None else ""
                elif v is None or v.text is None:
                    value = None
                elif kind in ("str", "e", "d"):
                    value = v.text
                elif kind == "b":
                    value = v.text.strip() in ("1", "true")
                else:
                    number = v.text.strip()
                    value = int(number) if number.lstrip("-").isdigit() else float(number)
                    if date_styles and int(cell.get("s") or 0) in date_styles:
                        try:
                            value = from_excel(value, epoch)
                        except (ValueError, OverflowError):
                            pass
                text_, inexact = _cell_text(value)
                if inexact:
                    flags.add((line, index))
                if index > len(cells):
                    cells.extend([""] * (index - len(cells)))
                cells.append(text_)
            node.clear()
            yield line, cells

    first: Table | None = None
    for name, target in sheets:
        imprecise: set[tuple[int, int]] = set()
        try:
            table = _table_from_records(list(records(target, imprecise)), f"Excel .xlsx（工作表“{name}”）", imprecise,
                                        score=score)
        except ImportFileError:
            continue
        if score(table.headers) >= 2:
            return table
        first = first or table
    if first is None:
        raise ImportFileError("Excel文件中没有包含数据的工作表")
    return first


def _read_xlsx_openpyxl(data: bytes, score: HeaderScore = _header_score) -> Table:
    import openpyxl  # imported here: the CSV path and the app's startup do not need it

    try:
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # noqa: BLE001 - zipfile, XML and openpyxl errors all mean "cannot be read"
        raise ImportFileError("Excel文件已损坏或不完整，无法读取：请在Excel中打开并重新保存后再导入") from None
    try:
        first: Table | None = None
        for sheet in workbook.worksheets:
            if not hasattr(sheet, "iter_rows"):
                continue  # chart sheets
            try:
                sheet.reset_dimensions()  # some generators write a wrong <dimension>; read every row
            except AttributeError:
                pass
            imprecise: set[tuple[int, int]] = set()

            def records(ws: Any = sheet, flags: set[tuple[int, int]] = imprecise) -> Iterator[tuple[int, list[str]]]:
                for line, values in enumerate(ws.iter_rows(values_only=True), start=1):
                    cells = []
                    for col, value in enumerate(values):
                        text_, inexact = _cell_text(value)
                        if inexact:
                            flags.add((line, col))
                        cells.append(text_)
                    yield line, cells

            try:
                rows = list(records())
                table = _table_from_records(rows, f"Excel .xlsx（工作表“{sheet.title}”）", imprecise, score=score)
            except ImportFileError:
                continue
            except Exception:  # noqa: BLE001
                raise ImportFileError("Excel文件已损坏或不完整，无法读取：请在Excel中打开并重新保存后再导入") from None
            if score(table.headers) >= 2:
                return table
            first = first or table
        if first is None:
            raise ImportFileError("Excel文件中没有包含数据的工作表")
        return first
    finally:
        workbook.close()


def _read_xls(data: bytes, score: HeaderScore = _header_score) -> Table:
    import xlrd

    try:
        book = xlrd.open_workbook(file_contents=data, on_demand=True)
    except Exception:  # noqa: BLE001
        raise ImportFileError("Excel 97-2003（.xls）文件已损坏或不完整，无法读取：请在Excel中另存为.xlsx后再导入") from None
    try:
        first: Table | None = None
        for index in range(book.nsheets):
            try:
                sheet = book.sheet_by_index(index)
                imprecise: set[tuple[int, int]] = set()
                records: list[tuple[int, list[str]]] = []
                for r in range(sheet.nrows):
                    cells: list[str] = []
                    for c in range(sheet.ncols):
                        ctype, value = sheet.cell_type(r, c), sheet.cell_value(r, c)
                        if ctype == xlrd.XL_CELL_DATE:
                            try:
                                value = xlrd.xldate_as_datetime(value, book.datemode)
                            except Exception:  # noqa: BLE001 - an out-of-range date: keep the serial
                                pass
                        elif ctype == xlrd.XL_CELL_BOOLEAN:
                            value = bool(value)
                        elif ctype == xlrd.XL_CELL_ERROR:
                            value = xlrd.error_text_from_code.get(value, "#错误")
                        text_, inexact = _cell_text(value)
                        if inexact:
                            imprecise.add((r + 1, c))
                        cells.append(text_)
                    records.append((r + 1, cells))
                table = _table_from_records(records, f"Excel 97-2003 .xls（工作表“{sheet.name}”）", imprecise,
                                            score=score)
            except ImportFileError:
                continue
            except Exception:  # noqa: BLE001
                raise ImportFileError("Excel 97-2003（.xls）文件已损坏或不完整，无法读取") from None
            if score(table.headers) >= 2:
                return table
            first = first or table
        if first is None:
            raise ImportFileError("Excel文件中没有包含数据的工作表")
        return first
    finally:
        book.release_resources()


# ==============================================================================================================
# Report
# ==============================================================================================================


@dataclass
class ImportReport:
    """What an import found and did. Counts obey ``read == inserted + updated + unchanged + rejected``; in a dry
    run inserted/updated/unchanged say what a real run would do. When the import is refused (invalid rows without
    ``accept_valid``) every row counts as rejected and ``invalid`` says how many rows had errors."""

    kind: str = "decisions"
    file_name: str = ""
    file_format: str = ""
    dry_run: bool = False
    accept_valid: bool = False
    read: int = 0
    inserted: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: int = 0
    invalid: int = 0  # rows with at least one error
    written: bool = False  # a transaction was committed
    problems: list[RowProblem] = field(default_factory=list)
    agencies_created: list[str] = field(default_factory=list)
    unreviewed_major: int = 0  # accepted rows marked 未经法制审核
    elapsed_seconds: float = 0.0
    headers: list[str] = field(default_factory=list)
    _raw_invalid: dict[int, list[str]] = field(default_factory=dict, repr=False)
    _preview: list[dict[str, Any]] = field(default_factory=list, repr=False)

    def check(self) -> None:
        total = self.inserted + self.updated + self.unchanged + self.rejected
        assert self.read == total, f"read {self.read} != {total}"

    @property
    def refused(self) -> bool:
        return self.invalid > 0 and not self.accept_valid

    @property
    def exit_code(self) -> int:
        if self.invalid == 0:
            return EXIT_OK
        return EXIT_PARTIAL if self.accept_valid else EXIT_REFUSED

    @property
    def errors(self) -> list[RowProblem]:
        return [p for p in self.problems if p.severity == "error"]

    @property
    def warnings(self) -> list[RowProblem]:
        return [p for p in self.problems if p.severity == "warning"]

    def summary(self) -> str:
        """One line of Chinese for the command line and the admin page."""
        head = "试运行（未写入）：" if self.dry_run else ""
        if self.refused:
            return (f"{head}读取{self.read}行，其中{self.invalid}行有错误，已拒绝整个文件，未写入任何数据"
                    f"（可修正后重新导入，或使用 --accept-valid 只导入有效行）")
        verb = "将" if self.dry_run else ""
        parts = [f"{head}读取{self.read}行", f"{verb}新增{self.inserted}行", f"{verb}更新{self.updated}行",
                 f"未变化{self.unchanged}行", f"拒绝{self.rejected}行"]
        text_ = "，".join(parts)
        if self.warnings:
            text_ += f"；提示{len(self.warnings)}条"
        if self.unreviewed_major:
            text_ += f"；{self.unreviewed_major}件重大决定未经法制审核，已标记"
        if self.agencies_created:
            text_ += f"；{'将' if self.dry_run else '已'}新建执法主体{len(self.agencies_created)}个"
        return text_

    def lines(self, max_problems: int | None = 200) -> list[str]:
        """The full text report: summary, then every problem (errors first), for the CLI."""
        out = [self.summary()]
        ordered = sorted(self.problems, key=lambda p: (p.severity != "error", p.line))
        shown = ordered if max_problems is None else ordered[:max_problems]
        out.extend(str(p) for p in shown)
        if len(shown) < len(ordered):
            out.append(f"……另有{len(ordered) - len(shown)}条问题未列出（完整内容见拒绝文件或管理页面）")
        return out

    def problem_rows(self) -> list[dict[str, Any]]:
        """Problems as table rows (行号, 列, 级别, 问题) for st.dataframe."""
        return [{"行号": p.line, "列": p.column, "级别": "错误" if p.severity == "error" else "提示", "问题": p.message}
                for p in sorted(self.problems, key=lambda p: (p.line, p.severity != "error"))]

    def preview(self, n: int = 10) -> list[dict[str, Any]]:
        """The first ``n`` rows (at most PREVIEW_ROWS) as parsed: values after normalisation, the action taken
        and the row's problems."""
        return [dict(r) for r in self._preview[:n]]

    def rejects_csv_bytes(self) -> bytes:
        """Every invalid row with its line number and reasons, then its original cells; UTF-8 with BOM (Excel)."""
        reasons: dict[int, list[str]] = {}
        for p in self.errors:
            reasons.setdefault(p.line, []).append(f"{p.column}：{p.message}" if p.column else p.message)
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\r\n")
        writer.writerow(["行号", "错误原因", *self.headers])
        for line in sorted(self._raw_invalid):
            writer.writerow([line, "；".join(reasons.get(line, [])), *self._raw_invalid[line]])
        return codecs.BOM_UTF8 + buffer.getvalue().encode("utf-8")

    def rejects_csv(self, path: str | os.PathLike[str]) -> int:
        """Write :meth:`rejects_csv_bytes` to ``path``; returns the number of rows written."""
        Path(path).write_bytes(self.rejects_csv_bytes())
        return len(self._raw_invalid)


# ==============================================================================================================
# Validation
# ==============================================================================================================


@dataclass
class _AgencyRef:
    id: int | None
    name: str
    major_fine_person: Decimal
    major_fine_org: Decimal
    first_line: int = 0  # for agencies to be created


@dataclass(slots=True)
class _PartyRef:
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
class _Rec:
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
    agency: _AgencyRef | None = None
    party: _PartyRef | None = None
    action: str = ""  # insert | update | unchanged
    existing: _Existing | None = None
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
class _Existing:
    decision_id: int
    case_id: int
    party_id: int
    origin: DataOrigin
    disclosure_id: int | None
    disclosure_status: DisclosureStatus | None
    disclosure_version: int
    rec: _Rec


_LABEL_EXTRA = {"agency": "处罚机关", "party_type": "当事人类型", "party_name": "当事人名称",
                "is_major": "是否重大/法制审核", "review_outcome": "法制审核结论/日期",
                "penalty_types": "处罚种类及金额"}


def _label(key: str) -> str:
    return _LABEL_EXTRA.get(key) or _LABEL.get(key, key)


_PARTY_TYPE_VALUES: dict[str, PartyType | None] = {
    "自然人": PartyType.NATURAL_PERSON, "个人": PartyType.NATURAL_PERSON, "公民": PartyType.NATURAL_PERSON,
    "法人": PartyType.LEGAL_PERSON, "企业法人": PartyType.LEGAL_PERSON, "法人组织": PartyType.LEGAL_PERSON,
    "非法人组织": PartyType.UNINCORPORATED, "其他组织": PartyType.UNINCORPORATED,
    "个体工商户": PartyType.INDIVIDUAL_BUSINESS, "个体户": PartyType.INDIVIDUAL_BUSINESS,
    "个体": PartyType.INDIVIDUAL_BUSINESS,
    # 信用中国 and many local systems only distinguish persons from "units": decided from the identifiers.
    "法人及非法人组织": None, "法人及其他组织": None, "法人或其他组织": None, "法人和其他组织": None, "单位": None,
    "组织": None, "企业": None,
}
_ORG_TYPES = (PartyType.LEGAL_PERSON, PartyType.UNINCORPORATED, PartyType.INDIVIDUAL_BUSINESS)
_REVIEW_PROBLEM_WORDS = ("不同意", "不通过", "未通过", "不予通过", "存在问题", "退回", "不合法", "驳回")
_REVIEW_OK_PREFIXES = ("同意", "通过", "审核通过", "已通过", "予以通过", "合法", "无异议")
_TIER_ALIASES = {t.value: t for t in DiscretionTier} | {
    "从轻处罚": DiscretionTier.LIGHTER, "一般处罚": DiscretionTier.GENERAL, "从重处罚": DiscretionTier.HEAVIER,
    "减轻处罚": DiscretionTier.MITIGATED, "不予行政处罚": DiscretionTier.NONE, "免予处罚": DiscretionTier.NONE,
    "较轻": DiscretionTier.LIGHTER, "较重": DiscretionTier.HEAVIER, "一般情形": DiscretionTier.GENERAL,
}
_TIER_LEVEL_RE = re.compile(r"第?\s*([0-9]{1,2}|[一二三四五六七八九十]{1,3})\s*(?:档|级|阶次|阶|等级)?")
_PERIOD_OPEN = "长期"


def _clean(value: str) -> str:
    if not value:
        return ""
    if "\r" in value:
        value = value.replace("\r\n", "\n").replace("\r", "\n")
    if not value.isascii():
        value = value.translate(_INVISIBLE)
    return value.strip()


# Cell parsers memoised per distinct text: real exports repeat dates, amounts and standard penalty wordings on
# thousands of rows. Each returns (value, Chinese error message or None) so that failures are cached too.
@lru_cache(maxsize=1 << 16)
def _date_cached(raw: str) -> tuple[dt.date | None, str | None]:
    try:
        return parse_date(raw), None
    except FieldError as exc:
        return None, exc.message


@lru_cache(maxsize=1 << 16)
def _amount_cached(raw: str, unit: str) -> tuple[Decimal | None, str | None]:
    try:
        return parse_amount(raw, unit=unit), None
    except FieldError as exc:
        return None, exc.message


@lru_cache(maxsize=1 << 16)
def _content_cached(raw: str) -> tuple[PenaltyContent | None, str | None]:
    try:
        return parse_penalty_content(raw), None
    except FieldError as exc:
        return None, exc.message


@lru_cache(maxsize=4096)
def _types_cached(raw: str) -> tuple[frozenset[PenaltyType], str | None]:
    try:
        return parse_penalty_types(raw), None
    except FieldError as exc:
        return frozenset(), exc.message


@lru_cache(maxsize=4096)
def _period_cached(raw: str) -> tuple[int | None, str | None]:
    try:
        return parse_publication_period(raw), None
    except FieldError as exc:
        return None, exc.message


def _compact(value: str) -> str:
    return _WS_RE.sub("", value.translate(_INVISIBLE))


def _agency_key(name: str) -> str:
    return _compact(unicodedata.normalize("NFKC", name))


def _money_text(value: Decimal | None) -> str:
    return "" if value is None else f"{value:,.2f}"


def _generated_case_no(decision_no: str) -> str:
    case_no = f"IMP-{decision_no}"
    if len(case_no) <= 50:
        return case_no
    digest = hashlib.sha1(decision_no.encode("utf-8")).hexdigest()[:16]
    return f"IMP-{decision_no[:29]}-{digest}"


def _age_on(id_number: str, day: dt.date) -> int | None:
    try:
        born = dt.date(int(id_number[6:10]), int(id_number[10:12]), int(id_number[12:14]))
    except (ValueError, IndexError):
        return None
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


@dataclass
class _Lookups:
    """Everything validation needs from the database, read once."""

    agencies: dict[str, _AgencyRef]  # _agency_key(name / short name / code) → agency
    benchmarks: dict[tuple[int, str], list[tuple[dt.date, dt.date | None, int]]]  # (agency, item_no) → versions
    tiers: dict[int, list[tuple[int, int, DiscretionTier | None]]]  # item id → (tier id, level, tier)
    # Filled by _load_keyed after the first pass, for the keys the file uses:
    decisions: dict[str, int] = field(default_factory=dict)  # decision_no → decision id
    cases: dict[str, str | None] = field(default_factory=dict)  # case_no → decision_no (None: no decision yet)
    parties: dict[tuple[str, ...], _PartyRef] = field(default_factory=dict)


def _load_lookups(conn: Connection) -> _Lookups:
    rows = conn.execute(select(m.Agency.id, m.Agency.name, m.Agency.short_name, m.Agency.code,
                               m.Agency.major_fine_person, m.Agency.major_fine_org)).all()
    refs = {aid: _AgencyRef(aid, name, person, org) for aid, name, _, _, person, org in rows}
    agencies: dict[str, _AgencyRef] = {_agency_key(name): refs[aid] for aid, name, *_ in rows}
    alias_hits: dict[str, set[int]] = {}
    for aid, _, short, code, _, _ in rows:  # short names and codes, where they name one agency only
        for alias in (short, code):
            key = _agency_key(alias or "")
            if key and key not in agencies:
                alias_hits.setdefault(key, set()).add(aid)
    for key, hits in alias_hits.items():
        if len(hits) == 1:
            agencies[key] = refs[next(iter(hits))]
    benchmarks: dict[tuple[int, str], list[tuple[dt.date, dt.date | None, int]]] = {}
    for agency_id, item_no, item_id, start, end in conn.execute(
            select(m.BenchmarkSet.agency_id, m.BenchmarkItem.item_no, m.BenchmarkItem.id,
                   m.BenchmarkSet.effective_from, m.BenchmarkSet.effective_to)
            .join(m.BenchmarkSet, m.BenchmarkItem.set_id == m.BenchmarkSet.id)):
        benchmarks.setdefault((agency_id, _compact(item_no)), []).append((start, end, item_id))
    tiers: dict[int, list[tuple[int, int, DiscretionTier | None]]] = {}
    for tid, item_id, level, tier in conn.execute(
            select(m.BenchmarkTier.id, m.BenchmarkTier.item_id, m.BenchmarkTier.level, m.BenchmarkTier.tier)):
        tiers.setdefault(item_id, []).append((tid, level, tier))
    return _Lookups(agencies, benchmarks, tiers)


def _load_keyed(conn: Connection, recs: Sequence[_Rec], lookups: _Lookups) -> None:
    """Stored decisions, cases and parties that the file's rows refer to (queried by key, never the whole
    table, so that memory stays flat however large the database is)."""
    decision_nos = sorted({r.decision_no for r in recs})
    for chunk in _chunks(decision_nos):
        lookups.decisions.update(conn.execute(
            select(m.Decision.decision_no, m.Decision.id).where(m.Decision.decision_no.in_(chunk))).all())
    for chunk in _chunks(sorted({r.case_no for r in recs})):
        lookups.cases.update(conn.execute(
            select(m.Case.case_no, m.Decision.decision_no).outerjoin(m.Decision, m.Decision.case_id == m.Case.id)
            .where(m.Case.case_no.in_(chunk))).all())
    keys = [_row_party_key(r) for r in recs]
    usccs = sorted({k[1] for k in keys if k[0] == "uscc"})
    ids = sorted({k[1] for k in keys if k[0] == "id"})
    names = sorted({k[2] for k in keys if k[0] == "name"})
    P = m.Party
    columns = (P.id, P.party_type, P.name, P.uscc, P.id_number, P.is_minor)
    for column, values in ((P.uscc, usccs), (P.id_number, ids), (P.name, names)):
        for chunk in _chunks(values):
            for pid, ptype, name, uscc, id_number, minor in conn.execute(
                    select(*columns).where(column.in_(chunk)).order_by(P.id)):
                key = _party_key(ptype, name, uscc, id_number)
                lookups.parties.setdefault(key, _PartyRef(key, pid, ptype, name, uscc, id_number, minor, 0,
                                                          db=(ptype, name, uscc, id_number)))


def _party_key(ptype: PartyType, name: str, uscc: str | None, id_number: str | None) -> tuple[str, ...]:
    if uscc:
        return ("uscc", uscc)
    if id_number:
        return ("id", id_number)
    return ("name", ptype.value, name)


# "张某", "李某某", "王*", "赵××": a published, masked name identifies nobody, so such parties are never merged.
_MASKED_NAME_RE = re.compile(r"某|[*＊×✕]|[xX]{2}|○")


def _row_party_key(rec: _Rec) -> tuple[str, ...]:
    if not rec.uscc and not rec.id_number and rec.party_type is PartyType.NATURAL_PERSON \
            and _MASKED_NAME_RE.search(rec.party_name):
        return ("row", rec.decision_no)
    return _party_key(rec.party_type, rec.party_name, rec.uscc, rec.id_number)


class _RowValidator:
    """Turns one row of cells into a `_Rec` or problems. Everything it needs is preloaded."""

    def __init__(self, table: Table, header: HeaderMap, lookups: _Lookups, *, create_agencies: bool,
                 today: dt.date) -> None:
        self.table = table
        self.cols = header.columns
        self.units = header.units
        self.lookups = lookups
        self.create_agencies = create_agencies
        self.today = today
        self.seen_decisions: dict[str, int] = {}
        self.seen_cases: dict[str, tuple[int, str]] = {}
        self.new_agencies: dict[str, _AgencyRef] = {}

    def values(self, cells: list[str]) -> dict[str, str]:
        """The row's cells by field key, cleaned; "" for absent columns."""
        n = len(cells)
        out = dict.fromkeys(_FIELD_BY_KEY, "")
        for key, index in self.cols.items():
            if index < n and cells[index]:
                out[key] = _clean(cells[index])
        return out

    def cell(self, cells: list[str], key: str) -> str:
        index = self.cols.get(key)
        if index is None or index >= len(cells):
            return ""
        return _clean(cells[index])

    def validate(self, row_index: int, cells: list[str], line: int) -> tuple[_Rec | None, list[RowProblem]]:
        problems: list[RowProblem] = []

        def err(key: str, message: str) -> None:
            problems.append(RowProblem(line, _LABEL.get(key, ""), message, "error"))

        def warn(key: str, message: str) -> None:
            problems.append(RowProblem(line, _LABEL.get(key, ""), message, "warning"))

        v = self.values(cells)
        width = len(self.table.headers)
        if len(cells) > width and any(c.strip() for c in cells[width:]):
            if self.table.file_format.startswith("Excel"):
                warn("", f"表头右侧第{width + 1}列之后还有内容，没有表头，已忽略")
            else:
                err("", f"本行有{len(cells)}个单元格，多于表头的{width}列（可能是内容中的逗号没有加引号），请检查")

        def imprecise(key: str) -> bool:
            index = self.cols.get(key)
            return index is not None and (row_index, index) in self.table.imprecise

        # -- required
        decision_no = _compact(v["decision_no"])
        agency_text = v["agency"]
        party_name = _WS_RE.sub(" ", v["party_name"])
        decided_raw = v["decided_on"]
        for key, value in (("decision_no", decision_no), ("agency", agency_text), ("party_name", party_name),
                           ("decided_on", decided_raw)):
            if not value:
                err(key, f"{_LABEL[key]}不能为空")

        if decision_no:
            if len(decision_no) > 100:
                err("decision_no", f"决定书文号过长（{len(decision_no)}字，最多100字）")
            first = self.seen_decisions.get(decision_no)
            if first is not None:
                err("decision_no", f"决定书文号“{decision_no}”与第{first}行重复")
            else:
                self.seen_decisions[decision_no] = line
        if len(party_name) > 200:
            err("party_name", f"当事人名称过长（{len(party_name)}字，最多200字）")

        # -- agency
        agency: _AgencyRef | None = None
        if agency_text:
            key = _agency_key(agency_text)
            agency = self.lookups.agencies.get(key) or self.new_agencies.get(key)
            if agency is None:
                if len(agency_text) > 100:
                    err("agency", f"处罚机关名称过长（{len(agency_text)}字，最多100字）")
                elif self.create_agencies:
                    agency = _AgencyRef(None, _WS_RE.sub("", agency_text), Decimal("10000"), Decimal("100000"), line)
                    self.new_agencies[key] = agency
                else:
                    err("agency", f"系统中没有执法主体“{agency_text}”：请先在系统中添加，"
                                  "或使用 --create-agencies 自动新建")

        # -- identifiers
        uscc: str | None = None
        raw_uscc = v["uscc"]
        if raw_uscc:
            check = validate_uscc(raw_uscc)
            if check.ok:
                uscc = check.normalized
                for w in check.warnings:
                    warn("uscc", w)
            else:
                err("uscc", f"统一社会信用代码“{raw_uscc}”无效：{check.message}")
        id_number: str | None = None
        raw_id = v["id_number"]
        if raw_id:
            compact_id = _compact(unicodedata.normalize("NFKC", raw_id)).upper()
            if re.fullmatch(r"[0-9]{14,19}[0-9X]?", compact_id):
                check = validate_id_number(raw_id, today=self.today)
                if check.ok:
                    id_number = check.normalized
                    for w in check.warnings:
                        warn("id_number", w)
                else:
                    hint = ("；该单元格在Excel中是数字，超过15位的数字会被Excel改动，请将该列设为文本后重新填写"
                            if imprecise("id_number") else "")
                    err("id_number", f"身份证号码“{raw_id}”无效：{check.message}{hint}")
            elif len(compact_id) > 18:
                err("id_number", f"证件号码“{raw_id}”过长（最多18位）")
            else:
                id_number = compact_id
                warn("id_number", f"证件号码“{raw_id}”不是居民身份证号码，按其他证件原样保存，未做校验")

        # -- party type
        party_type: PartyType | None = None
        raw_type = _compact(unicodedata.normalize("NFKC", v["party_type"]))
        inferred, note = (None, "")
        if raw_type:
            if raw_type not in _PARTY_TYPE_VALUES:
                err("party_type", f"当事人类型“{raw_type}”无效，应为自然人、法人、非法人组织或个体工商户")
            else:
                party_type = _PARTY_TYPE_VALUES[raw_type]
                if party_type is None:
                    inferred, note = infer_party_type(party_name, uscc, id_number)
                    if inferred in _ORG_TYPES:
                        party_type = inferred
                        warn("party_type", f"当事人类型“{raw_type}”未区分法人与非法人组织，{note}")
                    else:
                        party_type = PartyType.LEGAL_PERSON
                        warn("party_type", f"当事人类型“{raw_type}”未区分法人与非法人组织，按法人处理，请核对")
        elif party_name:
            inferred, note = infer_party_type(party_name, uscc, id_number)
            if inferred is None:
                err("party_type", f"当事人类型为空且无法推断：{note}")
            else:
                party_type = inferred
                warn("party_type", f"当事人类型为空，已推断为“{inferred.value}”：{note}")

        # -- dates
        decided_on = self._date(v["decided_on"], "decided_on", err) if decided_raw else None
        if decided_on and decided_on > self.today:
            err("decided_on", f"决定日期{decided_on.isoformat()}晚于今天")
            decided_on = None
        filed_on = self._date(v["filed_on"], "filed_on", err)
        if decided_on and filed_on and decided_on < filed_on:
            err("decided_on", f"决定日期{decided_on.isoformat()}早于立案日期{filed_on.isoformat()}")
        published_on = self._date(v["published_on"], "published_on", err)
        if published_on and decided_on and published_on < decided_on:
            err("published_on", f"公示日期{published_on.isoformat()}早于决定日期{decided_on.isoformat()}")
        if published_on and published_on > self.today:
            err("published_on", f"公示日期{published_on.isoformat()}晚于今天：尚未公示的请留空")
        raw_period = v["publication_period"]
        period_months: int | None | str = None
        if raw_period:
            period_months, message = _period_cached(raw_period)
            if message:
                err("publication_period", message)
            if period_months is None:
                period_months = _PERIOD_OPEN

        # -- amounts
        amounts: dict[str, Decimal | None] = {}
        for key in _MONEY_FIELDS:
            raw = v[key]
            if not raw:
                amounts[key] = None
                continue
            value, message = _amount_cached(raw, self.units.get(key, "元"))
            if message:
                err(key, message)
                continue
            if value is not None and value < 0:
                err(key, f"金额“{raw}”为负数")
                continue
            if value is not None and value > MAX_MONEY:
                err(key, f"金额“{raw}”超出范围")
                continue
            amounts[key] = value

        # -- penalties
        types: frozenset[PenaltyType] = frozenset()
        raw_types = v["penalty_types"]
        if raw_types:
            types, message = _types_cached(raw_types)
            if message:
                err("penalty_types", message)
        content_text = v["penalty_content"]
        amounts_given = amounts.get("fine_amount") is not None or amounts.get("confiscation_amount") is not None
        content = None
        if content_text:
            content, message = _content_cached(content_text)
            if message:
                if amounts_given or not any(k in message for k in ("金额", "合计")):
                    warn("penalty_content", message + "（处罚内容按原文保存）")
                else:
                    err("penalty_content", message + "；请在罚款金额、没收金额列中填写金额")
            if content is not None and content.unrecognised:
                warn("penalty_content", f"处罚内容中有未能识别的部分：“{content.unrecognised}”（按原文保存），请核对")
        if not content_text and not raw_types:
            err("penalty_content", "处罚内容和处罚种类不能同时为空（执法结论是必须公示的内容）")

        fine_col, conf_col = amounts.get("fine_amount"), amounts.get("confiscation_amount")
        items: list[tuple[PenaltyType, Decimal | None, str]] = []
        if content is not None:
            items = [(i.type, i.amount, i.detail[:200]) for i in content.items]
        fine_total = content.fine_total if content is not None else Decimal("0.00")
        conf_total = content.confiscation_total if content is not None else Decimal("0.00")
        if fine_col is not None:
            if content is not None and content.fine_total and content.fine_total != fine_col:
                warn("fine_amount", f"罚款金额{_money_text(fine_col)}元与处罚内容中的罚款"
                                    f"{_money_text(content.fine_total)}元不一致，以罚款金额列为准")
            if fine_col != fine_total or not any(t is PenaltyType.FINE for t, _, _ in items):
                detail = next((d for t, _, d in items if t is PenaltyType.FINE), "")
                items = [i for i in items if i[0] is not PenaltyType.FINE]
                if fine_col > 0:
                    items.append((PenaltyType.FINE, fine_col, detail))
            fine_total = fine_col
        if conf_col is not None:
            conf_types = (PenaltyType.CONFISCATE_GAINS, PenaltyType.CONFISCATE_PROPERTY)
            if content is not None and content.confiscation_total and content.confiscation_total != conf_col:
                warn("confiscation_amount", f"没收金额{_money_text(conf_col)}元与处罚内容中的没收金额"
                                            f"{_money_text(content.confiscation_total)}元不一致，以没收金额列为准")
            if conf_col != conf_total or not any(t in conf_types for t, _, _ in items):
                first_conf = next((i for i in items if i[0] in conf_types), None)
                kind = first_conf[0] if first_conf else (
                    PenaltyType.CONFISCATE_PROPERTY if PenaltyType.CONFISCATE_PROPERTY in types
                    and PenaltyType.CONFISCATE_GAINS not in types else PenaltyType.CONFISCATE_GAINS)
                rest = [i for i in items if i[0] in conf_types and i is not first_conf]
                items = [i for i in items if i[0] not in conf_types]
                if conf_col > 0:
                    items.append((kind, conf_col, first_conf[2] if first_conf else ""))
                items.extend((t, None, d) for t, _, d in rest)
            conf_total = conf_col
        present = {t for t, _, _ in items}
        for t in sorted(types - present, key=lambda t: t.severity):
            items.append((t, None, ""))
        item_types = {t for t, _, _ in items}

        # -- major decision and legal review
        is_major_flag: bool | None = None
        raw_major = v["is_major"]
        if raw_major:
            try:
                is_major_flag = parse_yes_no(raw_major)
            except FieldError as exc:
                err("is_major", exc.message)
        review_text = v["review_outcome"]
        outcome: ReviewOutcome | None = None
        if review_text:
            folded = _compact(unicodedata.normalize("NFKC", review_text))
            if any(w in folded for w in _REVIEW_PROBLEM_WORDS):
                outcome = ReviewOutcome.PROBLEMS
            elif folded.startswith(_REVIEW_OK_PREFIXES):
                outcome = ReviewOutcome.APPROVED
            else:
                err("review_outcome", f"法制审核结论“{review_text[:40]}”无法识别，应为“同意”（或“通过”）或“存在问题”")
        reviewed_on = self._date(v["reviewed_on"], "reviewed_on", err)
        if reviewed_on and not review_text:
            err("review_outcome", "填写了法制审核日期，但法制审核结论为空")
        if reviewed_on and reviewed_on > self.today:
            err("reviewed_on", f"法制审核日期{reviewed_on.isoformat()}晚于今天")

        # -- discretion
        raw_tier = _compact(unicodedata.normalize("NFKC", v["tier"]))
        claimed: DiscretionTier | None = None
        level: int | None = None
        if raw_tier:
            claimed = _TIER_ALIASES.get(raw_tier) or _TIER_ALIASES.get(raw_tier.removesuffix("档"))
            if claimed is None:
                match = _TIER_LEVEL_RE.fullmatch(raw_tier)
                if match:
                    try:
                        level = int(parse_chinese_number(match.group(1)))
                    except ValueError:
                        level = None
                if level is None:
                    err("tier", f"裁量档次“{raw_tier}”无效，应为" + "、".join(t.value for t in DiscretionTier)
                        + "或档次序号")
        benchmark_no = _compact(v["benchmark_no"])
        statement = v["discretion_statement"]

        # -- case number
        case_no = _compact(v["case_no"])
        if case_no and len(case_no) > 50:
            err("case_no", f"案号过长（{len(case_no)}字，最多50字）")
        violation = v["violation"]
        if len(violation) > 200:
            err("violation", f"违法行为类型过长（{len(violation)}字，最多200字），较长的内容请写在违法事实中")

        if any(p.severity == "error" for p in problems):
            return None, problems
        assert decided_on is not None and party_type is not None and agency is not None

        case_no = case_no or _generated_case_no(decision_no)
        first_case = self.seen_cases.get(case_no)
        if first_case is not None and first_case[1] != decision_no:
            err("case_no", f"案号“{case_no}”与第{first_case[0]}行重复（一个案件只能有一份决定书）")
        else:
            self.seen_cases.setdefault(case_no, (line, decision_no))

        person = party_type is PartyType.NATURAL_PERSON
        threshold = agency.major_fine_person if person else agency.major_fine_org
        reasons: list[MajorReason] = []
        if fine_total >= threshold or conf_total >= threshold:
            reasons.append(MajorReason.LARGE_AMOUNT)
        if item_types & SEVERE_TYPES:
            reasons.append(MajorReason.SEVERE_TYPE)
        if is_major_flag is False and reasons:
            warn("is_major", f"是否重大填写为“否”，但该决定{('、'.join(r.value for r in reasons))}"
                             f"（本机关对{'自然人' if person else '单位'}的重大标准为罚没{_money_text(threshold)}元），按重大执法决定处理")
        major = bool(reasons) or is_major_flag is True
        review = (outcome, reviewed_on, review_text) if outcome is not None else None
        approved_prior = outcome is ReviewOutcome.APPROVED and reviewed_on is not None and reviewed_on <= decided_on
        unreviewed = major and not approved_prior
        if unreviewed:
            if outcome is None:
                why = "未填写法制审核结论"
            elif outcome is ReviewOutcome.PROBLEMS:
                why = f"法制审核结论为“{review_text[:20]}”"
            elif reviewed_on is None:
                why = "未填写法制审核日期，无法确认审核在决定之前"
            else:
                why = f"法制审核日期{reviewed_on.isoformat()}晚于决定日期"
            warn("review_outcome", f"重大执法决定未经法制审核（{why}）：已导入并标记为“未经法制审核”，不视为已审核")
        elif outcome is ReviewOutcome.APPROVED and reviewed_on and reviewed_on > decided_on:
            warn("reviewed_on", "法制审核日期晚于决定日期，不是事前审核")

        tier_id: int | None = None
        if benchmark_no:
            tier_id, claimed, note = self._benchmark(agency, benchmark_no, decided_on, claimed, level)
            if note:
                warn("benchmark_no", note)
                if tier_id is None and benchmark_no not in statement:
                    statement = (statement + "；" if statement else "") + f"裁量基准编号：{benchmark_no}"
        elif level is not None:
            warn("tier", f"裁量档次“{raw_tier}”是序号，但未填写裁量基准编号，无法确定档次，未保存")

        filed = filed_on or decided_on
        simple = (bool(item_types) and item_types <= {PenaltyType.WARNING, PenaltyType.FINE} and conf_total == 0
                  and fine_total <= SIMPLE_PROCEDURE_MAX_FINE[person] and not major and filed == decided_on)
        is_minor = False
        if person and id_number and len(id_number) == 18:
            age = _age_on(id_number, decided_on)
            if age is not None and age < 18:
                is_minor = True
                warn("id_number", f"当事人作出决定时未满18周岁（{age}岁）：依法不予公开，已标记")
        if period_months == _PERIOD_OPEN:
            months: int | None = None
        elif period_months is None:
            months = DEFAULT_PERIOD_MONTHS_PERSON if person else DEFAULT_PERIOD_MONTHS_ORG
        else:
            months = int(period_months)
        conclusion = content_text or "、".join(t.value for t in sorted(types, key=lambda t: t.severity))
        if any(p.severity == "error" for p in problems):
            return None, problems
        rec = _Rec(
            line=line, decision_no=decision_no, agency_name=agency.name, party_type=party_type,
            party_name=party_name, uscc=uscc, id_number=id_number, violation=violation,
            facts=v["facts"], legal_basis=v["legal_basis"], conclusion=conclusion,
            items=tuple(items), fine_total=fine_total, confiscation_total=conf_total, decided_on=decided_on,
            filed_on=filed, case_no=case_no, procedure=Procedure.SIMPLE if simple else Procedure.ORDINARY,
            is_major=major, major_reasons="；".join(r.value for r in reasons), review=review,
            benchmark_tier_id=tier_id, claimed_tier=claimed, base_amount=amounts.get("base_amount"),
            discretion_statement=statement, unreviewed_major=unreviewed, published_on=published_on,
            period_months=months, is_minor=is_minor, agency=agency,
        )
        return rec, problems

    def _date(self, raw: str, key: str, err: Callable[[str, str], None]) -> dt.date | None:
        if not raw:
            return None
        value, message = _date_cached(raw)
        if message:
            err(key, message)
        return value

    def _benchmark(self, agency: _AgencyRef, number: str, day: dt.date, claimed: DiscretionTier | None,
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


def _chunks(values: Sequence[Any], size: int = 500) -> Iterator[Sequence[Any]]:
    for start in range(0, len(values), size):
        yield values[start:start + size]


def _load_existing(conn: Connection, decision_ids: Sequence[int]) -> dict[str, _Existing]:
    """Rebuild `_Rec`s for existing decisions so that rows can be compared with them field by field."""
    out: dict[str, _Existing] = {}
    D, C, P, A, S = m.Decision, m.Case, m.Party, m.Agency, m.Disclosure
    for chunk in _chunks(list(decision_ids)):
        items: dict[int, list[tuple[PenaltyType, Decimal | None, str]]] = {}
        for did, ptype, amount, desc in conn.execute(
                select(m.PenaltyItem.decision_id, m.PenaltyItem.penalty_type, m.PenaltyItem.amount,
                       m.PenaltyItem.description).where(m.PenaltyItem.decision_id.in_(chunk))
                .order_by(m.PenaltyItem.id)):
            items.setdefault(did, []).append((ptype, amount, desc))
        rows = conn.execute(
            select(D.id, D.decision_no, D.decided_on, D.conclusion, D.legal_basis, D.benchmark_tier_id,
                   D.claimed_tier, D.base_amount, D.discretion_statement, D.fine_total, D.confiscation_total,
                   D.unreviewed_major, C.id, C.case_no, C.party_id, C.procedure, C.filed_on, C.is_major,
                   C.major_reasons, C.origin, C.violation, C.facts, P.party_type, P.name, P.uscc, P.id_number,
                   P.is_minor, A.name, S.id, S.status, S.published_on, S.period_months, S.version)
            .join(C, D.case_id == C.id).join(P, C.party_id == P.id).join(A, C.agency_id == A.id)
            .outerjoin(S, S.decision_id == D.id).where(D.id.in_(chunk))
        ).all()
        case_ids = [r[12] for r in rows]
        reviews: dict[int, list[tuple[int, ReviewOutcome | None, dt.date | None, str]]] = {}
        for case_id, round_no, outcome, reviewed_on, opinion in conn.execute(
                select(m.LegalReview.case_id, m.LegalReview.round_no, m.LegalReview.outcome,
                       m.LegalReview.reviewed_on, m.LegalReview.opinion).where(m.LegalReview.case_id.in_(case_ids))):
            reviews.setdefault(case_id, []).append((round_no, outcome, reviewed_on, opinion))
        for r in rows:
            (did, dno, decided_on, conclusion, basis, tier_id, claimed, base, statement, fine, conf, unreviewed,
             case_id, case_no, party_id, procedure, filed_on, is_major, reasons, origin, violation, facts,
             ptype, pname, uscc, id_number, minor, agency_name, sid, status, published_on, period, version) = r
            case_reviews = sorted(reviews.get(case_id, []))
            review = None
            if case_reviews and case_reviews[-1][1] is not None:
                _, outcome, reviewed_on, opinion = case_reviews[-1]
                review = (outcome, reviewed_on, opinion)
            rec = _Rec(
                line=0, decision_no=dno, agency_name=agency_name, party_type=ptype, party_name=pname, uscc=uscc,
                id_number=id_number, violation=violation, facts=facts, legal_basis=basis, conclusion=conclusion,
                items=tuple(items.get(did, [])), fine_total=fine, confiscation_total=conf, decided_on=decided_on,
                filed_on=filed_on, case_no=case_no, procedure=procedure, is_major=is_major, major_reasons=reasons,
                review=review, benchmark_tier_id=tier_id, claimed_tier=claimed, base_amount=base,
                discretion_statement=statement, unreviewed_major=unreviewed, published_on=published_on,
                period_months=period, is_minor=minor,
            )
            out[dno] = _Existing(did, case_id, party_id, origin, sid, status, version or 1, rec)
    return out


def _diff(new: _Rec, old: _Rec) -> tuple[str, ...]:
    a, b = new.compare_key(), old.compare_key()
    return tuple(k for k in a if a[k] != b[k])


# ==============================================================================================================
# Import
# ==============================================================================================================


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _today() -> dt.date:
    return dt.datetime.now(CHINA_TZ).date()


def import_decisions(
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
) -> ImportReport:
    """Validate and import a flat ``decisions`` file (see module docstring and docs/import.md).

    ``source`` is a path, bytes or a binary file object (``filename`` names it for messages when it has no name).
    ``progress(done, total)`` is called while rows are validated (total = data rows) and once more when the
    write has finished. Raises ImportFileError (exit code 2) when the file cannot be read or is not the template;
    otherwise returns the report, whose ``exit_code`` is 0, 1 or 3.
    """
    started = time.perf_counter()
    today = today or _today()
    table = read_table(source, filename=filename)
    header = map_headers(table.headers)
    if not table.rows:
        raise ImportFileError(f"文件{_q(table.file_name)}只有表头，没有数据行")
    report = ImportReport(file_name=table.file_name, file_format=table.file_format, dry_run=dry_run,
                          accept_valid=accept_valid, read=len(table.rows), headers=list(table.headers))
    for name in header.unknown:
        report.problems.append(RowProblem(table.header_line, name, f"未知列“{name}”，已忽略", "warning"))

    with engine.connect() as conn:
        lookups = _load_lookups(conn)
        validator = _RowValidator(table, header, lookups, create_agencies=create_agencies, today=today)
        total = len(table.rows)
        recs: list[_Rec] = []
        invalid_lines: set[int] = set()
        row_problems: dict[int, list[RowProblem]] = {}
        step = max(1, min(2000, total // 50))
        for index, (cells, line) in enumerate(zip(table.rows, table.lines)):
            rec, problems = validator.validate(index, cells, line)
            if problems:
                report.problems.extend(problems)
                if index < PREVIEW_ROWS:
                    row_problems[line] = list(problems)
            if rec is None:
                invalid_lines.add(line)
                report._raw_invalid[line] = list(cells)
            else:
                recs.append(rec)
            if progress and (index + 1) % step == 0:
                progress(index + 1, total)

        # Second pass, in file order over the valid rows: stored rows they refer to, parties, changes.
        _load_keyed(conn, recs, lookups)
        existing_ids = [lookups.decisions[r.decision_no] for r in recs if r.decision_no in lookups.decisions]
        existing = _load_existing(conn, existing_ids) if existing_ids else {}

    line_index = {line: i for i, line in enumerate(table.lines)}
    preview_lines = set(table.lines[:PREVIEW_ROWS])
    accepted: list[_Rec] = []
    for rec in recs:
        problems = _resolve(rec, lookups, existing.get(rec.decision_no))
        if problems:
            report.problems.extend(problems)
            if rec.line in preview_lines:
                row_problems.setdefault(rec.line, []).extend(problems)
        if any(p.severity == "error" for p in problems):
            invalid_lines.add(rec.line)
            report._raw_invalid[rec.line] = list(table.rows[line_index[rec.line]])
            continue
        accepted.append(rec)

    report.invalid = len(invalid_lines)
    if report.refused:
        report.rejected = report.read
    else:
        report.rejected = report.invalid
        report.inserted = sum(1 for r in accepted if r.action == "insert")
        report.updated = sum(1 for r in accepted if r.action == "update")
        report.unchanged = sum(1 for r in accepted if r.action == "unchanged")
        report.unreviewed_major = sum(1 for r in accepted if r.unreviewed_major and r.action != "unchanged")
        used_agencies = {id(r.agency) for r in accepted if r.action != "unchanged"}
        report.agencies_created = [a.name for a in validator.new_agencies.values() if id(a) in used_agencies]
        for a in validator.new_agencies.values():
            if id(a) in used_agencies:
                report.problems.append(RowProblem(a.first_line, _LABEL["agency"],
                                                  f"{'将' if dry_run else '已'}新建执法主体“{a.name}”：请在系统中补全其层级、区划和重大执法决定标准",
                                                  "warning"))
    report.check()

    if not dry_run and not report.refused and (report.inserted or report.updated):
        try:
            _write(engine, report, [r for r in accepted if r.action != "unchanged"], actor, today)
        except SQLAlchemyError as exc:
            raise ImportFileError(f"写入数据库失败，已全部回滚，未写入任何数据：{type(exc).__name__}"
                                  f"（{str(getattr(exc, 'orig', exc)).splitlines()[0][:200]}）") from exc
        report.written = True
    if progress:
        progress(len(table.rows), len(table.rows))

    by_line = {r.line: r for r in recs}
    for cells, line in list(zip(table.rows, table.lines))[:PREVIEW_ROWS]:
        report._preview.append(_preview_row(line, cells, by_line.get(line), line in invalid_lines,
                                            row_problems.get(line, []), validator, report.refused))
    report.problems.sort(key=lambda p: (p.line, p.severity != "error"))
    report.elapsed_seconds = time.perf_counter() - started
    return report


def _resolve(rec: _Rec, lookups: _Lookups, old: _Existing | None) -> list[RowProblem]:
    """Check the case number against stored cases, attach the canonical party (first occurrence wins) and decide
    insert / update / unchanged."""
    problems: list[RowProblem] = []
    if rec.case_no in lookups.cases and lookups.cases[rec.case_no] != rec.decision_no:
        other = lookups.cases[rec.case_no]
        problems.append(RowProblem(rec.line, _LABEL["case_no"], f"案号“{rec.case_no}”已被系统中的另一案件使用"
                                   + (f"（决定书文号“{other}”）" if other else "（该案件尚未作出决定）")))
        return problems
    parties = lookups.parties
    key = _row_party_key(rec)
    party = parties.get(key)
    state = (rec.party_type, rec.party_name, rec.uscc, rec.id_number)
    if party is None and key[0] == "row" and old is not None and state == (
            old.rec.party_type, old.rec.party_name, old.rec.uscc, old.rec.id_number):
        party = parties[key] = _PartyRef(key, old.party_id, *state, is_minor=old.rec.is_minor, first_line=rec.line,
                                         db=state)
    if party is None:
        party = _PartyRef(key, None, rec.party_type, rec.party_name, rec.uscc, rec.id_number, rec.is_minor, rec.line)
        parties[key] = party
    elif party.first_line == 0:
        # A stored party: the file's first row for it decides its current name and type.
        party.first_line = rec.line
        party.party_type, party.name = rec.party_type, rec.party_name
        party.uscc = party.uscc or rec.uscc
        party.id_number = party.id_number or rec.id_number
    elif (party.party_type, party.name) != (rec.party_type, rec.party_name):
        ident = "统一社会信用代码" if key[0] == "uscc" else "证件号码"
        problems.append(RowProblem(rec.line, _LABEL["party_name"],
                                   f"{ident}与第{party.first_line}行相同，但当事人名称或类型不同"
                                   f"（第{party.first_line}行为“{party.name}”，{party.party_type.value}），按第{party.first_line}行保存",
                                   "warning"))
    rec.party = party
    rec.party_type, rec.party_name = party.party_type, party.name
    rec.uscc, rec.id_number = party.uscc, party.id_number
    if old is None:
        rec.action = "insert"
        party.used = True
        return problems
    rec.existing = old
    changed = _diff(rec, old.rec)
    if not changed:
        rec.action = "unchanged"
        return problems
    if old.origin is not DataOrigin.IMPORTED:
        # Native records carry their full-process record (hash-chained events): an import must not rewrite them.
        problems.append(RowProblem(rec.line, _LABEL["decision_no"],
                                   f"决定书文号“{rec.decision_no}”是{old.origin.value}的决定，内容与本行不同（"
                                   + "、".join(_label(k) for k in changed) + "）；导入不能修改系统录入的决定，请在系统中更正"))
        return problems
    if old.rec.published_on is not None and rec.published_on is None:
        problems.append(RowProblem(rec.line, _LABEL["published_on"],
                                   f"该决定已于{old.rec.published_on.isoformat()}公示，公示日期不能清空；"
                                   "撤回公示请使用撤回功能并说明理由"))
        return problems
    rec.action = "update"
    rec.changed = changed
    party.used = True
    return problems


def _preview_row(line: int, cells: list[str], rec: _Rec | None, invalid: bool, problems: list[RowProblem],
                 validator: _RowValidator, refused: bool) -> dict[str, Any]:
    action = {"insert": "新增", "update": "更新", "unchanged": "不变"}
    if rec is None or invalid:
        get = validator.cell
        return {"行号": line, "结果": "拒绝（有错误）", "决定书文号": get(cells, "decision_no"),
                "处罚机关": get(cells, "agency"), "当事人名称": get(cells, "party_name"),
                "当事人类型": get(cells, "party_type"), "决定日期": get(cells, "decided_on"), "处罚种类": "",
                "罚款金额（元）": get(cells, "fine_amount"), "没收金额（元）": get(cells, "confiscation_amount"),
                "公示日期": get(cells, "published_on"), "公示期限（月）": get(cells, "publication_period"),
                "重大": "", "未经法制审核": "", "问题": "；".join(str(p) for p in problems)}
    return {
        "行号": line, "结果": "拒绝（整个文件被拒绝）" if refused else action.get(rec.action, rec.action),
        "决定书文号": rec.decision_no, "处罚机关": rec.agency_name, "当事人名称": rec.party_name,
        "当事人类型": rec.party_type.value, "决定日期": rec.decided_on.isoformat(),
        "处罚种类": "、".join(t.value + (f"{_money_text(a)}元" if a is not None else "") for t, a, _ in rec.items),
        "罚款金额（元）": _money_text(rec.fine_total), "没收金额（元）": _money_text(rec.confiscation_total),
        "公示日期": rec.published_on.isoformat() if rec.published_on else "（未公示）",
        "公示期限（月）": "长期" if rec.period_months is None else rec.period_months,
        "重大": "是" if rec.is_major else "否", "未经法制审核": "是" if rec.unreviewed_major else "",
        "问题": "；".join(str(p) for p in problems),
    }


# ==============================================================================================================
# Writing
# ==============================================================================================================

PARTY_COLS = ("id", "party_type", "name", "uscc", "id_number", "legal_representative", "address", "phone",
              "is_minor", "created_at", "created_by")
CASE_COLS = ("id", "case_no", "agency_id", "matter_id", "party_id", "procedure", "filed_on", "is_major",
             "major_reasons", "status", "origin", "confidential", "violation", "facts", "internal_note",
             "decision_extension_days", "chain_head", "created_at", "created_by")
DECISION_COLS = ("id", "case_id", "decision_no", "decided_on", "category", "conclusion", "legal_basis",
                 "benchmark_tier_id", "claimed_tier", "base_amount", "discretion_statement", "fine_total",
                 "confiscation_total", "unreviewed_major", "created_at", "created_by")
ITEM_COLS = ("id", "decision_id", "penalty_type", "amount", "description")
REVIEW_COLS = ("id", "case_id", "round_no", "submitted_on", "reviewer_officer_id", "reviewed_on", "outcome",
               "opinion", "checklist", "created_at", "created_by")
DISCLOSURE_COLS = ("id", "decision_id", "status", "published_on", "gsxt_published_on", "period_months",
                   "expires_on", "withdrawn_on", "withdrawal_reason", "withdrawal_doc_ref", "public_explanation",
                   "redaction_applied", "redaction_note", "withheld_reason", "version", "created_at", "created_by")
VERSION_COLS = ("id", "disclosure_id", "version", "changed_on", "status", "reason", "snapshot")
_REDACTION_NOTE = "自然人姓名、身份证号、联系方式、住址已按规定处理"
_MINOR_WITHHELD = "当事人为未成年人，依法不予公开"
_UNREVIEWED_NOTE = "导入数据：原系统未记录事前法制审核（未经法制审核），作为历史记录保存"


_WRITE_CHUNK = 10_000  # rows per executemany / COPY: bounds the memory of converted rows


def _insert(conn: Connection, table: Any, columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> int:
    """db.bulk.insert_rows in chunks, inside the caller's transaction."""
    written = 0
    it = iter(rows)
    while chunk := list(islice(it, _WRITE_CHUNK)):
        written += insert_rows(conn, table, columns, chunk)
    return written


class _Ids:
    """Primary keys for bulk inserts: PostgreSQL's own sequences, or (SQLite, under the write lock) max + 1."""

    def __init__(self, conn: Connection) -> None:
        self.conn = conn
        self.pg = conn.dialect.name == "postgresql"

    def take(self, table: Any, n: int) -> list[int]:
        if n <= 0:
            return []
        if self.pg:
            return sorted(self.conn.execute(
                text("SELECT nextval(pg_get_serial_sequence(:t, 'id')) FROM generate_series(1, :n)"),
                {"t": table.name, "n": n}).scalars().all())
        start = max_id(self.conn, table) + 1
        return list(range(start, start + n))


def _disclosure_state(rec: _Rec, today: dt.date) -> tuple[DisclosureStatus, dt.date | None]:
    if rec.published_on is None:
        return DisclosureStatus.DRAFT, None
    expires = add_months(rec.published_on, rec.period_months) if rec.period_months else None
    if expires is not None and expires <= today:
        return DisclosureStatus.EXPIRED, expires
    return DisclosureStatus.PUBLISHED, expires


def _snapshot(rec: _Rec) -> str:
    """The public, non-personal content of a decision at a disclosure version."""
    return json.dumps({
        "decision_no": rec.decision_no, "agency": rec.agency_name, "violation": rec.violation,
        "conclusion": rec.conclusion, "legal_basis": rec.legal_basis, "decided_on": rec.decided_on.isoformat(),
        "fine_total": str(rec.fine_total), "confiscation_total": str(rec.confiscation_total),
        "penalty_types": [t.value for t, _, _ in rec.items],
    }, ensure_ascii=False)


def _audit(conn: Connection, actor: str, action: str, entity: str, entity_id: Any, detail: dict[str, Any]) -> None:
    conn.execute(m.AuditEntry.__table__.insert(), [{
        "occurred_at": _now(), "actor": actor[:50], "action": action, "entity": entity,
        "entity_id": None if entity_id is None else str(entity_id),
        "detail": json.dumps(detail, ensure_ascii=False, default=str)}])


def _write(engine: Engine, report: ImportReport, recs: list[_Rec], actor: str, today: dt.date) -> None:
    now = _now()
    with engine.begin() as conn:
        if conn.dialect.name == "sqlite":
            conn.exec_driver_sql("BEGIN IMMEDIATE")  # take the write lock before reading max(id)
        ids = _Ids(conn)

        # -- agencies to create
        for rec in recs:
            assert rec.agency is not None
            _create_agency(conn, rec.agency, actor, report.file_name, now)

        # -- parties: new ones, and stored ones whose name/type the file corrects
        new_parties = []
        party_updates = []
        seen: set[int] = set()
        for rec in recs:
            party = rec.party
            assert party is not None
            if id(party) in seen:
                continue
            seen.add(id(party))
            if party.id is None:
                new_parties.append(party)
            elif party.db is not None and party.state != party.db:
                party_updates.append(party)
        for party, pid in zip(new_parties, ids.take(m.Party.__table__, len(new_parties))):
            party.id = pid
        _insert(conn, m.Party.__table__, PARTY_COLS, (
            (p.id, p.party_type, p.name, p.uscc, p.id_number, None, None, None, p.is_minor, now, actor)
            for p in new_parties))
        if party_updates:
            t = m.Party.__table__
            conn.execute(t.update().where(t.c.id == bindparam("b_id")), [
                {"b_id": p.id, "party_type": p.party_type, "name": p.name, "uscc": p.uscc, "id_number": p.id_number,
                 "updated_by": actor} for p in party_updates])

        inserts = [r for r in recs if r.action == "insert"]
        updates = [r for r in recs if r.action == "update"]
        _insert_decisions(conn, ids, inserts, report, actor, now, today)
        _update_decisions(conn, ids, updates, report, actor, now, today)
        _project(conn, recs, report)
        _audit(conn, actor, "import_decisions", "decisions", None, {
            "file": report.file_name, "format": report.file_format, "read": report.read,
            "inserted": report.inserted, "updated": report.updated, "unchanged": report.unchanged,
            "rejected": report.rejected, "accept_valid": report.accept_valid,
            "unreviewed_major": report.unreviewed_major, "agencies_created": report.agencies_created,
        })


def _project(conn: Connection, recs: list[_Rec], report: ImportReport) -> None:
    """Build the public projection of every decision written (or made stale) by this import; a decision whose text
    still holds personal data after redaction is held back (待脱敏复核) and reported as a warning on its row."""
    held = project_decisions(conn, stale_or_missing_ids(conn))
    if not held:
        return
    numbers = dict(conn.execute(select(m.Decision.id, m.Decision.decision_no)
                                .where(m.Decision.id.in_(list(held)))).all())
    line_of = {r.decision_no: r.line for r in recs}
    for decision_id, projection in held.items():
        line = line_of.get(numbers.get(decision_id, ""))
        if line is not None:
            report.problems.append(RowProblem(
                line, projection.held_fields[0] if projection.held_fields else "",
                f"{projection.held_reason}；该决定暂不公示，请修改原文后重新导入", "warning"))


def _create_agency(conn: Connection, agency: _AgencyRef, actor: str, file_name: str, now: dt.datetime) -> None:
    """Insert an agency that ``--create-agencies`` allowed (once: ``agency.id`` is set afterwards), with an audit
    entry. It gets a generated code ``IMP-…``, a guessed level and the default thresholds; an ``agencies`` import
    matched by name later replaces the code and completes the details."""
    if agency.id is not None:
        return
    agency.id = conn.execute(m.Agency.__table__.insert().values(
        code=f"IMP-{hashlib.sha1(agency.name.encode('utf-8')).hexdigest()[:12]}", name=agency.name,
        short_name=agency.name[:50], level=_guess_level(agency.name), kind=AgencyKind.STATUTORY,
        region_code="", region_name="", major_fine_person=agency.major_fine_person,
        major_fine_org=agency.major_fine_org, created_at=now, created_by=actor,
    )).inserted_primary_key[0]
    _audit(conn, actor, "import_create_agency", "agencies", agency.id,
           {"name": agency.name, "file": file_name, "line": agency.first_line})


def _guess_level(name: str) -> AgencyLevel:
    if "省" in name or "自治区" in name:
        return AgencyLevel.PROVINCE
    if any(w in name for w in ("乡", "镇人民政府", "街道")):
        return AgencyLevel.TOWNSHIP
    if any(w in name for w in ("区", "县", "旗")):
        return AgencyLevel.COUNTY
    if "市" in name:
        return AgencyLevel.CITY
    return AgencyLevel.COUNTY


def _case_row(rec: _Rec, case_id: int, actor: str, now: dt.datetime, note: str) -> tuple[Any, ...]:
    assert rec.agency is not None and rec.party is not None
    return (case_id, rec.case_no, rec.agency.id, None, rec.party.id, rec.procedure, rec.filed_on, rec.is_major,
            rec.major_reasons, CaseStatus.DECIDED, DataOrigin.IMPORTED, False, rec.violation, rec.facts, note, 0,
            "0" * 64, now, actor)


def _insert_decisions(conn: Connection, ids: _Ids, recs: list[_Rec], report: ImportReport, actor: str,
                      now: dt.datetime, today: dt.date) -> None:
    if not recs:
        return
    n = len(recs)
    case_ids = ids.take(m.Case.__table__, n)
    decision_ids = ids.take(m.Decision.__table__, n)
    source = f"由文件导入：{report.file_name or '（未命名文件）'}"
    _insert(conn, m.Case.__table__, CASE_COLS, (
        _case_row(r, cid, actor, now, f"{source}第{r.line}行" + (f"；{_UNREVIEWED_NOTE}" if r.unreviewed_major else ""))
        for r, cid in zip(recs, case_ids)))
    _insert(conn, m.Decision.__table__, DECISION_COLS, (
        (did, cid, r.decision_no, r.decided_on, ActionCategory.PENALTY, r.conclusion, r.legal_basis,
         r.benchmark_tier_id, r.claimed_tier, r.base_amount, r.discretion_statement, r.fine_total,
         r.confiscation_total, r.unreviewed_major, now, actor)
        for r, cid, did in zip(recs, case_ids, decision_ids)))
    _insert_children(conn, ids, list(zip(recs, case_ids, decision_ids)), actor, now, today)


def _insert_children(conn: Connection, ids: _Ids, rows: list[tuple[_Rec, int, int]], actor: str,
                     now: dt.datetime, today: dt.date) -> None:
    """Penalty items, legal review, disclosure (+ its first version) of freshly inserted decisions."""
    item_rows = [(did, t, a, d) for r, _, did in rows for t, a, d in r.items]
    _insert(conn, m.PenaltyItem.__table__, ITEM_COLS, (
        (iid, *row) for iid, row in zip(ids.take(m.PenaltyItem.__table__, len(item_rows)), item_rows)))
    reviewed = [(r, cid) for r, cid, _ in rows if r.review is not None]
    _insert(conn, m.LegalReview.__table__, REVIEW_COLS, (
        (rid, cid, 1, r.review[1] or r.decided_on, None, r.review[1], r.review[0], r.review[2], "{}", now, actor)
        for rid, (r, cid) in zip(ids.take(m.LegalReview.__table__, len(reviewed)), reviewed)))
    _insert_disclosures(conn, ids, [(r, did) for r, _, did in rows], actor, now, today)


def _insert_disclosures(conn: Connection, ids: _Ids, rows: list[tuple[_Rec, int]], actor: str, now: dt.datetime,
                        today: dt.date) -> None:
    """The disclosure of each (row, decision id), with its first version when the row was published."""
    disclosures = []
    versions = []
    for (r, did), sid in zip(rows, ids.take(m.Disclosure.__table__, len(rows))):
        status, expires = _disclosure_state(r, today)
        person = r.party_type is PartyType.NATURAL_PERSON
        published = r.published_on is not None
        disclosures.append((sid, did, status, r.published_on, None, r.period_months, expires, None, None, None, "",
                            published and person, _REDACTION_NOTE if published and person else "",
                            _MINOR_WITHHELD if r.is_minor else None, 1, now, actor))
        if published:
            versions.append((sid, r))
    _insert(conn, m.Disclosure.__table__, DISCLOSURE_COLS, disclosures)
    _insert(conn, m.DisclosureVersion.__table__, VERSION_COLS, (
        (vid, sid, 1, r.published_on, DisclosureStatus.PUBLISHED, "首次公示（导入）", _snapshot(r))
        for vid, (sid, r) in zip(ids.take(m.DisclosureVersion.__table__, len(versions)), versions)))


def _update_decisions(conn: Connection, ids: _Ids, recs: list[_Rec], report: ImportReport, actor: str,
                      now: dt.datetime, today: dt.date) -> None:
    if not recs:
        return
    C, D, S = m.Case.__table__, m.Decision.__table__, m.Disclosure.__table__
    conn.execute(C.update().where(C.c.id == bindparam("b_id")), [{
        "b_id": r.existing.case_id, "case_no": r.case_no, "agency_id": r.agency.id, "party_id": r.party.id,
        "procedure": r.procedure, "filed_on": r.filed_on, "is_major": r.is_major, "major_reasons": r.major_reasons,
        "violation": r.violation, "facts": r.facts, "updated_by": actor,
    } for r in recs if r.existing and r.agency and r.party])
    conn.execute(D.update().where(D.c.id == bindparam("b_id")), [{
        "b_id": r.existing.decision_id, "decided_on": r.decided_on, "conclusion": r.conclusion,
        "legal_basis": r.legal_basis, "benchmark_tier_id": r.benchmark_tier_id, "claimed_tier": r.claimed_tier,
        "base_amount": r.base_amount, "discretion_statement": r.discretion_statement, "fine_total": r.fine_total,
        "confiscation_total": r.confiscation_total, "unreviewed_major": r.unreviewed_major, "updated_by": actor,
    } for r in recs if r.existing])
    decision_ids = [r.existing.decision_id for r in recs if r.existing]
    case_ids = [r.existing.case_id for r in recs if r.existing]
    for chunk in _chunks(decision_ids):
        conn.execute(m.PenaltyItem.__table__.delete().where(m.PenaltyItem.__table__.c.decision_id.in_(chunk)))
    for chunk in _chunks(case_ids):
        conn.execute(m.LegalReview.__table__.delete().where(m.LegalReview.__table__.c.case_id.in_(chunk)))
    item_rows = [(r.existing.decision_id, t, a, d) for r in recs if r.existing for t, a, d in r.items]
    _insert(conn, m.PenaltyItem.__table__, ITEM_COLS, (
        (iid, *row) for iid, row in zip(ids.take(m.PenaltyItem.__table__, len(item_rows)), item_rows)))
    reviewed = [r for r in recs if r.review is not None and r.existing]
    _insert(conn, m.LegalReview.__table__, REVIEW_COLS, (
        (rid, r.existing.case_id, 1, r.review[1] or r.decided_on, None, r.review[1], r.review[0], r.review[2],
         "{}", now, actor)
        for rid, r in zip(ids.take(m.LegalReview.__table__, len(reviewed)), reviewed)))

    # -- disclosures: corrections of published ones, first publication of drafts
    _insert_disclosures(conn, ids, [(r, r.existing.decision_id) for r in recs
                                    if r.existing and r.existing.disclosure_id is None], actor, now, today)
    new_versions = []
    updates: dict[tuple[str, ...], list[dict[str, Any]]] = {}
    audits = []
    for r in recs:
        old = r.existing
        assert old is not None
        correction = old.rec.published_on is not None and old.disclosure_id is not None
        if old.disclosure_id is not None:
            status, expires = _disclosure_state(r, today)
            person = r.party_type is PartyType.NATURAL_PERSON
            values: dict[str, Any] = {
                "b_id": old.disclosure_id, "published_on": r.published_on, "period_months": r.period_months,
                "expires_on": expires, "withheld_reason": _MINOR_WITHHELD if r.is_minor else None,
                "redaction_applied": r.published_on is not None and person,
                "redaction_note": _REDACTION_NOTE if r.published_on is not None and person else "",
                "updated_by": actor,
            }
            if correction:
                # 118号 §二 / 45号令 art. 12: an inaccurate published record is corrected, keeping its history.
                version = old.disclosure_version + 1
                if old.disclosure_status in (DisclosureStatus.PUBLISHED, DisclosureStatus.CORRECTED):
                    new_status = DisclosureStatus.CORRECTED
                else:  # 已到期 / 已撤回 stay so; the version still records the correction
                    new_status = old.disclosure_status or DisclosureStatus.CORRECTED
                new_versions.append((old.disclosure_id, version, today, new_status,
                                     f"导入更正（{report.file_name or '导入文件'}第{r.line}行）："
                                     + "、".join(_label(k) for k in r.changed), _snapshot(r)))
                values.update(status=new_status, version=version)
            elif r.published_on is not None:
                new_versions.append((old.disclosure_id, old.disclosure_version, r.published_on,
                                     DisclosureStatus.PUBLISHED, "首次公示（导入）", _snapshot(r)))
                values.update(status=status, version=old.disclosure_version)
            updates.setdefault(tuple(sorted(values)), []).append(values)
        audits.append({
            "occurred_at": now, "actor": actor[:50],
            "action": "import_correct_decision" if correction else "import_update_decision",
            "entity": "decisions", "entity_id": str(old.decision_id),
            "detail": json.dumps({"decision_no": r.decision_no, "file": report.file_name, "line": r.line,
                                  "changed": [_label(k) for k in r.changed],
                                  "before": _public_diff(old.rec, r.changed), "after": _public_diff(r, r.changed)},
                                 ensure_ascii=False, default=str)})
    for batch in updates.values():
        conn.execute(S.update().where(S.c.id == bindparam("b_id")), batch)
    _insert(conn, m.DisclosureVersion.__table__, VERSION_COLS, (
        (vid, *row) for vid, row in zip(ids.take(m.DisclosureVersion.__table__, len(new_versions)), new_versions)))
    conn.execute(m.AuditEntry.__table__.insert(), audits)


_PERSONAL_KEYS = frozenset({"party_name", "uscc", "id_number", "facts"})


def _public_diff(rec: _Rec, keys: Iterable[str]) -> dict[str, Any]:
    """Old or new values of the changed fields for the audit log; personal data is named, never copied."""
    values = rec.compare_key()
    return {_label(k): (values[k] if k not in _PERSONAL_KEYS else "（个人信息，不记录）") for k in keys}


# ==============================================================================================================
# Entry points for manage.py and the admin page
# ==============================================================================================================


def _check_kind(kind: str) -> None:
    if kind not in SUPPORTED_KINDS:
        raise ImportFileError(f"不支持的导入类型“{kind}”：目前支持" + "、".join(SUPPORTED_KINDS))


def run_import(kind: str, engine: Engine, source: Source, **options: Any) -> ImportReport:
    """``manage.py import KIND FILE``: dispatch by kind (``decisions`` here, the others in db.import_kinds).
    Unknown kinds raise ImportFileError (exit 2)."""
    _check_kind(kind)
    if kind == "decisions":
        options.pop("now", None)  # the events kind's clock; decisions are judged by ``today``
        return import_decisions(engine, source, **options)
    from db.import_kinds import import_kind

    return import_kind(kind, engine, source, **options)


def _kind_fields(kind: str) -> tuple[tuple[TemplateField, ...], str]:
    """(template columns, sheet title) of an import kind."""
    _check_kind(kind)
    if kind == "decisions":
        return FIELDS, "决定书"
    from db.import_kinds import KINDS

    return KINDS[kind].fields, KINDS[kind].title


def template_rows(kind: str = "decisions") -> list[list[str]]:
    """Header row and one example row of the template of ``kind`` (default ``decisions``)."""
    fields, _ = _kind_fields(kind)
    return [[f.header for f in fields], [f.example for f in fields]]


def write_csv(rows: Iterable[Sequence[Any]], *, bom: bool = True) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerows(rows)
    return (codecs.BOM_UTF8 if bom else b"") + buffer.getvalue().encode("utf-8")


def template_csv_bytes(kind: str = "decisions") -> bytes:
    """The CSV template of ``kind`` (UTF-8 with BOM, so Excel shows the Chinese headers)."""
    return write_csv(template_rows(kind))


def template_xlsx_bytes(kind: str = "decisions") -> bytes:
    """The .xlsx template of ``kind``: header row, one example row, every column formatted as text (so ID numbers
    keep all their digits), and a second sheet “填写说明” describing each column."""
    import openpyxl
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    fields, title = _kind_fields(kind)
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = title
    header, example = template_rows(kind)
    sheet.append(header)
    sheet.append(example)
    required = PatternFill("solid", fgColor="FDE9D9")
    for col, f in enumerate(fields, start=1):
        letter = get_column_letter(col)
        sheet.column_dimensions[letter].width = max(12, min(40, len(f.example) * 2 + 2, len(f.header) * 2 + 8))
        cell = sheet.cell(row=1, column=col)
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="center")
        if f.required:
            cell.fill = required
        for row in range(2, 1002):
            sheet.cell(row=row, column=col).number_format = "@"
    sheet.freeze_panes = "A2"
    notes = workbook.create_sheet("填写说明")
    notes.append(["列名", "英文别名", "必填", "格式", "示例"])
    for f in fields:
        notes.append([f.header, f.key, "是" if f.required else "否", f.fmt, f.example])
    notes.column_dimensions["A"].width = 18
    notes.column_dimensions["B"].width = 22
    notes.column_dimensions["D"].width = 70
    notes.column_dimensions["E"].width = 40
    for cell in notes[1]:
        cell.font = Font(bold=True)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


# ==============================================================================================================
# Sample data for the benchmark and tests
# ==============================================================================================================


def sample_decision_rows(n: int, agencies: Sequence[str], *, seed: int = 20261122,
                         start: dt.date = dt.date(2024, 1, 1), prefix: str = "青示") -> Iterator[list[str]]:
    """``n`` realistic, valid data rows (template column order) with synthetic identifiers, mixing date and
    amount formats, amounts only in the 处罚内容 text, natural persons with masked names and published and
    unpublished decisions. Used by the 100,000-row benchmark (``python -m db.importer bench``)."""
    import random

    from domain.identifiers import synthetic_id_number, synthetic_uscc

    rng = random.Random(seed)
    order = [f.key for f in FIELDS]
    surnames = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
    trades = ("商贸", "食品", "建材", "餐饮", "物流", "科技", "五金", "服装", "药房", "汽修")
    violations = (
        ("销售不符合食品安全标准的食品", "《中华人民共和国食品安全法》第一百二十四条第一款"),
        ("未按规定公示营业执照", "《市场主体登记管理条例》第四十九条"),
        ("超标排放大气污染物", "《中华人民共和国大气污染防治法》第九十九条"),
        ("未取得许可从事经营活动", "《无证无照经营查处办法》第十三条"),
    )
    date_formats = ("{y}-{m:02d}-{d:02d}", "{y}/{m}/{d}", "{y}年{m}月{d}日", "{y}{m:02d}{d:02d}", "{y}.{m}.{d}")
    for i in range(n):
        person = rng.random() < 0.3
        decided = start + dt.timedelta(days=rng.randrange(0, 600))
        filed = decided - dt.timedelta(days=rng.randrange(5, 80))
        fmt = rng.choice(date_formats)

        def show(day: dt.date) -> str:
            return fmt.format(y=day.year, m=day.month, d=day.day)

        if person:
            name = rng.choice(surnames) + "某" * rng.choice((1, 2))
            uscc, idno, ptype = "", synthetic_id_number(rng, "449901"), "自然人"
            fine = Decimal(rng.randrange(2, 90) * 100)
        else:
            name = f"临江市青石{rng.choice(trades)}{i}有限公司"
            uscc, idno, ptype = synthetic_uscc(rng, "449901"), "", rng.choice(("法人", ""))
            fine = Decimal(rng.randrange(5, 2000) * 100)
        confiscated = Decimal(rng.randrange(100, 900000)) / 100 if rng.random() < 0.3 else Decimal(0)
        parts = ["责令改正"] if rng.random() < 0.5 else []
        if rng.random() < 0.3:
            parts.append("警告")
        if confiscated:
            parts.append(f"没收违法所得{confiscated / 10000:.6f}".rstrip("0").rstrip(".") + "万元"
                         if rng.random() < 0.5 else f"没收违法所得{confiscated:,.2f}元")
        parts.append(f"罚款{fine / 10000}万元" if fine >= 10000 and rng.random() < 0.5 else f"罚款{fine:,}元")
        in_text = rng.random() < 0.5
        violation, basis = rng.choice(violations)
        published = decided + dt.timedelta(days=rng.randrange(1, 8)) if rng.random() < 0.8 else None
        threshold = Decimal(10000) if person else Decimal(100000)
        major = fine >= threshold or confiscated >= threshold
        reviewed = major and rng.random() < 0.9
        values = {
            "decision_no": f"{prefix}罚〔{decided.year}〕{i + 1}号",
            "agency": agencies[i % len(agencies)],
            "party_name": name, "party_type": ptype, "uscc": uscc, "id_number": idno,
            "violation": violation, "facts": f"经查，当事人{name}{violation}，违法事实清楚。",
            "legal_basis": basis, "penalty_types": "", "penalty_content": "，".join(parts),
            "fine_amount": "" if in_text else f"{fine:,}",
            "confiscation_amount": "" if in_text else (f"{confiscated}" if confiscated else ""),
            "decided_on": show(decided), "published_on": show(published) if published else "",
            "publication_period": rng.choice(("", "3年", "五年", "6个月", "")),
            "case_no": f"{prefix}立〔{filed.year}〕{i + 1}号" if rng.random() < 0.7 else "",
            "filed_on": show(filed), "is_major": "是" if major else rng.choice(("否", "")),
            "review_outcome": "同意" if reviewed else "",
            "reviewed_on": show(decided - dt.timedelta(days=2)) if reviewed else "",
            "benchmark_no": "", "tier": rng.choice(("", "一般", "从轻", "从重")), "base_amount": "",
            "discretion_statement": "",
        }
        yield [values[k] for k in order]


def bench_import(rows: int, xlsx_rows: int | None = None, directory: str | None = None) -> dict[str, float]:
    """Import ``rows`` generated CSV rows into a fresh SQLite database twice (insert, then the idempotent
    re-import), then ``xlsx_rows`` (default: as many) new rows from an .xlsx file. Prints no assertions: a
    benchmark, not a test (docs/import.md records the figures)."""
    import tempfile

    if directory is None:
        with tempfile.TemporaryDirectory(prefix="zhifa-import-bench-") as tmp:
            return bench_import(rows, xlsx_rows, tmp)

    from db.engine import make_engine
    from db.migrate import upgrade_to_head

    workdir = Path(directory)
    db_path = workdir / "bench.sqlite3"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{db_path}{suffix}").unlink(missing_ok=True)
    engine = make_engine(f"sqlite:///{db_path}")
    upgrade_to_head(engine)
    agencies = ["临江市青石区市场监督管理局", "临江市生态环境局青石分局", "临江市青石区应急管理局"]
    with engine.begin() as conn:
        for i, name in enumerate(agencies):
            conn.execute(m.Agency.__table__.insert().values(
                code=f"B{i}", name=name, short_name=name[-6:], level=AgencyLevel.COUNTY, kind=AgencyKind.STATUTORY,
                region_code="449901", region_name="临江市青石区", created_at=_now()))
    csv_path = workdir / f"decisions_{rows}.csv"
    t0 = time.perf_counter()
    csv_path.write_bytes(write_csv([template_rows()[0], *sample_decision_rows(rows, agencies)]))
    generated = time.perf_counter() - t0
    results = {"rows": float(rows), "generate_s": generated}
    for label in ("first_import_s", "reimport_s"):
        t0 = time.perf_counter()
        report = import_decisions(engine, csv_path, actor="bench")
        results[label] = time.perf_counter() - t0
        assert report.exit_code == EXIT_OK, report.lines(20)
        results[label.replace("_s", "_inserted")] = float(report.inserted)
    xlsx_rows = rows if xlsx_rows is None else xlsx_rows
    import openpyxl

    workbook = openpyxl.Workbook(write_only=True)
    sheet = workbook.create_sheet()
    sheet.append(template_rows()[0])
    for row in sample_decision_rows(xlsx_rows, agencies, seed=7, start=dt.date(2022, 1, 1), prefix="青表"):
        sheet.append(row)
    xlsx_path = workdir / f"decisions_{xlsx_rows}.xlsx"
    workbook.save(xlsx_path)
    t0 = time.perf_counter()
    report = import_decisions(engine, xlsx_path, actor="bench")
    results["xlsx_rows"] = float(xlsx_rows)
    results["xlsx_import_s"] = time.perf_counter() - t0
    assert report.exit_code == EXIT_OK, report.lines(20)
    engine.dispose()
    return results


if __name__ == "__main__":  # python -m db.importer bench [ROWS]
    import sys

    if len(sys.argv) >= 2 and sys.argv[1] == "bench":
        n_rows = int(sys.argv[2]) if len(sys.argv) > 2 else 100_000
        n_xlsx = int(sys.argv[3]) if len(sys.argv) > 3 else None
        for key, value in bench_import(n_rows, n_xlsx).items():
            print(f"{key}\t{value:.2f}")
    else:
        print("usage: python -m db.importer bench [ROWS [XLSX_ROWS]]", file=sys.stderr)
        sys.exit(2)
