"""The composition root: builds the centre's parts from the settings, once per process."""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from sqlalchemy import Engine, event
from sqlalchemy.orm import Session, sessionmaker

from billing.ledger import SqlLedger
from centre import metrics
from centre.database import make_engine
from centre.jobs import RenderDeps, render_request
from centre.outage import OutageLog
from centre.queue import InProcessQueue, NoJobs, RenderQueue, RqQueue
from centre.settings import Settings
from issuance.authenticity.tokens import Keyring
from issuance.documents import CertificateDocument, JuminhyoDocument, RenderedDocument
from issuance.ports import Clock, Renderer, RenderLane
from issuance.production import ProductionDeps
from issuance.reference import watch_reference_writes
from issuance.sessions.authentication import AuthPolicy
from issuance.sessions.credentials import KioskDirectory
from issuance.sessions.jpki import TrustStore
from issuance.unit_of_work import SqlAlchemyUnitOfWork
from municipalities.backends import StaticBackendRegistry
from municipalities.bulkhead import Bulkhead
from municipalities.directory import SqlMunicipalityDirectory


class SystemClock:
    """The wall clock, in UTC (tests pass a clock they move forward)."""

    def now(self) -> datetime:
        return datetime.now(UTC)


class ThreadLocalRenderer:
    """One renderer per thread, built on first use (WeasyPrint's import and fonts are heavy)."""

    def __init__(self) -> None:
        self._local = threading.local()

    def warm(self) -> None:
        """Build this thread's renderer now (fonts, CSS, templates), not on the first job."""
        self._renderer()

    def render(self, doc: JuminhyoDocument | CertificateDocument) -> RenderedDocument:
        return self._renderer().render(doc)

    def _renderer(self) -> Renderer:
        renderer = getattr(self._local, "renderer", None)
        if renderer is None:
            from rendering import CertificateRenderer

            renderer = self._local.renderer = CertificateRenderer()
        return renderer


