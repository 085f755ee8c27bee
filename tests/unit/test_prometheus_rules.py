"""The alert rules operators are paged by (infra/prometheus/alerts.yml) fire on what they should
and stay quiet on what they should not: `promtool test rules` runs their unit tests, and every
rule has a severity, a summary in Japanese and English, a runbook line, and tests of its own."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from tests.conftest import REQUIRE_SERVICES

RULES = Path(__file__).resolve().parents[2] / "infra" / "prometheus"


def _promtool() -> str:
    found = shutil.which("promtool")
    if found is None:
        message = "promtool not found: install Debian's prometheus (scripts/setup-system.sh)"
        if REQUIRE_SERVICES:
            pytest.fail(f"{message}; KOFU_REQUIRE_SERVICES=1: CI must run the rule tests")
        pytest.skip(message)
    return found


def test_promtool_passes_every_rule_test() -> None:
    checked = subprocess.run(
        [_promtool(), "test", "rules", "alerts_test.yml"],
        cwd=RULES,
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "TZ": "UTC"},
    )
    assert checked.returncode == 0, checked.stdout + checked.stderr


def _rules() -> list[dict[str, object]]:
    document = yaml.safe_load((RULES / "alerts.yml").read_text())
    return [rule for group in document["groups"] for rule in group["rules"]]


def test_every_rule_says_how_bad_what_in_both_languages_and_what_to_do() -> None:
    for rule in _rules():
        labels, notes = rule["labels"], rule["annotations"]
        assert isinstance(labels, dict) and isinstance(notes, dict)
        assert labels["severity"] in ("critical", "warning"), rule["alert"]
        japanese, english = notes["summary"].split(" / ")
        assert any("\u3040" <= c <= "\u9fff" for c in japanese), rule["alert"]
        assert english.isascii(), rule["alert"]
        assert notes["runbook"].strip(), rule["alert"]


def test_every_rule_has_a_firing_and_a_quiet_case() -> None:
    tests = yaml.safe_load((RULES / "alerts_test.yml").read_text())["tests"]
    firing: set[str] = set()
    quiet: set[str] = set()
    for case in tests:
        for check in case["alert_rule_test"]:
            (firing if check["exp_alerts"] else quiet).add(check["alertname"])
    names = {rule["alert"] for rule in _rules()}
    assert firing == names
    assert quiet == names
