"""The published BCL format's example is itself a valid extract."""

from __future__ import annotations

import json
import re
from pathlib import Path

from municipalities.bcl_import import validate_extract

DOC = Path(__file__).parents[2] / "docs" / "bcl-format.md"


def test_the_documented_json_example_validates() -> None:
    example = re.search(r"```json\n(.*?)```", DOC.read_text(), re.S)
    assert example is not None
    extract = validate_extract(json.loads(example.group(1)))
    assert extract.row_count == 9
