"""The rows of a BCL extract (連携用データ) as validating models: one per table of the format."""

from __future__ import annotations

from datetime import date
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator
from pydantic_core import PydanticCustomError

from issuance.characters import certificate_charset
from issuance.codes import InvalidCodeError, validate_juminhyo_code

Code = Field(min_length=11, max_length=11)


class Row(BaseModel):
    """A row of any section. Every string in it, nested ones too, must be printable text.

    No control character, U+FFFD, private-use code point or lone variation selector
    (BAD_CHARACTER), and nothing the certificate fonts cannot draw there, IPAmj明朝 allowed for
    names and addresses only (UNDRAWABLE_CHARACTER): the rules of issuance/characters.py, the
    same the renderer applies last. A row model nested in another checks its own fields.
    """

    model_config = ConfigDict(extra="forbid")

    @field_validator("*", mode="after")
    @classmethod
    def _printable(cls, value: object, info: ValidationInfo) -> object:
        if value.__class__ is str:
            problem = certificate_charset().text_problem(value, info.field_name or "")
        elif isinstance(value, dict) or (
            isinstance(value, list) and value and not isinstance(value[0], BaseModel)
        ):
            # values without a row model of their own (a row model checks its own fields)
            problem = next(iter(certificate_charset().problems(value, info.field_name or "")), None)
        else:
            return value
        if problem is None:
            return value
        inside = "" if problem.field == info.field_name else f"{problem.field}: "
        raise PydanticCustomError(problem.code.lower(), inside + problem.message)


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


class EventRow(Row):
    kind: str = Field(min_length=1, max_length=20)
    on: date
    detail: str = Field(default="", max_length=200)


class KosekiMemberRow(Row):
    juminhyo_code: str | None = Field(default=None, min_length=11, max_length=11)
    name: str = Field(min_length=1, max_length=60)
    birth_date: date
    sex: Literal["男", "女"]
    father: str = Field(default="", max_length=60)
    mother: str = Field(default="", max_length=60)
    relationship: str = Field(min_length=1, max_length=20)
    removed: bool = False
    events: list[EventRow] = Field(default_factory=list)


class KosekiRow(Row):
    id: str = Field(min_length=1, max_length=40)
    honseki: str = Field(min_length=1, max_length=200)
    hittousha: str = Field(min_length=1, max_length=60)
    pending_notifications: bool = False
    compiled_on: date | None = None  # 編製日 (optional: older extracts have none)
    remade_on: date | None = None  # 改製日
    members: list[KosekiMemberRow] = Field(min_length=1)


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
    "bad_character": "BAD_CHARACTER",
    "undrawable_character": "UNDRAWABLE_CHARACTER",
}
