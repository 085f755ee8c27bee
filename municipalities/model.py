"""Municipalities taking part (or not), and what each offers at kiosks, at what fee and hours."""

from __future__ import annotations

import enum
from datetime import datetime, time
from typing import Any

from sqlalchemy import (
    JSON,
    CheckConstraint,
    ForeignKey,
    Index,
    LargeBinary,
    String,
    Time,
    true,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates

from issuance.codes import validate_municipality_code
from issuance.db import Base, UtcDateTime, str_enum
from issuance.ports import OfferingChanges
from issuance.service_hours import DayClass, DayHours, ServiceHours


class MunicipalityClass(enum.StrEnum):
    DESIGNATED_CITY_1M = "designated_city_1m"  # 政令市 (人口100万人以上)
    DESIGNATED_CITY = "designated_city"  # 政令市
    CORE_CITY = "core_city"  # 中核市
    CITY = "city"  # 市
    SPECIAL_WARD = "special_ward"  # 特別区
    TOWN = "town"  # 町
    VILLAGE = "village"  # 村


class BackendKind(enum.StrEnum):
    BCL = "bcl"  # the shared cloud
    OWN_SERVER = "own_server"  # the municipality's own certificate server


class Municipality(Base):
    __tablename__ = "municipalities_municipality"

    code: Mapped[str] = mapped_column(String(6), primary_key=True)  # 全国地方公共団体コード
    name: Mapped[str] = mapped_column(String(40))
    prefecture: Mapped[str] = mapped_column(String(10))
    municipality_class: Mapped[MunicipalityClass] = mapped_column(str_enum(MunicipalityClass, 24))
    population: Mapped[int]
    participating: Mapped[bool] = mapped_column(default=True)
    backend_kind: Mapped[BackendKind] = mapped_column(
        str_enum(BackendKind, 24), default=BackendKind.BCL
    )
    backend_settings: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    mayor_title: Mapped[str] = mapped_column(String(40))
    mayor_name: Mapped[str] = mapped_column(String(40))
    wide_area_tax: Mapped[bool] = mapped_column(default=False)  # 課税証明書の広域交付
    koseki_registration_days: Mapped[int] = mapped_column(default=2)  # 利用登録 → usable
    # Suspended by the centre: still taking part, but its residents are refused at kiosks.
    suspended_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), default=None)
    offerings: Mapped[list[CertificateOffering]] = relationship(
        back_populates="municipality", cascade="all, delete-orphan", lazy="selectin"
    )

    @validates("code")
    def _valid_code(self, _key: str, value: str) -> str:
        return validate_municipality_code(value)


class HoursColumns:
    """Service hours by day class (JST): a NULL pair is closed on those days (checked by the
    tables' constraints ``<class>_hours``, migration 0015)."""

    # No column default: a None set here must stay NULL (closed), not become a default.
    weekday_opens: Mapped[time | None] = mapped_column(Time)  # 平日
    weekday_closes: Mapped[time | None] = mapped_column(Time)
    saturday_opens: Mapped[time | None] = mapped_column(Time)  # 土曜
    saturday_closes: Mapped[time | None] = mapped_column(Time)
    holiday_opens: Mapped[time | None] = mapped_column(Time)  # 日曜・祝日
    holiday_closes: Mapped[time | None] = mapped_column(Time)

    @property
    def hours(self) -> ServiceHours:
        def pair(opens: time | None, closes: time | None) -> DayHours | None:
            return None if opens is None or closes is None else DayHours(opens, closes)

        return ServiceHours(
            pair(self.weekday_opens, self.weekday_closes),
            pair(self.saturday_opens, self.saturday_closes),
            pair(self.holiday_opens, self.holiday_closes),
        )

    @hours.setter
    def hours(self, value: ServiceHours) -> None:
        for cls, day in value.items():
            setattr(self, f"{cls.value}_opens", day.opens if day else None)
            setattr(self, f"{cls.value}_closes", day.closes if day else None)


class CertificateOffering(HoursColumns, Base):
    """One certificate kind at one municipality: offered or not, kiosk fee, service hours (JST)
    by day class."""

    __tablename__ = "municipalities_certificate_offering"

    municipality_code: Mapped[str] = mapped_column(
        ForeignKey("municipalities_municipality.code"), primary_key=True
    )
    kind: Mapped[str] = mapped_column(String(20), primary_key=True)
    offered: Mapped[bool] = mapped_column(default=True)
    fee: Mapped[int] = mapped_column(default=200)
    municipality: Mapped[Municipality] = relationship(back_populates="offerings")


class MaintenanceWindow(Base):
    """An announced maintenance stop; no municipality = every municipality, no kind = all."""

    __tablename__ = "municipalities_maintenance_window"

    id: Mapped[int] = mapped_column(primary_key=True)
    municipality_code: Mapped[str | None] = mapped_column(String(6), index=True)
    kind: Mapped[str | None] = mapped_column(String(20))
    starts_at: Mapped[datetime] = mapped_column(UtcDateTime())
    ends_at: Mapped[datetime] = mapped_column(UtcDateTime())
    note: Mapped[str] = mapped_column(String(200), default="")


