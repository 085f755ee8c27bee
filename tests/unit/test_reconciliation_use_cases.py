"""A download nobody confirms: unconfirmed after the wait, settled late or by the print log."""

from __future__ import annotations

from datetime import timedelta

import pytest

from issuance.authenticity.model import DocumentStatus
from issuance.calendar import JST
from issuance.model import RequestState
from issuance.print_log import PrintLogEntry, PrintLogRejectedError, read_print_log
from issuance.sessions.kiosks import Kiosk
from issuance.settlement import reconcile_prints
from issuance.sweeper import SweepPolicy, sweep
from tests.unit.test_deadline_use_cases import ready_request
from tests.unit.test_request_use_cases import confirm, download
from tests.unit.world import FEE, KIOSK, World

POLICY = SweepPolicy(confirm_within=timedelta(minutes=30))
OPERATOR = "seven"


def crashed_after_download(world: World) -> str:
    """A kiosk that downloaded and never said whether it printed: the request's serial."""
    request_id = ready_request(world)
    request, _ = download(world, request_id)
    world.uow.kiosks.add(Kiosk(id=KIOSK, operator_id=OPERATOR, location="", credential_hash=""))
    return request.serial


def request_of(world: World, serial: str):
    return next(r for r in world.uow.requests.rows.values() if r.serial == serial)


def test_a_download_nobody_confirms_becomes_unconfirmed_unbilled(world: World) -> None:
    serial = crashed_after_download(world)
    downloaded = world.now
    assert (
        sweep(world.uow, world.queue, POLICY, downloaded + timedelta(minutes=29)).unconfirmed == 0
    )
    result = sweep(world.uow, world.queue, POLICY, downloaded + timedelta(minutes=31))
    assert result.unconfirmed == 1
    assert request_of(world, serial).state is RequestState.UNCONFIRMED
    assert world.ledger.issued == [] and world.ledger.voided == []
    # What a verifier sees is the truth: the centre's document, its print not confirmed.
    assert world.uow.documents.get(serial).status is DocumentStatus.UNCONFIRMED


def test_the_kiosks_late_report_settles_it_once_in_the_month_of_the_download(
    world: World,
) -> None:
    serial = crashed_after_download(world)
    downloaded = world.now
    world.now += timedelta(hours=5)
    sweep(world.uow, world.queue, POLICY, world.now)
    request = request_of(world, serial)
    assert confirm(world, request.id, True)[1]
    assert not confirm(world, request.id, True)[1]  # the journal reported it twice
    assert [(f.fee_total, f.occurred_at) for f in world.ledger.issued] == [(FEE, downloaded)]
    assert world.uow.documents.get(serial).status is DocumentStatus.ISSUED


def entry(serial: str, printed: bool, world: World, row: int = 1) -> PrintLogEntry:
    return PrintLogEntry(row, KIOSK, serial, printed, world.now if printed else None)


def test_the_print_log_bills_a_printed_paper_once_however_often_it_is_applied(
    world: World,
) -> None:
    serial = crashed_after_download(world)
    printed_at = world.now + timedelta(minutes=2)
    world.now += timedelta(days=5)  # past the kiosk's grace: only the log settles it now
    log = [PrintLogEntry(1, KIOSK, serial, True, printed_at)]
    first = reconcile_prints(world.uow, world.ledger, OPERATOR, log, world.now)
    again = reconcile_prints(world.uow, world.ledger, OPERATOR, log, world.now)
    assert (first.printed, again.already) == ([serial], [serial])
    assert [(f.fee_total, f.occurred_at) for f in world.ledger.issued] == [(FEE, printed_at)]
    assert request_of(world, serial).state is RequestState.PRINTED
    assert world.uow.documents.get(serial).status is DocumentStatus.ISSUED


def test_the_print_log_voids_a_paper_never_printed(world: World) -> None:
    serial = crashed_after_download(world)
    result = reconcile_prints(
        world.uow, world.ledger, OPERATOR, [entry(serial, False, world)], world.now
    )
    assert result.voided == [serial] and world.ledger.issued == []
    assert request_of(world, serial).state is RequestState.VOIDED
    assert world.uow.documents.get(serial).status is DocumentStatus.VOID


