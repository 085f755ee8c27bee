"""A watchdog that cuts a socket off when its call's total deadline passes.

A socket timeout bounds each ``recv`` only: a peer sending one byte just inside it holds the
caller for ever. The watchdog bounds the whole call (connect, TLS handshake, headers, body):
at the deadline it shuts the socket down, which wakes the blocked ``recv`` in the calling
thread with an end of file, and the caller, seeing ``Alarm.fired``, reports a timeout.
"""

from __future__ import annotations

import heapq
import itertools
import socket
import threading
import time


class Alarm:
    """One call's deadline (``time.monotonic()`` seconds) and the socket it currently uses."""

    def __init__(self, at: float) -> None:
        self.at = at
        self.fired = False
        self._sock: socket.socket | None = None
        self._done = False
        self._lock = threading.Lock()

    def remaining(self) -> float:
        """Seconds left before the deadline (0.0 once it has passed)."""
        return max(0.0, self.at - time.monotonic())

    def watch(self, sock: socket.socket) -> None:
        """Cut ``sock`` off at the deadline (at once if it has already passed).

        The alarm keeps its own descriptor of the socket: a shutdown through it reaches the
        same connection even after TLS has wrapped (and detached) the plain socket.
        """
        with self._lock:
            if self._done:
                return
            self._forget()
            self._sock = socket.fromfd(sock.fileno(), sock.family, sock.type)
            if self.fired:
                _cut(self._sock)

    @property
    def over(self) -> bool:
        """Cancelled: the watchdog may forget it."""
        return self._done

    def cancel(self) -> None:
        """The call is over: the socket is never touched again (it may go back to a pool)."""
        with self._lock:
            self._done = True
            self._forget()

    def _forget(self) -> None:
        if self._sock is not None:
            self._sock.close()
            self._sock = None

    def fire(self) -> None:
        with self._lock:
            if self._done:
                return
            self.fired = True
            if self._sock is not None:
                _cut(self._sock)


def _cut(sock: socket.socket) -> None:
    try:
        sock.shutdown(socket.SHUT_RDWR)  # for the connection, not only this descriptor
    except OSError:
        pass  # already closed: nothing left to wake


class Watchdog:
    """One daemon thread firing the alarms of many calls; started on first use."""

    def __init__(self, name: str = "own-server-watchdog") -> None:
        self.name = name
        self._alarms: list[tuple[float, int, Alarm]] = []
        self._order = itertools.count()
        self._wake = threading.Condition()
        self._thread: threading.Thread | None = None

    def arm(self, seconds: float) -> Alarm:
        """An alarm firing ``seconds`` from now unless cancelled first."""
        alarm = Alarm(time.monotonic() + seconds)
        with self._wake:
            heapq.heappush(self._alarms, (alarm.at, next(self._order), alarm))
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name=self.name, daemon=True)
                self._thread.start()
            self._wake.notify()
        return alarm

    def _run(self) -> None:
        while True:
            with self._wake:
                while not self._alarms:
                    self._wake.wait()
                at, _, alarm = self._alarms[0]
                if alarm.over:
                    heapq.heappop(self._alarms)
                    continue
                wait = at - time.monotonic()
                if wait > 0:
                    self._wake.wait(wait)
                    continue
                heapq.heappop(self._alarms)
            alarm.fire()
