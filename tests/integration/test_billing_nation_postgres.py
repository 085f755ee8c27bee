"""The synthetic nation on PostgreSQL: COPY load, final-month rollups equal the live sums."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select

from billing.model import BillingEvent, Statement
from billing.reports.cost_structure import fiscal_year_costs, metered_scheme
from billing.rollups import live_sums, month_lines
from billing.statements import close_month
from billing.tariffs import fiscal_months, load_tariffs
from centre.bootstrap import bootstrap
from centre.database import upgrade
from centre.settings import load_settings
from demo.nation import generate
from municipalities.profiles import SqlMunicipalityProfiles

pytestmark = pytest.mark.postgres


def test_a_small_nation_loads_and_its_final_rollups_match_the_ledger(
    postgres_url: str, tmp_path
) -> None:  # type: ignore[no-untyped-def]
    upgrade(postgres_url)
    result = generate(postgres_url, 2023, 20_000, seed=7)
    assert result.municipalities == 1_741
    platform = bootstrap(
        load_settings({"KOFU_DATABASE_URL": postgres_url, "KOFU_DATA_DIR": str(tmp_path)}),
        jobs=False,
    )
    months = fiscal_months(2023)
    profiles = SqlMunicipalityProfiles()
    with platform.uow() as uow:
        people = sum(p.population for p in profiles.all(uow))
        taking_part = sum(p.participating for p in profiles.all(uow))
        assert 120_000_000 < people < 128_000_000 and taking_part == 1_371
        assert uow.session.scalar(select(func.count(BillingEvent.id))) == 20_000
        live = sorted(uow.session.execute(live_sums(months[:2])).all())
        tariffs = load_tariffs(uow)
    for month in months[:2]:
        with platform.uow() as uow:
            close_month(uow, month, profiles, tariffs, datetime.now(UTC), final=True)
    with platform.uow() as uow:
        stored = sorted(tuple(vars(line).values()) for line in month_lines(uow, months[:2]))
        assert stored == [tuple(row) for row in live]
        costs = fiscal_year_costs(uow, 2023, profiles, tariffs)
        assert uow.session.scalar(select(func.count(Statement.id))) > 2 * 1_371
    assert sum(c.requests for c in costs) == 20_000
    assert metered_scheme(costs).total == sum(c.contribution for c in costs)
    platform.close()
