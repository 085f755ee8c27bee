"""The offering in effect at a moment: the latest scheduled change by then, else the base."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from issuance.calendar import JST
from issuance.eligibility import municipal_menu
from issuance.ports import MunicipalityInfo, Offering, OfferingChanges, ScheduledOffering
from issuance.service_hours import ServiceHours

APRIL = datetime(2027, 4, 1, tzinfo=JST)
BASE = Offering("juminhyo", True, 300, ServiceHours.every_day(time(6, 30), time(23, 0)))


def info(*scheduled: ScheduledOffering) -> MunicipalityInfo:
    return MunicipalityInfo(
        code="131016",
        name="千代田区",
        prefecture="東京都",
        mayor_title="千代田区長",
        mayor_name="甲",
        participating=True,
        backend_kind="bcl",
        offerings={"juminhyo": BASE},
        scheduled=scheduled,
    )


def at(moment: datetime, fee: int, offered: bool = True) -> ScheduledOffering:
    return ScheduledOffering(moment, "juminhyo", OfferingChanges(offered, fee))


def test_the_base_offering_applies_until_the_first_change() -> None:
    town = info(at(APRIL, 350))
    assert town.offering_at("juminhyo", APRIL - timedelta(seconds=1)) == BASE
    assert town.offering_at("juminhyo", APRIL).fee == 350  # type: ignore[union-attr]


def test_the_latest_change_in_effect_wins() -> None:
    town = info(at(APRIL, 350), at(APRIL + timedelta(days=30), 400))
    assert town.offering_at("juminhyo", APRIL + timedelta(days=29)).fee == 350  # type: ignore[union-attr]
    assert town.offering_at("juminhyo", APRIL + timedelta(days=31)).fee == 400  # type: ignore[union-attr]
    assert town.offering_at("inkan", APRIL) is None


def test_the_menu_follows_the_change_a_kind_switched_off_is_not_offered() -> None:
    town = info(at(APRIL, 300, offered=False))
    noon = APRIL.replace(hour=12) - timedelta(days=1)
    before = {line.kind: line for line in municipal_menu(town, noon)}
    after = {line.kind: line for line in municipal_menu(town, noon + timedelta(days=1))}
    assert before["juminhyo"].refusal is None and before["juminhyo"].offering == BASE
    assert after["juminhyo"].refusal == "NOT_OFFERED"
    assert before["inkan"].refusal == "NOT_OFFERED"  # never offered here
