"""A minimal ASGI client for the API tests: starlette.testclient needs httpx2, which the project does not install,
and a plain GET is all the open-data API serves."""

from __future__ import annotations

import asyncio
import json
import urllib.parse
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass
class AsgiResponse:
    status_code: int
    headers: dict[str, str]
    content: bytes
    set_cookies: tuple[str, ...] = ()  # every Set-Cookie header (the dict keeps only the last)

    def cookie(self, name: str) -> str | None:
        """The value a Set-Cookie header gives ``name`` ("" when it deletes it), or None when none mentions it."""
        for header in self.set_cookies:
            key, _, rest = header.partition("=")
            if key.strip() == name:
                return rest.split(";", 1)[0].strip('"')
        return None

    @property
    def text(self) -> str:
        return self.content.decode("utf-8")

    def json(self) -> Any:
        return json.loads(self.content)


def get(app: Any, path: str, params: dict[str, Any] | list[tuple[str, Any]] | None = None,
        method: str = "GET", body: bytes = b"", headers: list[tuple[str, str]] | None = None,
        client: str = "127.0.0.1", gone_after_blocks: int | None = None,
        while_gone: Callable[[], None] | None = None) -> AsgiResponse:
    """``gone_after_blocks``: the client goes away after that many body blocks (a cancelled download);
    ``while_gone`` is then called before the failed answer is let go of."""
    query = urllib.parse.urlencode(params or {}, doseq=False).encode()
    scope = {
        "type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": method, "scheme": "http",
        "path": path, "raw_path": urllib.parse.quote(path).encode(), "query_string": query, "root_path": "",
        "headers": [(b"host", b"testserver"), *((k.lower().encode(), v.encode()) for k, v in headers or [])],
        "server": ("testserver", 80), "client": (client, 50000),
    }
    sent: list[dict] = []
    received = False

    async def receive() -> dict:
        nonlocal received
        if not received:
            received = True
            return {"type": "http.request", "body": body, "more_body": False}
        await asyncio.sleep(3600)  # the client never disconnects during a test
        return {"type": "http.disconnect"}

    async def send(message: dict) -> None:
        sent.append(message)
        bodies = sum(m["type"] == "http.response.body" for m in sent)
        if gone_after_blocks is not None and bodies > gone_after_blocks:
            raise OSError("the client closed the connection")  # as uvicorn's send does once the socket is gone

    async def serve() -> None:
        try:
            await app(scope, receive, send)
        except OSError:
            if gone_after_blocks is None:
                raise
        if while_gone is not None:  # the server's event loop goes on, as uvicorn's does
            while_gone()

    asyncio.run(serve())
    start = next(m for m in sent if m["type"] == "http.response.start")
    content = b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body")
    raw = [(k.decode().lower(), v.decode()) for k, v in start.get("headers", [])]
    return AsgiResponse(start["status"], dict(raw), content, tuple(v for k, v in raw if k == "set-cookie"))


def post_form(app: Any, path: str, fields: dict[str, str], cookies: dict[str, str] | None = None,
              client: str = "127.0.0.1", csrf: bool = True) -> AsgiResponse:
    """POST ``fields`` urlencoded, as a browser submits a form. With ``csrf`` (the default) a matching csrf cookie
    and field are sent, as the login form would; ``cookies`` are sent as the Cookie header."""
    cookies = dict(cookies or {})
    fields = dict(fields)
    if csrf:
        cookies.setdefault("zhifa_csrf", "csrf-token-for-tests")
        fields.setdefault("csrf", cookies["zhifa_csrf"])
    headers = [("content-type", "application/x-www-form-urlencoded")]
    if cookies:
        headers.append(("cookie", "; ".join(f"{k}={v}" for k, v in cookies.items())))
    return get(app, path, method="POST", body=urllib.parse.urlencode(fields).encode(), headers=headers, client=client)
