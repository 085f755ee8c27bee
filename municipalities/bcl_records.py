"""BCL extracts beyond the resident records: seals, tax assessments, 戸籍 and 附票."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import JSON, Date, Index, String, Text, select, text
from sqlalchemy.orm import Mapped, mapped_column

from issuance.db import Base
from issuance.koseki_layout import event_from_items
from issuance.koseki_records import Fuhyo, FuhyoEntry, Koseki, KosekiEvent, KosekiMember
from issuance.records import Amount, Person, RecordQuery, SealRegistration, TaxAssessment
from issuance.refusals import RefusalError
from issuance.unit_of_work import SqlUnitOfWork


class BclSealRegistration(Base):
    __tablename__ = "municipalities_bcl_seal"

    municipality_code: Mapped[str] = mapped_column(String(6), primary_key=True)
    juminhyo_code: Mapped[str] = mapped_column(String(11), primary_key=True)
    registration_number: Mapped[str] = mapped_column(String(20))
    registered_on: Mapped[date] = mapped_column(Date)
    impression: Mapped[str] = mapped_column(Text)  # data: URL of the seal image
    registered_in: Mapped[str] = mapped_column(String(10), default="氏名")  # 氏名, 旧氏 or 通称


class BclTaxAssessment(Base):
    __tablename__ = "municipalities_bcl_tax"

    municipality_code: Mapped[str] = mapped_column(String(6), primary_key=True)
    juminhyo_code: Mapped[str] = mapped_column(String(11), primary_key=True)
    tax_year: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(60))
    address: Mapped[str] = mapped_column(String(200))
    incomes: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    deductions: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    taxable_income: Mapped[int]
    municipal_tax: Mapped[int]
    prefectural_tax: Mapped[int]


class BclKoseki(Base):
    __tablename__ = "municipalities_bcl_koseki"

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    municipality_code: Mapped[str] = mapped_column(String(6), index=True)
    honseki: Mapped[str] = mapped_column(String(200))
    hittousha: Mapped[str] = mapped_column(String(60))
    pending_notifications: Mapped[bool] = mapped_column(default=False)
    members: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    compiled_on: Mapped[date | None] = mapped_column(Date, default=None)  # 編製日
    remade_on: Mapped[date | None] = mapped_column(Date, default=None)  # 改製日
    surname_kana: Mapped[str] = mapped_column(String(60), default="")  # 氏の振り仮名


class BclKosekiMembership(Base):
    """A resident recorded in a 戸籍 at one 本籍地: currently, or as 除籍 (``removed``).

    One person may be in several 戸籍 of one 本籍地 — 除籍 from the parents' by marriage,
    current in the couple's — but current in at most one: that one answers a 戸籍 request
    (the partial unique index, and the import's check before it).
    """

    __tablename__ = "municipalities_bcl_koseki_member"
    __table_args__ = (
        Index(
            "uq_municipalities_bcl_koseki_member_current",
            "municipality_code",
            "juminhyo_code",
            unique=True,
            sqlite_where=text("NOT removed"),
            postgresql_where=text("NOT removed"),
        ),
    )

    municipality_code: Mapped[str] = mapped_column(String(6), primary_key=True)
    juminhyo_code: Mapped[str] = mapped_column(String(11), primary_key=True)
    koseki_id: Mapped[str] = mapped_column(String(40), primary_key=True, index=True)
    removed: Mapped[bool] = mapped_column(default=False)


class BclFuhyo(Base):
    __tablename__ = "municipalities_bcl_fuhyo"

    municipality_code: Mapped[str] = mapped_column(String(6), primary_key=True)
    juminhyo_code: Mapped[str] = mapped_column(String(11), primary_key=True)
    koseki_id: Mapped[str] = mapped_column(String(40))
    name: Mapped[str] = mapped_column(String(60))
    name_kana: Mapped[str] = mapped_column(String(120), default="")  # 氏名の振り仮名
    birth_date: Mapped[date] = mapped_column(Date)
    sex: Mapped[str | None] = mapped_column(String(2), default=None)  # None: stored before 0009
    entries: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    pending_notifications: Mapped[bool] = mapped_column(default=False)


def amounts(rows: list[dict[str, Any]]) -> tuple[Amount, ...]:
    return tuple(Amount(r["label"], int(r["yen"])) for r in rows)


def _event(data: dict[str, Any]) -> KosekiEvent:
    """A stored 身分事項; one stored before typed items (kind, on, detail) keeps no items, so
    the renderer refuses it (KOSEKI_ENTRY_UNSUPPORTED) until the municipality re-imports."""
    if "items" not in data:
        return KosekiEvent(str(data.get("kind", "")))
    return event_from_items(data["kind"], data["items"])


def koseki_member(data: dict[str, Any]) -> KosekiMember:
    """A member as the import stored it (the validated row, dumped to JSON)."""
    return KosekiMember(
        name=data["name"],
        birth_date=date.fromisoformat(data["birth_date"]),
        sex=data["sex"],
        father=data.get("father", ""),
        mother=data.get("mother", ""),
        relationship=data["relationship"],
        juminhyo_code=data.get("juminhyo_code"),
        removed=bool(data.get("removed", False)),
        events=tuple(_event(e) for e in data.get("events", [])),
        spouse_role=data.get("spouse_role"),
        name_kana=data.get("name_kana", ""),
    )


def seal_of(
    uow: SqlUnitOfWork, query: RecordQuery, person: Person, address: str
) -> SealRegistration | None:
    """The registration, naming the person as their 住民票 does (氏名, 旧氏, 通称).

    Raises RefusalError RECORD_UNPRINTABLE if the seal is registered in a name the
    住民票 no longer carries (e.g. a 通称 deleted since).
    """
    row = uow.session.get(BclSealRegistration, (query.municipality_code, query.juminhyo_code))
    if row is None:
        return None
    try:
        return SealRegistration(
            row.juminhyo_code,
            row.municipality_code,
            row.registration_number,
            person.name,
            person.birth_date,
            person.sex,
            address,
            row.registered_on,
            row.impression,
            former_surname=person.former_surname,
            alias=person.foreign.alias if person.foreign else None,
            registered_in=row.registered_in,  # type: ignore[arg-type]
        )
    except ValueError as exc:
        raise RefusalError("RECORD_UNPRINTABLE") from exc


def tax_of(uow: SqlUnitOfWork, query: RecordQuery) -> TaxAssessment | None:
    key = (query.municipality_code, query.juminhyo_code, query.tax_year)
    row = uow.session.get(BclTaxAssessment, key)
    if row is None:
        return None
    return TaxAssessment(
        row.juminhyo_code,
        row.municipality_code,
        row.tax_year,
        row.name,
        row.address,
        amounts(row.incomes),
        amounts(row.deductions),
        row.taxable_income,
        row.municipal_tax,
        row.prefectural_tax,
    )


def koseki_of(uow: SqlUnitOfWork, query: RecordQuery) -> Koseki | None:
    """The 戸籍 in which the resident is a current member (not 除籍) at this 本籍地, if any."""
    link = uow.session.scalars(
        select(BclKosekiMembership).where(
            BclKosekiMembership.municipality_code == query.municipality_code,
            BclKosekiMembership.juminhyo_code == query.juminhyo_code,
            BclKosekiMembership.removed.is_(False),
        )
    ).first()
    row = uow.session.get(BclKoseki, link.koseki_id) if link else None
    if row is None or row.municipality_code != query.municipality_code:
        return None
    return Koseki(
        row.municipality_code,
        row.honseki,
        row.hittousha,
        tuple(koseki_member(m) for m in row.members),
        row.pending_notifications,
        compiled_on=row.compiled_on,
        remade_on=row.remade_on,
        surname_kana=row.surname_kana or "",
    )


def fuhyo_of(uow: SqlUnitOfWork, query: RecordQuery) -> Fuhyo | None:
    row = uow.session.get(BclFuhyo, (query.municipality_code, query.juminhyo_code))
    koseki = uow.session.get(BclKoseki, row.koseki_id) if row else None
    if row is None or koseki is None:
        return None
    if row.sex is None:  # stored before 男女の別 was required: never print a 附票 without it
        raise RefusalError("RECORD_UNPRINTABLE")
    return Fuhyo(
        row.juminhyo_code,
        row.municipality_code,
        koseki.honseki,
        koseki.hittousha,
        row.name,
        row.name_kana,
        row.birth_date,
        row.sex,
        tuple(FuhyoEntry(e["address"], date.fromisoformat(e["since"])) for e in row.entries),
        row.pending_notifications or koseki.pending_notifications,
    )
