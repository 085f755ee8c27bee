"""Private Redis and PostgreSQL servers for outage tests: stopped and started again at will,
never the shared servers other tests use. Each is stopped by the PID we started."""

from __future__ import annotations

import faulthandler
import glob
import os
import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from tests.support.services import free_port, stop_process


def _wait_until(ready, what: str, timeout: float = 30.0) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while not ready():
        if time.monotonic() > deadline:
            raise TimeoutError(f"{what} did not start within {timeout} s")
        time.sleep(0.1)


class PrivateRedis:
    """`redis-server` on a free loopback port, without persistence (a restart empties it)."""

    def __init__(self) -> None:
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self._process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        self._process = subprocess.Popen(
            [
                "redis-server",
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        _wait_until(self._answers, "redis-server")

    def stop(self) -> None:
        if self._process is not None:
            stop_process(self._process, timeout=5)
            self._process = None

    def _answers(self) -> bool:
        from redis import Redis, RedisError

        client = Redis(port=self.port, socket_connect_timeout=0.2, socket_timeout=0.2)
        try:
            return bool(client.ping())
        except RedisError:
            return False
        finally:
            client.close()


def _pg_bin(name: str) -> str:
    found = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"))
    if found:
        return found[-1]
    path = shutil.which(name)
    if path is None:
        raise FileNotFoundError(f"{name} (PostgreSQL server binaries) not found")
    return path


class PrivatePostgres:
    """A cluster of our own (initdb into a temporary folder), on a free loopback port."""

    def __init__(self) -> None:
        self.port = free_port()
        # Not under pytest's tmp_path: the postgres user must be able to reach it.
        self._root = Path(tempfile.mkdtemp(prefix="kofu-pg-"))
        self._sockets = self._root / "sockets"
        self.data = self._root / "data"
        self.url = f"postgresql://postgres@127.0.0.1:{self.port}/postgres"
        # initdb and postgres refuse to run as root: run them as the postgres user then.
        self._as = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []

    def init(self) -> None:
        self.data.mkdir()
        self._sockets.mkdir()
        if self._as:
            for path in (self._root, self.data, self._sockets):
                shutil.chown(path, "postgres")
        self._run(
            _pg_bin("initdb"),
            "-D",
            str(self.data),
            "-U",
            "postgres",
            "--auth=trust",
            "--no-sync",
            "-E",
            "UTF8",
            "--locale=C",
        )

    def start(self) -> None:
        options = (
            f"-p {self.port} -c listen_addresses=127.0.0.1 -k {self._sockets} "
            "-c fsync=off -c max_connections=100"
        )
        self._run(
            _pg_bin("pg_ctl"),
            "-D",
            str(self.data),
            "-o",
            options,
            "-w",
            "-t",
            "30",
            "-l",
            str(self.data / "server.log"),
            "start",
        )

    def stop(self) -> None:
        """Immediate shutdown: what an outage looks like to the clients."""
        self._run(_pg_bin("pg_ctl"), "-D", str(self.data), "-m", "immediate", "-w", "stop")

    def remove(self) -> None:
        shutil.rmtree(self._root, ignore_errors=True)

    def _run(self, *command: str) -> None:
        subprocess.run(
            [*self._as, *command],
            check=True,
            timeout=60,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )


@contextmanager
def private_redis() -> Iterator[PrivateRedis]:
    server = PrivateRedis()
    server.start()
    try:
        yield server
    finally:
        server.stop()


@contextmanager
def private_postgres() -> Iterator[PrivatePostgres]:
    server = PrivatePostgres()
    server.init()
    server.start()
    try:
        yield server
    finally:
        try:
            server.stop()
        except subprocess.CalledProcessError:
            pass  # already stopped by the test
        server.remove()


@contextmanager
def bounded(seconds: float) -> Iterator[None]:
    """A test that hangs (a dependency that never comes back) ends the run with every
    thread's stack after ``seconds``, instead of holding CI for hours."""
    faulthandler.dump_traceback_later(seconds, exit=True)
    try:
        yield
    finally:
        faulthandler.cancel_dump_traceback_later()
