"""What a municipal backend returns: resident records as plain, immutable values."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Generic, Literal, TypeVar

from issuance.foreign_residents import ForeignResident, item_errors, resident_item_problems

T = TypeVar("T")


@dataclass(frozen=True)
class Person:
    """One member of a household as the 住民票 shows them (住民基本台帳法 第7条, 第30条の45).

    ``juminhyo_code`` is kept to bind the record to the request; it is never printed.
    ``name_kana`` is the 氏名の振り仮名 (第7条 as amended by 令和5年法律第48号, in force
    2025-05-26; empty until the municipality has recorded it). ``former_surname`` (旧氏,
    施行令 第30条の13) and its 振り仮名, once registered, are printed on every 住民票 and
    印鑑登録証明書. A 外国人住民 (``foreign`` set) has neither 本籍・筆頭者 nor 旧氏. Raises
    ``ValueError`` (a pydantic ValidationError naming the field) when the items do not fit.
    """

    juminhyo_code: str
    name: str
    name_kana: str
    birth_date: date
    sex: str  # "男" or "女"
    relationship: str  # 続柄: 世帯主, 妻, 子, 父, 母 …
    became_resident_on: date  # 住民となった年月日
    address_since: date  # 住所を定めた年月日
    notified_on: date  # 届出日
    previous_address: str | None = None  # 前住所
    honseki: str | None = None  # 本籍 (None for foreign residents)
    hittousha: str | None = None  # 筆頭者
    my_number: str | None = None  # 個人番号
    former_surname: str | None = None  # 旧氏
    former_surname_kana: str | None = None  # 旧氏の振り仮名
    foreign: ForeignResident | None = None

    def __post_init__(self) -> None:
        problems = resident_item_problems(
            foreign=self.foreign,
            honseki=self.honseki,
            hittousha=self.hittousha,
            former_surname=self.former_surname,
            former_surname_kana=self.former_surname_kana,
        )
        if problems:
            raise item_errors("Person", problems)


@dataclass(frozen=True)
class Household:
    """A household (世帯) as held by the municipality that keeps its records."""

    municipality_code: str
    household_id: str
    address: str
    head_name: str
    members: tuple[Person, ...] = field(default_factory=tuple)

    def member(self, juminhyo_code: str) -> Person | None:
        return next((m for m in self.members if m.juminhyo_code == juminhyo_code), None)


@dataclass(frozen=True)
class SealRegistration:
    """An 印鑑登録 as the municipality holds it; ``impression`` references the seal's image.

    The certificate names the person as the 住民票 does (印鑑登録証明事務処理要領, on the
    印鑑 that may be registered and on the certificate's items): the 氏名 with the 旧氏
    and the 通称 when the 住民票 carries them, which may not be left out.
    ``registered_in`` says which of them the seal shows: a 外国人住民 may register a seal
    in the 通称, anyone with a 旧氏 in the 旧氏. Raises ``ValueError`` if that name is absent.
    """

    juminhyo_code: str
    municipality_code: str
    registration_number: str
    name: str
    birth_date: date
    sex: str
    address: str
    registered_on: date
    impression: str  # image reference: a data: URL (SVG or PNG) of the registered seal
    former_surname: str | None = None  # 旧氏
    alias: str | None = None  # 通称 (外国人住民)
    registered_in: Literal["氏名", "旧氏", "通称"] = "氏名"

    def __post_init__(self) -> None:
        held = {"氏名": self.name, "旧氏": self.former_surname, "通称": self.alias}
        if not held[self.registered_in]:
            raise ValueError(f"registered_in: no {self.registered_in} to register a seal in")


@dataclass(frozen=True)
class Amount:
    """One labelled amount in yen (an income item, a deduction, a tax)."""

    label: str
    yen: int


@dataclass(frozen=True)
class TaxAssessment:
    """One resident's 個人住民税 assessment for one tax year (年度), on last year's income."""

    juminhyo_code: str
    municipality_code: str
    tax_year: int
    name: str
    address: str  # the address on 1 January of the tax year
    incomes: tuple[Amount, ...]
    deductions: tuple[Amount, ...]
    taxable_income: int
    municipal_tax: int  # 市町村民税
    prefectural_tax: int  # 道府県民税 (都民税)

    @property
    def total_income(self) -> int:
        return sum(item.yen for item in self.incomes)

    @property
    def total_deductions(self) -> int:
        return sum(item.yen for item in self.deductions)

    @property
    def total_tax(self) -> int:
        return self.municipal_tax + self.prefectural_tax


@dataclass(frozen=True)
class RecordQuery:
    """What the centre asks a backend: for whom, at which municipality, for which request."""

    request_id: str
    municipality_code: str
    juminhyo_code: str
    tax_year: int | None = None


@dataclass(frozen=True)
class BackendAnswer(Generic[T]):
    """A record bound to the query it answers; the centre checks the binding before rendering."""

    request_id: str
    municipality_code: str
    juminhyo_code: str
    record: T

    def answers(self, query: RecordQuery) -> bool:
        return (self.request_id, self.municipality_code, self.juminhyo_code) == (
            query.request_id,
            query.municipality_code,
            query.juminhyo_code,
        )
