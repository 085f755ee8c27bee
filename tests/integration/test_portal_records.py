"""BCL extracts uploaded from the portal: stored, imported by a real rq worker, reported.

A bad extract lists every problem (row, field, code, never a value) on the page and as a CSV
Excel opens, and changes nothing; a good one replaces the sections and the history shows
both, with the counts before → after. CP932 CSVs are read; viewers and other municipalities
cannot upload or read.
"""

from __future__ import annotations

import codecs
import csv
import io
import json
import re
import uuid
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pyotp
import pytest
from argon2 import PasswordHasher
from flask import Flask
from flask.testing import FlaskClient

from centre.bootstrap import Platform, bootstrap
from centre.database import upgrade
from centre.import_jobs import RqImports, ThreadImports
from centre.settings import load_settings
from centre.worker import RenderWorker, run_worker
from demo.places import load_municipalities
from issuance.ports import QueueUnavailableError
from issuance.staff.model import AuditEntry, Role
from issuance.staff.services import create_account
from municipalities.bcl_upload_model import BclUpload
from municipalities.bcl_uploads import MAX_UPLOAD_BYTES
from portal.app import create_app
from tests.support.bcl import KUMIYAMA, code, extract, index_residents
from tests.support.portal import csrf, sign_in, sign_in_demo, staff

pytestmark = pytest.mark.redis

PAGE = f"/m/{KUMIYAMA}/records/"
SECRET = pyotp.random_base32()


@pytest.fixture
def imports(redis_url: str) -> Iterator[RqImports]:
    queue = RqImports(redis_url, f"kofu-test-{uuid.uuid4().hex[:8]}")
    yield queue
    queue.queue.delete(delete_jobs=True)
    queue.close()


@pytest.fixture
def portal(platform: Platform, imports: RqImports) -> Flask:
    index_residents(platform)
    settings = platform.settings.with_overrides(portal_secure_cookies=False)
    return create_app(settings, platform, imports=imports)


def kumiyama_staff(
    portal: Flask, platform: Platform, role: Role = Role.MUNICIPAL_ADMIN
) -> FlaskClient:
    login = f"{role.value.split('_')[1]}@kumiyama.example.jp"
    with platform.uow() as uow:
        _, password = create_account(
            uow,
            PasswordHasher(),
            login=login,
            display_name="久御山町 担当",
            role=role,
            municipality_code=KUMIYAMA,
            totp_secret=SECRET,
            now=platform.now(),
        )
    client = portal.test_client()
    sign_in(client, login, password, SECRET, platform.now())
    return client


def work(imports: RqImports, platform: Platform) -> None:
    """A real rq worker takes the queued imports, with its process's deps, until none is left."""
    RenderWorker([imports.queue], platform.job_deps, connection=imports.queue.connection).work(
        burst=True, with_scheduler=False
    )


def send(client: FlaskClient, content: bytes, name: str = "extract.json") -> Any:
    return client.post(
        PAGE + "uploads",
        data={"csrf_token": csrf(client, PAGE), "extract": (io.BytesIO(content), name)},
        content_type="multipart/form-data",
    )


def as_json(data: dict[str, Any]) -> bytes:
    return json.dumps(data, ensure_ascii=False).encode()


def bad_extract() -> dict[str, Any]:
    data = extract(3)
    data["residents"][1]["birth_date"] = "1970-02-30"  # row 2: no such date
    data["residents"][2]["juminhyo_code"] = "12345678901"  # row 3: a wrong check digit
    del data["households"][0]["address"]  # row 1: missing
    return data


