"""An electronically delivered certificate carries a PAdES signature that validates."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from issuance.pades import FIELD_NAME, ensure_test_pki, sign_pdf
from issuance.rendering import JuminhyoRenderer
from tests.unit.test_rendering_juminhyo import household_document


@pytest.fixture(scope="module")
def signed(tmp_path_factory: pytest.TempPathFactory) -> tuple[bytes, Path]:
    files = ensure_test_pki(tmp_path_factory.mktemp("pades"))
    pdf = JuminhyoRenderer().render(household_document(2)).pdf
    return sign_pdf(pdf, files), files.ca


def _status(pdf: bytes, ca: Path):  # type: ignore[no-untyped-def]
    from pyhanko.keys import load_cert_from_pemder
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko_certvalidator import ValidationContext

    reader = PdfFileReader(io.BytesIO(pdf))
    [signature] = reader.embedded_signatures
    context = ValidationContext(trust_roots=[load_cert_from_pemder(str(ca))])
    return signature, validate_pdf_signature(signature, context)


def test_the_signature_validates_against_the_centre_ca(signed: tuple[bytes, Path]) -> None:
    pdf, ca = signed
    signature, status = _status(pdf, ca)
    assert signature.field_name == FIELD_NAME
    assert status.intact and status.valid and status.trusted and status.bottom_line
    assert status.coverage.name == "ENTIRE_FILE"


def test_a_change_after_signing_breaks_the_signature(signed: tuple[bytes, Path]) -> None:
    pdf, ca = signed
    tampered = pdf[:200] + bytes([pdf[200] ^ 1]) + pdf[201:]  # one bit of the signed bytes
    _, status = _status(tampered, ca)
    assert not status.bottom_line


def test_another_ca_does_not_vouch_for_it(signed: tuple[bytes, Path], tmp_path: Path) -> None:
    pdf, _ = signed
    stranger = ensure_test_pki(tmp_path / "other")
    _, status = _status(pdf, stranger.ca)
    assert status.intact and not status.trusted
