"""Altair chart builders with Chinese labels. Pure functions of a DataFrame (no st.*), tested via to_dict()."""

from __future__ import annotations

from collections.abc import Mapping

import altair as alt
import pandas as pd

from components.stats_charts import SHORT, with_short_names


def completeness_by_agency(per_agency: pd.DataFrame, low_score: int,
                           short_by_name: Mapping[str, str] | None = None) -> alt.LayerChart:
    """Horizontal bars of each agency's average 案卷完整性 score, lowest first, with the review threshold as a rule.

    ``per_agency`` is db.completeness.overview(…).per_agency (as db.events.per_agency_completeness): agency, cases,
    average_score, lowest_score, low_cases.
    Averages sit close to 100, so the axis starts a little below the lowest average and the review line rather
    than at 0, where every bar would look the same.
    """
    lowest = float(per_agency["average_score"].min()) if not per_agency.empty else float(low_score)
    start = max(0, min(low_score - 10, int(lowest) - 5))
    x = alt.X("average_score:Q", title="平均完整性评分", scale=alt.Scale(domain=[start, 100], zero=False))
    per_agency = with_short_names(per_agency, "agency", short_by_name)
    base = alt.Chart(per_agency).encode(y=alt.Y(f"{SHORT}:N", title="执法主体", sort="x"))
    bars = base.mark_bar(clip=True).encode(
        x=x,
        color=alt.condition(alt.datum.average_score < low_score, alt.value("#d62728"), alt.value("#4c78a8")),
        tooltip=[alt.Tooltip("agency:N", title="执法主体"), alt.Tooltip("cases:Q", title="已决案件"),
                 alt.Tooltip("average_score:Q", title="平均评分", format=".1f"),
                 alt.Tooltip("lowest_score:Q", title="最低评分"),
                 alt.Tooltip("low_cases:Q", title=f"低于{low_score}分的案件")],
    )
    labels = base.mark_text(align="right", dx=-4, color="white").encode(
        x=x, text=alt.Text("average_score:Q", format=".1f"))
    threshold = alt.Chart(pd.DataFrame({"score": [low_score]})).mark_rule(color="#d62728", strokeDash=[4, 4]).encode(
        x=alt.X("score:Q", scale=alt.Scale(domain=[start, 100], zero=False)),
        tooltip=[alt.Tooltip("score:Q", title="评查线")])
    return alt.layer(bars, labels, threshold).properties(title="各执法主体案卷完整性平均评分")
