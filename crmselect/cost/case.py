"""The committee's cost case for one evaluation: offers, assumptions, benefits — the
analysis run on them (5-year TCO side by side, business case with Monte Carlo), and the
prices it gives the evaluation's price criterion."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import attrs

from crmselect.cost.business_case import Benefit, BusinessCase, MonteCarloResult, business_case
from crmselect.cost.offer import Assumptions, Offer
from crmselect.cost.tco import TcoComparison, compare_tco
from crmselect.errors import Problem, ValidationError
from crmselect.model import Evaluation, PriceBasis


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


def with_tco_prices(evaluation: Evaluation, case: CostCase) -> Evaluation:
    """``evaluation`` with its price criterion's prices taken from the cost case: each
    offer's NPV or plain total of costs over the horizon, as the criterion's ``basis`` says
    (:meth:`~crmselect.cost.tco.TcoComparison.prices`). Vendors without an offer get no
    price; scoring then refuses them if they are still in the running.

    Call it again after changing the cost case, so that the scores follow the costs.
    """
    rule = evaluation.price
    if rule is None or rule.basis is PriceBasis.BID:
        why = (
            "the evaluation has no price criterion"
            if rule is None
            else "its basis is 'bid': prices are given, not derived from the cost model"
        )
        raise ValidationError("Cannot price from the cost case", [Problem("price", why)])
    prices = compare_tco(case.offers, case.assumptions).prices(rule.basis.value)
    return attrs.evolve(
        evaluation,
        price=attrs.evolve(rule, prices={str(v): float(p) for v, p in prices.items()}),
    )
