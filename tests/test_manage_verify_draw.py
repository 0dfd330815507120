"""``manage.py verify-draw``: exit 0 for every seeded draw except the planted one, named with its first difference."""

from __future__ import annotations

import pytest

import manage
from db.engine import make_engine
from db.inspections import all_draw_ids


def test_every_seeded_draw_but_the_planted_one_verifies(seeded_sqlite, monkeypatch: pytest.MonkeyPatch,
                                                        capsys: pytest.CaptureFixture[str]) -> None:
    url, report = seeded_sqlite
    planted = report.inspection_planted["pool_mismatch"]
    monkeypatch.setenv("DATABASE_URL", url)
    engine = make_engine(url)
    draws = all_draw_ids(engine)
    engine.dispose()
    for draw_id, draw_no in draws:
        expected = 1 if draw_no == planted else 0
        assert manage.main(["verify-draw", str(draw_id)]) == expected, draw_no
    out = capsys.readouterr().out
    assert out.count("一致（") == len(draws) - 1
    assert f"{planted}（" in out and "首个差异：检查对象名录与抽取时的快照不同" in out
    # By number, and all at once
    assert manage.main(["verify-draw", planted]) == 1
    assert manage.main(["verify-draw"]) == 1
    out = capsys.readouterr().out
    assert f"已核验 {len(draws)} 次抽取，1 次不一致" in out


def test_unknown_draw_is_a_usage_error(seeded_sqlite, monkeypatch, capsys) -> None:
    monkeypatch.setenv("DATABASE_URL", seeded_sqlite[0])
    assert manage.main(["verify-draw", "不存在"]) == 2
    assert "找不到抽取记录" in capsys.readouterr().err
