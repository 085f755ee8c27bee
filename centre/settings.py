"""Settings: read once from the ``KOFU_*`` environment variables into one frozen object."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path

DEFAULT_DATA_DIR = Path("var")


@dataclass(frozen=True)
class Settings:
    """Everything the centre needs to start; built once and passed down."""

    database_url: str
    redis_url: str | None
    data_dir: Path
    pki_dir: Path
    kiosk_key_pepper: str
    document_ttl_seconds: int = 600
    challenge_ttl_seconds: int = 120
    session_ttl_seconds: int = 900
    max_body_bytes: int = 64 * 1024
    render_threads: int = 2
    job_timeout_seconds: int = 120
    queue_name: str = "kofu-render"
    signing_key_dir: Path | None = None  # Ed25519 keys for document tokens (<kid>.pem, current)
    public_url: str = "http://127.0.0.1:8000"  # where recipients verify: printed in the QR code
    verify_rate_per_minute: int = 30
    municipal_tls_dir: Path | None = None  # ca.pem, centre.pem, centre-key.pem (own servers)
    pades_dir: Path | None = None  # ca.pem, signer.pem, signer-key.pem: PAdES document signing
    long_poll_slots: int = 6  # per server process: polls held at once (keep below --threads)

    @property
    def jobs_in_process(self) -> bool:
        return self.redis_url is None

    def with_overrides(self, **changes: object) -> Settings:
        return replace(self, **changes)  # type: ignore[arg-type]


def _int(env: Mapping[str, str], name: str, default: int) -> int:
    raw = env.get(name)
    if raw is None or raw == "":
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise ValueError(f"{name} must be a whole number, got {raw!r}") from exc


def load_settings(env: Mapping[str, str] | None = None) -> Settings:
    """Build the settings from ``env`` (default: the process environment)."""
    env = os.environ if env is None else env
    data_dir = Path(env.get("KOFU_DATA_DIR") or DEFAULT_DATA_DIR)
    return Settings(
        database_url=env.get("KOFU_DATABASE_URL") or f"sqlite:///{data_dir / 'kofu.sqlite3'}",
        redis_url=env.get("KOFU_REDIS_URL") or None,
        data_dir=data_dir,
        pki_dir=Path(env.get("KOFU_PKI_DIR") or data_dir / "jpki"),
        kiosk_key_pepper=env.get("KOFU_KIOSK_KEY_PEPPER") or "kofu-dev-pepper",
        document_ttl_seconds=_int(env, "KOFU_DOCUMENT_TTL_SECONDS", 600),
        challenge_ttl_seconds=_int(env, "KOFU_CHALLENGE_TTL_SECONDS", 120),
        session_ttl_seconds=_int(env, "KOFU_SESSION_TTL_SECONDS", 900),
        max_body_bytes=_int(env, "KOFU_MAX_BODY_BYTES", 64 * 1024),
        render_threads=_int(env, "KOFU_RENDER_THREADS", 2),
        job_timeout_seconds=_int(env, "KOFU_JOB_TIMEOUT_SECONDS", 120),
        queue_name=env.get("KOFU_QUEUE_NAME") or "kofu-render",
        signing_key_dir=Path(env.get("KOFU_SIGNING_KEY_DIR") or data_dir / "signing-keys"),
        public_url=(env.get("KOFU_PUBLIC_URL") or "http://127.0.0.1:8000").rstrip("/"),
        verify_rate_per_minute=_int(env, "KOFU_VERIFY_RATE_PER_MINUTE", 30),
        municipal_tls_dir=Path(env.get("KOFU_MUNICIPAL_TLS_DIR") or data_dir / "municipal-tls"),
        pades_dir=Path(env.get("KOFU_PADES_DIR") or data_dir / "pades"),
        long_poll_slots=_int(env, "KOFU_LONG_POLL_SLOTS", 6),
    )
