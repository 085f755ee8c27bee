"""`kofu report …` and `kofu billing …`: fees, statements, the cost structure."""

from __future__ import annotations

import time
from pathlib import Path

import click

from cli import context

SCHEME_NAMES = ("metered", "hybrid", "capped")


def _profiles():  # type: ignore[no-untyped-def]
    from municipalities.profiles import SqlMunicipalityProfiles

    return SqlMunicipalityProfiles()


@click.group()
def report() -> None:
    """Analyses of the ledger."""


@report.command("cost-structure")
@click.option("--fy", type=int, required=True, help="fiscal year (年度), April to March")
@click.option(
    "--scheme",
    "schemes",
    multiple=True,
    type=click.Choice(SCHEME_NAMES),
    help="alternative contribution schemes to compare (default: all)",
)
@click.option("--base-share", default=0.5, show_default=True, help="hybrid: share kept as base")
@click.option("--cap", default=300, show_default=True, help="capped: yen per certificate")
@click.option(
    "--counter-minutes",
    type=click.FloatRange(0, 120),
    default=6.0,
    show_default=True,
    help="staff minutes one counter certificate takes (an assumption)",
)
@click.option(
    "--staff-cost",
    type=click.IntRange(0, 100_000),
    default=4_000,
    show_default=True,
    help="staff cost, yen per hour (published figure, see the report)",
)
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path), required=True)
@click.pass_context
def cost_structure(
    ctx: click.Context,
    fy: int,
    schemes: tuple[str, ...],
    base_share: float,
    cap: int,
    counter_minutes: float,
    staff_cost: int,
    out_dir: Path,
) -> None:
    """Per-municipality costs of fiscal year FY and who gains or loses under other schemes."""
    from billing.reports.cost_report import check_scheme_parameters
    from billing.reports.national import cost_structure_report
    from issuance.errors import KofuError

    try:
        check_scheme_parameters(base_share, cap)
    except KofuError as exc:
        raise context.refused(exc) from exc
    started = time.monotonic()

    def progress(step: str) -> None:
        click.echo(f"[{time.monotonic() - started:6.1f} s] {step}", err=True)

    platform = context.platform(ctx)
    files = cost_structure_report(
        platform.uow,
        _profiles(),
        fy,
        out_dir,
        list(schemes or SCHEME_NAMES),
        platform.now(),
        base_share=base_share,
        cap=cap,
        counter_minutes=counter_minutes,
        staff_cost=staff_cost,
        progress=progress,
    )
    progress("done")
    for line in files.summary:
        click.echo(line)
    click.echo(f"report: {files.pdf}")


@report.command("usage")
@click.option("--fy", type=int, required=True, help="fiscal year (年度), April to March")
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path), required=True)
@click.pass_context
def usage(ctx: click.Context, fy: int, out_dir: Path) -> None:
    """Usage rate (kiosk share, with uploaded counter counts), per capita, by kind/operator/time."""
    from billing.reports.usage_report import usage_report, write_usage_report
    from billing.tariffs import load_tariffs

    platform = context.platform(ctx)
    with platform.uow() as uow:
        found = usage_report(uow, fy, _profiles(), load_tariffs(uow))
    _files, pdf, summary = write_usage_report(out_dir, found)
    for line in summary:
        click.echo(line)
    click.echo(f"report: {pdf}")


@click.group()
def billing() -> None:
    """The fee ledger: monthly close, statements, counter counts, corrections."""


@billing.command("close")
@click.option("--month", required=True, help="YYYY-MM (JST)")
@click.option("--final", is_flag=True, help="make the statements final (immutable)")
@click.pass_context
def close(ctx: click.Context, month: str, final: bool) -> None:
    """Close MONTH: statements per municipality and per operator (draft unless --final)."""
    from billing.statements import close_month
    from billing.tariffs import load_tariffs
    from issuance.errors import KofuError

    platform = context.platform(ctx)
    with platform.uow() as uow:
        try:
            statements = close_month(
                uow,
                month,
                _profiles(),
                load_tariffs(uow),
                platform.now(),
                final,
                platform.settings.billing_issuer,
            )
        except KofuError as exc:
            raise context.refused(exc) from exc
        fees = sum(s.fees_collected for s in statements if s.party_kind.value == "operator")
        click.echo(
            f"{month}: {len(statements)} statements ({'final' if final else 'draft'}), "
            f"fees collected ¥{fees:,}"
        )


@billing.command("statement")
@click.option("--month", required=True, help="YYYY-MM (JST)")
@click.option("--municipality", default=None, help="全国地方公共団体コード")
@click.option("--operator", default=None, help="kiosk operator id")
@click.option("--format", "fmt", type=click.Choice(["csv", "pdf", "json"]), default="csv")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), default=None)
@click.pass_context
def statement(
    ctx: click.Context,
    month: str,
    municipality: str | None,
    operator: str | None,
    fmt: str,
    out: Path | None,
) -> None:
    """Print (CSV, JSON) or write (CSV, JSON, PDF) MONTH's statements, optionally of one
    party: one row per statement line (CSV with a BOM and Japanese headers), the documents
    (PDF), or both for machines (JSON)."""
    from billing.model import PartyKind
    from billing.months import parse_month
    from billing.statement_document import statement_pdf
    from billing.statement_exports import statement_csv, statement_json
    from billing.statements import statements_of
    from issuance.errors import KofuError

    try:
        month = parse_month(month)
    except KofuError as exc:
        raise context.refused(exc) from exc
    kind = PartyKind.MUNICIPALITY if municipality else PartyKind.OPERATOR if operator else None
    platform = context.platform(ctx)
    issuer = platform.settings.billing_issuer
    with platform.uow() as uow:
        found = statements_of(uow, month, kind, municipality or operator)
        if not found:
            raise click.ClickException(f"no statements for {month}: run `kofu billing close`")
        if fmt == "pdf":
            data = statement_pdf(uow, found, issuer)
        elif fmt == "json":
            data = statement_json(uow, found, issuer)
        else:
            data = statement_csv(uow, found)
    if out is None and fmt != "pdf":
        click.echo(data.decode("utf-8-sig"), nl=False)
        return
    target = out or Path(f"statements-{month}.pdf")
    target.write_bytes(data)
    click.echo(f"wrote {target}")


