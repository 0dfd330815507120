"""Downloads of the current search (CSV and JSON): the same redacted rows as the table, in the open-data format of
the API (domain.opendata). No Streamlit calls and no SQL here — the page wires these into ``st.download_button``.

Up to ``DOWNLOAD_LIMIT`` rows the page offers download buttons whose data is generated only when clicked (a
callable: Streamlit runs it in a separate thread, so it must not use the page's script context or caches), page by
page from a generator. Streamlit keeps a finished download in memory, so a larger result links to the API's
streamed export instead, which the same server sends row batch by row batch.
"""

from __future__ import annotations

import datetime as dt
import urllib.parse
from collections.abc import Callable
from functools import partial
from typing import Literal

from db.engine import shared_engine
from db.public import PUBLIC_COLUMNS, iter_public_decisions
from domain.filters import DecisionFilters, describe_filters, filters_to_api_params
from domain.opendata import batched_text, csv_lines, json_document

DOWNLOAD_LIMIT = 50_000
Format = Literal["csv", "json"]
MIME = {"csv": "text/csv", "json": "application/json"}


def search_download(url: str, filters: DecisionFilters, today: dt.date, fmt: Format, total: int) -> bytes:
    """Every row of the search ``filters`` (all pages, at most DOWNLOAD_LIMIT) as CSV or JSON bytes; JSON has the
    API's shape ``{"total", "items"}``."""
    # The process's shared engine (thread-safe): this runs outside the script thread when the button is clicked.
    rows = iter_public_decisions(shared_engine(url), filters, today, limit=DOWNLOAD_LIMIT)
    chunks = (csv_lines(rows, PUBLIC_COLUMNS) if fmt == "csv"
              else json_document(rows, {"total": total}))
    return b"".join(batched_text(chunks))


def deferred_download(url: str, filters: DecisionFilters, today: dt.date, fmt: Format,
                      total: int) -> Callable[[], bytes]:
    return partial(search_download, url, filters, today, fmt, total)


def download_name(filters: DecisionFilters, total: int, agency_name: str | None, fmt: Format) -> str:
    sentence = describe_filters(filters, total, agency_name)
    safe = "".join(c for c in sentence.replace(" ", "_") if c not in '\\/:*?"<>|“”')
    return f"执法决定_{safe}.{fmt}"


def api_export_url(filters: DecisionFilters, fmt: Format) -> str:
    """The streamed export of the same result set on the open-data API (same process, same port)."""
    params = filters_to_api_params(filters)
    return f"/api/v1/decisions.{fmt}" + ("?" + urllib.parse.urlencode(params) if params else "")
