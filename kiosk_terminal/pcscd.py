"""A private pcscd with vsmartcard's virtual reader, kept off the network (root only)."""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path
from typing import IO

from kiosk_terminal.lifetime import die_with_parent, stop_signals_held

VPCD_DRIVER = Path("/usr/lib/pcsc/drivers/serial/libifdvpcd.so")
PCSCD = "/usr/sbin/pcscd"
# kofu-pcsc-<owner PID>-<random>: a namespace whose owner is gone is a leftover (see reclaim).
NAMESPACE_PREFIX = "kofu-pcsc-"
_OWNED_NAMESPACE = re.compile(rf"^{NAMESPACE_PREFIX}(\d+)-[0-9a-f]+$")
# vpcd listens on all interfaces; inside a network namespace of our own only we can reach it.
READER_CONF = """FRIENDLYNAME "Virtual PCD"
DEVICENAME   /dev/null:0x8C7B
LIBPATH      {driver}
CHANNELID    0x8C7B
"""


def missing_tools() -> list[str]:
    """What this machine lacks to run a private pcscd with vpcd (empty when all is there)."""
    missing = [p for p in (PCSCD, str(VPCD_DRIVER)) if not Path(p).exists()]
    if shutil.which("ip") is None:
        missing.append("ip (iproute2)")
    if os.geteuid() != 0:
        missing.append("root (network namespaces)")
    return missing


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def namespaces() -> list[str]:
    """The names `ip netns list` shows (empty when there are none, or no ip)."""
    listing = subprocess.run(["ip", "netns", "list"], capture_output=True, text=True, check=False)
    return [line.split()[0] for line in listing.stdout.splitlines() if line.strip()]


def reclaim_stale_namespaces() -> list[str]:
    """Remove private pcscds' namespaces whose owner process is gone (it was SIGKILLed, or the
    machine lost power), and end the pcscd and cards still inside; returns the names removed.
    A namespace whose owner lives, or not named by this module, is never touched."""
    removed = []
    for name in namespaces():
        owner = _OWNED_NAMESPACE.match(name)
        if owner is None or _alive(int(owner[1])):
            continue
        inside = subprocess.run(
            ["ip", "netns", "pids", name], capture_output=True, text=True, check=False
        )
        for pid in inside.stdout.split():
            with contextlib.suppress(ProcessLookupError):
                os.kill(int(pid), signal.SIGKILL)
        subprocess.run(["ip", "netns", "delete", name], check=False, stderr=subprocess.DEVNULL)
        removed.append(name)
    return removed


def _stop(process: subprocess.Popen[bytes] | None) -> None:
    if process is not None and process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


class PrivatePcscd:
    """pcscd in network namespace NS; its socket is bind-mounted to ``socket_path``.

    pcscd 1.9.9 ignores PCSCLITE_CSOCK_NAME, so it runs with a private /run/pcscd bound to our
    directory; clients set PCSCLITE_CSOCK_NAME to the socket there.
    """

    def __init__(self, directory: Path) -> None:
        self.directory = directory.resolve()  # pcscd resolves -c from /
        self.namespace = f"{NAMESPACE_PREFIX}{os.getpid()}-{uuid.uuid4().hex[:8]}"
        self._namespace_added = False
        self.config_dir = self.directory / "reader.conf.d"
        self.run_dir = self.directory / "run"
        self.socket_path = self.run_dir / "pcscd.comm"
        self.daemon: subprocess.Popen[bytes] | None = None
        self.cards: list[subprocess.Popen[bytes]] = []
        self._spawned: list[subprocess.Popen[bytes]] = []  # all, noted before a signal is handled

    def start(self) -> None:
        self.config_dir.mkdir(parents=True, exist_ok=True)
        self.run_dir.mkdir(parents=True, exist_ok=True)
        (self.config_dir / "vpcd").write_text(READER_CONF.format(driver=VPCD_DRIVER))
        reclaim_stale_namespaces()  # what an earlier run killed outright left behind
        try:
            self._namespace_added = True  # before `add`: a signal may come while it runs
            subprocess.run(["ip", "netns", "add", self.namespace], check=True)
            self._in_namespace(["ip", "link", "set", "lo", "up"], wait=True)
            self.start_daemon()
        except BaseException:
            self.stop()
            raise

    def start_daemon(self) -> None:
        """(Re)start pcscd; it reads the reader configuration only when it starts."""
        Path("/run/pcscd").mkdir(exist_ok=True)
        self.socket_path.unlink(missing_ok=True)
        script = f"mount --bind {self.run_dir} /run/pcscd && exec {PCSCD} -f -c {self.config_dir}"
        with (self.directory / "pcscd.log").open("ab") as log:
            self.daemon = self._in_namespace(["sh", "-c", script], log=log)
        deadline = time.monotonic() + 10
        while not self.socket_path.exists():
            if self.daemon.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"pcscd did not start; see {self.directory / 'pcscd.log'}")
            time.sleep(0.05)

    def stop_daemon(self) -> None:
        _stop(self.daemon)
        self.daemon = None

    def insert(self, card_file: Path) -> subprocess.Popen[bytes]:
        """A virtual card in the reader: the vicc runs inside the namespace, next to vpcd."""
        with (self.directory / "vicc.log").open("ab") as log:
            card = self._in_namespace(
                [sys.executable, "-m", "kiosk_terminal.vicc", str(card_file)], log=log
            )
        self.cards.append(card)
        return card

    def remove(self, card: subprocess.Popen[bytes]) -> None:
        _stop(card)

    def stop(self) -> None:
        """Stop the cards and pcscd, and always remove the namespace, even if a stop fails."""
        try:
            for process in reversed(self._spawned):  # the cards before the pcscd they talk to
                _stop(process)
            self.daemon = None
        finally:
            if self._namespace_added:
                self._namespace_added = False
                subprocess.run(
                    ["ip", "netns", "delete", self.namespace],
                    check=False,
                    stderr=subprocess.DEVNULL,  # `add` never ran: nothing to delete
                )

    def _in_namespace(
        self, command: list[str], wait: bool = False, log: IO[bytes] | None = None
    ) -> subprocess.Popen[bytes]:
        full = ["ip", "netns", "exec", self.namespace, *command]
        with stop_signals_held():  # a Ctrl-C now waits until stop() can see the process
            process = subprocess.Popen(
                full,
                stdout=log or subprocess.DEVNULL,
                stderr=subprocess.STDOUT,
                cwd=os.getcwd(),
                preexec_fn=die_with_parent(),  # pcscd and cards end with us, even on SIGKILL
            )
            self._spawned.append(process)
        if wait:
            process.wait(timeout=10)
        return process

    def __enter__(self) -> PrivatePcscd:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()
