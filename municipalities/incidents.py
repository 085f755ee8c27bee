"""Incidents the centre's operators declare on the public status page, and close when over.

The page also shows what the centre detects by itself (municipalities/public_status.py); a
declared incident is for what it cannot see: a carrier's line down, a kiosk chain's outage,
a problem being investigated. Its text is public: it must name no person.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import String, select
from sqlalchemy.orm import Mapped, mapped_column

from issuance.db import Base, UtcDateTime
from issuance.errors import KofuError
from issuance.personal_numbers import holds_personal_number
from issuance.staff.services import audit
from issuance.unit_of_work import SqlUnitOfWork
from municipalities.model import Municipality

MESSAGE_LENGTH = 200


class StatusIncident(Base):
    """One declared incident: no municipality = every municipality. Closed ones are kept."""

    __tablename__ = "municipalities_status_incident"

    id: Mapped[int] = mapped_column(primary_key=True)
    municipality_code: Mapped[str | None] = mapped_column(String(6), index=True)
    message_ja: Mapped[str] = mapped_column(String(MESSAGE_LENGTH))
    message_en: Mapped[str] = mapped_column(String(MESSAGE_LENGTH))
    opened_at: Mapped[datetime] = mapped_column(UtcDateTime())
    closed_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), default=None)


class IncidentError(KofuError):
    """An incident refused: ``code`` says why (INCIDENT_MESSAGE_MISSING…)."""

    code = "INCIDENT_INVALID"


@dataclass(frozen=True)
class IncidentInput:
    municipality_code: str | None  # None: nationwide
    message_ja: str
    message_en: str


def open_incident(
    uow: SqlUnitOfWork, incident: IncidentInput, now: datetime, by: int | None = None
) -> StatusIncident:
    """Declare ``incident`` from ``now`` (one commit); it shows on the page at once. ``by``:
    the portal account declaring it, audited (None: `kofu status`, an operator's shell).

    Raises IncidentError: INCIDENT_MESSAGE_MISSING (either language empty),
    INCIDENT_MESSAGE_TOO_LONG (over 200 characters), STATUS_TEXT_PERSONAL_DATA (an 11- or
    12-digit number, a 住民票コード or 個人番号 by its shape: issuance/personal_numbers.py),
    INCIDENT_MUNICIPALITY_UNKNOWN.
    """
    ja, en = incident.message_ja.strip(), incident.message_en.strip()
    if not ja or not en:
        raise IncidentError(
            "INCIDENT_MESSAGE_MISSING",
            "日本語と英語の両方の説明を入力してください。",
            "Give the message in both Japanese and English.",
        )
    if max(len(ja), len(en)) > MESSAGE_LENGTH:
        raise IncidentError(
            "INCIDENT_MESSAGE_TOO_LONG",
            f"説明は{MESSAGE_LENGTH}文字以内で入力してください。",
            f"A message must be at most {MESSAGE_LENGTH} characters.",
        )
    if holds_personal_number(ja) or holds_personal_number(en):
        raise IncidentError(
            "STATUS_TEXT_PERSONAL_DATA",
            "公開される説明に11桁・12桁の番号（住民票コード・個人番号の形）は書けません。"
            "番号を除いて入力してください。",
            "A public message cannot hold an 11- or 12-digit number (the shape of a resident"
            " record code or an Individual Number); leave the number out.",
        )
    code = incident.municipality_code
    if code is not None and uow.session.get(Municipality, code) is None:
        raise IncidentError(
            "INCIDENT_MUNICIPALITY_UNKNOWN",
            "その団体コードの市区町村はありません。",
            "No municipality has that code.",
        )
    row = StatusIncident(municipality_code=code, message_ja=ja, message_en=en, opened_at=now)
    uow.session.add(row)
    uow.session.flush()  # its id, for the audit entry
    if by is not None:
        new = {"municipality_code": code, "message_ja": ja, "message_en": en}
        audit(uow, by, "incident_open", ("status_incident", str(row.id)), now, new=new)
    uow.commit()
    return row


def close_incident(
    uow: SqlUnitOfWork, incident_id: int, now: datetime, by: int | None = None
) -> StatusIncident:
    """Close incident ``incident_id`` at ``now`` (one commit); it leaves the page at once.
    ``by``: the portal account closing it, audited.

    Raises IncidentError INCIDENT_NOT_FOUND or INCIDENT_CLOSED (closed already).
    """
    row = uow.session.get(StatusIncident, incident_id)
    if row is None:
        raise IncidentError(
            "INCIDENT_NOT_FOUND", "その障害は登録されていません。", "No such incident."
        )
    if row.closed_at is not None:
        raise IncidentError(
            "INCIDENT_CLOSED", "その障害はすでに終了しています。", "The incident is closed already."
        )
    row.closed_at = now
    if by is not None:
        audit(uow, by, "incident_close", ("status_incident", str(row.id)), now)
    uow.commit()
    return row


def open_incidents(uow: SqlUnitOfWork) -> list[StatusIncident]:
    """Incidents not yet closed, the oldest first."""
    return list(
        uow.session.scalars(
            select(StatusIncident)
            .where(StatusIncident.closed_at.is_(None))
            .order_by(StatusIncident.opened_at, StatusIncident.id)
        )
    )
