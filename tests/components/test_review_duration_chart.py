"""The review-duration chart carries one row per (agency, duration, status) with the number of cases, not one row
per case: the board of a large district would otherwise go to the browser whole on every run."""

from __future__ import annotations

import pandas as pd

from components.review import review_duration_chart


def test_cases_at_the_same_spot_are_one_tick_with_their_count() -> None:
    board = pd.DataFrame({
        "agency": ["甲局", "甲局", "甲局", "乙局", "乙局"],
        "review_workdays": [3, 3, 5, 3, None],
        "status": ["同意", "同意", "同意", "审核中", "待提交"],
    })
    spec = review_duration_chart(board).to_dict()
    rows = spec["datasets"][next(iter(spec["datasets"]))]
    assert sorted((r["执法主体"], r["审核用时（工作日）"], r["法制审核状态"], r["件数"]) for r in rows) == [
        ("乙局", 3, "审核中", 1), ("甲局", 3, "同意", 2), ("甲局", 5, "同意", 1)]
    assert "件数" in [t["field"] for t in spec["encoding"]["tooltip"]]
