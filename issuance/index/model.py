"""The national resident index (our stand-in for 住基ネット) and the card → resident links."""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from issuance.db import Base, UtcDateTime, str_enum


class ResidentStatus(enum.StrEnum):
    RESIDENT = "resident"
    MOVED_ABROAD = "moved_abroad"  # 国外転出者
    DECEASED = "deceased"


class Resident(Base):
    """One person in the national index: where they live now and where their 本籍 is."""

    __tablename__ = "issuance_resident"

    juminhyo_code: Mapped[str] = mapped_column(String(11), primary_key=True)
    municipality_code: Mapped[str | None] = mapped_column(String(6), index=True)
    honseki_municipality_code: Mapped[str | None] = mapped_column(String(6))
    status: Mapped[ResidentStatus] = mapped_column(str_enum(ResidentStatus, 20))
    birth_date: Mapped[date] = mapped_column(Date)
    # DV等支援措置: the centre keeps its own list and refuses whatever a backend says.
    dv_protected: Mapped[bool] = mapped_column(default=False)
    moving_out: Mapped[bool] = mapped_column(default=False)  # 転出届 filed
    # Loaded with the resident in one query: every route looks at them (moves, tax years).
    residences: Mapped[list[Residence]] = relationship(
        back_populates="resident",
        order_by="Residence.from_date",
        cascade="all, delete-orphan",
        lazy="joined",
    )

    def municipality_on(self, day: date) -> str | None:
        """The municipality the person was registered in on ``day`` (tax certificates need it)."""
        for residence in self.residences:
            if residence.from_date <= day and (
                residence.to_date is None or day < residence.to_date
            ):
                return residence.municipality_code
        return None


class Residence(Base):
    """A stretch of registered residence in one municipality; ``to_date`` is exclusive."""

    __tablename__ = "issuance_residence"

    id: Mapped[int] = mapped_column(primary_key=True)
    juminhyo_code: Mapped[str] = mapped_column(
        ForeignKey("issuance_resident.juminhyo_code"), index=True
    )
    municipality_code: Mapped[str] = mapped_column(String(6))
    from_date: Mapped[date] = mapped_column(Date)
    to_date: Mapped[date | None] = mapped_column(Date)
    resident: Mapped[Resident] = relationship(back_populates="residences")


class CardLink(Base):
    """A user-authentication certificate, linked to the resident it was issued to.

    Synced daily from JPKI: a card is usable at kiosks from the day after its link appears.
    """

    __tablename__ = "issuance_card_link"

    certificate_fingerprint: Mapped[str] = mapped_column(String(64), primary_key=True)
    juminhyo_code: Mapped[str] = mapped_column(
        ForeignKey("issuance_resident.juminhyo_code"), index=True
    )
    usable_from: Mapped[date] = mapped_column(Date)
    linked_at: Mapped[datetime] = mapped_column(UtcDateTime())


class AppliedIdou(Base):
    """A 異動 already applied, by its id: the same file twice changes nothing the second time."""

    __tablename__ = "issuance_applied_idou"

    idou_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    digest: Mapped[str] = mapped_column(String(64))  # Idou.digest(): what the 異動 said
    juminhyo_code: Mapped[str] = mapped_column(String(11), index=True)
    kind: Mapped[str] = mapped_column(String(30))
    idou_date: Mapped[date] = mapped_column(Date)
    applied_at: Mapped[datetime] = mapped_column(UtcDateTime())


class OutOfSyncAlarm(Base):
    """One refusal because the issuer's records disagreed with the national index.

    The portal lists these per municipality so it learns that its records are stale. The
    person's 住民票コード stays in this centre-only table: never logged, never shown to a kiosk.
    """

    __tablename__ = "issuance_out_of_sync_alarm"
    __table_args__ = (
        Index("ix_issuance_out_of_sync_alarm_municipality_at", "municipality_code", "at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UtcDateTime())
    municipality_code: Mapped[str] = mapped_column(String(6))
    certificate_kind: Mapped[str] = mapped_column(String(20))
    failed_check: Mapped[str] = mapped_column(String(40))  # a name from issuance/index/check.py
    stage: Mapped[str] = mapped_column(String(20))  # "submission" or "render"
    request_id: Mapped[str | None] = mapped_column(String(32))
    juminhyo_code: Mapped[str | None] = mapped_column(String(11))
