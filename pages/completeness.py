"""案卷完整性 (执法监督人员): decided cases scored against the 案卷评查 checklist of their procedure type — the lowest
first, each linked to its case page — and the average per agency. ``?agency=<id>`` narrows it to one agency."""

import streamlit as st

from components.auth import require
from components.cached import agency_short_names, completeness_overview
from components.charts import completeness_by_agency
from components.data import get_engine
from components.tables import display_frame, show_table
from components.text import md
from components.url_state import UrlFilters
from components.words import ALL
from db.events import LOW_SCORE
from db.queries import agency_options
from domain.formatting import format_count
from domain.params import parse_id
from domain.permissions import Permission

LABELS = {"case_no": "案号", "agency": "执法主体", "category": "执法类别", "procedure": "程序", "decided_on": "决定日期",
          "score": "完整性评分", "missing_count": "缺失事项数", "first_missing": "首要缺失事项"}

require(Permission.SUPERVISION_READ)
engine = get_engine()


st.title("案卷完整性评查")
st.caption(f"按执法全过程记录逐案核查已作出决定的案件：必经环节是否齐全且顺序正确、决定前是否告知、重大案件是否经法制审核通过、"
           f"决定后是否送达、须全程音像记录的活动是否有音像记录、现场执法人员及执法证、决定书要素（行政处罚法第五十九条）。"
           f"满分100分，低于{LOW_SCORE}分的案件应列入案卷评查。")
names = agency_options(engine)
linked = parse_id(st.query_params.get("agency", ""))
url = UrlFilters("completeness", {"agency": linked if linked in names else None})
agency = st.selectbox("执法主体", [None, *names], key=url.key("agency"), placeholder=ALL,
                      format_func=lambda i: ALL if i is None else names[i])
url.publish({"agency": str(agency)} if agency else {})

found = completeness_overview(agency)
if not found.cases or found.average is None:
    st.info("没有已作出决定的案件。")
    st.stop()
per_agency = found.per_agency
c1, c2, c3, c4 = st.columns(4)
c1.metric("已评查案件", format_count(found.cases))
c2.metric("平均评分", f"{found.average:.1f}")
c3.metric(f"低于{LOW_SCORE}分", format_count(found.low))
c4.metric("满分案件", format_count(found.full))

st.altair_chart(completeness_by_agency(per_agency, LOW_SCORE, agency_short_names()), width="stretch")
show_table(display_frame(per_agency, {"agency": "执法主体", "cases": "已决案件", "average_score": "平均评分",
                                      "lowest_score": "最低评分", "low_cases": f"低于{LOW_SCORE}分"}))

lowest = found.lowest  # the lowest 50 (db.completeness.LOWEST), lowest first
st.subheader(f"评分最低的 {len(lowest)} 件案件")
event = show_table(display_frame(lowest, LABELS, dates=("decided_on",), link=("case", "case_id")), key="lowest_cases",
                   selectable=True)
if event is not None and event.selection.rows:
    row = lowest.iloc[event.selection.rows[0]]
    st.page_link("pages/case.py", label=f"打开案件 {md(row['case_no'])}", query_params={"id": str(int(row["case_id"]))},
                 icon=":material/open_in_new:")
st.markdown("**逐案核查（评分最低的10件）**")
for row in lowest.head(10).itertuples():
    headline = row.first_missing.split("：")[0] or "无缺失事项"  # "缺少告知环节：…" → "缺少告知环节"
    st.page_link("pages/case.py", label=f"{md(row.case_no)} · {md(row.score)}分 · {md(headline)}",
                 query_params={"id": str(int(row.case_id))}, icon=":material/folder:")
