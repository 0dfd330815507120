"""Import kinds besides ``decisions`` (db/imports/kinds/): agencies, officers, matters, cases, events and
reviews. For each kind: a valid file is accepted, each validation rule is refused with its line and column, re-import
is idempotent, and --accept-valid keeps read = inserted + updated + unchanged + rejected. Events are append-only and
hash-chained: they are imported into cases of a small seeded database of the test's own and the chain is verified.

Identifiers are synthetic (domain.identifiers), as in tests/db/test_importer.py.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import random
from collections.abc import Iterable
from decimal import Decimal
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import openpyxl
import pytest
from sqlalchemy import Engine, func, insert, select

from db import models as m
from db.imports import (
    EXIT_OK,
    EXIT_PARTIAL,
    EXIT_REFUSED,
    KINDS,
    SUPPORTED_KINDS,
    ImportFileError,
    ImportReport,
    run_import,
    template_csv_bytes,
    template_rows,
    template_xlsx_bytes,
)
from db.imports.kinds.events import parse_event_time
from db.integrity import verify_chains
from db.review_rounds import load_rounds
from domain.chain import GENESIS
from domain.enums import (
    ActionCategory,
    AgencyKind,
    AgencyLevel,
    CaseStatus,
    DataOrigin,
    Procedure,
    ReviewOutcome,
    Stage,
)
from domain.identifiers import synthetic_id_number, synthetic_uscc
from tests.db.conftest import AG1, AG2, add_two_agencies

TODAY = dt.date(2026, 11, 20)
NOW = dt.datetime(2026, 11, 20, 8, 0, tzinfo=dt.UTC)
_rng = random.Random(5)
USCC = [synthetic_uscc(_rng, "449901") for _ in range(6)]
PERSON_ID = synthetic_id_number(random.Random(1), "449901", dt.date(1980, 1, 1), dt.date(1989, 12, 31))


# ---------------------------------------------------------------------------------------------------- helpers


def _add_agencies(engine: Engine) -> None:
    add_two_agencies(engine, duties="市场监管", contact="0750-1", address="青石大道1号")


@pytest.fixture
def engine(sqlite_engine: Engine) -> Engine:
    _add_agencies(sqlite_engine)
    return sqlite_engine


@pytest.fixture
def seeded(seeded_sqlite_copy) -> Engine:
    """A small seeded database of this test's own (the shared seeded_sqlite stays read-only)."""
    return seeded_sqlite_copy(40, 3)


def csv_bytes(rows: Iterable[dict[str, str]], *, encoding: str = "utf-8-sig", headers: list[str] | None = None,
              title: str | None = None) -> bytes:
    rows = list(rows)
    headers = headers or list(dict.fromkeys(k for r in rows for k in r))
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    if title:
        writer.writerow([title])
    writer.writerow(headers)
    for r in rows:
        writer.writerow([r.get(h, "") for h in headers])
    return buffer.getvalue().encode(encoding)


def run(engine: Engine, kind: str, rows: Iterable[dict[str, str]], **options: Any) -> ImportReport:
    options.setdefault("today", TODAY)
    options.setdefault("now", NOW)
    report = run_import(kind, engine, csv_bytes(rows), filename=f"{kind}.csv", **options)
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


def rows_of(engine: Engine, table: Any, *where: Any) -> list[dict[str, Any]]:
    with engine.connect() as conn:
        return [dict(r) for r in conn.execute(select(table).where(*where)).mappings()]


def audit_actions(engine: Engine) -> list[str]:
    with engine.connect() as conn:
        return list(conn.execute(select(m.AuditEntry.action).order_by(m.AuditEntry.id)).scalars())


def refused_with(report: ImportReport, line: int, column: str, fragment: str) -> None:
    """The file was refused, nothing written, and the problem names its line and column."""
    assert report.exit_code == EXIT_REFUSED, report.lines()
    assert not report.written and report.rejected == report.read
    found = msgs(report, line, "error", column)
    assert any(fragment in text for text in found), (line, column, fragment, report.lines())


# ---------------------------------------------------------------------------------------------------- kinds, templates


def test_every_kind_is_dispatched_and_has_a_template() -> None:
    assert set(SUPPORTED_KINDS) == set(KINDS) | {"decisions"}
    for kind in SUPPORTED_KINDS:
        header, example = template_rows(kind)
        assert len(header) == len(example) and len(set(header)) == len(header)
        workbook = openpyxl.load_workbook(io.BytesIO(template_xlsx_bytes(kind)))
        assert [c.value for c in workbook.worksheets[0][1]] == header
        assert workbook.sheetnames[1] == "填写说明"
        assert template_csv_bytes(kind).startswith(b"\xef\xbb\xbf")
    assert template_rows() == template_rows("decisions")  # the no-argument call stays the decisions template
    with pytest.raises(ImportFileError, match="不支持的导入类型"):
        template_rows("parties")


def test_command_line_offers_every_kind(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                       capsys: pytest.CaptureFixture[str]) -> None:
    import manage

    action = next(a for a in manage.build_parser()._subparsers._group_actions[0].choices["import"]._actions
                  if a.dest == "kind")
    # benchmark tables have their own importer (db.imports.benchmarks), offered under the same command
    assert tuple(action.choices) == (*SUPPORTED_KINDS, "benchmarks")
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'cli.sqlite3'}")
    assert manage.main(["init"]) == 0
    cli_engine = manage._engine()
    _add_agencies(cli_engine)
    cli_engine.dispose()
    good, mixed = tmp_path / "good.csv", tmp_path / "mixed.csv"
    good.write_bytes(csv_bytes([officer(1)]))
    mixed.write_bytes(csv_bytes([officer(2), officer(3, {"证件有效期止": "x"})]))
    capsys.readouterr()
    assert manage.main(["import", "officers", str(good)]) == 0
    assert manage.main(["import", "officers", str(good)]) == 0 and "未变化1行" in capsys.readouterr().out
    assert manage.main(["import", "officers", str(mixed)]) == 1
    rejects = tmp_path / "rejects.csv"
    assert manage.main(["import", "officers", str(mixed), "--accept-valid", "--rejects", str(rejects)]) == 3
    assert "T4499000003" in rejects.read_text(encoding="utf-8-sig")
    assert manage.main(["import", "events", str(good)]) == 2  # the wrong template: one line, exit 2
    assert "不是执法全过程记录导入模板" in capsys.readouterr().err


