"""审计日志: every write command's audit entry, newest first (管理员 only), in words, filterable by operation and user."""

import streamlit as st

from components.auth import require
from components.data import get_engine
from components.tables import display_frame, show_table
from components.url_state import UrlFilters
from components.words import ALL
from db.queries import load_audit
from domain.labels import actor_label, audit_action_label, audit_detail_text, record_label
from domain.params import clean_text
from domain.permissions import Permission

require(Permission.AUDIT_READ)
st.title("审计日志")
st.caption("系统中每一次写操作（账户、导入、记录、审核等）都会留下审计记录，不可修改。显示最近 500 条。")
entries = load_audit(get_engine())
entries = entries.assign(actor=entries["actor"].map(actor_label), action=entries["action"].map(audit_action_label),
                         entity=entries["entity"].map(record_label), detail=entries["detail"].map(audit_detail_text))
actions = sorted(set(entries["action"]))
url = UrlFilters("audit", {"action": st.query_params.get("action") if st.query_params.get("action") in actions else None,
                           "actor": clean_text(st.query_params.get("actor", ""), 50)})
c1, c2 = st.columns([1, 1])
action = c1.selectbox("操作", [None, *actions], key=url.key("action"), placeholder=ALL,
                      format_func=lambda a: ALL if a is None else a)
actor = c2.text_input("操作人（用户名，包含即可）", key=url.key("actor"), max_chars=50)
url.publish({k: v for k, v in {"action": action or "", "actor": actor.strip()}.items() if v})
shown = entries
if action:
    shown = shown[shown["action"] == action]
if actor.strip():
    shown = shown[shown["actor"].str.contains(actor.strip(), regex=False)]
st.caption(f"共 {len(shown):,} 条" + ("（已按条件筛选）" if len(shown) != len(entries) else "") + "。")
show_table(display_frame(shown, {"occurred_at": "时间", "actor": "操作人", "action": "操作", "entity": "对象",
                                 "entity_id": "对象编号", "detail": "详情"}, instants=("occurred_at",)),
           widths={"详情": "large"})
