"""裁量分布 (执法监督人员): the fines of one benchmark item's decisions over its tier bands, with the selected decision
highlighted. ``?item=<benchmark item id>&decision=<decision id>``."""

import streamlit as st

from components.auth import require
from components.data import get_engine
from components.discretion import distribution_chart, tier_bands
from components.tables import display_frame, show_table
from components.text import md, show_text
from components.words import CHOOSE
from db.discretion import benchmark_choices, item_distribution, item_of_decision, item_rule
from domain.formatting import today_shanghai
from domain.params import parse_id
from domain.permissions import Permission

require(Permission.SUPERVISION_READ)
engine = get_engine()
st.title("裁量基准条目罚款分布")
st.caption("同一裁量基准条目下各决定的罚款金额（圆点）与各档次幅度（色块）。相对幅度（按违法所得等基数计算）的档次因案而异，"
           "不画色块。")

selected = parse_id(st.query_params.get("decision", ""))
item_id = parse_id(st.query_params.get("item", ""))
if item_id is None and selected is not None:
    item_id = item_of_decision(engine, selected)
choices = {c.item_id: c.label for c in benchmark_choices(engine, today_shanghai())}
if item_id is not None and item_id not in choices:
    rule = item_rule(engine, item_id)
    if rule is None:
        st.warning("未找到该裁量基准条目，请从下方选择。")
        item_id = None
    else:
        choices[item_id] = f"{rule.set_name}：{rule.item_no}"
options = [None, *choices]
item_id = st.selectbox("裁量基准条目", options, index=options.index(item_id) if item_id in choices else 0,
                       format_func=lambda i: "请选择" if i is None else choices[i], placeholder=CHOOSE)
st.query_params.from_dict({k: str(v) for k, v in (("item", item_id), ("decision", selected)) if v is not None})
if item_id is None:
    st.stop()
rule = item_rule(engine, item_id)
if rule is None:
    st.warning("未找到该裁量基准条目。")
    st.stop()
show_text(rule.violation)
decisions = item_distribution(engine, item_id)
if decisions.empty:
    st.info("该条目下还没有经核查的决定。")
    st.stop()
if selected is not None and selected not in set(decisions["decision_id"]):
    st.caption("所选决定不属于该条目，未突出显示。")
    selected = None
st.altair_chart(distribution_chart(decisions, tier_bands(rule), selected), width="stretch")
if selected is not None:
    row = decisions[decisions["decision_id"] == selected].iloc[0]
    st.markdown(f"突出显示：**{md(row['决定书文号'])}**，罚款{md(row['罚款金额'])}元，{md(row['同类比较'])}")
show_table(display_frame(decisions, {k: k for k in ("决定书文号", "决定日期", "执法主体", "认定档次", "罚款金额", "标记",
                                                    "稳健z值", "同类比较")},
                         money=("罚款金额",), dates=("决定日期",)))
