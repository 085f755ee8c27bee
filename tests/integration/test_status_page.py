"""The public status page: maintenance announced in the portal shows for that municipality
only, an incident an operator declares shows until closed, a failing backend shows by itself,
and nothing on it names a resident."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from click.testing import CliRunner
from flask.testing import FlaskClient
from sqlalchemy import select, update

from centre.bootstrap import Platform
from cli.main import main
from issuance.model import CertificateRequest
from issuance.staff.model import AuditEntry
from municipalities.incidents import (
    IncidentError,
    IncidentInput,
    StatusIncident,
    close_incident,
    open_incident,
)
from tests.conftest import FakeClock
from tests.integration.test_no_personal_data_in_logs import personal_data
from tests.integration.test_portal_maintenance import (
    announce,
    next_minute,
    portal,  # noqa: F401  (fixture: the portal on the same platform)
    signed_in,
)
from tests.support.kiosk import TestKiosk
from tests.support.portal import csrf

CHIYODA, YOKOHAMA = "131016", "141003"
CACHED_S = 10  # each process computes the page at most this often (kiosk_api/status_views.py)


def status(client: FlaskClient) -> dict[str, Any]:
    answer = client.get("/status.json")
    assert answer.status_code == 200 and answer.headers["Cache-Control"] == "public, max-age=30"
    body: dict[str, Any] = answer.json
    return body


def page(client: FlaskClient) -> str:
    answer = client.get("/status")
    assert answer.status_code == 200 and answer.mimetype == "text/html"
    return answer.get_data(as_text=True)


def places(entries: list[dict[str, Any]]) -> list[str | None]:
    return [entry["municipality"]["code"] for entry in entries]


def test_a_window_announced_in_the_portal_shows_for_that_municipality_only(
    portal,  # noqa: F811
    platform: Platform,
    client: FlaskClient,
    clock: FakeClock,
) -> None:
    assert status(client)["maintenance"] == []
    starts = next_minute(platform.now()) + timedelta(hours=2)
    admin = signed_in(portal, platform)  # 千代田区's administrator
    assert announce(admin, starts, starts + timedelta(hours=3), kind="juminhyo").status_code == 302
    assert status(client)["maintenance"] == []  # the page computed a moment ago
    clock.advance(CACHED_S)

    [window] = status(client)["maintenance"]
    assert window["municipality"] == {"code": CHIYODA, "name": "千代田区", "nationwide": False}
    label = {"ja": "住民票の写し", "en": "Certificate of residence (copy)"}
    assert window["certificate_label"] == label
    assert window["in_progress"] is False and window["starts_at"].endswith("+09:00")
    html = page(client)
    assert "千代田区" in html and "住民票の写し" in html and "計画停止" in html
    assert f'data-municipality="{YOKOHAMA}"' not in html  # 横浜市 announced nothing

    clock.advance((starts - platform.now()).total_seconds() + 60)
    [window] = status(client)["maintenance"]
    assert window["in_progress"] is True and "停止中" in page(client)
    clock.advance(4 * 3600)
    assert status(client)["maintenance"] == []  # ended: off the page


def test_a_declared_incident_shows_until_it_is_closed(
    platform: Platform, client: FlaskClient, clock: FakeClock
) -> None:
    assert status(client)["status"] == "ok" and "障害は発生していません" in page(client)
    with platform.uow() as uow:
        incident = open_incident(
            uow,
            IncidentInput(
                None, "一部の店舗で印刷が遅れています。", "Printing is slow in some stores."
            ),
            platform.now(),
        )
    clock.advance(CACHED_S)
    body = status(client)
    assert body["status"] == "incident"
    [shown] = body["incidents"]
    assert shown["source"] == "declared" and shown["municipality"]["nationwide"] is True
    assert shown["message"]["ja"] == "一部の店舗で印刷が遅れています。"
    assert "Printing is slow in some stores." in page(client)

    with platform.uow() as uow:
        close_incident(uow, incident.id, platform.now())
    clock.advance(CACHED_S)
    assert status(client)["incidents"] == [] and "一部の店舗" not in page(client)


def test_operators_open_and_close_an_incident_from_the_command_line(
    platform: Platform, client: FlaskClient, clock: FakeClock, monkeypatch: Any
) -> None:
    monkeypatch.setenv("KOFU_DATA_DIR", str(platform.settings.data_dir))
    runner = CliRunner()
    opened = runner.invoke(
        main,
        [
            "status",
            "incident",
            "open",
            "--municipality",
            YOKOHAMA,
            "--ja",
            "横浜市で障害",
            "--en",
            "Outage in Yokohama",
        ],
    )
    assert opened.exit_code == 0, opened.output
    incident_id = opened.output.split()[1]
    [shown] = status(client)["incidents"]  # the first view since the process started
    assert shown["municipality"] == {"code": YOKOHAMA, "name": "横浜市", "nationwide": False}

    unknown = runner.invoke(
        main, ["status", "incident", "open", "--municipality", "999999", "--ja", "x", "--en", "x"]
    )
    assert unknown.exit_code == 1 and "INCIDENT_MUNICIPALITY_UNKNOWN" in unknown.output
    closed = runner.invoke(main, ["status", "incident", "close", incident_id])
    assert closed.exit_code == 0, closed.output
    clock.advance(CACHED_S)
    assert status(client)["incidents"] == []
    again = runner.invoke(main, ["status", "incident", "close", incident_id])
    assert again.exit_code == 1 and "INCIDENT_CLOSED" in again.output


def test_a_backend_failing_since_its_last_document_shows_until_it_serves_again(
    platform: Platform, client: FlaskClient, kiosk: TestKiosk, cards: Any, clock: FakeClock
) -> None:
    ready, _ = kiosk.issue(cards / "yamada-taro.json")  # 千代田区: ready
    clock.advance(60)
    with platform.uow() as uow:  # the next request failed for the backend's sake
        uow.session.execute(
            update(CertificateRequest)
            .where(CertificateRequest.id == ready["request_id"])
            .values(failure_code="BACKEND_UNAVAILABLE", updated_at=platform.now())
        )
        uow.commit()
    [shown] = status(client)["incidents"]
    assert shown["source"] == "backend_failing" and shown["municipality"]["code"] == CHIYODA
    assert "失敗することがあります" in page(client)
    clock.advance(31 * 60)  # no failure for half an hour: no longer current
    assert status(client)["incidents"] == []


def test_the_page_names_municipalities_and_no_resident(
    platform: Platform, client: FlaskClient, kiosk: TestKiosk, cards: Any
) -> None:
    kiosk.issue(cards / "yamada-taro.json")
    with platform.uow() as uow:
        open_incident(uow, IncidentInput(CHIYODA, "調査中", "Investigating"), platform.now())
    texts = page(client) + str(status(client))
    assert "千代田区" in texts
    assert [value for value in personal_data(0) if value in texts] == []


def test_a_centre_operator_declares_and_closes_an_incident_in_the_portal(
    portal,  # noqa: F811
    platform: Platform,
    client: FlaskClient,
    clock: FakeClock,
) -> None:
    operator = signed_in(portal, platform, "operator@centre")
    page_path = "/centre/incidents/"
    assert "表示中のお知らせはありません" in operator.get(page_path).get_data(as_text=True)
    form = {"municipality": CHIYODA, "message_ja": "", "message_en": "Outage"}
    refused = operator.post(page_path, data={**form, "csrf_token": csrf(operator, page_path)})
    assert refused.status_code == 422
    assert "INCIDENT_MESSAGE_MISSING" in refused.get_data(as_text=True)

    form["message_ja"] = "千代田区の証明書サーバを調査中です。"
    declared = operator.post(page_path, data={**form, "csrf_token": csrf(operator, page_path)})
    assert declared.status_code == 302
    clock.advance(CACHED_S)
    [shown] = status(client)["incidents"]
    assert shown["municipality"]["name"] == "千代田区" and shown["source"] == "declared"

    with platform.uow() as uow:
        [incident] = uow.session.scalars(select(StatusIncident)).all()
    close_path = f"{page_path}{incident.id}/close"
    token = csrf(operator, page_path)
    unconfirmed = operator.post(close_path, data={"csrf_token": token})
    assert unconfirmed.status_code == 302
    clock.advance(CACHED_S)
    assert len(status(client)["incidents"]) == 1  # not closed without the tick
    closed = operator.post(close_path, data={"csrf_token": token, "confirm": "yes"})
    assert closed.status_code == 302
    clock.advance(CACHED_S)
    assert status(client)["incidents"] == []
    with platform.uow() as uow:
        actions = uow.session.scalars(
            select(AuditEntry.action).where(AuditEntry.target_kind == "status_incident")
        ).all()
    assert sorted(actions) == ["incident_close", "incident_open"]


PERSONAL_TEXTS = [
    ("個人番号123456789012の方", "Person 123456789012"),
    ("住民票コード１２３４５６７８９０１の方", "A resident"),
    ("個人番号 1234 5678 9012", "A resident"),
    ("調査中", "Card 1234-5678-9012 failed"),
]


@pytest.mark.parametrize(("ja", "en"), PERSONAL_TEXTS)
def test_an_incident_naming_a_personal_number_is_refused_and_never_published(
    platform: Platform, client: FlaskClient, clock: FakeClock, ja: str, en: str
) -> None:
    with platform.uow() as uow, pytest.raises(IncidentError) as refused:
        open_incident(uow, IncidentInput(CHIYODA, ja, en), platform.now())
    assert refused.value.code == "STATUS_TEXT_PERSONAL_DATA"
    assert "番号" in refused.value.message_ja and "number" in refused.value.message_en
    clock.advance(CACHED_S)
    assert status(client)["incidents"] == [] and "123456789012" not in page(client)


def test_times_phone_numbers_and_counts_are_still_accepted(
    platform: Platform, client: FlaskClient, clock: FakeClock
) -> None:
    ja = "2026-12-07 10:00から、0570-123-456 (10桁) へのお問い合わせが混み合っています。"
    with platform.uow() as uow:
        open_incident(uow, IncidentInput(None, ja, "Busy since 10:00"), platform.now())
    clock.advance(CACHED_S)
    [shown] = status(client)["incidents"]
    assert shown["message"]["ja"] == ja


def test_the_command_line_refuses_a_personal_number_in_an_incident(
    platform: Platform, client: FlaskClient, monkeypatch: Any
) -> None:
    monkeypatch.setenv("KOFU_DATA_DIR", str(platform.settings.data_dir))
    refused = CliRunner().invoke(
        main, ["status", "incident", "open", "--ja", "個人番号123456789012の方", "--en", "x"]
    )
    assert refused.exit_code == 1 and "STATUS_TEXT_PERSONAL_DATA" in refused.output
    assert status(client)["incidents"] == []


def test_the_portal_form_refuses_a_personal_number_and_keeps_it_off_the_page(
    portal,  # noqa: F811
    platform: Platform,
    client: FlaskClient,
    clock: FakeClock,
) -> None:
    operator = signed_in(portal, platform, "operator@centre")
    page_path = "/centre/incidents/"
    form = {"municipality": "", "message_ja": "個人番号123456789012の方", "message_en": "x"}
    refused = operator.post(page_path, data={**form, "csrf_token": csrf(operator, page_path)})
    assert refused.status_code == 422
    shown = refused.get_data(as_text=True)
    assert "STATUS_TEXT_PERSONAL_DATA" in shown and "11桁・12桁の番号" in shown
    clock.advance(CACHED_S)
    assert status(client)["incidents"] == [] and "123456789012" not in page(client)
    with platform.uow() as uow:
        assert uow.session.scalars(select(StatusIncident)).all() == []


def test_only_the_centres_operators_reach_the_incidents_page(
    portal,  # noqa: F811
    platform: Platform,
) -> None:
    admin = signed_in(portal, platform)  # 千代田区's administrator
    assert admin.get("/centre/incidents/").status_code == 404
