"""The ``costs:`` section of ``evaluation.yaml`` → a :class:`~crmselect.cost.case.CostCase`.

::

    costs:
      currency: EUR
      users: {start: 120, growth: 0.10}   # or a list: users in each year of use
      years: 5
      discount_rate: 0.08
      timing: end                          # cash flows at the end of each year (or start)
      concurrency_ratio: 0.6
      training_per_user: 400
      internal_staff: {project_fte: 1.5, support_fte: 0.5, fte_cost: 85000}
      on_premise: {hardware: 60000, refresh_years: 4, operations_per_year: 25000}
      offer_defaults: {escalation: 0.03, data_migration: 25000, integration: 40000}
      offers:                              # per vendor; 'deployment' when it offers several
        kestrel: {deployment: partner_hosted}
      benefits:
        - {id: retention, low: 20000, likely: 60000, high: 110000, ramp: [0.5, 1.0]}
        - {id: productivity, low: 600, likely: 1200, high: 1800, per_user: true}
      cost_factor: [0.95, 1.0, 1.3]        # low, likely, high multiplier of every cost
      monte_carlo: {n: 10000, seed: 2026, distribution: pert}

Prices come from each vendor's returned Pricing sheet (``Evaluation.pricing``); ``offers``
overrides or completes them. Errors name the key path and line.

The ``price:`` section makes a leaf criterion scored from prices
(:class:`~crmselect.model.PriceCriterion`, formulas in :mod:`crmselect.price`)::

    price:
      criterion: price        # a leaf criterion with no requirements and no demo scripts
      method: budget          # budget | lowest_ratio | linear
      budget: 1800000         # method budget: scores 0 at or above it, 1 at the floor
      floor: 0
      basis: npv              # npv | total of the costs: section's TCO — or bid, with
      prices: {orbis: 1560000}  # the prices given here (a folder without costs: may also
                                # give npv or total prices, as save_evaluation writes them)
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import partial
from pathlib import Path
from typing import Any

from crmselect.cost.business_case import Benefit, Range
from crmselect.cost.case import CostCase
from crmselect.cost.offer import Assumptions, Offer, offer_from_pricing
from crmselect.errors import CrmselectError
from crmselect.io.folder.yamlfile import Reader, YNode
from crmselect.model import Evaluation, PriceBasis, PriceCriterion, Vendor

_TOP = (
    "currency",
    "users",
    "years",
    "discount_rate",
    "timing",
    "concurrency_ratio",
    "training_per_user",
    "internal_staff",
    "on_premise",
    "offer_defaults",
    "offers",
    "benefits",
    "cost_factor",
    "monte_carlo",
)
OFFER_NUMBERS = (
    "escalation",
    "data_migration",
    "integration",
    "training",
    "hosting_fee",
    "implementation_days",
    "day_rate",
    "maintenance_rate",
    "unit_price",
)


def read_costs(root: YNode, file: Path, evaluation: Evaluation) -> CostCase | None:
    """The cost case of the evaluation file ``file`` (parsed as ``root``), or ``None`` when it
    has no ``costs:``; ``evaluation`` is the tender's, with the vendors' returned pricing."""
    node = root.value.get("costs") if isinstance(root.value, dict) else None
    if node is None:
        return None
    reader = Reader()
    case = _case(reader, node, evaluation)
    reader.raise_if_problems(f"Cannot read the costs of {file}")
    if case is None:  # pragma: no cover - a None case always comes with problems
        raise CrmselectError(f"Cannot read the costs of {file}")
    return case


def _case(reader: Reader, node: YNode, evaluation: Evaluation) -> CostCase | None:
    f = reader.mapping(node, required=("users",), optional=_TOP)
    if f is None or "users" not in f:  # reported by the reader
        return None
    staff = (
        reader.mapping(f["internal_staff"], optional=("project_fte", "support_fte", "fte_cost"))
        if "internal_staff" in f
        else {}
    )
    premise = (
        reader.mapping(
            f["on_premise"], optional=("hardware", "refresh_years", "operations_per_year")
        )
        if "on_premise" in f
        else {}
    )
    staff, premise = staff or {}, premise or {}
    refresh = reader.number(premise.get("refresh_years"), minimum=1)
    fields: dict[str, Any] = {
        "discount_rate": reader.number(f.get("discount_rate"), 0.08, minimum=0, maximum=1),
        "concurrency_ratio": reader.number(f.get("concurrency_ratio"), minimum=0, maximum=1),
        "timing": reader.text(f.get("timing"), "end"),
        "training_per_user": reader.number(f.get("training_per_user"), 0.0, minimum=0),
        "project_fte": reader.number(staff.get("project_fte"), 0.0, minimum=0),
        "support_fte": reader.number(staff.get("support_fte"), 0.0, minimum=0),
        "fte_cost": reader.number(staff.get("fte_cost"), 0.0, minimum=0),
        "hardware": reader.number(premise.get("hardware"), 0.0, minimum=0),
        "hardware_refresh_years": int(refresh) if refresh is not None else None,
        "on_premise_operations": reader.number(premise.get("operations_per_year"), 0.0, minimum=0),
        "currency": reader.text(f.get("currency"), "EUR"),
    }
    users = _users(reader, f["users"], f.get("years"))
    assumptions = reader.build(node, lambda: Assumptions(users, **fields)) if users else None
    offers = _offers(reader, f, evaluation)
    benefits = [b for item in reader.sequence(f.get("benefits")) if (b := _benefit(reader, item))]
    factor = _triple(reader, f.get("cost_factor"), (1.0, 1.0, 1.0))
    simulation = (
        reader.mapping(f["monte_carlo"], optional=("n", "seed", "distribution"))
        if "monte_carlo" in f
        else {}
    )
    simulation = simulation or {}
    if assumptions is None or offers is None:
        return None
    return CostCase(
        offers,
        assumptions,
        tuple(benefits),
        factor,
        int(reader.number(simulation.get("n"), 10_000.0, minimum=100)),
        int(reader.number(simulation.get("seed"), 2026.0, minimum=0)),
        reader.text(simulation.get("distribution"), "pert"),
    )


def _users(reader: Reader, node: YNode, years: YNode | None) -> list[int]:
    if isinstance(node.value, list):
        counts = [reader.number(item, minimum=1) for item in node.value]
        return [int(c) for c in counts if c is not None]
    f = reader.mapping(node, required=("start",), optional=("growth",)) or {}
    start = reader.number(f.get("start"), minimum=1)
    growth = reader.number(f.get("growth"), 0.0, minimum=-0.5, maximum=5)
    span = reader.number(years, minimum=1, maximum=30)
    if start is None:
        return []
    if span is None:
        if years is None:  # otherwise reported as it is
            reader.fail(node, "with users given as {start, growth}, also give 'years'")
        return []
    return [round(start * (1 + growth) ** year) for year in range(int(span))]


def _offers(reader: Reader, f: dict[str, YNode], evaluation: Evaluation) -> dict[str, Offer] | None:
    defaults = _offer_fields(reader, f.get("offer_defaults"))
    node = f.get("offers")
    overrides = _offer_overrides(reader, node, evaluation)
    where = node or f["users"]
    offers: dict[str, Offer] = {}
    for vendor in evaluation.vendors:
        if vendor.id not in evaluation.pricing:
            continue
        extra = {**defaults, **overrides.get(vendor.id, {})}
        offer = _priced_offer(reader, where, vendor, extra, evaluation.pricing[vendor.id])
        if offer is not None:
            offers[vendor.id] = offer
    if evaluation.pricing and not offers:
        return None  # every priced offer was refused, with its problems
    return offers  # none before the bids are in: the cost case waits for them


def _offer_overrides(
    reader: Reader, node: YNode | None, evaluation: Evaluation
) -> dict[str, dict[str, Any]]:
    """``costs.offers``: vendor id → the offer settings given for it (a deployment allowed);
    an unknown vendor and a node that is not a mapping are reported."""
    overrides: dict[str, dict[str, Any]] = {}
    if node is not None and isinstance(node.value, dict):
        for vendor, item in node.value.items():
            if vendor not in evaluation.vendor_ids:
                reader.fail(item, f"unknown vendor {vendor!r}")
            overrides[vendor] = _offer_fields(reader, item, allow_deployment=True)
    elif node is not None:
        reader.fail(node, "expected a mapping of vendor id to offer settings")
    return overrides


def _priced_offer(
    reader: Reader,
    where: YNode,
    vendor: Vendor,
    extra: dict[str, Any],
    pricing: Mapping[str, float | str | None],
) -> Offer | None:
    """The vendor's offer from its ``pricing`` and the ``extra`` offer settings, priced for
    the deployment they name, else for the vendor's only one; ``None`` with the problem
    reported at ``where`` when that leaves it open, or the offer is invalid."""
    deployment = extra.pop("deployment", None)
    if deployment is None and len(vendor.deployment) == 1:
        deployment = next(iter(vendor.deployment)).value
    if deployment is None:
        reader.fail(
            where,
            f"vendor {vendor.id!r} offers several deployments; "
            f"say which is priced under offers.{vendor.id}"
            ".deployment",
        )
        return None
    return reader.build(where, partial(offer_from_pricing, vendor.id, pricing, deployment, **extra))


def _offer_fields(
    reader: Reader, node: YNode | None, allow_deployment: bool = False
) -> dict[str, Any]:
    if node is None:
        return {}
    keys = OFFER_NUMBERS + (("deployment",) if allow_deployment else ())
    f = reader.mapping(node, optional=keys) or {}
    out: dict[str, Any] = {
        k: reader.number(v, minimum=0) for k, v in f.items() if k != "deployment"
    }
    if "deployment" in f:
        out["deployment"] = reader.text(f["deployment"])
    return {k: v for k, v in out.items() if v is not None}


def _triple(
    reader: Reader, node: YNode | None, default: tuple[float, float, float]
) -> tuple[float, float, float]:
    if node is None:
        return default
    if not isinstance(node.value, list):
        reader.fail(node, "expected [low, likely, high]")
        return default
    values = [reader.number(item, minimum=0) for item in reader.sequence(node)]
    if len(values) != 3 or any(v is None for v in values):
        reader.fail(node, "expected [low, likely, high]")
        return default
    low, likely, high = (float(v or 0.0) for v in values)
    return low, likely, high


def _benefit(reader: Reader, item: YNode) -> Benefit | None:
    f = reader.mapping(
        item,
        required=("id", "low", "likely", "high"),
        optional=("name", "kind", "per_user", "ramp", "vendors"),
    )
    if f is None:
        return None
    low, likely, high = (reader.number(f.get(k), 0.0) for k in ("low", "likely", "high"))
    ramp = [reader.number(r, minimum=0, maximum=1) for r in reader.sequence(f.get("ramp"))]
    vendors = reader.texts(f.get("vendors")) if "vendors" in f else None
    return reader.build(
        item,
        lambda: Benefit(
            reader.text(f.get("id")),
            Range(low, likely, high),
            name=reader.text(f.get("name")),
            kind=reader.text(f.get("kind")),
            per_user=reader.flag(f.get("per_user")),
            ramp=[r for r in ramp if r is not None],
            vendors=vendors,
        ),
    )


def read_price(reader: Reader, node: YNode | None) -> PriceCriterion | None:
    """The ``price:`` section (see the module docstring); problems join ``reader``'s."""
    if node is None:
        return None
    f = reader.mapping(
        node,
        required=("criterion",),
        optional=("method", "budget", "floor", "ceiling", "basis", "prices"),
    )
    if f is None:
        return None
    prices: dict[str, float] = {}
    given = f.get("prices")
    if given is not None and isinstance(given.value, dict):
        for vendor, item in given.value.items():
            value = reader.number(item, minimum=0)
            if value is not None:
                prices[str(vendor)] = value
            elif item.value is None:
                reader.fail(item, "no price: give a number, or leave the vendor out")
    elif given is not None:
        reader.fail(given, "expected a mapping of vendor id to price")
    default_basis = PriceBasis.BID if given is not None else PriceBasis.NPV
    return reader.build(
        node,
        lambda: PriceCriterion(
            reader.text(f.get("criterion")),
            method=reader.text(f.get("method"), "budget"),
            budget=reader.number(f.get("budget")),
            floor=reader.number(f.get("floor"), 0.0),
            ceiling=reader.number(f.get("ceiling")),
            basis=reader.text(f.get("basis"), default_basis.value),
            prices=prices,
            origin=node.where,
        ),
    )
