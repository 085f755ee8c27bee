"""The portal's words in Japanese (the default) and English; ``?lang=en`` switches by cookie."""

from __future__ import annotations

from flask import Flask, Response, g, request
from markupsafe import Markup

LANGUAGES = ("ja", "en")
COOKIE = "kofu_portal_lang"

STRINGS: dict[str, tuple[str, str]] = {
    "portal": ("コンビニ交付 管理ポータル", "Kiosk issuance staff portal"),
    "skip": ("本文へ移動", "Skip to main content"),
    "nav": ("メニュー", "Menu"),
    "other_lang": ("English", "日本語"),
    "login": ("ログイン", "Sign in"),
    "logout": ("ログアウト", "Sign out"),
    "login_id": ("ログインID（メールアドレス）", "Login ID (email address)"),
    "password": ("パスワード", "Password"),
    "next": ("次へ", "Next"),
    "totp_title": ("確認コードの入力", "Verification code"),
    "totp_code": ("確認コード（6桁）", "Verification code (6 digits)"),
    "totp_help": (
        "認証アプリに表示されている6桁の数字を入力してください。",
        "Enter the 6-digit code shown in your authenticator app.",
    ),
    "totp_enrol_title": ("認証アプリの登録（初回のみ）", "Set up your authenticator app (once)"),
    "totp_enrol": (
        "初回ログインです。認証アプリで次のQRコードを読み取るか秘密鍵を登録し、"
        "アプリに表示された確認コードを入力してください。",
        "First sign-in: add this QR code or secret key to your authenticator app, then "
        "enter the code it shows.",
    ),
    "totp_secret": ("秘密鍵", "Secret key"),
    "totp_uri": ("登録用URI", "Enrolment URI"),
    "confirm": ("確認", "Confirm"),
    "signed_in_as": ("ログイン中：{name}（{role}）", "Signed in as {name} ({role})"),
    "timed_out": (
        "一定時間操作がなかったため、ログアウトしました。",
        "You were signed out after a period of inactivity.",
    ),
    "too_many": (
        "ログインの試行が多すぎます。しばらくしてから再度お試しください。",
        "Too many sign-in attempts. Please wait a minute and try again.",
    ),
    "signed_out": ("ログアウトしました。", "You have signed out."),
    "role_municipal_admin": ("自治体管理者", "Municipal administrator"),
    "role_municipal_viewer": ("自治体閲覧者", "Municipal viewer"),
    "role_centre_operator": ("センター運用者", "Centre operator"),
    "role_kiosk_operator": ("事業者担当者", "Kiosk operator staff"),
    "overview": ("交付状況", "Issuance overview"),
    "overview_of": ("{name}の交付状況", "Issuance overview: {name}"),
    "as_of": ("{date}現在", "As of {date} (JST)"),
    "backend": ("証明書の発行方式", "Certificate backend"),
    "backend_bcl": ("証明書交付センター（共同クラウド）", "Shared cloud (BCL)"),
    "backend_own_server": ("自庁の証明書交付サーバ", "The municipality's own server"),
    "issuances": ("証明書の種類別の交付件数", "Issuances by certificate kind"),
    "kind": ("証明書の種類", "Certificate kind"),
    "today": ("本日", "Today"),
    "this_month": ("今月", "This month"),
    "fees_month": ("今月の手数料", "Fees this month"),
    "count_unit": ("{n}件", "{n}"),
    "total": ("合計", "Total"),
    "none_yet": ("まだありません。", "None yet."),
    "refusals": ("今月の交付不可（理由別）", "Refusals this month, by reason"),
    "reason": ("理由", "Reason"),
    "failure_code": ("理由コード", "Reason code"),
    "count": ("件数", "Count"),
    "alarms": ("記録不一致アラーム（今月）", "Out-of-sync alarms (this month)"),
    "alarms_help": (
        "住民基本台帳の記録と全国索引が一致せず交付できなかった件数です。",
        "Refusals because your records and the national index disagreed.",
    ),
    "maintenance": ("予定されている停止", "Planned maintenance"),
    "starts": ("開始", "Starts"),
    "ends": ("終了", "Ends"),
    "scope": ("対象", "Applies to"),
    "all_kinds": ("全ての証明書", "Every certificate"),
    "all_municipalities": ("全団体", "Every municipality"),
    "note": ("内容", "Note"),
    "maintenance_nav": ("停止の告知", "Maintenance"),
    "maintenance_title": ("システム停止（メンテナンス）の告知", "Maintenance windows"),
    "maintenance_upcoming": ("予定・実施中の停止", "Upcoming and current windows"),
    "maintenance_past": ("過去の停止（最近20件）", "Past windows (latest 20)"),
    "maintenance_new": ("停止を告知する", "Announce a window"),
    "maintenance_help": (
        "日時は日本時間で入力してください。停止中は、対象の証明書をキオスク端末で交付できません"
        "（理由コード MAINTENANCE）。1回の停止は7日以内です。",
        "Enter dates and times in Japan time (JST). Kiosks refuse the chosen certificates "
        "during the window (reason code MAINTENANCE). One window lasts at most 7 days.",
    ),
    "maintenance_announce": ("告知する", "Announce"),
    "maintenance_announced": ("停止を告知しました。", "The window is announced."),
    "maintenance_cancel": ("取り消す", "Cancel it"),
    "maintenance_cancel_title": ("停止の告知の取消し", "Cancel a maintenance window"),
    "maintenance_cancel_warn": (
        "取り消すと、この時間帯もキオスク端末で証明書を交付します。",
        "Once cancelled, kiosks issue certificates during this time again.",
    ),
    "maintenance_cancel_confirm": (
        "この停止の告知を取り消すことを確認しました",
        "I confirm cancelling this window",
    ),
    "maintenance_cancelled": ("停止の告知を取り消しました。", "The window is cancelled."),
    "audit_nav": ("操作履歴", "Audit trail"),
    "audit_title": ("職員の操作履歴", "Staff audit trail"),
    "audit_help": (
        "この団体の職員による操作の記録です（新しい順に最大{n}件）。住民の情報は含みません。",
        "What this municipality's staff did, newest first (at most {n}). No resident data.",
    ),
    "audit_revoked_at": ("失効日時", "Revoked at"),
    "audit_step": ("段階", "Step"),
    "audit_when": ("日時", "When"),
    "audit_who": ("職員", "Who"),
    "audit_action": ("操作", "Action"),
    "audit_target": ("対象", "Target"),
    "audit_change": ("変更前 → 変更後", "Before → after"),
    "in_jst": ("（日本時間）", " (JST)"),
    "services_nav": ("交付する証明書・手数料", "Certificates and fees"),
    "services_title": ("交付する証明書・手数料・利用時間", "Certificates, fees and hours"),
    "services_now": ("現在の設定", "In effect now"),
    "services_scheduled": ("予定されている変更", "Scheduled changes"),
    "offering": ("交付", "Offered"),
    "offered": ("交付する", "Offered"),
    "not_offered": ("交付しない", "Not offered"),
    "fee": ("手数料（1通）", "Fee (per copy)"),
    "fee_yen": ("手数料（1通あたり・円、0〜10,000）", "Fee per copy (yen, 0-10,000)"),
    "hours": ("利用時間", "Service hours"),
    "opens": ("利用開始時刻", "Opens"),
    "closes": ("利用終了時刻", "Closes"),
    "weekdays_only": ("平日のみ", "weekdays only"),
    "weekdays_only_label": (
        "平日のみ交付する（土日祝日・年末年始は交付しない）",
        "Weekdays only (not on weekends, holidays or over the New Year)",
    ),
    "effective_from": ("適用開始日時", "Applies from"),
    "offering_new": ("変更を予約する", "Schedule a change"),
    "offering_help": (
        "選んだ証明書の交付・手数料・利用時間を、指定した日時（日本時間）から変更します。"
        "その日時より前は現在の設定のままです。変更の履歴は残ります。",
        "Changes the chosen certificate's offering, fee and hours from the date and time "
        "given (JST). Until then the current settings apply. Every change is kept.",
    ),
    "offering_schedule": ("変更を予約する", "Schedule the change"),
    "offering_scheduled": ("変更を予約しました。", "The change is scheduled."),
    "preview_link": ("住民の見る画面を確認する（プレビュー）", "Preview what a resident sees"),
    "preview_title": ("キオスク端末のメニューのプレビュー", "Kiosk menu preview"),
    "preview_help": (
        "指定した日時（日本時間）に、この市区町村の住民がキオスク端末で見るメニューです"
        "（住民ごとの事情による交付不可は含みません）。",
        "The menu a resident of this municipality sees at a kiosk at the chosen date and "
        "time (JST), leaving out refusals that depend on the resident.",
    ),
    "preview_at": ("日時", "Date and time"),
    "preview_show": ("表示する", "Show"),
    "preview_menu": ("{date}のメニュー", "The menu at {date}"),
    "preview_state": ("交付", "Issued"),
    "preview_available": ("交付できます", "Available"),
    "in_progress": ("（実施中）", "(in progress)"),
    "nationwide": ("全国（センターが告知）", "Nationwide (by the centre)"),
    "actions": ("操作", "Actions"),
    "kiosks": ("キオスク端末", "Kiosks"),
    "kiosk_id": ("端末ID", "Kiosk ID"),
    "kiosk_id_help": (
        "半角英数字とハイフン、32文字以内（例：K0105）。登録済みのIDは使えません。",
        "Letters, digits and hyphens, at most 32 (e.g. K0105). A registered ID cannot be reused.",
    ),
    "operator": ("事業者", "Operator"),
    "location": ("設置場所", "Location"),
    "status": ("状態", "Status"),
    "active": ("有効", "Active"),
    "revoked": ("失効（{date}）", "Revoked ({date})"),
    "register": ("端末を登録", "Register a kiosk"),
    "register_do": ("登録する", "Register"),
    "revoke": ("失効させる", "Revoke"),
    "revoke_title": ("端末 {id} の失効", "Revoke kiosk {id}"),
    "revoke_warn": (
        "失効させると、この端末は直ちに利用できなくなり、手続中のお客様の操作も終了します。"
        "元に戻すには再登録が必要です。",
        "Once revoked the kiosk stops working at once and any resident's session on it ends. "
        "Undoing it needs a new registration.",
    ),
    "revoke_confirm": ("失効させることを確認しました", "I confirm revoking this kiosk"),
    "revoke_done": ("端末 {id} を失効させました。", "Kiosk {id} is revoked."),
    "cancel": ("戻る", "Back"),
    "created_title": ("端末 {id} を登録しました", "Kiosk {id} is registered"),
    "credential": ("端末の認証情報", "Kiosk credential"),
    "credential_once": (
        "この認証情報は今回だけ表示されます。端末に設定してから、この画面を閉じてください。"
        "再表示はできません。",
        "This credential is shown only once. Configure the kiosk with it, then close this "
        "page; it cannot be shown again.",
    ),
    "back_to_kiosks": ("端末一覧へ戻る", "Back to the kiosks"),
    "not_found": ("ページが見つかりません。", "Page not found."),
    "forbidden": ("この操作は許可されていません。", "You are not allowed to do this."),
    "bad_request": (
        "送信内容を確認できませんでした。画面を再読み込みしてからやり直してください。",
        "The form could not be accepted. Reload the page and try again.",
    ),
    "error": ("エラー", "Error"),
    "unexpected": (
        "処理できませんでした。しばらくしてから再度お試しください。",
        "Something went wrong. Please try again later.",
    ),
    "home": ("トップへ", "Home"),
    "required": ("必須", "required"),
}


