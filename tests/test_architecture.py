"""Layering rules that keep the code honest: domain/ is pure; pages and components run no SQL."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from components.registry import PAGES

ROOT = Path(__file__).resolve().parents[1]


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module.split(".")[0])
    return found


@pytest.mark.parametrize("path", sorted((ROOT / "domain").glob("*.py")), ids=lambda p: p.name)
def test_domain_imports_neither_streamlit_nor_sqlalchemy(path: Path) -> None:
    assert not _imports(path) & {"streamlit", "sqlalchemy", "pandas", "altair"}


@pytest.mark.parametrize(
    "path", sorted([*(ROOT / "pages").glob("*.py"), *(ROOT / "components").glob("*.py")]), ids=lambda p: p.name
)
def test_pages_and_components_run_no_sql(path: Path) -> None:
    assert "sqlalchemy" not in _imports(path)
    source = path.read_text(encoding="utf-8")
    assert ".execute(" not in source


def test_every_registered_page_exists_and_is_tested() -> None:
    tested = "\n".join(p.read_text(encoding="utf-8") for p in (ROOT / "tests" / "pages").glob("test_*.py"))
    for spec in PAGES:
        assert (ROOT / spec.path).is_file(), spec.path
        assert spec.path in tested, f"no page test mentions {spec.path}"


def test_every_page_file_is_registered() -> None:
    registered = {spec.path for spec in PAGES}
    for path in (ROOT / "pages").glob("*.py"):
        assert f"pages/{path.name}" in registered, f"{path.name} is not in components/registry.py"


def test_readme_role_matrix_names_every_permission_and_role() -> None:
    from domain.enums import Role
    from domain.permissions import Permission

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for permission in Permission:
        assert f"`{permission.value}`" in readme, permission
    for role in Role:
        assert f"| {role.value} |" in readme, role


def test_url_paths_do_not_collide_with_page_file_names() -> None:
    """A url_path equal to another page file's stem makes Streamlit resolve the wrong page."""
    stems = {Path(spec.path).stem: spec.path for spec in PAGES}
    for spec in PAGES:
        other = stems.get(spec.url_path)
        assert other in (None, spec.path), f"{spec.path} uses url_path {spec.url_path!r}, the stem of {other}"
    assert len({spec.url_path for spec in PAGES}) == len(PAGES)


# --- the repository is self-contained ------------------------------------------------------------------------

_SKIP_DIRS = {".git", ".venv", "__pycache__", ".pytest_cache", ".ruff_cache", ".mypy_cache", "node_modules", "data"}
_TEXT_SUFFIXES = {".py", ".toml", ".ini", ".cfg", ".txt", ".yml", ".yaml", ""}


def _repo_files() -> list[Path]:
    found = []
    for path in ROOT.rglob("*"):
        rel = path.relative_to(ROOT)
        if any(part in _SKIP_DIRS for part in rel.parts) or not path.is_file():
            continue
        if path.suffix in _TEXT_SUFFIXES and path.stat().st_size < 1_000_000:
            found.append(path)
    return sorted(found)


def _python_files() -> list[Path]:
    return [p for p in _repo_files() if p.suffix == ".py"]


@pytest.mark.parametrize("path", _repo_files(), ids=lambda p: str(p.relative_to(ROOT)))
def test_no_source_names_a_path_outside_the_repository(path: Path) -> None:
    """A fresh clone has nothing beside it: no ../shared, no absolute /work paths, no climbing out with "..".

    Markdown is not scanned: documents may quote where material came from. This file is not scanned either: it
    spells out the very strings it looks for."""
    if path == Path(__file__).resolve():
        return
    text = path.read_text(encoding="utf-8", errors="replace")
    for needle in ("../shared", "shared/reference", "shared/domain", "/work/"):
        assert needle not in text, f"{path.relative_to(ROOT)} names {needle!r}"
    if path.suffix == ".py":
        for node in ast.walk(ast.parse(text)):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                assert node.value != ".." and not node.value.startswith("../"), (
                    f"{path.relative_to(ROOT)}:{node.lineno} climbs out with {node.value!r}"
                )


def _anchored_dir(node: ast.AST, here: Path) -> Path | None:
    """The directory an expression like Path(__file__).resolve().parents[2] / .parent.parent denotes, else None."""
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in {"resolve", "absolute"}:
        return _anchored_dir(node.func.value, here)
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "Path" and node.args:
        arg = node.args[0]
        return here if isinstance(arg, ast.Name) and arg.id == "__file__" else None
    if isinstance(node, ast.Attribute) and node.attr == "parent":
        inner = _anchored_dir(node.value, here)
        return inner.parent if inner is not None else None
    if isinstance(node, ast.Subscript) and isinstance(node.value, ast.Attribute) and node.value.attr == "parents":
        inner = _anchored_dir(node.value.value, here)
        if inner is not None and isinstance(node.slice, ast.Constant) and isinstance(node.slice.value, int):
            return inner.parents[node.slice.value]
    return None


@pytest.mark.parametrize("path", _python_files(), ids=lambda p: str(p.relative_to(ROOT)))
def test_paths_anchored_on_a_module_stay_inside_the_repository(path: Path) -> None:
    """Path(__file__).parents[n] must not reach above the repository root (that is how ../shared crept in)."""
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        anchored = _anchored_dir(node, path)
        if anchored is not None:
            assert anchored == ROOT or ROOT in anchored.parents, (
                f"{path.relative_to(ROOT)}:{getattr(node, 'lineno', '?')} points at {anchored}, outside {ROOT}"
            )


