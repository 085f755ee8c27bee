"""照合: settling delivered prints nobody confirmed, from the kiosk operator's print log."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from issuance.model import UNSETTLED_STATES, CertificateRequest, RequestState
from issuance.ports import Ledger, UnitOfWork
from issuance.print_log import PrintLogEntry, PrintLogRejectedError, Problem
from issuance.services import settle

# Kiosk and centre clocks differ a little: a print logged this much before the download is
# still taken as after it.
CLOCK_SKEW = timedelta(minutes=10)


@dataclass
class Reconciliation:
    printed: list[str] = field(default_factory=list)  # serials billed now
    voided: list[str] = field(default_factory=list)
    already: list[str] = field(default_factory=list)  # the same result was recorded before

    def lines(self) -> list[str]:
        return [
            f"printed (billed once): {len(self.printed)}",
            f"not printed (void, no charge): {len(self.voided)}",
            f"already settled the same way: {len(self.already)}",
        ]


def _check(
    uow: UnitOfWork,
    entry: PrintLogEntry,
    request: CertificateRequest | None,
    operator_id: str,
    now: datetime,
) -> list[Problem]:
    if request is None:
        return [Problem(entry.row, "serial", "UNKNOWN_SERIAL")]
    if request.kiosk_id != entry.kiosk_id:
        return [Problem(entry.row, "kiosk_id", "OTHER_KIOSK")]
    kiosk = uow.kiosks.get(entry.kiosk_id)
    if kiosk is None or kiosk.operator_id != operator_id:
        return [Problem(entry.row, "kiosk_id", "OTHER_OPERATOR")]
    done = RequestState.PRINTED if entry.printed else RequestState.VOIDED
    if request.state in (RequestState.PRINTED, RequestState.VOIDED) and request.state is not done:
        return [Problem(entry.row, "result", "CONFLICT")]
    if request.state not in (*UNSETTLED_STATES, done):
        return [Problem(entry.row, "serial", "NOT_DELIVERED")]
    at, delivered = entry.printed_at, request.delivered_at
    if at is not None and delivered is not None and not (delivered - CLOCK_SKEW <= at <= now):
        return [Problem(entry.row, "printed_at", "TIME_OUT_OF_RANGE")]
    return []


def reconcile_prints(
    uow: UnitOfWork,
    ledger: Ledger,
    operator_id: str,
    entries: list[PrintLogEntry],
    now: datetime,
) -> Reconciliation:
    """Settle each delivered or unconfirmed request the operator's print log lists.

    Checked whole first (PrintLogRejectedError with every problem, nothing changed): each
    serial known, downloaded by the kiosk the log names, that kiosk the operator's, and not
    settled the other way already. Then, in one commit: ``printed`` is billed once, dated
    the log's ``printed_at`` (its month; a month already final sends it to the next open
    one, as every late event); ``not_printed`` is void at no charge. A request already
    settled the same way (by its kiosk, or an earlier run of the same log) is left alone.
    """
    requests = uow.requests.by_serials(e.serial for e in entries)
    problems = [
        p for e in entries for p in _check(uow, e, requests.get(e.serial), operator_id, now)
    ]
    if problems:
        raise PrintLogRejectedError(problems)
    result = Reconciliation()
    for entry in entries:
        request = requests[entry.serial]
        if not request.confirm(entry.printed, now):
            result.already.append(entry.serial)
            continue
        at = entry.printed_at if entry.printed and entry.printed_at is not None else now
        settle(uow, ledger, request, entry.printed, at)
        (result.printed if entry.printed else result.voided).append(entry.serial)
    uow.commit()
    return result


__all__ = ["CLOCK_SKEW", "Reconciliation", "reconcile_prints"]
