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


JIANGMEN_XLS = ROOT / "sample_data" / "reference" / "jiangmen_eco_env_discretion_table_2020.xls"


def test_import_benchmarks_reports_the_parse_and_versions(tmp_path, monkeypatch, capsys) -> None:
    """The real 江门 table as published: 165 items, 872 tier rows, all usable (at least 95 % required)."""
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'bm.sqlite3'}")
    manage.main(["init"])
    manage.main(["seed", "--cases", "40"])
    capsys.readouterr()
    args = ["import", "benchmarks", str(JIANGMEN_XLS), "--agency", "QS-STHJ", "--name", "江门参照表"]
    assert manage.main([*args, "--effective-from", "2024-01-01", "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert "违法行为条目 165 项，裁量档次 872 行，其中可用 872 行（100.0%" in out and "试运行" in out
    assert "固定幅度 817 行" in out and "基数倍数 45 行" in out
    assert manage.main([*args, "--effective-from", "2024-01-01"]) == 0
    assert "已重新核查" in capsys.readouterr().out
    assert manage.main([*args, "--effective-from", "2024-01-01"]) == 2  # the same version again
    assert "已存在" in capsys.readouterr().err
    assert manage.main([*args, "--effective-from", "2025-03-01"]) == 0
    assert "2025-03-01起停止适用" in capsys.readouterr().out
    assert manage.main(["import", "benchmarks", str(JIANGMEN_XLS)]) == 2
    assert "--agency" in capsys.readouterr().err
    assert manage.main(["import", "benchmarks", str(JIANGMEN_XLS), "--agency", "不存在的局"]) == 2
    assert "--create-agency" in capsys.readouterr().err
    assert manage.main(["import", "benchmarks", str(JIANGMEN_XLS), "--agency", "临江市新设局", "--create-agency",
                        "--dry-run"]) == 0
    assert "将新建执法主体" in capsys.readouterr().out


def test_import_benchmarks_flat_csv_lists_unreadable_rows(tmp_path, monkeypatch, capsys) -> None:
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'bc.sqlite3'}")
    manage.main(["init"])
    manage.main(["seed", "--cases", "20"])
    flat = tmp_path / "flat.csv"
    flat.write_text("序号,违法行为,法律依据,类别,裁量情节,裁量标准\n"
                    "1,未按规定公示,《条例》第十条,1,初次,处一千元以上五千元以下罚款\n"
                    ",,,2,再次,处五千元以上一万元以下罚款\n"
                    "2,其他违法,《条例》第十一条,1,情节一般,按有关规定处罚款\n", encoding="utf-8")
    capsys.readouterr()
    assert manage.main(["import", "benchmarks", str(flat), "--agency", "QS-SCJG", "--dry-run"]) == 1
    out = capsys.readouterr().out
    assert "违法行为条目 2 项，裁量档次 3 行，其中可用 2 行" in out
    assert "未能识别的档次 1 行" in out and "按有关规定处罚款" in out


def test_check_benchmarks_writes_one_row_per_decision(tmp_path, monkeypatch, capsys) -> None:
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'ck.sqlite3'}")
    manage.main(["init"])
    manage.main(["seed", "--cases", "200", "--seed", "7"])
    capsys.readouterr()
    out = tmp_path / "checks.csv"
    assert manage.main(["check", "benchmarks", "--format", "csv", "--out", str(out)]) == 0
    assert "已核查" in capsys.readouterr().out
    import csv

    rows = list(csv.DictReader(out.open(encoding="utf-8-sig")))
    assert rows and list(rows[0]) == ["决定书文号", "裁量基准条目", "版本", "认定档次", "按金额所在档次", "罚款金额",
                                      "标记", "说明"]
    flagged = [r for r in rows if r["标记"]]
    assert flagged and all(set(r["标记"].split(";")) <= {"out_of_range", "tier_mismatch", "no_statement",
                                                         "may_not_punish", "no_base", "too_heavy", "too_light"}
                           for r in flagged)
    assert manage.main(["check", "benchmarks", "--format", "csv", "--out", str(tmp_path)]) == 2


# ------------------------------------------------------------------------------------------------ accounts


@pytest.fixture
def seeded_url(seeded_sqlite_copy, monkeypatch) -> str:
    engine = seeded_sqlite_copy(60, 3)
    url = engine.url.render_as_string(hide_password=False)
    monkeypatch.setenv("DATABASE_URL", url)
    return url


def _audit(url: str, action: str) -> list[tuple[str, str]]:
    from sqlalchemy import select

    from db import models as m
    from db.engine import make_engine

    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            return [tuple(r) for r in conn.execute(select(m.AuditEntry.actor, m.AuditEntry.detail)
                                                   .where(m.AuditEntry.action == action).order_by(m.AuditEntry.id))]
    finally:
        engine.dispose()


