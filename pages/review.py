"""法制审核 (?case=…): everything under review on one screen — the proposed decision, parties, materials, the case
timeline with its clocks, the benchmark the case records — then the ten-point checklist and the written opinion
(118号(十三), 行政处罚法 art. 58). Every round is kept and shown."""

import streamlit as st

from components.auth import require
from components.cached import after_review_decision
from components.data import get_engine
from components.discretion import show_comparable_panel, show_discretion_check
from components.review import (
    clock_text,
    materials_section,
    proposal_section,
    recorded_benchmark_section,
    rounds_table,
)
from components.tables import display_frame, show_table
from components.text import md, show_text
from components.timeline import clocks_table
from db.discretion import comparable_for_tier
from db.events import load_case_facts
from db.queries import case_detail
from db.reviews import (
    agency_major_rules,
    decide_review,
    proposal_check,
    proposal_of,
    recorded_benchmark,
    reviewer_qualified,
    rounds_of,
)
from db.stats import load_calendar
from domain.formatting import format_date, today_shanghai
from domain.params import parse_id
from domain.permissions import Permission, can_access_agency
from domain.procedure import case_clocks
from domain.review import (
    CHECKLIST,
    MATERIALS,
    ReviewAction,
    ReviewDecision,
    ReviewRound,
    available_actions,
    review_clock,
)

FLASH = "review_flash"
PASS, PROBLEM = "通过", "存在问题"

actor = require(Permission.REVIEWS_DECIDE)
engine = get_engine()
today = today_shanghai()
case_id = parse_id(st.query_params.get("case", ""))
detail = case_detail(engine, case_id) if case_id is not None else None
if detail is None or not can_access_agency(actor, detail.agency_id):
    st.title("法制审核")
    st.warning("未找到该案件，或该案件不属于本机关。")
    st.stop()

st.title(f"法制审核：{md(detail.case_no)}")
if flash := st.session_state.pop(FLASH, None):
    st.success(md(flash), icon=":material/check_circle:")
rounds = rounds_of(engine, detail.id)
proposal = proposal_of(engine, detail.id)
calendar = load_calendar(engine)
rules = agency_major_rules(engine, detail.agency_id)
last = rounds[-1] if rounds else None

st.markdown(f"**执法主体**：{md(detail.agency)}　**当事人**：{md(detail.party)}（{md(detail.party_type)}）  \n"
            f"**违法行为**：{md(detail.violation)}　**立案日期**：{format_date(detail.filed_on)}  \n"
            f"**重大情形**：{md(detail.major_reasons) if detail.major_reasons else '未认定'}")
st.page_link("pages/case.py", label="查看案件全过程记录", query_params={"id": str(detail.id)}, icon=":material/folder:")

if last is not None and last.pending:
    clock = review_clock(last.clock_started_on, last.extended, rules.review_workdays, rules.review_extension_workdays,
                         calendar, today)
    message = (f"第{last.round_no}轮（报送于{format_date(last.submitted_on)}）审核期限：{format_date(clock.due)}，"
               f"{clock_text(clock.remaining_workdays, clock.state.value)}" + ("（已延长）" if last.extended else ""))
    if clock.state.value == "已逾期":
        st.error(md(message), icon=":material/schedule:")
    elif clock.state.value in ("即将到期", "材料不全，待补充"):
        st.warning(md(message), icon=":material/schedule:")
    else:
        st.info(md(message), icon=":material/schedule:")

st.subheader("拟处理决定")
st.markdown("**案件记录的违法事实**")
show_text(detail.facts)
if proposal is None:
    st.warning("承办机构尚未填写拟处理决定。")
else:
    proposal_section([(t.value, a) for t, a in proposal.items], proposal.legal_basis, proposal.facts,
                     proposal.major_explanation)

st.subheader("裁量基准运用")
benchmark = recorded_benchmark(engine, proposal.benchmark_tier_id if proposal else None)
recorded_benchmark_section(benchmark.item if benchmark else None, benchmark.tier if benchmark else None,
                           benchmark.standard if benchmark else None,
                           proposal.claimed_tier.value if proposal and proposal.claimed_tier else None,
                           proposal.discretion_statement if proposal else "")
