"""The logging backstop masks 住民票コード and 個人番号 in whatever reaches a handler."""

from __future__ import annotations

import io
import logging

from centre.redaction import PersonalDataFilter, mask_codes


def test_eleven_and_twelve_digit_numbers_keep_only_their_last_four_digits() -> None:
    assert mask_codes("code 80000000019, my number 123456789018.") == (
        "code *******0019, my number ********9018."
    )


def test_shorter_and_longer_numbers_are_left_alone() -> None:
    text = "pid 4242 port 8000 at 20261206160716 id 1234567890"
    assert mask_codes(text) == text


def test_a_logged_message_and_its_traceback_are_masked() -> None:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(PersonalDataFilter())
    logger = logging.getLogger("tests.redaction")
    logger.addHandler(handler)
    logger.propagate = False
    try:
        try:
            raise RuntimeError("[parameters: {'juminhyo_code': '80000000019'}]")
        except RuntimeError:
            logger.exception("lookup of %s failed", "123456789018")
    finally:
        logger.removeHandler(handler)
    written = stream.getvalue()
    assert "80000000019" not in written and "123456789018" not in written
    assert "*******0019" in written and "********9018" in written
