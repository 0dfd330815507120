"""记录链锚点: the daily Merkle root over every case's chain head, published so that anyone can keep a copy and
later check that the enforcement record was not rewritten (manage.py verify-chain --anchor)."""

import pandas as pd
import streamlit as st

from components.data import get_engine
from components.tables import show_table
from db.anchors import dumps, list_anchors, publish_today

st.title("记录链锚点")
st.caption("执法全过程记录按案件逐条以哈希链相连。每天发布一次锚点：当时全部案件记录链末端的默克尔根哈希，以及审计日志哈希链的末端。"
           "保存任意一天的锚点，日后即可核对该日之前的记录是否被改写或删除——即使改写者重新计算了全部哈希。")
engine = get_engine()
publish_today(engine)
anchors = list_anchors(engine)
frame = pd.DataFrame([{"日期": a.anchored_on, "根哈希": a.root, "案件数": a.cases, "执法记录截至编号": a.max_event_id,
                       "审计日志截至编号": a.max_audit_id, "审计日志链哈希": a.audit_head} for a in anchors])
show_table(frame)
st.download_button("下载全部锚点（JSON）", dumps(anchors), file_name="记录链锚点.json", mime="application/json",
                   help="与开放接口 /api/v1/anchors 的内容相同。核对方法：python manage.py verify-chain --anchor 文件或网址")
