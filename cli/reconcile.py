"""`kofu reconcile`: settle downloads nobody confirmed from a kiosk operator's print log (照合)."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from cli import context

MAX_LINES = 500  # of a rejected log's report; the count says how many there were


@click.group("reconcile")
def reconcile() -> None:
    """照合: downloaded certificates whose print the kiosk never confirmed."""


@reconcile.command("list")
@click.option("--operator", default=None, help="only this kiosk operator's kiosks")
@click.pass_context
def reconcile_list(ctx: click.Context, operator: str | None) -> None:
    """Delivered and unconfirmed requests, oldest download first (no personal data)."""
    from issuance.calendar import JST

    with context.platform(ctx).uow() as uow:
        for request in uow.requests.unsettled(operator):
            at = request.delivered_at.astimezone(JST).isoformat() if request.delivered_at else "-"
            click.echo(f"{request.kiosk_id}\t{request.serial}\t{request.state.value}\t{at}")


@reconcile.command("apply")
@click.option("--operator", required=True, help="the kiosk operator whose print log this is")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.pass_context
def reconcile_apply(ctx: click.Context, operator: str, file: Path) -> None:
    """Settle every request FILE lists: printed is billed once, not_printed is void.

    FILE is CSV (UTF-8 with or without a BOM, or CP932) with the header
    kiosk_id,serial,result,printed_at. It is checked whole first: any problem exits 2 with
    one line per problem and nothing changes. Applying the same log again changes nothing.
    """
    from issuance.print_log import PrintLogRejectedError, read_print_log
    from issuance.settlement import reconcile_prints

    platform = context.platform(ctx)
    try:
        entries = read_print_log(file.read_bytes())
        with platform.uow() as uow:
            result = reconcile_prints(uow, platform.ledger, operator, entries, platform.now())
    except PrintLogRejectedError as rejected:
        click.echo(
            f"rejected: {len(rejected.problems)} problems; nothing was changed "
            f"({rejected.message_ja})",
            err=True,
        )
        for problem in rejected.problems[:MAX_LINES]:
            click.echo(f"  {problem.line()}", err=True)
        sys.exit(2)
    for line in result.lines():
        click.echo(line)
