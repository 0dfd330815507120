"""Alembic environment: migrations run against the connection handed in by db.migrate, or DATABASE_URL."""

from __future__ import annotations

from alembic import context

from db.engine import database_url, make_engine
from db.migrate import include_name, include_object
from db.models import Base

config = context.config
target_metadata = Base.metadata


def render_item(type_, obj, autogen_context):
    """Render our TypeDecorators by their module path so generated migrations import cleanly."""
    if type_ == "type" and obj.__class__.__module__ == "db.types":
        return f"db.types.{obj.__class__.__name__}()"
    return False


def run_migrations() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    engine = make_engine(database_url())
    with engine.begin() as conn:
        _run(conn)
    engine.dispose()


def _run(connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_item=render_item,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
        include_name=include_name,
        include_object=include_object,
    )
    with context.begin_transaction():
        context.run_migrations()


run_migrations()
