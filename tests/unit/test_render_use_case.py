"""The render job's use case on fakes: a document is kept only when every check holds."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest

from issuance.index.model import ResidentStatus
from issuance.model import CertificateKind, RequestState
from issuance.production import ProductionDeps, produce_document
from issuance.services import NewRequest, submit_request
from tests.unit.world import KIOSK, World


@pytest.fixture
def events() -> dict[str, list[object]]:
    return {"mismatch": [], "failed": [], "out_of_sync": [], "ready": []}


def deps(world: World, events: dict[str, list[object]]) -> ProductionDeps:
    return ProductionDeps(
        uow_factory=lambda: world.uow,
        directory=world.directory,
        backends=world.backends,
        renderer=world.renderer,
        document_ttl=timedelta(minutes=30),
        clock=lambda: world.now,
        on_mismatch=events["mismatch"].append,
        on_ready=events["ready"].append,
        on_failed=events["failed"].append,
        on_out_of_sync=events["out_of_sync"].append,
    )


def submitted(world: World, members: str = "all") -> str:
    world.sign_in()
    new = NewRequest(CertificateKind.JUMINHYO, {"members": members}, 1, "k-1")
    request, _ = submit_request(
        world.uow,
        world.directory,
        world.backends,
        world.queue,
        world.trust,
        KIOSK,
        world.session_id,
        new,
        world.now,
    )
    return request.id


def test_a_rendered_juminhyo_is_held_for_its_download_and_its_reads_audited(
    world: World, events: dict[str, list[object]]
) -> None:
    request_id = submitted(world)
    assert produce_document(deps(world, events), request_id) is RequestState.READY
    request = world.uow.requests.get(request_id)
    assert request is not None and request.state is RequestState.READY
    held = world.uow.held_documents.get(request_id)
    assert held is not None and held.pdf.startswith(b"%PDF")
    assert held.expires_at == world.now + timedelta(minutes=30)
    assert sorted(a.juminhyo_code for a in world.uow.audit.rows if a.purpose == "render") == [
        "12345678901",
        "12345678902",
    ]
    assert events["ready"] == [0.0] and events["failed"] == []


def test_running_the_job_twice_renders_once(world: World, events: dict[str, list[object]]) -> None:
    request_id = submitted(world)
    produce_document(deps(world, events), request_id)
    assert produce_document(deps(world, events), request_id) is None
    assert len(world.renderer.rendered) == 1


def test_a_pdf_naming_someone_else_is_never_kept(
    world: World, events: dict[str, list[object]]
) -> None:
    request_id = submitted(world)
    world.renderer.subjects = ("99999999999",)
    assert produce_document(deps(world, events), request_id) is RequestState.FAILED
    request = world.uow.requests.get(request_id)
    assert request is not None and request.failure_code == "RECORD_MISMATCH"
    assert world.uow.held_documents.get(request_id) is None
    assert events["mismatch"] == [request_id] and events["failed"] == ["RECORD_MISMATCH"]


def test_a_backend_answering_for_another_household_fails_with_record_mismatch(
    world: World, events: dict[str, list[object]]
) -> None:
    request_id = submitted(world)
    backend = world.backends.backend
    household = backend.households["12345678901"]
    stranger = replace(household.members[1], juminhyo_code="99999999999")
    backend.households["12345678901"] = replace(household, members=(stranger,))
    assert produce_document(deps(world, events), request_id) is RequestState.FAILED
    assert world.uow.requests.get(request_id).failure_code == "RECORD_MISMATCH"
    assert world.renderer.rendered == []


def test_records_the_index_disagrees_with_fail_and_raise_an_alarm(
    world: World, events: dict[str, list[object]]
) -> None:
    request_id = submitted(world)
    spouse = world.uow.residents.get("12345678902")
    assert spouse is not None
    spouse.status = ResidentStatus.DECEASED  # the index knows; the city's records lag
    assert produce_document(deps(world, events), request_id) is RequestState.FAILED
    assert world.uow.requests.get(request_id).failure_code == "RECORDS_OUT_OF_SYNC"
    [alarm] = world.uow.alarms.rows
    assert (alarm.failed_check, alarm.stage, alarm.request_id) == ("deceased", "render", request_id)
    assert events["out_of_sync"] == ["131016"]
    assert world.renderer.rendered == []


def test_a_renderer_crash_fails_the_request_without_a_document(
    world: World, events: dict[str, list[object]]
) -> None:
    request_id = submitted(world)
    world.renderer.fail_with = RuntimeError("font cache")
    assert produce_document(deps(world, events), request_id) is RequestState.FAILED
    assert world.uow.requests.get(request_id).failure_code == "RENDER_FAILED"
    assert world.uow.held_documents.rows == {}


def test_a_request_withdrawn_while_rendering_stores_nothing(
    world: World, events: dict[str, list[object]]
) -> None:
    request_id = submitted(world)
    request = world.uow.requests.get(request_id)
    assert request is not None
    renderer = world.renderer

    class WithdrawingRenderer:
        def render(self, doc):  # the session ends while the PDF is being made
            request.withdraw("CERT_REVOKED", world.now)
            return renderer.render(doc)

    world.renderer = WithdrawingRenderer()  # type: ignore[assignment]
    assert produce_document(deps(world, events), request_id) is None
    assert request.failure_code == "CERT_REVOKED"
    assert world.uow.held_documents.rows == {}
