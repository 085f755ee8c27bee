"""The append-only fee ledger: one event per printed request, voids for failed prints."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import Enum, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from issuance.db import Base, UtcDateTime


class EventType(enum.StrEnum):
    ISSUE = "issue"
    VOID = "void"


class BillingEvent(Base):
    __tablename__ = "billing_event"
    # One event of each type per request, enforced by the database: never a double charge.
    __table_args__ = (UniqueConstraint("request_id", "event_type"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[str] = mapped_column(String(32))
    event_type: Mapped[EventType] = mapped_column(
        Enum(
            EventType, native_enum=False, length=10, values_callable=lambda e: [m.value for m in e]
        )
    )
    municipality_code: Mapped[str] = mapped_column(String(6), index=True)
    kiosk_id: Mapped[str] = mapped_column(String(32))
    operator_id: Mapped[str] = mapped_column(String(32))
    channel: Mapped[str] = mapped_column(String(20))
    certificate_kind: Mapped[str] = mapped_column(String(20))
    copies: Mapped[int]
    fee_total: Mapped[int]  # collected from the resident on the municipality's behalf
    commission_total: Mapped[int]  # owed to the kiosk operator
    occurred_at: Mapped[datetime] = mapped_column(UtcDateTime(), index=True)
