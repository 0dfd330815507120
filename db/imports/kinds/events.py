"""Import kind ``events``: the 执法全过程记录, append-only and hash-chained (domain/chain.py). An existing (案号, 序号)
with identical content is unchanged, one with different content is an error, and new events must continue the
case's sequence; they are chained from ``cases.chain_head`` and move it, as ``db.events.append_event`` does."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache
from typing import Any

from sqlalchemy import Connection, select, update

from db import models as m
from db.imports.base import Problems, Rec, Row, TableKind
from db.imports.cells import CHINA_TZ, date_cached, local_text, nfkc, ordinal
from db.imports.reading import compact
from db.imports.report import ImportFileError, ImportReport
from db.imports.spec import KindSpec, column
from db.imports.store import Ids, chunks, insert, table_of, utc_now
from domain.chain import CHAIN_V2, GENESIS, event_hash_v2
from domain.enums import ActionCategory, RecordForm, Stage
from domain.parsing import FieldError, excel_serial_to_date
from domain.procedure import CaseFacts, EventFact, OfficerCert, ReviewFact, validate_new_event

__all__ = ["SPEC", "parse_event_time"]

EVENT_FIELDS = (
    column("case_no", "案号", True, "系统中已有案件的案号", "青市监立〔2026〕101号", "案件编号", "立案编号", "立案号"),
    column("seq", "序号", True, "本案第几条记录（正整数），接续系统中已有的记录；与案号一起为唯一标识", "1",
       "记录序号", "顺序号", "步骤序号"),
    column("occurred_at", "时间", True, "发生时间，须有时和分：2026-09-08 14:30、2026年9月8日14时30分；未写时区的按北京时间",
       "2026-03-02 09:30", "发生时间", "执法时间", "日期时间"),
    column("stage", "环节", True, "、".join(s.value for s in Stage), "立案", "执法环节", "程序环节", "阶段"),
    column("action", "执法行为", True, "最多100字", "立案审批", "执法活动", "行为", "活动"),
    column("officer_cert_nos", "执法证号", False, "在场执法人员的执法证号，用“、”分隔；须为本案执法机关的执法人员", "44990000126",
       "执法人员执法证号", "执法人员证号", "执法证件号"),
    column("document_no", "文书编号", False, "最多100字", "", "文书号", "文书文号"),
    column("record_forms", "记录形式", False, "、".join(f.value for f in RecordForm) + "，多个用“、”分隔；留空为文字", "文字",
       "记录方式", "音像记录"),
    column("location", "地点", False, "最多200字", "", "执法地点", "场所"),
    column("note", "备注", False, "", "", "说明"),
    column("corrects_seq", "更正序号", False, "本条更正的是本案第几条记录（须在本条之前）", "", "更正记录序号", "被更正序号"),
)

_SPLIT_RE = re.compile(r"[、,，;；/|\s]+")
_STAGES = {s.value: s for s in Stage} | {
    "受理": Stage.FILING, "调查": Stage.INVESTIGATION, "取证": Stage.INVESTIGATION, "检查": Stage.INVESTIGATION,
    "事先告知": Stage.NOTICE, "处罚告知": Stage.NOTICE, "审核": Stage.LEGAL_REVIEW,
    "负责人集体讨论": Stage.COLLECTIVE_DISCUSSION, "作出决定": Stage.DECISION, "处罚决定": Stage.DECISION,
    "决定书送达": Stage.SERVICE, "结案": Stage.ARCHIVE, "归档": Stage.ARCHIVE,
}
_FORMS = {f.value: f for f in RecordForm} | {
    "文字记录": RecordForm.TEXT, "书面": RecordForm.TEXT, "书面记录": RecordForm.TEXT, "文书": RecordForm.TEXT,
    "记录仪": RecordForm.BODYCAM, "执法记录仪录像": RecordForm.BODYCAM, "音频": RecordForm.AUDIO,
    "拍照": RecordForm.PHOTO, "照片": RecordForm.PHOTO, "视频": RecordForm.VIDEO, "摄像": RecordForm.VIDEO,
    "监控": RecordForm.CCTV, "监控视频": RecordForm.CCTV,
}

_TIME_RE = re.compile(
    r"(?P<date>.+?)(?:\s*T\s*|\s+|(?<=[日号]))"
    r"(?P<ampm>上午|下午|晚上)?\s*(?P<h>\d{1,2})\s*"
    r"(?::\s*(?P<m>\d{1,2})(?:\s*:\s*(?P<s>\d{1,2})(?:\.\d+)?)?"
    r"|[时点]\s*(?:(?P<mc>\d{1,2})\s*分\s*(?:(?P<sc>\d{1,2})\s*秒)?)?)"
    r"\s*(?P<tz>Z|UTC|GMT|[+-]\d{2}:?\d{2})?"
)
_SERIAL_TIME_RE = re.compile(r"\d{4,6}\.\d+")


@lru_cache(maxsize=1 << 14)
def event_time_cached(raw: str) -> tuple[dt.datetime | None, str | None]:
    try:
        return parse_event_time(raw), None
    except FieldError as exc:
        return None, exc.message


def parse_event_time(raw: str) -> dt.datetime:
    """The time of a recorded step, timezone-aware and in whole seconds.

    Accepts "2026-09-08 14:30", "2026/9/8 14:30:05", "2026年9月8日14时30分", "2026-09-08T14:30:00+08:00", "…Z",
    "下午2:30" and Excel date-time serials (46273.6041…). Without a zone the time is Beijing time (Asia/Shanghai).
    A date without a time of day is refused: the order of a case's steps depends on it.
    """
    text_ = unicodedata.normalize("NFKC", raw.translate({ord("\ufeff"): None})).strip()
    if not text_:
        raise FieldError("时间不能为空")
    if _SERIAL_TIME_RE.fullmatch(text_):
        serial = Decimal(text_)
        serial_day = excel_serial_to_date(int(serial))
        seconds = int(((serial - int(serial)) * 86400).to_integral_value())
        moment = dt.datetime.combine(serial_day, dt.time(0), tzinfo=CHINA_TZ) + dt.timedelta(seconds=seconds)
        return moment.astimezone(dt.UTC)
    match = _TIME_RE.fullmatch(text_)
    if match is None:
        day, message = date_cached(text_)
        if day is not None:
            raise FieldError(f"时间“{raw.strip()}”只有日期，缺少时刻：请写明时和分，如“{day.isoformat()} 14:30”")
        raise FieldError(f"“{raw.strip()}”不是可识别的时间，请使用“2026-09-08 14:30”或“2026年9月8日14时30分”等格式"
                         + (f"（{message}）" if message and "不是可识别" not in message else ""))
    day, message = date_cached(match["date"])
    if day is None:
        raise FieldError(f"时间“{raw.strip()}”中的日期无效：{message}")
    hour = int(match["h"])
    minute = int(match["m"] or match["mc"] or 0)
    second = int(match["s"] or match["sc"] or 0)
    if match["ampm"] in ("下午", "晚上") and hour < 12:
        hour += 12
    if hour > 23 or minute > 59 or second > 59:
        raise FieldError(f"时间“{raw.strip()}”中的时刻无效")
    tz: dt.tzinfo = CHINA_TZ
    zone = match["tz"]
    if zone in ("Z", "UTC", "GMT"):
        tz = dt.UTC
    elif zone:
        sign = 1 if zone[0] == "+" else -1
        digits = zone[1:].replace(":", "")
        offset = dt.timedelta(hours=int(digits[:2]), minutes=int(digits[2:]))
        if offset > dt.timedelta(hours=14):
            raise FieldError(f"时间“{raw.strip()}”中的时区无效")
        tz = dt.timezone(sign * offset)
    return dt.datetime(day.year, day.month, day.day, hour, minute, second, tzinfo=tz).astimezone(dt.UTC)



class _WriteConflict(ImportFileError):
    """Another writer changed a case's record between validation and the write: everything is rolled back."""


