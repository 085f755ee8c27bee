"""The staff use cases' refusals: stable codes, Japanese and English messages."""

from __future__ import annotations

from issuance.errors import KofuError


class LoginFailedError(KofuError):
    """Unknown login, wrong password, locked or removed account: all look the same."""

    code = "LOGIN_FAILED"
    # One message for all, so nobody learns which accounts exist or are locked; it names the
    # lock, so a clerk locked out by five wrong codes is not sent to check the password.
    message_ja = (
        "ログインできません。ログインIDかパスワードが正しくないか、"
        "続けて誤ったためにロックされています（15分後に再度お試しください）。"
    )
    message_en = (
        "Cannot sign in: the login ID or password is wrong, or the account is locked after "
        "repeated mistakes (try again in 15 minutes)."
    )


class TotpFailedError(KofuError):
    code = "TOTP_FAILED"
    message_ja = "確認コードが正しくありません"
    message_en = "The verification code is incorrect"


class StaffInputError(KofuError):
    """Input a staff member can correct; ``code`` names what (LOGIN_TAKEN, KIOSK_ID_TAKEN…)."""

    code = "STAFF_INPUT_INVALID"
    message_ja = "入力内容に誤りがあります。"
    message_en = "The input is not valid."


class NotVisibleError(KofuError):
    """The object does not exist, or belongs to another tenant: the portal answers 404."""

    code = "NOT_FOUND"
    message_ja = "見つかりません。"
    message_en = "Not found."
