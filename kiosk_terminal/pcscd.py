"""A private pcscd with vsmartcard's virtual reader, kept off the network (root only)."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path
from typing import IO

VPCD_DRIVER = Path("/usr/lib/pcsc/drivers/serial/libifdvpcd.so")
PCSCD = "/usr/sbin/pcscd"
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
        self.namespace = f"kofu-pcsc-{uuid.uuid4().hex[:8]}"
        self.config_dir = self.directory / "reader.conf.d"
        self.run_dir = self.directory / "run"
        self.socket_path = self.run_dir / "pcscd.comm"
        self.daemon: subprocess.Popen[bytes] | None = None
        self.cards: list[subprocess.Popen[bytes]] = []

    def start(self) -> None:
        self.config_dir.mkdir(parents=True, exist_ok=True)
        self.run_dir.mkdir(parents=True, exist_ok=True)
        (self.config_dir / "vpcd").write_text(READER_CONF.format(driver=VPCD_DRIVER))
        subprocess.run(["ip", "netns", "add", self.namespace], check=True)
        try:
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
        log = (self.directory / "pcscd.log").open("ab")
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
        log = (self.directory / "vicc.log").open("ab")
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
            for card in self.cards:
                _stop(card)
            self.stop_daemon()
        finally:
            subprocess.run(["ip", "netns", "delete", self.namespace], check=False)

    def _in_namespace(
        self, command: list[str], wait: bool = False, log: IO[bytes] | None = None
    ) -> subprocess.Popen[bytes]:
        full = ["ip", "netns", "exec", self.namespace, *command]
        process = subprocess.Popen(
            full, stdout=log or subprocess.DEVNULL, stderr=subprocess.STDOUT, cwd=os.getcwd()
        )
        if wait:
            process.wait(timeout=10)
        return process

    def __enter__(self) -> PrivatePcscd:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()
