"""Tariffs as the centre's operators see them: the ones in force today and the ones
scheduled, and loading a tariff file (validated whole first, audited, one commit)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select

from billing.model import Tariff
from billing.tariff_checks import check_tariff_rows
from billing.tariff_file import invalid, parse_tariff_bytes
from billing.tariffs import CONTRIBUTION, DEFAULT_CONTRIBUTION, DEFAULTS, add_tariff
from issuance.calendar import JST
from issuance.staff.errors import NotVisibleError, StaffInputError
from issuance.staff.model import Role, StaffAccount
from issuance.staff.services import audit
from issuance.unit_of_work import SqlUnitOfWork


@dataclass(frozen=True)
class TariffLists:
    today: date  # JST
    current: list[Tariff]  # in force today, by tariff, subject, kind
    scheduled: list[Tariff]  # starting after today, by start
    # What applies where no row does (billing.tariffs): (tariff, subject, yen).
    defaults: list[tuple[str, str, int]]


def _require_centre(account: StaffAccount) -> None:
    if account.role is not Role.CENTRE_OPERATOR:
        raise NotVisibleError()


def tariff_lists(uow: SqlUnitOfWork, account: StaffAccount, now: datetime) -> TariffLists:
    """Stored tariffs in force on ``now``'s JST day and those scheduled after it (ended ones
    are left out). Amounts in yen. NotVisibleError for anyone but a centre operator."""
    _require_centre(account)
    today = now.astimezone(JST).date()
    rows = list(
        uow.session.scalars(
            select(Tariff).order_by(
                Tariff.tariff, Tariff.subject, Tariff.certificate_kind, Tariff.valid_from
            )
        )
    )
    current = [
        r
        for r in rows
        if r.valid_from <= today and (r.valid_until is None or today < r.valid_until)
    ]
    scheduled = sorted((r for r in rows if r.valid_from > today), key=lambda r: r.valid_from)
    defaults = [(name, "*", amount) for name, amount in DEFAULTS.items()] + [
        (CONTRIBUTION, klass, amount) for klass, amount in DEFAULT_CONTRIBUTION.items()
    ]
    return TariffLists(today, current, scheduled, defaults)


def load_tariffs_file(
    uow: SqlUnitOfWork,
    account: StaffAccount,
    data: bytes,
    filename: str,
    now: datetime,
    municipalities: frozenset[str],
) -> int:
    """Add every row of an uploaded tariff file (UTF-8 with or without BOM, or CP932);
    returns how many. Nothing is written unless the whole file is valid: TariffFileError
    carries the report (line, column, code: never a value); StaffInputError
    TARIFF_FILE_ALREADY_LOADED when every row is stored already. One commit, audited."""
    _require_centre(account)
    rows = parse_tariff_bytes(data)
    stored = {
        (t.tariff, t.subject, t.certificate_kind, t.amount, t.valid_from, t.valid_until)
        for t in uow.session.scalars(select(Tariff))
    }
    if all(
        (r.tariff, r.subject, r.certificate_kind, r.amount, r.valid_from, r.valid_until) in stored
        for r, _, _ in rows
    ):  # the same file sent twice (the back button): loaded once
        raise StaffInputError(
            "TARIFF_FILE_ALREADY_LOADED",
            "このファイルの料金はすべて登録済みです。何も追加していません。",
            "Every tariff of this file is already loaded; nothing was added.",
        )
    problems = check_tariff_rows(uow, ((r, above) for r, _, above in rows), municipalities)
    if problems:  # whom it prices, plausible amounts, one price per thing and day
        raise invalid(problems)
    source = filename.rsplit("/", 1)[-1][:100] or "upload"
    for tariff, note, _ in rows:
        add_tariff(uow, tariff, note or f"loaded from {source}"[:200])
    audit(
        uow,
        account.id,
        "tariff_load",
        ("tariff_file", source),
        now,
        new={"file": source, "rows": len(rows)},
    )
    uow.commit()
    return len(rows)
