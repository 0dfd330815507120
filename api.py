"""Open-data HTTP API, served by the same process as the UI: server.py mounts ``ROUTES`` in
``st.App``. Read-only and anonymous — it shows exactly what the public pages show, through db.public (same
lifecycle rules, same redaction, ``assert_public_record`` on every item).

    GET /api/v1/decisions             one page: {"total", "total_exact", "page", "page_size", "next", "items"};
                                      page_size ≤ 500; ``next`` is the ``after`` cursor of the following page (null
                                      on the last): ?after=… reads the rows after it by index range (deep pages cost
                                      what page 1 costs); ``page`` then is null; after together with page is a 400.
                                      ``total_exact`` is false only for a text no index answers (one common
                                      character, a digit) with more than 10,000 matches: ``total`` is then 10000,
                                      "at least"; ?count=exact counts them all (slower once, then cached)
    GET /api/v1/decisions.csv         every matching row, streamed (UTF-8 with BOM, Chinese headers)
    GET /api/v1/decisions.json        every matching row, streamed: {"total", "items"}
    GET /api/v1/decisions/{id}        one decision as on its page; 404 when unknown or not public
    GET /api/v1/stats/annual?year=Y   年度行政执法数据 with small-cell suppression
    GET /api/v1/draws                 every 双随机 draw (commitment, whether the seed is revealed)
    GET /api/v1/draws/{id}            one draw: commitment, reveal, pools, ratios, selection, and its recomputation
    GET /api/v1/inspections           published inspection results; ?uscc=统一社会信用代码, ?draw=抽取 id
    GET /api/v1/entities?q=…          organisations by name or code (never natural persons)
    GET /api/v1/entities/{uscc}       an entity profile: decisions (public projection), penalty periods, inspections,
                                      credit class with the rule that fired
    GET /api/v1/anchors               every 记录链锚点, newest first: {"items": [...]} (verify-chain --anchor URL)

Filters (all optional): q, agency (id, code or full name), category, type, year, month, amount, status, sort,
order; see domain/filters.py. A bad parameter is HTTP 400 ``{"error": "…"}`` in Chinese, quoting at most 50
characters of what was sent; numbers and ids are ASCII digits only, within the column's range (domain/params.py).
Money is a string with two decimals, dates are ISO 8601. Endpoints are plain functions: Starlette runs them in its
thread pool, so the blocking database calls never stall the event loop that also serves the UI's websockets.
"""

from __future__ import annotations

import json
import threading
import time
import urllib.parse
from collections import OrderedDict
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from typing import Any

import anyio
from starlette.requests import Request
from starlette.responses import Response, StreamingResponse
from starlette.routing import Route

from db import inspections, public, stats, summaries
from db.anchors import list_anchors, publish_today
from db.engine import Engine, database_url, public_read_engine, shared_engine, version_read_engine
from db.flights import SingleFlight
from domain.draw import published_json, verify_draw
from domain.filters import DecisionFilters, FilterError, describe_filters, filters_from_api_params
from domain.formatting import today_shanghai
from domain.identifiers import validate_uscc
from domain.opendata import batched_text, csv_lines, dumps, json_document, json_record
from domain.params import ParamError, clean_text, parse_id, quote_input, require_int
from domain.statistics import SUPPRESSION_NOTE

PREFIX = "/api/v1"
HEADERS = {"Access-Control-Allow-Origin": "*", "Cache-Control": "public, max-age=60"}

def _engine() -> Engine:
    return shared_engine()


def _reader() -> Engine:
    """Read-only pooled connections for the list and decision routes (db.engine.public_read_engine). Streamed
    exports keep a connection for the whole download, so they use the shared engine's pool instead of this one."""
    return public_read_engine()


