"""The demo's 戸籍: every register a demo resident is recorded in, as the 本籍地 keeps it."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from typing import Any

# When the demo 本籍地 computerised their 戸籍 (改製): registers older than this carry the 改製.
COMPUTERISED_ON = date(2004, 3, 6)


@dataclass(frozen=True)
class DemoKosekiMember:
    """One 戸籍に記録されている者. A demo resident (``label``) brings their birth date and sex
    from their 住民票; anyone else gives them here."""

    name: str  # 名
    kana: str  # 名の振り仮名
    relationship: str  # 父母との続柄
    father: str
    mother: str
    birthplace: str  # 出生地
    notifier: str = "父"  # 出生の届出人
    label: str | None = None
    birth: date | None = None
    sex: str = ""
    spouse_role: str | None = None  # 配偶者区分
    removed: bool = False  # 除籍
    events: tuple[dict[str, Any], ...] = ()  # after 出生, in the extract's form


@dataclass(frozen=True)
class DemoKoseki:
    body: str  # the 本籍地 municipality
    honseki: str
    hittousha: str
    surname_kana: str  # 氏の振り仮名
    compiled_on: date  # 編製日
    members: tuple[DemoKosekiMember, ...]
    remade_on: date | None = None  # 改製日


def event(kind: str, **items: date | str) -> dict[str, Any]:
    """A 身分事項 in the extract's form: its items by label, dates as ISO text."""
    return {
        "kind": kind,
        "items": {k: v.isoformat() if isinstance(v, date) else v for k, v in items.items()},
    }


def married(on: date, spouse: str, **more: str) -> dict[str, Any]:
    return event("婚姻", 婚姻日=on, 配偶者氏名=spouse, **more)


def person(
    name: str, kana: str, relationship: str, father: str, mother: str, birthplace: str, **more: Any
) -> DemoKosekiMember:
    """A member by the form's items: 名, 名の振り仮名, 続柄, 父, 母, then the rest by name."""
    return DemoKosekiMember(name, kana, relationship, father, mother, birthplace, **more)


def split_off(
    body: str,
    honseki: str,
    hittousha: str,
    surname_kana: str,
    on: date,
    member: DemoKosekiMember,
    previous: str,
) -> DemoKoseki:
    """A 戸籍 its one member made by 分籍 from ``previous`` (the parents' 本籍 and 筆頭者)."""
    split = event("分籍", 分籍日=on, 従前戸籍=previous)
    return DemoKoseki(
        body, honseki, hittousha, surname_kana, on, (replace(member, events=(split,)),)
    )


YAMADA = "東京都千代田区千代田一丁目1番"
YAMADA_PARENTS = "東京都千代田区麹町三丁目5番"
WED_1976, WED_2006, DIED = date(1976, 10, 10), date(2006, 6, 1), date(2019, 11, 3)
TARO = ("太郎", "タロウ", "長男", "山田義男", "山田和子", "東京都千代田区")

