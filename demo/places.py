"""The demo's municipalities (offerings, fees, backends) and its kiosks with their tokens."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from billing.registration import registration_number
from demo.data import KIOSKS, MUNICIPALITIES, OPERATORS
from issuance.model import CertificateKind
from issuance.service_hours import STANDARD_HOURS
from issuance.sessions.credentials import register_kiosk
from issuance.sessions.kiosks import Channel, KioskOperator
from issuance.unit_of_work import SqlUnitOfWork
from municipalities.model import BackendKind, CertificateOffering, Municipality, MunicipalityClass

FEES = {
    CertificateKind.KOSEKI_ZENBU: 350,
    CertificateKind.KOSEKI_KOJIN: 350,
    CertificateKind.KOSEKI_FUHYO: 250,
}
# `kofu municipal-server` started with the demo's own-server extract listens here.
OWN_SERVER_SETTINGS = {"url": "https://127.0.0.1:8443", "timeout_seconds": 3.0}
OWN_SERVER_BODIES = {m.body for m in MUNICIPALITIES if m.backend == "own_server"}


@dataclass(frozen=True)
class DemoPaths:
    root: Path

    @property
    def cards(self) -> Path:
        return self.root / "demo" / "cards"

    @property
    def kiosks(self) -> Path:
        return self.root / "demo" / "kiosks.json"


def load_municipalities(uow: SqlUnitOfWork) -> None:
    for m in MUNICIPALITIES:
        row = uow.session.get(Municipality, m.code) or Municipality(code=m.code)
        row.name, row.prefecture, row.population = m.name, m.prefecture, m.population
        row.municipality_class = MunicipalityClass(m.klass)
        row.participating, row.mayor_title, row.mayor_name = (
            m.participating,
            m.mayor_title,
            m.mayor_name,
        )
        row.backend_kind = BackendKind(m.backend)
        row.backend_settings = OWN_SERVER_SETTINGS if m.backend == "own_server" else {}
        row.wide_area_tax = m.wide_area_tax
        row.koseki_registration_days = 2
        uow.session.merge(row)
        uow.session.flush()
        for kind in CertificateKind:
            offered = kind.value not in m.not_offered
            fee = m.juminhyo_fee if kind is CertificateKind.JUMINHYO else FEES.get(kind, 200)
            offering = CertificateOffering(
                municipality_code=m.code, kind=kind.value, offered=offered, fee=fee
            )
            offering.hours = STANDARD_HOURS  # 6:30-23:00 every day
            uow.session.merge(offering)


def load_kiosks(uow: SqlUnitOfWork, pepper: str, paths: DemoPaths) -> None:
    for n, (op_id, name, channel, commission) in enumerate(OPERATORS, start=1):
        uow.session.merge(
            KioskOperator(
                id=op_id,
                name=name,
                channel=Channel(channel),
                commission_per_issue=commission,
                # fictitious, valid in form: 9 then zeros, never a company's real number
                invoice_registration_number=registration_number(f"9{n:011d}"),
            )
        )
    uow.commit()
    existing = json.loads(paths.kiosks.read_text()) if paths.kiosks.exists() else {}
    tokens = {}
    for kiosk_id, operator_id, location in KIOSKS:
        secret = existing.get(kiosk_id, "").partition(".")[2] or None
        tokens[kiosk_id] = register_kiosk(uow, pepper, kiosk_id, operator_id, location, secret)
    paths.kiosks.parent.mkdir(parents=True, exist_ok=True)
    paths.kiosks.write_text(json.dumps(tokens, indent=2))
