"""The centre's signing keys and the tokens printed in every document's QR code."""

from __future__ import annotations

import base64
import json
import os
import re
import secrets
import threading
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from issuance.errors import KofuError

TOKEN_VERSION = 1
# A genuine token is about 300 characters (it fits a QR code); anything longer is not one.
MAX_TOKEN_CHARS = 512
TOKEN_PATTERN = r"^[A-Za-z0-9_-]{1,400}\.[A-Za-z0-9_-]{86}$"  # payload.signature, base64url
_TOKEN_SHAPE = re.compile(TOKEN_PATTERN)
_KID_IN_PAYLOAD = re.compile(rb'"kid"\s{0,4}:\s{0,4}"([A-Za-z0-9]{1,20})"')


class TokenError(KofuError):
    code = "TOKEN_INVALID"
    message_ja = "この証明書の確認コードは正しくありません。偽造または改ざんの可能性があります。"
    message_en = "This verification code is not valid. The document may be forged or altered."


@dataclass(frozen=True)
class DocumentClaims:
    """What the token vouches for: no personal data, only the document's identity."""

    serial: str
    kind: str
    municipality_code: str
    issued_on: date
    content_digest: str  # sha256 hex of the document's canonical content

    def encode(self, kid: str) -> bytes:
        body = {
            "v": TOKEN_VERSION,
            "kid": kid,
            "s": self.serial,
            "k": self.kind,
            "m": self.municipality_code,
            "d": self.issued_on.isoformat(),
            "h": self.content_digest,
        }
        return json.dumps(body, separators=(",", ":"), sort_keys=True).encode()


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


class Keyring:
    """Ed25519 keys in a folder: ``<kid>.pem`` each, ``current`` names the signing one.

    Rotation adds a key and moves ``current``; old keys stay so old documents still verify.
    """

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self._lock = threading.Lock()
        self._public: dict[str, Ed25519PublicKey] = {}

    def _load(self, kid: str) -> Ed25519PrivateKey:
        if not kid.isalnum():
            raise TokenError(kid=kid)
        path = self.directory / f"{kid}.pem"
        if not path.exists():
            raise TokenError("TOKEN_UNKNOWN_KEY", kid=kid)
        key = serialization.load_pem_private_key(path.read_bytes(), password=None)
        assert isinstance(key, Ed25519PrivateKey)
        return key

    def current_kid(self) -> str:
        marker = self.directory / "current"
        with self._lock:
            try:
                return marker.read_text().strip()
            except FileNotFoundError:
                return self._first_key(marker)

    def _first_key(self, marker: Path) -> str:
        """Make the first key. Several processes may start on an empty folder at once: each
        makes a candidate, one wins by creating ``current`` (a hard link fails if it exists),
        and the others drop theirs and sign with the winner's."""
        kid = self._new_key()
        candidate = self.directory / f"current.{kid}"
        candidate.write_text(kid)
        try:
            os.link(candidate, marker)
        except FileExistsError:
            (self.directory / f"{kid}.pem").unlink()
            kid = marker.read_text().strip()
        finally:
            candidate.unlink()
        return kid

    def can_sign(self) -> bool:
        """Whether the next signature can be made, without making or caching anything: the key
        ``current`` names loads, or, before the first key, the folder can hold one."""
        marker = self.directory / "current"
        try:
            kid = marker.read_text().strip()
        except FileNotFoundError:
            folder = self.directory if self.directory.exists() else self.directory.parent
            return os.access(folder, os.W_OK | os.X_OK)
        except OSError:
            return False
        try:
            self._load(kid)
        except (OSError, ValueError, TokenError, AssertionError):
            return False
        return True

    def current_created(self) -> float | None:
        """When the signing key in use was made (its file's mtime, Unix seconds); None before
        the first key or when it cannot be read."""
        try:
            kid = (self.directory / "current").read_text().strip()
            return (self.directory / f"{kid}.pem").stat().st_mtime if kid.isalnum() else None
        except OSError:
            return None

    def rotate(self) -> str:
        """Make a new signing key and sign with it from now on; returns its key id."""
        kid = self._new_key()
        staged = self.directory / f"current.{kid}"
        staged.write_text(kid)
        staged.replace(self.directory / "current")  # atomic: readers see the old or the new
        return kid

    def _new_key(self) -> str:
        self.directory.mkdir(parents=True, exist_ok=True)
        kid = f"k{date.today():%Y%m}{secrets.token_hex(3)}"
        pem = Ed25519PrivateKey.generate().private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
        path = self.directory / f"{kid}.pem"
        with os.fdopen(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "wb") as file:
            file.write(pem)
        return kid

    def kids(self) -> list[str]:
        return sorted(p.stem for p in self.directory.glob("*.pem"))

    def public_key(self, kid: str) -> Ed25519PublicKey:
        if kid not in self._public:
            self._public[kid] = self._load(kid).public_key()
        return self._public[kid]

    def sign(self, claims: DocumentClaims) -> str:
        kid = self.current_kid()
        payload = claims.encode(kid)
        return f"{_b64(payload)}.{_b64(self._load(kid).sign(payload))}"

    def verify(self, token: str) -> tuple[str, DocumentClaims]:
        """The key id and claims of a genuine token; anything else raises TokenError.

        The payload is parsed only once its signature holds: what an attacker sends is
        never handed to the JSON parser (1,200 ``[`` used to exhaust the recursion limit).
        """
        check_shape(token)
        payload_part, signature_part = token.split(".")
        try:
            payload = _unb64(payload_part)
            signature = _unb64(signature_part)
        except ValueError as exc:  # binascii.Error: a length no encoder produces
            raise TokenError("TOKEN_MALFORMED") from exc
        found = _KID_IN_PAYLOAD.search(payload)
        if found is None:
            raise TokenError("TOKEN_MALFORMED")
        kid = found.group(1).decode()
        try:
            self.public_key(kid).verify(signature, payload)
        except InvalidSignature as exc:
            raise TokenError("TOKEN_SIGNATURE_INVALID") from exc
        return kid, _claims(kid, payload)


def check_shape(token: str) -> None:
    """Refuse (TOKEN_MALFORMED) what cannot be a token: too long, or not two base64url parts."""
    if len(token) > MAX_TOKEN_CHARS or not _TOKEN_SHAPE.fullmatch(token):
        raise TokenError("TOKEN_MALFORMED")


def _claims(kid: str, payload: bytes) -> DocumentClaims:
    """The claims of a payload the centre signed (so small and flat, but checked anyway)."""
    try:
        body = json.loads(payload)
        if body.get("v") != TOKEN_VERSION or body.get("kid") != kid:
            raise TokenError("TOKEN_MALFORMED")
        return DocumentClaims(
            str(body["s"]),
            str(body["k"]),
            str(body["m"]),
            date.fromisoformat(body["d"]),
            str(body["h"]),
        )
    except (ValueError, KeyError, TypeError, AttributeError, RecursionError) as exc:
        raise TokenError("TOKEN_MALFORMED") from exc
