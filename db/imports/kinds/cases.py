"""Import kind ``cases``: 案件, upserted by 案号; cases entered in the app are never changed by an import."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, func, select

from db import models as m
from db.imports.base import NEW, Problems, Rec, Row, TableKind
from db.imports.cells import CHINA_TZ, MASKED_NAME_RE, AgencyRef, age_on, nfkc, party_key
from db.imports.party import check_party
from db.imports.reading import compact
from db.imports.report import ImportReport
from db.imports.spec import KindSpec, column
from db.imports.store import CASE_COLS, PARTY_COLS, Ids, chunks, insert, utc_now
from domain.chain import GENESIS
from domain.enums import CaseStatus, DataOrigin, MajorReason, PartyType, Procedure

__all__ = ["SPEC"]

CASE_FIELDS = (
    column("case_no", "案号", True, "立案编号，最多50字；导入的唯一标识", "青市监立〔2026〕101号", "案件编号", "立案编号", "立案号", "案件号"),
    column("agency", "执法机关", True, "办案的执法主体全称、简称或代码", "临江市青石区市场监督管理局",
       "处罚机关", "执法主体", "办案机关", "立案机关"),
    column("matter_code", "事项编码", False, "该执法机关权责清单中的事项编码", "", "权力编码", "职权编码"),
    column("party_name", "当事人名称", True, "单位全称或自然人姓名（可为“张某”）", "临江市青石示例商贸有限公司",
       "当事人", "当事人姓名", "当事人姓名或名称", "当事人姓名/名称", "行政相对人名称"),
    column("party_type", "当事人类型", False, "自然人、法人、非法人组织、个体工商户；留空时推断（提示）", "法人",
       "行政相对人类别", "当事人类别", "相对人类型"),
    column("uscc", "统一社会信用代码", False, "18位，按GB 32100-2015校验", "91449901YYKNQXNW9D", "社会信用代码", "信用代码"),
    column("id_number", "证件号码", False, "居民身份证号码（按GB 11643校验）；其他证件原样保存", "",
       "身份证号码", "身份证号", "公民身份号码"),
    column("procedure", "程序", False, "简易程序、普通程序；新案件留空按普通程序（提示）", "普通程序", "适用程序", "程序类型", "办案程序"),
    column("filed_on", "立案日期", True, "日期，不得晚于今天", "2026-03-02", "立案时间"),
    column("is_major", "是否重大", False, "是/否；填写重大情形的视为重大", "是", "是否重大执法决定", "是否重大案件"),
    column("major_reasons", "重大情形", False, "；".join(r.value for r in MajorReason)
       + "（多个用“；”分隔；也可写关键词，如“听证”“金额”“裁量基准”）", "罚没金额达到重大标准",
       "重大执法决定情形", "重大理由"),
    column("violation", "违法行为", False, "案由，最多200字", "销售不符合食品安全标准的食品", "违法行为类型", "案由", "案件名称"),
    column("facts", "违法事实", False, "主要违法事实", "经查，当事人销售过期食品。", "主要违法事实", "案情简介"),
    column("status", "案件状态", False, "、".join(s.value for s in CaseStatus) + "；新案件留空为已立案", "",
       "办理状态", "状态"),
)

_PROCEDURES = {"简易程序": Procedure.SIMPLE, "简易": Procedure.SIMPLE, "当场处罚": Procedure.SIMPLE,
               "当场处罚程序": Procedure.SIMPLE, "普通程序": Procedure.ORDINARY, "普通": Procedure.ORDINARY,
               "一般程序": Procedure.ORDINARY, "一般": Procedure.ORDINARY}
_MAJOR_KEYWORDS: tuple[tuple[str, MajorReason], ...] = (
    ("公共利益", MajorReason.PUBLIC_INTEREST), ("听证", MajorReason.HEARING), ("疑难复杂", MajorReason.COMPLEX),
    ("多个法律关系", MajorReason.COMPLEX), ("金额", MajorReason.LARGE_AMOUNT), ("停产停业", MajorReason.SEVERE_TYPE),
    ("吊销", MajorReason.SEVERE_TYPE), ("较重处罚", MajorReason.SEVERE_TYPE), ("裁量基准", MajorReason.BENCHMARK_DEVIATION),
    ("其他情形", MajorReason.OTHER_LAW), ("法律、法规规定", MajorReason.OTHER_LAW), ("法律法规规定", MajorReason.OTHER_LAW),
)
_STATUSES = {s.value: s for s in CaseStatus}




@dataclass(eq=False)
class _NewParty:
    party_type: PartyType
    name: str
    uscc: str | None
    id_number: str | None
    is_minor: bool
    first_line: int
    id: int | None = None


class _Cases(TableKind):
    entity = "cases"
    singular = "case"
    preview_keys = ("case_no", "agency", "party_name", "party_type", "procedure", "filed_on", "is_major")
    personal = frozenset({"party_id", "facts"})
    uses_agencies = True

    def __init__(self, *args: Any) -> None:
        super().__init__(*args)
        self.labels.update(agency_id=self.labels["agency"], matter_id=self.labels["matter_code"],
                           party_id="当事人")
        self.seen: dict[str, int] = {}
        self.matters: dict[tuple[int, str], int] = {}

    def load(self, conn: Connection) -> None:
        super().load(conn)
        if "matter_code" in self.present:
            self.matters = {(a, c): i for i, a, c in conn.execute(select(m.Matter.id, m.Matter.agency_id,
                                                                         m.Matter.code))}

    def party(self, v: dict[str, str], row: Row) -> tuple[PartyType | None, str, str | None, str | None]:
        """当事人 as in the decisions import: identifiers checked, type given or inferred (with a warning)."""
        index = self.cols.get("id_number")
        imprecise = index is not None and (row.index, index) in self.table.imprecise
        return check_party(v, row, self.opts.today, imprecise_id=imprecise)

    def check(self, v: dict[str, str], row: Row) -> Rec | None:
        case_no = self.text(v, "case_no", 50, row, compact=True)
        if case_no in self.seen:
            row.err("case_no", f"案号“{case_no}”与第{self.seen[case_no]}行重复")
        elif case_no:
            self.seen[case_no] = row.line
        agency = self.agency(v, "agency", row)
        ptype, name, uscc, id_number = self.party(v, row)
        filed_on = self.date(v, "filed_on", row)
        data: dict[str, Any] = {"case_no": case_no, "filed_on": filed_on}
        if v["procedure"]:
            procedure = _PROCEDURES.get(nfkc(v["procedure"]))
            if procedure is None:
                row.err("procedure", f"程序“{v['procedure']}”无效，应为简易程序或普通程序")
            data["procedure"] = procedure
        self._major(v, row, data)
        if "violation" in self.present:
            data["violation"] = self.text(v, "violation", 200, row)
        if "facts" in self.present:
            data["facts"] = v["facts"]
        if v["status"]:
            status = _STATUSES.get(nfkc(v["status"]))
            if status is None:
                row.err("status", f"案件状态“{v['status']}”无效，应为" + "、".join(s.value for s in CaseStatus))
            data["status"] = status
        if agency is not None and "matter_code" in self.present:
            data["matter_id"] = self._matter(compact(v["matter_code"]), agency, row)
        if agency is None or ptype is None or filed_on is None or row.failed:
            return None
        data["agency_id"] = self.agency_token(agency)
        is_minor = False
        if ptype is PartyType.NATURAL_PERSON and id_number and len(id_number) == 18:
            age = age_on(id_number, filed_on)
            is_minor = age is not None and age < 18
            if is_minor:
                row.warn("id_number", f"当事人立案时未满18周岁（{age}岁）：已标记为未成年人，依法不予公开")
        return Rec(row.line, data, key=case_no,
                    ref={"agency": agency, "party": (ptype, name, uscc, id_number, is_minor)},
                    display={**data, "agency": agency.name, "party_name": name, "party_type": ptype,
                             "is_major": "是" if data.get("is_major") else "否" if "is_major" in data else ""})

    def _major(self, v: dict[str, str], row: Row, data: dict[str, Any]) -> None:
        """是否重大 and 重大情形. Both blank (or absent): the stored flag stays; 否 also clears the reasons."""
        flag = self.yes_no(v, "is_major", row)
        reasons: list[MajorReason] = []
        for part in (p for p in re.split(r"[；;，,\n]+", v["major_reasons"]) if p.strip()):
            found = [r for r in MajorReason if r.value == part.strip()] or \
                [r for word, r in _MAJOR_KEYWORDS if word in part]
            if not found:
                row.err("major_reasons", f"重大情形“{part.strip()}”无法识别，应为"
                                         + "、".join(r.value for r in MajorReason))
            reasons.extend(r for r in found if r not in reasons)
        if flag is False and reasons:
            row.err("is_major", "是否重大为“否”，但填写了重大情形")
        if flag is not None or reasons:
            data["is_major"] = bool(flag) or bool(reasons)
        if "major_reasons" in self.present or flag is False:
            data["major_reasons"] = "；".join(r.value for r in MajorReason if r in reasons)

    def _matter(self, code: str, agency: AgencyRef, row: Row) -> int | None:
        """The 权责清单 matter of the case's own agency (None when the cell is blank)."""
        if not code:
            return None
        matter = self.matters.get((agency.id, code)) if agency.id is not None else None
        if matter is None:
            row.err("matter_code", f"执法机关“{agency.name}”的权责清单中没有事项编码“{code}”（请先导入事项）")
        return matter

    def resolve(self, conn: Connection, recs: list[Rec]) -> Problems:
        out = Problems(self.spec)
        c, p, d, e = m.Case, m.Party, m.Decision, m.CaseEvent
        stored: dict[str, dict[str, Any]] = {}
        for chunk in chunks(sorted({r.data["case_no"] for r in recs})):
            first_event = (select(e.case_id, func.min(e.occurred_at).label("first_event"))
                           .group_by(e.case_id).subquery())
            for r in conn.execute(
                    select(c.id, c.case_no, c.agency_id, c.matter_id, c.party_id, c.procedure, c.filed_on, c.is_major,
                           c.major_reasons, c.status, c.origin, c.violation, c.facts, p.party_type,
                           p.name.label("pname"), p.uscc, p.id_number, d.decided_on, first_event.c.first_event)
                    .join(p, p.id == c.party_id).outerjoin(d, d.case_id == c.id)
                    .outerjoin(first_event, first_event.c.case_id == c.id).where(c.case_no.in_(chunk))).mappings():
                stored[r["case_no"]] = dict(r)
        parties = self._stored_parties(conn, recs)
        new_parties: dict[tuple[str, ...], _NewParty] = {}
        for rec in recs:
            old = stored.get(rec.data["case_no"])
            ptype, name, uscc, id_number, is_minor = rec.ref["party"]
            token: Any = None
            if old is not None and old["pname"] == name and old["party_type"] is ptype \
                    and uscc in (None, old["uscc"]) and id_number in (None, old["id_number"]):
                token = old["party_id"]  # the case's own party, as stored
            else:
                masked = not uscc and not id_number and ptype is PartyType.NATURAL_PERSON \
                    and MASKED_NAME_RE.search(name)
                key = ("row", str(rec.line)) if masked else party_key(ptype, name, uscc, id_number)
                known = parties.get(key)
                if known is not None:
                    token = known["id"]
                    if (known["name"], known["party_type"]) != (name, ptype):
                        out.warn(rec, "party_name", f"证件号码或统一社会信用代码与系统中的当事人“{known['name']}”"
                                                    f"（{known['party_type'].value}）相同，按该当事人关联")
                else:
                    party = new_parties.get(key)
                    if party is None:
                        party = new_parties[key] = _NewParty(ptype, name, uscc, id_number, is_minor, rec.line)
                    elif (party.name, party.party_type) != (name, ptype):
                        out.warn(rec, "party_name", f"证件号码或统一社会信用代码与第{party.first_line}行相同，但名称或类型"
                                                    f"不同，按第{party.first_line}行的“{party.name}”保存")
                    rec.ref["new_party"] = party
                    token = (NEW, id(party))
            rec.data["party_id"] = token
            if old is None:
                rec.action = "insert"
                if "procedure" not in rec.data:
                    out.warn(rec, "procedure", "程序为空，按普通程序处理")
                    rec.display["procedure"] = Procedure.ORDINARY
                continue
            rec.id, rec.old = old["id"], old
            self.compare(rec)
            if rec.action != "update":
                continue
            labels = "、".join(self.column_label(k) for k in rec.changed)
            if old["origin"] is not DataOrigin.IMPORTED:
                out.err(rec, "case_no", f"案号“{rec.data['case_no']}”是{old['origin'].value}的案件，内容与本行不同"
                                        f"（{labels}）：导入不能修改系统录入的案件，请在系统中更正")
                continue
            if old["decided_on"] is not None and {"agency_id", "party_id"} & set(rec.changed):
                out.err(rec, "agency" if "agency_id" in rec.changed else "party_name",
                        "该案件已有处罚决定，不能通过案件导入更改执法机关或当事人（请导入更正后的决定）")
            if old["first_event"] is not None and "agency_id" in rec.changed:
                out.err(rec, "agency", "该案件已有执法全过程记录，不能更改执法机关")
            filed = rec.data["filed_on"]
            if old["first_event"] is not None and filed > old["first_event"].astimezone(CHINA_TZ).date():
                out.err(rec, "filed_on", f"立案日期{filed.isoformat()}晚于本案第一条执法记录的日期"
                                         f"{old['first_event'].astimezone(CHINA_TZ).date().isoformat()}")
            if old["decided_on"] is not None and filed > old["decided_on"]:
                out.err(rec, "filed_on", f"立案日期{filed.isoformat()}晚于决定日期{old['decided_on'].isoformat()}")
        return out

    @staticmethod
    def _stored_parties(conn: Connection, recs: list[Rec]) -> dict[tuple[str, ...], dict[str, Any]]:
        states = [r.ref["party"] for r in recs]
        usccs = sorted({s[2] for s in states if s[2]})
        ids = sorted({s[3] for s in states if s[3] and not s[2]})
        names = sorted({s[1] for s in states if not s[2] and not s[3]})
        p = m.Party
        found: dict[tuple[str, ...], dict[str, Any]] = {}
        for key_column, values in ((p.uscc, usccs), (p.id_number, ids), (p.name, names)):
            for chunk in chunks(values):
                for r in conn.execute(select(p.id, p.party_type, p.name, p.uscc, p.id_number)
                                      .where(key_column.in_(chunk)).order_by(p.id)).mappings():
                    found.setdefault(party_key(r["party_type"], r["name"], r["uscc"], r["id_number"]), dict(r))
        return found

    def write(self, conn: Connection, ids: Ids, recs: list[Rec], report: ImportReport) -> None:
        actor, now = self.opts.actor[:50], utc_now()
        parties: list[_NewParty] = []
        for rec in recs:
            party = rec.ref.get("new_party")
            if party is not None and party.id is None and all(party is not q for q in parties):
                parties.append(party)
        for party, pid in zip(parties, ids.take(m.Party.__table__, len(parties)), strict=False):
            party.id = pid
        insert(conn, m.Party.__table__, PARTY_COLS, (
            (q.id, q.party_type, q.name, q.uscc, q.id_number, None, None, None, q.is_minor, now, actor)
            for q in parties))

        def value(rec: Rec, column: str) -> Any:
            if column == "agency_id":
                return rec.ref["agency"].id
            if column == "party_id":
                party = rec.ref.get("new_party")
                return party.id if party is not None else rec.data["party_id"]
            return rec.data[column]

        source = f"由文件导入：{self.opts.file_name or '（未命名文件）'}"
        new = [r for r in recs if r.action == "insert"]
        insert(conn, m.Case.__table__, CASE_COLS, (
            (cid, r.data["case_no"], value(r, "agency_id"), r.data.get("matter_id"), value(r, "party_id"),
             r.data.get("procedure") or Procedure.ORDINARY, r.data["filed_on"], r.data.get("is_major", False),
             r.data.get("major_reasons", ""), r.data.get("status") or CaseStatus.FILED, DataOrigin.IMPORTED, False,
             r.data.get("violation", ""), r.data.get("facts", ""), f"{source}第{r.line}行", 0, GENESIS, now, actor)
            for r, cid in zip(new, ids.take(m.Case.__table__, len(new)), strict=False)))
        self.update_rows(conn, m.Case.__table__, recs, value)
        self.update_audits(conn, recs, lambda r: r.data["case_no"])


SPEC = KindSpec("cases", "案件",
                "每行一个案件（按案号对应）；系统录入的案件不会被导入修改。",
                CASE_FIELDS, _Cases, names_agencies=True)
