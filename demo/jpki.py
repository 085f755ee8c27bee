"""A stand-in JPKI issuing authority (root CA, user-auth CA, CRL) for demo data and tests.

The real JPKI (J-LIS, the national authority behind every My Number card) is external to
kofu: the centre only trusts its CA certificates and reads its CRL. This module plays that
part with locally generated keys. Never use it where real cards are read.
"""

from __future__ import annotations

import json
import os
import secrets
import tempfile
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

PUBLIC_EXPONENT = 65537
KEY_SIZE = 2048
CRL_LIFETIME = timedelta(days=1)
_CA_KEY_USAGE = x509.KeyUsage(
    digital_signature=False,
    content_commitment=False,
    key_encipherment=False,
    data_encipherment=False,
    key_agreement=False,
    key_cert_sign=True,
    crl_sign=True,
    encipher_only=False,
    decipher_only=False,
)
_USER_KEY_USAGE = x509.KeyUsage(
    digital_signature=True,
    content_commitment=False,
    key_encipherment=False,
    data_encipherment=False,
    key_agreement=False,
    key_cert_sign=False,
    crl_sign=False,
    encipher_only=False,
    decipher_only=False,
)


class TestJpki:
    """The test authority kept in one directory: root.pem, ca.pem, ca-key.pem, crl.der."""

    __test__ = False  # not a pytest test class, despite its name

    def __init__(
        self,
        directory: Path,
        root_certificate: x509.Certificate,
        ca_certificate: x509.Certificate,
        ca_key: rsa.RSAPrivateKey,
    ) -> None:
        self.directory = directory
        self.root_certificate = root_certificate
        self.ca_certificate = ca_certificate
        self._ca_key = ca_key

    @property
    def root_path(self) -> Path:
        return self.directory / "root.pem"

    @property
    def ca_path(self) -> Path:
        return self.directory / "ca.pem"

    @property
    def crl_path(self) -> Path:
        return self.directory / "crl.der"

    @property
    def _ca_key_path(self) -> Path:
        return self.directory / "ca-key.pem"

    @property
    def root_key_path(self) -> Path:
        """The root's key, kept so further CAs (the smartphone CA) can be made under it."""
        return self.directory / "root-key.pem"

    @property
    def _revoked_path(self) -> Path:
        return self.directory / "revoked.json"

    @classmethod
    def create(cls, directory: Path) -> TestJpki:
        """A new root CA and user-authentication CA, written to ``directory`` with an empty CRL."""
        directory.mkdir(parents=True, exist_ok=True)
        now = datetime.now(UTC)
        root_key, ca_key = _new_key(), _new_key()
        root_name = _name("Kofu Test JPKI Root CA")
        ca_name = _name("Kofu Test JPKI User Authentication CA")
        root = _sign_ca(root_name, root_key, root_name, root_key, now, years=20)
        ca = _sign_ca(ca_name, ca_key, root_name, root_key, now, years=10)
        jpki = cls(directory, root, ca, ca_key)
        _write_atomically(jpki.root_path, root.public_bytes(serialization.Encoding.PEM))
        _write_atomically(jpki.ca_path, ca.public_bytes(serialization.Encoding.PEM))
        _write_atomically(jpki._ca_key_path, _private_pem(ca_key), mode=0o600)
        _write_atomically(jpki.root_key_path, _private_pem(root_key), mode=0o600)
        jpki._save_revoked([])
        jpki.publish_crl(now)
        return jpki

    @classmethod
    def load(cls, directory: Path) -> TestJpki:
        root = x509.load_pem_x509_certificate((directory / "root.pem").read_bytes())
        ca = x509.load_pem_x509_certificate((directory / "ca.pem").read_bytes())
        key = serialization.load_pem_private_key(
            (directory / "ca-key.pem").read_bytes(), password=None
        )
        if not isinstance(key, rsa.RSAPrivateKey):
            raise ValueError(f"{directory}: the CA key must be RSA")
        return cls(directory, root, ca, key)

    @classmethod
    def open_or_create(cls, directory: Path) -> TestJpki:
        """Load the authority in ``directory`` (publishing a fresh CRL if it went stale)."""
        if not (directory / "ca-key.pem").exists():
            return cls.create(directory)
        jpki = cls.load(directory)
        if jpki._crl_is_stale(datetime.now(UTC)):
            jpki.publish_crl()
        return jpki

    def issue_user_certificate(
        self, not_before: datetime | None = None, days: int = 365 * 5
    ) -> tuple[x509.Certificate, rsa.RSAPrivateKey]:
        """A 利用者証明用電子証明書 and its key: no name or personal data, only a random CN."""
        start = not_before or datetime.now(UTC)
        key = _new_key()
        subject = x509.Name(
            [
                x509.NameAttribute(NameOID.COUNTRY_NAME, "JP"),
                x509.NameAttribute(NameOID.COMMON_NAME, secrets.token_hex(12).upper()),
            ]
        )
        ca_public_key = self._ca_key.public_key()
        certificate = (
            x509.CertificateBuilder()
            .subject_name(subject)
            .issuer_name(self.ca_certificate.subject)
            .public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(start)
            .not_valid_after(start + timedelta(days=days))
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(_USER_KEY_USAGE, critical=True)
            .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.CLIENT_AUTH]), critical=False)
            .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), False)
            .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_public_key), False)
            .sign(self._ca_key, hashes.SHA256())
        )
        return certificate, key

    def revoke(
        self,
        serial_number: int,
        when: datetime | None = None,
        reason: x509.ReasonFlags | None = None,
    ) -> None:
        """Add a certificate to the revoked list and publish a new ``crl.der``.

        ``reason`` goes into the CRL entry (RFC 5280 §5.3.1): ``superseded`` when the card
        was reissued, which tells a phone certificate of the old card apart from a revoked one.
        """
        revoked = self._load_revoked()
        if all(entry["serial_number"] != serial_number for entry in revoked):
            revoked_at = when or datetime.now(UTC)
            revoked.append(
                {"serial_number": serial_number, "revoked_at": revoked_at, "reason": reason}
            )
            self._save_revoked(revoked)
        self.publish_crl()

    def publish_crl(self, now: datetime | None = None) -> None:
        """Write ``crl.der`` listing every revoked serial, valid for one day from ``now``."""
        now = now or datetime.now(UTC)
        builder = (
            x509.CertificateRevocationListBuilder()
            .issuer_name(self.ca_certificate.subject)
            .last_update(now)
            .next_update(now + CRL_LIFETIME)
            # milliseconds keep CRL numbers increasing without storing a counter
            .add_extension(x509.CRLNumber(int(now.timestamp() * 1000)), critical=False)
        )
        for entry in self._load_revoked():
            revoked = (
                x509.RevokedCertificateBuilder()
                .serial_number(entry["serial_number"])
                .revocation_date(entry["revoked_at"])
            )
            if entry["reason"] is not None:
                revoked = revoked.add_extension(x509.CRLReason(entry["reason"]), critical=False)
            builder = builder.add_revoked_certificate(revoked.build())
        crl = builder.sign(self._ca_key, hashes.SHA256())
        _write_atomically(self.crl_path, crl.public_bytes(serialization.Encoding.DER))

    def _crl_is_stale(self, now: datetime) -> bool:
        if not self.crl_path.exists():
            return True
        crl = x509.load_der_x509_crl(self.crl_path.read_bytes())
        return crl.next_update_utc is None or crl.next_update_utc <= now

    def _load_revoked(self) -> list[dict[str, Any]]:
        if not self._revoked_path.exists():
            return []
        stored = json.loads(self._revoked_path.read_text(encoding="utf-8"))
        return [
            {
                "serial_number": int(entry["serial_number"], 16),
                "revoked_at": datetime.fromisoformat(entry["revoked_at"]),
                "reason": x509.ReasonFlags(entry["reason"]) if entry.get("reason") else None,
            }
            for entry in stored["revoked"]
        ]

    def _save_revoked(self, revoked: list[dict[str, Any]]) -> None:
        stored = {
            "revoked": [
                {
                    # hex, because 159-bit serials do not survive JSON readers that use floats
                    "serial_number": format(entry["serial_number"], "x"),
                    "revoked_at": entry["revoked_at"].isoformat(),
                    "reason": entry["reason"].value if entry.get("reason") else None,
                }
                for entry in revoked
            ]
        }
        _write_atomically(self._revoked_path, (json.dumps(stored, indent=2) + "\n").encode())


