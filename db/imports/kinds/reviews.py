"""Import kind ``reviews``: rounds of 重大执法决定法制审核, upserted by (案号, 轮次); a round with a conclusion is final."""

from __future__ import annotations

import datetime as dt
import json
from collections import defaultdict
from typing import Any

from sqlalchemy import Connection, select

from db import models as m
from db.imports.base import Problems, Rec, Row, TableKind
from db.imports.cells import nfkc, ordinal, review_outcome
from db.imports.reading import compact
from db.imports.report import ImportReport, RowProblem
from db.imports.spec import KindSpec, column
from db.imports.store import REVIEW_COLS, Ids, chunks, insert, table_of, utc_now
from db.review_rounds import load_rounds
from domain.enums import ReviewOutcome, ReviewStepKind
from domain.review import ReviewAction, approved_before, outcome_of

__all__ = ["SPEC"]

REVIEW_FIELDS = (
    column("case_no", "案号", True, "系统中已有案件的案号", "青市监立〔2026〕101号", "案件编号", "立案编号", "立案号"),
    column("round_no", "轮次", True, "第几轮审核（正整数，也可“第2轮”）；与案号一起为唯一标识", "1", "审核轮次", "第几轮", "轮数"),
    column("submitted_on", "报送日期", True, "日期", "2026-03-15", "送审日期", "提交日期", "报送审核日期"),
    column("reviewed_on", "审核日期", False, "日期；尚未审核的留空", "2026-03-18", "法制审核日期", "审核完成日期"),
    column("outcome", "审核结论", False, "同意（通过）、存在问题（不同意、退回）；尚未审核的留空", "同意",
       "法制审核结论", "审核结果"),
    column("opinion", "审核意见", False, "内部意见，不公开", "事实清楚，证据确凿，适用依据正确。", "法制审核意见", "意见"),
    column("reviewer", "审核人员执法证号", False, "审核人员的执法证号", "", "审核人员证号", "审核人执法证号", "审核人员"),
)


_REVIEW_COMPARED = ("submitted_on", "reviewed_on", "outcome", "opinion", "reviewer_officer_id")


