"""Anyone can check a printed certificate: scan the QR, ask the centre, see genuine or not."""

from __future__ import annotations

import io
import os
import subprocess
from pathlib import Path
from urllib.parse import parse_qs, urlparse

from pypdf import PdfReader, PdfWriter

from centre.bootstrap import Platform
from issuance.authenticity.pades import ensure_test_pki, sign_pdf
from tests.support.kiosk import TestKiosk
from tests.support.pdf import qr_payloads, save
from tests.support.services import KOFU


def printed(kiosk: TestKiosk, card: Path, confirm: str | None = "printed") -> tuple[dict, bytes]:
    ready, pdf = kiosk.issue(card)
    if confirm:
        kiosk.call("POST", kiosk.path(ready["request_id"], "/confirmation"), {"result": confirm})
    return ready, pdf


def scanned_token(pdf: bytes) -> str:
    [url] = qr_payloads(pdf)
    parsed = urlparse(url)
    assert parsed.path == "/verify"
    return parse_qs(parsed.query)["t"][0]


def test_a_printed_certificate_verifies_from_its_rasterised_qr_code(
    kiosk: TestKiosk, cards: Path
) -> None:
    ready, pdf = printed(kiosk, cards / "yamada-taro.json")
    save(pdf, "juminhyo-with-qr.pdf")
    result = kiosk.client.get("/api/verify", query_string={"t": scanned_token(pdf)}).json
    assert result["genuine"] is True and result["status"] == "issued"
    assert result["certificate"]["kind"] == "juminhyo"
    assert result["municipality"]["name"] == "東京都千代田区"
    assert result["pages"] == ready["pages"]
    assert "山田" not in str(result)  # nothing personal


def test_the_public_page_says_genuine_in_both_languages(kiosk: TestKiosk, cards: Path) -> None:
    _, pdf = printed(kiosk, cards / "yamada-taro.json")
    page = kiosk.client.get("/verify", query_string={"t": scanned_token(pdf)}).get_data(
        as_text=True
    )
    assert "本物の証明書です" in page and "Genuine" in page and "千代田区" in page
    assert "山田" not in page


def test_a_document_never_printed_or_voided_is_not_genuine(kiosk: TestKiosk, cards: Path) -> None:
    # Downloaded, print not reported: the truth is "unconfirmed", not "never issued".
    _, unconfirmed = printed(kiosk, cards / "yamada-taro.json", confirm=None)
    assert (
        kiosk.client.get("/api/verify", query_string={"t": scanned_token(unconfirmed)}).json[
            "status"
        ]
        == "unconfirmed"
    )
    other = TestKiosk(kiosk.client, kiosk.token)
    _, voided = printed(other, cards / "yamada-hanako.json", confirm="failed")
    result = kiosk.client.get("/api/verify", query_string={"t": scanned_token(voided)}).json
    assert result == {**result, "genuine": False, "status": "void"}


def test_a_forged_token_is_not_recognised(kiosk: TestKiosk, cards: Path) -> None:
    _, pdf = printed(kiosk, cards / "yamada-taro.json")
    token = scanned_token(pdf)
    forged = token[:10] + ("A" if token[10] != "A" else "B") + token[11:]
    result = kiosk.client.get("/api/verify", query_string={"t": forged}).json
    assert result["genuine"] is False and result["status"] == "forged"
    page = kiosk.client.get("/verify", query_string={"t": forged}).get_data(as_text=True)
    assert "偽造の可能性" in page


def test_an_electronic_copy_verifies_only_if_unaltered(kiosk: TestKiosk, cards: Path) -> None:
    _, pdf = printed(kiosk, cards / "yamada-taro.json")
    ok = kiosk.client.post("/api/verify/pdf", data=pdf, content_type="application/pdf").json
    assert ok["genuine"] is True and ok["electronic_signature"] == "absent"
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(pdf)))
    writer.add_metadata({"/Title": "住民票（写し） edited"})
    altered = io.BytesIO()
    writer.write(altered)
    result = kiosk.client.post(
        "/api/verify/pdf", data=altered.getvalue(), content_type="application/pdf"
    ).json
    assert result["genuine"] is False and result["status"] == "altered"


def check_pdf(kiosk: TestKiosk, pdf: bytes) -> dict:
    return kiosk.client.post("/api/verify/pdf", data=pdf, content_type="application/pdf").json


