"""登录: local accounts (argon2). The public never needs to log in."""

import streamlit as st

from components.auth import sign_in
from components.data import get_engine
from db.commands import authenticate

st.title("工作人员登录")
st.caption("执法人员、法制审核人员、执法监督人员和管理员登录后可使用内部功能。公众查询无需登录。")
with st.form("login", enter_to_submit=True):
    username = st.text_input("用户名", key="login_username")
    password = st.text_input("密码", type="password", key="login_password")
    submitted = st.form_submit_button("登录", type="primary")
if submitted:
    if not username.strip() or not password:
        st.error("请输入用户名和密码。")
    else:
        actor = authenticate(get_engine(), username.strip(), password)
        if actor is None:
            st.error("用户名或密码错误，或账户已停用。")
        else:
            sign_in(actor)
            st.switch_page("pages/home.py")
