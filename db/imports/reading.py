"""Reading an import file into text: CSV (UTF-8 with or without BOM, UTF-16, GB18030/GBK; quoted line breaks),
.xlsx and .xls, each record keeping its file line number, and the header row found by a kind's score.

Pure: no database. A file that cannot be read raises ImportFileError with a one-line Chinese message (exit 2).
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
import math
import os
import re
import zipfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from functools import partial
from pathlib import Path
from typing import Any, BinaryIO

from db.imports.report import ImportFileError

__all__ = ["INVISIBLE", "WS_RE", "HeaderScore", "Source", "Table", "clean", "compact", "quoted", "read_source",
           "read_xlsx_openpyxl"]

INVISIBLE = {ord(c): None for c in "\ufeff\u200b\u200c\u200d\u2060"}
WS_RE = re.compile(r"\s+")
HeaderScore = Callable[[Sequence[str]], int]
Records = Iterable[tuple[int, list[str]]]


def clean(value: str) -> str:
    """A cell as the rules see it: line breaks unified, invisible characters dropped, outer blanks stripped."""
    if not value:
        return ""
    if "\r" in value:
        value = value.replace("\r\n", "\n").replace("\r", "\n")
    if not value.isascii():
        value = value.translate(INVISIBLE)
    return value.strip()


def compact(value: str) -> str:
    return WS_RE.sub("", value.translate(INVISIBLE))


def quoted(name: str) -> str:
    return f"“{name}”" if name else ""


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


def read_source(source: Source, score: HeaderScore, *, filename: str | None = None) -> Table:
    """Read a CSV, .xlsx or .xls file (path, bytes or a binary file object such as Streamlit's UploadedFile) into
    strings. The format is recognised from the content, the extension only refines the messages.

    ``score(cells)`` counts the template columns in a row; the header is the first of the first ten rows scoring
    at least 2, and in a workbook the first sheet with such a header is used.

    Raises ImportFileError for an empty, truncated, binary or undecodable file.
    """
    data, name = _load_bytes(source, filename)
    ext = Path(name).suffix.lower()
    if not data.strip(b" \t\r\n\x00"):
        raise ImportFileError(f"文件{quoted(name)}为空")
    if data[:4] == b"PK\x03\x04" or (ext in (".xlsx", ".xlsm") and data[:8] != _OLE_MAGIC):
        if data[:4] != b"PK\x03\x04":
            raise ImportFileError(f"文件{quoted(name)}扩展名为{ext}，但内容不是Excel工作簿（文件可能已损坏或不完整）")
        table = _read_xlsx(data, score)
    elif data[:8] == _OLE_MAGIC:
        table = _read_xls(data, score)
    else:
        table = _read_text(data, ext, score)
    table.file_name = name
    return table


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


def _read_text(data: bytes, ext: str, score: HeaderScore) -> Table:
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
                        score: HeaderScore) -> Table:
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
    headers = [c.translate(INVISIBLE).strip() for c in header_cells]
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


def _read_xlsx(data: bytes, score: HeaderScore) -> Table:
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
    except Exception:
        return read_xlsx_openpyxl(data, score)


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


def _first_sheet(sheets: Iterable[tuple[str, Callable[[set[tuple[int, int]]], Records]]], label: str,
                 score: HeaderScore, broken: str | None) -> Table:
    """The first sheet whose header scores at least 2, else the first sheet with any content. ``sheets`` gives
    (name, records(imprecise)); an unexpected failure of a sheet becomes ImportFileError(``broken``), or goes
    up unchanged when ``broken`` is None (the caller then tries another reader)."""
    first: Table | None = None
    for name, records in sheets:
        imprecise: set[tuple[int, int]] = set()
        try:
            table = _table_from_records(list(records(imprecise)), f"{label}（工作表“{name}”）", imprecise, score=score)
        except ImportFileError:
            continue
        except Exception:
            if broken is None:
                raise
            raise ImportFileError(broken) from None
        if score(table.headers) >= 2:
            return table
        first = first or table
    if first is None:
        raise ImportFileError("Excel文件中没有包含数据的工作表")
    return first


@dataclass
class _XlsxParts:
    """What the streaming reader needs besides a sheet's XML: namespace, shared strings, date styles, epoch."""

    ns: str
    shared: list[str]
    date_styles: set[int]
    epoch: Any


def _xlsx_parts(archive: zipfile.ZipFile) -> tuple[_XlsxParts, list[tuple[str, str]]]:
    from xml.etree import ElementTree as ET

    from openpyxl.styles.numbers import BUILTIN_FORMATS, is_date_format
    from openpyxl.utils.datetime import CALENDAR_MAC_1904, CALENDAR_WINDOWS_1900

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
    return _XlsxParts(ns, shared, date_styles, epoch), sheets


def _xlsx_value(cell: Any, parts: _XlsxParts) -> Any:
    from openpyxl.utils.datetime import from_excel

    ns = parts.ns
    kind = cell.get("t")
    v = cell.find(f"{ns}v")
    if kind == "s":
        return parts.shared[int(v.text)] if v is not None and v.text else ""
    if kind == "inlineStr":
        inline = cell.find(f"{ns}is")
        return _xlsx_text(inline, ns) if inline is not None else ""
    if v is None or v.text is None:
        return None
    if kind in ("str", "e", "d"):
        return v.text
    if kind == "b":
        return v.text.strip() in ("1", "true")
    number = v.text.strip()
    value: Any = int(number) if number.lstrip("-").isdigit() else float(number)
    if parts.date_styles and int(cell.get("s") or 0) in parts.date_styles:
        try:
            value = from_excel(value, parts.epoch)
        except (ValueError, OverflowError):
            pass
    return value


def _xlsx_records(archive: zipfile.ZipFile, target: str, parts: _XlsxParts,
                  flags: set[tuple[int, int]]) -> Iterator[tuple[int, list[str]]]:
    from xml.etree import ElementTree as ET

    line = 0
    row_tag, cell_tag = f"{parts.ns}row", f"{parts.ns}c"
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
            text_, inexact = _cell_text(_xlsx_value(cell, parts))
            if inexact:
                flags.add((line, index))
            if index > len(cells):
                cells.extend([""] * (index - len(cells)))
            cells.append(text_)
        node.clear()
        yield line, cells


def _read_xlsx_streaming(archive: zipfile.ZipFile, score: HeaderScore) -> Table:
    parts, sheets = _xlsx_parts(archive)
    return _first_sheet(
        ((name, partial(_xlsx_records, archive, target, parts)) for name, target in sheets),
        "Excel .xlsx", score, None)


_XLSX_BROKEN = "Excel文件已损坏或不完整，无法读取：请在Excel中打开并重新保存后再导入"


def read_xlsx_openpyxl(data: bytes, score: HeaderScore) -> Table:
    """.xlsx through openpyxl: slower, but it understands every workbook Excel writes."""
    import openpyxl  # imported here: the CSV path and the app's startup do not need it

    try:
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:
        raise ImportFileError(_XLSX_BROKEN) from None

    def records(ws: Any, flags: set[tuple[int, int]]) -> Iterator[tuple[int, list[str]]]:
        try:
            ws.reset_dimensions()  # some generators write a wrong <dimension>; read every row
        except AttributeError:
            pass
        for line, values in enumerate(ws.iter_rows(values_only=True), start=1):
            cells = []
            for col, value in enumerate(values):
                text_, inexact = _cell_text(value)
                if inexact:
                    flags.add((line, col))
                cells.append(text_)
            yield line, cells

    try:
        sheets = [s for s in workbook.worksheets if hasattr(s, "iter_rows")]  # not chart sheets
        return _first_sheet(((s.title, partial(records, s)) for s in sheets), "Excel .xlsx",
                            score, _XLSX_BROKEN)
    finally:
        workbook.close()


def _read_xls(data: bytes, score: HeaderScore) -> Table:
    import xlrd

    try:
        book = xlrd.open_workbook(file_contents=data, on_demand=True)
    except Exception:
        raise ImportFileError("Excel 97-2003（.xls）文件已损坏或不完整，无法读取：请在Excel中另存为.xlsx后再导入") from None

    def value_of(sheet: Any, r: int, c: int) -> Any:
        ctype, value = sheet.cell_type(r, c), sheet.cell_value(r, c)
        if ctype == xlrd.XL_CELL_DATE:
            try:
                return xlrd.xldate_as_datetime(value, book.datemode)
            except Exception:
                return value
        if ctype == xlrd.XL_CELL_BOOLEAN:
            return bool(value)
        if ctype == xlrd.XL_CELL_ERROR:
            return xlrd.error_text_from_code.get(value, "#错误")
        return value

    def records(sheet: Any, flags: set[tuple[int, int]]) -> Iterator[tuple[int, list[str]]]:
        for r in range(sheet.nrows):
            cells: list[str] = []
            for c in range(sheet.ncols):
                text_, inexact = _cell_text(value_of(sheet, r, c))
                if inexact:
                    flags.add((r + 1, c))
                cells.append(text_)
            yield r + 1, cells

    try:
        sheets = [book.sheet_by_index(i) for i in range(book.nsheets)]
    except Exception:
        book.release_resources()
        raise ImportFileError("Excel 97-2003（.xls）文件已损坏或不完整，无法读取") from None
    try:
        return _first_sheet(((s.name, partial(records, s)) for s in sheets),
                            "Excel 97-2003 .xls", score, "Excel 97-2003（.xls）文件已损坏或不完整，无法读取")
    finally:
        book.release_resources()
