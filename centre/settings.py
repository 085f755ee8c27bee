"""Settings: read once from the ``KOFU_*`` environment variables into one frozen object."""

from __future__ import annotations

import ipaddress
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Literal
from urllib.parse import urlsplit

from cryptography import x509
from cryptography.x509.oid import NameOID
from pydantic import Field, ValidationError, field_validator, model_validator
from pydantic.fields import FieldInfo
from pydantic_settings import BaseSettings, PydanticBaseSettingsSource, SettingsConfigDict

from billing.parties import DEMO_ISSUER, Issuer
from billing.registration import is_registration_number
from issuance.errors import KofuError

ENV_PREFIX = "KOFU_"
DEFAULT_DATA_DIR = Path("var")
DEV_PEPPER = "kofu-dev-pepper"
MIN_PEPPER_LENGTH = 32
DEV_PORTAL_SECRET = "kofu-dev-portal-secret"
# The organisation named in every certificate of demo/jpki.py's test authority.
DEMO_JPKI_ORGANIZATION = "Kofu Test JPKI"


class SettingsError(KofuError, ValueError):
    """The environment does not describe a centre that may start; ``problems`` says why."""

    code = "SETTINGS_INVALID"
    message_ja = "設定が正しくないため起動できません。"
    message_en = "The centre cannot start: its settings are invalid."

    def __init__(self, problems: list[str]) -> None:
        listed = "; ".join(problems)
        super().__init__(
            message_ja=f"{self.message_ja} {listed}",
            message_en=f"{self.message_en} {listed}",
            problems=problems,
        )
        self.problems = problems

    def __str__(self) -> str:
        return "; ".join(self.problems)


class _UnfitForProduction(ValueError):
    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


class Settings(BaseSettings):
    """Everything the centre needs to start; built once by ``load_settings`` and passed down."""

    model_config = SettingsConfigDict(env_prefix=ENV_PREFIX, frozen=True, extra="forbid")

    env: Literal["development", "production"] = "development"
    data_dir: Path = DEFAULT_DATA_DIR
    database_url: str  # default: SQLite under data_dir (see _derive_from_data_dir)
    redis_url: str | None = None
    pki_dir: Path
    kiosk_key_pepper: str = DEV_PEPPER
    demo: bool = False  # the development pepper is allowed on PostgreSQL too (bench, tests)
    document_ttl_seconds: int = 600
    challenge_ttl_seconds: int = 120
    session_ttl_seconds: int = 900
    max_body_bytes: int = 64 * 1024
    render_threads: int = 2  # in-process queue only: threads for BCL renders
    # Threads for own-server renders: of the in-process queue, or beside each `kofu worker`
    # main (BCL) thread.
    own_server_render_threads: int = 2
    own_server_calls: int = 2  # per own-server municipality and process: calls at once
    own_server_calls_in_all: int = 4  # per process, to every own server together
    job_timeout_seconds: int = 120
    queue_name: str = "kofu-render"
    signing_key_dir: Path | None = None  # Ed25519 keys for document tokens (<kid>.pem, current)
    public_url: str = "http://127.0.0.1:8000"  # where recipients verify: printed in the QR code
    verify_rate_per_minute: int = 30
    trusted_proxies: int = Field(default=0, ge=0)  # proxies in front whose X-Forwarded-For counts
    municipal_tls_dir: Path | None = None  # ca.pem, centre.pem, centre-key.pem (own servers)
    pades_dir: Path | None = None  # ca.pem, signer.pem, signer-key.pem: PAdES document signing
    long_poll_slots: int = 6  # per server process: polls held at once (keep below --threads)
    own_server_poll_slots: int = 1  # of those, per own-server municipality
    portal_secret_key: str = DEV_PORTAL_SECRET  # signs the portal's session cookies
    portal_secure_cookies: bool | None = None  # None: true unless KOFU_DEMO=1
    portal_idle_minutes: int = Field(default=15, ge=1)  # signed out after this long idle
    portal_login_attempts_per_minute: int = Field(default=10, ge=1)  # per client address
    # Who issues the monthly statements (the hub), its 適格請求書 registration number and the
    # account it is paid into. The defaults are the demo's, and say so on every statement.
    billing_issuer_name: str = DEMO_ISSUER.name
    billing_issuer_registration_number: str = DEMO_ISSUER.registration_number
    billing_payee_account: str = DEMO_ISSUER.payee_account
    # Log lines: one JSON object each (for a log shipper), or "console" for a person reading.
    log_format: Literal["json", "console"] = "json"

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        # Only what the caller passes: load_settings is the one place that reads the environment.
        return (init_settings,)

    @model_validator(mode="before")
    @classmethod
    def _derive_from_data_dir(cls, values: Any) -> Any:
        if not isinstance(values, dict):
            return values
        data_dir = Path(values.get("data_dir") or DEFAULT_DATA_DIR)
        derived = {
            "database_url": f"sqlite:///{data_dir / 'kofu.sqlite3'}",
            "pki_dir": data_dir / "jpki",
            "signing_key_dir": data_dir / "signing-keys",
            "municipal_tls_dir": data_dir / "municipal-tls",
            "pades_dir": data_dir / "pades",
        }
        return {**derived, **values}

    @field_validator("public_url")
    @classmethod
    def _no_trailing_slash(cls, value: str) -> str:
        return value.rstrip("/")

    @property
    def billing_issuer(self) -> Issuer:
        """Who issues the monthly statements (the hub), as these settings name it."""
        return Issuer(
            self.billing_issuer_name,
            self.billing_issuer_registration_number,
            self.billing_payee_account,
        )

    @field_validator("billing_issuer_registration_number")
    @classmethod
    def _registration_number(cls, value: str) -> str:
        if not is_registration_number(value):
            raise ValueError("must be T and a 13-digit 法人番号 with its check digit")
        return value

    @model_validator(mode="after")
    def _fit_for_production(self) -> Settings:
        if self.env == "production":
            problems = production_problems(self)
            if problems:
                raise _UnfitForProduction(problems)
        return self

    @property
    def portal_cookies_secure(self) -> bool:
        """Whether the portal's cookies carry ``Secure`` (HTTPS only): yes unless a demo."""
        if self.portal_secure_cookies is None:
            return not self.demo
        return self.portal_secure_cookies

    @property
    def jobs_in_process(self) -> bool:
        return self.redis_url is None

    def with_overrides(self, **changes: object) -> Settings:
        """A copy with ``changes`` applied, validated like the original."""
        return type(self)(**{**self.model_dump(), **changes})