def test_set_password_applies_the_policy_and_audits_the_os_user(seeded_url, capsys) -> None:
    import getpass

    from db.accounts import LoginStatus, login
    from db.engine import make_engine
    from domain.accounts import DEMO_PASSWORD

    assert manage.main(["set-password", "admin", "--password", "12345678"]) == 2
    assert "密码至少 12 位" in capsys.readouterr().err
    assert manage.main(["set-password", "admin", "--password", "admin-password-2026"]) == 2
    assert "不能包含用户名" in capsys.readouterr().err
    assert manage.main(["set-password", "nobody", "--password", "a-long-new-secret"]) == 2
    assert manage.main(["set-password", "admin", "--password", "a-long-new-secret"]) == 0
    engine = make_engine(seeded_url)
    assert login(engine, "admin", DEMO_PASSWORD).status is LoginStatus.INVALID
    assert login(engine, "admin", "a-long-new-secret").status is LoginStatus.OK
    engine.dispose()
    assert _audit(seeded_url, "set_password")[-1][0] == f"manage.py:{getpass.getuser()}"[:50]


def test_set_role_changes_role_and_agency_and_is_audited(seeded_url, capsys) -> None:
    assert manage.main(["set-role", "supervisor", "执法人员"]) == 2
    assert "必须属于一个执法主体" in capsys.readouterr().err
    assert manage.main(["set-role", "supervisor", "局长"]) == 2
    assert manage.main(["set-role", "supervisor", "执法人员", "--agency", "QS-SCJG"]) == 0
    actor, detail = _audit(seeded_url, "set_role")[-1]
    assert actor.startswith("manage.py:") and '"before": {"role": "执法监督人员"' in detail


def test_serve_refuses_a_public_host_while_demo_accounts_keep_the_published_password(seeded_url, capsys) -> None:
    """Found: make run created the demo accounts with the documented password and bound 0.0.0.0, silently."""
    assert manage.build_parser().parse_args(["serve"]).host == "127.0.0.1"
    assert manage.main(["serve", "--host", "0.0.0.0", "--port", "1"]) == 2
    err = capsys.readouterr().err
    assert "拒绝" in err and "admin" in err and "Traceback" not in err
    assert manage._is_loopback("127.0.0.1") and manage._is_loopback("::1") and manage._is_loopback("localhost")
    assert not manage._is_loopback("0.0.0.0") and not manage._is_loopback("192.168.1.5")


def test_demo_accounts_are_detected_until_their_passwords_change(seeded_url) -> None:
    from db.accounts import demo_accounts_open
    from db.engine import make_engine
    from domain.accounts import DEMO_USERNAMES

    engine = make_engine(seeded_url)
    assert sorted(demo_accounts_open(engine)) == sorted(DEMO_USERNAMES)
    for name in DEMO_USERNAMES:
        assert manage.main(["set-password", name, "--password", f"changed-secret-for-{name}x"[::-1]]) == 0
    assert demo_accounts_open(engine) == []
    engine.dispose()


def test_demo_banner_verifies_each_stored_hash_once(seeded_url, monkeypatch) -> None:
    """Found: the demo banner verified six argon2 hashes on every cold page run (1.6–2.1 s)."""
    from db import accounts
    from db.engine import make_engine
    from domain.accounts import DEMO_USERNAMES

    verified: list[str] = []
    real = accounts._verify
    monkeypatch.setattr(accounts, "_verify", lambda h, stored, pw: verified.append(stored) or real(h, stored, pw))
    accounts._accepts_demo_password.cache_clear()
    engine = make_engine(seeded_url)
    assert sorted(accounts.demo_accounts_open(engine)) == sorted(DEMO_USERNAMES)
    assert sorted(accounts.demo_accounts_open(engine)) == sorted(DEMO_USERNAMES)
    assert len(verified) == len(DEMO_USERNAMES)  # the second call verified nothing
    name = DEMO_USERNAMES[0]
    assert manage.main(["set-password", name, "--password", f"changed-secret-for-{name}x"[::-1]]) == 0
    assert name not in accounts.demo_accounts_open(engine)  # a new hash is verified again
    assert len(verified) == len(DEMO_USERNAMES) + 1
    engine.dispose()


def test_seed_reset_refuses_a_database_that_is_not_sample_data_and_audits_a_reset(seeded_url, tmp_path, capsys):
    """Found: seed --reset wiped any database, audit log included, without a question."""
    assert manage.main(["seed", "--reset", "--cases", "20"]) == 0  # a sample database: emptied and re-seeded
    actor, detail = _audit(seeded_url, "seed_reset")[-1]
    assert actor.startswith("manage.py:") and '"case_events"' in detail
    bad = tmp_path / "bad.csv"
    bad.write_text("决定书文号,处罚机关,当事人名称,处罚内容,决定日期\n"
                   "导罚〔2026〕3号,临江市青石区应急管理局,临江市乙化工有限公司,罚款5000元,2026-02-30\n",
                   encoding="utf-8-sig")
    assert manage.main(["import", "decisions", str(bad)]) == 1
    refused = _audit(seeded_url, "import_refused_decisions")  # Found: a refused import left no trace
    assert refused and refused[-1][0].startswith("manage.py:") and '"rejected": 1' in refused[-1][1]
    capsys.readouterr()
    assert manage.main(["seed", "--reset", "--cases", "20"]) == 2
    assert "拒绝清空" in capsys.readouterr().err
