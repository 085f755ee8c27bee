"""A private cupsd on 127.0.0.1 with its own configuration, and a cups-pdf queue (root only)."""

from __future__ import annotations

import os
import pwd
import shutil
import signal
import socket
import subprocess
import time
from pathlib import Path

CUPSD = "/usr/sbin/cupsd"
CUPS_PDF_BACKEND = Path("/usr/lib/cups/backend/cups-pdf")
CUPS_PDF_PPD = Path("/usr/share/ppd/cups-pdf/CUPS-PDF_noopt.ppd")
# Loopback only, no browsing, and every operation open to loopback (no admin authentication).
CUPSD_CONF = """Listen 127.0.0.1:{port}
LogLevel info
WebInterface No
Browsing No
DefaultPolicy private
<Location />
  Order allow,deny
  Allow 127.0.0.1
</Location>
<Policy private>
  <Limit All>
    Order allow,deny
    Allow 127.0.0.1
  </Limit>
</Policy>
"""
CUPS_FILES_CONF = """ServerRoot {root}
RequestRoot {root}/spool
CacheDir {root}/cache
StateDir {root}/state
TempDir {root}/tmp
AccessLog {root}/log/access_log
ErrorLog {root}/log/error_log
PageLog {root}/log/page_log
"""


def missing_tools() -> list[str]:
    """What this machine lacks to run a private cupsd with a cups-pdf queue (empty if none)."""
    tools = [CUPSD, str(CUPS_PDF_BACKEND), str(CUPS_PDF_PPD)]
    missing = [tool for tool in tools if not Path(tool).exists()]
    missing += [tool for tool in ("lp", "lpstat", "lpadmin") if shutil.which(tool) is None]
    if os.geteuid() != 0:
        missing.append("root (the cups-pdf backend runs only as root)")
    return missing


def cups_pdf_folder() -> Path:
    """Where cups-pdf (Debian's default `Out ${HOME}/PDF`) writes this user's documents."""
    return Path(pwd.getpwuid(os.geteuid()).pw_dir) / "PDF"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class PrivateCupsd:
    """cupsd in the foreground with its configuration and spool under ``directory``.

    Filters run as user lp, so the directory must be reachable by lp (not under a 0700 tree).
    """

    def __init__(self, directory: Path) -> None:
        self.root = directory.resolve()
        self.port = _free_port()
        self.server = f"127.0.0.1:{self.port}"
        self.daemon: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        for sub in ("spool", "cache", "state", "log"):
            (self.root / sub).mkdir(parents=True, exist_ok=True)
        (self.root / "tmp").mkdir(exist_ok=True)
        (self.root / "tmp").chmod(0o1777)
        self.root.chmod(0o755)
        (self.root / "cupsd.conf").write_text(CUPSD_CONF.format(port=self.port))
        (self.root / "cups-files.conf").write_text(CUPS_FILES_CONF.format(root=self.root))
        command = [CUPSD, "-f", "-c", str(self.root / "cupsd.conf")]
        command += ["-s", str(self.root / "cups-files.conf")]
        log = (self.root / "log" / "cupsd.out").open("ab")
        self.daemon = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 10
        while not self._running():
            if self.daemon.poll() is not None or time.monotonic() > deadline:
                self.stop()
                raise RuntimeError(f"cupsd did not start; see {self.root / 'log'}")
            time.sleep(0.05)

    def _running(self) -> bool:
        done = subprocess.run(
            ["lpstat", "-h", self.server, "-r"], capture_output=True, text=True, timeout=5
        )
        return "is running" in done.stdout

    def admin(self, *arguments: str) -> None:
        """Run one CUPS admin command (lpadmin, cupsdisable, cupsreject…) against this cupsd."""
        command, *rest = arguments
        subprocess.run([command, "-h", self.server, *rest], check=True, capture_output=True)

    def add_pdf_queue(self, name: str) -> None:
        """A queue printing to cups-pdf: each job becomes a PDF in ``cups_pdf_folder()``."""
        self.admin("lpadmin", "-p", name, "-E", "-v", "cups-pdf:/", "-P", str(CUPS_PDF_PPD))

    def stop(self) -> None:
        if self.daemon is not None and self.daemon.poll() is None:
            self.daemon.send_signal(signal.SIGTERM)
            try:
                self.daemon.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.daemon.kill()
                self.daemon.wait()
        self.daemon = None

    def __enter__(self) -> PrivateCupsd:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()
