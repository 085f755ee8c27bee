"""`kofu db …`: the database schema."""

from __future__ import annotations

import click

from cli.context import settings


@click.group("db")
def db() -> None:
    """The database schema."""


@db.command("upgrade")
@click.pass_context
def db_upgrade(ctx: click.Context) -> None:
    """Apply every migration (idempotent)."""
    from centre.database import upgrade

    upgrade(settings(ctx).database_url)
    click.echo("database is at the newest schema")
