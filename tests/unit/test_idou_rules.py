"""What each 異動 does to a person's entry in the index, and the sequences that cannot happen."""

from __future__ import annotations

from datetime import date

from issuance.index.idou_file import Idou, IdouKind
from issuance.index.idou_rules import Entry, Stay, apply_change, impossible
from issuance.index.model import ResidentStatus

CHIYODA, SOKA = "131016", "112216"
CODE = "80000000012"


def idou(kind: IdouKind, day: date, municipality: str | None = None, **more: object) -> Idou:
    return Idou(1, f"{kind}-{day}", CODE, kind, day, municipality, **more)  # type: ignore[arg-type]


def resident() -> Entry:
    return Entry(
        CODE,
        ResidentStatus.RESIDENT,
        CHIYODA,
        CHIYODA,
        date(1980, 1, 1),
        stays=[Stay(CHIYODA, date(2015, 4, 1), None, 1)],
    )


def run(entry: Entry, *steps: Idou) -> list[tuple[str, str] | None]:
    """Each step's problem, or None when it was applied."""
    found = []
    for step in steps:
        problem = impossible(entry, step)
        if problem is None:
            apply_change(entry, step)
        found.append(problem)
    return found


def test_a_birth_then_moves_keep_one_contiguous_history() -> None:
    baby = Entry(CODE)
    assert run(
        baby,
        idou(IdouKind.BIRTH, date(2020, 5, 1), CHIYODA, birth_date=date(2020, 5, 1)),
        idou(IdouKind.MOVE_IN, date(2023, 4, 1), SOKA),
        idou(IdouKind.MOVE_IN, date(2025, 4, 1), CHIYODA),
    ) == [None, None, None]
    assert [(s.municipality_code, s.from_date, s.to_date) for s in baby.stays] == [
        (CHIYODA, date(2020, 5, 1), date(2023, 4, 1)),
        (SOKA, date(2023, 4, 1), date(2025, 4, 1)),
        (CHIYODA, date(2025, 4, 1), None),
    ]
    assert (baby.status, baby.municipality_code) == (ResidentStatus.RESIDENT, CHIYODA)


def test_leaving_closes_the_residence_and_clears_the_municipality() -> None:
    person = resident()
    assert run(person, idou(IdouKind.MOVING_OUT_FILED, date(2026, 9, 1))) == [None]
    assert person.moving_out
    assert run(person, idou(IdouKind.MOVE_OUT, date(2026, 9, 15), CHIYODA)) == [None]
    assert (person.municipality_code, person.moving_out) == (None, False)
    assert person.stays[0].to_date == date(2026, 9, 15)
    assert run(person, idou(IdouKind.MOVE_IN, date(2026, 9, 20), SOKA)) == [None]
    abroad = resident()
    assert run(abroad, idou(IdouKind.MOVED_ABROAD, date(2026, 3, 1))) == [None]
    assert (abroad.status, abroad.municipality_code) == (ResidentStatus.MOVED_ABROAD, None)
    assert run(abroad, idou(IdouKind.MOVE_IN, date(2026, 8, 1), SOKA)) == [None]  # came back
    assert abroad.status is ResidentStatus.RESIDENT


def test_a_death_ends_everything_but_the_dv_flags() -> None:
    person = resident()
    assert run(
        person,
        idou(IdouKind.DEATH, date(2026, 10, 1)),
        idou(IdouKind.DEATH, date(2026, 10, 2)),
        idou(IdouKind.MOVE_IN, date(2026, 10, 3), SOKA),
        idou(IdouKind.DV_OFF, date(2026, 10, 4)),
    ) == [None, ("kind", "ALREADY_DECEASED"), ("kind", "ALREADY_DECEASED"), None]
    assert person.status is ResidentStatus.DECEASED and person.municipality_code is None
    assert person.stays[0].to_date == date(2026, 10, 1)


def test_only_a_birth_adds_a_person_and_only_once() -> None:
    assert run(Entry(CODE), idou(IdouKind.MOVE_IN, date(2026, 1, 1), SOKA)) == [
        ("juminhyo_code", "UNKNOWN_PERSON")
    ]
    assert run(Entry(CODE), idou(IdouKind.DEATH, date(2026, 1, 1))) == [
        ("juminhyo_code", "UNKNOWN_PERSON")
    ]
    born = idou(IdouKind.BIRTH, date(2026, 1, 1), SOKA, birth_date=date(2026, 1, 1))
    assert run(resident(), born) == [("juminhyo_code", "ALREADY_IN_INDEX")]


def test_impossible_moves_are_named() -> None:
    assert run(resident(), idou(IdouKind.MOVE_IN, date(2014, 1, 1), SOKA)) == [
        ("idou_date", "OUT_OF_ORDER")
    ]
    assert run(resident(), idou(IdouKind.MOVE_IN, date(2026, 1, 1), CHIYODA)) == [
        ("municipality_code", "ALREADY_REGISTERED_THERE")
    ]
    assert run(resident(), idou(IdouKind.MOVE_OUT, date(2026, 1, 1), SOKA)) == [
        ("municipality_code", "NOT_REGISTERED_THERE")
    ]
    gone = resident()
    assert run(
        gone,
        idou(IdouKind.MOVE_OUT, date(2026, 1, 1)),
        idou(IdouKind.MOVE_OUT, date(2026, 1, 2)),
        idou(IdouKind.MOVING_OUT_FILED, date(2026, 1, 3)),
    ) == [None, ("kind", "NOT_REGISTERED"), ("kind", "NOT_REGISTERED")]


def test_a_moving_out_notice_is_filed_once_and_withdrawn_only_when_filed() -> None:
    assert run(
        resident(),
        idou(IdouKind.MOVING_OUT_WITHDRAWN, date(2026, 1, 1)),
        idou(IdouKind.MOVING_OUT_FILED, date(2026, 1, 2)),
        idou(IdouKind.MOVING_OUT_FILED, date(2026, 1, 3)),
        idou(IdouKind.MOVING_OUT_WITHDRAWN, date(2026, 1, 4)),
    ) == [("kind", "NOT_FILED"), None, ("kind", "ALREADY_FILED"), None]


def test_a_birth_date_that_differs_from_the_index_is_refused() -> None:
    assert run(resident(), idou(IdouKind.DV_ON, date(2026, 1, 1), birth_date=date(1981, 1, 1))) == [
        ("birth_date", "BIRTH_DATE_MISMATCH")
    ]
