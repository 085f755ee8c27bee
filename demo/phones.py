"""The demo's smartphones: スマホ用電子証明書 issued from demo residents' cards, with stories."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from cryptography import x509

from demo.jpki import TestJpki
from demo.jpki_phone import SmartphoneCa, revoke_card
from issuance.index.model import CardLink
from issuance.sessions.jpki import certificate_fingerprint
from issuance.sessions.phones import Credential
from issuance.unit_of_work import SqlUnitOfWork
from kiosk_terminal.virtual_card import VirtualCard
from kiosk_terminal.virtual_phone import VirtualPhone


@dataclass(frozen=True)
class DemoPhone:
    label: str  # phone file name
    card: str  # the card (file label) it was issued from
    platform: Credential
    note: str
    pin: str = "0000"  # Android: the smartphone certificate's own PIN; an iPhone has none
    story: str = ""  # "lost": revoked on its own; "card_reissued": issued from a former card


PHONES: tuple[DemoPhone, ...] = (
    DemoPhone(
        "yamada-taro-android",
        "yamada-taro",
        Credential.ANDROID,
        "Android: hold to the reader, then the phone certificate's PIN on the kiosk",
        pin="2580",
    ),
    DemoPhone(
        "yamada-hanako-iphone",
        "yamada-hanako",
        Credential.IPHONE,
        "iPhone: Face ID on the phone, no PIN on the kiosk",
    ),
    DemoPhone(
        "yamada-ichiro-iphone-lost",
        "yamada-ichiro",
        Credential.IPHONE,
        "iPhone reported lost, its certificate revoked: PHONE_CERT_REVOKED",
        story="lost",
    ),
    DemoPhone(
        "suzuki-ichiro-android-old",
        "suzuki-ichiro",
        Credential.ANDROID,
        "Android set up from a card since reissued: PHONE_CARD_REISSUED",
        pin="1357",
        story="card_reissued",
    ),
)


def phones_dir(data_dir: Path) -> Path:
    return data_dir / "demo" / "phones"


def issue_phone(
    smartphone: SmartphoneCa,
    card_certificate: x509.Certificate,
    platform: Credential,
    label: str,
    pin: str,
    path: Path,
) -> VirtualPhone:
    """A phone file holding a new smartphone certificate issued from ``card_certificate``."""
    certificate, key = smartphone.issue_phone_certificate(card_certificate, platform)
    phone = VirtualPhone.issue_phone(
        certificate, smartphone.ca.ca_certificate, key, platform.value, label, pin
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    phone.save(path)
    return phone


def link_like_card(uow: SqlUnitOfWork, phone: VirtualPhone, card: VirtualCard) -> None:
    """JPKI's daily sync links the phone's certificate to the card's resident, usable alike."""
    card_link = uow.session.get(CardLink, certificate_fingerprint(card.certificate))
    fingerprint = certificate_fingerprint(phone.certificate)
    if card_link is None or uow.session.get(CardLink, fingerprint) is not None:
        return
    uow.session.add(
        CardLink(
            certificate_fingerprint=fingerprint,
            juminhyo_code=card_link.juminhyo_code,
            linked_at=datetime.now(UTC),
            usable_from=card_link.usable_from,
        )
    )


def _issue_demo_phone(
    uow: SqlUnitOfWork, jpki: TestJpki, smartphone: SmartphoneCa, phone: DemoPhone, cards: Path
) -> None:
    path = phones_dir(cards.parent.parent) / f"{phone.label}.json"
    card = VirtualCard.load(cards / f"{phone.card}.json")
    card_certificate = x509.load_der_x509_certificate(card.certificate)
    if phone.story == "card_reissued":  # the card the phone came from, replaced since
        card_certificate, _ = jpki.issue_user_certificate()
    made = issue_phone(smartphone, card_certificate, phone.platform, phone.label, phone.pin, path)
    link_like_card(uow, made, card)
    serial = x509.load_der_x509_certificate(made.certificate).serial_number
    if phone.story == "lost":
        smartphone.revoke(serial, x509.ReasonFlags.key_compromise)
    elif phone.story == "card_reissued":
        revoke_card(jpki, card_certificate.serial_number, x509.ReasonFlags.superseded)


def load_phones(uow: SqlUnitOfWork, jpki: TestJpki, cards: Path, extra: int) -> None:
    """Idempotent: a phone file that exists is kept. Extra residents (load tests): one in
    four holds an Android phone and one in four an iPhone, in demo/phones/extra/."""
    try:
        smartphone = SmartphoneCa.open_or_create(jpki)
    except ValueError:  # a JPKI directory made before phones: cards only
        return
    for phone in PHONES:
        if not (phones_dir(cards.parent.parent) / f"{phone.label}.json").exists():
            _issue_demo_phone(uow, jpki, smartphone, phone, cards)
    for i in range(extra):
        platform = {1: Credential.ANDROID, 3: Credential.IPHONE}.get(i % 4)
        path = phones_dir(cards.parent.parent) / "extra" / f"extra-{i:04d}-{platform}.json"
        if platform is None or path.exists():
            continue
        card = VirtualCard.load(cards / "extra" / f"extra-{i:04d}.json")
        card_certificate = x509.load_der_x509_certificate(card.certificate)
        made = issue_phone(smartphone, card_certificate, platform, path.stem, "1234", path)
        link_like_card(uow, made, card)
    uow.commit()
