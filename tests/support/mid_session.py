"""Changes made while a resident is signed in: a revoked card, the index, a kiosk credential."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from cryptography import x509
from sqlalchemy import delete, update

from centre.bootstrap import Platform
from demo.jpki import TestJpki
from issuance.index.model import CardLink, Resident, ResidentStatus
from issuance.sessions.jpki import certificate_fingerprint
from issuance.sessions.kiosks import Kiosk, KioskSession
from issuance.sessions.signature_schemes import generation_of_key
from kiosk_terminal.virtual_card import VirtualCard


def revoke_card(pki_dir: Path, card_path: Path) -> None:
    """JPKI revokes the card's certificate: a new CRL is written into the PKI directory."""
    certificate = x509.load_der_x509_certificate(VirtualCard.load(card_path).certificate)
    generation = generation_of_key(certificate.public_key())
    assert generation is not None
    TestJpki.load(pki_dir, generation).revoke(certificate.serial_number)


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


def card_fingerprint(card_path: Path) -> str:
    return certificate_fingerprint(VirtualCard.load(card_path).certificate)


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
    "card link withdrawn": ("CARD_NOT_LINKED", 403),
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
    elif name == "card link withdrawn":
        fingerprint = card_fingerprint(card_path)
        with platform.engine.begin() as connection:
            connection.execute(
                delete(CardLink).where(CardLink.certificate_fingerprint == fingerprint)
            )
    else:
        raise ValueError(name)
