"""The kiosk's print journal: prints the centre has not heard about survive a crash or restart.

Before the printer gets a document, an entry (session, request, serial) is written to a
small JSON file under the kiosk's data directory; once the printer answers, the entry takes
its outcome; once the centre has recorded the outcome, the entry goes. Each change replaces
the file atomically (write, fsync, rename), so a power cut leaves the old file or the new
one. After a restart ``report`` tells the centre every outcome it missed: the centre accepts
a print result up to 72 h after the download, even once the session or request has ended
(``unconfirmed``). An entry whose print had not finished has no outcome the kiosk can vouch
for: it is left to the operator's print log (照合) and dropped after that grace.
"""

from __future__ import annotations

import json
import logging
import os
import threading
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path

import requests

from kiosk_terminal.centre_client import CentreClient, CentreError

log = logging.getLogger(__name__)

GRACE_SECONDS = 72 * 3600  # the centre's confirmation grace after the download
# The centre has the result already, or will never take it from the kiosk: forget the entry.
SETTLED_CODES = frozenset({"CONFIRMATION_TOO_LATE", "REQUEST_NOT_FOUND", "REQUEST_STATE_CONFLICT"})


@dataclass(frozen=True)
class JournalEntry:
    session_id: str
    request_id: str
    serial: str | None
    downloaded_at: float  # the kiosk's wall clock (seconds since the epoch)
    outcome: str | None = None  # "printed" or "failed" once the printer answered


class PrintJournal:
    """Unconfirmed prints, kept in ``path`` (one JSON file; written atomically)."""

    def __init__(self, path: Path, clock: Callable[[], float] = time.time) -> None:
        self.path, self.clock = path, clock
        self._lock = threading.Lock()

    def _read(self) -> dict[str, JournalEntry]:
        try:
            rows = json.loads(self.path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return {}
        return {row["request_id"]: JournalEntry(**row) for row in rows}

    def _write(self, entries: dict[str, JournalEntry]) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        temporary = self.path.with_name(self.path.name + ".tmp")
        with temporary.open("w", encoding="utf-8") as out:
            json.dump([asdict(e) for e in entries.values()], out, ensure_ascii=False)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temporary, self.path)

    def _change(self, change: Callable[[dict[str, JournalEntry]], None]) -> None:
        with self._lock:
            entries = self._read()
            change(entries)
            self._write(entries)

    def begin(self, session_id: str, request_id: str, serial: str | None) -> None:
        """Before printing: the document is here and about to become paper."""
        entry = JournalEntry(session_id, request_id, serial, self.clock())
        self._change(lambda entries: entries.__setitem__(request_id, entry))

    def record(self, request_id: str, printed: bool) -> None:
        """The printer's answer, before the centre is told."""

        def change(entries: dict[str, JournalEntry]) -> None:
            if request_id in entries:
                outcome = "printed" if printed else "failed"
                entries[request_id] = JournalEntry(
                    **{**asdict(entries[request_id]), "outcome": outcome}
                )

        self._change(change)

    def forget(self, request_id: str) -> None:
        """The centre has the outcome."""

        def change(entries: dict[str, JournalEntry]) -> None:
            entries.pop(request_id, None)

        self._change(change)

    def entries(self) -> list[JournalEntry]:
        with self._lock:
            return list(self._read().values())

    def report(self, centre: CentreClient) -> list[tuple[str, str]]:
        """Tell the centre every outcome it missed; returns (request id, what happened).

        Kept for the next try when the centre cannot be reached. An entry with no outcome
        (the kiosk stopped mid-print) is not guessed at: it waits for the operator's print
        log and is dropped once the centre's grace has passed.
        """
        done: list[tuple[str, str]] = []
        for entry in self.entries():
            if entry.outcome is None:
                if self.clock() - entry.downloaded_at >= GRACE_SECONDS:
                    log.warning("print of %s never finished: left to the print log", entry.serial)
                    self.forget(entry.request_id)
                    done.append((entry.request_id, "left to the print log"))
                continue
            try:
                centre.confirm(entry.session_id, entry.request_id, entry.outcome == "printed")
            except CentreError as refused:
                if refused.code not in SETTLED_CODES:
                    continue
                log.warning("late report of %s refused: %s", entry.serial, refused.code)
                done.append((entry.request_id, refused.code))
            except requests.RequestException:
                continue  # the centre is unreachable: next time
            else:
                done.append((entry.request_id, entry.outcome))
            self.forget(entry.request_id)
        return done


__all__ = ["GRACE_SECONDS", "JournalEntry", "PrintJournal"]