def edited_incrementally(pdf: bytes) -> bytes:
    """What a PDF editor's "save" does: the change appended as a new revision."""
    writer = PdfWriter(io.BytesIO(pdf), incremental=True)
    writer.add_metadata({"/Title": "住民票（写し） edited"})
    out = io.BytesIO()
    writer.write(out)
    assert out.getvalue().startswith(pdf)
    return out.getvalue()


def test_a_copy_carrying_the_centres_pades_signature_is_genuine_and_says_so(
    kiosk: TestKiosk, cards: Path, platform: Platform
) -> None:
    _, pdf = printed(kiosk, cards / "yamada-taro.json")
    assert platform.settings.pades_dir is not None
    signed = sign_pdf(pdf, ensure_test_pki(platform.settings.pades_dir))
    save(signed, "juminhyo-pades.pdf")
    result = check_pdf(kiosk, signed)
    assert result["genuine"] is True and result["status"] == "issued"
    assert result["electronic_signature"] == "valid"
    assert result["certificate"]["kind"] == "juminhyo"
    assert "山田" not in str(result)


def test_a_signed_copy_edited_afterwards_is_altered(
    kiosk: TestKiosk, cards: Path, platform: Platform
) -> None:
    _, pdf = printed(kiosk, cards / "yamada-taro.json")
    assert platform.settings.pades_dir is not None
    signed = sign_pdf(pdf, ensure_test_pki(platform.settings.pades_dir))
    for copy in (edited_incrementally(signed), edited_incrementally(pdf)):
        result = check_pdf(kiosk, copy)
        assert result["genuine"] is False and result["status"] == "altered"
        assert result["electronic_signature"] != "valid"


def test_a_copy_signed_by_anyone_but_the_centre_is_altered(
    kiosk: TestKiosk, cards: Path, platform: Platform, tmp_path: Path
) -> None:
    _, pdf = printed(kiosk, cards / "yamada-taro.json")
    assert platform.settings.pades_dir is not None
    ensure_test_pki(platform.settings.pades_dir)  # the centre signs; this copy it did not
    result = check_pdf(kiosk, sign_pdf(pdf, ensure_test_pki(tmp_path / "stranger")))
    assert result["genuine"] is False and result["status"] == "altered"
    assert result["electronic_signature"] == "invalid"


def test_documents_signed_before_a_key_rotation_still_verify(
    kiosk: TestKiosk, cards: Path, platform: Platform
) -> None:
    _, before = printed(kiosk, cards / "yamada-taro.json")
    old_kid = platform.keyring.current_kid()
    platform.keyring.rotate()
    after_kiosk = TestKiosk(kiosk.client, kiosk.token)
    _, after = printed(after_kiosk, cards / "yamada-hanako.json")
    for pdf in (before, after):
        assert kiosk.client.get("/api/verify", query_string={"t": scanned_token(pdf)}).json[
            "genuine"
        ]
    keys = kiosk.client.get("/verify/keys.json").json["keys"]
    assert old_kid in keys and platform.keyring.current_kid() in keys


def test_verification_is_rate_limited_per_client(kiosk: TestKiosk, platform: Platform) -> None:
    limit = platform.settings.verify_rate_per_minute
    forged = "eA." + "A" * 86  # shaped like a token (a malformed one is refused, 400)
    answers = [
        kiosk.client.get("/api/verify", query_string={"t": forged}) for _ in range(limit + 1)
    ]
    assert [a.status_code for a in answers[:limit]] == [200] * limit
    assert answers[-1].status_code == 429
    assert answers[-1].json["error"]["code"] == "RATE_LIMITED"


def _verifier_calls(
    platform: Platform, trusted_proxies: int, forwarded_for: list[str]
) -> list[int]:
    """Status of one verification per entry, each through the balancer at 10.0.0.1 and
    forwarded for that entry's client; the limit is one check per client and minute."""
    from dataclasses import replace

    from kiosk_api.app import create_app

    settings = platform.settings.with_overrides(
        trusted_proxies=trusted_proxies, verify_rate_per_minute=1
    )
    client = create_app(platform=replace(platform, settings=settings)).test_client()
    forged = "eA." + "A" * 86
    return [
        client.get(
            "/api/verify",
            query_string={"t": forged},
            headers={"X-Forwarded-For": address},
            environ_base={"REMOTE_ADDR": "10.0.0.1"},
        ).status_code
        for address in forwarded_for
    ]


