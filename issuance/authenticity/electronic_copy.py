"""Electronic delivery: the centre's PAdES signature on a copy of a certificate it issued."""

from __future__ import annotations

from issuance.authenticity.pades import PadesFiles, sign_pdf
from issuance.authenticity.register import token_in_pdf, verify_pdf
from issuance.authenticity.tokens import Keyring
from issuance.errors import KofuError
from issuance.ports import UnitOfWork


class NotIssuedError(KofuError):
    code = "NOT_AN_ISSUED_DOCUMENT"
    message_ja = "センターが交付したままの証明書ではないため、電子署名できません。"
    message_en = "This file is not a certificate exactly as the centre issued it: not signed."


def sign_issued_copy(uow: UnitOfWork, keyring: Keyring, files: PadesFiles, pdf: bytes) -> bytes:
    """``pdf`` signed by the centre (PAdES), only if it is byte for byte a document we issued.

    The signature vouches for the whole file, so the centre signs nothing it did not issue:
    no token, a token that does not verify, a changed file or an already signed one is refused.
    """
    token = token_in_pdf(pdf)
    if token is None:
        raise NotIssuedError()
    checked = verify_pdf(uow, keyring, token, pdf, files.ca)
    if not checked.genuine or checked.electronic_signature != "absent":
        raise NotIssuedError()
    return sign_pdf(pdf, files)