_EVENT_COLS = ("id", "case_id", "seq", "occurred_at", "stage", "action", "officer_cert_nos", "document_no",
               "record_forms", "location", "note", "corrects_event_id", "recorded_at", "recorded_by", "prev_hash",
               "hash", "chain_version")
# validate_new_event's reasons that make an imported step impossible (unknown or foreign certificate, a time in the
# future or before the filing, a broken sequence or correction): errors, with the column they concern. Its other
# reasons — stage order, 告知 / 法制审核 before the decision, two officers on site, 音像, certificate validity —
# describe how the case was handled: an imported record keeps that history as it happened, with a warning (the
# completeness list then shows the case), as the decisions import does for a major decision without review.
_EVENT_HARD = (("不在本系统执法人员名录中", "officer_cert_nos"), ("不属于本执法主体", "officer_cert_nos"),
               ("被重复记录", "officer_cert_nos"), ("以多个执法证号", "officer_cert_nos"),
               ("晚于当前时间", "occurred_at"), ("早于立案日期", "occurred_at"), ("缺少时区", "occurred_at"),
               ("更正所指向的记录", "corrects_seq"), ("只能追加", "seq"))
_EVENT_SOFT = (("音像", "record_forms"), ("环节", "stage"), ("告知", "stage"), ("法制审核", "stage"),
               ("集体讨论", "stage"), ("执法人员", "officer_cert_nos"), ("执法证", "officer_cert_nos"))
