"""When what the centre depends on expires: its certificates and its document-signing key.

Read at each scrape of `/metrics` (a few small files) into the gauges the expiry alerts watch
(infra/prometheus/alerts.yml: 30 days ahead, critical at 7).
"""

from __future__ import annotations

from pathlib import Path

from cryptography import x509

from centre import metrics
from centre.settings import Settings
from issuance.authenticity.tokens import Keyring

# kofu's rotation policy for document-signing keys (`kofu keys rotate`): yearly. Old keys stay
# in the keyring, so documents signed before a rotation still verify.
SIGNING_KEY_LIFETIME_DAYS = 365


def certificates(settings: Settings) -> dict[str, Path]:
    """The certificates watched, by the ``certificate`` label they get."""
    watched = {"jpki_root": settings.pki_dir / "root.pem", "jpki_ca": settings.pki_dir / "ca.pem"}
    if (settings.pki_dir / "ca-p384.pem").exists():  # the next-generation card's hierarchy
        watched["jpki_root_p384"] = settings.pki_dir / "root-p384.pem"
        watched["jpki_ca_p384"] = settings.pki_dir / "ca-p384.pem"
    watched["jpki_phone_ca"] = settings.pki_dir / "phone-ca.pem"  # smartphone CA, if present
    if settings.municipal_tls_dir is not None:
        watched["municipal_tls_client"] = settings.municipal_tls_dir / "centre.pem"
        watched["municipal_tls_ca"] = settings.municipal_tls_dir / "ca.pem"
    return watched


def not_after(path: Path) -> float | None:
    """The certificate's notAfter (Unix seconds), None if the file is absent or not a PEM
    certificate (a missing file is `kofu check`'s business, not an expiry)."""
    try:
        certificate = x509.load_pem_x509_certificate(path.read_bytes())
    except (OSError, ValueError):
        return None
    return certificate.not_valid_after_utc.timestamp()


def observe_expiries(settings: Settings, keyring: Keyring) -> None:
    """Set ``kofu_certificate_expiry_timestamp_seconds`` for each certificate present and
    ``kofu_signing_key_expiry_timestamp_seconds`` (made + SIGNING_KEY_LIFETIME_DAYS) once a
    key exists."""
    for label, path in certificates(settings).items():
        expires = not_after(path)
        if expires is not None:
            metrics.CERTIFICATE_EXPIRY.labels(label).set(expires)
    made = keyring.current_created()
    if made is not None:
        metrics.SIGNING_KEY_EXPIRY.set(made + SIGNING_KEY_LIFETIME_DAYS * 86_400)
