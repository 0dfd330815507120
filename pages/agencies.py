"""执法主体 (事前公开): the directory of enforcement bodies, each linking to its own page."""

import streamlit as st

from components.data import get_engine
from components.text import md
from db.public import load_agency_directory
from domain.formatting import format_count, today_shanghai

st.title("执法主体")
st.caption("依据国办发〔2018〕118号第四项，公开行政执法主体、人员、职责、权限、依据、程序、救济渠道和随机抽查事项清单。")
directory = load_agency_directory(get_engine(), today_shanghai())
for row in directory.itertuples():
    with st.container(border=True):
        c1, c2 = st.columns([3, 2])
        c1.markdown(f"**{md(row.name)}**  \n{md(row.level)} · {md(row.kind)}执法主体 · {md(row.region_name)}")
        c2.markdown(f"在岗持证执法人员 {format_count(row.officers)} 人 · 权责清单事项 {format_count(row.matters)} 项")
        if not row.officers or not row.matters:
            missing = "和".join(w for w, n in (("持证执法人员", row.officers), ("权责清单事项", row.matters)) if not n)
            c2.caption(f"本平台尚未收录该机关的{md(missing)}：可能尚未导入，或该机关主要承担执法监督、复议等职责；"
                       "详情页列出已收录的信息。")
        st.page_link("pages/agency.py", label="查看详情", query_params={"id": str(row.id)}, icon=":material/arrow_forward:")
