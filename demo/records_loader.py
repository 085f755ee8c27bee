"""Loads the demo's seals, tax assessments, 戸籍 and 附票 (BCL tables, or an own-server extract)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from demo.categories import SEALS_IN
from demo.data import MUNICIPALITIES, DemoHousehold, DemoPerson
from demo.koseki_data import REGISTERS, DemoKosekiMember, event
from demo.records import PENDING_KOSEKI, SEALED, UNTAXED, seal_impression, tax_rows
from issuance.codes import with_check_digit
from issuance.routing import latest_tax_year
from issuance.unit_of_work import SqlUnitOfWork
from issuance.use_registration import UseRegistration
from municipalities.bcl_import import Extract, replace_records

BACKENDS = {m.body: m.backend for m in MUNICIPALITIES}
SEAL_REGISTERED_ON = date(2016, 5, 10)


@dataclass(frozen=True)
class Placed:
    """One demo person with their 住民票コード, household and municipality body."""

    person: DemoPerson
    code: str
    serial: int
    household: DemoHousehold


def honseki_body(placed: Placed) -> str | None:
    if placed.person.honseki is None:
        return None
    return placed.person.honseki_body or placed.household.municipality


def _body_on(placed: Placed, day: date) -> str | None:
    previous = placed.person.previous
    if placed.person.status == "moved_abroad":
        return placed.household.municipality if day < date(2025, 4, 1) else None
    if previous and day < previous[1]:
        return previous[0]
    return placed.household.municipality


def _seal_registered_on(placed: Placed) -> date:
    """After moving in: a registration from an earlier stay was abolished by the move."""
    previous = placed.person.previous
    return previous[1] + timedelta(days=7) if previous else SEAL_REGISTERED_ON


def _extract(extracts: dict[str, dict[str, list[Any]]], body: str) -> dict[str, list[Any]]:
    return extracts.setdefault(
        body, {"seals": [], "tax_assessments": [], "koseki": [], "fuhyo": []}
    )


def _taxes(extracts: dict[str, dict[str, list[Any]]], placed: Placed, today: date) -> None:
    if placed.person.label in UNTAXED or placed.person.status != "resident":
        return
    latest = latest_tax_year(today)
    for year in (latest - 1, latest):
        body = _body_on(placed, date(year, 1, 1))
        if body is None:
            continue
        # The assessment names the address on 1 January: for a resident who has moved since,
        # that is the previous address in the former municipality.
        moved_since = body != placed.household.municipality
        address = (
            placed.household.previous_address if moved_since else None
        ) or placed.household.address
        row = tax_rows(placed.person, placed.serial, year, address)
        _extract(extracts, body)["tax_assessments"].append({"juminhyo_code": placed.code, **row})


def _member(m: DemoKosekiMember, by_label: dict[str, Placed]) -> dict[str, Any]:
    placed = by_label[m.label] if m.label else None
    birth = placed.person.birth if placed else m.birth
    assert birth is not None
    born = event(
        "出生",
        出生日=birth,
        出生地=m.birthplace,
        届出日=birth + timedelta(days=6),
        届出人=m.notifier,
    )
    return {
        "juminhyo_code": placed.code if placed else None,
        "name": m.name,
        "name_kana": m.kana,
        "birth_date": birth.isoformat(),
        "sex": placed.person.sex if placed else m.sex,
        "father": m.father,
        "mother": m.mother,
        "relationship": m.relationship,
        "spouse_role": m.spouse_role,
        "removed": m.removed,
        "events": [born, *m.events],
    }


def _fuhyo(placed: Placed, koseki_id: str, pending: bool) -> dict[str, Any]:
    entries = []
    if placed.household.previous_address:
        entries.append({"address": placed.household.previous_address, "since": "2010-04-01"})
    since = placed.person.previous[1] if placed.person.previous else placed.household.since
    entries.append({"address": placed.household.address, "since": since.isoformat()})
    return {
        "juminhyo_code": placed.code,
        "koseki_id": koseki_id,
        "name": placed.person.name,
        "name_kana": placed.person.kana,
        "birth_date": placed.person.birth.isoformat(),
        "sex": placed.person.sex,
        "entries": entries,
        "pending_notifications": pending,
    }


def _koseki(extracts: dict[str, dict[str, list[Any]]], people: list[Placed]) -> None:
    """Every demo 戸籍 into its 本籍地's extract, and a 附票 for each resident current in it."""
    by_label = {p.person.label: p for p in people}
    for number, register in enumerate(REGISTERS, start=1):
        koseki_id = f"K{register.body}-{number:03d}"
        current = [by_label[m.label] for m in register.members if m.label and not m.removed]
        pending = any(p.person.label in PENDING_KOSEKI for p in current)
        extract = _extract(extracts, register.body)
        extract["koseki"].append(
            {
                "id": koseki_id,
                "honseki": register.honseki,
                "hittousha": register.hittousha,
                "surname_kana": register.surname_kana,
                "pending_notifications": pending,
                "compiled_on": register.compiled_on.isoformat(),
                "remade_on": register.remade_on.isoformat() if register.remade_on else None,
                "members": [_member(m, by_label) for m in register.members],
            }
        )
        extract["fuhyo"] += [_fuhyo(p, koseki_id, pending) for p in current]


