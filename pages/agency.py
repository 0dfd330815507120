"""执法主体详情 (?id=…): 执法主体 facts, 权责清单, officers with certificates valid today, 随机抽查事项, 救济渠道,
and the discretion benchmarks in force (行政处罚法 art. 34)."""

import streamlit as st

from components.data import get_engine
from components.tables import display_frame, show_table
from db.public import agency_profile
from domain.formatting import format_date, today_shanghai

raw_id = st.query_params.get("id", "")
profile = agency_profile(get_engine(), int(raw_id), today_shanghai()) if raw_id.isdigit() else None
if profile is None:
    st.title("执法主体详情")
    st.warning("未找到该执法主体。")
    st.page_link("pages/agencies.py", label="返回执法主体列表", icon=":material/arrow_back:")
    st.stop()

st.title(profile.name)
st.markdown(f"{profile.level} · {profile.kind}执法主体 · {profile.region_name}  \n地址：{profile.address}  \n联系电话：{profile.contact}")
tabs = st.tabs(["职责与依据", "权责清单", "执法人员", "随机抽查事项", "裁量基准", "救济渠道"])
with tabs[0]:
    st.markdown(f"**主要职责**：{profile.duties}")
    st.markdown(f"**执法依据**：{profile.legal_basis_summary}")
with tabs[1]:
    show_table(display_frame(profile.matters, {"code": "事项编码", "name": "事项名称", "category": "类别",
                                               "legal_basis": "设定依据", "time_limit_days": "办理时限（工作日）"}))
with tabs[2]:
    st.caption(f"仅列出执法证在 {format_date(today_shanghai())} 有效的人员。")
    show_table(display_frame(profile.officers, {"name": "姓名", "cert_no": "执法证号", "enforcement_field": "执法类别",
                                                "cert_valid_to": "证件有效期至"}, dates=("cert_valid_to",)))
with tabs[3]:
    show_table(display_frame(profile.inspection_items, {"seq": "序号", "item": "检查项目", "sub_item": "检查子项",
                                                        "basis": "检查依据", "method": "检查方式", "content": "检查内容"}))
with tabs[4]:
    st.caption("行政处罚法第三十四条：行政处罚裁量基准应当向社会公布。")
    show_table(display_frame(profile.benchmarks, {"name": "裁量基准", "issuer": "制定机关", "effective_from": "施行日期",
                                                  "effective_to": "废止日期", "items": "违法行为条目数"},
                             dates=("effective_from", "effective_to")))
with tabs[5]:
    st.write(profile.remedy_channels)
