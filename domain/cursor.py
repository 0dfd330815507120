"""Keyset pagination cursors of the open-data API (``/api/v1/decisions?after=…``).

A cursor names the last row of a page by its position in the list's order: the sort key value of that row (a
date, an amount in 元, or nothing for a withdrawn decision, whose amount is hidden and sorted last), its decision
id (the tie-breaker of every order), and the sort and direction the position belongs to. The next page is then
"the rows after this position" — an index range read that costs the same on page 40,000 as on page 1, where an
OFFSET reads and throws away every row before it.

The token is opaque and URL-safe (base64url without padding) over ``v1|sort|order|value|id|check``, the value
tagged by its kind (``D`` date, ``M`` amount, ``N`` none). ``check`` is a short digest of the rest: not a secret
(the data is public and any position is harmless), it only makes a mistyped, truncated or hand-edited cursor an
HTTP 400 with a Chinese message instead of a silently different page. Which sorts exist and whether the cursor
fits the request is domain.filters' concern; this module only writes and reads tokens. Pure.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import hashlib
import re
from dataclasses import dataclass
from decimal import Decimal

MAX_CURSOR_LENGTH = 200
MAX_ID = 2_147_483_647
_VERSION = "v1"
_TOKEN_RE = re.compile(r"^[A-Za-z0-9_-]+$")
_AMOUNT_RE = re.compile(r"^\d{1,12}\.\d{2}$")
_DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
BAD_CURSOR = "参数 after（翻页游标）无效：请把上一页返回的 next 原样传入"


class CursorError(ValueError):
    """A token that is not a cursor this API issued; the message is Chinese (HTTP 400)."""


@dataclass(frozen=True)
class Cursor:
    """The position after the last row of a page: ``sort`` is the sort's name (domain.filters.SortKey value),
    ``value`` that row's sort key (a date, a Decimal amount, or None for a hidden amount), ``last_id`` its id."""

    sort: str
    descending: bool
    value: dt.date | Decimal | None
    last_id: int


def _check(payload: str) -> str:
    return hashlib.blake2s(payload.encode("utf-8"), digest_size=4).hexdigest()


def _value_text(value: dt.date | Decimal | None) -> str:
    if value is None:
        return "N"
    if isinstance(value, Decimal):
        return f"M{value.quantize(Decimal('0.01')):f}"
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return f"D{value.isoformat()}"
    raise TypeError("游标的值只能是日期、Decimal 金额或 None")


def encode_cursor(cursor: Cursor) -> str:
    """The opaque token for ``cursor`` (see the module docstring)."""
    if "|" in cursor.sort or not 1 <= cursor.last_id <= MAX_ID:
        raise ValueError("无法为该位置生成游标")
    payload = "|".join((_VERSION, cursor.sort, "d" if cursor.descending else "a", _value_text(cursor.value),
                        str(cursor.last_id)))
    raw = f"{payload}|{_check(payload)}".encode()
    return base64.urlsafe_b64encode(raw).decode("ascii").rstrip("=")


def _value(text: str) -> dt.date | Decimal | None:
    kind, body = text[:1], text[1:]
    if kind == "N" and not body:
        return None
    if kind == "M" and _AMOUNT_RE.match(body):
        return Decimal(body)
    if kind == "D" and _DATE_RE.match(body):
        try:
            return dt.date.fromisoformat(body)
        except ValueError:
            pass
    raise CursorError(BAD_CURSOR)


def decode_cursor(token: str) -> Cursor:
    """The cursor in ``token``; CursorError for anything that is not a well-formed cursor with its check intact."""
    if not token or len(token) > MAX_CURSOR_LENGTH or not _TOKEN_RE.match(token) or len(token) % 4 == 1:
        raise CursorError(BAD_CURSOR)
    try:
        text = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)).decode("utf-8")
    except (binascii.Error, ValueError):
        raise CursorError(BAD_CURSOR) from None
    parts = text.split("|")
    if len(parts) != 6 or parts[0] != _VERSION or parts[5] != _check("|".join(parts[:5])):
        raise CursorError(BAD_CURSOR)
    _, sort, order, value_text, id_text, _check_text = parts
    if order not in ("a", "d") or not sort:
        raise CursorError(BAD_CURSOR)
    if not (id_text.isascii() and id_text.isdigit()) or len(id_text) > 10 or not 1 <= int(id_text) <= MAX_ID:
        raise CursorError(BAD_CURSOR)
    return Cursor(sort=sort, descending=order == "d", value=_value(value_text), last_id=int(id_text))
