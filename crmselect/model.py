"""The domain model: frozen, validated attrs classes for a CRM selection.

A selection (an :class:`Evaluation`) has a tree of weighted :class:`Criterion` objects whose
leaves hold :class:`Requirement` lines; :class:`Vendor` objects answer requirements with
:class:`Response` objects; :class:`Evaluator` panel members score scripted demos
(:class:`DemoScript`) with :class:`DemoScore` objects.

Each class checks what it can on its own when constructed (an empty id, a negative weight)
and raises :class:`~crmselect.errors.ValidationError`. :class:`Evaluation` then cross-checks
every reference and collects *all* problems into one error. Every object carries an optional
``origin`` (e.g. ``"evaluation.yaml: vendors[2] (line 31)"``) that error messages quote; it
takes no part in equality or hashing.
"""

from __future__ import annotations

import enum
import math
import re
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping
from types import MappingProxyType
from typing import Any, TypeVar, cast

import attrs
import pandas as pd

from crmselect.converters import as_tuple, is_number
from crmselect.display import html_table
from crmselect.errors import ImportProblem, Problem, ValidationError
from crmselect.hashing import canonical, sha256_hex
from crmselect.scales import ComplianceScale, DemoScale, normalise_token

_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.\-]*$")


class _Choice(enum.StrEnum):
    """A closed set of values that parses the ways people write them (case, '-', ' ')."""

    @classmethod
    def parse(cls, text: str) -> _Choice:
        token = normalise_token(str(text))
        for member in cls:
            if token in (member.value, *_ALIASES.get(member, ())):
                return member
        allowed = ", ".join(m.value for m in cls)
        raise ValueError(f"{text!r} is not one of: {allowed}")


class Priority(_Choice):
    """MoSCoW priority of a requirement."""

    MUST = "must"
    SHOULD = "should"
    COULD = "could"
    WONT = "wont"


class Offering(_Choice):
    """What a vendor sells: a full CRM suite or a point application for one area."""

    SUITE = "suite"
    POINT = "point"


class Deployment(_Choice):
    """How the software is run."""

    ON_PREMISE = "on_premise"
    PARTNER_HOSTED = "partner_hosted"
    SAAS = "saas"
    HYBRID = "hybrid"


class Access(_Choice):
    """How users reach the application."""

    BROWSER = "browser"
    DESKTOP = "desktop"
    EMAIL_CLIENT = "email_client"
    MOBILE = "mobile"
    OFFLINE = "offline"


class Licensing(_Choice):
    """Licensing models a vendor offers."""

    PERPETUAL = "perpetual"
    SUBSCRIPTION = "subscription"
    NAMED = "named"
    CONCURRENT = "concurrent"


class MissingPolicy(_Choice):
    """What a missing RFP answer counts as.

    ``zero``: scores 0 (the default: a vendor gains nothing by leaving a line blank).
    ``ignore``: left out of that vendor's criterion mean, which is taken over the answered
    requirements only. Either way every missing answer is listed in the results.
    """

    ZERO = "zero"
    IGNORE = "ignore"


class PriceMethod(_Choice):
    """How prices become a criterion score in [0, 1] (formulas and their rank-reversal
    behaviour: :mod:`crmselect.cost.price`): ``lowest_ratio`` and ``linear`` score a bid
    against the other bids, ``budget`` against a ceiling fixed before the bids are opened."""

    LOWEST_RATIO = "lowest_ratio"
    LINEAR = "linear"
    BUDGET = "budget"


class PriceBasis(_Choice):
    """What the scored price of an offer is: ``npv`` (present value of its costs over the
    horizon, the life-cycle cost of Directive 2014/24/EU art. 68), ``total`` (their plain
    sum) — both from the cost model (:mod:`crmselect.cost`) — or ``bid`` (a price given
    directly)."""

    NPV = "npv"
    TOTAL = "total"
    BID = "bid"


class ProcessRating(_Choice):
    """How well a current business process works, best to worst (seed 003, "Evaluating
    processes"): ``best_practice`` (superior to competitors and benchmarks), ``parity`` (good,
    contributes to CRM performance), ``stability`` (average, no major problems, room to
    improve), ``recoverability`` (known weaknesses being addressed), ``criticality``
    (ineffective or inefficient: needs remedy now)."""

    BEST_PRACTICE = "best_practice"
    PARITY = "parity"
    STABILITY = "stability"
    RECOVERABILITY = "recoverability"
    CRITICALITY = "criticality"


