"""Import kind ``officers``: 执法人员 and their 执法证, upserted by 执法证号."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, select

from db import models as m
from db.imports.base import Problems, Rec, Row, TableKind
from db.imports.cells import nfkc
from db.imports.reading import WS_RE
from db.imports.report import ImportReport
from db.imports.spec import KindSpec, column
from db.imports.store import Ids, chunks, insert, utc_now
from domain.review import qualification_problem

__all__ = ["SPEC"]

OFFICER_FIELDS = (
    column("cert_no", "执法证号", True, "行政执法证件号码，最多50字；导入的唯一标识", "44990000126",
       "执法证件号", "执法证件号码", "执法证编号", "执法证号码", "证件编号"),
    column("name", "姓名", True, "最多50字", "王明", "执法人员姓名", "执法人员"),
    column("agency", "执法机关", True, "所属执法主体的全称、简称或代码", "临江市青石区市场监督管理局",
       "所属执法主体", "执法主体", "所属机关", "所在单位", "单位", "执法单位"),
    column("enforcement_field", "执法类别", False, "执法领域，最多50字", "市场监管", "执法领域", "执法门类", "执法种类"),
    column("cert_valid_from", "证件有效期起", True, "日期（格式同决定导入）", "2026-01-01", "有效期起", "发证日期", "有效期开始日期"),
    column("cert_valid_to", "证件有效期止", True, "日期，不早于有效期起", "2030-12-31", "有效期止", "有效期至", "有效期截止日期"),
    column("is_legal_reviewer", "是否法制审核人员", False, "是/否（留空为否）", "否", "法制审核人员"),
    column("has_legal_qualification", "是否具有法律职业资格", False, "是/否（留空为否）", "否", "法律职业资格",
       "是否取得法律职业资格"),
    column("first_reviewed_on", "初次从事法制审核日期", False,
           "日期；2021年7月15日以前已从事法制审核的人员可不具有法律职业资格，留空则按初次从事处理", "2019-03-01",
           "初次审核日期", "从事法制审核起始日期"),
)

_OFFICER_COLS = ("id", "agency_id", "name", "cert_no", "enforcement_field", "cert_valid_from", "cert_valid_to",
                 "is_legal_reviewer", "has_legal_qualification", "first_reviewed_on", "created_at", "created_by")


class _Officers(TableKind):
    entity = "officers"
    singular = "officer"
    preview_keys = ("cert_no", "name", "agency", "enforcement_field", "cert_valid_from", "cert_valid_to")
    uses_agencies = True

    def __init__(self, *args: Any) -> None:
        super().__init__(*args)
        self.labels["agency_id"] = self.labels["agency"]
        self.seen: dict[str, int] = {}

    def check(self, v: dict[str, str], row: Row) -> Rec | None:
        cert = nfkc(v["cert_no"])
        if len(cert) > 50:
            row.err("cert_no", f"执法证号过长（{len(cert)}字，最多50字）")
        if cert in self.seen:
            row.err("cert_no", f"执法证号“{cert}”与第{self.seen[cert]}行重复")
        elif cert:
            self.seen[cert] = row.line
        name = WS_RE.sub(" ", v["name"]).strip()
        if len(name) > 50:
            row.err("name", f"姓名过长（{len(name)}字，最多50字）")
        agency = self.agency(v, "agency", row)
        start = self.date(v, "cert_valid_from", row, not_future=False)
        end = self.date(v, "cert_valid_to", row, not_future=False)
        if start and end and end < start:
            row.err("cert_valid_to", f"证件有效期止{end.isoformat()}早于有效期起{start.isoformat()}")
        elif end and end < self.opts.today:
            row.warn("cert_valid_to", f"执法证已于{end.isoformat()}过期：已导入，但该人员不能再以此证执法")
        data: dict[str, Any] = {"cert_no": cert, "name": name, "cert_valid_from": start, "cert_valid_to": end}
        if "enforcement_field" in self.present:
            data["enforcement_field"] = self.text(v, "enforcement_field", 50, row, compact=True)
        for key in ("is_legal_reviewer", "has_legal_qualification"):
            if key in self.present:
                data[key] = bool(self.yes_no(v, key, row))
        if "first_reviewed_on" in self.present:
            data["first_reviewed_on"] = self.date(v, "first_reviewed_on", row)
            problem = qualification_problem(True, bool(data.get("has_legal_qualification")), data["first_reviewed_on"])
            if data.get("is_legal_reviewer") and problem and not row.failed:
                row.warn("has_legal_qualification", "该法制审核人员没有法律职业资格记录，且不是2021年7月15日以前已从事"
                                                    "法制审核的人员：取得法律职业资格前不能审核（行政处罚法第五十八条第二款）")
        if agency is None or row.failed:
            return None
        data["agency_id"] = self.agency_token(agency)
        return Rec(row.line, data, key=cert, ref={"agency": agency},
                    display={**data, "agency": agency.name})

    def resolve(self, conn: Connection, recs: list[Rec]) -> Problems:
        out = Problems(self.spec)
        o = m.Officer
        stored: dict[str, dict[str, Any]] = {}
        for chunk in chunks(sorted({r.data["cert_no"] for r in recs})):
            for r in conn.execute(select(o.id, o.agency_id, o.name, o.cert_no, o.enforcement_field, o.cert_valid_from,
                                         o.cert_valid_to, o.is_legal_reviewer, o.has_legal_qualification,
                                         o.first_reviewed_on,
                                         m.Agency.name.label("agency_name"))
                                  .join(m.Agency, m.Agency.id == o.agency_id).where(o.cert_no.in_(chunk))).mappings():
                stored[r["cert_no"]] = dict(r)
        for rec in recs:
            old = stored.get(rec.data["cert_no"])
            if old is not None:
                rec.id, rec.old = old["id"], old
            self.compare(rec)
            if rec.action == "update" and "agency_id" in rec.changed:
                assert old is not None  # only a stored officer is updated
                out.warn(rec, "agency", f"执法证号“{rec.data['cert_no']}”原属“{old['agency_name']}”，改为“"
                                        f"{rec.ref['agency'].name}”：已记录的执法活动按新的所属机关核对")
        return out

    def write(self, conn: Connection, ids: Ids, recs: list[Rec], report: ImportReport) -> None:
        actor, now = self.opts.actor[:50], utc_now()
        new = [r for r in recs if r.action == "insert"]
        insert(conn, m.Officer.__table__, _OFFICER_COLS, (
            (oid, r.ref["agency"].id, r.data["name"], r.data["cert_no"], r.data.get("enforcement_field", ""),
             r.data["cert_valid_from"], r.data["cert_valid_to"], r.data.get("is_legal_reviewer", False),
             r.data.get("has_legal_qualification", False), r.data.get("first_reviewed_on"), now, actor)
            for r, oid in zip(new, ids.take(m.Officer.__table__, len(new)), strict=False)))
        self.update_rows(conn, m.Officer.__table__, recs,
                         lambda r, c: r.ref["agency"].id if c == "agency_id" else r.data[c])
        self.update_audits(conn, recs, lambda r: r.data["cert_no"])


SPEC = KindSpec("officers", "执法人员",
                "每行一名执法人员（按执法证号对应）；执法机关须已在系统中。",
                OFFICER_FIELDS, _Officers, names_agencies=True)
