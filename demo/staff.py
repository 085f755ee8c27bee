"""The demo's portal accounts: fixed passwords and TOTP secrets, for a demo only."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import pyotp
from argon2 import PasswordHasher

from issuance.staff.model import Role
from issuance.staff.ports import StaffUnitOfWork
from issuance.staff.services import create_account


@dataclass(frozen=True)
class DemoStaff:
    login: str
    display_name: str
    role: Role
    municipality_code: str | None
    kiosk_operator_id: str | None
    password: str
    totp_secret: str  # base32, fixed so the demo's authenticator can be set up once

    def code_now(self, when: datetime | None = None) -> str:
        """The TOTP code valid at ``when`` (default: now)."""
        totp = pyotp.TOTP(self.totp_secret)
        return totp.at(when) if when else totp.now()


DEMO_STAFF = (
    DemoStaff(
        "admin@chiyoda.example.jp",
        "千代田区 管理者",
        Role.MUNICIPAL_ADMIN,
        "131016",
        None,
        "demo-chiyoda-admin",
        "KOFUDEMOCHIYODAADMIN2345",
    ),
    DemoStaff(
        "viewer@chiyoda.example.jp",
        "千代田区 閲覧者",
        Role.MUNICIPAL_VIEWER,
        "131016",
        None,
        "demo-chiyoda-viewer",
        "KOFUDEMOCHIYODAVIEWER234",
    ),
    DemoStaff(
        "admin@soka.example.jp",
        "草加市 管理者",
        Role.MUNICIPAL_ADMIN,
        "112216",
        None,
        "demo-soka-admin",
        "KOFUDEMOSOKAADMIN2345672",
    ),
    DemoStaff(
        "operator@centre.example.jp",
        "センター 運用者",
        Role.CENTRE_OPERATOR,
        None,
        None,
        "demo-centre-operator",
        "KOFUDEMOCENTREOPERATOR23",
    ),
    DemoStaff(
        "staff@seven.example.jp",
        "セブン-イレブン 担当者",
        Role.KIOSK_OPERATOR,
        None,
        "seven",
        "demo-seven-staff",
        "KOFUDEMOSEVENSTAFF234567",
    ),
)


def load_staff(uow: StaffUnitOfWork, now: datetime, hasher: PasswordHasher | None = None) -> None:
    """Create the demo accounts that do not exist yet (idempotent; commits)."""
    hasher = hasher or PasswordHasher()
    for staff in DEMO_STAFF:
        if uow.staff_accounts.by_login(staff.login) is None:
            create_account(
                uow,
                hasher,
                login=staff.login,
                display_name=staff.display_name,
                role=staff.role,
                now=now,
                municipality_code=staff.municipality_code,
                kiosk_operator_id=staff.kiosk_operator_id,
                password=staff.password,
                totp_secret=staff.totp_secret,
            )
