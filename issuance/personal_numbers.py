"""Where a text holds a 住民票コード (11 digits) or a 個人番号 (12 digits): logs, public text.

Two readings of "a number", one per use. A log line is masked only where a run of 11 or 12
digits stands alone, so the digits inside a generated hex id (a request id, uuid4().hex) are
not taken for a code. A text to be published (the status page) is refused for any run of 11
or 12 digits, even between letters or split by spaces or hyphens as people write numbers
(``1234 5678 9012``, ``1234-5678-9012``): a refusal costs an operator one retyped sentence.
``\\d`` is Unicode: full-width digits (１２３…) count as digits in both.
"""

from __future__ import annotations

import re

# Letters and digits that would make a digit run part of a longer token (an id, a hex string).
_WORD = r"A-Za-zＡ-Ｚａ-ｚ\d"

# Exactly 11 or 12 digits with no letter or digit on either side (日本語 around them is fine).
STANDALONE_CODE = re.compile(rf"(?<![{_WORD}])(\d{{11,12}})(?![{_WORD}])")

# Separators people put inside a long number: spaces (half/full-width) and hyphen look-alikes.
_SEPARATOR = "[ \u3000\\-\u2010\u2011\u2012\u2013\u2014\u2212\uff0d\u30fc]"
# A maximal run of digits, single separators allowed between them.
_DIGITS_WITH_SEPARATORS = re.compile(rf"\d(?:{_SEPARATOR}?\d)*")
_DIGITS = re.compile(r"\d+")


def mask_standalone_codes(text: str) -> str:
    """``text`` with every stand-alone 11- or 12-digit number masked but its last four digits
    (``80000000019`` -> ``*******0019``); digits inside a hex id are left as they are."""
    return STANDALONE_CODE.sub(lambda m: "*" * (len(m.group(1)) - 4) + m.group(1)[-4:], text)


def holds_personal_number(text: str) -> bool:
    """True when ``text`` holds a run of 11 or 12 digits (half- or full-width), whether or not
    letters touch it and whether or not spaces or hyphens split it."""
    for pattern in (_DIGITS, _DIGITS_WITH_SEPARATORS):
        for match in pattern.finditer(text):
            if 11 <= _count(match.group()) <= 12:
                return True
    return False


def _count(run: str) -> int:
    return sum(len(part) for part in _DIGITS.findall(run))


__all__ = ["STANDALONE_CODE", "holds_personal_number", "mask_standalone_codes"]
