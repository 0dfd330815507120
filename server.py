"""ASGI entry point (``manage.py serve`` → uvicorn): the Streamlit UI plus plain HTTP routes on one port."""

from __future__ import annotations

import time
import urllib.parse
from pathlib import Path

# Imported here, at server start, because the first visitor's first chart page would otherwise import it inside
# its script run (about 1 s of that visitor's first load); every chart component uses it.
import altair  # noqa: F401
import anyio
import streamlit as st
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse
from starlette.routing import Route
from streamlit.runtime.pages_manager import PagesManager

from api import ROUTES as API_ROUTES
from auth_routes import ROUTES as AUTH_ROUTES

ROOT = Path(__file__).resolve().parent

# app.py routes with st.navigation. Streamlit switches to its legacy directory mode whenever a pages/ folder sits
# beside the entry script, until the first visit to "/" runs st.navigation; in that mode a direct URL such as
# /users runs the page file without app.py's role-filtered navigation. Fix the mode before the first request.
PagesManager.uses_pages_directory = False


HEALTH_FRESH_SECONDS = 1.0
_health_seen: list[tuple[float, bool]] = []  # (monotonic time, answer) of the last check


def _database_ok() -> bool:
    from db.engine import public_read_engine
    from db.migrate import schema_is_current

    try:
        return schema_is_current(public_read_engine())
    except Exception:  # any failure to reach or read the database: answered as unavailable, never as a traceback
        return False


async def health(_request: Request) -> JSONResponse:
    """Whether the database is reachable and migrated. The check runs in a worker thread (a blocking read on the
    event loop would stall every websocket and request while the pool is busy) and its answer is reused for a
    second, so a load balancer polling under load gets its answer in well under 5 ms."""
    now = time.monotonic()
    if _health_seen and now - _health_seen[-1][0] < HEALTH_FRESH_SECONDS:
        ok = _health_seen[-1][1]
    else:
        ok = await anyio.to_thread.run_sync(_database_ok)
        _health_seen[:] = [(now, ok)]
    return JSONResponse({"status": "ok" if ok else "database_unavailable"}, status_code=200 if ok else 503)


async def page_file(request: Request) -> RedirectResponse:
    """/pages/users.py (an old-style Streamlit address, or a guess from the source tree) → /users: the browser would
    otherwise get a blank page; the page's own address then shows it, asks to log in, or says it does not exist."""
    stem = request.path_params["name"].removesuffix(".py")
    return RedirectResponse("/" + urllib.parse.quote(stem), status_code=307)


# Login and logout (auth_routes.py) and the open-data API (api.py) are served by the same process and port as the
# UI; user routes are matched first.
app = st.App(str(ROOT / "app.py"), routes=[Route("/health", health), Route("/pages/{name}", page_file),
                                                *AUTH_ROUTES, *API_ROUTES])
