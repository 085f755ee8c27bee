"""Staff accounts: passwords (argon2), TOTP, lockout after five failures, tenant rules, audit."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pyotp
import pytest
from argon2 import PasswordHasher

from issuance.staff.errors import LoginFailedError, StaffInputError, TotpFailedError
from issuance.staff.model import AuditEntry, Role, StaffAccount, TenantMismatchError
from issuance.staff.services import check_password, check_totp, create_account
from tests.unit.fakes import FakeUnitOfWork

NOW = datetime(2026, 12, 6, 1, 0, tzinfo=UTC)
FAST = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)


class FakeStaffAccounts:
    def __init__(self) -> None:
        self.rows: dict[int, StaffAccount] = {}

    def get(self, account_id: int) -> StaffAccount | None:
        return self.rows.get(account_id)

    def by_login(self, login: str) -> StaffAccount | None:
        return next((a for a in self.rows.values() if a.login == login), None)

    def add(self, account: StaffAccount) -> None:
        account.id = len(self.rows) + 1
        self.rows[account.id] = account


class FakeStaffAudit:
    def __init__(self) -> None:
        self.entries: list[AuditEntry] = []

    def add(self, entry: AuditEntry) -> None:
        self.entries.append(entry)

    def recent(self, account_id: int | None, since: datetime) -> list[AuditEntry]:
        return [e for e in reversed(self.entries) if e.at >= since]

    def of_municipality(
        self, code: str, limit: int, sign_ins: bool = True
    ) -> list[tuple[AuditEntry, str]]:
        return []  # the audit trail page is tested on the database


class StaffUow(FakeUnitOfWork):
    def __init__(self) -> None:
        super().__init__()
        self.staff_accounts = FakeStaffAccounts()
        self.staff_audit = FakeStaffAudit()


@pytest.fixture
def uow() -> StaffUow:
    return StaffUow()


def admin(uow: StaffUow, **kwargs: Any) -> StaffAccount:
    values: dict[str, Any] = {
        "login": " Admin@City.example.jp ",
        "display_name": "千代田 管理者",
        "role": Role.MUNICIPAL_ADMIN,
        "municipality_code": "131016",
        "password": "correct horse",
        "totp_secret": pyotp.random_base32(),
        "now": NOW,
    }
    values.update(kwargs)
    account, _ = create_account(uow, FAST, **values)  # type: ignore[arg-type]
    return account


def actions(uow: StaffUow) -> list[str]:
    return [e.action for e in uow.staff_audit.entries]


def test_a_new_account_stores_an_argon2_hash_and_a_lowercased_login(uow: StaffUow) -> None:
    account = admin(uow)
    assert account.login == "admin@city.example.jp"
    assert account.password_hash.startswith("$argon2id$")
    assert "correct horse" not in account.password_hash
    assert actions(uow) == ["account_create"]


def test_a_random_one_time_password_is_made_when_none_is_given(uow: StaffUow) -> None:
    _, password = create_account(
        uow,
        FAST,
        login="op@centre.example.jp",
        display_name="運用",
        role=Role.CENTRE_OPERATOR,
        now=NOW,
    )
    assert len(password) >= 16


@pytest.mark.parametrize(
    ("role", "municipality", "operator"),
    [
        (Role.MUNICIPAL_ADMIN, None, None),
        (Role.MUNICIPAL_VIEWER, "131016", "OP1"),
        (Role.KIOSK_OPERATOR, "131016", None),
        (Role.CENTRE_OPERATOR, "131016", None),
    ],
)
def test_the_tenant_must_match_the_role(
    uow: StaffUow, role: Role, municipality: str | None, operator: str | None
) -> None:
    with pytest.raises(TenantMismatchError):
        admin(uow, role=role, municipality_code=municipality, kiosk_operator_id=operator)


def test_a_login_used_twice_is_refused_with_a_stable_code(uow: StaffUow) -> None:
    admin(uow)
    with pytest.raises(StaffInputError) as caught:
        admin(uow, login="admin@city.example.jp")
    assert caught.value.code == "LOGIN_TAKEN"


def test_the_right_password_passes_and_is_audited_without_the_password(uow: StaffUow) -> None:
    account = admin(uow)
    assert check_password(uow, FAST, "ADMIN@city.example.jp", "correct horse", NOW) is account
    assert actions(uow)[-1] == "login_password_ok"
    assert all("correct horse" not in repr((e.old, e.new)) for e in uow.staff_audit.entries)


def test_unknown_login_and_wrong_password_fail_alike(uow: StaffUow) -> None:
    admin(uow)
    with pytest.raises(LoginFailedError) as unknown:
        check_password(uow, FAST, "nobody@city.example.jp", "correct horse", NOW)
    with pytest.raises(LoginFailedError) as wrong:
        check_password(uow, FAST, "admin@city.example.jp", "wrong", NOW)
    assert unknown.value.as_dict() == wrong.value.as_dict()
    assert "ロックされています" in unknown.value.message_ja  # one message, the lock named


def test_five_failures_lock_the_account_even_against_the_right_password(uow: StaffUow) -> None:
    account = admin(uow)
    for _ in range(5):
        with pytest.raises(LoginFailedError):
            check_password(uow, FAST, account.login, "wrong", NOW)
    assert account.locked_until == NOW + timedelta(minutes=15)
    assert "account_locked" in actions(uow)
    with pytest.raises(LoginFailedError):
        check_password(uow, FAST, account.login, "correct horse", NOW + timedelta(minutes=14))
    assert actions(uow)[-1] == "login_refused_locked"
    later = NOW + timedelta(minutes=15)
    assert check_password(uow, FAST, account.login, "correct horse", later) is account


def test_a_current_totp_code_completes_the_login_and_resets_failures(uow: StaffUow) -> None:
    account = admin(uow)
    with pytest.raises(LoginFailedError):
        check_password(uow, FAST, account.login, "wrong", NOW)
    code = pyotp.TOTP(account.totp_secret or "").at(NOW)
    assert check_totp(uow, account.id, code, NOW) is account
    assert account.failed_logins == 0
    assert actions(uow)[-1] == "login_success"


def test_a_wrong_totp_code_counts_as_a_failure(uow: StaffUow) -> None:
    account = admin(uow)
    with pytest.raises(TotpFailedError):
        check_totp(uow, account.id, "12345x", NOW)
    assert account.failed_logins == 1


def test_enrolment_stores_the_secret_only_once_a_code_matches(uow: StaffUow) -> None:
    account = admin(uow, totp_secret=None)
    secret = pyotp.random_base32()
    with pytest.raises(TotpFailedError):
        check_totp(uow, account.id, "abcdef", NOW, enrolling_secret=secret)
    assert account.totp_secret is None
    check_totp(uow, account.id, pyotp.TOTP(secret).at(NOW), NOW, enrolling_secret=secret)
    assert account.totp_secret == secret
    assert "totp_enrolled" in actions(uow)


def test_municipal_staff_may_read_their_own_municipality_only(uow: StaffUow) -> None:
    from issuance.staff.errors import NotVisibleError
    from issuance.staff.tenancy import municipality_for

    account = admin(uow)
    assert municipality_for(uow.staff_accounts, account.id, "131016") == "131016"
    for code in ("112216", "13101", ""):
        with pytest.raises(NotVisibleError):
            municipality_for(uow.staff_accounts, account.id, code)
    with pytest.raises(NotVisibleError):
        municipality_for(uow.staff_accounts, 999, "131016")
