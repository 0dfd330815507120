"""Who is using the app, and the per-page guard.

The login itself is an HTTP route (auth_routes.py): it sets a signed, HttpOnly session cookie. Every Streamlit run
reads that cookie through ``st.context.cookies`` and resolves it against the database (db.accounts.resolve_session),
so the actor is the user as stored right now: a deactivated account or a changed role takes effect on the next
click, and a reload or a new tab is still signed in. Everyone else is the PUBLIC_ACTOR null object.

``is_signed_in`` and ``login_url`` are the one place other pages ask "signed in?" and "where do I log in?".
"""

from __future__ import annotations

import urllib.parse

import streamlit as st

from components.data import engine_for, get_engine
from db.accounts import demo_accounts_open, end_session, resolve_session, secret_key
from domain.accounts import SESSION_COOKIE, unsign
from domain.accounts import login_url as _login_url
from domain.permissions import PUBLIC_ACTOR, Actor, Permission, can

# AppTest cannot send cookies (its context has no cookies), so page tests put the same signed cookie value here;
# it is resolved exactly like the browser's cookie. Only server-side code writes session state.
APPTEST_COOKIE_KEY = "session_cookie"


def _session_token() -> str | None:
    signed = st.context.cookies.get(SESSION_COOKIE)
    if not isinstance(signed, str):  # no cookie (under AppTest, a stand-in object)
        signed = st.session_state.get(APPTEST_COOKIE_KEY)
    return unsign(signed if isinstance(signed, str) else None, secret_key())


def current_actor() -> Actor:
    token = _session_token()
    if token is None:
        return PUBLIC_ACTOR
    return resolve_session(get_engine(), token) or PUBLIC_ACTOR


def is_signed_in() -> bool:
    return current_actor().is_authenticated


def current_path() -> str:
    """This page's path and query string, as the browser shows them ("/" when unknown)."""
    url = st.context.url
    if not isinstance(url, str) or not url:
        return "/"
    parts = urllib.parse.urlsplit(url)
    # st.context.url carries no query string: the page's parameters (a case id, filters) come from st.query_params.
    query = parts.query or urllib.parse.urlencode(
        [(key, value) for key in st.query_params for value in st.query_params.get_all(key)])
    return (parts.path or "/") + (f"?{query}" if query else "")


def login_url(next_path: str | None = None) -> str:
    """The login form, returning to ``next_path`` (default: the current page) afterwards."""
    return _login_url(next_path if next_path is not None else current_path())


def sign_out() -> None:
    """End this browser's session in the database: the cookie it still holds no longer resolves. Audited."""
    end_session(get_engine(), _session_token())
    st.session_state.pop(APPTEST_COOKIE_KEY, None)


@st.cache_data(ttl=60, show_spinner=False)
def _open_demo_accounts(url: str) -> list[str]:
    return demo_accounts_open(engine_for(url))


def demo_accounts_warning() -> str | None:
    """The banner text while sample accounts still accept the published password, else None."""
    names = _open_demo_accounts(get_engine().url.render_as_string(hide_password=False))
    if not names:
        return None
    return (f"演示环境：{len(names)} 个样例账户仍使用公开的演示密码，任何人都能登录。"
            "正式使用前，管理员须修改这些账户的密码或停用它们。")


def require(permission: Permission) -> Actor:
    """First line of every restricted page: a guessed URL or a stale link shows a message and nothing else."""
    actor = current_actor()
    if not can(actor, permission):
        st.error("您无权访问此页面。请使用具有相应权限的账户登录。")
        st.stop()
    return actor
