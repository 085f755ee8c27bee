"""A late print confirmation racing the final close of its month, on two PostgreSQL connections."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from billing.model import BillingEvent, PartyKind, StatementFinalError
from billing.rollups import live_sums, month_lines
from billing.statements import close_month, statements_of
from billing.tariffs import TariffBook
from centre.bootstrap import Platform, bootstrap
from centre.database import upgrade
from centre.settings import load_settings
from issuance.codes import with_check_digit
from issuance.ports import IssueFact
from municipalities.profiles import SqlMunicipalityProfiles

pytestmark = pytest.mark.postgres
SOKA = with_check_digit("11221", "municipality")
OPERATOR = "unknown"  # the ledger's operator for a kiosk it does not know


@pytest.fixture
def pg_platform(postgres_url: str, tmp_path: Path) -> Iterator[Platform]:
    upgrade(postgres_url)
    settings = load_settings({"KOFU_DATABASE_URL": postgres_url, "KOFU_DATA_DIR": str(tmp_path)})
    made = bootstrap(settings, jobs=False)
    yield made
    made.close()


def record(platform: Platform, request_id: str, at: datetime) -> None:
    with platform.uow() as uow:
        platform.ledger.record_issue(
            uow, IssueFact(request_id, SOKA, "K0001", "juminhyo", 1, 200, at)
        )
        uow.commit()


def finalise(platform: Platform, month: str, into: dict[str, tuple[int, int]]) -> None:
    with platform.uow() as uow:
        statements = close_month(
            uow, month, SqlMunicipalityProfiles(), TariffBook(), datetime.now(UTC), final=True
        )
        into.update({s.party_id: (s.issues, s.fees_collected) for s in statements})


def month_of_event(platform: Platform, request_id: str) -> list[str | None]:
    with platform.uow() as uow:
        return list(
            uow.session.scalars(
                select(BillingEvent.accounting_month).where(BillingEvent.request_id == request_id)
            )
        )


def assert_final_month_matches_the_ledger(platform: Platform, month: str, closed: dict) -> None:  # type: ignore[type-arg]
    with platform.uow() as uow:
        stored = sorted(tuple(vars(line).values()) for line in month_lines(uow, [month]))
        live = sorted(tuple(row) for row in uow.session.execute(live_sums([month])))
        operator = statements_of(uow, month, PartyKind.OPERATOR, OPERATOR)[0]
        with pytest.raises(StatementFinalError):
            close_month(uow, month, SqlMunicipalityProfiles(), TariffBook(), datetime.now(UTC))
    assert stored == live  # nothing joined the month after its rollup was frozen
    assert (operator.issues, operator.fees_collected) == closed[OPERATOR]


def test_a_late_confirmation_held_open_while_the_month_is_finalised_counts_in_that_month(
    pg_platform: Platform,
) -> None:
    october = datetime(2026, 10, 15, 3, tzinfo=UTC)
    record(pg_platform, "early", october)
    closed: dict[str, tuple[int, int]] = {}
    writer = pg_platform.uow()
    with writer as uow:
        pg_platform.ledger.record_issue(
            uow, IssueFact("late", SOKA, "K0001", "juminhyo", 1, 200, october)
        )
        uow.session.flush()
        closing = threading.Thread(target=finalise, args=(pg_platform, "2026-10", closed))
        closing.start()
        closing.join(0.5)
        assert closing.is_alive(), "the close finalised while a print for its month was open"
        uow.commit()
    closing.join(30)
    assert month_of_event(pg_platform, "late") == ["2026-10"]
    assert closed[OPERATOR] == (2, 400)
    assert_final_month_matches_the_ledger(pg_platform, "2026-10", closed)


@pytest.mark.parametrize("round_", range(4))
def test_a_late_confirmation_racing_the_final_close_lands_in_exactly_one_month(
    pg_platform: Platform, round_: int
) -> None:
    month_start = datetime(2026, 4 + round_, 10, 3, tzinfo=UTC)
    month = month_start.strftime("%Y-%m")
    record(pg_platform, f"early-{round_}", month_start)
    closed: dict[str, tuple[int, int]] = {}
    start = threading.Barrier(2)

    def late() -> None:
        start.wait()
        record(pg_platform, f"late-{round_}", month_start + timedelta(days=1))

    def close() -> None:
        start.wait()
        finalise(pg_platform, month, closed)

    threads = [threading.Thread(target=late), threading.Thread(target=close)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    landed = month_of_event(pg_platform, f"late-{round_}")
    next_month = (month_start + timedelta(days=31)).strftime("%Y-%m")
    assert len(landed) == 1 and landed[0] in (month, next_month)
    assert closed[OPERATOR] == ((2, 400) if landed[0] == month else (1, 200))
    assert_final_month_matches_the_ledger(pg_platform, month, closed)