_ALIASES: dict[enum.Enum, tuple[str, ...]] = {
    ProcessRating.BEST_PRACTICE: ("superiority", "best"),
    ProcessRating.CRITICALITY: ("critical",),
    Priority.MUST: ("m", "must_have"),
    Priority.SHOULD: ("s", "should_have"),
    Priority.COULD: ("c", "could_have", "nice_to_have"),
    Priority.WONT: ("w", "won't", "won't_have", "wont_have"),
    Offering.SUITE: ("full_suite", "crm_suite"),
    Offering.POINT: ("point_application", "point_solution"),
    Deployment.ON_PREMISE: ("on_premises", "onpremise", "on_prem"),
    Deployment.PARTNER_HOSTED: ("hosted", "private_cloud"),
    Deployment.SAAS: ("cloud", "multi_tenant", "saas_multi_tenant"),
    Access.BROWSER: ("web", "web_browser"),
    Access.DESKTOP: ("desktop_client",),
    Access.EMAIL_CLIENT: ("email", "e_mail", "e_mail_client", "outlook"),
    Access.MOBILE: ("mobile_app", "app"),
    Licensing.NAMED: ("named_user", "named_users"),
    Licensing.CONCURRENT: ("concurrent_user", "concurrent_users"),
    PriceMethod.LOWEST_RATIO: ("lowest_price_ratio", "ratio", "lowest"),
    PriceMethod.BUDGET: ("fixed_budget", "budget_ceiling"),
    PriceBasis.TOTAL: ("tco",),
    PriceBasis.BID: ("price", "bid_price"),
}

C = TypeVar("C", bound=_Choice)


def _parse_all(kind: type[C], values: Iterable[str | C]) -> frozenset[C]:
    if isinstance(values, str):
        values = [values]
    return frozenset(v if isinstance(v, kind) else cast(C, kind.parse(v)) for v in values)


def _deployments(values: Iterable[str | Deployment]) -> frozenset[Deployment]:
    return _parse_all(Deployment, values)


def _accesses(values: Iterable[str | Access]) -> frozenset[Access]:
    return _parse_all(Access, values)


def _licensings(values: Iterable[str | Licensing]) -> frozenset[Licensing]:
    return _parse_all(Licensing, values)


def _priority(value: str | Priority) -> Priority:
    return value if isinstance(value, Priority) else cast(Priority, Priority.parse(value))


def _offering(value: str | Offering) -> Offering:
    return value if isinstance(value, Offering) else cast(Offering, Offering.parse(value))


def _missing(value: str | MissingPolicy) -> MissingPolicy:
    if isinstance(value, MissingPolicy):
        return value
    return cast(MissingPolicy, MissingPolicy.parse(value))


def _price_method(value: str | PriceMethod) -> PriceMethod:
    if isinstance(value, PriceMethod):
        return value
    return cast(PriceMethod, PriceMethod.parse(value))


def _price_basis(value: str | PriceBasis) -> PriceBasis:
    return value if isinstance(value, PriceBasis) else cast(PriceBasis, PriceBasis.parse(value))


def _prices(value: Mapping[str, float]) -> Mapping[str, float]:
    """A read-only copy: a validated price cannot be changed behind the evaluation's back."""
    return MappingProxyType(dict(value))


def _where(obj: Any, kind: str) -> str:
    origin: str = getattr(obj, "origin", "")
    identifier = getattr(obj, "id", "")
    return origin or (f"{kind} {identifier!r}" if identifier else kind)


def _raise_if(problems: list[Problem], headline: str) -> None:
    if problems:
        raise ValidationError(headline, problems)


def _id_problem(where: str, value: str, field: str = "id") -> list[Problem]:
    if isinstance(value, str) and _ID.match(value):
        return []
    return [
        Problem(
            where,
            f"{field} {value!r} must be a short word of letters, digits, '_', "
            "'-' or '.' (no spaces)",
        )
    ]