# fmt: off
REGISTERS: tuple[DemoKoseki, ...] = (
    # 太郎's own 戸籍, made by his marriage: 花子 came in from her parents' (従前戸籍).
    DemoKoseki("13101", YAMADA, "山田　太郎", "ヤマダ", WED_2006, (
        person(*TARO, label="yamada-taro", spouse_role="夫", events=(
            married(WED_2006, "中川花子", 従前戸籍=f"{YAMADA_PARENTS}　山田義男"),)),
        person("花子", "ハナコ", "長女", "中川正", "中川節子", "神奈川県川崎市",
               label="yamada-hanako", spouse_role="妻", events=(
            married(WED_2006, "山田太郎",
                    従前戸籍="神奈川県川崎市中原区小杉町一丁目403番地　中川正"),)),
        person("一郎", "イチロウ", "長男", "山田太郎", "山田花子", "東京都千代田区",
               label="yamada-ichiro"),
        person("さくら", "サクラ", "長女", "山田太郎", "山田花子", "東京都新宿区", notifier="母",
               label="yamada-sakura"),
    )),
    # 太郎's parents' 戸籍 at the same 本籍地: made on paper, computerised later (改製), with
    # 義男 除籍 by death and 太郎 除籍 by the marriage that made his own 戸籍.
    DemoKoseki("13101", YAMADA_PARENTS, "山田　義男", "ヤマダ", WED_1976, (
        person("義男", "ヨシオ", "長男", "山田勝", "山田トメ", "東京都千代田区",
               birth=date(1948, 4, 2), sex="男", spouse_role="夫", removed=True, events=(
            married(WED_1976, "田村和子", 従前戸籍=f"{YAMADA_PARENTS}　山田勝"),
            event("死亡", 死亡日=DIED, 死亡時分="午後3時20分", 死亡地="東京都千代田区",
                  届出日=date(2019, 11, 5), 届出人="親族　山田和子"))),
        person("和子", "カズコ", "長女", "田村清", "田村ハル", "埼玉県川越市",
               label="yamada-kazuko", spouse_role="妻", events=(
            married(WED_1976, "山田義男", 従前戸籍="埼玉県川越市元町一丁目3番地　田村清"),
            event("配偶者の死亡", 配偶者の死亡日=DIED))),
        person(*TARO, label="yamada-taro", removed=True, events=(
            married(WED_2006, "中川花子", 新本籍=YAMADA, 称する氏="夫の氏"),)),
    ), remade_on=COMPUTERISED_ON),
    split_off("13101", "東京都千代田区一番町10番地", "加藤　由美", "カトウ", date(2014, 4, 1),
              person("由美", "ユミ", "長女", "加藤浩", "加藤恵子", "東京都千代田区",
                     label="kato-yumi"),
              "東京都港区芝五丁目2番　加藤浩"),
    split_off("13101", "東京都千代田区千代田一丁目1番2号", "渡辺　健", "ワタナベ",
              date(2005, 5, 1),
              person("健", "ケン", "二男", "渡辺誠一", "渡辺美代子", "東京都千代田区",
                     label="watanabe-ken"),
              "東京都千代田区千代田一丁目1番　渡辺誠一"),
    DemoKoseki("11221", "埼玉県草加市高砂一丁目1番", "鈴木　茂", "スズキ", date(1987, 5, 10), (
        person("茂", "シゲル", "長男", "鈴木正一", "鈴木キヨ", "埼玉県草加市",
               birth=date(1958, 2, 2), sex="男", spouse_role="夫", events=(
            married(date(1987, 5, 10), "小川幸子",
                    従前戸籍="埼玉県草加市高砂一丁目1番　鈴木正一"),)),
        person("幸子", "サチコ", "二女", "小川保", "小川美津", "千葉県松戸市",
               birth=date(1961, 10, 15), sex="女", spouse_role="妻", events=(
            married(date(1987, 5, 10), "鈴木茂", 従前戸籍="千葉県松戸市根本3番地　小川保"),)),
        person("一郎", "イチロウ", "長男", "鈴木茂", "鈴木幸子", "埼玉県草加市",
               label="suzuki-ichiro"),
    ), remade_on=COMPUTERISED_ON),
    DemoKoseki("01100", "北海道札幌市中央区北一条西二丁目1番地", "佐藤　一", "サトウ",
               date(1984, 6, 2), (
        person("一", "ハジメ", "長男", "佐藤三郎", "佐藤ヨシ", "北海道札幌市",
               birth=date(1956, 1, 8), sex="男", spouse_role="夫",
               events=(married(date(1984, 6, 2), "木下道子"),)),
        person("花子", "ハナコ", "長女", "佐藤一", "佐藤道子", "北海道札幌市",
               label="sato-hanako"),
    ), remade_on=COMPUTERISED_ON),
    DemoKoseki("26322", "京都府久世郡久御山町島田ミスノ38番地", "田中　誠", "タナカ",
               date(1992, 10, 4), (
        person("誠", "マコト", "長男", "田中修", "田中静江", "京都府久世郡久御山町",
               label="tanaka-makoto", spouse_role="夫",
               events=(married(date(1992, 10, 4), "西村洋子"),)),
        person("洋子", "ヨウコ", "長女", "西村勇", "西村和枝", "京都府宇治市",
               label="tanaka-yoko", spouse_role="妻",
               events=(married(date(1992, 10, 4), "田中誠"),)),
    ), remade_on=COMPUTERISED_ON),
    # 高田美咲 took her husband's 氏 at marriage; her 旧氏 森 is on her 住民票 (not on the 戸籍).
    DemoKoseki("13101", "東京都千代田区一番町5番地", "高田　健", "タカダ", date(2013, 9, 21), (
        person("健", "ケン", "長男", "高田博", "高田由紀", "東京都文京区",
               birth=date(1985, 7, 30), sex="男", spouse_role="夫", events=(
            married(date(2013, 9, 21), "森美咲", 従前戸籍="東京都文京区本郷二丁目1番　高田博"),)),
        person("美咲", "ミサキ", "長女", "森和夫", "森洋子", "静岡県静岡市",
               label="takada-misaki", spouse_role="妻", events=(
            married(date(2013, 9, 21), "高田健", 従前戸籍="静岡県静岡市葵区追手町9番　森和夫"),)),
    )),
    # 𠮷田 (U+20BB7) and 葛 with IVS U+E0102: printed in IPAmj明朝, in names and in 身分事項.
    DemoKoseki("13101", "東京都千代田区富士見二丁目3番", "\U00020bb7田　茂", "ヨシダ",
               date(1984, 11, 3), (
        person("茂", "シゲル", "長男", "\U00020bb7田清", "\U00020bb7田トミ", "東京都千代田区",
               label="yoshida-shigeru", spouse_role="夫", events=(
            married(date(1984, 11, 3), "斉藤葛\U000e0102子",
                    従前戸籍="東京都千代田区富士見二丁目3番　\U00020bb7田清"),)),
        person("葛\U000e0102子", "カズコ", "長女", "斉藤実", "斉藤ふみ", "新潟県長岡市",
               label="yoshida-kazuko", spouse_role="妻", events=(
            married(date(1984, 11, 3), "\U00020bb7田茂",
                    従前戸籍="新潟県長岡市大手通一丁目4番地　斉藤実"),)),
    ), remade_on=COMPUTERISED_ON),
    split_off("14100", "神奈川県横浜市中区日本大通1番地", "小林　結衣", "コバヤシ",
              date(2010, 7, 1),
              person("結衣", "ユイ", "長女", "小林隆", "小林直美", "神奈川県横浜市中区",
                     notifier="母", label="kobayashi-yui"),
              "神奈川県横浜市中区山下町2番地　小林隆"),
)
# fmt: on
