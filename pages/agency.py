"""执法主体详情 (?id=…): 执法主体 facts, 权责清单, officers with certificates valid today, 随机抽查事项, 救济渠道,
and the discretion benchmarks in force (行政处罚法 art. 34)."""

import streamlit as st

from components.cached import public_decisions
from components.data import get_engine
from components.flow import procedure_flow_chart
from components.tables import BENCHMARK_WIDTHS, DECISION_TABLE_LABELS, DECISION_WIDTHS, display_frame, show_table
from components.text import md, show_text
from components.words import CHOOSE
from db.public import agency_major_catalogue, agency_profile, benchmark_table
from domain.filters import DecisionFilters
from domain.formatting import format_count, format_date, today_shanghai
from domain.params import parse_id

agency_id = parse_id(st.query_params.get("id", ""))
profile = agency_profile(get_engine(), agency_id, today_shanghai()) if agency_id is not None else None
if profile is None:
    st.title("执法主体详情")
    st.warning("未找到该执法主体。")
    st.page_link("pages/agencies.py", label="返回执法主体列表", icon=":material/arrow_back:")
    st.stop()

st.title(md(profile.name))
st.markdown(f"{md(profile.level)} · {md(profile.kind)}执法主体 · {md(profile.region_name)}  \n"
            f"地址：{md(profile.address)}  \n联系电话：{md(profile.contact)}")
tabs = st.tabs(["职责与依据", "权责清单", "执法人员", "随机抽查事项", "裁量基准", "执法流程", "救济渠道", "执法决定",
                "重大执法决定法制审核目录清单"])
with tabs[0]:
    st.markdown(f"**主要职责**：{md(profile.duties)}")
    st.markdown(f"**执法依据**：{md(profile.legal_basis_summary)}")
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
    if not profile.benchmarks.empty:
        sets = dict(zip(profile.benchmarks["id"], profile.benchmarks["name"], strict=True))
        chosen = st.selectbox("查看裁量基准内容", list(sets), format_func=lambda i: sets[i], placeholder=CHOOSE)
        keyword = st.text_input("按违法行为或依据筛选", key="benchmark_q")
        table = benchmark_table(get_engine(), int(chosen))
        if keyword.strip():
            table = table[table["violation"].str.contains(keyword.strip(), regex=False)
                          | table["legal_basis"].str.contains(keyword.strip(), regex=False)]
        show_table(display_frame(table, {"item_no": "编号", "violation": "违法行为", "tier": "裁量档次",
                                         "circumstance": "裁量情节", "standard_text": "裁量标准", "legal_basis": "处罚依据"}),
                   widths=BENCHMARK_WIDTHS)
with tabs[5]:
    st.altair_chart(procedure_flow_chart())
    st.caption("简易程序：违法事实确凿并有法定依据，对公民处二百元以下、对法人或者其他组织处三千元以下罚款或者警告的，"
               "可以当场作出行政处罚决定（行政处罚法第五十一条）。")
with tabs[6]:
    show_text(profile.remedy_channels)
    st.markdown("- 行政复议：自知道该行政行为之日起 **60 日**内提出（行政复议法第二十条）。\n"
                "- 行政诉讼：自知道作出行政行为之日起 **6 个月**内提起（行政诉讼法第四十六条）。")
with tabs[7]:
    latest, total = public_decisions(DecisionFilters(agency_id=profile.id, page_size=10), today_shanghai())
    st.caption(f"本机关公示期内的执法决定共 {format_count(total)} 条，以下为最新公示的 {format_count(len(latest))} 条。")
    show_table(display_frame(latest, DECISION_TABLE_LABELS, money=("fine_total",), dates=("decided_on", "published_on"),
                             link=("decision", "id")), widths=DECISION_WIDTHS)
    st.page_link("pages/decisions.py", label="查询本机关的全部执法决定", query_params={"agency": str(profile.id)},
                 icon=":material/search:")
with tabs[8]:
    st.caption("作出下列重大执法决定前，应当进行法制审核；未经法制审核或者审核未通过的，不得作出决定"
               "（国办发〔2018〕118号第（十二）项，行政处罚法第五十八条）。")
    for number, line in enumerate(agency_major_catalogue(get_engine(), profile.id), start=1):
        st.markdown(f"{md(number)}. {md(line)}")
