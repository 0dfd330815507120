"""Import kind ``inspections``: 双随机抽查 inspections and their published results, upserted by 检查编号.

An agency's history is loaded without draws: a commitment cannot be published after the fact, so imported
inspections carry no draw and the public page says so.
"""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import Connection, select

from db import models as m
from db.imports.base import Problems, Rec, Row, TableKind
from db.imports.cells import nfkc
from db.imports.report import ImportReport
from db.imports.spec import KindSpec, column
from db.imports.store import Ids, chunks, insert, utc_now
from domain.enums import InspectionResult
from domain.identifiers import normalize_uscc, validate_uscc
from domain.redaction import personal_data_kinds
from domain.workdays import DEFAULT_CALENDAR

__all__ = ["SPEC"]

_SPLIT_RE = re.compile(r"[、,，;；/|\s]+")
RESULT_PUBLISH_WORKDAYS = 20

INSPECTION_FIELDS = (
    column("inspection_no", "检查编号", True, "最多50字；导入的唯一标识", "青市监抽〔2025〕1号-001", "编号", "检查单号"),
    column("agency", "执法机关", True, "实施检查的执法主体全称、简称或代码", "临江市青石区市场监督管理局",
       "检查主体", "执法主体", "检查机关"),
    column("entity_name", "检查对象名称", True, "市场主体名称，最多200字；不得含个人信息", "临江市恒泰餐饮管理有限公司",
       "检查对象", "对象名称", "企业名称", "主体名称"),
    column("entity_uscc", "统一社会信用代码", True, "18位，按GB 32100-2015校验", "91449901YYKNQXNW9D",
       "社会信用代码", "信用代码"),
    column("inspector_cert_nos", "检查人员执法证号", True, "至少两名本机关执法人员的执法证号，用“、”分隔",
       "44990000126、44990000223", "执法证号", "检查人员"),
    column("started_on", "检查开始日期", True, "日期（格式同决定导入）", "2025-04-02", "检查日期", "开始日期"),
    column("ended_on", "检查结束日期", False, "日期，不早于开始日期；留空为当天结束", "2025-04-02", "结束日期"),
    column("result", "检查结果", False, "、".join(r.value for r in InspectionResult) + "；留空为尚无结果",
       "未发现问题", "抽查结果"),
    column("result_summary", "结果说明", False, "最多1000字；不得含个人信息", "", "检查情况", "结果描述"),
    column("result_published_on", "结果公示日期", False, "日期；有检查结果时填写", "2025-04-10", "公示日期"),
    column("case_no", "关联案号", False, "检查结果为立案查处时对应的案号（须已导入）", "", "案号", "立案案号"),
)

_COLS = ("id", "inspection_no", "agency_id", "draw_id", "entity_uscc", "entity_name", "inspector_cert_nos",
         "started_on", "ended_on", "result", "result_summary", "result_published_on", "case_id", "created_at",
         "created_by")


