"""One party's monthly statements as its staff read them: the months, and each statement with
the lines the close stored for it (``statement_lines``), so the page, the PDF, the CSV and the
JSON show the same lines, and they add up to the statement's own totals, draft or final."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from billing.model import PartyKind, PeriodStatus, Statement, StatementLine
from billing.parties import Issuer
from billing.statement_document import TaxSummary, lines_for, statement_pdf, tax_summary
from billing.statement_exports import statement_csv, statement_json
from issuance.unit_of_work import SqlUnitOfWork


@dataclass(frozen=True)
class PartyStatement:
    """A statement, its lines in order, and its tax summary per rate."""

    statement: Statement
    lines: list[StatementLine]
    taxes: list[TaxSummary]

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


def party_statement(
    uow: SqlUnitOfWork, month: str, party_kind: PartyKind, party_id: str
) -> PartyStatement | None:
    """The party's statement of ``month`` (YYYY-MM) with its lines; None if there is none."""
    statement = uow.session.scalar(
        select(Statement).where(
            Statement.month == month,
            Statement.party_kind == party_kind,
            Statement.party_id == party_id,
        )
    )
    if statement is None:
        return None
    lines = lines_for(uow, statement)
    return PartyStatement(statement, lines, tax_summary(lines))


def statement_file(
    uow: SqlUnitOfWork, month: str, party_kind: PartyKind, party_id: str, fmt: str, issuer: Issuer
) -> bytes | None:
    """The party's statement of ``month`` as the accounting department files it: ``fmt``
    "pdf" (the document), "csv" (one row per line, UTF-8 with a BOM, Japanese headers) or
    "json"; None when there is no such statement. ValueError for another ``fmt``."""
    found = party_statement(uow, month, party_kind, party_id)
    if found is None:
        return None
    if fmt == "pdf":
        return statement_pdf(uow, [found.statement], issuer)
    if fmt == "csv":
        return statement_csv(uow, [found.statement])
    if fmt == "json":
        return statement_json(uow, [found.statement], issuer)
    raise ValueError(f"no statement format {fmt!r}")
