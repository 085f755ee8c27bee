"""Every certificate kind reaches the right municipality, or is refused with its reason."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from sqlalchemy import delete, func, select, update

from centre.bootstrap import Platform
from issuance.calendar import JST
from issuance.model import CertificateRequest, RecordAccess
from issuance.production import produce_document
from issuance.routing import latest_tax_year
from issuance.use_registration import UseRegistration
from municipalities.bcl_records import BclSealRegistration
from municipalities.model import MaintenanceWindow, Municipality
from tests.support.kiosk import TestKiosk
from tests.support.pdf import pdf_text, squeeze
from tests.support.queues import ManualQueue

ALL_KINDS = {
    "juminhyo",
    "juminhyo_kisai",
    "inkan",
    "kazei",
    "shotoku",
    "koseki_zenbu",
    "koseki_kojin",
    "koseki_fuhyo",
}
SOKA = "112216"


def this_tax_year() -> int:
    return latest_tax_year(datetime.now(JST).date())


def refused_with(response, code: str) -> None:  # type: ignore[no-untyped-def]
    assert response.status_code == 403, response.json
    assert response.json["error"]["code"] == code
    assert response.json["error"]["message"]["ja"] and response.json["error"]["message"]["en"]


def test_the_menu_lists_every_kind_with_a_fee_or_a_reason(kiosk: TestKiosk, cards: Path) -> None:
    assert kiosk.sign_in(cards / "yamada-taro.json").status_code == 200
    menu = kiosk.menu()
    assert set(menu) == ALL_KINDS
    assert all(item["available"] and item["fee"] for item in menu.values())
    assert menu["koseki_zenbu"]["fee"] == 350


def test_a_seal_registration_certificate_shows_the_registered_person(
    kiosk: TestKiosk, cards: Path
) -> None:
    ready, pdf = kiosk.issue(cards / "yamada-taro.json", certificate="inkan")
    text = squeeze(pdf_text(pdf))
    assert "印鑑登録証明書" in text and "山田太郎" in text and "千代田区長" in text
    assert ready["fee_total"] == 200


def test_without_a_registered_seal_the_kiosk_refuses_as_soon_as_it_is_asked(
    kiosk: TestKiosk, cards: Path, platform: Platform
) -> None:
    assert kiosk.sign_in(cards / "yamada-ichiro.json").status_code == 200
    refused_with(kiosk.request(certificate="inkan"), "NO_SEAL_REGISTERED")
    with platform.uow() as uow:
        looked_up = uow.session.scalars(
            select(RecordAccess.purpose).where(RecordAccess.purpose == "precheck")
        ).all()
        assert looked_up == ["precheck"]  # the backend look-up is in the audit trail
        assert uow.session.scalar(select(func.count()).select_from(CertificateRequest)) == 0


def test_a_seal_withdrawn_after_the_request_is_still_refused_when_producing_it(
    kiosk: TestKiosk, cards: Path, platform: Platform
) -> None:
    held = ManualQueue()
    platform.queue = held
    assert kiosk.sign_in(cards / "yamada-taro.json").status_code == 200
    request_id = kiosk.request(certificate="inkan").json["request_id"]
    with platform.uow() as uow:
        uow.session.execute(delete(BclSealRegistration))
        uow.commit()
    produce_document(platform.production_deps(), request_id)
    assert kiosk.wait(request_id)["failure"]["code"] == "NO_SEAL_REGISTERED"


def test_a_tax_certificate_comes_from_the_current_municipality(
    kiosk: TestKiosk, cards: Path
) -> None:
    _, pdf = kiosk.issue(cards / "yamada-taro.json", certificate="kazei")
    text = squeeze(pdf_text(pdf))
    assert "課税証明書" in text and "山田太郎" in text and "千代田区長" in text
    assert "年税額" in text


def test_a_moved_resident_gets_the_tax_certificate_from_the_former_municipality(
    kiosk: TestKiosk, cards: Path, platform: Platform
) -> None:
    year = 2026 if this_tax_year() >= 2026 else this_tax_year()
    _, pdf = kiosk.issue(cards / "suzuki-ichiro.json", {"tax_year": year}, certificate="shotoku")
    text = squeeze(pdf_text(pdf))
    assert "所得証明書" in text and "鈴木一郎" in text
    assert "草加市長" in text and "千代田区長" not in text


def test_without_both_municipalities_opted_in_the_moved_resident_is_told_why(
    kiosk: TestKiosk, cards: Path, platform: Platform
) -> None:
    with platform.uow() as uow:
        uow.session.execute(
            update(Municipality).where(Municipality.code == SOKA).values(wide_area_tax=False)
        )
        uow.commit()
    assert kiosk.sign_in(cards / "suzuki-ichiro.json").status_code == 200
    assert kiosk.menu()["kazei"]["refusal"]["code"] == "WIDE_AREA_NOT_AVAILABLE"
    refused_with(kiosk.request({"tax_year": 2025}, certificate="kazei"), "WIDE_AREA_NOT_AVAILABLE")


def test_tax_years_without_data_or_too_old_are_refused(kiosk: TestKiosk, cards: Path) -> None:
    assert kiosk.sign_in(cards / "yamada-taro.json").status_code == 200
    year = this_tax_year()
    refused_with(kiosk.request({"tax_year": year + 1}, certificate="kazei"), "NO_TAX_DATA_YET")
    refused_with(kiosk.request({"tax_year": year - 2}, certificate="kazei"), "TAX_YEAR_NOT_OFFERED")


def test_a_resident_with_no_assessment_is_refused_no_tax_record(
    kiosk: TestKiosk, cards: Path
) -> None:
    assert kiosk.sign_in(cards / "yamada-ichiro.json").status_code == 200
    refused_with(kiosk.request(certificate="kazei"), "NO_TAX_RECORD")


def test_tax_options_are_validated_per_kind(kiosk: TestKiosk, cards: Path) -> None:
    assert kiosk.sign_in(cards / "yamada-taro.json").status_code == 200
    response = kiosk.request({"members": "all"}, certificate="kazei")
    assert response.status_code == 400 and response.json["error"]["code"] == "INVALID_REQUEST"
    response = kiosk.request({"tax_year": "2025"}, certificate="shotoku")
    assert response.status_code == 400


def test_the_whole_koseki_names_every_member_and_the_individual_one_only_oneself(
    kiosk: TestKiosk, cards: Path
) -> None:
    _, whole = kiosk.issue(cards / "yamada-taro.json", certificate="koseki_zenbu")
    text = squeeze(pdf_text(whole))
    assert "戸籍全部事項証明書" in text
    assert all(name in text for name in ("太郎", "花子", "一郎", "さくら"))
    other = TestKiosk(kiosk.client, kiosk.token)
    _, single = other.issue(cards / "yamada-hanako.json", certificate="koseki_kojin")
    text = squeeze(pdf_text(single))
    assert "戸籍個人事項証明書" in text and "花子" in text and "一郎" not in text


def test_a_koseki_elsewhere_needs_a_use_registration_usable_after_business_days(
    kiosk: TestKiosk, cards: Path, platform: Platform
) -> None:
    assert kiosk.sign_in(cards / "suzuki-ichiro.json").status_code == 200
    assert kiosk.menu()["koseki_zenbu"]["refusal"]["code"] == "USE_REGISTRATION_REQUIRED"
    refused_with(kiosk.request(certificate="koseki_zenbu"), "USE_REGISTRATION_REQUIRED")
    filed = kiosk.call("POST", f"/v1/sessions/{kiosk.session_id}/use-registrations")
    assert filed.status_code == 201 and filed.json["municipality_name"] == "草加市"
    refused_with(kiosk.request(certificate="koseki_zenbu"), "USE_REGISTRATION_PENDING")
    today = datetime.now(JST).date()
    assert date.fromisoformat(filed.json["usable_from"]) > today
    with platform.uow() as uow:  # the business days pass (the JPKI test CRL would not)
        uow.session.execute(update(UseRegistration).values(usable_from=today))
        uow.commit()
    accepted = kiosk.request(certificate="koseki_fuhyo")
    ready = kiosk.wait(accepted.json["request_id"])
    pdf = kiosk.call("GET", kiosk.path(ready["request_id"], "/document")).data
    text = squeeze(pdf_text(pdf))
    assert "戸籍の附票の写し" in text and "草加市長" in text and "鈴木一郎" in text


def test_a_use_registration_is_not_needed_where_one_lives(kiosk: TestKiosk, cards: Path) -> None:
    assert kiosk.sign_in(cards / "yamada-taro.json").status_code == 200
    filed = kiosk.call("POST", f"/v1/sessions/{kiosk.session_id}/use-registrations")
    refused_with(filed, "USE_REGISTRATION_NOT_NEEDED")


def test_pending_koseki_notifications_refuse_the_koseki(kiosk: TestKiosk, cards: Path) -> None:
    assert kiosk.sign_in(cards / "kato-yumi.json").status_code == 200
    refused_with(kiosk.request(certificate="koseki_zenbu"), "KOSEKI_PENDING")
    refused_with(kiosk.request(certificate="koseki_fuhyo"), "KOSEKI_PENDING")


def test_a_resident_abroad_gets_only_honseki_certificates(kiosk: TestKiosk, cards: Path) -> None:
    assert kiosk.sign_in(cards / "watanabe-ken.json").status_code == 200
    menu = kiosk.menu()
    for kind in ("juminhyo", "juminhyo_kisai", "inkan", "kazei", "shotoku"):
        assert menu[kind]["refusal"]["code"] == "MOVED_ABROAD"
    assert menu["koseki_zenbu"]["available"] and menu["koseki_fuhyo"]["available"]
    _, pdf = kiosk.issue(cards / "watanabe-ken.json", certificate="koseki_zenbu")
    assert "渡辺" in squeeze(pdf_text(pdf))


def test_a_dv_protected_resident_is_refused_every_kind(kiosk: TestKiosk, cards: Path) -> None:
    # Nothing is left to offer: refused at sign-in, and so is every later call of the session.
    refused_with(kiosk.sign_in(cards / "sato-hanako.json"), "DV_PROTECTED")
    refused_with(kiosk.call("GET", f"/v1/sessions/{kiosk.session_id}/menu"), "DV_PROTECTED")
    refused_with(kiosk.request(certificate="koseki_zenbu"), "DV_PROTECTED")
    refused_with(
        kiosk.call("POST", f"/v1/sessions/{kiosk.session_id}/use-registrations"), "DV_PROTECTED"
    )


def test_kinds_a_small_town_does_not_offer_are_refused(kiosk: TestKiosk, cards: Path) -> None:
    assert kiosk.sign_in(cards / "tanaka-yoko.json").status_code == 200
    menu = kiosk.menu()
    assert menu["kazei"]["refusal"]["code"] == "NOT_OFFERED"
    assert menu["koseki_zenbu"]["refusal"]["code"] == "NOT_OFFERED"
    refused_with(kiosk.request(certificate="kazei"), "NOT_OFFERED")


def test_an_announced_maintenance_window_refuses_with_its_end(
    kiosk: TestKiosk, cards: Path, platform: Platform
) -> None:
    now = datetime.now(UTC)
    with platform.uow() as uow:
        uow.session.add(
            MaintenanceWindow(
                municipality_code="131016",
                kind="inkan",
                starts_at=now - timedelta(hours=1),
                ends_at=now + timedelta(hours=2),
                note="system update",
            )
        )
        uow.commit()
    assert kiosk.sign_in(cards / "yamada-taro.json").status_code == 200
    menu = kiosk.menu()
    assert menu["inkan"]["refusal"]["code"] == "MAINTENANCE" and menu["juminhyo"]["available"]
    refused_with(kiosk.request(certificate="inkan"), "MAINTENANCE")


def test_a_kisai_certificate_is_issued_with_its_own_title(kiosk: TestKiosk, cards: Path) -> None:
    _, pdf = kiosk.issue(cards / "yamada-taro.json", {"members": "self"}, "juminhyo_kisai")
    text = squeeze(pdf_text(pdf))
    assert "住民票記載事項証明書" in text and "山田太郎" in text
