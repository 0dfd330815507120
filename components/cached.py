"""Cached reads for the pages. Keys carry the database URL and everything that decides visibility; public data is
redacted inside db.public before it is cached, so a cached frame never holds unmasked personal data."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import streamlit as st

from components.data import _engine_for, get_engine
from db import public
from db.engine import database_url
from domain.filters import DecisionFilters


def _url() -> str:
    get_engine()  # stops the page with a message when the database is not ready
    return database_url()


@st.cache_data(ttl="5m", show_spinner="正在查询…")
def _public_decisions(url: str, filters: DecisionFilters, today: dt.date) -> tuple[pd.DataFrame, int]:
    return public.load_public_decisions(_engine_for(url), filters, today)


def public_decisions(filters: DecisionFilters, today: dt.date) -> tuple[pd.DataFrame, int]:
    return _public_decisions(_url(), filters, today)


@st.cache_data(ttl="5m", show_spinner=False)
def _public_summary(url: str, today: dt.date) -> public.PublicSummary:
    return public.public_summary(_engine_for(url), today)


def public_summary(today: dt.date) -> public.PublicSummary:
    return _public_summary(_url(), today)


@st.cache_data(ttl="10m", show_spinner=False)
def _agency_names(url: str) -> dict[int, str]:
    return public.agency_names(_engine_for(url))


def agency_names() -> dict[int, str]:
    return _agency_names(_url())
