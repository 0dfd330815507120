"""The open-data API through the real server (manage.py serve → uvicorn → st.App): the routes are mounted next to
the UI on the same port, and the CSV really streams. No browser needed."""

from __future__ import annotations

import json
import urllib.error
import urllib.request


def _get(url: str) -> tuple[int, dict[str, str], bytes]:
    try:
        with urllib.request.urlopen(url, timeout=30) as r:
            return r.status, {k.lower(): v for k, v in r.headers.items()}, r.read()
    except urllib.error.HTTPError as exc:
        return exc.code, {k.lower(): v for k, v in exc.headers.items()}, exc.read()


def test_api_is_served_beside_the_ui(live_server) -> None:
    status, headers, body = _get(f"{live_server}/api/v1/decisions?page_size=3&sort=%E9%87%91%E9%A2%9D")
    assert status == 200 and headers["content-type"].startswith("application/json")
    data = json.loads(body)
    assert data["page_size"] == 3 and len(data["items"]) == 3 and data["total"] > 3

    status, headers, body = _get(f"{live_server}/api/v1/decisions.csv?status=%E5%B7%B2%E6%92%A4%E5%9B%9E")
    assert status == 200 and headers["content-type"].startswith("text/csv")
    assert body.startswith("\ufeff编号,决定书文号".encode())

    status, _, body = _get(f"{live_server}/api/v1/decisions/999999")
    assert status == 404 and "error" in json.loads(body)
    status, _, body = _get(f"{live_server}/api/v1/decisions?page_size=1000")
    assert status == 400 and "page_size" in json.loads(body)["error"]
    status, _, body = _get(f"{live_server}/api/v1/stats/annual?year=2025")
    assert status == 200 and json.loads(body)["year"] == 2025
