"""The computerised 戸籍 and the 附票 as printed: 【項目】 entries with full-width digits."""

from __future__ import annotations

from dataclasses import dataclass

from issuance.records import Fuhyo, Koseki, KosekiEvent, KosekiMember
from issuance.wareki import to_fullwidth_digits, to_wareki

Entry = tuple[str, str]  # (項目名, 内容): printed as 【項目名】内容
# The 改製 a computerised 戸籍 records is the one that computerised it.
REMADE_REASON = "平成６年法務省令第５１号附則第２条第１項による改製"


@dataclass(frozen=True)
class EventView:
    """One 身分事項: its kind (出生, 婚姻 …) and its 【】 entries."""

    kind: str
    entries: tuple[Entry, ...]


@dataclass(frozen=True)
class KosekiMemberView:
    """One 「戸籍に記録されている者」 block."""

    entries: tuple[Entry, ...]
    removed: bool
    events: tuple[EventView, ...]


@dataclass(frozen=True)
class KosekiView:
    honseki: str
    hittousha: str
    members: tuple[KosekiMemberView, ...]
    jiko: tuple[EventView, ...] = ()  # 戸籍事項: 戸籍編製, 戸籍改製


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
    """「出生地　東京都」 details become 【出生地】東京都 after 【出生日】."""
    entries: list[Entry] = [(f"{event.kind}日", _date(event.on))]
    words = event.detail.split("\u3000") if event.detail else []
    for label, value in zip(words[::2], words[1::2], strict=False):
        entries.append((label, to_fullwidth_digits(value)))
    if len(words) % 2:
        entries.append(("", to_fullwidth_digits(words[-1])))
    return EventView(event.kind, tuple(entries))


def member_view(member: KosekiMember) -> KosekiMemberView:
    entries: list[Entry] = [("名", member.name), ("生年月日", _date(member.birth_date))]
    if member.relationship in ("夫", "妻"):
        entries.append(("配偶者区分", member.relationship))
    entries += [(label, value) for label, value in (("父", member.father), ("母", member.mother))]
    entries.append(("続柄", member.relationship))
    return KosekiMemberView(
        entries=tuple((label, value) for label, value in entries if value),
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
    return KosekiView(
        honseki=to_fullwidth_digits(koseki.honseki),
        hittousha=koseki.hittousha,
        members=tuple(member_view(m) for m in members),
        jiko=koseki_jiko(koseki),
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
