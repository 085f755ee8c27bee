"""What each card generation's COMPUTE DIGITAL SIGNATURE takes and gives, card and kiosk side.

Today's card (RSA-2048): the kiosk sends a DER DigestInfo (SHA-256), the card pads it
(PKCS#1 v1.5) and answers the 256-byte signature. The next-generation card (planned
FY2028, ECDSA P-384 / SHA-384; デジタル庁「次期個人番号カードタスクフォース」最終とりまとめ,
2024): the kiosk sends the raw 48-byte SHA-384 digest, no DigestInfo, and the card answers
the raw signature r||s, 96 bytes, as JPKI-style cards do. The kiosk passes it on unchanged;
the centre makes the DER form it verifies (issuance/sessions/signature_schemes.py). Same
AID, EFs and APDUs for both: the kiosk tells the generation from the certificate's key.
"""

from __future__ import annotations

import enum

from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa, utils

P384_DIGEST_LENGTH = 48
P384_SIGNATURE_LENGTH = 96

CardPrivateKey = rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey

# DER DigestInfo prefixes of RFC 8017 §9.2, note 1 (AlgorithmIdentifier with NULL parameters).
_DIGEST_INFO_PREFIXES: dict[bytes, hashes.HashAlgorithm] = {
    bytes.fromhex("3021300906052b0e03021a05000414"): hashes.SHA1(),
    bytes.fromhex("3031300d060960864801650304020105000420"): hashes.SHA256(),
    bytes.fromhex("3041300d060960864801650304020205000430"): hashes.SHA384(),
    bytes.fromhex("3051300d060960864801650304020305000440"): hashes.SHA512(),
}


class CardGeneration(enum.StrEnum):
    """The kiosk's own name for the centre's card generations (same values on the wire)."""

    RSA2048 = "rsa2048"
    P384 = "p384"


def generation_of(certificate_der: bytes) -> CardGeneration:
    """The card's generation from its user certificate's key; ValueError for any other key."""
    public_key = x509.load_der_x509_certificate(certificate_der).public_key()
    if isinstance(public_key, ec.EllipticCurvePublicKey) and isinstance(
        public_key.curve, ec.SECP384R1
    ):
        return CardGeneration.P384
    if isinstance(public_key, rsa.RSAPublicKey):
        return CardGeneration.RSA2048
    raise ValueError("the card's certificate holds neither an RSA nor a P-384 key")


def parse_digest_info(digest_info: bytes) -> tuple[hashes.HashAlgorithm, bytes] | None:
    """The hash algorithm and digest of a DER DigestInfo; None when it is not one we know."""
    for prefix, algorithm in _DIGEST_INFO_PREFIXES.items():
        if digest_info.startswith(prefix):
            digest = digest_info[len(prefix) :]
            return (algorithm, digest) if len(digest) == algorithm.digest_size else None
    return None


def sign_on_card(private_key: CardPrivateKey, data: bytes) -> bytes | None:
    """The card's answer to COMPUTE DIGITAL SIGNATURE over ``data``; None: wrong data (6A80).

    RSA: ``data`` is a DigestInfo. P-384: ``data`` is exactly a 48-byte SHA-384 digest (a
    32-byte SHA-256 one is refused, as the card cannot know what was hashed otherwise).
    """
    if isinstance(private_key, ec.EllipticCurvePrivateKey):
        if len(data) != P384_DIGEST_LENGTH:
            return None
        der = private_key.sign(data, ec.ECDSA(utils.Prehashed(hashes.SHA384())))
        r, s = utils.decode_dss_signature(der)
        return r.to_bytes(48, "big") + s.to_bytes(48, "big")
    parsed = parse_digest_info(data)
    if parsed is None:
        return None
    algorithm, digest = parsed
    return private_key.sign(digest, padding.PKCS1v15(), utils.Prehashed(algorithm))