def test_docs_describe_every_column_of_every_kind() -> None:
    docs = (Path(__file__).resolve().parents[2] / "docs" / "import.md").read_text(encoding="utf-8")
    for kind, spec in KINDS.items():
        assert f"`{kind}`" in docs
        for f in spec.fields:
            assert f"| {f.header} | `{f.key}` |" in docs, (kind, f.header)


def test_templates_import_in_dependency_order(sqlite_engine: Engine) -> None:
    """Each kind's template (CSV, then the same row as .xlsx) imports cleanly into an empty database."""
    for kind in ("agencies", "officers", "matters", "cases", "events", "reviews"):
        first = run_import(kind, sqlite_engine, template_csv_bytes(kind), filename="模板.csv", today=TODAY, now=NOW)
        assert (first.exit_code, first.inserted, first.errors) == (EXIT_OK, 1, []), (kind, first.lines())
        again = run_import(kind, sqlite_engine, template_xlsx_bytes(kind), filename="模板.xlsx", today=TODAY, now=NOW)
        assert (again.exit_code, again.unchanged) == (EXIT_OK, 1), (kind, again.lines())
    assert verify_chains(sqlite_engine).broken_cases == 0


def test_wrong_template_title_row_and_encoding(engine: Engine) -> None:
    decisions = template_csv_bytes("decisions")
    with pytest.raises(ImportFileError, match="不是执法人员导入模板") as caught:
        run_import("officers", engine, decisions, filename="决定.csv")
    assert caught.value.exit_code == 2 and "执法证号" in caught.value.message
    # a title row above the header is skipped, a GB18030 file is read, an unknown column is reported and ignored
    data = csv_bytes([officer(1, {"备用列": "x"})], encoding="gb18030", title="青石区行政执法人员名单（2026年）")
    report = run_import("officers", engine, data, filename="人员.csv", today=TODAY)
    assert (report.exit_code, report.inserted) == (EXIT_OK, 1), report.lines()
    assert "GB18030" in report.file_format
    assert msgs(report, 2, "warning", "备用列") == ["未知列“备用列”，已忽略"]
    with pytest.raises(ImportFileError, match="只有表头"):
        run_import("cases", engine, "案号,执法机关,当事人名称,立案日期\r\n".encode(), filename="空.csv")


# ---------------------------------------------------------------------------------------------------- agencies


def agency(n: int, changes: dict[str, str] | None = None) -> dict[str, str]:
    base = {"机关代码": f"QS-T{n:02d}", "机关名称": f"临江市青石区测试{n}局", "简称": f"测试{n}局", "层级": "县级",
            "主体类型": "法定", "行政区划代码": "449901", "行政区划名称": "临江市青石区", "上级机关": "",
            "主要职责": "测试职责", "联系电话": "0750-0000000", "地址": "青石大道2号"}
    base.update(changes or {})
    return base


def test_agencies_valid_file_with_parent_in_the_same_file_and_idempotent(engine: Engine) -> None:
    rows = [agency(1, {"上级机关": "测试2局", "层级": "县（区）级", "主体类型": "法律、法规授权的组织"}),
            agency(2, {"上级机关": "QS-SCJG", "重大罚没金额标准（单位，元）": "5万元"})]
    report = run(engine, "agencies", rows)
    assert (report.exit_code, report.inserted, report.problems) == (EXIT_OK, 2, []), report.lines()
    stored = {a["code"]: a for a in rows_of(engine, m.Agency.__table__)}
    assert stored["QS-T01"]["parent_id"] == stored["QS-T02"]["id"]
    assert stored["QS-T02"]["parent_id"] == stored["QS-SCJG"]["id"]
    assert stored["QS-T01"]["kind"] is AgencyKind.AUTHORISED and stored["QS-T01"]["level"] is AgencyLevel.COUNTY
    assert stored["QS-T02"]["major_fine_org"] == Decimal("50000.00")
    assert stored["QS-T02"]["major_fine_person"] == Decimal("10000.00")  # default
    before, audited = counts(engine), audit_entries(engine)
    again = run(engine, "agencies", rows)
    assert (again.exit_code, again.unchanged, again.inserted, again.updated) == (EXIT_OK, 2, 0, 0)
    assert counts(engine) == before and audit_entries(engine) == audited  # not even an audit entry


def test_agencies_update_by_code_or_name_keeps_absent_columns(engine: Engine) -> None:
    report = run(engine, "agencies", [{"机关名称": AG1, "联系电话": "0750-9999999"},
                                      {"机关代码": "QS-STHJ", "机关名称": "临江市生态环境局青石分局（更名）"}])
    assert (report.updated, report.inserted) == (2, 0), report.lines()
    stored = {a["code"]: a for a in rows_of(engine, m.Agency.__table__)}
    assert stored["QS-SCJG"]["contact"] == "0750-9999999"
    assert stored["QS-SCJG"]["address"] == "青石大道1号" and stored["QS-SCJG"]["duties"] == "市场监管"  # no column
    assert stored["QS-STHJ"]["name"] == "临江市生态环境局青石分局（更名）"
    with engine.connect() as conn:
        details = [json.loads(d) for d in conn.execute(select(m.AuditEntry.detail)
                                                       .where(m.AuditEntry.action == "import_update_agency"))
                   .scalars()]
    assert {"联系电话"} in [set(d["changed"]) for d in details]
    assert any(d["before"] == {"联系电话": "0750-1"} and d["after"] == {"联系电话": "0750-9999999"} for d in details)
    assert "import_agencies" in audit_actions(engine)


def test_agencies_replace_a_generated_code_and_fill_defaults(engine: Engine) -> None:
    with engine.begin() as conn:
        conn.execute(insert(m.Agency), [dict(code="IMP-0123456789ab", name="临江市青石区新建局", short_name="新建局",
                                             level=AgencyLevel.COUNTY, kind=AgencyKind.STATUTORY, region_code="",
                                             region_name="", created_at=NOW)])
    report = run(engine, "agencies", [{"机关代码": "QS-XJ", "机关名称": "临江市青石区新建局", "行政区划代码": "449901"},
                                      {"机关名称": "临江市某某镇人民政府"}])
    assert (report.exit_code, report.updated, report.inserted) == (EXIT_OK, 1, 1), report.lines()
    assert any("代码改为“QS-XJ”" in t for t in msgs(report, 2, "warning", "机关代码"))
    assert any("已生成“IMP-" in t for t in msgs(report, 3, "warning", "机关代码"))
    assert any("乡镇级" in t for t in msgs(report, 3, "warning", "层级"))
    assert any("法定" in t for t in msgs(report, 3, "warning", "主体类型"))
    town = rows_of(engine, m.Agency.__table__, m.Agency.name == "临江市某某镇人民政府")[0]
    assert town["level"] is AgencyLevel.TOWNSHIP and town["short_name"] == "临江市某某镇人民政府"
    assert rows_of(engine, m.Agency.__table__, m.Agency.code == "QS-XJ")[0]["region_code"] == "449901"


