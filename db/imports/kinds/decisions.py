"""Import kind ``decisions``: one row per published penalty decision, in the flat format of the published
template (Chinese headers, English aliases, column order free). Rows are upserted by 决定书文号; a changed row
updates the decision and, when it was published, records a correction in the disclosure history. The row checks
are in decision_rows.py, the database side in decision_writes.py."""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import cached_property
from typing import Any

from sqlalchemy import Connection, select

from db import models as m
from db.imports.base import Options, Problems
from db.imports.cells import AgencyRef, money_text
from db.imports.kinds.decision_rows import DECISION_FIELDS, MONEY_FIELDS, DecisionRec, DecisionRows, Lookups
from db.imports.kinds.decision_writes import load_existing, load_keyed, resolve, write_decisions
from db.imports.reading import Table, compact
from db.imports.report import ImportReport, RowProblem
from db.imports.spec import HeaderMap, KindSpec
from db.imports.store import Ids, load_agencies, utc_now
from domain.enums import DiscretionTier
from domain.parsing import normalize_header

__all__ = ["SPEC", "DecisionSpec"]


class DecisionSpec(KindSpec):
    """The decisions template also reads the unit of a money column from its header (“罚款金额（万元）”)."""

    @cached_property
    def aliases(self) -> dict[str, tuple[str, str]]:
        aliases: dict[str, tuple[str, str]] = {}
        for f in self.fields:
            names = [f.header, f.key, f.key.replace("_", " "), f.key.replace("_", ""), *f.aliases]
            for name in names:
                aliases[normalize_header(name)] = (f.key, "元")
            if f.key in MONEY_FIELDS:
                base = re.sub(r"（元）$", "", f.header)
                for name in [base, *[a for a in f.aliases if "(元)" not in a]]:
                    stem = re.sub(r"\(元\)$", "", normalize_header(name))
                    aliases[f"{stem}(元)"] = (f.key, "元")
                    aliases[f"{stem}(人民币元)"] = (f.key, "元")
                    aliases[f"{stem}(万元)"] = (f.key, "万元")
                    aliases[f"{stem}(亿元)"] = (f.key, "亿元")
        return aliases

    def missing_message(self, missing: Sequence[str]) -> str:
        return ("文件不是决定书导入模板：缺少必填列" + "、".join(f"“{h}”" for h in missing)
                + "（请下载导入模板核对表头）")


def load_lookups(conn: Connection) -> Lookups:
    benchmarks: dict[tuple[int, str], list[Any]] = {}
    for agency_id, item_no, item_id, start, end in conn.execute(
            select(m.BenchmarkSet.agency_id, m.BenchmarkItem.item_no, m.BenchmarkItem.id,
                   m.BenchmarkSet.effective_from, m.BenchmarkSet.effective_to)
            .join(m.BenchmarkSet, m.BenchmarkItem.set_id == m.BenchmarkSet.id)):
        benchmarks.setdefault((agency_id, compact(item_no)), []).append((start, end, item_id))
    # A decision's "第N级" is the 裁量等级 printed in the table (rows of one grade share its range), not the row's
    # position; tables without printed grades fall back to the position.
    tiers: dict[int, list[tuple[int, int, DiscretionTier | None, tuple[object, ...]]]] = {}
    t = m.BenchmarkTier
    for tid, item_id, level, grade, tier, lo, hi, flo, fhi in conn.execute(
            select(t.id, t.item_id, t.level, t.grade, t.tier, t.min_amount, t.max_amount, t.min_factor, t.max_factor)
            .order_by(t.item_id, t.level)):
        tiers.setdefault(item_id, []).append((tid, grade if grade is not None else level, tier, (lo, hi, flo, fhi)))
    return Lookups(load_agencies(conn), benchmarks, tiers)


class _Decisions:
    """The runner's handler for decisions (see db.imports.base.TableKind for the interface)."""

    entity = "decisions"
    created_agency_hint = ""

    def __init__(self, spec: KindSpec, table: Table, header: HeaderMap, opts: Options) -> None:
        self.spec, self.table, self.header, self.opts = spec, table, header, opts
        self.labels = {f.key: f.header for f in spec.fields}
        self.new_agencies: dict[str, AgencyRef] = {}
        self.lookups = Lookups({}, {}, {})
        self.rows: DecisionRows | None = None

    def load(self, conn: Connection) -> None:
        self.lookups = load_lookups(conn)
        self.rows = DecisionRows(self.spec, self.table, self.header, self.lookups,
                                 create_agencies=self.opts.create_agencies, today=self.opts.today)
        self.new_agencies = self.rows.new_agencies

    def validate_row(self, index: int, cells: list[str], line: int) -> tuple[DecisionRec | None, list[RowProblem]]:
        assert self.rows is not None
        return self.rows.validate(index, cells, line)

    def resolve(self, conn: Connection, recs: list[DecisionRec]) -> Problems:
        """Stored rows the file refers to, the canonical party of each row (first occurrence wins), and
        insert / update / unchanged — in file order."""
        load_keyed(conn, recs, self.lookups)
        existing_ids = [self.lookups.decisions[r.decision_no] for r in recs if r.decision_no in self.lookups.decisions]
        existing = load_existing(conn, existing_ids) if existing_ids else {}
        out = Problems(self.spec)
        for rec in recs:
            problems = resolve(rec, self.lookups, existing.get(rec.decision_no))
            if problems:
                out.by_line[rec.line].extend(problems)
        return out

    @staticmethod
    def agency_of(rec: DecisionRec) -> AgencyRef | None:
        return rec.agency

    def count(self, report: ImportReport, writing: list[DecisionRec]) -> None:
        report.unreviewed_major = sum(1 for r in writing if r.unreviewed_major)

    def write(self, conn: Connection, ids: Ids, recs: list[DecisionRec], report: ImportReport) -> None:
        write_decisions(conn, ids, recs, report, self.opts.actor, utc_now(), self.opts.today)

    def audit_detail(self, report: ImportReport) -> dict[str, Any]:
        return {"file": report.file_name, "format": report.file_format, "read": report.read,
                "inserted": report.inserted, "updated": report.updated, "unchanged": report.unchanged,
                "rejected": report.rejected, "accept_valid": report.accept_valid,
                "unreviewed_major": report.unreviewed_major, "agencies_created": report.agencies_created}

    def preview_row(self, line: int, cells: list[str], rec: DecisionRec | None, invalid: bool,
                    problems: list[RowProblem], refused: bool) -> dict[str, Any]:
        action = {"insert": "新增", "update": "更新", "unchanged": "不变"}
        if rec is None or invalid:
            assert self.rows is not None
            get = self.rows.cell
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
            "处罚种类": "、".join(t.value + (f"{money_text(a)}元" if a is not None else "") for t, a, _ in rec.items),
            "罚款金额（元）": money_text(rec.fine_total), "没收金额（元）": money_text(rec.confiscation_total),
            "公示日期": rec.published_on.isoformat() if rec.published_on else "（未公示）",
            "公示期限（月）": "长期" if rec.period_months is None else rec.period_months,
            "重大": "是" if rec.is_major else "否", "未经法制审核": "是" if rec.unreviewed_major else "",
            "问题": "；".join(str(p) for p in problems),
        }


SPEC = DecisionSpec("decisions", "执法决定",
                    "每行一个已作出的执法决定（决定书文号为唯一标识，重复导入同一文件不会产生重复数据；"
                    "内容变化的已公示决定会记录更正）。",
                    DECISION_FIELDS, _Decisions, sheet_title="决定书", names_agencies=True)
