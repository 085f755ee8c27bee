"""見本 (sample) certificates for staff: every kind, for a clearly fictitious household.

The people here are made up and named 見本 (「見本　太郎」); no resident's record is ever
read for a sample. A sample carries no verification stamp and its serial reads 見本, so
there is nothing in the authenticity register for /verify to find: it cannot pass as a
genuine certificate. The renderer marks every page with a large 見本.
"""

from __future__ import annotations

from datetime import date

from issuance.documents import CertificateDocument, Issuer, JuminhyoDocument
from issuance.koseki_records import Fuhyo, FuhyoEntry, Koseki, KosekiEvent, KosekiItem, KosekiMember
from issuance.model import CertificateKind
from issuance.records import Amount, Person, SealRegistration, TaxAssessment

SERIAL = "見本"
CODES = ("00000000001", "00000000002")  # no 住民票コード looks like this
FAMILY = (
    ("見本　太郎", "みほん　たろう", "世帯主", "男", date(1980, 4, 1), "長男"),
    ("見本　花子", "みほん　はなこ", "妻", "女", date(1982, 10, 10), "長女"),
)
SAMPLE_SEAL = (  # a plain red ring: the resident's registered impression, fictitious too
    "data:image/svg+xml;base64,PHN2ZyB4bWxucz0iaHR0cDovL3d3dy53My5vcmcvMjAwMC9zdmciIHZpZXdCb3g9"
    "IjAgMCAxMDAgMTAwIj48Y2lyY2xlIGN4PSI1MCIgY3k9IjUwIiByPSI0NiIgZmlsbD0ibm9uZSIgc3Ryb2tlPSIj"
    "YzAwIiBzdHJva2Utd2lkdGg9IjYiLz48L3N2Zz4="
)


def _address(issuer: Issuer) -> str:
    return f"{issuer.prefecture}{issuer.municipality_name}見本町一丁目1番1号"


def _honseki(issuer: Issuer) -> str:
    return f"{issuer.prefecture}{issuer.municipality_name}見本町一丁目1番地"


def _people(issuer: Issuer) -> tuple[Person, ...]:
    return tuple(
        Person(
            juminhyo_code=CODES[i],
            name=name,
            name_kana=kana,
            birth_date=born,
            sex=sex,
            relationship=relationship,
            became_resident_on=date(2010, 4, 1),
            address_since=date(2010, 4, 1),
            notified_on=date(2010, 4, 5),
            previous_address=f"{issuer.prefecture}見本郡見本村一番地",
            honseki=_honseki(issuer),
            hittousha="見本　太郎",
        )
        for i, (name, kana, relationship, sex, born, _) in enumerate(FAMILY)
    )


def _koseki(issuer: Issuer) -> Koseki:
    members = []
    for i, (name, _, relationship, sex, born, order) in enumerate(FAMILY):
        events = (
            KosekiEvent(
                "出生", (KosekiItem("出生日", on=born), KosekiItem("出生地", text="見本市"))
            ),
            KosekiEvent(
                "婚姻",
                (
                    KosekiItem("婚姻日", on=date(2009, 6, 1)),
                    KosekiItem("配偶者氏名", text="見本花子" if i == 0 else "見本太郎"),
                ),
            ),
        )
        members.append(
            KosekiMember(
                name.split("\u3000")[1],
                born,
                sex,
                "",
                "",
                order,
                CODES[i],
                events=events,
                spouse_role="夫" if relationship == "世帯主" else "妻",
            )  # fmt: skip
        )
    return Koseki(
        issuer.municipality_code, _honseki(issuer), "見本　太郎", tuple(members),
        compiled_on=date(2009, 6, 1), surname_kana="ミホン",
    )  # fmt: skip


def _tax(issuer: Issuer, on: date) -> TaxAssessment:
    return TaxAssessment(
        CODES[0], issuer.municipality_code, on.year if on.month >= 6 else on.year - 1,
        "見本　太郎", _address(issuer), (Amount("給与所得", 3_000_000),),
        (Amount("基礎控除", 430_000),), 2_570_000, 150_000, 100_000,
    )  # fmt: skip


def _seal(issuer: Issuer) -> SealRegistration:
    return SealRegistration(
        CODES[0], issuer.municipality_code, "00000000", "見本　太郎", FAMILY[0][4], "男",
        _address(issuer), date(2010, 4, 10), SAMPLE_SEAL,
    )  # fmt: skip


def specimen(
    kind: CertificateKind, issuer: Issuer, issued_on: date
) -> JuminhyoDocument | CertificateDocument:
    """A 見本 of ``kind`` as ``issuer`` would certify it on ``issued_on`` (JST date), for the
    fictitious 見本 household: ``sample`` set, no stamp, serial 見本."""
    if kind in (CertificateKind.JUMINHYO, CertificateKind.JUMINHYO_KISAI):
        return JuminhyoDocument(
            serial=SERIAL, issued_on=issued_on, issuer=issuer, address=_address(issuer),
            head_name="見本　太郎", members=_people(issuer),
            kisai=kind is CertificateKind.JUMINHYO_KISAI, sample=True,
        )  # fmt: skip
    record: SealRegistration | TaxAssessment | Koseki | Fuhyo
    options: dict[str, object] = {}
    if kind is CertificateKind.INKAN:
        record = _seal(issuer)
    elif kind in (CertificateKind.KAZEI, CertificateKind.SHOTOKU):
        record = _tax(issuer, issued_on)
    elif kind is CertificateKind.KOSEKI_FUHYO:
        moves = (FuhyoEntry(_address(issuer), date(2010, 4, 1)),)
        record = Fuhyo(
            CODES[0], issuer.municipality_code, _honseki(issuer), "見本　太郎", "見本　太郎",
            "ミホン　タロウ", FAMILY[0][4], "男", moves,
        )  # fmt: skip
    else:
        record = _koseki(issuer)
        if kind is CertificateKind.KOSEKI_KOJIN:
            options["members"] = record.members[:1]
    return CertificateDocument(
        kind.value, SERIAL, issued_on, issuer, record, CODES, options, sample=True
    )
