"""Housekeeping that keeps every request in a known state: retry, time out, expire, delete,
and mark downloads nobody confirmed ``unconfirmed`` for the operator's reconciliation."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from issuance.authenticity.model import DocumentStatus
from issuance.model import RequestState
from issuance.ports import (
    JobQueue,
    MunicipalityDirectory,
    QueueUnavailableError,
    RenderLane,
    UnitOfWork,
)


@dataclass(frozen=True)
class SweepResult:
    requeued: int = 0
    timed_out: int = 0
    expired: int = 0
    documents_deleted: int = 0
    unconfirmed: int = 0


@dataclass(frozen=True)
class SweepPolicy:
    requeue_after: timedelta = timedelta(seconds=30)
    give_up_after: timedelta = timedelta(minutes=5)
    # A print takes minutes (over 2 for long documents): a delivered request with no result
    # this long after its download is taken as a kiosk that crashed.
    confirm_within: timedelta = timedelta(minutes=30)


def sweep(
    uow: UnitOfWork,
    queue: JobQueue,
    policy: SweepPolicy,
    now: datetime,
    directory: MunicipalityDirectory | None = None,
) -> SweepResult:
    """One pass; safe to run from several processes at once (locked rows are skipped).

    A requeued render goes back to its municipality's lane (``directory``; without one, BCL's).
    With the queue away, the requeue stops at the first refusal (``requeued`` counts those
    the queue took) and the next sweep asks again.
    """
    requeue: list[tuple[str, RenderLane]] = []
    lanes: dict[str, RenderLane] = {}
    timed_out = 0
    for request in uow.requests.stuck(now - policy.requeue_after):
        if request.created_at < now - policy.give_up_after:
            request.fail("RENDER_TIMEOUT", now)
            timed_out += 1
        else:
            request.updated_at = now  # back off before the next requeue
            requeue.append((request.id, _lane(uow, directory, request.municipality_code, lanes)))
    expired_docs = uow.held_documents.expired(now)
    expired = 0
    for document in expired_docs:
        held = uow.requests.get(document.request_id)
        if held is not None and held.state is RequestState.READY:
            held.expire(now)
            uow.documents.set_status(held.serial, DocumentStatus.VOID)
            expired += 1
    if expired_docs:
        uow.held_documents.delete(d.request_id for d in expired_docs)
    unconfirmed = uow.requests.delivered_before(now - policy.confirm_within)
    for request in unconfirmed:
        request.mark_unconfirmed(now)
    uow.commit()
    requeued = 0
    for request_id, lane in requeue:
        try:
            queue.enqueue_render(request_id, lane)
        except QueueUnavailableError:
            break  # the queue is away: the next sweep asks again
        requeued += 1
    return SweepResult(requeued, timed_out, expired, len(expired_docs), len(unconfirmed))


def _lane(
    uow: UnitOfWork,
    directory: MunicipalityDirectory | None,
    code: str,
    known: dict[str, RenderLane],
) -> RenderLane:
    if code not in known:
        info = directory.get(uow, code) if directory is not None else None
        known[code] = info.render_lane if info is not None else RenderLane.BCL
    return known[code]
