"""Demo records beyond the 住民票: seals, tax assessments, more residents (戸籍: koseki_data)."""

from __future__ import annotations

from datetime import date
from typing import Any

from demo.data import HONSEKI_TOKYO, DemoHousehold, DemoPerson

MORE_HOUSEHOLDS: tuple[DemoHousehold, ...] = (
    DemoHousehold(
        "13101",
        "東京都千代田区一番町10番地2　一番町テラス402号",
        (
            DemoPerson(
                "kato-yumi",
                "加藤　由美",
                "かとう　ゆみ",
                date(1992, 9, 9),
                "女",
                "世帯主",
                "婚姻届 not yet recorded: 戸籍 refused KOSEKI_PENDING",
                honseki="東京都千代田区一番町10番地",
                hittousha="加藤　由美",
            ),
        ),
    ),
    DemoHousehold(
        "13101",
        "（国外転出）",
        (
            DemoPerson(
                "watanabe-ken",
                "渡辺　健",
                "わたなべ　けん",
                date(1983, 3, 30),
                "男",
                "世帯主",
                "国外転出者: only 本籍地 certificates (戸籍, 附票)",
                honseki=HONSEKI_TOKYO + "2号",
                hittousha="渡辺　健",
                status="moved_abroad",
            ),
        ),
    ),
    DemoHousehold(
        "13101",
        "東京都千代田区麹町三丁目5番2号",
        (
            DemoPerson(
                "yamada-kazuko",
                "山田　和子",
                "やまだ　かずこ",
                date(1951, 7, 21),
                "女",
                "世帯主",
                "太郎's mother: her 戸籍 shows 除籍 (太郎 by marriage, 義男 by death) and a 改製",
                honseki="東京都千代田区麹町三丁目5番",
                hittousha="山田　義男",
            ),
        ),
        since=date(1976, 10, 10),
    ),
    DemoHousehold(
        "14100",
        "神奈川県横浜市中区日本大通1番地　大通ハイム703号",
        (
            DemoPerson(
                "kobayashi-yui",
                "小林　結衣",
                "こばやし　ゆい",
                date(1988, 4, 4),
                "女",
                "世帯主",
                "own-server municipality (横浜市): needs `kofu municipal-server`",
                honseki="神奈川県横浜市中区日本大通1番地",
                hittousha="小林　結衣",
            ),
        ),
    ),
    DemoHousehold(
        "13101",
        "東京都千代田区富士見二丁目3番1号　富士見コート502号",
        (
            DemoPerson(
                "yoshida-shigeru",
                "\U00020bb7田　茂",
                "よしだ　しげる",
                date(1958, 10, 2),
                "男",
                "世帯主",
                "𠮷 (U+20BB7, つちよし) in the name: not in IPAex, printed in IPAmj明朝",
                honseki="東京都千代田区富士見二丁目3番",
                hittousha="\U00020bb7田　茂",
            ),
            DemoPerson(
                "yoshida-kazuko",
                "\U00020bb7田　葛\U000e0102子",
                "よしだ　かずこ",
                date(1961, 1, 20),
                "女",
                "妻",
                "葛 with IVS U+E0102 (an MJ variant IPAex lacks): printed as that variant",
                honseki="東京都千代田区富士見二丁目3番",
                hittousha="\U00020bb7田　茂",
            ),
        ),
    ),
)

# Residents with a registered seal (印鑑登録), by card label.
SEALED = ("yamada-taro", "yamada-hanako", "suzuki-ichiro", "nguyen-van-an", "kobayashi-yui")
# Residents without any tax assessment (no income reported).
UNTAXED = ("yamada-ichiro", "yamada-sakura", "yamada-kazuko")
PENDING_KOSEKI = ("kato-yumi",)
SEAL_SVG = (
    '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 100 100">'
    '<circle cx="50" cy="50" r="46" fill="none" stroke="#c00" stroke-width="6"/>'
    '<text x="50" y="64" font-size="40" text-anchor="middle" fill="#c00"'
    ' font-family="IPAexMincho, IPAmjMincho, serif">{initial}</text></svg>'
)


def seal_impression(name: str) -> str:
    """The registered seal as a data: URL (an SVG carrying the surname's first character)."""
    from base64 import b64encode

    svg = SEAL_SVG.format(initial=name[0])
    return "data:image/svg+xml;base64," + b64encode(svg.encode()).decode()


def tax_rows(person: DemoPerson, serial: int, year: int, address: str) -> dict[str, Any]:
    """A plausible salaried resident's assessment for ``year`` (amounts vary per person)."""
    salary = 3_000_000 + (serial % 7) * 450_000 - (2026 - year) * 50_000
    employment = salary - 1_100_000 if salary > 1_625_000 else salary - 550_000
    deductions = [
        {"label": "基礎控除", "yen": 430_000},
        {"label": "社会保険料控除", "yen": 420_000},
    ]
    taxable = max(employment - 850_000, 0) // 1000 * 1000
    return {
        "tax_year": year,
        "name": person.name,
        "address": address,
        "incomes": [{"label": "給与所得", "yen": employment}],
        "deductions": deductions,
        "taxable_income": taxable,
        "municipal_tax": taxable * 6 // 100 + 3_500,
        "prefectural_tax": taxable * 4 // 100 + 1_500,
    }
