"""数据导入 (管理员): load a CSV/Excel export — published decisions, or agencies, officers, matters, cases, case
events and legal reviews — with the same engine as ``manage.py import``; everything valid gets in, or every problem
is reported by line and column — nothing silently dropped."""

import pandas as pd
import streamlit as st

from components.auth import require
from components.cached import after_import
from components.data import get_engine
from components.text import md
from components.words import CHOOSE
from db.imports import KINDS, ImportFileError, run_import, template_csv_bytes, template_xlsx_bytes
from domain.permissions import Permission

# decisions first (the common case, and the page's default), then the other kinds in their import order
ORDER = ["decisions", *(k for k in KINDS if k != "decisions")]

actor = require(Permission.DATA_IMPORT)
st.title("数据导入")
kind = st.selectbox("导入类型", ORDER, format_func=lambda k: KINDS[k].title, key="kind", placeholder=CHOOSE,
                    help="建议按列表顺序导入：执法主体 → 执法人员、权责清单事项 → 案件 → 执法全过程记录、法制审核。")
spec = KINDS[kind]
st.caption(md(spec.caption) + "各列的写法见下载的模板和项目文档中的《数据导入说明》。")
c1, c2 = st.columns(2)
c1.download_button("下载 CSV 模板", template_csv_bytes(kind), file_name=f"{spec.title}导入模板.csv", mime="text/csv",
                   icon=":material/download:")
c2.download_button("下载 Excel 模板", template_xlsx_bytes(kind), file_name=f"{spec.title}导入模板.xlsx",
                   mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", icon=":material/download:")

upload = st.file_uploader("选择文件（CSV、xlsx、xls；UTF-8 或 GB18030 编码）", type=["csv", "xlsx", "xls"], key="upload")
mode = st.radio("导入方式", ["只校验，不写入", "全部有效才写入（任一行有错误则整批拒绝）", "写入有效行，拒绝无效行"],
                key="mode", help="建议先只校验，确认问题清单后再正式导入。")
create_agencies = spec.names_agencies and st.checkbox("自动新建文件中出现的未知执法机关", key="create_agencies")
if upload is None or not st.button("开始", type="primary", key="start"):
    st.stop()

bar = st.progress(0.0, text="正在校验…")


def progress(done: int, total: int) -> None:
    bar.progress(min(done / max(total, 1), 1.0), text=f"正在校验 {done}/{total} 行")


try:
    report = run_import(kind, get_engine(), upload.getvalue(), filename=upload.name,
                        dry_run=mode.startswith("只校验"), accept_valid=mode.startswith("写入有效行"),
                        create_agencies=create_agencies, actor=actor.username, progress=progress)
except ImportFileError as exc:
    bar.empty()
    st.error(md(exc))
    st.stop()
bar.progress(1.0, text="完成")
if report.refused:
    st.error(md(report.summary()))
elif report.rejected:
    st.warning(md(report.summary()))
else:
    st.success(md(report.summary()))
if report.written:
    after_import(kind, agencies_may_change=kind == "agencies" or bool(create_agencies))
st.subheader("前几行的解析结果")
st.dataframe(pd.DataFrame(report.preview(10)), hide_index=True)
if report.problems:
    st.subheader(f"问题清单（{len(report.problems)} 条）")
    st.dataframe(pd.DataFrame(report.problem_rows()), hide_index=True)
if report.rejected or report.refused:
    st.download_button("下载被拒绝的行及原因", report.rejects_csv_bytes(), file_name=f"拒绝行_{upload.name}.csv",
                       mime="text/csv", icon=":material/download:")
