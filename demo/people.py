"""The demo's residents: households and people, each one exercising a rule or a refusal."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any


@dataclass(frozen=True)
class DemoPerson:
    label: str  # card file name; also what `kofu demo cards` shows
    name: str
    kana: str
    birth: date
    sex: str
    relationship: str
    note: str = ""
    pin: str = "1234"
    signature_pin: str = "KOFU2026"  # 署名用電子証明書のパスワード (kiosk PIN reset)
    card: bool = True
    honseki: str | None = None
    hittousha: str | None = None
    my_number: str | None = None
    former_surname: str | None = None  # 旧氏
    former_surname_kana: str | None = None
    foreign: dict[str, Any] | None = None  # as in the BCL extract: one 第30条の45 category
    dv_protected: bool = False
    moving_out: bool = False
    status: str = "resident"
    card_revoked: bool = False
    card_issued_today: bool = False
    pin_locked: bool = False
    previous: tuple[str, date] | None = None  # (municipality body, moved in on)
    honseki_body: str | None = None  # 本籍地 when it differs from the municipality


@dataclass(frozen=True)
class DemoHousehold:
    municipality: str  # body
    address: str
    members: tuple[DemoPerson, ...]
    since: date = date(2015, 4, 1)
    previous_address: str | None = None


HONSEKI_TOKYO = "東京都千代田区千代田一丁目1番"
HOUSEHOLDS: tuple[DemoHousehold, ...] = (
    DemoHousehold(
        "13101",
        "東京都千代田区九段南一丁目2番1号　九段ハイツ301号",
        (
            DemoPerson(
                "yamada-taro",
                "山田　太郎",
                "やまだ　たろう",
                date(1978, 6, 14),
                "男",
                "世帯主",
                "4-person household; the usual success path",
                honseki=HONSEKI_TOKYO,
                hittousha="山田　太郎",
                my_number="123456789018",
            ),
            DemoPerson(
                "yamada-hanako",
                "山田　花子",
                "やまだ　はなこ",
                date(1981, 2, 3),
                "女",
                "妻",
                "spouse; can get the whole household's 住民票",
                honseki=HONSEKI_TOKYO,
                hittousha="山田　太郎",
            ),
            DemoPerson(
                "yamada-ichiro",
                "山田　一郎",
                "やまだ　いちろう",
                date(2008, 9, 30),
                "男",
                "子",
                "17 years old",
                honseki=HONSEKI_TOKYO,
                hittousha="山田　太郎",
            ),
            DemoPerson(
                "yamada-sakura",
                "山田　さくら",
                "やまだ　さくら",
                date(2014, 5, 5),
                "女",
                "子",
                "under 15: refused UNDER_15",
                honseki=HONSEKI_TOKYO,
                hittousha="山田　太郎",
            ),
        ),
        previous_address="東京都新宿区西新宿二丁目8番1号",
    ),
    DemoHousehold(
        "11221",
        "埼玉県草加市高砂二丁目7番1号　グリーンコート205号",
        (
            DemoPerson(
                "nguyen-van-an",
                "NGUYEN VAN AN",
                "グエン　ヴァン　アン",
                date(1995, 11, 20),
                "男",
                "世帯主",
                "foreign resident: 国籍・在留資格 fields",
                foreign={
                    "category": "中長期在留者",
                    "nationality": "ベトナム",
                    "became_foreign_resident_on": "2015-04-01",
                    "status_of_residence": "技術・人文知識・国際業務",
                    "period_of_stay": "5年",
                    "period_expires_on": "2029-03-31",
                    "residence_card_number": "AB12345678CD",
                    "alias": "中村　安",
                },
            ),
        ),
    ),
    DemoHousehold(
        "01100",
        "北海道札幌市中央区北一条西二丁目1番地",
        (
            DemoPerson(
                "sato-hanako",
                "佐藤　花子",
                "さとう　はなこ",
                date(1986, 7, 7),
                "女",
                "世帯主",
                "DV等支援措置: always refused DV_PROTECTED",
                dv_protected=True,
                honseki="北海道札幌市中央区北一条西二丁目1番地",
                hittousha="佐藤　一",
            ),
        ),
    ),
    DemoHousehold(
        "13101",
        "東京都千代田区神田神保町三丁目5番　神保町レジデンス1102号",
        (
            DemoPerson(
                "suzuki-ichiro",
                "鈴木　一郎",
                "すずき　いちろう",
                date(1990, 1, 15),
                "男",
                "世帯主",
                "moved from 草加市 this year (residence history)",
                honseki="埼玉県草加市高砂一丁目1番",
                hittousha="鈴木　茂",
                honseki_body="11221",
                previous=("11221", date(2026, 4, 1)),
            ),
        ),
        since=date(2026, 4, 1),
        previous_address="埼玉県草加市住吉一丁目10番5号",
    ),
    DemoHousehold(
        "26322",
        "京都府久世郡久御山町島田ミスノ38番地",
        (
            DemoPerson(
                "tanaka-makoto",
                "田中　誠",
                "たなか　まこと",
                date(1965, 3, 3),
                "男",
                "世帯主",
                "転出届 filed: refused MOVING_OUT",
                moving_out=True,
                honseki="京都府久世郡久御山町島田ミスノ38番地",
                hittousha="田中　誠",
            ),
            DemoPerson(
                "tanaka-yoko",
                "田中　洋子",
                "たなか　ようこ",
                date(1967, 8, 21),
                "女",
                "妻",
                "household member moving out: refused HOUSEHOLD_MEMBER_MOVING_OUT",
                honseki="京都府久世郡久御山町島田ミスノ38番地",
                hittousha="田中　誠",
            ),
        ),
    ),
    DemoHousehold(
        "11221",
        "埼玉県草加市氷川町2149番地",
        (
            DemoPerson(
                "ito-kenji",
                "伊藤　健二",
                "いとう　けんじ",
                date(1972, 12, 1),
                "男",
                "世帯主",
                "card certificate revoked: CERT_REVOKED",
                card_revoked=True,
            ),
            DemoPerson(
                "ito-mai",
                "伊藤　舞",
                "いとう　まい",
                date(1975, 4, 18),
                "女",
                "妻",
                "PIN locked on the card: send to the counter",
                pin_locked=True,
            ),
            DemoPerson(
                "ito-sho",
                "伊藤　翔",
                "いとう　しょう",
                date(2001, 10, 10),
                "男",
                "子",
                "card issued today: CARD_NOT_YET_USABLE",
                card_issued_today=True,
            ),
        ),
    ),
    DemoHousehold(
        "19364",
        "山梨県南巨摩郡早川町高住758番地",
        (
            DemoPerson(
                "amahata-kiyo",
                "雨畑　きよ",
                "あまはた　きよ",
                date(1948, 5, 12),
                "女",
                "世帯主",
                "municipality does not take part: MUNICIPALITY_NOT_PARTICIPATING",
            ),
        ),
    ),
)
