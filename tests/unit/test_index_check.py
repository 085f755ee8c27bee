"""Who may appear on a certificate: every person it names, held against the national index."""

from __future__ import annotations

from datetime import date

import pytest

from issuance.index.check import RecordsOutOfSyncError, check_household, check_record
from issuance.index.model import Residence, Resident, ResidentStatus
from issuance.koseki_records import Fuhyo, FuhyoEntry, Koseki, KosekiMember
from issuance.records import Household, Person, SealRegistration, TaxAssessment
from issuance.refusals import RefusalError

CHIYODA, SOKA = "131016", "112216"
TARO, HANAKO, ICHIRO = "80000000012", "80000000020", "80000000039"
TODAY = date(2026, 11, 29)


def resident(code: str, **changes: object) -> Resident:
    r = Resident(
        juminhyo_code=code,
        municipality_code=CHIYODA,
        honseki_municipality_code=CHIYODA,
        status=ResidentStatus.RESIDENT,
        birth_date=date(1980, 1, 1),
        dv_protected=False,
        moving_out=False,
    )
    r.residences = [Residence(municipality_code=CHIYODA, from_date=date(2015, 4, 1))]
    for key, value in changes.items():
        setattr(r, key, value)
    return r


def index(*people: Resident):  # type: ignore[no-untyped-def]
    return {p.juminhyo_code: p for p in people}.get


def person(code: str, name: str, relationship: str) -> Person:
    day = date(2015, 4, 1)
    return Person(code, name, "", date(1980, 1, 1), "男", relationship, day, day, day)


HOUSEHOLD = Household(
    CHIYODA,
    "H1",
    "東京都千代田区九段南一丁目2番1号",
    "山田　太郎",
    (
        person(TARO, "山田　太郎", "世帯主"),
        person(HANAKO, "山田　花子", "妻"),
        person(ICHIRO, "山田　一郎", "子"),
    ),
)


def out_of_sync(call) -> str:  # type: ignore[no-untyped-def]
    with pytest.raises(RecordsOutOfSyncError) as refused:
        call()
    assert refused.value.code == "RECORDS_OUT_OF_SYNC"
    assert refused.value.message_ja and refused.value.message_en
    assert "details" not in refused.value.as_dict()  # nothing about the person reaches a kiosk
    return refused.value.check


def test_a_household_the_index_agrees_with_passes() -> None:
    people = index(resident(TARO), resident(HANAKO), resident(ICHIRO))
    check_household(people, HOUSEHOLD, HOUSEHOLD.members, shows_head=True)


def test_a_member_the_index_knows_as_deceased_is_never_printed_but_the_rest_may_be() -> None:
    people = index(
        resident(TARO), resident(HANAKO, status=ResidentStatus.DECEASED), resident(ICHIRO)
    )
    check = out_of_sync(lambda: check_household(people, HOUSEHOLD, HOUSEHOLD.members, True))
    assert check == "deceased"
    check_household(people, HOUSEHOLD, HOUSEHOLD.members[:1], shows_head=True)


def test_a_member_registered_elsewhere_or_abroad_is_out_of_sync() -> None:
    elsewhere = index(resident(TARO), resident(HANAKO, municipality_code=SOKA), resident(ICHIRO))
    assert out_of_sync(lambda: check_household(elsewhere, HOUSEHOLD, HOUSEHOLD.members, True)) == (
        "registered_elsewhere"
    )
    abroad = index(
        resident(TARO),
        resident(HANAKO),
        resident(ICHIRO, status=ResidentStatus.MOVED_ABROAD, municipality_code=None),
    )
    assert out_of_sync(lambda: check_household(abroad, HOUSEHOLD, HOUSEHOLD.members, True)) == (
        "moved_abroad"
    )


def test_the_head_of_household_is_checked_whenever_the_document_shows_them() -> None:
    people = index(
        resident(TARO, status=ResidentStatus.DECEASED), resident(HANAKO), resident(ICHIRO)
    )
    only_hanako = HOUSEHOLD.members[1:2]
    assert out_of_sync(lambda: check_household(people, HOUSEHOLD, only_hanako, True)) == "deceased"
    check_household(people, HOUSEHOLD, only_hanako, shows_head=False)


def test_a_member_unknown_to_the_index_is_out_of_sync_even_when_not_printed() -> None:
    people = index(resident(TARO), resident(HANAKO))
    check = out_of_sync(lambda: check_household(people, HOUSEHOLD, HOUSEHOLD.members[:1], True))
    assert check == "not_in_index"


def test_the_household_rules_on_dv_and_moving_out_still_cover_every_member() -> None:
    dv = index(resident(TARO), resident(HANAKO, dv_protected=True), resident(ICHIRO))
    with pytest.raises(RefusalError, match="DV_PROTECTED"):
        check_household(dv, HOUSEHOLD, HOUSEHOLD.members[:1], shows_head=True)
    moving = index(resident(TARO), resident(HANAKO), resident(ICHIRO, moving_out=True))
    with pytest.raises(RefusalError, match="HOUSEHOLD_MEMBER_MOVING_OUT"):
        check_household(moving, HOUSEHOLD, HOUSEHOLD.members[:1], shows_head=True)


def seal(registered_on: date) -> SealRegistration:
    return SealRegistration(
        TARO, CHIYODA, "1", "山田　太郎", date(1980, 1, 1), "男", "住所", registered_on, "data:"
    )