@attrs.frozen
class Criterion:
    """A node of the criteria tree.

    ``weight`` is the *local* weight among siblings (any non-negative number; siblings are
    normalised to sum 1). A leaf's global weight is the product of normalised local weights
    on its path (see :func:`crmselect.weights.global_weights`). ``demo_share`` is the share
    of the leaf's score taken from demo scores rather than RFP answers (``None``: the
    evaluation's default).
    """

    id: str
    name: str = ""
    description: str = ""
    weight: float = attrs.field(default=1.0, converter=float)
    children: tuple[Criterion, ...] = attrs.field(default=(), converter=as_tuple)
    demo_share: float | None = None
    origin: str = attrs.field(default="", eq=False, repr=False)

    def __attrs_post_init__(self) -> None:
        where = _where(self, "criterion")
        found = _id_problem(where, self.id)
        if not (math.isfinite(self.weight) and self.weight >= 0):
            found.append(Problem(where, f"weight {self.weight} must be a non-negative number"))
        if self.demo_share is not None and not 0.0 <= self.demo_share <= 1.0:
            found.append(Problem(where, f"demo_share {self.demo_share} must lie in [0, 1]"))
        _raise_if(found, "Invalid criterion")

    @property
    def is_leaf(self) -> bool:
        return not self.children

    @property
    def label(self) -> str:
        return self.name or self.id

    def walk(self, path: tuple[str, ...] = ()) -> Iterator[tuple[tuple[str, ...], Criterion]]:
        """Depth-first ``(path of ids from the root, criterion)`` for this node and below."""
        here = (*path, self.id)
        yield here, self
        for child in self.children:
            yield from child.walk(here)


def walk_tree(roots: Iterable[Criterion]) -> Iterator[tuple[tuple[str, ...], Criterion]]:
    """Depth-first ``(path, criterion)`` over a forest of criteria."""
    for root in roots:
        yield from root.walk()


@attrs.frozen
class Requirement:
    """One line of the RFP, attached to a leaf criterion.

    ``mandatory`` makes it a pass/fail knock-out: a vendor that does not satisfy it (see
    :mod:`crmselect.scales`) or leaves it blank is excluded from the ranking.
    """

    id: str
    text: str
    criterion: str
    priority: Priority = attrs.field(default=Priority.SHOULD, converter=_priority)
    mandatory: bool = False
    origin: str = attrs.field(default="", eq=False, repr=False)

    def __attrs_post_init__(self) -> None:
        where = _where(self, "requirement")
        found = _id_problem(where, self.id) + _id_problem(where, self.criterion, "criterion")
        if not str(self.text).strip():
            found.append(Problem(where, "text is empty"))
        if self.mandatory and self.priority is Priority.WONT:
            found.append(Problem(where, "a 'wont' requirement cannot be mandatory"))
        _raise_if(found, "Invalid requirement")


@attrs.frozen
class Vendor:
    """A bidder: the software and what it offers."""

    id: str
    name: str
    offering: Offering = attrs.field(default=Offering.SUITE, converter=_offering)
    deployment: frozenset[Deployment] = attrs.field(factory=frozenset, converter=_deployments)
    access: frozenset[Access] = attrs.field(factory=frozenset, converter=_accesses)
    licensing: frozenset[Licensing] = attrs.field(factory=frozenset, converter=_licensings)
    description: str = ""
    origin: str = attrs.field(default="", eq=False, repr=False)

    def __attrs_post_init__(self) -> None:
        _raise_if(_id_problem(_where(self, "vendor"), self.id), "Invalid vendor")


@attrs.frozen
class Evaluator:
    """A member of the evaluation panel."""

    id: str
    name: str = ""
    role: str = ""
    origin: str = attrs.field(default="", eq=False, repr=False)

    def __attrs_post_init__(self) -> None:
        _raise_if(_id_problem(_where(self, "evaluator"), self.id), "Invalid evaluator")


@attrs.frozen
class Response:
    """A vendor's answer to one requirement. ``compliance`` is a scale key, or ``None`` (blank).

    ``evidence`` is where the vendor says the answer can be verified (documentation link,
    demo reference).
    """

    vendor: str
    requirement: str
    compliance: str | None
    comment: str = ""
    evidence: str = ""
    origin: str = attrs.field(default="", eq=False, repr=False)


@attrs.frozen
class DemoScript:
    """A scripted demo scenario and the leaf criteria it exercises."""

    id: str
    title: str
    criteria: tuple[str, ...] = attrs.field(converter=as_tuple)
    description: str = ""
    minutes: float | None = None
    origin: str = attrs.field(default="", eq=False, repr=False)

    def __attrs_post_init__(self) -> None:
        where = _where(self, "demo script")
        found = _id_problem(where, self.id)
        if not self.criteria:
            found.append(Problem(where, "lists no criteria to score"))
        _raise_if(found, "Invalid demo script")


@attrs.frozen
class DemoScore:
    """One evaluator's score of one vendor on one criterion of one demo script.

    ``score`` is on the evaluation's :class:`~crmselect.scales.DemoScale`; ``None`` means
    the evaluator did not score it (reported as missing).
    """

    evaluator: str
    vendor: str
    script: str
    criterion: str
    score: float | None
    note: str = ""
    origin: str = attrs.field(default="", eq=False, repr=False)


