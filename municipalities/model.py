"""Municipalities taking part (or not), and what each offers at kiosks, at what fee and hours."""

from __future__ import annotations

import enum
from datetime import datetime, time
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, LargeBinary, String, Time
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates

from issuance.codes import validate_municipality_code
from issuance.db import Base, UtcDateTime, str_enum


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
    offerings: Mapped[list[CertificateOffering]] = relationship(
        back_populates="municipality", cascade="all, delete-orphan", lazy="selectin"
    )

    @validates("code")
    def _valid_code(self, _key: str, value: str) -> str:
        return validate_municipality_code(value)


class CertificateOffering(Base):
    """One certificate kind at one municipality: offered or not, kiosk fee, service hours (JST)."""

    __tablename__ = "municipalities_certificate_offering"

    municipality_code: Mapped[str] = mapped_column(
        ForeignKey("municipalities_municipality.code"), primary_key=True
    )
    kind: Mapped[str] = mapped_column(String(20), primary_key=True)
    offered: Mapped[bool] = mapped_column(default=True)
    fee: Mapped[int] = mapped_column(default=200)
    opens: Mapped[time] = mapped_column(Time, default=time(6, 30))
    closes: Mapped[time] = mapped_column(Time, default=time(23, 0))
    weekdays_only: Mapped[bool] = mapped_column(default=False)
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


class OfferingChange(Base):
    """A scheduled change of one kind's offering, in effect from ``effective_from``.

    The offering in effect at ``t`` is the latest change with ``effective_from <= t``, else
    the ``CertificateOffering`` row. Changes are kept (history); none is ever edited.
    """

    __tablename__ = "municipalities_offering_change"
    __table_args__ = (
        Index("ix_municipalities_offering_change_when", "municipality_code", "effective_from"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    municipality_code: Mapped[str] = mapped_column(ForeignKey("municipalities_municipality.code"))
    kind: Mapped[str] = mapped_column(String(20))
    effective_from: Mapped[datetime] = mapped_column(UtcDateTime())
    offered: Mapped[bool]
    fee: Mapped[int]  # yen per copy
    opens: Mapped[time] = mapped_column(Time)  # JST
    closes: Mapped[time] = mapped_column(Time)
    weekdays_only: Mapped[bool]
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
