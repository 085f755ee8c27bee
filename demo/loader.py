"""Load the demo nation into the database and issue each demo resident a virtual card."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from demo.categories import CATEGORY_HOUSEHOLDS
from demo.data import HOUSEHOLDS, MUNICIPALITIES, DemoHousehold, DemoPerson
from demo.jpki import TestJpki
from demo.phones import load_phones
from demo.places import OWN_SERVER_BODIES, DemoPaths, load_kiosks, load_municipalities
from demo.records import MORE_HOUSEHOLDS
from demo.records_loader import Placed, load_records, write_own_server_residents
from demo.staff import load_staff
from issuance.calendar import JST
from issuance.codes import with_check_digit
from issuance.index.model import CardLink, Residence, Resident, ResidentStatus
from issuance.sessions.jpki import certificate_fingerprint
from issuance.sessions.signature_schemes import CardGeneration
from issuance.unit_of_work import SqlUnitOfWork
from kiosk_terminal.virtual_card import VirtualCard
from municipalities.bcl import BclHousehold, BclPerson
from municipalities.bcl_rows import FOREIGN

ALL_HOUSEHOLDS = HOUSEHOLDS + MORE_HOUSEHOLDS + CATEGORY_HOUSEHOLDS


def juminhyo_code(serial: int) -> str:
    return with_check_digit(f"{80_000_000_00 + serial:010d}", "juminhyo")


def _person_row(
    person: DemoPerson, code: str, household_id: str, position: int, household: DemoHousehold
) -> BclPerson:
    # a child born here since has lived at the address from birth (出生届 three days later)
    since = max(person.birth, person.previous[1] if person.previous else household.since)
    return BclPerson(
        juminhyo_code=code,
        household_id=household_id,
        position=position,
        name=person.name,
        name_kana=person.kana,
        birth_date=person.birth,
        sex=person.sex,
        relationship=person.relationship,
        became_resident_on=since,
        address_since=since,
        notified_on=since + timedelta(days=3),
        previous_address=household.previous_address,
        honseki=person.honseki,
        hittousha=person.hittousha,
        my_number=person.my_number,
        former_surname=person.former_surname,
        former_surname_kana=person.former_surname_kana,
        # validated as an import would: the demo holds only lawful shapes
        foreign=FOREIGN.dump_python(FOREIGN.validate_python(person.foreign), mode="json")
        if person.foreign
        else None,
    )


def _index_row(person: DemoPerson, code: str, municipality: str) -> Resident:
    abroad = person.status == "moved_abroad"
    honseki = None
    if person.honseki:
        body = person.honseki_body
        honseki = with_check_digit(body, "municipality") if body else municipality
    resident = Resident(
        juminhyo_code=code,
        municipality_code=None if abroad else municipality,
        honseki_municipality_code=honseki,
        status=ResidentStatus(person.status),
        birth_date=person.birth,
        dv_protected=person.dv_protected,
        moving_out=person.moving_out,
    )
    if abroad:
        resident.residences = [
            Residence(
                municipality_code=municipality, from_date=date(2015, 4, 1), to_date=date(2025, 4, 1)
            )
        ]
    elif person.previous:
        before = with_check_digit(person.previous[0], "municipality")
        resident.residences = [
            Residence(
                municipality_code=before, from_date=date(2018, 4, 1), to_date=person.previous[1]
            ),
            Residence(municipality_code=municipality, from_date=person.previous[1], to_date=None),
        ]
    else:
        resident.residences = [
            Residence(municipality_code=municipality, from_date=date(2015, 4, 1))
        ]
    return resident


Authorities = dict[CardGeneration, TestJpki]


def open_authorities(pki_dir: Path) -> Authorities:
    """The test JPKI of each card generation in ``pki_dir`` (made on first use)."""
    return {
        generation: TestJpki.open_or_create(pki_dir, generation) for generation in CardGeneration
    }


def _issue_card(authorities: Authorities, path: Path, person: DemoPerson) -> VirtualCard:
    """The card file if it exists (keys are slow to make), else a new card from the test JPKI
    of the person's card generation (today's RSA-2048 card, or the next-generation P-384 one)."""
    if path.exists():
        return VirtualCard.load(path)
    jpki = authorities[CardGeneration(person.card_generation)]
    certificate, key = jpki.issue_user_certificate()
    card = VirtualCard.issue(
        certificate, jpki.ca_certificate, key, person.pin, person.label, person.signature_pin
    )
    if person.pin_locked:
        card.tries_left = 0
    path.parent.mkdir(parents=True, exist_ok=True)
    card.save(path)
    if person.card_revoked:
        jpki.revoke(certificate.serial_number)
    return card


def _link_card(uow: SqlUnitOfWork, card: VirtualCard, code: str, usable_from: date) -> None:
    fingerprint = certificate_fingerprint(card.certificate)
    link = uow.session.get(CardLink, fingerprint)
    if link is None:
        link = CardLink(
            certificate_fingerprint=fingerprint,
            juminhyo_code=code,
            linked_at=datetime.now(UTC),
            usable_from=usable_from,
        )
        uow.session.add(link)
    link.usable_from = usable_from


def _load_household(
    uow: SqlUnitOfWork,
    authorities: Authorities,
    paths: DemoPaths,
    household: DemoHousehold,
    household_id: str,
    codes: list[str],
    card_dir: Path,
) -> None:
    municipality = with_check_digit(household.municipality, "municipality")
    today = datetime.now(JST).date()
    in_bcl = household.municipality not in OWN_SERVER_BODIES and any(
        p.status != "moved_abroad" for p in household.members
    )
    if in_bcl and uow.session.get(BclHousehold, household_id) is None:
        head = household.members[0].name
        uow.session.add(
            BclHousehold(
                id=household_id,
                municipality_code=municipality,
                address=household.address,
                head_name=head,
            )
        )
        uow.session.flush()
    for position, (person, code) in enumerate(zip(household.members, codes, strict=True)):
        if uow.session.get(Resident, code) is None:
            uow.session.add(_index_row(person, code, municipality))
            if in_bcl:
                uow.session.add(_person_row(person, code, household_id, position, household))
            uow.session.flush()
        if person.card:
            card = _issue_card(authorities, card_dir / f"{person.label}.json", person)
            usable = today + timedelta(days=1) if person.card_issued_today else date(2016, 1, 1)
            _link_card(uow, card, code, usable)


def load_demo(
    uow: SqlUnitOfWork,
    data_dir: Path,
    pki_dir: Path,
    pepper: str,
    extra_residents: int = 0,
    staff: bool = True,
) -> DemoPaths:
    """Idempotent: what exists stays (cards keep keys and PIN counters); the rest is added.

    ``staff``: also the portal's demo accounts, whose passwords and TOTP secrets are fixed.
    """
    paths = DemoPaths(data_dir)
    authorities = open_authorities(pki_dir)
    load_municipalities(uow)
    uow.commit()
    load_kiosks(uow, pepper, paths)
    if staff:
        load_staff(uow, datetime.now(UTC))
    serial = 0
    placed: list[Placed] = []
    for number, household in enumerate(ALL_HOUSEHOLDS, start=1):
        codes = [juminhyo_code(serial + i + 1) for i in range(len(household.members))]
        placed += [
            Placed(person, code, serial + i + 1, household)
            for i, (person, code) in enumerate(zip(household.members, codes, strict=True))
        ]
        serial += len(household.members)
        _load_household(
            uow,
            authorities,
            paths,
            household,
            f"H{household.municipality}{number:04d}",
            codes,
            paths.cards,
        )
    uow.commit()
    load_records(uow, placed, datetime.now(JST).date(), paths.root / "demo" / "municipal")
    write_own_server_residents(placed, paths.root / "demo" / "municipal")
    for i in range(extra_residents):
        _load_household(
            uow,
            authorities,
            paths,
            synthetic_household(i),
            f"X{i:08d}",
            [juminhyo_code(100_000 + i)],
            paths.cards / "extra",
        )
        if i % 50 == 49:
            uow.commit()
    uow.commit()
    load_phones(uow, authorities[CardGeneration.RSA2048], paths.cards, extra_residents)
    return paths


SURNAMES = ("佐々木", "高橋", "渡辺", "小林", "加藤", "吉田", "山口", "松本", "井上", "木村")
GIVEN = ("大輔", "美咲", "翔太", "陽菜", "健太", "結衣", "拓也", "彩", "直樹", "真由美")


# One synthetic resident in this many holds the next-generation (P-384) card: `make bench`
# runs a mix of both generations.
P384_EVERY = 4


def synthetic_household(i: int) -> DemoHousehold:
    """A one-person household for load tests: a distinct name per resident, so mix-ups show;
    every ``P384_EVERY``-th (i = 3, 7, 11…) holds a next-generation P-384 card."""
    name = f"{SURNAMES[i % 10]}　{GIVEN[(i // 10) % 10]}{i:04d}"
    body = ("13101", "11221")[i % 2]
    person = DemoPerson(
        f"extra-{i:04d}",
        name,
        "てすと　たろう",
        date(1980 + i % 20, 1 + i % 12, 1 + i % 28),
        "男" if i % 2 else "女",
        "世帯主",
        "synthetic resident for load tests",
        card_generation="p384" if i % P384_EVERY == P384_EVERY - 1 else "rsa2048",
    )
    return DemoHousehold(body, f"東京都千代田区九段南一丁目{i % 9 + 1}番{i % 30 + 1}号", (person,))


def demo_cards(data_dir: Path) -> list[dict[str, str]]:
    """For `kofu demo cards`: each card, its PIN, municipality and why it is interesting."""
    names = {m.body: m.name for m in MUNICIPALITIES}
    rows = []
    for household in ALL_HOUSEHOLDS:
        for person in household.members:
            path = DemoPaths(data_dir).cards / f"{person.label}.json"
            rows.append(
                {
                    "card": str(path),
                    "name": person.name,
                    "pin": person.pin,
                    "municipality": names[household.municipality],
                    "note": person.note,
                }
            )
    return rows
