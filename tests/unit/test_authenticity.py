"""Document tokens: signed by the centre, checkable by anyone, surviving key rotation."""

from __future__ import annotations

import base64
import json
from datetime import date
from pathlib import Path

import pytest

from issuance.authenticity import DocumentClaims, Keyring, TokenError

CLAIMS = DocumentClaims("2611221234567890", "juminhyo", "131016", date(2026, 11, 22), "ab" * 32)


def test_a_signed_token_verifies_to_the_same_claims(tmp_path: Path) -> None:
    keyring = Keyring(tmp_path)
    kid, claims = keyring.verify(keyring.sign(CLAIMS))
    assert claims == CLAIMS and kid == keyring.current_kid()


def test_tokens_signed_before_a_rotation_still_verify(tmp_path: Path) -> None:
    keyring = Keyring(tmp_path)
    old = keyring.sign(CLAIMS)
    old_kid = keyring.current_kid()
    new_kid = keyring.rotate()
    assert new_kid != old_kid and keyring.current_kid() == new_kid
    assert keyring.verify(old)[0] == old_kid
    assert keyring.verify(keyring.sign(CLAIMS))[0] == new_kid


def _tamper(token: str, **changes: str) -> str:
    payload, signature = token.split(".")
    body = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    body.update(changes)
    forged = base64.urlsafe_b64encode(json.dumps(body).encode()).rstrip(b"=").decode()
    return f"{forged}.{signature}"


@pytest.mark.parametrize("field", ["s", "m", "d", "k"])
def test_changing_any_fact_breaks_the_signature(tmp_path: Path, field: str) -> None:
    keyring = Keyring(tmp_path)
    forged = _tamper(keyring.sign(CLAIMS), **{field: "2027-01-01" if field == "d" else "x1"})
    with pytest.raises(TokenError) as refused:
        keyring.verify(forged)
    assert refused.value.code == "TOKEN_SIGNATURE_INVALID"


def test_a_token_from_another_keyring_is_not_trusted(tmp_path: Path) -> None:
    mine = Keyring(tmp_path / "centre")
    theirs = Keyring(tmp_path / "forger")
    theirs_kid = theirs.current_kid()
    assert theirs_kid not in mine.kids()
    with pytest.raises(TokenError) as refused:
        mine.verify(theirs.sign(CLAIMS))
    assert refused.value.code == "TOKEN_UNKNOWN_KEY"


@pytest.mark.parametrize("garbage", ["", "abc", "a.b.c", "%%%.%%%", "e30.AAAA"])
def test_garbage_is_malformed_not_a_crash(tmp_path: Path, garbage: str) -> None:
    with pytest.raises(TokenError):
        Keyring(tmp_path).verify(garbage)


def test_key_ids_cannot_reach_outside_the_key_folder(tmp_path: Path) -> None:
    keyring = Keyring(tmp_path / "keys")
    token = _tamper(keyring.sign(CLAIMS), kid="../../etc/passwd")
    with pytest.raises(TokenError):
        keyring.verify(token)
