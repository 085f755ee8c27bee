"""The items of a 住民票 that depend on who the person is, found in a document's text."""

from __future__ import annotations

import re

# label → how to find it without mistaking another label that contains it
ITEM_LABELS = {
    "住民となった年月日": r"(?<!外国人)住民となった年月日",
    "外国人住民となった年月日": r"外国人住民となった年月日",
    "本籍": r"本籍",
    "筆頭者": r"筆頭者",
    "旧氏": r"旧氏",
    "通称": r"通称(?!の記載及び削除)",
    "国籍・地域": r"国籍・地域",
    "第30条の45に規定する区分": r"第30条の45に規定する区分",
    "在留資格": r"在留資格",
    "在留期間": r"在留期間(?!の満了の日)",
    "在留期間の満了の日": r"在留期間の満了の日",
    "在留カードの番号": r"在留カードの番号",
    "特別永住者証明書の番号": r"特別永住者証明書の番号",
    "上陸期間": r"上陸期間(?!の満了の日)",
    "上陸期間の満了の日": r"上陸期間の満了の日",
    "仮滞在期間": r"仮滞在期間(?!の満了の日)",
    "仮滞在期間の満了の日": r"仮滞在期間の満了の日",
    "通称の記載及び削除に関する事項": r"通称の記載及び削除に関する事項",
}


def items_present(text: str) -> set[str]:
    """Which of ITEM_LABELS ``text`` (squeezed: no spaces) shows."""
    return {label for label, pattern in ITEM_LABELS.items() if re.search(pattern, text)}
