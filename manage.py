#!/usr/bin/env python3
"""Command line for 执法公示台: ``python manage.py COMMAND --help``.

Errors are one line on stderr with exit code 2 (bad arguments, unreachable database), never a traceback.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import os
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2


class CommandError(Exception):
    """A user-facing failure: printed as one line, exit code 2."""


def _engine():
    from sqlalchemy.exc import OperationalError

    from db.engine import BULK_CACHE_MIB, DatabaseUrlError, database_url, make_engine

    try:
        url = database_url()
        engine = make_engine(url, cache_mib=BULK_CACHE_MIB)
        with engine.connect():
            pass
    except DatabaseUrlError as exc:
        raise CommandError(str(exc)) from exc
    except OperationalError as exc:
        reason = str(exc.orig).strip().splitlines()[0] if exc.orig else str(exc)
        raise CommandError(f"无法连接数据库（DATABASE_URL={_safe_url()}）：{reason}") from exc
    return engine


def _safe_url() -> str:
    from sqlalchemy.engine import make_url

    from db.engine import database_url

    try:
        return make_url(database_url()).render_as_string(hide_password=True)
    except Exception:  # any failure only changes the error message
        return "(无效)"


def _cli_actor() -> str:
    """Who ran the command, for the audit log: the operating-system account, since the CLI has no login."""
    import getpass

    try:
        user = getpass.getuser()
    except (KeyError, OSError):  # no passwd entry for this uid (e.g. some containers)
        user = f"uid{os.getuid()}" if hasattr(os, "getuid") else "?"
    return f"manage.py:{user}"[:50]


def _new_password(given: str | None) -> str:
    password = given or os.environ.get("ZHIFA_NEW_PASSWORD", "")
    if not password:
        import getpass

        password = getpass.getpass("新密码：")
        if getpass.getpass("再输入一次：") != password:
            raise CommandError("两次输入的密码不一致")
    return password


def _positive(value: str) -> int:
    try:
        n = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"应为正整数：{value!r}") from None
    if n <= 0:
        raise argparse.ArgumentTypeError(f"应为正整数：{value!r}")
    return n


def _non_negative(value: str) -> int:
    try:
        n = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"应为非负整数：{value!r}") from None
    if n < 0:
        raise argparse.ArgumentTypeError(f"应为非负整数：{value!r}")
    return n


# ------------------------------------------------------------------------------------------------ commands


def cmd_init(args: argparse.Namespace) -> int:
    from db.migrate import upgrade_to_head

    engine = _engine()
    rev = upgrade_to_head(engine)
    print(f"数据库已是最新结构（迁移版本 {rev}）：{_safe_url()}")
    # Decisions written before the public projection existed (or changed behind its back) become public again only
    # once projected.
    from db.projection import project_missing

    projected = project_missing(engine)
    if projected:
        print(f"已生成 {projected} 件执法决定的公示内容（脱敏）")
    # What the migration queued (every decided case when a derived table is new) is computed now rather than on the
    # first page view.
    from db.derived import refresh_all

    done = refresh_all(engine)
    if done.facts:
        print(f"已更新 {done.facts} 件执法决定的统计数据")
    if done.board:
        print(f"已更新 {done.board} 件重大执法决定的法制审核情况")
    if done.scores:
        print(f"已更新 {done.scores} 件案件的案卷完整性评分")
    if done.facts or done.board or done.scores:
        print(f"用时 {done.seconds:.1f} 秒")
    return EXIT_OK


def cmd_refresh(args: argparse.Namespace) -> int:
    from db import board, completeness
    from db.summaries import rebuild

    engine = _engine_at_head()
    started = time.perf_counter()
    with engine.begin() as conn:
        counted = rebuild(conn)
    print(f"已重新计算 {counted} 件执法决定的统计数据（公示时限、年度数据），用时 {time.perf_counter() - started:.1f} 秒")
    started = time.perf_counter()
    with engine.begin() as conn:
        reviewed = board.rebuild(conn)
    print(f"已重新计算 {reviewed} 件重大执法决定的法制审核情况，用时 {time.perf_counter() - started:.1f} 秒")
    started = time.perf_counter()
    with engine.begin() as conn:
        scored = completeness.rebuild(conn)
    print(f"已重新计算 {scored} 件已决案件的案卷完整性评分，用时 {time.perf_counter() - started:.1f} 秒")
    return EXIT_OK


def cmd_seed(args: argparse.Namespace) -> int:
    from sample_data.generator import clear_all, is_empty, not_sample_reason, seed

    engine = _engine_at_head()
    if not is_empty(engine):
        if args.if_empty:
            print("数据库已有数据，跳过样例数据生成。")
            return EXIT_OK
        if not args.reset:
            raise CommandError("数据库中已有数据；使用 --reset 清空后重新生成，或使用 --if-empty 跳过")
        if reason := not_sample_reason(engine):
            raise CommandError(f"拒绝清空：{reason}。--reset 只用于样例数据库；请先用 backup 备份，并换一个空数据库")
        clear_all(engine, _cli_actor())
    started = time.perf_counter()

    def progress(done: int, total: int) -> None:
        if total >= 20000 and (done % 50000 == 0 or done == total):
            print(f"  已生成 {done}/{total} 件（{time.perf_counter() - started:.0f} 秒）", file=sys.stderr)

    report = seed(engine, args.cases, args.seed, progress=progress)
    for line in report.lines():
        print(line)
    print(f"用时 {time.perf_counter() - started:.1f} 秒")
    return EXIT_OK


def cmd_create_user(args: argparse.Namespace) -> int:
    from db.commands import create_user

    engine = _engine()
    agency_id = _agency_id(engine, args.agency)
    password = _new_password(args.password)
    result = create_user(engine, username=args.username, display_name=args.name or args.username, role=args.role,
                         password=password, agency_id=agency_id, actor=_cli_actor())
    if not result.ok:
        raise CommandError("；".join(result.errors))
    print(f"已创建用户 {args.username}（{args.role}），id={result.id}")
    return EXIT_OK


def _date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"应为日期 YYYY-MM-DD：{value[:40]!r}") from None


def _import_benchmarks(args: argparse.Namespace, engine) -> int:
    from db.imports.benchmarks import BenchmarkImportError, import_benchmarks

    if not args.agency:
        raise CommandError("导入裁量基准须用 --agency 指明适用该基准的执法主体（代码或全称）")
    try:
        report = import_benchmarks(engine, args.file, args.agency, create_agency_if_missing=args.create_agency,
                                   effective_from=args.effective_from, name=args.name, dry_run=args.dry_run,
                                   actor="manage.py")
    except BenchmarkImportError as exc:
        raise CommandError(str(exc)) from exc
    for line in report.lines():
        print(line)
    return report.exit_code


def _agency_id(engine, agency: str | None) -> int | None:
    from db.queries import find_agency_id
    from domain.params import has_bad_characters, quote_input

    if not agency:
        return None
    found = None if has_bad_characters(agency) or len(agency) > 200 else find_agency_id(engine, agency)
    if found is None:
        raise CommandError(f"找不到执法主体：{quote_input(agency)}（可用代码或全称）")
    return found


def cmd_set_password(args: argparse.Namespace) -> int:
    from db.accounts import set_password

    engine = _engine()
    result = set_password(engine, args.username, _new_password(args.password), _cli_actor())
    if not result.ok:
        raise CommandError("；".join(result.errors))
    print(f"已修改用户 {args.username} 的密码；其已登录的会话全部失效")
    return EXIT_OK


def cmd_set_role(args: argparse.Namespace) -> int:
    from db.accounts import set_role

    engine = _engine()
    result = set_role(engine, args.username, args.role, _agency_id(engine, args.agency), _cli_actor())
    if not result.ok:
        raise CommandError("；".join(result.errors))
    print(f"已将用户 {args.username} 的角色改为 {args.role}（下一次操作即生效）")
    return EXIT_OK


def cmd_import(args: argparse.Namespace) -> int:
    from db.imports import ImportFileError, run_import

    path = args.file
    if not os.path.isfile(path):
        raise CommandError(f"文件不存在：{path}")
    engine = _engine_at_head()
    if args.kind == "benchmarks":
        return _import_benchmarks(args, engine)

    def progress(done: int, total: int) -> None:
        if total >= 20000 and done % 20000 == 0:
            print(f"  已校验 {done}/{total} 行", file=sys.stderr)

    try:
        report = run_import(args.kind, engine, path, dry_run=args.dry_run, accept_valid=args.accept_valid,
                            create_agencies=args.create_agencies, actor=_cli_actor(), progress=progress)
    except ImportFileError as exc:
        raise CommandError(str(exc)) from exc
    for line in report.lines():
        print(line)
    if args.rejects and report.rejected:
        written = report.rejects_csv(args.rejects)
        print(f"已将 {written} 行被拒绝的数据及原因写入 {args.rejects}")
    return report.exit_code


def cmd_check(args: argparse.Namespace) -> int:
    from db.discretion import check_rows, recheck_all
    from domain.opendata import neutralise_csv_cell

    out = _output_file(args.out)
    engine = _engine_at_head()
    summary = recheck_all(engine)
    tmp = out.with_name(out.name + ".part")
    n = 0
    try:
        with tmp.open("w", encoding="utf-8-sig", newline="") as handle:
            writer = None
            for row in check_rows(engine):
                if writer is None:
                    writer = csv.DictWriter(handle, fieldnames=list(row))
                    writer.writeheader()
                writer.writerow({k: neutralise_csv_cell(v) for k, v in row.items()})
                n += 1
        tmp.replace(out)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise CommandError(f"无法写入文件 {out}：{exc.strerror or exc}") from exc
    counts = "，".join(f"{flag.value} {count}" for flag, count in sorted(summary.flagged.items(), key=lambda x: x[0].code))
    print(f"已核查 {summary.checked} 件决定的裁量基准适用情况，写入 {n} 行到 {out}" + (f"；标记：{counts}" if counts else ""))
    return EXIT_OK


def _load_anchor_source(source: str):
    """The JSON at a URL (http/https) or in a file."""
    import json
    import urllib.request

    try:
        if source.startswith(("http://", "https://")):
            with urllib.request.urlopen(source, timeout=30) as response:
                raw = response.read(10_000_000)
        else:
            raw = Path(source).read_bytes()
        return json.loads(raw.decode("utf-8-sig"))
    except OSError as exc:
        raise CommandError(f"无法读取锚点 {source}：{getattr(exc, 'reason', None) or exc.strerror or exc}") from exc
    except (UnicodeDecodeError, ValueError) as exc:
        raise CommandError(f"锚点 {source} 不是有效的 JSON：{exc}") from exc


def cmd_verify_chain(args: argparse.Namespace) -> int:
    from db.anchors import parse_anchors, verify_anchor
    from db.integrity import verify_chains

    anchors = None
    if args.anchor:
        try:
            anchors = parse_anchors(_load_anchor_source(args.anchor))
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
    engine = _engine()
    result = verify_chains(engine, case_no=args.case)
    if args.case and result.cases_checked == 0:
        raise CommandError(f"找不到案件：{args.case}")
    print(f"已校验 {result.cases_checked} 件案件的 {result.events_checked} 条执法记录")
    failed = False
    if result.first_break is not None:
        b = result.first_break
        print(f"记录链断裂：案件 {b.case_no}（id={b.case_id}）第 {b.seq} 条记录（event id={b.event_id}）：{b.reason}")
        print(f"共 {result.broken_cases} 件案件的记录链不完整")
        failed = True
    else:
        print("全部记录链完整。")
    for anchor in anchors or []:
        problems = verify_anchor(engine, anchor)
        for problem in problems:
            print(f"锚点不符：{problem}")
        if not problems:
            print(f"与 {anchor.get('anchored_on', '?')} 的记录链锚点一致（根哈希 {str(anchor['root'])[:16]}…）。")
        failed = failed or bool(problems)
    return EXIT_FAILED if failed else EXIT_OK


def cmd_anchor(args: argparse.Namespace) -> int:
    from db.anchors import dumps, publish_today

    anchor = publish_today(_engine())
    text_out = dumps([anchor])
    if args.out:
        Path(args.out).write_text(text_out + "\n", encoding="utf-8")
    print(text_out)
    return EXIT_OK


def cmd_verify_draw(args: argparse.Namespace) -> int:
    """Recompute 双随机 draws from what was published (seed, pools, ratios) and compare with the published selection,
    the commitment and the pool snapshots. Exit 0 when consistent, 1 naming the first difference."""
    from db.inspections import all_draw_ids, draw_id_by_no, verify_draw_id

    engine = _engine()
    if args.draw is None:
        targets = all_draw_ids(engine)
        if not targets:
            raise CommandError("数据库中没有抽取记录")
    else:
        draw_id = draw_id_by_no(engine, args.draw.strip())
        if draw_id is None:
            raise CommandError(f"找不到抽取记录：{args.draw}")
        targets = [t for t in all_draw_ids(engine) if t[0] == draw_id]
    failed = 0
    for draw_id, draw_no in targets:
        result = verify_draw_id(engine, draw_id)
        if result is None:
            print(f"{draw_no}（id={draw_id}）：随机种子尚未公布，只能在公布后核验")
            continue
        if result.ok:
            if args.draw is not None:
                print(f"{draw_no}（id={draw_id}）：一致（承诺值、名录快照、抽取结果均可复现）")
            continue
        failed += 1
        print(f"{draw_no}（id={draw_id}）：不一致。首个差异：{result.summary}")
        for more in result.differences[1:]:
            print(f"  另：{more}")
    if args.draw is None:
        print(f"已核验 {len(targets)} 次抽取，{failed} 次不一致")
    return EXIT_FAILED if failed else EXIT_OK


def _is_loopback(host: str) -> bool:
    import ipaddress

    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def cmd_serve(args: argparse.Namespace) -> int:
    import uvicorn

    from db.engine import PROJECT_ROOT

    if not _is_loopback(args.host):
        from db.accounts import demo_accounts_open

        try:
            open_accounts = demo_accounts_open(_engine())
        except Exception as exc:  # an uninitialised database has no accounts to worry about
            if "no such table" not in str(exc) and "does not exist" not in str(exc):
                raise
            open_accounts = []
        if open_accounts:
            raise CommandError(f"拒绝在 {args.host} 上提供服务：样例账户 {'、'.join(open_accounts)} 仍使用公开的演示密码。"
                               "请先用 python manage.py set-password 修改或停用这些账户，或只在本机（127.0.0.1）运行")
    os.chdir(PROJECT_ROOT)
    print(f"执法公示台：http://localhost:{args.port}（健康检查 /health）", flush=True)
    uvicorn.run("server:app", host=args.host, port=args.port, log_level="warning")
    return EXIT_OK


def _output_file(raw: str) -> Path:
    """A file path a command may write: not a directory, in a directory that exists."""
    out = Path(raw)
    if out.is_dir():
        raise CommandError(f"输出路径是目录，请给出文件名：{out}")
    if not out.parent.is_dir():
        raise CommandError(f"输出目录不存在：{out.parent}")
    return out


def _engine_at_head():
    """The engine of a database whose schema is current (reports read the newest tables)."""
    from db.migrate import current_revision, head_revision

    engine = _engine()
    if current_revision(engine) != head_revision():
        raise CommandError("数据库结构不是最新版本，请先运行 python manage.py init")
    return engine


def cmd_export(args: argparse.Namespace) -> int:
    from db.export import export_disclosures
    from domain.formatting import today_shanghai

    out = _output_file(args.out)
    engine = _engine_at_head()
    started = time.perf_counter()
    try:
        n = export_disclosures(engine, out, args.format, today_shanghai())
    except OSError as exc:
        raise CommandError(f"无法写入文件 {out}：{exc.strerror or exc}") from exc
    print(f"已导出 {n} 条已公示决定（{args.format.upper()}，已按统一规则脱敏）到 {out}，"
          f"用时 {time.perf_counter() - started:.1f} 秒")
    return EXIT_OK


def cmd_report(args: argparse.Namespace) -> int:
    from db.reviews import write_review_report
    from db.stats import load_calendar
    from domain.formatting import today_shanghai

    out = _output_file(args.out)
    engine = _engine_at_head()
    try:
        n = write_review_report(engine, out, load_calendar(engine), today_shanghai())
    except OSError as exc:
        raise CommandError(f"无法写入文件 {out}：{exc.strerror or exc}") from exc
    print(f"已导出 {n} 件重大执法决定的法制审核情况（CSV）到 {out}")
    return EXIT_OK


def cmd_backup(args: argparse.Namespace) -> int:
    from db.backup import BackupError, backup, manifest_path
    from domain.formatting import today_shanghai

    engine = _engine()
    out = Path(args.out)
    try:
        summary = backup(engine, out, today_shanghai())
    except BackupError as exc:
        raise CommandError(str(exc)) from exc
    print(f"已备份到 {out}（清单 {manifest_path(out).name}）：{sum(summary.counts.values())} 行，"
          f"记录链{'完整' if summary.chain_ok else '不完整（备份前已断裂，请先核查）'}")
    return EXIT_OK if summary.chain_ok else EXIT_FAILED


def cmd_restore(args: argparse.Namespace) -> int:
    from db.backup import BackupError, restore

    engine = _engine()
    try:
        summary, problems = restore(engine, Path(args.file))
    except BackupError as exc:
        raise CommandError(str(exc)) from exc
    for problem in problems:
        print(f"校验不符：{problem}")
    if problems:
        return EXIT_FAILED
    print(f"已恢复并校验：{len(summary.counts)} 张表的行数一致，记录链完整，公示数据与备份时一致。")
    return EXIT_OK


def cmd_bench(args: argparse.Namespace) -> int:
    if args.compare_datasette or args.database_url or args.load:
        return _bench_servers(args)
    from db.bench import run_bench
    from sample_data.generator import AS_OF, seed

    for line in run_bench(seed, AS_OF, cases=args.cases, events=args.events):
        print(line)
    return EXIT_OK


def _bench_servers(args: argparse.Namespace) -> int:
    """The speed issue's tables: the project server (and Datasette) under load, pages in AppTest and Chromium."""
    import loadtest
    from db.engine import normalise_url

    try:
        options = loadtest.Options(
            database_url=normalise_url(args.database_url) if args.database_url else None, cases=args.cases,
            compare_datasette=args.compare_datasette,
            datasette_file=Path(args.datasette_file) if args.datasette_file else None,
            seconds=args.seconds, clients=args.clients, runs=args.runs, load_runs=args.load_runs,
            pages=not args.no_pages, browser=not args.no_browser, full_csv=not args.no_csv,
            work_dir=Path(args.work_dir) if args.work_dir else None,
            output=_output_file(args.output) if args.output else None)
        if options.datasette_file and not options.datasette_file.is_file():
            raise CommandError(f"找不到 Datasette 使用的 SQLite 文件：{options.datasette_file}")
        lines = loadtest.run(options)
    except ValueError as exc:
        raise CommandError(str(exc)) from exc
    print("\n".join(lines))
    return EXIT_OK


