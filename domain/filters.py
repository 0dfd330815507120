"""View state ↔ URL query parameters, and the plain-Chinese sentence describing active filters (Datasette's
``human_description_en``). Pure: pages read ``st.query_params`` and pass the mapping here.

Two readers of the same parameters: ``filters_from_params`` for pages (lenient — a mangled link still shows
results) and ``filters_from_api_params`` for the open-data API (strict — a bad parameter is an HTTP 400 with a
Chinese message, so a script never silently gets the wrong data).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal
from enum import StrEnum

from domain.cursor import Cursor, CursorError, decode_cursor, encode_cursor
from domain.enums import ActionCategory, CaseStatus, DisclosureStatus, PenaltyType, Stage
from domain.formatting import format_total
from domain.params import clean_text, parse_id, parse_int, quote_input

PAGE_SIZES = (20, 50, 100)
API_MAX_PAGE_SIZE = 500
MAX_QUERY_LENGTH = 100
MAX_PAGE = 10**6


class AmountBand(StrEnum):
    """罚款金额 bands of the search facet; the lower bound is included, the upper one is not (1万 is in 1万-10万).
    Decisions without a fine (许可, 检查, 警告 only …) and withdrawn ones (amount hidden) are in no band."""

    UNDER_10K = "<1万"
    FROM_10K = "1万-10万"
    FROM_100K = "10万-100万"
    FROM_1M = ">100万"

    @property
    def bounds(self) -> tuple[Decimal, Decimal | None]:
        """(lowest included, first excluded) in 元; a positive amount is required, so 0 is never "<1万"."""
        return _BOUNDS[self]

    @property
    def phrase(self) -> str:
        return _PHRASES[self]


_BOUNDS = {
    AmountBand.UNDER_10K: (Decimal("0.01"), Decimal(10_000)),
    AmountBand.FROM_10K: (Decimal(10_000), Decimal(100_000)),
    AmountBand.FROM_100K: (Decimal(100_000), Decimal(1_000_000)),
    AmountBand.FROM_1M: (Decimal(1_000_000), None),
}
_PHRASES = {
    AmountBand.UNDER_10K: "罚款不足1万元",
    AmountBand.FROM_10K: "罚款1万至10万元",
    AmountBand.FROM_100K: "罚款10万至100万元",
    AmountBand.FROM_1M: "罚款100万元以上",
}


class SortKey(StrEnum):
    PUBLISHED = "公示日期"
    DECIDED = "决定日期"
    AMOUNT = "金额"


# The statuses a visitor can filter by: the ones the public list shows (已到期 and 待公示 never appear).
PUBLIC_STATUSES = (DisclosureStatus.PUBLISHED, DisclosureStatus.CORRECTED, DisclosureStatus.WITHDRAWN)


@dataclass(frozen=True)
class DecisionFilters:
    q: str = ""
    agency_id: int | None = None
    category: ActionCategory | None = None
    penalty_type: PenaltyType | None = None
    year: int | None = None
    month: int | None = None  # only together with year
    amount: AmountBand | None = None
    status: DisclosureStatus | None = None
    sort: SortKey = SortKey.PUBLISHED
    descending: bool = True
    page: int = 1
    page_size: int = 20
    after: Cursor | None = None  # API keyset paging: the rows after this position instead of ``page``
    exact_count: bool = False  # API ``count=exact``: count a text scan to the end instead of up to a bound

    def with_page(self, page: int) -> DecisionFilters:
        return replace(self, page=max(1, page))

    def same_result_set(self, other: DecisionFilters) -> bool:
        """True when only the page or its size differ: a changed filter or sort must go back to page 1."""
        return (replace(self, page=1, page_size=20, after=None, exact_count=False)
                == replace(other, page=1, page_size=20, after=None, exact_count=False))


def _one(params: Mapping[str, str | list[str]], key: str) -> str:
    value = params.get(key, "")
    if isinstance(value, list):
        value = value[0] if value else ""
    return str(value).strip()


def _int(text: str, low: int, high: int) -> int | None:
    return parse_int(text, low, high)


def _member(enum_cls, text: str):
    return enum_cls(text) if text in enum_cls._value2member_map_ else None


def filters_from_params(params: Mapping[str, str | list[str]]) -> DecisionFilters:
    """Invalid values are ignored rather than failing the page: a mangled link still shows results."""
    page_size = _int(_one(params, "size"), 1, API_MAX_PAGE_SIZE) or 20
    year = _int(_one(params, "year"), 2000, 2100)
    status = _member(DisclosureStatus, _one(params, "status"))
    return DecisionFilters(
        q=clean_text(_one(params, "q"), MAX_QUERY_LENGTH),
        agency_id=parse_id(_one(params, "agency")),
        category=_member(ActionCategory, _one(params, "category")),
        penalty_type=_member(PenaltyType, _one(params, "type")),
        year=year,
        month=_int(_one(params, "month"), 1, 12) if year is not None else None,
        amount=_member(AmountBand, _one(params, "amount")),
        status=status if status in PUBLIC_STATUSES else None,
        sort=_member(SortKey, _one(params, "sort")) or SortKey.PUBLISHED,
        descending=_one(params, "order") != "asc",
        page=_int(_one(params, "page"), 1, MAX_PAGE) or 1,
        page_size=page_size if page_size in PAGE_SIZES else 20,
    )


@dataclass(frozen=True)
class LinkReading:
    """What a shared link asks for, and a sentence for each part of it that could not be applied."""

    filters: DecisionFilters
    notes: tuple[str, ...] = ()


_LINK_CHOICES = (("category", "执法类别", ActionCategory), ("type", "处罚种类", PenaltyType),
                 ("amount", "罚款金额", AmountBand), ("sort", "排序", SortKey))


def read_decision_link(params: Mapping[str, str | list[str]], *, agency_keys: Mapping[str, int],
                       years: Sequence[int]) -> LinkReading:
    """The search page's reading of its URL: lenient like ``filters_from_params`` (the rest of a mangled link still
    applies), but ``agency`` may also be the agency's code or full name (as in the API), and every value that is
    dropped gets a Chinese note for the visitor, so a link never silently shows something else than it promised.

    ``agency_keys`` maps id (as text), code and full name → id; ``years`` are the years the page offers."""
    f = filters_from_params(params)
    notes: list[str] = []
    raw_agency = _one(params, "agency")
    agency_id = agency_keys.get(raw_agency) if raw_agency else None
    if raw_agency and agency_id is None:
        notes.append(f"链接中的执法机关 {quote_input(raw_agency)} 不存在，已显示全部执法机关的决定。")
    raw_year = _one(params, "year")
    year = f.year if f.year in years else None
    if raw_year and year is None:
        span = f"{min(years)}–{max(years)}年" if years else "无"
        notes.append(f"链接中的年度 {quote_input(raw_year)} 无效（可选 {span}），已显示全部年度。")
    raw_month = _one(params, "month")
    if raw_month and year is not None and f.month is None:
        notes.append(f"链接中的月份 {quote_input(raw_month)} 无效（应为 1–12），已显示全年。")
    for key, label, enum_cls in _LINK_CHOICES:
        raw = _one(params, key)
        if raw and _member(enum_cls, raw) is None:
            notes.append(f"链接中的{label} {quote_input(raw)} 无效，已忽略。")
    raw_status = _one(params, "status")
    if raw_status and f.status is None:
        notes.append(f"链接中的公示状态 {quote_input(raw_status)} 无效（可选：{_choices(PUBLIC_STATUSES)}），已忽略。")
    raw_page = _one(params, "page")
    if raw_page and _int(raw_page, 1, MAX_PAGE) is None:
        notes.append(f"链接中的页码 {quote_input(raw_page)} 无效，已显示第 1 页。")
    filters = replace(f, agency_id=agency_id, year=year, month=f.month if year is not None else None)
    return LinkReading(filters, tuple(notes))


def page_out_of_range_note(requested: int, pages: int) -> str | None:
    """A note when a link's page lies beyond the last page of its results (the page then shows the last one)."""
    if requested <= pages:
        return None
    return f"链接中的第 {requested:,} 页超出范围：当前查询共 {pages:,} 页，已显示最后一页。"


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
        if f.month is not None:
            out["month"] = str(f.month)
    if f.amount is not None:
        out["amount"] = f.amount.value
    if f.status is not None:
        out["status"] = f.status.value
    if f.sort is not SortKey.PUBLISHED:
        out["sort"] = f.sort.value
    if not f.descending:
        out["order"] = "asc"
    if f.page != 1:
        out["page"] = str(f.page)
    if f.page_size != 20:
        out["size"] = str(f.page_size)
    return out


