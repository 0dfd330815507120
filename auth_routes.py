"""Login and logout over plain HTTP, served by the product's own ASGI app (server.py mounts ``ROUTES``).

    GET  /auth/login?next=/cases   a small Chinese login form (hidden csrf field, double-submit cookie)
    POST /auth/login               username, password, csrf → 303 to ``next`` with the session cookie;
                                   401 with one generic message; 429 while the account or this client is locked
    GET  /auth/logout              a confirmation form (logging out by a bare link would let any page log you out)
    POST /auth/logout              csrf → the session row is revoked, the cookie cleared, 303 to /

Streamlit cannot set cookies, so the login lives here; each Streamlit run reads the cookie back through
``st.context.cookies`` (components/auth.py). The cookie holds a signed random token; the session is a database row,
so it survives reloads, new tabs and restarts, and ends on logout, idleness, age or deactivation.
"""

from __future__ import annotations

import datetime as dt
import html
import secrets
import threading
import urllib.parse

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.routing import Route

from db.accounts import LoginStatus, end_session, login, record_throttled, secret_key, start_session
from db.engine import shared_engine
from domain.accounts import ABSOLUTE_TIMEOUT, CLIENT_WINDOW, ClientThrottle, safe_next, sign, unsign
from domain.formatting import SHANGHAI

SESSION_COOKIE = "zhifa_session"
CSRF_COOKIE = "zhifa_csrf"
MAX_BODY = 16_384  # a login form is a few hundred bytes; more is refused unread
GENERIC_FAILURE = "用户名或密码错误，或账户已停用。"

_throttle = ClientThrottle()
_throttle_lock = threading.Lock()


def _client(request: Request) -> str:
    return request.client.host if request.client else ""


def _page(title: str, body: str, status: int = 200, csrf: str | None = None) -> HTMLResponse:
    document = f"""<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>{html.escape(title)} · 执法公示台</title>
<style>body{{font-family:system-ui,"Noto Sans CJK SC",sans-serif;max-width:26rem;margin:4rem auto;padding:0 1rem;
color:#262730}}label{{display:block;margin:.8rem 0 .3rem}}input[type=text],input[type=password]{{width:100%;
padding:.5rem;font-size:1rem;box-sizing:border-box}}button{{margin-top:1rem;padding:.5rem 1.5rem;font-size:1rem;
background:#ff4b4b;color:#fff;border:0;border-radius:.4rem}}.error{{background:#ffecec;color:#7d1a1a;padding:.6rem;
border-radius:.4rem}}.note{{color:#666;font-size:.9rem}}</style></head>
<body><h1>{html.escape(title)}</h1>{body}</body></html>"""
    response = HTMLResponse(document, status_code=status, headers={"Cache-Control": "no-store",
                                                                   "X-Frame-Options": "DENY"})
    if csrf is not None:
        response.set_cookie(CSRF_COOKIE, csrf, httponly=True, samesite="strict", path="/auth")
    return response


def _login_form(next_path: str, message: str | None = None, status: int = 200, username: str = "") -> HTMLResponse:
    csrf = secrets.token_urlsafe(24)
    error = f'<p class="error" role="alert">{html.escape(message)}</p>' if message else ""
    body = f"""{error}<form method="post" action="/auth/login">
<input type="hidden" name="csrf" value="{csrf}"><input type="hidden" name="next" value="{html.escape(next_path)}">
<label for="username">用户名</label><input id="username" name="username" type="text" autocomplete="username"
 value="{html.escape(username)}" required autofocus>
<label for="password">密码</label><input id="password" name="password" type="password"
 autocomplete="current-password" required>
<button type="submit">登录</button></form>
<p class="note">执法人员、法制审核人员、执法监督人员和管理员登录后可使用内部功能。公众查询无需登录。
连续 5 次密码错误，账户锁定 15 分钟。</p><p class="note"><a href="/">返回首页</a></p>"""
    return _page("工作人员登录", body, status, csrf)


