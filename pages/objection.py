"""提出异议 (?decision=决定编号 or ?code=统一社会信用代码; ?ticket=异议编号 shows its status): anyone may report an
error in a published decision or an entity profile; the publishing agency answers within 10 working days."""

import datetime as dt
import uuid

import pandas as pd
import streamlit as st

from components.data import get_engine
from components.text import md
from db.inspections import CONTACT_MAX, OBJECTION_MAX, objection_public, submit_objection
from db.public import public_decision
from domain.credit import OBJECTION_LIMIT, OBJECTION_WORKDAYS, ROLLING_HOURS
from domain.formatting import format_date, today_shanghai
from domain.identifiers import validate_uscc
from domain.params import clean_text, parse_id

engine = get_engine()
today = today_shanghai()
st.title("提出异议")

ticket = parse_id(st.query_params.get("ticket", ""))
if ticket is not None:
    found = objection_public(engine, ticket)
    if found.empty:
        st.warning("未找到该异议。")
    else:
        st.subheader("异议办理情况")
        row = found.iloc[0]
        answered = None if pd.isna(row["answered_on"]) else row["answered_on"]
        st.markdown(f"**异议编号**：{md(row['id'])}　**状态**：{md(row['status'])}  \n"
                    f"**提交日期**：{format_date(row['submitted_on'])}　**答复期限**：{format_date(row['due_on'])}")
        st.markdown(f"**异议内容**：{md(row['content'])}")
        if answered is not None:
            st.markdown(f"**答复**（{format_date(answered)}）：{md(row['answer'])}")

decision_id = parse_id(st.query_params.get("decision", ""))
check = validate_uscc(clean_text(st.query_params.get("code", ""), 30))
decision = public_decision(engine, decision_id, today) if decision_id is not None else None
if decision is not None:
    st.markdown(f"**异议对象**：执法决定 {md(decision.decision_no)}（{md(decision.agency)}）")
    subject = {"decision_id": decision.id}
elif decision_id is None and check.ok:
    st.markdown(f"**异议对象**：统一社会信用代码为 {md(check.normalized)} 的市场主体信息")
    subject = {"uscc": check.normalized}
else:
    if ticket is None:
        st.warning("请从执法决定详情页或市场主体信用信息页进入，以确定对哪一项信息提出异议。")
    st.page_link("pages/entity.py", label="查询市场主体", icon=":material/search:")
    st.stop()

st.caption(f"公示机关应在提交后 {OBJECTION_WORKDAYS} 个工作日内答复（按国家法定节假日和调休安排计算），答复及更正记入公示记录。"
           f"为防止滥用，同一来源 {ROLLING_HOURS} 小时内最多提交 {OBJECTION_LIMIT} 条异议。异议内容和答复将公开，"
           "请勿填写身份证号、电话等个人信息；联系方式仅供公示机关答复使用，不公开。")

if "objection_client" not in st.session_state:
    st.session_state["objection_client"] = uuid.uuid4().hex
# The client's address when the server sees one; otherwise (local access) this browser session.
address = st.context.ip_address
client = address if isinstance(address, str) and address else st.session_state["objection_client"]

with st.form("objection_form", clear_on_submit=False):
    content = st.text_area("异议内容", max_chars=OBJECTION_MAX, placeholder="哪一项信息有误，正确的应是什么，有何依据")
    contact = st.text_input("联系方式（选填，不公开）", max_chars=CONTACT_MAX)
    submitted = st.form_submit_button("提交异议", type="primary")
if submitted:
    result = submit_objection(engine, content=content, contact=contact, client=client, now=dt.datetime.now(dt.UTC),
                              **subject)
    if result.ok:
        st.success(f"异议已提交，编号 {md(result.id)}。公示机关将在 {OBJECTION_WORKDAYS} 个工作日内答复，可凭编号查看办理情况。")
        st.page_link("pages/objection.py", label=f"查看异议 {md(result.id)} 的办理情况",
                     query_params={"ticket": str(result.id)}, icon=":material/open_in_new:")
    else:
        for message in result.errors:
            st.error(md(message))
st.caption(f"今天是 {format_date(today)}。")
