"""Tariffs, the contribution schemes and the public per-issue figures (no database)."""

from __future__ import annotations

from datetime import date

from billing.reports.cost_structure import (
    MunicipalityCost,
    allocate,
    capped_scheme,
    effects_by,
    fixed_scheme,
    hybrid_scheme,
    metered_scheme,
)
from billing.tariffs import (
    KIOSK_FEE,
    OWN_COST_INITIAL,
    OWN_COST_YEARLY,
    PARTICIPATION,
    TariffBook,
    TariffRow,
    contribution_class,
    fiscal_months,
)
from issuance.ports import MunicipalityProfile

KUMIYAMA = MunicipalityProfile("263222", "久御山町", "京都府", "town", 15_000, True)
SOKA = MunicipalityProfile("112216", "草加市", "埼玉県", "city", 250_000, True)


def year_cost(
    book: TariffBook,
    profile: MunicipalityProfile,
    fy: int,
    issues: int,
    commission: int = 117,
    check: int = 2,
) -> MunicipalityCost:
    contribution = sum(book.monthly_contribution(profile, m) for m in fiscal_months(fy))
    return MunicipalityCost(
        profile.code,
        profile.name,
        profile.municipality_class,
        profile.population,
        issues,
        issues,
        0,
        contribution,
        commission * issues,
        check * issues,
        book.own_costs(profile.code, fy),
    )


def test_the_contribution_class_follows_the_public_table() -> None:
    assert contribution_class("designated_city_1m", 1_960_000) == "designated_city_1m"
    assert contribution_class("designated_city", 700_000) == "designated_city"
    assert contribution_class("city", 250_000) == "city_150k"
    assert contribution_class("special_ward", 68_000) == "city"
    assert contribution_class("village", 900) == "town_village"


def test_a_ten_yen_campaign_applies_for_its_year_only() -> None:
    book = TariffBook(
        [
            TariffRow(KIOSK_FEE, KUMIYAMA.code, "juminhyo", 200, date(2019, 4, 1)),
            TariffRow(KIOSK_FEE, KUMIYAMA.code, "juminhyo", 10, date(2021, 4, 1), date(2022, 4, 1)),
        ]
    )
    assert book.fee(KUMIYAMA.code, "juminhyo", date(2021, 3, 31)) == 200
    assert book.fee(KUMIYAMA.code, "juminhyo", date(2021, 10, 1)) == 10
    assert book.fee(KUMIYAMA.code, "juminhyo", date(2022, 4, 1)) == 200
    assert book.fee(SOKA.code, "juminhyo", date(2021, 10, 1)) == 200  # the default


def test_twelve_monthly_shares_add_up_to_the_annual_contribution() -> None:
    book = TariffBook()
    shares = [book.monthly_contribution(SOKA, m) for m in fiscal_months(2024)]
    assert sum(shares) == 5_000_000 and max(shares) - min(shares) <= 1


def test_a_municipality_joining_in_october_pays_half_a_year() -> None:
    book = TariffBook([TariffRow(PARTICIPATION, KUMIYAMA.code, "*", 1, date(2024, 10, 1))])
    assert sum(book.monthly_contribution(KUMIYAMA, m) for m in fiscal_months(2024)) == 500_000


def test_kumiyama_reports_16254_yen_per_certificate_as_it_published() -> None:
    # FY2020: ¥1,000,000 contribution, 413 certificates, ¥117 commission, ¥2 JPKI check each;
    # its own costs (amortised set-up plus maintenance) make the ¥6.713M it published.
    own = 6_713_000 - 1_000_000 - 413 * (117 + 2)
    book = TariffBook(
        [
            TariffRow(OWN_COST_INITIAL, KUMIYAMA.code, "*", 15_000_000, date(2018, 4, 1), None, 5),
            TariffRow(OWN_COST_YEARLY, KUMIYAMA.code, "*", own - 3_000_000, date(2018, 4, 1)),
        ]
    )
    cost = year_cost(book, KUMIYAMA, 2020, 413)
    assert cost.total == 6_713_000
    assert round(cost.per_issue() or 0) == 16_254


def test_a_soka_like_city_reports_about_900_yen_per_certificate() -> None:
    book = TariffBook([TariffRow(OWN_COST_YEARLY, SOKA.code, "*", 18_500_000, date(2018, 4, 1))])
    cost = year_cost(book, SOKA, 2020, 30_000)
    assert 850 <= (cost.per_issue() or 0) <= 950


def nation() -> list[MunicipalityCost]:
    book = TariffBook()
    return [
        year_cost(book, KUMIYAMA, 2024, 413),
        year_cost(book, SOKA, 2024, 30_000),
        year_cost(
            book,
            MunicipalityProfile(
                "011002", "札幌市", "北海道", "designated_city_1m", 1_960_000, True
            ),
            2024,
            400_000,
        ),
        year_cost(
            book, MunicipalityProfile("193640", "早川町", "山梨県", "town", 900, True), 2024, 0
        ),
    ]


def test_the_revenue_neutral_metered_rate_collects_what_the_fixed_scheme_does() -> None:
    costs = nation()
    fixed, metered = fixed_scheme(costs), metered_scheme(costs)
    assert metered.total == fixed.total == 17_000_000
    assert metered.contributions["263222"] < 1_000_000  # the small town pays far less
    assert metered.contributions["193640"] == 0  # nothing issued, nothing owed


def test_the_hybrid_scheme_is_revenue_neutral_and_keeps_a_base() -> None:
    costs = nation()
    hybrid = hybrid_scheme(costs, 0.5)
    assert hybrid.total == 17_000_000
    assert hybrid.contributions["193640"] == 500_000


def test_a_cap_per_certificate_lowers_what_small_towns_pay_and_states_the_shortfall() -> None:
    costs = nation()
    capped = capped_scheme(costs, 300)
    assert capped.contributions["263222"] == 413 * 300
    assert capped.params["shortfall"] == 17_000_000 - capped.total > 0


def test_gainers_and_losers_are_counted_by_class() -> None:
    costs = nation()
    effects = {g.group: g for g in effects_by(costs, metered_scheme(costs), "municipality_class")}
    assert effects["町"].gainers == 2 and effects["町"].losers == 0
    assert effects["政令市(100万以上)"].losers == 1


def test_allocation_is_exact_to_the_yen() -> None:
    shares = allocate(1_000, {"a": 1.0, "b": 1.0, "c": 1.0})
    assert sum(shares.values()) == 1_000 and sorted(shares.values()) == [333, 333, 334]


def test_break_even_issues_for_each_way_of_charging() -> None:
    from billing.reports.break_even import issues_to_break_even

    # ¥181 gained per issue; ¥1,000,000 a year fixed: 5,525 issues (5,524 × 181 < 1,000,000).
    assert issues_to_break_even(181, 0, [(1_000_000, 0)]) == 5_525
    # Metered at ¥150/通 with ¥310,000 own costs: ¥31 net per issue → 10,000 issues.
    assert issues_to_break_even(181, 310_000, [(0, 150)]) == 10_000
    # A per-issue charge above the gain never pays, even without fixed costs.
    assert issues_to_break_even(181, 0, [(0, 300)]) is None
    # Capped: the cheaper of the fixed amount and the cap per issue; here the fixed one.
    assert issues_to_break_even(181, 0, [(1_000_000, 0), (0, 300)]) == 5_525
