"""执法决定公示: search published decisions; every filter lives in the URL so a copied link reproduces the view."""

import streamlit as st

from components.cached import (
    agency_link_keys,
    agency_names,
    agency_short_names,
    database_url_for_downloads,
    public_decisions_counted,
)
from components.opendata import DOWNLOAD_LIMIT, MIME, api_export_url, deferred_download, download_name
from components.tables import (
    DECISION_TABLE_LABELS,
    DECISION_WIDTHS,
    display_frame,
    show_table,
    with_short_agency_names,
)
from components.text import md
from components.url_state import UrlFilters
from components.words import ALL, CHOOSE
from domain.enums import ActionCategory, PenaltyType
from domain.filters import (
    PUBLIC_STATUSES,
    AmountBand,
    DecisionFilters,
    SortKey,
    describe_filters,
    describe_sort,
    filters_to_params,
    page_out_of_range_note,
    read_decision_link,
)
from domain.formatting import format_total, today_shanghai

today = today_shanghai()
st.title("执法决定公示")
names = agency_names()
years = [None, *range(today.year, 2022, -1)]
reading = read_decision_link(st.query_params.to_dict(), agency_keys=agency_link_keys(), years=years[1:])
current = reading.filters
for note in reading.notes:
    st.warning(md(note), icon=":material/link_off:")
url = UrlFilters("decisions", {
    "q": current.q, "agency": current.agency_id, "category": current.category, "year": current.year,
    "type": current.penalty_type, "month": current.month, "amount": current.amount, "status": current.status,
    "sort": current.sort, "order": current.descending})


def _all(label: str):
    return lambda v: ALL if v is None else label.format(v=getattr(v, "value", v))


c1, c2, c3, c4 = st.columns([3, 2, 2, 1])
q = c1.text_input("关键词", key=url.key("q"), placeholder="当事人名称、决定书文号、统一社会信用代码、违法行为…",
                  help="在决定书文号、单位名称、统一社会信用代码、违法行为、处罚依据和处罚内容中查找，空格分隔多个词"
                       "（须同时包含）；一两个字也可以查。自然人当事人仅显示为“姓氏+某”，不能按真实姓名检索。")
agency = c2.selectbox("执法机关", [None, *names], key=url.key("agency"), format_func=lambda i: ALL if i is None else names[i],
                      placeholder=ALL)
category = c3.selectbox("执法类别", [None, *ActionCategory], key=url.key("category"), format_func=_all("{v}"),
                        placeholder=ALL)
year = c4.selectbox("年度", years, key=url.key("year"), format_func=_all("{v}年"), placeholder=ALL)

# The less used conditions fold away (open when a link sets one), so on a phone the results follow the search box.
more = (current.penalty_type, current.month, current.amount, current.status)
with st.expander("更多条件：处罚种类、月份、罚款金额、公示状态、排序", expanded=any(v is not None for v in more)
                 or current.sort is not SortKey.PUBLISHED or not current.descending):
    d1, d2, d3, d4 = st.columns([2, 1, 2, 2])
    ptype = d1.selectbox("处罚种类", [None, *PenaltyType], key=url.key("type"), format_func=_all("{v}"), placeholder=ALL)
    month = d2.selectbox("月份", [None, *range(1, 13)], key=url.key("month"), format_func=_all("{v}月"),
                         disabled=year is None, help="先选年度", placeholder=ALL)
    amount = d3.selectbox("罚款金额", [None, *AmountBand], key=url.key("amount"), format_func=_all("{v}"), placeholder=ALL,
                          help="按决定书确定的罚款金额：下限含、上限不含（1万元计入“1万-10万”）；已撤回的决定不计金额。")
    status = d4.selectbox("公示状态", [None, *PUBLIC_STATUSES], key=url.key("status"), format_func=_all("{v}"),
                          placeholder=ALL)
    e1, e2, _ = st.columns([2, 2, 4])
    sort = e1.selectbox("排序", list(SortKey), key=url.key("sort"), format_func=lambda s: f"按{s.value}",
                        placeholder=CHOOSE)
    newest = "从高到低" if sort is SortKey.AMOUNT else "从新到旧"
    oldest = "从低到高" if sort is SortKey.AMOUNT else "从旧到新"
    descending = e2.selectbox("顺序", [True, False], key=url.key("order"), format_func=lambda d: newest if d else oldest,
                              placeholder=CHOOSE)

