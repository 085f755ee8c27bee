"""Where the card sits: presence states, card failures, and an in-process slot for tests."""

from __future__ import annotations

import enum
import threading
from typing import Protocol

from kiosk_terminal.jpki import CardError
from kiosk_terminal.virtual_card import VirtualCard


class CardPresence(enum.Enum):
    NO_READER = "no_reader"
    NO_CARD = "no_card"
    PRESENT = "present"


class NoReaderError(CardError):
    code = "NO_READER"
    message_ja = "カードリーダーが使えません。しばらくお待ちいただくか、係員をお呼びください。"
    message_en = "The card reader is not available. Please wait a moment or call a member of staff."


class NoCardError(CardError):
    code = "NO_CARD"
    message_ja = "カードが置かれていません。マイナンバーカードを置いてください。"
    message_en = "No card is in the reader. Please place your My Number Card."


class CardRemovedError(CardError):
    code = "CARD_REMOVED"
    message_ja = "カードが取り外されました。もう一度カードを置いて、最初からやり直してください。"
    message_en = "The card was removed. Please place it again and start over."


class Connection(Protocol):
    def transmit(self, apdu: bytes) -> bytes: ...

    def close(self) -> None: ...


class CardSlot(Protocol):
    """A card reader as the terminal sees it (PC/SC in production, in-process in tests)."""

    def presence(self) -> tuple[CardPresence, str | None]: ...

    def connect(self) -> Connection: ...


class VirtualSlot:
    """A reader holding a virtual card in-process; tests insert, remove and unplug it."""

    def __init__(self, card: VirtualCard | None = None) -> None:
        self.card = card
        self.plugged = True
        self._generation = 0
        self._lock = threading.Lock()

    def insert(self, card: VirtualCard) -> None:
        with self._lock:
            self.card, self._generation = card, self._generation + 1

    def remove(self) -> None:
        with self._lock:
            self.card, self._generation = None, self._generation + 1

    def presence(self) -> tuple[CardPresence, str | None]:
        if not self.plugged:
            return CardPresence.NO_READER, None
        return (CardPresence.PRESENT if self.card else CardPresence.NO_CARD), "virtual"

    def connect(self) -> Connection:
        presence, _ = self.presence()
        if presence is CardPresence.NO_READER:
            raise NoReaderError()
        if self.card is None:
            raise NoCardError()
        self.card.reset()
        return _VirtualConnection(self, self.card, self._generation)


class _VirtualConnection:
    def __init__(self, slot: VirtualSlot, card: VirtualCard, generation: int) -> None:
        self._slot, self._card, self._generation = slot, card, generation

    def transmit(self, apdu: bytes) -> bytes:
        if not self._slot.plugged:
            raise NoReaderError()
        if self._slot._generation != self._generation:
            raise CardRemovedError()
        return self._card.transmit(apdu)

    def close(self) -> None:
        self._card.reset()
