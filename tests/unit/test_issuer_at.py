"""Who certifies a document issued at a moment: the latest identity in effect by then, else
the municipality's own mayor with the drawn seal."""

from __future__ import annotations

from datetime import datetime, timedelta

from issuance.calendar import JST
from issuance.documents import Issuer
from issuance.ports import MunicipalityInfo, ScheduledIdentity

ELECTION = datetime(2027, 4, 25, 0, 0, tzinfo=JST)
SEAL = b"\x89PNG\r\n\x1a\nseal"


def info(*identities: ScheduledIdentity) -> MunicipalityInfo:
    return MunicipalityInfo(
        code="131016",
        name="千代田区",
        prefecture="東京都",
        mayor_title="千代田区長",
        mayor_name="神田　和也",
        participating=True,
        backend_kind="bcl",
        identities=identities,
    )


def test_without_a_scheduled_identity_the_municipalitys_mayor_certifies() -> None:
    assert info().issuer_at(ELECTION) == Issuer(
        "131016", "千代田区", "東京都", "千代田区長", "神田　和也"
    )


def test_a_new_mayor_certifies_from_the_moment_of_taking_office_and_not_a_second_before() -> None:
    new = ScheduledIdentity(ELECTION, "千代田区長", "新井　次郎", "千代田区役所", SEAL)
    both = info(new)
    before = both.issuer_at(ELECTION - timedelta(seconds=1))
    at = both.issuer_at(ELECTION)
    assert before.mayor_name == "神田　和也" and before.seal_png is None and before.header == ""
    assert (at.mayor_name, at.header, at.seal_png) == ("新井　次郎", "千代田区役所", SEAL)


def test_the_latest_identity_in_effect_wins() -> None:
    acting = ScheduledIdentity(
        ELECTION - timedelta(days=30), "千代田区長職務代理者　副区長", "乙　三郎"
    )
    elected = ScheduledIdentity(ELECTION, "千代田区長", "新井　次郎")
    both = info(acting, elected)
    assert both.issuer_at(ELECTION - timedelta(days=1)).mayor_title.endswith("副区長")
    assert both.issuer_at(ELECTION + timedelta(days=1)).mayor_name == "新井　次郎"