ACTIONS: dict[str, tuple[str, str]] = {
    "account_create": ("アカウント作成", "Account created"),
    "account_locked": ("アカウントのロック", "Account locked"),
    "login_failed": ("ログイン失敗", "Sign-in failed"),
    "login_password_ok": ("パスワード確認", "Password accepted"),
    "login_refused_locked": ("ロック中のログイン", "Sign-in while locked"),
    "login_success": ("ログイン", "Signed in"),
    "totp_enrolled": ("認証アプリ登録", "Authenticator enrolled"),
    "kiosk_register": ("端末の登録", "Kiosk registered"),
    "kiosk_revoke": ("端末の失効", "Kiosk revoked"),
    "maintenance_announce": ("停止の告知", "Maintenance announced"),
    "maintenance_cancel": ("停止の取消し", "Maintenance cancelled"),
    "offering_schedule": ("交付・手数料の変更予約", "Offering change scheduled"),
}


# Audit entries' field names -> the key of their label above.
FIELDS = {
    "kind": "kind",
    "offered": "offered",
    "fee": "fee",
    "opens": "opens",
    "closes": "closes",
    "weekdays_only": "weekdays_only",
    "effective_from": "effective_from",
    "starts_at": "starts",
    "ends_at": "ends",
    "note": "note",
    "location": "location",
    "operator_id": "operator",
    "revoked_at": "audit_revoked_at",
    "step": "audit_step",
}


