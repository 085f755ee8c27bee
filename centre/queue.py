"""Where render jobs go: rq on Redis in production, a thread pool in the embedded default.

Each has two lanes (a bulkhead): renders whose records come from the shared BCL tables, and
renders that fetch from a municipality's own server, so a slow server holds only its lane's
workers. In rq they are two queues, ``<queue_name>`` and ``<queue_name>-own``.

Each queue also carries the "your request changed" signal that lets a kiosk's poll wait at the
centre (a long poll) instead of asking again and again: the job announces a request id when it
is done with it, and a waiting poll wakes up and reads the state from the database. The
signal only wakes; the database stays the one truth, so a lost or stale signal costs at most
one wait.
"""

from __future__ import annotations

import contextvars
import logging
import secrets
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import TYPE_CHECKING, Protocol

from centre.logs import job_meta
from centre.outage import OutageLog
from issuance.ports import JobQueue, QueueUnavailableError, RenderLane

if TYPE_CHECKING:
    from redis import Redis
    from rq import Queue

log = logging.getLogger(__name__)

RENDER_JOB = "centre.jobs.render_request"
ANNOUNCE_TTL_S = 60  # an announcement nobody waited for is forgotten after this
NEWEST_JOB_TTL_S = 3600  # longer than any request lives before its render timeout
LONGEST_WAIT_S = 20  # the longest a kiosk may ask the centre to hold an answer (?wait=)
OWN_LANE_SUFFIX = "-own"
DEFERRED_MAX = 10_000  # renders one process remembers to enqueue once Redis is back


def lane_queue_name(queue_name: str, lane: RenderLane) -> str:
    """The rq queue of one lane: BCL renders keep the configured name."""
    return queue_name if lane is RenderLane.BCL else queue_name + OWN_LANE_SUFFIX


class RenderQueue(JobQueue, Protocol):
    """The issuance JobQueue port, plus what the centre's processes need of it."""

    def depth(self, lane: RenderLane | None = None) -> int:
        """Render jobs waiting in ``lane`` (None: in every lane)."""
        ...

    def reachable(self) -> bool: ...
    def announce(self, request_id: str) -> None: ...
    def await_change(self, request_id: str, timeout: float) -> None: ...
    def close(self) -> None: ...


class NoJobs:
    """The queue of a process that runs no jobs (set-up commands): enqueueing is a bug."""

    def enqueue_render(self, request_id: str, lane: RenderLane = RenderLane.BCL) -> None:
        raise RuntimeError(f"this process runs no jobs: cannot render {request_id}")

    def depth(self, lane: RenderLane | None = None) -> int:
        return 0

    def reachable(self) -> bool:
        return True

    def announce(self, request_id: str) -> None:
        pass

    def await_change(self, request_id: str, timeout: float) -> None:
        pass

    def close(self) -> None:
        pass


class _Announcements:
    """In-process wake-ups: one Event per request id, kept a minute or until collected."""

    def __init__(self) -> None:
        self._events: OrderedDict[str, tuple[float, threading.Event]] = OrderedDict()
        self._lock = threading.Lock()

    def _event(self, request_id: str) -> threading.Event:
        with self._lock:
            now = time.monotonic()
            while self._events and next(iter(self._events.values()))[0] < now - ANNOUNCE_TTL_S:
                self._events.popitem(last=False)
            if request_id not in self._events:
                self._events[request_id] = (now, threading.Event())
            return self._events[request_id][1]

    def announce(self, request_id: str) -> None:
        self._event(request_id).set()

    def wait(self, request_id: str, timeout: float) -> None:
        if self._event(request_id).wait(timeout):
            with self._lock:
                self._events.pop(request_id, None)