@attrs.frozen
class Judgements:
    """Pairwise (AHP) judgements on the children of one node of the criteria tree.

    ``node`` is a criterion id, or ``""`` for the top level. Each pair ``(a, b, x)`` says
    *a is x times as important as b* (Saaty's 1–9 scale and reciprocals). ``member`` names
    the committee member when several members judge the same node (aggregated by geometric
    mean). :func:`crmselect.weights.apply_judgements` turns them into the node's local
    weights; the evaluation keeps them so that reports can show consistency.
    """

    node: str
    pairs: tuple[tuple[str, str, float], ...] = attrs.field(converter=as_tuple)
    member: str = ""
    origin: str = attrs.field(default="", eq=False, repr=False)

    def __attrs_post_init__(self) -> None:
        where = _where(self, "judgements")
        found = [
            Problem(where, f"judgement {a!r} vs {b!r} is {x}; it must be a positive number")
            for a, b, x in self.pairs
            if not (is_number(x) and math.isfinite(x) and x > 0)
        ]
        found += [
            Problem(where, f"{a!r} is compared with itself") for a, b, _ in self.pairs if a == b
        ]
        if not self.pairs:
            found.append(Problem(where, "no judgements given"))
        _raise_if(found, "Invalid judgements")


def _rating(value: str | ProcessRating) -> ProcessRating:
    if isinstance(value, ProcessRating):
        return value
    return cast(ProcessRating, ProcessRating.parse(value))


@attrs.frozen
class Process:
    """A current business process, how well it works, and the requirements that support it.

    Weak processes raise the priority of their requirements in scoring (see
    :attr:`ScoringPolicy.process_uplift` and :func:`crmselect.scoring.effective_priorities`).
    """

    id: str
    name: str
    rating: ProcessRating = attrs.field(converter=_rating)
    requirements: tuple[str, ...] = attrs.field(default=(), converter=as_tuple)
    description: str = ""
    origin: str = attrs.field(default="", eq=False, repr=False)

    def __attrs_post_init__(self) -> None:
        _raise_if(_id_problem(_where(self, "process"), self.id), "Invalid process")


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
        _raise_if(found, "Invalid demo aggregation")


@attrs.frozen
class ModeratedScore:
    """A score the consensus meeting agreed for one item (vendor, script, criterion),
    replacing the panel's aggregate in scoring; ``reason`` and ``by`` are required. See
    :func:`crmselect.consensus.apply_moderation`."""

    vendor: str
    script: str
    criterion: str
    score: float = attrs.field(converter=float)
    reason: str
    by: str
    date: str = ""
    origin: str = attrs.field(default="", eq=False, repr=False)

    def __attrs_post_init__(self) -> None:
        where = self.origin or f"moderated score {self.vendor}/{self.script}/{self.criterion}"
        found = [
            Problem(where, f"{name} is empty")
            for name in ("vendor", "script", "criterion", "reason", "by")
            if not str(getattr(self, name)).strip()
        ]
        if not math.isfinite(self.score):
            found.append(Problem(where, f"score {self.score} must be a finite number"))
        _raise_if(found, "Invalid moderated score")

    @property
    def item(self) -> tuple[str, str, str]:
        return (self.vendor, self.script, self.criterion)


