"""Every reason the kiosk must refuse, with its stable code and what to tell the resident."""

from __future__ import annotations

from issuance.errors import KofuError

COUNTER_JA = "市区町村の窓口でお手続きください。"
COUNTER_EN = "Please apply at the municipal office counter."

# code -> (Japanese, English). Codes are stable: kiosk vendors key their screens on them.
REFUSALS: dict[str, tuple[str, str]] = {
    "DV_PROTECTED": (
        "この証明書はキオスク端末では交付できません。" + COUNTER_JA,
        "This certificate cannot be issued at a kiosk. " + COUNTER_EN,
    ),
    "DECEASED": (
        "この方の証明書は交付できません。" + COUNTER_JA,
        "No certificate can be issued. " + COUNTER_EN,
    ),
    "MOVED_ABROAD": (
        "国外転出されているため住民票はありません。本籍地の証明書のみ交付できます。",
        "You have moved abroad, so you have no resident record; "
        "only 本籍地 certificates can be issued.",
    ),
    "MOVING_OUT": (
        "転出の届出がされているため交付できません。" + COUNTER_JA,
        "A moving-out notification has been filed. " + COUNTER_EN,
    ),
    "HOUSEHOLD_MEMBER_MOVING_OUT": (
        "世帯に転出の届出をされた方がいるため交付できません。" + COUNTER_JA,
        "A member of the household has filed a moving-out notification. " + COUNTER_EN,
    ),
    "MOVED_IN_TODAY": (
        "転入の届出をされた当日は交付できません。明日以降にご利用ください。",
        "Not available on the day of moving in. Please use the kiosk from tomorrow.",
    ),
    "UNDER_15": (
        "15歳未満の方はご利用になれません。" + COUNTER_JA,
        "Residents under 15 cannot use the kiosk service. " + COUNTER_EN,
    ),
    "OUT_OF_HOURS": (
        "ただいまの時間はこの証明書を交付できません。利用時間内にお越しください。",
        "This certificate is not available at this time. Please come back during service hours.",
    ),
    "NOT_OFFERED": (
        "お住まいの市区町村はこの証明書をキオスク端末で交付していません。" + COUNTER_JA,
        "Your municipality does not issue this certificate at kiosks. " + COUNTER_EN,
    ),
    "NOT_YET_SUPPORTED": (
        "この証明書は現在キオスク端末で交付できません。" + COUNTER_JA,
        "This certificate is not yet available at kiosks. " + COUNTER_EN,
    ),
    "MUNICIPALITY_NOT_PARTICIPATING": (
        "お住まいの市区町村はコンビニ交付を実施していません。" + COUNTER_JA,
        "Your municipality does not take part in kiosk issuance. " + COUNTER_EN,
    ),
    "MUNICIPALITY_SUSPENDED": (
        "お住まいの市区町村のコンビニ交付は、ただいま休止しています。" + COUNTER_JA,
        "Your municipality's kiosk service is suspended for now. " + COUNTER_EN,
    ),
    "NO_RECORD": (
        "住民票の記録が見つかりません。" + COUNTER_JA,
        "No resident record was found. " + COUNTER_EN,
    ),
    "CARD_NOT_LINKED": (
        "このカードは利用登録されていません。" + COUNTER_JA,
        "This card is not registered for the service. " + COUNTER_EN,
    ),
    "CARD_NOT_YET_USABLE": (
        "カードの交付・暗証番号の変更・転入の当日はご利用になれません。明日以降にご利用ください。",
        "The card cannot be used on the day it was issued, its PIN changed or you moved in. "
        "Please use it from tomorrow.",
    ),
    "MEMBER_NOT_IN_HOUSEHOLD": (
        "選択された方は同じ世帯にいません。",
        "A chosen person is not a member of your household.",
    ),
    "RECORD_MISMATCH": (
        "証明書を作成できませんでした。" + COUNTER_JA,
        "The certificate could not be produced. " + COUNTER_EN,
    ),
    "RECORDS_OUT_OF_SYNC": (
        "住民記録の確認が必要なため、この証明書を交付できません。" + COUNTER_JA,
        "Your municipality's records must be checked before this certificate can be issued. "
        + COUNTER_EN,
    ),
    "BACKEND_UNAVAILABLE": (
        "現在、この市区町村の証明書を交付できません。しばらくしてからご利用ください。",
        "This municipality's records are temporarily unavailable. Please try again later.",
    ),
    "MAINTENANCE": (
        "ただいまシステムの保守のため、この証明書を交付できません。保守終了後にご利用ください。",
        "This certificate is unavailable during announced maintenance. Please come back later.",
    ),
    "NO_SEAL_REGISTERED": (
        "印鑑登録がされていないため、印鑑登録証明書を交付できません。" + COUNTER_JA,
        "No seal is registered, so no seal registration certificate can be issued. " + COUNTER_EN,
    ),
    "NO_TAX_DATA_YET": (
        "この年度の課税データはまだありません（毎年6月から交付できます）。",
        "This tax year's data is not available yet (new data appears in June).",
    ),
    "NO_TAX_RECORD": (
        "この年度の課税の記録が見つかりません。" + COUNTER_JA,
        "No tax assessment was found for this tax year. " + COUNTER_EN,
    ),
    "TAX_YEAR_NOT_OFFERED": (
        "この年度の証明書はキオスク端末では交付していません。" + COUNTER_JA,
        "Certificates for this tax year are not issued at kiosks. " + COUNTER_EN,
    ),
    "NOT_RESIDENT_ON_JANUARY_1": (
        "その年度の1月1日に住民登録がないため、課税証明書を交付できません。"
        "1月1日にお住まいだった市区町村にお問い合わせください。",
        "You were not registered on 1 January of that tax year here. "
        "Please ask the municipality you lived in on 1 January.",
    ),
    "WIDE_AREA_NOT_AVAILABLE": (
        "1月1日にお住まいだった市区町村の課税証明書は、広域交付に参加していないため"
        "交付できません。その市区町村の窓口か郵送でお手続きください。",
        "The municipality you lived in on 1 January does not take part in wide-area issuance "
        "(both municipalities must). Please apply to it at its counter or by post.",
    ),
    "KOSEKI_PENDING": (
        "戸籍の届出が処理中のため交付できません。" + COUNTER_JA,
        "A family-register notification is still being processed. " + COUNTER_EN,
    ),
    "NO_KOSEKI_RECORD": (
        "戸籍の記録が見つかりません。本籍地の市区町村にお問い合わせください。",
        "No family register was found. Please ask the municipality of your 本籍.",
    ),
    "KOSEKI_MEMBER_NOT_FOUND": (
        "選択された方はこの戸籍に記録されていません。",
        "A chosen person is not recorded in this family register.",
    ),
    "KOSEKI_ENTRY_UNSUPPORTED": (
        "戸籍にキオスク端末で証明できない記録があります。" + COUNTER_JA,
        "The family register holds an entry kiosks cannot certify. " + COUNTER_EN,
    ),
    "USE_REGISTRATION_REQUIRED": (
        "本籍地が住所地と異なるため、先に利用登録申請が必要です。この端末から申請できます。",
        "Your 本籍 is in another municipality: apply for use registration first "
        "(you can do it at this kiosk).",
    ),
    "USE_REGISTRATION_PENDING": (
        "利用登録の手続き中です。登録完了後（数開庁日後）にご利用ください。",
        "Your use registration is being processed. Please come back once it is effective "
        "(a few business days).",
    ),
    "UNSUPPORTED_CHARACTER": (
        "お名前やご住所などに、キオスク端末でまだ印刷できない文字（外字）が含まれています。"
        + COUNTER_JA,
        "Your record contains a character (外字) not yet registered for kiosk printing. "
        + COUNTER_EN,
    ),
    "RECORD_UNPRINTABLE": (
        "記録の内容に不備があるため、証明書を作成できませんでした。" + COUNTER_JA,
        "The record is incomplete or does not fit the certificate, so it cannot be produced. "
        + COUNTER_EN,
    ),
    "RENDER_FAILED": (
        "証明書を作成できませんでした。" + COUNTER_JA,
        "The certificate could not be produced. " + COUNTER_EN,
    ),
    "USE_REGISTRATION_NOT_NEEDED": (
        "本籍地と住所地が同じため、利用登録は不要です。",
        "Your 本籍 is where you live: no use registration is needed.",
    ),
    # Kiosk PIN reset (issuance/pin_reset): the reservation JPKI's reset app gives.
    "NO_RESET_RESERVATION": (
        "このカードの暗証番号再設定の予約がありません。スマートフォンのJPKI暗証番号リセット"
        "アプリで予約してから、24時間以内にお越しください。",
        "There is no PIN-reset reservation for this card. Reserve one with the JPKI PIN reset "
        "app on your smartphone, then come back within 24 hours.",
    ),
    "RESET_RESERVATION_EXPIRED": (
        "暗証番号再設定の予約の有効期限（24時間）が過ぎています。もう一度アプリで予約してください。",
        "The PIN-reset reservation has expired (it is valid for 24 hours). "
        "Please reserve again with the app.",
    ),
    "RESET_RESERVATION_USED": (
        "この予約はすでに使われています。もう一度アプリで予約してください。",
        "This reservation has already been used. Please reserve again with the app.",
    ),
}


class RefusalError(KofuError):
    """The resident may not have this certificate here and now; the kiosk shows why."""

    def __init__(self, code: str, **details: object) -> None:
        ja, en = REFUSALS[code]
        super().__init__(code, ja, en, **details)