class InProcessQueue:
    """Runs ``job`` (the render job bound to this process's platform) on background threads:
    ``threads`` for BCL renders, ``own_threads`` for own-server renders.

    The embedded default (SQLite, no Redis): nothing leaves the process, so the job may be a
    closure holding its dependencies.
    """

    def __init__(self, job: Callable[[str], object], threads: int, own_threads: int = 1) -> None:
        self._job = job
        self._executors = {
            RenderLane.BCL: ThreadPoolExecutor(threads, thread_name_prefix="kofu-render"),
            RenderLane.OWN_SERVER: ThreadPoolExecutor(
                max(1, own_threads), thread_name_prefix="kofu-render-own"
            ),
        }
        self._pending = dict.fromkeys(RenderLane, 0)
        self._lock = threading.Lock()
        self._announcements = _Announcements()

    def enqueue_render(self, request_id: str, lane: RenderLane = RenderLane.BCL) -> None:
        with self._lock:
            self._pending[lane] += 1
        # In the submitter's context: the render logs the HTTP request's id (centre/logs.py).
        context = contextvars.copy_context()
        future = self._executors[lane].submit(context.run, self._job, request_id)
        future.add_done_callback(lambda done: self._done(done, lane))

    def _done(self, future: Future[object], lane: RenderLane) -> None:
        with self._lock:
            self._pending[lane] -= 1
        if future.exception() is not None:
            log.error("render job failed", exc_info=future.exception())

    def depth(self, lane: RenderLane | None = None) -> int:
        lanes = list(RenderLane) if lane is None else [lane]
        return max(sum(self._pending[one] for one in lanes), 0)

    def reachable(self) -> bool:
        return True  # in this process

    def announce(self, request_id: str) -> None:
        """The job is done with this request (whatever the outcome): wake its waiting poll."""
        self._announcements.announce(request_id)

    def await_change(self, request_id: str, timeout: float) -> None:
        """Block until the request is announced or ``timeout`` seconds pass."""
        self._announcements.wait(request_id, timeout)

    def drain(self) -> None:
        """Wait for every queued job (tests and shutdown)."""
        for executor in self._executors.values():
            executor.shutdown(wait=True)

    def close(self) -> None:
        for executor in self._executors.values():
            executor.shutdown(wait=False, cancel_futures=True)


