"""Download payloads: CSV with a BOM so that Excel opens Chinese text correctly."""

from __future__ import annotations

import pandas as pd

from domain.opendata import neutralise_csv_cell


def csv_bytes(frame: pd.DataFrame) -> bytes:
    """The frame as CSV, every text cell formula-neutralised like the open-data CSV (domain.opendata); numeric
    columns are not text and keep their sign."""
    safe = frame.map(lambda v: neutralise_csv_cell(v) if isinstance(v, str) else v)
    return safe.to_csv(index=False).encode("utf-8-sig")
