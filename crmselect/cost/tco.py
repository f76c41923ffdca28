"""Total cost of ownership: a cash-flow table by year and cost category, its sum, its net
present value, and the cost per user per month.

The time line
-------------
Year 0 is the project, from contract signature to go-live; years 1 … N are the years of use
(N = ``len(assumptions.users)``). An "N-year TCO" is year 0 plus N years of use.

Cost categories (columns of :attr:`TcoResult.cash_flows`, in this order)
-----------------------------------------------------------------------
Let ``u_t`` be the named users in year *t*, ``n_t`` the licences needed (``u_t``, or
``ceil(u_t · ρ)`` concurrent licences with concurrency ratio ρ), ``C(n)`` the list price of *n*
licences for one period after volume tiers (:class:`~crmselect.cost.offer.TierMode`), ``e_t``
the vendor's escalation factor ``(1 + e)^max(0, t − h)`` with ``h = max(1, price_hold_years)``
(``e_0 = 1``), and ``i_t = (1 + inflation)^(t−1)`` the committee's (``i_0 = 1``).

``licence``
    perpetual only: ``C(H_1)`` in year 0 for the first year's licences, and for growth
    ``(C(H_t) − C(H_{t−1})) · e_t`` in year *t* ≥ 2, where ``H_t = max_{s≤t} n_s`` (licences
    once bought are kept; all-units tiers price the added licences at the band the new
    total reaches).
``maintenance``
    perpetual only: ``m · L_t · e_t`` in each year of use, ``m`` the maintenance rate and
    ``L_t = Σ_{s≤t} b_s`` the *net licence fee paid* for the licences held in year *t* —
    what the purchases cost after the volume-tier discount, at today's prices (``b_s``:
    year *s*'s purchase before escalation, ``b_1`` the year-0 purchase). This is the usual
    contract rule: maintenance is a percentage of the licence fee actually paid. With
    graduated tiers ``L_t = C(H_t)``; with all-units tiers licences bought earlier at a
    higher band keep the price paid for them, so ``L_t`` can exceed ``C(H_t)``.

    Worked example (all-units, 1,000 a licence, 800 from the 101st, 20 % maintenance, users
    100 then 150): year 0 buys 100 × 1,000 = 100,000; year 2 buys 50 × 800 = 40,000 (the
    band 150 reaches). Maintenance: year 1 ``0.2 × 100,000 = 20,000``, year 2 ``0.2 ×
    140,000 = 28,000`` — not ``0.2 × C(150) = 0.2 × 120,000 = 24,000``::

        >>> from crmselect.cost.offer import Assumptions, Offer, VolumeTier
        >>> o = Offer("x", "perpetual", 1000.0, "one_off", tiers=[VolumeTier(101, 800.0)],
        ...           tier_mode="all_units", maintenance_rate=0.2)
        >>> flows = cash_flows(o, Assumptions([100, 150]))
        >>> flows[["licence", "maintenance"]].to_numpy().tolist()
        [[100000.0, 0.0], [0.0, 20000.0], [40000.0, 28000.0]]

``subscription``
    subscription only: ``C(n_t) · periods per year · e_t`` in each year of use.
``hosting``
    the offer's hosting or operation fee ``· e_t`` in each year of use (any deployment).
``infrastructure``
    on-premise and hybrid only: hardware in year 0 and again every refresh period
    (``· i_t``; bought at the end of the last year the old hardware serves, and not in the
    last year), plus on-premise operations ``· i_t`` in each year of use.
``implementation``, ``data_migration``, ``integration``
    the offer's one-off services (days × day rate; fixed prices) in year 0.
``training``
    the offer's training package plus ``training_per_user · u_1`` in year 0, then
    ``training_per_user · max(0, u_t − u_{t−1}) · i_t`` as users are added.
``internal_staff``
    ``project_fte · fte_cost`` in year 0, ``support_fte · fte_cost · i_t`` in each year of use.

Net present value
-----------------
``NPV = Σ_{t=0..N} c_t · d_t`` with ``d_0 = 1`` and ``d_t = (1 + r)^−t`` (timing ``end``:
year *t*'s costs at the end of year *t*) or ``(1 + r)^−(t−1)`` (timing ``start``: paid in
advance). With timing ``end`` this is exactly ``numpy_financial.npv(r, c)``, which takes its
first value as today's (Brealey, Myers & Allen, *Principles of Corporate Finance*, ch. 2).
The NPV of a cost stream is the present value of the costs: a positive number, lower is
better.

**Cost per user per month** = ``TCO / (12 · Σ_{t=1..N} u_t)``: the undiscounted total spread
over every user-month of use (year 0 has no users).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, overload

import attrs
import numpy as np
import numpy.typing as npt
import pandas as pd

from crmselect.cost.offer import (
    Assumptions,
    LicenceModel,
    Offer,
    TierMode,
    Timing,
    UserType,
)
from crmselect.display import html_table
from crmselect.errors import Problem, ValidationError
from crmselect.model import Deployment

if TYPE_CHECKING:
    from matplotlib.axes import Axes

__all__ = [
    "CATEGORIES",
    "TcoComparison",
    "TcoResult",
    "cash_flows",
    "compare_tco",
    "discount_factors",
    "licence_cost",
    "licences_needed",
    "npv",
    "tco",
]

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]

CATEGORIES: tuple[str, ...] = (
    "licence",
    "maintenance",
    "subscription",
    "hosting",
    "infrastructure",
    "implementation",
    "data_migration",
    "integration",
    "training",
    "internal_staff",
)
"""Cost categories, the columns of every cash-flow table."""

#: Categories an implementation partner's quote replaces (see :mod:`crmselect.cost.partners`).
SERVICES: tuple[str, ...] = ("implementation", "data_migration", "integration")

_ON_SITE = (Deployment.ON_PREMISE, Deployment.HYBRID)


def discount_factors(rate: float, years: int, timing: Timing | str = Timing.END) -> FloatArray:
    """Discount factors ``d_0 … d_N`` for years 0 … ``years`` (see the module docstring).

    >>> discount_factors(0.1, 2).round(4).tolist()
    [1.0, 0.9091, 0.8264]
    >>> discount_factors(0.1, 2, "start").round(4).tolist()
    [1.0, 1.0, 0.9091]
    """
    when = Timing.parse(timing)
    if when is None:
        raise ValidationError(
            "Invalid timing",
            [Problem("timing", f"{timing!r} is unknown; use one of: {Timing.describe()}")],
        )
    t = np.arange(years + 1, dtype=float)
    exponent = t if when is Timing.END else np.maximum(t - 1.0, 0.0)
    return np.asarray((1.0 + rate) ** -exponent, dtype=float)


@overload
def npv(flows: Sequence[float], rate: float, timing: Timing | str = ...) -> float: ...
@overload
def npv(flows: FloatArray, rate: float, timing: Timing | str = ...) -> FloatArray | float: ...


def npv(
    flows: Sequence[float] | FloatArray, rate: float, timing: Timing | str = Timing.END
) -> FloatArray | float:
    """Net present value of yearly cash flows ``c_0 … c_N`` (last axis = years).

    ``NPV = Σ_t c_t · d_t`` with :func:`discount_factors` (year 0 undiscounted; timing
    ``end``: ``d_t = (1 + r)^−t``, the convention of ``numpy_financial.npv``). A 2-D array
    gives one NPV per row (vectorised for Monte Carlo).

    >>> round(npv([-100.0, 60.0, 60.0], 0.1), 4)
    4.1322
    >>> npv([1.0, 2.0, 3.0], 0.0)
    6.0
    """
    values = np.asarray(flows, dtype=float)
    result = values @ discount_factors(rate, values.shape[-1] - 1, timing)
    return float(result) if np.ndim(result) == 0 else np.asarray(result, dtype=float)


def licences_needed(offer: Offer, assumptions: Assumptions) -> IntArray:
    """Licences needed in years 1 … N: the named users, or ``ceil(users × concurrency)``.

    Raises :class:`ValidationError` for a concurrent-user offer without a concurrency ratio.
    """
    users = np.asarray(assumptions.users, dtype=np.int64)
    if offer.user_type is UserType.NAMED:
        return users
    ratio = assumptions.concurrency_ratio
    if ratio is None:
        raise ValidationError(
            f"Cannot cost offer {offer.vendor!r}",
            [
                Problem(
                    offer.origin or f"offer {offer.vendor!r}",
                    "licenses concurrent users, but the cost assumptions give no "
                    "concurrency_ratio (share of named users logged on at once, e.g. 0.6)",
                )
            ],
        )
    # The tolerance keeps 120 × 0.6 = 72.00000000000001 at 72 licences.
    return np.asarray(np.ceil(users * ratio - 1e-9), dtype=np.int64)


def _bands(offer: Offer) -> tuple[FloatArray, FloatArray]:
    starts = np.array([1, *(t.from_licences for t in offer.tiers)], dtype=float)
    prices = np.array([offer.unit_price, *(t.price for t in offer.tiers)], dtype=float)
    return starts, prices


def _unit_price(offer: Offer, n: npt.ArrayLike) -> FloatArray:
    """The price per licence of the band a total of ``n`` licences reaches (all-units)."""
    starts, prices = _bands(offer)
    count = np.asarray(n, dtype=float)
    band = np.clip(np.searchsorted(starts, count, side="right") - 1, 0, len(prices) - 1)
    return np.asarray(prices[band], dtype=float)


def licence_cost(offer: Offer, n: npt.ArrayLike) -> FloatArray:
    """List price of ``n`` licences for one period (or once, for a perpetual licence),
    after volume tiers: graduated ``Σ_b p_b · |band b ∩ [1, n]|`` or all-units
    ``n · p(band of n)``.

    >>> from crmselect.cost.offer import VolumeTier
    >>> o = Offer("x", "subscription", 10.0, "month", tiers=[VolumeTier(101, 8.0)])
    >>> licence_cost(o, [100, 150]).tolist()
    [1000.0, 1400.0]
    >>> licence_cost(attrs.evolve(o, tier_mode="all_units"), [100, 150]).tolist()
    [1000.0, 1200.0]
    """
    count = np.asarray(n, dtype=float)
    if offer.tier_mode is TierMode.ALL_UNITS:
        return np.asarray(count * _unit_price(offer, count), dtype=float)
    starts, prices = _bands(offer)
    ends = np.append(starts[1:] - 1, np.inf)
    inside = np.clip(count[..., None] - starts + 1, 0.0, ends - starts + 1)
    return np.asarray(inside @ prices, dtype=float)


def _escalation(rate: float, hold: int, years: int) -> FloatArray:
    t = np.arange(years + 1, dtype=float)
    return np.asarray((1.0 + rate) ** np.maximum(t - max(1, hold), 0.0), dtype=float)


def _inflation(rate: float, years: int) -> FloatArray:
    t = np.arange(years + 1, dtype=float)
    return np.asarray((1.0 + rate) ** np.maximum(t - 1.0, 0.0), dtype=float)


def _cash_flow_array(offer: Offer, a: Assumptions) -> FloatArray:
    """(N + 1) × categories cash flows: the kernel of :func:`cash_flows`."""
    years = a.years
    flows = np.zeros((years + 1, len(CATEGORIES)))
    col = {c: j for j, c in enumerate(CATEGORIES)}
    esc = _escalation(offer.escalation, offer.price_hold_years, years)
    infl = _inflation(a.inflation, years)
    users = np.asarray(a.users, dtype=float)
    n = licences_needed(offer, a).astype(float)

    if offer.licensing is LicenceModel.PERPETUAL:
        held = np.maximum.accumulate(n)
        if offer.tier_mode is TierMode.ALL_UNITS:
            bought = np.diff(held, prepend=0.0) * _unit_price(offer, held)
        else:
            bought = np.diff(licence_cost(offer, held), prepend=0.0)
        purchases = np.concatenate([[bought[0]], [0.0], bought[1:]])  # year 0, 1, 2 … N
        flows[:, col["licence"]] = purchases * esc
        held_value = np.cumsum(bought)
        flows[1:, col["maintenance"]] = offer.maintenance_rate * held_value * esc[1:]
    else:
        per_year = offer.period.per_year
        flows[1:, col["subscription"]] = licence_cost(offer, n) * per_year * esc[1:]

    flows[1:, col["hosting"]] = offer.hosting_fee * esc[1:]
    if offer.deployment in _ON_SITE:
        hardware = np.zeros(years + 1)
        hardware[0] = a.hardware
        if a.hardware_refresh_years is not None:
            hardware[a.hardware_refresh_years : years : a.hardware_refresh_years] = a.hardware
        flows[:, col["infrastructure"]] = hardware * infl
        flows[1:, col["infrastructure"]] += a.on_premise_operations * infl[1:]
    flows[0, col["implementation"]] = offer.implementation_cost
    flows[0, col["data_migration"]] = offer.data_migration
    flows[0, col["integration"]] = offer.integration
    added = np.maximum(np.diff(users), 0.0)
    flows[0, col["training"]] = offer.training + a.training_per_user * users[0]
    flows[2:, col["training"]] = a.training_per_user * added * infl[2:]
    flows[0, col["internal_staff"]] = a.project_fte * a.fte_cost
    flows[1:, col["internal_staff"]] = a.support_fte * a.fte_cost * infl[1:]
    return flows


def cash_flows(offer: Offer, assumptions: Assumptions) -> pd.DataFrame:
    """Years 0 … N × :data:`CATEGORIES`: what the offer costs when (module docstring).

    >>> from crmselect.cost.offer import Assumptions, Offer
    >>> flows = cash_flows(Offer("x", "subscription", 50.0, "month"), Assumptions([10, 10]))
    >>> flows["subscription"].tolist()
    [0.0, 6000.0, 6000.0]
    """
    return pd.DataFrame(
        _cash_flow_array(offer, assumptions),
        index=pd.RangeIndex(assumptions.years + 1, name="year"),
        columns=pd.Index(CATEGORIES, name="category"),
    )


def _notes(offer: Offer, a: Assumptions) -> tuple[str, ...]:
    notes = []
    if offer.licensing is LicenceModel.SUBSCRIPTION and offer.min_term_years > a.years:
        notes.append(
            f"the minimum subscription term ({offer.min_term_years} years) is longer than "
            f"the {a.years}-year horizon; the years beyond it are not counted"
        )
    if offer.deployment is Deployment.PARTNER_HOSTED and offer.hosting_fee == 0:
        notes.append("partner-hosted, but the offer has no hosting fee: confirm it is included")
    if offer.deployment in _ON_SITE and a.hardware == 0 and a.on_premise_operations == 0:
        notes.append(
            f"{offer.deployment.value}, but the assumptions give no hardware or operation cost"
        )
    if offer.implementation_cost == 0 and offer.data_migration == 0:
        notes.append("no implementation or data migration is priced")
    return tuple(notes)


def money(value: float) -> str:
    """An amount rounded to whole units with thousands separators; "–" for NaN."""
    return "–" if math.isnan(value) else f"{value:,.0f}"


@attrs.frozen(eq=False)
class TcoResult:
    """The cost of one offer under the assumptions: :attr:`cash_flows` (years × categories)
    and its total, NPV and cost per user per month. ``notes`` lists what to double-check."""

    offer: Offer
    assumptions: Assumptions
    cash_flows: pd.DataFrame
    licences: pd.Series
    notes: tuple[str, ...] = ()

    @property
    def vendor(self) -> str:
        return self.offer.vendor

    @property
    def by_year(self) -> pd.Series:
        """Total cost of each year 0 … N."""
        return self.cash_flows.sum(axis=1).rename("cost")

    @property
    def by_category(self) -> pd.Series:
        """Total cost of each category over the horizon."""
        return self.cash_flows.sum(axis=0).rename("cost")

    @property
    def total(self) -> float:
        """The undiscounted TCO: every cost of years 0 … N."""
        return float(self.cash_flows.to_numpy().sum())

    @property
    def npv(self) -> float:
        """Present value of the costs at the assumptions' discount rate and timing."""
        a = self.assumptions
        return float(npv(self.by_year.to_numpy(), a.discount_rate, a.timing))

    @property
    def per_user_month(self) -> float:
        """``total / (12 · Σ users)``; NaN when nobody uses the CRM."""
        user_months = 12 * sum(self.assumptions.users)
        return self.total / user_months if user_months else math.nan

    def to_frame(self) -> pd.DataFrame:
        """The cash flows with a ``total`` column and a ``total`` row."""
        frame = self.cash_flows.copy()
        frame["total"] = frame.sum(axis=1)
        frame.loc["total"] = frame.sum(axis=0)
        return frame

    def __repr__(self) -> str:
        a = self.assumptions
        return (
            f"<TcoResult {self.vendor!r}: {a.years}-year TCO {money(self.total)} "
            f"{self.offer.currency}, NPV {money(self.npv)} at {a.discount_rate:.1%}>"
        )

    def _repr_html_(self) -> str:
        frame = self.to_frame()
        frame = frame.loc[:, (frame != 0).any(axis=0)].map(money)
        caption = (
            f"{self.vendor}: cost by year ({self.offer.currency}), "
            f"{self.offer.licensing.value} {self.offer.user_type.value} users, "
            f"{self.offer.deployment.value}; NPV {money(self.npv)} at "
            f"{self.assumptions.discount_rate:.1%}"
        )
        return html_table(frame, caption=caption)

    def plot(self, ax: Axes | None = None) -> Axes:
        """Stacked bars: the cost of each year by category."""
        from crmselect.plots import axes

        ax = axes(ax, (7, 4))
        _stack(ax, self.cash_flows, [str(y) for y in self.cash_flows.index], vertical=True)
        ax.set_xlabel("year (0 = project)")
        ax.set_ylabel(f"cost ({self.offer.currency})")
        ax.set_title(f"{self.vendor}: cost by year")
        return ax


