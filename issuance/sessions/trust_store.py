"""The JPKI trust anchors the centre holds: one hierarchy per card generation, with its CRL."""

from __future__ import annotations

import hashlib
import os
import threading
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric import ec, rsa

from issuance.sessions.card_refusals import card_refusal as _refusal
from issuance.sessions.signature_schemes import CardGeneration, generation_of_key


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
    """What never changes about a certificate's bytes: its generation, whether that
    generation's JPKI CA signed it, its use."""

    certificate: x509.Certificate
    generation: CardGeneration | None
    signed_by_ca: bool
    allows_signature: bool


# Certificates examined and kept per process (about the cards in session at once, and more).
EXAMINED_KEPT = 2048


class Hierarchy:
    """One card generation's root and user-auth CA, and its CRL re-read when the file changes.

    The CA must hold that generation's key (RSA-2048, or P-384 for the next-generation card);
    the root may be of either kind, since whether JPKI puts the new CA under a new P-384 root
    or under today's root is J-LIS's choice (the test authority uses a new root, demo/jpki.py).
    """

    def __init__(
        self,
        generation: CardGeneration,
        root: x509.Certificate,
        user_auth_ca: x509.Certificate,
        crl_path: Path,
    ) -> None:
        try:
            user_auth_ca.verify_directly_issued_by(root)
        except (ValueError, TypeError, InvalidSignature) as error:
            raise ValueError("the user-authentication CA is not signed by the root") from error
        if generation_of_key(user_auth_ca.public_key()) is not generation:
            raise ValueError(
                f"the {generation} user-authentication CA must hold a {generation} key"
            )
        self.generation = generation
        self.root = root
        self.user_auth_ca = user_auth_ca
        self.crl_path = Path(crl_path)
        self._lock = threading.Lock()
        self._crl_file_key: tuple[int, int, int] | None = None
        self._revocations: Revocations | None = None

    @classmethod
    def from_files(
        cls, generation: CardGeneration, root_path: Path, ca_path: Path, crl_path: Path
    ) -> Hierarchy:
        root = x509.load_pem_x509_certificate(Path(root_path).read_bytes())
        user_auth_ca = x509.load_pem_x509_certificate(Path(ca_path).read_bytes())
        return cls(generation, root, user_auth_ca, crl_path)

    def in_force(self, now: datetime) -> bool:
        """The CA and the root (chained at start-up) are both within their validity at ``now``."""
        return all(
            authority.not_valid_before_utc <= now <= authority.not_valid_after_utc
            for authority in (self.user_auth_ca, self.root)
        )

    def signed(self, certificate: x509.Certificate) -> bool:
        try:
            certificate.verify_directly_issued_by(self.user_auth_ca)
            return True
        except (ValueError, TypeError, InvalidSignature):
            return False

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

    def _read_crl(self) -> x509.CertificateRevocationList:
        try:
            crl = x509.load_der_x509_crl(self.crl_path.read_bytes())
        except (OSError, ValueError) as error:
            raise _refusal("REVOCATION_UNAVAILABLE") from error
        ca_key = self.user_auth_ca.public_key()
        if not isinstance(ca_key, (rsa.RSAPublicKey, ec.EllipticCurvePublicKey)):
            raise _refusal("REVOCATION_UNAVAILABLE")
        if crl.issuer != self.user_auth_ca.subject or not crl.is_signature_valid(ca_key):
            raise _refusal("REVOCATION_UNAVAILABLE")
        return crl