def test_a_log_with_one_bad_row_changes_nothing(world: World) -> None:
    serial = crashed_after_download(world)
    log = [
        entry(serial, True, world),
        PrintLogEntry(2, KIOSK, "NO-SUCH-SERIAL", True, world.now),
        PrintLogEntry(3, "kiosk-of-another-chain", serial + "x", False, None),
    ]
    with pytest.raises(PrintLogRejectedError) as rejected:
        reconcile_prints(world.uow, world.ledger, OPERATOR, log, world.now)
    assert [(p.row, p.code) for p in rejected.value.problems] == [
        (2, "UNKNOWN_SERIAL"),
        (3, "UNKNOWN_SERIAL"),
    ]
    assert request_of(world, serial).state is RequestState.DELIVERED
    assert world.ledger.issued == []


def test_the_log_cannot_contradict_a_result_already_recorded(world: World) -> None:
    serial = crashed_after_download(world)
    confirm(world, request_of(world, serial).id, False)
    with pytest.raises(PrintLogRejectedError) as rejected:
        reconcile_prints(world.uow, world.ledger, OPERATOR, [entry(serial, True, world)], world.now)
    assert [p.code for p in rejected.value.problems] == ["CONFLICT"]


def test_another_operators_log_cannot_settle_this_kiosks_prints(world: World) -> None:
    serial = crashed_after_download(world)
    with pytest.raises(PrintLogRejectedError) as rejected:
        reconcile_prints(world.uow, world.ledger, "lawson", [entry(serial, True, world)], world.now)
    assert [p.code for p in rejected.value.problems] == ["OTHER_OPERATOR"]


def test_a_print_logged_before_the_download_is_refused(world: World) -> None:
    serial = crashed_after_download(world)
    early = PrintLogEntry(1, KIOSK, serial, True, world.now - timedelta(hours=1))
    with pytest.raises(PrintLogRejectedError) as rejected:
        reconcile_prints(world.uow, world.ledger, OPERATOR, [early], world.now)
    assert [p.code for p in rejected.value.problems] == ["TIME_OUT_OF_RANGE"]


LOG = (
    "kiosk_id,serial,result,printed_at\nk-1,S-1,printed,2026-12-01T10:15:00\nk-1,S-2,not_printed,\n"
)


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp932"])
def test_the_print_log_reads_utf8_with_or_without_bom_and_cp932(encoding: str) -> None:
    text = LOG.replace("k-1", "端末-1")
    entries = read_print_log(text.encode(encoding))
    assert [(e.kiosk_id, e.serial, e.printed) for e in entries] == [
        ("端末-1", "S-1", True),
        ("端末-1", "S-2", False),
    ]
    assert entries[0].printed_at is not None
    assert entries[0].printed_at.tzinfo is JST  # a time without offset is the store's


def test_every_problem_of_a_print_log_is_reported_at_once() -> None:
    bad = LOG + "k-1,S-3,maybe,\nk-1,S-4,printed,\nk-1,S-1,not_printed,\nk-1,,printed,yesterday\n"
    with pytest.raises(PrintLogRejectedError) as rejected:
        read_print_log(bad.encode())
    assert [(p.row, p.field, p.code) for p in rejected.value.problems] == [
        (3, "result", "BAD_RESULT"),
        (4, "printed_at", "EMPTY"),
        (5, "serial", "DUPLICATE"),
        (6, "printed_at", "BAD_TIME"),
        (6, "serial", "EMPTY"),
    ]


def test_a_print_log_with_a_missing_column_is_rejected_whole() -> None:
    with pytest.raises(PrintLogRejectedError) as rejected:
        read_print_log(b"kiosk_id,serial,printed_at\n")
    assert [(p.field, p.code) for p in rejected.value.problems] == [("result", "MISSING_COLUMN")]
