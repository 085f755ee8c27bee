"""`kofu index apply`: feed the national resident index a 異動 file, as 住基ネット would."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from cli import context

MAX_LINES = 500  # of a rejected file's report; the count says how many there were


@click.group("index")
def index() -> None:
    """The national resident index (our 住基ネット stand-in)."""


@index.command("apply")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.pass_context
def index_apply(ctx: click.Context, file: Path) -> None:
    """Check every 異動 in FILE (JSON or CSV), then apply them all at once in 異動日 order.

    Exits 2 with one line per problem when anything is wrong; then nothing changes. Applying
    the same file again changes nothing. Format: docs/index-format.md.
    """
    from issuance.calendar import JST
    from issuance.index.idou import apply_idou
    from issuance.index.idou_file import IdouRejectedError, read_idou

    platform = context.platform(ctx)
    now = platform.now()
    try:
        idou_file = read_idou(file.read_bytes(), file.suffix, now.astimezone(JST).date())
        with platform.uow() as uow:
            summary = apply_idou(uow, idou_file, now)
    except IdouRejectedError as rejected:
        click.echo(
            f"rejected: {len(rejected.problems)} problems; nothing was changed "
            f"({rejected.message_ja})",
            err=True,
        )
        for problem in rejected.problems[:MAX_LINES]:
            click.echo(f"  {problem.line()}", err=True)
        sys.exit(2)
    for line in summary.lines():
        click.echo(line)
