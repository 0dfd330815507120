"""Database and user values on screen as text, never as Markdown or HTML (rules in domain/markup.py).

Every page puts a value into ``st.markdown``/``st.caption``/alerts/titles/labels only through :func:`md`, and shows
a stored block of text (facts, legal basis, conclusion …) with :func:`show_text`. tests/test_markup_guard.py
rejects any other value in those calls.
"""

from __future__ import annotations

import datetime as dt
from enum import Enum
from typing import Any

import streamlit as st

from domain.markup import escape_markdown

MISSING = "—"


def md(value: Any) -> str:
    """``value`` as Markdown showing exactly its text; an Enum shows its Chinese value, a missing value "—"."""
    if value is None:
        return MISSING
    if isinstance(value, Enum):
        value = value.value
    if isinstance(value, dt.date):
        value = value.isoformat()
    return escape_markdown(str(value))


def show_text(value: Any) -> None:
    """A stored block of text as a paragraph, exactly as written (replaces ``st.write(value)``)."""
    st.markdown(md(value))