@attrs.frozen
class PriceCriterion:
    """A leaf criterion scored from the vendors' prices instead of requirements and demos.

    ``prices`` maps vendor id → the price scored (on ``basis``; the cost model fills them
    from the Pricing sheets with :func:`crmselect.cost.with_tco_prices`, or give them
    directly with basis ``bid``). Scoring turns them into the criterion's column with
    ``method`` (:func:`crmselect.cost.price_scores`) among the vendors still in the running:
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
        found = _id_problem(where, self.criterion, "criterion")
        settings = {"budget": self.budget, "floor": self.floor, "ceiling": self.ceiling}
        found += [
            Problem(where, f"{name} {value!r} is not a number")
            for name, value in settings.items()
            if value is not None and not is_number(value)
        ]
        if found:
            _raise_if(found, "Invalid price criterion")
        if self.method is PriceMethod.BUDGET:
            if self.budget is None:
                found.append(
                    Problem(where, "method 'budget' needs a budget, fixed before bids are opened")
                )
            elif not (math.isfinite(self.budget) and self.budget > self.floor >= 0):
                found.append(
                    Problem(
                        where,
                        f"budget {self.budget:g} must be above the floor {self.floor:g} "
                        "(which is at least 0)",
                    )
                )
        elif self.budget is not None:
            found.append(
                Problem(where, f"a budget is only used by method 'budget', not {self.method}")
            )
        if self.floor != 0 and self.method is not PriceMethod.BUDGET:
            found.append(
                Problem(where, f"a floor is only used by method 'budget', not {self.method}")
            )
        if self.ceiling is not None and self.method is not PriceMethod.LINEAR:
            found.append(
                Problem(where, f"a ceiling is only used by method 'linear', not {self.method}")
            )
        if self.ceiling is not None and not (math.isfinite(self.ceiling) and self.ceiling > 0):
            found.append(Problem(where, f"ceiling {self.ceiling} must be a positive number"))
        for vendor, price in self.prices.items():
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
        _raise_if(found, "Invalid price criterion")


@attrs.frozen
class ScoringPolicy:
    """The documented, overridable choices scoring makes.

    ``priority_weights``: MoSCoW priority → weight of a requirement in its criterion's
    mean (default must 3, should 2, could 1, wont 0). ``missing``: see
    :class:`MissingPolicy`. ``demo_share``: default share of a leaf's score taken from demo
    scores where a demo script exercises it (a criterion's own ``demo_share`` wins).
    ``process_uplift``: how many MoSCoW steps a requirement rises when it supports a process
    of that rating (default: recoverability +1, criticality +2, others 0; capped at must;
    ``wont`` stays out of scope).
    """

    priority_weights: Mapping[Priority, float] = attrs.field(
        factory=dict, converter=_priority_weights
    )
    missing: MissingPolicy = attrs.field(default=MissingPolicy.ZERO, converter=_missing)
    demo_share: float = attrs.field(default=0.5, converter=float)
    process_uplift: Mapping[ProcessRating, int] = attrs.field(factory=dict, converter=_uplift)
    demo_aggregation: DemoAggregation = attrs.field(factory=DemoAggregation)
    """How demo scores are aggregated across the panel (default: mean of the scores given)."""

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
        _raise_if(found, "Invalid scoring policy")


def duplicate_problems(kind: str, objects: Iterable[Any]) -> list[Problem]:
    """A problem at every repeated occurrence of an id, naming where the first one is."""
    first: dict[str, Any] = {}
    found = []
    for obj in objects:
        if obj.id in first:
            earlier = first[obj.id].origin or "earlier"
            found.append(
                Problem(
                    _where(obj, kind),
                    f"the {kind} id {obj.id!r} is used more than once "
                    f"(first: {earlier}); ids must be unique",
                )
            )
        else:
            first[obj.id] = obj
    return found


@attrs.frozen(eq=False)
class Evaluation:
    """One CRM selection: criteria, requirements, vendors, answers, panel and demo scores.

    Constructing it cross-checks every reference and raises one
    :class:`~crmselect.errors.ValidationError` listing every problem. Change it with
    :func:`attrs.evolve`, which validates the copy again.
    """

    name: str
    criteria: tuple[Criterion, ...] = attrs.field(converter=as_tuple)
    requirements: tuple[Requirement, ...] = attrs.field(converter=as_tuple)
    vendors: tuple[Vendor, ...] = attrs.field(converter=as_tuple)
    responses: tuple[Response, ...] = attrs.field(default=(), converter=as_tuple)
    evaluators: tuple[Evaluator, ...] = attrs.field(default=(), converter=as_tuple)
    demo_scripts: tuple[DemoScript, ...] = attrs.field(default=(), converter=as_tuple)
    demo_scores: tuple[DemoScore, ...] = attrs.field(default=(), converter=as_tuple)
    scale: ComplianceScale = attrs.field(factory=ComplianceScale)
    demo_scale: DemoScale = attrs.field(factory=DemoScale)
    policy: ScoringPolicy = attrs.field(factory=ScoringPolicy)
    description: str = ""
    pricing: Mapping[str, Mapping[str, float | str | None]] = attrs.field(factory=dict)
    """Vendor id → the values of its returned Pricing sheet (see :mod:`crmselect.cost`)."""
    price: PriceCriterion | None = None
    """The leaf criterion scored from prices, if any (see :class:`PriceCriterion`)."""
    processes: tuple[Process, ...] = attrs.field(default=(), converter=as_tuple)
    """Current business processes with their ratings (see :class:`Process`)."""
    judgements: tuple[Judgements, ...] = attrs.field(default=(), converter=as_tuple)
    """Pairwise judgements the local weights were derived from (provenance for reports)."""
    moderations: tuple[ModeratedScore, ...] = attrs.field(default=(), converter=as_tuple)
    """Scores agreed in the consensus meeting; they replace the panel's aggregate."""
    import_problems: tuple[ImportProblem, ...] = attrs.field(default=(), converter=as_tuple)
    """Findings from importing returned workbooks (see :mod:`crmselect.io.forms.rfp_response`)."""
    origin: str = attrs.field(default="", repr=False)

    def __attrs_post_init__(self) -> None:
        _raise_if(
            self._problems(),
            f"Invalid evaluation {self.name!r}" + (f" ({self.origin})" if self.origin else ""),
        )

    # -- lookups ---------------------------------------------------------------------------

    def criteria_by_id(self) -> dict[str, Criterion]:
        return {c.id: c for _, c in walk_tree(self.criteria)}

    def leaves(self) -> tuple[Criterion, ...]:
        """Leaf criteria in tree order — the columns of the performance matrix."""
        return tuple(c for _, c in walk_tree(self.criteria) if c.is_leaf)

    @property
    def vendor_ids(self) -> tuple[str, ...]:
        return tuple(v.id for v in self.vendors)

    def demo_criteria(self) -> frozenset[str]:
        """Leaf criteria that at least one demo script exercises."""
        return frozenset(c for s in self.demo_scripts for c in s.criteria)

    def demo_share(self, criterion: Criterion) -> float:
        """Share of ``criterion``'s score taken from demos (0 when no script exercises it)."""
        weights = self.policy.priority_weights
        has_requirements = any(
            r.criterion == criterion.id and weights[r.priority] > 0 for r in self.requirements
        )
        if criterion.id not in self.demo_criteria():
            return 0.0
        if criterion.demo_share is not None:
            return criterion.demo_share
        return self.policy.demo_share if has_requirements else 1.0

    def fingerprint(self) -> str:
        """SHA-256 of the evaluation's *inputs* (origins and import findings excluded): the
        provenance of results and the identity a handed-out workbook is checked against.

        The same on every machine (:mod:`crmselect.hashing`): the local weights of a node
        with :attr:`judgements` are derived from them by an eigen-solver whose last bits
        depend on the BLAS kernel, so they are left out and the judgements are hashed
        instead; every other float is hashed with 12 significant digits.
        """
        plain = canonical(self, exclude=_NOT_FINGERPRINTED)
        judged = frozenset(j.node for j in self.judgements)
        plain["criteria"] = _given_weights(plain["criteria"], judged)
        return sha256_hex(plain)

    def __repr__(self) -> str:
        return (
            f"<Evaluation {self.name!r}: {len(self.vendors)} vendors, "
            f"{len(self.requirements)} requirements, {len(self.leaves())} leaf criteria, "
            f"{len(self.demo_scripts)} demo scripts, {len(self.evaluators)} evaluators>"
        )

    def _repr_html_(self) -> str:
        """The vendors with their offering and how many requirements each answered."""
        answered = Counter(a.vendor for a in self.responses if a.compliance is not None)
        frame = pd.DataFrame(
            [
                {
                    "vendor": v.id,
                    "name": v.name,
                    "offering": v.offering.value,
                    "deployment": ", ".join(sorted(d.value for d in v.deployment)),
                    "licensing": ", ".join(sorted(lic.value for lic in v.licensing)),
                    "answered": f"{answered[v.id]}/{len(self.requirements)}",
                }
                for v in self.vendors
            ]
        ).set_index("vendor")
        return html_table(frame, caption=repr(self).strip("<>"))

    # -- validation ------------------------------------------------------------------------

    def _problems(self) -> list[Problem]:
        found: list[Problem] = []
        nodes = list(walk_tree(self.criteria))
        leaf_ids = {c.id for _, c in nodes if c.is_leaf}
        vendor_ids = set(self.vendor_ids)
        requirement_by_id = {r.id: r for r in self.requirements}
        evaluator_ids = {e.id for e in self.evaluators}
        scripts = {s.id: s for s in self.demo_scripts}

        if not self.vendors:
            found.append(Problem("vendors", "the evaluation has no vendors"))
        found += tree_problems(self.criteria, self.requirements)
        found += duplicate_problems("vendor", self.vendors)
        found += duplicate_problems("evaluator", self.evaluators)
        found += duplicate_problems("demo script", self.demo_scripts)
        found += duplicate_problems("process", self.processes)
        known_requirements = {r.id for r in self.requirements}
        found += [
            Problem(_where(p, "process"), f"supported by unknown requirement {rid!r}")
            for p in self.processes
            for rid in p.requirements
            if rid not in known_requirements
        ]
        scored_by_requirements = {
            r.criterion
            for r in self.requirements
            if r.criterion in leaf_ids and self.policy.priority_weights[r.priority] > 0
        }
        priced = self.price.criterion if self.price is not None else None
        found += self._price_problems(leaf_ids, scored_by_requirements)

        for s in self.demo_scripts:
            for cid in s.criteria:
                if cid not in leaf_ids:
                    found.append(
                        Problem(
                            _where(s, "demo script"),
                            f"criterion {cid!r} is unknown or not a leaf criterion",
                        )
                    )
        demo_ids = self.demo_criteria()
        for _, c in nodes:
            if not c.is_leaf:
                continue
            where = _where(c, "criterion")
            if c.id not in scored_by_requirements and c.id not in demo_ids and c.id != priced:
                found.append(
                    Problem(
                        where,
                        "has no requirements that carry weight and no demo "
                        "script exercises it: nothing can score it",
                    )
                )
            if c.demo_share is not None and c.demo_share > 0 and c.id not in demo_ids:
                found.append(
                    Problem(
                        where,
                        f"demo_share is {c.demo_share} but no demo script exercises this criterion",
                    )
                )
            if (
                c.demo_share is not None
                and c.demo_share < 1
                and c.id in demo_ids
                and c.id not in scored_by_requirements
            ):
                found.append(
                    Problem(
                        where,
                        f"demo_share is {c.demo_share} but the criterion has "
                        "no weighted requirements; use 1 or add requirements",
                    )
                )

        children = {c.id: {k.id for k in c.children} for _, c in nodes if c.children}
        children[""] = {c.id for c in self.criteria}
        for j in self.judgements:
            where = _where(j, "judgements")
            if j.node not in children:
                found.append(
                    Problem(
                        where,
                        f"node {j.node!r} is not a criterion with "
                        "sub-criteria (use '' for the top level)",
                    )
                )
                continue
            for label in sorted({x for a, b, _ in j.pairs for x in (a, b)} - children[j.node]):
                found.append(
                    Problem(
                        where, f"{label!r} is not a sub-criterion of {j.node or 'the top level'!r}"
                    )
                )

        seen_answers: dict[tuple[str, str], Response] = {}
        for a in self.responses:
            where = a.origin or f"response {a.vendor!r}/{a.requirement!r}"
            if a.vendor not in vendor_ids:
                found.append(Problem(where, f"unknown vendor {a.vendor!r}"))
            if a.requirement not in requirement_by_id:
                found.append(Problem(where, f"unknown requirement {a.requirement!r}"))
            if a.compliance is not None and a.compliance not in self.scale.keys:
                found.append(
                    Problem(
                        where,
                        f"compliance {a.compliance!r} is not on the scale "
                        f"({self.scale.describe()})",
                    )
                )
            key = (a.vendor, a.requirement)
            if key in seen_answers:
                first = seen_answers[key].origin or "an earlier row"
                found.append(
                    Problem(
                        where,
                        f"second answer of vendor {a.vendor!r} to "
                        f"{a.requirement!r} (first at {first}); keep one",
                    )
                )
            seen_answers[key] = a

        seen_scores: dict[tuple[str, str, str, str], DemoScore] = {}
        for d in self.demo_scores:
            where = d.origin or f"demo score {d.evaluator!r}/{d.vendor!r}/{d.script!r}"
            if d.evaluator not in evaluator_ids:
                found.append(Problem(where, f"unknown evaluator {d.evaluator!r}"))
            if d.vendor not in vendor_ids:
                found.append(Problem(where, f"unknown vendor {d.vendor!r}"))
            script = scripts.get(d.script)
            if script is None:
                found.append(Problem(where, f"unknown demo script {d.script!r}"))
            elif d.criterion not in script.criteria:
                found.append(
                    Problem(
                        where,
                        f"demo script {d.script!r} does not exercise criterion {d.criterion!r}",
                    )
                )
            if d.score is not None and not self.demo_scale.contains(d.score):
                found.append(
                    Problem(
                        where,
                        f"score {d.score} is off the demo scale "
                        f"{self.demo_scale.minimum:g}..{self.demo_scale.maximum:g}",
                    )
                )
            key4 = (d.evaluator, d.vendor, d.script, d.criterion)
            if key4 in seen_scores:
                first = seen_scores[key4].origin or "an earlier row"
                found.append(
                    Problem(
                        where,
                        f"second score for the same evaluator, vendor, script "
                        f"and criterion (first at {first}); keep one",
                    )
                )
            seen_scores[key4] = d
        found += self._moderation_problems(scripts)
        return found

    def _price_problems(self, leaf_ids: set[str], scored: set[str]) -> list[Problem]:
        """The price criterion is a leaf scored from prices alone, for known vendors."""
        if self.price is None:
            return []
        where = self.price.origin or f"price criterion {self.price.criterion!r}"
        cid = self.price.criterion
        found: list[Problem] = []
        if cid not in leaf_ids:
            found.append(Problem(where, f"criterion {cid!r} is unknown or not a leaf criterion"))
        if cid in scored:
            found.append(
                Problem(
                    where,
                    f"criterion {cid!r} has weighted requirements; a price criterion is scored "
                    "from prices alone — move them to another criterion",
                )
            )
        if cid in self.demo_criteria():
            found.append(
                Problem(
                    where,
                    f"demo scripts exercise {cid!r}; a price criterion is scored from prices alone",
                )
            )
        vendors = set(self.vendor_ids)
        found += [
            Problem(where, f"price of unknown vendor {v!r}")
            for v in self.price.prices
            if v not in vendors
        ]
        return found

    def _moderation_problems(self, scripts: Mapping[str, DemoScript]) -> list[Problem]:
        found: list[Problem] = []
        vendor_ids = set(self.vendor_ids)
        panel = {e.id for e in self.evaluators}
        first: dict[tuple[str, str, str], ModeratedScore] = {}
        for m in self.moderations:
            where = m.origin or f"moderated score {'/'.join(m.item)}"
            script = scripts.get(m.script)
            if m.vendor not in vendor_ids:
                found.append(Problem(where, f"unknown vendor {m.vendor!r}"))
            if script is None:
                found.append(Problem(where, f"unknown demo script {m.script!r}"))
            elif m.criterion not in script.criteria:
                found.append(
                    Problem(where, f"demo script {m.script!r} does not exercise {m.criterion!r}")
                )
            if not self.demo_scale.contains(m.score):
                found.append(
                    Problem(
                        where,
                        f"score {m.score:g} is off the demo scale "
                        f"{self.demo_scale.minimum:g}..{self.demo_scale.maximum:g}",
                    )
                )
            if m.item in first:
                earlier = first[m.item].origin or "an earlier one"
                found.append(Problem(where, f"second moderation of this item (first: {earlier})"))
            first.setdefault(m.item, m)
        weights = self.policy.demo_aggregation.evaluator_weights
        found += [
            Problem("scoring policy: demo_aggregation", f"weights for unknown evaluator {e!r}")
            for e in weights
            if e not in panel
        ]
        return found


def tree_problems(
    criteria: Iterable[Criterion], requirements: Iterable[Requirement]
) -> list[Problem]:
    """Problems of a criteria tree and the requirements attached to it.

    Duplicate criterion or requirement ids, a level whose weights are all zero, a
    requirement attached to an unknown or non-leaf criterion. Shared by catalogues and
    evaluations.
    """
    criteria, requirements = tuple(criteria), tuple(requirements)
    nodes = list(walk_tree(criteria))
    by_id = {c.id: c for _, c in nodes}
    found: list[Problem] = []
    if not criteria:
        found.append(Problem("criteria", "there are no criteria"))
    found += duplicate_problems("criterion", (c for _, c in nodes))
    found += duplicate_problems("requirement", requirements)
    levels = [(criteria, "criteria (top level)")]
    levels += [(c.children, _where(c, "criterion")) for _, c in nodes if c.children]
    for siblings, where in levels:
        if siblings and sum(c.weight for c in siblings) <= 0:
            found.append(
                Problem(where, "all weights at this level are zero; at least one must be positive")
            )
    for r in requirements:
        target = by_id.get(r.criterion)
        if target is None:
            found.append(
                Problem(_where(r, "requirement"), f"refers to unknown criterion {r.criterion!r}")
            )
        elif not target.is_leaf:
            found.append(
                Problem(
                    _where(r, "requirement"),
                    f"criterion {r.criterion!r} has sub-criteria; attach "
                    "requirements to a leaf criterion",
                )
            )
    return found


_NOT_FINGERPRINTED = ("origin", "import_problems")


def _given_weights(criteria: list[dict[str, Any]], judged: frozenset[str], node: str = "") -> Any:
    """The canonical criteria tree with the weights of judged nodes' children replaced by
    ``"from judgements"`` (they are derived; see :meth:`Evaluation.fingerprint`)."""
    return [
        {
            **c,
            "weight": "from judgements" if node in judged else c["weight"],
            "children": _given_weights(c["children"], judged, c["id"]),
        }
        for c in criteria
    ]
