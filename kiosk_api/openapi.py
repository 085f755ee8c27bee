"""Routes declare their bodies once; the same models validate requests and build /openapi.json."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from flask import request
from pydantic import BaseModel, ValidationError

from kiosk_api.errors import ApiError, invalid_request
from kiosk_api.limits import read_body
from kiosk_api.schemas import ErrorOut

# Session and request ids are 32 hex digits; anything outside this names nothing, and must
# not reach the database (PostgreSQL refuses a NUL byte with an error, not an empty result).
PATH_ID_PATTERN = r"^[A-Za-z0-9_-]{1,64}$"


def path_parameters(path: str) -> list[dict[str, Any]]:
    """Every ``{name}`` of a path, declared: clients and fuzzers know what an id looks like."""
    return [
        {
            "name": name,
            "in": "path",
            "required": True,
            "schema": {"type": "string", "pattern": PATH_ID_PATTERN, "maxLength": 64},
        }
        for name in re.findall(r"\{(\w+)\}", path)
    ]


@dataclass
class Operation:
    method: str
    path: str
    summary: str
    body: type[BaseModel] | None
    response: type[BaseModel] | None
    status: int
    errors: tuple[str, ...]
    content_type: str = "application/json"
    query: type[BaseModel] | None = None
    body_type: str = "application/json"  # or e.g. application/pdf: the body as bytes
    public: bool = False  # no kiosk credential


@dataclass
class ApiSpec:
    title: str
    version: str
    operations: list[Operation] = field(default_factory=list)

    def route(
        self,
        method: str,
        path: str,
        summary: str,
        *,
        body: type[BaseModel] | None = None,
        response: type[BaseModel] | None = None,
        status: int = 200,
        errors: tuple[str, ...] = (),
        content_type: str = "application/json",
        query: type[BaseModel] | None = None,
        body_type: str = "application/json",
        public: bool = False,
    ) -> Callable:
        self.operations.append(
            Operation(
                method,
                path,
                summary,
                body,
                response,
                status,
                errors,
                content_type,
                query,
                body_type,
                public,
            )
        )
        return lambda view: view

    def document(self) -> dict[str, Any]:
        paths: dict[str, dict[str, Any]] = {}
        schemas: dict[str, Any] = {
            "Error": ErrorOut.model_json_schema(ref_template="#/components/schemas/{model}")
        }
        for op in self.operations:
            entry: dict[str, Any] = {"summary": op.summary, "responses": {}}
            if op.public:
                entry["security"] = []
            if op.body is None and op.body_type != "application/json":
                entry["requestBody"] = {
                    "required": True,
                    "content": {op.body_type: {"schema": {"type": "string", "format": "binary"}}},
                }
            if op.body is not None:
                schemas[op.body.__name__] = op.body.model_json_schema(
                    ref_template="#/components/schemas/{model}"
                )
                entry["requestBody"] = {
                    "required": True,
                    "content": {
                        "application/json": {
                            "schema": {"$ref": f"#/components/schemas/{op.body.__name__}"}
                        }
                    },
                }
            entry["parameters"] = path_parameters(op.path)
            if op.query is not None:
                query = op.query.model_json_schema()
                entry["parameters"] += [
                    {
                        "name": name,
                        "in": "query",
                        "required": name in query.get("required", ()),
                        "schema": prop,
                        "description": prop.get("description", ""),
                    }
                    for name, prop in query["properties"].items()
                ]
            ok: dict[str, Any] = {"description": "OK"}
            if op.response is not None:
                schemas[op.response.__name__] = op.response.model_json_schema(
                    ref_template="#/components/schemas/{model}"
                )
                ok["content"] = {
                    op.content_type: {
                        "schema": {"$ref": f"#/components/schemas/{op.response.__name__}"}
                    }
                }
            elif op.content_type != "application/json":
                ok["content"] = {
                    op.content_type: {"schema": {"type": "string", "format": "binary"}}
                }
            entry["responses"][str(op.status)] = ok
            if op.errors:
                entry["responses"]["4XX"] = {
                    "description": "Error codes: " + ", ".join(op.errors),
                    "content": {
                        "application/json": {"schema": {"$ref": "#/components/schemas/Error"}}
                    },
                }
            paths.setdefault(op.path, {})[op.method.lower()] = entry
        for schema in list(schemas.values()):
            for name, sub in schema.pop("$defs", {}).items():
                schemas.setdefault(name, sub)
        return {
            "openapi": "3.1.0",
            "info": {"title": self.title, "version": self.version},
            "components": {
                "schemas": schemas,
                "securitySchemes": {
                    "kiosk": {
                        "type": "http",
                        "scheme": "bearer",
                        "description": "KIOSK_ID.SECRET issued per kiosk",
                    }
                },
            },
            "security": [{"kiosk": []}],
            "paths": paths,
        }


M = TypeVar("M", bound=BaseModel)


def parse_body(model: type[M]) -> M:
    """Validate the JSON body against ``model``; every failure is a stable 4xx code."""
    if not request.is_json:
        raise ApiError(
            "UNSUPPORTED_MEDIA_TYPE",
            "JSONで送信してください。",
            "Send the body as application/json.",
        )
    raw = read_body()
    try:
        return model.model_validate_json(raw)
    except ValidationError as exc:
        if any(e["type"] == "json_invalid" for e in exc.errors()):
            raise ApiError(
                "MALFORMED_JSON", "JSONの形式が正しくありません。", "The body is not valid JSON."
            ) from exc
        raise invalid_request(exc) from exc


def parse_query(model: type[M]) -> M:
    """Validate the query string against ``model``, with the same error codes as bodies."""
    try:
        return model.model_validate(request.args.to_dict())
    except ValidationError as exc:
        raise invalid_request(exc) from exc
