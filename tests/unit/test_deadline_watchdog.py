"""The watchdog that enforces total deadlines: it wakes a blocked reader, and only before cancel."""

from __future__ import annotations

import socket
import time

from municipalities.deadline import Watchdog


def test_a_reader_blocked_past_the_deadline_is_woken_with_an_end_of_file() -> None:
    ours, theirs = socket.socketpair()
    with ours, theirs:
        alarm = Watchdog().arm(0.2)
        alarm.watch(ours)
        started = time.monotonic()
        assert ours.recv(1) == b""  # the peer never writes: only the alarm ends the wait
        assert time.monotonic() - started > 0.15  # not before its deadline
        assert alarm.fired
        alarm.cancel()


def test_a_cancelled_alarm_leaves_the_socket_usable() -> None:
    ours, theirs = socket.socketpair()
    with ours, theirs:
        alarm = Watchdog().arm(0.05)
        alarm.watch(ours)
        alarm.cancel()
        time.sleep(0.15)
        theirs.sendall(b"x")
        assert ours.recv(1) == b"x" and not alarm.fired


def test_a_socket_watched_after_the_deadline_is_cut_at_once() -> None:
    ours, theirs = socket.socketpair()
    with ours, theirs:
        alarm = Watchdog().arm(0.0)
        time.sleep(0.05)
        alarm.watch(ours)
        assert ours.recv(1) == b""
        alarm.cancel()
