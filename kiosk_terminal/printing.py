"""Printing the PDF: CUPS `lp` when a printer is configured, otherwise an output folder."""

from __future__ import annotations

import subprocess
import tempfile
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol


class PrintFailedError(Exception):
    """The document did not come out; the request must be confirmed as failed (no charge)."""


class Printer(Protocol):
    def print_pdf(self, pdf: bytes, copies: int) -> str:
        """Print and wait until done; returns where it went; raises PrintFailedError."""
        ...


@dataclass
class FolderPrinter:
    """No printer: each document is written to ``folder`` (a demo, or a print spooler's inbox)."""

    folder: Path

    def print_pdf(self, pdf: bytes, copies: int) -> str:
        target = self.folder / f"{time.strftime('%Y%m%d-%H%M%S')}-{uuid.uuid4().hex[:8]}.pdf"
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            target.write_bytes(pdf)
        except OSError as exc:
            raise PrintFailedError(f"cannot write to {self.folder}: {exc.strerror}") from exc
        return str(target)


@dataclass
class CupsPrinter:
    """`lp -d PRINTER -n COPIES -o sides=two-sided-long-edge`, then wait for the job to leave.

    ``server`` (host:port) picks a CUPS server other than the default (or ``CUPS_SERVER``).
    """

    name: str
    timeout: float = 180.0  # kiosk prints can take over two minutes
    lp: str = "lp"
    lpstat: str = "lpstat"
    server: str | None = None
    poll: float = 0.5

    def _command(self, program: str, *arguments: str) -> list[str]:
        return [program, *(("-h", self.server) if self.server else ()), *arguments]

    def _run(self, command: list[str], timeout: float = 30) -> subprocess.CompletedProcess[str]:
        try:
            return subprocess.run(command, capture_output=True, text=True, timeout=timeout)
        except (OSError, subprocess.TimeoutExpired) as exc:
            raise PrintFailedError(f"{command[0]} could not run: {exc}") from exc

    def print_pdf(self, pdf: bytes, copies: int) -> str:
        with tempfile.NamedTemporaryFile(suffix=".pdf") as handle:
            handle.write(pdf)
            handle.flush()
            options = ["-o", "sides=two-sided-long-edge", "-t", "kofu-certificate", handle.name]
            done = self._run(self._command(self.lp, "-d", self.name, "-n", str(copies), *options))
            if done.returncode != 0:
                raise PrintFailedError(f"lp failed: {done.stderr.strip()}")
            job = _job_id(done.stdout)
            try:
                self._wait_for(job)
            except PrintFailedError:
                # Marked failed and not charged: it must not come out later either.
                self._run(self._command("cancel", job), timeout=10)
                raise
            return job

    def _wait_for(self, job: str) -> None:
        """A job still listed by `lpstat -o` is not printed yet; a stopped printer or the
        timeout means it failed."""
        deadline = time.monotonic() + self.timeout
        while time.monotonic() < deadline:
            listed = self._run(self._command(self.lpstat, "-o", self.name), timeout=10)
            if job not in listed.stdout.split():
                return
            state = self._run(self._command(self.lpstat, "-p", self.name), timeout=10)
            if "disabled" in state.stdout or state.returncode != 0:
                raise PrintFailedError(f"printer {self.name} stopped: {state.stdout.strip()}")
            time.sleep(self.poll)
        raise PrintFailedError(f"print job {job} did not finish within {self.timeout:.0f} s")


def _job_id(lp_output: str) -> str:
    """`request id is PRINTER-42 (1 file(s))` → `PRINTER-42`."""
    words = lp_output.split()
    if "is" in words and words.index("is") + 1 < len(words):
        return words[words.index("is") + 1]
    raise PrintFailedError(f"lp did not report a job id: {lp_output.strip()}")


def make_printer(printer_name: str | None, output_folder: Path) -> Printer:
    return CupsPrinter(printer_name) if printer_name else FolderPrinter(output_folder)
