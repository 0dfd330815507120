"""The search page pages/decisions.py: the new facets live in the URL, downloads give the redacted rows of the
whole current search, and large results link to the API's streamed export."""

from __future__ import annotations

import csv
import io
import json
import os

from components.opendata import api_export_url, search_download
from db.engine import make_engine
from db.public import PUBLIC_COLUMNS, iter_public_decisions
from domain.enums import DisclosureStatus, PenaltyType
from domain.filters import AmountBand, DecisionFilters, SortKey
from domain.formatting import today_shanghai
from domain.redaction import find_personal_data
from tests.pages.conftest import make_app, no_errors


def _selectbox(at, label: str):
    return next(s for s in at.selectbox if s.label == label)


def _sentence(at) -> str:
    return next(md.value for md in at.markdown if " 共 " in md.value)


def test_permalink_restores_every_facet_and_the_sort() -> None:
    at = make_app(year="2025", month="3", type="罚款", amount="1万-10万", status="已公示", sort="金额", order="asc",
                  q="有限公司")
    at.switch_page("pages/decisions.py").run()
    no_errors(at)
    assert _selectbox(at, "月份").value == 3
    assert _selectbox(at, "罚款金额").value is AmountBand.FROM_10K
    assert _selectbox(at, "公示状态").value is DisclosureStatus.PUBLISHED
    assert _selectbox(at, "排序").value is SortKey.AMOUNT
    assert _selectbox(at, "顺序").value is False
    assert _sentence(at).startswith("**2025年3月 罚款 罚款1万至10万元 已公示 含“有限公司” 共")
    assert any("按罚款金额从低到高" in c.value for c in at.caption)
    for key, value in {"month": "3", "amount": "1万-10万", "sort": "金额", "order": "asc"}.items():
        assert at.query_params[key] in (value, [value])


def test_changing_a_filter_goes_back_to_page_one() -> None:
    at = make_app(q="罚款", page="3")
    at.switch_page("pages/decisions.py").run()
    assert any("第 3 /" in c.value for c in at.caption)
    _selectbox(at, "公示状态").set_value(DisclosureStatus.CORRECTED).run()
    no_errors(at)
    assert "page" not in at.query_params
    assert any("第 1 /" in c.value for c in at.caption)


def test_small_result_offers_csv_and_json_download_buttons() -> None:
    at = make_app(status="已撤回")
    at.switch_page("pages/decisions.py").run()
    no_errors(at)
    assert [b.label for b in at.download_button] == ["下载 CSV", "下载 JSON"]
    assert not at.link_button


def test_large_result_links_to_the_streamed_api_export(monkeypatch) -> None:
    import components.opendata

    monkeypatch.setattr(components.opendata, "DOWNLOAD_LIMIT", 5)
    at = make_app(type="罚款", sort="金额")
    at.switch_page("pages/decisions.py").run()
    no_errors(at)
    assert not at.download_button
    urls = [b.proto.url for b in at.link_button]
    assert urls == [api_export_url(DecisionFilters(penalty_type=PenaltyType.FINE, sort=SortKey.AMOUNT), fmt)
                    for fmt in ("csv", "json")]
    assert urls[0].startswith("/api/v1/decisions.csv?") and "type=" in urls[0] and "page" not in urls[0]


def test_download_data_is_the_whole_redacted_search() -> None:
    url = os.environ["DATABASE_URL"]
    f = DecisionFilters(q="罚款", sort=SortKey.AMOUNT, page=2)  # the page shown does not limit the download
    engine = make_engine(url)
    expected = [r["id"] for r in iter_public_decisions(engine, f, today_shanghai())]
    engine.dispose()
    raw = search_download(url, f, today_shanghai(), "csv", len(expected))
    table = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert raw.startswith("\ufeff".encode()) and table[0] == list(PUBLIC_COLUMNS.values())
    assert [int(line[0]) for line in table[1:]] == expected
    assert not find_personal_data(raw.decode("utf-8-sig"))
    body = json.loads(search_download(url, f, today_shanghai(), "json", len(expected)))
    assert body["total"] == len(expected) and [i["id"] for i in body["items"]] == expected


def _warnings(at) -> list[str]:
    return [w.value for w in at.warning]


def test_agency_code_in_a_link_selects_the_agency_and_limits_the_download() -> None:
    for raw in ("QS-SCJG", "临江市青石区市场监督管理局"):
        at = make_app(agency=raw)
        at.switch_page("pages/decisions.py").run()
        no_errors(at)
        assert _selectbox(at, "执法机关").value is not None, raw
        assert _sentence(at).startswith("**临江市青石区市场监督管理局 ")
        assert not _warnings(at)


def test_invalid_year_in_a_link_is_explained() -> None:
    at = make_app(year="1999")
    at.switch_page("pages/decisions.py").run()
    no_errors(at)
    assert any("年度" in w and "1999" in w for w in _warnings(at)), _warnings(at)
    assert _selectbox(at, "年度").value is None


def test_page_beyond_the_last_is_explained_and_shows_the_last_page() -> None:
    at = make_app(page="999999")
    at.switch_page("pages/decisions.py").run()
    no_errors(at)
    assert any("超出范围" in w for w in _warnings(at)), _warnings(at)
    caption = next(c.value for c in at.caption if c.value.startswith("第 "))
    shown, last = caption.removeprefix("第 ").removesuffix(" 页").split(" / ")
    assert shown == last and int(shown) > 1
    assert not any("没有符合条件的记录" in i.value for i in at.info)


def test_every_filter_change_sticks_and_reaches_the_url() -> None:
    at = make_app()
    at.switch_page("pages/decisions.py").run()
    agencies = _selectbox(at, "执法机关").options[1:4]
    for name in agencies:
        _selectbox(at, "执法机关").select(name).run()
        no_errors(at)
        assert _selectbox(at, "执法机关").value is not None
        assert _sentence(at).startswith(f"**{name} ")
    for year in (2025, 2024, 2025):
        _selectbox(at, "年度").set_value(year).run()
        assert _selectbox(at, "年度").value == year and at.query_params["year"] in (str(year), [str(year)])


def test_a_text_scan_beyond_the_count_bound_reads_as_at_least_and_pages_on(monkeypatch) -> None:
    import db.public

    monkeypatch.setattr(db.public, "TEXT_COUNT_LIMIT", 40)
    db.public.clear_count_cache()
    at = make_app(q="2 罚款")
    at.switch_page("pages/decisions.py").run()
    no_errors(at)
    sentence = next(md.value for md in at.markdown if "含“2 罚款”" in md.value)
    assert sentence.endswith("40 条以上**") and " 共 " not in sentence
    assert any(c.value == "第 1 页" for c in at.caption)
    assert not next(b for b in at.button if b.label == "下一页").disabled
    assert not at.download_button and [b.label for b in at.link_button] == ["下载 CSV（流式）", "下载 JSON（流式）"]
    assert any("40 条以上" in c.value for c in at.caption)
