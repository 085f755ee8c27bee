"""The shared cloud (BCL): member municipalities' data extracts, and the backend reading them."""

from __future__ import annotations

from datetime import date
from typing import Any, TypeVar

from sqlalchemy import JSON, Date, ForeignKey, String, select
from sqlalchemy.orm import Mapped, mapped_column

from issuance.db import Base
from issuance.koseki_records import Fuhyo, Koseki
from issuance.ports import UnitOfWork
from issuance.records import (
    BackendAnswer,
    Household,
    Person,
    RecordQuery,
    SealRegistration,
    TaxAssessment,
)
from issuance.refusals import RefusalError
from issuance.unit_of_work import sql_unit_of_work
from municipalities.bcl_records import fuhyo_of, koseki_of, seal_of, tax_of
from municipalities.bcl_rows import FOREIGN

R = TypeVar("R")


class BclHousehold(Base):
    __tablename__ = "municipalities_bcl_household"

    id: Mapped[str] = mapped_column(String(20), primary_key=True)
    municipality_code: Mapped[str] = mapped_column(
        ForeignKey("municipalities_municipality.code"), index=True
    )
    address: Mapped[str] = mapped_column(String(200))
    head_name: Mapped[str] = mapped_column(String(60))


class BclPerson(Base):
    """One resident as the municipality's 連携用データ describes them."""

    __tablename__ = "municipalities_bcl_person"

    juminhyo_code: Mapped[str] = mapped_column(String(11), primary_key=True)
    household_id: Mapped[str] = mapped_column(
        ForeignKey("municipalities_bcl_household.id"), index=True
    )
    position: Mapped[int]  # order within the household as printed
    name: Mapped[str] = mapped_column(String(60))
    name_kana: Mapped[str] = mapped_column(String(120))
    birth_date: Mapped[date] = mapped_column(Date)
    sex: Mapped[str] = mapped_column(String(2))
    relationship: Mapped[str] = mapped_column(String(20))
    became_resident_on: Mapped[date] = mapped_column(Date)
    address_since: Mapped[date] = mapped_column(Date)
    notified_on: Mapped[date] = mapped_column(Date)
    previous_address: Mapped[str | None] = mapped_column(String(200))
    honseki: Mapped[str | None] = mapped_column(String(200))
    hittousha: Mapped[str | None] = mapped_column(String(60))
    my_number: Mapped[str | None] = mapped_column(String(12))
    former_surname: Mapped[str | None] = mapped_column(String(30), default=None)  # 旧氏
    former_surname_kana: Mapped[str | None] = mapped_column(String(60), default=None)
    # 外国人住民: one shape per 第30条の45 category (issuance.foreign_residents), as JSON
    foreign: Mapped[dict[str, Any] | None] = mapped_column(JSON)


def _person(row: BclPerson) -> Person:
    """The stored row as a Person; a row that no longer fits the law's shape is unprintable.

    Rows are validated at import, so this fails only on data stored by an older format
    (before migration 0009) or written around the import: the request is refused with
    RECORD_UNPRINTABLE at once rather than failing later in the render job.
    """
    try:
        return Person(
            juminhyo_code=row.juminhyo_code,
            name=row.name,
            name_kana=row.name_kana,
            birth_date=row.birth_date,
            sex=row.sex,
            relationship=row.relationship,
            became_resident_on=row.became_resident_on,
            address_since=row.address_since,
            notified_on=row.notified_on,
            previous_address=row.previous_address,
            honseki=row.honseki,
            hittousha=row.hittousha,
            my_number=row.my_number,
            former_surname=row.former_surname,
            former_surname_kana=row.former_surname_kana,
            foreign=FOREIGN.validate_python(row.foreign) if row.foreign else None,
        )
    except (ValueError, TypeError) as exc:  # pydantic's ValidationError is a ValueError
        raise RefusalError("RECORD_UNPRINTABLE") from exc


class BclBackend:
    """Records held in the platform's own tables, one municipality's extract at a time."""

    def household_of(
        self,
        uow: UnitOfWork,
        municipality_code: str,
        juminhyo_code: str,
        request_id: str | None = None,  # held in our own tables: nothing to bind
    ) -> Household | None:
        session = sql_unit_of_work(uow).session
        # The person's household and all its members, in one query.
        households_of_person = (
            select(BclPerson.household_id)
            .where(BclPerson.juminhyo_code == juminhyo_code)
            .scalar_subquery()
        )
        rows = session.execute(
            select(BclPerson, BclHousehold)
            .join(BclHousehold, BclHousehold.id == BclPerson.household_id)
            .where(BclPerson.household_id == households_of_person)
            .order_by(BclPerson.position)
        ).all()
        if not rows or rows[0][1].municipality_code != municipality_code:
            return None
        household = rows[0][1]
        return Household(
            municipality_code=household.municipality_code,
            household_id=household.id,
            address=household.address,
            head_name=household.head_name,
            members=tuple(_person(member) for member, _household in rows),
        )

    def _answer(self, query: RecordQuery, record: R | None) -> BackendAnswer[R] | None:
        if record is None:
            return None
        return BackendAnswer(query.request_id, query.municipality_code, query.juminhyo_code, record)

    def seal_registration(
        self, uow: UnitOfWork, query: RecordQuery
    ) -> BackendAnswer[SealRegistration] | None:
        sql = sql_unit_of_work(uow)
        person = sql.session.get(BclPerson, query.juminhyo_code)
        household = sql.session.get(BclHousehold, person.household_id) if person else None
        if person is None or household is None:
            return None
        if household.municipality_code != query.municipality_code:
            return None
        seal = seal_of(sql, query, _person(person), household.address)
        return self._answer(query, seal)

    def tax_assessment(
        self, uow: UnitOfWork, query: RecordQuery
    ) -> BackendAnswer[TaxAssessment] | None:
        return self._answer(query, tax_of(sql_unit_of_work(uow), query))

    def koseki(self, uow: UnitOfWork, query: RecordQuery) -> BackendAnswer[Koseki] | None:
        return self._answer(query, koseki_of(sql_unit_of_work(uow), query))

    def fuhyo(self, uow: UnitOfWork, query: RecordQuery) -> BackendAnswer[Fuhyo] | None:
        return self._answer(query, fuhyo_of(sql_unit_of_work(uow), query))
