"""年度行政执法数据 (118号(六): 上年度数据 by 31 January): counts by the official rules, generated from case data."""

import pandas as pd
import streamlit as st

from components.cached import agency_short_names, annual_records, decision_years
from components.downloads import csv_bytes
from components.stats_charts import annual_penalties_chart
from components.text import md
from components.url_state import UrlFilters
from components.words import CHOOSE
from domain.formatting import format_date, today_shanghai
from domain.params import parse_year, quote_input
from domain.statistics import SUPPRESSION_NOTE, publication_deadline_for_year

st.title("年度行政执法数据")
years = decision_years()
if not years:
    st.info("暂无执法决定数据。")
    st.stop()
today = today_shanghai()
linked = parse_year(st.query_params.get("year", ""))
raw_year = st.query_params.get("year", "")
if raw_year and linked not in years:
    st.warning(f"链接中的年度 {md(quote_input(raw_year))} 没有数据（可选 {md(min(years))}–{md(max(years))}年），已显示默认年度。",
               icon=":material/link_off:")
default = linked if linked in years else (today.year - 1 if today.year - 1 in years else years[0])
url = UrlFilters("annual", {"year": default})
year = st.selectbox("年度", years, key=url.key("year"), format_func=lambda y: f"{y}年", placeholder=CHOOSE)
url.publish({"year": str(year)})

records = pd.DataFrame(annual_records(year))
st.caption(f"{md(year)}年数据应于{format_date(publication_deadline_for_year(year))}前公开（国办发〔2018〕118号）。"
           "本表由系统根据案件数据自动生成。")
st.dataframe(records, hide_index=True)
st.download_button("下载 CSV", csv_bytes(records), file_name=f"{year}年行政执法数据.csv", mime="text/csv",
                   icon=":material/download:")
st.altair_chart(annual_penalties_chart(records, agency_short_names()), use_container_width=True)
with st.expander("统计口径说明", expanded=False):
    st.markdown(
        "- 按决定日期统计 1 月 1 日至 12 月 31 日作出的执法决定；经复议、诉讼被撤销的决定仍计入当年数据。\n"
        "- 一份决定计为一宗；同时给予多种处罚的，按其中最重的处罚种类计入"
        "（警告 < 通报批评 < 罚款 < 没收 < 暂扣许可证件 < 降低资质等级 < 限制开展生产经营活动 < 责令停产停业 < "
        "责令关闭、限制从业 < 吊销许可证件 < 行政拘留）。\n"
        "- 罚没金额为决定书确定的罚款金额与可确定价值的没收金额之和（元）。\n"
        "- “无案件”表示该机关当年有数据、但该类执法行为为 0；“未报送”表示该机关当年在系统中没有任何案件数据，"
        "其数字未计入合计。\n"
        f"- {SUPPRESSION_NOTE}"
    )
