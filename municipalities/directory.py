"""The municipality directory issuance asks for names, fees and hours (a port adapter)."""

from __future__ import annotations

from issuance.ports import MunicipalityInfo, Offering, UnitOfWork
from municipalities.model import Municipality


def to_info(municipality: Municipality) -> MunicipalityInfo:
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
    )


class SqlMunicipalityDirectory:
    def get(self, uow: UnitOfWork, code: str) -> MunicipalityInfo | None:
        municipality = uow.session.get(Municipality, code)
        return None if municipality is None else to_info(municipality)
