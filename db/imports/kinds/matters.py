"""Import kind ``matters``: 权责清单事项, upserted by (执法机关, 事项编码)."""

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
from domain.enums import ActionCategory
from domain.numbers import parse_chinese_number

__all__ = ["SPEC"]

MATTER_FIELDS = (
    column("code", "事项编码", True, "权责清单事项编码，最多50字；与执法机关一起为导入的唯一标识", "SCJG-CF-101",
       "编码", "事项代码", "权力编码", "职权编码", "实施编码"),
    column("name", "事项名称", True, "最多200字", "对销售不符合食品安全标准的食品的行政处罚", "权力名称", "职权名称", "名称", "事项"),
    column("agency", "执法机关", True, "实施该事项的执法主体全称、简称或代码", "临江市青石区市场监督管理局",
       "实施主体", "执法主体", "实施机关"),
    column("category", "执法类别", True, "、".join(c.value for c in ActionCategory) + "（也可省略“行政”二字）", "行政处罚",
       "权力类型", "职权类别", "事项类型", "权力类别", "类别"),
    column("legal_basis", "设定依据", False, "法律法规条款", "《中华人民共和国食品安全法》第一百二十四条", "法律依据", "实施依据", "依据"),
    column("time_limit_days", "办理时限（工作日）", False, "整数个工作日，如“20”“20个工作日”；“即办”为0；留空为无", "",
       "办理时限", "法定时限", "法定办结时限", "承诺时限", "时限"),
    column("accepting_body", "受理机构", False, "最多100字", "", "受理机关"),
    column("approving_body", "决定机构", False, "最多100字", "", "决定机关", "审批机构"),
    column("conditions", "办理条件", False, "", "", "受理条件", "申请条件"),
)

def _category(raw: str) -> ActionCategory | None:
    text_ = nfkc(raw)
    for c in ActionCategory:
        if text_ in (c.value, c.value.removeprefix("行政")):
            return c
    if text_.startswith("其他"):
        return ActionCategory.OTHER
    return None


def _time_limit(raw: str) -> tuple[int | None, str | None]:
    """办理时限 in working days: "20", "20个工作日", "二十个工作日", "即办" (0). Calendar days are refused: the
    column is working days and converting would guess."""
    text_ = nfkc(raw)
    if text_ in ("即办", "即时办结", "当场办结", "当场", "立即"):
        return 0, None
    match = re.fullmatch(r"([0-9]{1,4}|[一二三四五六七八九十百]{1,5})(个)?(工作日|工作天)?", text_)
    if not match:
        if re.fullmatch(r"[0-9一二三四五六七八九十百]+\s*(个)?(日|天|自然日)", text_):
            return None, f"办理时限“{raw}”不是工作日：本列按工作日填写（如“20个工作日”）"
        return None, f"办理时限“{raw}”无法识别，应为工作日数（如“20”或“20个工作日”），即办填“即办”"
    try:
        days = int(parse_chinese_number(match.group(1)))
    except ValueError:
        return None, f"办理时限“{raw}”无法识别"
    if days > 3650:
        return None, f"办理时限{days}个工作日不合理"
    return days, None


_MATTER_COLS = ("id", "agency_id", "code", "name", "category", "legal_basis", "time_limit_days", "accepting_body",
                "approving_body", "conditions", "created_at", "created_by")


class _Matters(TableKind):
    entity = "matters"
    singular = "matter"
    preview_keys = ("agency", "code", "name", "category", "time_limit_days")
    uses_agencies = True

    def __init__(self, *args: Any) -> None:
        super().__init__(*args)
        self.seen: dict[tuple[str, str], int] = {}

    def check(self, v: dict[str, str], row: Row) -> Rec | None:
        code = self.text(v, "code", 50, row, compact=True)
        name = self.text(v, "name", 200, row)
        agency = self.agency(v, "agency", row)
        category = _category(v["category"]) if v["category"] else None
        if v["category"] and category is None:
            row.err("category", f"执法类别“{v['category']}”无效，应为" + "、".join(c.value for c in ActionCategory))
        data: dict[str, Any] = {"code": code, "name": name, "category": category}
        if "legal_basis" in self.present:
            data["legal_basis"] = v["legal_basis"]
        if "time_limit_days" in self.present:
            days, message = _time_limit(v["time_limit_days"]) if v["time_limit_days"] else (None, None)
            if message:
                row.err("time_limit_days", message)
            data["time_limit_days"] = days
        for key in ("accepting_body", "approving_body"):
            if key in self.present:
                data[key] = self.text(v, key, 100, row)
        if "conditions" in self.present:
            data["conditions"] = v["conditions"]
        if agency is None or row.failed:
            return None
        first = self.seen.setdefault((agency.name, code), row.line)
        if first != row.line:
            row.err("code", f"执法机关“{agency.name}”的事项编码“{code}”与第{first}行重复")
            return None
        return Rec(row.line, data, key=(agency.name, code), ref={"agency": agency},
                    display={**data, "agency": agency.name})

    def resolve(self, conn: Connection, recs: list[Rec]) -> Problems:
        mt = m.Matter
        agency_ids = sorted({r.ref["agency"].id for r in recs if r.ref["agency"].id is not None})
        stored: dict[tuple[int, str], dict[str, Any]] = {}
        for chunk in chunks(agency_ids):
            for r in conn.execute(select(mt.id, mt.agency_id, mt.code, mt.name, mt.category, mt.legal_basis,
                                         mt.time_limit_days, mt.accepting_body, mt.approving_body, mt.conditions)
                                  .where(mt.agency_id.in_(chunk))).mappings():
                stored[(r["agency_id"], r["code"])] = dict(r)
        for rec in recs:
            agency = rec.ref["agency"]
            old = stored.get((agency.id, rec.data["code"])) if agency.id is not None else None
            if old is not None:
                rec.id, rec.old = old["id"], old
            self.compare(rec)
        return Problems(self.spec)

    def write(self, conn: Connection, ids: Ids, recs: list[Rec], report: ImportReport) -> None:
        actor, now = self.opts.actor[:50], utc_now()
        new = [r for r in recs if r.action == "insert"]
        insert(conn, m.Matter.__table__, _MATTER_COLS, (
            (mid, r.ref["agency"].id, r.data["code"], r.data["name"], r.data["category"], r.data.get("legal_basis", ""),
             r.data.get("time_limit_days"), r.data.get("accepting_body", ""), r.data.get("approving_body", ""),
             r.data.get("conditions", ""), now, actor)
            for r, mid in zip(new, ids.take(m.Matter.__table__, len(new)), strict=False)))
        self.update_rows(conn, m.Matter.__table__, recs)
        self.update_audits(conn, recs, lambda r: f"{r.ref['agency'].name} {r.data['code']}")


SPEC = KindSpec("matters", "权责清单事项",
                "每行一个权责清单事项（按执法机关和事项编码对应）。",
                MATTER_FIELDS, _Matters, names_agencies=True)
