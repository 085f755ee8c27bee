"""`kofu worker`: an rq worker for render jobs, with the platform built once per process."""

from __future__ import annotations

import contextlib
import gc
import logging
import threading
import time
from collections.abc import Callable
from typing import Any

from redis import RedisError
from rq import Queue, SimpleWorker
from rq.job import Job
from rq.timeouts import TimerDeathPenalty
from rq.worker.base import StopRequested
from sqlalchemy.exc import InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeoutError

from centre.background import Sweeper
from centre.bootstrap import ThreadLocalRenderer, bootstrap
from centre.import_jobs import imports_queue_name
from centre.jobs import RenderDeps
from centre.logs import bound_request_id
from centre.outage import OutageLog
from centre.queue import RqQueue
from centre.settings import Settings
from issuance.ports import RenderLane

log = logging.getLogger("kofu.worker")

DATABASE_AWAY = (OperationalError, InterfaceError, PoolTimeoutError)
OWN_LANE_GRACE_S = 30.0  # how long a stopping worker waits for its own-lane render
RENDERS_WITHOUT_DATABASE = OutageLog("the database (render jobs fail and are retried)", log)


class DepsJob(Job):
    """An rq job whose function is called with ``deps=``, handed over by the worker.

    What Redis holds is unchanged (the function's name and the request id): the dependencies
    live in the worker process and are attached to the job just before it runs.
    """

    deps: RenderDeps | None = None

    def _execute(self) -> Any:
        # rq's one call of the job function (Job.perform -> _execute); a job without deps (not
        # run by a RenderWorker) runs as rq would run it.
        if self.deps is None:
            return super()._execute()
        return self.func(*self.args, deps=self.deps, **self.kwargs)


class RenderWorker(SimpleWorker):
    """Runs jobs in this process (no fork per job: fonts and connections stay warm), each with
    the dependencies ``deps()`` builds from this process's platform."""

    job_class = DepsJob

    def __init__(self, queues: list[Queue], deps: Callable[[], RenderDeps], **kwargs: Any):
        super().__init__(queues, **kwargs)
        self._deps = deps

    def perform_job(self, job: Job, queue: Queue, *args: Any, **kwargs: Any) -> bool:
        # rq 2 passes (job, queue), rq 3 adds the execution: hand the rest on unchanged.
        if isinstance(job, DepsJob):
            job.deps = self._deps()
        # The kiosk call's id, in the render's lines and sent on to its municipal server.
        with bound_request_id(job.meta):
            return super().perform_job(job, queue, *args, **kwargs)

    def handle_exception(self, job: Job, *exc_info: Any) -> None:
        """A render that failed because the database is away is one line per outage, not a
        traceback per job (rq's retry brings the job back; the sweeper, the request)."""
        if isinstance(exc_info[1], DATABASE_AWAY):
            RENDERS_WITHOUT_DATABASE.failed(exc_info[1])
            return
        RENDERS_WITHOUT_DATABASE.succeeded()
        super().handle_exception(job, *exc_info)

    def handle_job_success(self, job: Job, queue: Queue, *args: Any, **kwargs: Any) -> None:
        RENDERS_WITHOUT_DATABASE.succeeded()
        super().handle_job_success(job, queue, *args, **kwargs)


class LaneThreadWorker(RenderWorker):
    """A RenderWorker on a thread of its own, beside the process's main one: no signal
    handlers (the main thread's worker takes SIGTERM), a timer instead of SIGALRM for the job
    timeout, no pub/sub listener for rq commands."""

    death_penalty_class = TimerDeathPenalty

    def _install_signal_handlers(self) -> None:
        pass

    def subscribe(self) -> None:
        pass


