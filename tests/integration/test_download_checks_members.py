"""A ready 住民票 is checked again at download: everyone it names, against the index.

The document was rendered while the index agreed; a 異動 applied before the download (a DV等
支援措置 or a death of a member, not of the card holder) stops it: nothing is delivered or
charged, the document is gone, and the holder's session goes on.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from click.testing import CliRunner
from sqlalchemy import func, select

from billing.model import BillingEvent
from centre import metrics
from centre.bootstrap import Platform
from centre.settings import Settings
from cli.main import main
from demo.loader import juminhyo_code
from issuance.index.alarms import OutOfSyncAlarm
from issuance.model import CertificateRequest, Document
from tests.support.kiosk import TestKiosk

CHIYODA = "131016"
HANAKO = juminhyo_code(2)  # a member of 山田太郎's household, not the card holder


def count(platform: Platform, model: type) -> int:
    with platform.uow() as uow:
        return uow.session.scalar(select(func.count()).select_from(model)) or 0


def apply_idou(platform: Platform, settings: Settings, tmp_path: Path, row: dict[str, Any]) -> None:
    path = tmp_path / "idou.json"
    path.write_text(json.dumps({"idou": [row]}, ensure_ascii=False))
    env = {"KOFU_DATA_DIR": str(settings.data_dir)}
    result = CliRunner().invoke(main, ["index", "apply", str(path)], env=env)
    assert result.exit_code == 0, result.output


def ready_household(kiosk: TestKiosk, cards: Path) -> dict[str, Any]:
    assert kiosk.sign_in(cards / "yamada-taro.json").status_code == 200
    ready = kiosk.wait(kiosk.request({"members": "all"}).json["request_id"])
    assert ready["state"] == "ready", ready
    return ready


def refused_download(kiosk: TestKiosk, platform: Platform, request_id: str) -> None:
    response = kiosk.call("GET", kiosk.path(request_id, "/document"))
    assert response.status_code == 403, response.json
    assert response.json["error"]["code"] == "RECORDS_OUT_OF_SYNC"
    with platform.uow() as uow:
        request = uow.session.get(CertificateRequest, request_id)
        assert request is not None and request.state.value == "failed"
        assert request.failure_code == "RECORDS_OUT_OF_SYNC"
    assert count(platform, Document) == 0
    assert count(platform, BillingEvent) == 0
    # The card holder did nothing wrong: the session goes on.
    assert kiosk.call("GET", f"/v1/sessions/{kiosk.session_id}/menu").status_code == 200


def test_dv_protection_of_a_member_after_the_render_stops_the_download_without_naming_it(
    kiosk: TestKiosk, cards: Path, platform: Platform, settings: Settings, tmp_path: Path
) -> None:
    ready = ready_household(kiosk, cards)
    apply_idou(
        platform,
        settings,
        tmp_path,
        {"idou_id": "DV-1", "juminhyo_code": HANAKO, "kind": "dv_on", "idou_date": "2026-10-01"},
    )
    refused_download(kiosk, platform, ready["request_id"])
    assert count(platform, OutOfSyncAlarm) == 0  # the records are not stale: no alarm


def test_a_member_who_died_after_the_render_is_not_delivered_and_alarms_the_municipality(
    kiosk: TestKiosk, cards: Path, platform: Platform, settings: Settings, tmp_path: Path
) -> None:
    ready = ready_household(kiosk, cards)
    before = metrics.RECORDS_OUT_OF_SYNC.labels(CHIYODA)._value.get()
    apply_idou(
        platform,
        settings,
        tmp_path,
        {"idou_id": "D-1", "juminhyo_code": HANAKO, "kind": "death", "idou_date": "2026-10-01"},
    )
    refused_download(kiosk, platform, ready["request_id"])
    with platform.uow() as uow:
        alarm = uow.session.scalars(select(OutOfSyncAlarm)).one()
        assert (alarm.failed_check, alarm.stage) == ("deceased", "download")
        assert alarm.request_id == ready["request_id"]
    assert metrics.RECORDS_OUT_OF_SYNC.labels(CHIYODA)._value.get() == before + 1
