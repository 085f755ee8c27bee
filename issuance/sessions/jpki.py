"""The centre's check of a My Number card: certificate chain, validity, revocation, signature."""

from __future__ import annotations

import hashlib
import os
import threading
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa

from issuance.errors import CardAuthError

_MESSAGES: dict[str, tuple[str, str]] = {
    "CERT_MALFORMED": (
        "カードの電子証明書を読み取れませんでした。窓口でお問い合わせください。",
        "The card's certificate could not be read. Please ask at the counter.",
    ),
    "CERT_UNTRUSTED": (
        "カードの電子証明書が公的個人認証サービスのものと確認できませんでした。"
        "窓口でお問い合わせください。",
        "The card's certificate was not issued by the JPKI. Please ask at the counter.",
    ),
    "CERT_EXPIRED": (
        "カードの電子証明書は有効期限が切れており、有効ではありません。窓口でお問い合わせください。",
        "The card's certificate is no longer valid (it has expired); please ask at the counter.",
    ),
    "CERT_NOT_YET_VALID": (
        "カードの電子証明書はまだ有効になっていません。発行・更新の翌日からご利用いただけます。",
        "The card's certificate is not valid yet; it can be used from the day after it was "
        "issued or renewed.",
    ),
    "CERT_REVOKED": (
        "カードの電子証明書は失効しており、有効ではありません。窓口でお問い合わせください。",
        "The card's certificate is no longer valid (it has been revoked); "
        "please ask at the counter.",
    ),
    "REVOCATION_UNAVAILABLE": (
        "現在、電子証明書の失効確認ができません。時間をおいてお試しいただくか、"
        "窓口でお問い合わせください。",
        "The certificate's revocation status cannot be checked right now. "
        "Please try again later or ask at the counter.",
    ),
    "SIGNATURE_INVALID": (
        "カードの署名を確認できませんでした。カードを置き直してもう一度お試しください。",
        "The card's signature could not be verified. Please place the card again and retry.",
    ),
}


def _refusal(code: str) -> CardAuthError:
    message_ja, message_en = _MESSAGES[code]
    return CardAuthError(code=code, message_ja=message_ja, message_en=message_en)


@dataclass(frozen=True)
class Revocations:
    """What the current CRL says: until when it may be relied on, and the serials it revokes.

    The serials are a set, made once per CRL file: JPKI's list is long, and a lookup in the
    CRL object itself scans it (about 24 ms per look-up at 100,000 entries), once per call.
    """

    next_update: datetime | None
    serials: frozenset[int]
    superseded: frozenset[int] = frozenset()  # revoked with reason superseded (card reissued)


@dataclass(frozen=True)
class Examined:
    """What never changes about a certificate's bytes: whether JPKI's CA signed it, its use."""

    certificate: x509.Certificate
    signed_by_ca: bool
    allows_signature: bool


# Certificates examined and kept per process (about the cards in session at once, and more).
EXAMINED_KEPT = 2048


class TrustStore:
    """The JPKI root and user-auth CA certificates, and the CRL re-read when its file changes."""

    def __init__(self, root: x509.Certificate, user_auth_ca: x509.Certificate, crl_path: Path):
        try:
            user_auth_ca.verify_directly_issued_by(root)
        except (ValueError, TypeError, InvalidSignature) as error:
            raise ValueError("the user-authentication CA is not signed by the root") from error
        ca_public_key = user_auth_ca.public_key()
        if not isinstance(ca_public_key, rsa.RSAPublicKey):
            raise ValueError("the user-authentication CA must have an RSA key, as JPKI's does")
        self.root = root
        self.user_auth_ca = user_auth_ca
        self._ca_public_key = ca_public_key
        self.crl_path = Path(crl_path)
        self._lock = threading.Lock()
        self._crl_file_key: tuple[int, int, int] | None = None
        self._revocations: Revocations | None = None
        self._examined: dict[bytes, Examined] = {}
        # The smartphone CA under the same root, itself a TrustStore (phones.py); None: no phones.
        self.smartphone: TrustStore | None = None

    @classmethod
    def from_files(cls, root_path: Path, ca_path: Path, crl_path: Path) -> TrustStore:
        root = x509.load_pem_x509_certificate(Path(root_path).read_bytes())
        user_auth_ca = x509.load_pem_x509_certificate(Path(ca_path).read_bytes())
        return cls(root, user_auth_ca, crl_path)

    def current_revocations(self) -> Revocations:
        """The CRL as the file holds it now; REVOCATION_UNAVAILABLE if it cannot be trusted.

        One stat per call; the file is read and checked again only when the stat changed.
        """
        with self._lock:
            try:
                stat = os.stat(self.crl_path)
            except OSError as error:
                raise _refusal("REVOCATION_UNAVAILABLE") from error
            # the inode changes on an atomic replace even when the mtime does not
            file_key = (stat.st_mtime_ns, stat.st_size, stat.st_ino)
            if self._revocations is None or file_key != self._crl_file_key:
                self._revocations = None
                crl = self._read_crl()
                self._revocations = Revocations(
                    crl.next_update_utc,
                    frozenset(entry.serial_number for entry in crl),
                    frozenset(e.serial_number for e in crl if _superseded(e)),
                )
                self._crl_file_key = file_key
            return self._revocations

    def examine(self, certificate_der: bytes) -> Examined:
        """The certificate parsed, its CA signature and key usage checked, once per process.

        Sign-in and every later call of a session check the same bytes: the RSA check of the
        CA's signature (the costly part) is made the first time only. CERT_MALFORMED if the
        bytes are not a certificate.
        """
        key = hashlib.sha256(certificate_der).digest()
        examined = self._examined.get(key)
        if examined is not None:
            return examined
        try:
            certificate = x509.load_der_x509_certificate(certificate_der)
        except ValueError as error:
            raise _refusal("CERT_MALFORMED") from error
        try:
            certificate.verify_directly_issued_by(self.user_auth_ca)
            signed = True
        except (ValueError, TypeError, InvalidSignature):
            signed = False
        examined = Examined(certificate, signed, _allows_digital_signature(certificate))
        with self._lock:
            while len(self._examined) >= EXAMINED_KEPT:
                del self._examined[next(iter(self._examined))]  # the oldest first
            self._examined[key] = examined
        return examined

    def _read_crl(self) -> x509.CertificateRevocationList:
        try:
            crl = x509.load_der_x509_crl(self.crl_path.read_bytes())
        except (OSError, ValueError) as error:
            raise _refusal("REVOCATION_UNAVAILABLE") from error
        if crl.issuer != self.user_auth_ca.subject or not crl.is_signature_valid(
            self._ca_public_key
        ):
            raise _refusal("REVOCATION_UNAVAILABLE")
        return crl


