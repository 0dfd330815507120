"""用户管理: accounts and roles (管理员 only)."""

import streamlit as st

from components.auth import require
from components.data import get_engine
from components.tables import display_frame, show_table
from components.text import md
from components.words import CHOOSE
from db.accounts import set_password, set_role
from db.commands import create_user, set_user_active
from db.queries import agency_options, load_users
from domain.enums import Role
from domain.permissions import Permission

actor = require(Permission.USERS_WRITE)
engine = get_engine()
st.title("用户管理")
users = load_users(engine)
show_table(display_frame(users, {"username": "用户名", "display_name": "姓名", "role": "角色", "agency": "执法主体",
                                 "is_active": "启用", "last_login_at": "最近登录"}, instants=("last_login_at",)))

names = agency_options(engine)
if created := st.session_state.pop("users_created", None):
    st.success(f"已创建账户 {md(created)}。")
# The form keeps what was typed when the input is refused; a new version gives empty fields after a success.
v = st.session_state.setdefault("new_user_version", 0)
with st.form(f"new_user_{v}"):
    st.subheader("新建账户")
    c1, c2 = st.columns(2)
    username = c1.text_input("用户名", key=f"nu_username_{v}")
    display_name = c2.text_input("姓名", key=f"nu_name_{v}")
    role = c1.selectbox("角色", [r for r in Role if r is not Role.PUBLIC], format_func=lambda r: r.value, index=None,
                        placeholder=CHOOSE, key=f"nu_role_{v}", help="执法人员和法制审核人员须属于一个执法主体。")
    agency = c2.selectbox("执法主体", [None, *names], format_func=lambda i: "（不属于执法主体）" if i is None else names[i],
                          placeholder=CHOOSE, key=f"nu_agency_{v}")
    password = st.text_input("初始密码", type="password", key=f"nu_password_{v}",
                             help="至少12位；不能是常见密码，也不能包含用户名。用户名只用小写字母、数字和 _ . -。")
    if st.form_submit_button("创建", type="primary"):
        # Without a role nothing is written, but every other problem is still reported in the same pass.
        result = create_user(engine, username=username.strip(), display_name=display_name.strip(),
                             role=role.value if role else "", password=password, agency_id=agency,
                             actor=actor.username)
        if result.ok:
            st.session_state["new_user_version"] = v + 1
            st.session_state["users_created"] = username.strip()
            st.rerun()
        if role is None:
            st.error("请选择角色。")
        for message in result.errors:
            if role is not None or not message.startswith("未知角色"):
                st.error(md(message))

with st.form("toggle_user"):
    st.subheader("停用或启用账户")
    options = dict(zip(users["id"], users["username"], strict=True))
    target = st.selectbox("账户", list(options), format_func=lambda i: options[i], placeholder=CHOOSE)
    active = st.radio("状态", ["启用", "停用"], horizontal=True) == "启用"
    if st.form_submit_button("保存"):
        if target == actor.user_id and not active:
            st.error("不能停用当前登录的账户。")
        else:
            result = set_user_active(engine, int(target), active, actor.username)
            st.success("已保存。") if result.ok else st.error(md("；".join(result.errors)))

with st.form("change_password", clear_on_submit=True):
    st.subheader("重设密码")
    st.caption("重设后，该账户已登录的会话全部失效，锁定同时解除。")
    target = st.selectbox("账户", list(options), format_func=lambda i: options[i], key="password_target", placeholder=CHOOSE)
    new_password = st.text_input("新密码", type="password", help="至少12位；不能是常见密码，也不能包含用户名。")
    if st.form_submit_button("重设密码"):
        result = set_password(engine, options[target], new_password, actor.username)
        if result.ok:
            st.success(f"已重设 {md(options[target])} 的密码。")
        else:
            for message in result.errors:
                st.error(md(message))

with st.form("change_role"):
    st.subheader("修改角色")
    st.caption("该用户的下一次操作即按新角色和执法主体授权。")
    target = st.selectbox("账户", list(options), format_func=lambda i: options[i], key="role_target", placeholder=CHOOSE)
    c1, c2 = st.columns(2)
    new_role = c1.selectbox("新角色", [r for r in Role if r is not Role.PUBLIC], format_func=lambda r: r.value,
                            key="role_new", placeholder=CHOOSE)
    new_agency = c2.selectbox("执法主体", [None, *names], key="role_agency",
                              format_func=lambda i: "（不属于执法主体）" if i is None else names[i], placeholder=CHOOSE)
    if st.form_submit_button("保存角色"):
        if target == actor.user_id:
            st.error("不能修改当前登录账户自己的角色。")
        else:
            result = set_role(engine, options[target], new_role.value, new_agency, actor.username)
            st.success("已保存，下一次操作即生效。") if result.ok else st.error(md("；".join(result.errors)))
