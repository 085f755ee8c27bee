"""Ending a stored tariff from a day on (a campaign stopped early, a contract that ends):
the row gets its ``valid_until``; nothing before that day changes, so statements already made
stay right. Only days still to come: the past is what was charged."""

from __future__ import annotations

from datetime import date

from billing.model import Tariff
from issuance.errors import KofuError
from issuance.unit_of_work import SqlUnitOfWork


class TariffRetireError(KofuError):
    code = "TARIFF_RETIRE_INVALID"
    message_ja = "この料金は終了できません。"
    message_en = "This tariff cannot be ended."


class UnknownTariffError(TariffRetireError):
    code = "TARIFF_UNKNOWN"
    message_ja = (
        "その番号の料金はありません（kofu billing tariffs list で番号を確認してください）。"
    )
    message_en = "No tariff has that number (see kofu billing tariffs list)."


class RetireInPastError(TariffRetireError):
    code = "TARIFF_RETIRE_IN_PAST"
    message_ja = "終了日は明日以降にしてください（過去の請求は変えられません）。"
    message_en = "End it from tomorrow at the earliest: what was charged cannot change."


class AlreadyEndedError(TariffRetireError):
    code = "TARIFF_ALREADY_ENDS"
    message_ja = "この料金はその日までに終了します。"
    message_en = "This tariff already ends by that day."


def retire_tariff(uow: SqlUnitOfWork, tariff_id: int, from_day: date, today: date) -> Tariff:
    """End tariff ``tariff_id`` from ``from_day`` (JST, exclusive end: it applies up to the day
    before). Raises UnknownTariffError, RetireInPastError (``from_day`` not after ``today``),
    AlreadyEndedError (it ends by then already). A tariff starting on or after ``from_day``
    ends before it ever applies. Commits."""
    row = uow.session.get(Tariff, tariff_id)
    if row is None:
        raise UnknownTariffError(tariff_id=tariff_id)
    if from_day <= today:
        raise RetireInPastError(from_day=from_day.isoformat())
    if row.valid_until is not None and row.valid_until <= from_day:
        raise AlreadyEndedError(valid_until=row.valid_until.isoformat())
    row.valid_until = max(from_day, row.valid_from)
    uow.commit()
    return row
