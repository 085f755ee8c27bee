"""Every retry, crash and mix-up ends in a known state: expiry, double jobs, wrong records."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import func, select

from centre.bootstrap import Platform
from issuance.model import CertificateRequest, Document, RequestState
from issuance.production import produce_document
from issuance.records import Household
from issuance.sweeper import SweepPolicy, sweep
from tests.conftest import FakeClock
from tests.support.kiosk import TestKiosk
from tests.support.queues import ManualQueue


def documents(platform: Platform) -> int:
    with platform.uow() as uow:
        return uow.session.scalar(select(func.count()).select_from(Document)) or 0


def test_a_document_never_collected_expires_and_is_deleted(
    kiosk: TestKiosk, cards: Path, platform: Platform, clock: FakeClock
) -> None:
    assert kiosk.sign_in(cards / "yamada-taro.json").status_code == 200
    request_id = kiosk.request().json["request_id"]
    assert kiosk.wait(request_id)["state"] == "ready"
    assert documents(platform) == 1
    clock.advance(platform.settings.document_ttl_seconds + 1)
    with platform.uow() as uow:
        result = sweep(uow, platform.queue, SweepPolicy(), platform.now())
    assert result.expired == 1 and result.documents_deleted == 1
    assert documents(platform) == 0
    assert kiosk.call("GET", kiosk.path(request_id)).json["state"] == "expired"
    assert kiosk.call("GET", kiosk.path(request_id, "/document")).status_code == 409


def test_running_the_render_job_twice_keeps_one_document(
    kiosk: TestKiosk, cards: Path, platform: Platform
) -> None:
    manual = ManualQueue()
    platform.queue = manual
    assert kiosk.sign_in(cards / "yamada-taro.json").status_code == 200
    request_id = kiosk.request().json["request_id"]
    assert manual.jobs == [request_id]
    assert produce_document(platform.production_deps(), request_id) is RequestState.READY
    assert produce_document(platform.production_deps(), request_id) is None
    assert documents(platform) == 1
    with platform.uow() as uow:
        assert uow.session.get(CertificateRequest, request_id).attempts == 1


class WrongPersonBackend:
    """A municipal backend that answers with somebody else's household."""

    def __init__(self, real, impostor_code: str) -> None:  # type: ignore[no-untyped-def]
        self.real = real
        self.impostor_code = impostor_code

    def household_of(  # type: ignore[no-untyped-def]
        self, uow, municipality_code: str, juminhyo_code: str, request_id=None
    ) -> Household | None:
        return self.real.household_of(uow, municipality_code, self.impostor_code, request_id)


def test_a_backend_answering_for_someone_else_is_never_rendered(
    kiosk: TestKiosk, cards: Path, platform: Platform
) -> None:
    from centre import metrics
    from demo.loader import juminhyo_code

    real = platform.backends.for_municipality
    suzuki = juminhyo_code(7)  # 鈴木一郎, also in 千代田区 (the demo's seventh person)
    platform.backends.for_municipality = lambda info: WrongPersonBackend(real(info), suzuki)  # type: ignore[method-assign]
    before = metrics.RECORD_MISMATCH._value.get()
    assert kiosk.sign_in(cards / "yamada-taro.json").status_code == 200
    final = kiosk.wait(kiosk.request().json["request_id"])
    assert final["state"] == "failed"
    assert final["failure"]["code"] == "RECORD_MISMATCH"
    assert documents(platform) == 0
    assert metrics.RECORD_MISMATCH._value.get() == before + 1
