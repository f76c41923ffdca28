"""Software × implementation-partner pairs: which partner implements which product, and the
ranking of the pairs on both evaluations and their combined cost.

The committee chooses the implementation partner alongside the software (seed 004 §4.3;
seed 003, phase 3 "needs specification and partner selection"). Partners are evaluated like
vendors — an :class:`~crmselect.model.Evaluation` whose "vendors" are the partners, scored on
the bundled ``partner`` catalogue (``crmselect.load_catalog("partner")``) — and each partner
quotes for the products it is certified to implement (:class:`PartnerOffer`).

Rule (:func:`rank_pairs`), for software *v* and partner *p* that quoted for *v*:

* **quality** ``Q_vp = (1 − α)·T_v + α·U_p``, with ``T_v`` the software's total and ``U_p``
  the partner's total (both in [0, 1]) and ``α`` the partner's share (default 0.3: the
  partner matters during the project, the software for the whole horizon);
* **combined cost**: the software's TCO cash flows with the offer's own implementation
  services (:data:`~crmselect.cost.tco.SERVICES`: implementation days, data migration,
  integration) replaced by the partner's quote in year 0; its ``total`` and ``npv``;
* **total** ``(1 − β)·Q_vp + β·s_vp`` where ``s_vp`` is the price score of the pair's
  combined cost (:func:`~crmselect.price.price_scores`, among the eligible pairs) and
  ``β`` the price weight (default 0: rank on quality, show the cost beside it);
* pairs whose software or partner is knocked out, or whose software has no offer, are kept
  in the table with the reason and get no rank; ``pareto`` marks the eligible pairs that no
  other pair beats on both quality and cost.
"""

from __future__ import annotations

import math
from collections.abc import Collection, Iterable, Mapping, Sequence
from types import MappingProxyType
from typing import TYPE_CHECKING, TypeGuard, cast

import attrs
import numpy as np
import pandas as pd

from crmselect.converters import as_tuple, is_number
from crmselect.cost.offer import number_problems
from crmselect.cost.tco import SERVICES, TcoComparison, npv
from crmselect.display import flat_index, html_table
from crmselect.errors import Problem, ValidationError
from crmselect.model import Evaluation, PriceMethod
from crmselect.price import price_scores
from crmselect.ranking import rank

if TYPE_CHECKING:
    from matplotlib.axes import Axes

    from crmselect.scoring import ScoreResult

__all__ = [
    "PAIR_COLUMNS",
    "PRICE_OPTIONS",
    "PairRanking",
    "PartnerOffer",
    "PartnerSetup",
    "ShareInterval",
    "implementers",
    "pareto",
    "rank_pairs",
]

PRICE_OPTIONS = ("budget", "ceiling", "floor")
"""The price options of a pair ranking, as :func:`~crmselect.price.price_scores` takes
them."""
_METHODS = tuple(m.value for m in PriceMethod)


@attrs.frozen
class PartnerOffer:
    """A partner's quote to implement one product (the ``product`` is a software vendor's
    id): days × day rate plus fixed-price data migration and integration, all in year 0."""

    partner: str
    product: str
    implementation_days: float
    day_rate: float
    data_migration: float = 0.0
    integration: float = 0.0
    origin: str = attrs.field(default="", eq=False, repr=False)

    def __attrs_post_init__(self) -> None:
        where = self.origin or f"partner offer {self.partner!r} for {self.product!r}"
        names = ("implementation_days", "day_rate", "data_migration", "integration")
        found = number_problems(where, {name: getattr(self, name) for name in names})
        if not str(self.partner).strip() or not str(self.product).strip():
            found.append(Problem(where, "partner and product must both be named"))
        if found:
            raise ValidationError("Invalid partner offer", found)

    @property
    def cost(self) -> float:
        """``implementation_days × day_rate + data_migration + integration``."""
        return float(
            self.implementation_days * self.day_rate + self.data_migration + self.integration
        )