def _seal(placed: Placed) -> dict[str, Any]:
    """The resident's 印鑑登録, in the name SEALS_IN says (氏名 unless told)."""
    person = placed.person
    registered_in = SEALS_IN.get(person.label, "氏名")
    shown = {
        "氏名": person.name,
        "旧氏": person.former_surname,
        "通称": (person.foreign or {}).get("alias"),
    }[registered_in]
    return {
        "juminhyo_code": placed.code,
        "registration_number": f"{placed.serial:08d}",
        "registered_on": _seal_registered_on(placed).isoformat(),
        "impression": seal_impression(shown or person.name),
        "registered_in": registered_in,
    }


def demo_extracts(people: list[Placed], today: date) -> dict[str, dict[str, list[Any]]]:
    """Per municipality body: the records beyond residents, in the BCL extract format."""
    extracts: dict[str, dict[str, list[Any]]] = {}
    for placed in people:
        person = placed.person
        if person.label in SEALED or person.label in SEALS_IN:
            _extract(extracts, placed.household.municipality)["seals"].append(_seal(placed))
        _taxes(extracts, placed, today)
    _koseki(extracts, people)
    return extracts


def load_records(uow: SqlUnitOfWork, people: list[Placed], today: date, out_dir: Path) -> None:
    """BCL municipalities' records into the BCL tables; own-server ones into extract files."""
    for body, records in demo_extracts(people, today).items():
        code = with_check_digit(body, "municipality")
        extract = Extract.from_dict({"municipality_code": code, **records})
        if BACKENDS.get(body, "bcl") == "bcl":
            replace_records(uow, extract)
        else:
            out_dir.mkdir(parents=True, exist_ok=True)
            (out_dir / f"{code}.json").write_text(
                json.dumps({"municipality_code": code, **records}, ensure_ascii=False, indent=1)
            )
    for placed in people:
        honseki = honseki_body(placed)
        if placed.person.status == "moved_abroad" and honseki is not None:
            code = with_check_digit(honseki, "municipality")
            if uow.session.get(UseRegistration, (placed.code, code)) is None:
                uow.session.add(
                    UseRegistration(
                        juminhyo_code=placed.code,
                        municipality_code=code,
                        requested_at=datetime(2025, 4, 1, tzinfo=UTC),
                        usable_from=date(2025, 4, 3),
                    )
                )
    uow.commit()


def write_own_server_residents(people: list[Placed], out_dir: Path) -> None:
    """Add households and residents to each own-server municipality's extract file."""
    for body in {
        p.household.municipality for p in people if BACKENDS.get(p.household.municipality) != "bcl"
    }:
        code = with_check_digit(body, "municipality")
        path = out_dir / f"{code}.json"
        data = json.loads(path.read_text()) if path.exists() else {"municipality_code": code}
        local = [p for p in people if p.household.municipality == body]
        households: dict[str, dict[str, str]] = {}
        residents = []
        distinct = {id(p.household): p.household for p in local}.values()
        numbers = {id(h): n for n, h in enumerate(distinct)}
        for position, placed in enumerate(local):
            hid = f"H{body}{numbers[id(placed.household)]:04d}"
            households.setdefault(
                hid,
                {
                    "id": hid,
                    "address": placed.household.address,
                    "head_name": placed.household.members[0].name,
                },
            )
            since = max(placed.person.birth, placed.household.since)
            residents.append(
                {
                    "juminhyo_code": placed.code,
                    "household_id": hid,
                    "position": position,
                    "name": placed.person.name,
                    "name_kana": placed.person.kana,
                    "birth_date": placed.person.birth.isoformat(),
                    "sex": placed.person.sex,
                    "relationship": placed.person.relationship,
                    "became_resident_on": since.isoformat(),
                    "address_since": since.isoformat(),
                    "notified_on": (since + timedelta(days=3)).isoformat(),
                    "honseki": placed.person.honseki,
                    "hittousha": placed.person.hittousha,
                    **_optional_items(placed.person),
                }
            )
        data["households"], data["residents"] = list(households.values()), residents
        out_dir.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(data, ensure_ascii=False, indent=1))


def _optional_items(person: DemoPerson) -> dict[str, Any]:
    """旧氏 and the 外国人住民's items, only when the person has them."""
    items = {
        "former_surname": person.former_surname,
        "former_surname_kana": person.former_surname_kana,
        "foreign": person.foreign,
    }
    return {key: value for key, value in items.items() if value}
