"""案件详情 (?id=…): the full record for staff, with the 记录完整性 (hash chain) badge."""

import streamlit as st

from components.auth import require
from components.data import get_engine
from components.tables import show_table
from db.integrity import case_chain_status
from db.queries import case_detail
from domain.formatting import format_date, format_datetime
from domain.permissions import Permission, can_access_agency

actor = require(Permission.CASES_READ)
engine = get_engine()
raw_id = st.query_params.get("id", "")
detail = case_detail(engine, int(raw_id)) if raw_id.isdigit() else None
if detail is None or not can_access_agency(actor, detail.agency_id):
    st.title("案件详情")
    st.warning("未找到该案件，或您无权查看其他执法主体的案件。")
    st.stop()

st.title(f"案件 {detail.case_no}")
broken = case_chain_status(engine, detail.id)
if broken is None:
    st.success("记录完整性：已验证，全过程记录未被改动。", icon=":material/verified:")
else:
    st.error(f"记录完整性：第 {broken.seq} 条记录处断裂（{broken.reason}）。", icon=":material/gpp_bad:")
if detail.unreviewed_major:
    st.warning("该案为重大执法决定，但没有通过法制审核的记录（历史导入数据，按未经法制审核处理）。")

c1, c2, c3 = st.columns(3)
c1.markdown(f"**执法主体**：{detail.agency}  \n**当事人**：{detail.party}（{detail.party_type}）")
c2.markdown(f"**程序**：{detail.procedure}  \n**立案日期**：{format_date(detail.filed_on)}  \n**状态**：{detail.status}")
c3.markdown(f"**重大案件**：{'是（' + detail.major_reasons + '）' if detail.is_major else '否'}  \n**来源**：{detail.origin}")
st.markdown(f"**违法行为**：{detail.violation}")
st.write(detail.facts)
if detail.decision_no:
    st.markdown(f"**决定**：{detail.decision_no}（{format_date(detail.decided_on)}）{detail.conclusion}")
if detail.internal_note:
    st.caption(f"内部备注：{detail.internal_note}")

st.subheader("执法全过程记录")
events = detail.events.copy()
if not events.empty:
    events["occurred_at"] = events["occurred_at"].map(format_datetime)
    events = events.drop(columns=["hash"]).rename(columns={
        "seq": "序号", "occurred_at": "时间", "stage": "环节", "action": "执法行为", "officer_cert_nos": "执法证号",
        "document_no": "文书编号", "record_forms": "记录形式", "location": "地点", "note": "备注"})
show_table(events)
st.subheader("法制审核")
show_table(detail.reviews.rename(columns={"round_no": "轮次", "submitted_on": "报送日期", "reviewed_on": "审核日期",
                                          "outcome": "审核结论", "opinion": "审核意见"}))
