"""The case timeline builder (components/timeline.py) and the completeness chart, tested as pure functions through
chart.to_dict(): stages in statutory order, Beijing times, statutory windows and deadlines with late ones in red,
corrections kept but marked, clocks across the 2026 National Day holiday and its 调休 Saturday."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from components.charts import completeness_by_agency
from components.timeline import (
    RED,
    STAGE_ORDER,
    case_timeline_chart,
    checks_table,
    clocks_chart_frame,
    clocks_table,
    correction_labels,
    officer_labels,
    stage_spans,
    timeline_events,
)
from domain.enums import ActionCategory, DueState, Procedure, Stage
from domain.procedure import SHANGHAI, CaseFacts, EventFact, OfficerCert, case_clocks, completeness
from domain.workdays import WorkCalendar

TODAY = dt.date(2026, 11, 20)
CAL = WorkCalendar()


def ev(seq: int, stage: Stage, day: dt.date, hour: int = 9, action: str = "", corrects: int | None = None) -> EventFact:
    return EventFact(seq=seq, stage=stage, action=action or stage.value,
                     occurred_at=dt.datetime.combine(day, dt.time(hour), tzinfo=SHANGHAI), corrects_seq=corrects)


def case(served: dt.date = dt.date(2026, 10, 12), extension: int = 0) -> CaseFacts:
    """Filed 2026-06-01; the decision on 2026-09-29 is late for 90 days (due 2026-08-31, the 30th being a Sunday)
    unless extended; service counts 7 working days over National Day (10-01…10-07 off, Saturday 10-10 worked)."""
    return CaseFacts(
        case_no="测试立〔2026〕1号", procedure=Procedure.ORDINARY, category=ActionCategory.PENALTY,
        filed_on=dt.date(2026, 6, 1), is_major=False, decided_on=dt.date(2026, 9, 29),
        decision_extension_days=extension,
        events=(
            ev(1, Stage.FILING, dt.date(2026, 6, 1), action="立案审批"),
            ev(2, Stage.INVESTIGATION, dt.date(2026, 6, 3), action="现场检查"),
            ev(3, Stage.INVESTIGATION, dt.date(2026, 6, 4), action="现场检查", corrects=2),
            ev(4, Stage.NOTICE, dt.date(2026, 8, 20), action="送达行政处罚事先告知书"),
            ev(5, Stage.DECISION, dt.date(2026, 9, 29), 15, action="作出行政处罚决定"),
            ev(6, Stage.SERVICE, served, 10, action="邮寄送达"),
        ),
    )


def layers(chart) -> tuple[list[dict], dict[str, list[dict]]]:
    spec = chart.to_dict()
    return spec["layer"], spec["datasets"]


def rows(layer: dict, datasets: dict) -> list[dict]:
    return datasets[layer["data"]["name"]]


def test_clocks_count_working_days_across_national_day_and_its_adjusted_saturday() -> None:
    clocks = {c.name: c for c in case_clocks(case(), CAL, TODAY)}
    decision, service = clocks["立案至作出处罚决定"], clocks["送达处罚决定书"]
    assert (decision.due, decision.status, decision.overdue_days) == (dt.date(2026, 8, 31), DueState.LATE, 29)
    assert (service.due, service.status) == (dt.date(2026, 10, 14), DueState.ON_TIME)
    late = {c.name: c for c in case_clocks(case(served=dt.date(2026, 10, 15)), CAL, TODAY)}["送达处罚决定书"]
    assert (late.status, late.overdue_days) == (DueState.LATE, 1)


def test_every_layer_puts_stages_in_statutory_order_with_chinese_titles() -> None:
    chart = case_timeline_chart(timeline_events(case()), case_clocks(case(), CAL, TODAY))
    spec = chart.to_dict()
    assert "办案时间轴" in spec["title"]
    found = [layer["encoding"]["y"] for layer in spec["layer"] if "y" in layer["encoding"]]
    assert len(found) == 3 and all(y["sort"] == STAGE_ORDER and y["scale"]["domain"] == STAGE_ORDER for y in found)
    assert STAGE_ORDER[0] == "立案" and STAGE_ORDER[-1] == "结案归档"
    assert spec["layer"][0]["encoding"]["x"]["title"] == "日期（北京时间）"
    assert {y["title"] for y in found} == {"环节"}


def test_steps_are_plotted_in_beijing_time_late_steps_red_corrections_marked() -> None:
    facts = case()
    layer_list, data = layers(case_timeline_chart(timeline_events(facts), case_clocks(facts, CAL, TODAY)))
    points = {r["seq"]: r for r in rows(layer_list[3], data)}
    assert points[1]["at"] == "2026-06-01T09:00:00"  # 09:00 in Shanghai, not 01:00 UTC
    assert points[5]["state"] == "逾期完成" and points[2]["state"] == "已被更正" and points[6]["state"] == "有效"
    colours = layer_list[3]["encoding"]["color"]["scale"]
    assert dict(zip(colours["domain"], colours["range"], strict=True))["逾期完成"] == RED


def test_statutory_windows_and_deadlines_are_drawn_red_only_when_late() -> None:
    facts = case()
    layer_list, data = layers(case_timeline_chart(timeline_events(facts), case_clocks(facts, CAL, TODAY)))
    windows = {r["name"]: r for r in rows(layer_list[1], data)}
    decision = windows["立案至作出处罚决定"]
    assert (decision["stage"], decision["from"], decision["to"]) == ("决定", "2026-06-01T00:00:00", "2026-08-31T00:00:00")
    assert decision["colour"] == RED and decision["line"] == "逾期" and decision["overdue"] == "29个自然日"
    service = windows["送达处罚决定书"]
    assert service["stage"] == "送达" and service["colour"] != RED and service["line"] == "未逾期"
    deadline = layer_list[2]
    assert deadline["mark"]["type"] == "rule" and deadline["encoding"]["x"]["field"] == "due"
    assert deadline["encoding"]["color"]["scale"] is None  # the colour comes from the data: red when late
    assert deadline["encoding"]["strokeDash"]["scale"]["domain"] == ["逾期", "未逾期"]


def test_approved_extension_moves_the_90_day_line_and_clears_the_flag() -> None:
    facts = case(extension=30)
    windows = clocks_chart_frame(case_clocks(facts, CAL, TODAY)).set_index("name")
    assert windows.loc["立案至作出处罚决定", "to"] == "2026-09-29T00:00:00"  # 90 + 30 days: the decision day itself
    assert windows.loc["立案至作出处罚决定", "colour"] != RED
    layer_list, data = layers(case_timeline_chart(timeline_events(facts), case_clocks(facts, CAL, TODAY)))
    assert "逾期完成" not in {p["state"] for p in rows(layer_list[3], data)}
    table = clocks_table(case_clocks(facts, CAL, TODAY)).set_index("时限")
    assert "含经批准延长的30日" in table.loc["立案至作出处罚决定", "说明"]


def test_hearing_notice_window_counting_backwards_is_drawn_forwards() -> None:
    facts = CaseFacts(
        case_no="x", procedure=Procedure.ORDINARY, category=ActionCategory.PENALTY, filed_on=dt.date(2026, 9, 1),
        is_major=False, hearing_requested=True,
        events=(ev(1, Stage.FILING, dt.date(2026, 9, 1)),
                ev(2, Stage.NOTICE, dt.date(2026, 9, 14), action="送达行政处罚事先告知书"),
                ev(3, Stage.HEARING, dt.date(2026, 9, 16), action="听证申请"),
                ev(4, Stage.HEARING, dt.date(2026, 9, 22), action="听证通知"),
                ev(5, Stage.HEARING, dt.date(2026, 9, 29), action="举行听证")))
    windows = clocks_chart_frame(case_clocks(facts, CAL, TODAY)).set_index("name")
    notice = windows.loc["听证通知"]
    assert notice["stage"] == "听证" and notice["from"] < notice["to"] == "2026-09-29T00:00:00"
    assert notice["colour"] == RED  # notice 5 working days before the hearing, 7 required


def test_clock_table_in_chinese_with_the_overdue_amount() -> None:
    table = clocks_table(case_clocks(case(served=dt.date(2026, 10, 15)), CAL, TODAY))
    assert list(table.columns) == ["时限", "依据", "起算日", "届满日", "完成日", "状态", "逾期", "说明"]
    by_name = table.set_index("时限")
    assert by_name.loc["立案至作出处罚决定", "逾期"] == "29个自然日"
    assert (by_name.loc["送达处罚决定书", "届满日"], by_name.loc["送达处罚决定书", "逾期"]) == ("2026-10-14", "1个工作日")


def test_stage_durations_ignore_corrected_steps() -> None:
    spans = stage_spans(timeline_events(case())).set_index("stage")
    # investigation runs from the corrected 06-04 step (not the superseded 06-03 one) to the 告知 on 08-20
    assert spans.loc["调查取证", "start"] == "2026-06-04T09:00:00" and spans.loc["调查取证", "days"] == 77
    assert spans.loc["立案", "days"] == 3 and spans.loc["送达", "days"] == 0


def test_corrections_and_officer_names_for_the_record_table() -> None:
    assert correction_labels(timeline_events(case())) == {3: "更正第2条", 2: "已被第3条更正"}
    roster = {"A1": OfficerCert(1, "张三", "A1", dt.date(2020, 1, 1), dt.date(2030, 1, 1), 1)}
    assert officer_labels("A1、B2", roster) == "张三（A1）、B2"
    assert officer_labels("", roster) == ""


def test_checklist_table_lists_each_check() -> None:
    result = completeness(case())
    table = checks_table(result)
    assert list(table.columns) == ["项目", "结果", "情况"] and len(table) == len(result.checks)
    assert set(table["结果"]) <= {"符合", "不符合"}


def test_an_empty_record_still_draws() -> None:
    facts = CaseFacts(case_no="x", procedure=Procedure.ORDINARY, category=ActionCategory.LICENCE,
                      filed_on=dt.date(2026, 1, 5), is_major=False)
    spec = case_timeline_chart(timeline_events(facts), []).to_dict()
    assert len(spec["layer"]) == 4


@pytest.mark.parametrize("low", [90, 95])
def test_completeness_chart_sorts_agencies_and_marks_the_review_line(low: int) -> None:
    per = pd.DataFrame({"agency": ["甲局", "乙局"], "cases": [10, 20], "average_score": [93.5, 99.0],
                        "lowest_score": [70, 90], "low_cases": [2, 0]})
    spec = completeness_by_agency(per, low, {"甲局": "甲"}).to_dict()
    bars, labels, rule = spec["layer"]
    assert bars["encoding"]["y"]["field"] == "简称" and bars["encoding"]["tooltip"][0]["field"] == "agency"
    assert bars["encoding"]["y"]["sort"] == "x" and bars["encoding"]["y"]["title"] == "执法主体"  # lowest first
    assert bars["encoding"]["x"]["title"] == "平均完整性评分"
    assert bars["encoding"]["x"]["scale"]["domain"] == [min(low - 10, 88), 100]  # starts below the lowest average
    assert bars["encoding"]["color"]["condition"]["test"] == f"(datum.average_score < {low})"
    assert labels["mark"]["type"] == "text" and labels["encoding"]["text"]["field"] == "average_score"
    assert spec["datasets"][rule["data"]["name"]] == [{"score": low}]
    assert "案卷完整性" in spec["title"]
