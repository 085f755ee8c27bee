"""The logging backstop masks 住民票コード and 個人番号 in whatever reaches a handler."""

from __future__ import annotations

import io
import logging
from uuid import UUID

from hypothesis import given
from hypothesis import strategies as st

from centre.redaction import PersonalDataFilter, mask_codes


def test_eleven_and_twelve_digit_numbers_keep_only_their_last_four_digits() -> None:
    assert mask_codes("code 80000000019, my number 123456789018.") == (
        "code *******0019, my number ********9018."
    )


def test_shorter_and_longer_numbers_are_left_alone() -> None:
    text = "pid 4242 port 8000 at 20261206160716 id 1234567890"
    assert mask_codes(text) == text


def test_a_number_written_as_a_word_is_masked_in_japanese_and_full_width_too() -> None:
    assert mask_codes("個人番号123456789018の方 (80000000019)") == (
        "個人番号********9018の方 (*******0019)"
    )
    assert mask_codes("番号：１２３４５６７８９０１８。") == "番号：********９０１８。"


def test_digits_inside_a_hex_request_id_are_left_alone() -> None:
    request_id = "75773daa72f54046809570b98cc1995d"  # a user's garbled id, reported
    assert mask_codes(f'{{"request_id": "{request_id}"}}') == f'{{"request_id": "{request_id}"}}'
    line = "render_request('8da89b7bf00ddc123456780107f78d54')"
    assert mask_codes(line) == line


@given(st.uuids(version=4))
def test_a_uuid4_hex_id_is_never_altered(request_id: UUID) -> None:
    for text in (request_id.hex, f"request {request_id.hex} done", f"id={request_id.hex}"):
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
