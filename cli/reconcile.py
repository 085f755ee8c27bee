"""`kofu reconcile`: settle downloads nobody confirmed from a kiosk operator's print log (照合)."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from centre.settings import Settings

MAX_LINES = 500  # of a rejected log's report; the count says how many there were


@click.group("reconcile")
def reconcile() -> None:
    """照合: downloaded certificates whose print the kiosk never confirmed."""


@reconcile.command("list")
@click.option("--operator", default=None, help="only this kiosk operator's kiosks")
@click.pass_obj
def reconcile_list(settings: Settings, operator: str | None) -> None:
    """Delivered and unconfirmed requests, oldest download first (no personal data)."""
    from centre.bootstrap import bootstrap
    from issuance.calendar import JST

    platform = bootstrap(settings, jobs=False)
    try:
        with platform.uow() as uow:
            rows = uow.requests.unsettled(operator)
            for request in rows:
                at = (
                    request.delivered_at.astimezone(JST).isoformat()
                    if request.delivered_at
                    else "-"
                )
                click.echo(f"{request.kiosk_id}\t{request.serial}\t{request.state.value}\t{at}")
    finally:
        platform.close()


@reconcile.command("apply")
@click.option("--operator", required=True, help="the kiosk operator whose print log this is")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.pass_obj
def reconcile_apply(settings: Settings, operator: str, file: Path) -> None:
    """Settle every request FILE lists: printed is billed once, not_printed is void.

    FILE is CSV (UTF-8 with or without a BOM, or CP932) with the header
    kiosk_id,serial,result,printed_at. It is checked whole first: any problem exits 2 with
    one line per problem and nothing changes. Applying the same log again changes nothing.
    """
    from centre.bootstrap import bootstrap
    from issuance.print_log import PrintLogRejectedError, read_print_log
    from issuance.settlement import reconcile_prints

    platform = bootstrap(settings, jobs=False)
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
    finally:
        platform.close()
    for line in result.lines():
        click.echo(line)
