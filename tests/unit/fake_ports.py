"""Fakes of the ports the use cases take besides the unit of work: directory, backends, …"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from issuance.documents import CertificateDocument, JuminhyoDocument, RenderedDocument
from issuance.koseki_records import Fuhyo, Koseki
from issuance.ports import IssueFact, MunicipalityInfo, RenderLane, UnitOfWork
from issuance.records import BackendAnswer, Household, RecordQuery, SealRegistration, TaxAssessment


@dataclass
class FakeDirectory:
    municipalities: dict[str, MunicipalityInfo] = field(default_factory=dict)

    def get(self, uow: UnitOfWork, code: str) -> MunicipalityInfo | None:
        return self.municipalities.get(code)


@dataclass
class FakeBackend:
    """One municipality's records: households by member, certificates by 住民票コード."""

    households: dict[str, Household] = field(default_factory=dict)
    seals: dict[str, SealRegistration] = field(default_factory=dict)
    taxes: dict[str, TaxAssessment] = field(default_factory=dict)
    asked: list[str] = field(default_factory=list)

    def household_of(
        self,
        uow: UnitOfWork,
        municipality_code: str,
        juminhyo_code: str,
        request_id: str | None = None,
    ) -> Household | None:
        self.asked.append(juminhyo_code)
        return self.households.get(juminhyo_code)

    def _answer(self, query: RecordQuery, record: Any) -> Any:
        self.asked.append(query.juminhyo_code)
        if record is None:
            return None
        return BackendAnswer(query.request_id, query.municipality_code, query.juminhyo_code, record)

    def seal_registration(
        self, uow: UnitOfWork, query: RecordQuery
    ) -> BackendAnswer[SealRegistration] | None:
        return self._answer(query, self.seals.get(query.juminhyo_code))

    def tax_assessment(
        self, uow: UnitOfWork, query: RecordQuery
    ) -> BackendAnswer[TaxAssessment] | None:
        return self._answer(query, self.taxes.get(query.juminhyo_code))

    def koseki(self, uow: UnitOfWork, query: RecordQuery) -> BackendAnswer[Koseki] | None:
        return self._answer(query, None)

    def fuhyo(self, uow: UnitOfWork, query: RecordQuery) -> BackendAnswer[Fuhyo] | None:
        return self._answer(query, None)


@dataclass
class FakeBackends:
    backend: FakeBackend = field(default_factory=FakeBackend)

    def for_municipality(self, info: MunicipalityInfo) -> FakeBackend:
        return self.backend


@dataclass
class FakeLedger:
    issued: list[IssueFact] = field(default_factory=list)
    voided: list[IssueFact] = field(default_factory=list)

    def record_issue(self, uow: UnitOfWork, fact: IssueFact) -> None:
        self.issued.append(fact)

    def record_void(self, uow: UnitOfWork, fact: IssueFact) -> None:
        self.voided.append(fact)


@dataclass
class FakeQueue:
    enqueued: list[str] = field(default_factory=list)
    lanes: dict[str, RenderLane] = field(default_factory=dict)

    def enqueue_render(self, request_id: str, lane: RenderLane = RenderLane.BCL) -> None:
        self.enqueued.append(request_id)
        self.lanes[request_id] = lane


@dataclass
class FakeRenderer:
    """Renders the names the document lists; ``fail_with`` makes it raise instead."""

    fail_with: Exception | None = None
    subjects: tuple[str, ...] | None = None  # override what the "PDF" says it names
    rendered: list[JuminhyoDocument | CertificateDocument] = field(default_factory=list)

    def render(self, doc: JuminhyoDocument | CertificateDocument) -> RenderedDocument:
        if self.fail_with is not None:
            raise self.fail_with
        self.rendered.append(doc)
        codes = (
            doc.subject_codes
            if isinstance(doc, CertificateDocument)
            else tuple(m.juminhyo_code for m in doc.members)
        )
        return RenderedDocument(
            pdf=b"%PDF-fake " + doc.serial.encode(),
            digest="d" * 64,
            pages=1,
            subject_codes=self.subjects if self.subjects is not None else codes,
        )