chosen = DecisionFilters(q=q.strip()[:100], agency_id=agency, category=category, penalty_type=ptype, year=year,
                         month=month if year is not None else None, amount=amount, status=status, sort=sort,
                         descending=descending, page=current.page, page_size=current.page_size)
if not chosen.same_result_set(current):
    chosen = chosen.with_page(1)
frame, total, exact = public_decisions_counted(chosen, today)
# A total known only as a lower bound (a one-character scan) has no last page: "next" stays open while pages are full.
pages = max(1, -(-total // chosen.page_size)) if exact else None
beyond = page_out_of_range_note(chosen.page, pages) if pages is not None else None
if beyond and pages is not None:
    st.warning(md(beyond), icon=":material/link_off:")
    chosen = chosen.with_page(pages)
    frame, total, exact = public_decisions_counted(chosen, today)
url.publish(filters_to_params(chosen))
agency_name = names.get(chosen.agency_id) if chosen.agency_id else None
st.markdown(f"**{md(describe_filters(chosen, total, agency_name, exact=exact))}**")
st.caption(f"{md(describe_sort(chosen))}。仅列出公示期内的决定。当事人为未成年人或者涉及国家秘密、商业秘密、个人隐私的决定"
           "依法不予公开；已撤回的决定只保留撤回记录。复制浏览器地址即可分享当前查询。")
shown = with_short_agency_names(frame, agency_short_names())
show_table(display_frame(shown, DECISION_TABLE_LABELS, money=("fine_total",), dates=("decided_on", "published_on"),
                         link=("decision", "id")), widths=DECISION_WIDTHS)

p1, p2, p3 = st.columns([1, 2, 1])
if p1.button("上一页", disabled=chosen.page <= 1, key="prev_page"):
    st.query_params["page"] = str(chosen.page - 1)
    st.rerun()
p2.caption(f"第 {md(min(chosen.page, pages))} / {md(pages)} 页" if pages is not None else f"第 {md(chosen.page)} 页")
last_page = chosen.page >= pages if pages is not None else len(frame) < chosen.page_size
if p3.button("下一页", disabled=last_page, key="next_page"):
    st.query_params["page"] = str(chosen.page + 1)
    st.rerun()

if total:
    st.subheader("下载当前查询结果")
    b1, b2, _ = st.columns([1, 1, 3])
    if exact and total <= DOWNLOAD_LIMIT:
        # Generated on click, page by page (not when the page renders): most visitors never download.
        db_url = database_url_for_downloads()
        for column, fmt in ((b1, "csv"), (b2, "json")):
            column.download_button(f"下载 {md(fmt.upper())}", deferred_download(db_url, chosen, today, fmt, total),
                                   file_name=download_name(chosen, total, agency_name, fmt), mime=MIME[fmt],
                                   key=f"download_{fmt}", on_click="ignore", icon=":material/download:")
    else:
        # Too large to hold in the page's memory: the open-data API streams the same rows from this server.
        for column, fmt in ((b1, "csv"), (b2, "json")):
            column.link_button(f"下载 {md(fmt.upper())}（流式）", api_export_url(chosen, fmt), icon=":material/download:")
    st.caption(f"包含当前查询的全部结果（{md(format_total(total, exact))}，不限当前页），字段与脱敏规则同上表，"
               "另含编号、当事人类型和没收金额；金额单位为元，保留两位小数。"
               "程序化获取请使用开放数据接口 /api/v1/decisions（见项目说明）。")
