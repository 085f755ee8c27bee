"""Words of service hours by day class and of the municipality's own settings (利用登録の日数,
課税証明書の広域交付), on the services page, the preview and the audit trail."""

from __future__ import annotations

STRINGS: dict[str, tuple[str, str]] = {
    "day_weekday": ("平日", "Weekdays"),
    "day_saturday": ("土曜", "Saturdays"),
    "day_holiday": ("日曜・祝日", "Sundays and holidays"),
    "day_class": ("曜日", "Days"),
    "hours_weekday_field": ("利用時間（平日）", "Hours (weekdays)"),
    "hours_saturday_field": ("利用時間（土曜）", "Hours (Saturdays)"),
    "hours_holiday_field": ("利用時間（日曜・祝日）", "Hours (Sundays and holidays)"),
    "day_closed": ("休止", "Closed"),
    "day_closed_label": ("休止する", "Closed"),
    "hours_jst": ("利用時間（日本時間）", "Service hours (JST)"),
    "hours_help": (
        "祝日（振替休日を含む）は、土曜でも「日曜・祝日」の時間になります。"
        "年末年始（12月29日〜1月3日）は、設定にかかわらず休止します。"
        "深夜0時までのときは終了を23:59としてください。",
        "A national holiday (substitute holidays included) takes the Sunday and holiday hours, "
        "even on a Saturday. Over the New Year (29 December to 3 January) the service stops "
        "whatever the hours. For an end at midnight, enter 23:59.",
    ),
    "preview_day": ("この日は「{day}」の利用時間です。", "This day takes the {day} hours."),
    "preview_new_year": (
        "この日は年末年始のため、すべての証明書の交付を休止します。",
        "This day falls in the New Year stop: no certificate is issued.",
    ),
    "preview_settings": ("この日時の市区町村の設定", "The municipality's settings at this moment"),
    "settings_title": (
        "戸籍証明書の利用登録・課税証明書の広域交付",
        "Family register use registration and wide-area tax certificates",
    ),
    "settings_now": ("現在の設定", "In effect now"),
    "settings_history": ("変更の履歴と予定", "Changes, past and scheduled"),
    "settings_new": ("設定の変更を予約する", "Schedule a settings change"),
    "settings_help": (
        "指定した日時（日本時間）から、キオスク端末での受付に適用します。"
        "その日時より前は現在の設定のままです。変更の履歴は残ります。",
        "Applies to kiosk requests from the date and time given (JST); until then the current "
        "settings apply. Every change is kept.",
    ),
    "settings_schedule": ("設定の変更を予約する", "Schedule the change"),
    "settings_scheduled": ("設定の変更を予約しました。", "The settings change is scheduled."),
    "settings_withdraw_title": ("予約した設定変更の取消し", "Withdraw a scheduled settings change"),
    "settings_withdraw_confirm": (
        "この設定変更の予約を取り消すことを確認しました",
        "I confirm withdrawing this settings change",
    ),
    "settings_withdrawn": ("設定変更の予約を取り消しました。", "The settings change is withdrawn."),
    "state_past": ("適用終了", "Superseded"),
    "state_now": ("適用中", "In effect"),
    "state_scheduled": ("予定", "Scheduled"),
    "registration_days": (
        "利用登録から戸籍証明書の交付までの日数",
        "Business days from use registration to a family register certificate",
    ),
    "registration_days_value": ("{n}開庁日", "{n} business days"),
    "registration_days_input": (
        "利用登録から交付までの日数（開庁日、0〜30）",
        "Business days from registration to issue (0–30)",
    ),
    "registration_days_help": (
        "本籍地以外にお住まいの方が利用登録をしてから、戸籍証明書を交付できるようになるまでの"
        "開庁日（土日祝日・年末年始を除く日）の日数です。0は登録した当日から交付します。"
        "上限の30開庁日（約6週間）は入力誤りを防ぐためのセンターの上限で、法令の定めではありません。",
        "Business days (not weekends, holidays or the New Year) from a resident's use "
        "registration until the family register certificates can be issued; 0 means the same "
        "day. The limit of 30 (about six weeks) is the centre's guard against typing errors, "
        "not a legal rule.",
    ),
    "wide_area_tax": ("課税証明書の広域交付", "Wide-area tax certificates"),
    "wide_area_yes": ("参加する", "Takes part"),
    "wide_area_no": ("参加しない", "Does not take part"),
    "wide_area_help": (
        "参加すると、1月1日に住んでいた市区町村と今の住所地がともに参加しているとき、"
        "前の住所地の課税証明書をキオスク端末で交付できます。",
        "When both the municipality of 1 January and the current one take part, a resident "
        "who has moved can get the former one's tax certificate at a kiosk.",
    ),
}

ACTIONS: dict[str, tuple[str, str]] = {
    "settings_schedule": ("設定の変更予約", "Settings change scheduled"),
    "settings_withdraw": ("設定変更予約の取消し", "Settings change withdrawn"),
}

# Audit entries' field names -> the key of their label above.
FIELDS = {
    "hours_weekday": "hours_weekday_field",
    "hours_saturday": "hours_saturday_field",
    "hours_holiday": "hours_holiday_field",
    "koseki_registration_days": "registration_days",
    "wide_area_tax": "wide_area_tax",
}