def moved_back(day: date) -> Resident:
    """Lived in 千代田区, moved to 草加市, came back on ``day``."""
    r = resident(TARO)
    r.residences = [
        Residence(municipality_code=CHIYODA, from_date=date(2015, 4, 1), to_date=date(2020, 4, 1)),
        Residence(municipality_code=SOKA, from_date=date(2020, 4, 1), to_date=day),
        Residence(municipality_code=CHIYODA, from_date=day),
    ]
    return r


def test_a_seal_registered_during_the_current_residence_is_current() -> None:
    check_record(
        index(moved_back(date(2024, 1, 10))), CHIYODA, seal(date(2024, 1, 10)), (TARO,), TODAY
    )


def test_a_seal_from_an_earlier_stay_was_abolished_by_the_move() -> None:
    people = index(moved_back(date(2024, 1, 10)))
    check = out_of_sync(
        lambda: check_record(people, CHIYODA, seal(date(2016, 5, 10)), (TARO,), TODAY)
    )
    assert check == "seal_predates_residence"


def test_a_seal_dated_in_the_future_or_of_someone_gone_is_out_of_sync() -> None:
    people = index(resident(TARO))
    future = seal(date(2026, 12, 1))
    assert out_of_sync(lambda: check_record(people, CHIYODA, future, (TARO,), TODAY)) == (
        "seal_in_future"
    )
    dead = index(resident(TARO, status=ResidentStatus.DECEASED))
    assert out_of_sync(
        lambda: check_record(dead, CHIYODA, seal(date(2016, 5, 10)), (TARO,), TODAY)
    ) == ("deceased")
    gone = index(resident(TARO, municipality_code=SOKA))
    assert out_of_sync(
        lambda: check_record(gone, CHIYODA, seal(date(2016, 5, 10)), (TARO,), TODAY)
    ) == ("registered_elsewhere")


def tax(year: int, municipality: str) -> TaxAssessment:
    return TaxAssessment(TARO, municipality, year, "山田　太郎", "住所", (), (), 0, 0, 0)


def test_a_tax_certificate_comes_only_from_where_the_index_places_the_person_on_1_january() -> None:
    people = index(moved_back(date(2026, 4, 1)))
    check_record(people, SOKA, tax(2026, SOKA), (TARO,), TODAY)
    assert out_of_sync(
        lambda: check_record(people, CHIYODA, tax(2026, CHIYODA), (TARO,), TODAY)
    ) == ("not_resident_on_january_1")


def member(code: str | None, name: str, removed: bool = False) -> KosekiMember:
    return KosekiMember(name, date(1980, 1, 1), "男", "", "", "長男", code, removed)


KOSEKI = Koseki(
    CHIYODA,
    "東京都千代田区千代田一丁目1番",
    "山田　太郎",
    (member(TARO, "太郎"), member(HANAKO, "花子"), member(None, "茂", removed=True)),
)


def test_a_koseki_showing_alive_someone_the_index_knows_as_dead_is_out_of_sync() -> None:
    people = index(resident(TARO), resident(HANAKO, status=ResidentStatus.DECEASED))
    assert out_of_sync(lambda: check_record(people, CHIYODA, KOSEKI, (TARO, HANAKO), TODAY)) == (
        "deceased"
    )
    check_record(people, CHIYODA, KOSEKI, (TARO,), TODAY)  # 個人事項 of 太郎 alone
    removed = Koseki(
        KOSEKI.municipality_code,
        KOSEKI.honseki,
        KOSEKI.hittousha,
        (member(TARO, "太郎"), member(HANAKO, "花子", removed=True)),
    )
    check_record(people, CHIYODA, removed, (TARO, HANAKO), TODAY)  # printed as 除籍


def test_a_koseki_member_whose_honseki_the_index_puts_elsewhere_is_out_of_sync() -> None:
    people = index(resident(TARO), resident(HANAKO, honseki_municipality_code=SOKA))
    assert out_of_sync(lambda: check_record(people, CHIYODA, KOSEKI, (TARO, HANAKO), TODAY)) == (
        "honseki_elsewhere"
    )


def fuhyo(municipality: str) -> Fuhyo:
    return Fuhyo(
        TARO,
        municipality,
        "本籍",
        "山田　太郎",
        "山田　太郎",
        "ヤマダ　タロウ",
        date(1980, 1, 1),
        "男",
        (FuhyoEntry("住所", date(2015, 4, 1)),),
    )


def test_a_fuhyo_needs_its_subject_alive_with_the_honseki_there_even_abroad() -> None:
    abroad = index(resident(TARO, status=ResidentStatus.MOVED_ABROAD, municipality_code=None))
    check_record(abroad, CHIYODA, fuhyo(CHIYODA), (TARO,), TODAY)
    dead = index(resident(TARO, status=ResidentStatus.DECEASED))
    assert out_of_sync(lambda: check_record(dead, CHIYODA, fuhyo(CHIYODA), (TARO,), TODAY)) == (
        "deceased"
    )
    moved = index(resident(TARO, honseki_municipality_code=SOKA))
    assert out_of_sync(lambda: check_record(moved, CHIYODA, fuhyo(CHIYODA), (TARO,), TODAY)) == (
        "honseki_elsewhere"
    )


def test_anyone_named_but_unknown_to_the_index_is_out_of_sync_and_dv_comes_first() -> None:
    assert out_of_sync(lambda: check_record(index(), CHIYODA, fuhyo(CHIYODA), (TARO,), TODAY)) == (
        "not_in_index"
    )
    dv = index(resident(TARO, dv_protected=True, status=ResidentStatus.DECEASED))
    with pytest.raises(RefusalError, match="DV_PROTECTED"):
        check_record(dv, CHIYODA, fuhyo(CHIYODA), (TARO,), TODAY)
