"""登录: the login form itself is served over HTTP at /auth/login (it sets the session cookie, which a Streamlit
page cannot); this page, kept for old links and the menu, sends the visitor there."""

import streamlit as st

from components.auth import login_url

st.title("工作人员登录")
st.caption("执法人员、法制审核人员、执法监督人员和管理员登录后可使用内部功能。公众查询无需登录。")
st.link_button("前往登录", login_url("/"), type="primary", icon=":material/login:")
