"""Short names of why a request ended without a certificate, for staff (not the resident's text).

A failed request keeps one code (``CertificateRequest.failure_code``): a kiosk refusal
(issuance/refusals.py), a card check that failed when the session was checked again
(issuance/sessions/jpki.py), or the centre's own (a render that timed out or failed). Staff
read a few words and the code beside it; the resident-facing sentences stay where they are.
"""

from __future__ import annotations

# code -> (Japanese, English): a short label, as a clerk would write it in a report.
FAILURE_LABELS: dict[str, tuple[str, str]] = {
    "DV_PROTECTED": ("支援措置の対象", "Protected (DV support measure)"),
    "DECEASED": ("死亡", "Deceased"),
    "MOVED_ABROAD": ("国外転出", "Moved abroad"),
    "MOVING_OUT": ("転出届出済み", "Moving out (notified)"),
    "HOUSEHOLD_MEMBER_MOVING_OUT": ("世帯員が転出届出済み", "A household member is moving out"),
    "MOVED_IN_TODAY": ("転入当日", "Moved in today"),
    "UNDER_15": ("15歳未満", "Under 15"),
    "OUT_OF_HOURS": ("利用時間外", "Outside service hours"),
    "NOT_OFFERED": ("交付対象外の証明書", "Certificate not offered"),
    "NOT_YET_SUPPORTED": ("未対応の証明書", "Certificate not yet supported"),
    "MUNICIPALITY_NOT_PARTICIPATING": ("コンビニ交付未実施", "Municipality not taking part"),
    "MUNICIPALITY_SUSPENDED": ("コンビニ交付休止中", "Municipality suspended"),
    "NO_RECORD": ("住民記録なし", "No resident record"),
    "CARD_NOT_LINKED": ("カード未登録", "Card not registered"),
    "CARD_NOT_YET_USABLE": ("カード利用開始前", "Card not usable yet"),
    "MEMBER_NOT_IN_HOUSEHOLD": ("世帯員以外を選択", "Chosen person not in the household"),
    "RECORD_MISMATCH": ("記録の照合不一致", "Record did not match"),
    "RECORDS_OUT_OF_SYNC": ("記録不一致（全国索引）", "Records out of sync (national index)"),
    "BACKEND_UNAVAILABLE": ("証明書発行システム停止", "Records backend unavailable"),
    "MAINTENANCE": ("保守停止中", "Maintenance window"),
    "NO_SEAL_REGISTERED": ("印鑑登録なし", "No seal registered"),
    "NO_TAX_DATA_YET": ("課税データ未作成", "Tax data not yet available"),
    "NO_TAX_RECORD": ("課税記録なし", "No tax record"),
    "TAX_YEAR_NOT_OFFERED": ("交付対象外の年度", "Tax year not offered"),
    "NOT_RESIDENT_ON_JANUARY_1": ("1月1日に住民登録なし", "Not resident on 1 January"),
    "WIDE_AREA_NOT_AVAILABLE": ("広域交付の対象外", "Wide-area issuance not available"),
    "KOSEKI_PENDING": ("戸籍届出の処理中", "Koseki notification pending"),
    "NO_KOSEKI_RECORD": ("戸籍記録なし", "No koseki record"),
    "KOSEKI_MEMBER_NOT_FOUND": ("戸籍に記録のない方を選択", "Person not in the koseki"),
    "KOSEKI_ENTRY_UNSUPPORTED": ("証明できない戸籍記載", "Koseki entry not printable at kiosks"),
    "USE_REGISTRATION_REQUIRED": ("利用登録が必要", "Use registration required"),
    "USE_REGISTRATION_PENDING": ("利用登録の手続中", "Use registration pending"),
    "USE_REGISTRATION_NOT_NEEDED": ("利用登録は不要", "Use registration not needed"),
    "NO_RESET_RESERVATION": ("暗証番号再設定の予約なし", "No PIN-reset reservation"),
    "RESET_RESERVATION_EXPIRED": ("再設定予約の期限切れ", "PIN-reset reservation expired"),
    "RESET_RESERVATION_USED": ("再設定予約は使用済み", "PIN-reset reservation already used"),
    "UNSUPPORTED_CHARACTER": ("未登録の外字", "Character (外字) not registered"),
    "RECORD_UNPRINTABLE": ("記録の不備で作成不可", "Record unprintable"),
    "RENDER_FAILED": ("証明書の作成失敗", "Certificate could not be produced"),
    "RENDER_TIMEOUT": ("証明書の作成時間切れ", "Certificate production timed out"),
    "CERTIFICATE_FONTS_MISSING": ("印刷用フォントなし", "Certificate fonts missing"),
    "SESSION_EXPIRED": ("手続の時間切れ", "Session expired"),
    "KIOSK_UNAUTHORIZED": ("端末の失効", "Kiosk revoked"),
    "CARD_AUTH_FAILED": ("カードの確認失敗", "Card check failed"),
    "CERT_MALFORMED": ("電子証明書を読めない", "Card certificate unreadable"),
    "CERT_UNTRUSTED": ("電子証明書を確認できない", "Card certificate not trusted"),
    "CERT_EXPIRED": ("電子証明書の期限切れ", "Card certificate expired"),
    "CERT_NOT_YET_VALID": ("電子証明書の有効期間前", "Card certificate not yet valid"),
    "CERT_REVOKED": ("電子証明書の失効", "Card certificate revoked"),
    "REVOCATION_UNAVAILABLE": ("失効確認ができない", "Revocation check unavailable"),
    "SIGNATURE_INVALID": ("カードの署名不正", "Card signature invalid"),
}


def failure_label(code: str, english: bool = False) -> str:
    """A short staff-facing label for a failure code; the code itself when it has none."""
    labels = FAILURE_LABELS.get(code)
    if labels is None:
        return code
    return labels[1] if english else labels[0]
