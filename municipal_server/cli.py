"""`kofu municipal-server`: the reference own server, run from the centre's command line.

Kept in this package and registered with `kofu` by import string, so the centre never imports
the reference server.
"""

from __future__ import annotations

import signal
import threading
from pathlib import Path

import click

from cli import context
from cli.bcl import exit_refused


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
@click.pass_context
def municipal_server(
    ctx: click.Context,
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

    directory = tls_dir or context.settings(ctx).municipal_tls_dir or Path("var/municipal-tls")
    if make_test_pki:
        make_pki(directory)
    from municipalities.bcl_import import ExtractRejectedError, ImportFailedError

    engine = open_database(db_path, municipality)
    if extract is not None:
        try:
            click.echo(f"loaded {load_extract(engine, municipality, extract)} rows")
        except (ExtractRejectedError, ImportFailedError) as error:
            exit_refused(error)
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