check = (proposal_check(engine, proposal.benchmark_tier_id, proposal.claimed_tier, proposal.items,
                        proposal.discretion_statement) if proposal else None)
if proposal is not None and proposal.benchmark_tier_id is not None:
    show_discretion_check(check)
    comparable = comparable_for_tier(engine, proposal.benchmark_tier_id, today)
    if comparable is not None:
        with st.expander("类案参考：同一条目、同一档次已公示决定的罚款分布"):
            show_comparable_panel(comparable.rule, comparable.tier, comparable.distribution)

st.subheader("送审材料")
if last is None:
    st.info("本案尚未报送法制审核。")
else:
    materials_section(MATERIALS, last.materials if not last.imported else [k for k, _ in MATERIALS])

st.subheader("办案时间轴与法定时限")
record = load_case_facts(engine, detail.id)
events = detail.events
if not events.empty:
    show_table(display_frame(events, {"seq": "序号", "occurred_at": "时间", "stage": "环节", "action": "执法行为",
                                      "document_no": "文书编号"}, instants=("occurred_at",)))
clocks = case_clocks(record.facts, calendar, today) if record else []
if clocks:
    show_table(clocks_table(clocks))

st.subheader("审核记录")
if rounds:
    show_table(rounds_table(rounds))
else:
    st.info("暂无审核记录。")

review = ReviewRound(detail.id, detail.agency_id, last.round_no, last.submitted_on, last.outcome, True) if last else None
qualified = reviewer_qualified(engine, actor)
actions = available_actions(review, actor, qualified) if review else []
if not actions:
    st.info("当前没有待您审核的轮次。" + ("" if qualified else
                                     "（初次从事法制审核的人员应取得法律职业资格，行政处罚法第五十八条第二款。）"))
    st.stop()

assert last is not None
st.subheader(f"第 {md(last.round_no)} 轮审核意见")
v = st.session_state.setdefault("review_form_version", 0)  # a new version gives fresh, unset widgets after saving
with st.form(f"review_form_{v}"):
    st.caption("逐项审核，每项选择“通过”或“存在问题”；存在问题的须说明。")
    checklist: dict[str, tuple[bool, str]] = {}
    for key, label in CHECKLIST:
        c1, c2 = st.columns([2, 3])
        verdict = c1.radio(md(label), [PASS, PROBLEM], index=None, horizontal=True, key=f"chk_{key}_{v}")
        comment = c2.text_input(f"{md(label)}：说明", key=f"cmt_{key}_{v}", label_visibility="collapsed",
                                placeholder="存在问题时说明问题和依据")
        if key == "discretion":
            c1.caption(f"本案记录：{md(benchmark.tier) if benchmark else '未关联裁量基准档次'}；裁量阶次"
                       f"{md(proposal.claimed_tier.value) if proposal and proposal.claimed_tier else '未填写'}；"
                       f"裁量基准核查：{md('、'.join(f.value for f in check.flags) or '未发现问题') if check else '未核查'}")
        if verdict is not None:
            checklist[key] = (verdict == PASS, comment)
    opinion = st.text_area("书面审核意见", key=f"opinion_{v}",
                           placeholder="同意的，写明审核结论；存在问题的，写明问题和处理建议；建议移送的，写明涉嫌的罪名和依据")
    choice = st.radio("审核结论", actions, format_func=lambda a: a.value, index=None, horizontal=True,
                      key=f"review_action_{v}")
    submitted = st.form_submit_button("提交审核意见", type="primary")
if submitted:
    if choice is None:
        st.error("请选择审核结论。")
    else:
        result = decide_review(engine, detail.id, ReviewDecision(choice, checklist, opinion), actor, today)
        if result.ok:
            after_review_decision()
            st.session_state["review_form_version"] = v + 1
            st.session_state[FLASH] = ("审核意见已记录。" + {
                ReviewAction.APPROVE: "承办机构可据此作出决定。",
                ReviewAction.RETURN: "已退回承办机构，修改后重新报送审核。",
                ReviewAction.TRANSFER: "已建议移送司法机关。"}[choice])
            st.rerun()
        for message in result.errors:
            st.error(md(message))
