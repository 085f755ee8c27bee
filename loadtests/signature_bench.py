"""The centre's sign-in check per card generation: RSA-2048 against ECDSA P-384, in one run.

Measures, in this process, what the centre does with a card at sign-in: the first look at a
certificate (parse and the CA's signature: ``TrustStore.examine``, once per certificate and
process), a later check of it (validity, CRL: ``verify_card_certificate``) and the check of
the card's signature (``verify_card_signature``). Prints each generation's cost per call and
the ratio P-384 / RSA-2048 of the same run; nothing is asserted::

    .venv/bin/python loadtests/signature_bench.py [CARDS_PER_GENERATION]
"""

from __future__ import annotations

import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from cryptography.hazmat.primitives import serialization

from demo.jpki import TestJpki
from issuance.sessions.jpki import TrustStore, verify_card_certificate, verify_card_signature
from issuance.sessions.signature_schemes import CardGeneration
from kiosk_terminal.jpki import JpkiCard
from kiosk_terminal.virtual_card import VirtualCard

MESSAGE = b"kofu-kiosk-auth/1\nK0001\n0123456789abcdef\nnonce"


def _per_call_us(action: Callable[[], object], repeat: int) -> float:
    started = time.perf_counter()
    for _ in range(repeat):
        action()
    return (time.perf_counter() - started) / repeat * 1e6


def _signed(jpki: TestJpki, count: int) -> list[tuple[bytes, bytes]]:
    """``count`` cards of ``jpki``'s generation: (certificate DER, signature over MESSAGE)."""
    made = []
    for _ in range(count):
        certificate, key = jpki.issue_user_certificate()
        card = JpkiCard(VirtualCard.issue(certificate, jpki.ca_certificate, key, "1234", "b"))
        card.select_application()
        card.verify_pin("1234")
        der = certificate.public_bytes(serialization.Encoding.DER)
        made.append((der, card.sign_challenge(MESSAGE, der)))
    return made


def _generation(trust: TrustStore, jpki: TestJpki, cards: int) -> dict[str, float]:
    signed = _signed(jpki, cards)
    now = datetime.now(UTC)
    unseen = iter(signed)
    der, signature = signed[0]
    examine = _per_call_us(lambda: trust.examine(next(unseen)[0]), cards)
    certificate = verify_card_certificate(der, trust, now)
    return {
        "first look (CA signature)": examine,
        "certificate check (kept)": _per_call_us(
            lambda: verify_card_certificate(der, trust, now), 2000
        ),
        "card signature check": _per_call_us(
            lambda: verify_card_signature(certificate, MESSAGE, signature), 300
        ),
    }


def measure(directory: Path, cards: int) -> dict[CardGeneration, dict[str, float]]:
    """Microseconds per call of each step, per generation."""
    authorities = {g: TestJpki.create(directory, g) for g in CardGeneration}
    trust = TrustStore.from_directory(directory)
    return {g: _generation(trust, jpki, cards) for g, jpki in authorities.items()}


def main() -> None:
    cards = int(sys.argv[1]) if len(sys.argv) > 1 else 50
    with tempfile.TemporaryDirectory(prefix="kofu-signature-bench-") as directory:
        figures = measure(Path(directory), cards)
    rsa, p384 = figures[CardGeneration.RSA2048], figures[CardGeneration.P384]
    print(f"{'step (µs per call)':<30}{'rsa2048':>10}{'p384':>10}{'p384/rsa':>10}")
    for step in rsa:
        print(f"{step:<30}{rsa[step]:>10.1f}{p384[step]:>10.1f}{p384[step] / rsa[step]:>10.2f}")
    sign_in_rsa = sum(rsa.values())
    sign_in_p384 = sum(p384.values())
    print(
        f"{'sign-in, first time':<30}{sign_in_rsa:>10.1f}{sign_in_p384:>10.1f}"
        f"{sign_in_p384 / sign_in_rsa:>10.2f}"
    )


if __name__ == "__main__":
    main()
