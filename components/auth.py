"""Who is using the app, and the per-page guard. The actor lives in server-side session state, set only by the
login form (tests set it directly); everyone else is the PUBLIC_ACTOR null object."""

from __future__ import annotations

import streamlit as st

from domain.enums import Role
from domain.permissions import PUBLIC_ACTOR, Actor, Permission, can

SESSION_KEY = "actor"


def current_actor() -> Actor:
    value = st.session_state.get(SESSION_KEY)
    if isinstance(value, Actor):
        return value
    if isinstance(value, dict) and value.get("role"):
        try:
            return Actor(
                username=str(value.get("username", value.get("email", "user"))),
                display_name=str(value.get("display_name", value.get("username", "用户"))),
                role=Role(value["role"]),
                agency_id=value.get("agency_id"),
                user_id=value.get("user_id"),
                officer_id=value.get("officer_id"),
            )
        except ValueError:
            return PUBLIC_ACTOR
    return PUBLIC_ACTOR


def sign_in(actor: Actor) -> None:
    st.session_state[SESSION_KEY] = actor


def sign_out() -> None:
    st.session_state.pop(SESSION_KEY, None)


def require(permission: Permission) -> Actor:
    """First line of every restricted page: a guessed URL or a stale link shows a message and nothing else."""
    actor = current_actor()
    if not can(actor, permission):
        st.error("您无权访问此页面。请使用具有相应权限的账户登录。")
        st.stop()
    return actor