def test_a_bad_extract_is_reported_and_changes_nothing_then_a_good_one_goes_in(
    portal: Flask, platform: Platform, imports: RqImports
) -> None:
    admin = kumiyama_staff(portal, platform)
    refused = send(admin, as_json(bad_extract()))
    assert refused.status_code == 302
    bad_page = refused.headers["Location"]
    waiting = admin.get(bad_page).get_data(as_text=True)
    assert "順番待ち" in waiting and 'hx-trigger="load delay:1s"' in waiting
    assert '<meta http-equiv="refresh"' in waiting  # without JavaScript the page reloads
    assert imports.queue.count == 1
    work(imports, platform)

    progress = admin.get(bad_page + "/progress")
    assert progress.headers.get("HX-Refresh") == "true"  # done: htmx reloads the page
    page = admin.get(bad_page).get_data(as_text=True)
    assert "誤りが3件あるため取り込みませんでした" in page
    cells = r"<tr><td>(.*?)</td><td class=\"num\">(\d+)</td><td class=\"wrap\">"
    rows = re.findall(cells + r"<code>(.*?)</code></td><td><code>(\w+)</code>", page)
    assert ("世帯", "1", "address", "MISSING_FIELD") in rows
    assert ("住民票", "2", "birth_date", "BAD_DATE") in rows
    assert ("住民票", "3", "juminhyo_code", "BAD_CODE") in rows
    assert "1970-02-30" not in page and "12345678901" not in page and "住民1" not in page

    report = admin.get(bad_page + "/report.csv")
    assert report.status_code == 200 and report.mimetype == "text/csv"
    assert report.data.startswith(codecs.BOM_UTF8)
    lines = list(csv.reader(io.StringIO(report.data.decode("utf-8-sig"))))
    assert lines[0][:4] == ["区分 section", "行 row", "項目 field", "コード code"]
    assert ["residents", "2", "birth_date", "BAD_DATE"] in [line[:4] for line in lines[1:]]
    assert all(len(line) == 6 and line[4] and line[5] for line in lines[1:])  # ja and en
    assert "1970-02-30" not in report.data.decode("utf-8-sig")
    kept = admin.get(PAGE).get_data(as_text=True)
    assert "誤りあり（変更なし）" in kept

    good = send(admin, as_json(extract(5)))
    assert good.status_code == 302
    work(imports, platform)
    done = admin.get(good.headers["Location"]).get_data(as_text=True)
    assert "取り込みました" in done
    assert re.search(r"住民票</th><td class=\"num\">2件</td><td class=\"num\">5件</td>", done), done

    history = admin.get(PAGE).get_data(as_text=True)
    assert history.index("取込完了") < history.index("誤りあり（変更なし）")  # newest first
    assert "住民票：2 → 5" in history and "久御山町 担当" in history
    twice = send(admin, as_json(extract(5)))  # the back button, the same file again
    assert twice.status_code == 422 and "UPLOAD_ALREADY_IMPORTED" in twice.get_data(as_text=True)
    imports.enqueue_import(good.headers["Location"].rsplit("/", 1)[1])  # run twice: no change
    work(imports, platform)
    with platform.uow() as uow:
        uploads = uow.session.query(BclUpload).all()
        assert [u.content for u in uploads] == [None, None]  # the files are not kept
        actions = [e.action for e in uow.session.query(AuditEntry).order_by(AuditEntry.id)]
        assert actions.count("bcl_upload") == 2 and actions.count("bcl_upload_result") == 2


def cp932_zip() -> bytes:
    data = extract(2)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("meta.json", json.dumps({"municipality_code": KUMIYAMA}))
        for section in ("households", "residents"):
            out = io.StringIO()
            writer = csv.DictWriter(out, fieldnames=list(data[section][0]), lineterminator="\r\n")
            writer.writeheader()
            writer.writerows(data[section])
            archive.writestr(f"{section}.csv", out.getvalue().encode("cp932"))
    return buffer.getvalue()


def test_a_zip_of_cp932_csv_files_from_excel_is_imported(
    portal: Flask, platform: Platform, imports: RqImports
) -> None:
    admin = kumiyama_staff(portal, platform)
    sent = send(admin, cp932_zip(), "kumiyama.zip")
    work(imports, platform)
    page = admin.get(sent.headers["Location"]).get_data(as_text=True)
    assert "取り込みました" in page and "2件" in page, page


def test_an_empty_or_oversized_file_or_a_second_post_is_refused_with_its_code(
    portal: Flask, platform: Platform, imports: RqImports
) -> None:
    admin = kumiyama_staff(portal, platform)
    empty = send(admin, b"")
    assert empty.status_code == 422 and "UPLOAD_EMPTY" in empty.get_data(as_text=True)
    too_large = send(admin, b"{" * (MAX_UPLOAD_BYTES + 1))
    assert too_large.status_code == 422 and "UPLOAD_TOO_LARGE" in too_large.get_data(as_text=True)
    far_too_large = send(admin, b"{" * (MAX_UPLOAD_BYTES + 70 * 1024))  # never read whole
    assert far_too_large.status_code == 413
    assert "UPLOAD_TOO_LARGE" in far_too_large.get_data(as_text=True)
    assert send(admin, as_json(extract(2))).status_code == 302
    twice = send(admin, as_json(extract(2)))  # the first one is still waiting
    assert twice.status_code == 422 and "UPLOAD_IN_PROGRESS" in twice.get_data(as_text=True)
    assert imports.queue.count == 1


def test_a_viewer_reads_the_history_but_cannot_upload(
    portal: Flask, platform: Platform, imports: RqImports
) -> None:
    viewer = kumiyama_staff(portal, platform, Role.MUNICIPAL_VIEWER)
    page = viewer.get(PAGE)
    assert page.status_code == 200 and 'name="extract"' not in page.get_data(as_text=True)
    refused = send(viewer, as_json(extract(2)))
    assert refused.status_code == 403
    with platform.uow() as uow:
        assert uow.session.query(BclUpload).count() == 0
    assert imports.queue.count == 0


def test_another_municipality_gets_404_for_the_page_the_upload_and_its_report(
    portal: Flask, platform: Platform, imports: RqImports
) -> None:
    admin = kumiyama_staff(portal, platform)
    upload = send(admin, as_json(bad_extract())).headers["Location"]
    work(imports, platform)
    chiyoda = portal.test_client()
    sign_in_demo(chiyoda, staff("admin@chiyoda"), platform.now())
    for path in (PAGE, upload, upload + "/progress", upload + "/report.csv"):
        assert chiyoda.get(path).status_code == 404, path
    own = upload.replace(KUMIYAMA, "131016")  # its own code, the other's upload id
    assert chiyoda.get(own).status_code == 404
    assert chiyoda.get("/m/131016/records/").status_code == 200
    assert code(0) not in chiyoda.get("/m/131016/records/").get_data(as_text=True)


