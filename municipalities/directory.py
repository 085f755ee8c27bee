"""The municipality directory issuance asks for names, fees and hours (a port adapter)."""

from __future__ import annotations

from sqlalchemy import or_, select

from issuance.ports import MaintenanceWindow as Window
from issuance.ports import MunicipalityInfo, Offering, UnitOfWork
from municipalities.model import MaintenanceWindow, Municipality

_SEEN = "kofu.municipalities"


def to_info(municipality: Municipality, windows: tuple[Window, ...] = ()) -> MunicipalityInfo:
    return MunicipalityInfo(
        code=municipality.code,
        name=municipality.name,
        prefecture=municipality.prefecture,
        mayor_title=municipality.mayor_title,
        mayor_name=municipality.mayor_name,
        participating=municipality.participating,
        backend_kind=municipality.backend_kind.value,
        offerings={
            o.kind: Offering(o.kind, o.offered, o.fee, o.opens, o.closes, o.weekdays_only)
            for o in municipality.offerings
        },
        wide_area_tax=municipality.wide_area_tax,
        koseki_registration_days=municipality.koseki_registration_days,
        maintenance=windows,
        backend_settings=dict(municipality.backend_settings or {}),
    )


class SqlMunicipalityDirectory:
    """Municipalities as issuance sees them, read once per unit of work.

    A menu routes every certificate kind, and each route asks for the same one or two
    municipalities: the answers are kept in the session's ``info`` for the life of that
    transaction (a new unit of work reads again, so a changed fee or window is seen at once).
    """

    def get(self, uow: UnitOfWork, code: str) -> MunicipalityInfo | None:
        seen: dict[str, MunicipalityInfo | None] = uow.session.info.setdefault(_SEEN, {})
        if code not in seen:
            seen[code] = self._read(uow, code)
        return seen[code]

    def _read(self, uow: UnitOfWork, code: str) -> MunicipalityInfo | None:
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
        return to_info(municipality, windows)
