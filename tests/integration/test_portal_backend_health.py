"""The overview says how the municipality's records backend is doing: a BCL member sees when
its records were last replaced (from the portal or `kofu bcl import`) and is warned when that
is more than two days ago; an own server's staff see the last request it served, the last it
failed and whether it is failing now."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from flask import Flask

from centre.bootstrap import Platform
from issuance.model import CertificateRequest, RequestState
from municipalities.backend_health import backend_health
from municipalities.model import BackendKind
from portal.app import create_app
from portal.national import national_view
from tests.support.bcl import KUMIYAMA, extract, index_residents, run_import, write
from tests.support.portal import seed_refusals, sign_in_demo, staff


def portal(platform: Platform) -> Flask:
    return create_app(platform.settings.with_overrides(portal_secure_cookies=False), platform)


def test_a_bcl_member_without_a_recorded_extract_is_warned(platform: Platform) -> None:
    client = portal(platform).test_client()
    sign_in_demo(client, staff("admin@chiyoda"), platform.now())
    page = client.get("/m/131016/").get_data(as_text=True)
    assert "最後のデータ取込" in page and "記録なし" in page
    assert "2日以上、新しい住民記録データが取り込まれていません" in page


def test_an_extract_imported_on_the_command_line_counts_as_the_last_extract(
    platform: Platform,
    settings,  # type: ignore[no-untyped-def]
    tmp_path: Path,
) -> None:
    index_residents(platform)
    imported = run_import(settings, write(tmp_path, extract()))
    assert imported.exit_code == 0, imported.output
    with platform.uow() as uow:
        health = backend_health(uow, KUMIYAMA, BackendKind.BCL, platform.now())
        later = backend_health(uow, KUMIYAMA, BackendKind.BCL, platform.now() + timedelta(days=3))
    assert health.last_extract_at is not None and not health.extract_stale
    assert later.extract_stale  # three days on with no new extract


def test_an_own_server_that_failed_after_its_last_success_is_failing(
    platform: Platform,
) -> None:
    seed_refusals(platform, ["BACKEND_UNAVAILABLE"])  # 千代田区's: a server failure, now
    now = platform.now()
    with platform.uow() as uow:
        failing = backend_health(uow, "131016", BackendKind.OWN_SERVER, now)
        request = uow.session.get(CertificateRequest, "R-SEED-0")
        assert request is not None
        request.state, request.failure_code = RequestState.READY, None  # it was served after all
        request.ready_at = now + timedelta(seconds=4)
        uow.commit()
        served = backend_health(uow, "131016", BackendKind.OWN_SERVER, now + timedelta(minutes=1))
    assert failing.failing and failing.last_failure_code == "BACKEND_UNAVAILABLE"
    assert not served.failing and served.last_success_at is not None
    assert served.ready_last_hour == 1
    assert served.ready_median_seconds is not None and 4 <= served.ready_median_seconds < 5


def test_the_national_view_lists_bcl_members_whose_extract_is_stale(
    platform: Platform,
    settings,  # type: ignore[no-untyped-def]
    tmp_path: Path,
) -> None:
    index_residents(platform)
    assert run_import(settings, write(tmp_path, extract())).exit_code == 0
    client = portal(platform).test_client()
    sign_in_demo(client, staff("operator@centre"), platform.now())
    page = client.get("/centre/").get_data(as_text=True)
    stale = page.split("2日以上データ取込のないBCL参加団体", 1)[1]
    assert "131016" in stale and "記録なし" in stale  # 千代田区: nothing recorded
    assert KUMIYAMA not in stale  # imported just now
    with platform.uow() as uow:
        later = national_view(uow, platform.now() + timedelta(days=3))
    assert KUMIYAMA in [code for code, _, _ in later.stale_extracts]
    assert "141003" not in [code for code, _, _ in later.stale_extracts]  # an own server
