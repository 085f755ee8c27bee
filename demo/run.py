"""`kofu demo run`: the centre, the demo kiosk terminal and the portal, owned by one process.

`make run` ends in ``exec kofu demo run`` so make signals this process itself. Each child runs in
a process group of its own (a Ctrl-C at the terminal reaches only us, and we stop the children
in order) and gets SIGTERM if we die, even by SIGKILL (PR_SET_PDEATHSIG); so do we if make dies.
On any stop signal, or when one child exits, the others get SIGTERM, then SIGKILL after a grace
period, then every straggler in their groups; last, network namespaces of private pcscds whose
owner died go.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import click

from kiosk_terminal.lifetime import (
    StopOnSignals,
    die_with_parent,
    end_with_parent,
    stop_signals_held,
)
from kiosk_terminal.pcscd import missing_tools, reclaim_stale_namespaces

GRACE_SECONDS = 30.0  # gunicorn's graceful_timeout is 10 s; the terminal stops pcscd within 5 s
POLL_SECONDS = 0.2


@dataclass
class Child:
    name: str
    process: subprocess.Popen[bytes]


def _program(name: str) -> str:
    """The console script next to this interpreter (the venv's), else the one on PATH."""
    sibling = Path(sys.executable).parent / name
    return str(sibling) if sibling.exists() else name


def start(
    children: list[Child], name: str, command: list[str], env: dict[str, str] | None = None
) -> None:
    """Start ``command`` in a new process group that ends with us, and add it to ``children``
    before any stop signal is handled (one arriving meanwhile waits)."""
    with stop_signals_held():
        process = subprocess.Popen(
            command,
            stdin=subprocess.DEVNULL,  # a background process group must not read the tty
            env=env,
            process_group=0,
            preexec_fn=die_with_parent(),
        )
        children.append(Child(name, process))


def first_exit(children: list[Child]) -> Child:
    """Block until one child exits (a stop signal interrupts with SystemExit); returns it."""
    while True:
        for child in children:
            if child.process.poll() is not None:
                return child
        time.sleep(POLL_SECONDS)


def stop_all(children: list[Child], grace: float = GRACE_SECONDS) -> None:
    """SIGTERM each child, SIGKILL its group after ``grace`` seconds, then SIGKILL whatever is
    left in each group (a worker its master did not reap). Never signals another group."""
    for child in children:
        if child.process.poll() is None:
            child.process.send_signal(signal.SIGTERM)
    deadline = time.monotonic() + grace
    for child in children:
        try:
            child.process.wait(timeout=max(0.0, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            click.echo(f"{child.name} did not stop within {grace:.0f} s: killed", err=True)
            _kill_group(child.process.pid)
            child.process.wait()
        _kill_group(child.process.pid)  # the group outlives its leader while members remain


def _kill_group(pgid: int) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(pgid, signal.SIGKILL)


def run(host: str, port: int, terminal_port: int, portal_port: int, card: Path) -> int:
    """Serve until a stop signal (returns 0) or until a child exits (returns 1); either way
    nothing started here is left running."""
    kofu, kiosk = _program("kofu"), _program("kofu-kiosk")
    signals = StopOnSignals()
    end_with_parent()  # make killed outright: SIGTERM to us, and we stop the three
    children: list[Child] = []
    status = 0
    try:
        start(children, "centre", [kofu, "serve", "--host", host, "--port", str(port)])
        terminal = [kiosk, "terminal", "--centre", f"http://{host}:{port}"]
        terminal += ["--port", str(terminal_port), "--virtual-card", str(card)]
        start(children, "kiosk terminal", terminal)
        portal_env = {**os.environ, "KOFU_PORTAL_SECURE_COOKIES": "0"}  # plain HTTP here
        portal = [kofu, "portal", "--host", host, "--port", str(portal_port)]
        start(children, "portal", portal, portal_env)
        gone = first_exit(children)
        click.echo(
            f"{gone.name} exited (status {gone.process.returncode}): stopping the others", err=True
        )
        status = 1
    except SystemExit:
        click.echo("stopping the centre, the kiosk terminal and the portal", err=True)
    finally:
        signals.stopping = True  # a second Ctrl-C must not cut the clean-up short
        stop_all(children)
        if not missing_tools():  # the terminal's namespace, had it been killed outright
            reclaim_stale_namespaces()
    return status