class TrustStore:
    """The JPKI hierarchies the centre trusts: today's RSA-2048 one, and the P-384 one if set.

    A certificate is judged by its own generation's hierarchy only: a P-384 card certificate
    signed by the RSA CA (or the reverse) is CERT_UNTRUSTED.
    """

    def __init__(
        self,
        root: x509.Certificate,
        user_auth_ca: x509.Certificate,
        crl_path: Path,
        next_generation: Hierarchy | None = None,
    ):
        current = Hierarchy(CardGeneration.RSA2048, root, user_auth_ca, crl_path)
        self.hierarchies: dict[CardGeneration, Hierarchy] = {current.generation: current}
        if next_generation is not None:
            if next_generation.generation is not CardGeneration.P384:
                raise ValueError("the next-generation hierarchy is the P-384 one")
            self.hierarchies[next_generation.generation] = next_generation
        self._lock = threading.Lock()
        self._examined: dict[bytes, Examined] = {}
        # The smartphone CA under the same root, itself a TrustStore (phones.py); None: no phones.
        self.smartphone: TrustStore | None = None

    @property
    def user_auth_ca(self) -> x509.Certificate:
        """Today's (RSA-2048) user-auth CA: the smartphone CA when this store is the phones'."""
        return self.hierarchies[CardGeneration.RSA2048].user_auth_ca

    def card_revocations(self) -> list[Revocations]:
        """Every card generation's CRL as it stands (REVOCATION_UNAVAILABLE if one cannot be
        trusted): a phone's card may be of either generation."""
        return [hierarchy.current_revocations() for hierarchy in self.hierarchies.values()]

    @classmethod
    def from_files(
        cls,
        root_path: Path,
        ca_path: Path,
        crl_path: Path,
        next_generation: Hierarchy | None = None,
    ) -> TrustStore:
        root = x509.load_pem_x509_certificate(Path(root_path).read_bytes())
        user_auth_ca = x509.load_pem_x509_certificate(Path(ca_path).read_bytes())
        return cls(root, user_auth_ca, crl_path, next_generation)

    @classmethod
    def from_directory(cls, pki_dir: Path) -> TrustStore:
        """``root.pem``, ``ca.pem``, ``crl.der``; when ``ca-p384.pem`` is there, the next
        generation's ``root-p384.pem``, ``ca-p384.pem``, ``crl-p384.der``; when
        ``phone-ca.pem`` is there, JPKI's smartphone CA under today's root (``phone-crl.der``)."""
        store = cls._cards_from_directory(pki_dir)
        if (pki_dir / "phone-ca.pem").exists():  # sessions/phones.py
            store.smartphone = cls.from_files(
                pki_dir / "root.pem", pki_dir / "phone-ca.pem", pki_dir / "phone-crl.der"
            )
        return store

    @classmethod
    def _cards_from_directory(cls, pki_dir: Path) -> TrustStore:
        next_generation = None
        if (pki_dir / "ca-p384.pem").exists():
            next_generation = Hierarchy.from_files(
                CardGeneration.P384,
                pki_dir / "root-p384.pem",
                pki_dir / "ca-p384.pem",
                pki_dir / "crl-p384.der",
            )
        return cls.from_files(
            pki_dir / "root.pem", pki_dir / "ca.pem", pki_dir / "crl.der", next_generation
        )

    def examine(self, certificate_der: bytes) -> Examined:
        """The certificate parsed, its CA signature and key usage checked, once per process.

        Sign-in and every later call of a session check the same bytes: the check of the
        CA's signature (the costly part) is made the first time only. CERT_MALFORMED if the
        bytes are not a certificate.
        """
        key = hashlib.sha256(certificate_der).digest()
        examined = self._examined.get(key)
        if examined is not None:
            return examined
        try:
            certificate = x509.load_der_x509_certificate(certificate_der)
            public_key = certificate.public_key()
        except ValueError as error:
            raise _refusal("CERT_MALFORMED") from error
        generation = generation_of_key(public_key)
        hierarchy = self.hierarchies.get(generation) if generation else None
        signed = hierarchy is not None and hierarchy.signed(certificate)
        examined = Examined(certificate, generation, signed, _allows_digital_signature(certificate))
        with self._lock:
            while len(self._examined) >= EXAMINED_KEPT:
                del self._examined[next(iter(self._examined))]  # the oldest first
            self._examined[key] = examined
        return examined


def _allows_digital_signature(certificate: x509.Certificate) -> bool:
    try:
        key_usage = certificate.extensions.get_extension_for_class(x509.KeyUsage).value
    except (x509.ExtensionNotFound, ValueError):
        return False  # ValueError: duplicate or garbled extensions
    return key_usage.digital_signature


def _superseded(entry: x509.RevokedCertificate) -> bool:
    try:
        reason = entry.extensions.get_extension_for_class(x509.CRLReason).value.reason
    except (x509.ExtensionNotFound, ValueError):
        return False
    return reason is x509.ReasonFlags.superseded
