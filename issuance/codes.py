"""Check digits of the national codes: 全国地方公共団体コード, 住民票コード and 個人番号."""

from __future__ import annotations

from issuance.errors import KofuError


class InvalidCodeError(KofuError):
    code = "INVALID_CODE"
    message_ja = "番号の形式または検査数字が正しくありません。"
    message_en = "The number is malformed or its check digit is wrong."


def municipality_check_digit(first_five: str) -> int:
    """全国地方公共団体コード: weights 6,5,4,3,2; the last digit of 11 - (sum mod 11)."""
    total = sum(int(d) * w for d, w in zip(first_five, (6, 5, 4, 3, 2), strict=True))
    return (11 - total % 11) % 10


def _modulus11(body: str) -> int:
    """Modulus 11, weights 2..7 from the rightmost digit; a remainder of 0 or 1 gives 0."""
    total = sum(int(d) * (2 + i % 6) for i, d in enumerate(reversed(body)))
    remainder = total % 11
    return 0 if remainder <= 1 else 11 - remainder


def my_number_check_digit(first_eleven: str) -> int:
    """個人番号 (総務省令第85号第5条): Qn = n+1 for n<=6, n-5 for n>=7, counted from the right."""
    total = 0
    for n, digit in enumerate(reversed(first_eleven), start=1):
        total += int(digit) * (n + 1 if n <= 6 else n - 5)
    remainder = total % 11
    return 0 if remainder <= 1 else 11 - remainder


def juminhyo_check_digit(first_ten: str) -> int:
    """住民票コード: modulus 11 with weights 2..7 (our reading of the published rule)."""
    return _modulus11(first_ten)


def _digits(value: str, length: int, label: str) -> str:
    if (
        not isinstance(value, str)
        or len(value) != length
        or not value.isascii()
        or not value.isdigit()
    ):
        raise InvalidCodeError(
            message_ja=f"{label}は半角数字{length}桁です。",
            message_en=f"{label} must be {length} ASCII digits.",
            field=label,
        )
    return value


def validate_municipality_code(value: str) -> str:
    _digits(value, 6, "全国地方公共団体コード")
    if municipality_check_digit(value[:5]) != int(value[5]):
        raise InvalidCodeError(
            message_ja="全国地方公共団体コードの検査数字が正しくありません。",
            message_en="The local government code's check digit is wrong.",
            field="municipality_code",
        )
    return value


def validate_juminhyo_code(value: str) -> str:
    _digits(value, 11, "住民票コード")
    if juminhyo_check_digit(value[:10]) != int(value[10]):
        raise InvalidCodeError(
            message_ja="住民票コードの検査数字が正しくありません。",
            message_en="The resident record code's check digit is wrong.",
            field="juminhyo_code",
        )
    return value


def validate_my_number(value: str) -> str:
    _digits(value, 12, "個人番号")
    if my_number_check_digit(value[:11]) != int(value[11]):
        raise InvalidCodeError(
            message_ja="個人番号の検査数字が正しくありません。",
            message_en="The My Number's check digit is wrong.",
            field="my_number",
        )
    return value


def with_check_digit(body: str, kind: str) -> str:
    """Complete ``body`` with its check digit; ``kind`` is municipality, juminhyo or my_number."""
    digit = {
        "municipality": municipality_check_digit,
        "juminhyo": juminhyo_check_digit,
        "my_number": my_number_check_digit,
    }[kind](body)
    return f"{body}{digit}"


def mask_juminhyo_code(value: str) -> str:
    """For logs and audit views: never the whole code."""
    return f"*******{value[-4:]}" if len(value) >= 4 else "****"
