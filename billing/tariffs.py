"""Dated tariffs as data: fees, commissions, the hub contribution, JPKI checks, own costs."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select

from billing.model import Tariff
from issuance.ports import MunicipalityProfile
from issuance.unit_of_work import SqlUnitOfWork

# What each row's ``tariff`` column may say.
KIOSK_FEE = "kiosk_fee"  # resident fee at a kiosk, per municipality and kind (campaigns too)
COUNTER_FEE = "counter_fee"  # the same certificate at the counter, for the fee discount
COMMISSION = "commission"  # 委託手数料 per certificate, per operator
CONTRIBUTION = "contribution"  # 運営負担金 per year, per contribution class or municipality
PARTICIPATION = "participation"  # a municipality's time in the service (prorates contribution)
JPKI_CHECK = "jpki_check"  # revocation check per kiosk session
OWN_COST_INITIAL = "own_cost_initial"  # a municipality's set-up cost, amortised over years
OWN_COST_YEARLY = "own_cost_yearly"  # its yearly maintenance
HUB_COST_YEARLY = "hub_cost_yearly"  # the hub's own running cost per fiscal year (subject "hub")
HUB_COST_PER_ISSUE = "hub_cost_per_issue"  # the hub's cost that grows with each certificate
HUB = "hub"  # the only subject of the hub's cost rows

# DOMAIN.md §5: the older J-LIS table (tax included); unconfirmed, so overridable by rows.
DEFAULT_CONTRIBUTION = {
    "designated_city_1m": 10_000_000,
    "designated_city": 8_000_000,
    "city_150k": 5_000_000,
    "city": 3_000_000,
    "town_village": 1_000_000,
}
DEFAULTS = {
    KIOSK_FEE: 200,
    COUNTER_FEE: 300,
    COMMISSION: 117,
    JPKI_CHECK: 2,
    OWN_COST_INITIAL: 0,
    OWN_COST_YEARLY: 0,
}


def contribution_class(municipality_class: str, population: int) -> str:
    """The contribution class of DOMAIN.md §5 from the municipality's class and population."""
    if municipality_class in ("designated_city_1m", "designated_city"):
        return "designated_city_1m" if population >= 1_000_000 else "designated_city"
    if municipality_class in ("core_city", "city", "special_ward"):
        return "city_150k" if population >= 150_000 else "city"
    return "town_village"


def month_start(month: str) -> date:
    year, mon = month.split("-")
    return date(int(year), int(mon), 1)


def fiscal_months(fy: int) -> list[str]:
    """April of ``fy`` to March of the next year (年度)."""
    return [f"{fy + (m < 4)}-{m:02d}" for m in (*range(4, 13), 1, 2, 3)]


@dataclass(frozen=True)
class TariffRow:
    tariff: str
    subject: str
    certificate_kind: str
    amount: int
    valid_from: date
    valid_until: date | None = None
    amortise_years: int | None = None

    def valid_on(self, day: date) -> bool:
        return self.valid_from <= day and (self.valid_until is None or day < self.valid_until)


