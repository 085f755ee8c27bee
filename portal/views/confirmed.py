"""The municipal pages' "are you sure?" step: a confirmation page, then one use case."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from flask import flash, redirect, render_template, request
from flask.typing import ResponseReturnValue

from issuance.staff.errors import StaffInputError
from issuance.staff.model import StaffAccount
from issuance.unit_of_work import SqlUnitOfWork, sql_unit_of_work
from portal.extension import current_platform
from portal.i18n import message
from portal.views.municipal import own_account


def confirmed(
    code: str,
    find: Callable[[SqlUnitOfWork], Any],
    act: Callable[[SqlUnitOfWork, StaffAccount, datetime], object],
    page: str,
    back: str,
    done: str,
    after: str | None = None,
    found_as: str = "s",
    **shown: Any,
) -> ResponseReturnValue:
    """For municipality ``code``'s administrator: the confirmation ``page`` of what ``find``
    returns (NotVisibleError, so 404, for anything not the municipality's own), on a GET or a
    POST without ``confirm=yes``; else ``act`` it, flash ``done`` and go to ``after`` (or
    ``back``). A StaffInputError from ``act`` is flashed and goes ``back``; nothing changed.
    The page gets ``code``, what was found (named ``found_as``) and ``shown``."""
    platform = current_platform()
    with platform.uow() as uow:
        account = own_account(uow, code)
        sql = sql_unit_of_work(uow)
        found = find(sql)
        if request.method == "GET" or request.form.get("confirm") != "yes":
            return render_template(page, code=code, **{found_as: found}, **shown)
        try:
            act(sql, account, platform.now())
        except StaffInputError as error:
            flash(message(error))
            return redirect(back)
    flash(done)
    return redirect(after or back)
