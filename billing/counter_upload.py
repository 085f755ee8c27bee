"""A municipal administrator's upload of counter counts: the whole file checked, audited."""

from __future__ import annotations

from datetime import datetime

from billing.counter_counts import (
    CountChange,
    decode_file,
    parse_counter_counts,
    record_counter_counts,
)
from issuance.staff.errors import NotVisibleError
from issuance.staff.model import Role, StaffAccount
from issuance.staff.services import audit
from issuance.unit_of_work import SqlUnitOfWork


def upload_counter_counts_for(
    uow: SqlUnitOfWork,
    account: StaffAccount,
    code: str,
    data: bytes,
    source: str,
    now: datetime,
) -> list[CountChange]:
    """Record the counts of an uploaded file (bytes: UTF-8, with or without BOM, or CP932)
    for municipality ``code``; each new or changed count audited (old → new). One commit.

    Raises NotVisibleError (not an administrator of ``code``) or CounterCountError (every
    problem by row, field and code; nothing recorded). The same file twice changes nothing
    the second time (returns []).
    """
    if account.role is not Role.MUNICIPAL_ADMIN or account.municipality_code != code:
        raise NotVisibleError()
    counts = parse_counter_counts(decode_file(data), now, municipality_code=code)
    changes = record_counter_counts(uow, counts, source, now)
    for change in changes:
        _, month, kind = change.key
        audit(
            uow,
            account.id,
            "counter_counts_upload",
            ("counter_count", f"{code}/{month}/{kind}"),
            now,
            old=None
            if change.old is None
            else {"month": month, "kind": kind, "counter_count": change.old},
            new={"month": month, "kind": kind, "counter_count": change.new},
        )
    uow.commit()
    return changes
