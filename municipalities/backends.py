"""Which backend serves a municipality (the BackendRegistry port)."""

from __future__ import annotations

from issuance.errors import KofuError
from issuance.ports import MunicipalityInfo, RecordsBackend
from municipalities.bcl import BclBackend


class BackendUnavailableError(KofuError):
    code = "BACKEND_UNAVAILABLE"
    message_ja = (
        "現在、お住まいの市区町村の証明書を交付できません。しばらくしてからご利用ください。"
    )
    message_en = "Your municipality's records are temporarily unavailable. Please try again later."


class StaticBackendRegistry:
    def __init__(self) -> None:
        self._bcl = BclBackend()

    def for_municipality(self, info: MunicipalityInfo) -> RecordsBackend:
        if info.backend_kind == "bcl":
            return self._bcl
        # Own-server municipalities are reached over HTTP: see the routing issue (#4).
        raise BackendUnavailableError(backend=info.backend_kind)