def implementers(offers: Iterable[PartnerOffer]) -> pd.DataFrame:
    """Partners × products: True where the partner quoted to implement the product."""
    listed = list(offers)
    partners = sorted({o.partner for o in listed})
    products = sorted({o.product for o in listed})
    frame = pd.DataFrame(
        False, index=pd.Index(partners, name="partner"), columns=pd.Index(products, name="product")
    )
    for o in listed:
        frame.loc[o.partner, o.product] = True
    return frame


def _totals(source: ScoreResult | pd.Series, kind: str) -> tuple[pd.Series, dict[str, str]]:
    """Totals in [0, 1] and the knocked-out ids with their reasons."""
    if isinstance(source, pd.Series):
        return source.astype(float), {}
    totals, knocked_out = getattr(source, "totals", None), getattr(source, "knocked_out", None)
    if isinstance(totals, pd.Series) and isinstance(knocked_out, Mapping):
        reasons = {str(v): "; ".join(r) for v, r in knocked_out.items()}
        return totals.astype(float), reasons
    raise ValidationError(
        f"Invalid {kind} scores",
        [
            Problem(
                kind, f"expected a ScoreResult or a Series of totals, got {type(source).__name__}"
            )
        ],
    )


PAIR_COLUMNS = [
    "software_score",
    "partner_score",
    "quality",
    "total_cost",
    "npv_cost",
    "price_score",
    "total",
    "rank",
    "pareto",
    "excluded",
]


@attrs.frozen
class ShareInterval:
    """The partner shares for which :attr:`best` stays the best pair: ``low`` to ``high``
    (within 0–1; the share now is ``share``), and the pairs that overtake it below ``low``
    (``by_low``) and above ``high`` (``by_high``), ``None`` where nothing does."""

    best: tuple[str, str]
    share: float
    low: float
    high: float
    by_low: tuple[str, str] | None
    by_high: tuple[str, str] | None


