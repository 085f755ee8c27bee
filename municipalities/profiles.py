"""Municipality profiles (class, population, participation) for billing, as a port adapter."""

from __future__ import annotations

from sqlalchemy import select

from issuance.ports import MunicipalityProfile, UnitOfWork
from issuance.unit_of_work import sql_unit_of_work
from municipalities.model import Municipality


def to_profile(municipality: Municipality) -> MunicipalityProfile:
    return MunicipalityProfile(
        code=municipality.code,
        name=municipality.name,
        prefecture=municipality.prefecture,
        municipality_class=municipality.municipality_class.value,
        population=municipality.population,
        participating=municipality.participating,
    )


class SqlMunicipalityProfiles:
    def all(self, uow: UnitOfWork) -> list[MunicipalityProfile]:
        rows = sql_unit_of_work(uow).session.execute(
            select(
                Municipality.code,
                Municipality.name,
                Municipality.prefecture,
                Municipality.municipality_class,
                Municipality.population,
                Municipality.participating,
            ).order_by(Municipality.code)
        )
        return [
            MunicipalityProfile(code, name, pref, klass.value, population, participating)
            for code, name, pref, klass, population, participating in rows
        ]

    def get(self, uow: UnitOfWork, code: str) -> MunicipalityProfile | None:
        municipality = sql_unit_of_work(uow).session.get(Municipality, code)
        return None if municipality is None else to_profile(municipality)


class StaticMunicipalityProfiles:
    """Profiles held in memory: tests, and analyses of data not in the database."""

    def __init__(self, profiles: list[MunicipalityProfile]) -> None:
        self._profiles = {p.code: p for p in profiles}

    def all(self, uow: UnitOfWork) -> list[MunicipalityProfile]:
        return list(self._profiles.values())

    def get(self, uow: UnitOfWork, code: str) -> MunicipalityProfile | None:
        return self._profiles.get(code)
