"""审计日志: every write command's audit entry, newest first (管理员 only)."""

import streamlit as st

from components.auth import require
from components.data import get_engine
from components.tables import display_frame, show_table
from db.queries import load_audit
from domain.permissions import Permission

require(Permission.AUDIT_READ)
st.title("审计日志")
st.caption("系统中每一次写操作（账户、导入、记录、审核等）都会留下审计记录，不可修改。显示最近 500 条。")
show_table(display_frame(load_audit(get_engine()), {"occurred_at": "时间", "actor": "操作人", "action": "操作",
                                                  "entity": "对象", "entity_id": "对象编号", "detail": "详情"},
                         instants=("occurred_at",)))
