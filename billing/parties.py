"""Who a statement is from: the hub that issues statements, as the settings name it."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Issuer:
    """The statements' issuer (発行者): name, 適格請求書 registration number (T + 13 digits),
    and the account payments to it go into (振込先)."""

    name: str
    registration_number: str
    payee_account: str


DEMO_ISSUER = Issuer(
    name="コンビニ交付センター（デモ）",
    registration_number="T7000012050002",  # 国税庁's own number: valid in form, never ours
    payee_account="デモ銀行 本店営業部 普通預金 0000000 コンビニコウフセンター",
)
