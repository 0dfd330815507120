"""``manage.py export disclosures``: the full public dataset as a file, through the same query layer and redaction
as the pages and the API (db.public), streamed so that 1,000,000 decisions need no more memory than 1,000."""

from __future__ import annotations

import datetime as dt
import os
import tempfile
from pathlib import Path
from typing import BinaryIO, Literal

from sqlalchemy import Engine

from db.public import count_public_decisions, public_csv, public_json
from domain.filters import DecisionFilters

ExportFormat = Literal["csv", "json"]
# Oldest publication first: a dataset file reads like a register, and a later export only appends at the end.
EXPORT_ORDER = DecisionFilters(descending=False)


def write_disclosures(engine: Engine, out: BinaryIO, fmt: ExportFormat, today: dt.date) -> int:
    """Write every decision public on ``today`` to ``out``; returns the number of rows written."""
    written = 0

    def count(n: int) -> None:
        nonlocal written
        written += n

    if fmt == "csv":
        blocks = public_csv(engine, EXPORT_ORDER, today, counted=count)
    else:
        total = count_public_decisions(engine, EXPORT_ORDER, today)
        blocks = public_json(engine, EXPORT_ORDER, today, {"generated_on": today, "total": total}, counted=count)
    for block in blocks:
        out.write(block)
    return written


def export_disclosures(engine: Engine, path: str | os.PathLike[str], fmt: ExportFormat, today: dt.date) -> int:
    """Write the file atomically: a temporary file beside it is renamed into place only when complete, so a failed
    export never leaves a truncated dataset under the requested name."""
    target = Path(path)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part", dir=target.parent)
    try:
        with os.fdopen(fd, "wb") as out:
            n = write_disclosures(engine, out, fmt, today)
        os.chmod(tmp, 0o644)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return n
