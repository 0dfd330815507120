"""What a visitor sees at an address that is not a page for them: a restricted page (请登录后查看, with a login link,
and nothing of the page itself), a page the signed-in role may not open, or an address that does not exist. app.py
registers these as hidden pages under the requested address, so Streamlit never falls back to its English
"Page not found" dialog or silently shows the home page."""

from __future__ import annotations

import streamlit as st
from streamlit.runtime.scriptrunner import get_script_run_ctx

from components.auth import current_actor, login_url
from components.text import md

HOME_PAGE = "pages/home.py"
SEARCH_PAGE = "pages/decisions.py"

def requested_page_name() -> str | None:
    """The page name in the address the browser asked for ("users" for /users), or None at the root.

    Read from the script run's page manager (not a public API; None if a Streamlit release moves it), because
    ``st.navigation`` must know it *before* it resolves the page to register a page for an unknown address."""
    ctx = get_script_run_ctx()
    name = getattr(getattr(ctx, "pages_manager", None), "intended_page_name", None)
    return name.strip("/") if isinstance(name, str) and name.strip("/") else None


def login_required() -> None:
    """A restricted page's address opened without an account (or with one whose role may not open it)."""
    if current_actor().is_authenticated:
        st.title("无权访问")
        st.warning("您当前登录的账户无权查看此页面。如需使用，请联系系统管理员。", icon=":material/block:")
        st.page_link(HOME_PAGE, label="返回首页", icon=":material/home:")
        return
    st.title("请登录后查看")
    st.info("此页面仅供执法人员、法制审核人员、执法监督人员和管理员使用，请先登录。公众查询执法信息无需登录。",
            icon=":material/lock:")
    # Back to this very address after signing in (the login form is an HTTP route: it sets the session cookie).
    st.link_button("前往登录", login_url(), type="primary", icon=":material/login:")
    st.page_link(SEARCH_PAGE, label="查询执法决定（无需登录）", icon=":material/search:")


def page_not_found() -> None:
    name = requested_page_name() or ""
    st.title("页面不存在")
    st.warning(f"没有找到地址为 /{md(name)} 的页面。它可能已移动，或链接有误。", icon=":material/search_off:")
    st.page_link(HOME_PAGE, label="返回首页", icon=":material/home:")
    st.page_link(SEARCH_PAGE, label="查询执法决定", icon=":material/search:")