@pytest.fixture
def pg_platform(postgres_url: str, tmp_path: Path) -> Iterator[Platform]:
    """The demo's municipalities and staff on a PostgreSQL database of the test's own."""
    upgrade(postgres_url)
    settings = load_settings(
        {"KOFU_DATABASE_URL": postgres_url, "KOFU_DATA_DIR": str(tmp_path), "KOFU_DEMO": "1"}
    )
    made = bootstrap(settings, jobs=False)
    with made.uow() as uow:
        load_municipalities(uow)
        uow.commit()
    yield made
    made.close()


@pytest.mark.postgres
def test_on_postgresql_progress_is_committed_beside_the_import_and_only_a_good_file_counts(
    pg_platform: Platform, imports: RqImports
) -> None:
    index_residents(pg_platform)
    settings = pg_platform.settings.with_overrides(portal_secure_cookies=False)
    portal = create_app(settings, pg_platform, imports=imports)
    admin = kumiyama_staff(portal, pg_platform)
    bad = send(admin, as_json(bad_extract())).headers["Location"]
    work(imports, pg_platform)
    assert "誤りが3件" in admin.get(bad).get_data(as_text=True)
    good = send(admin, as_json(extract(4))).headers["Location"]
    work(imports, pg_platform)
    page = admin.get(good).get_data(as_text=True)
    assert re.search(r"住民票</th><td class=\"num\">0件</td><td class=\"num\">4件</td>", page)
    with pg_platform.uow() as uow:
        done = uow.session.get(BclUpload, good.rsplit("/", 1)[1])
        assert done is not None and done.rows_done == done.rows_total == 4 + 4 + 1 + 1


class RedisAway:
    def enqueue_import(self, upload_id: str) -> None:
        raise QueueUnavailableError("connection refused")


def test_with_the_queue_away_the_upload_says_so_and_does_not_block_the_next(
    platform: Platform, imports: RqImports
) -> None:
    index_residents(platform)
    settings = platform.settings.with_overrides(portal_secure_cookies=False)
    away = create_app(settings, platform, imports=RedisAway())
    admin = kumiyama_staff(away, platform)
    sent = send(admin, as_json(extract(2)))
    page = admin.get(sent.headers["Location"]).get_data(as_text=True)
    assert "取込処理を開始できなかった" in page and "IMPORT_QUEUE_UNAVAILABLE" in page
    assert send(admin, as_json(extract(2))).status_code == 302  # not UPLOAD_IN_PROGRESS


@pytest.mark.slow
def test_kofu_worker_works_the_imports_queue(
    platform: Platform, imports: RqImports, redis_url: str
) -> None:
    """`kofu worker --burst` (run_worker) takes an import beside the render lanes."""
    index_residents(platform)
    name = imports.queue.name.removesuffix("-imports")
    settings = platform.settings.with_overrides(
        portal_secure_cookies=False, redis_url=redis_url, queue_name=name
    )
    admin = kumiyama_staff(create_app(settings, platform), platform)
    sent = send(admin, as_json(extract(3)))
    assert imports.queue.count == 1  # the portal queued it on <queue>-imports
    run_worker(settings, burst=True)
    assert "取り込みました" in admin.get(sent.headers["Location"]).get_data(as_text=True)


def test_without_redis_the_portal_imports_on_a_thread_of_its_own(platform: Platform) -> None:
    """`make run` (SQLite, no Redis): no worker to start, the portal runs the job itself."""
    from portal.extension import IMPORTS

    index_residents(platform)
    portal = create_app(platform.settings.with_overrides(portal_secure_cookies=False), platform)
    threads = portal.extensions[IMPORTS]
    assert isinstance(threads, ThreadImports)
    admin = kumiyama_staff(portal, platform)
    sent = send(admin, as_json(extract(3)))
    threads.drain()
    assert "取り込みました" in admin.get(sent.headers["Location"]).get_data(as_text=True)


def test_a_duplicate_row_names_the_row_it_repeats(
    portal: Flask, platform: Platform, imports: RqImports
) -> None:
    admin = kumiyama_staff(portal, platform)
    data = extract(2)
    data["households"].append(dict(data["households"][0]))  # households row 3: row 1 again
    sent = send(admin, as_json(data)).headers["Location"]
    work(imports, platform)
    assert "同じキーの行がほかにあります。（1行目と重複）" in admin.get(sent).get_data(as_text=True)
    lines = admin.get(sent + "/report.csv").data.decode("utf-8-sig").splitlines()
    assert lines[1].endswith(
        ",DUPLICATE,同じキーの行がほかにあります。（1行目と重複）,"
        "The same key is in another row. (same as row 1)"
    )
    assert lines[1].startswith("households,3,id,")
