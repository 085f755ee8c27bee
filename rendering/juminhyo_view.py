"""What the 住民票 template prints, worked out from a JuminhyoDocument: every string, no layout."""

from __future__ import annotations

from dataclasses import dataclass

from issuance.calendar import to_wareki
from issuance.documents import JuminhyoDocument
from issuance.records import Person
from rendering.foreign_view import Item, foreign_rows

OMITTED = "省略"
TITLE = "住民票（写し）"
KISAI_TITLE = "住民票記載事項証明書"
KISAI_SENTENCE = "上記の事項は、住民票の原本に記載されていることを証明する。"
CONTINUATION_MARK = "（次頁に続く）"


@dataclass(frozen=True)
class NameView:
    """A name with its 振り仮名 set above it: the 氏名, and the 旧氏 or 通称 once registered."""

    label: str
    kana: str
    text: str


@dataclass(frozen=True)
class MemberView:
    """One member's block. The 住民票コード is deliberately not here: it is never printed.

    ``became`` is 住民となった年月日, or 外国人住民となった年月日 for a 外国人住民
    (第30条の45); ``rows`` hold 本籍・筆頭者, or the 外国人住民's items of its category.
    """

    names: tuple[NameView, ...]
    birth_date: str
    sex: str
    relationship: str
    my_number: str
    became: Item
    address_since: str
    notified_on: str
    previous_address: str
    rows: tuple[tuple[Item, ...], ...]


@dataclass(frozen=True)
class JuminhyoView:
    """The whole document as strings, ready for ``juminhyo.html``."""

    title: str
    serial: str
    address: str
    head_name: str | None
    members: tuple[MemberView, ...]
    certification: str
    issued_on: str
    issuer_line: str
    issuer_head: str
    continuation_mark: str


def _names(person: Person) -> tuple[NameView, ...]:
    """氏名, then 旧氏 (施行令 第30条の13) or 通称 (第30条の26): neither may be left out."""
    names = [NameView("氏名", person.name_kana, person.name)]
    if person.former_surname:
        names.append(NameView("旧氏", person.former_surname_kana or "", person.former_surname))
    if person.foreign and person.foreign.alias:
        names.append(NameView("通称", person.foreign.alias_kana or "", person.foreign.alias))
    return tuple(names)


def _rows(person: Person, doc: JuminhyoDocument) -> tuple[tuple[Item, ...], ...]:
    if person.foreign is None:
        honseki = (person.honseki or "") if doc.show_honseki else OMITTED
        hittousha = (person.hittousha or "") if doc.show_honseki else OMITTED
        return ((Item("本籍", honseki, 2), Item("筆頭者", hittousha)),)
    return foreign_rows(person.foreign, doc.show_alias_history)


def member_view(person: Person, doc: JuminhyoDocument) -> MemberView:
    """One member as printed, with 「省略」 wherever the resident chose not to show an item."""
    became = (
        Item("外国人住民となった年月日", to_wareki(person.foreign.became_foreign_resident_on))
        if person.foreign
        else Item("住民となった年月日", to_wareki(person.became_resident_on))
    )
    return MemberView(
        names=_names(person),
        birth_date=to_wareki(person.birth_date),
        sex=person.sex,
        relationship=person.relationship if doc.show_relationship else OMITTED,
        my_number=(person.my_number or "") if doc.show_my_number else OMITTED,
        became=became,
        address_since=to_wareki(person.address_since),
        notified_on=to_wareki(person.notified_on),
        previous_address=person.previous_address or "",
        rows=_rows(person, doc),
    )


def certification_sentence(whole_household: bool) -> str:
    scope = "世帯全員" if whole_household else "世帯の一部"
    return f"この写しは、{scope}の住民票の原本と相違ないことを証明する。"


def juminhyo_view(doc: JuminhyoDocument) -> JuminhyoView:
    """Everything the template prints for ``doc``."""
    issuer = doc.issuer
    return JuminhyoView(
        title=KISAI_TITLE if doc.kisai else TITLE,
        serial=doc.serial,
        address=doc.address,
        head_name=doc.head_name if doc.show_relationship else None,
        members=tuple(member_view(person, doc) for person in doc.members),
        certification=KISAI_SENTENCE if doc.kisai else certification_sentence(doc.whole_household),
        issued_on=to_wareki(doc.issued_on),
        issuer_line=f"{issuer.prefecture}{issuer.mayor_title}\u3000{issuer.mayor_name}",
        issuer_head=issuer.header or f"{issuer.prefecture}{issuer.municipality_name}",
        continuation_mark=CONTINUATION_MARK,
    )
