"""Fixtures of the unit tests on fakes: one test JPKI per run, a fresh world per test."""

from __future__ import annotations

import pytest

from demo.jpki import TestJpki
from tests.unit.world import World


@pytest.fixture(scope="session")
def jpki(tmp_path_factory: pytest.TempPathFactory) -> TestJpki:
    return TestJpki.create(tmp_path_factory.mktemp("unit-jpki"))


@pytest.fixture
def world(jpki: TestJpki) -> World:
    return World.build(jpki)
