"""The documented, overridable rules scoring follows: the :class:`ScoringPolicy` (MoSCoW
weights, missing answers, demo share, process uplift), how the panel's demo scores are
aggregated (:class:`DemoAggregation`), and the criterion scored from prices
(:class:`PriceCriterion`; formulas in :mod:`crmselect.price`)."""

from __future__ import annotations

import math
from collections.abc import Mapping
from types import MappingProxyType

import attrs

from crmselect.converters import is_number
from crmselect.errors import Problem
from crmselect.model._problems import id_problem, raise_if
from crmselect.model.choices import (
    MissingPolicy,
    PriceBasis,
    PriceMethod,
    Priority,
    ProcessRating,
    _missing,
    _price_basis,
    _price_method,
    _priority,
    _rating,
)


def _prices(value: Mapping[str, float]) -> Mapping[str, float]:
    """A read-only copy: a validated price cannot be changed behind the evaluation's back."""
    return MappingProxyType(dict(value))


def _uplift(value: Mapping[str | ProcessRating, int]) -> dict[ProcessRating, int]:
    steps = {
        ProcessRating.BEST_PRACTICE: 0,
        ProcessRating.PARITY: 0,
        ProcessRating.STABILITY: 0,
        ProcessRating.RECOVERABILITY: 1,
        ProcessRating.CRITICALITY: 2,
    }
    steps.update({_rating(k): int(v) for k, v in value.items()})
    return steps


def _priority_weights(value: Mapping[str | Priority, float]) -> dict[Priority, float]:
    weights = {Priority.MUST: 3.0, Priority.SHOULD: 2.0, Priority.COULD: 1.0, Priority.WONT: 0.0}
    weights.update({_priority(k): float(v) for k, v in value.items()})
    return weights


DEMO_METHODS = ("mean", "median", "trimmed")
DEMO_NORMALISATIONS = ("zscore", "rank")
DEMO_MISSING = ("available", "complete", "scale_minimum")


def _evaluator_weights(
    value: Mapping[str, float | Mapping[str, float]],
) -> dict[str, float | dict[str, float]]:
    return {
        str(e): ({str(c): float(x) for c, x in w.items()} if isinstance(w, Mapping) else float(w))
        for e, w in value.items()
    }


@attrs.frozen
class DemoAggregation:
    """How the panel's demo scores become one score per item (see
    :mod:`crmselect.consensus.aggregate`): ``method`` mean / median / trimmed (``trim``
    per end), ``normalise`` per-evaluator bias (``None``, ``zscore``, ``rank``), ``missing``
    scores (``available``, ``complete``, ``scale_minimum``), ``min_evaluators`` per item,
    and ``evaluator_weights`` (evaluator → weight, or → {criterion: weight})."""

    method: str = "mean"
    trim: float = attrs.field(default=0.2, converter=float)
    normalise: str | None = None
    missing: str = "available"
    min_evaluators: int = 1
    evaluator_weights: Mapping[str, float | Mapping[str, float]] = attrs.field(
        factory=dict, converter=_evaluator_weights
    )

    def __attrs_post_init__(self) -> None:
        where = "scoring policy: demo_aggregation"
        found = []
        for name, value, allowed in (
            ("method", self.method, DEMO_METHODS),
            ("missing", self.missing, DEMO_MISSING),
        ):
            if value not in allowed:
                found.append(Problem(where, f"{name} {value!r} is not one of {', '.join(allowed)}"))
        if self.normalise is not None and self.normalise not in DEMO_NORMALISATIONS:
            found.append(
                Problem(where, f"normalise {self.normalise!r} is not zscore, rank or empty")
            )
        if not 0.0 <= self.trim < 0.5:
            found.append(Problem(where, f"trim {self.trim} must lie in [0, 0.5)"))
        if self.min_evaluators < 1:
            found.append(Problem(where, f"min_evaluators {self.min_evaluators} must be >= 1"))
        for evaluator, weight in self.evaluator_weights.items():
            numbers = weight.values() if isinstance(weight, Mapping) else [weight]
            if not all(math.isfinite(x) and x >= 0 for x in numbers):
                found.append(Problem(where, f"weights of {evaluator!r} must be numbers >= 0"))
        raise_if(found, "Invalid demo aggregation")


@attrs.frozen
class JustifyScores:
    """Which demo scores need a written justification in the evaluator's note: those at or
    below ``at_most`` and at or above ``at_least`` (:func:`crmselect.declarations
    .needs_justification`). ``None`` takes the default from the demo scale: the bottom fifth
    of its range and its top — 0 to 1 and 5 on the 0–5 scale. A score without one is still
    used; the missing justification is a finding."""

    at_most: float | None = None
    at_least: float | None = None

    def bounds(self, minimum: float, maximum: float) -> tuple[float, float]:
        """``(at_most, at_least)`` on the demo scale ``minimum``..``maximum``."""
        low = minimum + (maximum - minimum) / 5 if self.at_most is None else self.at_most
        return low, maximum if self.at_least is None else self.at_least


