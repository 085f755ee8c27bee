"""Reading a BCL extract file (JSON, or a ZIP of CSVs): any unreadable part is a Problem."""

from __future__ import annotations

import csv
import io
import json
import zipfile
from pathlib import Path
from typing import Any

from issuance.excel_text import decode_excel_text
from municipalities.bcl_problems import ExtractRejectedError, Problem
from municipalities.bcl_rows import NESTED, SECTIONS


def _json(text: str, section: str, row: int, field: str) -> tuple[Any, list[Problem]]:
    try:
        return json.loads(text), []
    except json.JSONDecodeError as exc:
        where = f"line {exc.lineno} column {exc.colno}: {exc.msg}"
        # A whole file that is not JSON: its row is the line the parser stopped at.
        return None, [Problem(section, row or exc.lineno, field, "NOT_JSON", where)]


def _csv_rows(section: str, text: str) -> tuple[list[dict[str, Any]], list[Problem]]:
    """Rows of one section's CSV; a nested column that is not JSON is a problem of its row."""
    rows, problems = [], []
    for number, raw in enumerate(csv.DictReader(io.StringIO(text)), start=1):
        row: dict[str, Any] = {}
        for key, value in raw.items():
            if value in ("", None):
                continue
            if key in NESTED:
                value, bad = _json(value, section, number, key)
                problems += bad
            row[str(key)] = value
        rows.append(row)
    return rows, problems


def _text(raw: bytes, section: str) -> str:
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        problem = Problem(section, 0, "-", "BAD_ENCODING", f"not UTF-8 at byte {exc.start}")
        raise ExtractRejectedError([problem]) from exc


def _csv_text(raw: bytes, section: str) -> str:
    """A section's CSV as Excel saves it: UTF-8 (BOM or not) or CP932."""
    text = decode_excel_text(raw)
    if text is None:
        problem = Problem(section, 0, "-", "BAD_ENCODING", "neither UTF-8 nor CP932")
        raise ExtractRejectedError([problem])
    return text


ZIP_MAGIC = b"PK\x03\x04"


def _read_zip(path: Path | bytes) -> dict[str, Any]:
    try:
        archive = zipfile.ZipFile(io.BytesIO(path) if isinstance(path, bytes) else path)
    except zipfile.BadZipFile as exc:
        raise ExtractRejectedError([Problem("-", 0, "-", "NOT_A_ZIP", "")]) from exc
    problems: list[Problem] = []
    with archive:
        names = set(archive.namelist())
        data: dict[str, Any] = {}
        if "meta.json" in names:
            meta, problems = _json(_text(archive.read("meta.json"), "-"), "-", 0, "meta.json")
            if isinstance(meta, dict):
                data = meta
            elif not problems:
                problems = [Problem("-", 0, "meta.json", "NOT_AN_OBJECT", "")]
        for section in SECTIONS:
            if f"{section}.csv" in names:
                text = _csv_text(archive.read(f"{section}.csv"), section)
                data[section], bad = _csv_rows(section, text)
                problems += bad
    if problems:
        raise ExtractRejectedError(problems)
    return data


def read_extract_file(path: Path) -> dict[str, Any]:
    """A JSON extract, or a ZIP of one CSV per section (``residents.csv`` …) plus ``meta.json``.

    Returns the extract as a dict (sections as lists of rows, not yet validated). Raises
    ExtractRejectedError when the file cannot be read as one: not JSON (NOT_JSON, with the
    line), not UTF-8 (BAD_ENCODING; a CSV may also be CP932), not a ZIP (NOT_A_ZIP), a nested
    CSV cell that is not JSON (NOT_JSON on its row), or a JSON document that is not an object
    (NOT_AN_OBJECT).
    """
    if path.suffix == ".zip":
        return _read_zip(path)
    return read_extract_bytes(path.read_bytes())


def read_extract_bytes(data: bytes) -> dict[str, Any]:
    """``read_extract_file`` for an uploaded file: a ZIP (by its signature) or JSON.

    Section CSVs in a ZIP may be UTF-8 with or without a BOM, or CP932 (Excel's "CSV" in
    Japan); JSON is UTF-8 (RFC 8259), a BOM allowed. Raises ExtractRejectedError as above.
    """
    if data.startswith(ZIP_MAGIC):
        return _read_zip(data)
    loaded, problems = _json(_text(data, "-"), "-", 0, "-")
    if problems:
        raise ExtractRejectedError(problems)
    if not isinstance(loaded, dict):
        raise ExtractRejectedError([Problem("-", 0, "-", "NOT_AN_OBJECT", "")])
    return loaded