class _Inspections(TableKind):
    entity = "inspections"
    singular = "inspection"
    preview_keys = ("inspection_no", "agency", "entity_name", "entity_uscc", "started_on", "result")
    uses_agencies = True

    def __init__(self, *args: Any) -> None:
        super().__init__(*args)
        self.seen: dict[str, int] = {}

    def check(self, v: dict[str, str], row: Row) -> Rec | None:
        no = self.text(v, "inspection_no", 50, row, compact=True)
        if no in self.seen:
            row.err("inspection_no", f"检查编号“{no}”与第{self.seen[no]}行重复")
        elif no:
            self.seen[no] = row.line
        agency = self.agency(v, "agency", row)
        data: dict[str, Any] = {"inspection_no": no, "entity_name": self._entity(v, row),
                                "entity_uscc": self._uscc(v, row), "inspector_cert_nos": self._certs(v, row)}
        data.update(self._dates_and_result(v, row))
        data["case_no"] = nfkc(v["case_no"]) if v["case_no"] else None
        if agency is None or row.failed:
            return None
        return Rec(row.line, data, key=no, ref={"agency": agency}, display={**data, "agency": agency.name})

    def _entity(self, v: dict[str, str], row: Row) -> str:
        name = self.text(v, "entity_name", 200, row)
        kinds = personal_data_kinds(name)
        if kinds:
            row.err("entity_name", f"检查对象名称含{'、'.join(kinds)}：公示内容不得含个人信息")
        return name

    def _uscc(self, v: dict[str, str], row: Row) -> str:
        code = normalize_uscc(v["entity_uscc"])
        if code:
            checked = validate_uscc(code)
            if not checked.ok:
                row.err("entity_uscc", f"统一社会信用代码“{v['entity_uscc']}”无效：{checked.message}")
        return code

    def _certs(self, v: dict[str, str], row: Row) -> tuple[str, ...]:
        certs = tuple(dict.fromkeys(c for c in (nfkc(x) for x in _SPLIT_RE.split(v["inspector_cert_nos"])) if c))
        if v["inspector_cert_nos"] and len(certs) < 2:
            row.err("inspector_cert_nos", "检查人员不得少于两人（行政处罚法第四十二条、第五十五条）")
        if len("、".join(certs)) > 200:
            row.err("inspector_cert_nos", "执法证号过长（合计最多200字）")
        return certs

    def _dates_and_result(self, v: dict[str, str], row: Row) -> dict[str, Any]:
        started = self.date(v, "started_on", row)
        ended = self.date(v, "ended_on", row) or started
        if started and ended and ended < started:
            row.err("ended_on", f"检查结束日期{ended.isoformat()}早于开始日期{started.isoformat()}")
        result = None
        if v["result"]:
            result = next((r for r in InspectionResult if r.value == nfkc(v["result"])), None)
            if result is None:
                row.err("result", f"检查结果“{v['result']}”无效，应为" + "、".join(r.value for r in InspectionResult))
        summary = self.text(v, "result_summary", 1000, row)
        if personal_data_kinds(summary):
            row.err("result_summary", "结果说明含个人信息：公示内容不得含个人信息")
        published = self.date(v, "result_published_on", row)
        if published and result is None:
            row.err("result_published_on", "填写了结果公示日期，但没有检查结果")
        if published and ended and published < ended:
            row.err("result_published_on", f"结果公示日期{published.isoformat()}早于检查结束日期")
        elif published and ended:
            due = DEFAULT_CALENDAR.add_workdays(ended, RESULT_PUBLISH_WORKDAYS).due
            if published > due:
                row.warn("result_published_on", f"检查结果应于{due.isoformat()}前公示（检查结束后20个工作日内），"
                                                f"实际{published.isoformat()}：已导入并记为逾期公示")
        return {"started_on": started, "ended_on": ended, "result": result, "result_summary": summary,
                "result_published_on": published}

    def resolve(self, conn: Connection, recs: list[Rec]) -> Problems:
        out = Problems(self.spec)
        roster = self._roster(conn, {c for r in recs for c in r.data["inspector_cert_nos"]})
        cases = self._cases(conn, {r.data["case_no"] for r in recs if r.data["case_no"]})
        stored = self._stored(conn, [r.data["inspection_no"] for r in recs])
        for rec in recs:
            self._check_officers(out, rec, roster)
            case_no = rec.data.pop("case_no", None)
            if case_no is not None and case_no not in cases:
                out.err(rec, "case_no", f"系统中没有案号“{case_no}”：请先导入该案件")
            rec.data["case_id"] = cases.get(case_no) if case_no else None
            old = stored.get(rec.data["inspection_no"])
            if old is not None:
                rec.id, rec.old = old["id"], old
            self.compare(rec)
        return out

    def _check_officers(self, out: Problems, rec: Rec, roster: dict[str, tuple[int, Any, Any]]) -> None:
        agency_id = rec.ref["agency"].id
        for cert in rec.data["inspector_cert_nos"]:
            found = roster.get(cert)
            if found is None:
                out.err(rec, "inspector_cert_nos", f"执法证号“{cert}”不在本系统执法人员名录中（请先导入执法人员）")
            elif agency_id is not None and found[0] != agency_id:
                out.err(rec, "inspector_cert_nos", f"执法证号“{cert}”不属于本执法主体")
            elif not found[1] <= rec.data["started_on"] <= found[2]:
                out.warn(rec, "inspector_cert_nos", f"执法证号“{cert}”在检查开始日不在有效期内：已导入并记录")

    @staticmethod
    def _roster(conn: Connection, certs: set[str]) -> dict[str, tuple[int, Any, Any]]:
        o = m.Officer
        out: dict[str, tuple[int, Any, Any]] = {}
        for chunk in chunks(sorted(certs)):
            for cert, agency_id, start, end in conn.execute(
                    select(o.cert_no, o.agency_id, o.cert_valid_from, o.cert_valid_to).where(o.cert_no.in_(chunk))):
                out[cert] = (agency_id, start, end)
        return out

    @staticmethod
    def _cases(conn: Connection, nos: set[str]) -> dict[str, int]:
        out: dict[str, int] = {}
        for chunk in chunks(sorted(nos)):
            out.update({no: cid for cid, no in conn.execute(
                select(m.Case.id, m.Case.case_no).where(m.Case.case_no.in_(chunk)))})
        return out

    @staticmethod
    def _stored(conn: Connection, nos: list[str]) -> dict[str, dict[str, Any]]:
        i = m.Inspection
        out: dict[str, dict[str, Any]] = {}
        for chunk in chunks(sorted(set(nos))):
            for r in conn.execute(select(i.id, i.inspection_no, i.entity_name, i.entity_uscc, i.inspector_cert_nos,
                                         i.started_on, i.ended_on, i.result, i.result_summary,
                                         i.result_published_on, i.case_id).where(i.inspection_no.in_(chunk))).mappings():
                row = dict(r)
                row["inspector_cert_nos"] = tuple(x for x in (row["inspector_cert_nos"] or "").split("、") if x)
                out[row["inspection_no"]] = row
        return out

    def write(self, conn: Connection, ids: Ids, recs: list[Rec], report: ImportReport) -> None:
        actor, now = self.opts.actor[:50], utc_now()
        new = [r for r in recs if r.action == "insert"]
        insert(conn, m.Inspection.__table__, _COLS, (
            (iid, r.data["inspection_no"], r.ref["agency"].id, None, *self._values(r), now, actor)
            for r, iid in zip(new, ids.take(m.Inspection.__table__, len(new)), strict=False)))
        self.update_rows(conn, m.Inspection.__table__, recs,
                         lambda r, c: "、".join(r.data[c]) if c == "inspector_cert_nos" else r.data[c])
        self.update_audits(conn, recs, lambda r: r.data["inspection_no"])

    @staticmethod
    def _values(r: Rec) -> tuple[Any, ...]:
        d = r.data
        return (d["entity_uscc"], d["entity_name"], "、".join(d["inspector_cert_nos"]),
                d["started_on"], d["ended_on"], d["result"], d["result_summary"], d["result_published_on"],
                d["case_id"])


SPEC = KindSpec("inspections", "抽查检查结果",
                "每行一次检查及其结果（按检查编号对应）；执法机关和检查人员须已在系统中。",
                INSPECTION_FIELDS, _Inspections, names_agencies=True)
