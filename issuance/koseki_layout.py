"""The computerised 戸籍's lawful items: each 身分事項's 【】 labels, in the form's order."""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date
from typing import Literal

from issuance.koseki_records import KosekiEvent, KosekiItem

ItemKind = Literal["date", "text"]

# 戸籍法施行規則 第73条 and 付録第22号様式 (the computerised 戸籍), with the 記載例 of the 法務省's
# notice on it (平成6年11月16日民二第7000号通達): per kind of 身分事項, the items it may hold,
# in the order the form prints them. The first item (the event's date) is required.
EVENT_ITEMS: dict[str, tuple[tuple[str, ItemKind], ...]] = {
    "出生": (
        ("出生日", "date"),
        ("出生地", "text"),
        ("届出日", "date"),
        ("届出人", "text"),
        ("送付を受けた日", "date"),
        ("受理者", "text"),
    ),
    "婚姻": (
        ("婚姻日", "date"),
        ("配偶者氏名", "text"),
        ("送付を受けた日", "date"),
        ("受理者", "text"),
        ("従前戸籍", "text"),  # the one who came into this 戸籍 by the marriage
        ("新本籍", "text"),  # the one who left this 戸籍 for a new one …
        ("称する氏", "text"),  # … and the 氏 the couple took (夫の氏 / 妻の氏)
    ),
    "離婚": (
        ("離婚日", "date"),
        ("配偶者氏名", "text"),
        ("送付を受けた日", "date"),
        ("受理者", "text"),
        ("新本籍", "text"),
        ("入籍戸籍", "text"),
    ),
    "死亡": (
        ("死亡日", "date"),
        ("死亡時分", "text"),
        ("死亡地", "text"),
        ("届出日", "date"),
        ("届出人", "text"),
        ("送付を受けた日", "date"),
        ("受理者", "text"),
    ),
    "配偶者の死亡": (("配偶者の死亡日", "date"),),
    "分籍": (("分籍日", "date"), ("従前戸籍", "text")),
}

# 父母との続柄 as the 戸籍 records it: 長男, 二女, 十一男 …; 男 / 女 in older entries for a child
# born outside marriage; 養子 / 養女 towards adoptive parents.
RELATIONSHIP = re.compile(
    r"^(?:(?:長|[二三四五六七八九]|十[一二三四五六七八九]?)?[男女]|養[子女])$"
)
SPOUSE_ROLES = ("夫", "妻")
# 振り仮名 on the 戸籍 are written in 片仮名 (戸籍法 第13条, as amended from 2025-05-26).
KATAKANA = re.compile(r"^[\u30a1-\u30fa\u30fc\u30fb\u3000 ]*$")


def spaced_kind(kind: str) -> str:
    """「出　　生」: a two-character kind spread over the four-character column of the form."""
    return f"{kind[0]}\u3000\u3000{kind[1]}" if len(kind) == 2 else kind


def item_problems(kind: str, items: Mapping[str, str]) -> list[str]:
    """What is wrong with one 身分事項 as an extract gives it (label → text, dates ISO).

    Returns one message per problem (an unknown kind, a label the kind does not hold, a
    date that is not ``YYYY-MM-DD``, the event's date missing); an empty list when lawful.
    """
    spec = dict(EVENT_ITEMS.get(kind, ()))
    if not spec:
        return [f"「{kind}」 is not a 身分事項 kiosks print ({', '.join(EVENT_ITEMS)})"]
    problems = [f"【{label}】 is not an item of 「{kind}」" for label in items if label not in spec]
    first = EVENT_ITEMS[kind][0][0]
    if first not in items:
        problems.append(f"【{first}】 is required")
    for label, value in items.items():
        if spec.get(label) == "date" and not _is_iso_date(value):
            problems.append(f"【{label}】 is not a date (YYYY-MM-DD)")
        elif spec.get(label) == "text" and not value.strip():
            problems.append(f"【{label}】 is empty")
    return problems


def event_from_items(kind: str, items: Mapping[str, str]) -> KosekiEvent:
    """The typed 身分事項 from validated ``items``, ordered as the form prints them."""
    typed = []
    for label, item_kind in EVENT_ITEMS[kind]:
        if label in items:
            value = items[label]
            typed.append(
                KosekiItem(label, on=date.fromisoformat(value))
                if item_kind == "date"
                else KosekiItem(label, text=value)
            )
    return KosekiEvent(kind, tuple(typed))


def is_lawful(event: KosekiEvent) -> bool:
    """``event`` holds its date and only items its kind holds, each of its type (dates dated)."""
    spec = dict(EVENT_ITEMS.get(event.kind, ()))
    return (
        bool(spec)
        and event.item(EVENT_ITEMS[event.kind][0][0]) is not None
        and all(
            item.label in spec and (item.on is not None) == (spec[item.label] == "date")
            for item in event.items
        )
    )


def _is_iso_date(value: str) -> bool:
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        return False
    try:
        date.fromisoformat(value)
    except ValueError:
        return False
    return True
