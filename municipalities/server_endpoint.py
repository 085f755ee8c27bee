"""An own-server municipality's endpoint URL, changed by its administrators (audited).

The URL is in ``municipalities_municipality.backend_settings``, reference data: a change bumps
the reference-data version (migration 0007's triggers), so every centre process reads it on
its next call, and the own-server pool opens connections to the new address (it compares
the URL on every call, `OwnServerPool._client`).
"""

from __future__ import annotations

from datetime import datetime

from urllib3.exceptions import LocationParseError
from urllib3.util import parse_url

from issuance.staff.errors import NotVisibleError, StaffInputError
from issuance.staff.model import Role, StaffAccount
from issuance.staff.services import audit
from issuance.unit_of_work import SqlUnitOfWork
from municipalities.model import BackendKind, Municipality

URL_LENGTH = 200


def own_server_municipality(uow: SqlUnitOfWork, code: str) -> Municipality:
    """Municipality ``code`` when it runs its own server; NotVisibleError otherwise."""
    municipality = uow.session.get(Municipality, code)
    if municipality is None or municipality.backend_kind is not BackendKind.OWN_SERVER:
        raise NotVisibleError()
    return municipality


def validate_server_url(url: str) -> str:
    """``url`` stripped, when it is an ``https://host[:port][/path]`` URL.

    Raises StaffInputError SERVER_URL_NOT_HTTPS (another scheme: the records travel only
    over mutual TLS) or SERVER_URL_INVALID (no host, a user name, a query or fragment, a bad
    port, longer than URL_LENGTH).
    """
    url = url.strip()
    invalid = StaffInputError(
        "SERVER_URL_INVALID",
        "URLは https://ホスト名[:ポート番号][/パス] の形式、"
        f"{URL_LENGTH}文字以内で入力してください。",
        f"Enter the URL as https://host[:port][/path], at most {URL_LENGTH} characters.",
    )
    try:
        parsed = parse_url(url)
    except LocationParseError as exc:
        raise invalid from exc
    if parsed.scheme != "https":
        raise StaffInputError(
            "SERVER_URL_NOT_HTTPS",
            "URLは https:// で始まるものだけ登録できます（相互TLSで接続します）。",
            "Only an https:// URL can be registered (the connection is mutual TLS).",
        )
    if (
        len(url) > URL_LENGTH
        or not parsed.host
        or parsed.auth
        or parsed.query is not None
        or parsed.fragment is not None
        or any(c.isspace() for c in url)
    ):
        raise invalid
    return url


def change_server_url(
    uow: SqlUnitOfWork, account: StaffAccount, code: str, url: str, now: datetime
) -> str:
    """Set municipality ``code``'s server URL (validated, audited old → new, one commit); the
    URL set. Raises NotVisibleError (not an administrator of ``code``, or not an own-server
    municipality) or StaffInputError (``validate_server_url``; SERVER_URL_UNCHANGED: the URL
    in use, e.g. the form posted twice)."""
    if account.role is not Role.MUNICIPAL_ADMIN or account.municipality_code != code:
        raise NotVisibleError()
    municipality = own_server_municipality(uow, code)
    url = validate_server_url(url)
    old = municipality.backend_settings.get("url")
    if url == old:
        raise StaffInputError(
            "SERVER_URL_UNCHANGED",
            "現在のURLと同じです。",
            "This is the URL already in use.",
        )
    municipality.backend_settings = {**municipality.backend_settings, "url": url}
    audit(uow, account.id, "own_server_endpoint", ("own_server", code), now,
          old={"url": old}, new={"url": url})  # fmt: skip
    uow.commit()
    return url
