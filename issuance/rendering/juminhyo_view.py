"""What the 住民票 template prints, worked out from a JuminhyoDocument: every string, no layout."""

from __future__ import annotations

from dataclasses import dataclass

from issuance.records import ForeignResidentFields, JuminhyoDocument, Person
from issuance.wareki import to_wareki

OMITTED = "省略"
TITLE = "住民票（写し）"
KISAI_TITLE = "住民票記載事項証明書"
KISAI_SENTENCE = "上記の事項は、住民票の原本に記載されていることを証明する。"
CONTINUATION_MARK = "（次頁に続く）"


@dataclass(frozen=True)
class ForeignResidentView:
    """The 外国人住民 rows, printed where a Japanese national's 本籍・筆頭者 would be."""

    nationality: str
    status_of_residence: str
    period_of_stay: str
    period_expires_on: str
    residence_card_number: str
    alias: str | None
    article_30_45: str


@dataclass(frozen=True)
class MemberView:
    """One member's block. The 住民票コード is deliberately not here: it is never printed."""

    name: str
    name_kana: str
    birth_date: str
    sex: str
    relationship: str
    became_resident_on: str
    address_since: str
    notified_on: str
    previous_address: str
    honseki: str
    hittousha: str
    my_number: str
    foreign: ForeignResidentView | None


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


def _foreign_view(fields: ForeignResidentFields) -> ForeignResidentView:
    return ForeignResidentView(
        nationality=fields.nationality,
        status_of_residence=fields.status_of_residence,
        period_of_stay=fields.period_of_stay,
        period_expires_on=to_wareki(fields.period_expires_on),
        residence_card_number=fields.residence_card_number,
        alias=fields.alias,
        article_30_45=fields.article_30_45,
    )


def member_view(person: Person, doc: JuminhyoDocument) -> MemberView:
    """One member as printed, with 「省略」 wherever the resident chose not to show an item."""
    return MemberView(
        name=person.name,
        name_kana=person.name_kana,
        birth_date=to_wareki(person.birth_date),
        sex=person.sex,
        relationship=person.relationship if doc.show_relationship else OMITTED,
        became_resident_on=to_wareki(person.became_resident_on),
        address_since=to_wareki(person.address_since),
        notified_on=to_wareki(person.notified_on),
        previous_address=person.previous_address or "",
        honseki=(person.honseki or "") if doc.show_honseki else OMITTED,
        hittousha=(person.hittousha or "") if doc.show_honseki else OMITTED,
        my_number=(person.my_number or "") if doc.show_my_number else OMITTED,
        foreign=_foreign_view(person.foreign) if person.foreign else None,
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
        issuer_head=f"{issuer.prefecture}{issuer.municipality_name}",
        continuation_mark=CONTINUATION_MARK,
    )
