"""Table rendering with Chinese column labels and formats (no SQL, no policy)."""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd
import streamlit as st

from domain.formatting import format_date, format_datetime, format_yuan

DECISION_LABELS = {
    "decision_no": "决定书文号", "agency": "执法机关", "party_name": "当事人", "uscc": "统一社会信用代码",
    "violation": "违法行为类型", "category": "执法类别", "conclusion": "执法结论", "fine_total": "罚款金额",
    "decided_on": "决定日期", "published_on": "公示日期", "status": "公示状态",
}
CASE_LABELS = {
    "case_no": "案号", "agency": "执法主体", "party": "当事人", "violation": "违法行为", "procedure": "程序",
    "filed_on": "立案日期", "status": "状态", "is_major": "重大案件", "origin": "来源", "decision_no": "决定书文号",
    "decided_on": "决定日期", "fine_total": "罚款金额",
}


def _blank(v: object) -> bool:
    return v is None or bool(pd.isna(v))


def display_frame(df: pd.DataFrame, labels: Mapping[str, str], money: tuple[str, ...] = (),
                  dates: tuple[str, ...] = (), instants: tuple[str, ...] = ()) -> pd.DataFrame:
    """Keep the labelled columns, format money (¥…万), dates (2026年9月8日) and instants (Asia/Shanghai), rename to
    Chinese labels. Missing values (None, NaN, NaT) show as "—"."""
    out = df[[c for c in labels if c in df.columns]].copy()
    for col in instants:
        if col in out:
            out[col] = out[col].map(lambda v: "—" if _blank(v) else format_datetime(v))
    for col in money:
        if col in out:
            out[col] = out[col].map(lambda v: "—" if _blank(v) else format_yuan(v))
    for col in dates:
        if col in out:
            out[col] = out[col].map(lambda v: "—" if _blank(v) else format_date(v))
    for col in out.columns:
        if out[col].dtype == bool:
            out[col] = out[col].map({True: "是", False: "否"})
        elif out[col].dtype == object or pd.api.types.is_string_dtype(out[col]):
            # pandas 3 gives text columns the "str" dtype, whose missing values would otherwise show as "None".
            out[col] = out[col].map(lambda v: "—" if _blank(v) else v)
    return out.rename(columns=dict(labels))


def show_table(df: pd.DataFrame, *, key: str | None = None, selectable: bool = False, height: int | str = "auto"):
    """A read-only table; with ``selectable`` a single row can be picked (returns the selection event)."""
    if df.empty:
        st.info("没有符合条件的记录。")
        return None
    if selectable:
        return st.dataframe(df, hide_index=True, key=key, on_select="rerun", selection_mode="single-row",
                            height=height)
    st.dataframe(df, hide_index=True, height=height)
    return None
