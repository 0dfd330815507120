"""Open-data serialisation of public records (API, downloads, ``manage.py export``): one format everywhere.

* JSON: money is a string with exactly two decimals ("1850.00"), never a float — a float cannot hold every amount
  in 元 exactly, and consumers must not see 0.1 + 0.2 problems; dates are ISO 8601; enums are their Chinese value.
* CSV: UTF-8 with a BOM (Excel opens Chinese text correctly only with it), Chinese headers, the same value
  formats as JSON, empty cells for missing values, and every text cell passed through :func:`neutralise_csv_cell`.

The records passed in are already redacted (db.public); this module only formats. Pure Python, generators
throughout, so a million rows stream in constant memory.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from decimal import Decimal
from enum import Enum
from typing import Any

CENT = Decimal("0.01")
BOM = "\ufeff"


def money_text(value: Decimal | int | None) -> str | None:
    """Decimal('1850') → "1850.00"; None stays None. Floats are refused: they would already have lost cents."""
    if value is None:
        return None
    if isinstance(value, float):
        raise TypeError("金额不能是浮点数")
    return f"{Decimal(value).quantize(CENT):f}"


def json_value(value: Any) -> Any:
    if isinstance(value, Decimal):
        return money_text(value)
    if isinstance(value, float):
        raise TypeError("公开数据中不应出现浮点数（金额须为 Decimal）")
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, Mapping):
        return {str(k): json_value(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [json_value(v) for v in value]
    return value


def json_record(record: Mapping[str, Any]) -> dict[str, Any]:
    """A record with JSON-safe values (see the module docstring)."""
    return json_value(record)


def dumps(payload: Any) -> str:
    return json.dumps(json_value(payload), ensure_ascii=False, separators=(",", ":"))


# OWASP "CSV Injection": a spreadsheet runs a cell that starts with one of these as a formula. Full-width forms count
# too: Excel and WPS fold them to ASCII when a cell is typed or pasted.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\uff1d", "\uff0b", "\uff0d", "\uff20")


def neutralise_csv_cell(text: str) -> str:
    """A cell a spreadsheet shows as text: ``=1+1`` → ``'=1+1`` (prefix an apostrophe, as OWASP recommends).

    Every CSV the product writes (API, page downloads, ``manage.py export``, import rejects) passes its cells
    through here, so an imported ``=HYPERLINK(...)`` cannot run in an analyst's spreadsheet.
    """
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def _csv_cell(value: Any) -> str:
    # The common cell types first, by exact type: a full export formats about ten million cells.
    kind = type(value)
    if kind is str:
        return "'" + value if value.startswith(FORMULA_STARTS) else value
    if value is None:
        return ""
    if kind is int:
        return str(value)
    if kind is Decimal:
        return money_text(value) or ""
    if kind is dt.date:
        return value.isoformat()
    value = json_value(value)
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, str):
        return neutralise_csv_cell(value)
    # Numbers (ids) pass as written: no money column is ever negative (money is a two-decimal string already).
    return str(value)


def csv_lines(records: Iterable[Mapping[str, Any]], columns: Mapping[str, str], *, bom: bool = True,
              lines_per_chunk: int = 256) -> Iterator[str]:
    """The CSV text in chunks of whole lines: BOM + Chinese header (``columns``: key → label), then one line per
    record. One writer and one buffer serve the whole stream (a writer per line cost a quarter of an export)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    keys = list(columns)

    def take() -> str:
        text = buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
        return text

    writer.writerow(list(columns.values()))
    yield (BOM if bom else "") + take()
    pending = 0
    for record in records:
        writer.writerow([_csv_cell(record.get(key)) for key in keys])
        pending += 1
        if pending >= lines_per_chunk:
            yield take()
            pending = 0
    if pending:
        yield take()


def _formula_cell_pattern() -> re.Pattern[str]:
    # A cell begins at the start of a line or after the delimiter, behind an opening quote when the csv module
    # quotes it; a cell that begins with a formula character therefore shows in the written text as one of these
    # (searched in "\n" + the text's first cells too: an alternation with ^ costs the whole search its fast scan).
    starts = "".join(re.escape(c) for c in FORMULA_STARTS)
    return re.compile(f'[,\\n]"?[{starts}]')


_FORMULA_CELL = _formula_cell_pattern()


def csv_head(headers: Sequence[str]) -> str:
    """A CSV file's beginning: the BOM and the header line."""
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerow(list(headers))
    return BOM + buffer.getvalue()


def csv_rows(rows: Iterable[Sequence[Any]], headers: Sequence[str], *, bom: bool = True,
             rows_per_chunk: int = 512) -> Iterator[str]:
    """``csv_lines`` for rows whose values are already in their open-data text form (str), None (an empty cell)
    or an int, in header order: the csv module writes a chunk of rows in one call, and the formula
    neutralisation looks at the written chunk instead of at every cell. Only a chunk in which some cell could
    begin with a formula character (the pattern also matches a few harmless ones, such as ``,-`` inside a quoted
    cell) is written again cell by cell through the same rule as ``_csv_cell`` — a full export checked each of
    its twelve million cells in Python, a third of its time."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")

    def take() -> str:
        text = buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
        return text

    def neutralised(chunk: list[Sequence[Any]]) -> str:
        text = take()
        if _FORMULA_CELL.search(text) is None and _FORMULA_CELL.match("\n" + text[:2]) is None:
            return text
        writer.writerows(["'" + v if type(v) is str and v.startswith(starts) else v for v in row] for row in chunk)
        return take()

    yield csv_head(headers) if bom else csv_head(headers).removeprefix(BOM)
    starts = FORMULA_STARTS
    pending: list[Sequence[Any]] = []
    for row in rows:
        pending.append(row)
        if len(pending) >= rows_per_chunk:
            writer.writerows(pending)
            yield neutralised(pending)
            pending.clear()
    if pending:
        writer.writerows(pending)
        yield neutralised(pending)


def json_document(records: Iterable[Mapping[str, Any]], head: Mapping[str, Any], *, key: str = "items",
                  ) -> Iterator[str]:
    """``{...head, "items": [record, ...]}`` as text chunks, without holding the list in memory."""
    return json_document_texts(map(dumps, records), head, key=key)


def json_document_texts(records: Iterable[str], head: Mapping[str, Any], *, key: str = "items") -> Iterator[str]:
    """``json_document`` for records already written as JSON text (by the database, db.public.public_json)."""
    opening = dumps(dict(head))[:-1]  # drop the closing brace
    yield (opening + "," if head else "{") + json.dumps(key) + ":["
    first = True
    for record in records:
        yield ("" if first else ",\n") + record
        first = False
    yield "]}\n"


def batched_text(chunks: Iterable[str], size: int = 64 * 1024) -> Iterator[bytes]:
    """Join small text chunks into ~``size``-byte UTF-8 blocks for a streaming HTTP response or a file write."""
    buffer: list[str] = []
    length = 0
    for chunk in chunks:
        buffer.append(chunk)
        length += len(chunk)
        if length >= size:
            yield "".join(buffer).encode("utf-8")
            buffer, length = [], 0
    if buffer:
        yield "".join(buffer).encode("utf-8")
