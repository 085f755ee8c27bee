"""適格請求書発行事業者の登録番号 (qualified invoice issuer registration numbers).

A registration number is "T" and a 13-digit 法人番号 whose first digit is a check digit
(法人番号の指定等に関する省令 第2条): 9 − (Σ Pn × Qn mod 9), Pn the n-th of the other twelve
digits counted from the right, Qn 1 for odd n and 2 for even n. Source: 国税庁「適格請求書等保存方式
の概要」(登録番号の構成), 法人番号の指定等に関する省令.
"""

from __future__ import annotations

import re

_NUMBER = re.compile(r"T(\d)(\d{12})")


def check_digit(base: str) -> int:
    """The 法人番号 check digit of ``base`` (12 digits)."""
    total = sum(int(d) * (1 if n % 2 else 2) for n, d in enumerate(reversed(base), start=1))
    return 9 - total % 9


def is_registration_number(text: str) -> bool:
    """True for "T" + a 13-digit 法人番号 with a valid check digit (T1234567890123 style)."""
    found = _NUMBER.fullmatch(text)
    return bool(found) and int(found[1]) == check_digit(found[2])  # type: ignore[index]


def registration_number(base: str) -> str:
    """The registration number of the 12-digit ``base`` (its check digit put in front)."""
    return f"T{check_digit(base)}{base}"