def test_without_a_trusted_proxy_x_forwarded_for_is_ignored(platform: Platform) -> None:
    # Two verifiers, one balancer: keyed on the balancer, the second is limited.
    assert _verifier_calls(platform, 0, ["203.0.113.1", "203.0.113.2"]) == [200, 429]


def test_behind_a_trusted_proxy_each_verifier_is_limited_on_its_own_address(
    platform: Platform,
) -> None:
    assert _verifier_calls(platform, 1, ["203.0.113.1", "203.0.113.2"]) == [200, 200]
    # Only the entry our proxy appended counts: a client's own prefix changes nothing.
    assert _verifier_calls(platform, 1, ["203.0.113.1", "198.51.100.9, 203.0.113.1"]) == [200, 429]


def _kofu(settings_dir: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "KOFU_DATA_DIR": str(settings_dir)}
    env.pop("KOFU_DATABASE_URL", None)
    env.pop("KOFU_REDIS_URL", None)
    return subprocess.run(
        [KOFU, *args], env=env, capture_output=True, text=True, timeout=120, check=False
    )


def test_an_operator_signs_an_issued_certificate_for_electronic_delivery(
    kiosk: TestKiosk, cards: Path, platform: Platform, tmp_path: Path
) -> None:
    from pyhanko.keys import load_cert_from_pemder
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko_certvalidator import ValidationContext

    _, pdf = printed(kiosk, cards / "yamada-taro.json")
    issued, signed_path = tmp_path / "issued.pdf", tmp_path / "signed.pdf"
    issued.write_bytes(pdf)
    data_dir = platform.settings.data_dir
    missing = _kofu(data_dir, "document", "sign", str(issued), "--out", str(signed_path))
    assert missing.returncode == 2 and "PADES_KEY_MISSING" in missing.stderr
    assert platform.settings.pades_dir is not None
    files = ensure_test_pki(platform.settings.pades_dir)  # what `kofu demo load` makes
    done = _kofu(data_dir, "document", "sign", str(issued), "--out", str(signed_path))
    assert done.returncode == 0, done.stderr
    signed = signed_path.read_bytes()
    result = check_pdf(kiosk, signed)
    assert result["genuine"] is True and result["electronic_signature"] == "valid"
    [signature] = PdfFileReader(io.BytesIO(signed)).embedded_signatures
    status = validate_pdf_signature(
        signature, ValidationContext(trust_roots=[load_cert_from_pemder(str(files.ca))])
    )
    assert status.intact and status.valid and status.trusted
    # The centre signs only what it issued, as issued: not an edited copy, not a signed one.
    for name, other in (("edited", edited_incrementally(pdf)), ("signed-again", signed)):
        path = tmp_path / f"{name}.pdf"
        path.write_bytes(other)
        refused = _kofu(data_dir, "document", "sign", str(path), "--out", str(tmp_path / "x.pdf"))
        assert refused.returncode == 2 and "NOT_AN_ISSUED_DOCUMENT" in refused.stderr
    assert not (tmp_path / "x.pdf").exists()


def test_a_copy_larger_than_a_kiosk_call_is_checked_not_refused(
    kiosk: TestKiosk, cards: Path
) -> None:
    """A long 住民票 runs past the 64 kB a kiosk call may send; its check must still run."""
    _, pdf = printed(kiosk, cards / "yamada-taro.json")
    padded = pdf + b"%" + b"x" * 100_000 + b"\n"  # trailing bytes: no longer the issued file
    response = kiosk.client.post("/api/verify/pdf", data=padded, content_type="application/pdf")
    assert response.status_code == 200
    assert response.json["genuine"] is False and response.json["status"] == "altered"


def test_the_page_checks_an_uploaded_copy_and_shows_its_signature(
    kiosk: TestKiosk, cards: Path, platform: Platform
) -> None:
    _, pdf = printed(kiosk, cards / "yamada-taro.json")
    assert platform.settings.pades_dir is not None
    signed = sign_pdf(pdf, ensure_test_pki(platform.settings.pades_dir))

    def upload(data: bytes) -> str:
        answer = kiosk.client.post(
            "/verify",
            data={"pdf": (io.BytesIO(data), "certificate.pdf")},
            content_type="multipart/form-data",
        )
        assert answer.status_code == 200
        return answer.get_data(as_text=True)

    page = upload(signed)
    assert "本物の証明書です" in page and "交付センターの署名があり、有効です" in page
    assert "山田" not in page
    assert "改ざん" in upload(edited_incrementally(pdf))
    assert "PDFファイルを送信してください" in upload(b"not a pdf")
