"""Altair chart builders with Chinese labels. Pure functions of a DataFrame (no st.*), tested via to_dict()."""

from __future__ import annotations

import altair as alt
import pandas as pd


def on_time_rate_by_agency(per_agency: pd.DataFrame) -> alt.Chart:
    """Horizontal bars of each agency's on-time disclosure rate (按时公示率)."""
    data = per_agency.assign(rate=per_agency["on_time_rate"].fillna(0) * 100)
    return (
        alt.Chart(data, title="各执法主体按时公示率")
        .mark_bar()
        .encode(
            x=alt.X("rate:Q", title="按时公示率（%）", scale=alt.Scale(domain=[0, 100])),
            y=alt.Y("agency:N", title="执法主体", sort="-x"),
            tooltip=[alt.Tooltip("agency:N", title="执法主体"), alt.Tooltip("rate:Q", title="按时公示率（%）", format=".1f"),
                     alt.Tooltip("late:Q", title="逾期公示"), alt.Tooltip("overdue:Q", title="逾期未公示")],
        )
    )
