"""Import kind ``agencies``: 执法主体, upserted by 机关代码 (else 机关名称); a 上级机关 may be another row of the file."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal
from typing import Any

from sqlalchemy import Connection, bindparam, select

from db import models as m
from db.imports.base import NEW, Problems, Rec, Row, TableKind
from db.imports.cells import MAX_MONEY, agency_key, amount_cached, nfkc
from db.imports.report import ImportReport
from db.imports.spec import KindSpec, column
from db.imports.store import Ids, generated_agency_code, guess_level, insert, table_of, utc_now
from domain.enums import AgencyKind, AgencyLevel

__all__ = ["SPEC"]

AGENCY_FIELDS = (
    column("code", "机关代码", False, "执法主体在本系统中的代码，最多20字；导入的唯一标识（为空时按机关名称对应，新机关自动生成代码）",
       "QS-SCJG", "执法主体代码", "机关编码", "主体代码", "代码", "编码"),
    column("name", "机关名称", True, "执法主体全称，最多100字", "临江市青石区市场监督管理局",
       "执法主体名称", "执法主体", "机关全称", "执法机关名称", "单位名称", "名称"),
    column("short_name", "简称", False, "最多50字；留空时用全称", "区市场监管局", "机关简称", "主体简称"),
    column("level", "层级", False, "省级、市级、县级、乡镇级；新机关留空时按名称推断（提示）", "县级", "机关层级", "行政层级", "级别"),
    column("kind", "主体类型", False, "法定、授权、委托（法定行政机关、法律法规授权组织、受委托组织）；新机关留空按法定（提示）", "法定",
       "执法主体类型", "主体性质", "主体资格"),
    column("region_code", "行政区划代码", False, "6位（县级以上）或9位、12位（乡镇街道）数字", "449901", "区划代码"),
    column("region_name", "行政区划名称", False, "最多50字", "临江市青石区", "区划名称", "所属区划", "行政区划"),
    column("parent", "上级机关", False, "系统中或本文件中另一执法主体的全称、简称或代码；不能是本机关", "",
       "上级主管部门", "上级单位", "主管部门", "上级机关名称"),
    column("duties", "主要职责", False, "事前公开的职责", "负责本区市场监督管理工作。", "职责", "职能", "主要职能"),
    column("legal_basis_summary", "执法依据", False, "主要法律依据", "《中华人民共和国行政处罚法》等", "法定依据", "执法依据摘要"),
    column("remedy_channels", "救济渠道", False, "行政复议、行政诉讼等救济途径", "对行政处罚决定不服的，可依法申请行政复议或提起行政诉讼。",
       "救济途径", "投诉举报及救济渠道"),
    column("contact", "联系电话", False, "最多200字", "0750-0000000", "电话", "咨询电话", "联系方式"),
    column("address", "地址", False, "最多200字", "临江市青石区青石大道8号", "办公地址", "通讯地址"),
    column("major_fine_person", "重大罚没金额标准（自然人，元）", False, "对自然人罚没达到该金额为重大执法决定；新机关留空为10000",
       "10000", "重大标准自然人", "重大执法决定标准(自然人)"),
    column("major_fine_org", "重大罚没金额标准（单位，元）", False, "对法人和其他组织罚没达到该金额为重大执法决定；新机关留空为100000",
       "100000", "重大标准单位", "重大执法决定标准(单位)"),
)

_LEVELS = {"省级": AgencyLevel.PROVINCE, "省": AgencyLevel.PROVINCE, "省级机关": AgencyLevel.PROVINCE,
           "市级": AgencyLevel.CITY, "市": AgencyLevel.CITY, "地市级": AgencyLevel.CITY, "设区的市级": AgencyLevel.CITY,
           "县级": AgencyLevel.COUNTY, "县": AgencyLevel.COUNTY, "区级": AgencyLevel.COUNTY, "县区级": AgencyLevel.COUNTY,
           "区县级": AgencyLevel.COUNTY, "县(区)级": AgencyLevel.COUNTY, "县(市、区)级": AgencyLevel.COUNTY,
           "乡镇级": AgencyLevel.TOWNSHIP, "乡镇": AgencyLevel.TOWNSHIP, "乡级": AgencyLevel.TOWNSHIP,
           "镇级": AgencyLevel.TOWNSHIP, "街道": AgencyLevel.TOWNSHIP, "乡镇(街道)": AgencyLevel.TOWNSHIP,
           "乡镇街道": AgencyLevel.TOWNSHIP}


def _agency_kind(raw: str) -> AgencyKind | None:
    text_ = nfkc(raw)
    if "委托" in text_:
        return AgencyKind.ENTRUSTED
    if "授权" in text_:
        return AgencyKind.AUTHORISED
    if text_ in ("法定", "法定机关", "法定行政机关", "行政机关", "法定执法主体") or text_.startswith("法定"):
        return AgencyKind.STATUTORY
    return None


_AGENCY_COLS = ("id", "code", "name", "short_name", "level", "kind", "region_code", "region_name", "parent_id",
                "duties", "legal_basis_summary", "remedy_channels", "contact", "address", "major_fine_person",
                "major_fine_org", "hearing_fine_person", "hearing_fine_org", "created_at", "created_by")
_AGENCY_TEXT = ("duties", "legal_basis_summary", "remedy_channels")

class _Agencies(TableKind):
    entity = "agencies"
    singular = "agency"
    preview_keys = ("code", "name", "short_name", "level", "kind", "region_name", "parent")

    def __init__(self, *args: Any) -> None:
        super().__init__(*args)
        self.labels["parent_id"] = self.labels["parent"]
        self.seen_codes: dict[str, int] = {}
        self.seen_names: dict[str, int] = {}

    def check(self, v: dict[str, str], row: Row) -> Rec | None:
        name = self.text(v, "name", 100, row, compact=True)
        code = nfkc(v["code"])
        if len(code) > 20:
            row.err("code", f"机关代码过长（{len(code)}字，最多20字）")
        for value, seen, key, what in ((code, self.seen_codes, "code", "机关代码"),
                                       (agency_key(name), self.seen_names, "name", "机关名称")):
            if not value:
                continue
            if value in seen:
                row.err(key, f"{what}“{v[key]}”与第{seen[value]}行重复")
            else:
                seen[value] = row.line
        data: dict[str, Any] = {"name": name}
        display: dict[str, Any] = {"code": code, "name": name}
        if "short_name" in self.present and v["short_name"]:
            data["short_name"] = self.text(v, "short_name", 50, row, compact=True)
        self._classification(v, row, data)
        for key in _AGENCY_TEXT:
            if key in self.present:
                data[key] = v[key]
        for key in ("contact", "address"):
            if key in self.present:
                data[key] = self.text(v, key, 200, row)
        self._thresholds(v, row, data)
        display.update({k: data[k] for k in ("short_name", "level", "kind", "region_name") if k in data})
        display["parent"] = v["parent"]
        return Rec(row.line, data, key=code or name, ref={"code": code, "parent": v["parent"]}, display=display)

    def _classification(self, v: dict[str, str], row: Row, data: dict[str, Any]) -> None:
        """层级, 主体类型 and 行政区划."""
        if v["level"]:
            level = _LEVELS.get(nfkc(v["level"]))
            if level is None:
                row.err("level", f"层级“{v['level']}”无效，应为" + "、".join(x.value for x in AgencyLevel))
            else:
                data["level"] = level
        if v["kind"]:
            kind = _agency_kind(v["kind"])
            if kind is None:
                row.err("kind", f"主体类型“{v['kind']}”无效，应为法定、授权或委托")
            else:
                data["kind"] = kind
        if "region_code" in self.present:
            region = nfkc(v["region_code"])
            if region and not (region.isdigit() and len(region) in (6, 9, 12)):
                row.err("region_code", f"行政区划代码“{v['region_code']}”无效，应为6位、9位或12位数字")
            data["region_code"] = region
        if "region_name" in self.present:
            data["region_name"] = self.text(v, "region_name", 50, row, compact=True)

    def _thresholds(self, v: dict[str, str], row: Row, data: dict[str, Any]) -> None:
        """The amounts from which a decision of this agency is major (重大执法决定标准)."""
        for key in ("major_fine_person", "major_fine_org"):
            if key in self.present and v[key]:
                amount, message = amount_cached(v[key], "元")
                if message or amount is None:
                    row.err(key, message or f"金额“{v[key]}”无法识别")
                elif amount < 0 or amount > MAX_MONEY:
                    row.err(key, f"金额“{v[key]}”{'为负数' if amount < 0 else '超出范围'}")
                else:
                    data[key] = amount

    def resolve(self, conn: Connection, recs: list[Rec]) -> Problems:
        out = Problems(self.spec)
        a = m.Agency
        stored = [dict(r) for r in conn.execute(select(
            a.id, a.code, a.name, a.short_name, a.level, a.kind, a.region_code, a.region_name, a.parent_id, a.duties,
            a.legal_basis_summary, a.remedy_channels, a.contact, a.address, a.major_fine_person, a.major_fine_org,
        )).mappings()]
        by_code = {r["code"]: r for r in stored}
        by_name = {agency_key(r["name"]): r for r in stored}
        claimed: dict[int, int] = {}  # stored agency id → first line that updates it

        # -- 1. which stored agency each row is (code first, then name)
        for rec in recs:
            self._match(rec, by_code, by_name, claimed, out)

        # -- 2. parents (stored agencies or rows of this file) and cycles, until no further row is rejected: a row
        # whose parent row was rejected is rejected too
        alias_ids: dict[str, set[int]] = defaultdict(set)
        for r in stored:
            for alias in (r["short_name"], r["code"]):
                if alias:
                    alias_ids[agency_key(alias)].add(r["id"])
        db_parent = {k: r["id"] for k, r in by_name.items()}
        db_parent.update({k: next(iter(v)) for k, v in alias_ids.items() if len(v) == 1 and k not in db_parent})
        alive = [r for r in recs if not out.failed(r)]
        while "parent" in self.present:
            rejected = self._parents(alive, db_parent, out) or self._cycles(alive, stored, out)
            if not rejected:
                break
            alive = [r for r in alive if not out.failed(r)]

        # -- 3. defaults for new agencies, insert / update / unchanged
        for rec in alive:
            if out.failed(rec):
                continue
            if rec.old is None:
                name = rec.data["name"]
                if "level" not in rec.data:
                    rec.data["level"] = guess_level(name)
                    out.warn(rec, "level", f"层级为空，按名称推断为“{rec.data['level'].value}”，请核对")
                if "kind" not in rec.data:
                    rec.data["kind"] = AgencyKind.STATUTORY
                    out.warn(rec, "kind", "主体类型为空，按“法定”处理，请核对")
                rec.display.update(level=rec.data["level"], kind=rec.data["kind"])
            self.compare(rec)
        return out

    def _match(self, rec: Rec, by_code: dict[str, dict[str, Any]], by_name: dict[str, dict[str, Any]],
               claimed: dict[int, int], out: Problems) -> None:
        """Which stored agency the row is (code first, then name); a generated code for a new one without."""
        code, name = rec.ref["code"], rec.data["name"]
        hit = by_code.get(code) if code else None
        if hit is None:
            named = by_name.get(agency_key(name))
            if named is not None and code and named["code"] != code:
                if named["code"].startswith("IMP-"):
                    hit = named
                    out.warn(rec, "code", f"系统中的“{name}”是导入时自动新建的（代码“{named['code']}”），"
                                          f"代码改为“{code}”")
                else:
                    out.err(rec, "code", f"系统中的“{name}”机关代码为“{named['code']}”，与本行“{code}”不同："
                                         "同一执法主体请使用系统中的代码")
                    return
            else:
                hit = named
        elif agency_key(hit["name"]) != agency_key(name):
            other = by_name.get(agency_key(name))
            if other is not None and other["id"] != hit["id"]:
                out.err(rec, "name", f"机关名称“{name}”已被系统中的另一执法主体（代码“{other['code']}”）使用")
                return
        if hit is not None:
            first = claimed.setdefault(hit["id"], rec.line)
            if first != rec.line:
                out.err(rec, "name", f"本行与第{first}行对应系统中的同一执法主体“{hit['name']}”")
                return
            rec.id, rec.old = hit["id"], hit
        if code:
            rec.data["code"] = code
        elif hit is None:
            rec.data["code"] = generated_agency_code(name)
            out.warn(rec, "code", f"未填写机关代码，已生成“{rec.data['code']}”")
        rec.display["code"] = rec.data.get("code", hit["code"] if hit else "")

    @staticmethod
    def _token(rec: Rec) -> Any:
        return rec.id if rec.id is not None else (NEW, rec.line)

    def _parents(self, alive: list[Rec], db_parent: dict[str, int], out: Problems) -> bool:
        """Resolve every row's 上级机关; True when a row was rejected."""
        file_keys: dict[str, Rec] = {}
        for rec in alive:
            for alias in (rec.data["name"], rec.data.get("short_name"), rec.data.get("code")):
                if alias:
                    file_keys.setdefault(agency_key(alias), rec)
        rejected = False
        for rec in alive:
            text_ = rec.ref["parent"]
            if not text_:
                rec.data["parent_id"] = None
                continue
            key = agency_key(text_)
            target = file_keys.get(key)
            if target is not None:
                token = self._token(target)
            elif key in db_parent:
                token = db_parent[key]
            else:
                out.err(rec, "parent", f"系统和本文件中都没有上级机关“{text_}”（如在本文件中，请检查该行的错误）")
                rejected = True
                continue
            if target is rec or token == rec.id:
                out.err(rec, "parent", "上级机关不能是本机关")
                rejected = True
                continue
            rec.data["parent_id"] = token
        return rejected

    def _cycles(self, alive: list[Rec], stored: list[dict[str, Any]], out: Problems) -> bool:
        """Reject rows whose 上级机关 chain comes back to themselves; True when a row was rejected."""
        parent_of: dict[Any, Any] = {r["id"]: r["parent_id"] for r in stored}
        parent_of.update({self._token(rec): rec.data.get("parent_id") for rec in alive})
        rejected = False
        for rec in alive:
            start = self._token(rec)
            node, steps = parent_of.get(start), 0
            while node is not None and steps <= len(parent_of):
                if node == start:
                    out.err(rec, "parent", "上级机关关系形成循环（本机关成了自己的上级的上级）")
                    rejected = True
                    break
                node, steps = parent_of.get(node), steps + 1
        return rejected

    def write(self, conn: Connection, ids: Ids, recs: list[Rec], report: ImportReport) -> None:
        actor, now = self.opts.actor[:50], utc_now()
        new = [r for r in recs if r.action == "insert"]
        for rec, aid in zip(new, ids.take(m.Agency.__table__, len(new)), strict=False):
            rec.id = aid
        by_line = {r.line: r for r in recs}

        def parent_id(rec: Rec) -> int | None:
            token = rec.data.get("parent_id")
            if isinstance(token, tuple):
                return by_line[token[1]].id
            return token

        # Parents may be rows of this file: insert without them, then set every parent in one pass.
        insert(conn, m.Agency.__table__, _AGENCY_COLS, (
            (r.id, r.data["code"], r.data["name"], r.data.get("short_name") or r.data["name"][:50], r.data["level"],
             r.data["kind"], r.data.get("region_code", ""), r.data.get("region_name", ""), None,
             r.data.get("duties", ""), r.data.get("legal_basis_summary", ""), r.data.get("remedy_channels", ""),
             r.data.get("contact", ""), r.data.get("address", ""), r.data.get("major_fine_person", Decimal("10000")),
             r.data.get("major_fine_org", Decimal("100000")), Decimal("10000"), Decimal("100000"), now, actor)
            for r in new))
        t = table_of(m.Agency)
        parents = [{"b_id": r.id, "parent_id": parent_id(r)} for r in new if r.data.get("parent_id") is not None]
        if parents:
            conn.execute(t.update().where(t.c.id == bindparam("b_id")), parents)
        self.update_rows(conn, t, recs, lambda r, c: parent_id(r) if c == "parent_id" else r.data[c])
        self.update_audits(conn, recs, lambda r: r.data["name"])


# ==============================================================================================================
# officers


SPEC = KindSpec("agencies", "执法主体",
                "每行一个执法主体（按机关代码对应，无代码时按机关名称）；上级机关可以是文件中的另一行。",
                AGENCY_FIELDS, _Agencies, names_agencies=False)
