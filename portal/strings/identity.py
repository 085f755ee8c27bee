"""The words of the issuer identity pages: the mayor, the heading, the 公印 and the 見本."""

from __future__ import annotations

STRINGS: dict[str, tuple[str, str]] = {
    "identity_nav": ("発行者・公印", "Issuer and seal"),
    "identity_title": (
        "証明書の発行者（首長名・見出し・公印）",
        "Certificate issuer (mayor, heading, seal)",
    ),
    "identity_now": ("現在の発行者", "The issuer now"),
    "identity_since": ("適用開始", "In effect since"),
    "identity_from_record": ("団体の登録内容", "The municipality's record"),
    "mayor_title": ("首長の職名", "Mayor's title"),
    "mayor_name": ("首長の氏名", "Mayor's name"),
    "header": ("証明書の見出し", "Certificate heading"),
    "seal": ("公印", "Seal"),
    "seal_drawn": ("自治体名から作成した印影", "Drawn from the municipality's name"),
    "seal_uploaded": ("登録した画像", "Uploaded image"),
    "seal_image_of": ("{when}からの公印", "Seal from {when}"),
    "identity_history": ("予定と履歴", "Scheduled and past changes"),
    "identity_scheduled_mark": ("予約", "Scheduled"),
    "identity_in_effect_mark": ("適用中", "In effect"),
    "identity_past_mark": ("終了", "Ended"),
    "identity_new": ("発行者の変更を予約する", "Schedule a change of issuer"),
    "identity_help": (
        "選挙で首長が替わるときなどは、新しい首長の就任日時を適用開始日時にして予約します。"
        "その日時より前に交付された証明書は旧首長名、以後は新首長名で印刷されます。"
        "公印の画像を選ばないときは、その時点の公印をそのまま使います。",
        "When a new mayor takes office, schedule the change from the moment they do. "
        "Certificates issued before it print the former mayor, from it the new one. "
        "Without a new seal image, the seal in effect at that moment is kept.",
    ),
    "mayor_title_help": (
        "印刷されるとおりに入力します（例：{title}）。職務代理者が証明するときは、その職名を"
        "入力します。都道府県名は前に自動で付きます。",
        "As printed (e.g. {title}); for an acting mayor, their title. The prefecture is put "
        "before it.",
    ),
    "header_help": (
        "各ページの左上に印刷されます。空欄のときは都道府県名と団体名です。",
        "Printed at the top left of each page. Blank: the prefecture and municipality.",
    ),
    "seal_file": (
        "公印の画像（PNGまたはSVG、512KB以下、ほぼ正方形）",
        "Seal image (PNG or SVG, at most 512 KB, roughly square)",
    ),
    "seal_help": (
        "SVGは図形だけのものを受け付け、PNGに変換して保存します。"
        "スクリプトや外部への参照を含むものは受け付けません。",
        "An SVG of shapes only is accepted and stored as PNG; one with scripts or "
        "references outside the file is refused.",
    ),
    "identity_schedule": ("予約する", "Schedule"),
    "identity_scheduled": ("発行者の変更を予約しました。", "The change of issuer is scheduled."),
    "identity_withdraw": ("取り下げる", "Withdraw"),
    "identity_withdraw_title": (
        "発行者の変更予約の取下げ",
        "Withdraw a scheduled change of issuer",
    ),
    "identity_withdraw_confirm": (
        "この変更予約を取り下げることを確認しました",
        "I confirm withdrawing this change of issuer",
    ),
    "identity_withdrawn": (
        "発行者の変更予約を取り下げました。",
        "The scheduled change is withdrawn.",
    ),
    "samples_nav": ("証明書の見本", "Sample certificates"),
    "samples_title": ("証明書の見本", "Sample certificates"),
    "samples_help": (
        "選んだ日時に交付する証明書が、どの首長名・見出し・公印で印刷されるかを確認できます。"
        "架空の人物「見本　太郎」で作成し、全ページに「見本」と印刷されます。"
        "見本には照合用のQRコードが無く、証明書として照合できません。",
        "See how each certificate will print at a chosen moment: mayor, heading and seal. "
        "Made for the fictitious 見本 太郎 and marked 見本 on every page. A sample has no "
        "verification code and cannot be verified as a certificate.",
    ),
    "samples_at": ("交付日時", "Issued at"),
    "samples_show": ("表示する", "Show"),
    "samples_as_of": ("{when}に交付する場合", "As issued at {when}"),
    "samples_none": (
        "この日時に交付する証明書はありません。",
        "No certificate is offered at this moment.",
    ),
    "sample_alt": ("{kind}の見本（1ページ目）", "Sample {kind} (first page)"),
    "sample_pdf": ("PDFをダウンロード", "Download the PDF"),
    "samples_link": ("証明書の見本を見る", "See sample certificates"),
}

ACTIONS: dict[str, tuple[str, str]] = {
    "identity_schedule": ("発行者の変更予約", "Issuer change scheduled"),
    "identity_withdraw": ("発行者の変更予約の取下げ", "Issuer change withdrawn"),
}

FIELDS = {
    "mayor_title": "mayor_title",
    "mayor_name": "mayor_name",
    "header": "header",
    "seal": "seal",
}
