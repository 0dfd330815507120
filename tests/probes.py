"""Hostile text brought in the way a user brings it in: a small decisions CSV through ``manage.py import decisions``
(db.imports.import_decisions). The markup and CSV-formula tests share these rows, so when the public projection
changes how text is stored, only this module needs to follow.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import random

from sqlalchemy import Engine

from db.imports import import_decisions, run_import
from domain.identifiers import synthetic_uscc
from tests.db.conftest import AG1, add_two_agencies

# Markdown/HTML a page must show as typed: rendered, they fetch a URL, make a link, bold, colour or typeset maths.
MARKUP_PROBES = (
    "![](http://127.0.0.1:9/x.png)",
    "[点我](http://127.0.0.1:9/)",
    "**粗体**",
    ":red[红字]",
    "$x^2$",
    "<b>html</b>",
)
MARKUP_TEXT = " ".join(MARKUP_PROBES)

# Cells a spreadsheet would run as formulas (OWASP CSV injection), full-width forms included.
FORMULA_PROBES = ('=HYPERLINK("http://x")', "+1", "-1", "@SUM(A1)", "\t=1", "＝1")

_rng = random.Random(20261130)
USCC = [synthetic_uscc(_rng, "449901") for _ in range(12)]


def probe_row(n: int, changes: dict[str, str] | None = None, *, today: dt.date) -> dict[str, str]:
    """A valid published organisation decision, decided a week before ``today`` (inside every publication period)."""
    decided = today - dt.timedelta(days=7)
    base = {
        "决定书文号": f"青市监罚〔{decided.year}〕{900 + n}号",
        "处罚机关": AG1,
        "当事人名称": f"临江市青石探针{n}商贸有限公司",
        "当事人类型": "法人",
        "统一社会信用代码": USCC[n % len(USCC)],
        "违法行为类型": "销售不符合食品安全标准的食品",
        "违法事实": "经查，当事人销售过期食品。",
        "处罚依据": "《中华人民共和国食品安全法》第一百二十四条",
        "处罚内容": "罚款5000元",
        "决定日期": decided.isoformat(),
        "公示日期": (decided + dt.timedelta(days=2)).isoformat(),
    }
    base.update(changes or {})
    return base


def decisions_csv(rows: list[dict[str, str]]) -> bytes:
    headers = list(dict.fromkeys(k for r in rows for k in r))
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(headers)
    for r in rows:
        writer.writerow([r.get(h, "") for h in headers])
    return buffer.getvalue().encode("utf-8-sig")


def import_probes(engine: Engine, rows: list[dict[str, str]], *, today: dt.date, agencies: bool = True) -> None:
    """Import ``rows`` (see :func:`probe_row`) into ``engine``; with ``agencies`` first add the two test agencies.
    Every row must be accepted: a probe the importer refuses tests nothing."""
    if agencies:
        add_two_agencies(engine)
    report = import_decisions(engine, decisions_csv(rows), filename="probes.csv", today=today)
    assert not report.errors and report.inserted == len(rows), [str(p) for p in report.problems]


def import_probe_agency(engine: Engine) -> None:
    """The market regulator through ``import agencies``, with the Markdown probes in every text it publishes."""
    row = {"机关代码": "QS-SCJG", "机关名称": AG1, "层级": "县级", "主体类型": "法定", "行政区划代码": "449901",
           "行政区划名称": "临江市青石区", "主要职责": MARKUP_TEXT, "执法依据": MARKUP_TEXT, "救济渠道": MARKUP_TEXT,
           "联系电话": MARKUP_TEXT, "地址": MARKUP_TEXT}
    report = run_import("agencies", engine, decisions_csv([row]), filename="agencies.csv")
    assert not report.errors and report.inserted == 1, [str(p) for p in report.problems]


def import_markup_probes(engine: Engine, *, today: dt.date) -> None:
    """One published decision with the Markdown probes in every text field a page shows, its agency likewise."""
    import_probe_agency(engine)
    text = {"违法行为类型": MARKUP_TEXT, "违法事实": "经查，" + MARKUP_TEXT, "处罚依据": MARKUP_TEXT,
            "处罚内容": "罚款5000元。" + MARKUP_TEXT, "裁量说明": MARKUP_TEXT,
            "当事人名称": "临江市青石探针" + MARKUP_TEXT + "有限公司"}
    import_probes(engine, [probe_row(1, text, today=today)], today=today, agencies=False)
