"""Apply a 異動 file to the national resident index: whole or not at all, in 異動日 order, once."""

from __future__ import annotations

import logging
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy.exc import IntegrityError

from issuance.index.idou_file import Idou, IdouFile, IdouRejectedError, Problem
from issuance.index.idou_rules import Entry, Stay, apply_change, impossible
from issuance.index.model import AppliedIdou, Residence, Resident
from issuance.ports import UnitOfWork

log = logging.getLogger(__name__)


@dataclass
class ApplySummary:
    """How many 異動 of each kind were applied now, and how many had been already."""

    applied: Counter[str] = field(default_factory=Counter)
    already: Counter[str] = field(default_factory=Counter)

    def lines(self) -> list[str]:
        total = (
            f"applied {sum(self.applied.values())}, already applied {sum(self.already.values())}"
        )
        kinds = sorted(set(self.applied) | set(self.already))
        return [total] + [
            f"  {kind}: applied {self.applied[kind]}, already applied {self.already[kind]}"
            for kind in kinds
        ]


def _entry(resident: Resident) -> Entry:
    return Entry(
        juminhyo_code=resident.juminhyo_code,
        status=resident.status,
        municipality_code=resident.municipality_code,
        honseki_municipality_code=resident.honseki_municipality_code,
        birth_date=resident.birth_date,
        dv_protected=resident.dv_protected,
        moving_out=resident.moving_out,
        stays=[
            Stay(r.municipality_code, r.from_date, r.to_date, r.id) for r in resident.residences
        ],
    )


def _write(uow: UnitOfWork, entry: Entry, resident: Resident | None) -> None:
    assert entry.status is not None and entry.birth_date is not None
    if resident is None:
        resident = Resident(juminhyo_code=entry.juminhyo_code, residences=[])
        uow.residents.add(resident)
    resident.status, resident.birth_date = entry.status, entry.birth_date
    resident.municipality_code = entry.municipality_code
    resident.honseki_municipality_code = entry.honseki_municipality_code
    resident.dv_protected, resident.moving_out = entry.dv_protected, entry.moving_out
    by_id = {r.id: r for r in resident.residences}
    for stay in entry.stays:
        if stay.id is None:
            resident.residences.append(
                Residence(
                    municipality_code=stay.municipality_code,
                    from_date=stay.from_date,
                    to_date=stay.to_date,
                )
            )
        else:
            by_id[stay.id].to_date = stay.to_date


def _plan(
    uow: UnitOfWork, idou_file: IdouFile, summary: ApplySummary
) -> tuple[list[Idou], dict[str, Entry], dict[str, Resident], list[Problem]]:
    """Every row against the index and the rows before it; nothing is written."""
    problems = list(idou_file.problems)
    done = uow.applied_idous.digests(row.idou_id for row in idou_file.rows)
    new: list[Idou] = []
    for row in idou_file.rows:
        digest = done.get(row.idou_id)
        if digest is None:
            new.append(row)
        elif digest == row.digest():
            summary.already[row.kind.value] += 1
        else:
            problems.append(Problem(row.row, "idou_id", "ID_CONFLICT"))
    # Locked until the commit: two applies at once see each other's changes.
    residents = uow.residents.lock({row.juminhyo_code for row in new})
    entries = {code: _entry(resident) for code, resident in residents.items()}
    # Same-day 異動 of one person keep their order in the file.
    for row in sorted(new, key=lambda r: (r.idou_date, r.row)):
        entry = entries.setdefault(row.juminhyo_code, Entry(row.juminhyo_code))
        found = impossible(entry, row)
        if found is not None:
            problems.append(Problem(row.row, *found))
            continue
        apply_change(entry, row)
        summary.applied[row.kind.value] += 1
    return new, entries, residents, problems


def _apply_once(uow: UnitOfWork, idou_file: IdouFile, now: datetime) -> ApplySummary:
    summary = ApplySummary()
    new, entries, residents, problems = _plan(uow, idou_file, summary)
    if problems:
        uow.rollback()
        raise IdouRejectedError(problems)
    for code, entry in entries.items():
        if entry.changed:
            _write(uow, entry, residents.get(code))
    for row in new:
        uow.applied_idous.add(
            AppliedIdou(
                idou_id=row.idou_id,
                digest=row.digest(),
                juminhyo_code=row.juminhyo_code,
                kind=row.kind.value,
                idou_date=row.idou_date,
                applied_at=now,
            )
        )
    uow.commit()
    return summary


def apply_idou(uow: UnitOfWork, idou_file: IdouFile, now: datetime) -> ApplySummary:
    """Check every row of ``idou_file`` (read by ``idou_file.read_idou``), then apply it.

    Rows are applied in 異動日 order in one transaction, and each 異動 id is recorded: an id
    applied before with the same content is counted as already applied, with other content it
    is a problem (ID_CONFLICT). Raises ``IdouRejectedError`` listing every problem of the file
    (its fields, and impossible sequences: issuance/index/idou_rules.py); then nothing is changed.
    The same file applied twice, or by two processes at once, is applied once. Format and
    codes: docs/index-format.md. The index stands in for 住基ネット, which municipalities keep
    current with every change of their 住民票 (住民基本台帳法 第4章の2, 本人確認情報).
    """
    try:
        return _apply_once(uow, idou_file, now)
    except IntegrityError:
        uow.rollback()  # another apply recorded some of these ids first: they are now done
        log.info("a concurrent apply recorded some 異動 first; checking the file again")
        return _apply_once(uow, idou_file, now)


__all__ = ["AppliedIdou", "ApplySummary", "apply_idou"]
