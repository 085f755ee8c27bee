"""`kofu bcl import`: the shared cloud's extracts into the centre's database."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

import click

from cli import context

if TYPE_CHECKING:
    from municipalities.bcl_problems import ExtractRejectedError, ImportFailedError


@click.group()
def bcl() -> None:
    """The shared cloud's data extracts (連携用データ)."""


def exit_refused(error: ExtractRejectedError | ImportFailedError) -> NoReturn:
    """Print why an extract did not go in: every bad row (exit 2), or one line (exit 1)."""
    if hasattr(error, "problems"):  # ExtractRejectedError
        click.echo(f"rejected: {len(error.problems)} problems; nothing was changed", err=True)
        for p in error.problems[:200]:
            click.echo(f"  {p.section} row {p.row} {p.field}: {p.code} {p.message}", err=True)
        sys.exit(2)
    click.echo(f"{error.code} ({error.reason}): {error.message_ja} / {error.message_en}", err=True)
    sys.exit(1)


@bcl.command("import")
@click.argument("municipality")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.pass_context
def bcl_import(ctx: click.Context, municipality: str, file: Path) -> None:
    """Validate FILE (JSON, or a ZIP of CSVs) and replace the sections it gives for MUNICIPALITY.

    Sections absent from FILE are kept. Exit status 0: imported, with rows before → after per
    section; 2: the file was refused, with every bad row; 1: the database refused the import.
    Nothing changes unless the whole file goes in.
    """
    from issuance.characters import CertificateFontsMissingError
    from municipalities.bcl_history import record_command_line_import
    from municipalities.bcl_import import (
        ExtractRejectedError,
        ImportFailedError,
        import_extract,
        read_extract_file,
    )

    platform = context.platform(ctx)
    try:
        data = read_extract_file(file)
        total = sum(len(v) for v in data.values() if isinstance(v, list))
        with platform.uow() as uow, click.progressbar(length=total, label="importing") as bar:
            report = import_extract(uow, municipality, data, bar.update)
            record_command_line_import(uow, municipality, file.read_bytes(), report, platform.now())
    except (ExtractRejectedError, ImportFailedError) as error:
        exit_refused(error)
    except CertificateFontsMissingError as missing:  # the rows cannot be checked without them
        click.echo(f"{missing.code}: {missing.message_ja} / {missing.message_en}", err=True)
        sys.exit(1)
    click.echo(f"imported {report.rows_written} rows for {municipality}")
    click.echo(f"  {'section':<16}{'before':>8}   {'after':<8}")
    for s in report.sections:
        change = "replaced" if s.replaced else "kept"
        click.echo(f"  {s.section:<16}{s.before:>8} → {s.after:<8}{change}")