class _Reviews(TableKind):
    entity = "legal_reviews"
    singular = "review"
    preview_keys = ("case_no", "round_no", "submitted_on", "reviewed_on", "outcome")
    personal = frozenset({"opinion"})

    def __init__(self, *args: Any) -> None:
        super().__init__(*args)
        self.labels["reviewer_officer_id"] = self.labels["reviewer"]
        self.seen: dict[tuple[str, int], int] = {}

    def check(self, v: dict[str, str], row: Row) -> Rec | None:
        case_no = compact(v["case_no"])
        round_no = ordinal(v["round_no"]) if v["round_no"] else None
        if v["round_no"] and (round_no is None or round_no < 1):
            row.err("round_no", f"轮次“{v['round_no']}”无效，应为正整数（如“1”或“第2轮”）")
            round_no = None
        if round_no is not None and case_no:
            first = self.seen.setdefault((case_no, round_no), row.line)
            if first != row.line:
                row.err("round_no", f"案号“{case_no}”的第{round_no}轮与第{first}行重复")
        submitted = self.date(v, "submitted_on", row)
        reviewed = self.date(v, "reviewed_on", row)
        outcome, known = review_outcome(v["outcome"])
        if not known:
            row.err("outcome", f"审核结论“{v['outcome'][:40]}”无法识别，应为“同意”（或“通过”）、“存在问题”，尚未审核的留空")
        if outcome is not None and reviewed is None and not v["reviewed_on"]:
            row.err("reviewed_on", "填写了审核结论，但审核日期为空")
        if reviewed is not None and outcome is None and known:
            row.err("outcome", "填写了审核日期，但审核结论为空（尚未审核的两列都留空）")
        if submitted and reviewed and reviewed < submitted:
            row.err("reviewed_on", f"审核日期{reviewed.isoformat()}早于报送日期{submitted.isoformat()}")
        if row.failed or round_no is None or submitted is None:
            return None
        data: dict[str, Any] = {"round_no": round_no, "submitted_on": submitted, "reviewed_on": reviewed,
                                "outcome": outcome}
        if "opinion" in self.present:
            data["opinion"] = v["opinion"]
        reviewer = nfkc(v["reviewer"])
        return Rec(row.line, data, key=(case_no, round_no), ref={"case_no": case_no, "reviewer": reviewer},
                    display={**data, "case_no": case_no, "outcome": outcome.value if outcome else "（待审核）"})

    def resolve(self, conn: Connection, recs: list[Rec]) -> Problems:
        out = Problems(self.spec)
        c, d, r, o = m.Case, m.Decision, m.LegalReview, m.Officer
        cases: dict[str, dict[str, Any]] = {}
        for chunk in chunks(sorted({x.ref["case_no"] for x in recs})):
            for row in conn.execute(select(c.id, c.case_no, c.agency_id, c.filed_on, c.is_major, d.decided_on)
                                    .outerjoin(d, d.case_id == c.id).where(c.case_no.in_(chunk))).mappings():
                cases[row["case_no"]] = dict(row)
        rounds: dict[int, dict[int, dict[str, Any]]] = defaultdict(dict)
        for chunk in chunks(sorted(x["id"] for x in cases.values())):
            for row in conn.execute(select(r.id, r.case_id, r.round_no, r.submitted_on, r.reviewed_on, r.outcome,
                                           r.opinion, r.reviewer_officer_id).where(r.case_id.in_(chunk))).mappings():
                rounds[row["case_id"]][row["round_no"]] = dict(row)
        # A round concluded in the app (or by an earlier import) carries its conclusion in a 审核意见 step: the
        # round row itself is never changed.
        by_id = {x["id"]: x for own in rounds.values() for x in own.values()}
        s = m.ReviewStep
        for chunk in chunks(sorted(by_id)):
            for step in conn.execute(select(s.review_id, s.conclusion, s.occurred_on, s.opinion, s.officer_id)
                                     .where(s.review_id.in_(chunk), s.kind == ReviewStepKind.CONCLUDE)):
                by_id[step.review_id].update(outcome=outcome_of(step.conclusion), reviewed_on=step.occurred_on,
                                             opinion=step.opinion, reviewer_officer_id=step.officer_id)
        officers: dict[str, dict[str, Any]] = {}
        for chunk in chunks(sorted({x.ref["reviewer"] for x in recs if x.ref["reviewer"]})):
            for row in conn.execute(select(o.id, o.cert_no, o.name, o.agency_id, o.is_legal_reviewer)
                                    .where(o.cert_no.in_(chunk))).mappings():
                officers[row["cert_no"]] = dict(row)

        by_case: dict[str, list[Rec]] = defaultdict(list)
        for rec in recs:
            by_case[rec.ref["case_no"]].append(rec)
        for case_no, group in by_case.items():
            case = cases.get(case_no)
            if case is None:
                for rec in group:
                    out.err(rec, "case_no", f"系统中没有案号为“{case_no}”的案件（请先导入案件）")
                continue
            final = {n: (x["outcome"], x["reviewed_on"]) for n, x in rounds[case["id"]].items()}
            for rec in sorted(group, key=lambda x: x.data["round_no"]):
                self._resolve_round(rec, case, rounds[case["id"]], final, officers, out)
        return out

    def _resolve_round(self, rec: Rec, case: dict[str, Any], stored: dict[int, dict[str, Any]],
                       final: dict[int, tuple[ReviewOutcome | None, dt.date | None]],
                       officers: dict[str, dict[str, Any]], out: Problems) -> None:
        data, n = rec.data, rec.data["round_no"]
        rec.ref["case_id"] = case["id"]
        if data["submitted_on"] < case["filed_on"]:
            out.err(rec, "submitted_on", f"报送日期{data['submitted_on'].isoformat()}早于立案日期"
                                         f"{case['filed_on'].isoformat()}")
            return
        if "reviewer" in self.present:
            cert = rec.ref["reviewer"]
            data["reviewer_officer_id"] = None
            if cert:
                officer = officers.get(cert)
                if officer is None:
                    out.err(rec, "reviewer", f"执法证号“{cert}”不在本系统执法人员名录中")
                    return
                data["reviewer_officer_id"] = officer["id"]
                if not officer["is_legal_reviewer"]:
                    out.warn(rec, "reviewer", f"{officer['name']}（{cert}）未登记为法制审核人员，请核对")
        old = stored.get(n)
        if old is not None:
            rec.id, rec.old = old["id"], old
            self.compare(rec)
            if rec.action == "update" and old["outcome"] is not None:
                out.err(rec, "outcome", f"第{n}轮法制审核已于{old['reviewed_on']}作出结论“{old['outcome'].value}”，"
                                        "已完成的审核不能通过导入修改（本行不同的是："
                                        + "、".join(self.column_label(k) for k in rec.changed) + "）")
                return
            if rec.action == "update" and (data["outcome"] is None or "submitted_on" in rec.changed):
                out.err(rec, "submitted_on" if "submitted_on" in rec.changed else "outcome",
                        f"第{n}轮法制审核已报送、尚待审核：导入只能补记其审核结论和审核日期，报送记录不能修改（本行不同的是："
                        + "、".join(self.column_label(k) for k in rec.changed) + "）")
                return
        else:
            if n > 1:
                previous = final.get(n - 1)
                if previous is None:
                    out.err(rec, "round_no", f"本案没有第{n - 1}轮审核，不能直接报送第{n}轮（轮次须连续）")
                    return
                if previous[0] is None:
                    out.err(rec, "round_no", f"本案第{n - 1}轮审核尚未作出结论，不能报送第{n}轮")
                    return
                if previous[1] is not None and data["submitted_on"] < previous[1]:
                    out.err(rec, "submitted_on", f"第{n}轮报送日期{data['submitted_on'].isoformat()}早于第{n - 1}轮"
                                                 f"审核日期{previous[1].isoformat()}")
                    return
                if previous[0] is ReviewOutcome.APPROVED:
                    out.warn(rec, "round_no", f"第{n - 1}轮审核已同意，又报送第{n}轮，请核对")
            rec.action = "insert"
        final[n] = (data["outcome"], data["reviewed_on"])
        if not case["is_major"]:
            out.warn(rec, "case_no", "该案件未标记为重大执法决定，请核对")
        if case["decided_on"] and data["reviewed_on"] and data["reviewed_on"] > case["decided_on"]:
            out.warn(rec, "reviewed_on", f"审核日期{data['reviewed_on'].isoformat()}晚于决定日期"
                                         f"{case['decided_on'].isoformat()}，不是事前审核")

    def write(self, conn: Connection, ids: Ids, recs: list[Rec], report: ImportReport) -> None:
        actor, now = self.opts.actor[:50], utc_now()
        new = [r for r in recs if r.action == "insert"]
        insert(conn, m.LegalReview.__table__, REVIEW_COLS, (
            (rid, r.ref["case_id"], r.data["round_no"], r.data["submitted_on"], r.data.get("reviewer_officer_id"),
             r.data["reviewed_on"], r.data["outcome"], r.data.get("opinion", ""), "{}", now, actor)
            for r, rid in zip(new, ids.take(m.LegalReview.__table__, len(new)), strict=False)))
        # Completing a pending round is a new 审核意见 step; any other change is refused in resolve.
        steps = [r for r in recs if r.action == "update"]
        if steps:
            conn.execute(table_of(m.ReviewStep).insert(), [{
                "review_id": r.id, "kind": ReviewStepKind.CONCLUDE, "occurred_on": r.data["reviewed_on"],
                "recorded_at": now, "recorded_by": actor, "officer_id": r.data.get("reviewer_officer_id"),
                "assignee_officer_id": None, "conclusion": ReviewAction.APPROVE if r.data["outcome"] is
                ReviewOutcome.APPROVED else ReviewAction.RETURN, "opinion": r.data.get("opinion", ""),
                "checklist": "{}", "materials": "", "note": "导入"} for r in steps])
        self.update_audits(conn, recs, lambda r: f"{r.ref['case_no']} 第{r.data['round_no']}轮")
        cleared = clear_unreviewed_marks(conn, {r.ref["case_id"] for r in recs if r.action in ("insert", "update")},
                                         actor, now)
        for rec in recs:
            if rec.ref.get("case_id") in cleared and rec.action in ("insert", "update"):
                report.problems.append(RowProblem(rec.line, self.labels["reviewed_on"], f"该案决定已有决定日期前的法制审核同意记录，"
                                                     f"“未经法制审核”标记已清除（决定书{cleared[rec.ref['case_id']]}）", "warning"))