def _stack(ax: Axes, frame: pd.DataFrame, labels: list[str], vertical: bool) -> None:
    """Stacked bars of ``frame``'s columns (one colour per cost category, fixed across plots)."""
    import matplotlib.pyplot as plt

    colours = plt.get_cmap("tab10")(np.linspace(0.0, 1.0, 10))
    base = np.zeros(len(frame))
    for category in [c for c in frame.columns if (frame[c] != 0).any()]:
        values = frame[category].to_numpy(dtype=float)
        colour = colours[CATEGORIES.index(category) % 10] if category in CATEGORIES else None
        if vertical:
            ax.bar(labels, values, bottom=base, label=category, color=colour)
        else:
            ax.barh(labels, values, left=base, label=category, color=colour)
        base += values
    ax.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0), fontsize="small", frameon=False)


def tco(offer: Offer, assumptions: Assumptions) -> TcoResult:
    """The total cost of ownership of ``offer`` under ``assumptions`` (module docstring).

    >>> from crmselect.cost.offer import Assumptions, Offer
    >>> r = tco(Offer("x", "subscription", 50.0, "month", implementation_days=10,
    ...               day_rate=1000.0), Assumptions([10, 10], discount_rate=0.0))
    >>> r.total, r.npv, r.per_user_month
    (22000.0, 22000.0, 91.66666666666667)
    """
    n = licences_needed(offer, assumptions)
    return TcoResult(
        offer=offer,
        assumptions=assumptions,
        cash_flows=cash_flows(offer, assumptions),
        licences=pd.Series(
            n, index=pd.RangeIndex(1, assumptions.years + 1, name="year"), name="licences"
        ),
        notes=_notes(offer, assumptions),
    )


