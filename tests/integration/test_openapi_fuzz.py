"""Every operation of /openapi.json, fuzzed by schemathesis: no 5xx, answers as declared."""

from __future__ import annotations

import itertools
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import schemathesis
from flask import Flask
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis.specs.openapi.checks import positive_data_acceptance

from tests.conftest import FakeClock
from tests.support.centres import centre_app

pytestmark = pytest.mark.postgres
EXAMPLES_PER_OPERATION = 50  # per mode; a few seconds in all (the bound CI needs)
MODES = (schemathesis.GenerationMode.POSITIVE, schemathesis.GenerationMode.NEGATIVE)
# A schema cannot say "a PDF": any bytes are schema-valid (so none are schema-invalid, and
# there is no negative case), and refused unless they are one: tests/support/hostile.py
# makes the malformed PDFs instead.
NOT_EXPRESSIBLE = {"/api/verify/pdf": [positive_data_acceptance]}
ONLY_POSITIVE = {"/api/verify/pdf"}


@schemathesis.serializer("application/pdf")
def _pdf(context: object, value: object) -> bytes:
    data = getattr(value, "data", value)
    return data if isinstance(data, bytes) else str(data).encode()


@pytest.fixture
def centre(
    postgres_url: str, demo_template: Path, tmp_path: Path, clock: FakeClock
) -> Iterator[tuple[Flask, str]]:
    """On PostgreSQL, the database kofu runs on and the one stricter about bytes (NUL)."""
    with centre_app(demo_template, tmp_path / "centre", postgres_url, clock) as built:
        yield built


def test_every_operation_survives_fuzzing(centre: tuple[Flask, str]) -> None:
    app, token = centre
    app.extensions["kofu_verify_limiter"].per_minute = 1_000_000
    schema = schemathesis.openapi.from_wsgi("/openapi.json", app)
    started = time.monotonic()
    failures: list[str] = []
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 12
    for operation, mode in itertools.product(operations, MODES):
        if operation.path in ONLY_POSITIVE and mode is not MODES[0]:
            continue

        @given(case=operation.as_strategy(generation_mode=mode), authorised=st.booleans())
        @settings(
            max_examples=EXAMPLES_PER_OPERATION,
            deadline=None,
            database=None,
            derandomize=True,
            suppress_health_check=list(HealthCheck),
        )
        def fuzz(case, authorised: bool) -> None:  # type: ignore[no-untyped-def]
            headers = {"Authorization": f"Bearer {token}"} if authorised else {}
            excluded = NOT_EXPRESSIBLE.get(case.operation.path, [])
            case.call_and_validate(headers=headers, excluded_checks=excluded)

        try:
            fuzz()
        except (Exception, BaseExceptionGroup) as error:  # noqa: BLE001 - one report for all
            failures.append(f"{operation.label} ({mode.value}): {str(error)[:600]}")
    print(f"schemathesis: {len(operations)} operations in {time.monotonic() - started:.0f} s")
    assert not failures, "\n".join(failures[:20])