def verify_card_certificate(
    certificate_der: bytes, trust: TrustStore, now: datetime
) -> x509.Certificate:
    """The card's user-authentication certificate, if the centre accepts it at ``now``.

    Checked at sign-in and again on every later call of the session. Raises CardAuthError:
    CERT_MALFORMED, CERT_UNTRUSTED, CERT_NOT_YET_VALID, CERT_EXPIRED, CERT_REVOKED,
    REVOCATION_UNAVAILABLE (no CRL, or one past its nextUpdate).
    """
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware")
    examined = trust.examine(certificate_der)
    certificate = examined.certificate
    _check_issued_by_jpki(examined, trust, now)
    if now < certificate.not_valid_before_utc:
        raise _refusal("CERT_NOT_YET_VALID")
    if now > certificate.not_valid_after_utc:
        raise _refusal("CERT_EXPIRED")
    if not examined.allows_signature:
        raise _refusal("CERT_UNTRUSTED")
    revocations = trust.current_revocations()
    if revocations.next_update is None or now > revocations.next_update:
        raise _refusal("REVOCATION_UNAVAILABLE")
    if certificate.serial_number in revocations.serials:
        raise _refusal("CERT_REVOKED")
    return certificate


def verify_card_signature(certificate: x509.Certificate, message: bytes, signature: bytes) -> None:
    """Check the card's RSA PKCS#1 v1.5 SHA-256 signature over ``message``."""
    public_key = certificate.public_key()
    if not isinstance(public_key, rsa.RSAPublicKey):
        raise _refusal("SIGNATURE_INVALID")
    try:
        public_key.verify(signature, message, padding.PKCS1v15(), hashes.SHA256())
    except (InvalidSignature, ValueError) as error:
        raise _refusal("SIGNATURE_INVALID") from error


def certificate_fingerprint(certificate_der: bytes) -> str:
    """SHA-256 of the certificate's DER, in lowercase hex."""
    return hashlib.sha256(certificate_der).hexdigest()


def _check_issued_by_jpki(examined: Examined, trust: TrustStore, now: datetime) -> None:
    """The user-auth CA signed it, and the CA and root (chained at start-up) are in force."""
    if not examined.signed_by_ca:
        raise _refusal("CERT_UNTRUSTED")
    for authority in (trust.user_auth_ca, trust.root):
        if not authority.not_valid_before_utc <= now <= authority.not_valid_after_utc:
            raise _refusal("CERT_UNTRUSTED")


def _superseded(entry: x509.RevokedCertificate) -> bool:
    try:
        reason = entry.extensions.get_extension_for_class(x509.CRLReason).value.reason
    except (x509.ExtensionNotFound, ValueError):
        return False
    return reason is x509.ReasonFlags.superseded


def _allows_digital_signature(certificate: x509.Certificate) -> bool:
    try:
        key_usage = certificate.extensions.get_extension_for_class(x509.KeyUsage).value
    except (x509.ExtensionNotFound, ValueError):  # ValueError: duplicate or garbled extensions
        return False
    return key_usage.digital_signature