# ------------------------------------------------------------------------------------------------ parser


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # one line, exit 2
        self.exit(EXIT_USAGE, f"{self.prog}: 参数错误：{message}\n")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="manage.py", description="执法公示台 命令行")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    p = sub.add_parser("init", help="创建或升级数据库结构到最新迁移（可重复运行）")
    p.set_defaults(func=cmd_init)

    p = sub.add_parser("seed", help="生成确定性的样例数据")
    p.add_argument("--cases", type=_positive, default=5000, help="案件数量（默认 5000）")
    p.add_argument("--seed", type=_non_negative, default=20261122, help="随机种子（相同种子生成相同数据）")
    p.add_argument("--if-empty", action="store_true", help="数据库已有数据时跳过")
    p.add_argument("--reset", action="store_true", help="先清空全部数据")
    p.set_defaults(func=cmd_seed)

    p = sub.add_parser("create-user", help="创建本地账户")
    p.add_argument("--username", required=True)
    p.add_argument("--role", required=True, help="执法人员 / 法制审核人员 / 执法监督人员 / 管理员")
    p.add_argument("--agency", help="执法主体代码或全称（执法人员、法制审核人员必填）")
    p.add_argument("--name", help="显示名称")
    p.add_argument("--password", help="密码（省略时读取 ZHIFA_NEW_PASSWORD 或交互输入）")
    p.set_defaults(func=cmd_create_user)

    p = sub.add_parser("set-password", help="修改账户密码（至少12位，不能是常见密码或包含用户名）；结束其全部会话")
    p.add_argument("username")
    p.add_argument("--password", help="新密码（省略时读取 ZHIFA_NEW_PASSWORD 或交互输入两次）")
    p.set_defaults(func=cmd_set_password)

    p = sub.add_parser("set-role", help="修改账户角色与执法主体（用户的下一次操作即生效）")
    p.add_argument("username")
    p.add_argument("role", help="执法人员 / 法制审核人员 / 执法监督人员 / 管理员")
    p.add_argument("--agency", help="执法主体代码或全称（执法人员、法制审核人员必填）")
    p.set_defaults(func=cmd_set_role)

    p = sub.add_parser("import",
                       help="导入 CSV/Excel 数据（见 docs/import.md）；退出码 0 全部接受、1 拒绝、3 部分接受、2 文件错误")
    p.add_argument("kind", choices=["agencies", "officers", "matters", "cases", "events", "reviews", "decisions",
                                     "inspections", "benchmarks"],
                   help="导入类型（= db.imports.SUPPORTED_KINDS，按此顺序导入；decisions 为每行一个已公示的执法决定）")
    p.add_argument("file", help="CSV、.xlsx 或 .xls 文件")
    p.add_argument("--dry-run", action="store_true", help="只校验并报告，不写入")
    p.add_argument("--accept-valid", action="store_true", help="写入有效行，拒绝无效行（退出码 3）")
    p.add_argument("--rejects", help="把被拒绝的行及原因写入该 CSV 文件")
    p.add_argument("--create-agencies", action="store_true", help="自动创建文件中出现的未知执法机关")
    p.add_argument("--agency", help="benchmarks：适用该裁量基准的执法主体（代码或全称）")
    p.add_argument("--create-agency", action="store_true", help="benchmarks：执法主体不存在时新建")
    p.add_argument("--effective-from", type=_date, help="benchmarks：生效日期 YYYY-MM-DD（默认今天）")
    p.add_argument("--name", help="benchmarks：基准名称（默认取文件名）")
    p.set_defaults(func=cmd_import)

    p = sub.add_parser("check", help="逐件核查处罚决定的裁量基准适用情况并导出结果")
    p.add_argument("dataset", choices=["benchmarks"], help="核查内容：benchmarks（裁量基准）")
    p.add_argument("--format", choices=["csv"], required=True, help="输出格式：csv")
    p.add_argument("--out", required=True, help="输出文件（写完后才替换同名文件）")
    p.set_defaults(func=cmd_check)

    p = sub.add_parser("verify-chain", help="校验执法全过程记录的哈希链")
    p.add_argument("--case", help="只校验该案号")
    p.add_argument("--anchor", help="同时与此前发布的记录链锚点比对：JSON 文件路径或网址（如 …/api/v1/anchors）")
    p.set_defaults(func=cmd_verify_chain)

    p = sub.add_parser("verify-draw", help="按公布的种子、名录和比例重算双随机抽取，核对承诺值与抽取结果")
    p.add_argument("draw", nargs="?", help="抽取编号（如 青市监抽〔2025〕1号）或数字 id；省略时核验全部抽取")
    p.set_defaults(func=cmd_verify_draw)


    p = sub.add_parser("anchor", help="发布今天的记录链锚点（每天一次，已发布则原样输出）")
    p.add_argument("--out", help="同时把锚点 JSON 写入该文件")
    p.set_defaults(func=cmd_anchor)

    p = sub.add_parser("serve", help="启动 Web 应用")
    p.add_argument("--port", type=_positive, default=8501)
    p.add_argument("--host", default="127.0.0.1",
                   help="监听地址（默认只在本机；样例账户仍用演示密码时拒绝其他地址）")
    p.set_defaults(func=cmd_serve)

    p = sub.add_parser("export", help="导出全部已公示决定（与公示页面、开放接口相同的脱敏规则）")
    p.add_argument("dataset", choices=["disclosures"], help="导出内容：disclosures（公示期内的全部执法决定）")
    p.add_argument("--format", choices=["csv", "json"], required=True,
                   help="csv（UTF-8 带 BOM，中文表头）或 json（{total, items}）")
    p.add_argument("--out", required=True, help="输出文件（写完后才替换同名文件）")
    p.set_defaults(func=cmd_export)

    p = sub.add_parser("report", help="报表：reviews（每件重大执法决定一行的法制审核情况）")
    p.add_argument("dataset", choices=["reviews"], help="reviews：重大执法决定法制审核情况")
    p.add_argument("--format", choices=["csv"], required=True, help="csv（UTF-8 带 BOM，中文表头）")
    p.add_argument("--out", required=True, help="输出文件（写完后才替换同名文件）")
    p.set_defaults(func=cmd_report)


    p = sub.add_parser("backup", help="备份数据库（SQLite 在线备份；PostgreSQL 用 pg_dump 自定义格式），并写出校验清单")
    p.add_argument("out", help="备份文件（不覆盖已有文件）；清单写在同目录的 OUT.manifest.json")
    p.set_defaults(func=cmd_backup)

    p = sub.add_parser("restore", help="把备份恢复到空数据库（DATABASE_URL），并核对行数、记录链和公示数据")
    p.add_argument("file", help="backup 生成的备份文件（同目录需有其 .manifest.json）")
    p.set_defaults(func=cmd_restore)

    p = sub.add_parser("refresh", help="重新计算全部执法决定的统计数据（公示时限、年度数据）、法制审核情况和案卷完整性评分；"
                                       "更换节假日数据包或升级评查规则后运行")
    p.set_defaults(func=cmd_refresh)

    p = sub.add_parser("bench", help="性能基准测试，输出 docs/performance.md 的表格")
    p.add_argument("--cases", type=_positive, default=100_000)
    p.add_argument("--events", type=_non_negative, default=0, help="校验哈希链的事件规模（0 表示使用种子数据）")
    p.add_argument("--load", action="store_true",
                   help="启动服务测并发、接口、CSV、内存和页面（--compare-datasette、--database-url 隐含此项）")
    p.add_argument("--compare-datasette", action="store_true",
                   help="同时用 Datasette 以相同 SQL 服务同一 SQLite 文件的只读副本，并列比较")
    p.add_argument("--database-url", help="测已有数据库（不重新生成）；省略时按 --cases 生成临时 SQLite 数据库")
    p.add_argument("--datasette-file", help="项目用 PostgreSQL 时，Datasette 使用的同种子 SQLite 文件")
    p.add_argument("--seconds", type=float, default=20, help="每轮并发测试秒数（≤ 30）")
    p.add_argument("--clients", type=_positive, default=20, help="并发客户端数（≤ 20）")
    p.add_argument("--runs", type=_positive, default=5, help="单客户端延迟与页面热运行的次数（取中位数）")
    p.add_argument("--load-runs", type=_positive, default=3, help="并发测试轮数（每轮后读取服务内存）")
    p.add_argument("--no-pages", action="store_true", help="不测页面（AppTest 与 Chromium）")
    p.add_argument("--no-browser", action="store_true", help="不测 Chromium 页面加载")
    p.add_argument("--no-csv", action="store_true", help="不测全量 CSV")
    p.add_argument("--work-dir", help="临时数据库与 Datasette 只读副本所在目录（默认系统临时目录）")
    p.add_argument("--output", help="同时把表格写入该文件")
    p.set_defaults(func=cmd_bench)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    func: Callable[[argparse.Namespace], int] = args.func
    try:
        return func(args)
    except CommandError as exc:
        print(f"错误：{exc}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print("已中断", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