class TariffBook:
    """Looks up the price valid on a day: the most specific subject, then the latest start."""

    def __init__(self, rows: Iterable[TariffRow] = ()) -> None:
        self._rows: dict[str, list[TariffRow]] = {}
        for row in rows:
            self._rows.setdefault(row.tariff, []).append(row)

    def rows(self, tariff: str, subject: str) -> list[TariffRow]:
        return [r for r in self._rows.get(tariff, []) if r.subject == subject]

    def lookup(self, tariff: str, subjects: tuple[str, ...], day: date, kind: str = "*") -> int:
        for subject in (*subjects, "*"):
            for wanted_kind in dict.fromkeys((kind, "*")):
                valid = [
                    r
                    for r in self.rows(tariff, subject)
                    if r.certificate_kind == wanted_kind and r.valid_on(day)
                ]
                if valid:
                    return max(valid, key=lambda r: r.valid_from).amount
        if tariff == CONTRIBUTION:
            return DEFAULT_CONTRIBUTION[subjects[-1]]
        return DEFAULTS[tariff]

    def commission(self, operator_id: str, day: date, fallback: int | None = None) -> int:
        if fallback is not None and not self.rows(COMMISSION, operator_id):
            return fallback
        return self.lookup(COMMISSION, (operator_id,), day)

    def fee(self, municipality_code: str, kind: str, day: date, counter: bool = False) -> int:
        return self.lookup(COUNTER_FEE if counter else KIOSK_FEE, (municipality_code,), day, kind)

    def jpki_check(self, day: date) -> int:
        return self.lookup(JPKI_CHECK, (), day)

    def annual_contribution(self, profile: MunicipalityProfile, day: date) -> int:
        klass = contribution_class(profile.municipality_class, profile.population)
        return self.lookup(CONTRIBUTION, (profile.code, klass), day)

    def participates_in(self, profile: MunicipalityProfile, month: str) -> bool:
        spans = self.rows(PARTICIPATION, profile.code)
        if not spans:
            return profile.participating
        return any(r.valid_on(month_start(month)) for r in spans)

    def monthly_contribution(self, profile: MunicipalityProfile, month: str) -> int:
        """A twelfth of the annual amount, split so that twelve months add up to it exactly."""
        if not self.participates_in(profile, month):
            return 0
        annual = self.annual_contribution(profile, month_start(month))
        index = (month_start(month).month - 4) % 12
        return annual * (index + 1) // 12 - annual * index // 12

    def hub_costs(self, fy: int, issues: int) -> int | None:
        """The hub's cost of fiscal year ``fy`` in yen: its yearly rows in effect during the
        year plus the per-certificate rate in effect on 1 April × ``issues``. None when no
        hub cost is registered (the report then says so instead of guessing)."""
        start, end = date(fy, 4, 1), date(fy + 1, 4, 1)
        yearly = [
            r.amount
            for r in self.rows(HUB_COST_YEARLY, HUB)
            if r.valid_from < end and (r.valid_until is None or r.valid_until > start)
        ]
        per_issue = [r.amount for r in self.rows(HUB_COST_PER_ISSUE, HUB) if r.valid_on(start)]
        if not yearly and not per_issue:
            return None
        return sum(yearly) + (per_issue[-1] if per_issue else 0) * issues

    def own_costs(self, municipality_code: str, fy: int) -> int:
        """Amortised set-up costs plus maintenance falling in fiscal year ``fy``."""
        start, end = date(fy, 4, 1), date(fy + 1, 4, 1)
        total = 0
        for row in self.rows(OWN_COST_INITIAL, municipality_code):
            years = row.amortise_years or 1
            first_fy = row.valid_from.year - (row.valid_from.month < 4)
            if first_fy <= fy < first_fy + years:
                total += row.amount // years + (row.amount % years if fy == first_fy else 0)
        for row in self.rows(OWN_COST_YEARLY, municipality_code):
            if row.valid_from < end and (row.valid_until is None or row.valid_until > start):
                total += row.amount
        return total


def load_tariffs(uow: SqlUnitOfWork) -> TariffBook:
    rows = uow.session.scalars(select(Tariff))
    return TariffBook(
        TariffRow(
            r.tariff,
            r.subject,
            r.certificate_kind,
            r.amount,
            r.valid_from,
            r.valid_until,
            r.amortise_years,
        )
        for r in rows
    )


def add_tariff(uow: SqlUnitOfWork, row: TariffRow, note: str = "") -> None:
    """Tariffs are only ever added; a new price is a new row with a later ``valid_from``."""
    uow.session.add(
        Tariff(
            tariff=row.tariff,
            subject=row.subject,
            certificate_kind=row.certificate_kind,
            amount=row.amount,
            valid_from=row.valid_from,
            valid_until=row.valid_until,
            amortise_years=row.amortise_years,
            note=note,
        )
    )
