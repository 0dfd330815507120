"""A minimal ASGI client for the API tests: starlette.testclient needs httpx2, which the project does not install,
and a plain GET is all the open-data API serves."""

from __future__ import annotations

import asyncio
import json
import urllib.parse
from dataclasses import dataclass
from typing import Any


@dataclass
class AsgiResponse:
    status_code: int
    headers: dict[str, str]
    content: bytes

    @property
    def text(self) -> str:
        return self.content.decode("utf-8")

    def json(self) -> Any:
        return json.loads(self.content)


def get(app: Any, path: str, params: dict[str, Any] | list[tuple[str, Any]] | None = None,
        method: str = "GET", headers: dict[str, str] | None = None) -> AsgiResponse:
    query = urllib.parse.urlencode(params or {}, doseq=False).encode()
    scope = {
        "type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": method, "scheme": "http",
        "path": path, "raw_path": urllib.parse.quote(path).encode(), "query_string": query, "root_path": "",
        "headers": [(b"host", b"testserver"),
                    *((k.lower().encode(), v.encode()) for k, v in (headers or {}).items())],
        "server": ("testserver", 80), "client": ("127.0.0.1", 50000),
    }
    sent: list[dict] = []
    received = False

    async def receive() -> dict:
        nonlocal received
        if not received:
            received = True
            return {"type": "http.request", "body": b"", "more_body": False}
        await asyncio.sleep(3600)  # the client never disconnects during a test
        return {"type": "http.disconnect"}

    async def send(message: dict) -> None:
        sent.append(message)

    asyncio.run(app(scope, receive, send))
    start = next(m for m in sent if m["type"] == "http.response.start")
    body = b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body")
    headers = {k.decode().lower(): v.decode() for k, v in start.get("headers", [])}
    return AsgiResponse(start["status"], headers, body)
