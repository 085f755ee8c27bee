"""One party's monthly statements as its staff read them: the months, the lines by kind.

The lines come from the rollups stored by the same close that wrote the statement
(``statements.close_month``), so they add up to the statement's own totals, draft or final.
"""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from dataclasses import dataclass

from sqlalchemy import select

from billing.model import BillingRollup, PartyKind, PeriodStatus, Statement
from issuance.unit_of_work import SqlUnitOfWork

BOM = "\ufeff"  # so Excel opens the UTF-8 file as UTF-8


@dataclass(frozen=True)
class StatementLine:
    """One line: ``item`` (fees, commission, contribution, jpki, net), kind or "", count, unit
    price in yen (None when the month mixed prices or it has no count) and amount in yen."""

    item: str
    kind: str
    count: int | None
    unit_price: int | None
    amount: int


@dataclass(frozen=True)
class PartyStatement:
    statement: Statement
    lines: list[StatementLine]

    @property
    def final(self) -> bool:
        return self.statement.status is PeriodStatus.FINAL


def statement_months(uow: SqlUnitOfWork, party_kind: PartyKind, party_id: str) -> list[Statement]:
    """The party's statements, the latest month first."""
    return list(
        uow.session.scalars(
            select(Statement)
            .where(Statement.party_kind == party_kind, Statement.party_id == party_id)
            .order_by(Statement.month.desc())
        )
    )


def _unit(amount: int, count: int) -> int | None:
    return amount // count if count and amount % count == 0 else None


def _kind_sums(
    uow: SqlUnitOfWork, month: str, party_kind: PartyKind, party_id: str
) -> dict[str, list[int]]:
    column = (
        BillingRollup.municipality_code
        if party_kind is PartyKind.MUNICIPALITY
        else BillingRollup.operator_id
    )
    rows = uow.session.execute(
        select(
            BillingRollup.certificate_kind,
            BillingRollup.copies,
            BillingRollup.fee_total,
            BillingRollup.commission_total,
        ).where(BillingRollup.accounting_month == month, column == party_id)
    )
    sums: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
    for kind, copies, fees, commission in rows:
        total = sums[kind]
        total[0] += copies
        total[1] += fees
        total[2] += commission
    return dict(sorted(sums.items()))


def party_statement(
    uow: SqlUnitOfWork, month: str, party_kind: PartyKind, party_id: str
) -> PartyStatement | None:
    """The party's statement of ``month`` (YYYY-MM) with its lines; None if there is none.

    Lines: fees collected and commission per certificate kind (copies × unit price = amount,
    yen), then for a municipality the monthly contribution (運営負担金, a twelfth of the year)
    and the JPKI revocation checks (issues × price), and last the net amount.
    """
    statement = uow.session.scalar(
        select(Statement).where(
            Statement.month == month,
            Statement.party_kind == party_kind,
            Statement.party_id == party_id,
        )
    )
    if statement is None:
        return None
    sums = _kind_sums(uow, month, party_kind, party_id)
    lines = [StatementLine("fees", k, c, _unit(f, c), f) for k, (c, f, _) in sums.items()]
    lines += [StatementLine("commission", k, c, _unit(m, c), m) for k, (c, _, m) in sums.items()]
    if party_kind is PartyKind.MUNICIPALITY:
        lines.append(StatementLine("contribution", "", None, None, statement.contribution_share))
        jpki = statement.jpki_cost
        lines.append(
            StatementLine("jpki", "", statement.issues, _unit(jpki, statement.issues), jpki)
        )
    lines.append(StatementLine("net", "", None, None, statement.net))
    return PartyStatement(statement, lines)


def statement_csv_for_excel(
    found: PartyStatement, item_label: dict[str, str], kind_label: dict[str, str]
) -> bytes:
    """The statement as CSV for Excel (UTF-8 with BOM): month, status, then one row per line.

    ``item_label`` and ``kind_label`` name items and kinds in the reader's language.
    """
    s = found.statement
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(["month", "party_id", "party_name", "status"])
    writer.writerow([s.month, s.party_id, s.party_name, s.status.value])
    writer.writerow([])
    writer.writerow(["item", "certificate_kind", "count", "unit_price_yen", "amount_yen"])
    for line in found.lines:
        writer.writerow(
            [
                item_label.get(line.item, line.item),
                kind_label.get(line.kind, line.kind),
                "" if line.count is None else line.count,
                "" if line.unit_price is None else line.unit_price,
                line.amount,
            ]
        )
    return (BOM + out.getvalue()).encode("utf-8")
