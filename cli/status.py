"""`kofu status …`: incidents the operators declare on the public status page (/status)."""

from __future__ import annotations

import click

from cli.context import platform, refused


@click.group()
def status() -> None:
    """The public status page: declared incidents."""


@status.group()
def incident() -> None:
    """Incidents shown on /status and /status.json until closed."""


@incident.command("open")
@click.option("--ja", "message_ja", required=True, help="the public message in Japanese")
@click.option("--en", "message_en", required=True, help="the same in English")
@click.option("--municipality", default=None, help="municipality code (default: nationwide)")
@click.pass_context
def incident_open(
    ctx: click.Context, message_ja: str, message_en: str, municipality: str | None
) -> None:
    """Declare an incident; prints its id (for `kofu status incident close`). The messages are
    public: name no person."""
    from issuance.errors import KofuError
    from municipalities.incidents import IncidentInput, open_incident

    centre = platform(ctx)
    with centre.uow() as uow:
        try:
            row = open_incident(
                uow, IncidentInput(municipality, message_ja, message_en), centre.now()
            )
        except KofuError as error:
            raise refused(error) from None
        click.echo(f"incident {row.id} open ({row.municipality_code or 'nationwide'})")


@incident.command("close")
@click.argument("incident_id", type=int)
@click.pass_context
def incident_close(ctx: click.Context, incident_id: int) -> None:
    """Close an incident: it leaves the status page at once."""
    from issuance.errors import KofuError
    from municipalities.incidents import close_incident

    centre = platform(ctx)
    with centre.uow() as uow:
        try:
            close_incident(uow, incident_id, centre.now())
        except KofuError as error:
            raise refused(error) from None
    click.echo(f"incident {incident_id} closed")


@incident.command("list")
@click.pass_context
def incident_list(ctx: click.Context) -> None:
    """The incidents not yet closed: id, opened (UTC), municipality, Japanese message."""
    from municipalities.incidents import open_incidents

    centre = platform(ctx)
    with centre.uow() as uow:
        for row in open_incidents(uow):
            where = row.municipality_code or "nationwide"
            click.echo(f"{row.id}\t{row.opened_at.isoformat()}\t{where}\t{row.message_ja}")
