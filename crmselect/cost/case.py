"""The committee's cost case for one evaluation: offers, assumptions, benefits — the
analysis run on them (5-year TCO side by side, business case with Monte Carlo), and the
prices it gives the evaluation's price criterion."""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping

import attrs
import pandas as pd

from crmselect.cost.business_case import Benefit, BusinessCase, MonteCarloResult, business_case
from crmselect.cost.offer import Assumptions, Offer
from crmselect.cost.tco import TcoComparison, compare_tco, money
from crmselect.display import html_table
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

    def to_frame(self) -> pd.DataFrame:
        """One row per priced offer: ``tco`` (every cost over the horizon) and ``tco_npv``
        (their present value); with a business case, for the vendors on its short list
        (NaN for the others), ``npv``, ``roi`` and ``payback_years`` at the likely values;
        with its Monte Carlo, ``p_positive`` (P(NPV > 0)) and ``p_best``."""
        frame = self.tco.summary[["total", "npv"]].set_axis(["tco", "tco_npv"], axis=1)
        if self.case is not None:
            frame = frame.join(self.case.summary[["npv", "roi", "payback_years"]])
        if self.simulation is not None:
            frame = frame.join(self.simulation.summary[["p_positive", "p_best"]])
        return frame

    def __repr__(self) -> str:
        text = f"<CostAnalysis: {len(self.tco)} offers, lowest TCO NPV " + (
            str(self.tco.summary["npv"].idxmin()) if len(self.tco) else "none"
        )
        if self.case is not None:
            best = str(self.case.summary["npv"].idxmax())
            text += f"; best business case {best}"
            if self.simulation is not None:
                text += f" (P(NPV > 0) {float(self.simulation.p_positive[best]):.1%})"
        return text + ">"

    def _repr_html_(self) -> str:
        frame = self.to_frame()
        short_list = () if self.case is None else self.case.vendors
        negative = list(frame.index[frame["npv"] < 0]) if "npv" in frame else []
        shown = frame.astype(object)
        for column, write in _FORMATS.items():
            if column in frame:
                shown[column] = frame[column].map(lambda v, w=write: "–" if math.isnan(v) else w(v))
        if "payback_years" in frame:
            shown["payback_years"] = [
                "–" if v not in short_list else _years(float(y))
                for v, y in frame["payback_years"].items()
            ]
        a = self.tco.assumptions
        caption = f"Costs: {a.years}-year TCO, NPV at {a.discount_rate:.1%}" + (
            "" if self.case is None else "; business case at likely values"
        )
        if self.simulation is not None:
            caption += f"; Monte Carlo N = {self.simulation.n:,}, seed {self.simulation.seed}"
        return html_table(shown, caption=caption, highlight=negative)


def _share(value: float) -> str:
    return f"{value:.0%}"


def _years(value: float) -> str:
    return "beyond horizon" if math.isnan(value) else f"{value:.1f}"


_FORMATS: dict[str, Callable[[float], str]] = {
    "tco": money,
    "tco_npv": money,
    "npv": money,
    "roi": _share,
    "p_positive": _share,
    "p_best": _share,
}
"""How :meth:`CostAnalysis._repr_html_` writes the numbers of :meth:`CostAnalysis.to_frame`."""


def analyse_costs(case: CostCase, vendors: Iterable[str] | None = None) -> CostAnalysis:
    """TCO of every offer; the business case and its Monte Carlo for ``vendors`` (default:
    every priced vendor) — pass the vendors still in the running, never knocked-out ones.
    Refused while no vendor has pricing (the bids are not in yet)."""
    if not case.offers:
        raise ValidationError(
            "Cannot cost the offers yet",
            [
                Problem(
                    "costs",
                    "no vendor has pricing (returned Pricing sheets or 'pricing:'); the costs "
                    "are analysed once the bids are in",
                )
            ],
        )
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

    Before any bid is in (no offers), the evaluation is returned as it is: the forms can be
    made, and scoring refuses the vendors without a price once it needs them.

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
    if not case.offers:
        return evaluation
    prices = compare_tco(case.offers, case.assumptions).prices(rule.basis.value)
    return attrs.evolve(
        evaluation,
        price=attrs.evolve(rule, prices={str(v): float(p) for v, p in prices.items()}),
    )
