"""The rules a maintenance window must meet before it is announced."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from issuance.calendar import JST
from issuance.staff.errors import StaffInputError
from municipalities.maintenance import WindowInput, validate_window

NOW = datetime(2026, 12, 6, 10, 0, tzinfo=JST)


def window(
    starts: timedelta, length: timedelta, kind: str | None = None, note: str = ""
) -> WindowInput:
    return WindowInput(NOW + starts, NOW + starts + length, kind, note)


def test_a_window_from_now_up_to_seven_days_long_is_accepted_with_its_note_stripped() -> None:
    accepted = validate_window(window(timedelta(0), timedelta(days=7), "inkan", " 更新 "), NOW)
    assert accepted.note == "更新" and accepted.kind == "inkan"


@pytest.mark.parametrize(
    ("candidate", "code"),
    [
        (window(timedelta(minutes=-1), timedelta(hours=1)), "MAINTENANCE_IN_PAST"),
        (window(timedelta(hours=1), timedelta(0)), "MAINTENANCE_END_BEFORE_START"),
        (window(timedelta(hours=1), timedelta(days=7, seconds=1)), "MAINTENANCE_TOO_LONG"),
        (window(timedelta(hours=1), timedelta(hours=1), "passport"), "MAINTENANCE_KIND_UNKNOWN"),
        (
            window(timedelta(hours=1), timedelta(hours=1), None, "x" * 201),
            "MAINTENANCE_NOTE_TOO_LONG",
        ),
    ],
)
def test_a_window_that_breaks_a_rule_is_refused_with_its_code(
    candidate: WindowInput, code: str
) -> None:
    with pytest.raises(StaffInputError) as refused:
        validate_window(candidate, NOW)
    assert refused.value.code == code and refused.value.message_ja and refused.value.message_en