_EVENT_COMPARED = ("occurred_at", "stage", "action", "officer_cert_nos", "document_no", "record_forms", "location",
                   "note", "corrects_seq")


def _event_identity(values: dict[str, Any]) -> dict[str, Any]:
    """The content of a step as compared on re-import: order-free sets of certificates and forms, blanks as ""."""
    return {
        "occurred_at": values["occurred_at"].astimezone(dt.UTC).replace(microsecond=0),
        "stage": values["stage"], "action": values["action"],
        "officer_cert_nos": frozenset(values["officer_cert_nos"]), "document_no": values["document_no"] or "",
        "record_forms": frozenset(values["record_forms"]), "location": values["location"] or "",
        "note": values["note"] or "", "corrects_seq": values["corrects_seq"],
    }


@dataclass
class _CaseState:
    id: int
    case_no: str
    agency_id: int
    chain_head: str
    facts: CaseFacts
    events: dict[int, dict[str, Any]]  # seq → stored event (identity values + id)
    last_hash: str | None
    last_time: dt.datetime | None = None


class _Events(TableKind):
    entity = "case_events"
    singular = "event"
    preview_keys = ("case_no", "seq", "occurred_at", "stage", "action", "officer_cert_nos", "record_forms")

    def __init__(self, *args: Any) -> None:
        super().__init__(*args)
        self.seen: dict[tuple[str, int], int] = {}
        self.cases: dict[str, _CaseState] = {}

    def check(self, v: dict[str, str], row: Row) -> Rec | None:
        case_no = compact(v["case_no"])
        seq = ordinal(v["seq"]) if v["seq"] else None
        if v["seq"] and (seq is None or seq < 1):
            row.err("seq", f"序号“{v['seq']}”无效，应为正整数")
            seq = None
        if seq is not None and case_no:
            first = self.seen.setdefault((case_no, seq), row.line)
            if first != row.line:
                row.err("seq", f"案号“{case_no}”的序号{seq}与第{first}行重复")
        occurred: dt.datetime | None = None
        if v["occurred_at"]:
            occurred, message = event_time_cached(v["occurred_at"])
            if message:
                row.err("occurred_at", message)
        stage: Stage | None = None
        if v["stage"]:
            raw = nfkc(v["stage"])
            stage = _STAGES.get(raw) or _STAGES.get(raw.removesuffix("环节").removesuffix("阶段"))
            if stage is None:
                row.err("stage", f"环节“{v['stage']}”无效，应为" + "、".join(s.value for s in Stage))
        action = self.text(v, "action", 100, row)
        # Kept as written, duplicates included: validate_new_event reports a person recorded twice.
        certs = tuple(c for c in (nfkc(x) for x in _SPLIT_RE.split(v["officer_cert_nos"])) if c)
        if len("、".join(certs)) > 200:
            row.err("officer_cert_nos", f"执法证号过长（合计最多200字）：共{len(certs)}个")
        forms: list[RecordForm] = []
        for part in (p for p in _SPLIT_RE.split(v["record_forms"]) if p):
            form = _FORMS.get(nfkc(part))
            if form is None:
                row.err("record_forms", f"记录形式“{part}”无效，应为" + "、".join(f.value for f in RecordForm))
            elif form not in forms:
                forms.append(form)
        document_no = self.text(v, "document_no", 100, row)
        location = self.text(v, "location", 200, row)
        corrects: int | None = None
        if v["corrects_seq"]:
            corrects = ordinal(v["corrects_seq"])
            if corrects is None or corrects < 1:
                row.err("corrects_seq", f"更正序号“{v['corrects_seq']}”无效，应为正整数")
        if row.failed or seq is None or occurred is None or stage is None:
            return None
        data = {"seq": seq, "occurred_at": occurred, "stage": stage, "action": action, "officer_cert_nos": certs,
                "document_no": document_no or None, "record_forms": tuple(forms or (RecordForm.TEXT,)),
                "location": location or None, "note": v["note"], "corrects_seq": corrects}
        return Rec(row.line, data, key=(case_no, seq), ref={"case_no": case_no},
                    display={**data, "case_no": case_no})

    # -- second pass --------------------------------------------------------------------------------------------

    def _load_cases(self, conn: Connection, case_nos: Sequence[str]) -> None:
        c, d, mt, e, r = m.Case, m.Decision, m.Matter, m.CaseEvent, m.LegalReview
        for chunk in chunks(list(case_nos)):
            rows = conn.execute(
                select(c.id, c.case_no, c.agency_id, c.procedure, c.filed_on, c.is_major, c.chain_head,
                       mt.category.label("matter_category"), d.category.label("decision_category"), d.decided_on)
                .outerjoin(mt, mt.id == c.matter_id).outerjoin(d, d.case_id == c.id).where(c.case_no.in_(chunk))
            ).mappings().all()
            ids = [row["id"] for row in rows]
            events: dict[int, list[Any]] = defaultdict(list)
            for ev in conn.execute(
                    select(e.id, e.case_id, e.seq, e.occurred_at, e.stage, e.action, e.officer_cert_nos, e.document_no,
                           e.record_forms, e.location, e.note, e.corrects_event_id, e.hash)
                    .where(e.case_id.in_(ids)).order_by(e.case_id, e.seq)).mappings():
                events[ev["case_id"]].append(ev)
            reviews: dict[int, list[ReviewFact]] = defaultdict(list)
            for rv in conn.execute(select(r.case_id, r.round_no, r.submitted_on, r.reviewed_on, r.outcome)
                                   .where(r.case_id.in_(ids))):
                reviews[rv.case_id].append(ReviewFact(rv.round_no, rv.submitted_on, rv.reviewed_on, rv.outcome))
            for row in rows:
                stored = events.get(row["id"], [])
                seq_of = {ev["id"]: ev["seq"] for ev in stored}
                by_seq: dict[int, dict[str, Any]] = {}
                facts_events = []
                for ev in stored:
                    certs = tuple(x for x in (ev["officer_cert_nos"] or "").split("、") if x)
                    forms = tuple(_FORMS[f] for f in (ev["record_forms"] or "").split("、") if f in _FORMS)
                    corrects = seq_of.get(ev["corrects_event_id"]) if ev["corrects_event_id"] is not None else None
                    values = {"occurred_at": ev["occurred_at"], "stage": Stage(ev["stage"]), "action": ev["action"],
                              "officer_cert_nos": certs, "document_no": ev["document_no"], "record_forms": forms,
                              "location": ev["location"], "note": ev["note"], "corrects_seq": corrects}
                    by_seq[ev["seq"]] = {**_event_identity(values), "id": ev["id"]}
                    facts_events.append(EventFact(seq=ev["seq"], stage=values["stage"], action=ev["action"],
                                                  occurred_at=ev["occurred_at"], officer_cert_nos=certs,
                                                  record_forms=frozenset(forms), document_no=ev["document_no"],
                                                  location=ev["location"], corrects_seq=corrects))
                category = row["matter_category"] or row["decision_category"] or ActionCategory.PENALTY
                facts = CaseFacts(case_no=row["case_no"], procedure=row["procedure"], category=category,
                                  filed_on=row["filed_on"], is_major=bool(row["is_major"]),
                                  decided_on=row["decided_on"], events=tuple(facts_events),
                                  reviews=tuple(reviews.get(row["id"], ())))
                self.cases[row["case_no"]] = _CaseState(
                    row["id"], row["case_no"], row["agency_id"], row["chain_head"], facts, by_seq,
                    stored[-1]["hash"] if stored else None, stored[-1]["occurred_at"] if stored else None)

    @staticmethod
    def _roster(conn: Connection, certs: Iterable[str]) -> dict[str, OfficerCert]:
        o = m.Officer
        roster: dict[str, OfficerCert] = {}
        for chunk in chunks(sorted(set(certs))):
            for r in conn.execute(select(o.id, o.name, o.cert_no, o.cert_valid_from, o.cert_valid_to, o.agency_id)
                                  .where(o.cert_no.in_(chunk))):
                roster[r.cert_no] = OfficerCert(r.id, r.name, r.cert_no, r.cert_valid_from, r.cert_valid_to,
                                                r.agency_id)
        return roster

    def resolve(self, conn: Connection, recs: list[Rec]) -> Problems:
        out = Problems(self.spec)
        self._load_cases(conn, sorted({r.ref["case_no"] for r in recs}))
        self.roster = self._roster(conn, (c for r in recs for c in r.data["officer_cert_nos"]))
        by_case: dict[str, list[Rec]] = defaultdict(list)
        for rec in recs:
            by_case[rec.ref["case_no"]].append(rec)
        for case_no, group in by_case.items():
            state = self.cases.get(case_no)
            if state is None:
                for rec in group:
                    out.err(rec, "case_no", f"系统中没有案号为“{case_no}”的案件（请先导入案件）")
                continue
            self._resolve_case(state, sorted(group, key=lambda r: r.data["seq"]), out)
        return out

    def _resolve_case(self, state: _CaseState, group: list[Rec], out: Problems) -> None:
        last_seq = max(state.events, default=0)
        intact = state.last_hash == state.chain_head if state.last_hash is not None else state.chain_head == GENESIS
        facts = state.facts
        last_time = state.last_time
        blocked: Rec | None = None  # the first new step that could not be appended
        for rec in group:
            rec.ref["state"] = state
            seq = rec.data["seq"]
            stored = state.events.get(seq)
            if stored is not None:
                mine = _event_identity(rec.data)
                differ = [k for k in _EVENT_COMPARED if (k in self.present or k == "occurred_at")
                          and mine[k] != stored[k]]
                if differ:
                    out.err(rec, "seq", "执法记录只能追加，不能修改：本案序号" f"{seq}的记录已存在，内容与本行不同（"
                                        + "、".join(self.labels[k] for k in differ)
                                        + f"）；如需更正，请以新的序号追加一条更正记录（更正序号填{seq}）")
                else:
                    rec.action, rec.id = "unchanged", stored["id"]
                continue
            if blocked is not None:
                out.err(rec, "seq", f"本案序号{blocked.data['seq']}的记录（第{blocked.line}行）未能导入，"
                                    "其后的记录不能追加（执法记录须按序号连续追加）")
                continue
            if not intact:
                out.err(rec, "case_no", "本案执法记录链校验不一致，已暂停追加记录；请联系管理员运行 verify-chain 核查")
                blocked = rec
                continue
            if seq != last_seq + 1:
                out.err(rec, "seq", f"序号不连续：本案已有{last_seq}条记录，下一条应为序号{last_seq + 1}，本行为{seq}"
                        if seq > last_seq else f"本案序号{seq}之前的记录不存在，序号只能接续已有记录（下一条应为{last_seq + 1}）")
                blocked = rec
                continue
            data = rec.data
            fact = EventFact(seq=seq, stage=data["stage"], action=data["action"], occurred_at=data["occurred_at"],
                             officer_cert_nos=data["officer_cert_nos"], record_forms=frozenset(data["record_forms"]),
                             document_no=data["document_no"], location=data["location"],
                             corrects_seq=data["corrects_seq"])
            hard = False
            for reason in validate_new_event(facts, fact, self.roster, self.opts.now, state.agency_id):
                column = next((col for marker, col in _EVENT_HARD if marker in reason), None)
                if column is not None:
                    out.err(rec, column, reason)
                    hard = True
                else:
                    soft = next((col for marker, col in _EVENT_SOFT if marker in reason), "")
                    out.warn(rec, soft, f"{reason}（导入的历史记录按原样保存，请核查）")
            if hard:
                blocked = rec
                continue
            if data["corrects_seq"] is None and last_time is not None and data["occurred_at"] < last_time:
                out.warn(rec, "occurred_at", f"时间{local_text(data['occurred_at'])}早于本案上一条记录的时间"
                                             f"{local_text(last_time)}，请核对")
            facts = dataclasses.replace(facts, events=facts.events + (fact,))
            last_seq, last_time = seq, data["occurred_at"]
            rec.action = "insert"

    def write(self, conn: Connection, ids: Ids, recs: list[Rec], report: ImportReport) -> None:
        actor = self.opts.actor[:50]
        recorded_at = self.opts.now
        new = sorted((r for r in recs if r.action == "insert"),
                     key=lambda r: (r.ref["state"].id, r.data["seq"]))
        for rec, eid in zip(new, ids.take(m.CaseEvent.__table__, len(new)), strict=False):
            rec.id = eid
        by_case: dict[int, list[Rec]] = defaultdict(list)
        for rec in new:
            by_case[rec.ref["state"].id].append(rec)
        officer_rows: list[tuple[int | None, int]] = []
        rows, audits = [], []
        for case_id, group in by_case.items():
            state: _CaseState = group[0].ref["state"]
            seq_ids = {seq: ev["id"] for seq, ev in state.events.items()} | {r.data["seq"]: r.id for r in group}
            prev = head = state.chain_head
            for rec in group:
                d = rec.data
                content = {
                    "case_id": case_id, "seq": d["seq"], "occurred_at": d["occurred_at"], "stage": d["stage"].value,
                    "action": d["action"], "officer_cert_nos": "、".join(d["officer_cert_nos"]),
                    "document_no": d["document_no"], "record_forms": "、".join(f.value for f in d["record_forms"]),
                    "location": d["location"], "note": d["note"],
                    "corrects_event_id": seq_ids[d["corrects_seq"]] if d["corrects_seq"] is not None else None,
                    "recorded_at": recorded_at, "recorded_by": actor,
                }
                officers = dict.fromkeys(self.roster[c].officer_id for c in d["officer_cert_nos"] if c in self.roster)
                digest = event_hash_v2(content, officers, (), prev)  # an imported step carries no evidence files
                rows.append((rec.id, case_id, d["seq"], d["occurred_at"], d["stage"], d["action"],
                             content["officer_cert_nos"], d["document_no"], content["record_forms"], d["location"],
                             d["note"], content["corrects_event_id"], recorded_at, actor, prev, digest, CHAIN_V2))
                officer_rows.extend((rec.id, oid) for oid in officers)
                prev = digest
            # Compare-and-swap on the chain head, as db.events.append_event: if another writer appended to the case
            # since it was read, nothing of this file is written.
            moved = conn.execute(update(table_of(m.Case)).where(m.Case.id == case_id, m.Case.chain_head == head)
                                 .values(chain_head=prev)).rowcount
            if moved != 1:
                raise _WriteConflict(f"案件“{state.case_no}”的执法记录在校验后被他人更新，已全部回滚，未写入任何数据："
                                     "请重新导入")
            audits.append({"occurred_at": utc_now(), "actor": actor, "action": "import_append_events",
                           "entity": "cases", "entity_id": str(case_id),
                           "detail": json.dumps({"case_no": state.case_no, "file": self.opts.file_name,
                                                 "seqs": [r.data["seq"] for r in group],
                                                 "lines": [r.line for r in group], "prev_head": head,
                                                 "chain_head": prev}, ensure_ascii=False)})
        insert(conn, m.CaseEvent.__table__, _EVENT_COLS, rows)
        insert(conn, m.EventOfficer.__table__, ("event_id", "officer_id"), officer_rows)
        for chunk in chunks(audits, 5000):
            conn.execute(table_of(m.AuditEntry).insert(), list(chunk))


# ==============================================================================================================
# reviews (重大执法决定法制审核 rounds)
# ==============================================================================================================


SPEC = KindSpec("events", "执法全过程记录",
                "每行一条执法全过程记录（按案号和序号对应）。记录只能追加：新记录须接续本案已有序号并写入哈希链，"
            "已有记录内容不同的整行拒绝。",
                EVENT_FIELDS, _Events, names_agencies=False)
