"""What an import kind is: its template columns (``TemplateField``), how a header row is matched against them,
and the handler class that checks, resolves and writes its rows. Each module under db/imports/kinds/ declares
one ``KindSpec``; the runner, the templates, the admin page and docs/import.md all read it."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from db.imports.report import ImportFileError
from domain.parsing import normalize_header

__all__ = ["HeaderMap", "KindSpec", "TemplateField", "column"]


@dataclass(frozen=True)
class TemplateField:
    key: str  # English alias, also the internal name
    header: str  # canonical Chinese header
    required: bool
    fmt: str  # what the cell may contain (docs, template notes)
    example: str  # the template's example row
    aliases: tuple[str, ...] = ()  # further headers seen in real exports (信用中国 format, local systems)


def column(key: str, header: str, required: bool, fmt: str, example: str, *aliases: str) -> TemplateField:
    return TemplateField(key, header, required, fmt, example, tuple(aliases))


@dataclass(frozen=True)
class HeaderMap:
    columns: dict[str, int]  # field key → column index
    units: dict[str, str]  # money field key → unit of its column (元/万元/亿元)
    unknown: tuple[str, ...]  # headers that map to no field (reported, ignored)


@dataclass(frozen=True, eq=False)
class KindSpec:
    """One import kind. ``title`` is what one row is, in Chinese (执法主体 …: messages, the admin page);
    ``caption`` explains a row on the admin page; ``handler`` is the class the runner drives (db.imports.runner).
    """

    kind: str
    title: str
    caption: str
    fields: tuple[TemplateField, ...]
    handler: Any  # the class the runner drives: db.imports.base.Handler (not imported here: base imports spec)
    sheet_title: str = ""  # the template's sheet name (default: title)
    names_agencies: bool = False  # rows name an agency: the "create unknown agencies" option applies

    @cached_property
    def aliases(self) -> dict[str, tuple[str, str]]:
        """normalised header → (field key, unit of the column)."""
        aliases: dict[str, tuple[str, str]] = {}
        for f in self.fields:
            for name in (f.header, f.key, f.key.replace("_", " "), f.key.replace("_", ""), *f.aliases):
                aliases.setdefault(normalize_header(name), (f.key, "元"))
        return aliases

    def label(self, key: str) -> str:
        return next((f.header for f in self.fields if f.key == key), "")

    def score(self, cells: Sequence[str]) -> int:
        """How many cells of a row are headers of this template (header detection when reading)."""
        aliases = self.aliases
        return sum(1 for c in cells if c and normalize_header(c) in aliases)

    def missing_message(self, missing: Sequence[str]) -> str:
        return (f"文件不是{self.title}导入模板（{self.kind}）：缺少必填列" + "、".join(f"“{h}”" for h in missing)
                + "（请下载该类型的导入模板核对表头）")

    def map_headers(self, headers: Sequence[str]) -> HeaderMap:
        """Match the header row; raises ImportFileError for a wrong template or a column given twice."""
        columns: dict[str, int] = {}
        units: dict[str, str] = {}
        unknown: list[str] = []
        for index, header in enumerate(headers):
            norm = normalize_header(header)
            if not norm:
                continue
            hit = self.aliases.get(norm)
            if hit is None:
                unknown.append(str(header).strip())
                continue
            key, unit = hit
            if key in columns:
                raise ImportFileError(f"表头中“{str(headers[columns[key]]).strip()}”和“{str(header).strip()}”都对应"
                                      f"“{self.label(key)}”，请只保留一列")
            columns[key] = index
            units[key] = unit
        missing = [f.header for f in self.fields if f.required and f.key not in columns]
        if missing:
            raise ImportFileError(self.missing_message(missing))
        return HeaderMap(columns, units, tuple(unknown))
