"""The app's engine: cached per database URL as a resource (never a session), checked for an up-to-date schema."""

from __future__ import annotations

import streamlit as st

from components.text import md
from db.engine import Engine, database_url, shared_engine
from db.migrate import schema_is_current


def engine_for(url: str) -> Engine:
    return shared_engine(url)


def get_engine() -> Engine:
    """The engine for DATABASE_URL; stops the page with a Chinese message when the database is unusable."""
    try:
        url = database_url()
    except ValueError as exc:
        st.error(f"数据库配置错误：{md(exc)}")
        st.stop()
    engine = engine_for(url)
    if not _schema_ready(url):
        st.error("数据库无法连接、尚未初始化或结构不是最新版本。请运行 `python manage.py init`（或 `make run`）。")
        st.stop()
    return engine


@st.cache_data(ttl=60, show_spinner=False)
def _schema_ready(url: str) -> bool:
    return schema_is_current(engine_for(url))
