"""The records pages' words: BCL extract uploads, their reports, the own server's connection."""

from __future__ import annotations

STRINGS: dict[str, tuple[str, str]] = {
    "command_line": ("コマンド（kofu bcl import）", "Command line (kofu bcl import)"),
    "records_nav": ("住民記録データ", "Records"),
    "records_title": ("住民記録データ（連携用データ）", "Resident records (extracts)"),
    "records_server_title": ("証明書交付サーバとの接続", "Connection to your certificate server"),
    "upload_new": ("連携用データを取り込む", "Import an extract"),
    "upload_help": (
        "共同クラウドに登録する連携用データ（JSON、またはCSVをまとめたZIP）を選んでください。"
        "CSVはUTF-8（BOM付き・なし）またはShift_JIS（CP932）で保存したもので構いません。"
        "全ての行を確認し、誤りが1件でもあれば何も変更しません。ファイルは{mb}MBまでです。",
        "Choose the extract for the shared cloud (JSON, or a ZIP of CSV files). CSV files may "
        "be UTF-8 (with or without a BOM) or Shift_JIS (CP932). Every row is checked; if "
        "anything is wrong, nothing changes. At most {mb} MB.",
    ),
    "upload_file": ("ファイル", "File"),
    "upload_send": ("送信して取り込む", "Send and import"),
    "upload_queue_away": (
        "取込処理を開始できなかったため、何も変更していません。しばらくしてから、"
        "もう一度送信してください。",
        "The import could not be started, so nothing changed. Send the file again in a while.",
    ),
    "uploads_title": ("取込の履歴（新しい順）", "Uploads, newest first"),
    "upload_when": ("送信日時", "Sent"),
    "upload_who": ("送信者", "Sent by"),
    "upload_size": ("サイズ", "Size"),
    "upload_result": ("結果", "Result"),
    "upload_counts": ("件数（取込前 → 取込後）", "Rows (before → after)"),
    "history_counts": (
        "置き換えた区分の件数（取込前 → 取込後）",
        "Replaced sections: rows before → after",
    ),
    "label_value": ("{label}：{value}", "{label}: {value}"),
    "upload_detail": ("詳細", "Details"),
    "upload_detail_of": ("詳細を見る", "View"),
    "upload_title": ("連携用データの取込", "Extract import"),
    "upload_state_queued": ("順番待ち", "Waiting"),
    "upload_state_checking": ("確認中", "Checking"),
    "upload_state_writing": ("書込み中", "Writing"),
    "upload_state_imported": ("取込完了", "Imported"),
    "upload_state_rejected": ("誤りあり（変更なし）", "Refused (nothing changed)"),
    "upload_state_failed": ("失敗（変更なし）", "Failed (nothing changed)"),
    "upload_running_help": (
        "取込処理中です。この画面は自動で更新されます。閉じても処理は続きます。",
        "The import is running. This page updates itself; closing it does not stop it.",
    ),
    "finished_at": ("（{date}に終了）", " (finished {date})"),
    "upload_rows_progress": ("{done} / {total} 行を書込み済み", "{done} of {total} rows written"),
    "upload_rows_total": ("（全{total}行）", " ({total} rows)"),
    "upload_reload": ("最新の状態を表示", "Show the latest state"),
    "upload_imported": (
        "取り込みました。各区分の件数は次のとおりです。",
        "Imported. The rows of each section are now:",
    ),
    "upload_rejected": (
        "誤りが{n}件あるため取り込みませんでした。データは変更していません。"
        "誤りを直したファイルを、もう一度送信してください。",
        "Not imported: {n} problems. Nothing was changed. Correct the file and send it again.",
    ),
    "upload_failed": (
        "取り込めませんでした。データは変更していません。センターにお問い合わせください。",
        "The import failed. Nothing was changed. Please contact the centre.",
    ),
    "upload_report_csv": ("誤りの一覧をCSVでダウンロード", "Download the problems as CSV"),
    "upload_report_help": (
        "住民の情報は表示しません。行・項目・誤りの内容だけを示します。",
        "No resident's data is shown: only the row, the field and what is wrong.",
    ),
    "upload_back": ("住民記録データへ戻る", "Back to records"),
    "section": ("区分", "Section"),
    "row": ("行", "Row"),
    "field": ("項目", "Field"),
    "problem_code": ("コード", "Code"),
    "problem": ("誤りの内容", "Problem"),
    "before": ("取込前", "Before"),
    "after": ("取込後", "After"),
    "replaced": ("置換え", "Replaced"),
    "kept": ("変更なし", "Kept"),
    "bytes_kb": ("{n}KB", "{n} KB"),
    "upload_sha256": ("SHA-256", "SHA-256"),
    "upload_problem_count": ("誤りの件数", "Problems"),
    "target_bcl_upload": ("連携用データ {id}", "Extract {id}"),
    "target_own_server": ("証明書交付サーバの接続先", "Certificate server endpoint"),
    "section_-": ("ファイル全体", "The whole file"),
    "section_households": ("世帯", "Households"),
    "section_residents": ("住民票", "Residents"),
    "section_seals": ("印鑑登録", "Seal registrations"),
    "section_tax_assessments": ("課税", "Tax assessments"),
    "section_koseki": ("戸籍", "Koseki"),
    "section_fuhyo": ("戸籍の附票", "Fuhyo"),
    "problem_ref": ("（{n}行目と重複）", " (same as row {n})"),
    "problem_OTHER": ("値が正しくありません。", "The value is not valid."),
    "problem_MISSING_FIELD": ("必須の項目がありません。", "A required field is missing."),
    "problem_UNKNOWN_FIELD": ("この区分にない項目です。", "A field this section does not have."),
    "problem_BAD_DATE": ("日付が正しくありません（YYYY-MM-DD）。", "Not a date (YYYY-MM-DD)."),
    "problem_BAD_NUMBER": ("数値が正しくありません。", "Not a whole number."),
    "problem_BAD_VALUE": ("決められた値ではありません。", "Not one of the allowed values."),
    "problem_BAD_FORMAT": ("形式が正しくありません。", "Not in the expected format."),
    "problem_BAD_CODE": ("住民票コードの検査数字が合いません。", "The check digit is wrong."),
    "problem_TOO_LONG": ("文字数が多すぎます。", "Too long."),
    "problem_EMPTY": ("空欄です。", "Empty."),
    "problem_BAD_KOSEKI_ITEM": ("身分事項の項目が様式にありません。", "Not an item of the form."),
    "problem_BAD_RELATIONSHIP": (
        "続柄は父母との続柄（長男、長女など）で記録してください。",
        "The 続柄 is the order of birth (長男, 長女 …).",
    ),
    "problem_BAD_KANA": ("振り仮名は片仮名で記録してください。", "Kana must be katakana."),
    "problem_BAD_SPOUSES": ("夫または妻が2人います。", "Two current husbands or wives."),
    "problem_UNKNOWN_HOUSEHOLD": ("世帯がファイルにありません。", "No such household."),
    "problem_DUPLICATE": ("同じキーの行がほかにあります。", "The same key is in another row."),
    "problem_UNKNOWN_RESIDENT": ("該当する住民がいません。", "No such resident."),
    "problem_UNKNOWN_KOSEKI": ("該当する戸籍がありません。", "No such koseki."),
    "problem_UNKNOWN_SECTION": ("この形式にない区分です。", "Not a section of the format."),
    "problem_MISSING_SECTION": (
        "世帯と住民票は一緒に送ってください。",
        "Households and residents go together.",
    ),
    "problem_NOT_A_LIST": ("区分が一覧（配列）ではありません。", "The section is not a list."),
    "problem_HELD_BY_ANOTHER_MUNICIPALITY": (
        "他の団体のデータにあるキーです。",
        "Another municipality's data holds this key.",
    ),
    "problem_WRONG_MUNICIPALITY": ("他の団体のファイルです。", "A file of another municipality."),
    "problem_NOT_A_BCL_MEMBER": ("共同クラウドの団体ではありません。", "Not a BCL member."),
    "problem_NOT_IN_RESIDENT_INDEX": (
        "全国の住民索引に、この団体の住民として登録されていません。",
        "Not registered in this municipality in the national resident index.",
    ),
    "problem_NOT_ALLOWED": ("この人には記録できない項目です。", "Not allowed for this person."),
    "problem_NOT_REGISTERED_NAME": (
        "印鑑登録の氏名（旧氏・通称）が住民票にありません。",
        "The seal's name (旧氏 or 通称) is not on the resident's record.",
    ),
    "problem_BAD_CHARACTER": (
        "制御文字・私用領域の文字など、証明書に使えない文字があります。",
        "A character that is never text on a certificate (control, private use …).",
    ),
    "problem_UNDRAWABLE_CHARACTER": (
        "証明書のフォントにない文字があります（MJ文字の符号に変換してください）。",
        "A character the certificate fonts cannot draw (use its MJ code point).",
    ),
    "problem_NOT_JSON": ("JSONとして読めません。", "Not readable as JSON."),
    "problem_NOT_AN_OBJECT": ("JSONのオブジェクトではありません。", "Not a JSON object."),
    "problem_NOT_A_ZIP": ("ZIPとして読めません。", "Not readable as a ZIP."),
    "problem_BAD_ENCODING": (
        "文字コードがUTF-8でもShift_JIS（CP932）でもありません。",
        "The text is neither UTF-8 nor Shift_JIS (CP932).",
    ),
    "server_help": (
        "証明書の作成に必要な記録は、センターがこのサーバに相互TLSで問い合わせます。",
        "The centre asks this server for the records a certificate needs, over mutual TLS.",
    ),
    "server_endpoint": ("接続先", "Endpoint"),
    "server_url": ("接続先URL", "Server URL"),
    "server_url_new": ("新しい接続先URL", "New server URL"),
    "server_url_help": (
        "https:// で始まるURL（例：https://certs.city.lg.jp:8443）。保存すると、センターの次の"
        "問合せから使われます。変更は操作履歴に残ります。",
        "A URL starting with https:// (e.g. https://certs.city.lg.jp:8443). Once saved, the "
        "centre's next call uses it. The change is kept in the audit trail.",
    ),
    "server_url_save": ("接続先を保存する", "Save the URL"),
    "server_url_changed": (
        "接続先URLを変更しました。次の問合せから新しいURLを使います。",
        "The server URL is changed; the next call uses it.",
    ),
    "server_certificate": ("センターのクライアント証明書", "The centre's client certificate"),
    "cert_subject": ("サブジェクト", "Subject"),
    "cert_expiry": ("有効期限", "Expires"),
    "cert_fingerprint": ("フィンガープリント（SHA-256）", "Fingerprint (SHA-256)"),
    "cert_help": (
        "サーバ側で、このフィンガープリントの証明書からの接続を許可してください"
        "（秘密鍵はセンターの外に出ません）。",
        "Let your server accept connections from the certificate with this fingerprint "
        "(its private key never leaves the centre).",
    ),
    "cert_missing": (
        "センターのクライアント証明書が設定されていません。センターにお問い合わせください。",
        "The centre has no client certificate configured. Please contact the centre.",
    ),
    "server_test": ("接続テスト", "Test the connection"),
    "server_test_help": (
        "サーバの稼働確認（/health）を、証明書の交付と同じ相互TLSの接続で呼び出します。"
        "記録は取得しません。結果は交付の遮断（サーキットブレーカー）の判定に含めません。",
        "Calls the server's health check (/health) over the same mutual-TLS connection "
        "certificates use. No record is fetched, and the result does not count in the "
        "circuit breaker that protects issuance.",
    ),
    "server_test_do": ("接続をテストする", "Test now"),
    "check_ok": ("接続できました（応答時間 {ms}ミリ秒）。", "Connected (answered in {ms} ms)."),
    "check_failed_timeout": (
        "時間内に応答がありませんでした（タイムアウト）。",
        "No answer in time (timeout).",
    ),
    "check_failed_tls": (
        "TLSの接続を確立できませんでした。サーバの証明書、またはサーバがセンターの証明書を"
        "受け入れているかを確認してください。",
        "The TLS handshake failed: check the server's certificate, and that the server "
        "accepts the centre's.",
    ),
    "check_failed_connect": (
        "サーバに接続できませんでした。URLとネットワークを確認してください。",
        "Could not connect to the server: check the URL and the network.",
    ),
    "check_failed_http": (
        "サーバがエラーを返しました（HTTP {status}）。",
        "The server answered with an error (HTTP {status}).",
    ),
    "check_failed_not_health": (
        "応答がこの団体の稼働確認の形式ではありません。",
        "The answer is not this municipality's health answer.",
    ),
    "check_failed_too_large": ("応答が大きすぎます。", "The answer is too large."),
    "check_failed_no_certificate": (
        "センターのクライアント証明書が設定されていないため、テストできません。",
        "No client certificate is configured at the centre: nothing to test with.",
    ),
    "check_failed_bad_url": (
        "接続先URLが登録されていないか、https のURLではありません。",
        "No server URL is registered, or it is not an https URL.",
    ),
}

ACTIONS: dict[str, tuple[str, str]] = {
    "bcl_upload": ("連携用データの送信", "Extract uploaded"),
    "bcl_upload_result": ("連携用データの取込結果", "Extract import finished"),
    "own_server_endpoint": ("接続先URLの変更", "Server URL changed"),
}

FIELDS = {
    "size_bytes": "upload_size",
    "sha256": "upload_sha256",
    "state": "upload_result",
    "error_code": "problem_code",
    "problem_count": "upload_problem_count",
    "url": "server_url",
}
