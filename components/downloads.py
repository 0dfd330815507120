"""Download payloads: CSV with a BOM so that Excel opens Chinese text correctly."""

from __future__ import annotations

import pandas as pd


def csv_bytes(frame: pd.DataFrame) -> bytes:
    return frame.to_csv(index=False).encode("utf-8-sig")
