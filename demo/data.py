"""The demo nation: municipalities of each class, operators and kiosks (residents: people.py)."""

from __future__ import annotations

from dataclasses import dataclass, field

# The residents live in demo.people; re-exported for modules that import them here.
from demo.people import HONSEKI_TOKYO as HONSEKI_TOKYO
from demo.people import HOUSEHOLDS as HOUSEHOLDS
from demo.people import DemoHousehold as DemoHousehold
from demo.people import DemoPerson as DemoPerson
from issuance.codes import with_check_digit


@dataclass(frozen=True)
class DemoMunicipality:
    body: str  # first five digits of the 全国地方公共団体コード
    name: str
    prefecture: str
    klass: str
    population: int
    mayor_title: str
    mayor_name: str
    participating: bool = True
    juminhyo_fee: int = 200
    backend: str = "bcl"
    wide_area_tax: bool = False  # 課税証明書の広域交付
    not_offered: tuple[str, ...] = ()  # kinds this municipality does not issue at kiosks

    @property
    def code(self) -> str:
        return with_check_digit(self.body, "municipality")


MUNICIPALITIES = (
    DemoMunicipality(
        "01100", "札幌市", "北海道", "designated_city_1m", 1_960_000, "札幌市長", "北野　明"
    ),
    DemoMunicipality(
        "13101",
        "千代田区",
        "東京都",
        "special_ward",
        68_000,
        "千代田区長",
        "神田　和也",
        wide_area_tax=True,
    ),
    DemoMunicipality(
        "14100",
        "横浜市",
        "神奈川県",
        "designated_city_1m",
        3_770_000,
        "横浜市長",
        "港　みなと",
        backend="own_server",
    ),
    DemoMunicipality(
        "11221",
        "草加市",
        "埼玉県",
        "city",
        250_000,
        "草加市長",
        "松原　悠",
        juminhyo_fee=150,
        wide_area_tax=True,
    ),
    DemoMunicipality(
        "26322",
        "久御山町",
        "京都府",
        "town",
        15_000,
        "久御山町長",
        "巨椋　昇",
        juminhyo_fee=100,
        not_offered=("kazei", "shotoku", "koseki_zenbu", "koseki_kojin", "koseki_fuhyo"),
    ),
    DemoMunicipality(
        "19364", "早川町", "山梨県", "town", 900, "早川町長", "雨畑　守", participating=False
    ),
)


OPERATORS = (
    ("seven", "セブン-イレブン", "store", 117),
    ("lawson", "ローソン", "store", 117),
    ("post", "日本郵便", "post_office", 115),
    ("chiyoda-hall", "千代田区役所", "city_hall", 0),
)
KIOSKS = (
    ("K0001", "seven", "セブン-イレブン 九段南店"),
    ("K0002", "lawson", "ローソン 草加駅前店"),
    ("K0003", "post", "札幌中央郵便局"),
    ("K0004", "chiyoda-hall", "千代田区役所 1階"),
)


@dataclass
class Counter:
    value: int = field(default=0)

    def next(self) -> int:
        self.value += 1
        return self.value
