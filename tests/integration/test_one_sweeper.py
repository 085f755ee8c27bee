"""One sweeper per deployment: every process starts one, only the lock's holder sweeps."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from sqlalchemy import text

from centre.background import Sweeper
from centre.bootstrap import Platform, bootstrap
from centre.database import upgrade
from centre.settings import load_settings

pytestmark = pytest.mark.postgres

EVERY = 0.2  # seconds between passes


def eventually(check: Callable[[], bool], timeout: float = 10.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(0.05)
    return check()


@pytest.fixture
def two_processes(postgres_url: str, tmp_path: Path) -> Iterator[tuple[Platform, Platform]]:
    """Two platforms on one database, as two gunicorn or rq workers would build them."""
    settings = load_settings({"KOFU_DATA_DIR": str(tmp_path), "KOFU_DATABASE_URL": postgres_url})
    upgrade(settings.database_url)
    first, second = bootstrap(settings, jobs=False), bootstrap(settings, jobs=False)
    yield first, second
    first.close()
    second.close()


def test_two_sweepers_on_one_database_sweep_one_at_a_time(
    two_processes: tuple[Platform, Platform],
) -> None:
    first, second = (Sweeper(platform, every=EVERY) for platform in two_processes)
    first.start()
    assert eventually(lambda: first.passes >= 2)
    second.start()
    passes_before = first.passes
    time.sleep(EVERY * 8)
    assert first.active and not second.active
    assert first.passes > passes_before and second.passes == 0
    first.stop()
    second.stop()


def test_the_other_sweeper_takes_over_when_the_first_stops(
    two_processes: tuple[Platform, Platform],
) -> None:
    first, second = (Sweeper(platform, every=EVERY) for platform in two_processes)
    first.start()
    assert eventually(lambda: first.active)
    second.start()
    time.sleep(EVERY * 3)
    assert second.passes == 0
    first.stop()
    assert eventually(lambda: second.active and second.passes >= 2)
    assert not first.active
    second.stop()


def test_a_dead_holders_lock_goes_with_its_connection(
    two_processes: tuple[Platform, Platform],
) -> None:
    """A SIGKILLed process never calls stop(): the server ends its session, and the lock."""
    first_platform, second_platform = two_processes
    first, second = Sweeper(first_platform, every=EVERY), Sweeper(second_platform, every=EVERY)
    first.start()
    assert eventually(lambda: first.active)
    second.start()
    time.sleep(EVERY * 3)
    assert second.passes == 0
    first._stop.set()  # the thread stops sweeping but keeps the lock, like a hung process
    first_platform.engine.dispose()  # what the process's death does to its connections
    with second_platform.engine.connect() as connection:
        connection.execute(
            text(
                "SELECT pg_terminate_backend(pid) FROM pg_locks "
                "WHERE locktype = 'advisory' AND pid <> pg_backend_pid()"
            )
        )
    assert eventually(lambda: second.active and second.passes >= 2)
    second.stop()
    first.stop()  # gives up a connection the server already closed: no error
