"""The import package's shape: small functions, the column tables of docs/import.md agree with every
kind's spec, the admin page's titles and captions come from the specs, and the rejects file cannot carry a
spreadsheet formula."""

from __future__ import annotations

import ast
import csv
import datetime as dt
import io
from pathlib import Path

from sqlalchemy import Engine

from db.imports import KINDS, SUPPORTED_KINDS, ImportReport, run_import, template_rows
from db.imports.spec import KindSpec
from tests.db.conftest import AG1, add_two_agencies

ROOT = Path(__file__).resolve().parents[2]
MAX_FUNCTION_LINES = 80


def test_every_function_of_the_import_package_is_small() -> None:
    sizes = []
    for path in sorted((ROOT / "db" / "imports").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                assert node.end_lineno is not None
                sizes.append((node.end_lineno - node.lineno + 1, f"{path.relative_to(ROOT)}:{node.name}"))
    assert sizes
    largest = max(sizes)
    assert largest[0] < MAX_FUNCTION_LINES, largest


def _doc_tables() -> list[list[list[str]]]:
    """Every column table of docs/import.md (| 列名 | 英文别名 | 必填 | 格式 | 示例 |) as rows of cells."""
    tables: list[list[list[str]]] = []
    current: list[list[str]] | None = None
    for line in (ROOT / "docs" / "import.md").read_text(encoding="utf-8").splitlines():
        if line.startswith("| 列名 | 英文别名 | 必填 |"):
            current = []
            tables.append(current)
        elif current is not None and line.startswith("|"):
            if not line.startswith("|---"):
                current.append([c.strip() for c in line.strip().strip("|").split(" | ")])
        else:
            current = None
    return tables


def test_docs_column_tables_match_every_kind_spec() -> None:
    tables = _doc_tables()
    for kind, spec in KINDS.items():
        keys = [f"`{f.key}`" for f in spec.fields]
        table = next((t for t in tables if [row[1] for row in t] == keys), None)
        assert table is not None, f"docs/import.md has no column table listing exactly the columns of {kind}"
        for f, row in zip(spec.fields, table, strict=False):
            assert row[0] == f.header, (kind, f.key, row[0])
            assert row[2].rstrip("*") == ("是" if f.required else "否"), (kind, f.key, "必填")  # * = see the note
            example = row[4].strip("`") if len(row) > 4 else ""
            assert example.replace("（空）", "") == f.example, (kind, f.key, example, f.example)


def test_every_kind_has_a_title_and_caption_for_the_admin_page() -> None:
    assert SUPPORTED_KINDS == ("agencies", "officers", "matters", "cases", "events", "reviews", "decisions",
                               "inspections")
    page = (ROOT / "pages" / "data_import.py").read_text(encoding="utf-8")
    for spec in KINDS.values():
        assert isinstance(spec, KindSpec) and spec.title and spec.caption.endswith("。")
        assert spec.caption not in page  # the page reads it from the spec, it keeps no copy
    assert [k for k, s in KINDS.items() if s.names_agencies] == ["officers", "matters", "cases", "decisions",
                                                                           "inspections"]


def test_rejects_file_neutralises_formulas() -> None:
    report = ImportReport(headers=["=决定书文号", "处罚机关"])
    cells = ["=HYPERLINK(\"http://x\")", "+1", "-1", "@SUM(A1)", "\tx", "\rx", "＝1", "＋1", "－1", "＠x", "正常"]
    report.raw_invalid[2] = cells
    rows = list(csv.reader(io.StringIO(report.rejects_csv_bytes().decode("utf-8-sig"), newline="")))
    assert rows[0] == ["行号", "错误原因", "'=决定书文号", "处罚机关"]
    assert rows[1][2:] == ["'" + c for c in cells[:-1]] + ["正常"]


def _decision_row(name: str, ptype: str, uscc: str = "") -> bytes:
    header, _ = template_rows("decisions")
    values = {"决定书文号": "青测罚〔2026〕77号", "处罚机关": AG1, "当事人名称": name, "当事人类型": ptype,
              "统一社会信用代码": uscc, "处罚内容": "警告", "决定日期": "2026-03-20"}
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    writer.writerow([values.get(h, "") for h in header])
    return buffer.getvalue().encode("utf-8-sig")


def _party_type_warnings(engine: Engine, kind: str, data: bytes) -> list[str]:
    report = run_import(kind, engine, data, filename="p.csv", dry_run=True, today=dt.date(2026, 11, 20))
    assert report.errors == [], report.lines()
    return [str(p) for p in report.warnings if p.column == "当事人类型"]


def test_declared_party_type_contradicting_the_name_is_a_warning_with_line_and_column(sqlite_engine: Engine) -> None:
    import random

    from domain.identifiers import synthetic_uscc

    add_two_agencies(sqlite_engine)
    uscc = synthetic_uscc(random.Random(3), "449901")
    warned = _party_type_warnings(sqlite_engine, "decisions", _decision_row("临江市某某餐饮管理有限公司", "自然人", uscc))
    assert len(warned) == 1 and warned[0].startswith("第2行“当事人类型”提示：当事人类型填写为“自然人”，但推断为“法人”")
    warned = _party_type_warnings(sqlite_engine, "decisions", _decision_row("张三", "法人"))
    assert len(warned) == 1 and "填写为“法人”，但推断为“自然人”" in warned[0]
    assert _party_type_warnings(sqlite_engine, "decisions", _decision_row("临江市某某餐饮管理有限公司", "法人", uscc)) == []
    assert _party_type_warnings(sqlite_engine, "decisions", _decision_row("张三", "个体工商户")) == []


def test_cases_import_warns_on_a_contradicting_party_type(sqlite_engine: Engine) -> None:
    add_two_agencies(sqlite_engine)
    header, _ = template_rows("cases")
    values = {"案号": "青测立〔2026〕5号", "执法机关": AG1, "当事人名称": "张三", "当事人类型": "法人",
              "立案日期": "2026-03-02"}
    buffer = io.StringIO()
    csv.writer(buffer).writerows([header, [values.get(h, "") for h in header]])
    warned = _party_type_warnings(sqlite_engine, "cases", buffer.getvalue().encode("utf-8-sig"))
    assert len(warned) == 1 and "填写为“法人”，但推断为“自然人”" in warned[0]


class _StubSheet:
    def __init__(self, name: str, rows: list[list[tuple[int, object]]]) -> None:
        self.name, self.rows = name, rows
        self.nrows, self.ncols = len(rows), max((len(r) for r in rows), default=0)

    def cell_type(self, r: int, c: int) -> int:
        return self.rows[r][c][0] if c < len(self.rows[r]) else 0

    def cell_value(self, r: int, c: int) -> object:
        return self.rows[r][c][1] if c < len(self.rows[r]) else ""


class _StubBook:
    datemode = 0

    def __init__(self, sheets: list[_StubSheet]) -> None:
        self.sheets, self.nsheets, self.released = sheets, len(sheets), False

    def sheet_by_index(self, index: int) -> _StubSheet:
        return self.sheets[index]

    def release_resources(self) -> None:
        self.released = True


def test_xls_sheet_loop_takes_the_sheet_with_the_template_header(monkeypatch) -> None:
    """The .xls reader shares the workbook sheet loop with .xlsx (a stub workbook: the real sample is not in the
    repository): a title-only sheet is passed over, dates become ISO dates, 18-digit numbers are flagged."""
    import xlrd

    from db.imports.kinds.decisions import SPEC
    from db.imports.reading import read_source

    text, number, date = xlrd.XL_CELL_TEXT, xlrd.XL_CELL_NUMBER, xlrd.XL_CELL_DATE
    book = _StubBook([
        _StubSheet("说明", [[(text, "本表为导出数据")]]),
        _StubSheet("数据", [
            [(text, "决定书文号"), (text, "处罚机关"), (text, "当事人名称"), (text, "决定日期"), (text, "证件号码")],
            [(text, "青罚1号"), (text, AG1), (text, "张某"), (date, 46101.0), (number, 449901198001011234.0)],
        ]),
    ])
    monkeypatch.setattr(xlrd, "open_workbook", lambda **kwargs: book)
    table = read_source(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 64, SPEC.score, filename="a.xls")
    assert table.file_format == "Excel 97-2003 .xls（工作表“数据”）" and book.released
    assert table.headers[0] == "决定书文号" and table.lines == [2]
    assert table.rows[0][3] == "2026-03-20" and table.imprecise == {(0, 4)}
