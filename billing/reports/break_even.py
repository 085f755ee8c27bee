"""The municipalities outside the service: at how many kiosk issues a year joining would pay.

A certificate issued at a kiosk instead of the counter saves the counter's staff time, costs the
operator's commission and a JPKI revocation check, and brings in the kiosk fee instead of the
(usually higher) counter fee. Joining pays once those per-issue gains cover the yearly
contribution (運営負担金) and the municipality's own yearly system costs.

Default counter saving (an ASSUMPTION built on one published figure):
- staff cost ¥4,000 per hour (人件費 ¥8,000,000 per year including welfare and retirement
  provisions, ¥30,000 a day) — 内田洋行 U+ column 「自治体IT革命の今日、明日」 第117回
  「証明書交付コスト(no3;窓口交付)」, 30 August 2010, which also quotes 市川市's estimate of
  ¥725 per certificate issued at the counter (LASDEC training material), mostly staff cost;
- 6 minutes of staff time per certificate is OUR ASSUMPTION (no published figure found): 6 × ¥4,000
  / 60 = ¥400, below the ¥725 full counter cost because not all of it is saved.
"""

from __future__ import annotations

import math
import statistics
from collections import defaultdict
from dataclasses import dataclass

from billing.reports.cost_structure import MunicipalityCost, Scheme, population_band
from billing.tariffs import TariffBook, contribution_class, month_start
from issuance.ports import MunicipalityProfile

COUNTER_MINUTES = 6.0  # staff minutes per counter certificate: an assumption (see above)
HOURLY_STAFF_COST = 4_000  # yen per hour, published (see above)
COUNTER_SAVING_SOURCE = (
    "人件費 4,000円/時（内田洋行 U+「自治体IT革命の今日、明日」第117回、2010年8月30日。"
    "同稿は市川市試算の窓口交付コスト 725円/通〔LASDEC研修資料〕も引用）× 1通あたり作業時間"
    " 6分（当方の仮定、公表値なし）"
)


def counter_saving(minutes: float = COUNTER_MINUTES, hourly: float = HOURLY_STAFF_COST) -> int:
    """Counter cost one kiosk issue saves: staff ``minutes`` × ``hourly`` yen / 60, in yen."""
    return round(minutes * hourly / 60)


@dataclass(frozen=True)
class BreakEven:
    """One non-participating municipality: yearly issues at which joining pays, per scheme.

    ``by_scheme`` maps a scheme name to the break-even issues a year (None: never pays, the
    per-issue charge is above the per-issue gain). ``expected`` is the issues a year it would
    have at the kiosk use per person of participating municipalities of its population band.
    """

    code: str
    name: str
    municipality_class: str
    population: int
    contribution: int  # yen a year under today's fixed class table
    own_costs: int  # yen a year, from its tariffs or estimated (``own_costs_estimated``)
    own_costs_estimated: bool
    gain_per_issue: int  # yen: saving − commission − JPKI check − fee discount
    expected: int
    by_scheme: dict[str, int | None]

    @property
    def band(self) -> str:
        return population_band(self.population)

    def pays(self, scheme: str = "fixed") -> bool:
        needed = self.by_scheme.get(scheme)
        return needed is not None and self.expected >= needed


def issues_to_break_even(gain: float, own: int, pieces: list[tuple[float, float]]) -> int | None:
    """Smallest whole N ≥ 0 with gain·N ≥ own + contribution(N), where contribution(N) is the
    least of the linear ``pieces`` (fixed yen, yen per issue); None when no N reaches it."""
    candidates = []
    for fixed, rate in pieces:
        need = own + fixed
        if gain > rate:
            candidates.append(max(0, math.ceil(need / (gain - rate) - 1e-9)))
        elif gain == rate and need <= 0:
            candidates.append(0)
        # gain < rate: every issue loses money; at best it breaks even at no issues at all,
        # which is not joining in any useful sense.
    return min(candidates) if candidates else None


def scheme_pieces(scheme: Scheme, contribution: int) -> list[tuple[float, float]]:
    """How ``scheme`` would charge a newcomer whose class amount is ``contribution`` yen."""
    rate = float(scheme.params.get("rate", 0.0))
    if not scheme.comparable or scheme.name == "fixed":
        return [(contribution, 0.0)]
    if scheme.name == "metered":
        return [(0.0, rate)]
    if scheme.name == "hybrid":
        return [(round(contribution * scheme.params["base_share"]), rate)]
    if scheme.name == "capped":
        return [(contribution, 0.0), (0.0, float(scheme.params["cap"]))]
    return [(contribution, 0.0)]


def break_even_table(
    outsiders: list[MunicipalityProfile],
    costs: list[MunicipalityCost],
    schemes: list[Scheme],
    tariffs: TariffBook,
    fy: int,
    saving: int | None = None,
) -> list[BreakEven]:
    """A ``BreakEven`` for each profile in ``outsiders`` (those not taking part in ``fy``).

    ``saving`` is the counter cost one kiosk issue saves, yen (default ``counter_saving()``).
    Own costs a municipality has no tariff for are estimated as the median own costs of the
    participating municipalities of its population band (0 when there are none).
    """
    saving = counter_saving() if saving is None else saving
    day = month_start(f"{fy}-04")
    check = tariffs.jpki_check(day)
    commission = tariffs.lookup("commission", (), day)
    own_by_band: dict[str, list[int]] = defaultdict(list)
    issues_by_band: dict[str, list[int]] = defaultdict(lambda: [0, 0])  # type: ignore[arg-type]
    for c in costs:
        own_by_band[c.band].append(c.own_costs)
        issues_by_band[c.band][0] += c.issues
        issues_by_band[c.band][1] += c.population
    everyone = [
        sum(v[0] for v in issues_by_band.values()),
        sum(v[1] for v in issues_by_band.values()),
    ]
    out = []
    for p in outsiders:
        band = population_band(p.population)
        contribution = tariffs.lookup(
            "contribution", (p.code, contribution_class(p.municipality_class, p.population)), day
        )
        own = tariffs.own_costs(p.code, fy)
        estimated = not (
            tariffs.rows("own_cost_yearly", p.code) or tariffs.rows("own_cost_initial", p.code)
        )
        if estimated:
            own = round(statistics.median(own_by_band[band])) if own_by_band[band] else 0
        discount = tariffs.fee(p.code, "juminhyo", day, counter=True) - tariffs.fee(
            p.code, "juminhyo", day
        )
        gain = saving - commission - check - discount
        issued, people = issues_by_band.get(band) or everyone
        expected = round(p.population * issued / people) if people else 0
        out.append(
            BreakEven(
                p.code,
                p.name,
                p.municipality_class,
                p.population,
                contribution,
                own,
                estimated,
                gain,
                expected,
                {
                    s.name: issues_to_break_even(gain, own, scheme_pieces(s, contribution))
                    for s in schemes
                },
            )
        )
    return out
