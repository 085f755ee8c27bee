"""A centre on either database kofu runs on, for tests that must see PostgreSQL's answers."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path

from flask import Flask

from centre.bootstrap import Platform, bootstrap
from centre.settings import load_settings
from issuance.ports import Clock
from kiosk_api.app import create_app
from tests.support.kiosk import TestKiosk
from tests.support.services import copy_cards


@contextmanager
def centre_app(
    demo_template: Path,
    data_dir: Path,
    postgres_url: str | None,
    clock: Callable[[], datetime],
) -> Iterator[tuple[Flask, str]]:
    """The app and K0001's credential: on a copy of the demo template (SQLite), or on a
    fresh PostgreSQL database at ``postgres_url`` migrated and loaded for it."""
    from tests.conftest import prepare  # the fixtures' own loader: one way to load the demo

    env = {"KOFU_DATA_DIR": str(data_dir)}
    if postgres_url is None:
        shutil.copytree(demo_template, data_dir)
    else:
        copy_cards(demo_template, data_dir)
        env["KOFU_DATABASE_URL"] = postgres_url
        prepare(load_settings(env), extra=4)
    platform = bootstrap(load_settings(env), clock=clock)
    token = json.loads((data_dir / "demo" / "kiosks.json").read_text())["K0001"]
    try:
        yield create_app(platform=platform), token
    finally:
        platform.queue.drain()
        platform.close()


@contextmanager
def two_platforms(
    demo_template: Path, data_dir: Path, postgres_url: str | None, clock: Clock
) -> Iterator[tuple[Platform, Platform]]:
    """Two platforms on one database (a copy of the demo template, or a fresh PostgreSQL
    database): as the portal's process and a centre server's, each with its own caches."""
    from tests.conftest import prepare

    env = {"KOFU_DATA_DIR": str(data_dir)}
    if postgres_url is None:
        shutil.copytree(demo_template, data_dir)
    else:
        copy_cards(demo_template, data_dir)
        env["KOFU_DATABASE_URL"] = postgres_url
        prepare(load_settings(env), extra=4)
    built = [bootstrap(load_settings(env), clock=clock) for _ in range(2)]
    try:
        yield built[0], built[1]
    finally:
        for platform in built:
            platform.queue.drain()
            platform.close()


def kiosk_on(platform: Platform, kiosk_id: str = "K0001") -> TestKiosk:
    """A test kiosk on ``platform``'s own kiosk API app."""
    tokens = json.loads((platform.settings.data_dir / "demo" / "kiosks.json").read_text())
    return TestKiosk(create_app(platform=platform).test_client(), tokens[kiosk_id])