@billing.command("counter-counts")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.pass_context
def counter_counts(ctx: click.Context, file: Path) -> None:
    """Upload counter counts (municipality_code,month,kind,count) as CSV (UTF-8 or CP932)."""
    from billing.counter_counts import CounterCountError, decode_file
    from billing.reports.usage import upload_counter_counts

    platform = context.platform(ctx)
    with platform.uow() as uow:
        try:
            text = decode_file(file.read_bytes())
            added = upload_counter_counts(uow, text, file.name, platform.now())
        except CounterCountError as exc:
            for problem in exc.problems:
                click.echo(f"row {problem.row} {problem.field}: {problem.code}", err=True)
            raise click.ClickException(f"{exc.code}: nothing was recorded") from exc
    click.echo(f"{added} counts recorded (changes appended as differences)")


@billing.command("correct")
@click.option("--request", "request_id", required=True, help="the printed request to correct")
@click.option("--reason", required=True, help="why (kept with the adjusting entry)")
@click.option(
    "--amount",
    type=int,
    default=None,
    help="signed yen of fee to adjust (e.g. -190); without it the certificate is reversed",
)
@click.pass_context
def correct(ctx: click.Context, request_id: str, reason: str, amount: int | None) -> None:
    """Record an adjusting entry for REQUEST in the first open month; nothing is edited."""
    from billing.ledger import correction_for, record_correction
    from issuance.errors import KofuError

    platform = context.platform(ctx)
    with platform.uow() as uow:
        try:
            correction = correction_for(uow, request_id, reason, amount)
            month = record_correction(uow, correction, platform.now())
        except KofuError as exc:
            raise context.refused(exc) from exc
    click.echo(
        f"adjusting entry for {request_id} in {month}: issues {correction.issues:+d}, "
        f"fees ¥{correction.fee_total:+,}, commission ¥{correction.commission_total:+,}"
    )


@billing.group("tariffs")
def tariffs() -> None:
    """Dated tariffs, kept as data."""


@tariffs.command("load")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.pass_context
def tariffs_load(ctx: click.Context, file: Path) -> None:
    """Add the tariffs of a CSV file (tariff,subject,certificate_kind,amount,valid_from,…).

    The whole file is checked first: when any row is bad, nothing is loaded and every problem
    is reported by line, column and what is wrong (never the value).
    """
    from billing.tariff_checks import checked_tariff_file
    from billing.tariff_file import TariffFileError, add_tariff_rows

    platform = context.platform(ctx)
    try:
        with platform.uow() as uow:
            codes = frozenset(p.code for p in _profiles().all(uow))
            rows = checked_tariff_file(uow, file.read_bytes(), codes)  # UTF-8 or CP932
            added = add_tariff_rows(uow, rows, file.name)
    except TariffFileError as exc:
        for problem in exc.details.get("problems") or [exc.message_en]:  # type: ignore[attr-defined]
            click.echo(problem, err=True)
        raise click.ClickException(f"{exc.code}: nothing was loaded") from exc
    click.echo(f"{added} tariffs loaded from {file.name}")


@tariffs.command("list")
@click.option("--all", "everything", is_flag=True, help="ended tariffs too")
@click.pass_context
def tariffs_list(ctx: click.Context, everything: bool) -> None:
    """The stored tariffs: number, tariff, subject, kind, yen, from, until (JST), note."""
    from sqlalchemy import select

    from billing.model import Tariff
    from billing.months import JST

    platform = context.platform(ctx)
    today = platform.now().astimezone(JST).date()
    with platform.uow() as uow:
        rows = uow.session.scalars(
            select(Tariff).order_by(Tariff.tariff, Tariff.subject, Tariff.valid_from)
        ).all()
        for r in rows:
            if not everything and r.valid_until is not None and r.valid_until <= today:
                continue
            until = r.valid_until.isoformat() if r.valid_until else "-"
            click.echo(
                f"{r.id:>5}  {r.tariff:<16} {r.subject:<14} {r.certificate_kind:<14} "
                f"¥{r.amount:>12,}  {r.valid_from.isoformat()} → {until:<10}  {r.note}"
            )


@tariffs.command("retire")
@click.argument("tariff_id", type=int)
@click.option("--from", "from_day", required=True, help="the first day it no longer applies")
@click.pass_context
def tariffs_retire(ctx: click.Context, tariff_id: int, from_day: str) -> None:
    """End tariff TARIFF_ID (its number in `list`) from a day still to come."""
    from datetime import date

    from billing.months import JST
    from billing.tariff_retire import retire_tariff
    from issuance.errors import KofuError

    try:
        day = date.fromisoformat(from_day)
    except ValueError as exc:
        raise click.BadParameter("YYYY-MM-DD", param_hint="--from") from exc
    platform = context.platform(ctx)
    with platform.uow() as uow:
        try:
            row = retire_tariff(uow, tariff_id, day, platform.now().astimezone(JST).date())
        except KofuError as exc:
            raise context.refused(exc) from exc
        click.echo(f"tariff {row.id} ({row.tariff} {row.subject}) ends before {day.isoformat()}")
