"""The rows of a BCL extract (連携用データ) as validating models: one per table of the format."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, field_validator, model_validator
from pydantic_core import PydanticCustomError

from issuance.codes import InvalidCodeError, validate_juminhyo_code
from issuance.koseki_layout import KATAKANA, RELATIONSHIP, item_problems

Code = Field(min_length=11, max_length=11)


class Row(BaseModel):
    model_config = ConfigDict(extra="forbid")


class _Coded(Row):
    juminhyo_code: str = Code

    @field_validator("juminhyo_code")
    @classmethod
    def _check_digit(cls, value: str) -> str:
        try:
            return validate_juminhyo_code(value)
        except InvalidCodeError as exc:
            raise ValueError("bad 住民票コード check digit") from exc


class HouseholdRow(Row):
    id: str = Field(min_length=1, max_length=20)
    address: str = Field(min_length=1, max_length=200)
    head_name: str = Field(min_length=1, max_length=60)


class ResidentRow(_Coded):
    household_id: str = Field(min_length=1, max_length=20)
    position: int = Field(ge=0)
    name: str = Field(min_length=1, max_length=60)
    name_kana: str = Field(max_length=120)
    birth_date: date
    sex: Literal["男", "女"]
    relationship: str = Field(min_length=1, max_length=20)
    became_resident_on: date
    address_since: date
    notified_on: date
    previous_address: str | None = Field(default=None, max_length=200)
    honseki: str | None = Field(default=None, max_length=200)
    hittousha: str | None = Field(default=None, max_length=60)
    my_number: str | None = Field(default=None, pattern=r"^\d{12}$")
    foreign: dict[str, Any] | None = None


class SealRow(_Coded):
    registration_number: str = Field(min_length=1, max_length=20)
    registered_on: date
    impression: str = Field(pattern=r"^data:image/(svg\+xml|png);base64,", max_length=200_000)


class AmountRow(Row):
    label: str = Field(min_length=1, max_length=40)
    yen: int = Field(ge=0)


class TaxRow(_Coded):
    tax_year: int = Field(ge=2000, le=2100)
    name: str = Field(min_length=1, max_length=60)
    address: str = Field(min_length=1, max_length=200)
    incomes: list[AmountRow]
    deductions: list[AmountRow]
    taxable_income: int = Field(ge=0)
    municipal_tax: int = Field(ge=0)
    prefectural_tax: int = Field(ge=0)


def _katakana(value: str) -> str:
    if not KATAKANA.match(value):
        raise PydanticCustomError("koseki_kana", "振り仮名 are written in 片仮名")
    return value


# 氏・名の振り仮名 as the 戸籍 records them since 2025-05-26: 片仮名 only.
Kana = Annotated[str, Field(max_length=60), AfterValidator(_katakana)]


class EventRow(Row):
    """One 身分事項: its kind and its items by the form's label (dates ``YYYY-MM-DD``)."""

    kind: str = Field(min_length=1, max_length=20)
    items: dict[str, str] = Field(min_length=1)

    @model_validator(mode="after")
    def _lawful_items(self) -> EventRow:
        problems = item_problems(self.kind, self.items)
        if problems:
            raise PydanticCustomError("koseki_item", "; ".join(problems))
        if any(len(value) > 300 for value in self.items.values()):
            raise PydanticCustomError("koseki_item", "an item is longer than 300 characters")
        return self


class KosekiMemberRow(Row):
    juminhyo_code: str | None = Field(default=None, min_length=11, max_length=11)
    name: str = Field(min_length=1, max_length=60)  # 名
    name_kana: Kana = ""  # 名の振り仮名
    birth_date: date
    sex: Literal["男", "女"]
    father: str = Field(default="", max_length=60)
    mother: str = Field(default="", max_length=60)
    relationship: str = Field(min_length=1, max_length=20)  # 父母との続柄
    spouse_role: Literal["夫", "妻"] | None = None  # 配偶者区分
    removed: bool = False
    events: list[EventRow] = Field(default_factory=list)

    @field_validator("juminhyo_code")
    @classmethod
    def _check_digit(cls, value: str | None) -> str | None:
        return None if value is None else _Coded._check_digit(value)

    @field_validator("relationship")
    @classmethod
    def _relationship(cls, value: str) -> str:
        if not RELATIONSHIP.match(value):
            raise PydanticCustomError(
                "koseki_relationship",
                "続柄 is the order of birth (長男, 長女, 二男 …); 夫/妻 go in spouse_role",
            )
        return value


class KosekiRow(Row):
    id: str = Field(min_length=1, max_length=40)
    honseki: str = Field(min_length=1, max_length=200)
    hittousha: str = Field(min_length=1, max_length=60)
    surname_kana: Kana = ""  # 氏の振り仮名
    pending_notifications: bool = False
    compiled_on: date | None = None  # 編製日 (optional: older extracts have none)
    remade_on: date | None = None  # 改製日
    members: list[KosekiMemberRow] = Field(min_length=1)

    @model_validator(mode="after")
    def _one_couple(self) -> KosekiRow:
        for role in ("夫", "妻"):
            current = [m for m in self.members if m.spouse_role == role and not m.removed]
            if len(current) > 1:
                raise PydanticCustomError("koseki_spouses", f"more than one current {role}")
        return self


class FuhyoEntryRow(Row):
    address: str = Field(min_length=1, max_length=200)
    since: date


class FuhyoRow(_Coded):
    koseki_id: str = Field(min_length=1, max_length=40)
    name: str = Field(min_length=1, max_length=60)
    birth_date: date
    entries: list[FuhyoEntryRow] = Field(min_length=1)
    pending_notifications: bool = False


SECTIONS: dict[str, type[Row]] = {
    "households": HouseholdRow,
    "residents": ResidentRow,
    "seals": SealRow,
    "tax_assessments": TaxRow,
    "koseki": KosekiRow,
    "fuhyo": FuhyoRow,
}
# Columns of each section holding nested values; in CSV they are JSON text.
NESTED = {"foreign", "incomes", "deductions", "members", "entries"}
ERROR_CODES = {
    "missing": "MISSING_FIELD",
    "extra_forbidden": "UNKNOWN_FIELD",
    "date_from_datetime_parsing": "BAD_DATE",
    "date_parsing": "BAD_DATE",
    "date_type": "BAD_DATE",
    "int_parsing": "BAD_NUMBER",
    "int_type": "BAD_NUMBER",
    "string_too_long": "TOO_LONG",
    "string_too_short": "EMPTY",
    "too_short": "EMPTY",
    "literal_error": "BAD_VALUE",
    "string_pattern_mismatch": "BAD_FORMAT",
    "value_error": "BAD_CODE",
    "koseki_item": "BAD_KOSEKI_ITEM",
    "koseki_relationship": "BAD_RELATIONSHIP",
    "koseki_kana": "BAD_KANA",
    "koseki_spouses": "BAD_SPOUSES",
    "dict_type": "BAD_VALUE",
}
