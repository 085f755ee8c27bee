"""What one run left behind: its processes (found by an environment marker) and namespaces."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
from pathlib import Path

from kiosk_terminal.pcscd import NAMESPACE_PREFIX, namespaces


def marked(variable: str, value: str) -> dict[int, str]:
    """PID -> command line of every live process whose environment has VARIABLE=VALUE (a zombie
    has no environment left, and is gone once its parent reaps it)."""
    needle = f"{variable}={value}".encode()
    found = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            environment = (entry / "environ").read_bytes().split(b"\0")
            if needle in environment:
                found[int(entry.name)] = (entry / "cmdline").read_bytes().replace(b"\0", b" ")
        except OSError:  # gone meanwhile, or not ours to read
            continue
    return {pid: command.decode(errors="replace").strip() for pid, command in found.items()}


def comm(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/comm").read_text().strip()
    except OSError:
        return ""


def parent(pid: int) -> int | None:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return int(stat.rsplit(")", 1)[1].split()[1])  # after "(comm)": state, then the PPID


def namespace_of(pid: int) -> str | None:
    """The named network namespace PID is in (`ip netns identify`), None for the host's."""
    named = subprocess.run(
        ["ip", "netns", "identify", str(pid)], capture_output=True, text=True, check=False
    )
    return named.stdout.strip() or None


def owned_namespaces(pids: set[int]) -> list[str]:
    """Namespaces named for one of PIDS as their owner (kofu-pcsc-<pid>-…)."""
    prefixes = tuple(f"{NAMESPACE_PREFIX}{pid}-" for pid in pids)
    return [name for name in namespaces() if name.startswith(prefixes)] if prefixes else []


def end(pids: set[int], names: set[str]) -> None:
    """Last resort after a failed test: SIGKILL these PIDs (the run's own) and delete these
    namespaces (the run's own), so one failure does not leak into the next test."""
    for pid in pids:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
    for name in names & set(namespaces()):
        subprocess.run(["ip", "netns", "delete", name], check=False)
