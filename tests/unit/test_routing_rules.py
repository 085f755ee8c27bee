"""Routing rules, business days, holidays and the circuit breaker, without any I/O."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest

from issuance.calendar import JST
from issuance.eligibility import within_hours
from issuance.index.model import Residence, Resident, ResidentStatus
from issuance.model import CertificateKind
from issuance.ports import MaintenanceWindow, MunicipalityInfo, Offering
from issuance.refusals import REFUSALS, RefusalError
from issuance.routing import latest_tax_year, route_request
from issuance.service_hours import ServiceHours
from issuance.use_registration import after_business_days
from municipalities.own_server import CircuitBreaker

CHIYODA, SOKA = "131016", "112216"


def info(code: str, name: str, wide: bool = True, **offerings: Offering) -> MunicipalityInfo:
    every = {
        k.value: Offering(k.value, True, 200, ServiceHours.every_day(time(0), time(23, 59)))
        for k in CertificateKind
    }
    return MunicipalityInfo(
        code, name, "", "", "", True, "bcl", {**every, **offerings}, wide_area_tax=wide
    )


class Directory:
    def __init__(self, *infos: MunicipalityInfo) -> None:
        self.by_code = {i.code: i for i in infos}

    def get(self, uow: object, code: str) -> MunicipalityInfo | None:
        return self.by_code.get(code)


def moved_resident() -> Resident:
    r = Resident(
        juminhyo_code="80000000071",
        municipality_code=CHIYODA,
        honseki_municipality_code=SOKA,
        status=ResidentStatus.RESIDENT,
        birth_date=date(1990, 1, 15),
        dv_protected=False,
        moving_out=False,
    )
    r.residences = [
        Residence(municipality_code=SOKA, from_date=date(2018, 4, 1), to_date=date(2026, 4, 1)),
        Residence(municipality_code=CHIYODA, from_date=date(2026, 4, 1)),
    ]
    return r


NOON = datetime(2026, 11, 24, 12, tzinfo=JST).astimezone(UTC)


def test_the_tax_year_is_routed_to_where_one_lived_on_1_january() -> None:
    directory = Directory(info(CHIYODA, "千代田区"), info(SOKA, "草加市"))
    route = route_request(None, directory, moved_resident(), CertificateKind.KAZEI, NOON, 2026)  # type: ignore[arg-type]
    assert route.info.code == SOKA and route.wide_area and route.tax_year == 2026
    later = datetime(2027, 7, 1, 12, tzinfo=JST)
    route = route_request(None, directory, moved_resident(), CertificateKind.KAZEI, later)  # type: ignore[arg-type]
    assert route.info.code == CHIYODA and not route.wide_area and route.tax_year == 2027


def test_wide_area_issuance_needs_both_municipalities_to_opt_in() -> None:
    directory = Directory(info(CHIYODA, "千代田区", wide=False), info(SOKA, "草加市"))
    with pytest.raises(RefusalError) as refused:
        route_request(None, directory, moved_resident(), CertificateKind.SHOTOKU, NOON, 2026)  # type: ignore[arg-type]
    assert refused.value.code == "WIDE_AREA_NOT_AVAILABLE"


def test_new_tax_data_appears_in_june() -> None:
    assert latest_tax_year(date(2026, 5, 31)) == 2025
    assert latest_tax_year(date(2026, 6, 1)) == 2026


def test_use_registration_counts_business_days_skipping_weekends_and_holidays() -> None:
    # Fri 2026-11-20 + 2 business days: Mon 23rd is 勤労感謝の日, so Tue 24th, Wed 25th.
    assert after_business_days(date(2026, 11, 20), 2) == date(2026, 11, 25)
    assert after_business_days(date(2026, 12, 28), 1) == date(2027, 1, 4)


def test_weekday_only_services_close_on_national_holidays() -> None:
    weekday = Offering(
        "koseki_zenbu", True, 350, ServiceHours.weekdays_only(time(8, 30), time(17, 15))
    )
    assert within_hours(weekday, datetime(2026, 11, 24, 10))
    assert not within_hours(weekday, datetime(2026, 11, 23, 10))  # 勤労感謝の日 (Monday)
    assert not within_hours(weekday, datetime(2027, 1, 4, 8, 0))  # before opening


def test_a_maintenance_window_refuses_only_its_kind_and_time() -> None:
    window = MaintenanceWindow(NOON - timedelta(hours=1), NOON + timedelta(hours=1), "inkan")
    chiyoda = info(CHIYODA, "千代田区")
    directory = Directory(
        MunicipalityInfo(**{**vars(chiyoda), "maintenance": (window,)})  # type: ignore[arg-type]
    )
    resident = moved_resident()
    with pytest.raises(RefusalError) as refused:
        route_request(None, directory, resident, CertificateKind.INKAN, NOON)  # type: ignore[arg-type]
    assert refused.value.code == "MAINTENANCE"
    assert route_request(None, directory, resident, CertificateKind.JUMINHYO, NOON)  # type: ignore[arg-type]
    later = NOON + timedelta(hours=2)
    assert route_request(None, directory, resident, CertificateKind.INKAN, later)  # type: ignore[arg-type]


def test_the_circuit_opens_after_repeated_failures_and_tries_again_after_cooldown() -> None:
    breaker = CircuitBreaker(threshold=3, cooldown=30)
    for t in range(3):
        assert breaker.allow(t)
        breaker.record(False, t)
    assert not breaker.allow(10)
    assert breaker.allow(40)  # half-open: one trial
    assert not breaker.allow(41)
    breaker.record(True, 41)
    assert breaker.allow(42)


def test_every_refusal_has_a_japanese_and_an_english_message() -> None:
    for code, (ja, en) in REFUSALS.items():
        assert ja and en and code.isupper()
