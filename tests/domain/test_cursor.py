"""Keyset cursors of the open-data API: tokens round-trip, are URL-safe, and anything not issued by the API —
malformed, truncated, edited, for another sort or direction, or given with ``page`` — is a Chinese FilterError."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
from decimal import Decimal

import pytest

from domain.cursor import Cursor, CursorError, decode_cursor, encode_cursor
from domain.filters import FilterError, SortKey, filters_from_api_params, next_cursor

D = dt.date(2025, 3, 7)


@pytest.mark.parametrize("cursor", [
    Cursor(SortKey.PUBLISHED.value, True, D, 1),
    Cursor(SortKey.DECIDED.value, False, dt.date(2000, 1, 1), 2_147_483_647),
    Cursor(SortKey.AMOUNT.value, True, Decimal("92500.00"), 42),
    Cursor(SortKey.AMOUNT.value, False, Decimal("0.01"), 7),
    Cursor(SortKey.AMOUNT.value, True, None, 99),  # a withdrawn decision: no public amount
])
def test_a_cursor_round_trips_through_a_url_safe_token(cursor) -> None:
    token = encode_cursor(cursor)
    assert token.replace("-", "").replace("_", "").isalnum() and token.isascii()
    assert decode_cursor(token) == cursor


def test_an_amount_is_written_with_two_decimals() -> None:
    assert decode_cursor(encode_cursor(Cursor("金额", True, Decimal("5"), 3))).value == Decimal("5.00")


def _forge(payload: str, *, check: str | None = None) -> str:
    digest = check if check is not None else hashlib.blake2s(payload.encode(), digest_size=4).hexdigest()
    return base64.urlsafe_b64encode(f"{payload}|{digest}".encode()).decode().rstrip("=")


GOOD = encode_cursor(Cursor("公示日期", True, D, 1234))


@pytest.mark.parametrize("token", [
    "",
    "abc",
    "!!!!",
    "a" * 201,
    GOOD[:-3],                                     # truncated
    GOOD[:-1] + ("A" if GOOD[-1] != "A" else "B"),  # one character changed
    GOOD + "=",                                    # padding is not part of the alphabet
    base64.urlsafe_b64encode(b"\xff\xfe\x00").decode(),
    _forge("v1|公示日期|d|D2025-03-07|1234", check="00000000"),  # edited without its check
    _forge("v2|公示日期|d|D2025-03-07|1234"),                     # unknown version
    _forge("v1|公示日期|x|D2025-03-07|1234"),                     # unknown direction
    _forge("v1|公示日期|d|D2025-02-30|1234"),                     # impossible date
    _forge("v1|公示日期|d|2025-03-07|1234"),                      # untagged value
    _forge("v1|金额|d|M12.5|1234"),                               # amount without two decimals
    _forge("v1|金额|d|M-1.00|1234"),
    _forge("v1|公示日期|d|D2025-03-07|0"),                        # id out of range
    _forge("v1|公示日期|d|D2025-03-07|2147483648"),
    _forge("v1|公示日期|d|D2025-03-07|١٢"),                       # non-ASCII digits
    _forge("v1|公示日期|d|D2025-03-07"),                          # a field missing
])
def test_anything_not_issued_is_refused(token) -> None:
    with pytest.raises(CursorError, match="after"):
        decode_cursor(token)


def _api(**params: str):
    return filters_from_api_params(params)


def test_the_api_reads_after_as_the_position_of_its_sort() -> None:
    token = encode_cursor(Cursor("金额", False, Decimal("100.00"), 5))
    f = _api(sort="金额", order="asc", after=token)
    assert f.after == Cursor("金额", False, Decimal("100.00"), 5)
    assert f.page == 1


@pytest.mark.parametrize(("params", "fragment"), [
    ({"after": GOOD, "page": "2"}, "不能同时使用"),
    ({"after": GOOD, "order": "asc"}, "不一致"),
    ({"after": GOOD, "sort": "决定日期"}, "不一致"),
    ({"after": "garbage"}, "无效"),
    ({"after": _forge("v1|名称|d|D2025-03-07|5")}, "排序"),            # a sort the API does not have
    ({"after": _forge("v1|公示日期|d|M1.00|5")}, "排序值"),             # an amount for a date sort
    ({"after": _forge("v1|公示日期|d|N|5")}, "排序值"),                 # no value for a date sort
    ({"after": _forge("v1|金额|d|D2025-03-07|5"), "sort": "金额"}, "排序值"),
])
def test_a_cursor_that_does_not_fit_the_request_is_a_chinese_error(params, fragment) -> None:
    with pytest.raises(FilterError, match=fragment) as caught:
        _api(**params)
    assert "Traceback" not in str(caught.value)


@pytest.mark.parametrize(("sort", "row", "value"), [
    (SortKey.PUBLISHED, {"id": 9, "published_on": D, "decided_on": dt.date(2025, 1, 1), "fine_total": None}, D),
    (SortKey.DECIDED, {"id": 9, "published_on": D, "decided_on": dt.date(2025, 1, 1), "fine_total": None},
     dt.date(2025, 1, 1)),
    (SortKey.AMOUNT, {"id": 9, "published_on": D, "decided_on": D, "fine_total": Decimal("3.50")}, Decimal("3.50")),
    (SortKey.AMOUNT, {"id": 9, "published_on": D, "decided_on": D, "fine_total": None}, None),
])
def test_next_cursor_names_the_sort_key_of_the_last_row(sort, row, value) -> None:
    f = _api(sort=sort.value, order="asc")
    token = next_cursor(f, row)
    assert _api(sort=sort.value, order="asc", after=token).after == Cursor(sort.value, False, value, 9)
