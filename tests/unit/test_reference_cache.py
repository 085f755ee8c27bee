"""The per-process reference cache: what it keeps, and what it must never keep."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

from issuance.reference import VersionedCache


def uow_at(version: int) -> Any:
    """A unit of work whose transaction has already read the reference counter."""
    return SimpleNamespace(reference_version=lambda: version)


def test_a_value_is_read_once_while_the_counter_stays_the_same() -> None:
    cache: VersionedCache[str, str] = VersionedCache()
    reads: list[str] = []

    def load() -> str:
        reads.append("read")
        return "fee 200"

    for _ in range(3):
        assert cache.get(uow_at(7), "131016", load) == "fee 200"
    assert reads == ["read"]
    cache.get(uow_at(8), "131016", load)
    assert reads == ["read", "read"]


def test_a_value_read_under_an_older_counter_is_used_but_not_kept() -> None:
    cache: VersionedCache[str, str] = VersionedCache()
    slow, fresh = uow_at(1), uow_at(2)

    def stale_load() -> str:
        # While this transaction (counter 1) reads, another one sees the change (counter 2).
        assert cache.get(fresh, "K0001", lambda: "revoked") == "revoked"
        return "active"

    assert cache.get(slow, "K0001", stale_load) == "active"
    assert cache.get(fresh, "K0001", lambda: "read again") == "revoked"


def test_rows_that_do_not_exist_are_never_kept() -> None:
    cache: VersionedCache[str, str] = VersionedCache()
    cache.get(uow_at(1), "K9999", lambda: None)
    assert cache.get(uow_at(1), "K9999", lambda: "registered since") == "registered since"


def test_a_full_cache_keeps_answering_without_growing() -> None:
    cache: VersionedCache[int, int] = VersionedCache(max_entries=2)
    for key in range(5):
        assert cache.get(uow_at(1), key, lambda key=key: key * 10) == key * 10
    reads: list[int] = []
    cache.get(uow_at(1), 4, lambda: reads.append(4) or 40)
    cache.get(uow_at(1), 0, lambda: reads.append(0) or 0)
    assert reads == [4]
