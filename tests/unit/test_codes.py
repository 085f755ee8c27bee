"""Check digits of the national codes."""

import pytest

from issuance.codes import (
    InvalidCodeError,
    mask_juminhyo_code,
    validate_juminhyo_code,
    validate_municipality_code,
    validate_my_number,
    with_check_digit,
)


@pytest.mark.parametrize("code", ["131016", "011002", "271004", "112216", "263222"])
def test_published_local_government_codes_are_accepted(code: str) -> None:
    assert validate_municipality_code(code) == code


@pytest.mark.parametrize("code", ["131015", "01100", "0110021", "01100a", "１３１０１６"])
def test_a_wrong_check_digit_or_shape_is_refused_with_a_stable_code(code: str) -> None:
    with pytest.raises(InvalidCodeError) as refused:
        validate_municipality_code(code)
    assert refused.value.code == "INVALID_CODE"
    assert refused.value.message_ja and refused.value.message_en


def test_a_my_number_with_its_published_check_digit_is_accepted() -> None:
    assert validate_my_number("123456789018") == "123456789018"
    with pytest.raises(InvalidCodeError):
        validate_my_number("123456789012")


def test_juminhyo_codes_made_with_their_check_digit_validate_and_one_digit_off_does_not() -> None:
    code = with_check_digit("8000000001", "juminhyo")
    assert validate_juminhyo_code(code) == code
    wrong = code[:-1] + str((int(code[-1]) + 1) % 10)
    with pytest.raises(InvalidCodeError):
        validate_juminhyo_code(wrong)


def test_masked_codes_show_only_the_last_four_digits() -> None:
    assert mask_juminhyo_code("80000000012") == "*******0012"
