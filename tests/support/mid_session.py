"""Changes made while a resident is signed in: a revoked card, the index, a kiosk credential."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from cryptography import x509
from sqlalchemy import update

from issuance.identity import Resident, ResidentStatus
from issuance.kiosks import Kiosk, KioskSession
from kiosk_api.demo.jpki import TestJpki
from kiosk_api.platform import Platform
from kiosk_terminal.virtual_card import VirtualCard


def revoke_card(pki_dir: Path, card_path: Path) -> None:
    """JPKI revokes the card's certificate: a new CRL is written into the PKI directory."""
    der = VirtualCard.load(card_path).certificate
    TestJpki.load(pki_dir).revoke(x509.load_der_x509_certificate(der).serial_number)


def change_resident(platform: Platform, session_id: str, **values: object) -> None:
    """The national index changes the signed-in resident (as the daily sync would)."""
    with platform.uow() as uow:
        session = uow.session.get(KioskSession, session_id)
        assert session is not None and session.juminhyo_code is not None
        resident = uow.session.get(Resident, session.juminhyo_code)
        assert resident is not None
        for name, value in values.items():
            setattr(resident, name, value)
        uow.commit()


def revoke_kiosk_elsewhere(platform: Platform, kiosk_id: str) -> None:
    """The credential revoked by plain SQL, as an operator's script would: no use case runs."""
    with platform.engine.begin() as connection:
        connection.execute(
            update(Kiosk).where(Kiosk.id == kiosk_id).values(revoked_at=datetime.now(UTC))
        )


# name -> (what changes, the code the kiosk then gets, its HTTP status)
SESSION_WIDE = {
    "card revoked": ("CERT_REVOKED", 403),
    "resident died": ("DECEASED", 403),
    "DV protection on": ("DV_PROTECTED", 403),
    "kiosk credential revoked": ("KIOSK_UNAUTHORIZED", 401),
}


def make_change(name: str, platform: Platform, session_id: str, card_path: Path) -> None:
    if name == "card revoked":
        revoke_card(platform.settings.pki_dir, card_path)
    elif name == "resident died":
        change_resident(platform, session_id, status=ResidentStatus.DECEASED)
    elif name == "DV protection on":
        change_resident(platform, session_id, dv_protected=True)
    elif name == "kiosk credential revoked":
        revoke_kiosk_elsewhere(platform, "K0001")
    else:
        raise ValueError(name)