@pytest.mark.parametrize(("rows", "line", "column", "fragment"), [
    ([agency(1, {"机关名称": ""})], 2, "机关名称", "不能为空"),
    ([agency(1, {"机关名称": "局" * 101})], 2, "机关名称", "过长"),
    ([agency(1, {"机关代码": "X" * 21})], 2, "机关代码", "过长"),
    ([agency(1, {"层级": "中央级"})], 2, "层级", "无效"),
    ([agency(1, {"主体类型": "自封"})], 2, "主体类型", "无效"),
    ([agency(1, {"行政区划代码": "44990"})], 2, "行政区划代码", "6位"),
    ([agency(1, {"重大罚没金额标准（自然人，元）": "-5"})], 2, "重大罚没金额标准（自然人，元）", "负数"),
    ([agency(1), agency(2, {"机关代码": "QS-T01"})], 3, "机关代码", "与第2行重复"),
    ([agency(1), agency(2, {"机关名称": "临江市青石区测试1局"})], 3, "机关名称", "与第2行重复"),
    ([agency(1, {"上级机关": "不存在的局"})], 2, "上级机关", "都没有上级机关"),
    ([agency(1, {"上级机关": "测试1局"})], 2, "上级机关", "不能是本机关"),
    ([agency(1, {"上级机关": "测试2局"}), agency(2, {"上级机关": "测试1局"})], 2, "上级机关", "循环"),
    ([agency(1, {"机关名称": AG1})], 2, "机关代码", "与本行“QS-T01”不同"),
    ([agency(1, {"机关代码": "QS-SCJG", "机关名称": AG2})], 2, "机关名称", "已被系统中的另一执法主体"),
    ([agency(1, {"机关代码": "QS-SCJG"}), agency(2, {"机关代码": "", "机关名称": AG1})], 3, "机关名称", "同一执法主体"),
])
def test_agencies_validation(engine: Engine, rows: list[dict[str, str]], line: int, column: str,
                             fragment: str) -> None:
    before = counts(engine)
    refused_with(run(engine, "agencies", rows), line, column, fragment)
    assert counts(engine) == before


def test_agencies_accept_valid_rejects_children_of_rejected_rows(engine: Engine, tmp_path: Path) -> None:
    rows = [agency(1, {"层级": "中央级"}), agency(2, {"上级机关": "测试1局"}), agency(3), agency(4)]
    report = run(engine, "agencies", rows, accept_valid=True)
    assert (report.exit_code, report.read, report.inserted, report.rejected) == (EXIT_PARTIAL, 4, 2, 2)
    assert any("上级机关" in t for t in msgs(report, 3, "error", "上级机关"))
    assert report.rejects_csv(tmp_path / "r.csv") == 2
    text = (tmp_path / "r.csv").read_text(encoding="utf-8-sig")
    assert text.splitlines()[0].startswith("行号,错误原因,机关代码") and "中央级" in text
    assert {a["code"] for a in rows_of(engine, m.Agency.__table__)} == {"QS-SCJG", "QS-STHJ", "QS-T03", "QS-T04"}


# ---------------------------------------------------------------------------------------------------- officers


def officer(n: int, changes: dict[str, str] | None = None) -> dict[str, str]:
    base = {"执法证号": f"T449900{n:04d}", "姓名": f"测试员{n}", "执法机关": AG1, "执法类别": "市场监管",
            "证件有效期起": "2024-01-01", "证件有效期止": "2028-12-31", "是否法制审核人员": "否",
            "是否具有法律职业资格": ""}
    base.update(changes or {})
    return base


def test_officers_reviewer_qualification_and_first_review_date(engine: Engine) -> None:
    rows = [officer(1, {"是否法制审核人员": "是", "初次从事法制审核日期": "2019-03-01"}),
            officer(2, {"是否法制审核人员": "是", "初次从事法制审核日期": ""}),
            officer(3, {"是否法制审核人员": "是", "是否具有法律职业资格": "是", "初次从事法制审核日期": "2022-05-01"})]
    report = run(engine, "officers", rows)
    assert (report.exit_code, report.inserted) == (EXIT_OK, 3), report.lines()
    assert msgs(report, 2, "warning") == [] and msgs(report, 4, "warning") == []
    assert any("法律职业资格" in t for t in msgs(report, 3, "warning", "是否具有法律职业资格"))
    stored = {r["cert_no"]: r["first_reviewed_on"] for r in rows_of(engine, m.Officer.__table__)}
    assert stored == {"T4499000001": dt.date(2019, 3, 1), "T4499000002": None, "T4499000003": dt.date(2022, 5, 1)}
    assert run(engine, "officers", rows).unchanged == 3


def test_officers_valid_idempotent_and_updated(engine: Engine) -> None:
    rows = [officer(1), officer(2, {"执法机关": "QS-STHJ", "是否法制审核人员": "是", "是否具有法律职业资格": "√",
                                    "证件有效期起": "2024年1月1日", "证件有效期止": "20281231"})]
    report = run(engine, "officers", rows)
    assert (report.exit_code, report.inserted, report.problems) == (EXIT_OK, 2, []), report.lines()
    second = rows_of(engine, m.Officer.__table__, m.Officer.cert_no == "T4499000002")[0]
    assert second["is_legal_reviewer"] and second["has_legal_qualification"]
    assert second["cert_valid_to"] == dt.date(2028, 12, 31)
    assert run(engine, "officers", rows).unchanged == 2
    rows[0]["姓名"] = "测试员一"
    rows[1]["执法机关"] = AG1
    changed = run(engine, "officers", rows)
    assert (changed.updated, changed.unchanged) == (2, 0), changed.lines()
    assert any("改为“" in t for t in msgs(changed, 3, "warning", "执法机关"))
    assert rows_of(engine, m.Officer.__table__, m.Officer.cert_no == "T4499000001")[0]["name"] == "测试员一"
    assert audit_actions(engine).count("import_update_officer") == 2


