"""The monthly close: statements per municipality and per operator, draft then final."""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from collections.abc import Iterable
from datetime import datetime
from html import escape

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError

from billing.ledger import hold_month
from billing.model import (
    BillingPeriod,
    PartyKind,
    PeriodStatus,
    Statement,
    StatementFinalError,
)
from billing.months import check_closable, parse_month
from billing.pdf import html_table, render_pdf
from billing.rollups import RollupLine, month_lines, store_rollups
from billing.tariffs import TariffBook, month_start
from issuance.ports import MunicipalityProfiles
from issuance.sessions.kiosks import KioskOperator
from issuance.unit_of_work import SqlUnitOfWork

CSV_FIELDS = (
    "month",
    "party_kind",
    "party_id",
    "party_name",
    "status",
    "issues",
    "copies",
    "fees_collected",
    "commission",
    "contribution_share",
    "jpki_cost",
    "net",
)


def _lock_period(uow: SqlUnitOfWork, month: str, now: datetime, final: bool) -> BillingPeriod:
    """The month's period row, created (and committed) first so that writers can share it.

    A finalising close also waits for every writer still adding to the month (``hold_month``).
    """
    if uow.session.get(BillingPeriod, month) is None:
        uow.session.add(BillingPeriod(month=month, status=PeriodStatus.DRAFT, closed_at=now))
        try:
            uow.commit()
        except IntegrityError:  # another close created it first
            uow.rollback()
    if final:
        hold_month(uow, month, exclusive=True)
    period = uow.session.scalars(
        select(BillingPeriod)
        .where(BillingPeriod.month == month)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).one()
    if period.status is PeriodStatus.FINAL:
        raise StatementFinalError()
    return period


def _sum(lines: Iterable[RollupLine], key: str) -> dict[str, list[int]]:
    sums: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0, 0])
    for line in lines:
        total = sums[getattr(line, key)]
        total[0] += line.issues
        total[1] += line.copies
        total[2] += line.fee_total
        total[3] += line.commission_total
    return sums


def _municipality_statements(
    uow: SqlUnitOfWork,
    month: str,
    lines: list[RollupLine],
    profiles: MunicipalityProfiles,
    tariffs: TariffBook,
    now: datetime,
) -> list[Statement]:
    sums = _sum(lines, "municipality_code")
    check = tariffs.jpki_check(month_start(month))
    out = []
    for profile in profiles.all(uow):
        contribution = tariffs.monthly_contribution(profile, month)
        if profile.code not in sums and not contribution:
            continue
        issues, copies, fees, commission = sums.get(profile.code, [0, 0, 0, 0])
        jpki = issues * check  # one revocation check per kiosk session that issued
        out.append(
            Statement(
                month=month,
                party_kind=PartyKind.MUNICIPALITY,
                party_id=profile.code,
                party_name=profile.name,
                status=PeriodStatus.DRAFT,
                issues=issues,
                copies=copies,
                fees_collected=fees,
                commission=commission,
                contribution_share=contribution,
                jpki_cost=jpki,
                net=fees - commission - contribution - jpki,
                closed_at=now,
            )
        )
    return out


def _operator_statements(
    uow: SqlUnitOfWork, month: str, lines: list[RollupLine], now: datetime
) -> list[Statement]:
    names = dict(uow.session.execute(select(KioskOperator.id, KioskOperator.name)).all())
    return [
        Statement(
            month=month,
            party_kind=PartyKind.OPERATOR,
            party_id=operator_id,
            party_name=names.get(operator_id, operator_id),
            status=PeriodStatus.DRAFT,
            issues=issues,
            copies=copies,
            fees_collected=fees,
            commission=commission,
            net=fees - commission,  # what the operator passes on to the municipalities
            closed_at=now,
        )
        for operator_id, (issues, copies, fees, commission) in sorted(
            _sum(lines, "operator_id").items()
        )
    ]


def close_month(
    uow: SqlUnitOfWork,
    month: str,
    profiles: MunicipalityProfiles,
    tariffs: TariffBook,
    now: datetime,
    final: bool = False,
) -> list[Statement]:
    """(Re)build the month's draft statements; with ``final`` freeze them for good. Commits.

    ``month`` as typed (``YYYY-MM``, JST). Before anything is written: MonthInvalidError,
    MonthNotBegunError, MonthNotOverError (billing.months); StatementFinalError for a month
    already final.
    """
    month = parse_month(month)
    check_closable(month, now, final)
    period = _lock_period(uow, month, now, final)
    store_rollups(uow, [month])
    uow.session.execute(delete(Statement).where(Statement.month == month))
    lines = month_lines(uow, [month])
    statements = _municipality_statements(uow, month, lines, profiles, tariffs, now)
    statements += _operator_statements(uow, month, lines, now)
    status = PeriodStatus.FINAL if final else PeriodStatus.DRAFT
    for statement in statements:
        statement.status = status
    uow.session.add_all(statements)
    period.status, period.closed_at = status, now
    period.finalised_at = now if final else None
    uow.commit()
    return statements


def statements_of(
    uow: SqlUnitOfWork, month: str, party_kind: PartyKind | None = None, party_id: str | None = None
) -> list[Statement]:
    query = select(Statement).where(Statement.month == month)
    if party_kind is not None:
        query = query.where(Statement.party_kind == party_kind)
    if party_id is not None:
        query = query.where(Statement.party_id == party_id)
    return list(uow.session.scalars(query.order_by(Statement.party_kind, Statement.party_id)))


def statements_csv(statements: Iterable[Statement]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_FIELDS)
    for s in statements:
        writer.writerow(
            [
                getattr(s, f).value if f in ("party_kind", "status") else getattr(s, f)
                for f in CSV_FIELDS
            ]
        )
    return out.getvalue()


def statements_pdf(statements: list[Statement]) -> bytes:
    """One page per statement, in Japanese, with the draft/final status on it."""
    pages = []
    for s in statements:
        label = "確定" if s.status is PeriodStatus.FINAL else "下書き"
        party = "市区町村" if s.party_kind is PartyKind.MUNICIPALITY else "交付事業者"
        rows: list[list[object]] = [
            ["交付件数", s.issues],
            ["交付枚数", s.copies],
            ["収納手数料", s.fees_collected],
            ["委託手数料", s.commission],
        ]
        if s.party_kind is PartyKind.MUNICIPALITY:
            rows += [["運営負担金（月割）", s.contribution_share], ["JPKI失効確認", s.jpki_cost]]
        rows.append(["差引", s.net])
        pages.append(
            f'<section style="page-break-after: always"><h1>月次明細書 {escape(s.month)}'
            f"（{label}）</h1><p>{party}: {escape(s.party_name)}（{escape(s.party_id)}）</p>"
            f"{html_table(['項目', '金額・件数'], rows)}</section>"
        )
    return render_pdf("月次明細書", "".join(pages))
