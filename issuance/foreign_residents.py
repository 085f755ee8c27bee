"""外国人住民: the 住民票 items of each 住民基本台帳法 第30条の45 category, as validated values."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

from pydantic import ConfigDict, Discriminator, Field, ValidationError, model_validator
from pydantic.dataclasses import dataclass
from pydantic_core import InitErrorDetails, PydanticCustomError

# A variant carries its own items only: an item of another category is refused, never ignored.
STRICT = ConfigDict(extra="forbid")
# 在留カード and 特別永住者証明書 numbers: two letters, eight digits, two letters (入管法施行規則).
CARD_NUMBER = r"^[A-Z]{2}[0-9]{8}[A-Z]{2}$"
# A period as the card or permit states it: 5年, 1年6月, 6月, 90日.
PERIOD = r"^([0-9]{1,2}年([0-9]{1,2}月)?|[0-9]{1,2}月|[0-9]{1,3}日)$"
# 在留資格 whose 在留期間 is 無期限: their 在留カード has no 在留期間 and no 満了の日.
INDEFINITE_STAY = frozenset({"永住者", "高度専門職2号", "高度専門職２号"})

# (Japanese / English) messages of the item problems, for the import report.
HALF_DELETION = (
    "削除の年月日と市町村名は両方が必要です / a deletion needs its date and municipality"
)
KANA_WITHOUT_ALIAS = "通称の振り仮名は通称がある場合のみです / an alias_kana needs an alias"
STALE_ALIAS = "削除されていない通称は現在の通称のみです / only the current alias is undeleted"
NO_PERIOD = "この在留資格に在留期間はありません / this status of residence has no period of stay"
NEEDS_PERIOD = (
    "この在留資格には在留期間と満了の日が必要です / required for this status of residence"
)
NOT_FOREIGN = "外国人住民にはない事項です / not an item of a foreign resident"
KANA_WITHOUT_SURNAME = "旧氏の振り仮名は旧氏がある場合のみです / needs a former surname"

Text = Annotated[str, Field(min_length=1, max_length=60)]
Kana = Annotated[str, Field(min_length=1, max_length=120)]


MISSING, NOT_ALLOWED = "missing_for_category", "not_allowed"  # kinds of item problems


def item_errors(title: str, problems: list[tuple[str, str, str]]) -> ValidationError:
    """One ValidationError naming each ``(field, kind, message)``, so reports name the field.

    ``kind`` is ``missing_for_category`` (a required item is absent) or ``not_allowed`` (an
    item the law does not give this person); municipalities.bcl_rows maps them to codes.
    """
    return ValidationError.from_exception_data(
        title,
        [
            InitErrorDetails(type=PydanticCustomError(kind, message), loc=(field,), input=None)
            for field, kind, message in problems
        ],
    )


Problem = tuple[str, str, str]  # (field, kind, message), as item_errors takes them


@dataclass(frozen=True, kw_only=True, config=STRICT)
class AliasRecord:
    """One entry of 通称の記載及び削除に関する事項 (住民基本台帳法施行令 第30条の25第2号).

    ``recorded_by`` / ``deleted_by``: the municipality (都道府県名から) that made the entry.
    """

    alias: Text  # 通称
    recorded_on: date
    recorded_by: Text
    deleted_on: date | None = None
    deleted_by: Text | None = None

    @model_validator(mode="after")
    def _deletion_whole(self) -> AliasRecord:
        if (self.deleted_on is None) != (self.deleted_by is None):
            raise item_errors("AliasRecord", [("deleted_by", MISSING, HALF_DELETION)])
        return self


@dataclass(frozen=True, kw_only=True, config=STRICT)
class ForeignResidentItems:
    """What every 外国人住民's 住民票 holds (住民基本台帳法 第30条の45, 同法施行令 第30条の25).

    No 本籍・筆頭者 (第7条第5号 does not apply) and no 住民となった年月日 (第6号): the date
    printed is ``became_foreign_resident_on``, 外国人住民となった年月日 — the later of becoming
    a resident here and entering the category. ``alias`` (通称, 施行令 第30条の26) once
    registered is printed with the name on every 住民票 and 印鑑登録証明書. Each subclass
    is one category; constructing one raises ``pydantic.ValidationError`` naming the field.
    """

    nationality: Text  # 国籍・地域
    became_foreign_resident_on: date  # 外国人住民となった年月日
    alias: Text | None = None  # 通称
    alias_kana: Kana | None = None  # 通称の振り仮名
    alias_history: tuple[AliasRecord, ...] = ()  # 通称の記載及び削除に関する事項

    def category_problems(self) -> list[Problem]:
        """Items the category needs or forbids beyond their types; none by default."""
        return []

    @model_validator(mode="after")
    def _items_fit(self) -> ForeignResidentItems:
        problems = self.category_problems()
        if self.alias_kana is not None and self.alias is None:
            problems.append(("alias_kana", NOT_ALLOWED, KANA_WITHOUT_ALIAS))
        if any(r.deleted_on is None and r.alias != self.alias for r in self.alias_history):
            problems.append(("alias_history", NOT_ALLOWED, STALE_ALIAS))
        if problems:
            raise item_errors(type(self).__name__, problems)
        return self


@dataclass(frozen=True, kw_only=True, config=STRICT)
class MidToLongTermResident(ForeignResidentItems):
    """中長期在留者: 在留資格, 在留期間, 在留期間の満了の日, 在留カードの番号 (第30条の45 表一).

    A 永住者 (or 高度専門職2号) has no 在留期間 and no 満了の日; every other 在留資格 has both.
    """

    category: Literal["中長期在留者"] = "中長期在留者"
    status_of_residence: Text  # 在留資格
    residence_card_number: str = Field(pattern=CARD_NUMBER)  # 在留カードの番号
    period_of_stay: str | None = Field(default=None, pattern=PERIOD)  # 在留期間
    period_expires_on: date | None = None  # 在留期間の満了の日

    @property
    def indefinite(self) -> bool:
        return self.status_of_residence in INDEFINITE_STAY

    def category_problems(self) -> list[Problem]:
        period = {
            "period_of_stay": self.period_of_stay,
            "period_expires_on": self.period_expires_on,
        }
        if self.indefinite:
            return [(name, NOT_ALLOWED, NO_PERIOD) for name, v in period.items() if v is not None]
        return [(name, MISSING, NEEDS_PERIOD) for name, v in period.items() if v is None]


@dataclass(frozen=True, kw_only=True, config=STRICT)
class SpecialPermanentResident(ForeignResidentItems):
    """特別永住者: 特別永住者証明書の番号 (第30条の45 表二); no 在留資格 and no 在留期間."""

    category: Literal["特別永住者"] = "特別永住者"
    certificate_number: str = Field(pattern=CARD_NUMBER)  # 特別永住者証明書の番号


@dataclass(frozen=True, kw_only=True, config=STRICT)
class TemporaryRefugee(ForeignResidentItems):
    """一時庇護許可者 (入管法 第18条の2): the 上陸期間 of the 一時庇護許可書 (第30条の45 表三)."""

    category: Literal["一時庇護許可者"] = "一時庇護許可者"
    landing_period: str = Field(pattern=PERIOD)  # 上陸期間
    landing_period_expires_on: date  # 上陸期間の満了の日


@dataclass(frozen=True, kw_only=True, config=STRICT)
class ProvisionalStayPermittee(ForeignResidentItems):
    """仮滞在許可者 (入管法 第61条の2の4): the 仮滞在期間 of the 仮滞在許可書 (第30条の45 表四)."""

    category: Literal["仮滞在許可者"] = "仮滞在許可者"
    provisional_stay_period: str = Field(pattern=PERIOD)  # 仮滞在期間
    provisional_stay_expires_on: date  # 仮滞在期間の満了の日


@dataclass(frozen=True, kw_only=True, config=STRICT)
class TransitionalStayByBirth(ForeignResidentItems):
    """出生による経過滞在者 (入管法 第22条の2): only the category (第30条の45 表五)."""

    category: Literal["出生による経過滞在者"] = "出生による経過滞在者"


@dataclass(frozen=True, kw_only=True, config=STRICT)
class TransitionalStayByLossOfNationality(ForeignResidentItems):
    """国籍喪失による経過滞在者 (入管法 第22条の2): only the category (第30条の45 表五)."""

    category: Literal["国籍喪失による経過滞在者"] = "国籍喪失による経過滞在者"


CATEGORIES = (
    "中長期在留者",
    "特別永住者",
    "一時庇護許可者",
    "仮滞在許可者",
    "出生による経過滞在者",
    "国籍喪失による経過滞在者",
)
# The category is the discriminator: a record names it as ``category``, in the law's words.
ForeignResident = Annotated[
    MidToLongTermResident
    | SpecialPermanentResident
    | TemporaryRefugee
    | ProvisionalStayPermittee
    | TransitionalStayByBirth
    | TransitionalStayByLossOfNationality,
    Discriminator("category"),
]


def resident_item_problems(
    *,
    foreign: object | None,
    honseki: str | None,
    hittousha: str | None,
    former_surname: str | None,
    former_surname_kana: str | None,
) -> list[Problem]:
    """``(field, kind, message)`` for each item a resident may not have, as item_errors takes.

    A 外国人住民 has no 本籍・筆頭者 (第30条の45 excludes 第7条第5号) and no 旧氏, which
    comes from a 戸籍 (施行令 第30条の13); a 旧氏の振り仮名 needs its 旧氏.
    """
    problems = []
    if foreign is not None:
        for name, value in (
            ("honseki", honseki),
            ("hittousha", hittousha),
            ("former_surname", former_surname),
        ):
            if value:
                problems.append((name, NOT_ALLOWED, NOT_FOREIGN))
    if former_surname_kana and not former_surname:
        problems.append(("former_surname_kana", NOT_ALLOWED, KANA_WITHOUT_SURNAME))
    return problems
