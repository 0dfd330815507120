"""Import of CSV/Excel files, one kind per file: agencies, officers, matters, cases, events, reviews and
decisions (docs/import.md describes every column). ``manage.py import`` and the admin import page both call
:func:`run_import`.

Layout: ``reading`` (files → text), ``spec`` (a kind's columns and header matching), ``kinds/`` (one module per
kind: its columns, row checks, resolution against the database and writes), ``runner`` (the all-or-nothing /
accept-valid / dry-run flow for any kind), ``report`` (problems, counts, rejects file, exit codes),
``templates`` (the downloadable templates).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Engine

from db.imports import runner, templates
from db.imports.kinds import KINDS, SUPPORTED_KINDS
from db.imports.kinds.decision_rows import (
    DECISION_FIELDS,
    DEFAULT_PERIOD_MONTHS_ORG,
    DEFAULT_PERIOD_MONTHS_PERSON,
)
from db.imports.reading import Source, Table, read_source
from db.imports.report import (
    EXIT_FILE_ERROR,
    EXIT_OK,
    EXIT_PARTIAL,
    EXIT_REFUSED,
    ImportFileError,
    ImportReport,
    RowProblem,
)
from db.imports.spec import HeaderMap, KindSpec, TemplateField
from db.imports.templates import write_csv

__all__ = [
    "DECISION_FIELDS", "DEFAULT_PERIOD_MONTHS_ORG", "DEFAULT_PERIOD_MONTHS_PERSON", "EXIT_FILE_ERROR", "EXIT_OK",
    "EXIT_PARTIAL", "EXIT_REFUSED", "KINDS", "SUPPORTED_KINDS", "HeaderMap", "ImportFileError", "ImportReport",
    "KindSpec", "RowProblem", "Table", "TemplateField", "import_decisions", "kind_spec", "map_headers",
    "read_table", "run_import", "template_csv_bytes", "template_rows", "template_xlsx_bytes", "write_csv",
]


def kind_spec(kind: str) -> KindSpec:
    """The spec of ``kind``; an unknown kind raises ImportFileError (exit 2)."""
    spec = KINDS.get(kind)
    if spec is None:
        raise ImportFileError(f"不支持的导入类型“{kind}”：目前支持" + "、".join(SUPPORTED_KINDS))
    return spec


def run_import(kind: str, engine: Engine, source: Source, **options: Any) -> ImportReport:
    """``manage.py import KIND FILE`` and the admin page: options as :func:`db.imports.runner.run`."""
    return runner.run(kind_spec(kind), engine, source, **options)


def import_decisions(engine: Engine, source: Source, **options: Any) -> ImportReport:
    return run_import("decisions", engine, source, **options)


def read_table(source: Source, *, filename: str | None = None, kind: str = "decisions") -> Table:
    """Read a file as ``kind``'s import would (its header row found by that kind's columns)."""
    return read_source(source, kind_spec(kind).score, filename=filename)


def map_headers(headers: list[str], kind: str = "decisions") -> HeaderMap:
    return kind_spec(kind).map_headers(headers)


def template_rows(kind: str = "decisions") -> list[list[str]]:
    """Header row and one example row of the template of ``kind`` (default ``decisions``)."""
    return templates.template_rows(kind_spec(kind))


def template_csv_bytes(kind: str = "decisions") -> bytes:
    return templates.template_csv(kind_spec(kind))


def template_xlsx_bytes(kind: str = "decisions") -> bytes:
    return templates.template_xlsx(kind_spec(kind))
