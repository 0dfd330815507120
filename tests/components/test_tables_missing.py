"""Any table shows a missing value as "—", also one a page did not pass through display_frame (review history …)."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from components.tables import _dash_missing, display_frame, permalink


def test_missing_values_of_every_kind_read_as_a_dash() -> None:
    df = pd.DataFrame({"轮次": [1, 2], "审核日期": [dt.date(2025, 1, 2), None], "结论": ["同意", None],
                       "分数": [1.5, float("nan")], "时间": [pd.Timestamp("2025-01-01"), pd.NaT]})
    out = _dash_missing(df)
    assert out.iloc[1].tolist()[1:] == ["—", "—", "—", "—"]
    assert out.iloc[0]["结论"] == "同意" and out["轮次"].tolist() == [1, 2]


def test_permalink_column_comes_first() -> None:
    df = pd.DataFrame({"id": [7], "decision_no": ["青市监罚〔2025〕1号"]})
    out = display_frame(df, {"decision_no": "决定书文号"}, link=("decision", "id"))
    assert list(out.columns) == ["详情", "决定书文号"] and out.iloc[0]["详情"] == permalink("decision", 7) == "/decision?id=7"
