"""The one place that binds a page's filter widgets to the URL (``st.query_params``), for every page with filters.

Why not ``value=``/``index=`` taken from the URL: an unkeyed widget's identity includes its default, so once the URL
changed the next run created a *new* widget and dropped the visitor's pending choice — every second change was lost.
Here every filter widget has a stable key; its state is seeded from the URL only when the URL is not the one this page
wrote itself (a shared link, a page link, the first visit), and the page then writes its chosen filters back. The URL
format stays the one ``domain.filters`` reads and the open-data API accepts (ids and enum values, defaults left out).

Usage, before creating the widgets::

    url = UrlFilters("decisions", {"q": current.q, "agency": current.agency_id})
    q = st.text_input("关键词", key=url.key("q"))
    ...
    url.publish(filters_to_params(chosen))
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import streamlit as st

_WRITTEN = "_url_written"  # page → the query parameters that page last wrote


def _current_params() -> dict[str, str]:
    return {k: str(v) for k, v in st.query_params.to_dict().items()}


class UrlFilters:
    """Widget keys of one page (namespaced, so two pages' "agency" never share state) seeded from ``linked``."""

    def __init__(self, page: str, linked: Mapping[str, Any]) -> None:
        self.page = page
        written: dict[str, dict[str, str]] = st.session_state.setdefault(_WRITTEN, {})
        from_link = written.get(page) != _current_params()
        for name, value in linked.items():
            key = self.key(name)
            if from_link or key not in st.session_state:
                st.session_state[key] = value

    def key(self, name: str) -> str:
        return f"{self.page}.{name}"

    def publish(self, params: Mapping[str, str]) -> None:
        """Write the page's chosen filters to the URL (other parameters are dropped: the filters are the page's
        whole state) and remember them, so the next run keeps the widgets' own values."""
        clean = {k: str(v) for k, v in params.items()}
        if _current_params() != clean:
            st.query_params.from_dict(clean)
        st.session_state[_WRITTEN][self.page] = clean

