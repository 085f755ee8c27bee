"""The portal's words: (Japanese, English) by key, audit actions and audited fields.

Each area of the portal keeps its words in its own module; they are merged here, and a key
defined twice is an error at import (one word, one place).
"""

from __future__ import annotations

from portal.strings import (
    centre,
    common,
    hours,
    identity,
    incidents,
    money,
    offering_changes,
    records,
)

AREAS = (common, hours, identity, money, centre, records, offering_changes, incidents)


def _merged(name: str) -> dict[str, tuple[str, str]]:
    merged: dict[str, tuple[str, str]] = {}
    for area in AREAS:
        for key, words in getattr(area, name, {}).items():
            if key in merged:
                raise ValueError(f"portal string {key!r} is defined twice")
            merged[key] = words
    return merged


STRINGS = _merged("STRINGS")
ACTIONS = _merged("ACTIONS")
FIELDS: dict[str, str] = {k: v for area in AREAS for k, v in getattr(area, "FIELDS", {}).items()}
