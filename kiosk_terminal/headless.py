"""A headless kiosk: one whole issuance with a card or phone file (demos, smoke tests)."""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from kiosk_terminal.centre_client import CentreClient, CentreError
from kiosk_terminal.jpki import CardError
from kiosk_terminal.phone import credential_kind, open_credential, sign_in_answer
from kiosk_terminal.virtual_phone import load_credential


@dataclass(frozen=True)
class Outcome:
    ok: bool
    code: str
    message_ja: str
    message_en: str
    request: dict[str, object] | None = None


def _refused(error: CentreError | CardError) -> Outcome:
    return Outcome(False, error.code, error.message_ja, error.message_en)


def issue(
    client: CentreClient,
    card_path: Path,
    pin: str,
    certificate: str,
    options: dict[str, object],
    out: Path,
    copies: int = 1,
    say: Callable[[str], None] = print,
) -> Outcome:
    """Card → challenge → PIN → menu → request → ready → download → print → confirm.

    The certificate goes to the centre before the PIN is verified: a revoked card or a lost
    phone is refused without spending a PIN try. ``card_path`` may be a phone's file: an
    Android phone takes its certificate's PIN, an iPhone none (Face ID on the phone; ``pin``
    is ignored).
    """
    try:
        card = open_credential(load_credential(card_path))
        certificate_der = card.read_user_certificate()
        session_id, challenge = client.open_session(certificate_der)
        if credential_kind(card) != "iphone":
            card.verify_pin(pin)
        signature, report = sign_in_answer(card, challenge, certificate_der)
        menu = client.authenticate(session_id, signature, report)
        say(f"session {session_id[:8]}… authenticated")
        item = next((i for i in menu if i["certificate"] == certificate), None)
        if item is None or not item["available"]:
            refusal = (item or {}).get("refusal") or {
                "code": "NOT_OFFERED",
                "message": {"ja": "", "en": ""},
            }
            return Outcome(
                False, refusal["code"], refusal["message"]["ja"], refusal["message"]["en"]
            )
        say(f"{item['label']['ja']}: ¥{item['fee']} × {copies}")
        accepted = client.request(session_id, certificate, options, copies, secrets.token_hex(12))
        state = client.wait_ready(session_id, accepted["request_id"], known=accepted)
        if state["state"] != "ready":
            failure = state.get("failure") or {
                "code": state["state"].upper(),
                "message": {"ja": "", "en": ""},
            }
            return Outcome(
                False, failure["code"], failure["message"]["ja"], failure["message"]["en"], state
            )
        pdf = client.download(session_id, accepted["request_id"])
        return _print(client, session_id, accepted["request_id"], pdf, out, state)
    except (CentreError, CardError) as error:
        return _refused(error)


def _print(
    client: CentreClient,
    session_id: str,
    request_id: str,
    pdf: bytes,
    out: Path,
    state: dict[str, object],
) -> Outcome:
    """'Printing' writes the file; if that fails the centre voids the request at no charge."""
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_bytes(pdf)
    except OSError as exc:
        client.confirm(session_id, request_id, printed=False)
        return Outcome(
            False,
            "PRINT_FAILED",
            "印刷できませんでした。料金はかかりません。",
            f"Printing failed ({exc.strerror}); you are not charged.",
            state,
        )
    confirmed = client.confirm(session_id, request_id, printed=True)
    return Outcome(True, "PRINTED", "印刷が完了しました。", "Printed.", confirmed)