@attrs.frozen(eq=False)
class PairRanking:
    """Every quoted software × partner pair: scores, combined cost, total and rank.

    :attr:`table` is indexed by (``vendor``, ``partner``) with :data:`PAIR_COLUMNS`, best
    first, excluded pairs last. :attr:`cash_flows` holds each pair's combined cost by year
    and category.
    """

    table: pd.DataFrame
    cash_flows: pd.DataFrame
    partner_share: float
    price_weight: float
    price_method: str

    @property
    def best(self) -> tuple[str, str] | None:
        """The (vendor, partner) ranked first, or None when no pair is eligible."""
        first = self.table[self.table["rank"] == 1]
        if first.empty:
            return None
        vendor, partner = cast(tuple[str, str], first.index[0])
        return str(vendor), str(partner)

    def share_interval(self) -> ShareInterval | None:
        """How far the partner's share ``α`` may move (from 0 to 1) before another pair
        overtakes the best one; ``None`` when no pair is eligible.

        With ``β`` the price weight, pair *j*'s total is linear in ``α``:
        ``(1 − β)·((1 − α)·T_j + α·U_j) + β·s_j`` (its price score ``s_j`` does not depend
        on ``α``), so the best pair *b* stays first while, for every eligible *j*,
        ``c0_j + α·c1_j ≥ 0`` with ``c0_j = (1 − β)(T_b − T_j) + β(s_b − s_j)`` and
        ``c1_j = (1 − β)((U_b − U_j) − (T_b − T_j))`` — an interval in closed form, like
        the weight stability intervals of :func:`crmselect.robustness.stability_intervals`.
        """
        best = self.best
        if best is None:
            return None
        ok = self.table[self.table["excluded"] == ""]
        beta = self.price_weight
        t, u = ok["software_score"], ok["partner_score"]
        s = ok["price_score"].fillna(0.0)
        c0 = (1 - beta) * (t[best] - t) + beta * (s[best] - s)
        c1 = (1 - beta) * ((u[best] - u) - (t[best] - t))
        low, high, by_low, by_high = 0.0, 1.0, None, None
        for pair in ok.index:
            if pair == best or abs(c1[pair]) < 1e-15:
                continue
            edge = float(-c0[pair] / c1[pair])
            if c1[pair] > 0 and edge > low:
                low, by_low = edge, cast(tuple[str, str], pair)
            elif c1[pair] < 0 and edge < high:
                high, by_high = edge, cast(tuple[str, str], pair)
        return ShareInterval(best, self.partner_share, low, high, by_low, by_high)

    def to_frame(self) -> pd.DataFrame:
        return self.table.copy()

    def __repr__(self) -> str:
        best = "/".join(self.best) if self.best else "none"
        return f"<PairRanking: {len(self.table)} pairs, best {best}>"

    def _repr_html_(self) -> str:
        frame = flat_index(self.to_frame(), " + ", "pair")
        excluded = list(frame.index[frame["excluded"] != ""])
        for c in ("software_score", "partner_score", "quality", "price_score", "total"):
            frame[c] = frame[c].map("{:.3f}".format)
        for c in ("total_cost", "npv_cost"):
            frame[c] = frame[c].map("{:,.0f}".format)
        caption = (
            f"Software × partner pairs: quality = {1 - self.partner_share:.0%} software + "
            f"{self.partner_share:.0%} partner; price weight {self.price_weight:.0%}"
        )
        return html_table(frame, caption=caption, highlight=excluded)

    def plot(self, ax: Axes | None = None) -> Axes:
        """Quality against the NPV of the combined cost; the Pareto front joined."""
        from crmselect.plots import axes

        ax = axes(ax, (7, 5))
        ok = self.table[self.table["excluded"] == ""]
        ax.scatter(ok["npv_cost"], ok["quality"], color="#3182bd")
        for label, x, y in zip(ok.index, ok["npv_cost"], ok["quality"], strict=True):
            vendor, partner = cast(tuple[str, str], label)
            ax.annotate(f" {vendor}+{partner}", (x, y), fontsize="small")
        front = ok[ok["pareto"]].sort_values("npv_cost")
        ax.plot(front["npv_cost"], front["quality"], "--", color="#08519c", label="Pareto front")
        ax.set_xlabel("NPV of combined cost (software TCO + partner implementation)")
        ax.set_ylabel("quality (software and partner scores combined)")
        ax.legend(loc="lower right", fontsize="small", frameon=False)
        return ax


def pareto(quality: np.ndarray, cost: np.ndarray) -> np.ndarray:
    """True where no other point has quality ≥ and cost ≤ with one of them strict: the
    value-for-money front (of the pairs here, of the vendors in the award report)."""
    q, c = quality[:, None], cost[:, None]
    dominated = ((quality >= q) & (cost <= c) & ((quality > q) | (cost < c))).any(axis=1)
    return np.asarray(~dominated)