def field_label(field: str) -> str:
    """An audit entry's field name in this request's language (the name itself if unknown)."""
    key = FIELDS.get(field)
    return t(key) if key else field


def action_label(action: str) -> str:
    """An audit action's name in this request's language (the code itself if unknown)."""
    labels = ACTIONS.get(action)
    if labels is None:
        return action
    return labels[1] if lang() == "en" else labels[0]


def lang() -> str:
    """This request's language: ``ja`` unless ``?lang=en`` or its cookie says ``en``."""
    chosen: str = getattr(g, "lang", "ja")
    return chosen


def t(key: str, **values: object) -> str:
    """The string ``key`` in this request's language, with ``{name}`` fields filled in."""
    ja, en = STRINGS[key]
    text = en if lang() == "en" else ja
    if any(isinstance(value, Markup) for value in values.values()):
        return Markup(text).format(**values)  # the other values are escaped
    return text.format(**values) if values else text


def message(error: object) -> str:
    """A KofuError's message in this request's language."""
    return str(getattr(error, "message_en" if lang() == "en" else "message_ja", ""))


def init_app(app: Flask, secure_cookies: bool) -> None:
    """Choose each request's language and keep a ``?lang=`` choice in a cookie."""

    @app.before_request
    def _choose() -> None:
        asked = request.args.get("lang")
        g.lang_chosen = asked if asked in LANGUAGES else None
        g.lang = g.lang_chosen or (
            request.cookies.get(COOKIE) if request.cookies.get(COOKIE) in LANGUAGES else "ja"
        )

    @app.after_request
    def _remember(response: Response) -> Response:
        if getattr(g, "lang_chosen", None):
            response.set_cookie(
                COOKIE,
                g.lang_chosen,
                max_age=365 * 86400,
                httponly=True,
                samesite="Lax",
                secure=secure_cookies,
            )
        return response

    app.jinja_env.globals.update(t=t, lang=lang)
