"""The command line: clear one-line errors with exit code 2, never a traceback."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

import manage

ROOT = Path(__file__).resolve().parents[1]


def run(*args: str, env_url: str | None = None) -> subprocess.CompletedProcess:
    import os

    env = dict(os.environ)
    if env_url is not None:
        env["DATABASE_URL"] = env_url
    return subprocess.run([sys.executable, str(ROOT / "manage.py"), *args], capture_output=True, text=True, env=env,
                          cwd=ROOT, timeout=120)


@pytest.mark.parametrize(
    "args",
    [["seed", "--cases", "0"], ["seed", "--cases", "abc"], ["seed", "--seed", "-1"], ["nonsense"], [],
     ["create-user", "--username", "x"]],
)
def test_bad_arguments_exit_2_with_one_line(args: list[str]) -> None:
    result = run(*args, env_url="sqlite://")
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert len([line for line in result.stderr.splitlines() if line.strip()]) <= 3


def test_unreachable_database_is_reported() -> None:
    result = run("init", env_url="postgresql+psycopg://nobody@127.0.0.1:1/none")
    assert result.returncode == 2
    assert "无法连接数据库" in result.stderr and "Traceback" not in result.stderr


def test_malformed_database_url_is_reported() -> None:
    result = run("init", env_url="mysql://x@y/z")
    assert result.returncode == 2 and "不支持的数据库类型" in result.stderr


def test_init_seed_and_create_user(tmp_path, monkeypatch, capsys) -> None:
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'cli.sqlite3'}")
    assert manage.main(["init"]) == 0
    assert manage.main(["init"]) == 0  # safe to run again
    assert manage.main(["seed", "--cases", "30", "--seed", "2"]) == 0
    out = capsys.readouterr().out
    assert "预置问题" in out and "late_disclosure" in out
    assert manage.main(["seed", "--cases", "30"]) == 2  # refuses a non-empty database
    assert "--reset" in capsys.readouterr().err
    assert manage.main(["seed", "--cases", "30", "--if-empty"]) == 0
    assert manage.main(["create-user", "--username", "li_si", "--role", "执法人员", "--agency", "QS-SCJG",
                        "--password", "long-enough-1"]) == 0
    assert manage.main(["create-user", "--username", "li_si", "--role", "执法人员", "--agency", "QS-SCJG",
                        "--password", "long-enough-1"]) == 2
    assert "用户名已存在" in capsys.readouterr().err
    assert manage.main(["create-user", "--username", "w", "--role", "执法人员", "--password", "long-enough-1"]) == 2
    assert "必须属于一个执法主体" in capsys.readouterr().err
    assert manage.main(["create-user", "--username", "w", "--role", "局长", "--password", "long-enough-1"]) == 2
    assert "未知角色" in capsys.readouterr().err


def test_seed_before_init_is_refused(tmp_path, monkeypatch, capsys) -> None:
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'x.sqlite3'}")
    assert manage.main(["seed", "--cases", "5"]) == 2
    assert "manage.py init" in capsys.readouterr().err


def test_verify_chain_unknown_case(tmp_path, monkeypatch, capsys) -> None:
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'v.sqlite3'}")
    manage.main(["init"])
    assert manage.main(["verify-chain", "--case", "不存在"]) == 2
    assert "找不到案件" in capsys.readouterr().err


def test_import_exit_codes_and_rejects_file(tmp_path, monkeypatch, capsys) -> None:
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'imp.sqlite3'}")
    manage.main(["init"])
    manage.main(["seed", "--cases", "20"])
    good = tmp_path / "good.csv"
    good.write_text("决定书文号,处罚机关,当事人名称,处罚内容,决定日期\n"
                    "导罚〔2026〕1号,临江市青石区应急管理局,临江市测试化工有限公司,\"警告，没收违法所得1.621747万元，罚款1712.4万元\",2026-09-08\n",
                    encoding="gb18030")
    mixed = tmp_path / "mixed.csv"
    mixed.write_text("决定书文号,处罚机关,当事人名称,处罚内容,决定日期\n"
                     "导罚〔2026〕2号,临江市青石区应急管理局,临江市甲化工有限公司,罚款5000元,2026-09-08\n"
                     "导罚〔2026〕3号,临江市青石区应急管理局,临江市乙化工有限公司,罚款5000元,2026-02-30\n",
                     encoding="utf-8-sig")
    capsys.readouterr()
    assert manage.main(["import", "decisions", str(good), "--dry-run"]) == 0
    assert "试运行" in capsys.readouterr().out
    assert manage.main(["import", "decisions", str(good)]) == 0
    assert manage.main(["import", "decisions", str(good)]) == 0  # idempotent
    assert "未变化1行" in capsys.readouterr().out
    assert manage.main(["import", "decisions", str(mixed)]) == 1  # all or nothing
    assert "拒绝整个文件" in capsys.readouterr().out
    rejects = tmp_path / "rejects.csv"
    assert manage.main(["import", "decisions", str(mixed), "--accept-valid", "--rejects", str(rejects)]) == 3
    text = rejects.read_text(encoding="utf-8-sig")
    assert "导罚〔2026〕3号" in text and "导罚〔2026〕2号" not in text
    assert manage.main(["import", "decisions", str(tmp_path / "missing.csv")]) == 2
    with pytest.raises(SystemExit) as exited:  # argparse refuses an unknown kind with its one-line error
        manage.main(["import", "people", str(good)])
    assert exited.value.code == 2


def test_report_reviews_writes_one_row_per_major_case(seeded_sqlite_copy, tmp_path, monkeypatch, capsys) -> None:
    import csv

    from sqlalchemy import func, or_, select

    from db import models as m

    engine = seeded_sqlite_copy(40, 3)
    monkeypatch.setenv("DATABASE_URL", engine.url.render_as_string(hide_password=False))
    out = tmp_path / "reviews.csv"
    assert manage.main(["report", "reviews", "--format", "csv", "--out", str(out)]) == 0
    assert "重大执法决定" in capsys.readouterr().out
    with out.open(encoding="utf-8-sig") as handle:
        rows = list(csv.DictReader(handle))
    with engine.connect() as conn:
        major = conn.execute(select(func.count()).select_from(m.Case).outerjoin(m.Decision, m.Decision.case_id == m.Case.id)
                             .where(or_(m.Case.is_major.is_(True), m.Decision.unreviewed_major.is_(True)))).scalar_one()
        marked = conn.execute(select(m.Decision.decision_no).where(m.Decision.unreviewed_major.is_(True))).scalars().all()
    assert len(rows) == major > 0
    assert list(rows[0]) == ["案号", "决定书文号", "执法主体", "重大情形", "审核状态", "审核轮次", "首次报送日期",
                             "审核同意日期", "决定日期", "未经法制审核（违法）"]
    flagged = {r["决定书文号"] for r in rows if r["未经法制审核（违法）"] == "是"}
    assert set(marked) <= flagged
    assert all(r["审核状态"] for r in rows) and not any("None" in v for r in rows for v in r.values())
    assert manage.main(["report", "reviews", "--format", "csv", "--out", str(tmp_path / "missing" / "x.csv")]) == 2
