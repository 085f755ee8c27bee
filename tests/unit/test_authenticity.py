"""Document tokens: signed by the centre, checkable by anyone, surviving key rotation."""

from __future__ import annotations

import base64
import json
import multiprocessing
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from issuance.authenticity.tokens import DocumentClaims, Keyring, TokenError

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


def _first_sign(directory: str, barrier: Any, out: Any) -> None:
    barrier.wait()  # every process meets the empty folder at the same moment
    try:
        keyring = Keyring(Path(directory))
        out.put(keyring.verify(keyring.sign(CLAIMS))[0])
    except Exception as exc:  # reported to the test, not lost in the child
        out.put(f"error: {exc!r}")


def test_render_workers_starting_together_on_no_key_agree_on_one(tmp_path: Path) -> None:
    """Two `kofu worker`s signing their first documents at once must not trip over each other."""
    context = multiprocessing.get_context("fork")
    barrier, out = context.Barrier(6), context.Queue()
    workers = [
        context.Process(target=_first_sign, args=(str(tmp_path), barrier, out)) for _ in range(6)
    ]
    for worker in workers:
        worker.start()
    kids = [out.get(timeout=30) for _ in workers]
    for worker in workers:
        worker.join(timeout=10)
    assert len(set(kids)) == 1 and not kids[0].startswith("error"), kids
    assert sorted(p.name for p in tmp_path.iterdir()) == ["current", f"{kids[0]}.pem"]


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


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


@pytest.mark.parametrize(
    "payload",
    [
        b"[" * 1_200,  # exhausted the JSON parser's recursion: a 500 on /api/verify
        b'{"kid":"k1","x":' + b"[" * 1_200 + b"]" * 1_200 + b"}",
        b"{" * 300,
        b'{"kid":"' + b"A" * 300 + b'"}',
    ],
)
def test_a_hostile_payload_is_refused_before_it_is_parsed(tmp_path: Path, payload: bytes) -> None:
    keyring = Keyring(tmp_path)
    keyring.current_kid()
    with pytest.raises(TokenError) as refused:
        keyring.verify(f"{_b64url(payload)}.{_b64url(bytes(64))}")
    assert refused.value.code in {"TOKEN_MALFORMED", "TOKEN_UNKNOWN_KEY"}


def test_a_genuine_kid_with_a_wrong_signature_never_reaches_the_parser(tmp_path: Path) -> None:
    keyring = Keyring(tmp_path)
    payload = b'{"kid":"' + keyring.current_kid().encode() + b'","s":' + b"[" * 250 + b"}"
    with pytest.raises(TokenError) as refused:
        keyring.verify(f"{_b64url(payload)}.{_b64url(bytes(64))}")
    assert refused.value.code == "TOKEN_SIGNATURE_INVALID"


def test_key_ids_cannot_reach_outside_the_key_folder(tmp_path: Path) -> None:
    keyring = Keyring(tmp_path / "keys")
    token = _tamper(keyring.sign(CLAIMS), kid="../../etc/passwd")
    with pytest.raises(TokenError):
        keyring.verify(token)


def test_asking_whether_a_keyring_can_sign_makes_no_key(tmp_path: Path) -> None:
    keyring = Keyring(tmp_path / "signing-keys")
    assert keyring.can_sign()  # before the first key: its folder can be made
    assert not (tmp_path / "signing-keys").exists() and keyring.current_created() is None
    kid = keyring.current_kid()
    assert keyring.can_sign() and keyring.current_created() is not None
    (tmp_path / "signing-keys" / f"{kid}.pem").write_text("not a key")
    assert not keyring.can_sign()