def filters_to_api_params(f: DecisionFilters) -> dict[str, str]:
    """The API parameters of the same result set (no page: the streamed exports hold every matching row)."""
    out = filters_to_params(f)
    out.pop("page", None)
    out.pop("size", None)
    return out


class FilterError(ValueError):
    """A query parameter the open-data API cannot accept; the message is Chinese and names the parameter."""


API_PARAMS = frozenset({"q", "agency", "category", "type", "year", "month", "amount", "status", "sort", "order",
                        "page", "page_size", "after", "count"})


def _choices(values) -> str:
    return "、".join(v.value if hasattr(v, "value") else str(v) for v in values)


def filters_from_api_params(params: Mapping[str, str | list[str]], *, agency_ids: Mapping[str, int] | None = None,
                            max_page_size: int = API_MAX_PAGE_SIZE) -> DecisionFilters:
    """Strict reading for the API: every present parameter must be valid, or FilterError says which and why.

    ``agency`` is an agency id, or a code/name found in ``agency_ids`` (code or name → id); ``page_size`` is
    1…``max_page_size`` (default 20). Unknown parameters are refused too, so that a typo ("categroy") is not ignored.
    """
    unknown = sorted(set(params) - API_PARAMS)
    if unknown:
        raise FilterError(f"不支持的参数：{quote_input('、'.join(unknown))}（可用参数：{'、'.join(sorted(API_PARAMS))}）")

    def get(key: str) -> str:
        return _one(params, key)

    def integer(key: str, label: str, low: int, high: int) -> int | None:
        raw = get(key)
        if not raw:
            return None
        n = _int(raw, low, high)
        if n is None:
            raise FilterError(f"参数 {key}（{label}）应为 {low}–{high} 之间的整数，收到：{quote_input(raw)}")
        return n

    def member(key: str, label: str, enum_cls, allowed=None):
        raw = get(key)
        if not raw:
            return None
        value = _member(enum_cls, raw)
        allowed = tuple(allowed or enum_cls)
        if value is None or value not in allowed:
            raise FilterError(f"参数 {key}（{label}）无效：{quote_input(raw)}；可选值：{_choices(allowed)}")
        return value

    q = get("q")
    if len(q) > MAX_QUERY_LENGTH:
        raise FilterError(f"参数 q（关键词）不能超过 {MAX_QUERY_LENGTH} 个字符")
    if clean_text(q, MAX_QUERY_LENGTH) != q.strip():
        raise FilterError("参数 q（关键词）含有控制字符或无效字符")
    agency_id = None
    raw_agency = get("agency")
    if raw_agency:
        if raw_agency.isascii() and raw_agency.isdigit():
            agency_id = parse_id(raw_agency)
            if agency_id is None or (agency_ids is not None and agency_id not in set(agency_ids.values())):
                raise FilterError(f"参数 agency（执法机关）无效：找不到编号为 {quote_input(raw_agency)} 的执法机关")
        elif agency_ids is not None and raw_agency in agency_ids:
            agency_id = agency_ids[raw_agency]
        else:
            raise FilterError(f"参数 agency（执法机关）无效：{quote_input(raw_agency)}；应为执法机关编号、代码或全称")
    year = integer("year", "年度", 2000, 2100)
    month = integer("month", "月份", 1, 12)
    if month is not None and year is None:
        raise FilterError("参数 month（月份）须与 year（年度）一起使用")
    order = get("order")
    if order and order not in ("asc", "desc"):
        raise FilterError(f"参数 order（排序方向）只能为 asc 或 desc，收到：{quote_input(order)}")
    sort = member("sort", "排序字段", SortKey) or SortKey.PUBLISHED
    after = _after(get("after"), get("page"), sort, order != "asc")
    count = get("count")
    if count and count != "exact":
        raise FilterError(f"参数 count（计数方式）只能为 exact（精确计数），收到：{quote_input(count)}")
    return DecisionFilters(
        q=q,
        agency_id=agency_id,
        category=member("category", "执法类别", ActionCategory),
        penalty_type=member("type", "处罚种类", PenaltyType),
        year=year,
        month=month,
        amount=member("amount", "罚款金额区间", AmountBand),
        status=member("status", "公示状态", DisclosureStatus, PUBLIC_STATUSES),
        sort=sort,
        descending=order != "asc",
        page=integer("page", "页码", 1, MAX_PAGE) or 1,
        page_size=integer("page_size", "每页条数", 1, max_page_size) or 20,
        after=after,
        exact_count=count == "exact",
    )


