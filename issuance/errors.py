"""The base of every domain error: a stable code and a message in Japanese and English."""

from __future__ import annotations


class KofuError(Exception):
    """A refusal or failure the kiosk can show. Subclasses set ``code`` and both messages.

    ``code`` is stable (kiosk vendors key their screens on it); the messages are for people.
    """

    code: str = "INTERNAL_ERROR"
    message_ja: str = "処理できませんでした。窓口でお問い合わせください。"
    message_en: str = "The request could not be processed. Please ask at the counter."

    def __init__(
        self,
        code: str | None = None,
        message_ja: str | None = None,
        message_en: str | None = None,
        **details: object,
    ) -> None:
        if code is not None:
            self.code = code
        if message_ja is not None:
            self.message_ja = message_ja
        if message_en is not None:
            self.message_en = message_en
        self.details = details
        super().__init__(f"{self.code}: {self.message_en}")

    def as_dict(self) -> dict[str, object]:
        body: dict[str, object] = {
            "code": self.code,
            "message": {"ja": self.message_ja, "en": self.message_en},
        }
        if self.details:
            body["details"] = self.details
        return body


class CardAuthError(KofuError):
    """The card's certificate or signature was not accepted."""

    code = "CARD_AUTH_FAILED"
    message_ja = "カードを確認できませんでした。窓口でお問い合わせください。"
    message_en = "The card could not be verified. Please ask at the counter."
