"""A fixed-window limit per client for the public verification endpoints."""

from __future__ import annotations

import threading
import time
from typing import Any

from issuance.errors import KofuError


class RateLimitedError(KofuError):
    code = "RATE_LIMITED"
    message_ja = "確認の回数が多すぎます。しばらくしてからお試しください。"
    message_en = "Too many checks. Please try again in a minute."


class RateLimiter:
    """Counts per key per minute: in Redis when configured (shared by every process)."""

    def __init__(self, per_minute: int, redis: Any = None) -> None:
        self.per_minute = per_minute
        self._redis = redis
        self._counts: dict[tuple[str, int], int] = {}
        self._lock = threading.Lock()

    def hit(self, key: str) -> None:
        window = int(time.time() // 60)
        if self._redis is not None:
            redis_key = f"kofu:verify:{key}:{window}"
            count = self._redis.incr(redis_key)
            self._redis.expire(redis_key, 120)
        else:
            with self._lock:
                self._counts = {k: v for k, v in self._counts.items() if k[1] >= window}
                count = self._counts[(key, window)] = self._counts.get((key, window), 0) + 1
        if count > self.per_minute:
            raise RateLimitedError()
