"""The demo 戸籍 agree with the demo residents and are extracts the import accepts."""

from __future__ import annotations

from datetime import date

from demo.koseki_data import REGISTERS
from demo.loader import ALL_HOUSEHOLDS, juminhyo_code
from demo.records_loader import Placed, demo_extracts, honseki_body
from issuance.codes import with_check_digit
from municipalities.bcl_import import validate_extract


def placed() -> list[Placed]:
    people, serial = [], 0
    for household in ALL_HOUSEHOLDS:
        for person in household.members:
            serial += 1
            people.append(Placed(person, juminhyo_code(serial), serial, household))
    return people


def test_every_demo_extract_passes_the_imports_checks() -> None:
    registers = 0
    for body, records in demo_extracts(placed(), date(2026, 11, 22)).items():
        code = with_check_digit(body, "municipality")
        registers += len(validate_extract({"municipality_code": code, **records}).rows("koseki"))
    assert registers == len(REGISTERS)


def test_each_resident_with_a_honseki_is_current_in_the_koseki_their_juminhyo_names() -> None:
    people = placed()
    extracts = demo_extracts(people, date(2026, 11, 22))
    for p in (p for p in people if p.person.honseki):
        body = honseki_body(p)
        assert body is not None
        current = [
            k
            for k in extracts[body]["koseki"]
            for m in k["members"]
            if m["juminhyo_code"] == p.code and not m["removed"]
        ]
        assert [(k["honseki"], k["hittousha"]) for k in current] == [
            (p.person.honseki, p.person.hittousha)
        ], p.person.label


def test_taro_is_removed_from_his_parents_koseki_at_the_same_honseki_chi() -> None:
    people = placed()
    taro = next(p.code for p in people if p.person.label == "yamada-taro")
    chiyoda = demo_extracts(people, date(2026, 11, 22))["13101"]["koseki"]
    records = {
        k["hittousha"]: m["removed"]
        for k in chiyoda
        for m in k["members"]
        if m["juminhyo_code"] == taro
    }
    assert records == {"山田　太郎": False, "山田　義男": True}