@pytest.mark.parametrize(("changes", "column", "fragment"), [
    ({"执法证号": ""}, "执法证号", "不能为空"),
    ({"姓名": ""}, "姓名", "不能为空"),
    ({"执法机关": "不存在的局"}, "执法机关", "--create-agencies"),
    ({"证件有效期起": "2024-02-30"}, "证件有效期起", "只有29天"),
    ({"证件有效期止": "2023-12-31"}, "证件有效期止", "早于有效期起"),
    ({"是否法制审核人员": "也许"}, "是否法制审核人员", "不是“是”或“否”"),
    ({"姓名": "名" * 51}, "姓名", "过长"),
])
def test_officers_validation(engine: Engine, changes: dict[str, str], column: str, fragment: str) -> None:
    refused_with(run(engine, "officers", [officer(1), officer(2, changes)]), 3, column, fragment)
    assert counts(engine)["officers"] == 0


def test_officers_duplicates_expired_create_agencies_and_accept_valid(engine: Engine) -> None:
    report = run(engine, "officers", [officer(1), officer(1, {"姓名": "重复"})])
    refused_with(report, 3, "执法证号", "与第2行重复")
    expired = run(engine, "officers", [officer(3, {"证件有效期止": "2025-06-30"})], dry_run=True)
    assert expired.exit_code == EXIT_OK and any("过期" in t for t in msgs(expired, 2, "warning", "证件有效期止"))
    assert counts(engine)["officers"] == 0  # dry run
    created = run(engine, "officers", [officer(4, {"执法机关": "临江市青石区新设局"})], create_agencies=True)
    assert created.agencies_created == ["临江市青石区新设局"] and created.inserted == 1
    assert "import_create_agency" in audit_actions(engine)
    partial = run(engine, "officers", [officer(5), officer(6, {"证件有效期止": "x"}), officer(7)], accept_valid=True)
    assert (partial.exit_code, partial.inserted, partial.rejected, partial.invalid) == (EXIT_PARTIAL, 2, 1, 1)
    preview = partial.preview(3)
    assert [p["结果"] for p in preview] == ["新增", "拒绝（有错误）", "新增"] and preview[0]["姓名"] == "测试员5"


# ---------------------------------------------------------------------------------------------------- matters


def matter(n: int, changes: dict[str, str] | None = None) -> dict[str, str]:
    base = {"事项编码": f"T-CF-{n:03d}", "事项名称": f"测试处罚事项{n}", "执法机关": AG1, "执法类别": "行政处罚",
            "设定依据": "《中华人民共和国行政处罚法》", "办理时限（工作日）": ""}
    base.update(changes or {})
    return base


def test_matters_valid_idempotent_and_updated(engine: Engine) -> None:
    rows = [matter(1, {"执法类别": "许可", "办理时限（工作日）": "20个工作日"}),
            matter(2, {"办理时限（工作日）": "即办"}),
            matter(1, {"执法机关": "青石生态环境分局", "执法类别": "其他行政权力", "办理时限（工作日）": "十五"})]
    report = run(engine, "matters", rows)
    assert (report.exit_code, report.inserted, report.problems) == (EXIT_OK, 3, []), report.lines()
    stored = sorted((r["code"], r["agency_id"], r["category"], r["time_limit_days"])
                    for r in rows_of(engine, m.Matter.__table__))
    assert stored == [("T-CF-001", 1, ActionCategory.LICENCE, 20), ("T-CF-001", 2, ActionCategory.OTHER, 15),
                      ("T-CF-002", 1, ActionCategory.PENALTY, 0)]
    assert run(engine, "matters", rows).unchanged == 3
    rows[1]["事项名称"] = "测试处罚事项（修订）"
    assert (run(engine, "matters", rows).updated, counts(engine)["matters"]) == (1, 3)


@pytest.mark.parametrize(("changes", "column", "fragment"), [
    ({"事项编码": ""}, "事项编码", "不能为空"),
    ({"执法类别": "行政审批"}, "执法类别", "无效"),
    ({"办理时限（工作日）": "20天"}, "办理时限（工作日）", "不是工作日"),
    ({"办理时限（工作日）": "尽快"}, "办理时限（工作日）", "无法识别"),
    ({"执法机关": "不存在的局"}, "执法机关", "系统中没有执法主体"),
    ({"事项编码": "T-CF-001"}, "事项编码", "与第2行重复"),
])
def test_matters_validation(engine: Engine, changes: dict[str, str], column: str, fragment: str) -> None:
    refused_with(run(engine, "matters", [matter(1), matter(2, changes)]), 3, column, fragment)


def test_matters_accept_valid(engine: Engine) -> None:
    report = run(engine, "matters", [matter(1), matter(2, {"执法类别": "?"}), matter(3)], accept_valid=True)
    assert (report.exit_code, report.read, report.inserted, report.rejected) == (EXIT_PARTIAL, 3, 2, 1)
    again = run(engine, "matters", [matter(1), matter(2), matter(3)])
    assert (again.inserted, again.unchanged) == (1, 2)


# ---------------------------------------------------------------------------------------------------- cases


def case(n: int, changes: dict[str, str] | None = None) -> dict[str, str]:
    base = {"案号": f"青测立〔2026〕{n}号", "执法机关": AG1, "当事人名称": f"临江市青石测试{n}商贸有限公司",
            "当事人类型": "法人", "统一社会信用代码": USCC[n % len(USCC)], "程序": "普通程序", "立案日期": "2026-03-02",
            "是否重大": "否", "违法行为": "销售过期食品", "违法事实": "经查，当事人销售过期食品。"}
    base.update(changes or {})
    return base


