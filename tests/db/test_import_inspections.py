"""``manage.py import inspections``: same validation, report and exit codes as the other kinds."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select

from db import models as m
from db.imports import EXIT_OK, EXIT_PARTIAL, EXIT_REFUSED, run_import
from tests.db.test_import_kinds import csv_bytes, msgs

TODAY = dt.date(2026, 11, 20)
CODE = "91449901YYKNQXNW9D"


@pytest.fixture
def seeded(seeded_sqlite_copy) -> Engine:
    return seeded_sqlite_copy(40, 3)


def _certs(engine: Engine) -> list[str]:
    with engine.connect() as conn:
        agency_id = conn.scalar(select(m.Agency.id).where(m.Agency.code == "QS-SCJG"))
        return list(conn.scalars(select(m.Officer.cert_no).where(
            m.Officer.agency_id == agency_id, m.Officer.cert_valid_to >= dt.date(2026, 1, 1)).order_by(m.Officer.id)))


def _row(n: int, certs: list[str], **changes: str) -> dict[str, str]:
    row = {"检查编号": f"导入抽〔2026〕{n}号", "执法机关": "QS-SCJG", "检查对象名称": f"临江市测试{n}贸易有限公司",
           "统一社会信用代码": CODE, "检查人员执法证号": "、".join(certs[:2]), "检查开始日期": "2026-03-02",
           "检查结束日期": "2026-03-03", "检查结果": "未发现问题", "结果说明": "未发现问题。", "结果公示日期": "2026-03-10"}
    row.update(changes)
    return row


def _inspections(engine: Engine) -> int:
    with engine.connect() as conn:
        return conn.scalar(select(func.count()).select_from(m.Inspection).where(m.Inspection.draw_id.is_(None)))


def test_valid_rows_import_and_reimport_unchanged(seeded: Engine) -> None:
    certs = _certs(seeded)
    data = csv_bytes([_row(1, certs), _row(2, certs, 检查结果="", 结果公示日期="", 结果说明="")])
    first = run_import("inspections", seeded, data, filename="i.csv", today=TODAY)
    assert (first.exit_code, first.inserted) == (EXIT_OK, 2), first.lines()
    again = run_import("inspections", seeded, data, filename="i.csv", today=TODAY)
    assert (again.exit_code, again.unchanged) == (EXIT_OK, 2), again.lines()
    changed = run_import("inspections", seeded, csv_bytes([_row(2, certs, 检查结果="发现问题已责令整改",
                                                                结果公示日期="2026-03-20")]), filename="i.csv",
                         today=TODAY)
    assert (changed.exit_code, changed.updated) == (EXIT_OK, 1), changed.lines()
    assert _inspections(seeded) == 2


@pytest.mark.parametrize(
    ("changes", "column", "fragment"),
    [
        ({"统一社会信用代码": "91449901YYKNQXNW9X"}, "统一社会信用代码", "无效"),
        ({"检查人员执法证号": "ONE"}, "检查人员执法证号", "不得少于两人"),
        ({"检查结束日期": "2026-03-01"}, "检查结束日期", "早于开始日期"),
        ({"检查结果": "很好"}, "检查结果", "无效"),
        ({"检查结果": ""}, "结果公示日期", "没有检查结果"),
        ({"检查对象名称": "张三13800138000经营部"}, "检查对象名称", "个人信息"),
        ({"执法机关": "不存在的局"}, "执法机关", "没有执法主体"),
        ({"检查开始日期": "2099-01-01"}, "检查开始日期", "晚于今天"),
    ],
)
def test_bad_rows_are_refused_with_line_and_column(seeded: Engine, changes, column, fragment) -> None:
    report = run_import("inspections", seeded, csv_bytes([_row(1, _certs(seeded), **changes)]), filename="i.csv",
                        today=TODAY)
    assert report.exit_code == EXIT_REFUSED, report.lines()
    assert any(fragment in t for t in msgs(report, 2, "error", column)), report.lines()
    assert _inspections(seeded) == 0


def test_unknown_officer_and_late_publication(seeded: Engine) -> None:
    certs = _certs(seeded)
    rows = [_row(1, certs, 结果公示日期="2026-04-30"), _row(2, certs, 检查人员执法证号=f"{certs[0]}、NOBODY")]
    report = run_import("inspections", seeded, csv_bytes(rows), filename="i.csv", today=TODAY, accept_valid=True)
    assert report.exit_code == EXIT_PARTIAL, report.lines()
    assert any("20个工作日" in t for t in msgs(report, 2, "warning", "结果公示日期"))
    assert any("不在本系统执法人员名录中" in t for t in msgs(report, 3, "error", "检查人员执法证号"))
    assert _inspections(seeded) == 1


def test_command_line(seeded: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys) -> None:
    import manage

    monkeypatch.setenv("DATABASE_URL", str(seeded.url))
    good = tmp_path / "good.csv"
    good.write_bytes(csv_bytes([_row(1, _certs(seeded))]))
    assert manage.main(["import", "inspections", str(good)]) == 0
    assert manage.main(["import", "officers", str(good)]) == 2  # the wrong template
    assert "不是执法人员导入模板" in capsys.readouterr().err
