"""What the screens say: certificate names, and for every refusal code why and what to do."""

from __future__ import annotations

from dataclasses import dataclass, replace

from kiosk_terminal.card_slot import CardRemovedError, NoReaderError
from kiosk_terminal.jpki import CardError, NotMyNumberCardError, PinLockedError

# (code, Japanese, English); the centre's menu decides which are available to this resident.
CERTIFICATES: list[tuple[str, str, str]] = [
    ("juminhyo", "住民票の写し", "Certificate of residence"),
    ("juminhyo_kisai", "住民票記載事項証明書", "Certificate of resident record items"),
    ("inkan", "印鑑登録証明書", "Seal registration certificate"),
    ("kazei", "課税証明書", "Tax certificate"),
    ("shotoku", "所得証明書", "Income certificate"),
    ("koseki_zenbu", "戸籍全部事項証明書", "Family register (all entries)"),
    ("koseki_kojin", "戸籍個人事項証明書", "Family register (one person)"),
    ("koseki_fuhyo", "戸籍の附票の写し", "Family register address history"),
]

COUNTER = ("市区町村の窓口へお越しください。", "Please go to your municipal office counter.")
LATER = ("時間をおいて、もう一度お試しください。", "Please try again a little later.")
STAFF = ("係員をお呼びください。", "Please call a member of staff.")
AGAIN = (
    "カードを置き直すかスマートフォンをかざし直して、最初からやり直してください。",
    "Place your card or hold your phone to the reader again, and start over.",
)
SAID = ("", "")  # the centre's message already says what to do
TOMORROW = ("明日以降にもう一度ご利用ください。", "Please use the kiosk again from tomorrow.")
HOURS = ("利用時間内にもう一度お越しください。", "Please come back during service hours.")
NO_CHARGE = ("料金はかかりません。", "You have not been charged.")

# code -> what to do next (the "why" comes from the centre or the card error).
NEXT_STEP: dict[str, tuple[str, str]] = {
    "DV_PROTECTED": COUNTER,
    "DECEASED": COUNTER,
    "MOVED_ABROAD": COUNTER,
    "MOVING_OUT": COUNTER,
    "HOUSEHOLD_MEMBER_MOVING_OUT": COUNTER,
    "MOVED_IN_TODAY": TOMORROW,
    "UNDER_15": COUNTER,
    "OUT_OF_HOURS": HOURS,
    "MAINTENANCE": LATER,
    "BACKEND_UNAVAILABLE": LATER,
    "RATE_LIMITED": LATER,
    "CARD_NOT_YET_USABLE": TOMORROW,
    "USE_REGISTRATION_PENDING": LATER,
    "NO_TAX_DATA_YET": LATER,
    "CARD_AUTH_FAILED": COUNTER,
    "CERT_REVOKED": COUNTER,  # the centre's codes for the card's certificate
    "CERT_EXPIRED": COUNTER,
    "CARD_NOT_LINKED": COUNTER,
    "REVOCATION_UNAVAILABLE": LATER,
    "SIGNATURE_SCHEME_MISMATCH": STAFF,  # this kiosk does not sign as the card's generation
    "SIGNATURE_DIGEST_MISMATCH": STAFF,
    "PIN_LOCKED": COUNTER,
    # a phone held to the reader (スマホ用電子証明書): the centre's codes, and Face ID's
    "PHONE_CERT_REVOKED": SAID,
    "PHONE_CARD_REISSUED": SAID,
    "PHONE_CARD_REVOKED": COUNTER,
    "PHONE_CERT_EXPIRED": SAID,
    "PHONE_CERT_UNTRUSTED": COUNTER,
    "AUTH_METHOD_MISMATCH": AGAIN,
    "BIOMETRIC_FAILED": (
        "iPhoneの画面を見て、もう一度お試しください。",
        "Look at your iPhone's screen and try again.",
    ),
    "NOT_A_MYNUMBER_CARD": AGAIN,
    "CARD_REMOVED": AGAIN,
    "PHONE_REMOVED": AGAIN,
    "CARD_ERROR": AGAIN,
    "CARD_STATUS": AGAIN,
    "NO_READER": STAFF,
    "KIOSK_UNAUTHORIZED": STAFF,
    "HTTP_ERROR": STAFF,
    "CENTRE_UNREACHABLE": STAFF,
    "PRINT_FAILED": (NO_CHARGE[0] + STAFF[0], NO_CHARGE[1] + " " + STAFF[1]),
    # The municipality's records disagree with the national index: the why already sends
    # the resident to the counter; say that nothing was charged.
    "RECORDS_OUT_OF_SYNC": NO_CHARGE,
    "SESSION_INVALID": AGAIN,
    "SESSION_EXPIRED": AGAIN,
    "DOCUMENT_EXPIRED": AGAIN,
    # PIN reset: the centre's and the card's messages already say what to do.
    "NO_RESET_RESERVATION": ("", ""),
    "RESET_RESERVATION_EXPIRED": ("", ""),
    "RESET_RESERVATION_USED": ("", ""),
    "RESET_RESERVATION_NOT_FOUND": AGAIN,
    "SIGNATURE_PIN_LOCKED": COUNTER,
    "NO_SIGNATURE_CERTIFICATE": COUNTER,
    "NEW_PIN_MISMATCH": (
        "もう一度、同じ暗証番号を2回入力してください。",
        "Please enter the same PIN twice.",
    ),
    "NO_MEMBER_CHOSEN": (
        "記載する方を1人以上選んでください。",
        "Please choose at least one person.",
    ),
    "ONE_MEMBER_ONLY": (
        "附票は1人ずつ発行します。お1人を選んでください。",
        "A 附票 is issued for one person at a time: please choose one.",
    ),
}

