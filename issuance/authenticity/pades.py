"""PAdES signatures for electronically delivered certificates (pyHanko), and their test PKI."""

from __future__ import annotations

import datetime as dt
import enum
import hashlib
import io
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from issuance.authenticity.pdf_input import MAX_REVISIONS, pyhanko_reader

CA_CERT = "ca.pem"
SIGNER_CERT = "signer.pem"
SIGNER_KEY = "signer-key.pem"
_CA_KEY = "ca-key.pem"
FIELD_NAME = "CentreSignature"
PADES_SUBFILTER = "/ETSI.CAdES.detached"
# The centre signs a copy once, perhaps again on re-delivery; a file with more signatures
# than this is not one of ours, and each would cost a full validation to say so.
MAX_SIGNATURES = 8


@dataclass(frozen=True)
class PadesFiles:
    """Where the centre's document-signing certificate, its key and its CA live."""

    directory: Path

    @property
    def ca(self) -> Path:
        return self.directory / CA_CERT

    @property
    def cert(self) -> Path:
        return self.directory / SIGNER_CERT

    @property
    def key(self) -> Path:
        return self.directory / SIGNER_KEY


def _name(common_name: str) -> x509.Name:
    return x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "JP"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Kofu Certificate Centre"),
            x509.NameAttribute(NameOID.COMMON_NAME, common_name),
        ]
    )


def _pem_key(key: ec.EllipticCurvePrivateKey) -> bytes:
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )


def _certificate(
    subject: str, key: ec.EllipticCurvePrivateKey, issuer: x509.Name, signing_key: object, ca: bool
) -> x509.Certificate:
    now = dt.datetime.now(dt.UTC)
    builder = (
        x509.CertificateBuilder()
        .subject_name(_name(subject))
        .issuer_name(issuer)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=3650 if ca else 825))
        .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
    )
    usage = dict.fromkeys(
        (
            "digital_signature",
            "content_commitment",
            "key_encipherment",
            "data_encipherment",
            "key_agreement",
            "key_cert_sign",
            "crl_sign",
            "encipher_only",
            "decipher_only",
        ),
        False,
    )
    if ca:
        usage.update(key_cert_sign=True, crl_sign=True)
    else:
        usage.update(digital_signature=True, content_commitment=True)
        builder = builder.add_extension(
            x509.ExtendedKeyUsage([ExtendedKeyUsageOID.EMAIL_PROTECTION]), critical=False
        )
    builder = builder.add_extension(x509.KeyUsage(**usage), critical=True)
    return builder.sign(signing_key, hashes.SHA256())  # type: ignore[arg-type]


def ensure_test_pki(directory: Path) -> PadesFiles:
    """A test CA and the centre's document-signing certificate, made once in ``directory``."""
    files = PadesFiles(directory)
    if files.ca.exists() and files.cert.exists() and files.key.exists():
        return files
    directory.mkdir(parents=True, exist_ok=True)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_cert = _certificate(
        "Kofu Test Document CA", ca_key, _name("Kofu Test Document CA"), ca_key, True
    )
    key = ec.generate_private_key(ec.SECP256R1())
    cert = _certificate("Kofu Centre Document Signing", key, ca_cert.subject, ca_key, False)
    (directory / _CA_KEY).write_bytes(_pem_key(ca_key))
    files.key.write_bytes(_pem_key(key))
    files.cert.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    files.ca.write_bytes(ca_cert.public_bytes(serialization.Encoding.PEM))
    return files


def sign_pdf(pdf: bytes, files: PadesFiles, *, reason: str = "証明書の電子交付") -> bytes:
    """``pdf`` with a PAdES baseline signature by the centre, as an incremental update."""
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import signers
    from pyhanko.sign.fields import SigSeedSubFilter

    signer = signers.SimpleSigner.load(
        str(files.key), str(files.cert), ca_chain_files=(str(files.ca),)
    )
    if signer is None:
        raise ValueError("the PAdES signing key or certificate could not be read")
    meta = signers.PdfSignatureMetadata(
        field_name=FIELD_NAME,
        reason=reason,
        subfilter=SigSeedSubFilter.PADES,
        md_algorithm="sha256",
    )
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf))
    out = signers.sign_pdf(writer, meta, signer=signer)
    return out.getvalue()


class ElectronicSignature(enum.StrEnum):
    """What a recipient's check says of a file's PAdES signatures."""

    VALID = "valid"  # the centre's signatures, the last one covering the whole file
    INVALID = "invalid"  # a signature that is not the centre's, or changes after one
    ABSENT = "absent"  # no signature that could be read