def _new_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=PUBLIC_EXPONENT, key_size=KEY_SIZE)


def _name(common_name: str) -> x509.Name:
    return x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "JP"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Kofu Test JPKI"),
            x509.NameAttribute(NameOID.COMMON_NAME, common_name),
        ]
    )


def _sign_ca(
    subject: x509.Name,
    subject_key: rsa.RSAPrivateKey,
    issuer: x509.Name,
    issuer_key: rsa.RSAPrivateKey,
    now: datetime,
    years: int,
) -> x509.Certificate:
    """A CA certificate; backdated a day so a kiosk clock slightly behind still accepts it."""
    start = now - timedelta(days=1)
    return (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(issuer)
        .public_key(subject_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(start)
        .not_valid_after(start + timedelta(days=365 * years))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(_CA_KEY_USAGE, critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(subject_key.public_key()), False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(issuer_key.public_key()), False
        )
        .sign(issuer_key, hashes.SHA256())
    )


def _private_pem(key: rsa.RSAPrivateKey) -> bytes:
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )


def _write_atomically(path: Path, content: bytes, mode: int = 0o644) -> None:
    """Replace ``path`` in one step, so a centre re-reading the CRL never sees half a file."""
    descriptor, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        os.chmod(temporary, mode)
        with os.fdopen(descriptor, "wb") as file:
            file.write(content)
            file.flush()
            os.fsync(file.fileno())
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
