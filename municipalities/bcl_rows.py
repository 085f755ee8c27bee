"""The rows of a BCL extract (連携用データ) as validating models: one per table of the format."""

from __future__ import annotations

from dataclasses import is_dataclass
from datetime import date
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    TypeAdapter,
    ValidationInfo,
    field_serializer,
    field_validator,
    model_validator,
)
from pydantic_core import PydanticCustomError

from issuance.characters import certificate_charset
from issuance.codes import InvalidCodeError, validate_juminhyo_code
from issuance.foreign_residents import ForeignResident, item_errors, resident_item_problems
from issuance.koseki_layout import KATAKANA, RELATIONSHIP, item_problems

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
        elif (
            isinstance(value, dict)
            or (isinstance(value, list) and value and not isinstance(value[0], BaseModel))
            or (is_dataclass(value) and not isinstance(value, type))
        ):
            # values without a row model of their own (a row model checks its own fields);
            # the dataclasses are the 外国人住民's items (issuance.foreign_residents)
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


FOREIGN = TypeAdapter(ForeignResident)


class ResidentRow(_Coded):
    """One 住民票. ``foreign``: the 外国人住民's items, one shape per 第30条の45 category."""

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
    former_surname: str | None = Field(default=None, min_length=1, max_length=30)  # 旧氏
    former_surname_kana: str | None = Field(default=None, min_length=1, max_length=60)
    foreign: ForeignResident | None = None

    @model_validator(mode="after")
    def _items_of_the_person(self) -> ResidentRow:
        problems = resident_item_problems(
            foreign=self.foreign,
            honseki=self.honseki,
            hittousha=self.hittousha,
            former_surname=self.former_surname,
            former_surname_kana=self.former_surname_kana,
        )
        if problems:
            raise item_errors("ResidentRow", problems)
        return self

    @field_serializer("foreign")
    def _foreign_as_json(self, value: Any) -> dict[str, Any] | None:
        """Stored in a JSON column: dates as ISO text even in a python-mode dump."""
        return None if value is None else FOREIGN.dump_python(value, mode="json")  # type: ignore[no-any-return]


class SealRow(_Coded):
    registration_number: str = Field(min_length=1, max_length=20)
    registered_on: date
    impression: str = Field(pattern=r"^data:image/(svg\+xml|png);base64,", max_length=200_000)
    registered_in: Literal["氏名", "旧氏", "通称"] = "氏名"  # which name the seal shows


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
    name_kana: str = Field(default="", max_length=120)  # 氏名の振り仮名, empty until recorded
    birth_date: date
    sex: Literal["男", "女"]  # 男女の別: on every 附票 since 2022-01-11
    entries: list[FuhyoEntryRow] = Field(min_length=1)
    pending_notifications: bool = False


def seal_name_problems(residents: list[Row], seals: list[Row], problem: Any) -> list[Any]:
    """Seals registered in a 旧氏 or 通称 their resident (in the same file) does not have.

    A seal may be registered in the 旧氏 or, for a 外国人住民, in the 通称 (印鑑登録証明事務
    処理要領): only one the 住民票 carries. ``problem(section, row, field, code, message)``.
    """
    names = {}
    for r in residents:
        foreign = getattr(r, "foreign", None)
        names[r.juminhyo_code] = {  # type: ignore[attr-defined]
            "氏名": True,
            "旧氏": bool(getattr(r, "former_surname", None)),
            "通称": bool(foreign and foreign.alias),
        }
    return [
        problem("seals", i + 1, "registered_in", "NOT_REGISTERED_NAME", s.registered_in)  # type: ignore[attr-defined]
        for i, s in enumerate(seals)
        if s.juminhyo_code in names and not names[s.juminhyo_code][s.registered_in]  # type: ignore[attr-defined]
    ]


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
    # 外国人住民: the category names the shape (discriminated union of 第30条の45 categories)
    "union_tag_not_found": "MISSING_FIELD",  # no category
    "union_tag_invalid": "BAD_VALUE",  # not one of the six
    "model_attributes_type": "BAD_VALUE",
    "missing_keyword_only_argument": "MISSING_FIELD",
    "missing_argument": "MISSING_FIELD",
    "unexpected_keyword_argument": "UNKNOWN_FIELD",
    "missing_for_category": "MISSING_FIELD",
    "not_allowed": "NOT_ALLOWED",
    "koseki_item": "BAD_KOSEKI_ITEM",
    "koseki_relationship": "BAD_RELATIONSHIP",
    "koseki_kana": "BAD_KANA",
    "koseki_spouses": "BAD_SPOUSES",
    "dict_type": "BAD_VALUE",
}
