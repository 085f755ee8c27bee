"""The money pages' words: statements, usage charts, counter counts, the cost view."""

from __future__ import annotations

STRINGS: dict[str, tuple[str, str]] = {
    "money_nav": ("料金・利用状況", "Money and usage"),
    "statements_nav": ("月次明細", "Monthly statements"),
    "usage_nav": ("利用状況", "Usage"),
    "cost_nav": ("費用の比較", "Cost comparison"),
    "commissions_nav": ("委託手数料の明細", "Commission statements"),
    "statements_title": ("月次明細書", "Monthly statements"),
    "statements_help": (
        "センターが月ごとに締めた明細です。「下書き」は締め直されると金額が変わることがあり、"
        "「確定」は変わりません。",
        "Statements the centre closes each month. A draft may still change when the month is "
        "closed again; a final one never changes.",
    ),
    "statement_title": ("{month}分 月次明細書", "Statement for {month}"),
    "statement_month": ("対象月", "Month"),
    "statement_status": ("状態", "Status"),
    "status_draft": ("下書き（未確定）", "Draft (not final)"),
    "status_final": ("確定", "Final"),
    "draft_warning": (
        "この明細は下書きです。月次の確定前に金額が変わることがあります。",
        "This statement is a draft: its figures may change until the month is made final.",
    ),
    "final_note": ("この明細は確定済みです。", "This statement is final."),
    "statement_party": ("宛先", "For"),
    "statement_lines": ("明細", "Lines"),
    "item": ("項目", "Item"),
    "unit_price": ("単価", "Unit price"),
    "amount": ("金額", "Amount"),
    "item_fees": ("収納手数料（住民から）", "Fees collected from residents"),
    "item_commission": ("委託手数料（事業者へ）", "Commission to the kiosk operator"),
    "item_contribution": ("運営負担金（月割）", "Hub contribution (monthly share)"),
    "item_jpki": ("JPKI失効確認", "JPKI revocation checks"),
    "item_net": ("差引（収納手数料 − 費用）", "Net (fees − costs)"),
    "item_net_operator": ("差引（市区町村への引渡額）", "Net (passed on to municipalities)"),
    "item_adjustment": ("訂正", "Adjustment"),
    "line_content": ("内容", "Description"),
    "tax_treatment": ("税区分", "Tax"),
    "tax_non_taxable": ("非課税", "Not taxable"),
    "tax_taxable_10": ("課税10%（税込）", "Taxable 10% (included)"),
    "tax_total_non_taxable": ("非課税 対象 合計", "Total not taxable"),
    "tax_total_taxable_10": (
        "課税10% 対象 合計（うち消費税 {tax}）",
        "Total taxable at 10% (consumption tax {tax} included)",
    ),
    "registration_number": ("登録番号", "Registration no."),
    "statement_number": ("明細書番号", "Statement no."),
    "issued_on": ("発行日", "Issued on"),
    "due_on": ("支払期日", "Due on"),
    "total_of": ("{item} 計", "{item}, total"),
    "party_with_id": ("{name}（{id}）", "{name} ({id})"),
    "issues_total": ("交付件数（申請）", "Requests issued"),
    "copies_total": ("交付通数", "Certificates issued"),
    "download": ("ダウンロード", "Download"),
    "download_csv": ("CSV（Excel用）", "CSV (for Excel)"),
    "download_pdf": ("PDF", "PDF"),
    "open_statement": ("明細を開く", "Open"),
    "no_statements": (
        "明細はまだありません（センターが月次の締めを行うと表示されます）。",
        "No statements yet (they appear once the centre closes a month).",
    ),
    "usage_title": ("利用状況と利用率", "Usage and kiosk share"),
    "usage_help": (
        "直近12か月（今月を除く）のコンビニ交付の通数と、窓口交付件数から求めた"
        "利用率（コンビニ交付の割合）です。",
        "Certificates issued at kiosks over the last 12 complete months, and the kiosk share "
        "of all issues computed from the counter counts you upload.",
    ),
    "chart_by_kind_title": (
        "コンビニ交付の通数（月別・証明書の種類別）",
        "Certificates issued at kiosks, by month and kind",
    ),
    "chart_by_kind_desc": (
        "{first}から{last}までの各月、証明書の種類ごとの交付通数の折れ線グラフ。",
        "Line chart of certificates issued per month from {first} to {last}, one line per kind.",
    ),
    "axis_certificates": ("交付通数（通）", "Certificates (count)"),
    "axis_month": ("月", "Month"),
    "axis_share": ("利用率（%）", "Kiosk share (%)"),
    "chart_share_title": (
        "利用率（コンビニ交付 ÷ 全交付）と全国値",
        "Kiosk share of all issues, against the national figure",
    ),
    "chart_share_desc": (
        "各月の利用率の棒グラフ。破線は全国値 {national}%。窓口件数のない月は棒がありません。",
        "Bar chart of the kiosk share per month; the dashed line is the national {national}%. "
        "Months without counter counts have no bar.",
    ),
    "national_label": ("全国 {national}%", "National {national}%"),
    "no_counter": ("未登録", "none"),
    "no_issues": ("この期間のコンビニ交付はありません。", "No kiosk issues in this period."),
    "table_of_chart": ("グラフの数値", "Figures of the chart"),
    "kiosk_issues": ("コンビニ交付（通）", "Kiosk (certificates)"),
    "counter_issues": ("窓口交付（通）", "Counter (certificates)"),
    "share": ("利用率", "Kiosk share"),
    "share_note": (
        "利用率は、窓口交付件数を登録した証明書の種類だけで計算しています。"
        "全国値は令和5年度の住民票の写しの値です。",
        "The share counts only the kinds with uploaded counter counts. The national figure is "
        "FY2023's, for certificates of residence.",
    ),
    "counter_upload_title": ("窓口交付件数の登録", "Upload counter counts"),
    "counter_upload_help": (
        "CSVファイル（列: month, kind, count。見出しは 年月, 証明書の種類, 件数 でも可）。"
        "Excelで保存したUTF-8またはShift_JISのファイルを受け付けます。"
        "誤りが一つでもあれば何も登録せず、行・列・内容を一覧で示します。"
        "登録済みの月と種類は新しい件数に置き換わります（履歴は残ります）。",
        "A CSV file with the columns month, kind, count (or 年月, 証明書の種類, 件数), saved "
        "from Excel as UTF-8 or Shift_JIS. If any row is wrong nothing is recorded and every "
        "problem is listed by row and column. A month and kind already uploaded take the new "
        "count (the history is kept).",
    ),
    "counter_file": ("CSVファイル", "CSV file"),
    "counter_upload": ("登録する", "Upload"),
    "counter_example": ("例：", "Example: "),
    "counter_recorded": (
        "窓口交付件数を登録しました（新規・変更 {n} 件）。",
        "Counter counts recorded ({n} new or changed).",
    ),
    "counter_unchanged": (
        "登録済みの件数と同じため、変更はありません。",
        "The file repeats the counts already recorded; nothing changed.",
    ),
    "counter_no_file": ("ファイルを選んでください。", "Choose a file."),
    "report_title": ("誤りの一覧（{n}件）", "Problems found ({n})"),
    "report_row": ("行", "Row"),
    "report_field": ("列", "Column"),
    "column_month": ("年月（month）", "month"),
    "column_kind": ("証明書の種類（kind）", "kind"),
    "column_count": ("件数（count）", "count"),
    "column_municipality_code": ("団体コード（municipality_code）", "municipality_code"),
    "report_problem": ("内容", "Problem"),
    "report_code": ("コード", "Code"),
    "cost_title": ("1通あたりの費用と負担金の方式", "Cost per certificate under each scheme"),
    "cost_help": (
        "年度（4月〜翌年3月）の運営負担金・委託手数料・JPKI失効確認・自庁の費用を、交付通数で割った"
        "金額です。現行の定額制と他の方式を比べます。従量制と併用制はセンター全体の収入を変えずに"
        "配分だけを変え、上限制は1通あたりの上限を超える分だけセンターの収入が減ります。"
        "単価は1円未満を四捨五入して表示しています。",
        "What the fiscal year (April to March) cost — hub contribution, commission, JPKI "
        "checks, own costs — divided by the certificates issued, under today's fixed scheme "
        "and the alternatives: metered and hybrid keep the hub's total income and only share "
        "it differently; the cap lowers it by what exceeds the cap. Rates are rounded to the yen.",
    ),
    "fiscal_year": ("年度", "Fiscal year"),
    "show": ("表示", "Show"),
    "fy_label": ("{era}年度（{year}年4月〜{next}年3月）", "FY{year} (April {year} – March {next})"),
    "cost_breakdown": ("{fy}の費用の内訳", "Costs in {fy}"),
    "cost_contribution": ("運営負担金", "Hub contribution"),
    "cost_commission": ("委託手数料", "Commission"),
    "cost_jpki": ("JPKI失効確認", "JPKI revocation checks"),
    "cost_own": ("自庁の費用（償却・保守）", "Own costs (amortised, maintenance)"),
    "cost_total": ("費用の合計", "Total cost"),
    "cost_issues": ("交付通数", "Certificates issued"),
    "cost_fees": ("収納手数料（参考）", "Fees collected (for reference)"),
    "cost_schemes": ("方式ごとの負担金と1通あたり費用", "Contribution and cost per certificate"),
    "scheme": ("方式", "Scheme"),
    "scheme_contribution": ("運営負担金（年額）", "Contribution (a year)"),
    "per_issue": ("1通あたり費用", "Cost per certificate"),
    "change_vs_fixed": ("現行との差", "Change against today"),
    "scheme_fixed": ("定額制（現行・団体区分別）", "Fixed by class (today)"),
    "scheme_metered": ("従量制（1通 ¥{rate}）", "Metered (¥{rate} a certificate)"),
    "scheme_hybrid": (
        "併用制（現行額の{share}% ＋ 1通 ¥{rate}）",
        "Hybrid ({share}% of today's amount + ¥{rate} a certificate)",
    ),
    "scheme_capped": ("上限制（1通 ¥{cap} まで）", "Capped (at most ¥{cap} a certificate)"),
    "fy_in_progress": (
        "この年度は途中です。運営負担金は年額、交付通数は今日までの分なので、1通あたり費用は"
        "年度末の値より高く出ます。",
        "This fiscal year is not over: the contribution is the whole year's but the "
        "certificates only those issued so far, so the cost per certificate reads higher than "
        "it will at the year's end.",
    ),
    "cost_chart_desc": (
        "{fy}の1通あたり費用を方式ごとに比べた横棒グラフ。一番上が現行の定額制。",
        "Bar chart of the cost per certificate in {fy} under each scheme; today's fixed scheme "
        "on top.",
    ),
    "axis_per_issue": ("1通あたり費用（円）", "Cost per certificate (yen)"),
    "copies_unit": ("{n}通", "{n}"),
    "report_link": ("誤りの一覧を見る", "See the problems"),
    "cost_none": (
        "この年度は参加しておらず、交付もありません。",
        "Not taking part in this fiscal year, and nothing issued.",
    ),
    "no_issues_per_issue": ("—（交付なし）", "— (none issued)"),
    "commissions_title": ("委託手数料の月次明細", "Monthly commission statements"),
    "commissions_help": (
        "貴社の端末での交付に対する委託手数料の明細です。",
        "Commission for the certificates issued at your kiosks.",
    ),
}

ACTIONS: dict[str, tuple[str, str]] = {
    "counter_counts_upload": ("窓口交付件数の登録", "Counter counts uploaded"),
}

FIELDS = {
    "counter_count": "count",
    "month": "statement_month",
}