class RqQueue:
    """Enqueues by job function name, at most one waiting job per request.

    Each enqueue gets its own job id (a fresh id never collides with a dead worker's entry
    still in rq's started registry), and Redis remembers the request's newest job: while that
    job waits in the queue (or for its retry) a request is not enqueued again, so a sweeper
    asking every 30 s for a request no worker takes piles nothing. A started job does not
    count as waiting: its worker may have died, and a second run is safe.
    """

    def __init__(self, redis_url: str, queue_name: str, job_timeout: int) -> None:
        from redis import Redis
        from rq import Queue

        # No socket timeout on the workers' connection: rq holds a BLPOP on it for minutes.
        self._redis = Redis.from_url(redis_url, socket_connect_timeout=2)
        # redis-py gives up reading a socket after 5 s by default: a held BLPOP needs longer.
        self._waits = Redis.from_url(redis_url, socket_timeout=LONGEST_WAIT_S + 5)
        self._quick = Redis.from_url(redis_url, socket_connect_timeout=0.5, socket_timeout=0.5)
        self._lanes = {
            lane: Queue(lane_queue_name(queue_name, lane), connection=self._redis)
            for lane in RenderLane
        }
        self._job_timeout = job_timeout
        self._announcing = OutageLog("Redis (announcing renders)", log)
        self._deferred: dict[str, RenderLane] = {}
        self._deferred_lock = threading.Lock()
        self._enqueuing = OutageLog("Redis (enqueueing renders; the sweeper enqueues them)", log)
        self._polling = OutageLog("Redis (kiosk polls wait without wake-ups)", log)

    def enqueue_render(self, request_id: str, lane: RenderLane = RenderLane.BCL) -> None:
        """Raises QueueUnavailableError with Redis away (logged once per outage)."""
        from redis import RedisError

        try:
            self._enqueue(request_id, lane)
        except RedisError as exc:
            self._enqueuing.failed(exc)
            self._defer(request_id, lane)
            raise QueueUnavailableError(str(exc)) from exc
        self._enqueuing.succeeded()
        self._flush_deferred()

    def _defer(self, request_id: str, lane: RenderLane) -> None:
        """Remember a render Redis could not take, for this process's next successful enqueue
        (at once, rather than the sweeper's requeue 30 s on). Bounded: past DEFERRED_MAX the
        sweeper alone brings them back; a process that dies forgets them, the sweeper not."""
        with self._deferred_lock:
            if len(self._deferred) < DEFERRED_MAX:
                self._deferred[request_id] = lane

    def _flush_deferred(self) -> None:
        from redis import RedisError

        if not self._deferred:  # the common case: no lock taken
            return
        with self._deferred_lock:
            waiting, self._deferred = self._deferred, {}
        for number, (request_id, lane) in enumerate(waiting.items()):
            try:
                self._enqueue(request_id, lane)
            except RedisError as exc:
                self._enqueuing.failed(exc)
                with self._deferred_lock:
                    for left in list(waiting)[number:]:
                        self._deferred.setdefault(left, waiting[left])
                return

    def _enqueue(self, request_id: str, lane: RenderLane) -> None:
        from rq import Retry

        newest = self._redis.get(_newest_job_key(request_id))
        if isinstance(newest, bytes) and self._waiting(newest.decode()):
            return
        job = self._lanes[lane].enqueue(
            RENDER_JOB,
            request_id,
            job_id=f"render-{request_id}-{secrets.token_hex(4)}",
            job_timeout=self._job_timeout,
            retry=Retry(max=3, interval=[1, 5, 15]),
            result_ttl=300,
            failure_ttl=86400,
            meta=job_meta(),  # the HTTP request's id, which the worker binds for the render
        )
        self._redis.set(_newest_job_key(request_id), job.id, ex=NEWEST_JOB_TTL_S)

    def _waiting(self, job_id: str) -> bool:
        """In a lane's list, or in rq's scheduled registry waiting for its retry."""
        from rq.registry import ScheduledJobRegistry

        for queue in self._lanes.values():
            if self._redis.lpos(queue.key, job_id) is not None:
                return True
            scheduled = ScheduledJobRegistry(queue=queue)
            if self._redis.zscore(scheduled.key, job_id) is not None:
                return True
        return False

    def reachable(self) -> bool:
        """Answers a PING within half a second (health checks, the sweeper). Back after an
        outage, it enqueues the renders this process could not."""
        from redis import RedisError

        try:
            answered = bool(self._quick.ping())
        except RedisError:
            return False
        self._flush_deferred()
        return answered

    def depth(self, lane: RenderLane | None = None) -> int:
        lanes = list(RenderLane) if lane is None else [lane]
        return sum(self._lanes[one].count for one in lanes)

    def announce(self, request_id: str) -> None:
        """Push a wake-up on the request's list; it expires if no poll collects it.

        Best effort: with Redis away the wake-up is lost and the kiosk's poll ends at its
        timeout and reads the database; an error here must never fail the render.
        """
        from redis import RedisError

        key = _announce_key(request_id)
        try:
            pipe = self._redis.pipeline(transaction=False)
            pipe.rpush(key, b"1")
            pipe.expire(key, ANNOUNCE_TTL_S)
            pipe.execute()
        except RedisError as exc:
            self._announcing.failed(exc)
        else:
            self._announcing.succeeded()

    def await_change(self, request_id: str, timeout: float) -> None:
        """BLPOP the request's list: returns when announced, or after ``timeout`` seconds.

        Redis failing mid-wait only ends the wait early: the caller reads the database again.
        """
        from redis import RedisError

        if timeout <= 0:
            return
        try:
            self._waits.blpop([_announce_key(request_id)], timeout=min(timeout, LONGEST_WAIT_S))
        except RedisError as exc:
            self._polling.failed(exc)
            time.sleep(min(timeout, 0.5))  # not a hot loop while Redis is away
        else:
            self._polling.succeeded()

    @property
    def queue(self) -> Queue:
        """The BCL lane's queue."""
        return self._lanes[RenderLane.BCL]

    def lane(self, lane: RenderLane) -> Queue:
        return self._lanes[lane]

    @property
    def connection(self) -> Redis:
        return self._redis

    @property
    def quick_connection(self) -> Redis:
        """A client that gives up within half a second: for what must not wait on Redis."""
        return self._quick

    def close(self) -> None:
        self._quick.close()
        self._waits.close()
        self._redis.close()


def _newest_job_key(request_id: str) -> str:
    return f"kofu:render-job:{request_id}"


def _announce_key(request_id: str) -> str:
    return f"kofu:announce:{request_id}"
