"""The flat ``decisions`` importer: reading, every validation rule with real-world formats, the
all-or-nothing / --accept-valid / --dry-run accounting, idempotent re-import and the correction history.

Every test gets a fresh SQLite database (tests/conftest.py ``sqlite_engine``) with two agencies; the core round
trip also runs on PostgreSQL when TEST_DATABASE_URL is set. Identifiers are synthetic (domain.identifiers): real
codes never get invented penalties attached, even in a test — the real-code list is covered by
tests/domain/test_identifiers.py, whose validator the importer calls.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import random
import struct
from collections.abc import Iterable
from decimal import Decimal
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from sqlalchemy import Engine, func, select

from db import models as m
from db.imports import (
    DECISION_FIELDS as FIELDS,
)
from db.imports import (
    EXIT_OK,
    EXIT_PARTIAL,
    EXIT_REFUSED,
    ImportFileError,
    ImportReport,
    import_decisions,
    map_headers,
    read_table,
    run_import,
    template_csv_bytes,
    template_rows,
    template_xlsx_bytes,
)
from domain.enums import (
    AgencyLevel,
    BenchmarkRangeKind,
    DataOrigin,
    DisclosureStatus,
    DiscretionTier,
    PartyType,
    PenaltyType,
    Procedure,
    ReviewOutcome,
)
from domain.identifiers import synthetic_id_number, synthetic_uscc
from sample_data import REFERENCE_DIR
from tests.db.conftest import AG1, AG2, add_two_agencies

TODAY = dt.date(2026, 11, 20)
_rng = random.Random(20261122)
USCC = [synthetic_uscc(_rng, "449901") for _ in range(12)]
PERSON_ID = synthetic_id_number(random.Random(1), "449901", dt.date(1980, 1, 1), dt.date(1989, 12, 31))
PERSON_ID_2 = synthetic_id_number(random.Random(2), "449901", dt.date(1970, 1, 1), dt.date(1979, 12, 31))
MINOR_ID = synthetic_id_number(random.Random(3), "449901", dt.date(2011, 1, 1), dt.date(2011, 6, 30))
REFERENCE_XLS = REFERENCE_DIR / "jiangmen_eco_env_discretion_table_2020.xls"


# ---------------------------------------------------------------------------------------------------- helpers


def _add_agencies(engine: Engine) -> None:
    add_two_agencies(engine)


@pytest.fixture
def engine(sqlite_engine: Engine) -> Engine:
    _add_agencies(sqlite_engine)
    return sqlite_engine


def row(n: int = 1, changes: dict[str, str] | None = None) -> dict[str, str]:
    """A valid row (organisation, fine 5000 in the text, published) with ``changes`` applied."""
    base = {
        "决定书文号": f"青市监罚〔2026〕{n}号",
        "处罚机关": AG1,
        "当事人名称": f"临江市青石示例{n}商贸有限公司",
        "当事人类型": "法人",
        "统一社会信用代码": USCC[n % len(USCC)],
        "违法行为类型": "销售不符合食品安全标准的食品",
        "违法事实": "经查，当事人销售过期食品。",
        "处罚依据": "《中华人民共和国食品安全法》第一百二十四条",
        "处罚内容": "罚款5000元",
        "决定日期": "2026-03-20",
        "公示日期": "2026-03-25",
    }
    base.update(changes or {})
    return base


def person(n: int = 1, changes: dict[str, str] | None = None) -> dict[str, str]:
    return row(n, {"当事人名称": "张某", "当事人类型": "自然人", "统一社会信用代码": "", "证件号码": PERSON_ID,
                   **(changes or {})})


def csv_bytes(rows: Iterable[dict[str, str]], *, encoding: str = "utf-8-sig", headers: list[str] | None = None,
              delimiter: str = ",") -> bytes:
    rows = list(rows)
    headers = headers or list(dict.fromkeys(k for r in rows for k in r))
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n", delimiter=delimiter)
    writer.writerow(headers)
    for r in rows:
        writer.writerow([r.get(h, "") for h in headers])
    return buffer.getvalue().encode(encoding)


def run(engine: Engine, tmp_path: Path, rows: Iterable[dict[str, str]], name: str = "decisions.csv",
        **options: Any) -> ImportReport:
    path = tmp_path / name
    path.write_bytes(csv_bytes(rows))
    options.setdefault("today", TODAY)
    report = import_decisions(engine, path, **options)
    report.check()
    return report


def msgs(report: ImportReport, line: int | None = None, severity: str | None = None,
         column: str | None = None) -> list[str]:
    return [p.message for p in report.problems
            if (line is None or p.line == line) and (severity is None or p.severity == severity)
            and (column is None or p.column == column)]


def counts(engine: Engine) -> dict[str, int]:
    """Rows per table, the audit log aside: a refused import writes no data but is audited (audit_entries)."""
    with engine.connect() as conn:
        return {t.name: conn.execute(select(func.count()).select_from(t)).scalar_one()
                for t in m.Base.metadata.sorted_tables if t.name != "audit_log"}


def audit_entries(engine: Engine) -> list[str]:
    with engine.connect() as conn:
        return list(conn.execute(select(m.AuditEntry.action).order_by(m.AuditEntry.id)).scalars())


def decision(engine: Engine, decision_no: str) -> dict[str, Any]:
    """The stored decision with its case, party, items, review and disclosure."""
    with engine.connect() as conn:
        dec = conn.execute(select(m.Decision.__table__).where(m.Decision.decision_no == decision_no)
                           ).mappings().one_or_none()
        assert dec is not None, f"{decision_no} not stored"
        case = conn.execute(select(m.Case.__table__).where(m.Case.id == dec["case_id"])).mappings().one()
        party = conn.execute(select(m.Party.__table__).where(m.Party.id == case["party_id"])).mappings().one()
        items = conn.execute(select(m.PenaltyItem.penalty_type, m.PenaltyItem.amount, m.PenaltyItem.description)
                             .where(m.PenaltyItem.decision_id == dec["id"]).order_by(m.PenaltyItem.id)).all()
        reviews = conn.execute(select(m.LegalReview.__table__).where(m.LegalReview.case_id == case["id"])
                               ).mappings().all()
        disclosure = conn.execute(select(m.Disclosure.__table__).where(m.Disclosure.decision_id == dec["id"])
                                  ).mappings().one_or_none()
        versions = []
        if disclosure is not None:
            versions = conn.execute(select(m.DisclosureVersion.__table__)
                                    .where(m.DisclosureVersion.disclosure_id == disclosure["id"])
                                    .order_by(m.DisclosureVersion.version)).mappings().all()
    return {"decision": dict(dec), "case": dict(case), "party": dict(party), "items": [tuple(i) for i in items],
            "reviews": [dict(r) for r in reviews], "disclosure": dict(disclosure) if disclosure else None,
            "versions": [dict(v) for v in versions]}


def xls_bytes(rows: list[list[Any]], sheet_name: str = "Sheet1") -> bytes:
    """A minimal Excel 97-2003 workbook (BIFF8 in an OLE2 container): text → LABEL, numbers → NUMBER, dates →
    NUMBER with a date format. Written by hand because no .xls writer is installed; xlrd reads it like Excel's."""

    def rec(rtype: int, data: bytes = b"") -> bytes:
        return struct.pack("<HH", rtype, len(data)) + data

    def bof(kind: int) -> bytes:
        return rec(0x0809, struct.pack("<HHHHII", 0x0600, kind, 0x0DBB, 0x07CC, 0, 0x06))

    def xf(fmt: int) -> bytes:
        return rec(0x00E0, struct.pack("<HHHBBBBIiH", 0, fmt, 0x0001, 0x20, 0, 0, 0, 0, 0, 0x20C0))

    sheet = bytearray(bof(0x0010))
    for r, values in enumerate(rows):
        for c, v in enumerate(values):
            if v is None or v == "":
                continue
            if isinstance(v, dt.date):
                sheet += rec(0x0203, struct.pack("<HHHd", r, c, 1, float((v - dt.date(1899, 12, 30)).days)))
            elif isinstance(v, (int, float)):
                sheet += rec(0x0203, struct.pack("<HHHd", r, c, 0, float(v)))
            else:
                raw = str(v).encode("utf-16-le")
                sheet += rec(0x0204, struct.pack("<HHHHB", r, c, 0, len(raw) // 2, 1) + raw)
    sheet += rec(0x000A)
    name = sheet_name.encode("utf-16-le")

    def globals_(offset: int) -> bytes:
        return (bof(0x0005) + xf(0) + xf(14)
                + rec(0x0085, struct.pack("<IBBBB", offset, 0, 0, len(name) // 2, 1) + name) + rec(0x000A))

    stream = globals_(len(globals_(0))) + bytes(sheet)
    stream += b"\x00" * max(0, 4096 - len(stream))  # a regular (not mini) stream
    n = (len(stream) + 511) // 512
    stream += b"\x00" * (n * 512 - len(stream))
    end, fat_sect, free = 0xFFFFFFFE, 0xFFFFFFFD, 0xFFFFFFFF
    fat = [fat_sect] + [i + 2 for i in range(n - 1)] + [end, end]
    fat += [free] * (128 - len(fat))

    def entry(entry_name: str, kind: int, child: int, start: int, size: int) -> bytes:
        encoded = (entry_name + "\x00").encode("utf-16-le")
        return (encoded.ljust(64, b"\x00") + struct.pack("<HBB", len(encoded), kind, 1)
                + struct.pack("<III", free, free, child) + b"\x00" * 20 + struct.pack("<QQ", 0, 0)
                + struct.pack("<III", start, size, 0))

    directory = (entry("Root Entry", 5, 1, end, 0) + entry("Workbook", 2, free, 1, len(stream))).ljust(512, b"\x00")
    header = (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 16 + struct.pack("<HHHHH", 0x3E, 3, 0xFFFE, 9, 6)
              + b"\x00" * 6 + struct.pack("<IIIIIIIII", 0, 1, n + 1, 0, 4096, end, 0, end, 0))
    header += struct.pack("<109I", 0, *([free] * 108))
    return header + struct.pack("<128I", *fat) + stream + directory


# ---------------------------------------------------------------------------------------------------- reading


def test_utf8_bom_and_plain_utf8_read_the_same(tmp_path: Path) -> None:
    for encoding in ("utf-8-sig", "utf-8"):
        table = read_table(csv_bytes([row()], encoding=encoding), filename="a.csv")
        assert table.headers[0] == "决定书文号"
        assert table.rows[0][0] == "青市监罚〔2026〕1号"
        assert table.lines == [2]
    assert "BOM" in read_table(csv_bytes([row()]), filename="a.csv").file_format


def test_gb18030_file_with_characters_outside_gbk(engine: Engine, tmp_path: Path) -> None:
    name = "临江市青石𠮷野家餐饮有限公司"  # 𠮷 (U+20BB7) exists in GB18030 only, as a four-byte sequence
    path = tmp_path / "gb.csv"
    path.write_bytes(csv_bytes([row(1, {"当事人名称": name})], encoding="gb18030"))
    report = import_decisions(engine, path, today=TODAY)
    assert report.exit_code == EXIT_OK, report.lines()
    assert "GB18030" in report.file_format
    assert decision(engine, "青市监罚〔2026〕1号")["party"]["name"] == name


def test_gbk_file_from_an_old_system(engine: Engine, tmp_path: Path) -> None:
    path = tmp_path / "gbk.csv"
    path.write_bytes(csv_bytes([row(1), person(2)], encoding="gbk"))
    report = import_decisions(engine, path, today=TODAY)
    assert (report.exit_code, report.inserted) == (EXIT_OK, 2), report.lines()
    assert decision(engine, "青市监罚〔2026〕2号")["party"]["name"] == "张某"


def test_utf16_tab_separated_unicode_text(engine: Engine, tmp_path: Path) -> None:
    """Excel's “Unicode 文本” export: UTF-16 with BOM, tab separated."""
    path = tmp_path / "unicode.txt"
    path.write_bytes(csv_bytes([row(1)], encoding="utf-16", delimiter="\t"))
    report = import_decisions(engine, path, today=TODAY)
    assert (report.exit_code, report.inserted) == (EXIT_OK, 1), report.lines()


def test_quoted_newlines_keep_file_line_numbers(engine: Engine, tmp_path: Path) -> None:
    facts = "经查：\n一、当事人销售过期食品；\n二、当事人未建立进货查验记录。"  # 3 line breaks → lines 2–4
    rows = [row(1, {"违法事实": facts}), row(2, {"决定日期": "2026-02-30"}), row(3)]
    report = run(engine, tmp_path, rows)
    assert report.exit_code == EXIT_REFUSED
    [problem] = report.errors
    assert (problem.line, problem.column) == (5, "决定日期")  # record 2 starts on physical line 5
    assert "2月只有28天" in problem.message
    report = run(engine, tmp_path, [rows[0], rows[2]])
    assert report.exit_code == EXIT_OK
    assert decision(engine, "青市监罚〔2026〕1号")["case"]["facts"] == facts


def test_xlsx_with_title_row_date_cells_and_numbers(engine: Engine, tmp_path: Path) -> None:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["临江市青石区市场监督管理局行政处罚结果公示"])  # title row above the header
    sheet.append([])
    headers = ["决定书文号", "处罚机关", "当事人名称", "当事人类型", "证件号码", "处罚内容", "罚款金额（元）",
               "没收金额（元）", "决定日期", "公示日期"]
    sheet.append(headers)
    sheet.append(["青市监罚〔2026〕1号", AG1, "李某", "自然人", PERSON_ID, "罚款1712.4元", 1712.4, 0,
                  dt.datetime(2026, 3, 20), dt.date(2026, 3, 25)])
    # An 18-digit ID typed as a number: Excel keeps 15 significant digits, the check digit is lost.
    sheet.append(["青市监罚〔2026〕2号", AG1, "王某", "自然人", int(PERSON_ID_2[:17] + "0"), "警告", None, None,
                  46101, "2026年3月25日"])
    path = tmp_path / "published.xlsx"
    workbook.save(path)

    table = read_table(path)
    assert table.header_line == 3 and table.lines == [4, 5]
    assert table.rows[0][6:10] == ["1712.4", "0", "2026-03-20", "2026-03-25"]
    report = import_decisions(engine, path, today=TODAY)
    assert report.exit_code == EXIT_REFUSED
    [problem] = report.errors
    assert (problem.line, problem.column) == (5, "证件号码")
    assert "设为文本" in problem.message
    report = import_decisions(engine, path, today=TODAY, accept_valid=True)
    assert (report.exit_code, report.inserted, report.rejected) == (EXIT_PARTIAL, 1, 1)
    stored = decision(engine, "青市监罚〔2026〕1号")
    assert stored["decision"]["fine_total"] == Decimal("1712.40")
    assert stored["decision"]["confiscation_total"] == Decimal("0.00")
    assert stored["decision"]["decided_on"] == dt.date(2026, 3, 20)


@pytest.mark.parametrize("epoch_1904", [False, True])
def test_streaming_xlsx_reader_agrees_with_openpyxl(tmp_path: Path, epoch_1904: bool) -> None:
    from functools import partial

    from openpyxl.cell.rich_text import CellRichText, TextBlock
    from openpyxl.cell.text import InlineFont
    from openpyxl.utils.datetime import CALENDAR_MAC_1904

    from db.imports.kinds.decisions import SPEC
    from db.imports.reading import read_xlsx_openpyxl

    _read_xlsx_openpyxl = partial(read_xlsx_openpyxl, score=SPEC.score)

    workbook = openpyxl.Workbook()
    if epoch_1904:
        workbook.epoch = CALENDAR_MAC_1904
    sheet = workbook.active
    sheet.append(["决定书文号", "处罚机关", "当事人名称", "决定日期", "是否重大", "罚款金额（元）", "备注"])
    sheet.append(["青罚1号", AG1, CellRichText("临江市", TextBlock(InlineFont(b=True), "青石"), "商行"),
                  dt.date(2026, 3, 20), True, 1712.4, None])
    sheet.append([])
    sheet.append(["青罚2号", None, "张某", dt.datetime(2026, 3, 21, 9, 30), False, 5000, "x"])
    sheet["D4"].number_format = "yyyy年m月d日"
    path = tmp_path / "both.xlsx"
    workbook.save(path)
    fast, slow = read_table(path), _read_xlsx_openpyxl(path.read_bytes())
    assert (fast.headers, fast.rows, fast.lines) == (slow.headers, slow.rows, slow.lines)
    assert fast.rows[0][2:6] == ["临江市青石商行", "2026-03-20", "是", "1712.4"]
    assert fast.lines == [2, 4] and fast.rows[1][3] == "2026-03-21 09:30:00"


def test_xls_97_2003_workbook(engine: Engine, tmp_path: Path) -> None:
    path = tmp_path / "old.xls"
    path.write_bytes(xls_bytes([
        ["决定书文号", "处罚机关", "当事人名称", "统一社会信用代码", "处罚内容", "罚款金额（元）", "决定日期", "公示日期"],
        ["青市监罚〔2026〕7号", AG1, "临江市青石示例商贸有限公司", USCC[0], "罚款伍仟元整", 5000,
         dt.date(2026, 3, 20), "2026.3.25"],
    ]))
    table = read_table(path)
    assert "xls" in table.file_format
    assert table.rows[0][5:7] == ["5000", "2026-03-20"]
    report = import_decisions(engine, path, today=TODAY)
    assert (report.exit_code, report.inserted) == (EXIT_OK, 1), report.lines()
    stored = decision(engine, "青市监罚〔2026〕7号")
    assert stored["decision"]["fine_total"] == Decimal("5000.00")
    assert stored["disclosure"]["published_on"] == dt.date(2026, 3, 25)


@pytest.mark.parametrize("content, name, fragment", [
    (b"", "empty.csv", "为空"),
    (b"  \r\n\r\n ", "blank.csv", "为空"),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 4, "photo.csv", "二进制"),
    (bytes(random.Random(5).getrandbits(8) for _ in range(5000)), "random.csv", ""),
    ("姓名,年龄,住址\n张三,30,某地\n".encode(), "people.csv", "不是决定书导入模板"),
    ("决定书文号,处罚机关,当事人名称\n青罚1号,某局,某公司\n".encode(), "partial.csv", "“决定日期”"),
    ("决定书文号,处罚机关,当事人名称,决定日期,decision_no\n".encode(), "dup.csv", "只保留一列"),
    ("决定书文号,处罚机关,当事人名称,决定日期\n".encode("utf-8-sig"), "header_only.csv", "没有数据行"),
    ('决定书文号,处罚机关,当事人名称,决定日期\n"青罚1号,某局,某公司,2026-01-01\n'.encode(), "cut.csv", "第2行"),
    (b"<html><body><table><tr><td>x</td></tr></table></body></html>", "web.xls", "网页"),
    ("决定书文号,处罚机关,当事人名称,决定日期\n青罚1号,某局,某公司".encode()[:-1], "cut_utf8.csv", "截断"),
    (b"PK\x03\x04" + b"\x00" * 100, "broken.xlsx", "损坏或不完整"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600, "broken.xls", "损坏或不完整"),
    (b"plain text", "named.xlsx", "不是Excel"),
])
def test_malformed_files_raise_one_line_chinese_errors(engine: Engine, content: bytes, name: str,
                                                       fragment: str) -> None:
    before = counts(engine)
    with pytest.raises(ImportFileError) as caught:
        import_decisions(engine, content, filename=name, today=TODAY)
    error = caught.value
    assert error.exit_code == 2
    assert "\n" not in error.message and "Traceback" not in error.message
    assert any("\u4e00" <= ch <= "\u9fff" for ch in error.message)
    assert fragment in error.message
    assert counts(engine) == before


def test_truncated_xlsx(engine: Engine) -> None:
    data = template_xlsx_bytes()
    with pytest.raises(ImportFileError, match="损坏或不完整"):
        import_decisions(engine, data[: len(data) // 2], filename="cut.xlsx")


def test_real_benchmark_xls_is_the_wrong_template(engine: Engine) -> None:
    with pytest.raises(ImportFileError, match="不是决定书导入模板"):
        import_decisions(engine, REFERENCE_XLS)


def test_missing_file_and_unknown_kind(engine: Engine, tmp_path: Path) -> None:
    with pytest.raises(ImportFileError, match="找不到文件"):
        import_decisions(engine, tmp_path / "nope.csv")
    with pytest.raises(ImportFileError, match="不支持的导入类型"):
        run_import("penalties", engine, tmp_path / "nope.csv")


# ---------------------------------------------------------------------------------------------------- headers


def test_english_aliases_any_order_and_unknown_columns(engine: Engine, tmp_path: Path) -> None:
    english = {f.header: f.key for f in FIELDS}
    source = row(1, {"罚款金额（元）": "5,000.00", "备注": "来自旧系统", "序号": "1"})
    renamed = {english.get(k, k): v for k, v in source.items()}
    headers = sorted(renamed)  # alphabetical: nothing like the template order
    path = tmp_path / "en.csv"
    path.write_bytes(csv_bytes([renamed], headers=headers))
    report = import_decisions(engine, path, today=TODAY)
    assert report.exit_code == EXIT_OK, report.lines()
    unknown = [p for p in report.warnings if p.line == 1]
    assert {p.column for p in unknown} == {"备注", "序号"}
    assert all("已忽略" in p.message for p in unknown)


def test_header_variants_from_real_exports() -> None:
    header = map_headers([" 行政处罚决定书文号 ", "处罚机关\n", "*行政相对人名称", "处罚决定日期", "罚款金额(万元)",
                          "没收违法所得、没收非法财物的金额（万元）", "公示期"])
    assert set(header.columns) == {"decision_no", "agency", "party_name", "decided_on", "fine_amount",
                                   "confiscation_amount", "publication_period"}
    assert header.units["fine_amount"] == "万元" and header.units["confiscation_amount"] == "万元"


def test_csv_title_row_above_the_header(engine: Engine, tmp_path: Path) -> None:
    data = "临江市青石区市场监督管理局行政处罚结果公示（2026年3月）\r\n".encode() + csv_bytes([row(1)], encoding="utf-8")
    table = read_table(data, filename="with_title.csv")
    assert (table.header_line, table.lines) == (2, [3])
    report = import_decisions(engine, data, filename="with_title.csv", today=TODAY)
    assert (report.exit_code, report.inserted) == (EXIT_OK, 1)


def test_amount_column_in_wan_yuan(engine: Engine, tmp_path: Path) -> None:
    report = run(engine, tmp_path, [row(1, {"处罚内容": "罚款", "罚款金额（万元）": "1.5"})])
    assert report.exit_code == EXIT_OK, report.lines()
    assert decision(engine, "青市监罚〔2026〕1号")["decision"]["fine_total"] == Decimal("15000.00")


# ---------------------------------------------------------------------------------------------------- rules


def test_required_fields(engine: Engine, tmp_path: Path) -> None:
    report = run(engine, tmp_path, [row(1, {"决定书文号": " ", "处罚机关": "", "当事人名称": "", "决定日期": ""})],
                 dry_run=True)
    assert {p.column for p in report.errors} >= {"决定书文号", "处罚机关", "当事人名称", "决定日期"}
    assert all("不能为空" in p.message for p in report.errors if p.column != "当事人类型")


@pytest.mark.parametrize("value, expected", [
    ("自然人", PartyType.NATURAL_PERSON), ("个人", PartyType.NATURAL_PERSON), ("法人", PartyType.LEGAL_PERSON),
    ("非法人组织", PartyType.UNINCORPORATED), ("个体工商户", PartyType.INDIVIDUAL_BUSINESS),
    ("个体户", PartyType.INDIVIDUAL_BUSINESS),
])
def test_party_type_values(engine: Engine, tmp_path: Path, value: str, expected: PartyType) -> None:
    changes = {"当事人类型": value}
    if expected is PartyType.NATURAL_PERSON:
        changes.update({"当事人名称": "张某", "统一社会信用代码": "", "证件号码": PERSON_ID})
    report = run(engine, tmp_path, [row(1, changes)])
    assert report.exit_code == EXIT_OK, report.lines()
    assert decision(engine, "青市监罚〔2026〕1号")["party"]["party_type"] is expected


def test_party_type_outside_the_enumeration(engine: Engine, tmp_path: Path) -> None:
    report = run(engine, tmp_path, [row(1, {"当事人类型": "公司"})], dry_run=True)
    assert msgs(report, 2, "error", "当事人类型") == ["当事人类型“公司”无效，应为自然人、法人、非法人组织或个体工商户"]


def test_credit_china_unit_category_is_resolved_from_the_code(engine: Engine, tmp_path: Path) -> None:
    report = run(engine, tmp_path, [row(1, {"当事人类型": "法人及非法人组织"})], dry_run=True)
    assert report.exit_code == EXIT_OK
    assert any("未区分法人与非法人组织" in w for w in msgs(report, 2, "warning"))


@pytest.mark.parametrize("value, fragment", [("罚金", "无法识别的处罚种类"), ("没收", "不明确"),
                                             ("罚款；责令改正", "不属于行政处罚种类")])
def test_penalty_types_outside_article_9(engine: Engine, tmp_path: Path, value: str, fragment: str) -> None:
    report = run(engine, tmp_path, [row(1, {"处罚种类": value})], dry_run=True)
    assert report.exit_code == EXIT_REFUSED
    assert any(fragment in e for e in msgs(report, 2, "error", "处罚种类"))


def test_penalty_types_column_adds_items(engine: Engine, tmp_path: Path) -> None:
    report = run(engine, tmp_path, [row(1, {"处罚种类": "警告、罚款", "处罚内容": ""})])
    assert report.exit_code == EXIT_OK
    stored = decision(engine, "青市监罚〔2026〕1号")
    assert [i[0] for i in stored["items"]] == [PenaltyType.WARNING, PenaltyType.FINE]
    assert stored["decision"]["conclusion"] == "警告、罚款"


@pytest.mark.parametrize("prefix", ["N2", "N3", "Y1", "A1", "91", "12", "52"])
def test_uscc_with_letter_registration_authorities_is_valid(engine: Engine, tmp_path: Path, prefix: str) -> None:
    code = synthetic_uscc(random.Random(prefix), "440300", prefix=prefix)
    report = run(engine, tmp_path, [row(1, {"统一社会信用代码": code.lower(), "当事人类型": "法人"})])
    assert report.exit_code == EXIT_OK, report.lines()
    assert decision(engine, "青市监罚〔2026〕1号")["party"]["uscc"] == code


@pytest.mark.parametrize("code, fragment", [
    ("91350100M000100Y44", "校验码错误"), ("91350100I000100Y43", "“I”"), ("9135010", "应为18位"),
])
def test_invalid_uscc(engine: Engine, tmp_path: Path, code: str, fragment: str) -> None:
    report = run(engine, tmp_path, [row(1, {"统一社会信用代码": code})], dry_run=True)
    [error] = msgs(report, 2, "error", "统一社会信用代码")
    assert fragment in error


def test_id_number_lower_case_x_and_15_digit_legacy(engine: Engine, tmp_path: Path) -> None:
    x_id = next(i for i in (synthetic_id_number(random.Random(s), "449901", dt.date(1970, 1, 1),
                                                dt.date(1999, 12, 31)) for s in range(200)) if i.endswith("X"))
    legacy = "110105491231002"  # → 11010519491231002X (RULES.md §5.2)
    report = run(engine, tmp_path, [person(1, {"证件号码": x_id.lower()}),
                                    person(2, {"证件号码": legacy, "当事人名称": "李某"})])
    assert report.exit_code == EXIT_OK, report.lines()
    assert decision(engine, "青市监罚〔2026〕1号")["party"]["id_number"] == x_id
    assert decision(engine, "青市监罚〔2026〕2号")["party"]["id_number"] == "11010519491231002X"
    assert any("15位" in w for w in msgs(report, 3, "warning", "证件号码"))


@pytest.mark.parametrize("number, fragment", [
    ("110105194912310021", "校验码错误"), ("110105194913310026", "不是有效日期"),
    ("11010519491231002", "应为18位"), ("110105299912310028", "晚于当前日期"),
])
def test_invalid_id_numbers(engine: Engine, tmp_path: Path, number: str, fragment: str) -> None:
    report = run(engine, tmp_path, [person(1, {"证件号码": number})], dry_run=True)
    [error] = msgs(report, 2, "error", "证件号码")
    assert fragment in error


def test_other_identity_documents_are_kept_with_a_warning(engine: Engine, tmp_path: Path) -> None:
    report = run(engine, tmp_path, [person(1, {"证件号码": "E12345678"})])
    assert report.exit_code == EXIT_OK
    assert any("不是居民身份证号码" in w for w in msgs(report, 2, "warning"))
    assert decision(engine, "青市监罚〔2026〕1号")["party"]["id_number"] == "E12345678"


@pytest.mark.parametrize("text", [
    "2025-08-20", "2025/8/20", "2025.8.20", "20250820", "2025年8月20日", "2025年8月 20日", " 2025 年 8 月 20 日 ",
    "２０２５年８月２０日", "45889", "2025-08-20 00:00:00", "二〇二五年八月二十日",
])
def test_date_formats(engine: Engine, tmp_path: Path, text: str) -> None:
    report = run(engine, tmp_path, [row(1, {"决定日期": text, "公示日期": "", "立案日期": text})])
    assert report.exit_code == EXIT_OK, report.lines()
    assert decision(engine, "青市监罚〔2026〕1号")["decision"]["decided_on"] == dt.date(2025, 8, 20)


@pytest.mark.parametrize("text, fragment", [
    ("2025-02-29", "2月只有28天"), ("2025-13-01", "月份13不存在"), ("2025年8月", "不完整"), ("明天", "不是可识别的日期"),
    ("2027-01-01", "晚于今天"),
])
def test_impossible_dates(engine: Engine, tmp_path: Path, text: str, fragment: str) -> None:
    report = run(engine, tmp_path, [row(1, {"决定日期": text, "公示日期": ""})], dry_run=True)
    [error] = msgs(report, 2, "error", "决定日期")
    assert fragment in error


@pytest.mark.parametrize("text, expected", [
    ("5000", "5000.00"), ("5,000.00", "5000.00"), ("5000元", "5000.00"), ("人民币5000元", "5000.00"),
    ("0.5万元", "5000.00"), ("1.2万", "12000.00"), ("0.0001亿元", "10000.00"), ("１２，３４５．６７", "12345.67"),
    ("伍仟元整", "5000.00"), ("1,712.4万元", "17124000.00"),
])
def test_amount_formats(engine: Engine, tmp_path: Path, text: str, expected: str) -> None:
    report = run(engine, tmp_path, [row(1, {"处罚内容": "罚款", "罚款金额（元）": text, "是否重大": "否"})])
    assert report.exit_code == EXIT_OK, report.lines()
    stored = decision(engine, "青市监罚〔2026〕1号")
    assert stored["decision"]["fine_total"] == Decimal(expected)
    assert (PenaltyType.FINE, Decimal(expected), "") in stored["items"]


def test_amounts_parsed_exactly_from_the_content_text(engine: Engine, tmp_path: Path) -> None:
    text = "警告，没收违法所得1.621747万元，罚款1712.4万元"
    report = run(engine, tmp_path, [row(1, {"处罚内容": text, "法制审核结论": "同意", "法制审核日期": "2026-03-18"})])
    assert report.exit_code == EXIT_OK, report.lines()
    stored = decision(engine, "青市监罚〔2026〕1号")
    assert stored["decision"]["fine_total"] == Decimal("17124000.00")
    assert stored["decision"]["confiscation_total"] == Decimal("16217.47")
    assert stored["items"] == [(PenaltyType.WARNING, None, ""), (PenaltyType.CONFISCATE_GAINS, Decimal("16217.47"), ""),
                               (PenaltyType.FINE, Decimal("17124000.00"), "")]
    assert stored["decision"]["conclusion"] == text
    assert stored["decision"]["unreviewed_major"] is False


def test_amount_column_wins_over_a_different_text_amount(engine: Engine, tmp_path: Path) -> None:
    report = run(engine, tmp_path, [row(1, {"处罚内容": "罚款5000元", "罚款金额（元）": "6000"})])
    assert report.exit_code == EXIT_OK
    assert any("不一致" in w for w in msgs(report, 2, "warning", "罚款金额（元）"))
    stored = decision(engine, "青市监罚〔2026〕1号")
    assert stored["decision"]["fine_total"] == Decimal("6000.00")
    assert stored["items"] == [(PenaltyType.FINE, Decimal("6000.00"), "")]


def test_confiscation_column_without_a_confiscation_in_the_text(engine: Engine, tmp_path: Path) -> None:
    report = run(engine, tmp_path, [row(1, {"处罚内容": "罚款5000元", "没收金额（元）": "300"})])
    assert report.exit_code == EXIT_OK
    stored = decision(engine, "青市监罚〔2026〕1号")
    assert stored["decision"]["confiscation_total"] == Decimal("300.00")
    assert (PenaltyType.CONFISCATE_GAINS, Decimal("300.00"), "") in stored["items"]


def test_negative_amounts_are_rejected(engine: Engine, tmp_path: Path) -> None:
    report = run(engine, tmp_path, [row(1, {"罚款金额（元）": "-500"}), row(2, {"没收金额（元）": "负300元"}),
                                    row(3, {"基数金额（元）": "-1"})], dry_run=True)
    assert [(p.line, p.column) for p in report.errors] == [(2, "罚款金额（元）"), (3, "没收金额（元）"), (4, "基数金额（元）")]
    assert all("负数" in p.message for p in report.errors)


def test_a_range_instead_of_an_amount(engine: Engine, tmp_path: Path) -> None:
    text = "处1万元以上5万元以下罚款"
    report = run(engine, tmp_path, [row(1, {"处罚内容": text})], dry_run=True)
    assert report.exit_code == EXIT_REFUSED
    assert any("金额幅度" in e for e in msgs(report, 2, "error", "处罚内容"))
    report = run(engine, tmp_path, [row(1, {"处罚内容": text, "罚款金额（元）": "20000"})], dry_run=True)
    assert report.exit_code == EXIT_OK
    assert any("金额幅度" in w for w in msgs(report, 2, "warning", "处罚内容"))


def test_content_and_types_cannot_both_be_blank(engine: Engine, tmp_path: Path) -> None:
    report = run(engine, tmp_path, [row(1, {"处罚内容": ""})], dry_run=True)
    assert any("不能同时为空" in e for e in msgs(report, 2, "error", "处罚内容"))


@pytest.mark.parametrize("name, uscc, id_number, expected", [
    ("临江市青石示例商贸有限公司", "USCC", "", PartyType.LEGAL_PERSON),
    ("临江市青石示例个人独资企业", "USCC", "", PartyType.UNINCORPORATED),
    ("张某", "", "", PartyType.NATURAL_PERSON),
    ("李××", "", "", PartyType.NATURAL_PERSON),
    ("王某某", "", "ID", PartyType.NATURAL_PERSON),
    ("临江市青石区示例五金商行", "", "", PartyType.INDIVIDUAL_BUSINESS),
    ("临江市青石区第一人民医院", "", "", PartyType.LEGAL_PERSON),
])
def test_blank_party_type_is_inferred_with_a_warning(engine: Engine, tmp_path: Path, name: str, uscc: str,
                                                     id_number: str, expected: PartyType) -> None:
    changes = {"当事人名称": name, "当事人类型": "", "统一社会信用代码": USCC[0] if uscc else "",
               "证件号码": PERSON_ID if id_number else ""}
    report = run(engine, tmp_path, [row(1, changes)])
    assert report.exit_code == EXIT_OK, report.lines()
    assert any(f"已推断为“{expected.value}”" in w for w in msgs(report, 2, "warning", "当事人类型"))
    assert decision(engine, "青市监罚〔2026〕1号")["party"]["party_type"] is expected


def test_party_type_that_cannot_be_inferred(engine: Engine, tmp_path: Path) -> None:
    report = run(engine, tmp_path, [row(1, {"当事人名称": "ABC", "当事人类型": "", "统一社会信用代码": ""})],
                 dry_run=True)
    assert any("无法推断" in e for e in msgs(report, 2, "error", "当事人类型"))


def test_unknown_agency(engine: Engine, tmp_path: Path) -> None:
    report = run(engine, tmp_path, [row(1, {"处罚机关": "临江市青石区不存在局"})])
    assert report.exit_code == EXIT_REFUSED
    assert any("没有执法主体" in e for e in msgs(report, 2, "error", "处罚机关"))


def test_agency_found_by_short_name_code_and_spacing(engine: Engine, tmp_path: Path) -> None:
    report = run(engine, tmp_path, [row(1, {"处罚机关": "区市场监管局"}), row(2, {"处罚机关": "QS-STHJ"}),
                                    row(3, {"处罚机关": " 临江市青石区 市场监督管理局 "})])
    assert report.exit_code == EXIT_OK, report.lines()
    with engine.connect() as conn:
        agency_ids = conn.execute(select(m.Case.agency_id).order_by(m.Case.id)).scalars().all()
    assert agency_ids == [1, 2, 1]


def test_create_agencies(engine: Engine, tmp_path: Path) -> None:
    new = "临江市青石区文化广电旅游体育局"
    rows = [row(1, {"处罚机关": new}), row(2, {"处罚机关": new})]
    dry = run(engine, tmp_path, rows, create_agencies=True, dry_run=True)
    assert dry.agencies_created == [new] and counts(engine)["agencies"] == 2
    report = run(engine, tmp_path, rows, create_agencies=True)
    assert (report.exit_code, report.inserted, report.agencies_created) == (EXIT_OK, 2, [new])
    assert any("新建执法主体" in w for w in msgs(report, 2, "warning"))
    with engine.connect() as conn:
        agency = conn.execute(select(m.Agency.__table__).where(m.Agency.name == new)).mappings().one()
        audit = conn.execute(select(m.AuditEntry.action)).scalars().all()
    assert agency["major_fine_org"] == Decimal("100000.00") and agency["level"] is AgencyLevel.COUNTY
    assert "import_create_agency" in audit


def test_decision_before_filing(engine: Engine, tmp_path: Path) -> None:
    report = run(engine, tmp_path, [row(1, {"立案日期": "2026-03-21"})], dry_run=True)
    assert msgs(report, 2, "error", "决定日期") == ["决定日期2026-03-20早于立案日期2026-03-21"]


def test_duplicate_decision_number_inside_the_file(engine: Engine, tmp_path: Path) -> None:
    rows = [row(1), row(2), row(1, {"当事人名称": "另一公司有限公司"})]
    report = run(engine, tmp_path, rows)
    assert report.exit_code == EXIT_REFUSED
    assert [(p.line, p.column) for p in report.errors] == [(4, "决定书文号")]
    assert "与第2行重复" in report.errors[0].message
    report = run(engine, tmp_path, rows, accept_valid=True)
    assert (report.inserted, report.rejected) == (2, 1)
    assert decision(engine, "青市监罚〔2026〕1号")["party"]["name"] == "临江市青石示例1商贸有限公司"


def test_duplicate_case_number_inside_the_file(engine: Engine, tmp_path: Path) -> None:
    report = run(engine, tmp_path, [row(1, {"案号": "青市监立〔2026〕9号"}), row(2, {"案号": "青市监立〔2026〕9号"})],
                 dry_run=True)
    assert [(p.line, p.column) for p in report.errors] == [(3, "案号")]


# -- 重大执法决定 and 法制审核


@pytest.mark.parametrize("changes, major, unreviewed", [
    ({"当事人类型": "自然人", "处罚内容": "罚款10000元"}, True, True),  # threshold included (≥ 1万)
    ({"当事人类型": "自然人", "处罚内容": "罚款9999元"}, False, False),
    ({"处罚内容": "罚款10万元"}, True, True),
    ({"处罚内容": "罚款99999元"}, False, False),
    ({"处罚内容": "没收违法所得10万元，罚款2000元"}, True, True),
    ({"处罚内容": "罚款10万元", "法制审核结论": "同意", "法制审核日期": "2026-03-18"}, True, False),
    ({"处罚内容": "罚款10万元", "法制审核结论": "同意", "法制审核日期": "2026-03-20"}, True, False),  # same day
    ({"处罚内容": "罚款10万元", "法制审核结论": "审核通过", "法制审核日期": "2026/3/1"}, True, False),
    ({"处罚内容": "罚款10万元", "法制审核结论": "同意", "法制审核日期": "2026-03-21"}, True, True),  # after
    ({"处罚内容": "罚款10万元", "法制审核结论": "通过"}, True, True),  # no date: not provably prior
    ({"处罚内容": "罚款10万元", "法制审核结论": "存在问题", "法制审核日期": "2026-03-18"}, True, True),
    ({"处罚内容": "罚款500元", "是否重大": "是"}, True, True),
    ({"处罚内容": "罚款500元", "是否重大": "Y", "法制审核结论": "同意", "法制审核日期": "2026-03-01"}, True, False),
    ({"处罚内容": "吊销食品经营许可证"}, True, True),
    ({"处罚内容": "责令停产停业"}, True, True),
    ({"处罚内容": "罚款6万元", "处罚机关": AG2}, True, True),  # AG2: organisations from 5万
    ({"处罚内容": "罚款6万元"}, False, False),  # AG1: from 10万
])
def test_major_decisions_without_prior_review_are_imported_and_marked(
        engine: Engine, tmp_path: Path, changes: dict[str, str], major: bool, unreviewed: bool) -> None:
    if changes.get("当事人类型") == "自然人":
        changes = {"当事人名称": "张某", "统一社会信用代码": "", "证件号码": PERSON_ID, **changes}
    report = run(engine, tmp_path, [row(1, changes)])
    assert report.exit_code == EXIT_OK, report.lines()  # never refused
    stored = decision(engine, "青市监罚〔2026〕1号")
    assert stored["case"]["is_major"] is major
    assert stored["decision"]["unreviewed_major"] is unreviewed
    warned = [w for w in msgs(report, 2, "warning") if "未经法制审核" in w]
    assert bool(warned) is unreviewed
    assert report.unreviewed_major == int(unreviewed)
    if unreviewed:
        assert "未经法制审核" in stored["case"]["internal_note"]
    if "法制审核结论" in changes:
        [review] = stored["reviews"]
        assert review["outcome"] in (ReviewOutcome.APPROVED, ReviewOutcome.PROBLEMS)


def test_is_major_no_does_not_override_the_threshold(engine: Engine, tmp_path: Path) -> None:
    report = run(engine, tmp_path, [person(1, {"处罚内容": "罚款2万元", "是否重大": "否"})])
    assert any("按重大执法决定处理" in w for w in msgs(report, 2, "warning", "是否重大"))
    assert decision(engine, "青市监罚〔2026〕1号")["decision"]["unreviewed_major"] is True


@pytest.mark.parametrize("column, value, fragment", [
    ("是否重大", "也许", "不是“是”或“否”"), ("法制审核结论", "已阅", "无法识别"), ("裁量档次", "很重", "裁量档次“很重”无效"),
])
def test_other_enumerations(engine: Engine, tmp_path: Path, column: str, value: str, fragment: str) -> None:
    report = run(engine, tmp_path, [row(1, {column: value})], dry_run=True)
    assert any(fragment in e for e in msgs(report, 2, "error", column))


def test_review_date_without_outcome(engine: Engine, tmp_path: Path) -> None:
    report = run(engine, tmp_path, [row(1, {"法制审核日期": "2026-03-18"})], dry_run=True)
    assert any("法制审核结论为空" in e for e in msgs(report, 2, "error"))


# -- publication


def test_publication_date_and_period(engine: Engine, tmp_path: Path) -> None:
    rows = [row(1, {"公示期限": "五年"}), row(2, {"公示期限": "6个月", "公示日期": "2026-09-01"}),
            row(3), person(4), row(5, {"公示日期": ""}), row(6, {"公示期限": "长期"}),
            row(7, {"决定日期": "2020-01-02", "公示日期": "2020-01-06", "公示期限": "三年"})]
    report = run(engine, tmp_path, rows)
    assert report.exit_code == EXIT_OK, report.lines()
    d = {n: decision(engine, f"青市监罚〔2026〕{n}号")["disclosure"] for n in range(1, 8)}
    assert (d[1]["status"], d[1]["period_months"], d[1]["expires_on"]) == (DisclosureStatus.PUBLISHED, 60,
                                                                            dt.date(2031, 3, 25))
    assert (d[2]["period_months"], d[2]["expires_on"]) == (6, dt.date(2027, 3, 1))
    assert d[3]["period_months"] == 60  # default for organisations
    assert d[4]["period_months"] == 24 and d[4]["redaction_applied"] is True  # natural person
    assert (d[5]["status"], d[5]["published_on"], d[5]["expires_on"]) == (DisclosureStatus.DRAFT, None, None)
    assert (d[6]["period_months"], d[6]["expires_on"]) == (None, None)
    assert (d[7]["status"], d[7]["expires_on"]) == (DisclosureStatus.EXPIRED, dt.date(2023, 1, 6))
    versions = decision(engine, "青市监罚〔2026〕1号")["versions"]
    assert [(v["version"], v["status"], v["changed_on"]) for v in versions] == [
        (1, DisclosureStatus.PUBLISHED, dt.date(2026, 3, 25))]
    assert decision(engine, "青市监罚〔2026〕5号")["versions"] == []


@pytest.mark.parametrize("changes, column, fragment", [
    ({"公示日期": "2026-03-19"}, "公示日期", "早于决定日期"),
    ({"公示日期": "2026-12-01"}, "公示日期", "晚于今天"),
    ({"公示期限": "5"}, "公示期限", "缺少单位"),
    ({"公示期限": "10天"}, "公示期限", "以年或月为单位"),
])
def test_publication_errors(engine: Engine, tmp_path: Path, changes: dict[str, str], column: str,
                            fragment: str) -> None:
    report = run(engine, tmp_path, [row(1, changes)], dry_run=True)
    assert any(fragment in e for e in msgs(report, 2, "error", column))


def test_minor_party_is_withheld(engine: Engine, tmp_path: Path) -> None:
    report = run(engine, tmp_path, [person(1, {"证件号码": MINOR_ID, "处罚内容": "警告"})])
    assert report.exit_code == EXIT_OK
    assert any("未满18周岁" in w for w in msgs(report, 2, "warning"))
    stored = decision(engine, "青市监罚〔2026〕1号")
    assert stored["party"]["is_minor"] is True
    assert stored["disclosure"]["withheld_reason"] == "当事人为未成年人，依法不予公开"


# -- discretion benchmark


def test_benchmark_number_and_tier_link_the_decision(engine: Engine, tmp_path: Path) -> None:
    with engine.begin() as conn:
        set_id = conn.execute(m.BenchmarkSet.__table__.insert().values(
            agency_id=1, name="食品安全裁量基准", issuer="区市场监管局", effective_from=dt.date(2025, 1, 1),
            created_at=dt.datetime.now(dt.UTC))).inserted_primary_key[0]
        item_id = conn.execute(m.BenchmarkItem.__table__.insert().values(
            set_id=set_id, item_no="SP-12", law_name="食品安全法", violation="销售过期食品",
            legal_basis="第一百二十四条")).inserted_primary_key[0]
        tier_ids = [conn.execute(m.BenchmarkTier.__table__.insert().values(
            item_id=item_id, level=level, tier=tier, circumstance="", standard_text="",
            range_kind=BenchmarkRangeKind.FIXED, min_amount=lo, max_amount=hi)).inserted_primary_key[0]
            for level, tier, lo, hi in ((1, DiscretionTier.LIGHTER, 5000, 20000),
                                        (2, DiscretionTier.GENERAL, 20000, 60000))]
    rows = [row(1, {"裁量基准编号": "SP-12", "裁量档次": "一般"}), row(2, {"裁量基准编号": "SP-12", "裁量档次": "第1档"}),
            row(3, {"裁量基准编号": "SP-99", "裁量档次": "从轻", "裁量说明": "初次违法"})]
    report = run(engine, tmp_path, rows)
    assert report.exit_code == EXIT_OK, report.lines()
    first, second, third = (decision(engine, f"青市监罚〔2026〕{n}号")["decision"] for n in (1, 2, 3))
    assert (first["benchmark_tier_id"], first["claimed_tier"]) == (tier_ids[1], DiscretionTier.GENERAL)
    assert (second["benchmark_tier_id"], second["claimed_tier"]) == (tier_ids[0], DiscretionTier.LIGHTER)
    assert (third["benchmark_tier_id"], third["claimed_tier"]) == (None, DiscretionTier.LIGHTER)
    assert third["discretion_statement"] == "初次违法；裁量基准编号：SP-99"
    assert any("未找到" in w for w in msgs(report, 4, "warning", "裁量基准编号"))


def test_tier_number_is_the_printed_grade_and_flags_are_warnings(engine: Engine, tmp_path: Path) -> None:
    """A table like 江门 3-1 prints grades 1, 2, 2, 3, 4: "第4级" is the fifth row, not the fourth. The check of
    each imported decision is reported on its row as a warning; the rows are still imported."""
    with engine.begin() as conn:
        set_id = conn.execute(m.BenchmarkSet.__table__.insert().values(
            agency_id=1, name="大气裁量标准", issuer="区生态环境局", effective_from=dt.date(2020, 3, 1),
            created_at=dt.datetime.now(dt.UTC))).inserted_primary_key[0]
        item_id = conn.execute(m.BenchmarkItem.__table__.insert().values(
            set_id=set_id, item_no="3-1", law_name="大气污染防治法", violation="拒绝现场检查",
            legal_basis="第九十八条")).inserted_primary_key[0]
        tier_ids = [conn.execute(m.BenchmarkTier.__table__.insert().values(
            item_id=item_id, level=level, grade=grade, circumstance=f"情节{level}", standard_text="",
            range_kind=BenchmarkRangeKind.FIXED, min_amount=lo, max_amount=hi)).inserted_primary_key[0]
            for level, grade, lo, hi in ((1, 1, 20000, 50000), (2, 2, 50000, 100000), (3, 2, 50000, 100000),
                                         (4, 3, 100000, 150000), (5, 4, 150000, 200000))]
    statement = "依据裁量标准第四级，情节严重。"
    rows = [row(1, {"裁量基准编号": "3-1", "裁量档次": "第4级", "罚款金额": "180000", "处罚内容": "罚款18万元",
                    "裁量说明": statement}),
            row(2, {"裁量基准编号": "3-1", "裁量档次": "第2级", "罚款金额": "180000", "处罚内容": "罚款18万元",
                    "裁量说明": statement}),
            row(3, {"裁量基准编号": "3-1", "裁量档次": "第1级", "罚款金额": "250000", "处罚内容": "罚款25万元",
                    "裁量说明": statement})]
    preview = run(engine, tmp_path, rows, dry_run=True)
    assert any("超出法定幅度" in w for w in msgs(preview, 4, "warning", "裁量基准编号"))
    report = run(engine, tmp_path, rows)
    assert report.exit_code == EXIT_OK, report.lines()
    first, second, third = (decision(engine, f"青市监罚〔2026〕{n}号")["decision"] for n in (1, 2, 3))
    assert first["benchmark_tier_id"] == tier_ids[4]
    assert second["benchmark_tier_id"] == tier_ids[1]  # grade 2 has two rows with one range: the first
    assert third["benchmark_tier_id"] == tier_ids[0]
    assert not [w for w in msgs(report, 2, "warning") if "裁量基准核查" in w]
    assert any("档次不符" not in w and "不在该档幅度内" in w for w in msgs(report, 3, "warning", "裁量基准编号"))
    assert any("超出法定幅度" in w for w in msgs(report, 4, "warning", "裁量基准编号"))


# ---------------------------------------------------------------------------------------------------- writing


def test_imported_decision_flows_in_like_a_native_one(engine: Engine, tmp_path: Path) -> None:
    report = run(engine, tmp_path, [person(1, {"处罚内容": "罚款200元", "公示期限": "1年"}),
                                    row(2, {"案号": "青市监立〔2026〕2号", "立案日期": "2026-01-05",
                                            "处罚内容": "警告，罚款3000元"})])
    assert report.exit_code == EXIT_OK
    one, two = decision(engine, "青市监罚〔2026〕1号"), decision(engine, "青市监罚〔2026〕2号")
    assert one["case"]["case_no"] == "IMP-青市监罚〔2026〕1号"
    assert one["case"]["origin"] is DataOrigin.IMPORTED
    assert one["case"]["chain_head"] == "0" * 64
    assert one["case"]["filed_on"] == dt.date(2026, 3, 20)
    assert one["case"]["procedure"] is Procedure.SIMPLE  # fine ≤ 200 for a natural person (art. 51)
    assert two["case"]["procedure"] is Procedure.ORDINARY
    assert (two["case"]["case_no"], two["case"]["filed_on"]) == ("青市监立〔2026〕2号", dt.date(2026, 1, 5))
    assert one["decision"]["category"].value == "行政处罚" and one["decision"]["created_by"] == "import"
    assert one["party"]["id_number"] == PERSON_ID
    from db.public import load_public_decisions, public_decision
    from domain.filters import DecisionFilters

    frame, total = load_public_decisions(engine, DecisionFilters(), TODAY)
    assert total == 2
    page = public_decision(engine, two["decision"]["id"], TODAY)
    assert page is not None and page.history[0][3] == "首次公示（导入）"


def test_long_decision_number_gets_a_short_unique_case_number(engine: Engine, tmp_path: Path) -> None:
    long_no = "临江市青石区市场监督管理局行政处罚决定书青市监罚〔2026〕第000000001号（食品安全专项）"
    report = run(engine, tmp_path, [row(1, {"决定书文号": long_no})])
    assert report.exit_code == EXIT_OK
    case_no = decision(engine, long_no)["case"]["case_no"]
    assert case_no.startswith("IMP-") and len(case_no) <= 50


def test_parties_are_deduplicated(engine: Engine, tmp_path: Path) -> None:
    rows = [row(1, {"统一社会信用代码": USCC[5]}), row(2, {"统一社会信用代码": USCC[5], "当事人名称": "改名后有限公司"}),
            person(3), person(4),  # same 身份证号码
            row(5, {"当事人名称": "王小明", "当事人类型": "自然人", "统一社会信用代码": ""}),
            row(6, {"当事人名称": "王小明", "当事人类型": "自然人", "统一社会信用代码": ""}),  # same exact name+type
            row(7, {"当事人名称": "张某", "当事人类型": "自然人", "统一社会信用代码": ""}),  # masked names identify
            row(8, {"当事人名称": "张某", "当事人类型": "自然人", "统一社会信用代码": ""})]  # nobody: never merged
    report = run(engine, tmp_path, rows)
    assert report.exit_code == EXIT_OK
    assert counts(engine)["parties"] == 5
    assert any("按第2行保存" in w for w in msgs(report, 3, "warning", "当事人名称"))
    assert decision(engine, "青市监罚〔2026〕2号")["party"]["name"] == "临江市青石示例1商贸有限公司"
    fixed = [*rows[:7], row(8, {"当事人名称": "张某", "当事人类型": "自然人", "统一社会信用代码": "",
                                "处罚内容": "罚款6000元"})]
    assert run(engine, tmp_path, fixed).updated == 1
    assert counts(engine)["parties"] == 5  # the corrected decision keeps its party


def test_all_or_nothing(engine: Engine, tmp_path: Path) -> None:
    before, audited = counts(engine), audit_entries(engine)
    report = run(engine, tmp_path, [row(1), row(2, {"决定日期": "2026-02-30"}), row(3)])
    assert report.exit_code == EXIT_REFUSED
    assert (report.read, report.invalid, report.rejected, report.inserted) == (3, 1, 3, 0)
    assert not report.written
    assert counts(engine) == before
    assert audit_entries(engine) == [*audited, "import_refused_decisions"]  # no data, but the attempt is on record
    assert "未写入任何数据" in report.summary()


def test_accept_valid_accounting_and_rejects_file(engine: Engine, tmp_path: Path) -> None:
    run(engine, tmp_path, [row(1), row(2)])
    rows = [row(1), row(2, {"处罚内容": "罚款6000元"}), row(3), row(4, {"决定日期": "2026-02-30"}),
            row(5, {"统一社会信用代码": "91350100M000100Y44", "处罚机关": "不存在局"})]
    report = run(engine, tmp_path, rows, accept_valid=True)
    assert report.exit_code == EXIT_PARTIAL
    assert (report.read, report.inserted, report.updated, report.unchanged, report.rejected) == (5, 1, 1, 1, 2)
    assert report.read == report.inserted + report.updated + report.unchanged + report.rejected
    out = tmp_path / "rejects.csv"
    assert report.rejects_csv(out) == 2
    data = out.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    rejected = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert rejected[0][:3] == ["行号", "错误原因", "决定书文号"]
    assert [r[0] for r in rejected[1:]] == ["5", "6"]
    assert "决定日期" in rejected[1][1] and rejected[1][2] == "青市监罚〔2026〕4号"
    assert "统一社会信用代码" in rejected[2][1] and "处罚机关" in rejected[2][1]
    assert counts(engine)["decisions"] == 3


def test_accept_valid_with_every_row_invalid(engine: Engine, tmp_path: Path) -> None:
    report = run(engine, tmp_path, [row(1, {"决定日期": "x"})], accept_valid=True)
    assert (report.exit_code, report.inserted, report.rejected, report.written) == (EXIT_PARTIAL, 0, 1, False)


def test_dry_run_writes_nothing(engine: Engine, tmp_path: Path) -> None:
    before = counts(engine)
    audited = audit_entries(engine)
    report = run(engine, tmp_path, [row(1), row(2), person(3, {"处罚内容": "罚款2万元"})], dry_run=True)
    assert (report.exit_code, report.inserted, report.written) == (EXIT_OK, 3, False)
    assert report.unreviewed_major == 1
    assert counts(engine) == before and audit_entries(engine) == audited
    assert report.summary().startswith("试运行")


def test_reimport_is_idempotent(engine: Engine, tmp_path: Path) -> None:
    rows = [row(1, {"处罚内容": "警告，没收违法所得1.621747万元，罚款1712.4万元"}), person(2), row(3, {"公示日期": ""}),
            row(4, {"裁量档次": "从重", "基数金额（元）": "1万元", "是否重大": "是", "法制审核结论": "同意",
                    "法制审核日期": "2026-03-01"}), row(5, {"当事人类型": ""}),
            row(6, {"当事人名称": "李某", "当事人类型": "自然人", "统一社会信用代码": "", "立案日期": "2026-03-01"})]
    first = run(engine, tmp_path, rows)
    assert (first.exit_code, first.inserted) == (EXIT_OK, 6)
    after_first = counts(engine)
    second = run(engine, tmp_path, rows)
    assert (second.exit_code, second.inserted, second.updated, second.unchanged) == (EXIT_OK, 0, 0, 6)
    assert counts(engine) == after_first  # not even an audit entry


def test_corrected_file_updates_and_records_the_correction(engine: Engine, tmp_path: Path) -> None:
    rows = [row(1), row(2), row(3, {"公示日期": ""})]
    run(engine, tmp_path, rows)
    fixed = [row(1, {"处罚内容": "警告，罚款8000元", "违法行为类型": "销售过期食品"}), row(2),
             row(3, {"处罚内容": "罚款7000元", "公示日期": ""})]
    report = run(engine, tmp_path, fixed, name="fixed.csv")
    assert (report.exit_code, report.updated, report.unchanged) == (EXIT_OK, 2, 1)

    one = decision(engine, "青市监罚〔2026〕1号")
    assert one["decision"]["fine_total"] == Decimal("8000.00")
    assert one["items"] == [(PenaltyType.WARNING, None, ""), (PenaltyType.FINE, Decimal("8000.00"), "")]
    assert one["case"]["violation"] == "销售过期食品"
    assert (one["disclosure"]["status"], one["disclosure"]["version"]) == (DisclosureStatus.CORRECTED, 2)
    v1, v2 = one["versions"]
    assert (v1["version"], v1["status"]) == (1, DisclosureStatus.PUBLISHED)
    assert (v2["version"], v2["status"], v2["changed_on"]) == (2, DisclosureStatus.CORRECTED, TODAY)
    assert "fixed.csv第2行" in v2["reason"]
    for label in ("违法行为类型", "处罚内容", "罚款金额（元）"):
        assert label in v2["reason"]
    assert json.loads(v2["snapshot"])["fine_total"] == "8000.00"

    three = decision(engine, "青市监罚〔2026〕3号")  # unpublished: updated, no correction history
    assert (three["disclosure"]["status"], three["disclosure"]["version"], three["versions"]) == (
        DisclosureStatus.DRAFT, 1, [])
    with engine.connect() as conn:
        actions = conn.execute(select(m.AuditEntry.action, m.AuditEntry.entity_id, m.AuditEntry.detail)
                               .order_by(m.AuditEntry.id)).all()
    correction = [a for a in actions if a[0] == "import_correct_decision"]
    assert len(correction) == 1 and correction[0][1] == str(one["decision"]["id"])
    assert "罚款金额（元）" in json.loads(correction[0][2])["changed"]
    assert [a[0] for a in actions].count("import_decisions") == 2

    again = run(engine, tmp_path, fixed, name="fixed.csv")
    assert (again.updated, again.unchanged) == (0, 3)


def test_publishing_a_draft_on_reimport(engine: Engine, tmp_path: Path) -> None:
    run(engine, tmp_path, [row(1, {"公示日期": ""})])
    report = run(engine, tmp_path, [row(1)])
    assert report.updated == 1
    stored = decision(engine, "青市监罚〔2026〕1号")
    assert (stored["disclosure"]["status"], stored["disclosure"]["published_on"]) == (DisclosureStatus.PUBLISHED,
                                                                                     dt.date(2026, 3, 25))
    assert [(v["version"], v["reason"]) for v in stored["versions"]] == [(1, "首次公示（导入）")]


def test_a_published_decision_cannot_be_unpublished_by_import(engine: Engine, tmp_path: Path) -> None:
    run(engine, tmp_path, [row(1)])
    report = run(engine, tmp_path, [row(1, {"公示日期": ""})])
    assert report.exit_code == EXIT_REFUSED
    assert any("不能清空" in e for e in msgs(report, 2, "error", "公示日期"))


def test_case_number_used_by_another_case(engine: Engine, tmp_path: Path) -> None:
    run(engine, tmp_path, [row(1, {"案号": "青市监立〔2026〕1号"})])
    report = run(engine, tmp_path, [row(2, {"案号": "青市监立〔2026〕1号"})])
    assert any("已被系统中的另一案件使用" in e for e in msgs(report, 2, "error", "案号"))


def test_native_decisions_are_not_overwritten(engine: Engine, tmp_path: Path) -> None:
    run(engine, tmp_path, [row(1)])
    with engine.begin() as conn:  # pretend the decision was entered in the system itself
        conn.execute(m.Case.__table__.update().values(origin=DataOrigin.NATIVE))
    unchanged = run(engine, tmp_path, [row(1)])
    assert (unchanged.exit_code, unchanged.unchanged) == (EXIT_OK, 1)
    report = run(engine, tmp_path, [row(1, {"处罚内容": "罚款9000元"})])
    assert report.exit_code == EXIT_REFUSED
    assert any("是系统录入的决定" in e for e in msgs(report, 2, "error", "决定书文号"))


def test_progress_preview_and_report_text(engine: Engine, tmp_path: Path) -> None:
    calls: list[tuple[int, int]] = []
    rows = [row(n) for n in range(1, 121)] + [row(121, {"决定日期": "昨天"})]
    report = run(engine, tmp_path, rows, accept_valid=True, progress=lambda done, total: calls.append((done, total)))
    assert calls[-1] == (121, 121)
    assert [c[0] for c in calls] == sorted(c[0] for c in calls)
    preview = report.preview(3)
    assert len(preview) == 3
    assert preview[0]["行号"] == 2 and preview[0]["结果"] == "新增"
    assert preview[0]["罚款金额（元）"] == "5,000.00" and preview[0]["公示期限（月）"] == 60
    assert report.preview(200)[-1]["结果"].startswith("拒绝")
    lines = report.lines()
    assert lines[0] == report.summary() and all("\n" not in line for line in lines)
    assert any(line.startswith("第122行“决定日期”错误") for line in lines)
    assert report.problem_rows()[0].keys() == {"行号", "列", "级别", "问题"}


# ---------------------------------------------------------------------------------------------------- templates


def test_templates_import_cleanly(engine: Engine, tmp_path: Path) -> None:
    header, example = template_rows()
    assert header == [f.header for f in FIELDS] and len(example) == len(header)
    csv_report = import_decisions(engine, template_csv_bytes(), filename="模板.csv", today=TODAY)
    assert (csv_report.exit_code, csv_report.inserted, csv_report.problems) == (EXIT_OK, 1, [])
    xlsx = template_xlsx_bytes()
    workbook = openpyxl.load_workbook(io.BytesIO(xlsx))
    assert workbook.sheetnames == ["决定书", "填写说明"]
    assert [c.value for c in workbook["决定书"][1]] == header
    xlsx_report = import_decisions(engine, xlsx, filename="模板.xlsx", today=TODAY)
    assert (xlsx_report.exit_code, xlsx_report.unchanged) == (EXIT_OK, 1)
    stored = decision(engine, "青市监罚〔2026〕1号")
    assert stored["decision"]["confiscation_total"] == Decimal("16217.47")


# ---------------------------------------------------------------------------------------------------- PostgreSQL


@pytest.mark.postgres
def test_round_trip_on_postgresql(pg_engine: Engine, tmp_path: Path) -> None:
    _add_agencies(pg_engine)
    rows = [row(1, {"处罚内容": "警告，没收违法所得1.621747万元，罚款1712.4万元"}), person(2), row(3, {"公示日期": ""}),
            row(4, {"处罚机关": "临江市青石区新建局"})]
    report = run(pg_engine, tmp_path, rows, create_agencies=True)
    assert (report.exit_code, report.inserted) == (EXIT_OK, 4), report.lines()
    stored = decision(pg_engine, "青市监罚〔2026〕1号")
    assert stored["decision"]["fine_total"] == Decimal("17124000.00")
    assert stored["decision"]["unreviewed_major"] is True
    assert run(pg_engine, tmp_path, rows).unchanged == 4
    fixed = [row(1, {"处罚内容": "警告，罚款1712.4万元"}), *rows[1:]]
    report = run(pg_engine, tmp_path, fixed)
    assert (report.updated, report.unchanged) == (1, 3)
    stored = decision(pg_engine, "青市监罚〔2026〕1号")
    assert stored["disclosure"]["status"] is DisclosureStatus.CORRECTED
    assert [v["version"] for v in stored["versions"]] == [1, 2]
    more = run(pg_engine, tmp_path, [row(5), row(6)])  # ids come from the sequences, after the ones used
    assert more.inserted == 2
    refused = run(pg_engine, tmp_path, [row(7), row(8, {"决定日期": "x"})])
    assert refused.exit_code == EXIT_REFUSED and counts(pg_engine)["decisions"] == 6
