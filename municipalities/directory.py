"""The municipality directory issuance asks for names, fees and hours (a port adapter)."""

from __future__ import annotations

from sqlalchemy import or_, select

from issuance.ports import MaintenanceWindow as Window
from issuance.ports import (
    MunicipalityInfo,
    Offering,
    ScheduledIdentity,
    ScheduledOffering,
    ScheduledSettings,
    UnitOfWork,
)
from issuance.reference import VersionedCache
from issuance.unit_of_work import SqlUnitOfWork, sql_unit_of_work
from municipalities.model import (
    IssuerIdentity,
    MaintenanceWindow,
    Municipality,
    OfferingChange,
    SettingChange,
)


def scheduled_offering(change: OfferingChange) -> ScheduledOffering:
    """A stored change as the domain reads it (only the fields it sets)."""
    return ScheduledOffering(change.effective_from, change.kind, change.changes)


def scheduled_settings(change: SettingChange) -> ScheduledSettings:
    """A stored settings change as the domain reads it."""
    return ScheduledSettings(
        change.effective_from, change.koseki_registration_days, change.wide_area_tax
    )


def scheduled_identity(row: IssuerIdentity) -> ScheduledIdentity:
    """A stored issuer identity as the domain reads it."""
    return ScheduledIdentity(
        row.effective_from, row.mayor_title, row.mayor_name, row.header, row.seal_png
    )


def to_info(
    municipality: Municipality,
    windows: tuple[Window, ...] = (),
    scheduled: tuple[ScheduledOffering, ...] = (),
    settings: tuple[ScheduledSettings, ...] = (),
    identities: tuple[ScheduledIdentity, ...] = (),
) -> MunicipalityInfo:
    return MunicipalityInfo(
        code=municipality.code,
        name=municipality.name,
        prefecture=municipality.prefecture,
        mayor_title=municipality.mayor_title,
        mayor_name=municipality.mayor_name,
        participating=municipality.participating,
        backend_kind=municipality.backend_kind.value,
        offerings={
            o.kind: Offering(o.kind, o.offered, o.fee, o.hours) for o in municipality.offerings
        },
        wide_area_tax=municipality.wide_area_tax,
        koseki_registration_days=municipality.koseki_registration_days,
        maintenance=windows,
        backend_settings=dict(municipality.backend_settings or {}),
        scheduled=scheduled,
        scheduled_settings=settings,
        identities=identities,
        suspended=municipality.suspended_at is not None,
    )


class SqlMunicipalityDirectory:
    """Municipalities as issuance sees them, kept per process while reference data is unchanged.

    Every sign-in routes every certificate kind, and each route asks for the same one or two
    municipalities. Scheduled offering and settings changes come with it, each applied from its
    own date and time (``MunicipalityInfo.offering_at``, ``settings_at``, ``issuer_at``), so
    a kept entry stays right when a change comes into effect (a new mayor from a date). A
    changed fee, hour, setting, maintenance window or identity bumps the reference version, so
    the next transaction in every process reads the municipality again (issuance/reference.py).
    """

    def __init__(self) -> None:
        self._cache: VersionedCache[str, MunicipalityInfo] = VersionedCache()

    def get(self, uow: UnitOfWork, code: str) -> MunicipalityInfo | None:
        sql = sql_unit_of_work(uow)
        return self._cache.get(uow, code, lambda: read_info(sql, code))


def read_info(uow: SqlUnitOfWork, code: str) -> MunicipalityInfo | None:
    """Municipality ``code`` as issuance sees it, read now (no cache); None when unknown."""
    municipality = uow.session.get(Municipality, code)
    if municipality is None:
        return None
    rows = uow.session.scalars(
        select(MaintenanceWindow).where(
            or_(
                MaintenanceWindow.municipality_code == code,
                MaintenanceWindow.municipality_code.is_(None),
            )
        )
    )
    windows = tuple(Window(r.starts_at, r.ends_at, r.kind) for r in rows)
    changes = uow.session.scalars(
        select(OfferingChange)
        .where(OfferingChange.municipality_code == code)
        .order_by(OfferingChange.effective_from, OfferingChange.id)
    )
    settings = uow.session.scalars(
        select(SettingChange)
        .where(SettingChange.municipality_code == code)
        .order_by(SettingChange.effective_from, SettingChange.id)
    )
    identities = uow.session.scalars(
        select(IssuerIdentity)
        .where(IssuerIdentity.municipality_code == code)
        .order_by(IssuerIdentity.effective_from, IssuerIdentity.id)
    )
    return to_info(
        municipality,
        windows,
        tuple(scheduled_offering(c) for c in changes),
        tuple(scheduled_settings(c) for c in settings),
        tuple(scheduled_identity(i) for i in identities),
    )
