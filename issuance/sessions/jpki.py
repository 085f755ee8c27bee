"""The centre's check of a My Number card: certificate chain, validity, revocation, signature.

Both card generations side by side (issuance/sessions/signature_schemes.py); the trust
anchors in issuance/sessions/trust_store.py, the refusals in issuance/sessions/card_refusals.py.
"""

from __future__ import annotations

import hashlib
from datetime import datetime

from cryptography import x509

from issuance.sessions.card_refusals import card_refusal as _refusal
from issuance.sessions.signature_schemes import (
    CardGeneration,
    generation_of_key,
    signature_failure,
)
from issuance.sessions.trust_store import Examined, Hierarchy, TrustStore

__all__ = [
    "Hierarchy",
    "TrustStore",
    "card_generation",
    "certificate_fingerprint",
    "verify_card_certificate",
    "verify_card_signature",
]


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
    hierarchy = _issuing_hierarchy(examined, trust, now)
    if now < certificate.not_valid_before_utc:
        raise _refusal("CERT_NOT_YET_VALID")
    if now > certificate.not_valid_after_utc:
        raise _refusal("CERT_EXPIRED")
    if not examined.allows_signature:
        raise _refusal("CERT_UNTRUSTED")
    revocations = hierarchy.current_revocations()
    if revocations.next_update is None or now > revocations.next_update:
        raise _refusal("REVOCATION_UNAVAILABLE")
    if certificate.serial_number in revocations.serials:
        raise _refusal("CERT_REVOKED")
    return certificate


def verify_card_signature(certificate: x509.Certificate, message: bytes, signature: bytes) -> None:
    """Check the card's signature over ``message`` as the certificate's generation signs.

    RSA-2048: PKCS#1 v1.5 over SHA-256, 256 bytes; P-384: ECDSA over SHA-384, raw r||s of
    96 bytes (issuance/sessions/signature_schemes.py). Raises CardAuthError:
    SIGNATURE_INVALID, SIGNATURE_SCHEME_MISMATCH (not that generation's form of signature),
    SIGNATURE_DIGEST_MISMATCH (signed with another hash than the generation's).
    """
    failure = signature_failure(certificate.public_key(), message, signature)
    if failure is not None:
        raise _refusal(failure)


def card_generation(certificate: x509.Certificate) -> CardGeneration:
    """The generation of a certificate ``verify_card_certificate`` accepted."""
    generation = generation_of_key(certificate.public_key())
    if generation is None:  # not reached for an accepted certificate
        raise _refusal("CERT_UNTRUSTED")
    return generation


def certificate_fingerprint(certificate_der: bytes) -> str:
    """SHA-256 of the certificate's DER, in lowercase hex."""
    return hashlib.sha256(certificate_der).hexdigest()


def _issuing_hierarchy(examined: Examined, trust: TrustStore, now: datetime) -> Hierarchy:
    """Its generation's user-auth CA signed it, and that CA and its root are in force."""
    if not examined.signed_by_ca or examined.generation is None:
        raise _refusal("CERT_UNTRUSTED")
    hierarchy = trust.hierarchies[examined.generation]
    if not hierarchy.in_force(now):
        raise _refusal("CERT_UNTRUSTED")
    return hierarchy
