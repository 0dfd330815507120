"""Reading a published discretion-benchmark table (裁量基准表) as published: the .xls/.xlsx with merged cells (one
sheet per law, merged 序号/违法行为/法律依据 cells and levels shared by several circumstances) or the flat CSV layout
of docs/import.md (one row per tier, the same column names; a blank item column means "as above").

Read without hand edits, so the library loads the table its issuer published; quirks of the source cells are kept
as warnings on the tier (see `BenchmarkTier.warnings`).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from domain.discretion import ParsedStandard, parse_penalty_standard

__all__ = ["BenchmarkItem", "BenchmarkTier", "read_benchmark_table"]

_COLUMNS = {
    "序号": "item_no",
    "违法行为": "violation",
    "法律依据": "legal_basis",
    "类别": "level",
    "裁量情节": "circumstance",
    "裁量标准": "standard",
    "备注": "note",
}
# Other spellings of the same columns: the flat CSV's English keys and common variants in other tables.
_ALIASES = {
    "编号": "item_no", "item_no": "item_no", "violation": "violation", "legal_basis": "legal_basis",
    "legal_basis_text": "legal_basis", "裁量等级": "level", "等级": "level", "阶次": "level", "tier_level": "level",
    "level": "level", "circumstance": "circumstance", "discretion_circumstance": "circumstance",
    "处罚标准": "standard", "standard": "standard", "penalty_standard": "standard", "note": "note",
}
_ITEM_FIELDS = ("item_no", "violation", "legal_basis")


@dataclass(frozen=True)
class BenchmarkTier:
    level: int  # 类别 as printed; levels restart within an item when it covers several sub-violations
    circumstance: str  # 裁量情节
    standard_text: str  # 裁量标准
    parsed: ParsedStandard
    note: str  # 备注
    legal_basis: str = ""  # the 法律依据 block of this row; items such as 2-9 cite different paragraphs per block
    row: int = 0  # 1-based spreadsheet row, for tracing back to the source
    warnings: tuple[str, ...] = ()  # quirks of the source cells (hidden values under merges, filled blanks)


@dataclass(frozen=True)
class BenchmarkItem:
    sheet: str  # sheet name = short law name, e.g. "水污染防治法"
    law_section: str  # sheet title, e.g. "二、《中华人民共和国水污染防治法》"
    item_no: str  # "2-1"
    violation: str
    legal_basis: str  # every distinct 法律依据 block of the item, in row order, joined by newlines
    tiers: tuple[BenchmarkTier, ...]


def _text(value: object) -> str:
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else str(value)
    return str(value).strip() if value is not None else ""


def _level(value: str) -> int | None:
    try:
        return int(float(value))
    except ValueError:
        return None


class _Sheet:
    """Cell texts with every merged range filled from its top-left cell, as Excel displays them."""

    def __init__(self, name: str, cells: list[list[str]], merged: list[tuple[int, int, int, int]]) -> None:
        self.name = name
        self.cells = cells
        nrows, ncols = len(cells), max((len(r) for r in cells), default=0)
        for row in cells:
            row.extend([""] * (ncols - len(row)))
        self.hidden: dict[tuple[int, int], str] = {}
        for rlo, rhi, clo, chi in merged:
            anchor = self.cells[rlo][clo]
            for r in range(rlo, min(rhi, nrows)):
                for c in range(clo, min(chi, ncols)):
                    if (r, c) == (rlo, clo):
                        continue
                    # Excel shows only the anchor; anything else under the merge is invisible but may be a lost
                    # tier (e.g. a level 4 hidden under a merged level 3), so it is kept for the warning.
                    if self.cells[r][c] and self.cells[r][c] != anchor:
                        self.hidden[(r, c)] = self.cells[r][c]
                    self.cells[r][c] = anchor


def _header(sheet: _Sheet) -> tuple[int, dict[str, int]] | None:
    for r, row in enumerate(sheet.cells[:10]):
        columns: dict[str, int] = {}
        for c, v in enumerate(row):
            key = _COLUMNS.get(v) or _ALIASES.get(v.strip().lower())
            if key and key not in columns:
                columns[key] = c
        if {"item_no", "standard", "circumstance"} <= columns.keys():
            return r, columns
    return None


def _law_section(sheet: _Sheet, header_row: int) -> str:
    for row in sheet.cells[:header_row]:
        for value in row:
            if value:
                return value
    return sheet.name


def _row_level(text: str, last_level: int | None, warnings: list[str]) -> int:
    level = _level(text)
    if level is not None:
        return level
    # Unmerged blank 类别/裁量标准 under a tier (e.g. item 4-17): a second circumstance of that tier.
    if text:
        warnings.append(f"类别“{text}”不是数字，沿用上一档")
    elif last_level is None:
        warnings.append("类别为空且无上一档可沿用，记为0")
    return last_level if last_level is not None else 0


def _items(sheet: _Sheet) -> Iterator[BenchmarkItem]:
    found = _header(sheet)
    if found is None:
        return  # empty trailing sheets ("Sheet4", "Sheet5")
    header_row, columns = found
    law_section = _law_section(sheet, header_row)
    hidden_labels = {c: label for label, c in columns.items()}
    label_zh = {v: k for k, v in _COLUMNS.items()}

    def cell(row: list[str], name: str) -> str:
        c = columns.get(name)
        return row[c] if c is not None and c < len(row) else ""

    current: dict[str, list[str]] | None = None
    tiers: list[BenchmarkTier] = []
    last_level: int | None = None
    last_standard = ""

    def flush() -> BenchmarkItem | None:
        if current is None or not tiers:
            return None
        return BenchmarkItem(
            sheet=sheet.name,
            law_section=law_section,
            item_no=current["item_no"][0],
            violation="\n".join(current["violation"]),
            legal_basis="\n".join(current["legal_basis"]),
            tiers=tuple(tiers),
        )

    for r in range(header_row + 1, len(sheet.cells)):
        row = sheet.cells[r]
        if not any(row):
            continue
        values = {name: cell(row, name) for name in _COLUMNS.values()}
        if not (values["circumstance"] or values["standard"] or values["level"]):
            continue  # nothing tier-level on this row (stray text, footnotes)
        warnings: list[str] = []

        if values["item_no"] and (current is None or values["item_no"] != current["item_no"][0]):
            if (item := flush()) is not None:
                yield item
            current = {name: [] for name in _ITEM_FIELDS}
            tiers, last_level, last_standard = [], None, ""
        elif current is None:
            continue  # tier data before the first item number: cannot be attributed
        for name in _ITEM_FIELDS:
            if values[name] and values[name] not in current[name]:
                current[name].append(values[name])

        level = _row_level(values["level"], last_level, warnings)
        standard = values["standard"] or last_standard
        for (hr, hc), hidden in sheet.hidden.items():
            if hr == r:
                label = label_zh.get(hidden_labels.get(hc, ""), f"第{hc + 1}列")
                shown = values.get(hidden_labels.get(hc, ""), "")
                warnings.append(f"“{label}”合并单元格下隐藏了“{hidden[:60]}”，表格显示为“{shown[:60]}”")

        parsed = parse_penalty_standard(standard)
        tiers.append(
            BenchmarkTier(
                level=level,
                circumstance=values["circumstance"],
                standard_text=standard,
                parsed=parsed,
                note=values["note"],
                legal_basis=values["legal_basis"] or (current["legal_basis"][-1] if current["legal_basis"] else ""),
                row=r + 1,
                warnings=tuple(warnings),
            )
        )
        last_level, last_standard = level, standard

    if (item := flush()) is not None:
        yield item


def _xls_sheets(path: Path) -> Iterator[_Sheet]:
    import xlrd

    # formatting_info=True is what makes xlrd report merged ranges for .xls files.
    book = xlrd.open_workbook(str(path), formatting_info=True, on_demand=True)
    try:
        for index in range(book.nsheets):
            s = book.sheet_by_index(index)
            cells = [[_text(s.cell_value(r, c)) for c in range(s.ncols)] for r in range(s.nrows)]
            yield _Sheet(s.name, cells, list(s.merged_cells))
    finally:
        book.release_resources()


def _xlsx_sheets(path: Path) -> Iterator[_Sheet]:
    import openpyxl

    book = openpyxl.load_workbook(path, read_only=False, data_only=True)
    try:
        for ws in book.worksheets:
            cells = [[_text(v) for v in row] for row in ws.iter_rows(values_only=True)]
            merged = [(r.min_row - 1, r.max_row, r.min_col - 1, r.max_col) for r in ws.merged_cells.ranges]
            yield _Sheet(ws.title, cells, merged)
    finally:
        book.close()


def _csv_sheets(path: Path) -> Iterator[_Sheet]:
    raw = path.read_bytes()
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = raw.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise ValueError("CSV 文件既不是 UTF-8 也不是 GB18030 编码")
    rows = [[_text(v) for v in row] for row in csv.reader(io.StringIO(text))]
    header = rows[0] if rows else []
    law = next((i for i, h in enumerate(header) if h.strip().lower() in ("sheet", "法律", "法律名称")), None)
    if law is None:
        yield _Sheet(path.stem, rows, [])
        return
    # One table per law, as the sheets of the workbook (the flattened reference CSV carries the sheet name).
    by_law: dict[str, list[list[str]]] = {}
    for row in rows[1:]:
        if len(row) > law:
            by_law.setdefault(row[law], [header]).append(row)
    for name, law_rows in by_law.items():
        yield _Sheet(name, law_rows, [])


def read_benchmark_table(path: Path | str) -> list[BenchmarkItem]:
    """All benchmark items of the table, in sheet and row order. Raises FileNotFoundError when missing and
    ValueError for a file that is not a benchmark table."""
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"找不到裁量基准表：{path}")
    suffix = path.suffix.lower()
    if suffix == ".xls":
        sheets = _xls_sheets(path)
    elif suffix in (".xlsx", ".xlsm"):
        sheets = _xlsx_sheets(path)
    elif suffix == ".csv":
        sheets = _csv_sheets(path)
    else:
        raise ValueError(f"不支持的文件类型“{suffix or '无扩展名'}”：请使用 .xls、.xlsx 或 .csv")
    items: list[BenchmarkItem] = []
    for sheet in sheets:
        items.extend(_items(sheet))
    return items
