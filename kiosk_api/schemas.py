"""The kiosk protocol's bodies: the same models validate requests and write /openapi.json."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)


class OpenSessionBody(Strict):
    certificate: str = Field(
        description="The card's user-authentication certificate, DER, base64", max_length=8000
    )


class ChallengeOut(BaseModel):
    session_id: str
    challenge: str = Field(description="Bytes to sign with the card (SHA-256, PKCS#1 v1.5), base64")
    expires_at: datetime


class AuthenticateBody(Strict):
    signature: str = Field(
        description="The card's signature over the challenge, base64", max_length=2000
    )


class SessionOut(BaseModel):
    session_id: str
    state: str
    expires_at: datetime


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


class RequestBody(Strict):
    certificate: Literal["juminhyo"]
    options: JuminhyoOptions = Field(default_factory=JuminhyoOptions)
    copies: int = Field(default=1, ge=1, le=10)
    idempotency_key: str = Field(min_length=8, max_length=64, pattern=r"^[A-Za-z0-9_.:-]+$")


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


class ConfirmBody(Strict):
    result: Literal["printed", "failed"]


class ErrorOut(BaseModel):
    error: Refusal
