"""A PC/SC card transport over pyscard: reader discovery, card presence and every failure."""

from __future__ import annotations

import threading

from smartcard import scard

from kiosk_terminal.card_slot import CardPresence, CardRemovedError, NoCardError, NoReaderError
from kiosk_terminal.jpki import CardError

SW1_MORE_DATA = 0x61
SW1_WRONG_LE = 0x6C
# pcscd went away (stopped, restarted) or the handle is from a daemon that no longer exists.
_SERVICE_GONE = {
    scard.SCARD_E_NO_SERVICE,
    scard.SCARD_E_SERVICE_STOPPED,
    scard.SCARD_E_INVALID_HANDLE,
    scard.SCARD_F_COMM_ERROR,
    scard.SCARD_E_NO_READERS_AVAILABLE,
}
_READER_GONE = {scard.SCARD_E_READER_UNAVAILABLE, scard.SCARD_E_UNKNOWN_READER}
# A card pulled away in the middle of an APDU fails the transfer before pcscd notices it left.
_CARD_GONE = {
    scard.SCARD_W_REMOVED_CARD,
    scard.SCARD_E_NO_SMARTCARD,
    scard.SCARD_W_RESET_CARD,
    scard.SCARD_E_NOT_TRANSACTED,
    scard.SCARD_W_UNPOWERED_CARD,
    scard.SCARD_W_UNRESPONSIVE_CARD,
}


def _check(result: int, operation: str) -> None:
    if result == scard.SCARD_S_SUCCESS:
        return
    detail = f"{operation}: {scard.SCardGetErrorMessage(result)}"
    if result in _CARD_GONE:
        raise CardRemovedError(detail)
    if result in _SERVICE_GONE or result in _READER_GONE:
        raise NoReaderError(detail)
    raise CardError(detail)


class PcscReader:
    """One reader (the named one, or the first with a card); recovers when pcscd comes back."""

    def __init__(self, reader_name: str | None = None) -> None:
        self.reader_name = reader_name
        self._context: int | None = None
        self._lock = threading.Lock()
        self._current: PcscTransport | None = None

    def readers(self) -> list[str]:
        """Reader names now; a dead context (pcscd restarted) is dropped and made again."""
        with self._lock:
            for _ in range(2):
                if self._context is None:
                    result, context = scard.SCardEstablishContext(scard.SCARD_SCOPE_USER)
                    if result != scard.SCARD_S_SUCCESS:
                        return []
                    self._context = context
                result, names = scard.SCardListReaders(self._context, [])
                if result == scard.SCARD_S_SUCCESS:
                    return [n for n in names if self._wanted(n)]
                if result == scard.SCARD_E_NO_READERS_AVAILABLE:
                    return []
                self._release_context()
            return []

    def _wanted(self, name: str) -> bool:
        return self.reader_name is None or name.startswith(self.reader_name)

    def _release_context(self) -> None:
        if self._context is not None:
            scard.SCardReleaseContext(self._context)
            self._context = None

    def presence(self) -> tuple[CardPresence, str | None]:
        """Whether a reader is there and holds a card, and which reader it is."""
        names = self.readers()
        if not names:
            return CardPresence.NO_READER, None
        with self._lock:
            if self._context is None:
                return CardPresence.NO_READER, None
            states = [(name, scard.SCARD_STATE_UNAWARE) for name in names]
            result, states = scard.SCardGetStatusChange(self._context, 0, states)
        if result not in (scard.SCARD_S_SUCCESS, scard.SCARD_E_TIMEOUT):
            self.close()
            return CardPresence.NO_READER, None
        for name, event, _atr in states:
            if event & scard.SCARD_STATE_PRESENT and not event & scard.SCARD_STATE_MUTE:
                return CardPresence.PRESENT, name
        return CardPresence.NO_CARD, names[0]

    def connect(self) -> PcscTransport:
        """A transport to the card now in the reader; raises NoReader/NoCard otherwise."""
        presence, name = self.presence()
        if presence is CardPresence.NO_READER:
            raise NoReaderError()
        if presence is CardPresence.NO_CARD or name is None:
            raise NoCardError()
        if self._current is not None:  # one card session at a time: a stale handle would block
            self._current.close()
            self._current = None
        with self._lock:
            result, handle, protocol = scard.SCardConnect(
                self._context,
                name,
                scard.SCARD_SHARE_EXCLUSIVE,
                scard.SCARD_PROTOCOL_T0 | scard.SCARD_PROTOCOL_T1,
            )
        if result in _SERVICE_GONE:
            self.close()
        _check(result, "SCardConnect")
        self._current = PcscTransport(handle, protocol)
        return self._current

    def close(self) -> None:
        if self._current is not None:
            self._current.close()
            self._current = None
        with self._lock:
            self._release_context()


class PcscTransport:
    """`transmit(apdu) -> data + SW1 SW2`, with 61xx GET RESPONSE and 6Cxx handled here."""

    def __init__(self, handle: int, protocol: int) -> None:
        self._handle = handle
        self._protocol = protocol

    def transmit(self, apdu: bytes) -> bytes:
        data, sw1, sw2 = self._raw(apdu)
        if sw1 == SW1_WRONG_LE:
            data, sw1, sw2 = self._raw(apdu[:-1] + bytes([sw2]) if len(apdu) > 4 else apdu)
        collected = bytearray(data)
        while sw1 == SW1_MORE_DATA:
            data, sw1, sw2 = self._raw(bytes([apdu[0] & 0x03, 0xC0, 0x00, 0x00, sw2]))
            collected += data
        return bytes(collected) + bytes([sw1, sw2])

    def _raw(self, apdu: bytes) -> tuple[bytes, int, int]:
        result, response = scard.SCardTransmit(self._handle, self._protocol, list(apdu))
        _check(result, "SCardTransmit")
        if len(response) < 2:
            raise CardError("the card's answer had no status word")
        return bytes(response[:-2]), response[-2], response[-1]

    def close(self) -> None:
        """Disconnect and reset the card, so no PIN-verified state outlives the session."""
        scard.SCardDisconnect(self._handle, scard.SCARD_RESET_CARD)
