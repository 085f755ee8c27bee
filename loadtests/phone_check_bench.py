"""What checking a phone's certificate costs on every kiosk call, against a card's.

    .venv/bin/python loadtests/phone_check_bench.py [CALLS]

Makes a test JPKI with its smartphone CA in a temporary directory, one card and an Android
and an iPhone certificate issued from it, then times ``verify_credential`` (what sign-in and
every later call run: chain, validity, the CRLs; a phone's card serial in the card CRL too)
for each, in alternating rounds, and prints the CPU per call (median of the rounds) and the
ratio phone / card as JSON. No assertion: the machine is shared, figures move.
"""

from __future__ import annotations

import json
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from cryptography.hazmat.primitives.serialization import Encoding

from demo.jpki import TestJpki
from demo.jpki_phone import SmartphoneCa
from issuance.sessions.jpki import TrustStore
from issuance.sessions.phones import Credential, verify_credential

ROUNDS = 8


def main(calls: int) -> dict[str, object]:
    with tempfile.TemporaryDirectory() as directory:
        pki = Path(directory)
        jpki = TestJpki.create(pki)
        smartphone = SmartphoneCa.open_or_create(jpki)
        card, _ = jpki.issue_user_certificate()
        for serial in range(1, 201):  # a CRL that is not empty
            jpki.revoke(serial)
        ders = {"card": card.public_bytes(Encoding.DER)}
        for platform in (Credential.ANDROID, Credential.IPHONE):
            phone, _ = smartphone.issue_phone_certificate(card, platform)
            ders[platform.value] = phone.public_bytes(Encoding.DER)
        trust = TrustStore.from_files(pki / "root.pem", pki / "ca.pem", pki / "crl.der")
        trust.smartphone = TrustStore.from_files(
            pki / "root.pem", pki / "phone-ca.pem", pki / "phone-crl.der"
        )
        now = datetime.now(UTC)
        rounds: dict[str, list[float]] = {name: [] for name in ders}
        for _ in range(ROUNDS):
            for name, der in ders.items():
                verify_credential(der, trust, now)  # examined once per process, as in serving
                started = time.process_time()
                for _ in range(calls):
                    verify_credential(der, trust, now)
                rounds[name].append((time.process_time() - started) / calls * 1e6)
    per_call = {name: round(statistics.median(times), 1) for name, times in rounds.items()}
    return {
        "calls_per_round": calls,
        "rounds": ROUNDS,
        "us_per_call": per_call,
        "android_over_card": round(per_call["android"] / per_call["card"], 2),
        "iphone_over_card": round(per_call["iphone"] / per_call["card"], 2),
    }


if __name__ == "__main__":
    print(json.dumps(main(int(sys.argv[1]) if len(sys.argv) > 1 else 2000), indent=2))
