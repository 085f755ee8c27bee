"""A keep-alive HTTPS server for a WSGI app that misbehaves on demand: trickles, dawdles, floods.

werkzeug's development server closes every connection after one answer; a real own server
(behind nginx or the like) keeps them open, and the centre's connection reuse is measured
against this one. ``connections`` counts the connections accepted, i.e. the TLS handshakes.
"""

from __future__ import annotations

import io
import threading
import time
from collections.abc import Callable, Iterable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from municipal_server.server import tls_context
from municipalities.tls import TlsFiles

FLOOD_CHUNK = b" " * (1024 * 1024)


class FaultyServer(ThreadingHTTPServer):
    """``mode``: "none"; "trickle" (each byte of the answer ``gap`` seconds after the last);
    "trickle-head" (the same from the status line on, so the headers never end in time);
    "slow" (the answer in four pieces, ``gap`` seconds apart); "huge" (``flood_bytes`` bytes
    of blanks after the answer, with no Content-Length)."""

    daemon_threads = True

    def __init__(self, app: Callable[..., Any], host: str, port: int, files: TlsFiles) -> None:
        super().__init__((host, port), _Handler)
        self.socket = tls_context(files).wrap_socket(self.socket, server_side=True)
        self.app, self.mode, self.gap, self.flood_bytes = app, "none", 0.0, 0
        self.connections = self.calls = 0
        self._count = threading.Lock()

    @property
    def url(self) -> str:
        return f"https://127.0.0.1:{self.server_address[1]}"

    def start(self) -> FaultyServer:
        threading.Thread(target=self.serve_forever, daemon=True, name="faulty-server").start()
        return self

    def counted(self, what: str) -> None:
        with self._count:
            setattr(self, what, getattr(self, what) + 1)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive
    disable_nagle_algorithm = True  # head and body are separate writes
    server: FaultyServer

    def setup(self) -> None:
        super().setup()
        self.server.counted("connections")

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def do_GET(self) -> None:
        self._serve()

    def do_POST(self) -> None:
        self._serve()

    def _serve(self) -> None:
        self.server.counted("calls")
        status, headers, body = self._call_app()
        mode, gap = self.server.mode, self.server.gap
        if mode == "trickle-head":
            self._trickle_head(status, headers, body, gap)
            return
        self.send_response(int(status.split()[0]))
        for name, value in headers:
            if name.lower() not in ("content-length", "connection"):
                self.send_header(name, value)
        if mode == "huge":
            self.send_header("Connection", "close")
            self.close_connection = True
        else:
            self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        try:
            for piece in _pieces(mode, body, gap, self.server.flood_bytes):
                self.wfile.write(piece)
                self.wfile.flush()
        except OSError:
            self.close_connection = True  # the caller gave up

    def _trickle_head(
        self, status: str, headers: list[tuple[str, str]], body: bytes, gap: float
    ) -> None:
        lines = [f"HTTP/1.1 {status}", *(f"{k}: {v}" for k, v in headers)]
        head = "\r\n".join([*lines, f"Content-Length: {len(body)}", "", ""]).encode()
        try:
            for piece in _pieces("trickle", head + body, gap, 0):
                self.wfile.write(piece)
                self.wfile.flush()
        except OSError:
            pass
        self.close_connection = True

    def _call_app(self) -> tuple[str, list[tuple[str, str]], bytes]:
        length = int(self.headers.get("Content-Length") or 0)
        environ = {
            "REQUEST_METHOD": self.command,
            "PATH_INFO": self.path.split("?", 1)[0],
            "QUERY_STRING": self.path.partition("?")[2],
            "CONTENT_TYPE": self.headers.get("Content-Type", ""),
            "CONTENT_LENGTH": str(length),
            "SERVER_NAME": "127.0.0.1",
            "SERVER_PORT": str(self.server.server_address[1]),
            "SERVER_PROTOCOL": self.request_version,
            "wsgi.input": io.BytesIO(self.rfile.read(length)),
            "wsgi.url_scheme": "https",
            "wsgi.errors": io.StringIO(),
            "wsgi.version": (1, 0),
            "wsgi.multithread": True,
            "wsgi.multiprocess": False,
            "wsgi.run_once": False,
        }
        for name, value in self.headers.items():
            environ[f"HTTP_{name.upper().replace('-', '_')}"] = value
        started: dict[str, Any] = {}
        chunks = self.server.app(environ, lambda s, h, *a: started.update(status=s, headers=h))
        return started["status"], started["headers"], b"".join(chunks)


def _pieces(mode: str, body: bytes, gap: float, flood_bytes: int) -> Iterable[bytes]:
    if mode == "trickle":
        for i in range(len(body)):
            time.sleep(gap)
            yield body[i : i + 1]
    elif mode == "slow":
        size = -(-len(body) // 4)
        for start in range(0, len(body), size):
            time.sleep(gap)
            yield body[start : start + size]
    else:
        yield body
        for _ in range(flood_bytes // len(FLOOD_CHUNK) if mode == "huge" else 0):
            yield FLOOD_CHUNK
