"""What the other certificates print (印鑑, 課税/所得, 戸籍, 附票): every string, no layout."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from issuance.calendar import to_fullwidth_digits, to_wareki
from issuance.documents import CertificateDocument, Issuer
from issuance.koseki_records import Koseki
from issuance.records import SealRegistration, TaxAssessment
from rendering.koseki_view import FuhyoView, KosekiView, fuhyo_view, koseki_view

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
TEMPLATES = {
    "inkan": "inkan.html",
    "kazei": "tax.html",
    "shotoku": "tax.html",
    "koseki_zenbu": "koseki.html",
    "koseki_kojin": "koseki.html",
    "koseki_fuhyo": "fuhyo.html",
}


@dataclass(frozen=True)
class InkanView:
    """The 印鑑登録証明書's body: the impression, and who registered it.

    ``former_surname`` (旧氏) and ``alias`` (通称) are None unless the 住民票 carries them;
    then they are printed with the 氏名 (印鑑登録証明事務処理要領). ``rows``: how many
    rows the impression spans.
    """

    impression_url: str
    registration_number: str
    name: str
    former_surname: str | None
    alias: str | None
    birth_date: str
    sex: str
    address: str
    rows: int


@dataclass(frozen=True)
class TaxView:
    """The 課税/所得証明書's body; ``show_tax`` is False for the 所得証明書."""

    year_label: str
    income_year_label: str
    name: str
    address: str
    incomes: tuple[tuple[str, str], ...]
    total_income: str
    deductions: tuple[tuple[str, str], ...]
    total_deductions: str
    taxable_income: str
    municipal_tax: str
    prefectural_tax: str
    prefectural_label: str
    total_tax: str
    show_tax: bool


@dataclass(frozen=True)
class CertificateView:
    """The whole document: the shared page parts and one kind's body."""

    kind: str
    template: str
    title: str
    serial: str
    municipality: str
    body: InkanView | TaxView | KosekiView | FuhyoView
    certification: str
    issued_on: str
    issuer_line: str


def yen(amount: int) -> str:
    return f"{amount:,}"


def wareki_year(year: int) -> str:
    """「令和8年」 for 2026: a tax year as printed."""
    return to_wareki(date(year, 1, 1)).split("年")[0] + "年"


def inkan_view(seal: SealRegistration) -> InkanView:
    """The registration as printed: 登録番号, 氏名 (with 旧氏 and 通称), 生年月日, 性別, 住所."""
    return InkanView(
        impression_url=seal.impression,
        registration_number=to_fullwidth_digits(seal.registration_number),
        name=seal.name,
        former_surname=seal.former_surname,
        alias=seal.alias,
        birth_date=to_wareki(seal.birth_date, fullwidth=True),
        sex=seal.sex,
        address=to_fullwidth_digits(seal.address),
        rows=5 + bool(seal.former_surname) + bool(seal.alias),
    )


def tax_view(tax: TaxAssessment, kind: str, issuer: Issuer) -> TaxView:
    pref = "都民税" if issuer.prefecture == "東京都" else f"{issuer.prefecture[-1]}民税"
    return TaxView(
        year_label=f"{wareki_year(tax.tax_year)}度",
        income_year_label=f"{wareki_year(tax.tax_year - 1)}分",
        name=tax.name,
        address=tax.address,
        incomes=tuple((i.label, yen(i.yen)) for i in tax.incomes),
        total_income=yen(tax.total_income),
        deductions=tuple((d.label, yen(d.yen)) for d in tax.deductions),
        total_deductions=yen(tax.total_deductions),
        taxable_income=yen(tax.taxable_income),
        municipal_tax=yen(tax.municipal_tax),
        prefectural_tax=yen(tax.prefectural_tax),
        prefectural_label=pref,
        total_tax=yen(tax.total_tax),
        show_tax=kind == "kazei",
    )


def _body(doc: CertificateDocument) -> InkanView | TaxView | KosekiView | FuhyoView:
    record = doc.record
    if isinstance(record, SealRegistration):
        return inkan_view(record)
    if isinstance(record, TaxAssessment):
        return tax_view(record, doc.kind, doc.issuer)
    if isinstance(record, Koseki):
        members = doc.options.get("members", record.members)
        return koseki_view(record, members)  # type: ignore[arg-type]
    return fuhyo_view(record, show_honseki=bool(doc.options.get("show_honseki", False)))


def certificate_view(doc: CertificateDocument) -> CertificateView:
    """Everything the kind's template prints for ``doc``."""
    issuer = doc.issuer
    return CertificateView(
        kind=doc.kind,
        template=TEMPLATES[doc.kind],
        title=TITLES[doc.kind],
        serial=doc.serial,
        municipality=issuer.header or f"{issuer.prefecture}{issuer.municipality_name}",
        body=_body(doc),
        certification=SENTENCES[doc.kind],
        issued_on=to_wareki(doc.issued_on, fullwidth=True),
        issuer_line=f"{issuer.prefecture}{issuer.mayor_title}\u3000{issuer.mayor_name}",
    )