def rank_pairs(
    software: ScoreResult | pd.Series,
    partners: ScoreResult | pd.Series,
    partner_offers: Sequence[PartnerOffer],
    costs: TcoComparison,
    *,
    partner_share: float = 0.3,
    price_weight: float = 0.0,
    price_method: PriceMethod | str = PriceMethod.LOWEST_RATIO,
    price_options: Mapping[str, float] | None = None,
) -> PairRanking:
    """Rank the quoted software × partner pairs (rule in the module docstring).

    ``software`` and ``partners``: :class:`~crmselect.scoring.ScoreResult` (knock-outs are
    honoured) or Series of totals in [0, 1]. ``partner_offers``: who implements what, at
    what cost. ``costs``: the software offers' :class:`~crmselect.cost.tco.TcoComparison`.
    """
    found = _share_problems(partner_share, price_weight)
    t_software, out_software = _totals(software, "software")
    t_partner, out_partner = _totals(partners, "partner")
    found += _quote_problems(partner_offers, t_software, t_partner)
    options = dict(price_options or {})
    found += [
        Problem("price_options", f"{key!r} is unknown; use ceiling, budget or floor")
        for key in options
        if key not in PRICE_OPTIONS
    ]
    if found:
        raise ValidationError("Cannot rank software × partner pairs", found)

    rows, flows = [], {}
    for o in partner_offers:
        reasons = _knock_out_reasons(o, out_software, out_partner)
        pair_flows, total_cost, npv_cost = _pair_cost(costs, o)
        if pair_flows is None:
            reasons.append("the software has no priced offer")
        else:
            flows[(o.product, o.partner)] = pair_flows
        t, u = float(t_software[o.product]), float(t_partner[o.partner])
        rows.append(
            {
                "vendor": o.product,
                "partner": o.partner,
                "software_score": t,
                "partner_score": u,
                "quality": (1 - partner_share) * t + partner_share * u,
                "total_cost": total_cost,
                "npv_cost": npv_cost,
                "excluded": "; ".join(reasons),
            }
        )
    table = pd.DataFrame(rows).set_index(["vendor", "partner"])
    table = _scored_pairs(table, price_weight, price_method, options)
    cash = (
        pd.concat(flows, names=["vendor", "partner", "year"]).sort_index()
        if flows
        else pd.DataFrame()
    )
    return PairRanking(
        table=table[PAIR_COLUMNS],
        cash_flows=cash,
        partner_share=float(partner_share),
        price_weight=float(price_weight),
        price_method=str(price_method),
    )


def _share_problems(partner_share: float, price_weight: float) -> list[Problem]:
    """The partner's share and the price weight that are not a share between 0 and 1."""
    return [
        Problem(name, f"{share!r}; give a share between 0 and 1")
        for name, share in (("partner_share", partner_share), ("price_weight", price_weight))
        if not (is_number(share) and 0 <= share <= 1)
    ]


def _quote_problems(
    offers: Sequence[PartnerOffer], t_software: pd.Series, t_partner: pd.Series
) -> list[Problem]:
    """Every problem of the partner offers, offer by offer: a second quote for a pair, a
    partner or a product without a score; or no offer at all."""
    found = []
    seen: set[tuple[str, str]] = set()
    for o in offers:
        where = o.origin or f"partner offer {o.partner!r} for {o.product!r}"
        if (o.partner, o.product) in seen:
            found.append(Problem(where, "a second quote for the same pair; keep one"))
        seen.add((o.partner, o.product))
        if o.partner not in t_partner.index:
            found.append(Problem(where, f"partner {o.partner!r} has no evaluation score"))
        if o.product not in t_software.index:
            found.append(Problem(where, f"product {o.product!r} has no software score"))
    if not offers:
        found.append(Problem("partner offers", "no partner quoted for any product"))
    return found


def _knock_out_reasons(
    offer: PartnerOffer, out_software: Mapping[str, str], out_partner: Mapping[str, str]
) -> list[str]:
    """Why the pair is excluded by a knock-out: of its software, then of its partner."""
    reasons = []
    if offer.product in out_software:
        reasons.append(f"software knocked out ({out_software[offer.product]})")
    if offer.partner in out_partner:
        reasons.append(f"partner knocked out ({out_partner[offer.partner]})")
    return reasons


