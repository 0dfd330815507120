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


LINK_COLUMN = "详情"  # the first column of a result table: each row's permalink
LINK_TEXT = "查看"


def permalink(url_path: str, record_id: object) -> str:
    """The address of a record's own page, e.g. ``/decision?id=12`` (relative to the server, so it works on any host)."""
    return f"/{url_path}?id={int(record_id)}"

# The search result table on screen: the 统一社会信用代码, 执法类别 and 执法结论 are on each decision's page and in the
# downloads; without them every column fits at 1440 px, and the agency shows by its short name.
DECISION_TABLE_LABELS = {k: v for k, v in DECISION_LABELS.items() if k not in ("uscc", "category", "conclusion")}
# Widths that keep every column of the result tables visible at 1440 px (a cut text shows whole on hover).
DECISION_WIDTHS = {"决定书文号": 170, "执法机关": 110, "当事人": 100, "违法行为类型": 150, "罚款金额": 80, "决定日期": 104,
                   "公示日期": 104, "公示状态": 72}
BENCHMARK_WIDTHS = {"编号": 56, "违法行为": 190, "裁量档次": 72, "裁量情节": 200, "裁量标准": 260, "处罚依据": 180}
# The staff case list on screen: 来源, 程序 and 决定书文号 are on the case's page (the 文号 is searchable above).
CASE_TABLE_LABELS = {k: v for k, v in CASE_LABELS.items() if k not in ("origin", "procedure", "decision_no")}
CASE_WIDTHS = {"案号": 150, "执法主体": 96, "当事人": 96, "违法行为": 116, "立案日期": 100, "状态": 80, "重大案件": 64,
               "决定日期": 100, "罚款金额": 80}


def with_short_agency_names(df: pd.DataFrame, short_by_name: Mapping[str, str], column: str = "agency") -> pd.DataFrame:
    """Agencies by their short names ("区市场监管局"), so that a narrow column still tells them apart."""
    if column not in df or df.empty:
        return df
    return df.assign(**{column: df[column].map(lambda n: short_by_name.get(n, n))})


def _blank(v: object) -> bool:
    return v is None or bool(pd.isna(v))


def display_frame(df: pd.DataFrame, labels: Mapping[str, str], money: tuple[str, ...] = (),
                  dates: tuple[str, ...] = (), instants: tuple[str, ...] = (),
                  link: tuple[str, str] | None = None) -> pd.DataFrame:
    """Keep the labelled columns, format money (¥…万), dates (2026年9月8日) and instants (Asia/Shanghai), rename to
    Chinese labels. Missing values (None, NaN, NaT) show as "—". ``link=(url_path, id column)`` puts each row's
    permalink first (shown as a "查看" link by :func:`show_table`)."""
    out = df[[c for c in labels if c in df.columns]].copy()
    if link is not None:
        url_path, id_column = link
        out.insert(0, LINK_COLUMN, [permalink(url_path, v) for v in df[id_column]])
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
        elif col != LINK_COLUMN and (out[col].dtype == object or pd.api.types.is_string_dtype(out[col])):
            # pandas 3 gives text columns the "str" dtype, whose missing values would otherwise show as "None".
            out[col] = out[col].map(lambda v: "—" if _blank(v) else v)
    return out.rename(columns=dict(labels))


def _dash_missing(df: pd.DataFrame) -> pd.DataFrame:
    """Every table, whoever built it, shows a missing value as "—" (never None, nan or NaT)."""
    gaps = [c for c in df.columns if df[c].isna().any()]
    if not gaps:
        return df
    return df.assign(**{c: df[c].astype(object).where(df[c].notna(), "—") for c in gaps})


# Number columns that are names, not quantities: no thousands separator (2025年, not 2,025).
PLAIN_NUMBER_LABELS = ("年度", "年份", "序号", "编号", "轮次", "对象编号", "事项编码")


def column_config(df: pd.DataFrame, widths: Mapping[str, str | int] | None = None) -> dict:
    """The permalink column as a pinned "查看" link; ``widths`` (label → "small"/"medium"/pixels) keeps wide tables
    inside the page so no column hides behind a horizontal scroll; counts get thousands separators (4,513) like the
    metrics and sentences beside them."""
    config: dict = {label: st.column_config.Column(width=w) for label, w in (widths or {}).items() if label in df}
    for label in df.columns:
        if (pd.api.types.is_integer_dtype(df[label]) and label not in PLAIN_NUMBER_LABELS
                and not str(label).endswith("号")):
            config[label] = st.column_config.NumberColumn(format="localized", width=(widths or {}).get(label))
    if LINK_COLUMN in df:
        config[LINK_COLUMN] = st.column_config.LinkColumn(LINK_COLUMN, display_text=LINK_TEXT, width=56, pinned=True,
                                                          help="打开这条记录的页面（可复制链接分享）")
    return config


def show_table(df: pd.DataFrame, *, key: str | None = None, selectable: bool = False, height: int | str = "auto",
               widths: Mapping[str, str | int] | None = None):
    """A read-only table; with ``selectable`` a single row can be picked (returns the selection event)."""
    if df.empty:
        st.info("没有符合条件的记录。")
        return None
    df = _dash_missing(df)
    config = column_config(df, widths)
    if selectable:
        return st.dataframe(df, hide_index=True, key=key, on_select="rerun", selection_mode="single-row",
                            height=height, column_config=config)
    st.dataframe(df, hide_index=True, height=height, column_config=config)
    return None
