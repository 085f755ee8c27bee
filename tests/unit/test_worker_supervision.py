"""`kofu worker` outlives a Redis that is away when it starts a worker: it tries again, it does
not exit (the chaos run saw a restarted worker exit when Redis went away as it registered)."""

from __future__ import annotations

import pytest
from redis.exceptions import ConnectionError as RedisConnectionError
from rq.worker.base import StopRequested

from centre.worker import work_supervised


def test_a_worker_that_cannot_register_is_tried_again_not_the_end_of_the_process() -> None:
    attempts: list[int] = []

    def new_worker():  # type: ignore[no-untyped-def]
        attempts.append(1)
        if len(attempts) <= 2:
            raise RedisConnectionError("Error 111 connecting: Connection refused")
        raise StopRequested()  # the third: asked to stop, as by SIGTERM

    work_supervised(new_worker, backoff=0.01, longest=0.02)
    assert len(attempts) == 3


def test_anything_but_redis_still_ends_it() -> None:
    def new_worker():  # type: ignore[no-untyped-def]
        raise ValueError("a programming error")

    with pytest.raises(ValueError):
        work_supervised(new_worker, backoff=0.01)
