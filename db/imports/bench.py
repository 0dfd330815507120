"""The 100,000-row import benchmark (``python -m db.imports.bench [ROWS [XLSX_ROWS]]``; docs/import.md records the
figures): generated, valid ``decisions`` rows imported into a fresh SQLite database."""

from __future__ import annotations

import datetime as dt
import sys
import time
from collections.abc import Iterator, Sequence
from decimal import Decimal
from pathlib import Path

from db import models as m
from db.imports import EXIT_OK, import_decisions, template_rows, write_csv
from db.imports.kinds.decision_rows import DECISION_FIELDS
from db.imports.store import table_of, utc_now
from domain.enums import AgencyKind, AgencyLevel

__all__ = ["bench_import", "sample_decision_rows"]


def sample_decision_rows(n: int, agencies: Sequence[str], *, seed: int = 20261122,
                         start: dt.date = dt.date(2024, 1, 1), prefix: str = "青示") -> Iterator[list[str]]:
    """``n`` realistic, valid data rows (template column order) with synthetic identifiers, mixing date and
    amount formats, amounts only in the 处罚内容 text, natural persons with masked names and published and
    unpublished decisions. Used by the 100,000-row benchmark (``python -m db.imports.bench``)."""
    import random

    from domain.identifiers import synthetic_id_number, synthetic_uscc

    rng = random.Random(seed)
    order = [f.key for f in DECISION_FIELDS]
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

        def show(day: dt.date, fmt: str = fmt) -> str:
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
            conn.execute(table_of(m.Agency).insert().values(
                code=f"B{i}", name=name, short_name=name[-6:], level=AgencyLevel.COUNTY, kind=AgencyKind.STATUTORY,
                region_code="449901", region_name="临江市青石区", created_at=utc_now()))
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


if __name__ == "__main__":
    n_rows = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    n_xlsx = int(sys.argv[2]) if len(sys.argv) > 2 else None
    for key, value in bench_import(n_rows, n_xlsx).items():
        print(f"{key}\t{value:.2f}")
