"""View state ↔ URL query parameters, and the plain-Chinese sentence describing active filters (Datasette's
``human_description_en``). Pure: pages read ``st.query_params`` and pass the mapping here."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace

from domain.enums import ActionCategory, PenaltyType

PAGE_SIZES = (20, 50, 100)


@dataclass(frozen=True)
class DecisionFilters:
    q: str = ""
    agency_id: int | None = None
    category: ActionCategory | None = None
    penalty_type: PenaltyType | None = None
    year: int | None = None
    page: int = 1
    page_size: int = 20

    def with_page(self, page: int) -> DecisionFilters:
        return replace(self, page=max(1, page))


def _one(params: Mapping[str, str | list[str]], key: str) -> str:
    value = params.get(key, "")
    if isinstance(value, list):
        value = value[0] if value else ""
    return str(value).strip()


def _int(text: str, low: int, high: int) -> int | None:
    try:
        n = int(text)
    except ValueError:
        return None
    return n if low <= n <= high else None


def filters_from_params(params: Mapping[str, str | list[str]]) -> DecisionFilters:
    """Invalid values are ignored rather than failing the page: a mangled link still shows results."""
    category = _one(params, "category")
    ptype = _one(params, "type")
    page_size = _int(_one(params, "size"), 1, 500) or 20
    return DecisionFilters(
        q=_one(params, "q")[:100],
        agency_id=_int(_one(params, "agency"), 1, 10**9),
        category=ActionCategory(category) if category in ActionCategory._value2member_map_ else None,
        penalty_type=PenaltyType(ptype) if ptype in PenaltyType._value2member_map_ else None,
        year=_int(_one(params, "year"), 2000, 2100),
        page=_int(_one(params, "page"), 1, 10**6) or 1,
        page_size=page_size if page_size in PAGE_SIZES else 20,
    )


def filters_to_params(f: DecisionFilters) -> dict[str, str]:
    """The inverse of ``filters_from_params``; defaults are left out so links stay short."""
    out: dict[str, str] = {}
    if f.q:
        out["q"] = f.q
    if f.agency_id is not None:
        out["agency"] = str(f.agency_id)
    if f.category is not None:
        out["category"] = f.category.value
    if f.penalty_type is not None:
        out["type"] = f.penalty_type.value
    if f.year is not None:
        out["year"] = str(f.year)
    if f.page != 1:
        out["page"] = str(f.page)
    if f.page_size != 20:
        out["size"] = str(f.page_size)
    return out


def describe_filters(f: DecisionFilters, total: int, agency_name: str | None = None) -> str:
    """"2025年 区市场监管局 行政处罚 罚款 含“食品” 共 412 条"."""
    parts: list[str] = []
    if f.year is not None:
        parts.append(f"{f.year}年")
    if agency_name:
        parts.append(agency_name)
    if f.category is not None:
        parts.append(f.category.value)
    if f.penalty_type is not None:
        parts.append(f.penalty_type.value)
    if f.q:
        parts.append(f"含“{f.q}”")
    prefix = " ".join(parts) if parts else "全部已公示决定"
    return f"{prefix} 共 {total:,} 条"
