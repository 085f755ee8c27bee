"""The chaos run's private PostgreSQL and Redis, and the misbehaving 横浜市 own server.

Each is started on a free loopback port in the run's temporary directory and stopped by the
PID it wrote; the machine's shared instances (5432, 6379) are never touched.
"""

from __future__ import annotations

import contextlib
import glob
import os
import pwd
import shutil
import signal
import socket
import subprocess
import time
from pathlib import Path

import psycopg
import redis
from bench_processes import log

YOKOHAMA = "141003"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _pg_bin(name: str) -> str:
    found = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"))
    if not found:
        raise SystemExit(f"chaos: no {name} under /usr/lib/postgresql/*/bin")
    return found[-1]


def _wait_gone(pid: int, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return True
        time.sleep(0.1)
    return False


class PrivatePostgres:
    """A throw-away cluster (fsync off) of our own; run as ``postgres`` when we are root."""

    def __init__(
        self, root: Path, listen: tuple[str, ...] = ("127.0.0.1",), conf: Path | None = None,
        trust_from: str | None = None,
    ) -> None:  # fmt: skip
        """``conf``: a settings file the cluster includes (then no ``max_connections`` of
        ours); ``trust_from``: a network (CIDR) whose clients are trusted too."""
        self.dir, self.port = root / "pgdata", free_port()
        self.logfile = root / "postgres.log"
        self.listen, self.conf, self.trust_from = listen, conf, trust_from
        self._as = []
        if os.geteuid() == 0:  # initdb refuses root
            self._as = ["runuser", "-u", "postgres", "--"]
            user = pwd.getpwnam("postgres")
            root.chmod(0o755)
            self.dir.mkdir()
            os.chown(self.dir, user.pw_uid, user.pw_gid)
            self.logfile.touch()
            os.chown(self.logfile, user.pw_uid, user.pw_gid)

    @property
    def url(self) -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/kofu"

    def init(self) -> None:
        subprocess.run(
            [*self._as, _pg_bin("initdb"), "-D", str(self.dir), "-U", "postgres",
             "--auth=trust", "-E", "UTF8", "--locale=C.UTF-8"],
            check=True, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT,
        )  # fmt: skip
        if self.conf is not None:
            with (self.dir / "postgresql.conf").open("a") as conf:
                conf.write(f"include '{self.conf}'\n")
        if self.trust_from is not None:
            with (self.dir / "pg_hba.conf").open("a") as hba:
                hba.write(f"host all all {self.trust_from} trust\n")
        self.start()
        with psycopg.connect(self.url.replace("+psycopg", "").replace("/kofu", "/postgres"),
                             autocommit=True) as db:  # fmt: skip
            db.execute("CREATE DATABASE kofu")

    def start(self) -> None:
        options = (
            f"-p {self.port} -c listen_addresses={','.join(self.listen)}"
            f" -c unix_socket_directories={self.dir}"
            " -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
        ) + (" -c max_connections=200" if self.conf is None else "")
        subprocess.run(
            [*self._as, _pg_bin("pg_ctl"), "-D", str(self.dir), "-o", options,
             "-l", str(self.logfile), "-w", "-t", "30", "start"],
            check=True, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT,
        )  # fmt: skip
        log(f"postgres on port {self.port} (pid {self.pid()})")

    def pid(self) -> int | None:
        try:
            return int((self.dir / "postmaster.pid").read_text().split()[0])
        except (OSError, ValueError, IndexError):
            return None

    def stop(self) -> None:
        """Fast shutdown of our postmaster, by the PID it wrote (SIGINT), then SIGQUIT."""
        pid = self.pid()
        if pid is None:
            return
        os.kill(pid, signal.SIGINT)
        if not _wait_gone(pid, 20):
            os.kill(pid, signal.SIGQUIT)
            _wait_gone(pid, 10)
        log(f"postgres stopped (pid {pid})")


class PrivateRedis:
    """``redis-server --save '' --appendonly no`` on a free port; a restart keeps the data
    (``SHUTDOWN SAVE`` writes one snapshot), as a Redis with persistence would."""

    def __init__(
        self, root: Path, bind: tuple[str, ...] = ("127.0.0.1",), conf: Path | None = None
    ) -> None:
        """``conf``: a redis.conf read first (the options here override it)."""
        self.dir, self.port = root / "redis", free_port()
        self.dir.mkdir()
        self.bind, self.conf = bind, conf
        self.proc: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        argv = ["redis-server", *([str(self.conf)] if self.conf else []),
                "--port", str(self.port), "--bind", *self.bind,
                "--save", "", "--appendonly", "no", "--dir", str(self.dir)]  # fmt: skip
        out = (self.dir / "redis.log").open("ab")
        self.proc = subprocess.Popen(argv, stdout=out, stderr=subprocess.STDOUT,
                                     start_new_session=True)  # fmt: skip
        out.close()
        client = redis.Redis(port=self.port, socket_connect_timeout=1)
        deadline = time.monotonic() + 10
        while True:
            try:
                client.ping()
                break
            except redis.RedisError:
                if time.monotonic() > deadline:
                    raise SystemExit("chaos: private redis-server did not answer") from None
                time.sleep(0.1)
        log(f"redis on port {self.port} (pid {self.proc.pid})")

    def stop(self, save: bool = True) -> None:
        if self.proc is None or self.proc.poll() is not None:
            return
        # The shutdown closes the connection it came on: that error is the expected answer.
        with contextlib.suppress(redis.RedisError):
            redis.Redis(port=self.port, socket_connect_timeout=1).shutdown(save=save)
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.send_signal(signal.SIGKILL)
            self.proc.wait(timeout=5)
        log(f"redis stopped (pid {self.proc.pid})")


def start_own_server(data_dir: Path, root: Path, database_url: str):  # type: ignore[no-untyped-def]
    """横浜市's reference server behind ``FaultyServer``, in this process (so its mode can be
    switched), over the demo's extract, the centre pointed at it with a 3 s deadline."""
    from municipal_server.faulty import FaultyServer
    from municipal_server.server import create_reference_app, load_extract, open_database
    from municipalities.tls import make_test_pki, server_files

    pki = make_test_pki(data_dir / "municipal-tls")  # where the centre's settings look
    engine = open_database(root / "yokohama.sqlite3", YOKOHAMA)
    load_extract(engine, YOKOHAMA, data_dir / "demo" / "municipal" / f"{YOKOHAMA}.json")
    server = FaultyServer(create_reference_app(engine, YOKOHAMA), "127.0.0.1", 0,
                          server_files(pki)).start()  # fmt: skip
    with psycopg.connect(database_url.replace("+psycopg", "")) as db:
        db.execute(
            "UPDATE municipalities_municipality SET backend_settings = %s::json WHERE code = %s",
            (f'{{"url": "{server.url}", "timeout_seconds": 3.0}}', YOKOHAMA),
        )
    log(f"横浜市 own server on {server.url}")
    return server, engine


def remove_tree(path: Path) -> None:
    shutil.rmtree(path, ignore_errors=True)
