"""Persistence: typed SQLAlchemy 2.x models, Alembic migrations, queries (DataFrames / frozen dataclasses) and commands."""
