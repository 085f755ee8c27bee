"""Which backend serves a municipality (the BackendRegistry port)."""

from __future__ import annotations

from issuance.ports import MunicipalityInfo, RecordsBackend
from municipalities.bcl import BclBackend
from municipalities.own_server import BackendUnavailableError, OwnServerPool

__all__ = ["BackendUnavailableError", "StaticBackendRegistry"]


class StaticBackendRegistry:
    """BCL municipalities read the shared tables; the others are reached over HTTPS."""

    def __init__(self, own_servers: OwnServerPool | None = None) -> None:
        self._bcl = BclBackend()
        self._own = own_servers

    def for_municipality(self, info: MunicipalityInfo) -> RecordsBackend:
        if info.backend_kind == "bcl":
            return self._bcl
        if self._own is None:
            raise BackendUnavailableError(backend=info.backend_kind)
        return self._own.backend(info.code, info.backend_settings)

    def close(self) -> None:
        """Close the kept-alive connections to own servers (the process is shutting down)."""
        if self._own is not None:
            self._own.close()
