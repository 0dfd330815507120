"""Public statistics pages: pages/annual.py (年度执法数据) and pages/disclosure_clock.py (公示时限)."""

from __future__ import annotations

from components.stats_charts import annual_penalties_chart, on_time_rate_chart
from tests.pages.conftest import make_app, no_errors


def test_annual_page_defaults_to_last_year_and_is_a_permalink() -> None:
    at = make_app(year="2024")
    at.switch_page("pages/annual.py").run()
    no_errors(at)
    assert at.selectbox[0].value == 2024
    table = at.dataframe[0].value
    assert "合计" in set(table["执法机关"])
    assert "行政处罚·合计(宗)" in table.columns
    assert at.get("download_button")


def test_annual_page_suppresses_small_natural_person_cells() -> None:
    at = make_app(year="2023")
    at.switch_page("pages/annual.py").run()
    table = at.dataframe[0].value
    values = {str(v) for col in table.columns for v in table[col]}
    assert "<3" in values  # the small sample has cells that could single out a natural person


def test_annual_chart_leaves_suppressed_cells_out() -> None:
    import pandas as pd

    records = pd.DataFrame([
        {"执法机关": "甲局", "报送状态": "已报送", "行政处罚·罚款(宗)": 5, "行政处罚·警告(宗)": "<3"},
        {"执法机关": "合计", "报送状态": "", "行政处罚·罚款(宗)": 5, "行政处罚·警告(宗)": "<3"},
    ])
    spec = annual_penalties_chart(records, {"甲局": "甲"}).to_dict()
    rows = spec["datasets"][next(iter(spec["datasets"]))]
    assert rows == [{"执法机关": "甲局", "处罚种类": "罚款", "宗数": 5, "简称": "甲"}]
    assert spec["encoding"]["y"]["field"] == "简称"  # short names on the axis, the full name in the tooltip
    assert {"field": "执法机关", "title": "执法机关", "type": "nominal"} in spec["encoding"]["tooltip"]
    assert spec["title"] == "各执法机关行政处罚决定（按最重处罚种类计）"


def test_disclosure_clock_page_shows_rates_and_only_published_late_decisions() -> None:
    at = make_app()
    at.switch_page("pages/disclosure_clock.py").run()
    no_errors(at)
    assert [m.label for m in at.metric] == ["按时公示率", "逾期公示", "逾期未公示"]
    assert at.metric[0].value.endswith("%")
    worst = at.dataframe[1].value
    assert len(worst) > 0 and (worst["公示日期"] != "—").all()


def test_on_time_chart_has_chinese_axes() -> None:
    import pandas as pd

    summary = pd.DataFrame({"agency": ["临江市青石区市场监督管理局", "临江市生态环境局青石分局"],
                            "on_time_rate": [0.88, 0.92], "on_time": [88, 92], "late": [12, 8], "overdue": [0, 0]})
    spec = on_time_rate_chart(summary, {"临江市青石区市场监督管理局": "区市场监管局"}).to_dict()
    bars, labels = spec["layer"]
    # 88 % and 92 % on an axis from 80 %, each bar labelled with its value; short names on the axis.
    assert bars["encoding"]["x"]["scale"]["domain"] == [80, 100]
    assert bars["encoding"]["x"]["title"] == "按时公示率（%），横轴自 80% 起"
    assert labels["mark"]["type"] == "text" and labels["encoding"]["text"]["field"] == "rate"
    rows = spec["datasets"][next(iter(spec["datasets"]))]
    assert [r["简称"] for r in rows] == ["区市场监管局", "临江市生态环境局青石分局"]
    assert bars["encoding"]["y"]["field"] == "简称" and bars["encoding"]["tooltip"][0]["field"] == "agency"


def test_on_time_chart_starts_at_zero_when_an_agency_is_low() -> None:
    import pandas as pd

    summary = pd.DataFrame({"agency": ["甲"], "on_time_rate": [0.3], "on_time": [3], "late": [7], "overdue": [0]})
    bars, _ = on_time_rate_chart(summary).to_dict()["layer"]
    assert bars["encoding"]["x"]["scale"]["domain"] == [0, 100] and bars["encoding"]["x"]["title"] == "按时公示率（%）"


def test_annual_page_explains_a_year_without_data_in_the_link() -> None:
    at = make_app(year="1999")
    at.switch_page("pages/annual.py").run()
    no_errors(at)
    assert any("1999" in w.value and "没有数据" in w.value for w in at.warning)
