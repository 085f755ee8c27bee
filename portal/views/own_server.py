"""An own-server municipality's connection on the records page: the endpoint (administrators
change it), the centre's client certificate in use, and a test call of the server's health."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue

from centre.bootstrap import Platform
from issuance.staff.errors import StaffInputError
from issuance.staff.model import Role
from issuance.unit_of_work import sql_unit_of_work
from municipalities.deadline import Watchdog
from municipalities.model import Municipality
from municipalities.server_check import check_connection, client_certificate
from municipalities.server_endpoint import change_server_url, own_server_municipality
from municipalities.tls import TlsFiles, centre_files
from portal.extension import current_platform
from portal.guard import requires
from portal.i18n import message, t
from portal.views.municipal import own_account

bp = Blueprint("own_server", __name__, url_prefix="/m/<code>/records/server")
WATCHDOG = "kofu_portal_watchdog"


def centre_tls(platform: Platform) -> TlsFiles | None:
    """The centre's client certificate for own servers, as `kofu serve` finds it."""
    directory = platform.settings.municipal_tls_dir
    if directory is None or not (directory / "ca.pem").exists():
        return None
    return centre_files(directory)


def server_facts(platform: Platform, municipality: Municipality) -> dict[str, Any]:
    """The endpoint URL and the client certificate (subject, expiry, fingerprint; no key)."""
    return {
        "url": municipality.backend_settings.get("url"),
        "certificate": client_certificate(centre_tls(platform)),
    }


def _page(municipality: Municipality, status: int = 200, **extra: object) -> ResponseReturnValue:
    page = render_template(
        "records.html",
        code=municipality.code,
        bcl=False,
        server=server_facts(current_platform(), municipality),
        **extra,
    )
    return page, status


@bp.post("/url")
@requires(Role.MUNICIPAL_ADMIN, Role.MUNICIPAL_VIEWER)  # a viewer reads the page: 403 here
def change_url(code: str) -> ResponseReturnValue:
    """Change the endpoint (https only, audited; every process uses it from its next call):
    302 to the page; 422 with a stable code; 404 for another or a BCL municipality."""
    platform = current_platform()
    with platform.uow() as uow:
        account = own_account(uow, code)
        sql = sql_unit_of_work(uow)
        municipality = own_server_municipality(sql, code)
        typed = request.form.get("url", "")[:300]
        try:
            change_server_url(sql, account, code, typed, platform.now())
        except StaffInputError as error:
            sql.rollback()
            return _page(municipality, 422, url_value=typed, error=message(error),
                         error_code=error.code)  # fmt: skip
    flash(t("server_url_changed"))
    return redirect(url_for("records.listing", code=code))


@bp.post("/test")
@requires(Role.MUNICIPAL_ADMIN, Role.MUNICIPAL_VIEWER)  # a viewer reads the page: 403 here
def test(code: str) -> ResponseReturnValue:
    """Call the server's health over mutual TLS now and show the outcome (ok and latency,
    or the reason). Changes nothing; outside the circuit breaker (server_check's docstring).
    404 for another or a BCL municipality."""
    platform = current_platform()
    with platform.uow() as uow:
        own_account(uow, code)
        municipality = own_server_municipality(sql_unit_of_work(uow), code)
        settings = dict(municipality.backend_settings)
    watchdog: Watchdog = current_app.extensions[WATCHDOG]
    outcome = check_connection(code, settings, centre_tls(platform), watchdog)
    return _page(municipality, check=outcome)


def init_app(app: Any) -> None:
    """One deadline thread for every test call of this process."""
    app.extensions[WATCHDOG] = Watchdog("portal-server-check")
