"""Sample certificates for the render benchmarks: 住民票 of one and four, every other kind."""

from __future__ import annotations

from datetime import date

from issuance.documents import CertificateDocument, Issuer, JuminhyoDocument
from issuance.koseki_records import Fuhyo, FuhyoEntry, Koseki, KosekiEvent, KosekiItem, KosekiMember
from issuance.records import Amount, Person, SealRegistration, TaxAssessment

ISSUER = Issuer("131016", "千代田区", "東京都", "千代田区長", "山田　太郎")
ADDRESS = "東京都千代田区千代田一丁目1番1号　コーポ千代田101"
IMPRESSION = (
    "data:image/svg+xml;base64,PHN2ZyB4bWxucz0iaHR0cDovL3d3dy53My5vcmcvMjAwMC9zdmciIHZpZXdCb3g9"
    "IjAgMCAxMDAgMTAwIj48Y2lyY2xlIGN4PSI1MCIgY3k9IjUwIiByPSI0NiIgZmlsbD0ibm9uZSIgc3Ryb2tlPSIj"
    "YzAwIiBzdHJva2Utd2lkdGg9IjYiLz48L3N2Zz4="
)

FAMILY = (
    ("鈴木　一郎", "すずき　いちろう", "世帯主", "男", date(1972, 3, 14)),
    ("鈴木　花子", "すずき　はなこ", "妻", "女", date(1975, 8, 2)),
    ("鈴木　翔太", "すずき　しょうた", "子", "男", date(2004, 5, 1)),
    ("鈴木　美咲", "すずき　みさき", "子", "女", date(2019, 5, 1)),
)


def sample_document() -> JuminhyoDocument:
    """A typical whole-household 住民票 of four, with 本籍 shown."""
    members = tuple(
        Person(
            juminhyo_code=f"{31415926500 + i}",
            name=name,
            name_kana=kana,
            birth_date=born,
            sex=sex,
            relationship=relationship,
            became_resident_on=date(2012, 4, 1),
            address_since=date(2012, 4, 1),
            notified_on=date(2012, 4, 6),
            previous_address="神奈川県横浜市中区山下町1番地　山下マンション305号",
            honseki="東京都千代田区千代田一番",
            hittousha="鈴木　一郎",
            my_number=f"{271828182800 + i}",
        )
        for i, (name, kana, relationship, sex, born) in enumerate(FAMILY)
    )
    return JuminhyoDocument(
        serial="R08-0001234",
        issued_on=date(2026, 11, 22),
        issuer=ISSUER,
        address=ADDRESS,
        head_name="鈴木　一郎",
        members=members,
        show_honseki=True,
    )


def load_document() -> JuminhyoDocument:
    """What `make bench` issues: a one-person household's 住民票 with its verification stamp.

    The bare render rate must be measured on the same document the platform renders.
    """
    import tempfile
    from dataclasses import replace
    from pathlib import Path

    from issuance.authenticity.tokens import DocumentClaims, Keyring
    from issuance.documents import Stamp

    single = sample_document()
    single = replace(single, members=single.members[:1], show_honseki=False)
    keyring = Keyring(Path(tempfile.mkdtemp(prefix="kofu-bench-keys-")))
    claims = DocumentClaims(
        "2611221234567890", "juminhyo", ISSUER.municipality_code, single.issued_on, "0" * 64
    )
    return replace(single, stamp=Stamp(keyring.sign(claims), "http://127.0.0.1:8000/verify"))


def gaiji_document() -> JuminhyoDocument:
    """The stamped one-person 住民票 of a resident whose name and address need IPAmj明朝:
    𠮷 (U+20BB7), 𤭢 (U+24B62), and 葛 with an IVS only IPAmj defines (U+E0102)."""
    from dataclasses import replace

    doc = load_document()
    name = "\U00020bb7田　葛\U000e0102子"
    member = replace(doc.members[0], name=name, previous_address="岐阜県\U00024b62町1番地")
    return replace(doc, members=(member,), head_name=name)


def _certificate(kind: str, record: object, codes: tuple[str, ...]) -> CertificateDocument:
    return CertificateDocument(kind, "R08-0001235", date(2026, 11, 22), ISSUER, record, codes)  # type: ignore[arg-type]


def _koseki_member(index: int) -> KosekiMember:
    name, _, relationship, sex, born = FAMILY[index]
    events = (
        KosekiEvent(
            "出生", (KosekiItem("出生日", on=born), KosekiItem("出生地", text="東京都千代田区"))
        ),
    )
    spouse_role = {"世帯主": "夫", "妻": "妻"}.get(relationship)
    if spouse_role is not None:
        spouse = "鈴木花子" if spouse_role == "夫" else "鈴木一郎"
        events += (
            KosekiEvent(
                "婚姻",
                (KosekiItem("婚姻日", on=date(2001, 6, 1)), KosekiItem("配偶者氏名", text=spouse)),
            ),
        )
    return KosekiMember(
        name.split("\u3000")[1],
        born,
        sex,
        "",
        "",
        "長男" if sex == "男" else "長女",
        f"{31415926500 + index}",
        events=events,
        spouse_role=spouse_role,
    )


def _tax() -> TaxAssessment:
    return TaxAssessment(
        "31415926500",
        "131016",
        2026,
        "鈴木　一郎",
        ADDRESS,
        (Amount("給与所得", 4_360_000),),
        (Amount("基礎控除", 430_000), Amount("社会保険料控除", 650_000)),
        3_280_000,
        200_300,
        132_700,
    )


def _seal() -> SealRegistration:
    return SealRegistration(
        "31415926500", "131016", "00012345", "鈴木　一郎", date(1972, 3, 14), "男", ADDRESS,
        date(2012, 4, 10), IMPRESSION,
    )  # fmt: skip


def _fuhyo(honseki: str) -> Fuhyo:
    moves = (
        FuhyoEntry("神奈川県横浜市中区山下町1番地", date(1995, 4, 1)),
        FuhyoEntry(ADDRESS, date(2012, 4, 1)),
    )
    return Fuhyo(
        "31415926500", "131016", honseki, "鈴木　一郎", "鈴木　一郎", "スズキ　イチロウ",
        date(1972, 3, 14), "男", moves,
    )  # fmt: skip


def sample_documents() -> dict[str, JuminhyoDocument | CertificateDocument]:
    """One typical document of every kind, for the same household."""
    code, everyone = ("31415926500",), tuple(f"{31415926500 + i}" for i in range(4))
    members = tuple(_koseki_member(i) for i in range(4))
    koseki = Koseki("131016", "東京都千代田区千代田一番", "鈴木　一郎", members)
    return {
        "juminhyo": sample_document(),
        "juminhyo_load": load_document(),
        "juminhyo_gaiji": gaiji_document(),
        "inkan": _certificate("inkan", _seal(), code),
        "kazei": _certificate("kazei", _tax(), code),
        "shotoku": _certificate("shotoku", _tax(), code),
        "koseki_zenbu": _certificate("koseki_zenbu", koseki, everyone),
        "koseki_fuhyo": _certificate("koseki_fuhyo", _fuhyo(koseki.honseki), code),
    }