def test_every_path_constant_in_sample_data_and_db_is_inside_the_repository() -> None:
    import importlib
    import pkgutil

    import db
    import sample_data

    checked = 0
    for package in (sample_data, db):
        for info in pkgutil.iter_modules(package.__path__, prefix=f"{package.__name__}."):
            module = importlib.import_module(info.name)
            for name, value in vars(module).items():
                if isinstance(value, Path) and not name.startswith("__"):
                    resolved = value.resolve()
                    assert resolved == ROOT or ROOT in resolved.parents, f"{info.name}.{name} = {value}"
                    checked += 1
    from sample_data import REFERENCE_DIR

    assert checked >= 2 and REFERENCE_DIR.is_dir()


def test_seeding_opens_no_file_outside_the_repository(tmp_path: Path) -> None:
    """At run time too: watch every open() while a small sample is seeded from the reference tables."""
    import sys
    import sysconfig
    import tempfile

    from db.engine import make_engine
    from db.migrate import upgrade_to_head
    from sample_data.generator import seed

    allowed = [ROOT, tmp_path, Path(tempfile.gettempdir()).resolve(), Path("/dev"), Path("/proc"), Path("/etc"),
               Path("/usr"), Path(sys.prefix).resolve(), Path(sys.base_prefix).resolve(),
               *(Path(p).resolve() for p in sysconfig.get_paths().values())]
    opened: list[Path] = []
    watching = True

    def hook(event: str, args: tuple) -> None:
        if watching and event == "open" and isinstance(args[0], (str, Path)):
            opened.append(Path(args[0]).resolve())

    sys.addaudithook(hook)  # hooks cannot be removed; the flag below turns this one off after the test
    try:
        engine = make_engine(f"sqlite:///{tmp_path / 'sample.sqlite3'}")
        upgrade_to_head(engine)
        seed(engine, 20, 1)
        engine.dispose()
    finally:
        watching = False
    outside = sorted({p for p in opened if not any(p == a or a in p.parents for a in allowed)})
    assert not outside, outside
    assert any(p.suffix == ".xls" and ROOT in p.parents for p in opened), "the seed no longer reads the 江门 table?"


# --- who may depend on whom ----------------------------------------------------------------------------------


@pytest.mark.parametrize("path", sorted((ROOT / "db").rglob("*.py")), ids=lambda p: str(p.relative_to(ROOT)))
def test_db_does_not_import_sample_data(path: Path) -> None:
    """db/ stores and reads any data; the invented sample is one caller of it, passed in where needed."""
    assert "sample_data" not in _imports(path)


def test_manage_py_runs_no_sql_of_its_own() -> None:
    """The command line parses arguments and prints; every query lives in db/ where the drift tests see it."""
    tree = ast.parse((ROOT / "manage.py").read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("sqlalchemy"):
            assert node.module in {"sqlalchemy.exc", "sqlalchemy.engine"}, f"line {node.lineno}: {node.module}"
            assert {a.name for a in node.names} <= {"OperationalError", "make_url"}, f"line {node.lineno}"
        if isinstance(node, ast.Import):
            assert not any(a.name.startswith("sqlalchemy") for a in node.names), f"line {node.lineno}"
        if isinstance(node, ast.Call):
            func = node.func
            name = func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else ""
            assert name not in {"execute", "exec_driver_sql", "scalar", "scalars", "select", "text", "insert",
                                "update", "delete", "Session"}, f"manage.py line {node.lineno} calls {name}()"


def test_the_ui_api_and_health_share_one_engine_owner() -> None:
    """db.engine.shared_engine owns the process's engines: no page, component, API route or /health builds one per
    request (a new pool per download or health check cost ~20 ms and leaked connections under load)."""
    root = Path(__file__).resolve().parents[1]
    sources = [root / "api.py", root / "server.py", *(root / "components").glob("*.py"), *(root / "pages").glob("*.py")]
    offenders = [str(p.relative_to(root)) for p in sources if "make_engine(" in p.read_text(encoding="utf-8")]
    assert offenders == []


# The query and command layer pages may call; models, engines, bulk writers and migrations stay behind it.
PAGE_DB_MODULES = {"db.accounts", "db.anchors", "db.commands", "db.discretion", "db.events", "db.imports",
                   "db.inspections", "db.integrity", "db.projection", "db.public", "db.queries", "db.reviews", "db.stats"}
# The named read layer of components (engine, session resolution, cached reads, streamed downloads); every other
# component renders only.
COMPONENT_DB_READERS = {"auth.py", "data.py", "cached.py", "opendata.py"}


def _db_imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.split(".")[0] in ("db", "sqlalchemy"):
            found |= {f"{node.module}.{a.name}" if node.module == "db" else node.module for a in node.names}
        elif isinstance(node, ast.Import):
            found |= {a.name for a in node.names if a.name.split(".")[0] in ("db", "sqlalchemy")}
    return found


def test_pages_reach_the_database_only_through_query_and_command_modules() -> None:
    root = Path(__file__).resolve().parents[1]
    bad = {str(p.relative_to(root)): sorted(_db_imports(p) - PAGE_DB_MODULES) for p in (root / "pages").glob("*.py")}
    assert {k: v for k, v in bad.items() if v} == {}


def test_only_the_named_read_layer_of_components_imports_db() -> None:
    root = Path(__file__).resolve().parents[1]
    readers = {p.name for p in (root / "components").glob("*.py") if _db_imports(p)}
    assert readers <= COMPONENT_DB_READERS
