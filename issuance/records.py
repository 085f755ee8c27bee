"""What a municipal backend returns: resident records as plain, immutable values."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date


@dataclass(frozen=True)
class ForeignResidentFields:
    """Fields a foreign resident's 住民票 carries instead of 本籍・筆頭者."""

    nationality: str  # 国籍・地域
    status_of_residence: str  # 在留資格
    period_of_stay: str  # 在留期間, e.g. "3年"
    period_expires_on: date  # 在留期間の満了の日
    residence_card_number: str  # 在留カード等の番号
    alias: str | None = None  # 通称
    article_30_45: str = "中長期在留者"  # 第30条45に規定する区分


@dataclass(frozen=True)
class Person:
    """One member of a household as the 住民票 shows them.

    ``juminhyo_code`` is kept to bind the record to the request; it is never printed.
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
    foreign: ForeignResidentFields | None = None


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
class Issuer:
    """The municipality whose mayor certifies the document."""

    municipality_code: str
    municipality_name: str  # e.g. 千代田区
    prefecture: str  # e.g. 東京都
    mayor_title: str  # e.g. 千代田区長
    mayor_name: str


@dataclass(frozen=True)
class JuminhyoDocument:
    """Everything the 住民票の写し shows, already filtered to what the resident chose."""

    serial: str
    issued_on: date
    issuer: Issuer
    address: str
    head_name: str
    members: tuple[Person, ...]
    show_honseki: bool = False  # 本籍・筆頭者
    show_relationship: bool = True  # 世帯主・続柄
    show_my_number: bool = False  # 個人番号
    whole_household: bool = True  # 世帯全員 vs 世帯の一部


@dataclass(frozen=True)
class RenderedDocument:
    """A rendered PDF and the facts the centre checks before handing it out."""

    pdf: bytes
    pages: int
    digest: str  # sha256 hex of ``pdf``
    subject_codes: tuple[str, ...]  # 住民票コード of every person the document names
