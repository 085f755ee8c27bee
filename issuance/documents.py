"""What the renderer is given (the documents, with their issuer and stamp) and gives back."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from issuance.koseki_records import Fuhyo, Koseki
from issuance.records import Person, SealRegistration, TaxAssessment


@dataclass(frozen=True)
class Issuer:
    """The municipality whose mayor certifies the document."""

    municipality_code: str
    municipality_name: str  # e.g. 千代田区
    prefecture: str  # e.g. 東京都
    mayor_title: str  # e.g. 千代田区長
    mayor_name: str
    header: str = ""  # the masthead's wording; "" prints prefecture and municipality
    seal_png: bytes | None = None  # the uploaded 公印 (PNG); None draws 「…之印」


@dataclass(frozen=True)
class Stamp:
    """The document's verification token, and the address its QR code opens."""

    token: str
    url: str


@dataclass(frozen=True)
class JuminhyoDocument:
    """Everything the 住民票の写し shows, already filtered to what the resident chose."""

    serial: str
    issued_on: date
    issuer: Issuer
    address: str
    head_name: str
    members: tuple[Person, ...]
    show_honseki: bool = False  # 本籍・筆頭者
    show_relationship: bool = True  # 世帯主・続柄
    show_my_number: bool = False  # 個人番号
    show_alias_history: bool = False  # 通称の記載及び削除に関する事項 (only on request)
    whole_household: bool = True  # 世帯全員 vs 世帯の一部
    kisai: bool = False  # 住民票記載事項証明書 rather than the 写し
    stamp: Stamp | None = None
    sample: bool = False  # a 見本 for staff: marked across the page, never stamped


@dataclass(frozen=True)
class RenderedDocument:
    """A rendered PDF and the facts the centre checks before handing it out."""

    pdf: bytes
    pages: int
    digest: str  # sha256 hex of ``pdf``
    subject_codes: tuple[str, ...]  # 住民票コード of every person the document names


@dataclass(frozen=True)
class CertificateDocument:
    """Any certificate other than the 住民票: its kind, the record, and who it names."""

    kind: str
    serial: str
    issued_on: date
    issuer: Issuer
    record: SealRegistration | TaxAssessment | Koseki | Fuhyo
    subject_codes: tuple[str, ...]
    options: dict[str, object] = field(default_factory=dict)
    stamp: Stamp | None = None
    sample: bool = False  # a 見本 for staff: marked across the page, never stamped
