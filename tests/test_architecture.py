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
