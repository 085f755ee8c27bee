"""The published 異動 format's examples are themselves valid files."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

from issuance.index.idou_file import IdouKind, read_idou

DOC = Path(__file__).parents[2] / "docs" / "index-format.md"
TODAY = date(2026, 11, 29)


def example(language: str) -> bytes:
    found = re.search(rf"```{language}\n(.*?)```", DOC.read_text(), re.S)
    assert found is not None
    return found.group(1).encode()


def test_the_documented_json_example_reads_without_problems() -> None:
    read = read_idou(example("json"), ".json", TODAY)
    assert read.problems == []
    assert [r.kind for r in read.rows] == [IdouKind.DEATH, IdouKind.BIRTH, IdouKind.MOVE_IN]


def test_the_documented_csv_example_reads_without_problems() -> None:
    read = read_idou(example("csv"), ".csv", TODAY)
    assert read.problems == [] and len(read.rows) == 2
