"""An electronically delivered certificate carries a PAdES signature that validates."""

from __future__ import annotations

import hashlib
import io
from pathlib import Path

import pytest
from pypdf import PdfWriter

from issuance.authenticity.pades import (
    FIELD_NAME,
    ElectronicSignature,
    PadesFiles,
    ensure_test_pki,
    read_revisions,
    sign_pdf,
)
from rendering import JuminhyoRenderer
from tests.unit.test_rendering_juminhyo import household_document


@pytest.fixture(scope="module")
def centre(tmp_path_factory: pytest.TempPathFactory) -> PadesFiles:
    return ensure_test_pki(tmp_path_factory.mktemp("pades"))


@pytest.fixture(scope="module")
def original() -> bytes:
    return JuminhyoRenderer().render(household_document(2)).pdf


@pytest.fixture(scope="module")
def signed(original: bytes, centre: PadesFiles) -> tuple[bytes, Path]:
    return sign_pdf(original, centre), centre.ca


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


def _digest(pdf: bytes) -> str:
    return hashlib.sha256(pdf).hexdigest()


def _retitled(pdf: bytes) -> bytes:
    writer = PdfWriter(io.BytesIO(pdf), incremental=True)
    writer.add_metadata({"/Title": "edited"})
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def test_a_signed_copy_is_the_original_revision_plus_the_centres_signature(
    signed: tuple[bytes, Path], original: bytes
) -> None:
    pdf, ca = signed
    revisions = read_revisions(pdf, ca)
    assert revisions.electronic_signature is ElectronicSignature.VALID
    assert revisions.extends(pdf, _digest(original))
    assert not revisions.extends(pdf, _digest(original + b"\n"))


def test_an_edit_saved_after_signing_leaves_the_copy_unsigned_as_a_whole(
    signed: tuple[bytes, Path], original: bytes
) -> None:
    pdf, ca = signed
    revisions = read_revisions(_retitled(pdf), ca)
    assert revisions.electronic_signature is ElectronicSignature.INVALID
    assert not revisions.extends(_retitled(pdf), _digest(original))


def test_a_centre_signature_over_an_edited_file_does_not_vouch_for_the_edit(
    original: bytes, centre: PadesFiles
) -> None:
    pdf = sign_pdf(_retitled(original), centre)
    revisions = read_revisions(pdf, centre.ca)
    assert revisions.electronic_signature is ElectronicSignature.VALID
    assert not revisions.extends(pdf, _digest(original))


def test_without_the_centre_ca_no_signature_counts(signed: tuple[bytes, Path]) -> None:
    pdf, _ = signed
    assert read_revisions(pdf, None).electronic_signature is ElectronicSignature.INVALID
    assert read_revisions(b"%PDF-1.7 not really", None).electronic_signature is (
        ElectronicSignature.ABSENT
    )


def test_a_strangers_signature_is_refused_without_logging_who_signed(
    original: bytes, centre: PadesFiles, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    stranger = sign_pdf(original, ensure_test_pki(tmp_path / "stranger"))
    with caplog.at_level("DEBUG"):
        revisions = read_revisions(stranger, centre.ca)
    assert revisions.electronic_signature is ElectronicSignature.INVALID
    assert not revisions.extends(stranger, _digest(original))
    assert "Document Signing" not in caplog.text