def test_cases_valid_file_parties_and_idempotence(engine: Engine) -> None:
    run(engine, "matters", [matter(1)])
    rows = [case(1, {"事项编码": "T-CF-001"}),
            case(2, {"当事人名称": "张某", "当事人类型": "", "统一社会信用代码": "", "证件号码": PERSON_ID,
                     "程序": "简易", "是否重大": "", "重大情形": "", "案件状态": "调查中"}),
            case(3, {"当事人名称": "李某", "当事人类型": "自然人", "统一社会信用代码": "", "是否重大": "",
                     "重大情形": "涉及重大公共利益；经过听证程序"}),
            case(4, {"统一社会信用代码": USCC[1], "当事人名称": "临江市青石测试1商贸有限公司"})]
    report = run(engine, "cases", rows)
    assert (report.exit_code, report.inserted) == (EXIT_OK, 4), report.lines()
    assert any("推断为“自然人”" in t for t in msgs(report, 3, "warning", "当事人类型"))
    stored = {c["case_no"]: c for c in rows_of(engine, m.Case.__table__)}
    first, person, major = stored["青测立〔2026〕1号"], stored["青测立〔2026〕2号"], stored["青测立〔2026〕3号"]
    assert first["matter_id"] is not None and first["origin"] is DataOrigin.IMPORTED
    assert first["chain_head"] == GENESIS and first["status"] is CaseStatus.FILED
    assert person["procedure"] is Procedure.SIMPLE and person["status"] is CaseStatus.INVESTIGATING
    assert major["is_major"] and major["major_reasons"] == "涉及重大公共利益；经过听证程序"
    assert stored["青测立〔2026〕4号"]["party_id"] == first["party_id"]  # same 信用代码: one party
    assert "文件导入" in first["internal_note"]
    parties = counts(engine)["parties"]
    assert parties == 3
    before = counts(engine)
    again = run(engine, "cases", rows)
    assert (again.unchanged, again.inserted, again.updated) == (4, 0, 0), again.lines()
    assert counts(engine) == before  # the masked natural person 李某 is not created twice


def test_cases_update_and_protected_cases(engine: Engine) -> None:
    # case 2 comes from a decisions import (origin 导入, with a decision)
    decisions = ("决定书文号,处罚机关,当事人名称,当事人类型,统一社会信用代码,处罚内容,决定日期,案号,立案日期,违法行为类型\r\n"
                 f"青测罚〔2026〕2号,{AG1},临江市青石测试2商贸有限公司,法人,{USCC[2]},罚款5000元,2026-03-20,"
                 "青测立〔2026〕2号,2026-03-02,销售过期食品\r\n").encode("utf-8-sig")
    assert run_import("decisions", engine, decisions, filename="d.csv", today=TODAY).inserted == 1
    first = run(engine, "cases", [case(1), case(2)])
    assert (first.inserted, first.updated) == (1, 1), first.lines()  # 违法事实, 是否重大 added to case 2
    changed = run(engine, "cases", [case(1, {"违法行为": "销售变质食品", "是否重大": "是"}), case(2)])
    assert (changed.updated, changed.unchanged) == (1, 1), changed.lines()
    stored = rows_of(engine, m.Case.__table__, m.Case.case_no == "青测立〔2026〕1号")[0]
    assert stored["violation"] == "销售变质食品" and stored["is_major"]
    # a blank 是否重大 keeps the stored flag; 否 clears it
    assert run(engine, "cases", [case(1, {"违法行为": "销售变质食品", "是否重大": ""})]).unchanged == 1
    # a case with a decision keeps its party; a native case is never overwritten by an import
    report = run(engine, "cases", [case(2, {"统一社会信用代码": USCC[3], "当事人名称": "另一家公司"})])
    refused_with(report, 2, "当事人名称", "已有处罚决定")
    late = run(engine, "cases", [case(2, {"立案日期": "2026-04-01"})])
    refused_with(late, 2, "立案日期", "晚于决定日期")
    with engine.begin() as conn:
        conn.execute(m.Case.__table__.update().where(m.Case.case_no == "青测立〔2026〕1号")
                     .values(origin=DataOrigin.NATIVE))
    native = run(engine, "cases", [case(1, {"违法行为": "改写"})])
    refused_with(native, 2, "案号", "不能修改系统录入的案件")
    assert run(engine, "cases", [case(1, {"违法行为": "销售变质食品", "是否重大": "是"})]).unchanged == 1


@pytest.mark.parametrize(("changes", "column", "fragment"), [
    ({"案号": ""}, "案号", "不能为空"),
    ({"案号": "案" * 51}, "案号", "过长"),
    ({"执法机关": "不存在的局"}, "执法机关", "系统中没有执法主体"),
    ({"事项编码": "NOPE"}, "事项编码", "权责清单中没有事项编码"),
    ({"统一社会信用代码": "91449901MA4W00000X"}, "统一社会信用代码", "无效"),
    ({"当事人名称": "王某", "当事人类型": "自然人", "统一社会信用代码": "", "证件号码": PERSON_ID[:-1] + "0"
      if PERSON_ID[-1] != "0" else PERSON_ID[:-1] + "1"}, "证件号码", "无效"),
    ({"当事人类型": "公司"}, "当事人类型", "无效"),
    ({"立案日期": "2026-12-01"}, "立案日期", "晚于今天"),
    ({"立案日期": "2026-02-30"}, "立案日期", "只有28天"),
    ({"程序": "特别程序"}, "程序", "无效"),
    ({"是否重大": "否", "重大情形": "涉及重大公共利益"}, "是否重大", "填写了重大情形"),
    ({"重大情形": "领导重视"}, "重大情形", "无法识别"),
    ({"案件状态": "已归档"}, "案件状态", "无效"),
    ({"案号": "青测立〔2026〕1号"}, "案号", "与第2行重复"),
])
def test_cases_validation(engine: Engine, changes: dict[str, str], column: str, fragment: str) -> None:
    refused_with(run(engine, "cases", [case(1), case(2, changes)]), 3, column, fragment)
    assert counts(engine)["cases"] == 0 and counts(engine)["parties"] == 0


def test_cases_accept_valid_and_create_agencies(engine: Engine) -> None:
    rows = [case(1), case(2, {"立案日期": "明天"}), case(3, {"执法机关": "临江市青石区新设局"})]
    report = run(engine, "cases", rows, accept_valid=True, create_agencies=True)
    assert (report.exit_code, report.read, report.inserted, report.rejected) == (EXIT_PARTIAL, 3, 2, 1)
    assert report.agencies_created == ["临江市青石区新设局"]
    refused = run(engine, "cases", rows, create_agencies=True)
    assert (refused.exit_code, refused.rejected, refused.invalid) == (EXIT_REFUSED, 3, 1)


# ---------------------------------------------------------------------------------------------------- events


