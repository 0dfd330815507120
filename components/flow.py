"""执法流程图 as an Altair chart (pure builder): the stages of the ordinary penalty procedure with their statutory
time limits, for the 事前公开 page of each agency."""

from __future__ import annotations

import altair as alt
import pandas as pd

ORDINARY_PROCEDURE = (
    ("立案", "符合立案标准的及时立案（第五十四条）"),
    ("调查取证", "执法人员不少于两人，出示执法证件（第四十二、五十五条）"),
    ("告知", "告知拟处罚内容及陈述、申辩、听证权利（第四十四条）"),
    ("听证", "当事人告知后5个工作日内提出；举行前7个工作日通知（第六十四条）"),
    ("法制审核", "重大执法决定必须经法制审核（第五十八条）"),
    ("决定", "自立案之日起90日内作出（第六十条）"),
    ("送达", "当事人不在场的，7个工作日内送达（第六十一条）"),
    ("执行", "收到决定书之日起15日内缴纳罚款（第六十七条）"),
    ("结案归档", "全过程记录归档保存（第四十七条）"),
)


def procedure_flow_chart(steps: tuple[tuple[str, str], ...] = ORDINARY_PROCEDURE) -> alt.Chart:
    data = pd.DataFrame([{"序号": i, "环节": name, "要求": rule, "y": 0} for i, (name, rule) in enumerate(steps)])
    base = alt.Chart(data, title="行政处罚普通程序流程（依据《中华人民共和国行政处罚法》）").encode(
        y=alt.Y("序号:O", axis=None), tooltip=[alt.Tooltip("环节:N"), alt.Tooltip("要求:N")])
    line = base.mark_rule(strokeWidth=2, color="#b22222").encode(x=alt.value(18), y2=alt.Y2("序号:O"))
    dots = base.mark_circle(size=220, color="#b22222").encode(x=alt.value(18))
    names = base.mark_text(align="left", dx=34, fontSize=14, fontWeight="bold").encode(text="环节:N", x=alt.value(0))
    rules = base.mark_text(align="left", dx=130, fontSize=12, color="#555").encode(text="要求:N", x=alt.value(0))
    return alt.layer(line, dots, names, rules).properties(height=40 * len(steps), width=720)
