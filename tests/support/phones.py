"""Phones held to a test kiosk (スマホ用電子証明書), and JPKI's changes to them mid-session."""

from __future__ import annotations

import base64
from pathlib import Path
from typing import Any

from cryptography import x509

from demo.jpki import TestJpki
from demo.jpki_phone import SmartphoneCa, revoke_card
from kiosk_terminal.phone import JpkiPhone, credential_kind, open_credential, sign_in_answer
from kiosk_terminal.virtual_card import VirtualCard
from kiosk_terminal.virtual_phone import VirtualPhone
from tests.support.kiosk import TestKiosk

ANDROID = "yamada-taro-android.json"  # issued from yamada-taro's card; PIN 2580
IPHONE = "yamada-hanako-iphone.json"  # issued from yamada-hanako's card; Face ID
PINS = {ANDROID: "2580", IPHONE: ""}
CARD_OF = {ANDROID: "yamada-taro.json", IPHONE: "yamada-hanako.json"}


def phones(data_dir: Path) -> Path:
    return data_dir / "demo" / "phones"


def sign_in_phone(kiosk: TestKiosk, phone: VirtualPhone | Path, pin: str = "") -> Any:
    """Hold the phone to the reader, PIN on the kiosk (Android) or Face ID (iPhone), answer."""
    device = VirtualPhone.load(phone) if isinstance(phone, Path) else phone
    driver = open_credential(device)
    assert isinstance(driver, JpkiPhone)
    der = driver.read_user_certificate()
    if credential_kind(driver) == "android":
        driver.verify_pin(pin)
    opened = kiosk.call("POST", "/v1/sessions", {"certificate": base64.b64encode(der).decode()})
    if opened.status_code != 201:
        return opened
    kiosk.session_id = opened.json["session_id"]
    signature, report = sign_in_answer(driver, base64.b64decode(opened.json["challenge"]), der)
    body = {"signature": base64.b64encode(signature).decode()}
    if report is not None:
        body["device_report"] = base64.b64encode(report).decode()
    return kiosk.call("POST", f"/v1/sessions/{kiosk.session_id}/authenticate", body)


def serial_of(path: Path) -> int:
    return x509.load_der_x509_certificate(VirtualCard.load(path).certificate).serial_number


def revoke_phones_card(pki_dir: Path, card_path: Path, reissued: bool = False) -> list[int]:
    """JPKI revokes the card (or it is reissued): its phones' certificates go with it."""
    reason = x509.ReasonFlags.superseded if reissued else x509.ReasonFlags.key_compromise
    return revoke_card(TestJpki.load(pki_dir), serial_of(card_path), reason)


def lose_phone(pki_dir: Path, phone_path: Path) -> None:
    """The resident reports the phone lost: only its certificate is revoked."""
    smartphone = SmartphoneCa.open_or_create(TestJpki.load(pki_dir))
    serial = x509.load_der_x509_certificate(VirtualPhone.load(phone_path).certificate)
    smartphone.revoke(serial.serial_number, x509.ReasonFlags.key_compromise)
