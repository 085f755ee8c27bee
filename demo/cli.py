"""`kofu demo …` and `kofu nation …`: the demo's commands, kept out of the production packages.

`kofu` registers these groups by import string, so no production package imports `demo`.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import click

from cli import context


@click.group("demo")
def demo() -> None:
    """Demo data: municipalities, residents with virtual cards, kiosks."""


@demo.command("load")
@click.option("--extra-residents", default=0, help="one-person households for load tests")
@click.pass_context
def demo_load(ctx: click.Context, extra_residents: int) -> None:
    """Load the demo nation (idempotent) and issue the demo residents their virtual cards."""
    from demo.loader import load_demo
    from issuance.authenticity.pades import ensure_test_pki

    settings = context.settings(ctx)
    # Fixed passwords and TOTP secrets: on the embedded database or in a declared demo only.
    staff = settings.demo or settings.database_url.startswith("sqlite")
    with context.platform(ctx).uow() as uow:
        paths = load_demo(
            uow,
            settings.data_dir,
            settings.pki_dir,
            settings.kiosk_key_pepper,
            extra_residents,
            staff=staff,
        )
    if not staff:
        click.echo("demo portal accounts not created: set KOFU_DEMO=1 for them on this database")
    if settings.pades_dir is not None:  # the test CA that signs electronic copies
        ensure_test_pki(settings.pades_dir)
    click.echo(f"demo data loaded; cards in {paths.cards}, kiosk credentials in {paths.kiosks}")


@demo.command("history")
@click.pass_context
def demo_history(ctx: click.Context) -> None:
    """Add three months of made-up issues and counter counts, closed (the two earlier months
    final, the last a draft), so the portal's statements and charts have something to show."""
    from demo.history import load_history

    platform = context.platform(ctx)
    with platform.uow() as uow:
        added = load_history(uow, platform.now(), platform.settings.billing_issuer)
    click.echo(f"demo history: {', '.join(added) or 'already there'}")


@demo.command("run")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, help="the centre's")
@click.option("--terminal-port", default=8080, show_default=True)
@click.option("--portal-port", default=8081, show_default=True)
@click.option("--virtual-card", "card", type=click.Path(exists=True, path_type=Path), required=True)
def demo_run(host: str, port: int, terminal_port: int, portal_port: int, card: Path) -> None:
    """Serve the centre, the demo kiosk terminal (this card in its reader) and the portal until
    Ctrl-C, SIGTERM or SIGHUP; then nothing of them is left (processes, pcscd, namespace).
    Exits 1 when one of the three stops by itself (the other two are stopped too)."""
    from demo.run import run

    sys.exit(run(host, port, terminal_port, portal_port, card))


@demo.command("staff")
def demo_staff_command() -> None:
    """List the demo's portal accounts with password, TOTP secret and the current code."""
    from demo.staff import DEMO_STAFF

    for staff in DEMO_STAFF:
        tenant = staff.municipality_code or staff.kiosk_operator_id or "-"
        click.echo(
            f"{staff.login:<28} password {staff.password:<22} TOTP now {staff.code_now()}  "
            f"(secret {staff.totp_secret})  {staff.role.value:<16} {tenant:<7} "
            f"{staff.display_name}"
        )


@demo.command("cards")
@click.pass_context
def demo_cards_command(ctx: click.Context) -> None:
    """List the demo cards with their PIN, municipality and what makes each interesting."""
    from demo.loader import demo_cards

    for row in demo_cards(context.settings(ctx).data_dir):
        click.echo(
            f"{row['card']:<40} PIN {row['pin']}  {row['municipality']:<6} "
            f"{row['name']:<16} {row['note']}"
        )
    from demo.phones import PHONES, phones_dir

    for phone in PHONES:  # kofu-kiosk issue --phone FILE (an iPhone takes no --pin)
        path = phones_dir(context.settings(ctx).data_dir) / f"{phone.label}.json"
        if not path.exists():  # a test JPKI made before phones: no smartphone CA
            continue
        pin = phone.pin if phone.platform == "android" else "----"
        click.echo(f"{str(path):<40} PIN {pin}  {'':<6} {phone.card:<16} {phone.note}")


@click.group("nation")
def nation() -> None:
    """The synthetic nation for analyses and benchmarks (PostgreSQL)."""


@nation.command("generate")
@click.option("--fy", default=2023, show_default=True)
@click.option("--events", default=32_000_000, show_default=True, help="issuance events in the year")
@click.option("--seed", default=1, show_default=True)
@click.pass_context
def nation_generate(ctx: click.Context, fy: int, events: int, seed: int) -> None:
    """Generate 1,741 municipalities and a fiscal year of events, loaded with COPY."""
    from demo.nation import generate

    settings = context.settings(ctx)
    if not settings.database_url.startswith("postgres"):
        raise click.ClickException("the nation is bulk-loaded with COPY: use PostgreSQL")
    started = time.monotonic()

    def progress(step: str) -> None:
        click.echo(f"[{time.monotonic() - started:6.1f} s] {step}", err=True)

    result = generate(settings.database_url, fy, events, seed, progress)
    click.echo(
        f"{result.municipalities} municipalities, {result.events:,} events "
        f"in {result.seconds:.1f} s ({result.events / result.seconds:,.0f} rows/s)"
    )
