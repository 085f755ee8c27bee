"""The virtual card as a vpcd client: answers vsmartcard's virtual reader over TCP."""

from __future__ import annotations

import argparse
import logging
import socket
import struct
import threading
import time
from pathlib import Path
from typing import Protocol

from kiosk_terminal.virtual_phone import load_credential

VPCD_DEFAULT_PORT = 0x8C7B  # 35963, the port of Debian's /etc/reader.conf.d/vpcd
POWER_OFF, POWER_ON, RESET, GET_ATR = 0x00, 0x01, 0x02, 0x04
# A plausible ISO 14443-4 contactless ATR (the card's own is not what the driver checks).
DEFAULT_ATR = bytes.fromhex("3B8880014A504B4931303030A9")

log = logging.getLogger(__name__)


class Card(Protocol):
    def transmit(self, apdu: bytes) -> bytes: ...

    def reset(self) -> None: ...


def _receive_exactly(connection: socket.socket, size: int) -> bytes | None:
    buffer = bytearray()
    while len(buffer) < size:
        _quickack(connection)
        chunk = connection.recv(size - len(buffer))
        if not chunk:
            return None
        buffer += chunk
    return bytes(buffer)


def _quickack(connection: socket.socket) -> None:
    """Linux turns quick ACKs off again after a while: without this every APDU waits ~40 ms."""
    quickack = getattr(socket, "TCP_QUICKACK", None)
    if quickack is not None:
        connection.setsockopt(socket.IPPROTO_TCP, quickack, 1)


def answer(card: Card, message: bytes, atr: bytes = DEFAULT_ATR) -> bytes | None:
    """vpcd's protocol: 1-byte control messages, anything longer is an APDU."""
    if len(message) == 1:
        if message[0] in (POWER_OFF, POWER_ON, RESET):
            card.reset()
            return None
        if message[0] == GET_ATR:
            return atr
        return None
    return card.transmit(message)


def serve_connection(connection: socket.socket, card: Card, stop: threading.Event) -> None:
    """Answer vpcd until it hangs up or ``stop`` is set (then the card leaves the reader)."""
    connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    connection.settimeout(0.2)
    while not stop.is_set():
        try:
            header = _receive_exactly(connection, 2)
        except TimeoutError:
            continue
        if header is None:
            return
        connection.settimeout(None)
        message = _receive_exactly(connection, struct.unpack(">H", header)[0])
        connection.settimeout(0.2)
        if message is None:
            return
        reply = answer(card, message)
        if reply is not None:
            connection.sendall(struct.pack(">H", len(reply)) + reply)


class VirtualCardInReader:
    """Puts a card in vpcd's reader on a thread; ``remove()`` takes it out again."""

    def __init__(self, card: Card, host: str = "127.0.0.1", port: int = VPCD_DEFAULT_PORT):
        self.card, self.host, self.port = card, host, port
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def insert(self) -> None:
        self._stop.clear()
        self._thread = threading.Thread(target=self._run, name="vicc", daemon=True)
        self._thread.start()

    def remove(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=5)

    def _run(self) -> None:
        """Reconnect whenever vpcd goes away (pcscd restarted): the card stays 'inserted'."""
        while not self._stop.is_set():
            try:
                with socket.create_connection((self.host, self.port), timeout=1) as connection:
                    log.info("virtual card connected to vpcd at %s:%s", self.host, self.port)
                    serve_connection(connection, self.card, self._stop)
            except OSError:
                pass
            self._stop.wait(0.3)


def main(argv: list[str] | None = None) -> None:
    """`python -m kiosk_terminal.vicc FILE.json [--port N]`: a card (or a phone held to the
    reader) until killed."""
    parser = argparse.ArgumentParser(description=main.__doc__)
    parser.add_argument("card", type=Path)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=VPCD_DEFAULT_PORT)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO)
    reader = VirtualCardInReader(load_credential(args.card), args.host, args.port)
    reader.insert()
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        reader.remove()


if __name__ == "__main__":
    main()
