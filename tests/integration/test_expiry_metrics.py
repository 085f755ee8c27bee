"""`/metrics` tells operators when the centre's certificates and signing key run out, so the
expiry alerts (infra/prometheus/alerts.yml) fire weeks before sign-ins or documents fail."""

from __future__ import annotations

import os

from cryptography import x509
from flask.testing import FlaskClient
from prometheus_client.parser import text_string_to_metric_families

from centre.bootstrap import Platform
from centre.expiry import SIGNING_KEY_LIFETIME_DAYS
from municipalities.tls import make_test_pki


def _samples(client: FlaskClient, name: str) -> dict[str, float]:
    text = client.get("/metrics").get_data(as_text=True)
    return {
        sample.labels.get("certificate", ""): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
        if sample.name == name
    }


def test_metrics_give_each_certificates_not_after(client: FlaskClient, platform: Platform) -> None:
    expiries = _samples(client, "kofu_certificate_expiry_timestamp_seconds")
    root = x509.load_pem_x509_certificate((platform.settings.pki_dir / "root.pem").read_bytes())
    assert expiries["jpki_root"] == root.not_valid_after_utc.timestamp()
    assert "jpki_ca" in expiries


def test_metrics_give_the_mutual_tls_certificates_once_there_are(
    client: FlaskClient, platform: Platform
) -> None:
    assert platform.settings.municipal_tls_dir is not None
    make_test_pki(platform.settings.municipal_tls_dir)
    expiries = _samples(client, "kofu_certificate_expiry_timestamp_seconds")
    mine = platform.settings.municipal_tls_dir / "centre.pem"
    client_cert = x509.load_pem_x509_certificate(mine.read_bytes())
    assert expiries["municipal_tls_client"] == client_cert.not_valid_after_utc.timestamp()
    assert "municipal_tls_ca" in expiries


def test_metrics_give_when_the_signing_key_is_due_for_rotation(
    client: FlaskClient, platform: Platform
) -> None:
    kid = platform.keyring.current_kid()
    key = platform.keyring.directory / f"{kid}.pem"
    os.utime(key, (1_700_000_000, 1_700_000_000))
    due = _samples(client, "kofu_signing_key_expiry_timestamp_seconds")
    assert due == {"": 1_700_000_000 + SIGNING_KEY_LIFETIME_DAYS * 86_400}
