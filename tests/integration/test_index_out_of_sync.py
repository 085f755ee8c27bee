"""Records the national index disagrees with are never printed: refused, alarmed, not charged."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from click.testing import CliRunner
from sqlalchemy import func, select, update

from billing.model import BillingEvent
from centre import metrics
from centre.bootstrap import Platform
from centre.settings import Settings
from cli.main import main
from demo.loader import juminhyo_code
from issuance.index.alarms import OutOfSyncAlarm
from issuance.index.model import Resident, ResidentStatus
from issuance.production import produce_document
from tests.support.kiosk import TestKiosk
from tests.support.pdf import pdf_text, squeeze
from tests.support.queues import ManualQueue

CHIYODA, SOKA = "131016", "112216"
TARO, HANAKO, ICHIRO = juminhyo_code(1), juminhyo_code(2), juminhyo_code(3)


def out_of_sync_count() -> float:
    return metrics.RECORDS_OUT_OF_SYNC.labels(CHIYODA)._value.get()


def alarms(platform: Platform) -> list[tuple[str, str, str, str, str | None, str | None]]:
    with platform.uow() as uow:
        return [
            (a.municipality_code, a.certificate_kind, a.failed_check, a.stage, a.request_id,
             a.juminhyo_code)
            for a in uow.session.scalars(select(OutOfSyncAlarm).order_by(OutOfSyncAlarm.id))
        ]  # fmt: skip


def billing_events(platform: Platform) -> int:
    with platform.uow() as uow:
        return uow.session.scalar(select(func.count()).select_from(BillingEvent)) or 0


def apply_idou(
    platform: Platform, settings: Settings, tmp_path: Path, *rows: dict[str, Any]
) -> None:
    path = tmp_path / "idou.json"
    path.write_text(json.dumps({"idou": list(rows)}, ensure_ascii=False))
    env = {"KOFU_DATA_DIR": str(settings.data_dir)}
    result = CliRunner().invoke(main, ["index", "apply", str(path)], env=env)
    assert result.exit_code == 0, result.output


def refused_at_render(kiosk: TestKiosk, options: dict[str, Any]) -> dict[str, Any]:
    accepted = kiosk.request(options)
    assert accepted.status_code == 202, accepted.json
    final = kiosk.wait(accepted.json["request_id"])
    assert final["state"] == "failed", final
    return final


def test_a_member_the_index_knows_as_deceased_fails_the_whole_household_but_not_oneself(
    kiosk: TestKiosk, cards: Path, platform: Platform
) -> None:
    """The issue's case: 花子 deceased in the index, 千代田区's extract still lists her."""
    with platform.uow() as uow:
        uow.session.execute(
            update(Resident)
            .where(Resident.juminhyo_code == HANAKO)
            .values(status=ResidentStatus.DECEASED)
        )
        uow.commit()
    before = out_of_sync_count()
    assert kiosk.sign_in(cards / "yamada-taro.json").status_code == 200
    final = refused_at_render(kiosk, {"members": "all"})
    assert final["failure"]["code"] == "RECORDS_OUT_OF_SYNC"
    assert "窓口" in final["failure"]["message"]["ja"] and final["failure"]["message"]["en"]
    assert kiosk.call("GET", kiosk.path(final["request_id"], "/document")).status_code == 409
    printed = kiosk.call(
        "POST", kiosk.path(final["request_id"], "/confirmation"), {"result": "printed"}
    )
    assert printed.status_code == 409 and billing_events(platform) == 0
    assert out_of_sync_count() == before + 1
    assert alarms(platform) == [
        (CHIYODA, "juminhyo", "deceased", "render", final["request_id"], HANAKO)
    ]
    ready, pdf = kiosk.issue(cards / "yamada-taro.json", {"members": "self"})
    text = squeeze(pdf_text(pdf))
    assert "山田太郎" in text and "山田花子" not in text
    kiosk.call("POST", kiosk.path(ready["request_id"], "/confirmation"), {"result": "printed"})
    assert billing_events(platform) == 1


def test_a_death_applied_from_an_idou_file_refuses_the_stale_household_the_same_way(
    kiosk: TestKiosk, cards: Path, platform: Platform, settings: Settings, tmp_path: Path
) -> None:
    apply_idou(
        platform,
        settings,
        tmp_path,
        {"idou_id": "D-1", "juminhyo_code": HANAKO, "kind": "death", "idou_date": "2026-10-01"},
    )
    assert kiosk.sign_in(cards / "yamada-taro.json").status_code == 200
    final = refused_at_render(kiosk, {"members": "all"})
    assert final["failure"]["code"] == "RECORDS_OUT_OF_SYNC"
    assert [a[2] for a in alarms(platform)] == ["deceased"]
    assert billing_events(platform) == 0


def test_a_member_the_index_registers_in_another_municipality_is_out_of_sync(
    kiosk: TestKiosk, cards: Path, platform: Platform, settings: Settings, tmp_path: Path
) -> None:
    apply_idou(
        platform,
        settings,
        tmp_path,
        {"idou_id": "M-1", "juminhyo_code": ICHIRO, "kind": "move_in",
         "idou_date": "2026-10-01", "municipality_code": SOKA},
    )  # fmt: skip
    assert kiosk.sign_in(cards / "yamada-taro.json").status_code == 200
    final = refused_at_render(kiosk, {"members": "all"})
    assert final["failure"]["code"] == "RECORDS_OUT_OF_SYNC"
    assert alarms(platform)[0][2:4] == ("registered_elsewhere", "render")


def test_a_seal_registered_before_the_current_residence_is_refused_at_once(
    kiosk: TestKiosk, cards: Path, platform: Platform, settings: Settings, tmp_path: Path
) -> None:
    """山田太郎 moved to 草加市 and back: his 2016 registration was abolished by the move."""
    apply_idou(
        platform,
        settings,
        tmp_path,
        {"idou_id": "S-1", "juminhyo_code": TARO, "kind": "move_in",
         "idou_date": "2026-06-01", "municipality_code": SOKA},
        {"idou_id": "S-2", "juminhyo_code": TARO, "kind": "move_in",
         "idou_date": "2026-07-01", "municipality_code": CHIYODA},
    )  # fmt: skip
    before = out_of_sync_count()
    assert kiosk.sign_in(cards / "yamada-taro.json").status_code == 200
    refused = kiosk.request(certificate="inkan")
    assert refused.status_code == 403 and refused.json["error"]["code"] == "RECORDS_OUT_OF_SYNC"
    assert "details" not in refused.json["error"]  # nothing about whom or why reaches the kiosk
    assert alarms(platform) == [
        (CHIYODA, "inkan", "seal_predates_residence", "submission", alarms(platform)[0][4], TARO)
    ]
    assert out_of_sync_count() == before + 1
    assert billing_events(platform) == 0


def test_a_seal_abolished_by_a_move_after_the_request_fails_when_rendering(
    kiosk: TestKiosk, cards: Path, platform: Platform, settings: Settings, tmp_path: Path
) -> None:
    held = ManualQueue()
    platform.queue = held
    assert kiosk.sign_in(cards / "yamada-taro.json").status_code == 200
    request_id = kiosk.request(certificate="inkan").json["request_id"]
    apply_idou(
        platform,
        settings,
        tmp_path,
        {"idou_id": "S-1", "juminhyo_code": TARO, "kind": "move_in",
         "idou_date": "2026-06-01", "municipality_code": SOKA},
        {"idou_id": "S-2", "juminhyo_code": TARO, "kind": "move_in",
         "idou_date": "2026-07-01", "municipality_code": CHIYODA},
    )  # fmt: skip
    produce_document(platform.production_deps(), request_id)
    assert kiosk.wait(request_id)["failure"]["code"] == "RECORDS_OUT_OF_SYNC"
    assert alarms(platform)[0][2:5] == ("seal_predates_residence", "render", request_id)


def test_a_koseki_showing_alive_a_member_the_index_knows_as_dead_is_refused(
    kiosk: TestKiosk, cards: Path, platform: Platform, settings: Settings, tmp_path: Path
) -> None:
    apply_idou(
        platform,
        settings,
        tmp_path,
        {"idou_id": "D-1", "juminhyo_code": HANAKO, "kind": "death", "idou_date": "2026-10-01"},
    )
    assert kiosk.sign_in(cards / "yamada-taro.json").status_code == 200
    refused = kiosk.request(certificate="koseki_zenbu")
    assert refused.json["error"]["code"] == "RECORDS_OUT_OF_SYNC"
    kojin = kiosk.request({"members": "self"}, certificate="koseki_kojin")
    assert kojin.status_code == 202
    assert kiosk.wait(kojin.json["request_id"])["state"] == "ready"  # 太郎's own entry only
    assert [a[1:4] for a in alarms(platform)] == [("koseki_zenbu", "deceased", "submission")]