class _EnvMapping(PydanticBaseSettingsSource):
    """``KOFU_<FIELD>`` values from one mapping; an empty string counts as unset."""

    def __init__(self, settings_cls: type[BaseSettings], env: Mapping[str, str]) -> None:
        super().__init__(settings_cls)
        self.env = env

    def get_field_value(self, field: FieldInfo, field_name: str) -> tuple[Any, str, bool]:
        return self.env.get(f"{ENV_PREFIX}{field_name.upper()}") or None, field_name, False

    def __call__(self) -> dict[str, Any]:
        fields = self.settings_cls.model_fields
        found = {name: self.get_field_value(field, name)[0] for name, field in fields.items()}
        return {name: value for name, value in found.items() if value is not None}


def load_settings(env: Mapping[str, str] | None = None) -> Settings:
    """Build the settings from ``env`` (default: the process environment).

    Raises ``SettingsError`` naming every variable that is wrong, all at once.
    """
    values = _EnvMapping(Settings, os.environ if env is None else env)()
    try:
        return Settings(**values)
    except ValidationError as exc:
        raise SettingsError([p for error in exc.errors() for p in _describe(error)]) from None


def _describe(error: Any) -> list[str]:
    cause = error.get("ctx", {}).get("error")
    if isinstance(cause, _UnfitForProduction):
        return cause.problems
    return [_describe_field(error)]


def _describe_field(error: Any) -> str:
    name = f"{ENV_PREFIX}{str(error['loc'][0]).upper()}"
    got = error.get("input")
    if error["type"] == "int_parsing":
        return f"{name} must be a whole number, got {got!r}"
    if error["type"] == "literal_error":
        return f"{name} must be one of {error['ctx']['expected']}, got {got!r}"
    if error["type"] == "extra_forbidden":
        return f"{name} is not a setting"
    return f"{name}: {error['msg']}, got {got!r}"


