"""Cost: what each offer costs over its life, how price enters the score, which
implementation partner to pair with which product, and whether the investment pays.

A reader finds each step of the committee's cost work by its module:

``offer``
    the validated inputs: a vendor's priced :class:`Offer` (licensing × users × deployment,
    services) — :func:`offer_from_pricing` reads it from a returned RFP's Pricing sheet —
    and the committee's :class:`Assumptions` (users by year, concurrency, discount rate,
    internal staff, training, on-premise hardware).
``tco``
    the multi-year cash-flow table by cost category, TCO, NPV and cost per user per month:
    :func:`tco` → :class:`TcoResult`, :func:`compare_tco` → :class:`TcoComparison`.
price scoring
    price scores in [0, 1] (lowest-price ratio, linear to a ceiling, fixed budget) with
    their rank-reversal behaviour, the price criterion for the performance matrix, and
    abnormally low bids: :func:`price_scores`, :func:`add_price_criterion`,
    :func:`abnormally_low`. Scoring uses these formulas, so they live beside it in
    :mod:`crmselect.price` (cost is downstream of scoring) and are re-exported here.
``partners``
    software × implementation-partner pairs ranked on both evaluations and the combined
    cost: :class:`PartnerOffer`, :class:`PartnerSetup` (the partners' evaluation and
    quotes, from a folder's ``partners:`` section), :func:`rank_pairs` → :class:`PairRanking`.
``business_case``
    benefits with low / likely / high ranges against each TCO: NPV, ROI, payback, the
    NPV's sensitivity to one input at a time (a tornado chart) and a seeded Monte Carlo:
    :func:`business_case` → :class:`BusinessCase`, :func:`npv_sensitivity`,
    :func:`monte_carlo`.
``case``
    the committee's whole cost case from an evaluation folder (:class:`CostCase`), its
    analysis (:func:`analyse_costs`), and the prices it gives the evaluation's price
    criterion (:func:`with_tco_prices`).
``report``
    plain-text tables for the terminal: :func:`tco_report`, :func:`business_case_report`,
    :func:`pairs_report`.

Pure functions over numpy and pandas; every input and result is a frozen attrs object::

    from crmselect import cost
    assumptions = cost.Assumptions.growing(120, 0.10, 5, discount_rate=0.08,
                                           concurrency_ratio=0.6)
    offers = [cost.Offer("orbis", "subscription", 95.0, "month", implementation_days=220,
                         day_rate=1150.0)]
    comparison = cost.compare_tco(offers, assumptions)
    comparison.summary            # TCO, NPV, cost per user per month
    cost.price_scores(comparison.prices(), "budget", budget=1_500_000)
"""

from crmselect.cost.business_case import (
    Benefit,
    BusinessCase,
    MonteCarloResult,
    NpvSensitivity,
    Range,
    business_case,
    monte_carlo,
    npv_sensitivity,
    payback,
)
from crmselect.cost.case import CostAnalysis, CostCase, analyse_costs, with_tco_prices
from crmselect.cost.offer import (
    Assumptions,
    LicenceModel,
    Offer,
    PricePeriod,
    TierMode,
    Timing,
    UserType,
    VolumeTier,
    offer_from_pricing,
)
from crmselect.cost.partners import (
    PairRanking,
    PartnerOffer,
    PartnerSetup,
    ShareInterval,
    implementers,
    rank_pairs,
)
from crmselect.cost.report import business_case_report, pairs_report, tco_report
from crmselect.cost.tco import (
    CATEGORIES,
    TcoComparison,
    TcoResult,
    cash_flows,
    compare_tco,
    discount_factors,
    licence_cost,
    licences_needed,
    npv,
    tco,
)
from crmselect.price import (
    AT_LIMIT,
    OVER_HIGHEST,
    PriceMethod,
    abnormally_low,
    add_price_criterion,
    at_limit,
    price_notes,
    price_quality_totals,
    price_scores,
)

__all__ = [
    "AT_LIMIT",
    "CATEGORIES",
    "OVER_HIGHEST",
    "Assumptions",
    "Benefit",
    "BusinessCase",
    "CostAnalysis",
    "CostCase",
    "LicenceModel",
    "MonteCarloResult",
    "NpvSensitivity",
    "Offer",
    "PairRanking",
    "PartnerOffer",
    "PartnerSetup",
    "PriceMethod",
    "PricePeriod",
    "Range",
    "ShareInterval",
    "TcoComparison",
    "TcoResult",
    "TierMode",
    "Timing",
    "UserType",
    "VolumeTier",
    "abnormally_low",
    "add_price_criterion",
    "analyse_costs",
    "at_limit",
    "business_case",
    "business_case_report",
    "cash_flows",
    "compare_tco",
    "discount_factors",
    "implementers",
    "licence_cost",
    "licences_needed",
    "monte_carlo",
    "npv",
    "npv_sensitivity",
    "offer_from_pricing",
    "pairs_report",
    "payback",
    "price_notes",
    "price_quality_totals",
    "price_scores",
    "rank_pairs",
    "tco",
    "tco_report",
    "with_tco_prices",
]