WHY: dict[str, tuple[str, str]] = {
    "PRINT_FAILED": ("印刷できませんでした。", "The document could not be printed."),
    "NEW_PIN_MISMATCH": (
        "1回目と2回目の暗証番号が一致しません。",
        "The two PINs entered are not the same.",
    ),
    "NO_MEMBER_CHOSEN": ("どなたも選ばれていません。", "Nobody is chosen."),
    "ONE_MEMBER_ONLY": ("2人以上が選ばれています。", "More than one person is chosen."),
    "PIN_LOCKED": (PinLockedError.message_ja, PinLockedError.message_en),
    "NO_READER": (NoReaderError.message_ja, NoReaderError.message_en),
    "CARD_REMOVED": (CardRemovedError.message_ja, CardRemovedError.message_en),
    "PHONE_REMOVED": (
        "スマートフォンがカードリーダーから離れました。",
        "The phone was taken away from the reader.",
    ),
    "NOT_A_MYNUMBER_CARD": (NotMyNumberCardError.message_ja, NotMyNumberCardError.message_en),
    "CENTRE_UNREACHABLE": (
        "証明書交付センターに接続できません。",
        "The certificate centre cannot be reached.",
    ),
}


@dataclass(frozen=True)
class Notice:
    """A refusal on screen: its stable code, why, and what to do, in both languages."""

    code: str
    why_ja: str
    why_en: str
    todo_ja: str
    todo_en: str


def notice_for(
    code: str,
    error: CardError | Exception | None = None,
    why_ja: str | None = None,
    why_en: str | None = None,
) -> Notice:
    """The notice for ``code``; an unknown code still says why and sends to the counter."""
    default_ja, default_en = WHY.get(code, ("証明書を交付できませんでした。", "No certificate."))
    why_ja = why_ja or getattr(error, "message_ja", None) or default_ja
    why_en = why_en or getattr(error, "message_en", None) or default_en
    todo_ja, todo_en = NEXT_STEP.get(code, COUNTER)
    if todo_ja in why_ja or (todo_ja == COUNTER[0] and "窓口" in why_ja):  # already said
        todo_ja, todo_en = "", ""
    return Notice(code, why_ja, why_en, todo_ja, todo_en)


def uncharged(notice: Notice) -> Notice:
    """``notice`` for a resident who had accepted the fee: it also says nothing was charged.

    Whatever refuses an issuance before its print is confirmed (a refusal, a check the centre
    made again mid-session, a failed print) leaves it uncharged: the centre charges a print
    only once the kiosk confirms it.
    """
    if NO_CHARGE[0] in notice.todo_ja:
        return notice
    return replace(
        notice,
        todo_ja=NO_CHARGE[0] + notice.todo_ja,
        todo_en=f"{NO_CHARGE[1]} {notice.todo_en}".strip(),
    )