class _ResponseCache:
    """Finished JSON answers of the list and decision routes, keyed by (route, normalised query, database, public data
    version, day, exact counts taken): the version rises on every write to the index or projection, the publication
    period is judged against the day, and a bounded "at least" total gives way once an exact count of the same text
    was asked for (db.public.exact_count_generation), so an entry can never be stale — old versions simply stop being
    asked for and age out. Bounded in entries and in bytes (least recently used first), so memory stays flat however
    many distinct queries arrive; a repeated request then costs one primary-key read of the version."""

    def __init__(self, max_entries: int, max_bytes: int) -> None:
        self.max_entries, self.max_bytes = max_entries, max_bytes
        self._items: OrderedDict[tuple, bytes] = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()
        self.flights = SingleFlight()

    def get(self, key: tuple) -> bytes | None:
        with self._lock:
            body = self._items.get(key)
            if body is not None:
                self._items.move_to_end(key)
            return body

    def put(self, key: tuple, body: bytes) -> None:
        if len(body) > self.max_bytes // 8:
            return  # one huge page must not push out hundreds of small ones
        with self._lock:
            old = self._items.pop(key, None)
            self._bytes -= len(old) if old is not None else 0
            self._items[key] = body
            self._bytes += len(body)
            while self._items and (len(self._items) > self.max_entries or self._bytes > self.max_bytes):
                _, dropped = self._items.popitem(last=False)
                self._bytes -= len(dropped)

    def one_at_a_time(self, key: tuple) -> AbstractContextManager[None]:
        """Requests for the same answer, one after another: the first computes it and puts it here, the others wait
        and then find it, so 20 clients asking a fresh server for the same new page compute it once, not 20 times
        at once on two cores. It removes duplicated work only: a fresh server's first seconds of varied load are
        still bounded by computing each distinct answer once (docs/performance.md, PostgreSQL at 1M)."""
        return self.flights.one_at_a_time(key)

    def clear(self) -> None:
        with self._lock:
            self._items.clear()
            self._bytes = 0

    @property
    def size(self) -> tuple[int, int]:
        with self._lock:
            return len(self._items), self._bytes


RESPONSES = _ResponseCache(max_entries=4096, max_bytes=64 * 1024 * 1024)


