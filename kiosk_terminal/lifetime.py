"""How the kiosk's processes end: stop signals become one clean exit, children die with us."""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import signal
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from types import FrameType

STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)  # Ctrl-C, kill, terminal closed
PR_SET_PDEATHSIG = 1  # <linux/prctl.h>
_libc = (
    ctypes.CDLL(ctypes.util.find_library("c"), use_errno=True) if sys.platform == "linux" else None
)


class StopOnSignals:
    """SIGINT, SIGTERM and SIGHUP raise SystemExit(0) once, so ``finally`` blocks clean up;
    once ``stopping`` is set (clean-up under way) further stop signals are ignored, so a
    second Ctrl-C cannot cut the clean-up short. Main thread only (Python's signal rule)."""

    def __init__(self) -> None:
        self.stopping = False
        self.received: int | None = None
        for number in STOP_SIGNALS:
            signal.signal(number, self._handle)

    def _handle(self, signum: int, frame: FrameType | None) -> None:
        if self.stopping:
            return
        self.stopping, self.received = True, signum
        raise SystemExit(0)


@contextmanager
def stop_signals_held() -> Iterator[None]:
    """Hold the stop signals back (they wait, not lost) while a child is forked and recorded:
    a Ctrl-C between fork and the parent noting the PID would leave an untracked child."""
    held = signal.pthread_sigmask(signal.SIG_BLOCK, STOP_SIGNALS)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, held)


def end_with_parent(sent: signal.Signals = signal.SIGTERM) -> None:
    """Have this process sent ``sent`` when its parent dies (make killed with SIGKILL, say), so
    it stops its own children rather than serving on, orphaned. Linux only; else nothing."""
    if _libc is not None:
        _libc.prctl(PR_SET_PDEATHSIG, int(sent), 0, 0, 0)


def die_with_parent(sent: signal.Signals = signal.SIGTERM) -> Callable[[], None]:
    """A ``preexec_fn`` for subprocess.Popen: the child gets ``sent`` when this process dies,
    however it dies (SIGKILL included; Linux PR_SET_PDEATHSIG, kept across exec of a non-setuid
    program), and starts with the stop signals unblocked (see ``stop_signals_held``)."""
    parent = os.getpid()

    def in_child() -> None:
        signal.pthread_sigmask(signal.SIG_UNBLOCK, STOP_SIGNALS)
        if _libc is not None:
            _libc.prctl(PR_SET_PDEATHSIG, int(sent), 0, 0, 0)
        if os.getppid() != parent:  # the parent died before prctl: no signal will come
            os._exit(1)

    return in_child
