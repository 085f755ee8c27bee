"""What the terminal shows: its screens, the resident's choice, the view and its timeouts."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from kiosk_terminal.messages import Notice


class Screen(enum.Enum):
    INSERT_CARD = "insert_card"
    CHOOSE = "choose"
    PIN = "pin"
    DEVICE_AUTH = "device_auth"  # an iPhone: Face ID on the phone instead of a PIN
    MEMBERS = "members"
    CONFIRM = "confirm"
    WAITING = "waiting"
    PRINTING = "printing"
    DONE = "done"
    REFUSED = "refused"
    NO_READER = "no_reader"
    RESET_SIGNATURE_PIN = "reset_signature_pin"  # PIN reset: the 署名用パスワード
    RESET_NEW_PIN = "reset_new_pin"  # PIN reset: the new 4-digit PIN, twice
    RESET_DONE = "reset_done"


BUSY = (Screen.WAITING, Screen.PRINTING)
WITH_CARD = (
    Screen.CHOOSE,
    Screen.PIN,
    Screen.DEVICE_AUTH,
    Screen.MEMBERS,
    Screen.CONFIRM,
    Screen.RESET_SIGNATURE_PIN,
    Screen.RESET_NEW_PIN,
)
ENDED = (Screen.DONE, Screen.REFUSED, Screen.RESET_DONE)
JUMINHYO = ("juminhyo", "juminhyo_kisai")
KOSEKI_PICKS = ("koseki_kojin", "koseki_fuhyo")  # whose: oneself, or people of the same 戸籍
ONE_PERSON = ("koseki_fuhyo",)  # a 附票 is one person's
TAX = ("kazei", "shotoku")
JST = ZoneInfo("Asia/Tokyo")
TAX_DATA_MONTH = 6  # a 年度's assessments appear in June; before that the latest is the last one


@dataclass(frozen=True)
class Timeouts:
    idle: float = 60.0  # no touch on a screen that waits for the resident
    card_left: float = 20.0  # the card still in the reader after the end
    not_collected: float = 120.0  # papers not taken: the screen resets anyway
    ready: float = 120.0  # the centre's render


@dataclass(frozen=True)
class TaxYear:
    """One 年度 to choose, labelled in 和暦 (「令和8年度」) and in English."""

    year: int
    label_ja: str
    label_en: str


def jst_today() -> date:
    return datetime.now(JST).date()


def wareki_nendo(year: int) -> str:
    """2026 → 「令和8年度」 (令和1 is written 元年)."""
    era, first = ("令和", 2019) if year >= 2019 else ("平成", 1989)
    number = year - first + 1
    return f"{era}{'元' if number == 1 else number}年度"


def tax_years(today: date) -> list[TaxYear]:
    """The latest 年度 with assessments and the one before: what a kiosk offers."""
    latest = today.year if today.month >= TAX_DATA_MONTH else today.year - 1
    return [TaxYear(y, wareki_nendo(y), f"FY{y} ({wareki_nendo(y)})") for y in (latest, latest - 1)]


@dataclass
class Choice:
    """The resident's choice; ``members`` is all, self, or some (then ``member_refs``)."""

    certificate: str = "juminhyo"
    members: str = "all"
    show_honseki: bool = False  # 本籍・筆頭者: on the 住民票, or on the 附票
    show_relationship: bool = True
    copies: int = 1
    tax_year: int | None = None
    member_refs: list[str] = field(default_factory=list)

    @property
    def picks_members(self) -> bool:
        return self.certificate in (*JUMINHYO, *KOSEKI_PICKS) and self.members == "some"

    def options(self) -> dict[str, Any]:
        """Only the options this certificate accepts (the centre refuses any other)."""
        if self.certificate in JUMINHYO:
            return {
                "members": list(self.member_refs) if self.picks_members else self.members,
                "show_honseki": self.show_honseki,
                "show_relationship": self.show_relationship,
            }
        if self.certificate == "koseki_kojin":
            return {"members": list(self.member_refs) if self.picks_members else "self"}
        if self.certificate == "koseki_fuhyo":
            member = self.member_refs[0] if self.picks_members else "self"
            return {"member": member, "show_honseki": self.show_honseki}
        if self.certificate in TAX and self.tax_year:
            return {"tax_year": self.tax_year}
        return {}


@dataclass
class View:
    """Everything a screen shows; ``version`` changes whenever the screen must be redrawn."""

    screen: Screen = Screen.INSERT_CARD
    version: int = 0
    language: str = "ja"
    choice: Choice = field(default_factory=Choice)
    tries_left: int | None = None
    pin_notice: Notice | None = None
    fee: int | None = None
    members: list[str] = field(default_factory=list)
    household: list[dict[str, Any]] = field(default_factory=list)  # refs, names and 続柄
    tax_years: list[TaxYear] = field(default_factory=list)
    notice: Notice | None = None
    card_left: bool = False
    serial: str | None = None
    credential: str = "card"  # what is on the reader: card, android or iphone
    pin_reset: bool = False  # the resident asked to reset the PIN (before placing the card)
