"""The binding check: a backend's answer is used only for the query it answers (DOMAIN §7)."""

from __future__ import annotations

from typing import Any, TypeVar

from issuance.records import BackendAnswer, RecordQuery
from issuance.refusals import RefusalError

R = TypeVar("R")


def bound_record(answer: BackendAnswer[R] | None, query: RecordQuery, missing: str) -> R:
    """The record, only if the answer is for this request, this resident, this municipality."""
    if answer is None:
        raise RefusalError(missing)
    record: Any = answer.record
    if (
        not answer.answers(query)
        or getattr(record, "municipality_code", None) != query.municipality_code
        or (hasattr(record, "juminhyo_code") and record.juminhyo_code != query.juminhyo_code)
    ):
        raise RefusalError("RECORD_MISMATCH")  # an answer for someone else is never rendered
    return answer.record
