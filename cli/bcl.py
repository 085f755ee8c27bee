"""`kofu bcl import` and `kofu municipal-server`: the municipal side of the centre's CLI."""

from __future__ import annotations

import signal
import sys
import threading
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

import click

from centre.settings import Settings

if TYPE_CHECKING:
    from municipalities.bcl_problems import ExtractRejectedError, ImportFailedError


@click.group()
def bcl() -> None:
    """The shared cloud's data extracts (連携用データ)."""


def _refused(error: ExtractRejectedError | ImportFailedError) -> NoReturn:
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
@click.pass_obj
def bcl_import(settings: Settings, municipality: str, file: Path) -> None:
    """Validate FILE (JSON, or a ZIP of CSVs) and replace the sections it gives for MUNICIPALITY.

    Sections absent from FILE are kept. Exit status 0: imported, with rows before → after per
    section; 2: the file was refused, with every bad row; 1: the database refused the import.
    Nothing changes unless the whole file goes in.
    """
    from centre.bootstrap import bootstrap
    from issuance.characters import CertificateFontsMissingError
    from municipalities.bcl_import import (
        ExtractRejectedError,
        ImportFailedError,
        import_extract,
        read_extract_file,
    )

    platform = bootstrap(settings, jobs=False)
    try:
        data = read_extract_file(file)
        total = sum(len(v) for v in data.values() if isinstance(v, list))
        with platform.uow() as uow, click.progressbar(length=total, label="importing") as bar:
            report = import_extract(uow, municipality, data, bar.update)
    except (ExtractRejectedError, ImportFailedError) as error:
        _refused(error)
    except CertificateFontsMissingError as missing:  # the rows cannot be checked without them
        click.echo(f"{missing.code}: {missing.message_ja} / {missing.message_en}", err=True)
        sys.exit(1)
    finally:
        platform.close()
    click.echo(f"imported {report.rows_written} rows for {municipality}")
    click.echo(f"  {'section':<16}{'before':>8}   {'after':<8}")
    for s in report.sections:
        change = "replaced" if s.replaced else "kept"
        click.echo(f"  {s.section:<16}{s.before:>8} → {s.after:<8}{change}")


@click.command("municipal-server")
@click.option("--municipality", required=True, help="全国地方公共団体コード (6 digits)")
@click.option("--db", "db_path", type=click.Path(path_type=Path), required=True)
@click.option("--load", "extract", type=click.Path(exists=True, path_type=Path), default=None)
@click.option(
    "--tls-dir",
    type=click.Path(path_type=Path),
    default=None,
    help="ca.pem and municipal-server(-key).pem; default $KOFU_MUNICIPAL_TLS_DIR",
)
@click.option("--make-test-pki", is_flag=True, help="create a test CA and certificates first")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8443, show_default=True)
@click.pass_obj
def municipal_server(
    settings: Settings,
    municipality: str,
    db_path: Path,
    extract: Path | None,
    tls_dir: Path | None,
    make_test_pki: bool,
    host: str,
    port: int,
) -> None:
    """Serve the municipal server protocol over HTTPS (mutual TLS) from its own SQLite."""
    from municipal_server.server import (
        create_reference_app,
        load_extract,
        open_database,
        start_server,
    )
    from municipalities.tls import make_test_pki as make_pki
    from municipalities.tls import server_files

    directory = tls_dir or settings.municipal_tls_dir or Path("var/municipal-tls")
    if make_test_pki:
        make_pki(directory)
    from municipalities.bcl_import import ExtractRejectedError, ImportFailedError

    engine = open_database(db_path, municipality)
    if extract is not None:
        try:
            click.echo(f"loaded {load_extract(engine, municipality, extract)} rows")
        except (ExtractRejectedError, ImportFailedError) as error:
            _refused(error)
    server = start_server(
        create_reference_app(engine, municipality), host, port, server_files(directory)
    )
    click.echo(f"municipal server for {municipality} on https://{host}:{server.server_port}")
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    try:
        while not stop.wait(1.0):
            pass
    except KeyboardInterrupt:
        pass
    server.shutdown()
