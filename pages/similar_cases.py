"""类案参考 (public, officers, reviewers): choose a benchmark item and tier → the applicable range with the
benchmark's own text, and the fines of comparable published decisions (suppressed below three).
``?item=<benchmark item id>&tier=<tier id>``."""

import streamlit as st

from components.data import get_engine
from components.discretion import show_comparable_panel
from components.words import CHOOSE
from db.discretion import benchmark_choices, comparable_decisions, item_rule
from domain.formatting import today_shanghai
from domain.params import parse_id

engine = get_engine()
today = today_shanghai()
st.title("类案参考")
st.caption("按违法行为（裁量基准条目）和裁量档次，查看适用的罚款幅度及其依据，以及已公示的同类处罚决定的罚款分布。"
           "仅统计已公示、未撤回、在公示期内的决定；不足3件时不显示统计值。")
choices = {c.item_id: c.label for c in benchmark_choices(engine, today)}
if not choices:
    st.info("暂无现行有效的裁量基准。")
    st.stop()
linked = parse_id(st.query_params.get("item", ""))
options = [None, *choices]
item_id = st.selectbox("违法行为（裁量基准条目）", options, index=options.index(linked) if linked in choices else 0,
                       format_func=lambda i: "请选择" if i is None else choices[i], placeholder=CHOOSE)
rule = item_rule(engine, item_id) if item_id is not None else None
if rule is None:
    st.query_params.from_dict({})
    st.stop()
tiers = {t.tier_id: t for t in rule.tiers}
linked_tier = parse_id(st.query_params.get("tier", ""))
tier_options = [None, *tiers]
tier_id = st.selectbox("裁量情节（档次）", tier_options,
                       index=tier_options.index(linked_tier) if linked_tier in tiers else 0,
                       format_func=lambda t: "全部档次" if t is None else
                       f"{tiers[t].name}：{tiers[t].circumstance[:60] or tiers[t].standard.describe()}", placeholder=CHOOSE)
st.query_params.from_dict({k: str(v) for k, v in (("item", item_id), ("tier", tier_id)) if v is not None})
show_comparable_panel(rule, tiers.get(tier_id) if tier_id is not None else None,
                      comparable_decisions(engine, item_id, tier_id, today))
