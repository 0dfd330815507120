"""重大执法决定法制审核目录清单 (admin): each agency's thresholds (以上含本数 or 超过不含本数), confiscation
thresholds, penalty types, hearing and benchmark triggers, and its review time limit."""

from decimal import Decimal

import streamlit as st

from components.auth import require
from components.data import get_engine
from components.text import md
from db.public import agency_names
from db.reviews import agency_major_rules, save_major_rules
from domain.enums import PenaltyType
from domain.major import MajorRules, rules_catalogue
from domain.numbers import parse_amount_yuan
from domain.permissions import Permission

actor = require(Permission.DATA_IMPORT)
engine = get_engine()
st.title("重大执法决定法制审核目录清单")
st.caption("各机关结合执法类别、层级、领域、涉案金额等制定目录清单（国办发〔2018〕118号第（十二）项）。修改后，"
           "新填写的拟处理决定按新清单认定是否重大。")
names = agency_names(engine)
agency_id = st.selectbox("执法主体", list(names), format_func=names.get, index=None, placeholder="选择执法主体",
                         key="rules_agency")
if agency_id is None:
    st.stop()
rules = agency_major_rules(engine, agency_id)


def _amount(raw: str, label: str, errors: list[str], optional: bool = False) -> Decimal | None:
    if optional and not raw.strip():
        return None
    try:
        value = parse_amount_yuan(raw)
    except ValueError:
        errors.append(f"{label}“{raw.strip()[:30]}”无法识别，请填写数字（元）")
        return None
    if value <= 0:
        errors.append(f"{label}应大于0")
        return None
    return value


with st.form(f"rules_{agency_id}"):
    c1, c2 = st.columns(2)
    person = c1.text_input("对自然人罚款的重大标准（元）", value=f"{rules.fine_person}")
    org = c2.text_input("对法人和其他组织罚款的重大标准（元）", value=f"{rules.fine_org}")
    inclusive = st.radio("标准是否含本数", ["以上（含本数）", "超过（不含本数）"], index=0 if rules.inclusive else 1,
                         horizontal=True)
    c3, c4 = st.columns(2)
    conf_person = c3.text_input("对自然人没收的重大标准（元）", value=f"{rules.confiscation_person or ''}",
                                placeholder="留空则与罚款标准相同")
    conf_org = c4.text_input("对法人和其他组织没收的重大标准（元）", value=f"{rules.confiscation_org or ''}",
                             placeholder="留空则与罚款标准相同")
    types = st.multiselect("属于重大执法决定的处罚种类", list(PenaltyType), format_func=lambda t: t.value,
                           default=[t for t in PenaltyType if t in rules.penalty_types], placeholder="选择处罚种类")
    hearing = st.checkbox("经过听证程序的为重大执法决定", value=rules.hearing)
    departure = st.checkbox("减轻处罚或突破裁量基准的为重大执法决定", value=rules.benchmark_departure)
    c5, c6 = st.columns(2)
    days = c5.number_input("审核时限（工作日）", min_value=1, max_value=60, value=rules.review_workdays, step=1)
    extension = c6.number_input("经批准可延长（工作日）", min_value=0, max_value=60, value=rules.review_extension_workdays,
                                step=1)
    saved = st.form_submit_button("保存目录清单", type="primary")
if saved:
    errors: list[str] = []
    values = (_amount(person, "自然人罚款标准", errors), _amount(org, "法人和其他组织罚款标准", errors),
              _amount(conf_person, "自然人没收标准", errors, optional=True),
              _amount(conf_org, "法人和其他组织没收标准", errors, optional=True))
    if not errors:
        new = MajorRules(fine_person=values[0], fine_org=values[1], inclusive=inclusive.startswith("以上"),
                         confiscation_person=values[2], confiscation_org=values[3], penalty_types=frozenset(types),
                         hearing=hearing, benchmark_departure=departure, review_workdays=int(days),
                         review_extension_workdays=int(extension))
        result = save_major_rules(engine, agency_id, new, actor)
        if result.ok:
            st.success("目录清单已保存。")
            rules = new
        errors.extend(result.errors)
    for message in errors:
        st.error(md(message))
st.subheader("公布的目录清单")
for number, line in enumerate(rules_catalogue(rules), start=1):
    st.markdown(f"{md(number)}. {md(line)}")
