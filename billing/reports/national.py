"""The national cost-structure report in one call: what `kofu report cost-structure` runs."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from billing.reports import chart_pool
from billing.reports.break_even import (
    COUNTER_MINUTES,
    HOURLY_STAFF_COST,
    break_even_table,
    counter_saving,
)
from billing.reports.cost_report import Progress, ReportFiles, build_schemes, write_report
from billing.reports.cost_structure import MunicipalityCost, Scheme, fiscal_year_costs
from billing.reports.usage import usage_by_municipality
from billing.rollups import month_lines
from billing.tariffs import fiscal_months, load_tariffs
from issuance.ports import MunicipalityProfiles
from issuance.unit_of_work import SqlAlchemyUnitOfWork


def cost_structure_report(
    uow_factory: Callable[[], SqlAlchemyUnitOfWork],
    profiles: MunicipalityProfiles,
    fy: int,
    out: Path,
    names: list[str],
    now: datetime,
    *,
    base_share: float = 0.5,
    cap: int = 300,
    counter_minutes: float | None = None,
    staff_cost: int | None = None,
    progress: Progress = lambda _step: None,
    chart_processes: int | None = None,
) -> ReportFiles:
    """Read fiscal year ``fy`` once (tariffs, municipalities, the months' rollups), compare the
    schemes ``names`` (ReportParameterError for out-of-range parameters), add the
    non-participants' break-even issues and the growth scenarios, and write the files to ``out``.
    ``counter_minutes`` × ``staff_cost`` (yen an hour) is the counter cost a kiosk issue saves.
    ``chart_processes``: see ``write_report`` (the chart processes start while the ledger is read).
    """
    chart_pool.warm_up(chart_processes)
    with uow_factory() as uow:
        progress("reading tariffs and municipalities")
        tariffs = load_tariffs(uow)
        everyone = profiles.all(uow)
        progress("summing the fiscal year's ledger")
        lines = month_lines(uow, fiscal_months(fy))
        costs = fiscal_year_costs(uow, fy, profiles, tariffs, lines)
        usage = usage_by_municipality(uow, fy, profiles, tariffs, lines)
    progress(f"{len(costs)} municipalities; comparing schemes")

    def build(found: list[MunicipalityCost]) -> list[Scheme]:
        return build_schemes(found, names, base_share=base_share, cap=cap)

    chosen = build(costs)
    saving = counter_saving(
        COUNTER_MINUTES if counter_minutes is None else counter_minutes,
        HOURLY_STAFF_COST if staff_cost is None else staff_cost,
    )
    taking_part = {c.code for c in costs}
    outside = [p for p in everyone if p.code not in taking_part]
    return write_report(
        out,
        fy,
        costs,
        chosen,
        usage,
        progress,
        now=now,
        outsiders=break_even_table(outside, costs, chosen, tariffs, fy, saving),
        build=build,
        saving=saving,
        tariffs=tariffs,
        chart_processes=chart_processes,
    )