SUMMARY_COLUMNS = [
    "licensing",
    "user_type",
    "deployment",
    "currency",
    "total",
    "npv",
    "per_user_month",
    "year_0",
    "yearly_mean",
]


@attrs.frozen(eq=False)
class TcoComparison:
    """The TCO of several offers under the same assumptions, side by side.

    Index a comparison by vendor id for its :class:`TcoResult` (``comparison["orbis"]``).
    """

    assumptions: Assumptions
    results: tuple[TcoResult, ...]

    @property
    def vendors(self) -> tuple[str, ...]:
        return tuple(r.vendor for r in self.results)

    def __getitem__(self, vendor: str) -> TcoResult:
        for r in self.results:
            if r.vendor == vendor:
                return r
        raise KeyError(vendor)

    def __iter__(self) -> Iterator[TcoResult]:
        return iter(self.results)

    def __len__(self) -> int:
        return len(self.results)

    @property
    def summary(self) -> pd.DataFrame:
        """One row per vendor: the offer's model, ``total`` (TCO), ``npv``,
        ``per_user_month``, ``year_0`` (up-front cost) and ``yearly_mean`` (mean cost of a
        year of use)."""
        rows = [
            {
                "vendor": r.vendor,
                "licensing": r.offer.licensing.value,
                "user_type": r.offer.user_type.value,
                "deployment": r.offer.deployment.value,
                "currency": r.offer.currency,
                "total": r.total,
                "npv": r.npv,
                "per_user_month": r.per_user_month,
                "year_0": float(r.by_year.iloc[0]),
                "yearly_mean": float(r.by_year.iloc[1:].mean()),
            }
            for r in self.results
        ]
        return pd.DataFrame(rows, columns=["vendor", *SUMMARY_COLUMNS]).set_index("vendor")

    @property
    def by_year(self) -> pd.DataFrame:
        """Vendors × years 0 … N: total cost of each year."""
        return pd.DataFrame({r.vendor: r.by_year for r in self.results}).T.rename_axis(
            index="vendor", columns="year"
        )

    @property
    def by_category(self) -> pd.DataFrame:
        """Vendors × :data:`CATEGORIES`: cost of each category over the horizon."""
        return pd.DataFrame({r.vendor: r.by_category for r in self.results}).T.rename_axis(
            index="vendor", columns="category"
        )

    @property
    def cash_flows(self) -> pd.DataFrame:
        """Every cash flow: rows indexed by (vendor, year), columns :data:`CATEGORIES`."""
        return pd.concat({r.vendor: r.cash_flows for r in self.results}, names=["vendor", "year"])

    def prices(self, basis: str = "npv") -> pd.Series:
        """The price of each offer for price scoring: ``"npv"`` (present value of the
        costs, the life-cycle cost of Directive 2014/24/EU art. 68) or ``"total"``."""
        if basis not in ("npv", "total"):
            raise ValidationError(
                "Invalid price basis",
                [Problem("basis", f"{basis!r} is unknown; use 'npv' or 'total'")],
            )
        return self.summary[basis].rename("price")

    def to_frame(self) -> pd.DataFrame:
        """:attr:`summary` with the cost of each year (columns ``year 0`` … ``year N``)."""
        years = self.by_year
        years.columns = [f"year {y}" for y in years.columns]
        return self.summary.join(years)

    def __repr__(self) -> str:
        cheapest = self.summary["npv"].idxmin() if self.results else "none"
        return (
            f"<TcoComparison: {len(self.results)} offers, {self.assumptions.years}-year horizon, "
            f"lowest NPV {cheapest}>"
        )

    def _repr_html_(self) -> str:
        frame = self.to_frame().drop(columns=["yearly_mean"])
        amounts = [
            c
            for c in frame.columns
            if c not in ("licensing", "user_type", "deployment", "currency")
        ]
        frame[amounts] = frame[amounts].map(money)
        a = self.assumptions
        caption = (
            f"{a.years}-year TCO: year 0 (project) + {a.years} years of use; "
            f"NPV at {a.discount_rate:.1%} ({a.timing.value}-of-year)"
        )
        return html_table(frame, caption=caption)

    def plot(self, ax: Axes | None = None, vendor: str | None = None) -> Axes:
        """Stacked horizontal bars of each vendor's TCO by category, cheapest on top; or,
        with ``vendor``, that vendor's cost by year (:meth:`TcoResult.plot`)."""
        from crmselect.plots import axes

        if vendor is not None:
            return self[vendor].plot(ax=ax)
        ax = axes(ax, (8, 0.5 * len(self.results) + 1.5))
        frame = self.by_category
        frame = frame.loc[frame.sum(axis=1).sort_values(ascending=False).index]
        _stack(ax, frame, [str(v) for v in frame.index], vertical=False)
        currency = self.results[0].offer.currency if self.results else ""
        ax.set_xlabel(f"{self.assumptions.years}-year TCO ({currency})")
        ax.set_title("Total cost of ownership by category")
        return ax


