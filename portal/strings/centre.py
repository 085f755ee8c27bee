"""The centre's operators' words: staff administration, municipalities, kiosk credentials,
tariffs, the monthly close and the national view."""

from __future__ import annotations

STRINGS: dict[str, tuple[str, str]] = {
    # What an audit entry acted on (portal.i18n.target_label)
    "target_municipality": ("団体 {id}", "Municipality {id}"),
    "target_billing_month": ("{id}の月次締め", "Monthly close of {id}"),
    "target_tariff_file": ("料金表ファイル {id}", "Tariff file {id}"),
    # Navigation
    "national_nav": ("全国の状況", "National view"),
    "municipalities_nav": ("参加団体", "Municipalities"),
    "tariffs_nav": ("料金表", "Tariffs"),
    "close_nav": ("月次締め", "Monthly close"),
    "staff_nav": ("職員", "Staff"),
    # Staff administration
    "staff_of": ("{name}の職員", "Staff of {name}"),
    "staff_name": ("氏名", "Name"),
    "staff_role": ("役割", "Role"),
    "staff_remove": ("削除", "Remove"),
    "staff_invited_until": ("招待中（{date}まで有効）", "Invited (link valid until {date})"),
    "staff_invitation_expired": (
        "招待の期限切れ（削除して招待し直してください）",
        "Invitation expired (remove, then invite again)",
    ),
    "staff_invite": ("職員を招待する", "Invite a staff member"),
    "staff_invite_help": (
        "招待用のリンクを1回だけ表示します。72時間以内に本人に渡してください。"
        "本人がリンクを開いてパスワードと認証アプリを設定すると、ログインできるようになります。",
        "The invitation link is shown once: give it to the person within 72 hours. "
        "They open it, set a password and their authenticator app, then sign in.",
    ),
    "staff_invite_do": ("招待する", "Invite"),
    "staff_invited_title": ("{name}を招待しました", "{name} is invited"),
    "staff_link_once": (
        "この招待リンクは今だけ表示されます。再表示はできません。本人に安全な方法で渡してください。"
        "リンクは1回だけ使えます。",
        "This invitation link is shown now only and cannot be shown again. Give it to the "
        "person safely; it works once.",
    ),
    "staff_link": ("招待リンク", "Invitation link"),
    "staff_link_until": ("有効期限", "Valid until"),
    "staff_back": ("職員の一覧へ戻る", "Back to the staff list"),
    "staff_remove_title": ("{name}を削除", "Remove {name}"),
    "staff_remove_warn": (
        "削除すると、このアカウントは次の操作からログアウトされ、再びログインできなくなります。"
        "操作の記録は残ります。",
        "Once removed, the account is signed out at its next request and cannot sign in "
        "again. Its audit trail is kept.",
    ),
    "staff_remove_confirm": (
        "このアカウントを削除することを確認しました",
        "I confirm removing this account",
    ),
    "staff_removed": ("{name}を削除しました。", "{name} has been removed."),
    # Joining by invitation
    "join_title": ("アカウントの設定（招待）", "Set up your account (invitation)"),
    "join_intro": (
        "ログインID {login} の設定です。パスワードを決め、認証アプリを登録してください。",
        "Setting up login ID {login}: choose a password and set up your authenticator app.",
    ),
    "join_password_h": ("パスワード", "Password"),
    "join_password": ("新しいパスワード", "New password"),
    "join_password_help": (
        "12文字以上。覚えやすい長い文が安全です。",
        "At least 12 characters; a long phrase you remember is safest.",
    ),
    "join_password2": ("新しいパスワード（確認）", "New password (again)"),
    "join_totp": (
        "認証アプリで次のQRコードを読み取るか秘密鍵を登録し、アプリに表示された確認コードを入力してください。",
        "Add this QR code or secret key to your authenticator app, then enter the code it shows.",
    ),
    "join_do": ("設定してログインへ進む", "Save and go to sign-in"),
    "join_done": (
        "アカウントを設定しました。ログインしてください。",
        "Your account is set up. Please sign in.",
    ),
    # Kiosks
    "kiosk_by_operator": ("事業者で絞り込む", "Show one operator"),
    "kiosk_all_operators": ("すべての事業者", "All operators"),
    "centre_show": ("表示", "Show"),
    "kiosk_last_seen": ("最終利用", "Last seen"),
    "kiosk_never_seen": ("利用なし", "Never"),
    "kiosk_rotate": ("認証情報の更新", "Rotate credential"),
    "kiosk_rotate_title": ("端末 {id} の認証情報を更新", "Rotate the credential of kiosk {id}"),
    "kiosk_rotate_warn": (
        "新しい認証情報を発行します。今の認証情報はこの時点から使えなくなります。"
        "新しい認証情報を端末に設定するまで、この端末では交付できません。",
        "A new credential is issued; the current one is refused from now on. The kiosk "
        "cannot issue until the new one is set on it.",
    ),
    "kiosk_rotate_confirm": (
        "認証情報を更新し、今の認証情報を無効にすることを確認しました",
        "I confirm replacing the credential; the current one stops working",
    ),
    "kiosk_rotated_title": ("端末 {id} の新しい認証情報", "New credential of kiosk {id}"),
    # Municipalities
    "municipalities": ("参加団体の管理", "Municipalities"),
    "centre_all": ("すべて", "All"),
    "m_code": ("団体コード", "Code"),
    "centre_municipality": ("団体", "Municipality"),
    "m_class": ("区分", "Class"),
    "m_population": ("人口", "Population"),
    "m_population_help": ("住民基本台帳の人口（人）", "Registered residents (people)"),
    "m_since": ("{date}から", "since {date}"),
    "m_status_taking_part": ("参加中", "Taking part"),
    "m_status_suspended": ("休止中", "Suspended"),
    "m_status_not_taking_part": ("未参加", "Not taking part"),
    "m_backend_bcl": ("共同クラウド（BCL）", "Shared cloud (BCL)"),
    "m_backend_own_server": ("自庁サーバ", "Own server"),
    "m_class_designated_city_1m": ("政令市（100万人以上）", "Designated city (1M+)"),
    "m_class_designated_city": ("政令市", "Designated city"),
    "m_class_core_city": ("中核市", "Core city"),
    "m_class_city": ("市", "City"),
    "m_class_special_ward": ("特別区", "Special ward"),
    "m_class_town": ("町", "Town"),
    "m_class_village": ("村", "Village"),
    "m_join": ("参加登録", "Join"),
    "m_resume": ("再開", "Resume"),
    "m_suspend": ("休止", "Suspend"),
    "join_title_m": ("{name}の参加登録", "{name} joins"),
    "join_do_m": ("参加させる", "Join the service"),
    "suspend_title": ("{name}のコンビニ交付を休止", "Suspend kiosk issuance for {name}"),
    "suspend_warn": (
        "休止すると、この団体の住民はすべての端末で次の操作から交付を断られます"
        "（理由コード MUNICIPALITY_SUSPENDED）。再開するまで続きます。",
        "Once suspended, this municipality's residents are refused at every kiosk from their "
        "next step (code MUNICIPALITY_SUSPENDED) until it is resumed.",
    ),
    "suspend_confirm": ("{name}を休止することを確認しました", "I confirm suspending {name}"),
    "municipality_joined": ("{name}が参加しました。", "{name} now takes part."),
    "municipality_suspended": ("{name}を休止しました。", "{name} is suspended."),
    "municipality_resumed": ("{name}を再開しました。", "{name} is resumed."),
    # Tariffs
    "tariffs": ("料金表", "Tariffs"),
    "tariffs_help": (
        "料金は追加のみです。改定は、新しい適用開始日の行を追加します。",
        "Tariffs are only ever added: a new price is a new row with a later start.",
    ),
    "tariffs_load": ("料金表ファイルの読込み", "Load a tariff file"),
    "tariff_file": ("料金表ファイル（CSV）", "Tariff file (CSV)"),
    "tariff_file_help": (
        "列: tariff, subject, certificate_kind, amount, valid_from, valid_until, "
        "amortise_years, note。UTF-8またはShift_JIS。1行でも誤りがあれば何も登録しません。",
        "Columns: tariff, subject, certificate_kind, amount, valid_from, valid_until, "
        "amortise_years, note. UTF-8 or Shift_JIS. One bad row and nothing is loaded.",
    ),
    "tariffs_load_do": ("読み込む", "Load"),
    "tariff_report": ("ファイルの誤り", "Problems in the file"),
    "tariff_report_help": (
        "行はExcelの行番号です（見出しが1行目）。誤りをすべて直してから、もう一度読み込んでください。",
        "Lines are Excel's row numbers (the header is line 1). Correct every problem, then "
        "load the file again.",
    ),
    "tariffs_defaults": ("既定の料金", "Defaults"),
    "tariffs_defaults_help": (
        "登録された料金がない場合に使う値です（運営負担金は年額、団体の区分ごと）。",
        "What applies where no tariff row does (contributions per year, by class).",
    ),
    "tariff_report_line": ("行", "Line"),
    "tariff_report_field": ("列", "Column"),
    "tariff_report_problem": ("誤りの内容", "Problem"),
    "tariffs_loaded": ("料金を{count}件登録しました。", "{count} tariffs loaded."),
    "tariffs_current": ("{date}に適用中の料金", "In force on {date}"),
    "tariffs_scheduled": ("適用予定の料金", "Scheduled"),
    "tariff_kind": ("料金の種類", "Tariff"),
    "tariff_subject": ("対象", "Applies to"),
    "tariff_amount": ("金額", "Amount"),
    "tariff_valid_from": ("適用開始日", "From"),
    "tariff_valid_until": ("適用終了日（この日を含まない）", "Until (exclusive)"),
    "tariff_everyone": ("全体", "Everyone"),
    "close_not_finalisable": (
        "この月はまだ終わっていないか、すでに確定済みのため、確定できません。"
        "月が終わるまでは下書きで締めてください。",
        "This month cannot be made final: it has not ended yet, or it is final already. "
        "Close it as a draft until it has ended.",
    ),
    "tariff_name_kiosk_fee": ("コンビニ交付手数料", "Kiosk fee"),
    "tariff_name_counter_fee": ("窓口交付手数料", "Counter fee"),
    "tariff_name_commission": ("委託手数料", "Commission"),
    "tariff_name_contribution": ("運営負担金（年額）", "Hub contribution (a year)"),
    "tariff_name_participation": ("参加期間", "Participation"),
    "tariff_name_jpki_check": ("JPKI失効確認（1回）", "JPKI check (each)"),
    "tariff_name_own_cost_initial": ("自庁の導入費用", "Own set-up cost"),
    "tariff_name_own_cost_yearly": ("自庁の保守費用（年額）", "Own maintenance (a year)"),
    "tariff_class_designated_city_1m": ("政令市（100万人以上）", "Designated city (1M+)"),
    "tariff_class_designated_city": ("政令市（100万人未満）", "Designated city (<1M)"),
    "tariff_class_city_150k": ("市・特別区（15万人以上）", "City or ward (150k+)"),
    "tariff_class_city": ("市・特別区（15万人未満）", "City or ward (<150k)"),
    "tariff_class_town_village": ("町村", "Town or village"),
    "tariff_rows": ("行数", "Rows"),
    "tariff_every_kind": ("全種類", "Every kind"),
    # Monthly close
    "close_title": ("月次締め", "Monthly close"),
    "close_month": ("対象月", "Month"),
    "close_state_of": ("{month}の締め", "Close of {month}"),
    "close_status_open": ("未締め", "Not closed"),
    "close_status_draft": ("下書き", "Draft"),
    "close_status_final": ("確定", "Final"),
    "close_closed_at": ("締めた日時", "Closed at"),
    "close_finalised_at": ("確定した日時", "Made final at"),
    "close_draft_do": ("下書きを作る", "Make the draft"),
    "close_redraft_do": ("下書きを作り直す", "Make the draft again"),
    "close_final_go": ("確定へ進む", "Go on to make final"),
    "close_help": (
        "下書きは何度でも作り直せます。確定は月が終わってから、下書きを確認したうえで行います。"
        "確定した明細は変わりません。",
        "A draft can be made again at any time. Make a month final once it has ended and its "
        "draft is reviewed; final statements never change.",
    ),
    "close_by_municipality": ("団体別の合計", "Totals by municipality"),
    "close_by_operator": ("事業者別の合計", "Totals by operator"),
    "st_issues": ("交付件数", "Issues"),
    "st_fees": ("収納手数料", "Fees collected"),
    "st_commission": ("委託手数料", "Commission"),
    "st_contribution": ("運営負担金（月割）", "Contribution (monthly)"),
    "st_jpki": ("JPKI失効確認", "JPKI checks"),
    "st_net": ("差引", "Net"),
    "close_final_title": ("{month}を確定する", "Make {month} final"),
    "close_final_warn": (
        "確定すると、この月の明細は二度と変更できません。訂正は翌月以降の調整として登録します。",
        "Once final, this month's statements can never change; corrections become "
        "adjustments in a later month.",
    ),
    "close_statements": ("明細の数", "Statements"),
    "close_type_month": (
        "確認のため、確定する月（{label}）を「{month}」の形で入力してください",
        "To confirm, type the month ({label}) as {month}",
    ),
    "close_final_do": ("確定する", "Make final"),
    "close_final_done": (
        "{month}を確定しました（明細{count}件）。",
        "{month} is final ({count} statements).",
    ),
    "close_draft_done": (
        "{month}の下書きを作りました（明細{count}件）。",
        "The draft of {month} is made ({count} statements).",
    ),
    # National view
    "national": ("全国の状況", "National view"),
    "national_per_minute": (
        "直近1時間の交付件数（1分ごと）",
        "Issuances in the last hour, by minute",
    ),
    "national_chart_title": ("直近1時間の1分ごとの交付件数", "Issuances per minute, last hour"),
    "national_chart_desc": (
        "直近60分の合計 {total}件、1分あたり最大 {peak}件",
        "{total} in the last 60 minutes; at most {peak} in one minute",
    ),
    "national_now": ("処理の状況", "Processing"),
    "n_queue_depth": ("作成待ちの証明書", "Certificates waiting to be made"),
    "n_p95": (
        "受付から作成完了まで（直近1時間、95パーセンタイル）",
        "Request to ready (last hour, 95th percentile)",
    ),
    "n_seconds": ("{n}秒", "{n} s"),
    "n_of_requests": ("{n}件中", "of {n}"),
    "n_no_data": ("直近1時間の作成はありません", "None made in the last hour"),
    "national_refusals": ("本日の交付できなかった理由", "Refusals today, by reason"),
    "national_alarms": (
        "本日、記録の不一致の警告が出た団体",
        "Municipalities with out-of-sync alarms today",
    ),
    "n_alarms_today": ("警告の件数", "Alarms"),
    "n_none_today": ("本日はありません。", "None today."),
}