def production_problems(settings: Settings) -> list[str]:
    """Every reason the settings are fit for development only (empty: fit for production)."""
    problems = []
    pepper = settings.kiosk_key_pepper
    if pepper == DEV_PEPPER or len(pepper) < MIN_PEPPER_LENGTH:
        problems.append(
            f"KOFU_KIOSK_KEY_PEPPER must be a secret of at least {MIN_PEPPER_LENGTH} characters, "
            "not the development default"
        )
    secret = settings.portal_secret_key
    if secret == DEV_PORTAL_SECRET or len(secret) < MIN_PEPPER_LENGTH:
        problems.append(
            f"KOFU_PORTAL_SECRET_KEY must be a secret of at least {MIN_PEPPER_LENGTH} "
            "characters, not the development default"
        )
    if _is_demo_jpki(settings):
        problems.append(
            f"KOFU_PKI_DIR ({settings.pki_dir}) holds the demo JPKI: point it at the real "
            "JPKI trust anchors, outside KOFU_DATA_DIR/jpki where `kofu demo load` writes"
        )
    if settings.database_url.startswith("sqlite"):
        problems.append("KOFU_DATABASE_URL must name PostgreSQL, not SQLite")
    if _is_loopback(settings.public_url):
        problems.append(
            f"KOFU_PUBLIC_URL ({settings.public_url}) must be the address recipients verify "
            "documents at, not this machine's loopback"
        )
    if settings.billing_issuer_registration_number == DEMO_ISSUER.registration_number:
        problems.append(
            "KOFU_BILLING_ISSUER_NAME, KOFU_BILLING_ISSUER_REGISTRATION_NUMBER and "
            "KOFU_BILLING_PAYEE_ACCOUNT must name the hub that issues statements, not the demo"
        )
    return problems


def development_pepper_problem(settings: Settings) -> str | None:
    """Why ``kofu serve`` must not start with the development pepper, if it must not.

    The rule: the development pepper goes with the embedded SQLite database (one machine,
    `make run`). A centre on PostgreSQL is shared, so it needs a pepper of its own unless it
    says it is a demo (``KOFU_DEMO=1``). Production refuses the pepper in any case.
    """
    if settings.kiosk_key_pepper != DEV_PEPPER or settings.demo:
        return None
    if settings.database_url.startswith("sqlite"):
        return None
    return (
        "KOFU_KIOSK_KEY_PEPPER is the development default on a shared database: set a secret "
        f"of at least {MIN_PEPPER_LENGTH} characters, or KOFU_DEMO=1 for a demo"
    )


def development_portal_secret_problem(settings: Settings) -> str | None:
    """Why `kofu portal` must not start with the development secret key, if it must not.

    The same rule as the kiosk pepper's (``development_pepper_problem``): fine on the
    embedded SQLite database or with ``KOFU_DEMO=1``, refused on a shared PostgreSQL.
    """
    if settings.portal_secret_key != DEV_PORTAL_SECRET or settings.demo:
        return None
    if settings.database_url.startswith("sqlite"):
        return None
    return (
        "KOFU_PORTAL_SECRET_KEY is the development default on a shared database: set a secret "
        f"of at least {MIN_PEPPER_LENGTH} characters, or KOFU_DEMO=1 for a demo"
    )


def _is_demo_jpki(settings: Settings) -> bool:
    """The default directory (`kofu demo load` fills it) or a root made by demo/jpki.py (either
    card generation's)."""
    if settings.pki_dir.resolve() == (settings.data_dir / "jpki").resolve():
        return True
    for name in ("root.pem", "root-p384.pem"):
        try:
            root = x509.load_pem_x509_certificate((settings.pki_dir / name).read_bytes())
        except (OSError, ValueError):
            continue  # missing or unreadable: `kofu check` reports it
        organizations = root.subject.get_attributes_for_oid(NameOID.ORGANIZATION_NAME)
        if any(a.value == DEMO_JPKI_ORGANIZATION for a in organizations):
            return True
    return False


def _is_loopback(url: str) -> bool:
    host = urlsplit(url).hostname or ""
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False
