"""``manage.py import benchmarks FILE --agency …``: load a published benchmark table (the .xls as published, .xlsx, or
the flat CSV of docs/import.md) as a new version of the benchmark set an agency applies, with a parse report: how
many items, tiers and ranges were understood, and every tier row that could not be read, with the reason.

A new version closes the agency's version of the same name that was in force (its effective_to becomes the new
effective_from), and the discretion checks of the agency's decisions are recomputed in the same transaction.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import Engine, select, update
from sqlalchemy.exc import SQLAlchemyError

from db import models as m
from db.discretion import recompute_checks
from db.imports.benchmark_table import BenchmarkItem, read_benchmark_table
from db.imports.store import audit, create_agency, new_agency, table_of, utc_now
from domain.enums import BenchmarkRangeKind

__all__ = ["BenchmarkImportError", "BenchmarkImportReport", "import_benchmarks"]

USABLE_TARGET = 0.95


class BenchmarkImportError(Exception):
    """The file or the arguments cannot be used at all (one Chinese line)."""


@dataclass
class BenchmarkImportReport:
    file_name: str
    agency: str
    set_name: str
    effective_from: dt.date
    dry_run: bool
    items: int = 0
    tiers: int = 0
    usable: int = 0
    kinds: Counter[str] = field(default_factory=Counter)
    unparsed: list[str] = field(default_factory=list)  # one line per tier row that could not be read
    notes: list[str] = field(default_factory=list)  # quirks of the source, kept for data quality
    closed_version: str = ""
    agency_created: bool = False
    rechecked: int = 0
    written: bool = False

    @property
    def usable_share(self) -> float:
        return self.usable / self.tiers if self.tiers else 0.0

    @property
    def exit_code(self) -> int:
        return 0 if self.tiers and self.usable_share >= USABLE_TARGET else 1

    def lines(self) -> list[str]:
        out = [f"裁量基准表：{self.file_name} → {self.agency}《{self.set_name}》，自{self.effective_from.isoformat()}起适用"
               + ("（试运行，未写入）" if self.dry_run else "")]
        if self.agency_created:
            out.append(f"  {'将' if self.dry_run else '已'}新建执法主体“{self.agency}”，请补全其层级和区划")
        out.append(f"  违法行为条目 {self.items} 项，裁量档次 {self.tiers} 行，其中可用 {self.usable} 行"
                   f"（{self.usable_share:.1%}，要求不低于{USABLE_TARGET:.0%}）")
        out.append("  识别的幅度：" + "，".join(f"{k} {n} 行" for k, n in sorted(self.kinds.items())))
        if self.closed_version:
            out.append(f"  原版本《{self.closed_version}》{'将' if self.dry_run else '已'}于"
                       f"{self.effective_from.isoformat()}起停止适用")
        if self.written:
            out.append(f"  已重新核查该机关 {self.rechecked} 件决定的裁量基准适用情况")
        if self.unparsed:
            out.append(f"  未能识别的档次 {len(self.unparsed)} 行：")
            out.extend(f"    {line}" for line in self.unparsed)
        if self.notes:
            out.append(f"  原表需核对之处 {len(self.notes)} 处：")
            out.extend(f"    {line}" for line in self.notes[:50])
            if len(self.notes) > 50:
                out.append(f"    ……另有 {len(self.notes) - 50} 处")
        if self.exit_code:
            out.append("  可用档次比例低于要求，请检查文件格式（表头须含“序号”“裁量情节”“裁量标准”）")
        return out


def _usable(parsed_kind: BenchmarkRangeKind, parsed_ok: bool, has_measure: bool) -> bool:
    return parsed_ok and (parsed_kind is not BenchmarkRangeKind.NON_MONETARY or has_measure)


def _survey(items: list[BenchmarkItem], report: BenchmarkImportReport) -> None:
    report.items = len(items)
    for item in items:
        for tier in item.tiers:
            report.tiers += 1
            p = tier.parsed
            where = f"{item.sheet} 第{tier.row}行（条目{item.item_no}，第{tier.level}级）"
            if _usable(p.kind, p.parsed, bool(p.penalty_types)):
                report.usable += 1
                report.kinds[p.kind.value] += 1
            else:
                reason = "；".join(p.notes) or ("裁量标准为空" if not tier.standard_text else "未能识别罚款幅度或处罚种类")
                report.unparsed.append(f"{where}：“{tier.standard_text[:60]}”——{reason}")
            report.notes.extend(f"{where}：{note}" for note in (*tier.warnings, *p.notes))


def import_benchmarks(engine: Engine, path: Path | str, agency: str, *, create_agency_if_missing: bool = False,
                      effective_from: dt.date | None = None, name: str | None = None, dry_run: bool = False,
                      actor: str = "manage.py") -> BenchmarkImportReport:
    path = Path(path)
    try:
        items = read_benchmark_table(path)
    except FileNotFoundError as exc:
        raise BenchmarkImportError(str(exc)) from exc
    except ValueError as exc:
        raise BenchmarkImportError(str(exc)) from exc
    except Exception as exc:  # a corrupt workbook raises the reader's own errors
        raise BenchmarkImportError(f"无法读取裁量基准表 {path.name}：{type(exc).__name__}") from exc
    if not items:
        raise BenchmarkImportError(f"{path.name} 中没有找到裁量基准表（表头须含“序号”“裁量情节”“裁量标准”）")
    start = effective_from or dt.date.today()
    set_name = (name or path.stem)[:200]
    with engine.connect() as conn:
        a = m.Agency
        found = conn.execute(select(a.id, a.name).where((a.code == agency) | (a.name == agency))).first()
    if found is None and not create_agency_if_missing:
        raise BenchmarkImportError(f"找不到执法主体“{agency[:50]}”（可用代码或全称；要新建请加 --create-agency）")
    report = BenchmarkImportReport(path.name, found.name if found else agency, set_name, start, dry_run,
                                   agency_created=found is None)
    _survey(items, report)
    s = m.BenchmarkSet
    with engine.connect() as conn:
        if found is not None:
            clash = conn.execute(select(s.id).where(s.agency_id == found.id, s.name == set_name,
                                                    s.effective_from == start)).first()
            if clash is not None:
                raise BenchmarkImportError(f"《{set_name}》自{start.isoformat()}起的版本已存在；新版本请给出新的生效日期")
            current = conn.execute(select(s.id, s.name, s.effective_from).where(
                s.agency_id == found.id, s.name == set_name, s.effective_to.is_(None))).first()
            if current is not None:
                if current.effective_from >= start:
                    raise BenchmarkImportError(
                        f"现行版本自{current.effective_from.isoformat()}起适用，新版本的生效日期须晚于此日")
                report.closed_version = f"{current.name}（{current.effective_from.isoformat()}起）"
    if dry_run or report.exit_code:
        return report
    _write_set(engine, path, items, report, agency, found.id if found is not None else None, actor)
    report.written = True
    return report


def _write_set(engine: Engine, path: Path, items: list[BenchmarkItem], report: BenchmarkImportReport, agency: str,
               found_id: int | None, actor: str) -> None:
    """Write the new version (and the agency, when asked to create it), close the one in force, recheck the
    agency's decisions, audit — one transaction."""
    s = m.BenchmarkSet
    start, set_name = report.effective_from, report.set_name
    try:
        with engine.begin() as conn:
            at = utc_now()
            if found_id is None:
                ref = new_agency(agency[:100], 0)
                create_agency(conn, ref, actor, path.name, at)
                agency_id = ref.id
            else:
                agency_id = found_id
                conn.execute(update(s).where(s.agency_id == agency_id, s.name == set_name, s.effective_to.is_(None))
                             .values(effective_to=start))
            assert agency_id is not None
            key = conn.execute(table_of(s).insert().values(
                agency_id=agency_id, name=set_name, issuer=report.agency[:100], source=path.name[:200],
                effective_from=start, effective_to=None, created_at=at, created_by=actor)).inserted_primary_key
            assert key is not None
            set_id = key[0]
            for item in items:
                ikey = conn.execute(table_of(m.BenchmarkItem).insert().values(
                    set_id=set_id, item_no=item.item_no[:20], law_name=item.sheet[:200], violation=item.violation,
                    legal_basis=item.legal_basis)).inserted_primary_key
                assert ikey is not None
                rows = [{
                    "item_id": ikey[0], "level": position, "grade": tier.level, "tier": None,
                    "circumstance": tier.circumstance, "standard_text": tier.standard_text,
                    "range_kind": tier.parsed.kind, "min_amount": tier.parsed.min_amount,
                    "max_amount": tier.parsed.max_amount, "base_name": (tier.parsed.base or None) and tier.parsed.base[:50],
                    "min_factor": None if tier.parsed.min_factor is None else str(tier.parsed.min_factor),
                    "max_factor": None if tier.parsed.max_factor is None else str(tier.parsed.max_factor),
                    "note": tier.note,
                } for position, tier in enumerate(item.tiers, start=1)]
                if rows:
                    conn.execute(table_of(m.BenchmarkTier).insert(), rows)
            decision_ids = list(conn.execute(
                select(m.Decision.id).join(m.Case, m.Case.id == m.Decision.case_id)
                .where(m.Case.agency_id == agency_id)).scalars())
            report.rechecked = recompute_checks(conn, decision_ids).checked if decision_ids else 0
            audit(conn, actor, "import_benchmarks", "benchmark_sets", set_id,
                  {"file": path.name, "items": report.items, "tiers": report.tiers, "usable": report.usable,
                   "effective_from": start.isoformat(), "closed": report.closed_version})
    except SQLAlchemyError as exc:
        raise BenchmarkImportError(f"写入数据库失败，已全部回滚：{type(exc).__name__}") from exc
