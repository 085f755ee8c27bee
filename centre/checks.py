"""`kofu check`: what is missing for the centre to run, in plain words."""

from __future__ import annotations

import ctypes.util
import logging
import shutil
import subprocess
from dataclasses import dataclass

from sqlalchemy import text

from centre.database import alembic_config, make_engine
from centre.settings import (
    DEV_PEPPER,
    DEV_PORTAL_SECRET,
    Settings,
    development_pepper_problem,
    development_portal_secret_problem,
)


@dataclass(frozen=True)
class Check:
    name: str
    ok: bool
    detail: str


def _font(family: str, package: str, without: str = "") -> Check:
    if shutil.which("fc-list") is None:
        return Check(f"font {family}", False, "fontconfig (fc-list) is not installed")
    found = subprocess.run(
        ["fc-list", family], capture_output=True, text=True, check=False
    ).stdout.strip()
    return Check(
        f"font {family}",
        bool(found),
        found.split(":")[0] if found else f"missing: install the Debian package {package}{without}",
    )


def _harfbuzz_subset() -> Check:
    found = ctypes.util.find_library("harfbuzz-subset")
    return Check(
        "HarfBuzz subsetting",
        found is not None,
        found or "missing: install libharfbuzz-subset0 (without it rendering is 5–50× slower)",
    )


def _database(settings: Settings) -> Check:
    try:
        engine = make_engine(settings.database_url)
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
        engine.dispose()
        return Check("database", True, settings.database_url.split("@")[-1])
    except Exception as exc:  # noqa: BLE001 - reported to the operator, not raised
        return Check("database", False, f"cannot connect: {exc.__class__.__name__}: {exc}"[:200])


def _schema(settings: Settings) -> Check:
    """Whether the database has every migration this code needs (kiosk calls fail without)."""
    from alembic.runtime.migration import MigrationContext
    from alembic.script import ScriptDirectory

    logging.getLogger("alembic").setLevel(logging.WARNING)  # a check, not a migration
    head = ScriptDirectory.from_config(alembic_config(settings.database_url)).get_current_head()
    try:
        engine = make_engine(settings.database_url)
        with engine.connect() as connection:
            current = MigrationContext.configure(connection).get_current_revision()
        engine.dispose()
    except Exception as exc:  # noqa: BLE001 - reported to the operator, not raised
        return Check("database schema", False, f"cannot read: {exc.__class__.__name__}"[:200])
    if current == head:
        return Check("database schema", True, f"at {head}")
    return Check(
        "database schema",
        False,
        f"at {current or 'nothing'}, this code needs {head}: run `kofu db upgrade`",
    )


def _redis(settings: Settings) -> Check:
    if not settings.redis_url:
        return Check("Redis", True, "not configured: jobs run in-process")
    try:
        from redis import Redis

        Redis.from_url(settings.redis_url, socket_connect_timeout=2).ping()
        return Check("Redis", True, settings.redis_url.split("@")[-1])
    except Exception as exc:  # noqa: BLE001
        return Check("Redis", False, f"cannot connect: {exc}"[:200])


def _pki(settings: Settings) -> Check:
    names = ["root.pem", "ca.pem", "crl.der"]
    if (settings.pki_dir / "ca-p384.pem").exists():  # the next-generation (P-384) card's
        names += ["root-p384.pem", "crl-p384.der"]
    needed = [settings.pki_dir / n for n in names]
    missing = [p.name for p in needed if not p.exists()]
    return Check(
        "JPKI trust anchors",
        not missing,
        str(settings.pki_dir)
        if not missing
        else f"missing {', '.join(missing)}: run `kofu demo load`",
    )


def _pepper(settings: Settings) -> Check:
    problem = development_pepper_problem(settings)
    dev = settings.kiosk_key_pepper == DEV_PEPPER
    detail = "the development default: fit for a demo only" if dev else "set"
    return Check("kiosk key pepper", problem is None, problem or detail)


def _portal_secret(settings: Settings) -> Check:
    problem = development_portal_secret_problem(settings)
    dev = settings.portal_secret_key == DEV_PORTAL_SECRET
    detail = "the development default: fit for a demo only" if dev else "set"
    return Check("portal secret key", problem is None, problem or detail)


def run_checks(settings: Settings) -> list[Check]:
    return [
        _font("IPAexMincho", "fonts-ipaexfont"),
        _font("IPAexGothic", "fonts-ipaexfont"),
        _font(
            "IPAmjMincho",
            "fonts-ipamj-mincho",
            " (without it names and addresses with 文字情報基盤 characters IPAex lacks, such as"
            " 𠮷 or an IVS variant, are refused)",
        ),
        _harfbuzz_subset(),
        Check("pdftotext", shutil.which("pdftotext") is not None, "poppler-utils"),
        _database(settings),
        _schema(settings),
        _redis(settings),
        _pki(settings),
        _pepper(settings),
        _portal_secret(settings),
    ]