def _case_for_events(engine: Engine, *, skip: int = 0) -> dict[str, Any]:
    """A seeded, closed case with events, the time of its last event and two officers of its agency whose
    certificates are valid then (and one officer of another agency)."""
    with engine.connect() as conn:
        rows = conn.execute(
            select(m.Case.id, m.Case.case_no, m.Case.agency_id, m.Case.filed_on, m.Case.chain_head,
                   func.max(m.CaseEvent.seq).label("last_seq"), func.max(m.CaseEvent.occurred_at).label("last_at"))
            .join(m.CaseEvent, m.CaseEvent.case_id == m.Case.id).where(m.Case.status == CaseStatus.CLOSED)
            .group_by(m.Case.id).order_by(m.Case.id)).mappings().all()
        found = []
        for row in rows:
            day = row["last_at"].astimezone(dt.timezone(dt.timedelta(hours=8))).date()
            officers = conn.execute(select(m.Officer.cert_no).where(
                m.Officer.agency_id == row["agency_id"], m.Officer.cert_valid_from <= day,
                m.Officer.cert_valid_to >= day).order_by(m.Officer.id).limit(2)).scalars().all()
            other = conn.execute(select(m.Officer.cert_no).where(m.Officer.agency_id != row["agency_id"])
                                 .limit(1)).scalar_one()
            if len(officers) == 2:
                found.append({**row, "officers": officers, "other": other})
    return found[skip]


def event(c: dict[str, Any], k: int, changes: dict[str, str] | None = None) -> dict[str, str]:
    """The k-th new step (1-based) after the case's last one: same closing stage, an hour apart, Beijing time."""
    at = (c["last_at"] + dt.timedelta(hours=k)).astimezone(dt.timezone(dt.timedelta(hours=8)))
    base = {"案号": c["case_no"], "序号": str(c["last_seq"] + k), "时间": at.strftime("%Y-%m-%d %H:%M"),
            "环节": "结案归档", "执法行为": f"案卷补充归档{k}", "执法证号": "、".join(c["officers"]),
            "文书编号": "", "记录形式": "文字", "地点": "", "备注": "", "更正序号": ""}
    base.update(changes or {})
    return base


def test_events_append_continues_the_chain(seeded: Engine) -> None:
    a, b = _case_for_events(seeded), _case_for_events(seeded, skip=1)
    rows = [event(a, 1), event(a, 2, {"记录形式": "文字、照相", "地点": "档案室"}), event(b, 1)]
    report = run(seeded, "events", rows, actor="admin1")
    assert (report.exit_code, report.inserted, report.errors) == (EXIT_OK, 3, []), report.lines()
    assert verify_chains(seeded).broken_cases == 0
    with seeded.connect() as conn:
        events = [SimpleNamespace(**r) for r in conn.execute(
            select(m.CaseEvent.__table__).where(m.CaseEvent.case_id == a["id"]).order_by(m.CaseEvent.seq)).mappings()]
        head = conn.execute(select(m.Case.chain_head).where(m.Case.id == a["id"])).scalar_one()
        officers = conn.execute(select(func.count()).select_from(m.EventOfficer)
                                .where(m.EventOfficer.event_id == events[-1].id)).scalar_one()
    new = events[-2:]
    assert [e.seq for e in new] == [a["last_seq"] + 1, a["last_seq"] + 2]
    assert new[0].prev_hash == events[-3].hash and new[1].prev_hash == new[0].hash and head == new[1].hash
    assert new[1].record_forms == "文字、照相" and new[1].location == "档案室" and new[0].location is None
    assert new[0].recorded_by == "admin1" and new[0].recorded_at == NOW
    assert new[0].stage is Stage.ARCHIVE and officers == 2
    assert [e.chain_version for e in new] == ["v2", "v2"]  # imported steps chain their officers too
    # "YYYY-MM-DD HH:MM" without a zone is Beijing time
    assert new[0].occurred_at == (a["last_at"] + dt.timedelta(hours=1)).replace(second=0)
    assert audit_actions(seeded).count("import_append_events") == 2
    before = counts(seeded)
    again = run(seeded, "events", rows)
    assert (again.exit_code, again.unchanged, again.inserted) == (EXIT_OK, 3, 0)
    assert counts(seeded) == before
    # re-importing together with the stored steps (all columns present) and one more new step
    more = run(seeded, "events", [*rows, event(a, 3)])
    assert (more.unchanged, more.inserted) == (3, 1) and verify_chains(seeded).broken_cases == 0


def test_events_modifying_a_recorded_step_is_refused(seeded: Engine) -> None:
    a = _case_for_events(seeded)
    assert run(seeded, "events", [event(a, 1)]).inserted == 1
    before = counts(seeded)
    report = run(seeded, "events", [event(a, 1, {"执法行为": "改写过的行为"}), event(a, 2)], accept_valid=True)
    assert any("执法记录只能追加，不能修改" in t and "执法行为" in t for t in msgs(report, 2, "error", "序号"))
    assert (report.exit_code, report.inserted, report.rejected) == (EXIT_PARTIAL, 1, 1)
    assert counts(seeded)["case_events"] == before["case_events"] + 1
    assert verify_chains(seeded).broken_cases == 0
    # an existing seeded step exported with another time is refused as well
    stored = run(seeded, "events", [event(a, 0, {"序号": str(a["last_seq"])})])
    refused_with(stored, 2, "序号", "不能修改")


def test_events_correction_and_an_imported_case(seeded: Engine) -> None:
    a = _case_for_events(seeded)
    fix = event(a, 1, {"执法行为": "更正：归档日期", "更正序号": str(a["last_seq"]), "备注": "原记录日期有误"})
    assert run(seeded, "events", [fix]).inserted == 1
    with seeded.connect() as conn:
        last = [SimpleNamespace(**r) for r in conn.execute(
            select(m.CaseEvent.__table__).where(m.CaseEvent.case_id == a["id"]).order_by(m.CaseEvent.seq.desc())
            .limit(2)).mappings()]
    assert last[0].corrects_event_id == last[1].id
    # a case imported by the cases kind starts its record at 序号 1 from the genesis head
    run(seeded, "cases", [case(9, {"执法机关": "QS-SCJG", "立案日期": "2026-11-02"})])
    officers = _case_officers(seeded, "QS-SCJG")
    steps = [{"案号": "青测立〔2026〕9号", "序号": "1", "时间": "2026年11月2日9时30分", "环节": "立案",
              "执法行为": "立案审批", "执法证号": officers[0]},
             {"案号": "青测立〔2026〕9号", "序号": "2", "时间": "2026-11-03T10:00:00+08:00", "环节": "调查取证",
              "执法行为": "现场检查", "执法证号": "、".join(officers), "记录形式": "执法记录仪、照相"}]
    report = run(seeded, "events", steps)
    assert (report.exit_code, report.inserted, report.problems) == (EXIT_OK, 2, []), report.lines()
    assert verify_chains(seeded, case_no="青测立〔2026〕9号").broken_cases == 0
    assert verify_chains(seeded).broken_cases == 0


