"""The 外国人住民's rows of a 住民票: each 第30条の45 category's items under the law's labels."""

from __future__ import annotations

from dataclasses import dataclass

from issuance.calendar import to_wareki
from issuance.foreign_residents import (
    AliasRecord,
    ForeignResident,
    MidToLongTermResident,
    ProvisionalStayPermittee,
    SpecialPermanentResident,
    TemporaryRefugee,
)

CATEGORY_LABEL = "第30条の45に規定する区分"
ALIAS_HISTORY_LABEL = "通称の記載及び削除に関する事項"


@dataclass(frozen=True)
class Item:
    """One labelled cell of a member's block; ``span`` value columns wide (of the grid's 3)."""

    label: str
    value: str
    span: int = 1
    lines: bool = False  # ``value`` holds one line per entry (\n between them)


def _category_items(foreign: ForeignResident) -> tuple[tuple[Item, ...], ...]:
    """The lower column of 第30条の45's table for the person's category, nothing else."""
    if isinstance(foreign, MidToLongTermResident):
        card = Item("在留カードの番号", foreign.residence_card_number)
        status = (Item("在留資格", foreign.status_of_residence, 3),)
        if foreign.period_of_stay is None or foreign.period_expires_on is None:  # 永住者
            return (status, (Item(card.label, card.value, 3),))
        return (
            status,
            (
                Item("在留期間", foreign.period_of_stay),
                Item("在留期間の満了の日", to_wareki(foreign.period_expires_on)),
                card,
            ),
        )
    if isinstance(foreign, SpecialPermanentResident):
        return ((Item("特別永住者証明書の番号", foreign.certificate_number, 3),),)
    if isinstance(foreign, TemporaryRefugee):
        expires = to_wareki(foreign.landing_period_expires_on)
        return ((Item("上陸期間", foreign.landing_period), Item("上陸期間の満了の日", expires, 2)),)
    if isinstance(foreign, ProvisionalStayPermittee):
        expires = to_wareki(foreign.provisional_stay_expires_on)
        period = Item("仮滞在期間", foreign.provisional_stay_period)
        return ((period, Item("仮滞在期間の満了の日", expires, 2)),)
    return ()  # 出生による / 国籍喪失による経過滞在者: the category is the whole of it


def alias_history_line(record: AliasRecord) -> str:
    """「令和2年4月1日　埼玉県草加市　通称記載　中村　安」, then its 削除 if any."""
    line = f"{to_wareki(record.recorded_on)}　{record.recorded_by}　通称記載　{record.alias}"
    if record.deleted_on is not None:
        line += f"\n{to_wareki(record.deleted_on)}　{record.deleted_by}　通称削除　{record.alias}"
    return line


def foreign_rows(
    foreign: ForeignResident, show_alias_history: bool
) -> tuple[tuple[Item, ...], ...]:
    """Rows below 前住所: 国籍・地域 and the category (第30条の45), the category's items,
    and the 通称's history only when the resident asked for it, as 本籍 is (第12条第5項)."""
    rows: tuple[tuple[Item, ...], ...] = (
        (Item("国籍・地域", foreign.nationality), Item(CATEGORY_LABEL, foreign.category, 2)),
    )
    rows += _category_items(foreign)
    if show_alias_history and foreign.alias_history:
        lines = "\n".join(alias_history_line(r) for r in foreign.alias_history)
        rows += ((Item(ALIAS_HISTORY_LABEL, lines, 3, lines=True),),)
    return rows
