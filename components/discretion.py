"""Rendering of discretion-benchmark checks, the 类案参考 panel and the per-item distribution chart. Usable from any
page (case, review form, supervision): the caller reads the data (db.discretion) and passes plain values here."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

import altair as alt
import pandas as pd
import streamlit as st

from components.text import md, show_text
from domain.discretion import format_yuan, resolve_range
from domain.discretion_check import (
    PUBLIC_MIN_GROUP,
    BenchmarkRule,
    DiscretionCheck,
    DiscretionFlag,
    Distribution,
    ResolutionStatus,
    TierRule,
)
from domain.enums import BenchmarkRangeKind

_FLAG_ICON = {DiscretionFlag.OUT_OF_RANGE: ":material/error:", DiscretionFlag.TIER_MISMATCH: ":material/warning:",
              DiscretionFlag.NO_STATEMENT: ":material/edit_note:", DiscretionFlag.MAY_NOT_PUNISH: ":material/info:",
              DiscretionFlag.NO_BASE: ":material/calculate:", DiscretionFlag.TOO_HEAVY: ":material/trending_up:",
              DiscretionFlag.TOO_LIGHT: ":material/trending_down:"}


def show_discretion_check(check: DiscretionCheck | None, *, tier_circumstance: str = "", tier_standard: str = "",
                          legal_basis: str = "",
                          resolutions: Sequence[tuple[DiscretionFlag, ResolutionStatus, str, str]] = ()) -> None:
    """One decision's (or proposed penalty's) check: where the amount lies, each flag with its explanation and
    help, how it was resolved, and the benchmark row it was checked against."""
    st.markdown("**裁量基准核查**")
    if check is None:
        st.info("该决定未关联裁量基准条目，或没有罚款金额，未作裁量基准核查。")
        return
    st.caption(f"适用{md(check.version)}第{md(check.item_no)}项"
               + (f"，认定档次：{md(check.claimed)}" if check.claimed else "")
               + (f"，按金额所在档次：{md(check.computed)}" if check.computed else ""))
    show_text(check.summary)
    resolved = {flag: (status, note, by) for flag, status, note, by in resolutions}
    if not check.findings:
        st.success("未发现问题：罚款在所认定档次幅度内，且有裁量说明。", icon=":material/check_circle:")
    for finding in check.findings:
        text = f"{md(finding.flag.value)}：{md(finding.explanation)}"
        done = resolved.get(finding.flag)
        if done is not None:
            text += f"（已处理：{md(done[0].value)}，{md(done[1])}，{md(done[2])}）"
        alert = st.error if finding.flag is DiscretionFlag.OUT_OF_RANGE and done is None else st.warning
        alert(text, icon=_FLAG_ICON[finding.flag])
        st.caption(md(finding.flag.help))
    if tier_standard or tier_circumstance:
        with st.expander("所适用的裁量基准原文"):
            if tier_circumstance:
                st.markdown("**裁量情节**")
                show_text(tier_circumstance)
            if tier_standard:
                st.markdown("**裁量标准**")
                show_text(tier_standard)
            if legal_basis:
                st.markdown("**法律依据**")
                show_text(legal_basis)


def _tier_range_text(tier: TierRule) -> str:
    return tier.standard.describe()


def show_comparable_panel(rule: BenchmarkRule, tier: TierRule | None, distribution: Distribution) -> None:
    """类案参考: the applicable range and tier with the benchmark's own text, and the fines of comparable published
    decisions (count, median, interquartile range), suppressed below three decisions."""
    st.markdown(f"**{md(rule.set_name)}第{md(rule.item_no)}项**")
    show_text(rule.violation)
    with st.expander("法律依据"):
        show_text(rule.legal_basis)
    if tier is not None:
        st.markdown(f"适用档次：**{md(tier.name)}**，裁量标准：{md(_tier_range_text(tier))}")
        if tier.circumstance:
            st.caption(f"裁量情节：{md(tier.circumstance)}")
        show_text(tier.standard.raw)
    else:
        st.caption("未选择档次：以下为该条目全部档次的同类决定。")
    c1, c2, c3 = st.columns(3)
    c1.metric("可比公示决定", f"{distribution.count:,}", help="已公示、未撤回、在公示期内的同一条目（及档次）的处罚决定数。")
    if distribution.suppressed:
        c2.metric("罚款中位数", "—", help=f"少于{PUBLIC_MIN_GROUP}件时不显示，以免从统计值推知单个决定。")
        c3.metric("四分位距", "—", help=f"少于{PUBLIC_MIN_GROUP}件时不显示。")
        st.info(f"可比公示决定少于{PUBLIC_MIN_GROUP}件，不显示统计值。")
        return
    assert distribution.median is not None and distribution.q1 is not None and distribution.q3 is not None
    c2.metric("罚款中位数", format_yuan(distribution.median), help="一半决定的罚款不高于此数。")
    c3.metric("四分位距", f"{format_yuan(distribution.q1)}至{format_yuan(distribution.q3)}",
              help="中间一半决定的罚款所在区间（第25至第75百分位）。")


def tier_bands(rule: BenchmarkRule, base_amount: Decimal | None = None) -> pd.DataFrame:
    """The money range of each tier of the item, for the coloured bands of the distribution chart."""
    rows = []
    for tier in rule.tiers:
        if tier.standard.kind is BenchmarkRangeKind.NON_MONETARY:
            continue
        band = resolve_range(tier.standard, base_amount)
        if band is None:
            continue
        rows.append({"档次": tier.name, "下限": float(band[0]), "上限": float(band[1])})
    return pd.DataFrame(rows, columns=["档次", "下限", "上限"]).drop_duplicates()


def distribution_chart(decisions: pd.DataFrame, bands: pd.DataFrame, selected: int | None) -> alt.LayerChart:
    """Fines of one item's decisions as a strip plot over the tier bands (coloured areas); the selected decision
    is drawn large and red. ``decisions`` is db.discretion.item_distribution."""
    data = decisions.assign(金额=decisions["罚款金额"].astype(float),
                            选中=decisions["decision_id"] == (selected if selected is not None else -1))
    points = alt.Chart(data).mark_circle(opacity=0.7).encode(
        x=alt.X("金额:Q", title="罚款金额（元）"),
        y=alt.Y("认定档次:N", title="认定档次"),
        color=alt.condition(alt.datum.选中, alt.value("#d62728"), alt.value("#4c78a8")),
        size=alt.condition(alt.datum.选中, alt.value(220), alt.value(40)),
        tooltip=[alt.Tooltip("决定书文号:N"), alt.Tooltip("金额:Q", title="罚款金额", format=",.2f"),
                 alt.Tooltip("认定档次:N"), alt.Tooltip("标记:N"), alt.Tooltip("稳健z值:Q")],
    )
    layers: list[alt.Chart] = []
    if not bands.empty:
        layers.append(alt.Chart(bands).mark_rect(opacity=0.18).encode(
            x=alt.X("下限:Q", title="罚款金额（元）"), x2="上限:Q",
            color=alt.Color("档次:N", title="裁量档次（幅度）", legend=alt.Legend(orient="bottom")),
            tooltip=[alt.Tooltip("档次:N"), alt.Tooltip("下限:Q", format=",.0f"), alt.Tooltip("上限:Q", format=",.0f")]))
    return alt.layer(*layers, points).properties(title="同一裁量基准条目的罚款分布", height=260)
