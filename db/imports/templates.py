"""The downloadable template of each kind: CSV (header and one example row) and .xlsx (with a sheet
“填写说明” describing each column)."""

from __future__ import annotations

import codecs
import csv
import io
from collections.abc import Iterable, Sequence
from typing import Any

from db.imports.spec import KindSpec

__all__ = ["template_csv", "template_rows", "template_xlsx", "write_csv"]


def write_csv(rows: Iterable[Sequence[Any]], *, bom: bool = True) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerows(rows)
    return (codecs.BOM_UTF8 if bom else b"") + buffer.getvalue().encode("utf-8")


def template_rows(spec: KindSpec) -> list[list[str]]:
    return [[f.header for f in spec.fields], [f.example for f in spec.fields]]


def template_csv(spec: KindSpec) -> bytes:
    """UTF-8 with BOM, so Excel shows the Chinese headers."""
    return write_csv(template_rows(spec))


def template_xlsx(spec: KindSpec) -> bytes:
    """Header row, one example row, every column formatted as text (so ID numbers keep all their digits), and a
    second sheet “填写说明” describing each column."""
    import openpyxl
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    fields = spec.fields
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = spec.sheet_title or spec.title
    header, example = template_rows(spec)
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
