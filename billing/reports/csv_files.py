"""The one way billing's reports write a CSV file: UTF-8 with a BOM (so Excel opens it as
UTF-8, not as Shift_JIS), a header row, then the rows."""

from __future__ import annotations

import csv
from collections.abc import Sequence
from pathlib import Path


def write_csv(path: Path, header: Sequence[str], rows: Sequence[Sequence[object]]) -> Path:
    """Write ``header`` and ``rows`` to ``path``; returns ``path``."""
    with path.open("w", newline="", encoding="utf-8-sig") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)
    return path
