"""`kofu staff …`: portal accounts, created from the command line."""

from __future__ import annotations

import click

from cli.context import platform


@click.group()
def staff() -> None:
    """Portal staff accounts."""


@staff.command("add")
@click.option("--login", required=True, help="an email address (stored lowercased)")
@click.option("--name", "display_name", default="", help="shown in the portal")
@click.option(
    "--role",
    required=True,
    type=click.Choice(["municipal_admin", "municipal_viewer", "centre_operator", "kiosk_operator"]),
)
@click.option("--municipality", default=None, help="municipality code (municipal roles)")
@click.option("--operator", default=None, help="kiosk operator id (kiosk_operator)")
@click.pass_context
def staff_add(
    ctx: click.Context,
    login: str,
    display_name: str,
    role: str,
    municipality: str | None,
    operator: str | None,
) -> None:
    """Create an account; prints its one-time password (the first sign-in enrols TOTP)."""
    from argon2 import PasswordHasher

    from issuance.errors import KofuError
    from issuance.staff.model import Role
    from issuance.staff.services import create_account

    centre = platform(ctx)
    with centre.uow() as uow:
        try:
            account, password = create_account(
                uow,
                PasswordHasher(),
                login=login,
                display_name=display_name,
                role=Role(role),
                now=centre.now(),
                municipality_code=municipality,
                kiosk_operator_id=operator,
            )
        except KofuError as error:
            raise click.ClickException(
                f"{error.code}: {error.message_ja} / {error.message_en}"
            ) from None
        click.echo(f"account {account.id} {account.login} ({account.role.value})")
    click.echo(f"one-time password (shown once): {password}")