def _case_officers(engine: Engine, agency_code: str) -> list[str]:
    with engine.connect() as conn:
        return list(conn.execute(select(m.Officer.cert_no).join(m.Agency).where(
            m.Agency.code == agency_code, m.Officer.cert_valid_to >= dt.date(2028, 1, 1)).order_by(m.Officer.id)
            .limit(2)).scalars())


@pytest.mark.parametrize(("changes", "column", "fragment"), [
    ({"序号": "+3"}, "序号", "无效"),
    ({"案号": "不存在的案号"}, "案号", "系统中没有案号"),
    ({"执法证号": "X0000"}, "执法证号", "不在本系统执法人员名录中"),
    ({"执法证号": "OTHER"}, "执法证号", "不属于本执法主体"),
    ({"执法证号": "SAME"}, "执法证号", "重复"),
    ({"时间": "2026-11-21 09:00"}, "时间", "晚于当前时间"),
    ({"时间": "2020-01-01 09:00"}, "时间", "早于立案日期"),
    ({"时间": "2026-11-15"}, "时间", "缺少时刻"),
    ({"时间": "2026-11-15 25:00"}, "时间", "时刻无效"),
    ({"时间": "下周一"}, "时间", "不是可识别的时间"),
    ({"环节": "审批"}, "环节", "无效"),
    ({"记录形式": "文字、手记"}, "记录形式", "无效"),
    ({"执法行为": ""}, "执法行为", "不能为空"),
    ({"执法行为": "行" * 101}, "执法行为", "过长"),
    ({"更正序号": "99"}, "更正序号", "不存在"),
])
def test_events_validation(seeded: Engine, changes: dict[str, str], column: str, fragment: str) -> None:
    a = _case_for_events(seeded)
    if changes.get("执法证号") == "OTHER":
        changes = {**changes, "执法证号": a["other"]}
    if changes.get("执法证号") == "SAME":
        changes = {**changes, "执法证号": f"{a['officers'][0]}、{a['officers'][0]}"}
    before = counts(seeded)
    report = run(seeded, "events", [event(a, 1), event(a, 2, changes)])
    refused_with(report, 3, column, fragment)
    assert counts(seeded) == before


def test_events_sequence_must_continue_and_rejections_block_later_steps(seeded: Engine) -> None:
    a, b = _case_for_events(seeded), _case_for_events(seeded, skip=1)
    gap = run(seeded, "events", [event(a, 2)])
    refused_with(gap, 2, "序号", f"下一条应为序号{a['last_seq'] + 1}")
    twice = run(seeded, "events", [event(a, 1), event(a, 1, {"执法行为": "x"})])
    refused_with(twice, 3, "序号", "与第2行重复")
    rows = [event(a, 1), event(a, 2, {"时间": "2099-01-01 00:00"}), event(a, 3), event(b, 1)]
    report = run(seeded, "events", rows, accept_valid=True)
    assert (report.exit_code, report.read, report.inserted, report.rejected) == (EXIT_PARTIAL, 4, 2, 2)
    assert any("其后的记录不能追加" in t for t in msgs(report, 4, "error", "序号"))
    assert verify_chains(seeded).broken_cases == 0
    # the corrected file appends the missing steps and leaves the others unchanged
    fixed = run(seeded, "events", [event(a, 1), event(a, 2), event(a, 3), event(b, 1)])
    assert (fixed.inserted, fixed.unchanged) == (2, 2), fixed.lines()
    assert verify_chains(seeded).broken_cases == 0


def test_events_procedural_findings_are_warnings_on_history(seeded: Engine) -> None:
    a = _case_for_events(seeded)
    report = run(seeded, "events", [event(a, 1, {"环节": "调查取证", "执法行为": "现场检查",
                                                  "执法证号": a["officers"][0]})])
    assert (report.exit_code, report.inserted) == (EXIT_OK, 1), report.lines()
    warnings = msgs(report, 2, "warning")
    assert any("不得少于2人" in t for t in warnings) and any("环节顺序错误" in t for t in warnings)
    assert all("按原样保存" in t for t in warnings)


def test_events_refused_when_the_chain_is_already_broken(seeded: Engine) -> None:
    a = _case_for_events(seeded)
    with seeded.begin() as conn:
        conn.execute(m.Case.__table__.update().where(m.Case.id == a["id"]).values(chain_head="f" * 64))
    refused_with(run(seeded, "events", [event(a, 1)]), 2, "案号", "verify-chain")


def test_parse_event_time() -> None:
    shanghai = dt.timezone(dt.timedelta(hours=8))
    expected = dt.datetime(2026, 9, 8, 14, 30, tzinfo=shanghai)
    for text in ("2026-09-08 14:30", "2026/9/8 14:30:00", "2026年9月8日14时30分", "2026年9月8日 下午2:30",
                 "2026-09-08T14:30:00+08:00", "2026-09-08T06:30:00Z", "２０２６－０９－０８　１４：３０"):
        value = parse_event_time(text)
        assert value == expected and value.tzinfo is not None, text
    assert parse_event_time("46273.5") == dt.datetime(2026, 9, 8, 12, 0, tzinfo=shanghai)


# ---------------------------------------------------------------------------------------------------- reviews


def review(n: int, changes: dict[str, str] | None = None, case_no: str = "青测立〔2026〕1号") -> dict[str, str]:
    base = {"案号": case_no, "轮次": str(n), "报送日期": f"2026-03-{10 + 4 * n:02d}",
            "审核日期": f"2026-03-{12 + 4 * n:02d}", "审核结论": "同意", "审核意见": "事实清楚，证据确凿。"}
    base.update(changes or {})
    return base


@pytest.fixture
def major_case(engine: Engine) -> Engine:
    run(engine, "cases", [case(1, {"是否重大": "是"}), case(2)])
    run(engine, "officers", [officer(1, {"是否法制审核人员": "是"}), officer(2)])
    return engine