async def _form(request: Request) -> dict[str, str]:
    """The urlencoded body, one value per field (a repeated field keeps its first value)."""
    body = b""
    async for chunk in request.stream():
        body += chunk
        if len(body) > MAX_BODY:
            return {}
    try:
        pairs = urllib.parse.parse_qsl(body.decode("utf-8"), keep_blank_values=True, max_num_fields=10)
    except (UnicodeDecodeError, ValueError):
        return {}
    out: dict[str, str] = {}
    for key, value in pairs:
        out.setdefault(key, value)
    return out


def _csrf_ok(request: Request, form: dict[str, str]) -> bool:
    cookie, field = request.cookies.get(CSRF_COOKIE, ""), form.get("csrf", "")
    return bool(cookie) and secrets.compare_digest(cookie.encode(), field.encode())


def login_form(request: Request) -> Response:
    return _login_form(safe_next(request.query_params.get("next")))


def _locked_message(until: dt.datetime | None) -> str:
    if until is None:
        return "尝试次数过多，本机已暂时限制登录，请稍后再试。"
    return f"尝试次数过多，账户已锁定至 {until.astimezone(SHANGHAI):%H:%M}，请届时再试或联系管理员。"


async def login_submit(request: Request) -> Response:
    form = await _form(request)
    next_path = safe_next(form.get("next"))
    username = form.get("username", "").strip()
    if not _csrf_ok(request, form):
        return _login_form(next_path, "登录表单已过期，请重新输入。", 400, username)
    client, now = _client(request), dt.datetime.now(dt.UTC)
    with _throttle_lock:
        blocked = _throttle.blocked(client, now)
    if blocked:
        await run_in_threadpool(record_throttled, shared_engine(), username, client)
        response = _login_form(next_path, _locked_message(None), 429, username)
        response.headers["Retry-After"] = str(int(CLIENT_WINDOW.total_seconds()))
        return response


    engine = shared_engine()
    result = await run_in_threadpool(login, engine, username, form.get("password", ""), client, now)
    if result.status is LoginStatus.OK and result.actor is not None and result.actor.user_id is not None:
        token = await run_in_threadpool(start_session, engine, result.actor.user_id, client)
        response = RedirectResponse(next_path, status_code=303)
        response.set_cookie(SESSION_COOKIE, sign(token, secret_key()), max_age=int(ABSOLUTE_TIMEOUT.total_seconds()),
                            httponly=True, samesite="lax", secure=request.url.scheme == "https", path="/")
        response.delete_cookie(CSRF_COOKIE, path="/auth")
        return response
    with _throttle_lock:
        _throttle.failed(client, now)
    if result.status is LoginStatus.LOCKED:
        response = _login_form(next_path, _locked_message(result.locked_until), 429, username)
        if result.locked_until is not None:
            response.headers["Retry-After"] = str(max(1, int((result.locked_until - now).total_seconds())))
        return response
    return _login_form(next_path, GENERIC_FAILURE, 401, username)


def logout_form(_request: Request) -> Response:
    csrf = secrets.token_urlsafe(24)
    body = f"""<form method="post" action="/auth/logout"><input type="hidden" name="csrf" value="{csrf}">
<p>确定退出登录吗？</p><button type="submit">退出登录</button></form><p class="note"><a href="/">返回</a></p>"""
    return _page("退出登录", body, csrf=csrf)


async def logout_submit(request: Request) -> Response:
    form = await _form(request)
    if not _csrf_ok(request, form):
        return _page("退出登录", '<p class="error">表单已过期，请<a href="/auth/logout">重新退出</a>。</p>', 400)


    token = unsign(request.cookies.get(SESSION_COOKIE), secret_key())
    if token:
        await run_in_threadpool(end_session, shared_engine(), token, _client(request))
    response = RedirectResponse("/", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/")
    response.delete_cookie(CSRF_COOKIE, path="/auth")
    return response


ROUTES = [
    Route("/auth/login", login_form, methods=["GET"]),
    Route("/auth/login", login_submit, methods=["POST"]),
    Route("/auth/logout", logout_form, methods=["GET"]),
    Route("/auth/logout", logout_submit, methods=["POST"]),
]
