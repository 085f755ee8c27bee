"""The centre's operators' words for incidents on the public status page."""

from __future__ import annotations

STRINGS: dict[str, tuple[str, str]] = {
    "target_status_incident": ("障害のお知らせ {id}", "Status incident {id}"),
    "incidents_nav": ("障害のお知らせ", "Status incidents"),
    "incidents_title": ("稼働状況ページの障害のお知らせ", "Incidents on the public status page"),
    "incidents_help": (
        "ここで登録した内容は、だれでも見られる稼働状況ページ（/status）にすぐ表示されます。"
        "個人を特定できる内容は書かないでください。サーバの失敗や記録の不一致は自動で表示されます。",
        "What you declare here shows at once on the public status page (/status), which anyone "
        "can read: name no person. Failing servers and records out of sync show by themselves.",
    ),
    "incidents_open": ("表示中のお知らせ", "Shown now"),
    "incidents_none": ("表示中のお知らせはありません。", "No incident is shown."),
    "incident_where": ("対象", "Where"),
    "incident_nationwide": ("全国", "Nationwide"),
    "incident_since": ("開始", "Since"),
    "incident_message_ja": ("お知らせ（日本語）", "Message (Japanese)"),
    "incident_message_en": ("お知らせ（英語）", "Message (English)"),
    "incident_message_help": ("{n}文字以内", "At most {n} characters"),
    "incident_declare_title": ("お知らせを登録する", "Declare an incident"),
    "incident_declare": ("登録して表示する", "Declare and show"),
    "incident_declared": ("お知らせを表示しました。", "The incident is shown."),
    "incident_close_confirm": ("終了して稼働状況ページから消す", "Over: remove it from the page"),
    "incident_close": ("終了する", "Close"),
    "incident_closed": ("お知らせを終了しました。", "The incident is closed."),
    "incident_close_unconfirmed": (
        "終了するには確認欄にチェックを入れてください。",
        "Tick the confirmation to close the incident.",
    ),
}

ACTIONS: dict[str, tuple[str, str]] = {
    "incident_open": ("障害のお知らせの登録", "Incident declared"),
    "incident_close": ("障害のお知らせの終了", "Incident closed"),
}

FIELDS = {
    "message_ja": "incident_message_ja",
    "message_en": "incident_message_en",
    "municipality_code": "incident_where",
}
