"""The published municipal protocol is the one the centre validates answers with."""

from __future__ import annotations

import json
from pathlib import Path

from municipalities.protocol import protocol_document

DOC = Path(__file__).parents[2] / "docs" / "municipal-protocol.openapi.json"


def test_the_published_document_is_the_generated_one() -> None:
    published = DOC.read_text(encoding="utf-8")
    generated = json.dumps(protocol_document(), ensure_ascii=False, indent=2) + "\n"
    assert published == generated, "regenerate docs/municipal-protocol.openapi.json"


def test_a_foreign_resident_is_one_of_the_six_categories_of_article_30_45() -> None:
    schemas = json.loads(DOC.read_text(encoding="utf-8"))["paths"]["/v2/records/household"]
    record = schemas["post"]["responses"]["200"]["content"]["application/json"]["schema"]
    foreign = record["properties"]["record"]["$defs"]["Person"]["properties"]["foreign"]
    union = next(option for option in foreign["anyOf"] if "oneOf" in option)
    assert sorted(union["discriminator"]["mapping"]) == sorted(
        [
            "中長期在留者",
            "特別永住者",
            "一時庇護許可者",
            "仮滞在許可者",
            "出生による経過滞在者",
            "国籍喪失による経過滞在者",
        ]
    )
