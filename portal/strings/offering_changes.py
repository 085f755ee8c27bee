"""Words of scheduled offering changes as the services page lists them: what each change
changes (old → new), and the changes already in effect."""

from __future__ import annotations

STRINGS: dict[str, tuple[str, str]] = {
    "services_past": ("適用済みの変更（新しい順）", "Changes in effect (newest first)"),
    "change_what": ("変更内容", "What it changes"),
    "change_fee": ("手数料", "Fee"),
    "offering_load_title": ("1. 変更前の設定を読み込む", "1. Load what applies then"),
    "offering_load_help": (
        "証明書と適用開始日時を選んで「読み込む」を押すと、その日時に適用される設定が"
        "下の欄に入ります。変えた項目だけが変更として予約され、ほかの項目はそのまま残ります"
        "（後から別の変更を予約しても、その変更は消えません）。",
        "Choose the certificate and the moment, then Load: the form below shows what applies "
        "then. Only the fields you change are scheduled; the others are left as they are "
        "(a change scheduled later for another field is kept).",
    ),
    "offering_load": ("読み込む", "Load"),
    "offering_enter_title": (
        "2. 変える項目を書き換えて予約する",
        "2. Change what should change, then schedule",
    ),
}
