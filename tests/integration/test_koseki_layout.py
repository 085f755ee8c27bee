"""The demo 戸籍 issued at a kiosk read as a 戸籍係 expects: the family, 除籍, 改製, page breaks."""

from __future__ import annotations

import re
from pathlib import Path

from tests.support.kiosk import TestKiosk
from tests.support.pdf import page_count, page_text, pdf_text, save_pages, squeeze


def labels(text: str) -> list[str]:
    return re.findall(r"【([^】]+)】", text)


def issue(kiosk: TestKiosk, cards: Path, card: str, kind: str, name: str) -> tuple[bytes, str]:
    _, pdf = kiosk.issue(cards / f"{card}.json", certificate=kind)
    save_pages(pdf, f"koseki/{name}", (1, 2))
    return pdf, squeeze(pdf_text(pdf))


def test_yamada_taros_koseki_names_parents_birth_order_and_his_wifes_own_name(
    kiosk: TestKiosk, cards: Path
) -> None:
    pdf, text = issue(kiosk, cards, "yamada-taro", "koseki_zenbu", "demo-yamada-taro")
    assert "氏名山田太郎氏の振り仮名ヤマダ" in text
    assert (
        "【名】太郎【名の振り仮名】タロウ【生年月日】昭和５３年６月１４日【配偶者区分】夫"
        "【父】山田義男【母】山田和子【続柄】長男"
    ) in text
    assert (
        "【婚姻日】平成１８年６月１日【配偶者氏名】中川花子【従前戸籍】東京都千代田区麹町" in text
    )
    assert "【名】花子" in text and "【配偶者区分】妻【父】中川正【母】中川節子【続柄】長女" in text
    assert "【配偶者氏名】山田太郎【従前戸籍】神奈川県川崎市" in text
    assert "【名】一郎" in text and "【名】さくら" in text
    assert "【続柄】夫" not in text and "【続柄】妻" not in text and "【続柄】子" not in text
    assert labels(text).count("配偶者区分") == 2 and "除籍" not in text
    # The observed break left the last page with the certification alone.
    last = page_text(pdf, page_count(pdf))
    assert "【" in last[: last.index("以下余白")]


def test_his_mothers_koseki_keeps_him_removed_by_marriage_with_its_remaking(
    kiosk: TestKiosk, cards: Path
) -> None:
    _, text = issue(kiosk, cards, "yamada-kazuko", "koseki_zenbu", "demo-yamada-kazuko")
    assert "本籍東京都千代田区麹町三丁目５番氏名山田義男" in text
    assert (
        "戸籍事項戸籍編製【編製日】昭和５１年１０月１０日戸籍改製【改製日】平成１６年３月６日"
        in text
    )
    assert text.count("除籍") == 2  # 義男 by death, 太郎 by marriage
    assert "【死亡日】令和元年１１月３日【死亡時分】午後３時２０分【死亡地】東京都千代田区" in text
    assert "【配偶者の死亡日】令和元年１１月３日" in text
    taro = text[text.index("【名】太郎") :]
    assert (
        "【婚姻日】平成１８年６月１日【配偶者氏名】中川花子"
        "【新本籍】東京都千代田区千代田一丁目１番【称する氏】夫の氏"
    ) in taro
    assert "【配偶者区分】" not in taro


def test_his_personal_certificate_comes_from_the_koseki_he_is_current_in(
    kiosk: TestKiosk, cards: Path
) -> None:
    _, text = issue(kiosk, cards, "yamada-taro", "koseki_kojin", "demo-yamada-taro-kojin")
    assert "戸籍個人事項証明書" in text and "氏名山田太郎" in text
    assert "山田義男" in text  # as his 父 and in his 従前戸籍 only
    assert "氏名山田義男" not in text and "除籍" not in text and "新本籍" not in text
    assert labels(text).count("名") == 1