@dataclass(frozen=True)
class Revisions:
    """A file's incremental revisions, and which of them the centre signed.

    ``ends`` holds, per revision, the lengths the file had when that revision was its last:
    right after ``%%EOF``, or after its end-of-line (writers differ on where the next update
    starts).
    """

    ends: tuple[tuple[int, ...], ...] = ()
    centre_signed: frozenset[int] = frozenset()
    signatures: int = 0
    whole_file_signed: bool = False  # a centre signature covers every byte of the file

    @property
    def electronic_signature(self) -> ElectronicSignature:
        if self.signatures == 0:
            return ElectronicSignature.ABSENT
        if len(self.centre_signed) == self.signatures and self.whole_file_signed:
            return ElectronicSignature.VALID
        return ElectronicSignature.INVALID

    def extends(self, pdf: bytes, original_digest: str) -> bool:
        """True if ``pdf`` is the file whose sha256 is ``original_digest``, then only the
        centre's signatures: every revision after the original is one the centre signed."""
        if self.electronic_signature is not ElectronicSignature.VALID:
            return False
        for revision, lengths in enumerate(self.ends[:-1]):
            if any(hashlib.sha256(pdf[:n]).hexdigest() == original_digest for n in lengths):
                later = range(revision + 1, len(self.ends))
                return all(r in self.centre_signed for r in later)
        return False


def _revision_ends(pdf: bytes, reader: Any) -> tuple[tuple[int, ...], ...]:
    ends: list[tuple[int, ...]] = []
    for revision in range(reader.xrefs.total_revisions):
        # Only the trailer and startxref lie between a revision's xref data and its %%EOF.
        xref_end = reader.xrefs.get_xref_container_info(revision).end_location
        eof = pdf.find(b"%%EOF", xref_end)
        if eof < 0:
            ends.append(())
            continue
        end = eof + len(b"%%EOF")
        eol = next((e for e in (b"\r\n", b"\n", b"\r") if pdf.startswith(e, end)), b"")
        ends.append((end, end + len(eol)) if eol else (end,))
    return tuple(ends)


def read_revisions(pdf: bytes, ca: Path | None) -> Revisions:
    """The revisions of ``pdf`` and the signatures among them that ``ca`` vouches for.

    A signature counts as the centre's only if it is a PAdES signature, intact, made by a
    certificate that ``ca`` (the centre's document CA, which certifies nothing else) issued,
    and covers its whole revision. With no ``ca``, no signature is the centre's.
    """
    try:
        reader = pyhanko_reader(pdf)
        signatures = reader.embedded_signatures
        ends = _revision_ends(pdf, reader)
    except Exception:  # noqa: BLE001 - hostile input: what cannot be read carries no signature
        return Revisions()
    if len(signatures) > MAX_SIGNATURES or len(ends) > MAX_REVISIONS:
        return Revisions(ends, frozenset(), len(signatures), False)
    if ca is None or not ca.exists():
        return Revisions(ends, frozenset(), len(signatures), False)
    from pyhanko.keys import load_cert_from_pemder

    centre = (x509.load_pem_x509_certificate(ca.read_bytes()), load_cert_from_pemder(str(ca)))
    signed: set[int] = set()
    whole_file = False
    for signature in signatures:
        coverage = _centre_coverage(signature, *centre)
        if coverage is not None:
            signed.add(signature.signed_revision)
            whole_file |= coverage == "ENTIRE_FILE"
    return Revisions(ends, frozenset(signed), len(signatures), whole_file)


def _centre_coverage(signature: Any, ca_cert: x509.Certificate, root: Any) -> str | None:
    """How much a valid centre signature covers (ENTIRE_FILE, ENTIRE_REVISION), else None."""
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko_certvalidator import ValidationContext

    try:
        if signature.sig_object.get("/SubFilter") != PADES_SUBFILTER:
            return None
        # Checked first so that a stranger's certificate (a person's name) never reaches
        # the validator, which logs the subject of every certificate it rejects.
        signer = x509.load_der_x509_certificate(signature.signer_cert.dump())
        signer.verify_directly_issued_by(ca_cert)
        context = ValidationContext(trust_roots=[root])
        status = validate_pdf_signature(signature, context, skip_diff=True)
    except Exception:  # noqa: BLE001 - hostile input: what cannot be checked is not valid
        return None
    coverage = status.coverage.name if status.coverage else ""
    if status.intact and status.valid and status.trusted and coverage.startswith("ENTIRE_"):
        return coverage
    return None
