"""待脱敏复核: decisions held back from publication because their text still holds personal data after redaction."""

import streamlit as st

from components.auth import require
from components.data import get_engine
from components.tables import display_frame, show_table
from db.projection import held_records
from domain.permissions import Permission

require(Permission.DATA_IMPORT)
st.title("待脱敏复核")
st.caption("执法决定的公示内容在写入时统一脱敏；脱敏后仍检出个人信息（如无法识别格式的证件号、联系方式）的决定暂不公示，"
           "列于此处。原因只写字段和信息种类，不显示信息本身。请核对原文、修改后重新导入，系统将重新生成公示内容。"
           "公示前即被暂缓的决定，其公示时限按实际发布之日计算。")
frame = held_records(get_engine())
if frame.empty:
    st.success("目前没有待脱敏复核的执法决定：全部决定的公示内容均已脱敏。")
else:
    st.metric("待脱敏复核", f"{len(frame):,} 件", help="脱敏后仍含个人信息、暂不公示的执法决定数。")
    show_table(display_frame(frame, {"id": "编号", "decision_no": "决定书文号", "agency": "执法机关",
                                     "decided_on": "决定日期", "held_reason": "原因", "projected_at": "生成时间"},
                             instants=("projected_at",)))