def run_worker(
    settings: Settings,
    burst: bool = False,
    lanes: tuple[RenderLane, ...] = (RenderLane.BCL, RenderLane.OWN_SERVER),
) -> None:
    """Work the queues of ``lanes`` (rq takes from the first that has a job).

    A worker of both lanes works BCL renders on its main thread and own-server renders on
    ``settings.own_server_render_threads`` threads beside it: a municipal server that is slow
    holds only those threads (they mostly wait on it), never the BCL renders; and under steady
    BCL load own-server renders no longer wait behind a BCL queue that never empties (they
    did, until their render timeout).
    """
    platform = bootstrap(settings)
    try:
        assert isinstance(platform.queue, RqQueue), "kofu worker needs KOFU_REDIS_URL"
        # Warm the renderer the jobs will use (they run on this thread) before the first
        # resident waits for it.
        if isinstance(platform.renderer, ThreadLocalRenderer):
            platform.renderer.warm()
        # What is loaded now (modules, fonts, templates) lives as long as the process: keep
        # the garbage collector from scanning it again after every render.
        gc.collect()
        gc.freeze()
        both = set(lanes) == set(RenderLane)
        main_lanes = (RenderLane.BCL,) if both and not burst else lanes
        queues = [platform.queue.lane(lane) for lane in main_lanes]
        connection = platform.queue.connection
        # Imports of uploaded extracts: a thread of their own beside the BCL lane's workers.
        imports = Queue(imports_queue_name(settings.queue_name), connection=connection)
        with_imports = RenderLane.BCL in lanes

        def new_worker() -> RenderWorker:
            return RenderWorker(queues, platform.job_deps, connection=connection)

        if burst:
            every = queues + ([imports] if with_imports else [])
            RenderWorker(every, platform.job_deps, connection=connection).work(
                burst=True, with_scheduler=False
            )
            return
        own_queue = [platform.queue.lane(RenderLane.OWN_SERVER)]
        own_lanes = [
            OwnLaneThread(
                lambda: LaneThreadWorker(own_queue, platform.job_deps, connection=connection)
            )
            for _ in range(max(1, settings.own_server_render_threads) if both else 0)
        ]
        if with_imports:
            own_lanes.append(
                OwnLaneThread(
                    lambda: LaneThreadWorker([imports], platform.job_deps, connection=connection)
                )
            )
        for own_lane in own_lanes:
            own_lane.start()
        try:
            every_lane = [platform.queue.lane(lane) for lane in lanes]
            _work_with_housekeeping(new_worker, every_lane, Sweeper(platform))
        finally:
            for own_lane in own_lanes:
                own_lane.request_stop()
            deadline = time.monotonic() + OWN_LANE_GRACE_S
            for own_lane in own_lanes:
                own_lane.finish(deadline)
    finally:
        platform.close()


class OwnLaneThread:
    """A supervised LaneThreadWorker on a daemon thread, stopped with its process."""

    def __init__(self, new_worker: Callable[[], RenderWorker]) -> None:
        self._new_worker = new_worker
        self._current: RenderWorker | None = None
        self._thread = threading.Thread(target=self._run, daemon=True, name="kofu-own-lane")

    def _run(self) -> None:
        def tracked() -> RenderWorker:
            self._current = self._new_worker()
            return self._current

        work_supervised(tracked)

    def start(self) -> None:
        self._thread.start()

    def request_stop(self) -> None:
        """Stop after the render in progress, if any (rq's own flag, checked after each job)."""
        if self._current is not None:
            self._current._stop_requested = True

    def finish(self, deadline: float) -> None:
        """Wait for a render in progress until ``deadline`` (time.monotonic()), then leave: the
        worker is declared dead in Redis; a render cut off is requeued by the sweeper."""
        worker = self._current
        if worker is None:
            return
        if worker.get_state() == "busy":
            self._thread.join(timeout=max(0.0, deadline - time.monotonic()))
        with contextlib.suppress(
            RedisError
        ):  # Redis away: rq prunes a worker whose heartbeat lapsed
            worker.register_death()


def _work_with_housekeeping(
    new_worker: Callable[[], RenderWorker], queues: list[Queue], sweeper: Sweeper
) -> None:
    sweeper.start()
    stop = threading.Event()
    retries = threading.Thread(
        target=_requeue_due_retries, args=(queues, stop), daemon=True, name="kofu-retries"
    )
    retries.start()
    try:
        work_supervised(new_worker)
    finally:
        stop.set()
        sweeper.stop()
        retries.join(timeout=5)


