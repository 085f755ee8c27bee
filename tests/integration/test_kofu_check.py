"""`kofu check` tells an operator what is missing, including migrations not yet applied."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

from alembic.script import ScriptDirectory

from centre.database import alembic_config
from tests.support.services import KOFU


def kofu(data_dir: Path, *args: str, **settings: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "KOFU_DATA_DIR": str(data_dir)}
    for name in ("KOFU_DATABASE_URL", "KOFU_REDIS_URL", "KOFU_KIOSK_KEY_PEPPER", "KOFU_DEMO"):
        env.pop(name, None)
    env.update(settings)
    return subprocess.run(
        [KOFU, *args], env=env, capture_output=True, text=True, timeout=120, check=False
    )


def test_an_unmigrated_database_is_reported_with_what_to_run(tmp_path: Path) -> None:
    before = kofu(tmp_path, "check")
    assert before.returncode == 1
    assert "[MISSING] database schema: at nothing" in before.stdout
    assert "run `kofu db upgrade`" in before.stdout
    assert kofu(tmp_path, "db", "upgrade").returncode == 0
    after = kofu(tmp_path, "check")
    head = ScriptDirectory.from_config(alembic_config("sqlite://")).get_current_head()
    assert f"[ok] database schema: at {head}" in after.stdout
    assert "[ok] font IPAexMincho" in after.stdout and "[ok] HarfBuzz subsetting" in after.stdout
    assert "[ok] font IPAmjMincho: /usr/share/fonts/truetype/ipamj/ipamjm.ttf" in after.stdout
    assert "[ok] kiosk key pepper: the development default: fit for a demo only" in after.stdout


def test_the_development_pepper_on_postgresql_is_reported_outside_a_demo(tmp_path: Path) -> None:
    nowhere = "postgresql://kofu@127.0.0.1:1/kofu"  # refused at once: the check is about the pepper
    shared = kofu(tmp_path, "check", KOFU_DATABASE_URL=nowhere)
    demo = kofu(tmp_path, "check", KOFU_DATABASE_URL=nowhere, KOFU_DEMO="1")

    assert shared.returncode == 1
    assert "[MISSING] kiosk key pepper: KOFU_KIOSK_KEY_PEPPER is the development default" in (
        shared.stdout
    )
    assert "[ok] kiosk key pepper: the development default" in demo.stdout
