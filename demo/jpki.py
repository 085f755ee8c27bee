"""A stand-in JPKI issuing authority (root CA, user-auth CA, CRL) for demo data and tests.

The real JPKI (J-LIS, the national authority behind every My Number card) is external to
kofu: the centre only trusts its CA certificates and reads its CRL. This module plays that
part with locally generated keys. Never use it where real cards are read.

One authority per card generation in one directory: today's RSA-2048 one (``root.pem``…) and
the next-generation card's (ECDSA P-384 / SHA-384, 10-year certificates) under a P-384 root of
its own (``root-p384.pem``…): a chain is only as strong as its weakest signature, and RSA-2048
is what the new card leaves behind (README.md, "Card generations").
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
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from issuance.sessions.signature_schemes import CardGeneration

PUBLIC_EXPONENT = 65537
KEY_SIZE = 2048
CRL_LIFETIME = timedelta(days=1)
# How long a user-auth certificate lasts: today's until the 5th birthday after issue (the test
# authority knows no birthdays: 5 × 365 days), the next-generation card's 10 years.
USER_CERTIFICATE_YEARS = {CardGeneration.RSA2048: 5, CardGeneration.P384: 10}
_FILE_SUFFIX = {CardGeneration.RSA2048: "", CardGeneration.P384: "-p384"}
_AUTHORITY_NAME = {CardGeneration.RSA2048: "", CardGeneration.P384: " P-384"}

PrivateKey = rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey
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
    """One generation's test authority in a directory: root.pem, ca.pem, ca-key.pem, crl.der
    (with ``-p384`` before the dot for the next-generation card's)."""

    __test__ = False  # not a pytest test class, despite its name

    def __init__(
        self,
        directory: Path,
        root_certificate: x509.Certificate,
        ca_certificate: x509.Certificate,
        ca_key: PrivateKey,
        generation: CardGeneration = CardGeneration.RSA2048,
    ) -> None:
        self.directory = directory
        self.root_certificate = root_certificate
        self.ca_certificate = ca_certificate
        self._ca_key = ca_key
        self.generation = generation

    def _file(self, stem: str, extension: str) -> Path:
        return self.directory / f"{stem}{_FILE_SUFFIX[self.generation]}.{extension}"

    @property
    def root_path(self) -> Path:
        return self._file("root", "pem")

    @property
    def ca_path(self) -> Path:
        return self._file("ca", "pem")

    @property
    def crl_path(self) -> Path:
        return self._file("crl", "der")

    @property
    def _ca_key_path(self) -> Path:
        return self._file("ca-key", "pem")

    @property
    def root_key_path(self) -> Path:
        """The root's key, kept so further CAs (the smartphone CA) can be made under it."""
        return self._file("root-key", "pem")

    @property
    def _revoked_path(self) -> Path:
        return self._file("revoked", "json")

    @classmethod
    def create(
        cls, directory: Path, generation: CardGeneration = CardGeneration.RSA2048
    ) -> TestJpki:
        """A new root CA and user-authentication CA, written to ``directory`` with an empty CRL."""
        directory.mkdir(parents=True, exist_ok=True)
        now = datetime.now(UTC)
        root_key, ca_key = _new_key(generation), _new_key(generation)
        label = _AUTHORITY_NAME[generation]
        root_name = _name(f"Kofu Test JPKI{label} Root CA")
        ca_name = _name(f"Kofu Test JPKI{label} User Authentication CA")
        root = _sign_ca(root_name, root_key, root_name, root_key, now, years=20)
        ca = _sign_ca(ca_name, ca_key, root_name, root_key, now, years=10)
        jpki = cls(directory, root, ca, ca_key, generation)
        _write_atomically(jpki.root_path, root.public_bytes(serialization.Encoding.PEM))
        _write_atomically(jpki.ca_path, ca.public_bytes(serialization.Encoding.PEM))
        _write_atomically(jpki._ca_key_path, _private_pem(ca_key), mode=0o600)
        _write_atomically(jpki.root_key_path, _private_pem(root_key), mode=0o600)
        jpki._save_revoked([])
        jpki.publish_crl(now)
        return jpki

    @classmethod
    def load(cls, directory: Path, generation: CardGeneration = CardGeneration.RSA2048) -> TestJpki:
        suffix = _FILE_SUFFIX[generation]
        root = x509.load_pem_x509_certificate((directory / f"root{suffix}.pem").read_bytes())
        ca = x509.load_pem_x509_certificate((directory / f"ca{suffix}.pem").read_bytes())
        key = serialization.load_pem_private_key(
            (directory / f"ca-key{suffix}.pem").read_bytes(), password=None
        )
        if not isinstance(key, rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey):
            raise ValueError(f"{directory}: the CA key must be RSA or EC")
        return cls(directory, root, ca, key, generation)

    @classmethod
    def open_or_create(
        cls, directory: Path, generation: CardGeneration = CardGeneration.RSA2048
    ) -> TestJpki:
        """Load the authority in ``directory`` (publishing a fresh CRL if it went stale)."""
        if not (directory / f"ca-key{_FILE_SUFFIX[generation]}.pem").exists():
            return cls.create(directory, generation)
        jpki = cls.load(directory, generation)
        if jpki._crl_is_stale(datetime.now(UTC)):
            jpki.publish_crl()
        return jpki

    def issue_user_certificate(
        self, not_before: datetime | None = None, days: int | None = None
    ) -> tuple[x509.Certificate, PrivateKey]:
        """A 利用者証明用電子証明書 and its key: no name or personal data, only a random CN.

        Valid ``days`` from ``not_before`` (now), by default the generation's span
        (USER_CERTIFICATE_YEARS: 5 × 365 days today, 10 calendar years for the P-384 card).
        """
        start = not_before or datetime.now(UTC)
        end = start + timedelta(days=days) if days is not None else _years_later(start, self)
        key = _new_key(self.generation)
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
            .not_valid_after(end)
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(_USER_KEY_USAGE, critical=True)
            .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.CLIENT_AUTH]), critical=False)
            .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), False)
            .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_public_key), False)
            .sign(self._ca_key, _hash_for(self._ca_key))
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
        crl = builder.sign(self._ca_key, _hash_for(self._ca_key))
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


def _new_key(generation: CardGeneration) -> PrivateKey:
    if generation is CardGeneration.P384:
        return ec.generate_private_key(ec.SECP384R1())
    return rsa.generate_private_key(public_exponent=PUBLIC_EXPONENT, key_size=KEY_SIZE)


def _hash_for(key: PrivateKey) -> hashes.SHA256 | hashes.SHA384:
    """SHA-256 with RSA (today's JPKI), SHA-384 with P-384 (the next generation's)."""
    return hashes.SHA384() if isinstance(key, ec.EllipticCurvePrivateKey) else hashes.SHA256()


def _years_later(start: datetime, jpki: TestJpki) -> datetime:
    years = USER_CERTIFICATE_YEARS[jpki.generation]
    if jpki.generation is CardGeneration.RSA2048:
        return start + timedelta(days=365 * years)
    try:
        return start.replace(year=start.year + years)
    except ValueError:  # 29 February: the day before, as a birthday-based rule would
        return start.replace(year=start.year + years, day=28)


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
    subject_key: PrivateKey,
    issuer: x509.Name,
    issuer_key: PrivateKey,
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
        .sign(issuer_key, _hash_for(issuer_key))
    )


def _private_pem(key: PrivateKey) -> bytes:
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