ACTIONS: dict[str, tuple[str, str]] = {
    "staff_invite": ("職員の招待", "Staff invited"),
    "staff_join": ("招待からの登録", "Joined by invitation"),
    "staff_remove": ("職員の削除", "Staff removed"),
    "kiosk_rotate": ("端末の認証情報の更新", "Kiosk credential rotated"),
    "municipality_join": ("団体の参加", "Municipality joined"),
    "municipality_suspend": ("団体の休止", "Municipality suspended"),
    "municipality_resume": ("団体の再開", "Municipality resumed"),
    "tariff_load": ("料金表の読込み", "Tariff file loaded"),
    "close_draft": ("月次締め（下書き）", "Monthly close (draft)"),
    "close_final": ("月次締め（確定）", "Monthly close (final)"),
}

# Audit entries' field names -> the key of their label above.
FIELDS = {
    "login": "login_id",
    "file": "tariff_file",
    "display_name": "staff_name",
    "role": "staff_role",
    "participating": "m_status_taking_part",
    "backend_kind": "backend",
    "municipality_class": "m_class",
    "population": "m_population",
    "suspended_at": "m_status_suspended",
    "rotated_at": "kiosk_rotate",
    "rows": "tariff_rows",
    "statements": "close_statements",
    "fees_collected": "st_fees",
    "commission": "st_commission",
}
