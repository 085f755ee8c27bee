"""The production shape in tests: PostgreSQL, Redis and real `kofu worker` processes."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import requests

KOFU = str(Path(sys.executable).parent / "kofu")
KOFU_KIOSK = str(Path(sys.executable).parent / "kofu-kiosk")


def production_env(data_dir: Path, postgres_url: str, redis_url: str) -> dict[str, str]:
    return {
        "KOFU_DATA_DIR": str(data_dir),
        "KOFU_DATABASE_URL": postgres_url,
        "KOFU_REDIS_URL": redis_url,
        "KOFU_QUEUE_NAME": f"kofu-test-{uuid.uuid4().hex[:8]}",
        # `kofu serve` on PostgreSQL refuses the development pepper, as a deployment would.
        "KOFU_KIOSK_KEY_PEPPER": f"test-pepper-{uuid.uuid4().hex}",
    }


@contextmanager
def worker_process(
    env: dict[str, str], log: Path, *worker_args: str
) -> Iterator[subprocess.Popen[bytes]]:
    """One `kofu worker`, stopped by its PID when the block ends (killed if it will not stop)."""
    handle = log.open("ab")
    process = subprocess.Popen(
        [KOFU, "worker", *worker_args],
        env={**os.environ, **env},
        stdout=handle,
        stderr=subprocess.STDOUT,
    )
    try:
        yield process
    finally:
        stop_process(process, timeout=10)
        handle.close()


def stop_process(process: subprocess.Popen[bytes], timeout: float) -> None:
    """SIGTERM to the process we started, by its PID; SIGKILL if it has not gone by ``timeout``."""
    if process.poll() is not None:
        return
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def wait_for_workers(queue, count: int, timeout: float = 60.0) -> None:  # type: ignore[no-untyped-def]
    """Block until ``count`` workers listen on ``queue`` (imports and font warm-up take seconds)."""
    from rq import Worker

    deadline = time.monotonic() + timeout
    while len(Worker.all(queue=queue)) < count:
        if time.monotonic() > deadline:
            raise TimeoutError(f"{count} workers did not start within {timeout} s")
        time.sleep(0.2)


def copy_cards(source: Path, target: Path) -> None:
    """Reuse the session's test JPKI and cards (RSA keys are slow to make)."""
    for name in ("jpki", "demo"):
        shutil.copytree(source / name, target / name, dirs_exist_ok=True)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def centre_process(env: dict[str, str], log: Path, *serve_args: str) -> Iterator[str]:
    """`kofu serve` (gunicorn) on a free loopback port; yields its URL; stopped by its PID."""
    port = free_port()
    handle = log.open("ab")
    server = subprocess.Popen(
        [KOFU, "serve", "--port", str(port), *serve_args],
        env=env,
        stdout=handle,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if requests.get(url + "/healthz", timeout=3).ok:
                    break
            except requests.RequestException:  # not up yet, or slow on a loaded machine
                pass
            assert server.poll() is None and time.monotonic() < deadline, "kofu serve did not start"
            time.sleep(0.2)
        yield url
    finally:
        stop_process(server, timeout=15)
        handle.close()
