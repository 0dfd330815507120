"""Altair builders for the public statistics pages (pure: DataFrame in, chart out; tested via to_dict()).
Charts are drawn from the already-suppressed public records, so a “<3” cell never becomes a bar."""

from __future__ import annotations

import math
from collections.abc import Mapping

import altair as alt
import pandas as pd

from domain.statistics import AGENCY_HEADER, COLUMNS, STATUS_HEADER, TOTAL_ROW_NAME

PENALTY_TYPE_TITLES = [c.title for c in COLUMNS if c.group == "行政处罚" and c.key not in ("penalty.total",
                                                                                          "penalty.amount")]


SHORT = "简称"


def with_short_names(frame: pd.DataFrame, column: str, short_by_name: Mapping[str, str] | None) -> pd.DataFrame:
    """Adds the agencies' short names ("区市场监管局") for an axis: full names are cut to "临江市青石区市…" there and
    cannot be told apart; the full name stays in the tooltip."""
    names = frame[column].astype(str)
    return frame.assign(**{SHORT: names.map(lambda n: (short_by_name or {}).get(n, n))})


def annual_penalties_chart(records: pd.DataFrame, short_by_name: Mapping[str, str] | None = None) -> alt.Chart:
    """Stacked bars: each agency's 行政处罚 decisions by heaviest penalty type. Suppressed and blank cells are left
    out rather than drawn as zero."""
    rows = records[(records[AGENCY_HEADER] != TOTAL_ROW_NAME) & (records[STATUS_HEADER] != "未报送")]
    long = rows.melt(id_vars=[AGENCY_HEADER], value_vars=[t for t in PENALTY_TYPE_TITLES if t in rows],
                     var_name="处罚种类", value_name="宗数")
    long = long[long["宗数"].map(lambda v: isinstance(v, int) and v > 0)]
    long["处罚种类"] = long["处罚种类"].str.removeprefix("行政处罚·").str.removesuffix("(宗)")
    long["宗数"] = long["宗数"].astype(int)
    long = with_short_names(long, AGENCY_HEADER, short_by_name)
    return (
        alt.Chart(long, title="各执法机关行政处罚决定（按最重处罚种类计）")
        .mark_bar()
        .encode(
            x=alt.X("宗数:Q", title="决定数（宗）"),
            y=alt.Y(f"{SHORT}:N", title="执法机关", sort="-x"),
            color=alt.Color("处罚种类:N", title="处罚种类"),
            tooltip=[alt.Tooltip(f"{AGENCY_HEADER}:N", title="执法机关"), alt.Tooltip("处罚种类:N"),
                     alt.Tooltip("宗数:Q", title="宗数")],
        )
    )


def rate_axis_start(rates: pd.Series) -> int:
    """Where the rate axis begins: 0 when some agency is low, else the ten below the lowest rate minus a margin, so
    that 88 % and 92 % do not look alike on a 0–100 axis (the axis title says where it starts)."""
    if rates.empty:
        return 0
    low = float(rates.min())
    return 0 if low < 50 else int(math.floor((low - 5) / 10) * 10)


def on_time_rate_chart(summary: pd.DataFrame, short_by_name: Mapping[str, str] | None = None) -> alt.LayerChart:
    """Horizontal bars of each agency's on-time disclosure rate (按时公示率), each labelled with its value, agencies by
    short name with the full name and the counts in the tooltip."""
    data = with_short_names(summary.assign(rate=summary["on_time_rate"].fillna(0).astype(float) * 100), "agency",
                            short_by_name)
    start = rate_axis_start(data["rate"])
    title = "按时公示率（%）" + (f"，横轴自 {start}% 起" if start else "")
    x = alt.X("rate:Q", title=title, scale=alt.Scale(domain=[start, 100], zero=False))
    base = alt.Chart(data).encode(y=alt.Y(f"{SHORT}:N", title="执法主体", sort="-x"))
    bars = base.mark_bar(clip=True).encode(
        x=x,
        tooltip=[alt.Tooltip("agency:N", title="执法主体"), alt.Tooltip("rate:Q", title="按时公示率（%）", format=".1f"),
                 alt.Tooltip("on_time:Q", title="按时公示"), alt.Tooltip("late:Q", title="逾期公示"),
                 alt.Tooltip("overdue:Q", title="逾期未公示")],
    )
    labels = base.mark_text(align="right", dx=-4, color="white").encode(
        x=x, text=alt.Text("rate:Q", format=".1f"))
    return alt.layer(bars, labels).properties(title="各执法主体按时公示率")