class _TTLCache:
    """A tiny time-limited cache for values that are expensive and identical for every caller (agency lookups, the
    suppressed annual report). Only public, already-redacted values are stored."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self._items: dict[Any, tuple[float, Any]] = {}
        self._lock = threading.Lock()

    def get(self, key: Any, compute: Callable[[], Any]) -> Any:
        now = time.monotonic()
        with self._lock:
            hit = self._items.get(key)
            if hit and now - hit[0] < self.seconds:
                return hit[1]
        value = compute()
        with self._lock:
            self._items[key] = (now, value)
        return value


_agencies = _TTLCache(600)
_annual = _TTLCache(600)


JSON_TYPE = "application/json; charset=utf-8"


def _json(payload: Any, status: int = 200) -> Response:
    return Response(dumps(payload), status_code=status, media_type=JSON_TYPE, headers=HEADERS)


def _error(message: str, status: int = 400) -> Response:
    return _json({"error": message}, status)


def _params(request: Request) -> dict[str, str]:
    """Query parameters, one value each: a repeated parameter is refused rather than guessed."""
    out: dict[str, str] = {}
    for key, value in request.query_params.multi_items():
        if key in out:
            raise FilterError(f"参数 {quote_input(key)} 重复出现，只能给一次")
        out[key] = value
    return out


def _filters(request: Request) -> DecisionFilters:
    params = _params(request)
    engine = _reader()
    keys = _agencies.get(database_url(), lambda: public.agency_keys(engine))
    return filters_from_api_params(params, agency_ids=keys)


def _attachment(f: DecisionFilters, total: int, suffix: str) -> dict[str, str]:
    label = describe_filters(f, total).replace(" ", "_").replace("/", "_")
    quoted = urllib.parse.quote(f"执法决定_{label}.{suffix}")
    return {**HEADERS, "Content-Disposition": f"attachment; filename=\"decisions.{suffix}\"; filename*=UTF-8''{quoted}"}


def _validated(handler: Callable[[Request], Response], *, cached: bool = False) -> Callable[[Request], Response]:
    """HTTP validation for the decision routes: the ETag is the public data version (raised by every write to the
    index or projection) and the day (the publication period is judged against it). A client or proxy that sends
    it back in If-None-Match gets 304 after one primary-key read, without the list being counted or read again.
    ``cached`` routes (JSON answers, not streams) also keep their 200 answers in RESPONSES under the same key."""

    def answer(request: Request) -> Response:
        version, day = public.public_data_version(version_read_engine()), today_shanghai().isoformat()
        tag = f'W/"{version}-{day}"'
        if tag in {t.strip() for t in request.headers.get("if-none-match", "").split(",")}:
            return Response(status_code=304, headers={**HEADERS, "ETag": tag})
        key = (handler.__name__, request.url.path, tuple(sorted(request.query_params.multi_items())),
               database_url(), version, day, public.exact_count_generation())
        if not cached:
            response = handler(request)
            if response.status_code == 200:
                response.headers["ETag"] = tag
            return response
        if (body := RESPONSES.get(key)) is not None:
            return Response(body, media_type=JSON_TYPE, headers={**HEADERS, "ETag": tag})
        with RESPONSES.one_at_a_time(key):
            if (body := RESPONSES.get(key)) is not None:  # computed by the request this one waited for
                return Response(body, media_type=JSON_TYPE, headers={**HEADERS, "ETag": tag})
            response = handler(request)
            if response.status_code == 200:
                response.headers["ETag"] = tag
                RESPONSES.put(key, bytes(response.body))
        return response

    answer.__name__ = handler.__name__
    return answer


def _cached_json(handler: Callable[[Request], Response]) -> Callable[[Request], Response]:
    return _validated(handler, cached=True)


@_cached_json
def decisions(request: Request) -> Response:
    try:
        f = _filters(request)
    except FilterError as exc:
        return _error(str(exc))
    found = public.public_decision_page(_reader(), f, today_shanghai())
    return _json({"total": found.total, "total_exact": found.total_exact, "page": None if f.after else f.page,
                  "page_size": f.page_size, "next": found.next, "items": [json_record(r) for r in found.rows]})


class _Download(StreamingResponse):
    """A streamed export whose blocks come from a database cursor (or COPY): when the client goes away, Starlette
    stops sending but never closes the iterator, which kept its pooled connection (and a running COPY) until the
    garbage collector found it. This response closes it as soon as the answer ends, however it ends, in a worker
    thread (closing a COPY cancels it on the server and waits for that)."""

    def __init__(self, blocks: Iterator[bytes], **kwargs: Any) -> None:
        self._blocks = blocks
        super().__init__(blocks, **kwargs)

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        try:
            await super().__call__(scope, receive, send)
        finally:
            close = getattr(self._blocks, "close", None)
            if close is not None:
                with anyio.CancelScope(shield=True):
                    await anyio.to_thread.run_sync(close)


def _export_request(request: Request) -> tuple[DecisionFilters, int, bool] | Response:
    try:
        f = _filters(request)
    except FilterError as exc:
        return _error(str(exc))
    paged = bool({"page", "page_size", "after"} & set(request.query_params))
    return f, public.count_public_decisions(_engine(), f, today_shanghai()), paged


@_validated
def decisions_csv(request: Request) -> Response:
    """Every matching row as CSV, written by the database on PostgreSQL and from a cursor of open-data text
    into one csv writer elsewhere (public.public_csv; docs/performance.md has the measured rates and what bounds
    them); a page (page/page_size/after) goes through the same rows as the JSON list."""
    found = _export_request(request)
    if isinstance(found, Response):
        return found
    f, total, paged = found
    engine, today = _engine(), today_shanghai()
    if paged:
        blocks = batched_text(csv_lines(iter(public.public_decision_rows(engine, f, today)[0]), public.PUBLIC_COLUMNS))
    else:
        blocks = public.public_csv(engine, f, today)
    return _Download(blocks, media_type="text/csv; charset=utf-8", headers=_attachment(f, total, "csv"))


@_validated
def decisions_json(request: Request) -> Response:
    """Every matching record as one JSON document, each record's text written by the database (public.public_json);
    a page (page/page_size/after) goes through the same rows as the JSON list."""
    found = _export_request(request)
    if isinstance(found, Response):
        return found
    f, total, paged = found
    engine, today = _engine(), today_shanghai()
    if paged:
        blocks = batched_text(json_document(iter(public.public_decision_rows(engine, f, today)[0]), {"total": total}))
    else:
        blocks = public.public_json(engine, f, today, {"total": total})
    return _Download(blocks, media_type="application/json; charset=utf-8",
                             headers=_attachment(f, total, "json"))


@_cached_json
def decision(request: Request) -> Response:
    raw = request.path_params["decision_id"]
    if request.query_params:
        return _error(f"不支持的参数：{quote_input('、'.join(sorted(request.query_params)))}")
    decision_id = parse_id(raw)
    if decision_id is None:
        return _error(f"决定编号应为 1–2147483647 之间的正整数（只用 0–9 数字），收到：{quote_input(raw)}")
    found = public.public_decision(_reader(), decision_id, today_shanghai())
    if found is None:
        return _error(f"找不到编号为 {decision_id} 的已公示决定（不存在、不在公示期内或依法不予公开）", 404)
    return _json(public.public_decision_record(found))


def _annual_payload(year: int) -> dict[str, Any]:
    report = stats.annual_report_from_facts(_engine(), year)
    # Only the suppressed records leave this function: the unsuppressed counts are never cached or sent.
    return json_record({
        "year": year,
        "publication_deadline": report.publication_deadline,
        "note": SUPPRESSION_NOTE,
        "columns": [col.title for col in report.columns],
        "rows": report.to_records(suppress=True),
    })


def annual(request: Request) -> Response:
    try:
        params = _params(request)
        unknown = sorted(set(params) - {"year"})
        if unknown:
            raise FilterError(f"不支持的参数：{quote_input('、'.join(unknown))}（可用参数：year）")
        raw = params.get("year", "").strip()
        if not raw:
            raise FilterError("缺少参数 year（年度），例如 ?year=2025")
        year = require_int(raw, "year", "年度", 2000, 2100)
    except (FilterError, ParamError) as exc:
        return _error(str(exc))
    # Keyed by the decision-facts version too (after bringing the facts up to date): a write shows at once.
    key = (database_url(), year, today_shanghai(), summaries.current_version(_engine()))
    return _json(_annual.get(key, lambda: _annual_payload(year)))


# ------------------------------------------------------------------------------------ 双随机、一公开 and entities


def _no_params(request: Request, allowed: frozenset[str] = frozenset()) -> dict[str, str]:
    params = _params(request)
    unknown = sorted(set(params) - allowed)
    if unknown:
        hint = f"（可用参数：{'、'.join(sorted(allowed))}）" if allowed else ""
        raise FilterError(f"不支持的参数：{quote_input('、'.join(unknown))}{hint}")
    return params


def draws(request: Request) -> Response:
    try:
        _no_params(request)
    except FilterError as exc:
        return _error(str(exc))
    frame = inspections.draw_list(_engine())
    items = [{"id": int(r.id), "draw_no": r.draw_no, "agency": r.agency, "plan": r.plan, "drawn_on": r.drawn_on,
              "revealed": bool(r.revealed), "commitment": r.commitment} for r in frame.itertuples()]
    return _json({"total": len(items), "items": items})


def draw(request: Request) -> Response:
    raw = request.path_params["draw_id"]
    try:
        _no_params(request)
    except FilterError as exc:
        return _error(str(exc))
    draw_id = parse_id(raw)
    if draw_id is None:
        return _error(f"抽取编号应为 1–2147483647 之间的正整数（只用 0–9 数字），收到：{quote_input(raw)}")
    view = inspections.draw_view(_engine(), draw_id)
    if view is None:
        return _error(f"找不到编号为 {draw_id} 的抽取记录", 404)
    payload: dict[str, Any] = {
        "id": view.id, "draw_no": view.draw_no, "agency": view.agency, "plan": view.plan_title,
        "plan_kind": view.plan_kind, "items": list(view.items), "committed_at": view.committed_at,
        "drawn_on": view.drawn_on, "commitment": view.commitment, "object_pool_hash": view.object_pool_hash,
        "inspector_pool_hash": view.inspector_pool_hash, "revealed": view.revealed,
    }
    if view.published is not None:
        result = verify_draw(view.published)
        payload["published"] = json.loads(published_json(view.published))
        payload["verification"] = {"consistent": result.ok, "summary": result.summary,
                                   "differences": list(result.differences)}
    return _json(payload)


def inspection_results(request: Request) -> Response:
    try:
        params = _no_params(request, frozenset({"uscc", "draw"}))
        uscc = None
        if "uscc" in params:
            check = validate_uscc(params["uscc"])
            if not check.ok:
                raise FilterError(f"统一社会信用代码 {quote_input(params['uscc'])} 不正确：{check.message}")
            uscc = check.normalized
        draw_id = require_int(params["draw"], "draw", "抽取编号", 1, 2_147_483_647) if "draw" in params else None
    except (FilterError, ParamError) as exc:
        return _error(str(exc))
    rows = inspections.published_inspection_records(_engine(), today_shanghai(), uscc=uscc, draw_id=draw_id)
    return _json({"total": len(rows), "items": [json_record(r) for r in rows]})


def _entity_payload(profile: inspections.EntityProfile) -> dict[str, Any]:
    credit = profile.credit
    return json_record({
        "uscc": profile.uscc, "name": profile.name, "party_type": profile.party_type,
        "representative": {"label": profile.representative_label, "name": profile.representative}
        if profile.representative else None,
        "credit": {"class": credit.credit_class.value, "colour": credit.credit_class.colour,
                   "explanation": credit.credit_class.explanation, "rule": credit.rule, "because": credit.because},
        "decisions": list(profile.decision_rows),
        "penalty_periods": [{"decision_no": p.decision_no, "decided_on": p.decided_on,
                             "penalty_types": list(p.penalty_types),
                             "severity": p.period.severity.value if p.period.severity else None,
                             "published": p.period.published, "earliest_repair": p.period.earliest_repair,
                             "publish_until": p.period.publish_until, "rule": p.period.instrument,
                             "note": p.period.note} for p in profile.penalties],
        "inspections": list(profile.inspection_rows),
    })


def entities(request: Request) -> Response:
    try:
        params = _no_params(request, frozenset({"q"}))
        q = clean_text(params.get("q", ""), 100)
        if not q:
            raise FilterError("缺少参数 q（名称或统一社会信用代码的一部分），例如 ?q=餐饮")
    except FilterError as exc:
        return _error(str(exc))
    found = inspections.search_entities(_engine(), q)
    items = [{"uscc": r.uscc, "name": r.name} for r in found.itertuples()]
    return _json({"total": len(items), "items": items})


def entity(request: Request) -> Response:
    raw = request.path_params["uscc"]
    try:
        _no_params(request)
    except FilterError as exc:
        return _error(str(exc))
    check = validate_uscc(raw)
    if not check.ok:
        return _error(f"统一社会信用代码 {quote_input(raw)} 不正确：{quote_input(check.message)}")
    profile = inspections.entity_profile(_engine(), check.normalized, today_shanghai())
    if profile is None:
        return _error(f"找不到统一社会信用代码为 {check.normalized} 的市场主体，或其信息未公开", 404)
    return _json(_entity_payload(profile))


INSPECTION_ROUTES = [
    Route(f"{PREFIX}/draws", draws, methods=["GET"]),
    Route(f"{PREFIX}/draws/{{draw_id}}", draw, methods=["GET"]),
    Route(f"{PREFIX}/inspections", inspection_results, methods=["GET"]),
    Route(f"{PREFIX}/entities", entities, methods=["GET"]),
    Route(f"{PREFIX}/entities/{{uscc}}", entity, methods=["GET"]),
]


def anchors(request: Request) -> Response:
    """Every published 记录链锚点, newest first (today's is published by the first request of the day)."""
    if request.query_params:
        return _error(f"不支持的参数：{quote_input('、'.join(sorted(request.query_params)))}")
    engine = _engine()
    publish_today(engine)
    return _json({"items": [a.to_json() for a in list_anchors(engine)]})


def not_found(request: Request) -> Response:
    return _error(f"没有这个接口：{quote_input(request.url.path)}（见 README“Open data API”）", 404)


ROUTES = [
    Route(f"{PREFIX}/decisions", decisions, methods=["GET"]),
    Route(f"{PREFIX}/decisions.csv", decisions_csv, methods=["GET"]),
    Route(f"{PREFIX}/decisions.json", decisions_json, methods=["GET"]),
    Route(f"{PREFIX}/decisions/{{decision_id}}", decision, methods=["GET"]),
    Route(f"{PREFIX}/stats/annual", annual, methods=["GET"]),
    *INSPECTION_ROUTES,
    Route(f"{PREFIX}/anchors", anchors, methods=["GET"]),
    # Anything else under /api/ is a JSON 404, not the Streamlit page a browser would get.
    Route("/api/{rest:path}", not_found),
]
