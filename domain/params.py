"""Strict reading of numbers and text that arrive from outside — a URL, a form, an API parameter, a command line.

Python's own readers are too generous for this: ``str.isdigit()`` is true for "²" and "①" (which ``int()`` then
rejects with a traceback), ``int()`` accepts "４２", " 42", "+42" and "4_2", and a 4,301-digit number raises instead
of returning. A database column is narrower still: PostgreSQL's ``integer`` stops at 2,147,483,647 and its
``varchar(50)`` refuses the 51st character with an error that quotes the whole statement. So an id here is ASCII
digits only, range-checked before any query, and a text is checked against its column before any write; what
cannot be read becomes a Chinese message that quotes at most ``QUOTE_LIMIT`` characters of what was sent.
"""

from __future__ import annotations

import unicodedata

PG_INTEGER_MAX = 2_147_483_647
YEAR_MIN = 1949
YEAR_MAX = 2100
PAGE_MAX = 1_000_000
QUOTE_LIMIT = 50
_MAX_DIGITS = 10  # enough for PG_INTEGER_MAX; longer input is refused before any conversion
_ASCII_DIGITS = frozenset("0123456789")


class ParamError(ValueError):
    """A value from outside that cannot be used; ``str(error)`` is the Chinese message to show."""


def quote_input(value: object, limit: int = QUOTE_LIMIT) -> str:
    """At most ``limit`` characters of ``value`` for an error message: control and format characters dropped (a NUL
    or a bidi override must not reach a terminal or a page), lone surrogates shown as U+FFFD (they cannot be
    encoded), and "…" appended when cut."""
    text = "" if value is None else str(value)
    kept: list[str] = []
    for ch in text:
        kind = unicodedata.category(ch)
        if kind == "Cs":
            kept.append("\ufffd")
        elif kind not in ("Cc", "Cf"):
            kept.append(ch)
        if len(kept) > limit:
            return "".join(kept[:limit]) + "…"
    return "".join(kept)


def parse_int(raw: object, low: int, high: int) -> int | None:
    """``raw`` as an integer in ``low``…``high``, or None. Only ASCII digits (no sign, space, "²", "４"), at most 10
    of them, so every accepted value fits a PostgreSQL ``integer`` when ``high`` does."""
    if not isinstance(raw, str) or not 0 < len(raw) <= _MAX_DIGITS or not set(raw) <= _ASCII_DIGITS:
        return None
    n = int(raw)
    return n if low <= n <= high else None


def parse_id(raw: object) -> int | None:
    """A row id from a URL or form: 1…2,147,483,647 (the PostgreSQL ``integer`` primary keys), else None."""
    return parse_int(raw, 1, PG_INTEGER_MAX)


def parse_year(raw: object, low: int = YEAR_MIN, high: int = YEAR_MAX) -> int | None:
    return parse_int(raw, low, high)


def parse_page(raw: object, high: int = PAGE_MAX) -> int | None:
    return parse_int(raw, 1, high)


def require_int(raw: object, name: str, label: str, low: int, high: int) -> int:
    """Like ``parse_int`` but a bad value raises ParamError naming the parameter and quoting (a bounded part of) it."""
    n = parse_int(raw, low, high)
    if n is None:
        raise ParamError(f"参数 {name}（{label}）应为 {low}–{high} 之间的整数，收到：{quote_input(raw)}")
    return n


def has_bad_characters(value: str, *, multiline: bool = False) -> bool:
    """True when ``value`` holds a control character (PostgreSQL refuses NUL outright; the others are invisible) or a
    lone surrogate (not encodable); line breaks and tabs are fine where the field is ``multiline``."""
    allowed = "\n\r\t" if multiline else ""
    return any(unicodedata.category(ch) == "Cs" or (unicodedata.category(ch) == "Cc" and ch not in allowed)
               for ch in value)


def bad_characters_message(label: str) -> str:
    return f"{label}含有无法保存的控制字符或无效字符，请删除后重试"


def text_problem(value: str, label: str, limit: int, *, multiline: bool = False) -> str | None:
    """Why ``value`` cannot be stored in a column of ``limit`` characters, or None when it can."""
    if has_bad_characters(value, multiline=multiline):
        return bad_characters_message(label)
    if len(value) > limit:
        return f"{label}不能超过 {limit} 个字符（现为 {len(value):,} 个）：{quote_input(value)}"
    return None


def clean_text(value: object, limit: int) -> str:
    """A lenient reading for search boxes and links: control characters and lone surrogates dropped, surrounding
    space stripped, cut to ``limit`` characters. For queries only — a value to be stored goes through
    ``text_problem`` so that nothing is silently changed."""
    text = "" if value is None else str(value)
    kept = "".join(ch for ch in text if unicodedata.category(ch) not in ("Cc", "Cs"))
    return kept.strip()[:limit]
