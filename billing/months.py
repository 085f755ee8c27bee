"""Accounting months as people type them, and which of them may be closed now.

A month is ``YYYY-MM`` in JST (the ledger's ``accounting_month``). A draft may be built for
the current month or any earlier one; a month becomes final only once it has ended, because
an issue made later in it would otherwise be booked to the next month (the ledger never writes
into a final month).
"""

from __future__ import annotations

import re
from datetime import datetime
from zoneinfo import ZoneInfo

from issuance.errors import KofuError

JST = ZoneInfo("Asia/Tokyo")
_MONTH = re.compile(r"(\d{4})-(\d{2})")
FIRST_YEAR, LAST_YEAR = 2000, 2099  # a typo guard: the service began in 2010


class MonthInvalidError(KofuError):
    code = "BILLING_MONTH_INVALID"
    message_ja = "月は「2026-04」のように西暦年4桁と月2桁で指定してください。"
    message_en = "Give the month as a four-digit year and a two-digit month, e.g. 2026-04."


class MonthNotBegunError(KofuError):
    code = "BILLING_MONTH_NOT_BEGUN"
    message_ja = "まだ始まっていない月は締められません。"
    message_en = "A month that has not begun cannot be closed."


class MonthNotOverError(KofuError):
    code = "BILLING_MONTH_NOT_OVER"
    message_ja = (
        "終わっていない月は確定できません（確定後の交付は翌月に計上されます）。"
        "月末までは下書きで締めてください。"
    )
    message_en = (
        "A month cannot be made final before it has ended (later issues would be booked to "
        "the next month); close it as a draft until then."
    )


def parse_month(text: str) -> str:
    """``"2026-04"`` → ``"2026-04"``; anything else (2026-4, 2026/04, 2026-04-01, 2026-13,
    a year outside 2000–2099) → MonthInvalidError, with ``details["month"]`` as typed."""
    found = _MONTH.fullmatch(text.strip())
    if not found or not 1 <= int(found[2]) <= 12:
        raise MonthInvalidError(month=text[:20])
    if not FIRST_YEAR <= int(found[1]) <= LAST_YEAR:
        raise MonthInvalidError(month=text[:20])
    return found[0]


def check_closable(month: str, now: datetime, final: bool) -> None:
    """Raise MonthNotBegunError for a month after ``now``'s (JST), MonthNotOverError for a
    final close of ``now``'s own month; ``month`` as ``parse_month`` returns it."""
    current = now.astimezone(JST).strftime("%Y-%m")
    if month > current:
        raise MonthNotBegunError(month=month)
    if final and month == current:
        raise MonthNotOverError(month=month)