@attrs.frozen
class PriceCriterion:
    """A leaf criterion scored from the vendors' prices instead of requirements and demos.

    ``prices`` maps vendor id → the price scored (on ``basis``; the cost model fills them
    from the Pricing sheets with :func:`crmselect.cost.with_tco_prices`, or give them
    directly with basis ``bid``). Scoring turns them into the criterion's column with
    ``method`` (:func:`crmselect.price.price_scores`) among the vendors still in the running:
    a knocked-out bid never moves anyone else's score. ``budget`` and ``floor`` are for
    method ``budget`` (score 1 at the floor, 0 at or above the budget), ``ceiling`` for
    ``linear`` (score 0; default the highest bid in the running).
    """

    criterion: str
    method: PriceMethod = attrs.field(default=PriceMethod.BUDGET, converter=_price_method)
    budget: float | None = None
    floor: float = 0.0
    ceiling: float | None = None
    basis: PriceBasis = attrs.field(default=PriceBasis.NPV, converter=_price_basis)
    prices: Mapping[str, float] = attrs.field(factory=dict, converter=_prices)
    origin: str = attrs.field(default="", eq=False, repr=False)

    def __attrs_post_init__(self) -> None:
        where = self.origin or f"price criterion {self.criterion!r}"
        found = id_problem(where, self.criterion, "criterion")
        found += [
            Problem(where, f"{name} {value!r} is not a number")
            for name, value in ((name, getattr(self, name)) for name, _, _ in _METHOD_SETTINGS)
            if value is not None and not is_number(value)
        ]
        raise_if(found, "Invalid price criterion")
        found += self._budget_problems(where)
        found += [
            Problem(where, f"a {name} is only used by method '{method}', not {self.method}")
            for name, method, default in _METHOD_SETTINGS
            if self.method is not method and getattr(self, name) != default
        ]
        if self.ceiling is not None and not (math.isfinite(self.ceiling) and self.ceiling > 0):
            found.append(Problem(where, f"ceiling {self.ceiling} must be a positive number"))
        found += _price_problems(where, self.prices)
        raise_if(found, "Invalid price criterion")

    def _budget_problems(self, where: str) -> list[Problem]:
        """Method ``budget`` needs a budget above a floor of at least 0."""
        if self.method is not PriceMethod.BUDGET:
            return []
        if self.budget is None:
            return [Problem(where, "method 'budget' needs a budget, fixed before bids are opened")]
        if math.isfinite(self.budget) and self.budget > self.floor >= 0:
            return []
        return [
            Problem(
                where,
                f"budget {self.budget:g} must be above the floor {self.floor:g} "
                "(which is at least 0)",
            )
        ]


_METHOD_SETTINGS: tuple[tuple[str, PriceMethod, float | None], ...] = (
    ("budget", PriceMethod.BUDGET, None),
    ("floor", PriceMethod.BUDGET, 0.0),
    ("ceiling", PriceMethod.LINEAR, None),
)
"""The settings of a :class:`PriceCriterion` that belong to one method — ``(setting, its
method, its default)``: given (not at the default) with another method, it is an error."""


def _price_problems(where: str, prices: Mapping[str, float]) -> list[Problem]:
    """Every price is a positive number."""
    found = []
    for vendor, price in prices.items():
        if not is_number(price):
            found.append(Problem(where, f"price of {vendor!r}: {price!r} is not a number"))
        elif not (math.isfinite(price) and price > 0):
            found.append(
                Problem(
                    where,
                    f"price of {vendor!r} is {price:g}; a price must be positive (a "
                    "zero price cannot be scored: check the bid, or leave the vendor out)",
                )
            )
    return found


@attrs.frozen
class ScoringPolicy:
    """The documented, overridable choices scoring makes.

    ``priority_weights``: MoSCoW priority → weight of a requirement in its criterion's
    mean (default must 3, should 2, could 1, wont 0). ``missing``: see
    :class:`MissingPolicy`. ``demo_share``: default share of a leaf's score taken from demo
    scores where a demo script exercises it (a criterion's own ``demo_share`` wins).
    ``process_uplift``: how many MoSCoW steps a requirement rises when it supports a process
    of that rating (default: recoverability +1, criticality +2, others 0; capped at must;
    ``wont`` stays out of scope). ``justify_scores``: which demo scores need a written
    justification (:class:`JustifyScores`); a procedural rule, not part of the award basis.
    """

    priority_weights: Mapping[Priority, float] = attrs.field(
        factory=dict, converter=_priority_weights
    )
    missing: MissingPolicy = attrs.field(default=MissingPolicy.ZERO, converter=_missing)
    demo_share: float = attrs.field(default=0.5, converter=float)
    process_uplift: Mapping[ProcessRating, int] = attrs.field(factory=dict, converter=_uplift)
    demo_aggregation: DemoAggregation = attrs.field(factory=DemoAggregation)
    """How demo scores are aggregated across the panel (default: mean of the scores given)."""
    justify_scores: JustifyScores = attrs.field(factory=JustifyScores)

    def __attrs_post_init__(self) -> None:
        found = [
            Problem("scoring policy", f"process uplift of {r.value!r} is {n}; it must be >= 0")
            for r, n in self.process_uplift.items()
            if n < 0
        ]
        found += [
            Problem("scoring policy", f"priority weight of {p.value!r} is {w}; it must be >= 0")
            for p, w in self.priority_weights.items()
            if not (math.isfinite(w) and w >= 0)
        ]
        if not 0.0 <= self.demo_share <= 1.0:
            found.append(
                Problem("scoring policy", f"demo_share {self.demo_share} must lie in [0, 1]")
            )
        raise_if(found, "Invalid scoring policy")
