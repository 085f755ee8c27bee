"""A tariff file checked against what exists: whom each row prices, plausible amounts, and no
two prices for the same thing from the same day (in the file or already stored).

The bounds are plausibility guards against typing errors (a ¥99,999,999 commission), not
policy: a row may go beyond its bound when its ``above_limit`` column says ``yes``.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

from sqlalchemy import select

from billing.model import Tariff
from billing.tariff_file import TariffProblem, invalid, parse_tariff_bytes
from billing.tariffs import (
    COMMISSION,
    CONTRIBUTION,
    COUNTER_FEE,
    DEFAULT_CONTRIBUTION,
    HUB,
    HUB_COST_PER_ISSUE,
    HUB_COST_YEARLY,
    JPKI_CHECK,
    KIOSK_FEE,
    OWN_COST_INITIAL,
    OWN_COST_YEARLY,
    PARTICIPATION,
    TariffRow,
)
from issuance.sessions.kiosks import KioskOperator
from issuance.unit_of_work import SqlUnitOfWork

# Yen: above any price of its kind seen in the service (DOMAIN.md §5): fees ¥10–¥450, the
# commission ¥115–¥123, JPKI checks ¥2/¥20, contributions ¥1M–¥10M a year.
LIMITS = {
    KIOSK_FEE: 10_000,
    COUNTER_FEE: 10_000,
    COMMISSION: 1_000,
    JPKI_CHECK: 100,
    CONTRIBUTION: 100_000_000,
    OWN_COST_INITIAL: 10_000_000_000,
    OWN_COST_YEARLY: 1_000_000_000,
    HUB_COST_YEARLY: 100_000_000_000,
    HUB_COST_PER_ISSUE: 1_000,
}
MUNICIPAL = (KIOSK_FEE, COUNTER_FEE, PARTICIPATION, OWN_COST_INITIAL, OWN_COST_YEARLY)
NEEDS_A_MUNICIPALITY = (PARTICIPATION, OWN_COST_INITIAL, OWN_COST_YEARLY)


def _key(row: TariffRow) -> tuple[str, str, str, object]:
    return (row.tariff, row.subject, row.certificate_kind, row.valid_from)


def _subject_problem(
    row: TariffRow, municipalities: frozenset[str], operators: set[str]
) -> str | None:
    subject = row.subject
    if row.tariff == JPKI_CHECK:
        return None if subject == "*" else "SUBJECT_NOT_ALLOWED"
    if row.tariff in (HUB_COST_YEARLY, HUB_COST_PER_ISSUE):
        return None if subject == HUB else "SUBJECT_MUST_BE_HUB"
    if row.tariff == COMMISSION:
        return None if subject == "*" or subject in operators else "UNKNOWN_OPERATOR"
    if row.tariff == CONTRIBUTION:
        known = subject == "*" or subject in DEFAULT_CONTRIBUTION or subject in municipalities
        return None if known else "UNKNOWN_SUBJECT"
    if row.tariff in MUNICIPAL:
        if subject == "*":
            return "SUBJECT_REQUIRED" if row.tariff in NEEDS_A_MUNICIPALITY else None
        return None if subject in municipalities else "UNKNOWN_MUNICIPALITY"
    return None


def check_tariff_rows(
    uow: SqlUnitOfWork,
    rows: Iterable[tuple[TariffRow, bool]],
    municipalities: frozenset[str],
) -> list[TariffProblem]:
    """Every problem of ``rows`` (each with whether its amount may go above its limit), in
    file order (line 2 is the first row): unknown subjects, amounts above ``LIMITS``, and two
    prices of the same thing from the same day, in the file or against stored tariffs."""
    rows = list(rows)
    operators = set(uow.session.scalars(select(KioskOperator.id)))
    stored = {
        (t.tariff, t.subject, t.certificate_kind, t.valid_from)
        for t in uow.session.scalars(select(Tariff))
    }
    seen = Counter(_key(row) for row, _ in rows)
    problems = []
    for line, (row, above_ok) in enumerate(rows, start=2):
        subject = _subject_problem(row, municipalities, operators)
        if subject:
            problems.append(TariffProblem(line, "subject", subject))
        limit = LIMITS.get(row.tariff)
        if limit is not None and row.amount > limit and not above_ok:
            problems.append(TariffProblem(line, "amount", "ABOVE_LIMIT"))
        if seen[_key(row)] > 1:
            problems.append(TariffProblem(line, "valid_from", "DUPLICATE_START"))
        elif _key(row) in stored:
            problems.append(TariffProblem(line, "valid_from", "ALREADY_SCHEDULED"))
    return problems


def checked_tariff_file(
    uow: SqlUnitOfWork, data: bytes, municipalities: frozenset[str]
) -> list[tuple[TariffRow, str]]:
    """The rows of an uploaded tariff file (UTF-8 with or without BOM, or CP932) with their
    notes, once every check passed: TariffFileError listing every problem otherwise (line,
    column, code; never a value)."""
    parsed = parse_tariff_bytes(data)
    problems = check_tariff_rows(uow, ((row, above) for row, _, above in parsed), municipalities)
    if problems:
        raise invalid(problems)
    return [(row, note) for row, note, _ in parsed]
