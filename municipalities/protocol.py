"""The municipal server protocol v2 as an OpenAPI document, so any vendor can implement it."""

from __future__ import annotations

from typing import Any

from pydantic import TypeAdapter

from issuance.koseki_records import Fuhyo, Koseki
from issuance.records import Household, SealRegistration, TaxAssessment

KINDS: dict[str, Any] = {
    "household": Household,
    "seal": SealRegistration,
    "tax": TaxAssessment,
    "koseki": Koseki,
    "fuhyo": Fuhyo,
}
VERSION = "2.0.0"
PREFIX = "/v2"  # every path; a server of another major version answers none of them
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


NOT_FOUND = {
    "type": "object",
    "required": ["error"],
    "properties": {"error": {"const": "NOT_FOUND"}},
}
CHANGES = (
    "v2 (2026-11): a 外国人住民's `foreign` is one shape per 住民基本台帳法 第30条の45 "
    "category, named by `category` (中長期在留者, 特別永住者, 一時庇護許可者, 仮滞在許可者, "
    "出生による経過滞在者, 国籍喪失による経過滞在者), each with only its own items and "
    "外国人住民となった年月日; a "
    "永住者 has no 在留期間. A Person may carry 旧氏 and its 振り仮名; a seal names the name it "
    "is registered in (氏名, 旧氏 or 通称) and carries the 旧氏 and 通称; a 附票 carries "
    "氏名の振り仮名 and 男女の別. An answer that does not fit is refused as garbage "
    '(BACKEND_UNAVAILABLE). A record\'s absence is a 404 with {"error": "NOT_FOUND"}.'
)


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
        f"{PREFIX}/health": {
            "get": {"summary": "Liveness", "responses": {"200": {"description": "up"}}}
        }
    }
    for kind in KINDS:
        paths[f"{PREFIX}/records/{kind}"] = {
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
                    "404": {
                        "description": "No such record (no seal, no tax data, no 戸籍), "
                        'with the body {"error": "NOT_FOUND"}; any other 404 is a fault',
                        "content": {"application/json": {"schema": NOT_FOUND}},
                    },
                },
            }
        }
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "kofu municipal server protocol",
            "version": VERSION,
            "description": "HTTPS with mutual TLS: the centre presents its client certificate, "
            "the server its server certificate, both issued by the LGWAN CA. Every call is a "
            "read and safe to retry. The centre gives each call timeout_seconds in all "
            "(connecting, TLS, sending and reading the whole answer, not per read), refuses "
            "an answer over max_answer_bytes unread past that size, and keeps connections "
            "alive (HTTP/1.1 keep-alive: up to keep_connections per centre process). "
            "Every query carries the request_id it serves (listings: a fresh one); an answer "
            "that does not echo it, the resident and the municipality is rejected as "
            "RECORD_MISMATCH and raises an alarm. After breaker_threshold consecutive failures "
            "the centre stops calling the server for breaker_cooldown_seconds, then lets one "
            "probe through. backend_settings: url, timeout_seconds, connect_timeout_seconds, "
            "retries, max_answer_bytes, keep_connections, breaker_threshold, "
            "breaker_cooldown_seconds. " + CHANGES,
        },
        "paths": paths,
    }
