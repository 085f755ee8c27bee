"""Background housekeeping: the sweeper pass, repeated, keeping every request in a known state."""

from __future__ import annotations

import logging
import threading
import time

from centre.bootstrap import Platform
from issuance.sweeper import SweepPolicy, sweep

log = logging.getLogger("kofu.sweeper")


def _sweep_forever(platform: Platform, every: float) -> None:
    while True:
        time.sleep(every)
        try:
            with platform.uow() as uow:
                result = sweep(uow, platform.queue, SweepPolicy(), platform.now())
            if any(vars(result).values()):
                log.info("sweep: %s", result)
        except Exception:  # noqa: BLE001 - the next pass tries again
            log.exception("sweep failed")


def start_sweeper(platform: Platform, every: float = 10.0) -> None:
    """Sweep ``platform``'s requests every ``every`` seconds on a daemon thread."""
    threading.Thread(
        target=_sweep_forever, args=(platform, every), daemon=True, name="kofu-sweeper"
    ).start()
