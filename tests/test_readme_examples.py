"""The README's examples show what the sample database (`make run`: 5,000 cases, the default seed) really gives:
each documented request is made against that sample through the API and its documented answer compared, so a change
of the generator or of the search makes this test name the README line to update."""

from __future__ import annotations

import json
import re
import shlex
from pathlib import Path

import pytest
from starlette.applications import Starlette

import api
from tests.asgi import get

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")
MAKE_RUN_CASES = int(re.search(r"^SEED_CASES \?= (\d+)", (ROOT / "Makefile").read_text(), re.M).group(1))
DEFAULT_SEED = 20261122  # manage.py seed --seed default


def _examples() -> list[tuple[str, list[tuple[str, str]], str]]:
    """(path, params, the answer documented in the comment lines after it) for each curl example with an answer."""
    blocks = re.findall(r"```sh\n(.*?)```", README, re.S)
    found = []
    for block in blocks:
        lines = block.splitlines()
        i = 0
        while i < len(lines):
            if not lines[i].startswith("curl"):
                i += 1
                continue
            command = lines[i]
            while command.endswith("\\"):
                i += 1
                command = command[:-1] + " " + lines[i].strip()
            answer = []
            while i + 1 < len(lines) and lines[i + 1].startswith("#"):
                i += 1
                answer.append(lines[i].lstrip("# ").strip())
            i += 1
            words = shlex.split(command)
            url = next(w for w in words if w.startswith("http"))
            path, _, query = url.removeprefix("http://localhost:8501").partition("?")
            params = [tuple(p.split("=", 1)) for p in query.split("&") if p]
            for flag, value in zip(words, words[1:], strict=False):
                if flag in ("-d", "--data-urlencode"):
                    params.append(tuple(value.split("=", 1)))
            if answer:
                found.append((path, params, " ".join(answer)))
    return found


@pytest.fixture(scope="module")
def sample_app(sqlite_templates):
    return f"sqlite:///{sqlite_templates.path(MAKE_RUN_CASES, DEFAULT_SEED)}"


@pytest.fixture
def app(sample_app, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", sample_app)
    return Starlette(routes=api.ROUTES)


def test_readme_has_examples_with_answers() -> None:
    assert len(_examples()) >= 2


@pytest.mark.parametrize(("path", "params", "answer"), _examples(), ids=lambda v: str(v)[:40])
def test_readme_example_answers_as_documented(app, path, params, answer) -> None:
    response = get(app, path, params)
    if answer.startswith("HTTP/1.1 "):
        status = int(answer.split()[1])
        assert response.status_code == status
        documented = json.loads(answer[answer.index("{"):])
        assert response.json() == documented
        return
    body = response.json()
    # The documented answer is the start of the JSON, cut with "…": compare every complete "key":value it shows.
    for key, value in re.findall(r'"(\w+)":("[^"]*"|\d+)', answer):
        shown = json.loads(value)
        actual = body.get(key) if key in body else body["items"][0].get(key)
        assert actual == shown, f"README says {key}={shown!r}, the sample gives {actual!r}"


PAGE_EXAMPLE = re.compile(r"`http://localhost:8501/decisions\?([^`]+)` shows “([^”]+) 共 ([\d,]+) 条”")


def test_readme_page_example_shows_the_documented_total(app, sample_app) -> None:
    from db.engine import make_engine
    from db.public import agency_keys
    from domain.filters import describe_filters, read_decision_link

    query, sentence, total = PAGE_EXAMPLE.search(README).groups()
    params = dict(p.split("=", 1) for p in query.split("&"))
    engine = make_engine(sample_app)
    keys = agency_keys(engine)
    engine.dispose()
    reading = read_decision_link(params, agency_keys=keys, years=range(2023, 2100))
    assert reading.notes == ()
    body = get(app, "/api/v1/decisions", params).json()
    names = {v: k for k, v in keys.items() if not k.isdigit() and not k.isascii()}
    shown = describe_filters(reading.filters, body["total"], names[reading.filters.agency_id])
    assert shown == f"{sentence} 共 {total} 条", shown
