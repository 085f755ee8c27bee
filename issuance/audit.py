"""The record-access audit: every read of a resident's record, who asked and why."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from issuance.model import RecordAccess
from issuance.ports import UnitOfWork


def audit_access(
    uow: UnitOfWork,
    juminhyo_codes: Iterable[str],
    municipality_code: str,
    kiosk_id: str,
    request_id: str | None,
    purpose: str,
    now: datetime,
    card_generation: str | None = None,
) -> None:
    """One audit row per person read; committed with the use case that read them.

    ``card_generation``: the generation of the card whose session asked (``rsa2048`` or
    ``p384``, issuance/sessions/signature_schemes.py), None for a read made without a card.
    """
    for code in juminhyo_codes:
        uow.audit.add(
            RecordAccess(
                at=now,
                juminhyo_code=code,
                municipality_code=municipality_code,
                kiosk_id=kiosk_id,
                request_id=request_id,
                purpose=purpose,
                card_generation=card_generation,
            )
        )
