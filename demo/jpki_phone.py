"""The test JPKI's smartphone CA: phone certificates issued from a card, revoked with it.

Beside the card CA in the same directory (``TestJpki``): phone-ca.pem, phone-ca-key.pem,
phone-crl.der and phone-links.json (each phone certificate's serial → the card certificate's
it was issued from). Revoking or reissuing a card (``revoke_card``) revokes its phones too;
a lost phone (``SmartphoneCa.revoke``) only itself. Never use it where real phones are read.
"""

from __future__ import annotations

import json
import secrets
from datetime import UTC, datetime, timedelta
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from demo.jpki import (
    _USER_KEY_USAGE,
    TestJpki,
    _name,
    _new_key,
    _private_pem,
    _sign_ca,
    _write_atomically,
)
from issuance.sessions.phones import (
    ANDROID_POLICY,
    IPHONE_POLICY,
    LINKED_CARD_SERIAL,
    Credential,
    encode_der_integer,
)
from issuance.sessions.signature_schemes import CardGeneration

POLICIES = {Credential.ANDROID: ANDROID_POLICY, Credential.IPHONE: IPHONE_POLICY}


class SmartphoneCa:
    """The smartphone CA as a ``TestJpki`` of its own files, with the phone → card links."""

    def __init__(self, jpki: TestJpki, ca: TestJpki) -> None:
        self.jpki, self.ca = jpki, ca  # the card authority; this CA (its CRL machinery)

    @property
    def links_path(self) -> Path:
        return self.jpki.directory / "phone-links.json"

    @classmethod
    def open_or_create(cls, jpki: TestJpki) -> SmartphoneCa:
        """Load the smartphone CA next to ``jpki``, or make it under the root.

        ValueError if it does not exist and the root's key was not kept (an authority made
        before phones were added: ``kofu demo load`` into a fresh directory makes both).
        """
        directory = jpki.directory
        view = _PhoneFiles(directory)
        if view.key_path.exists():
            key = serialization.load_pem_private_key(view.key_path.read_bytes(), password=None)
            assert isinstance(key, rsa.RSAPrivateKey)
            ca = x509.load_pem_x509_certificate(view.ca_path.read_bytes())
            smartphone = cls(jpki, view.authority(jpki.root_certificate, ca, key))
            if smartphone.ca._crl_is_stale(datetime.now(UTC)):
                smartphone.ca.publish_crl()
            return smartphone
        if not jpki.root_key_path.exists():
            raise ValueError(f"{directory}: no root key kept, so no smartphone CA can be made")
        root_key = serialization.load_pem_private_key(
            jpki.root_key_path.read_bytes(), password=None
        )
        assert isinstance(root_key, rsa.RSAPrivateKey)
        now, key = datetime.now(UTC), _rsa_key()
        name = _name("Kofu Test JPKI Smartphone User Authentication CA")
        ca = _sign_ca(name, key, jpki.root_certificate.subject, root_key, now, years=10)
        _write_atomically(view.ca_path, ca.public_bytes(serialization.Encoding.PEM))
        _write_atomically(view.key_path, _private_pem(key), mode=0o600)
        smartphone = cls(jpki, view.authority(jpki.root_certificate, ca, key))
        smartphone.ca._save_revoked([])
        smartphone.ca.publish_crl(now)
        return smartphone

    def issue_phone_certificate(
        self, card_certificate: x509.Certificate, platform: Credential, days: int = 365 * 5
    ) -> tuple[x509.Certificate, rsa.RSAPrivateKey]:
        """A スマホ用利用者証明用電子証明書 issued from ``card_certificate``, and its key.

        Like the card's: no personal data. Its policy names the platform; it carries the
        card certificate's serial, and the link is kept here for revocation.
        """
        if platform not in POLICIES:
            raise ValueError("a phone is android or iphone")
        start, key = datetime.now(UTC), _rsa_key()
        subject = x509.Name(
            [
                x509.NameAttribute(NameOID.COUNTRY_NAME, "JP"),
                x509.NameAttribute(NameOID.COMMON_NAME, secrets.token_hex(12).upper()),
            ]
        )
        link = encode_der_integer(card_certificate.serial_number)
        policy = x509.PolicyInformation(POLICIES[platform], None)
        certificate = (
            x509.CertificateBuilder()
            .subject_name(subject)
            .issuer_name(self.ca.ca_certificate.subject)
            .public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(start)
            .not_valid_after(start + timedelta(days=days))
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(_USER_KEY_USAGE, critical=True)
            .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.CLIENT_AUTH]), critical=False)
            .add_extension(x509.CertificatePolicies([policy]), critical=False)
            .add_extension(x509.UnrecognizedExtension(LINKED_CARD_SERIAL, link), critical=False)
            .sign(self.ca._ca_key, hashes.SHA256())
        )
        links = self._links()
        links[format(certificate.serial_number, "x")] = format(card_certificate.serial_number, "x")
        _write_atomically(self.links_path, (json.dumps(links, indent=2) + "\n").encode())
        return certificate, key

    def revoke(self, serial_number: int, reason: x509.ReasonFlags | None = None) -> None:
        """Revoke one phone certificate (a lost phone: the card and other phones stay valid)."""
        self.ca.revoke(serial_number, reason=reason)

    def phones_of(self, card_serial: int) -> list[int]:
        """The serials of the phone certificates issued from this card certificate."""
        wanted = format(card_serial, "x")
        return [int(phone, 16) for phone, card in self._links().items() if card == wanted]

    def _links(self) -> dict[str, str]:
        if not self.links_path.exists():
            return {}
        stored: dict[str, str] = json.loads(self.links_path.read_text(encoding="utf-8"))
        return stored


def revoke_card(
    jpki: TestJpki, card_serial: int, reason: x509.ReasonFlags | None = None
) -> list[int]:
    """Revoke a card certificate and every phone certificate issued from it; their serials.

    ``reason`` superseded for a card reissued (the centre then says PHONE_CARD_REISSUED).
    """
    jpki.revoke(card_serial, reason=reason)
    if not (jpki.directory / "phone-ca-key.pem").exists():
        return []
    # The smartphone CA sits under today's root, whichever generation the card is.
    smartphone = SmartphoneCa.open_or_create(TestJpki.load(jpki.directory))
    phones = smartphone.phones_of(card_serial)
    for serial in phones:
        smartphone.ca.revoke(serial, reason=x509.ReasonFlags.cessation_of_operation)
    return phones


class _PhoneFiles:
    """The smartphone CA's file names, and a ``TestJpki`` writing its CRL to phone-crl.der."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.ca_path = directory / "phone-ca.pem"
        self.key_path = directory / "phone-ca-key.pem"

    def authority(
        self, root: x509.Certificate, ca: x509.Certificate, key: rsa.RSAPrivateKey
    ) -> TestJpki:
        return _PhoneAuthority(self.directory, root, ca, key)


class _PhoneAuthority(TestJpki):
    """TestJpki's CRL and revocation list, under the smartphone CA's own file names."""

    @property
    def ca_path(self) -> Path:
        return self.directory / "phone-ca.pem"

    @property
    def crl_path(self) -> Path:
        return self.directory / "phone-crl.der"

    @property
    def _revoked_path(self) -> Path:
        return self.directory / "phone-revoked.json"


def _rsa_key() -> rsa.RSAPrivateKey:
    """Smartphone certificates and their CA keep today's RSA-2048 (the phone's applet signs so)."""
    key = _new_key(CardGeneration.RSA2048)
    assert isinstance(key, rsa.RSAPrivateKey)
    return key
