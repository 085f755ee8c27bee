"""An own-server municipality's connection: its endpoint and the client certificate in use."""

from __future__ import annotations

from typing import Any

from centre.bootstrap import Platform
from municipalities.model import Municipality


def server_facts(platform: Platform, municipality: Municipality) -> dict[str, Any]:
    return {"url": municipality.backend_settings.get("url")}
