"""The sweeper and the 異動 apply on fakes: stuck requests move on, documents do not linger."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from issuance.authenticity.model import DocumentStatus, IssuedDocument
from issuance.index.idou import apply_idou
from issuance.index.idou_file import Idou, IdouFile, IdouKind, IdouRejectedError
from issuance.index.model import ResidentStatus
from issuance.model import CertificateKind, Document, RequestState
from issuance.services import NewRequest, submit_request
from issuance.sweeper import SweepPolicy, sweep
from tests.unit.world import KIOSK, World

POLICY = SweepPolicy(requeue_after=timedelta(seconds=30), give_up_after=timedelta(minutes=5))


def submitted(world: World, key: str) -> str:
    if not world.session_id:
        world.sign_in()
    new = NewRequest(CertificateKind.JUMINHYO, {"members": "all"}, 1, key)
    request, _ = submit_request(
        world.uow,
        world.directory,
        world.backends,
        world.queue,
        world.trust,
        KIOSK,
        world.session_id,
        new,
        world.now,
    )
    world.queue.enqueued.clear()
    return request.id


def test_the_sweeper_requeues_a_stuck_request_and_times_out_an_old_one(world: World) -> None:
    young, old = submitted(world, "k-1"), submitted(world, "k-2")
    world.uow.requests.rows[old].created_at = world.now - timedelta(minutes=10)
    later = world.now + timedelta(minutes=1)
    result = sweep(world.uow, world.queue, POLICY, later)
    assert (result.requeued, result.timed_out) == (1, 1)
    assert world.queue.enqueued == [young]
    assert world.uow.requests.rows[old].failure_code == "RENDER_TIMEOUT"
    # Backed off: swept again at once, it is not requeued twice.
    assert sweep(world.uow, world.queue, POLICY, later).requeued == 0


def test_the_sweeper_deletes_expired_documents_and_voids_their_serials(world: World) -> None:
    request_id = submitted(world, "k-1")
    request = world.uow.requests.rows[request_id]
    request.start_rendering(world.now)
    request.mark_ready("d" * 64, 1, world.now)
    expires = world.now + timedelta(minutes=30)
    world.uow.held_documents.add(
        Document(request_id=request_id, pdf=b"%PDF", created_at=world.now, expires_at=expires)
    )
    world.uow.documents.put(IssuedDocument(serial=request.serial, status=DocumentStatus.PENDING))
    assert sweep(world.uow, world.queue, POLICY, expires - timedelta(seconds=1)).expired == 0
    result = sweep(world.uow, world.queue, POLICY, expires)
    assert (result.expired, result.documents_deleted) == (1, 1)
    assert request.state is RequestState.EXPIRED
    assert world.uow.held_documents.rows == {}
    assert world.uow.documents.get(request.serial).status is DocumentStatus.VOID


def idou(row: int, idou_id: str, kind: IdouKind, code: str = "12345678901") -> Idou:
    return Idou(row, idou_id, code, kind, date(2026, 1, 5))


def test_a_death_applied_twice_is_applied_once(world: World) -> None:
    file = IdouFile([idou(1, "i-1", IdouKind.DEATH)])
    first = apply_idou(world.uow, file, world.now)
    again = apply_idou(world.uow, file, world.now)
    assert sum(first.applied.values()) == 1 and sum(again.already.values()) == 1
    assert world.me.status is ResidentStatus.DECEASED
    assert set(world.uow.applied_idous.rows) == {"i-1"}


def test_an_id_reused_for_another_change_rejects_the_whole_file(world: World) -> None:
    apply_idou(world.uow, IdouFile([idou(1, "i-1", IdouKind.MOVING_OUT_FILED)]), world.now)
    conflicting = IdouFile(
        [idou(1, "i-1", IdouKind.DEATH), idou(2, "i-2", IdouKind.DV_ON, "12345678902")]
    )
    with pytest.raises(IdouRejectedError) as rejected:
        apply_idou(world.uow, conflicting, world.now)
    assert [p.code for p in rejected.value.problems] == ["ID_CONFLICT"]
    spouse = world.uow.residents.get("12345678902")
    assert spouse is not None and not spouse.dv_protected  # nothing of the file was applied
    assert world.me.moving_out and world.me.status is ResidentStatus.RESIDENT
