"""`kofu serve`, `kofu portal`, `kofu worker`, `kofu sweep`, `kofu check`: the processes."""

from __future__ import annotations

import json
import sys

import click

from cli.context import platform, settings


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True)
@click.option("--workers", default=None, type=int, help="default: 1 on SQLite, 2 otherwise")
@click.option("--threads", default=8, show_default=True)
@click.pass_context
def serve(ctx: click.Context, host: str, port: int, workers: int | None, threads: int) -> None:
    """Serve the centre with gunicorn (and, without Redis, its in-process render jobs)."""
    from centre.settings import development_pepper_problem
    from kiosk_api.server import serve as run_server

    # Each gunicorn worker builds its own platform (create_app): none is built here.
    configured = settings(ctx)
    problem = development_pepper_problem(configured)
    if problem:
        raise click.ClickException(problem)
    if workers is None:
        workers = 1 if configured.database_url.startswith("sqlite") else 2
    run_server(configured, host, port, workers, threads)


@click.command("portal")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8081, show_default=True)
@click.option("--workers", default=None, type=int, help="default: 1 on SQLite, 2 otherwise")
@click.option("--threads", default=4, show_default=True)
@click.pass_context
def portal(ctx: click.Context, host: str, port: int, workers: int | None, threads: int) -> None:
    """Serve the staff portal with gunicorn (same database as the centre, its own port)."""
    from centre.settings import development_portal_secret_problem
    from portal.server import serve as run_server

    configured = settings(ctx)
    problem = development_portal_secret_problem(configured)
    if problem:
        raise click.ClickException(problem)
    if workers is None:
        workers = 1 if configured.database_url.startswith("sqlite") else 2
    run_server(configured, host, port, workers, threads)


@click.command()
@click.option("--burst", is_flag=True, help="stop when the queue is empty")
@click.option(
    "--queue",
    "lane",
    type=click.Choice(["all", "bcl", "own"]),
    default="all",
    show_default=True,
    help="renders of BCL municipalities, of own-server ones, or both (BCL first)",
)
@click.pass_context
def worker(ctx: click.Context, burst: bool, lane: str) -> None:
    """Run render jobs from Redis (needs KOFU_REDIS_URL), and sweep stuck requests."""
    from centre.worker import run_worker
    from issuance.ports import RenderLane

    configured = settings(ctx)
    if not configured.redis_url:
        raise click.ClickException(
            "KOFU_REDIS_URL is not set: without Redis, `kofu serve` renders in-process"
        )
    lanes = tuple(RenderLane) if lane == "all" else (RenderLane(lane),)
    run_worker(configured, burst, lanes)


@click.command("sweep")
@click.pass_context
def sweep_command(ctx: click.Context) -> None:
    """One housekeeping pass: requeue stuck renders, expire uncollected documents."""
    from issuance.sweeper import SweepPolicy, sweep

    centre = platform(ctx, jobs=True)  # a stuck render is put back on the queue
    with centre.uow() as uow:
        result = sweep(uow, centre.queue, SweepPolicy(), centre.now(), centre.directory)
    click.echo(json.dumps(vars(result)))


@click.command()
@click.pass_context
def check(ctx: click.Context) -> None:
    """Report what is missing (fonts, HarfBuzz, database and migrations, Redis), plainly."""
    from centre.checks import run_checks

    results = run_checks(settings(ctx))
    for result in results:
        click.echo(f"[{'ok' if result.ok else 'MISSING'}] {result.name}: {result.detail}")
    if not all(r.ok for r in results):
        sys.exit(1)