def test_reviews_rounds_idempotent_and_pending_completed(major_case: Engine) -> None:
    engine = major_case
    rows = [review(1, {"审核结论": "存在问题：证据不足", "审核人员执法证号": "T4499000001"}),
            review(2, {"审核日期": "", "审核结论": "", "审核意见": ""})]
    report = run(engine, "reviews", rows)
    assert (report.exit_code, report.inserted, report.problems) == (EXIT_OK, 2, []), report.lines()
    stored = sorted(rows_of(engine, m.LegalReview.__table__), key=lambda r: r["round_no"])
    assert [r["outcome"] for r in stored] == [ReviewOutcome.PROBLEMS, None]
    assert stored[0]["reviewer_officer_id"] is not None and stored[1]["reviewed_on"] is None
    assert run(engine, "reviews", rows).unchanged == 2
    completed = run(engine, "reviews", [rows[0], review(2, {"审核意见": "已补充证据。"})])
    assert (completed.updated, completed.unchanged) == (1, 1), completed.lines()
    # the pending round row stays as written; its conclusion is a new 审核意见 step
    assert rows_of(engine, m.LegalReview.__table__, m.LegalReview.round_no == 2)[0]["outcome"] is None
    with engine.connect() as conn:
        case_id = conn.execute(select(m.LegalReview.case_id).limit(1)).scalar_one()
        completed_round = load_rounds(conn, [case_id])[case_id][1]
    assert (completed_round.outcome, completed_round.opinion) == (ReviewOutcome.APPROVED, "已补充证据。")
    assert run(engine, "reviews", [rows[0], review(2, {"审核意见": "已补充证据。"})]).unchanged == 2
    moved = run(engine, "reviews", [review(1, {"审核结论": "存在问题：证据不足", "审核人员执法证号": "T4499000001"}),
                                    review(3, {"审核日期": "", "审核结论": "", "审核意见": ""})])
    assert moved.inserted == 1
    refused_with(run(engine, "reviews", [review(3, {"报送日期": "2026-03-23", "审核日期": "", "审核结论": "",
                                                    "审核意见": ""})]), 2, "报送日期", "报送记录不能修改")
    changed = run(engine, "reviews", [review(2, {"审核结论": "存在问题"})])
    refused_with(changed, 2, "审核结论", "已完成的审核不能通过导入修改")
    note = run(engine, "reviews", [review(1, case_no="青测立〔2026〕2号")], dry_run=True)
    assert any("未标记为重大" in t for t in msgs(note, 2, "warning", "案号"))
    reviewer = run(engine, "reviews", [review(1, {"审核人员执法证号": "T4499000002"}, case_no="青测立〔2026〕2号")],
                   dry_run=True)
    assert any("未登记为法制审核人员" in t for t in msgs(reviewer, 2, "warning"))


@pytest.mark.parametrize(("rows", "line", "column", "fragment"), [
    ([review(1, {"案号": "青测立〔2026〕99号"})], 2, "案号", "系统中没有案号"),
    ([review(1, {"轮次": "零"})], 2, "轮次", "无效"),
    ([review(1), review(3)], 3, "轮次", "没有第2轮"),
    ([review(1, {"审核日期": "", "审核结论": ""}), review(2)], 3, "轮次", "尚未作出结论"),
    ([review(1, {"审核日期": ""})], 2, "审核日期", "审核日期为空"),
    ([review(1, {"审核结论": ""})], 2, "审核结论", "审核结论为空"),
    ([review(1, {"审核日期": "2026-03-01"})], 2, "审核日期", "早于报送日期"),
    ([review(1, {"报送日期": "2026-02-01", "审核日期": "2026-02-02"})], 2, "报送日期", "早于立案日期"),
    ([review(1, {"审核结论": "再议"})], 2, "审核结论", "无法识别"),
    ([review(1, {"审核人员执法证号": "NOPE"})], 2, "审核人员执法证号", "不在本系统执法人员名录中"),
    ([review(1), review(1)], 3, "轮次", "与第2行重复"),
    ([review(1, {"审核结论": "存在问题", "审核日期": "2026-03-20"}), review(2, {"报送日期": "2026-03-18"})],
     3, "报送日期", "早于第1轮审核日期"),
])
def test_reviews_validation(major_case: Engine, rows: list[dict[str, str]], line: int, column: str,
                            fragment: str) -> None:
    refused_with(run(major_case, "reviews", rows), line, column, fragment)
    assert counts(major_case)["legal_reviews"] == 0


def test_reviews_accept_valid(major_case: Engine) -> None:
    rows = [review(1, {"审核结论": "不同意"}), review(2, {"审核日期": "2026-13-01"}), review(3),
            review(1, case_no="青测立〔2026〕2号")]
    report = run(major_case, "reviews", rows, accept_valid=True)
    # round 3 depends on the rejected round 2
    assert (report.exit_code, report.read, report.inserted, report.rejected) == (EXIT_PARTIAL, 4, 2, 2)
    assert any("没有第2轮" in t for t in msgs(report, 4, "error", "轮次"))


# ---------------------------------------------------------------------------------------------------- PostgreSQL


@pytest.mark.postgres
def test_round_trip_on_postgresql(pg_engine: Engine) -> None:
    for kind in ("agencies", "officers", "matters", "cases", "events", "reviews"):
        report = run_import(kind, pg_engine, template_csv_bytes(kind), filename="模板.csv", today=TODAY, now=NOW)
        assert (report.exit_code, report.inserted, report.errors) == (EXIT_OK, 1, []), (kind, report.lines())
    more = run(pg_engine, "agencies", [agency(1, {"上级机关": "QS-SCJG"}), agency(2, {"上级机关": "测试1局"})])
    assert more.inserted == 2  # ids from the sequences, after the template's agency
    assert run(pg_engine, "officers", [officer(1), officer(2)]).inserted == 2
    assert run(pg_engine, "cases", [case(1), case(2, {"当事人名称": "张某", "当事人类型": "自然人",
                                                       "统一社会信用代码": ""})]).inserted == 2
    steps = [{"案号": "青测立〔2026〕1号", "序号": "1", "时间": "2026-03-02 09:00", "环节": "立案", "执法行为": "立案审批",
              "执法证号": "T4499000001"},
             {"案号": "青测立〔2026〕1号", "序号": "2", "时间": "2026-03-03 10:00", "环节": "调查取证",
              "执法行为": "现场检查", "执法证号": "T4499000001、T4499000002", "记录形式": "执法记录仪"}]
    report = run(pg_engine, "events", steps)
    assert (report.inserted, report.errors) == (2, []), report.lines()
    assert verify_chains(pg_engine).broken_cases == 0
    assert run(pg_engine, "events", steps).unchanged == 2
    refused_with(run(pg_engine, "events", [{**steps[1], "执法行为": "改写"}]), 2, "序号", "不能修改")
    assert run(pg_engine, "reviews", [review(1)]).inserted == 1
    assert run(pg_engine, "cases", [case(1, {"违法行为": "新的案由"})]).updated == 1
    assert counts(pg_engine)["case_events"] == 3