def _after(raw: str, raw_page: str, sort: SortKey, descending: bool) -> Cursor | None:
    """The ``after`` cursor, checked against the request: it must be one this API issued (domain.cursor), for the
    same sort and direction (in another order the position would skip or repeat rows), and not given with ``page``
    (two answers to "where does this page start")."""
    if not raw:
        return None
    if raw_page:
        raise FilterError("参数 after（翻页游标）与 page（页码）不能同时使用：按游标翻页时请去掉 page")
    try:
        cursor = decode_cursor(raw)
    except CursorError as exc:
        raise FilterError(str(exc)) from None
    if cursor.sort not in SortKey._value2member_map_:
        raise FilterError(BAD_CURSOR_SORT)
    if SortKey(cursor.sort) is not sort or cursor.descending != descending:
        direction = "从大到小" if cursor.descending else "从小到大"
        raise FilterError(f"参数 after（翻页游标）属于按{cursor.sort}{direction}的排序，与本次请求的 sort/order 不一致；"
                          "换排序后请从第一页开始")
    by_amount = sort is SortKey.AMOUNT
    if (cursor.value is None and not by_amount) or (
            cursor.value is not None and isinstance(cursor.value, Decimal) != by_amount):
        raise FilterError(BAD_CURSOR_SORT)
    return cursor


