"""The municipal server protocol v1 as an OpenAPI document, so any vendor can implement it."""

from __future__ import annotations

from typing import Any

from pydantic import TypeAdapter

from issuance.records import Fuhyo, Household, Koseki, SealRegistration, TaxAssessment

KINDS: dict[str, Any] = {
    "household": Household,
    "seal": SealRegistration,
    "tax": TaxAssessment,
    "koseki": Koseki,
    "fuhyo": Fuhyo,
}
QUERY = {
    "type": "object",
    "required": ["request_id", "municipality_code", "juminhyo_code"],
    "additionalProperties": False,
    "properties": {
        "request_id": {"type": "string", "description": "echo it back: the answer is bound to it"},
        "municipality_code": {"type": "string", "pattern": "^[0-9]{6}$"},
        "juminhyo_code": {"type": "string", "pattern": "^[0-9]{11}$"},
        "tax_year": {"type": "integer", "description": "tax only: the 年度"},
    },
}


def _answer(kind: str) -> dict[str, Any]:
    return {
        "type": "object",
        "required": ["request_id", "municipality_code", "juminhyo_code", "record"],
        "properties": {
            "request_id": {"type": "string"},
            "municipality_code": {"type": "string"},
            "juminhyo_code": {"type": "string"},
            "record": TypeAdapter(KINDS[kind]).json_schema(mode="serialization"),
        },
    }


def protocol_document() -> dict[str, Any]:
    paths: dict[str, Any] = {
        "/v1/health": {"get": {"summary": "Liveness", "responses": {"200": {"description": "up"}}}}
    }
    for kind in KINDS:
        paths[f"/v1/records/{kind}"] = {
            "post": {
                "summary": f"The {kind} record of one resident, bound to the request",
                "requestBody": {
                    "required": True,
                    "content": {"application/json": {"schema": QUERY}},
                },
                "responses": {
                    "200": {
                        "description": "The record; the centre rejects it unless request_id, "
                        "municipality_code and juminhyo_code echo the query",
                        "content": {"application/json": {"schema": _answer(kind)}},
                    },
                    "404": {"description": "No such record (no seal, no tax data, no 戸籍)"},
                },
            }
        }
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "kofu municipal server protocol",
            "version": "1.0.0",
            "description": "HTTPS with mutual TLS: the centre presents its client certificate, "
            "the server its server certificate, both issued by the LGWAN CA. Every call is a "
            "read and safe to retry; the centre waits a bounded time (per-server timeout). "
            "Every query carries the request_id it serves (listings: a fresh one); an answer "
            "that does not echo it, the resident and the municipality is rejected as "
            "RECORD_MISMATCH and raises an alarm. After breaker_threshold consecutive failures "
            "the centre stops calling the server for breaker_cooldown_seconds, then lets one "
            "probe through. backend_settings: url, timeout_seconds, connect_timeout_seconds, "
            "retries, breaker_threshold, breaker_cooldown_seconds.",
        },
        "paths": paths,
    }
