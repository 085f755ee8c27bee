"""Demo residents of the categories the law knows: 永住者, 特別永住者, 経過滞在者, 旧氏."""

from __future__ import annotations

from datetime import date

from demo.people import DemoHousehold, DemoPerson

CHIYODA_HONSEKI = "東京都千代田区一番町5番地"

CATEGORY_HOUSEHOLDS: tuple[DemoHousehold, ...] = (
    DemoHousehold(
        "11221",
        "埼玉県草加市松原一丁目3番2号　松原団地14棟201号",
        (
            DemoPerson(
                "chen-meiling",
                "陳　美玲",
                "チン　メイリン",
                date(1984, 2, 19),
                "女",
                "世帯主",
                "永住者 (no 在留期間) with a 通称; her seal is registered in the 通称",
                foreign={
                    "category": "中長期在留者",
                    "nationality": "中国",
                    "became_foreign_resident_on": "2015-04-01",
                    "status_of_residence": "永住者",
                    "residence_card_number": "UC48213907EA",
                    "alias": "森本　美玲",
                    "alias_kana": "モリモト　ミレイ",
                    "alias_history": [
                        {
                            "alias": "森本　美玲",
                            "recorded_on": "2016-06-01",
                            "recorded_by": "埼玉県草加市",
                        }
                    ],
                },
            ),
            DemoPerson(
                "chen-hao",
                "陳　浩",
                "チン　ハオ",
                date(2026, 11, 10),
                "男",
                "子",
                "newborn 出生による経過滞在者 (no card): only the category is printed",
                card=False,
                foreign={
                    "category": "出生による経過滞在者",
                    "nationality": "中国",
                    "became_foreign_resident_on": "2026-11-10",
                },
            ),
        ),
    ),
    DemoHousehold(
        "13101",
        "東京都千代田区神田小川町二丁目4番　小川町ハイツ502号",
        (
            DemoPerson(
                "kim-youngchul",
                "金　英哲",
                "キム　ヨンチョル",
                date(1962, 8, 15),
                "男",
                "世帯主",
                "特別永住者 (特別永住者証明書の番号, no 在留資格); seal registered in the 通称",
                foreign={
                    "category": "特別永住者",
                    "nationality": "韓国",
                    "became_foreign_resident_on": "2012-07-09",
                    "certificate_number": "SP20481735KR",
                    "alias": "金田　英哲",
                    "alias_kana": "カネダ　ヒデアキ",
                },
            ),
        ),
    ),
    DemoHousehold(
        "13101",
        "東京都千代田区一番町5番地　一番町コート303号",
        (
            DemoPerson(
                "takada-misaki",
                "高田　美咲",
                "タカダ　ミサキ",
                date(1987, 10, 3),
                "女",
                "世帯主",
                "旧氏 森 on her 住民票 and 印鑑登録証明書 (seal registered in the 旧氏)",
                honseki=CHIYODA_HONSEKI,
                hittousha="高田　健",  # her husband: she took his 氏 and registered her 旧氏
                former_surname="森",
                former_surname_kana="モリ",
            ),
        ),
    ),
)

# Which name each category resident's seal is registered in (印鑑登録), by card label.
SEALS_IN = {"chen-meiling": "通称", "kim-youngchul": "通称", "takada-misaki": "旧氏"}
