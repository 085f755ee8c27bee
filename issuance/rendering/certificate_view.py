"""What the other certificates print (印鑑, 課税/所得, 戸籍, 附票), as titled tables of strings."""

from __future__ import annotations

from dataclasses import dataclass

from issuance.records import (
    CertificateDocument,
    Fuhyo,
    Koseki,
    KosekiMember,
    SealRegistration,
    TaxAssessment,
)
from issuance.wareki import to_wareki

TITLES = {
    "inkan": "印鑑登録証明書",
    "kazei": "課税証明書",
    "shotoku": "所得証明書",
    "koseki_zenbu": "戸籍全部事項証明書",
    "koseki_kojin": "戸籍個人事項証明書",
    "koseki_fuhyo": "戸籍の附票の写し",
}
SENTENCES = {
    "inkan": "この写しは、登録されている印影と相違ないことを証明する。",
    "kazei": "上記のとおり課税されていることを証明する。",
    "shotoku": "上記のとおり所得があったことを証明する。",
    "koseki_zenbu": "これは、戸籍に記録されている事項の全部を証明した書面である。",
    "koseki_kojin": "これは、戸籍中の一部の者について記録されている事項を証明した書面である。",
    "koseki_fuhyo": "この写しは、戸籍の附票の原本と相違ないことを証明する。",
}


@dataclass(frozen=True)
class Section:
    heading: str
    rows: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class CertificateView:
    title: str
    serial: str
    sections: tuple[Section, ...]
    impression_url: str | None
    certification: str
    issued_on: str
    issuer_line: str


def yen(amount: int) -> str:
    return f"{amount:,}円"


def _inkan(seal: SealRegistration) -> tuple[Section, ...]:
    return (
        Section(
            "登録者",
            (
                ("登録番号", seal.registration_number),
                ("氏名", seal.name),
                ("生年月日", to_wareki(seal.birth_date)),
                ("性別", seal.sex),
                ("住所", seal.address),
                ("登録年月日", to_wareki(seal.registered_on)),
            ),
        ),
    )


def _tax(tax: TaxAssessment, kind: str) -> tuple[Section, ...]:
    sections = [
        Section(
            f"{to_wareki_year(tax.tax_year)}度（{to_wareki_year(tax.tax_year - 1)}中の所得）",
            (("氏名", tax.name), ("1月1日現在の住所", tax.address)),
        ),
        Section(
            "所得",
            tuple((i.label, yen(i.yen)) for i in tax.incomes)
            + (("合計所得金額", yen(tax.total_income)),),
        ),
    ]
    if kind == "kazei":
        sections.append(
            Section(
                "所得控除・税額",
                tuple((d.label, yen(d.yen)) for d in tax.deductions)
                + (
                    ("所得控除合計", yen(tax.total_deductions)),
                    ("課税標準額", yen(tax.taxable_income)),
                    ("市町村民税", yen(tax.municipal_tax)),
                    ("道府県民税", yen(tax.prefectural_tax)),
                    ("年税額", yen(tax.total_tax)),
                ),
            )
        )
    return tuple(sections)


def to_wareki_year(year: int) -> str:
    """「令和8年」 for 2026: the tax year as printed."""
    from datetime import date

    return to_wareki(date(year, 1, 1)).split("年")[0] + "年"


def _koseki_member(member: KosekiMember) -> Section:
    rows = [
        ("名", member.name + ("（除籍）" if member.removed else "")),
        ("生年月日", to_wareki(member.birth_date)),
        ("父", member.father),
        ("母", member.mother),
        ("続柄", member.relationship),
        ("性別", member.sex),
    ]
    rows += [(e.kind, f"{to_wareki(e.on)}　{e.detail}".strip()) for e in member.events]
    return Section("戸籍に記録されている者", tuple(rows))


def _koseki(koseki: Koseki, members: tuple[KosekiMember, ...]) -> tuple[Section, ...]:
    head = Section("", (("本籍", koseki.honseki), ("氏名", koseki.hittousha)))
    return (head, *(_koseki_member(m) for m in members))


def _fuhyo(fuhyo: Fuhyo) -> tuple[Section, ...]:
    return (
        Section("", (("本籍", fuhyo.honseki), ("筆頭者", fuhyo.hittousha))),
        Section(
            "附票に記録されている者",
            (("氏名", fuhyo.name), ("生年月日", to_wareki(fuhyo.birth_date)))
            + tuple((f"住所（{to_wareki(e.since)}から）", e.address) for e in fuhyo.entries),
        ),
    )


def certificate_view(doc: CertificateDocument) -> CertificateView:
    record = doc.record
    impression = None
    if isinstance(record, SealRegistration):
        sections, impression = _inkan(record), record.impression
    elif isinstance(record, TaxAssessment):
        sections = _tax(record, doc.kind)
    elif isinstance(record, Koseki):
        sections = _koseki(record, doc.options.get("members", record.members))  # type: ignore[arg-type]
    else:
        sections = _fuhyo(record)
    issuer = doc.issuer
    return CertificateView(
        title=TITLES[doc.kind],
        serial=doc.serial,
        sections=sections,
        impression_url=impression,
        certification=SENTENCES[doc.kind],
        issued_on=to_wareki(doc.issued_on),
        issuer_line=f"{issuer.prefecture}{issuer.mayor_title}\u3000{issuer.mayor_name}",
    )
