"""The computerised 戸籍 and the 附票 as printed: 【項目】 entries with full-width digits."""

from __future__ import annotations

from dataclasses import dataclass

from issuance.calendar import to_fullwidth_digits, to_wareki
from issuance.koseki_layout import EVENT_ITEMS, RELATIONSHIP, SPOUSE_ROLES, is_lawful, spaced_kind
from issuance.koseki_records import Fuhyo, Koseki, KosekiEvent, KosekiMember
from issuance.refusals import RefusalError

Entry = tuple[str, str]  # (項目名, 内容): printed as 【項目名】内容
# The 改製 a computerised 戸籍 records is the one that computerised it.
REMADE_REASON = "平成６年法務省令第５１号附則第２条第１項による改製"


@dataclass(frozen=True)
class EventView:
    """One 戸籍事項 or 身分事項: its kind as the form spaces it (出　　生) and its entries."""

    kind: str
    entries: tuple[Entry, ...]


@dataclass(frozen=True)
class KosekiMemberView:
    """One 「戸籍に記録されている者」 block: its lines of entries, the 除籍 mark, 身分事項."""

    lines: tuple[tuple[Entry, ...], ...]  # 【生年月日】 and 【配偶者区分】 share one line
    removed: bool
    events: tuple[EventView, ...]


@dataclass(frozen=True)
class KosekiView:
    honseki: str
    hittousha: str
    members: tuple[KosekiMemberView, ...]
    jiko: tuple[EventView, ...] = ()  # 戸籍事項: 戸籍編製, 戸籍改製
    surname_kana: str = ""  # 氏の振り仮名


@dataclass(frozen=True)
class FuhyoView:
    """The 附票's body; ``honseki`` and ``hittousha`` are None unless the resident asked.

    With 本籍・筆頭者 shown the person is named by 名 only (the 氏 is the 筆頭者's), else by
    the whole 氏名, each with its 振り仮名 (住民基本台帳法 第17条, 第20条).
    """

    honseki: str | None
    hittousha: str | None
    name_label: str  # 氏名, or 名 under the 筆頭者
    name: str
    name_kana: str
    birth_date: str
    sex: str
    entries: tuple[tuple[str, str, str], ...]  # (番号, 住所, 住所を定めた年月日)


def _date(value: object) -> str:
    return to_wareki(value, fullwidth=True)  # type: ignore[arg-type]


def event_view(event: KosekiEvent) -> EventView:
    """The 身分事項 as printed: its items in the form's order, dates in 和暦.

    Raises RefusalError(KOSEKI_ENTRY_UNSUPPORTED) for a kind or an item the form does not
    hold (付録第22号様式; ``issuance.koseki_layout.EVENT_ITEMS``): printing only part of an
    entry would certify less than the 戸籍 says, so the resident is sent to the counter.
    """
    if not is_lawful(event):
        raise RefusalError("KOSEKI_ENTRY_UNSUPPORTED")
    entries: list[Entry] = []
    for label, _ in EVENT_ITEMS[event.kind]:
        item = event.item(label)
        if item is not None:
            value = _date(item.on) if item.on is not None else to_fullwidth_digits(item.text)
            entries.append((label, value))
    return EventView(spaced_kind(event.kind), tuple(entries))


def member_view(member: KosekiMember) -> KosekiMemberView:
    """The person's lines in the form's order (付録第22号様式): 【名】, 【名の振り仮名】,
    【生年月日】 with 【配偶者区分】 on its line, 【父】, 【母】, 【続柄】.

    Every item is printed as recorded; an item not recorded (no 父, no 配偶者区分) is left out.
    Raises RefusalError(KOSEKI_ENTRY_UNSUPPORTED) for a 続柄 or 配偶者区分 the form does not
    know (a 続柄 of 夫 or 子, as older extracts gave it).
    """
    lawful_role = member.spouse_role is None or member.spouse_role in SPOUSE_ROLES
    if not RELATIONSHIP.match(member.relationship) or not lawful_role:
        raise RefusalError("KOSEKI_ENTRY_UNSUPPORTED")
    born: list[Entry] = [("生年月日", _date(member.birth_date))]
    if member.spouse_role:
        born.append(("配偶者区分", member.spouse_role))
    lines: list[tuple[Entry, ...]] = [(("名", member.name),)]
    if member.name_kana:
        lines.append((("名の振り仮名", member.name_kana),))
    lines.append(tuple(born))
    lines += [((label, value),) for label, value in (("父", member.father), ("母", member.mother))]
    lines.append((("続柄", member.relationship),))
    return KosekiMemberView(
        lines=tuple(line for line in lines if all(value for _, value in line)),
        removed=member.removed,
        events=tuple(event_view(e) for e in member.events),
    )


def koseki_jiko(koseki: Koseki) -> tuple[EventView, ...]:
    """The 戸籍事項 the record holds: 【編製日】, then 【改製日】 with its 【改製事由】."""
    jiko: list[EventView] = []
    if koseki.compiled_on is not None:
        jiko.append(EventView("戸籍編製", (("編製日", _date(koseki.compiled_on)),)))
    if koseki.remade_on is not None:
        entries = (("改製日", _date(koseki.remade_on)), ("改製事由", REMADE_REASON))
        jiko.append(EventView("戸籍改製", entries))
    return tuple(jiko)


def koseki_view(koseki: Koseki, members: tuple[KosekiMember, ...]) -> KosekiView:
    """The 戸籍 証明書's body: 本籍 and 氏名 (with 氏の振り仮名), 戸籍事項, then ``members``."""
    return KosekiView(
        honseki=to_fullwidth_digits(koseki.honseki),
        hittousha=koseki.hittousha,
        members=tuple(member_view(m) for m in members),
        jiko=koseki_jiko(koseki),
        surname_kana=koseki.surname_kana,
    )


def _given(name: str) -> str:
    """The 名 of 「山田　太郎」 (or of its 振り仮名): what follows the full-width space."""
    return name.split("\u3000", 1)[-1]


def fuhyo_view(fuhyo: Fuhyo, show_honseki: bool = False) -> FuhyoView:
    """The 附票 as printed: 生年月日 and 性別 always; 本籍・筆頭者 only on request (2022)."""
    return FuhyoView(
        honseki=to_fullwidth_digits(fuhyo.honseki) if show_honseki else None,
        hittousha=fuhyo.hittousha if show_honseki else None,
        name_label="名" if show_honseki else "氏名",
        name=_given(fuhyo.name) if show_honseki else fuhyo.name,
        name_kana=_given(fuhyo.name_kana) if show_honseki else fuhyo.name_kana,
        birth_date=_date(fuhyo.birth_date),
        sex=fuhyo.sex,
        entries=tuple(
            (to_fullwidth_digits(str(n)), to_fullwidth_digits(e.address), _date(e.since))
            for n, e in enumerate(fuhyo.entries, start=1)
        ),
    )