def clear_unreviewed_marks(conn: Connection, case_ids: set[int], actor: str, now: dt.datetime) -> dict[int, str]:
    """Decisions marked 未经法制审核 whose case now has an approval dated on or before the decision lose the mark
    (and only those: a later approval is not a prior review). Returns case id → decision number cleared."""
    if not case_ids:
        return {}
    d = m.Decision
    marked = conn.execute(select(d.id, d.case_id, d.decision_no, d.decided_on)
                          .where(d.case_id.in_(sorted(case_ids)), d.unreviewed_major.is_(True))).all()
    rounds = load_rounds(conn, [x.case_id for x in marked])
    cleared: dict[int, str] = {}
    for row in marked:
        approved_on = approved_before(rounds.get(row.case_id, []), row.decided_on)
        if approved_on is None:
            continue
        conn.execute(table_of(m.Decision).update().where(table_of(m.Decision).c.id == row.id)
                     .values(unreviewed_major=False, updated_by=actor))
        conn.execute(table_of(m.AuditEntry).insert().values(
            occurred_at=now, actor=actor, action="import_clear_unreviewed", entity="decisions", entity_id=str(row.id),
            detail=json.dumps({"decision_no": row.decision_no, "approved_on": approved_on.isoformat()},
                              ensure_ascii=False)))
        cleared[row.case_id] = row.decision_no
    return cleared


SPEC = KindSpec("reviews", "法制审核",
                "每行一轮法制审核（按案号和轮次对应）；尚未审核的轮次审核结论留空，已完成的审核不能修改。",
                REVIEW_FIELDS, _Reviews, names_agencies=False)
