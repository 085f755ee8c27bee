"""Phones held to the kiosk's reader for real: pyscard → a private pcscd → vpcd → the virtual
phone's applet, then the centre: an Android phone and an iPhone each get a 住民票."""

from __future__ import annotations

from pathlib import Path

import pytest

from kiosk_terminal.card_slot import CardPresence
from kiosk_terminal.centre_client import CentreClient
from kiosk_terminal.pcscd import PrivatePcscd
from kiosk_terminal.phone import JpkiPhone, credential_kind, open_credential, sign_in_answer
from tests.integration.test_pcsc_reader import pcscd, reader, wait_for  # noqa: F401
from tests.support.pdf import pdf_text, squeeze
from tests.support.phones import ANDROID, IPHONE, PINS, phones
from tests.unit.test_terminal_flow import centre  # noqa: F401  (the centre on loopback)


@pytest.mark.parametrize(
    ("phone", "kind", "name"),
    [(ANDROID, "android", "山田太郎"), (IPHONE, "iphone", "山田花子")],
)
def test_a_phone_held_to_the_reader_gets_a_juminhyo(
    pcscd: PrivatePcscd,  # noqa: F811
    reader,  # type: ignore[no-untyped-def]  # noqa: F811
    centre: CentreClient,  # noqa: F811
    data_dir: Path,
    phone: str,
    kind: str,
    name: str,
) -> None:
    wait_for(reader, CardPresence.NO_CARD)
    pcscd.insert(phones(data_dir) / phone)
    wait_for(reader, CardPresence.PRESENT)
    connection = reader.connect()
    device = open_credential(connection)
    assert isinstance(device, JpkiPhone) and credential_kind(device) == kind
    certificate = device.read_user_certificate()
    if kind == "android":
        assert device.pin_tries_left() == 3
        device.verify_pin(PINS[phone])
    session_id, challenge = centre.open_session(certificate)
    signature, report = sign_in_answer(device, challenge, certificate)
    menu = centre.authenticate(session_id, signature, report)
    assert next(i for i in menu if i["certificate"] == "juminhyo")["available"]
    accepted = centre.request(
        session_id,
        "juminhyo",
        {"members": "self", "show_honseki": False, "show_relationship": True},
        1,
        "phone-" + kind,
    )
    state = centre.wait_ready(session_id, accepted["request_id"], known=accepted)
    assert state["state"] == "ready", state
    pdf = centre.download(session_id, accepted["request_id"])
    assert name in squeeze(pdf_text(pdf))
    assert centre.confirm(session_id, accepted["request_id"], printed=True)["state"] == "printed"
    connection.close()


def test_a_card_in_the_same_reader_is_still_read_as_a_card(
    pcscd: PrivatePcscd,  # noqa: F811
    reader,  # type: ignore[no-untyped-def]  # noqa: F811
    cards: Path,
) -> None:
    wait_for(reader, CardPresence.NO_CARD)
    pcscd.insert(cards / "yamada-taro.json")
    wait_for(reader, CardPresence.PRESENT)
    connection = reader.connect()
    assert credential_kind(open_credential(connection)) == "card"
    connection.close()