def _pair_cost(
    costs: TcoComparison, offer: PartnerOffer
) -> tuple[pd.DataFrame | None, float, float]:
    """The pair's combined cost: the software's TCO cash flows with its implementation
    services replaced by the partner's quote in year 0, their total and their NPV; ``None``
    and NaN costs when the software has no priced offer."""
    if offer.product not in costs.vendors:
        return None, math.nan, math.nan
    rate, timing = costs.assumptions.discount_rate, costs.assumptions.timing
    pair_flows = costs[offer.product].cash_flows.copy()
    pair_flows.loc[:, list(SERVICES)] = 0.0
    pair_flows.loc[0, "implementation"] = offer.implementation_days * offer.day_rate
    pair_flows.loc[0, "data_migration"] = offer.data_migration
    pair_flows.loc[0, "integration"] = offer.integration
    total_cost = float(pair_flows.to_numpy().sum())
    npv_cost = float(npv(pair_flows.sum(axis=1).to_numpy(), rate, timing))
    return pair_flows, total_cost, npv_cost


def _scored_pairs(
    table: pd.DataFrame,
    price_weight: float,
    price_method: PriceMethod | str,
    options: Mapping[str, float],
) -> pd.DataFrame:
    """The pairs' table with ``price_score`` (among the eligible pairs), ``total``,
    ``rank`` and ``pareto`` added, sorted by rank then quality."""
    eligible = table["excluded"] == ""
    table["price_score"] = np.nan
    if eligible.any():
        scored = price_scores(
            table.loc[eligible, "npv_cost"].set_axis(
                [f"{v}+{p}" for v, p in table.index[eligible]]
            ),
            price_method,
            ceiling=options.get("ceiling"),
            budget=options.get("budget"),
            floor=options.get("floor", 0.0),
        )
        table.loc[eligible, "price_score"] = scored.to_numpy()
    table["total"] = (1 - price_weight) * table["quality"] + price_weight * table[
        "price_score"
    ].fillna(0.0)
    table["rank"] = rank(table["total"], eligible)
    table["pareto"] = False
    if eligible.any():
        table.loc[eligible, "pareto"] = pareto(
            table.loc[eligible, "quality"].to_numpy(), table.loc[eligible, "npv_cost"].to_numpy()
        )
    return table.sort_values(["rank", "quality"], ascending=[True, False], na_position="last")


def _frozen_options(values: Mapping[str, float]) -> Mapping[str, float]:
    return MappingProxyType(dict(values))


def _method_text(value: object) -> str:
    """The method's canonical name when it is one (``"Lowest ratio"`` → ``lowest_ratio``);
    anything else is kept as written, for validation to report."""
    try:
        return PriceMethod.parse(str(value)).value
    except ValueError:
        return str(value)


@attrs.frozen(eq=False)
class PartnerSetup:
    """The implementation partners of a selection and their quotes, from the ``partners:``
    section of ``evaluation.yaml``::

        partners:
          evaluation: partners          # the partners' own evaluation (catalog: partner)
          offers: partner_offers.csv    # partner, product, implementation_days, day_rate, …
          partner_share: 0.3
          price_weight: 0.0
          price_method: lowest_ratio    # lowest_ratio | linear | budget
          budget: 900000                # budget (and floor) for budget, ceiling for linear

    ``evaluation``: the partners' evaluation, whose vendors are the partners. ``offers``:
    who quoted to implement which product. The rest are the keyword arguments of
    :func:`crmselect.cost.rank_pairs` (``price_options`` holds ``budget``, ``ceiling`` and
    ``floor`` when given, as :func:`crmselect.cost.price_scores` takes them)::

        rank_pairs(score(software), score(setup.evaluation), setup.offers, tco,
                   partner_share=setup.partner_share, price_weight=setup.price_weight,
                   price_method=setup.price_method, price_options=setup.price_options)

    Built in code, it checks the same rules as the loader (shares in [0, 1], a known price
    method with its options, every quoting partner evaluated, one quote per partner and
    product) and raises :class:`~crmselect.errors.ValidationError` listing every problem.
    """

    evaluation: Evaluation
    offers: tuple[PartnerOffer, ...] = attrs.field(converter=as_tuple)
    partner_share: float = 0.3
    price_weight: float = 0.0
    price_method: str = attrs.field(default=PriceMethod.LOWEST_RATIO.value, converter=_method_text)
    price_options: Mapping[str, float] = attrs.field(factory=dict, converter=_frozen_options)
    origin: str = attrs.field(default="", eq=False, repr=False)

    def __attrs_post_init__(self) -> None:
        where = self.origin or "partner setup"
        found = [
            Problem(where, f"{name} {what}")
            for name, value in (
                ("partner_share", self.partner_share),
                ("price_weight", self.price_weight),
            )
            if (what := _share_problem(value))
        ]
        found += [
            Problem(where, what) for what in _price_problems(self.price_method, self.price_options)
        ]
        found += _offer_problems(self.offers, set(self.evaluation.vendor_ids))
        if found:
            raise ValidationError("Invalid partner setup", found)


