"""Altair builders for the public statistics pages (pure: DataFrame in, chart out; tested via to_dict()).
Charts are drawn from the already-suppressed public records, so a “<3” cell never becomes a bar."""

from __future__ import annotations

import altair as alt
import pandas as pd

from domain.statistics import AGENCY_HEADER, COLUMNS, STATUS_HEADER, TOTAL_ROW_NAME

PENALTY_TYPE_TITLES = [c.title for c in COLUMNS if c.group == "行政处罚" and c.key not in ("penalty.total",
                                                                                          "penalty.amount")]


def annual_penalties_chart(records: pd.DataFrame) -> alt.Chart:
    """Stacked bars: each agency's 行政处罚 decisions by heaviest penalty type. Suppressed and blank cells are left
    out rather than drawn as zero."""
    rows = records[(records[AGENCY_HEADER] != TOTAL_ROW_NAME) & (records[STATUS_HEADER] != "未报送")]
    long = rows.melt(id_vars=[AGENCY_HEADER], value_vars=[t for t in PENALTY_TYPE_TITLES if t in rows],
                     var_name="处罚种类", value_name="宗数")
    long = long[long["宗数"].map(lambda v: isinstance(v, int) and v > 0)]
    long["处罚种类"] = long["处罚种类"].str.removeprefix("行政处罚·").str.removesuffix("(宗)")
    long["宗数"] = long["宗数"].astype(int)
    return (
        alt.Chart(long, title="各执法机关行政处罚决定（按最重处罚种类计）")
        .mark_bar()
        .encode(
            x=alt.X("宗数:Q", title="决定数（宗）"),
            y=alt.Y(f"{AGENCY_HEADER}:N", title="执法机关", sort="-x"),
            color=alt.Color("处罚种类:N", title="处罚种类"),
            tooltip=[alt.Tooltip(f"{AGENCY_HEADER}:N", title="执法机关"), alt.Tooltip("处罚种类:N"),
                     alt.Tooltip("宗数:Q", title="宗数")],
        )
    )


def on_time_rate_chart(summary: pd.DataFrame) -> alt.Chart:
    """Horizontal bars of each agency's on-time disclosure rate (按时公示率), with the counts in the tooltip."""
    data = summary.assign(rate=summary["on_time_rate"].fillna(0).astype(float) * 100)
    return (
        alt.Chart(data, title="各执法主体按时公示率")
        .mark_bar()
        .encode(
            x=alt.X("rate:Q", title="按时公示率（%）", scale=alt.Scale(domain=[0, 100])),
            y=alt.Y("agency:N", title="执法主体", sort="-x"),
            tooltip=[alt.Tooltip("agency:N", title="执法主体"), alt.Tooltip("rate:Q", title="按时公示率（%）", format=".1f"),
                     alt.Tooltip("on_time:Q", title="按时公示"), alt.Tooltip("late:Q", title="逾期公示"),
                     alt.Tooltip("overdue:Q", title="逾期未公示")],
        )
    )