def compare_tco(
    offers: Iterable[Offer] | Mapping[str, Offer], assumptions: Assumptions
) -> TcoComparison:
    """:func:`tco` of each offer, side by side. Every problem (a duplicate vendor, a
    concurrent offer without a concurrency ratio, mixed currencies) is reported at once.

    >>> from crmselect.cost.offer import Assumptions, Offer
    >>> c = compare_tco([Offer("a", "subscription", 50.0, "month"),
    ...                  Offer("b", "perpetual", 900.0, "one_off", maintenance_rate=0.2)],
    ...                 Assumptions([10, 10], discount_rate=0.0))
    >>> c.summary["total"].tolist()
    [12000.0, 12600.0]
    """
    listed = list(offers.values()) if isinstance(offers, Mapping) else list(offers)
    found: list[Problem] = []
    seen: set[str] = set()
    for o in listed:
        if o.vendor in seen:
            found.append(Problem(f"offer {o.vendor!r}", "a second offer for this vendor; keep one"))
        seen.add(o.vendor)
    in_other = sorted({o.currency for o in listed} - {assumptions.currency})
    if in_other:
        by_currency = "; ".join(
            f"{c}: {', '.join(o.vendor for o in listed if o.currency == c)}" for c in in_other
        )
        found.append(
            Problem(
                "offers",
                f"prices are in several currencies — the committee's {assumptions.currency}, "
                f"and {by_currency}; ask those vendors for prices in "
                f"{assumptions.currency}, or convert them before comparing",
            )
        )
    results = []
    for o in listed:
        try:
            results.append(tco(o, assumptions))
        except ValidationError as error:
            found += error.problems
    if not listed:
        found.append(Problem("offers", "there are no offers to compare"))
    if found:
        raise ValidationError("Cannot compare the offers' TCO", found)
    return TcoComparison(assumptions=assumptions, results=tuple(results))