class OfferingChange(HoursColumns, Base):
    """A scheduled change of one kind's offering, in effect from ``effective_from``: only what
    the clerk changed. ``offered`` / ``fee`` NULL: left as it is; a day class whose
    ``<class>_changed`` is false keeps its hours (its pair then NULL, constraint
    ``<class>_change``, migration 0021). Rows from before 0021 set every field.

    The offering in effect at ``t`` is the ``CertificateOffering`` row with every change
    with ``effective_from <= t`` applied in that order (``MunicipalityInfo.offering_at``).
    Changes are kept (history); none is ever edited.
    """

    __tablename__ = "municipalities_offering_change"
    __table_args__ = (
        Index("ix_municipalities_offering_change_when", "municipality_code", "effective_from"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    municipality_code: Mapped[str] = mapped_column(ForeignKey("municipalities_municipality.code"))
    kind: Mapped[str] = mapped_column(String(20))
    effective_from: Mapped[datetime] = mapped_column(UtcDateTime())
    offered: Mapped[bool | None]  # None: left as it is
    fee: Mapped[int | None]  # yen per copy; None: left as it is
    weekday_changed: Mapped[bool] = mapped_column(default=True, server_default=true())
    saturday_changed: Mapped[bool] = mapped_column(default=True, server_default=true())
    holiday_changed: Mapped[bool] = mapped_column(default=True, server_default=true())
    account_id: Mapped[int | None] = mapped_column(ForeignKey("portal_staff_account.id"))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())

    @property
    def changes(self) -> OfferingChanges:
        """What this change sets, as the domain reads it."""
        return OfferingChanges(
            self.offered,
            self.fee,
            tuple(
                (cls, day)
                for cls, day in self.hours.items()
                if getattr(self, f"{cls.value}_changed")
            ),
        )

    @changes.setter
    def changes(self, value: OfferingChanges) -> None:
        self.offered, self.fee = value.offered, value.fee
        days = dict(value.hours)
        for cls in DayClass:
            day = days.get(cls)
            setattr(self, f"{cls.value}_changed", cls in days)
            setattr(self, f"{cls.value}_opens", day.opens if day else None)
            setattr(self, f"{cls.value}_closes", day.closes if day else None)


class SettingChange(Base):
    """A scheduled change of a municipality's own settings, in effect from ``effective_from``:
    the 戸籍 利用登録 delay (business days) and the 課税証明書 wide-area opt-in.

    The settings in effect at ``t`` are the latest change with ``effective_from <= t``, else
    the ``Municipality`` row's. Changes are kept (history); none is ever edited.
    """

    __tablename__ = "municipalities_setting_change"
    __table_args__ = (
        # one change from one moment (two posts racing: the second fails, not a second row)
        Index(
            "ix_municipalities_setting_change_when",
            "municipality_code",
            "effective_from",
            unique=True,
        ),
        CheckConstraint(
            "koseki_registration_days BETWEEN 0 AND 30", name="registration_days_bounded"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    municipality_code: Mapped[str] = mapped_column(ForeignKey("municipalities_municipality.code"))
    effective_from: Mapped[datetime] = mapped_column(UtcDateTime())
    koseki_registration_days: Mapped[int]
    wide_area_tax: Mapped[bool]
    account_id: Mapped[int | None] = mapped_column(ForeignKey("portal_staff_account.id"))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())


class IssuerIdentity(Base):
    """Who certifies the municipality's documents from ``effective_from``: the mayor's title
    and name as printed (elections, an acting mayor), the masthead's wording, the 公印.

    The identity in effect at ``t`` is the latest row with ``effective_from <= t``, else the
    municipality's ``mayor_title``/``mayor_name`` with the drawn seal. Rows are kept (history);
    none is ever edited. ``seal_png`` is the checked upload (an SVG is stored rasterised);
    None keeps the seal drawn from the municipality's name.
    """

    __tablename__ = "municipalities_issuer_identity"
    __table_args__ = (
        Index("ix_municipalities_issuer_identity_when", "municipality_code", "effective_from"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    municipality_code: Mapped[str] = mapped_column(ForeignKey("municipalities_municipality.code"))
    effective_from: Mapped[datetime] = mapped_column(UtcDateTime())
    mayor_title: Mapped[str] = mapped_column(String(40))
    mayor_name: Mapped[str] = mapped_column(String(40))
    header: Mapped[str] = mapped_column(String(60), default="")
    seal_png: Mapped[bytes | None] = mapped_column(LargeBinary)
    seal_sha256: Mapped[str | None] = mapped_column(String(64))
    account_id: Mapped[int | None] = mapped_column(ForeignKey("portal_staff_account.id"))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
