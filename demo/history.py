"""Three months of made-up ledger history for the demo's portal: issues at the demo kiosks for
every offered kind of every demo municipality, counter counts beside them, the two earlier
months closed final and the last one as a draft; and the BCL members' demo records noted as
their last extract. Idempotent: a month already there is kept."""

from __future__ import annotations

import random
from datetime import datetime, timedelta

from sqlalchemy import select

from billing.ledger import month_of
from billing.model import BillingEvent, CounterCount, EventType
from billing.parties import Issuer
from billing.statements import close_month
from billing.tariffs import load_tariffs, month_start
from issuance.calendar import JST
from issuance.sessions.kiosks import Kiosk, KioskOperator
from issuance.unit_of_work import SqlUnitOfWork
from municipalities.bcl_history import last_import_at, record_command_line_import
from municipalities.bcl_import import ImportReport
from municipalities.model import BackendKind, CertificateOffering, Municipality
from municipalities.profiles import SqlMunicipalityProfiles

MONTHS = 3
KIOSK_SHARE = 0.3  # about the national 27.6 %: the counter issues the rest


def _months_before(now: datetime) -> list[str]:
    first = now.astimezone(JST).replace(day=1)
    months = []
    for _ in range(MONTHS):
        first = (first - timedelta(days=1)).replace(day=1)
        months.append(first.strftime("%Y-%m"))
    return sorted(months)


def load_history(uow: SqlUnitOfWork, now: datetime, issuer: Issuer) -> list[str]:
    """Add the months not there yet; returns those added (``YYYY-MM``)."""
    kiosks = list(uow.session.scalars(select(Kiosk).order_by(Kiosk.id)))
    operators = {o.id: o for o in uow.session.scalars(select(KioskOperator))}
    offerings = uow.session.scalars(
        select(CertificateOffering)
        .join(Municipality)
        .where(CertificateOffering.offered.is_(True), Municipality.participating.is_(True))
        .order_by(CertificateOffering.municipality_code, CertificateOffering.kind)
    ).all()
    added = []
    for n, month in enumerate(_months_before(now)):
        if uow.session.scalar(
            select(BillingEvent.id).where(BillingEvent.request_id.like(f"DEMO-{month}-%"))
        ):
            continue
        rng = random.Random(month)  # the same history every time it is made
        first = datetime.combine(month_start(month), datetime.min.time(), JST)
        serial = 0
        for offering in offerings:
            issues = rng.randint(3, 40) if offering.kind == "juminhyo" else rng.randint(0, 12)
            for _ in range(issues):
                serial += 1
                kiosk = kiosks[serial % len(kiosks)]
                operator = operators[kiosk.operator_id]
                copies = 1 if rng.random() < 0.85 else 2
                at = first + timedelta(days=rng.randint(0, 27), hours=rng.randint(7, 21))
                uow.session.add(
                    BillingEvent(
                        request_id=f"DEMO-{month}-{serial:05d}",
                        event_type=EventType.ISSUE,
                        municipality_code=offering.municipality_code,
                        kiosk_id=kiosk.id,
                        operator_id=operator.id,
                        channel=operator.channel.value,
                        certificate_kind=offering.kind,
                        copies=copies,
                        fee_total=offering.fee * copies,
                        commission_total=operator.commission_per_issue * copies,
                        occurred_at=at,
                        accounting_month=month_of(at),
                    )
                )
            uow.session.add(
                CounterCount(
                    municipality_code=offering.municipality_code,
                    month=month,
                    certificate_kind=offering.kind,
                    count=round(issues * (1 - KIOSK_SHARE) / KIOSK_SHARE),
                    source="demo",
                    uploaded_at=now,
                )
            )
        uow.commit()
        final = n < MONTHS - 1
        close_month(uow, month, SqlMunicipalityProfiles(), load_tariffs(uow), now, final, issuer)
        added.append(month)
    _note_demo_extracts(uow, now)
    return added


def _note_demo_extracts(uow: SqlUnitOfWork, now: datetime) -> None:
    """`kofu demo load` put the BCL members' records in place: say so in their upload
    history (as a command-line import), so the overview does not warn of a stale extract."""
    members = uow.session.scalars(
        select(Municipality.code).where(Municipality.backend_kind == BackendKind.BCL)
    ).all()
    for code in members:
        if last_import_at(uow, code) is None:
            record_command_line_import(uow, code, b"demo", ImportReport(code, 0, ()), now)
