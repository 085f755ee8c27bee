"""What each 異動 does to one person's entry in the index, and which sequences are impossible."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from issuance.index.idou_file import Idou, IdouKind
from issuance.index.model import ResidentStatus

FLAGS = frozenset({IdouKind.DV_ON, IdouKind.DV_OFF})
NEED_REGISTRATION = frozenset(
    {
        IdouKind.MOVE_OUT,
        IdouKind.MOVED_ABROAD,
        IdouKind.MOVING_OUT_FILED,
        IdouKind.MOVING_OUT_WITHDRAWN,
    }
)


@dataclass
class Stay:
    """A residence in one municipality, ``to_date`` exclusive (issuance_residence's row ``id``)."""

    municipality_code: str
    from_date: date
    to_date: date | None = None
    id: int | None = None


@dataclass
class Entry:
    """One person as the index holds them, while a file is checked; ``status`` None: unknown."""

    juminhyo_code: str
    status: ResidentStatus | None = None
    municipality_code: str | None = None
    honseki_municipality_code: str | None = None
    birth_date: date | None = None
    dv_protected: bool = False
    moving_out: bool = False
    stays: list[Stay] = field(default_factory=list)
    changed: bool = False

    @property
    def registered(self) -> bool:
        """Holds a 住民票 somewhere now."""
        return self.status is ResidentStatus.RESIDENT and self.municipality_code is not None

    def latest_move(self) -> date | None:
        days = [d for s in self.stays for d in (s.from_date, s.to_date) if d is not None]
        return max(days, default=None)

    def close_stay(self, on: date) -> None:
        for stay in self.stays:
            if stay.to_date is None:
                stay.to_date = on


def impossible(entry: Entry, idou: Idou) -> tuple[str, str] | None:
    """Why ``idou`` cannot happen to ``entry`` now, as (field, problem code), or None.

    Only a birth adds a person; nothing but the DV flags happens to the dead; a move, death
    or 転出届 cannot be dated before the person's latest recorded move; a move-in must change
    the municipality; leaving (転出, 国外転出) and 転出届 need a current registration, in the
    municipality given if one is; a 転出届 is filed once and withdrawn only when filed.
    """
    if idou.kind is IdouKind.BIRTH:
        return ("juminhyo_code", "ALREADY_IN_INDEX") if entry.status is not None else None
    if entry.status is None:
        return ("juminhyo_code", "UNKNOWN_PERSON")
    if idou.birth_date is not None and idou.birth_date != entry.birth_date:
        return ("birth_date", "BIRTH_DATE_MISMATCH")
    if idou.kind in FLAGS:
        return None
    if entry.status is ResidentStatus.DECEASED:
        return ("kind", "ALREADY_DECEASED")
    latest = entry.latest_move()
    if latest is not None and idou.idou_date < latest:
        return ("idou_date", "OUT_OF_ORDER")
    if idou.kind is IdouKind.MOVE_IN:
        if entry.registered and entry.municipality_code == idou.municipality_code:
            return ("municipality_code", "ALREADY_REGISTERED_THERE")
        return None
    if idou.municipality_code is not None and idou.municipality_code != entry.municipality_code:
        return ("municipality_code", "NOT_REGISTERED_THERE")
    if idou.kind in NEED_REGISTRATION and not entry.registered:
        return ("kind", "NOT_REGISTERED")
    if idou.kind is IdouKind.MOVING_OUT_FILED and entry.moving_out:
        return ("kind", "ALREADY_FILED")
    if idou.kind is IdouKind.MOVING_OUT_WITHDRAWN and not entry.moving_out:
        return ("kind", "NOT_FILED")
    return None


def _leave(entry: Entry, on: date, status: ResidentStatus) -> None:
    entry.close_stay(on)
    entry.status = status
    entry.municipality_code = None
    entry.moving_out = False  # the 転出届, if any, is used up


def apply_change(entry: Entry, idou: Idou) -> None:
    """Change ``entry`` as ``idou`` says; call only when ``impossible`` found nothing.

    A move closes the open residence on the 異動日 and opens the next from it, so the history
    stays contiguous and ``municipality_on`` (tax certificates) keeps answering right.
    """
    day = idou.idou_date
    if idou.honseki_municipality_code is not None:
        entry.honseki_municipality_code = idou.honseki_municipality_code
    kind = idou.kind
    if kind is IdouKind.BIRTH:
        assert idou.municipality_code is not None
        entry.status, entry.birth_date = ResidentStatus.RESIDENT, idou.birth_date
        entry.municipality_code = idou.municipality_code
        entry.stays = [Stay(idou.municipality_code, day)]
    elif kind is IdouKind.DEATH:
        _leave(entry, day, ResidentStatus.DECEASED)
    elif kind is IdouKind.MOVE_IN:
        assert idou.municipality_code is not None
        _leave(entry, day, ResidentStatus.RESIDENT)
        entry.municipality_code = idou.municipality_code
        entry.stays.append(Stay(idou.municipality_code, day))
    elif kind is IdouKind.MOVE_OUT:
        _leave(entry, day, ResidentStatus.RESIDENT)
    elif kind is IdouKind.MOVED_ABROAD:
        _leave(entry, day, ResidentStatus.MOVED_ABROAD)
    elif kind in (IdouKind.MOVING_OUT_FILED, IdouKind.MOVING_OUT_WITHDRAWN):
        entry.moving_out = kind is IdouKind.MOVING_OUT_FILED
    else:
        entry.dv_protected = kind is IdouKind.DV_ON
    entry.changed = True
