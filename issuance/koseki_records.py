"""What a 本籍地 backend returns: 戸籍 and 戸籍の附票 records as plain, immutable values."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class KosekiItem:
    """One 【項目】 of a 身分事項 as recorded: a date item (…日) carries ``on``, others ``text``.

    Which labels a kind of entry may hold, and whether each is a date, is the form's rule
    (``issuance.koseki_layout.EVENT_ITEMS``), checked when the record comes in.
    """

    label: str  # the form's label without brackets: 出生日, 出生地, 届出人 …
    on: date | None = None
    text: str = ""


@dataclass(frozen=True)
class KosekiEvent:
    """One 身分事項 (出生, 婚姻, 死亡 …): its kind and its items in the form's order."""

    kind: str
    items: tuple[KosekiItem, ...] = ()

    def item(self, label: str) -> KosekiItem | None:
        return next((i for i in self.items if i.label == label), None)


@dataclass(frozen=True)
class KosekiMember:
    """A person in the 戸籍 (computerised layout: 戸籍に記録されている者).

    ``relationship`` is the 父母との続柄 (長男, 長女, 二男 …) and ``spouse_role`` the
    配偶者区分 (夫 / 妻, None for the unmarried): two recorded items, never derived from
    each other (戸籍法施行規則 付録第22号様式).
    """

    name: str  # 名 only: the 氏 is the register's
    birth_date: date
    sex: str
    father: str  # 父の氏名; "" when not recorded
    mother: str  # 母の氏名
    relationship: str  # 父母との続柄: 長男, 長女, 二男 …
    juminhyo_code: str | None = None  # None for one not resident (or not known to the centre)
    removed: bool = False  # 除籍: kept in 全部事項 with its mark
    events: tuple[KosekiEvent, ...] = ()
    spouse_role: str | None = None  # 配偶者区分: 夫 or 妻
    name_kana: str = ""  # 名の振り仮名 (片仮名), recorded since 2025-05-26


@dataclass(frozen=True)
class Koseki:
    """One family register held by the 本籍地 municipality."""

    municipality_code: str
    honseki: str
    hittousha: str
    members: tuple[KosekiMember, ...]
    pending_notifications: bool = False  # a 届出 received but not yet recorded
    compiled_on: date | None = None  # 編製日: the 戸籍 was made (婚姻, 分籍 …)
    remade_on: date | None = None  # 改製日: rewritten in the computerised layout
    surname_kana: str = ""  # 氏の振り仮名 (片仮名), recorded since 2025-05-26

    def member(self, juminhyo_code: str) -> KosekiMember | None:
        """The current member with this code: one 除籍 here belongs to another 戸籍 now."""
        return next(
            (m for m in self.members if m.juminhyo_code == juminhyo_code and not m.removed), None
        )


@dataclass(frozen=True)
class FuhyoEntry:
    """One address in the 附票: where the person lived from when."""

    address: str
    since: date


@dataclass(frozen=True)
class Fuhyo:
    """The 戸籍の附票 of one person: their address history, held by the 本籍地.

    Items of 住民基本台帳法 第17条: 氏名 and its 振り仮名 (in force 2025-05-26; empty until
    recorded), 生年月日 and 男女の別 (since 2022-01-11), the addresses with the dates they
    were set; 本籍・筆頭者 are printed only when the resident asks (第20条, amended 2022).
    """

    juminhyo_code: str
    municipality_code: str
    honseki: str
    hittousha: str
    name: str
    name_kana: str  # 氏名の振り仮名
    birth_date: date
    sex: str  # 男女の別
    entries: tuple[FuhyoEntry, ...]
    pending_notifications: bool = False
