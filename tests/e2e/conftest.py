"""The real server (manage.py serve) on a free local port, shared by the browser and API journeys."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def serve(database_url: str, folder: Path) -> Iterator[str]:
    """``manage.py serve`` on a free port for ``database_url`` until the block ends; yields the base URL."""
    port = _free_port()
    log_path = folder / "server.log"
    log = log_path.open("wb")  # a file, not a pipe: an unread pipe fills up and blocks the server
    proc = subprocess.Popen([sys.executable, str(ROOT / "manage.py"), "serve", "--port", str(port), "--host",
                             "127.0.0.1"], cwd=ROOT, env=dict(os.environ, DATABASE_URL=database_url), stdout=log,
                            stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(120):
            try:
                with urllib.request.urlopen(f"{base}/health", timeout=1) as r:
                    if r.status == 200:
                        break
            except OSError:
                time.sleep(0.25)
        else:
            pytest.fail("server did not start: " + log_path.read_text(errors="replace")[-4000:])
        yield base
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        log.close()


@pytest.fixture(scope="session")
def live_server(seeded_sqlite, tmp_path_factory) -> Iterator[str]:
    with serve(seeded_sqlite[0], tmp_path_factory.mktemp("server")) as base:
        yield base


@pytest.fixture(scope="module")
def chromium():
    """One Chromium per test module (pages and contexts are cheap; launching is not). Not per session: Playwright's
    sync API keeps an event loop running while it is open, and later tests call asyncio.run (tests/asgi.py)."""
    from playwright.sync_api import sync_playwright

    from tests.e2e.browser import launch

    with sync_playwright() as p:
        b = launch(p)
        yield b
        b.close()
