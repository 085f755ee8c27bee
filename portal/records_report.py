"""An import's report as staff read it: section names and problems in their language, and
the CSV download (UTF-8 with a BOM: Excel in Japan reads it without an import wizard)."""

from __future__ import annotations

import codecs
import csv
import io
from typing import Any

from portal.i18n import lang
from portal.strings import STRINGS

CSV_HEADER = ("区分 section", "行 row", "項目 field", "コード code", "問題", "problem")


def _words(key: str, fallback: str) -> tuple[str, str]:
    return STRINGS.get(key, (fallback, fallback))


def section_label(section: str) -> str:
    """``residents`` → 住民票 (Residents); ``-`` is the file as a whole."""
    ja, en = _words(f"section_{section}", section)
    return en if lang() == "en" else ja


def problem_words(code: str) -> tuple[str, str]:
    """A problem code's explanation (Japanese, English); a generic one for an unknown code."""
    return STRINGS.get(f"problem_{code}", STRINGS["problem_OTHER"])


def problem_words_of(problem: dict[str, Any]) -> tuple[str, str]:
    """One stored problem's explanation (Japanese, English), with the row it repeats."""
    ja, en = problem_words(str(problem["code"]))
    if problem.get("ref"):
        ref_ja, ref_en = STRINGS["problem_ref"]
        ja, en = ja + ref_ja.format(n=problem["ref"]), en + ref_en.format(n=problem["ref"])
    return ja, en


def problem_text(problem: dict[str, Any]) -> str:
    """One stored problem's explanation in this request's language."""
    ja, en = problem_words_of(problem)
    return en if lang() == "en" else ja


def _cell(text: object) -> str:
    """A name taken from the file (an unknown column, say), never run by Excel as a formula."""
    value = str(text)
    return "'" + value if value[:1] in ("=", "+", "-", "@") and value != "-" else value


def report_csv(problems: list[dict[str, Any]]) -> bytes:
    """One line per problem: section, row, field, code, the problem in Japanese and English.

    Only where and what: the upload's values are never stored, so never written here.
    """
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_HEADER)
    for p in problems:
        ja, en = problem_words_of(p)
        writer.writerow((_cell(p["section"]), p["row"], _cell(p["field"]), p["code"], ja, en))
    return codecs.BOM_UTF8 + out.getvalue().encode("utf-8")
