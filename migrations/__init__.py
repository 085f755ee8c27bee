"""Alembic migrations and the one metadata that collects every package's tables."""
