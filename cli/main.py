"""The `kofu` command: every way to run, set up and inspect the centre.

Each command group lives in a module of its own and is imported only when it runs; the demo
and the reference municipal server keep their commands in their own packages.
"""

from __future__ import annotations

import click

from centre import logs
from centre.settings import SettingsError, load_settings
from cli.lazy import LazyGroup

COMMANDS = {
    "bcl": ("cli.bcl.bcl", "The shared cloud's data extracts (連携用データ)."),
    "billing": (
        "cli.billing.billing",
        "The fee ledger: monthly close, statements, counter counts, corrections.",
    ),
    "check": ("cli.processes.check", "Report what is missing (fonts, database, Redis), plainly."),
    "db": ("cli.db.db", "The database schema."),
    "demo": ("demo.cli.demo", "Demo data: municipalities, residents with virtual cards, kiosks."),
    "document": ("cli.document.document", "Issued documents: electronic copies."),
    "index": ("cli.index.index", "The national resident index (our 住基ネット stand-in)."),
    "jpki": (
        "cli.jpki.jpki",
        "Stand-ins for JPKI's services (the PIN reset app; the test JPKI's cards and phones).",
    ),
    "keys": ("cli.keys.keys", "Document-signing keys (Ed25519): list, rotate."),
    "municipal-server": (
        "municipal_server.cli.municipal_server",
        "Serve the municipal server protocol over HTTPS (mutual TLS).",
    ),
    "nation": ("demo.cli.nation", "The synthetic nation for analyses and benchmarks."),
    "portal": ("cli.processes.portal", "Serve the staff portal with gunicorn (port 8081)."),
    "reconcile": ("cli.reconcile.reconcile", "照合: downloads whose print was never confirmed."),
    "report": ("cli.billing.report", "Analyses of the ledger."),
    "serve": ("cli.processes.serve", "Serve the centre with gunicorn."),
    "staff": ("cli.staff.staff", "Portal staff accounts: add."),
    "status": ("cli.status.status", "The public status page: declare and close incidents."),
    "sweep": (
        "cli.processes.sweep_command",
        "One housekeeping pass over stuck and expired requests.",
    ),
    "worker": ("cli.processes.worker", "Run render jobs from Redis, and sweep stuck requests."),
}


@click.group(cls=LazyGroup, lazy_subcommands=COMMANDS)
@click.pass_context
def main(ctx: click.Context) -> None:
    """kofu: the central server of kiosk certificate issuance.

    The kiosk program is `kofu-kiosk`.
    """
    logs.configure()  # JSON lines on stderr, personal numbers masked (centre/logs.py)
    try:
        ctx.obj = load_settings()
    except SettingsError as exc:  # one line naming every wrong variable, not a traceback
        raise click.ClickException(str(exc)) from None
    logs.configure(ctx.obj.log_format)
