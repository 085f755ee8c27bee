"""A last line of defence: mask 住民票コード and 個人番号 in whatever reaches a log handler.

This is a backstop, not the rule. The rule is that no log line carries personal data in the
first place: engines hide statement parameters (``centre/database.py``), log calls name
requests by id and codes through ``mask_juminhyo_code``. Names cannot be recognised by a
pattern, so this filter cannot save a log call that prints one; it only catches the 11-digit
住民票コード and the 12-digit 個人番号 that slip through (a PostgreSQL DETAIL line quoting a key,
a library's warning quoting input).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable

from issuance.personal_numbers import mask_standalone_codes


def mask_codes(text: str) -> str:
    """``text`` with every stand-alone 11- or 12-digit number masked but its last four digits;
    not part of a longer number (timestamps, byte counts) nor of a hex id (request ids): the
    rule is in ``issuance/personal_numbers.py``."""
    return mask_standalone_codes(text)


class PersonalDataFilter(logging.Filter):
    """Rewrites a record's message, traceback and stack so no 住民票コード or 個人番号 is left."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # noqa: BLE001 - a bad format string is the handler's to report
            return True
        record.msg, record.args = mask_codes(message), None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = mask_codes(record.exc_text)
        if record.stack_info:
            record.stack_info = mask_codes(record.stack_info)
        return True


def install(loggers: Iterable[logging.Logger]) -> None:
    """Add the filter to every handler of ``loggers`` (once each)."""
    for logger in loggers:
        for handler in logger.handlers:
            if not any(isinstance(f, PersonalDataFilter) for f in handler.filters):
                handler.addFilter(PersonalDataFilter())


__all__ = ["PersonalDataFilter", "install", "mask_codes"]
