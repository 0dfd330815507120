"""Create or upgrade the schema to the latest migration (``manage.py init``); safe to run again."""

from __future__ import annotations

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine

from db.engine import PROJECT_ROOT


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


def head_revision() -> str:
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert head is not None
    return head


def schema_is_current(engine: Engine) -> bool:
    """True when the database answers and is at the head revision (False when unreachable or behind)."""
    from sqlalchemy.exc import SQLAlchemyError

    try:
        return current_revision(engine) == head_revision()
    except SQLAlchemyError:
        return False
