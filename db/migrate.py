"""Create or upgrade the schema to the latest migration (``manage.py init``); safe to run again."""

from __future__ import annotations

import functools

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, text

from db.engine import PROJECT_ROOT

# Search-index objects that the SQLAlchemy metadata cannot describe (migration "public search index"): SQLite's FTS5
# table, its shadow tables and its vocabulary table; PostgreSQL's trigram GIN index. Autogenerate and the drift
# test skip them, otherwise every comparison would propose dropping them.
SEARCH_INDEX_TABLES = frozenset({
    "public_search_fts", "public_search_fts_data", "public_search_fts_idx", "public_search_fts_docsize",
    "public_search_fts_config", "public_search_fts_content", "public_search_vocab",
})
SEARCH_INDEX_INDEXES = frozenset({"ix_public_search_doc_trgm"})


def include_name(name: str | None, type_: str, parent_names: object) -> bool:
    """Alembic ``include_name`` hook: skip the search-index objects before they are reflected."""
    if type_ == "table":
        return name not in SEARCH_INDEX_TABLES
    if type_ == "index":
        return name not in SEARCH_INDEX_INDEXES
    return True


def include_object(obj: object, name: str | None, type_: str, reflected: bool, compare_to: object) -> bool:
    """Alembic ``include_object`` hook (same rule, for objects reached without a name filter)."""
    return include_name(name, type_, None)


def alembic_config() -> Config:
    return Config(str(PROJECT_ROOT / "alembic.ini"))


def upgrade_to_head(engine: Engine) -> str:
    """Upgrade ``engine``'s database to head and return the revision it is at."""
    cfg = alembic_config()
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "head")
    return current_revision(engine) or ""


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


@functools.cache
def head_revision() -> str:
    """The newest migration of this checkout; read once per process (the scripts do not change while it runs, and
    parsing them took ~10 ms of every /health answer)."""
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert head is not None
    return head


def schema_is_current(engine: Engine) -> bool:
    """True when the database answers and is at the head revision (False when unreachable or behind)."""
    from sqlalchemy.exc import SQLAlchemyError

    try:
        with engine.connect() as conn:
            found = conn.execute(text("SELECT version_num FROM alembic_version")).scalars().all()
        return found == [head_revision()]
    except SQLAlchemyError:
        return False