@dataclass
class Platform:
    settings: Settings
    engine: Engine
    session_factory: sessionmaker[Session]
    queue: RenderQueue = field(default_factory=NoJobs)
    clock: Clock = field(default_factory=SystemClock)
    directory: SqlMunicipalityDirectory = field(default_factory=SqlMunicipalityDirectory)
    kiosks: KioskDirectory = field(default_factory=KioskDirectory)
    backends: StaticBackendRegistry = field(default_factory=StaticBackendRegistry)
    ledger: SqlLedger = field(default_factory=SqlLedger)
    renderer: Renderer = field(default_factory=ThreadLocalRenderer)
    _trust: TrustStore | None = None
    _keyring: Keyring | None = None
    # How many kiosk answers this process may hold at once (each holds a server thread).
    poll_slots: threading.BoundedSemaphore = field(init=False)
    # ... of which one own-server municipality's kiosks may hold own_server_poll_slots
    poll_shares: Bulkhead = field(default_factory=Bulkhead)
    # One line when the database goes away, one when it is back (a new connection is made).
    database_outage: OutageLog = field(
        default_factory=lambda: OutageLog("PostgreSQL", logging.getLogger("kofu.database"))
    )

    def __post_init__(self) -> None:
        # Made here, not on first use: two first polls at once must not make two semaphores.
        self.poll_slots = threading.BoundedSemaphore(max(1, self.settings.long_poll_slots))

    @contextmanager
    def poll_slot(self, municipality_code: str) -> Iterator[bool]:
        """Yields True while holding a slot to hold a kiosk's poll in, False if none is free.

        A request of an own-server municipality also takes one of that municipality's
        ``own_server_poll_slots``: kiosks waiting on a slow server's renders must not hold
        every slot (and so every thread) of the process.
        """
        with self.uow() as uow:
            info = self.directory.get(uow, municipality_code)
        with ExitStack() as held:
            if info is not None and info.render_lane is RenderLane.OWN_SERVER:
                share = self.poll_shares.slot(
                    municipality_code, self.settings.own_server_poll_slots
                )
                if not held.enter_context(share):
                    yield False
                    return
            if not self.poll_slots.acquire(blocking=False):
                yield False
                return
            held.callback(self.poll_slots.release)
            yield True

    def uow(self) -> SqlAlchemyUnitOfWork:
        return SqlAlchemyUnitOfWork(self.session_factory)

    def now(self) -> datetime:
        return self.clock.now()

    @property
    def trust(self) -> TrustStore:
        if self._trust is None:
            pki = self.settings.pki_dir
            trust = TrustStore.from_files(pki / "root.pem", pki / "ca.pem", pki / "crl.der")
            if (pki / "phone-ca.pem").exists():  # JPKI's smartphone CA (sessions/phones.py)
                trust.smartphone = TrustStore.from_files(
                    pki / "root.pem", pki / "phone-ca.pem", pki / "phone-crl.der"
                )
            self._trust = trust
        return self._trust

    @property
    def keyring(self) -> Keyring:
        """The document-signing keys (made on first use; rotate with `kofu keys rotate`)."""
        if self._keyring is None:
            assert self.settings.signing_key_dir is not None
            self._keyring = Keyring(self.settings.signing_key_dir)
        return self._keyring

    @property
    def auth_policy(self) -> AuthPolicy:
        return AuthPolicy(
            timedelta(seconds=self.settings.challenge_ttl_seconds),
            timedelta(seconds=self.settings.session_ttl_seconds),
        )

    def production_deps(self) -> ProductionDeps:
        return ProductionDeps(
            uow_factory=self.uow,
            directory=self.directory,
            backends=self.backends,
            renderer=self.renderer,
            document_ttl=timedelta(seconds=self.settings.document_ttl_seconds),
            clock=self.clock.now,
            on_mismatch=lambda _request_id: metrics.RECORD_MISMATCH.inc(),
            on_ready=metrics.REQUEST_TO_READY.observe,
            on_failed=lambda code: metrics.REFUSALS.labels(code).inc(),
            on_out_of_sync=lambda municipality: metrics.RECORDS_OUT_OF_SYNC.labels(
                municipality
            ).inc(),
            keyring=self.keyring,
            verify_url=f"{self.settings.public_url}/verify",
        )

    def job_deps(self) -> RenderDeps:
        """What a render job needs from this process: built per job, so a swapped part counts."""
        return RenderDeps(self.production_deps(), self.queue.announce)

    def run_render(self, request_id: str) -> str | None:
        """The in-process queue's job: `render_request` bound to this platform."""
        return render_request(request_id, deps=self.job_deps())

    def close(self) -> None:
        self.queue.close()
        self.backends.close()
        self.engine.dispose()


def bootstrap(
    settings: Settings,
    *,
    queue: RenderQueue | None = None,
    clock: Clock | None = None,
    jobs: bool = True,
) -> Platform:
    """Build this process's platform. Connects lazily, never at import.

    ``jobs=False`` builds no queue (set-up commands that never enqueue): enqueueing raises.
    """
    engine = make_engine(settings.database_url)
    session_factory = sessionmaker(engine, expire_on_commit=False)
    watch_reference_writes(session_factory)
    platform = Platform(settings, engine, session_factory)
    event.listen(engine, "connect", lambda *_: platform.database_outage.succeeded())
    if clock is not None:
        platform.clock = clock
    platform.backends = own_server_registry(settings)
    if queue is not None:
        platform.queue = queue
    elif jobs and settings.redis_url:
        platform.queue = RqQueue(
            settings.redis_url, settings.queue_name, settings.job_timeout_seconds
        )
    elif jobs:
        platform.queue = InProcessQueue(
            platform.run_render, settings.render_threads, settings.own_server_render_threads
        )
    return platform


def own_server_registry(settings: Settings) -> StaticBackendRegistry:
    """BCL, plus own servers reached with the centre's client certificate (if there is one)."""
    from municipalities.own_server import OwnServerPool
    from municipalities.tls import centre_files

    tls = None
    if settings.municipal_tls_dir is not None and (settings.municipal_tls_dir / "ca.pem").exists():
        tls = centre_files(settings.municipal_tls_dir)
    return StaticBackendRegistry(
        OwnServerPool(
            tls,
            metrics.observe_backend,
            settings.own_server_calls,
            settings.own_server_calls_in_all,
        )
    )
