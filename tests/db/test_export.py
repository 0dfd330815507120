"""``manage.py export disclosures``: the full public dataset, identical to the public rows and their redaction, as
CSV (UTF-8 with BOM, Chinese headers) or JSON, written atomically; one-line errors with exit code 2."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from pathlib import Path

import pytest

import manage
from db.export import EXPORT_ORDER, export_disclosures, write_disclosures
from db.public import PUBLIC_COLUMNS, iter_public_decisions
from domain.formatting import today_shanghai
from domain.opendata import json_record
from domain.redaction import find_personal_data

ROOT = Path(__file__).resolve().parents[2]


def _public_records(engine) -> list[dict]:
    return [json_record(r) for r in iter_public_decisions(engine, EXPORT_ORDER, today_shanghai())]


def test_csv_export_is_every_public_row(seeded_engine, tmp_path) -> None:
    out = tmp_path / "disclosures.csv"
    n = export_disclosures(seeded_engine, out, "csv", today_shanghai())
    raw = out.read_bytes()
    assert raw.startswith("\ufeff".encode())
    table = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert table[0] == list(PUBLIC_COLUMNS.values())
    expected = _public_records(seeded_engine)
    assert n == len(table) - 1 == len(expected) > 300
    for line, record in zip(table[1:], expected, strict=True):
        assert line == ["" if record[k] is None else str(record[k]) for k in PUBLIC_COLUMNS]
    assert not find_personal_data(raw.decode("utf-8-sig"))
    assert not list(tmp_path.glob("*.part"))  # the temporary file was renamed into place


def test_json_export_is_every_public_row(seeded_engine, tmp_path) -> None:
    out = tmp_path / "disclosures.json"
    n = export_disclosures(seeded_engine, out, "json", today_shanghai())
    body = json.loads(out.read_text(encoding="utf-8"))
    assert body["generated_on"] == today_shanghai().isoformat()
    assert body["total"] == n == len(body["items"])
    assert body["items"] == _public_records(seeded_engine)


def test_a_failed_export_leaves_no_file(seeded_engine, tmp_path, monkeypatch) -> None:
    import db.export

    out = tmp_path / "disclosures.csv"
    out.write_text("old", encoding="utf-8")

    def broken_file(*args, **kwargs):
        yield "\ufeff编号\r\n1\r\n".encode()
        raise RuntimeError("database went away")

    monkeypatch.setattr(db.export, "public_json", broken_file)
    monkeypatch.setattr(db.export, "public_csv", broken_file)
    for fmt in ("csv", "json"):
        with pytest.raises(RuntimeError):
            export_disclosures(seeded_engine, out, fmt, today_shanghai())
        assert out.read_text(encoding="utf-8") == "old"  # the previous file is untouched
        assert list(tmp_path.iterdir()) == [out]


def test_write_streams_in_blocks(seeded_engine) -> None:
    class Sink(io.BytesIO):
        writes = 0

        def write(self, b):
            Sink.writes += 1
            return super().write(b)

    sink = Sink()
    write_disclosures(seeded_engine, sink, "csv", today_shanghai())
    assert Sink.writes >= 2  # several 64 KiB blocks, not one string built in memory


def test_cli_export(seeded_sqlite, tmp_path, monkeypatch, capsys) -> None:
    monkeypatch.setenv("DATABASE_URL", seeded_sqlite[0])
    out = tmp_path / "all.csv"
    assert manage.main(["export", "disclosures", "--format", "csv", "--out", str(out)]) == 0
    assert "已导出" in capsys.readouterr().out
    assert out.read_bytes().startswith("\ufeff".encode())
    assert manage.main(["export", "disclosures", "--format", "json", "--out", str(tmp_path / "all.json")]) == 0


@pytest.mark.parametrize("args, message", [
    (["--format", "csv", "--out", "/nonexistent-dir/x.csv"], "输出目录不存在"),
    (["--format", "csv", "--out", "{tmp}"], "是目录"),
])
def test_cli_export_errors_are_one_line(seeded_sqlite, tmp_path, monkeypatch, capsys, args, message) -> None:
    monkeypatch.setenv("DATABASE_URL", seeded_sqlite[0])
    args = [a.replace("{tmp}", str(tmp_path)) for a in args]
    assert manage.main(["export", "disclosures", *args]) == 2
    err = capsys.readouterr().err
    assert message in err and len(err.strip().splitlines()) == 1


def test_cli_export_refuses_an_old_schema(tmp_path, monkeypatch, capsys) -> None:
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'empty.sqlite3'}")
    assert manage.main(["export", "disclosures", "--format", "csv", "--out", str(tmp_path / "x.csv")]) == 2
    assert "manage.py init" in capsys.readouterr().err


@pytest.mark.parametrize("args", [["export"], ["export", "cases", "--format", "csv", "--out", "x"],
                                  ["export", "disclosures", "--format", "xml", "--out", "x"],
                                  ["export", "disclosures", "--format", "csv"]])
def test_cli_export_bad_arguments_exit_2(args) -> None:
    result = subprocess.run([sys.executable, str(ROOT / "manage.py"), *args], capture_output=True, text=True,
                            cwd=ROOT, timeout=60, env={"DATABASE_URL": "sqlite://", "PATH": "/usr/bin:/bin"})
    assert result.returncode == 2
    assert "Traceback" not in result.stderr and len(result.stderr.strip().splitlines()) == 1
