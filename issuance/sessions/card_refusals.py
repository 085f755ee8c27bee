"""The refusals of the centre's card check: stable codes with Japanese and English messages."""

from __future__ import annotations

from issuance.errors import CardAuthError

_MESSAGES: dict[str, tuple[str, str]] = {
    "CERT_MALFORMED": (
        "カードの電子証明書を読み取れませんでした。窓口でお問い合わせください。",
        "The card's certificate could not be read. Please ask at the counter.",
    ),
    "CERT_UNTRUSTED": (
        "カードの電子証明書が公的個人認証サービスのものと確認できませんでした。"
        "窓口でお問い合わせください。",
        "The card's certificate was not issued by the JPKI. Please ask at the counter.",
    ),
    "CERT_EXPIRED": (
        "カードの電子証明書は有効期限が切れており、有効ではありません。窓口でお問い合わせください。",
        "The card's certificate is no longer valid (it has expired); please ask at the counter.",
    ),
    "CERT_NOT_YET_VALID": (
        "カードの電子証明書はまだ有効になっていません。発行・更新の翌日からご利用いただけます。",
        "The card's certificate is not valid yet; it can be used from the day after it was "
        "issued or renewed.",
    ),
    "CERT_REVOKED": (
        "カードの電子証明書は失効しており、有効ではありません。窓口でお問い合わせください。",
        "The card's certificate is no longer valid (it has been revoked); "
        "please ask at the counter.",
    ),
    "REVOCATION_UNAVAILABLE": (
        "現在、電子証明書の失効確認ができません。時間をおいてお試しいただくか、"
        "窓口でお問い合わせください。",
        "The certificate's revocation status cannot be checked right now. "
        "Please try again later or ask at the counter.",
    ),
    "SIGNATURE_INVALID": (
        "カードの署名を確認できませんでした。カードを置き直してもう一度お試しください。",
        "The card's signature could not be verified. Please place the card again and retry.",
    ),
    # The two below mean the kiosk did not sign as the card's generation requires (a kiosk
    # program not yet updated for the next-generation card): the resident cannot fix it.
    "SIGNATURE_SCHEME_MISMATCH": (
        "この端末ではお持ちのカードの署名を確認できませんでした。"
        "係員にお知らせいただくか、窓口でお問い合わせください。",
        "This kiosk could not check your card's signature (the signature is not of the kind "
        "your card makes). Please tell a member of staff or ask at the counter.",
    ),
    "SIGNATURE_DIGEST_MISMATCH": (
        "この端末ではお持ちのカードの署名を確認できませんでした。"
        "係員にお知らせいただくか、窓口でお問い合わせください。",
        "This kiosk could not check your card's signature (it was made over the wrong kind of "
        "digest for your card). Please tell a member of staff or ask at the counter.",
    ),
}


def card_refusal(code: str) -> CardAuthError:
    """The CardAuthError for ``code``, with its messages (KeyError for an unknown code)."""
    message_ja, message_en = _MESSAGES[code]
    return CardAuthError(code=code, message_ja=message_ja, message_en=message_en)
