"""Refusals that depend on the person, the municipality and the clock."""

from datetime import UTC, date, datetime, time

import pytest

from issuance.calendar import JST, age_on
from issuance.eligibility import check_request, within_hours
from issuance.index.model import Residence, Resident, ResidentStatus
from issuance.model import CertificateKind
from issuance.ports import MunicipalityInfo, Offering
from issuance.refusals import RefusalError
from issuance.service_hours import ServiceHours

OFFERING = Offering("juminhyo", True, 200, ServiceHours.every_day(time(6, 30), time(23, 0)))
INFO = MunicipalityInfo(
    "131016", "千代田区", "東京都", "千代田区長", "神田　和也", True, "bcl", {"juminhyo": OFFERING}
)


def jst(y: int, m: int, d: int, h: int, mi: int = 0) -> datetime:
    return datetime(y, m, d, h, mi, tzinfo=JST).astimezone(UTC)


def resident(**changes: object) -> Resident:
    r = Resident(
        juminhyo_code="80000000012",
        municipality_code="131016",
        status=ResidentStatus.RESIDENT,
        birth_date=date(1980, 1, 1),
        dv_protected=False,
        moving_out=False,
    )
    r.residences = [Residence(municipality_code="131016", from_date=date(2015, 4, 1))]
    for key, value in changes.items():
        setattr(r, key, value)
    return r


def refusal(r: Resident, now: datetime, info: MunicipalityInfo = INFO) -> str:
    with pytest.raises(RefusalError) as refused:
        check_request(r, info, CertificateKind.JUMINHYO, now)
    return refused.value.code


def test_an_ordinary_resident_in_service_hours_gets_the_fee() -> None:
    assert (
        check_request(resident(), INFO, CertificateKind.JUMINHYO, jst(2026, 11, 24, 10)).fee == 200
    )


def test_the_kiosk_refuses_at_night_and_through_the_new_year_closure() -> None:
    assert refusal(resident(), jst(2026, 11, 24, 23, 30)) == "OUT_OF_HOURS"
    assert refusal(resident(), jst(2026, 11, 24, 6, 0)) == "OUT_OF_HOURS"
    assert refusal(resident(), jst(2026, 12, 30, 10)) == "OUT_OF_HOURS"
    assert refusal(resident(), jst(2027, 1, 3, 12)) == "OUT_OF_HOURS"


def test_weekday_only_offerings_refuse_on_saturday() -> None:
    weekday = Offering("juminhyo", True, 200, ServiceHours.weekdays_only(time(8, 30), time(17, 15)))
    assert within_hours(weekday, datetime(2026, 11, 24, 10, 0))
    assert not within_hours(weekday, datetime(2026, 11, 28, 10, 0))


def test_dv_protection_is_refused_before_anything_else() -> None:
    assert (
        refusal(resident(dv_protected=True, moving_out=True), jst(2026, 11, 24, 10))
        == "DV_PROTECTED"
    )


def test_people_refused_by_status_get_their_own_reason() -> None:
    now = jst(2026, 11, 24, 10)
    assert refusal(resident(status=ResidentStatus.DECEASED), now) == "DECEASED"
    assert (
        refusal(resident(status=ResidentStatus.MOVED_ABROAD, municipality_code=None), now)
        == "MOVED_ABROAD"
    )
    assert refusal(resident(moving_out=True), now) == "MOVING_OUT"
    assert refusal(resident(municipality_code=None), now) == "NO_RECORD"  # 転出, no 転入 yet
    assert refusal(resident(birth_date=date(2012, 11, 25)), now) == "UNDER_15"


def test_fifteen_is_reached_on_the_birthday() -> None:
    assert age_on(date(2011, 11, 24), date(2026, 11, 24)) == 15
    assert age_on(date(2011, 11, 25), date(2026, 11, 24)) == 14


def test_the_day_of_moving_in_is_refused() -> None:
    r = resident()
    r.residences = [Residence(municipality_code="131016", from_date=date(2026, 11, 24))]
    assert refusal(r, jst(2026, 11, 24, 10)) == "MOVED_IN_TODAY"


def test_municipalities_that_do_not_take_part_or_offer_the_kind_refuse() -> None:
    now = jst(2026, 11, 24, 10)
    out = MunicipalityInfo(**{**INFO.__dict__, "participating": False})
    assert refusal(resident(), now, out) == "MUNICIPALITY_NOT_PARTICIPATING"
    none = MunicipalityInfo(**{**INFO.__dict__, "offerings": {}})
    assert refusal(resident(), now, none) == "NOT_OFFERED"
