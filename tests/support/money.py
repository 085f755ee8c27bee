"""Ledger events and a closed month for the money pages' tests."""

from __future__ import annotations

from datetime import datetime, timedelta

from billing.model import BillingEvent, EventType
from billing.statements import close_month
from billing.tariffs import load_tariffs
from centre.bootstrap import Platform
from issuance.calendar import JST
from municipalities.profiles import SqlMunicipalityProfiles

# (municipality, operator, kind, copies, fee per copy, commission per copy) per request.
EVENTS = [
    ("131016", "seven", "juminhyo", 1, 200, 117),
    ("131016", "seven", "juminhyo", 2, 200, 117),
    ("131016", "lawson", "juminhyo", 1, 200, 117),
    ("131016", "seven", "kazei", 1, 300, 117),
    ("112216", "lawson", "juminhyo", 1, 250, 120),
]


def last_month(now: datetime) -> str:
    """The month before ``now``'s (JST), YYYY-MM."""
    first = now.astimezone(JST).date().replace(day=1)
    return (first - timedelta(days=1)).strftime("%Y-%m")


def seed_month(platform: Platform, month: str, final: bool = False, prefix: str = "M") -> None:
    """EVENTS issued in ``month`` (mid-month), then the month closed (draft unless final)."""
    at = datetime.fromisoformat(f"{month}-15T12:00:00+09:00")
    with platform.uow() as uow:
        for i, (code, operator, kind, copies, fee, commission) in enumerate(EVENTS):
            uow.session.add(
                BillingEvent(
                    request_id=f"{prefix}{month}{i}",
                    event_type=EventType.ISSUE,
                    municipality_code=code,
                    kiosk_id="K0001" if operator == "seven" else "K0002",
                    operator_id=operator,
                    channel="store",
                    certificate_kind=kind,
                    copies=copies,
                    fee_total=fee * copies,
                    commission_total=commission * copies,
                    occurred_at=at,
                    accounting_month=month,
                )
            )
        uow.commit()
        close_month(uow, month, SqlMunicipalityProfiles(), load_tariffs(uow), platform.now(), final)
