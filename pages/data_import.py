"""数据导入 (管理员): load a CSV/Excel export — published decisions, or agencies, officers, matters, cases, case
events and legal reviews — with the same engine as ``manage.py import``; everything valid gets in, or every problem
is reported by line and column — nothing silently dropped."""

import pandas as pd
import streamlit as st

from components.auth import require
from components.cached import after_import
from components.data import get_engine
from components.text import md
from db.import_kinds import KINDS
from db.importer import SUPPORTED_KINDS, ImportFileError, run_import, template_csv_bytes, template_xlsx_bytes
from domain.permissions import Permission

# decisions first (the common case, and the page's default), then the other kinds in their import order
ORDER = ["decisions", *(k for k in SUPPORTED_KINDS if k != "decisions")]
TITLES = {"decisions": "执法决定", **{k: spec.title for k, spec in KINDS.items()}}
CAPTIONS = {
    "decisions": "每行一个已作出的执法决定（决定书文号为唯一标识，重复导入同一文件不会产生重复数据；"
                 "内容变化的已公示决定会记录更正）。",
    "agencies": "每行一个执法主体（按机关代码对应，无代码时按机关名称）；上级机关可以是文件中的另一行。",
    "officers": "每行一名执法人员（按执法证号对应）；执法机关须已在系统中。",
    "matters": "每行一个权责清单事项（按执法机关和事项编码对应）。",
    "cases": "每行一个案件（按案号对应）；系统录入的案件不会被导入修改。",
    "events": "每行一条执法全过程记录（按案号和序号对应）。记录只能追加：新记录须接续本案已有序号并写入哈希链，"
              "已有记录内容不同的整行拒绝。",
    "reviews": "每行一轮法制审核（按案号和轮次对应）；尚未审核的轮次审核结论留空，已完成的审核不能修改。",
}
NAMES_AGENCIES = {"decisions", "officers", "matters", "cases"}  # kinds whose rows name an agency

actor = require(Permission.DATA_IMPORT)
st.title("数据导入")
kind = st.selectbox("导入类型", ORDER, format_func=lambda k: f"{TITLES[k]}（{k}）", key="kind",
                    help="建议按列表顺序导入：执法主体 → 执法人员、权责清单事项 → 案件 → 执法全过程记录、法制审核。")
st.caption(CAPTIONS[kind] + "格式说明见 docs/import.md。")
c1, c2 = st.columns(2)
c1.download_button("下载 CSV 模板", template_csv_bytes(kind), file_name=f"{TITLES[kind]}导入模板.csv", mime="text/csv",
                   icon=":material/download:")
c2.download_button("下载 Excel 模板", template_xlsx_bytes(kind), file_name=f"{TITLES[kind]}导入模板.xlsx",
                   mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", icon=":material/download:")

upload = st.file_uploader("选择文件（CSV、xlsx、xls；UTF-8 或 GB18030 编码）", type=["csv", "xlsx", "xls"], key="upload")
mode = st.radio("导入方式", ["只校验，不写入", "全部有效才写入（任一行有错误则整批拒绝）", "写入有效行，拒绝无效行"],
                key="mode", help="建议先只校验，确认问题清单后再正式导入。")
create_agencies = kind in NAMES_AGENCIES and st.checkbox("自动新建文件中出现的未知执法机关", key="create_agencies")
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
