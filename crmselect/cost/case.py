"""The committee's cost case for one evaluation: offers, assumptions, benefits — and the
analysis run on them (5-year TCO side by side, business case with Monte Carlo)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import attrs

from crmselect.cost.business_case import Benefit, BusinessCase, MonteCarloResult, business_case
from crmselect.cost.offer import Assumptions, Offer
from crmselect.cost.tco import TcoComparison, compare_tco


@attrs.frozen(eq=False)
class CostCase:
    """Everything the cost analysis needs, validated (see ``costs:`` in evaluation folders)."""

    offers: Mapping[str, Offer]
    assumptions: Assumptions
    benefits: tuple[Benefit, ...] = ()
    cost_factor: tuple[float, float, float] = (1.0, 1.0, 1.0)
    simulations: int = 10_000
    seed: int = 2026
    distribution: str = "pert"


@attrs.frozen(eq=False)
class CostAnalysis:
    """TCO of every priced offer and, when benefits are given, the business case."""

    tco: TcoComparison
    case: BusinessCase | None = None
    simulation: MonteCarloResult | None = None


def analyse_costs(case: CostCase, vendors: Iterable[str] | None = None) -> CostAnalysis:
    """TCO of every offer; the business case and its Monte Carlo for ``vendors`` (default:
    every priced vendor) — pass the vendors still in the running, never knocked-out ones."""
    tco = compare_tco(case.offers, case.assumptions)
    if not case.benefits:
        return CostAnalysis(tco)
    short_list = [v for v in (vendors if vendors is not None else case.offers) if v in case.offers]
    result = business_case(tco, case.benefits, cost_factor=case.cost_factor, vendors=short_list)
    simulation = result.monte_carlo(
        case.simulations, seed=case.seed, distribution=case.distribution
    )
    return CostAnalysis(tco, result, simulation)
