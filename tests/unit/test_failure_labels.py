"""Every code a failed request can end with has a short label for staff, in both languages."""

from __future__ import annotations

from issuance.failure_labels import FAILURE_LABELS, failure_label
from issuance.refusals import REFUSALS
from issuance.sessions.card_refusals import _MESSAGES as CARD_REFUSALS
from issuance.sessions.checks import KIOSK_REVOKED_CODE


def test_every_kiosk_refusal_and_card_refusal_has_a_label() -> None:
    missing = (set(REFUSALS) | set(CARD_REFUSALS) | {KIOSK_REVOKED_CODE}) - set(FAILURE_LABELS)
    assert not missing


def test_the_centres_own_failures_have_labels() -> None:
    for code in ("RENDER_TIMEOUT", "RENDER_FAILED", "RECORD_UNPRINTABLE", "SESSION_EXPIRED"):
        assert failure_label(code) != code and failure_label(code, english=True) != code


def test_a_label_is_short_not_the_residents_sentence() -> None:
    for code, (ja, en) in FAILURE_LABELS.items():
        assert len(ja) <= 20 and len(en) <= 40, code
        assert "。" not in ja and not en.endswith("."), code


def test_labels_are_japanese_by_default_and_english_when_asked() -> None:
    assert failure_label("MAINTENANCE") == "保守停止中"
    assert failure_label("MAINTENANCE", english=True) == "Maintenance window"


def test_an_unknown_code_is_shown_as_itself() -> None:
    assert failure_label("SOMETHING_NEW") == "SOMETHING_NEW"
    assert failure_label("SOMETHING_NEW", english=True) == "SOMETHING_NEW"
