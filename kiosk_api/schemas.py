"""The kiosk protocol's bodies: the same models validate requests and write /openapi.json."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, model_validator

from centre.queue import LONGEST_WAIT_S
from issuance.authenticity.tokens import MAX_TOKEN_CHARS, TOKEN_PATTERN


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)


def _whole_number(value: object) -> object:
    """JSON has one number type: 9.0 is 9 (as JSON Schema's "integer" says); "9" stays refused."""
    return int(value) if isinstance(value, float) and value.is_integer() else value


JsonInt = Annotated[int, BeforeValidator(_whole_number)]
# Standard base64 with its padding: the schema says what the view will decode.
BASE64 = r"^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$"


class OpenSessionBody(Strict):
    certificate: str = Field(
        description="The user-authentication certificate of the card, or of the smartphone "
        "held to the reader (スマホ用電子証明書), DER, base64",
        max_length=8000,
        pattern=BASE64,
    )


class ChallengeOut(BaseModel):
    session_id: str
    challenge: str = Field(
        description="Bytes to sign with the card, base64: today's card (rsa2048) signs "
        "DigestInfo(SHA-256), PKCS#1 v1.5; the next-generation card (p384) signs the raw "
        "SHA-384 digest with ECDSA P-384"
    )
    expires_at: datetime
    card_generation: str = Field(
        description="The card's generation, from its certificate: how it signs the challenge "
        "(rsa2048: today's card; p384: the next-generation card)",
        pattern="^(rsa2048|p384)$",
    )


class AuthenticateBody(Strict):
    signature: str = Field(
        description="The card's signature over the challenge as the card returned it, base64: "
        "256 bytes (rsa2048), or the raw r||s of 96 bytes (p384; the centre makes the DER); a "
        'phone\'s over "kofu-phone-auth/1\\n" + device_report + SHA-256(challenge)',
        max_length=2000,
        pattern=BASE64,
    )
    device_report: str | None = Field(
        None,
        description="A phone only: its one-byte report of how it checked its holder, base64 "
        "(01 the PIN typed on the kiosk, Android; 02 its own biometric check, iPhone); "
        "refused with AUTH_METHOD_MISMATCH if it contradicts the certificate",
        max_length=8,
        pattern=BASE64,
    )


class Message(BaseModel):
    ja: str
    en: str


class Refusal(BaseModel):
    code: str
    message: Message


class MenuItemOut(BaseModel):
    certificate: str
    label: Message
    available: bool
    fee: int | None
    refusal: Refusal | None


class MenuOut(BaseModel):
    certificates: list[MenuItemOut]


class SessionOut(BaseModel):
    session_id: str
    state: str
    credential: str | None = Field(None, description="card, android or iphone")
    auth_method: str | None = Field(None, description="pin_on_kiosk or biometric_on_device")
    expires_at: datetime
    menu: MenuOut | None = Field(
        None, description="What the resident may get now (as GET …/menu), sent with sign-in"
    )


class MemberOut(BaseModel):
    ref: str
    name: str
    relationship: str
    is_self: bool


class HouseholdOut(BaseModel):
    members: list[MemberOut]


class JuminhyoOptions(Strict):
    members: Literal["all", "self"] | list[str] = Field(
        default="all", description="all, self, or refs from /household"
    )
    show_honseki: bool = False
    show_relationship: bool = True
    show_my_number: bool = False
    show_alias_history: bool = Field(
        default=False, description="外国人住民: 通称の記載及び削除に関する事項 (only on request)"
    )


class NoOptions(Strict):
    """印鑑登録証明書: nothing to choose (self only)."""


class TaxOptions(Strict):
    """課税証明書 / 所得証明書: the tax year (年度); default the latest with data."""

    tax_year: JsonInt | None = Field(default=None, ge=2000, le=2100)


class KosekiOptions(Strict):
    """戸籍個人事項: whose entries (self, or refs from /koseki-members or /household)."""

    members: Literal["self"] | list[str] = Field(default="self", max_length=20)


class FuhyoOptions(Strict):
    """戸籍の附票: whose (self, or one ref from /koseki-members of the same 戸籍)."""

    member: str = Field(default="self", min_length=1, max_length=32)
    show_honseki: bool = Field(
        default=False, description="本籍・筆頭者: printed only when asked (住民基本台帳法 第20条)"
    )


OPTIONS_BY_KIND: dict[str, type[Strict]] = {
    "juminhyo": JuminhyoOptions,
    "juminhyo_kisai": JuminhyoOptions,
    "inkan": NoOptions,
    "kazei": TaxOptions,
    "shotoku": TaxOptions,
    "koseki_zenbu": NoOptions,
    "koseki_kojin": KosekiOptions,
    "koseki_fuhyo": FuhyoOptions,
}
CertificateName = Literal[
    "juminhyo",
    "juminhyo_kisai",
    "inkan",
    "kazei",
    "shotoku",
    "koseki_zenbu",
    "koseki_kojin",
    "koseki_fuhyo",
]


def _options_by_kind(schema: dict[str, Any]) -> None:
    """Which options each certificate takes, as JSON Schema conditionals: a client (or a
    fuzzer) sees the pairing the view checks, not just every shape of options at once."""
    schema["allOf"] = [
        {
            "if": {"properties": {"certificate": {"const": kind}}, "required": ["certificate"]},
            "then": {"properties": {"options": model.model_json_schema()}},
        }
        for kind, model in OPTIONS_BY_KIND.items()
    ]


class RequestBody(Strict):
    model_config = ConfigDict(json_schema_extra=_options_by_kind)

    certificate: CertificateName
    options: dict[str, Any] = Field(
        default_factory=dict,
        description="Per certificate: juminhyo(_kisai) JuminhyoOptions; kazei/shotoku "
        "TaxOptions; koseki_kojin KosekiOptions; koseki_fuhyo FuhyoOptions; the others none",
    )
    copies: JsonInt = Field(default=1, ge=1, le=10)
    idempotency_key: str = Field(min_length=8, max_length=64, pattern=r"^[A-Za-z0-9_.:-]+$")

    @model_validator(mode="after")
    def _options_of_the_kind(self) -> RequestBody:
        """Each kind's options are checked by its own model (unknown or mistyped: 400)."""
        model = OPTIONS_BY_KIND[self.certificate]
        self.options = model.model_validate(self.options).model_dump()
        return self


class UseRegistrationOut(BaseModel):
    municipality_code: str
    municipality_name: str
    usable_from: date


class RequestOut(BaseModel):
    request_id: str
    certificate: str
    state: str
    copies: int
    fee_total: int
    serial: str
    pages: int | None = None
    failure: Refusal | None = None
    document_url: str | None = None


class PollQuery(BaseModel):
    model_config = ConfigDict(extra="forbid")  # query values are text: "5" may become 5.0

    wait: float = Field(
        0.0,
        ge=0,
        le=LONGEST_WAIT_S,
        description="Seconds the centre may hold the answer until the request changes state "
        "(a long poll); 0 answers at once",
    )


class TokenQuery(BaseModel):
    t: str = Field(
        description="The token from the document's QR code (payload.signature, base64url)",
        pattern=TOKEN_PATTERN,
        max_length=MAX_TOKEN_CHARS,
    )


class CertificateOut(BaseModel):
    kind: str
    ja: str
    en: str


class MunicipalityOut(BaseModel):
    code: str | None
    name: str | None


class VerificationOut(BaseModel):
    """What anyone checking a document learns: nothing personal."""

    genuine: bool
    status: str = Field(description="issued, pending, void, unknown, forged or altered")
    electronic_signature: str | None = Field(None, description="valid, invalid or absent")
    certificate: CertificateOut | None = None
    municipality: MunicipalityOut | None = None
    issued_on: date | None = None
    pages: int | None = None


class ConfirmBody(Strict):
    result: Literal["printed", "failed"]


class ErrorOut(BaseModel):
    error: Refusal
