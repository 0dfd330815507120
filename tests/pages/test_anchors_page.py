"""pages/anchors.py publishes today's 记录链锚点 and lists every anchor, with the same JSON as /api/v1/anchors."""

from __future__ import annotations

from starlette.applications import Starlette

import api
from db.anchors import list_anchors, verify_anchor
from tests.asgi import get
from tests.pages.conftest import make_app, no_errors


def test_public_anchor_page_and_api_publish_the_same_verifiable_anchor(writable_db) -> None:
    at = make_app()
    at.switch_page("pages/anchors.py").run()
    no_errors(at)
    shown = at.dataframe[0].value
    anchors = list_anchors(writable_db)
    assert len(anchors) == 1 and list(shown["根哈希"]) == [anchors[0].root]
    response = get(Starlette(routes=api.ROUTES), "/api/v1/anchors")
    assert response.status_code == 200
    items = response.json()["items"]
    assert items == [anchors[0].to_json()]
    assert verify_anchor(writable_db, items[0]) == []
