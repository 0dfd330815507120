"""执法决定公示: search published decisions; every filter lives in the URL so a copied link reproduces the view."""

import streamlit as st

from components.cached import agency_names, public_decisions
from components.tables import DECISION_LABELS, display_frame, show_table
from domain.enums import ActionCategory, PenaltyType
from domain.filters import DecisionFilters, describe_filters, filters_from_params, filters_to_params
from domain.formatting import today_shanghai

today = today_shanghai()
st.title("执法决定公示")
current = filters_from_params(st.query_params.to_dict())
names = agency_names()

c1, c2, c3, c4 = st.columns([3, 2, 2, 1])
q = c1.text_input("关键词", value=current.q, placeholder="当事人名称、决定书文号、统一社会信用代码、违法行为…",
                  help="在决定书文号、单位名称、统一社会信用代码、违法行为、处罚依据和处罚内容中查找。自然人当事人仅显示为“姓氏+某”，不能按真实姓名检索。")
agency_ids = [None, *names]
agency = c2.selectbox("执法机关", agency_ids, index=agency_ids.index(current.agency_id) if current.agency_id in names else 0,
                      format_func=lambda i: "全部" if i is None else names[i])
categories = [None, *ActionCategory]
category = c3.selectbox("执法类别", categories, index=categories.index(current.category),
                        format_func=lambda c: "全部" if c is None else c.value)
years = [None, *range(today.year, 2022, -1)]
year = c4.selectbox("年度", years, index=years.index(current.year) if current.year in years else 0,
                    format_func=lambda y: "全部" if y is None else f"{y}年")
types = [None, *PenaltyType]
ptype = st.selectbox("处罚种类", types, index=types.index(current.penalty_type),
                     format_func=lambda t: "全部" if t is None else t.value)

chosen = DecisionFilters(q=q.strip()[:100], agency_id=agency, category=category, penalty_type=ptype, year=year,
                         page=current.page, page_size=current.page_size)
if (chosen.q, chosen.agency_id, chosen.category, chosen.penalty_type, chosen.year) != (
        current.q, current.agency_id, current.category, current.penalty_type, current.year):
    chosen = chosen.with_page(1)
st.query_params.from_dict(filters_to_params(chosen))

frame, total = public_decisions(chosen, today)
st.markdown(f"**{describe_filters(chosen, total, names.get(chosen.agency_id) if chosen.agency_id else None)}**")
st.caption("仅列出公示期内的决定。当事人为未成年人或者涉及国家秘密、商业秘密、个人隐私的决定依法不予公开；"
           "已撤回的决定只保留撤回记录。")
event = show_table(display_frame(frame, DECISION_LABELS, money=("fine_total",), dates=("decided_on", "published_on")),
                   key="decision_table", selectable=True)
if event is not None and event.selection.rows:
    picked = int(frame.iloc[event.selection.rows[0]]["id"])
    st.page_link("pages/decision.py", label=f"查看决定详情：{frame.iloc[event.selection.rows[0]]['decision_no']}",
                 query_params={"id": str(picked)}, icon=":material/open_in_new:")

pages = max(1, -(-total // chosen.page_size))
p1, p2, p3 = st.columns([1, 2, 1])
if p1.button("上一页", disabled=chosen.page <= 1, key="prev_page"):
    st.query_params["page"] = str(chosen.page - 1)
    st.rerun()
p2.caption(f"第 {min(chosen.page, pages)} / {pages} 页")
if p3.button("下一页", disabled=chosen.page >= pages, key="next_page"):
    st.query_params["page"] = str(chosen.page + 1)
    st.rerun()
