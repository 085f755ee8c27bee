"""Every problem a 異動 file can have: a stable code, and what it means in Japanese and English."""

from __future__ import annotations

# code -> (Japanese, English); printed on every line of a rejected file's report.
PROBLEMS: dict[str, tuple[str, str]] = {
    # The file as a whole (row 0).
    "NOT_READABLE": (
        "ファイルを読み取れません（JSON、またはUTF-8かCP932のCSV）。",
        "The file cannot be read (JSON, or CSV in UTF-8 or CP932).",
    ),
    "NOT_AN_IDOU_FILE": (
        '異動ファイルではありません（"idou" の配列が必要です）。',
        'This is not a 異動 file: an object with an "idou" array is expected.',
    ),
    "MISSING_COLUMN": ("必須の列がありません。", "A required column is missing."),
    # One row's fields.
    "NOT_AN_OBJECT": ("行がオブジェクトではありません。", "The row is not an object."),
    "UNKNOWN_FIELD": ("様式にない項目です。", "This field is not part of the format."),
    "MISSING_FIELD": ("必須の項目がありません。", "A required field is missing."),
    "BAD_ID": (
        "異動IDは64文字までの文字列です。",
        "The 異動 id must be a text of at most 64 characters.",
    ),
    "BAD_CODE": (
        "番号の桁数または検査数字が正しくありません。",
        "The code is malformed or its check digit is wrong.",
    ),
    "BAD_KIND": ("異動の種別が正しくありません。", "This is not a known kind of 異動."),
    "BAD_DATE": (
        "日付が正しくありません（YYYY-MM-DD）。",
        "The date is not a valid YYYY-MM-DD date.",
    ),
    "FUTURE_DATE": ("未来の日付です。", "The date is in the future."),
    "BIRTH_AFTER_IDOU": ("生年月日が異動日より後です。", "The birth date is after the 異動日."),
    "DUPLICATE_ID": (
        "同じ異動IDがファイル内に2回以上あります。",
        "The same 異動 id appears more than once in the file.",
    ),
    # The row against the index and the file's other rows, in 異動日 order.
    "ID_CONFLICT": (
        "この異動IDは別の内容ですでに適用されています。",
        "This 異動 id was already applied with different content.",
    ),
    "UNKNOWN_PERSON": (
        "この住民票コードは索引にありません（新たな方を加えるのは出生のみです）。",
        "This 住民票コード is not in the index; only a birth adds a person.",
    ),
    "ALREADY_IN_INDEX": (
        "この住民票コードはすでに索引にあります。",
        "This 住民票コード is already in the index.",
    ),
    "ALREADY_DECEASED": ("この方はすでに死亡しています。", "This person is already deceased."),
    "OUT_OF_ORDER": (
        "異動日がこの方の直近の住所の異動より前です。",
        "The 異動日 is before this person's latest recorded move.",
    ),
    "ALREADY_REGISTERED_THERE": (
        "この方はすでにその市区町村に住民登録があります。",
        "This person is already registered in that municipality.",
    ),
    "NOT_REGISTERED": (
        "この方は現在どの市区町村にも住民登録がありません。",
        "This person is not registered in any municipality now.",
    ),
    "NOT_REGISTERED_THERE": (
        "この方はその市区町村に住民登録がありません。",
        "This person is not registered in that municipality.",
    ),
    "ALREADY_FILED": ("転出届はすでに出されています。", "A 転出届 is already filed."),
    "NOT_FILED": ("取り消す転出届がありません。", "There is no 転出届 to withdraw."),
    "BIRTH_DATE_MISMATCH": (
        "生年月日が索引と一致しません。",
        "The birth date differs from the index.",
    ),
}
