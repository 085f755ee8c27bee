"""A BCL municipality's administrator imports extracts in Debian's chromium: a bad file, whose
progress the page follows until the report shows (row, field, code) and downloads as CSV,
then a good one whose counts change; an own-server administrator tests the connection.
A real rq worker runs the imports. axe-core checks every page; a screenshot of each is kept."""

from __future__ import annotations

import json
import threading
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pyotp
import pytest
from argon2 import PasswordHasher

from centre.bootstrap import Platform
from centre.import_jobs import RqImports
from centre.worker import LaneThreadWorker
from issuance.staff.model import Role
from issuance.staff.services import create_account
from portal.app import create_app
from tests.e2e.test_portal_browser import browser, checked, page  # noqa: F401  (fixtures)
from tests.integration.test_portal_own_server import Switch, server  # noqa: F401  (fixture)
from tests.integration.test_portal_records import bad_extract
from tests.support.bcl import KUMIYAMA, extract, index_residents

pytestmark = [pytest.mark.redis, pytest.mark.slow]
SECRET = pyotp.random_base32()


@pytest.fixture
def imports(redis_url: str) -> Iterator[RqImports]:
    queue = RqImports(redis_url, f"kofu-test-{uuid.uuid4().hex[:8]}")
    yield queue
    queue.queue.delete(delete_jobs=True)
    queue.close()


@pytest.fixture
def portal_url(platform: Platform, imports: RqImports) -> Iterator[str]:
    """The portal on a loopback port of its own, in a thread, queueing imports on Redis."""
    from werkzeug.serving import make_server

    settings = platform.settings.with_overrides(portal_secure_cookies=False)
    app = create_app(settings, platform, imports=imports)
    running = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=running.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{running.server_port}"
    running.shutdown()
    thread.join(timeout=10)


class Worker:
    """`kofu worker`'s import thread (a LaneThreadWorker), started when the test says so and
    working until stopped."""

    def __init__(self, imports: RqImports, platform: Platform) -> None:
        self._imports, self._platform = imports, platform
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        queue = self._imports.queue
        while not self._stop.is_set():
            LaneThreadWorker([queue], self._platform.job_deps, connection=queue.connection).work(
                burst=True, with_scheduler=False
            )
            self._stop.wait(0.2)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=30)


def admin_of(platform: Platform, code: str, login: str) -> tuple[str, str]:
    with platform.uow() as uow:
        _, password = create_account(
            uow,
            PasswordHasher(),
            login=login,
            display_name="担当 一郎",
            role=Role.MUNICIPAL_ADMIN,
            municipality_code=code,
            totp_secret=SECRET,
            now=platform.now(),
        )
    return login, password


def sign_in(page: Any, url: str, login: str, password: str, platform: Platform) -> None:  # noqa: F811
    page.goto(f"{url}/login")
    page.fill("#login", login)
    page.fill("#password", password)
    page.click("form.form button[type=submit]")
    page.wait_for_url("**/login/totp")
    page.fill("#code", pyotp.TOTP(SECRET).at(platform.now()))
    page.click("form.form button[type=submit]")
    page.wait_for_load_state()


def upload(page: Any, path: Path) -> None:  # noqa: F811
    page.set_input_files("#extract", str(path))
    page.click("form.form button[type=submit]")
    page.wait_for_url("**/records/uploads/*")


def test_an_admin_uploads_a_bad_extract_reads_its_report_then_a_good_one(
    page: Any,  # noqa: F811
    portal_url: str,
    platform: Platform,
    imports: RqImports,
    tmp_path: Path,
) -> None:
    index_residents(platform)
    sign_in(page, portal_url, *admin_of(platform, KUMIYAMA, "admin@kumiyama.example.jp"), platform)
    page.click("nav >> text=住民記録データ")
    assert "連携用データを取り込む" in checked(page, "records-1-page")

    bad = tmp_path / "kumiyama-bad.json"
    bad.write_text(json.dumps(bad_extract(), ensure_ascii=False))
    upload(page, bad)
    assert "順番待ち" in checked(page, "records-2-queued")  # no worker yet: it waits
    worker = Worker(imports, platform)
    worker.start()
    try:
        page.wait_for_selector("#report")  # htmx polled, then reloaded the page: no test reload
        report = checked(page, "records-3-report")
        assert "誤りが3件あるため取り込みませんでした" in report
        assert "BAD_DATE" in report and "birth_date" in report and "1970-02-30" not in report
        with page.expect_download() as download:
            page.click("text=誤りの一覧をCSVでダウンロード")
        saved = tmp_path / "report.csv"
        download.value.save_as(saved)
        assert saved.read_bytes().startswith(b"\xef\xbb\xbf") and b"BAD_CODE" in saved.read_bytes()

        page.click("text=住民記録データへ戻る")
        good = tmp_path / "kumiyama.json"
        good.write_text(json.dumps(extract(5), ensure_ascii=False))
        upload(page, good)
        page.wait_for_selector("text=取り込みました")
        done = checked(page, "records-4-imported")
        assert "5件" in done and "置換え" in done

        page.click("text=住民記録データへ戻る")
        history = checked(page, "records-5-history")
        assert history.index("取込完了") < history.index("誤りあり（変更なし）")
        page.goto(page.url + "?lang=en")
        assert "Uploads, newest first" in checked(page, "records-6-history-en")
        page.goto(page.url.split("?")[0].replace("/records/", "/audit/") + "?lang=ja")
        trail = checked(page, "records-10-audit")
        assert "連携用データの取込結果" in trail and "誤りあり（変更なし）" in trail
    finally:
        worker.stop()


def test_an_own_server_admin_tests_the_connection(
    page: Any,  # noqa: F811
    portal_url: str,
    platform: Platform,
    server: tuple[Any, str],  # noqa: F811
) -> None:
    sign_in(page, portal_url, *admin_of(platform, "141003", "admin@yokohama.example.jp"), platform)
    page.click("nav >> text=住民記録データ")
    shown = checked(page, "records-7-own-server")
    assert "CN=kofu centre" in shown and "令和" in shown
    page.click("text=接続をテストする")
    assert "接続できました" in checked(page, "records-8-test-ok")
    server[0].mode = "503"  # the server's maintenance page answers
    page.click("text=接続をテストする")
    assert "HTTP_503" in checked(page, "records-8b-test-failed")
    page.fill("#url", "http://example.lg.jp")
    page.evaluate("document.querySelector('#url').removeAttribute('pattern')")
    page.click("text=接続先を保存する")
    assert "SERVER_URL_NOT_HTTPS" in checked(page, "records-9-url-refused")
