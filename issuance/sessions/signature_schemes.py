"""The two card generations: which key a certificate holds, how its card's signature is checked.

Today's card (since 2016) signs with RSA-2048, PKCS#1 v1.5, over a DER DigestInfo(SHA-256).
The next-generation card (planned FY2028) moves JPKI to ECDSA P-384 with SHA-384, with
10-year certificates (デジタル庁「次期個人番号カードタスクフォース」最終とりまとめ, 2024).
The kiosk sends that card the raw 48-byte SHA-384 digest and the card answers the raw
signature r||s, 96 bytes (two 48-byte big-endian integers), as JPKI-style cards answer.
The kiosk passes those bytes on unchanged and the centre turns them into DER here
(README.md, "Card generations").
"""

from __future__ import annotations

import enum
import hashlib

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.hazmat.primitives.asymmetric.utils import Prehashed, encode_dss_signature

RSA_KEY_BITS = 2048
RSA_SIGNATURE_LENGTH = RSA_KEY_BITS // 8
P384_COORDINATE_LENGTH = 48
P384_SIGNATURE_LENGTH = 2 * P384_COORDINATE_LENGTH  # raw r||s

# The codes a failed check ends in (messages: issuance/sessions/jpki.py).
SIGNATURE_INVALID = "SIGNATURE_INVALID"
SIGNATURE_SCHEME_MISMATCH = "SIGNATURE_SCHEME_MISMATCH"  # not the form this generation signs in
SIGNATURE_DIGEST_MISMATCH = "SIGNATURE_DIGEST_MISMATCH"  # a valid signature, wrong hash

# DER DigestInfo prefix for SHA-256 (RFC 8017 §9.2, note 1); the others only to say what it was.
_DIGEST_INFO_PREFIXES = {
    bytes.fromhex("3031300d060960864801650304020105000420"): "sha256",
    bytes.fromhex("3041300d060960864801650304020205000430"): "sha384",
    bytes.fromhex("3051300d060960864801650304020305000440"): "sha512",
    bytes.fromhex("3021300906052b0e03021a05000414"): "sha1",
}


class CardGeneration(enum.StrEnum):
    """Which card a certificate belongs to; recorded on the kiosk session and in the audit."""

    RSA2048 = "rsa2048"  # today's card: RSA-2048, PKCS#1 v1.5, SHA-256
    P384 = "p384"  # the next-generation card (FY2028): ECDSA P-384, SHA-384

    @property
    def hash_name(self) -> str:
        return "sha256" if self is CardGeneration.RSA2048 else "sha384"


PublicKey = rsa.RSAPublicKey | ec.EllipticCurvePublicKey


def generation_of_key(public_key: object) -> CardGeneration | None:
    """The generation whose cards hold this kind of key; None for any other key (not JPKI's)."""
    if isinstance(public_key, rsa.RSAPublicKey) and public_key.key_size == RSA_KEY_BITS:
        return CardGeneration.RSA2048
    if isinstance(public_key, ec.EllipticCurvePublicKey) and isinstance(
        public_key.curve, ec.SECP384R1
    ):
        return CardGeneration.P384
    return None


def signature_failure(public_key: object, message: bytes, signature: bytes) -> str | None:
    """None if the card of this key signed ``message`` as its generation must; else the code.

    RSA-2048: 256 bytes, PKCS#1 v1.5 over SHA-256. P-384: 96 raw bytes r||s over SHA-384.
    SIGNATURE_SCHEME_MISMATCH when the bytes cannot be that generation's signature (e.g. an
    RSA signature presented for a P-384 certificate), SIGNATURE_DIGEST_MISMATCH when the
    card signed the right message with another hash (SHA-256 where SHA-384 is required: a
    kiosk that does not know the card's generation), SIGNATURE_INVALID otherwise.
    """
    generation = generation_of_key(public_key)
    if generation is CardGeneration.RSA2048 and isinstance(public_key, rsa.RSAPublicKey):
        return _rsa_failure(public_key, message, signature)
    if generation is CardGeneration.P384 and isinstance(public_key, ec.EllipticCurvePublicKey):
        return _p384_failure(public_key, message, signature)
    return SIGNATURE_INVALID


def raw_to_der(signature: bytes) -> bytes:
    """A raw P-384 ECDSA signature r||s (96 bytes) as the DER ECDSA-Sig-Value (RFC 3279)."""
    if len(signature) != P384_SIGNATURE_LENGTH:
        raise ValueError("a raw P-384 signature is 96 bytes")
    r = int.from_bytes(signature[:P384_COORDINATE_LENGTH], "big")
    s = int.from_bytes(signature[P384_COORDINATE_LENGTH:], "big")
    return encode_dss_signature(r, s)


def _rsa_failure(public_key: rsa.RSAPublicKey, message: bytes, signature: bytes) -> str | None:
    if len(signature) != RSA_SIGNATURE_LENGTH:
        return SIGNATURE_SCHEME_MISMATCH
    try:
        public_key.verify(signature, message, padding.PKCS1v15(), hashes.SHA256())
        return None
    except (InvalidSignature, ValueError):
        pass
    try:  # only on failure: what did the card sign? (costs one more public-key operation)
        digest_info = public_key.recover_data_from_signature(signature, padding.PKCS1v15(), None)
    except (InvalidSignature, ValueError):
        return SIGNATURE_INVALID
    for prefix, name in _DIGEST_INFO_PREFIXES.items():
        if name != "sha256" and digest_info == prefix + _digest(name, message):
            return SIGNATURE_DIGEST_MISMATCH
    return SIGNATURE_INVALID


def _p384_failure(
    public_key: ec.EllipticCurvePublicKey, message: bytes, signature: bytes
) -> str | None:
    if len(signature) != P384_SIGNATURE_LENGTH:
        return SIGNATURE_SCHEME_MISMATCH
    der = raw_to_der(signature)
    try:
        public_key.verify(der, message, ec.ECDSA(hashes.SHA384()))
        return None
    except InvalidSignature:
        pass
    for other in (hashes.SHA256(), hashes.SHA512()):  # only on failure, to say what went wrong
        try:
            public_key.verify(der, _digest(other.name, message), ec.ECDSA(Prehashed(other)))
            return SIGNATURE_DIGEST_MISMATCH
        except InvalidSignature:
            continue
    return SIGNATURE_INVALID


def _digest(name: str, message: bytes) -> bytes:
    return hashlib.new(name, message).digest()