BAD_CURSOR_SORT = "参数 after（翻页游标）无效：其中的排序值与排序字段不符，请把上一页返回的 next 原样传入"


def next_cursor(f: DecisionFilters, last: Mapping[str, object]) -> str:
    """The ``after`` token that continues ``f``'s order after the row ``last`` (a public row: id, published_on,
    decided_on, fine_total — None for a withdrawn decision)."""
    column = {SortKey.PUBLISHED: "published_on", SortKey.DECIDED: "decided_on", SortKey.AMOUNT: "fine_total"}[f.sort]
    value = last[column]
    last_id = last["id"]
    if not isinstance(last_id, int) or not (value is None or isinstance(value, (Decimal, date))):
        raise TypeError("行中缺少排序值或编号")
    return encode_cursor(Cursor(f.sort.value, f.descending, value, last_id))


# ------------------------------------------------------------------ the staff case list (pages/cases.py)

MAX_CASE_TEXT = 100


@dataclass(frozen=True)
class CaseFilters:
    """The staff case list's basic filters: 案号/当事人/文书号 text, status, agency, major cases only."""

    q: str = ""
    status: CaseStatus | None = None
    agency_id: int | None = None
    major_only: bool = False
    limit: int = 200


@dataclass(frozen=True)
class RecordFilters:
    """Search by the record: an officer (执法证号, or part of a name), a stage the case has reached, 逾期."""

    officer: str = ""
    stage: Stage | None = None
    overdue: bool = False


def case_filters_from_params(params: Mapping[str, str | list[str]]) -> tuple[CaseFilters, RecordFilters]:
    """Lenient like ``filters_from_params``: a mangled value is dropped, the rest of the link still applies. Whether
    the agency exists and lies in the user's scope is the page's check (it knows the actor and the agencies)."""
    return (
        CaseFilters(q=clean_text(_one(params, "q"), MAX_CASE_TEXT),
                    status=_member(CaseStatus, _one(params, "status")),
                    agency_id=parse_id(_one(params, "agency")),
                    major_only=_one(params, "major") == "1"),
        RecordFilters(officer=clean_text(_one(params, "officer"), MAX_CASE_TEXT),
                      stage=_member(Stage, _one(params, "stage")),
                      overdue=_one(params, "overdue") == "1"),
    )


def case_filters_to_params(f: CaseFilters, r: RecordFilters) -> dict[str, str]:
    """The inverse of ``case_filters_from_params`` (the row limit is not part of a link); defaults are left out."""
    out = {"q": f.q.strip(), "status": f.status.value if f.status else "", "major": "1" if f.major_only else "",
           "agency": "" if f.agency_id is None else str(f.agency_id), "officer": r.officer.strip(),
           "stage": r.stage.value if r.stage else "", "overdue": "1" if r.overdue else ""}
    return {k: v for k, v in out.items() if v}


def describe_filters(f: DecisionFilters, total: int, agency_name: str | None = None, *, exact: bool = True) -> str:
    """"2025年 区市场监管局 行政处罚 罚款 含“食品” 共 412 条"; with ``exact`` False the total is a lower bound:
    "含“2” 1 万条以上"."""
    parts: list[str] = []
    if f.year is not None:
        parts.append(f"{f.year}年{f.month}月" if f.month is not None else f"{f.year}年")
    if agency_name:
        parts.append(agency_name)
    if f.category is not None:
        parts.append(f.category.value)
    if f.penalty_type is not None:
        parts.append(f.penalty_type.value)
    if f.amount is not None:
        parts.append(f.amount.phrase)
    if f.status is not None:
        parts.append(f.status.value)
    if f.q:
        parts.append(f"含“{f.q}”")
    prefix = " ".join(parts) if parts else "全部已公示决定"
    return f"{prefix} {format_total(total, exact)}"


def describe_sort(f: DecisionFilters) -> str:
    """"按公示日期从新到旧" / "按金额从高到低" …, for the caption under the result sentence."""
    if f.sort is SortKey.AMOUNT:
        return "按罚款金额" + ("从高到低" if f.descending else "从低到高")
    return f"按{f.sort.value}" + ("从新到旧" if f.descending else "从旧到新")
