"""The monthly close as the centre's operators run it from the portal: draft, review, final.

The same close as ``kofu billing close`` (billing.statements.close_month), with the checks a
person at a page needs: a month that has not begun is refused, a final close waits for the
month to end and needs the month typed again, a final month is never closed again.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from datetime import datetime

from billing.model import BillingPeriod, PartyKind, PeriodStatus, Statement, StatementFinalError
from billing.months import check_closable, parse_month
from billing.parties import DEMO_ISSUER, Issuer
from billing.statements import close_month, statements_of
from billing.tariffs import TariffBook
from issuance.calendar import JST
from issuance.ports import MunicipalityProfiles
from issuance.staff.errors import NotVisibleError, StaffInputError
from issuance.staff.model import Role, StaffAccount
from issuance.staff.services import audit
from issuance.unit_of_work import SqlUnitOfWork


@dataclass(frozen=True)
class MonthReview:
    month: str
    status: str  # "open" (never closed), "draft" or "final"
    closed_at: datetime | None
    finalised_at: datetime | None
    municipalities: list[Statement] = field(default_factory=list)
    operators: list[Statement] = field(default_factory=list)
    may_finalise: bool = False  # the month has ended and is not final


def current_month(now: datetime) -> str:
    """The JST month of ``now`` as YYYY-MM."""
    return now.astimezone(JST).strftime("%Y-%m")


def check_month(month: str, now: datetime) -> str:
    """``month`` (YYYY-MM) when it has begun at ``now`` (JST). Raises MonthInvalidError
    (BILLING_MONTH_INVALID) or MonthNotBegunError (BILLING_MONTH_NOT_BEGUN), billing.months."""
    month = parse_month(month)
    check_closable(month, now, final=False)
    return month


def _require_centre(account: StaffAccount) -> None:
    if account.role is not Role.CENTRE_OPERATOR:
        raise NotVisibleError()


def review(uow: SqlUnitOfWork, account: StaffAccount, month: str, now: datetime) -> MonthReview:
    """The month's state and statements (per municipality, per operator) to review.
    Raises NotVisibleError (not a centre operator) or see ``check_month``."""
    _require_centre(account)
    month = check_month(month, now)
    period = uow.session.get(BillingPeriod, month)
    statements = statements_of(uow, month)
    status = period.status.value if period is not None else "open"
    return MonthReview(
        month,
        status,
        period.closed_at if period else None,
        period.finalised_at if period else None,
        [s for s in statements if s.party_kind is PartyKind.MUNICIPALITY],
        [s for s in statements if s.party_kind is PartyKind.OPERATOR],
        may_finalise=status != "final" and month < current_month(now),
    )


def close(
    uow: SqlUnitOfWork,
    account: StaffAccount,
    month: str,
    profiles: MunicipalityProfiles,
    tariffs: TariffBook,
    now: datetime,
    *,
    final: bool = False,
    typed_month: str = "",
    issuer: Issuer = DEMO_ISSUER,
) -> int:
    """Close ``month`` as a draft (again), or for good with ``final``; returns the number of
    statements. ``issuer``: the hub on the statements (settings.billing_issuer). Audited
    with the month's totals (yen) in the statements' transaction.

    Raises NotVisibleError; before anything is written, the month's refusals of
    billing.months (BILLING_MONTH_INVALID, BILLING_MONTH_NOT_BEGUN, BILLING_MONTH_NOT_OVER
    for a final close of the current month), StatementFinalError (STATEMENT_FINAL: already
    final, nothing changes twice) or StaffInputError CLOSE_CONFIRM_MISMATCH (``typed_month``
    is not ``month``).
    """
    _require_centre(account)
    month = parse_month(month)
    check_closable(month, now, final)
    period = uow.session.get(BillingPeriod, month)
    if period is not None and period.status is PeriodStatus.FINAL:
        raise StatementFinalError()
    if final and unicodedata.normalize("NFKC", typed_month).strip().replace("ー", "-") != month:
        raise StaffInputError(
            "CLOSE_CONFIRM_MISMATCH",
            "確認のため、確定する月を「YYYY-MM」の形で正しく入力してください。",
            "To confirm, type the month being made final exactly (YYYY-MM).",
        )
    before = period.status.value if period is not None else "open"

    def audited(statements: list[Statement]) -> None:
        operators = [s for s in statements if s.party_kind is PartyKind.OPERATOR]
        audit(
            uow,
            account.id,
            "close_final" if final else "close_draft",
            ("billing_month", month),
            now,
            old={"status": before},
            new={
                "status": "final" if final else "draft",
                "statements": len(statements),
                "fees_collected": sum(s.fees_collected for s in operators),
                "commission": sum(s.commission for s in operators),
            },
        )

    # The audit entry commits with the statements (one transaction).
    statements = close_month(
        uow, month, profiles, tariffs, now, final=final, issuer=issuer, also=audited
    )
    return len(statements)
