"""The case timeline: frames from domain facts and a pure Altair builder (no st.*), tested via chart.to_dict().

Times are shown as Beijing wall-clock time. Vega-Lite reads an ISO string without offset as the viewer's local
time and formats it back in the same zone, so naive Asia/Shanghai strings display unchanged wherever the
browser is; date-only strings would be read as UTC and shift by a day west of Greenwich, hence the "T00:00:00".
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence

import altair as alt
import pandas as pd

from domain.enums import DueState, Stage
from domain.procedure import SHANGHAI, CaseFacts, Clock, Completeness, OfficerCert, effective_events

STAGE_ORDER: list[str] = [s.value for s in Stage]

# Which stage row a statutory clock belongs to (the step whose timing it governs).
_CLOCK_STAGE = (
    ("立案至作出", Stage.DECISION),
    ("送达", Stage.SERVICE),
    ("当场交付", Stage.SERVICE),
    ("听证", Stage.HEARING),
    ("法制审核", Stage.LEGAL_REVIEW),
)

LATE_STATES = (DueState.LATE, DueState.OVERDUE)
STATE_COLOURS = {
    DueState.ON_TIME.value: "#2ca02c",
    DueState.PENDING.value: "#1f77b4",
    DueState.LATE.value: "#d62728",
    DueState.OVERDUE.value: "#d62728",
    DueState.NOT_APPLICABLE.value: "#7f7f7f",
}
RED = "#d62728"


def _local(moment: dt.datetime) -> str:
    return moment.astimezone(SHANGHAI).replace(tzinfo=None).isoformat(timespec="seconds")


def _day(d: dt.date) -> str:
    return f"{d.isoformat()}T00:00:00"


def clock_stage(clock: Clock) -> Stage:
    for prefix, stage in _CLOCK_STAGE:
        if prefix in clock.name:
            return stage
    return Stage.DECISION


def timeline_events(facts: CaseFacts) -> pd.DataFrame:
    """One row per recorded step: seq, occurred_at (tz-aware), stage, action, corrects (seq or None) and
    superseded (True when a later correction replaced it; both stay on the record and on the chart)."""
    effective = {e.seq for e in effective_events(facts)}
    rows = [(e.seq, e.occurred_at, e.stage.value, e.action, e.corrects_seq, e.seq not in effective)
            for e in facts.events]
    return pd.DataFrame(rows, columns=["seq", "occurred_at", "stage", "action", "corrects", "superseded"])


def correction_labels(events: pd.DataFrame) -> dict[int, str]:
    """seq → "更正第N条" / "已被第M条更正" (both can apply), for the record table."""
    labels: dict[int, list[str]] = {}
    for row in events.itertuples():
        if row.corrects is not None and not pd.isna(row.corrects):
            labels.setdefault(int(row.seq), []).append(f"更正第{int(row.corrects)}条")
            labels.setdefault(int(row.corrects), []).append(f"已被第{int(row.seq)}条更正")
    return {seq: "；".join(parts) for seq, parts in labels.items()}


def officer_labels(cert_nos: str | None, roster: Mapping[str, OfficerCert]) -> str:
    """"a、b" as recorded → "张三（a）、李四（b）"; a number not on the roster stays as recorded."""
    parts = [c.strip() for c in (cert_nos or "").split("、") if c.strip()]
    return "、".join(f"{roster[c].name}（{c}）" if c in roster else c for c in parts)


def checks_table(result: Completeness) -> pd.DataFrame:
    """The completeness checklist as a display table."""
    return pd.DataFrame([(c.label, "符合" if c.passed else "不符合", c.detail) for c in result.checks],
                        columns=["项目", "结果", "情况"])


def stage_spans(events: pd.DataFrame) -> pd.DataFrame:
    """Per stage reached (effective steps only): from its first step until the next stage reached (in statutory
    order) began, or until its own last step when that is later, with the duration in calendar days."""
    live = events[~events["superseded"]] if not events.empty else events
    if live.empty:
        return pd.DataFrame(columns=["stage", "start", "end", "days"])
    firsts = live.groupby("stage")["occurred_at"].min()
    lasts = live.groupby("stage")["occurred_at"].max()
    ordered = sorted(firsts.index, key=STAGE_ORDER.index)
    rows = []
    for i, stage in enumerate(ordered):
        start = firsts[stage]
        end = max(lasts[stage], firsts[ordered[i + 1]]) if i + 1 < len(ordered) else lasts[stage]
        days = (end.astimezone(SHANGHAI).date() - start.astimezone(SHANGHAI).date()).days
        rows.append((stage, _local(start), _local(end), days))
    return pd.DataFrame(rows, columns=["stage", "start", "end", "days"])


def clocks_chart_frame(clocks: Sequence[Clock]) -> pd.DataFrame:
    """One row per clock for the chart: its window (start→due, ordered), stage row, state, whether it is late."""
    rows = []
    for c in clocks:
        lo, hi = sorted((c.start, c.due))  # 听证通知 counts backwards from the hearing day
        late = c.status in LATE_STATES
        overdue = f"{c.overdue_days}个{c.unit}" if late else ""
        rows.append((c.name, clock_stage(c).value, _day(lo), _day(hi), _day(c.due), c.status.value, late,
                     "逾期" if late else "未逾期", overdue, c.basis, c.note, RED if late else STATE_COLOURS[c.status.value]))
    return pd.DataFrame(rows, columns=["name", "stage", "from", "to", "due", "status", "late", "line", "overdue", "basis",
                                       "note", "colour"])


def clocks_table(clocks: Sequence[Clock]) -> pd.DataFrame:
    """The clocks as a display table with Chinese headers."""
    rows = []
    for c in clocks:
        late = f"{c.overdue_days}个{c.unit}" if c.status in LATE_STATES else "—"
        note = "；".join(x for x in (c.note, "所涉年份节假日安排尚未正式公布，暂按周末推算" if c.provisional else "") if x)
        rows.append((c.name, c.basis, c.start.isoformat(), c.due.isoformat(),
                     c.done_on.isoformat() if c.done_on else "—", c.status.value, late, note or "—"))
    return pd.DataFrame(rows, columns=["时限", "依据", "起算日", "届满日", "完成日", "状态", "逾期", "说明"])


def _late_steps(events: pd.DataFrame, clocks: Sequence[Clock]) -> set[int]:
    """Steps that completed a clock late (the late 决定, 送达, 听证申请 …): drawn red on the chart."""
    late = {(clock_stage(c).value, c.done_on) for c in clocks if c.status is DueState.LATE and c.done_on}
    return {int(r.seq) for r in events.itertuples()
            if (r.stage, r.occurred_at.astimezone(SHANGHAI).date()) in late}


def case_timeline_chart(events: pd.DataFrame, clocks: Sequence[Clock]) -> alt.LayerChart:
    """The case's steps by stage (y, in statutory order) over time (x), with each stage's duration, each statutory
    window as a line on its stage's row and each deadline as a vertical rule; late and overdue ones in red."""
    y = alt.Y("stage:N", title="环节", sort=STAGE_ORDER, scale=alt.Scale(domain=STAGE_ORDER))
    late_steps = _late_steps(events, clocks) if not events.empty else set()
    points = pd.DataFrame({
        "seq": events["seq"].astype(int) if not events.empty else [],
        "at": [_local(t) for t in events["occurred_at"]] if not events.empty else [],
        "stage": events["stage"] if not events.empty else [],
        "action": events["action"] if not events.empty else [],
        "state": [("已被更正" if s else ("逾期完成" if int(q) in late_steps else "有效"))
                  for q, s in zip(events["seq"], events["superseded"], strict=True)] if not events.empty else [],
    })
    spans = stage_spans(events)
    windows = clocks_chart_frame(clocks)

    span_layer = alt.Chart(spans).mark_bar(height=14, opacity=0.3, color="#4c78a8").encode(
        x=alt.X("start:T", title="日期（北京时间）", axis=alt.Axis(format="%Y-%m-%d")),
        x2="end:T",
        y=y,
        tooltip=[alt.Tooltip("stage:N", title="环节"), alt.Tooltip("start:T", title="开始", format="%Y-%m-%d %H:%M"),
                 alt.Tooltip("end:T", title="结束", format="%Y-%m-%d %H:%M"), alt.Tooltip("days:Q", title="历时（天）")],
    )
    window_layer = alt.Chart(windows).mark_rule(strokeWidth=3, strokeDash=[6, 3]).encode(
        x="from:T", x2="to:T", y=y,
        color=alt.Color("colour:N", scale=None),
        tooltip=[alt.Tooltip("name:N", title="法定时限"), alt.Tooltip("basis:N", title="依据"),
                 alt.Tooltip("due:T", title="届满日", format="%Y-%m-%d"), alt.Tooltip("status:N", title="状态"),
                 alt.Tooltip("overdue:N", title="逾期"), alt.Tooltip("note:N", title="说明")],
    )
    deadline_layer = alt.Chart(windows).mark_rule(strokeWidth=1.5, opacity=0.8).encode(
        x=alt.X("due:T"),
        color=alt.Color("colour:N", scale=None),
        strokeDash=alt.StrokeDash("line:N", legend=None, scale=alt.Scale(domain=["逾期", "未逾期"],
                                                                         range=[[1, 0], [4, 4]])),
        tooltip=[alt.Tooltip("name:N", title="法定时限"), alt.Tooltip("due:T", title="届满日", format="%Y-%m-%d"),
                 alt.Tooltip("status:N", title="状态"), alt.Tooltip("overdue:N", title="逾期")],
    )
    point_layer = alt.Chart(points).mark_point(size=90, filled=True).encode(
        x="at:T", y=y,
        color=alt.Color("state:N", title="记录", scale=alt.Scale(domain=["有效", "逾期完成", "已被更正"],
                                                                 range=["#1f77b4", RED, "#bbbbbb"])),
        shape=alt.Shape("state:N", legend=None, scale=alt.Scale(domain=["有效", "逾期完成", "已被更正"],
                                                                range=["circle", "triangle-up", "cross"])),
        tooltip=[alt.Tooltip("seq:Q", title="序号"), alt.Tooltip("at:T", title="时间", format="%Y-%m-%d %H:%M"),
                 alt.Tooltip("stage:N", title="环节"), alt.Tooltip("action:N", title="执法行为"),
                 alt.Tooltip("state:N", title="状态")],
    )
    # Windows and deadlines take their colour straight from the data; the steps have their own legend.
    return alt.layer(span_layer, window_layer, deadline_layer, point_layer).resolve_scale(
        color="independent", shape="independent", strokeDash="independent",
    ).properties(title="办案时间轴（虚线为法定时限，红色为逾期）", height=320)
