"""The centre pages' small rules: the p95 of request → ready, a month as staff read it, what
a joining municipality must state, what a new password must be."""

from __future__ import annotations

import pytest

from issuance.staff.errors import StaffInputError
from issuance.staff.invitations import check_new_password
from municipalities.participation import check_joining
from portal.months import month_html
from portal.national import p95


def test_p95_is_the_nearest_rank_and_none_without_values() -> None:
    assert p95([]) is None
    assert p95([3.0]) == 3.0
    assert p95([float(n) for n in range(1, 101)]) == 95.0
    assert (
        p95(
            [
                1.0,
                1.0,
                1.0,
                1.0,
                1.0,
                1.0,
                1.0,
                1.0,
                1.0,
                1.0,
                1.0,
                1.0,
                1.0,
                1.0,
                1.0,
                1.0,
                1.0,
                1.0,
                1.0,
                30.0,
            ]
        )
        == 1.0
    )


def test_a_month_reads_in_wareki_with_its_seireki_on_hover() -> None:
    assert month_html("2026-11") == '<time datetime="2026-11" title="2026年11月">令和8年11月</time>'
    assert ">令和元年5月<" in month_html("2019-05")
    assert ">November 2026<" in month_html("2026-11", "en")
    assert month_html("<b>") == "&lt;b&gt;"


@pytest.mark.parametrize(
    ("backend", "klass", "population", "code"),
    [
        ("ftp", "town", "900", "BACKEND_INVALID"),
        ("bcl", "metropolis", "900", "CLASS_INVALID"),
        ("bcl", "town", "0", "POPULATION_INVALID"),
        ("bcl", "town", "九百", "POPULATION_INVALID"),
        ("bcl", "town", "40,000,001", "POPULATION_INVALID"),
        ("bcl", "core_city", "199,999", "POPULATION_BELOW_CLASS"),
        ("own_server", "designated_city_1m", "999,999", "POPULATION_BELOW_CLASS"),
        ("bcl", "village", "9,000,000", "POPULATION_ABOVE_CLASS"),  # found by a new user
        ("bcl", "town", "150,001", "POPULATION_ABOVE_CLASS"),
        ("own_server", "designated_city", "1,200,000", "POPULATION_ABOVE_CLASS"),
    ],
)
def test_joining_is_refused_with_a_stable_code(
    backend: str, klass: str, population: str, code: str
) -> None:
    with pytest.raises(StaffInputError) as refused:
        check_joining(backend, klass, population)
    assert refused.value.code == code


def test_joining_reads_a_population_as_typed_in_excel_or_full_width() -> None:
    kind, klass, people = check_joining("own_server", "core_city", "200,000")
    assert (kind.value, klass.value, people) == ("own_server", "core_city", 200_000)
    assert check_joining("bcl", "town", "１，０１２")[2] == 1012


@pytest.mark.parametrize(
    ("password", "repeated", "code"),
    [
        ("short", "short", "PASSWORD_TOO_SHORT"),
        ("x" * 129, "x" * 129, "PASSWORD_TOO_LONG"),
        ("a@city.example.jp", "a@city.example.jp", "PASSWORD_IS_LOGIN"),
        ("long enough phrase", "long enough phrasf", "PASSWORDS_DIFFER"),
    ],
)
def test_a_new_password_is_checked(password: str, repeated: str, code: str) -> None:
    with pytest.raises(StaffInputError) as refused:
        check_new_password(password, repeated, "a@city.example.jp")
    assert refused.value.code == code
