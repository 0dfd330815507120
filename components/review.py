"""Rendering for 法制审核: the review clock in words and colours, and the sections of the review form. Takes data,
never queries; the pages decide what to pass."""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from typing import Any

import pandas as pd
import streamlit as st

from components.text import md, show_text
from domain.formatting import format_date, format_yuan

CLOCK_COLOURS = {"即将到期": "background-color: #fff3cd", "已逾期": "background-color: #f8d7da"}


def clock_text(remaining: Any, state: str) -> str:
    """剩余3个工作日 / 今日到期 / 逾期2个工作日 / 材料不全，待补充."""
    if remaining is None or (isinstance(remaining, float) and math.isnan(remaining)):
        return state
    days = int(remaining)
    if days < 0:
        return f"逾期{-days}个工作日"
    return "今日到期" if days == 0 else f"剩余{days}个工作日"


def queue_colours(table: pd.DataFrame, states: Sequence[str]):
    """Yellow rows when two working days or fewer remain, red when overdue."""
    colours = list(states)
    return table.style.apply(lambda row: [CLOCK_COLOURS.get(colours[row.name], "")] * len(row), axis=1)


def proposal_section(items: Iterable[tuple[str, Any]], legal_basis: str, facts: str, explanation: str) -> None:
    """拟处理决定: penalty items and amounts, legal basis, 违法事实 and why the case is major."""
    st.markdown("**拟处罚种类及金额**")
    for kind, amount in items:
        st.markdown(f"- {md(kind)}" + (f"：{format_yuan(amount, compact=False)}" if amount is not None else ""))
    st.markdown("**拟适用的法律依据**")
    show_text(legal_basis)
    st.markdown("**违法事实**")
    show_text(facts)
    if explanation:
        st.markdown(f"**重大执法决定情形**：{md(explanation)}")


def recorded_benchmark_section(item: str | None, tier: str | None, standard: str | None, claimed_tier: str | None,
                               statement: str) -> None:
    """裁量基准运用: what the case records now (benchmark item, tier and its standard, the claimed tier, 裁量说明).
    The discretion check of the proposed fine and the 类案参考 panel are added here."""
    st.markdown(f"**适用的裁量基准条目**：{md(item) if item else '未关联裁量基准条目'}")
    st.markdown(f"**适用档次**：{md(tier) if tier else '—'}　**承办机构主张的裁量阶次**："
                f"{md(claimed_tier) if claimed_tier else '未填写'}")
    if standard:
        st.caption(f"该档次标准：{md(standard)}")
    st.markdown("**裁量说明**")
    if statement:
        show_text(statement)
    else:
        st.warning("未填写裁量说明。")


def materials_section(labels: Sequence[tuple[str, str]], provided: Iterable[str]) -> None:
    """送审材料: each item with whether it was handed over."""
    have = set(provided)
    for key, label in labels:
        st.markdown(f"- {'已提交' if key in have else '**缺少**'}：{md(label)}")


def rounds_table(rounds: Sequence[Any]) -> pd.DataFrame:
    """Every round, oldest first, for the case page and the review form (no blank shows as None)."""
    rows = [{"轮次": f"第{r.round_no}轮", "报送日期": format_date(r.submitted_on),
             "审核日期": format_date(r.reviewed_on), "审核结论": r.conclusion.value if r.conclusion else "待审核",
             "审核人员": r.reviewer or "—", "审核意见": r.opinion or "—",
             "存在问题的事项": "；".join(f"{k}：{v.get('comment') or '未说明'}" for k, v in r.checklist.items()
                                       if isinstance(v, dict) and not v.get("ok", True)) or "—"}
            for r in rounds]
    return pd.DataFrame(rows)


def _counted(board: pd.DataFrame) -> pd.Series:
    """How many cases each row stands for: the ``cases`` column of tallies, or one per row of a case list."""
    return board["cases"] if "cases" in board.columns else pd.Series(1, index=board.index)


def review_duration_chart(board: pd.DataFrame):
    """Working days from first submission to approval (or to today while open), per agency: one tick per agency,
    duration and status, with the number of cases in the tooltip — cases at the same spot drew the same tick, and a
    chart of a million cases must not carry one row per case to the browser. ``board`` is a case list or tallies
    (with a ``cases`` column)."""
    import altair as alt

    timed = board.assign(_cases=_counted(board)).dropna(subset=["review_workdays"])
    data = (timed.groupby(["agency", "review_workdays", "status"], observed=True)["_cases"].sum()
            .reset_index(name="件数")
            .rename(columns={"agency": "执法主体", "review_workdays": "审核用时（工作日）", "status": "法制审核状态"}))
    data = data[data["件数"] > 0]
    return alt.Chart(data).mark_tick(thickness=2, size=18).encode(
        x=alt.X("审核用时（工作日）:Q", title="审核用时（工作日）"),
        y=alt.Y("执法主体:N", title="执法主体"),
        color=alt.Color("法制审核状态:N", title="法制审核状态"),
        tooltip=["执法主体", "审核用时（工作日）", "法制审核状态", "件数"],
    ).properties(title="各执法主体法制审核用时", height=alt.Step(28))


def outcome_mix(board: pd.DataFrame) -> pd.DataFrame:
    """Per agency: how many major decisions stand in each status (columns in workflow order). ``board`` is a case
    list or tallies (with a ``cases`` column)."""
    order = ["待提交", "待审核", "审核中", "存在问题待修改", "建议移送司法机关", "同意", "已决定", "未经法制审核"]
    if board.empty:
        return pd.DataFrame(columns=["执法主体", *order])
    counted = board.assign(_cases=_counted(board), _overdue=_counted(board) * board["overdue"].astype(int))
    mix = (counted.pivot_table(index="agency", columns="status", values="_cases", aggfunc="sum", fill_value=0)
           .reindex(columns=order, fill_value=0).astype(int))
    mix.columns.name = "status"
    mix["重大决定合计"] = mix.sum(axis=1)
    mix["审核超时"] = counted.groupby("agency")["_overdue"].sum().reindex(mix.index).fillna(0).astype(int)
    return mix.reset_index().rename(columns={"agency": "执法主体"})


def workdays_text(board: pd.DataFrame) -> pd.DataFrame:
    """The board with its time in review as text (an open case without submission has none: "—")."""
    return board.assign(review_workdays=board["review_workdays"].map(lambda v: "—" if pd.isna(v) else f"{int(v)}"))
