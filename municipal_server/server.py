"""`kofu municipal-server`: the reference implementation of the protocol (v2) over SQLite."""

from __future__ import annotations

import json
import ssl
import threading
from pathlib import Path
from typing import Any, cast

import structlog
from pydantic import TypeAdapter
from sqlalchemy import Engine, Table, create_engine, inspect
from sqlalchemy.orm import sessionmaker
from werkzeug.serving import BaseWSGIServer, make_server
from werkzeug.wrappers import Request, Response

from issuance.db import Base
from issuance.records import RecordQuery
from issuance.unit_of_work import SqlAlchemyUnitOfWork
from municipalities import bcl_records
from municipalities.bcl import BclBackend, BclHousehold, BclPerson
from municipalities.bcl_import import read_extract_file, replace_records, validate_extract
from municipalities.model import CertificateOffering, Municipality, MunicipalityClass
from municipalities.protocol import KINDS, PREFIX, protocol_document
from municipalities.tls import TlsFiles

log = structlog.stdlib.get_logger("kofu.municipal_server")
# Logged with the centre's X-Request-Id, so one kiosk call can be followed from the centre's
# lines into this server's. The path names a record kind, never a person (they are in the body).
REQUEST_ID_HEADER = "X-Request-Id"

TABLES = [
    Municipality.__table__,
    CertificateOffering.__table__,
    BclHousehold.__table__,
    BclPerson.__table__,
    bcl_records.BclSealRegistration.__table__,
    bcl_records.BclTaxAssessment.__table__,
    bcl_records.BclKoseki.__table__,
    bcl_records.BclKosekiMembership.__table__,
    bcl_records.BclFuhyo.__table__,
]


def _outdated(engine: Engine) -> list[Table]:
    """Tables written by an older layout (other columns or key): the server's database is a
    copy of its extract, so they are rebuilt and ``--load`` fills them again."""
    found = inspect(engine)
    names = set(found.get_table_names())
    return [
        table
        for table in cast(list[Table], TABLES)
        if table.name in names
        and (
            {c["name"] for c in found.get_columns(table.name)} != set(table.columns.keys())
            or set(found.get_pk_constraint(table.name)["constrained_columns"])
            != {c.name for c in table.primary_key.columns}
        )
    ]


def open_database(path: Path, municipality_code: str) -> Engine:
    """The server's own database (created if new) with its one municipality."""
    engine = create_engine(
        f"sqlite:///{path}", connect_args={"check_same_thread": False}, hide_parameters=True
    )
    Base.metadata.drop_all(engine, tables=_outdated(engine))
    Base.metadata.create_all(engine, tables=TABLES)  # type: ignore[arg-type]
    with SqlAlchemyUnitOfWork(sessionmaker(engine)) as uow:
        if uow.session.get(Municipality, municipality_code) is None:
            uow.session.add(
                Municipality(
                    code=municipality_code,
                    name=municipality_code,
                    prefecture="",
                    municipality_class=MunicipalityClass.CITY,
                    population=0,
                    mayor_title="",
                    mayor_name="",
                )
            )
            uow.commit()
    return engine


def load_extract(engine: Engine, municipality_code: str, path: Path) -> int:
    data = read_extract_file(path)
    extract = validate_extract({**data, "municipality_code": municipality_code})
    with SqlAlchemyUnitOfWork(sessionmaker(engine)) as uow:
        return replace_records(uow, extract).rows_written


def _answer(backend: BclBackend, uow: Any, kind: str, query: RecordQuery) -> Any:
    if kind == "household":
        return backend.household_of(uow, query.municipality_code, query.juminhyo_code)
    fetch = {
        "seal": backend.seal_registration,
        "tax": backend.tax_assessment,
        "koseki": backend.koseki,
        "fuhyo": backend.fuhyo,
    }[kind]
    answer = fetch(uow, query)
    return None if answer is None else answer.record


def _json(body: Any, status: int = 200) -> Response:
    return Response(json.dumps(body, ensure_ascii=False), status, mimetype="application/json")


def _records(engine: Engine, municipality_code: str, kind: str, request: Request) -> Response:
    body = request.get_json(silent=True) or {}
    if kind not in KINDS:
        return _json({"error": "UNKNOWN_PATH"}, 404)
    if body.get("municipality_code") != municipality_code:
        return _json({"error": "NOT_FOUND"}, 404)
    query = RecordQuery(
        str(body.get("request_id", "")),
        municipality_code,
        str(body.get("juminhyo_code", "")),
        body.get("tax_year"),
    )
    with SqlAlchemyUnitOfWork(sessionmaker(engine, expire_on_commit=False)) as uow:
        record = _answer(BclBackend(), uow, kind, query)
    if record is None:
        return _json({"error": "NOT_FOUND"}, 404)
    return _json(
        {
            "request_id": query.request_id,
            "municipality_code": municipality_code,
            "juminhyo_code": query.juminhyo_code,
            "record": TypeAdapter(KINDS[kind]).dump_python(record, mode="json"),
        }
    )


def create_reference_app(engine: Engine, municipality_code: str) -> Any:
    """A plain WSGI application (werkzeug) serving the protocol for one municipality."""

    @Request.application  # type: ignore[arg-type]
    def app(request: Request) -> Response:
        response = _route(engine, municipality_code, request)
        request_id = request.headers.get(REQUEST_ID_HEADER)
        if request_id:
            response.headers[REQUEST_ID_HEADER] = request_id
        log.info(
            "protocol_request",
            request_id=request_id,
            method=request.method,
            path=request.path,
            status=response.status_code,
        )
        return response

    return app


def _route(engine: Engine, municipality_code: str, request: Request) -> Response:
    if request.method == "GET" and request.path == f"{PREFIX}/health":
        return _json({"status": "ok", "municipality_code": municipality_code})
    if request.method == "GET" and request.path == "/openapi.json":
        return _json(protocol_document())
    if request.method == "POST" and request.path.startswith(f"{PREFIX}/records/"):
        return _records(engine, municipality_code, request.path.rsplit("/", 1)[1], request)
    return _json({"error": "UNKNOWN_PATH"}, 404)  # not NOT_FOUND: no record was looked up


def tls_context(files: TlsFiles) -> ssl.SSLContext:
    """Server side of mutual TLS: the centre must present a certificate from the same CA."""
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    context.load_cert_chain(str(files.cert), str(files.key))
    context.load_verify_locations(str(files.ca))
    context.verify_mode = ssl.CERT_REQUIRED
    return context


def start_server(app: Any, host: str, port: int, files: TlsFiles) -> BaseWSGIServer:
    """A threaded HTTPS server in a background thread; call ``shutdown()`` to stop it."""
    server = make_server(host, port, app, threaded=True, ssl_context=tls_context(files))
    threading.Thread(target=server.serve_forever, daemon=True, name="municipal-server").start()
    return server