def _share_problem(value: object) -> str:
    if not _finite(value):
        return f"is {value!r}; give a share between 0 and 1"
    if not 0 <= value <= 1:
        return f"is {value:g}; give a share between 0 and 1"
    return ""


_NEEDS_BUDGET = (
    "price_method budget scores each pair's cost against a budget fixed before the bids are "
    "opened; give 'budget' (and optionally 'floor')"
)


def _option_problem(key: str, value: object, method: str) -> str:
    """What is wrong with one price option under ``method`` (empty when nothing is)."""
    if key not in PRICE_OPTIONS:
        return f"unknown price option {key!r}; allowed: {', '.join(PRICE_OPTIONS)}"
    if not _finite(value) or value < 0:
        return f"{key} is {value!r}; give a number of at least 0"
    if key == "ceiling" and method != PriceMethod.LINEAR.value:
        return f"'ceiling' is used only with price_method linear, not {method}"
    if key in ("budget", "floor") and method != PriceMethod.BUDGET.value:
        return f"{key!r} is used only with price_method budget, not {method}"
    return ""


def _budget_problem(budget: float, floor: float) -> str:
    return f"budget {budget:g} must be above the floor {floor:g}" if budget <= floor else ""


def _price_problems(method: str, options: Mapping[str, float]) -> list[str]:
    """What is wrong with a price method and its options (empty when nothing is)."""
    if method not in _METHODS:
        return [f"unknown price_method {method!r}; use one of {', '.join(_METHODS)}"]
    found = [
        what for key, value in options.items() if (what := _option_problem(key, value, method))
    ]
    if method == PriceMethod.BUDGET.value and not found:
        if "budget" not in options:
            found.append(_NEEDS_BUDGET)
        elif what := _budget_problem(options["budget"], options.get("floor", 0.0)):
            found.append(what)
    return found


def _finite(value: object) -> TypeGuard[float]:
    """A real number (not a boolean), neither NaN nor infinite."""
    return is_number(value) and math.isfinite(value)


def _offer_problems(offers: Iterable[PartnerOffer], partners: Collection[str]) -> list[Problem]:
    """Partners not evaluated, a second quote for the same pair, and no quotes at all."""
    found = []
    first: dict[tuple[str, str], str] = {}
    listed = list(offers)
    for o in listed:
        where = o.origin or f"partner offer {o.partner!r} for {o.product!r}"
        if o.partner not in partners:
            found.append(Problem(where, unknown_vendor("partner", o.partner, partners)))
        key = (o.partner, o.product)
        if key in first:
            found.append(
                Problem(
                    where,
                    f"partner {o.partner!r} already quoted for product {o.product!r} "
                    f"(first: {first[key]}); keep one quote per partner and product",
                )
            )
        else:
            first[key] = o.origin or "an earlier offer"
    if not listed:
        found.append(Problem("partner offers", "no partner quoted for any product"))
    return found


def unknown_vendor(kind: str, value: str, known: Collection[str]) -> str:
    pool = "the partners' evaluation" if kind == "partner" else "the software evaluation"
    return (
        f"{kind} {value!r} is not a vendor of {pool}; known: {', '.join(sorted(known)) or 'none'}"
    )
