"""A fixed-window limit per client for the public verification endpoints."""

from __future__ import annotations

import logging
import threading
import time
from typing import Any

from centre.outage import OutageLog
from issuance.errors import KofuError

log = logging.getLogger("kofu.ratelimit")


class RateLimitedError(KofuError):
    code = "RATE_LIMITED"
    message_ja = "確認の回数が多すぎます。しばらくしてからお試しください。"
    message_en = "Too many checks. Please try again in a minute."


class RateLimiter:
    """Counts per key per minute: in Redis when configured (shared by every process).

    Fail mode: while Redis does not answer, each process counts on its own with the same
    limit (a verifier spread over N processes gets at most N times it), logged once per
    outage. Never unlimited, never an error to the verifier.
    """

    def __init__(self, per_minute: int, redis: Any = None) -> None:
        self.per_minute = per_minute
        self._redis = redis
        self._counts: dict[tuple[str, int], int] = {}
        self._lock = threading.Lock()
        self._outage = OutageLog("Redis (verification limit counts in-process)", log)

    def hit(self, key: str) -> None:
        window = int(time.time() // 60)
        count = self._count_shared(key, window) if self._redis is not None else None
        if count is None:
            count = self._count_here(key, window)
        if count > self.per_minute:
            raise RateLimitedError()

    def _count_shared(self, key: str, window: int) -> int | None:
        from redis import RedisError

        redis_key = f"kofu:verify:{key}:{window}"
        try:
            pipe = self._redis.pipeline(transaction=False)
            pipe.incr(redis_key)
            pipe.expire(redis_key, 120)
            count = int(pipe.execute()[0])
        except RedisError as exc:
            self._outage.failed(exc)
            return None
        self._outage.succeeded()
        return count

    def _count_here(self, key: str, window: int) -> int:
        with self._lock:
            self._counts = {k: v for k, v in self._counts.items() if k[1] >= window}
            count = self._counts[(key, window)] = self._counts.get((key, window), 0) + 1
        return count
