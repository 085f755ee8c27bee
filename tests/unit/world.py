"""A small world for use-case tests on fakes: one municipality, one resident, one card."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa

from demo.jpki import TestJpki
from issuance.index.model import Residence, Resident, ResidentStatus
from issuance.model import CertificateKind
from issuance.ports import MunicipalityInfo, Offering
from issuance.records import Household, Person
from issuance.service_hours import ServiceHours
from issuance.sessions.authentication import AuthPolicy, authenticate_session, open_session
from issuance.sessions.jpki import TrustStore, certificate_fingerprint
from tests.unit.fake_ports import (
    FakeBackends,
    FakeDirectory,
    FakeLedger,
    FakeQueue,
    FakeRenderer,
)
from tests.unit.fakes import FakeUnitOfWork

CITY = "131016"
HONSEKI_CITY = "271004"
KIOSK = "kiosk-1"
FEE = 300
POLICY = AuthPolicy(challenge_ttl=timedelta(minutes=2), session_ttl=timedelta(minutes=10))


def info(code: str, name: str) -> MunicipalityInfo:
    all_day = {
        kind.value: Offering(
            kind.value, True, FEE, ServiceHours.every_day(time(0, 0), time(23, 59, 59, 999999))
        )
        for kind in CertificateKind
    }
    return MunicipalityInfo(
        code, name, "東京都", "区長", "山田 太郎", True, "bcl", all_day, koseki_registration_days=2
    )


def resident(code: str, *, born: date = date(1980, 4, 1), honseki: str = HONSEKI_CITY) -> Resident:
    return Resident(
        juminhyo_code=code,
        municipality_code=CITY,
        honseki_municipality_code=honseki,
        status=ResidentStatus.RESIDENT,
        birth_date=born,
        dv_protected=False,
        moving_out=False,
        residences=[Residence(municipality_code=CITY, from_date=date(2010, 1, 1), to_date=None)],
    )


def person(code: str, name: str, relationship: str) -> Person:
    return Person(
        juminhyo_code=code,
        name=name,
        name_kana="",
        birth_date=date(1980, 4, 1),
        sex="男",
        relationship=relationship,
        became_resident_on=date(2010, 1, 1),
        address_since=date(2010, 1, 1),
        notified_on=date(2010, 1, 5),
        honseki="大阪府大阪市北区",
        hittousha=name,
    )


@dataclass
class World:
    jpki: TestJpki
    now: datetime = field(default_factory=lambda: datetime.now(UTC))
    uow: FakeUnitOfWork = field(default_factory=FakeUnitOfWork)
    directory: FakeDirectory = field(default_factory=FakeDirectory)
    backends: FakeBackends = field(default_factory=FakeBackends)
    ledger: FakeLedger = field(default_factory=FakeLedger)
    queue: FakeQueue = field(default_factory=FakeQueue)
    renderer: FakeRenderer = field(default_factory=FakeRenderer)
    certificate_der: bytes = b""
    card_key: rsa.RSAPrivateKey | None = None
    session_id: str = ""

    @classmethod
    def build(cls, jpki: TestJpki) -> World:
        world = cls(jpki)
        world.directory.municipalities[CITY] = info(CITY, "千代田区")
        world.directory.municipalities[HONSEKI_CITY] = info(HONSEKI_CITY, "大阪市")
        me, spouse = resident("12345678901"), resident("12345678902")
        world.uow.residents.add(me)
        world.uow.residents.add(spouse)
        household = Household(
            CITY,
            "h-1",
            "東京都千代田区千代田1-1",
            "甲野 太郎",
            (
                person(me.juminhyo_code, "甲野 太郎", "世帯主"),
                person(spouse.juminhyo_code, "甲野 花子", "妻"),
            ),
        )
        world.backends.backend.households = {me.juminhyo_code: household}
        certificate, world.card_key = world.jpki.issue_user_certificate(
            not_before=world.now - timedelta(days=30)
        )
        world.certificate_der = certificate.public_bytes(serialization.Encoding.DER)
        fingerprint = certificate_fingerprint(world.certificate_der)
        world.uow.residents.cards[fingerprint] = (me.juminhyo_code, date(2020, 1, 1))
        return world

    @property
    def me(self) -> Resident:
        resident = self.uow.residents.get("12345678901")
        assert resident is not None
        return resident

    @property
    def trust(self) -> TrustStore:
        return TrustStore.from_files(self.jpki.root_path, self.jpki.ca_path, self.jpki.crl_path)

    def sign(self, message: bytes) -> bytes:
        assert self.card_key is not None
        return self.card_key.sign(message, padding.PKCS1v15(), hashes.SHA256())

    def sign_in(self) -> str:
        """Open a session at KIOSK and answer its challenge with the card: the session id."""
        challenge = open_session(
            self.uow, KIOSK, self.certificate_der, self.trust, POLICY, self.now
        )
        authenticate_session(
            self.uow,
            KIOSK,
            challenge.session_id,
            self.sign(challenge.to_be_signed),
            self.trust,
            POLICY,
            self.now,
        )
        self.session_id = challenge.session_id
        return challenge.session_id
