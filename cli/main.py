"""The `kofu` command: every way to run, set up and inspect the centre."""

from __future__ import annotations

import json
import logging
import sys

import click

from centre.settings import Settings, SettingsError, load_settings
from cli.bcl import bcl as municipal_bcl
from cli.bcl import municipal_server
from cli.index import index as index_group
from cli.reconcile import reconcile as reconcile_group
from kiosk_terminal.cli import kiosk as kiosk_group


@click.group()
@click.pass_context
def main(ctx: click.Context) -> None:
    """kofu: the central server of kiosk certificate issuance."""
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    logging.getLogger("weasyprint").setLevel(logging.WARNING)
    logging.getLogger("fontTools").setLevel(logging.WARNING)
    logging.getLogger("alembic.runtime.plugins").setLevel(logging.WARNING)
    try:
        ctx.obj = load_settings()
    except SettingsError as exc:  # one line naming every wrong variable, not a traceback
        raise click.ClickException(str(exc)) from None


main.add_command(kiosk_group)
main.add_command(municipal_bcl)
main.add_command(municipal_server)
main.add_command(index_group)
main.add_command(reconcile_group)


@main.group()
def db() -> None:
    """The database schema."""


@db.command("upgrade")
@click.pass_obj
def db_upgrade(settings: Settings) -> None:
    """Apply every migration (idempotent)."""
    from centre.database import upgrade

    upgrade(settings.database_url)
    click.echo("database is at the newest schema")


@main.group()
def demo() -> None:
    """Demo data: municipalities, residents with virtual cards, kiosks."""


@demo.command("load")
@click.option("--extra-residents", default=0, help="one-person households for load tests")
@click.pass_obj
def demo_load(settings: Settings, extra_residents: int) -> None:
    """Load the demo nation (idempotent) and issue the demo residents their virtual cards."""
    from centre.bootstrap import bootstrap
    from demo.loader import load_demo
    from issuance.authenticity.pades import ensure_test_pki

    platform = bootstrap(settings, jobs=False)
    with platform.uow() as uow:
        paths = load_demo(
            uow, settings.data_dir, settings.pki_dir, settings.kiosk_key_pepper, extra_residents
        )
    if settings.pades_dir is not None:  # the test CA that signs electronic copies
        ensure_test_pki(settings.pades_dir)
    click.echo(f"demo data loaded; cards in {paths.cards}, kiosk credentials in {paths.kiosks}")


@demo.command("cards")
@click.pass_obj
def demo_cards_command(settings: Settings) -> None:
    """List the demo cards with their PIN, municipality and what makes each interesting."""
    from demo.loader import demo_cards

    for row in demo_cards(settings.data_dir):
        click.echo(
            f"{row['card']:<40} PIN {row['pin']}  {row['municipality']:<6} "
            f"{row['name']:<16} {row['note']}"
        )


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True)
@click.option("--workers", default=None, type=int, help="default: 1 on SQLite, 2 otherwise")
@click.option("--threads", default=8, show_default=True)
@click.pass_obj
def serve(settings: Settings, host: str, port: int, workers: int | None, threads: int) -> None:
    """Serve the centre with gunicorn (and, without Redis, its in-process render jobs)."""
    from kiosk_api.server import serve as run_server

    if workers is None:
        workers = 1 if settings.database_url.startswith("sqlite") else 2
    run_server(settings, host, port, workers, threads)


@main.command()
@click.option("--burst", is_flag=True, help="stop when the queue is empty")
@click.pass_obj
def worker(settings: Settings, burst: bool) -> None:
    """Run render jobs from Redis (needs KOFU_REDIS_URL), and sweep stuck requests."""
    from centre.worker import run_worker

    if not settings.redis_url:
        raise click.ClickException(
            "KOFU_REDIS_URL is not set: without Redis, `kofu serve` renders in-process"
        )
    run_worker(settings, burst)


@main.command("sweep")
@click.pass_obj
def sweep_command(settings: Settings) -> None:
    """One housekeeping pass: requeue stuck renders, expire uncollected documents."""
    from centre.bootstrap import bootstrap
    from issuance.sweeper import SweepPolicy, sweep

    platform = bootstrap(settings)
    with platform.uow() as uow:
        result = sweep(uow, platform.queue, SweepPolicy(), platform.now())
    click.echo(json.dumps(vars(result)))


@main.command()
@click.pass_obj
def check(settings: Settings) -> None:
    """Report what is missing (fonts, HarfBuzz, database and migrations, Redis), plainly."""
    from centre.checks import run_checks

    results = run_checks(settings)
    for result in results:
        click.echo(f"[{'ok' if result.ok else 'MISSING'}] {result.name}: {result.detail}")
    if not all(r.ok for r in results):
        sys.exit(1)


from cli.billing import billing as billing_group  # noqa: E402
from cli.billing import nation as nation_group  # noqa: E402
from cli.billing import report as report_group  # noqa: E402

main.add_command(report_group)
main.add_command(billing_group)
main.add_command(nation_group)

from cli.document import document as document_group  # noqa: E402
from cli.keys import keys as keys_group  # noqa: E402

main.add_command(keys_group)
main.add_command(document_group)

from kiosk_terminal.cli import terminal_command  # noqa: E402

main.add_command(terminal_command)
