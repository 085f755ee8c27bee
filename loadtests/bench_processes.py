"""The bench's parts: a fresh database, a dedicated Redis, processes started and stopped by PID."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from contextlib import ExitStack
from pathlib import Path

import psycopg
import redis

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
PG_URL = os.environ.get("BENCH_PG_URL") or "postgresql://postgres@127.0.0.1:5432/postgres"
REDIS_URL = os.environ.get("BENCH_REDIS_URL") or "redis://127.0.0.1:6379/15"


def log(message: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", flush=True)


def dedicated_redis() -> redis.Redis:
    client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=5)
    db = client.connection_pool.connection_kwargs.get("db", 0)
    if int(db) == 0:
        sys.exit(
            f"bench: {REDIS_URL} is database 0; give BENCH_REDIS_URL a dedicated "
            "database number (it is flushed), e.g. redis://127.0.0.1:6379/15"
        )
    try:
        client.ping()
    except redis.RedisError as exc:
        sys.exit(f"bench: Redis at {REDIS_URL} is not reachable: {exc}")
    return client


def admin_connection() -> psycopg.Connection:
    try:
        return psycopg.connect(PG_URL, autocommit=True, connect_timeout=5)
    except psycopg.Error as exc:
        sys.exit(f"bench: PostgreSQL at {PG_URL} is not reachable: {exc}")


def create_database(stack: ExitStack) -> str:
    """A fresh database dropped at the end; returns its URL."""
    name = f"kofu_bench_{os.getpid()}"
    admin = stack.enter_context(admin_connection())
    admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
    admin.execute(f'CREATE DATABASE "{name}"')
    log(f"created database {name}")

    def drop() -> None:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        log(f"dropped database {name}")

    stack.callback(drop)
    return PG_URL.rsplit("/", 1)[0] + f"/{name}"


def kofu(env: dict[str, str], *args: str, timeout: float) -> None:
    """Run a one-shot ``kofu`` command; its output is shown only if it fails."""
    started = time.perf_counter()
    done = subprocess.run(
        [str(BIN / "kofu"), *args],
        env=env,
        cwd=ROOT,
        timeout=timeout,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    if done.returncode != 0:
        print(done.stdout, file=sys.stderr)
        raise SystemExit(f"bench: kofu {' '.join(args)} failed (exit {done.returncode})")
    log(f"kofu {' '.join(args)}: {time.perf_counter() - started:.1f} s")


def start(
    stack: ExitStack, name: str, argv: list[str], env: dict[str, str], logs: Path
) -> subprocess.Popen[bytes]:
    """Start a long-running process; it is stopped by its PID when the stack closes."""
    out = stack.enter_context(open(logs / f"{name}.log", "wb"))
    proc = subprocess.Popen(
        argv, env=env, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
    )
    log(f"started {name} (pid {proc.pid})")
    stack.callback(stop, name, proc)
    return proc


def stop(name: str, proc: subprocess.Popen[bytes], timeout: float = 15) -> None:
    if proc.poll() is not None:
        return
    proc.send_signal(signal.SIGTERM)  # gunicorn's master and rq's worker stop their children
    try:
        proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)  # its own session: only what it started
        proc.wait(timeout=5)
    log(f"stopped {name} (pid {proc.pid})")


def wait_for_health(url: str, procs: list[subprocess.Popen[bytes]], logs: Path) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if any(p.poll() is not None for p in procs):
            sys.exit(f"bench: a server process exited early; see {logs}/*.log")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    log(f"{url} answers")
                    return
        except (urllib.error.URLError, OSError):
            pass
        time.sleep(0.3)
    sys.exit(f"bench: {url} did not answer within 30 s; see {logs}/serve.log")


def open_all_hours(database_url: str) -> None:
    """Open every demo offering 00:00–23:59:59 on every day, in the bench's own database.

    The bench measures throughput, not service hours: a run at night JST (outside the demo's
    06:30–23:00) would otherwise measure only OUT_OF_HOURS refusals. The new-year closure
    (29 December – 3 January) still refuses every request: do not bench on those days.
    """
    with psycopg.connect(database_url.replace("+psycopg", "")) as db:
        changed = db.execute(
            "UPDATE municipalities_certificate_offering"
            " SET weekday_opens = '00:00', weekday_closes = '23:59:59',"
            " saturday_opens = '00:00', saturday_closes = '23:59:59',"
            " holiday_opens = '00:00', holiday_closes = '23:59:59'"
        ).rowcount
    log(f"opened {changed} offerings all day")