def work_supervised(
    new_worker: Callable[[], RenderWorker], backoff: float = 1.0, longest: float = 30.0
) -> None:
    """Run rq workers one after another until one is asked to stop (SIGTERM, SIGINT).

    rq's ``work()`` returns (or raises, from its teardown) when Redis fails anywhere but in its
    wait for a job: recording a result, a heartbeat, registering. That must not end the
    process: wait (1 s, doubling to ``longest``) until Redis answers, declare the old worker
    dead, and start a new one. What the job did is in PostgreSQL either way (a result rq
    could not record is not needed); the sweeper requeues a request that is still not done.
    A new worker that cannot register (Redis away again, or at start) is tried again the same
    way, rather than ending the process.
    """
    worker: RenderWorker | None = None
    delay = backoff
    try:
        while True:
            if worker is not None and _asked_to_stop(worker):
                return  # a signal while waiting between workers
            if worker is not None and not _bury(worker):
                time.sleep(delay)
                delay = min(delay * 2, longest)
                continue
            try:  # a new worker registers in Redis: Redis may be away again by then
                worker, started = new_worker(), time.monotonic()
            except RedisError as exc:
                log.warning("no new worker while Redis is away (%s); again in %.0f s", exc, delay)
                worker = None
                time.sleep(delay)
                delay = min(delay * 2, longest)
                continue
            try:
                worker.work(with_scheduler=False)
            except RedisError as exc:
                log.warning("worker %s lost Redis: %s", worker.name, exc)
            if _asked_to_stop(worker):
                return
            if time.monotonic() - started > 60:
                delay = backoff  # it ran a while: this is a new outage
            log.warning("worker %s stopped; starting another in %.0f s", worker.name, delay)
            time.sleep(delay)
            delay = min(delay * 2, longest)
    except StopRequested:  # a signal while waiting between workers
        return


def _asked_to_stop(worker: RenderWorker) -> bool:
    """rq's signal handler marks its worker (or raises StopRequested when it is idle)."""
    return worker._stop_requested or worker._shutdown_requested_date is not None


def _bury(worker: RenderWorker) -> bool:
    """Declare ``worker`` dead in Redis (not left listed for minutes); False if Redis is still
    away."""
    try:
        worker.register_death()
    except RedisError:
        return False
    # Its teardown failed before unsubscribing: stop its pub/sub thread, which would retry
    # for ever. Not on this thread: redis-py joins it, up to its 60 s read.
    threading.Thread(target=_unsubscribe, args=(worker,), daemon=True).start()
    return True


def _unsubscribe(worker: RenderWorker) -> None:
    with contextlib.suppress(RedisError):  # a daemon thread: it ends with the process
        worker.unsubscribe()


def _requeue_due_retries(queues: list[Queue], stop: threading.Event) -> None:
    """Put failed renders whose retry interval has passed back on the queue, every second.

    A render that failed on something passing (the database restarting, a key being rotated)
    is retried by rq after 1, 5 and 15 s; those retries wait in rq's scheduled registry until
    a scheduler moves them. rq's own scheduler is a forked process that would outlive a
    SIGKILLed worker, so each worker runs this thread instead; a Redis lock lets one at a time
    do it (a dead holder's lock lapses after a minute, and the sweeper covers that minute).
    """
    from rq.scheduler import RQScheduler

    scheduler = RQScheduler(queues, connection=queues[0].connection, interval=1)
    outage = OutageLog("Redis (moving due retries)", log)
    try:
        while not stop.wait(1.0):
            try:
                if scheduler.acquire_locks():
                    scheduler.enqueue_scheduled_jobs()
            except RedisError as exc:  # away for a moment: try next second, say so once
                outage.failed(exc)
            except Exception:  # noqa: BLE001 - anything else: logged, tried next second
                log.exception("moving due retries failed")
            else:
                outage.succeeded()
    finally:
        with contextlib.suppress(RedisError):  # they lapse by themselves
            scheduler.release_locks()
