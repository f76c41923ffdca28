"""The business case: benefits against each short-listed offer's TCO — NPV, ROI, payback —
and how sure it is: the NPV's sensitivity to one input at a time (drawn as a tornado chart)
and a seeded Monte Carlo.

A credible CRM business case states its assumptions on cause and effect and shows, by
sensitivity analysis, what happens when benefits are lower or later than hoped and costs
higher (seed 000). Here each benefit is an annual amount with a low / likely / high range:

========================  ==================================================================
kind (examples)           annual amount, worked out by the committee
========================  ==================================================================
revenue uplift            extra revenue × margin (e.g. 0.5–2 % of revenue × 35 %)
retention                 customers kept × their yearly margin
service cost savings      cases handled × minutes saved × cost per minute
productivity              per user: hours saved a week × weeks × hourly cost
========================  ==================================================================

A :class:`Benefit` may be ``per_user`` (scaled by the year's named users), ramp up
(``ramp``: the share realised in years 1, 2, …) and be limited to the vendors whose scope
delivers it (``vendors``: a sales point application brings no service savings).

Formulas, per vendor *v*, years *t* = 0 … N, discount factors ``d_t``
(:func:`~crmselect.cost.tco.discount_factors`)::

    B_vt = Σ_k x_k · ramp_kt · (u_t if per-user) · [v delivers k]   (B_v0 = 0)
    C_vt = f · TCO cash flow of v in year t                          (f: cost factor)
    NPV_v = Σ_t (B_vt − C_vt) · d_t
    ROI_v = NPV_v / Σ_t C_vt·d_t          (discounted: net gain per unit of cost, both in PV)
    simple ROI_v = (Σ_t B_vt − Σ_t C_vt) / Σ_t C_vt
    payback_v = first time the cumulative net cash flow reaches 0, interpolating linearly
                within the year it turns (NaN: not within the horizon); discounted payback
                the same with ``(B − C)·d``.

NPV is linear in every benefit amount ``x_k`` and in ``f``:
``NPV_v = Σ_k x_k · a_vk − f · PVC_v`` with ``a_vk`` the present value of one unit of benefit
*k* (:attr:`BusinessCase.pv_per_unit`) and ``PVC_v`` the present value of the TCO. The
sensitivity and the Monte Carlo use this form, so a run of 100,000 draws is one matrix product.

**NPV sensitivity** (one at a time, :func:`npv_sensitivity`): each uncertain input is set to
its low and to its high value, the others held at their likely values; inputs are sorted by
the swing in NPV, the order of a tornado diagram (Eschenbach 1992, "Spiderplots versus
tornado diagrams for sensitivity analysis", *Interfaces* 22(6)), which
:meth:`NpvSensitivity.plot` draws.

**Monte Carlo**: each input is drawn independently from a Beta-PERT distribution over
(low, likely, high) — ``x = low + (high − low)·Beta(α, β)``, ``α = 1 + 4(likely − low)/(high −
low)``, ``β = 1 + 4(high − likely)/(high − low)``, mean ``(low + 4·likely + high)/6`` (Malcolm
et al. 1959; Vose 2008, *Risk Analysis*, 3rd ed., ch. 9) — or from the triangular
distribution over the same three points, whose tails are heavier. The same draws serve
every vendor (common random numbers), so vendors are compared on the same futures.
``P(NPV > 0)`` has a Monte Carlo error of about ``1.96·√(p(1 − p)/N)`` (±0.01 at N = 10,000).
Each input has its own random stream (``SeedSequence(seed).spawn``), so adding a benefit at
the end leaves the draws of the others unchanged.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

import attrs
import numpy as np
import numpy.typing as npt
import pandas as pd

from crmselect._version import __version__
from crmselect.converters import as_tuple, is_number, is_whole
from crmselect.cost.tco import TcoComparison, discount_factors
from crmselect.display import html_table
from crmselect.errors import Problem, ValidationError
from crmselect.hashing import digest

if TYPE_CHECKING:
    from matplotlib.axes import Axes

__all__ = [
    "DISTRIBUTIONS",
    "Benefit",
    "BusinessCase",
    "MonteCarloResult",
    "NpvSensitivity",
    "Range",
    "business_case",
    "monte_carlo",
    "npv_sensitivity",
    "payback",
]

FloatArray = npt.NDArray[np.float64]

DISTRIBUTIONS = ("pert", "triangular")
COST_FACTOR = "cost_factor"
"""Name of the cost factor among the uncertain inputs (sensitivity rows, Monte Carlo draws)."""


def _finite(value: object) -> bool:
    return is_number(value) and math.isfinite(value)


@attrs.frozen
class Range:
    """An uncertain amount: ``low ≤ likely ≤ high``."""

    low: float
    likely: float
    high: float

    def __attrs_post_init__(self) -> None:
        if not all(_finite(v) for v in (self.low, self.likely, self.high)):
            raise ValidationError(
                "Invalid range",
                [Problem("range", f"{self.low!r}, {self.likely!r}, {self.high!r}: give numbers")],
            )
        if not self.low <= self.likely <= self.high:
            raise ValidationError(
                "Invalid range",
                [
                    Problem(
                        "range",
                        f"low {self.low:g}, likely {self.likely:g}, high {self.high:g}: "
                        "they must satisfy low ≤ likely ≤ high",
                    )
                ],
            )

    @classmethod
    def point(cls, value: float) -> Range:
        """A certain amount (low = likely = high)."""
        return cls(value, value, value)

    @property
    def is_certain(self) -> bool:
        return self.low == self.high

    def as_tuple(self) -> tuple[float, float, float]:
        return (float(self.low), float(self.likely), float(self.high))


def _range(value: Range | Sequence[float]) -> Range:
    return value if isinstance(value, Range) else Range(*value)


def _vendors(values: Iterable[str] | None) -> frozenset[str] | None:
    if values is None:
        return None
    if isinstance(values, str):
        return frozenset([values])
    return frozenset(values)


@attrs.frozen
class Benefit:
    """One benefit assumption: an annual amount with its range (module docstring).

    ``annual``: a :class:`Range` or a ``(low, likely, high)`` triple, per year at full
    realisation (per user per year when ``per_user``). ``ramp``: share realised in years
    1, 2, … (the last value carries on; empty = all from year 1). ``vendors``: ids of the
    vendors that deliver it (None = all). ``kind`` is a free label (revenue, retention,
    service_cost, productivity).
    """

    id: str
    annual: Range = attrs.field(converter=_range)
    name: str = ""
    kind: str = ""
    per_user: bool = False
    ramp: tuple[float, ...] = attrs.field(default=(), converter=as_tuple)
    vendors: frozenset[str] | None = attrs.field(default=None, converter=_vendors)

    def __attrs_post_init__(self) -> None:
        where = f"benefit {self.id!r}"
        found = []
        if not str(self.id).strip() or self.id == COST_FACTOR:
            found.append(Problem(where, f"give an id (other than {COST_FACTOR!r})"))
        found += [
            Problem(where, f"ramp share {r!r} in year {t}; it must lie in [0, 1]")
            for t, r in enumerate(self.ramp, start=1)
            if not (_finite(r) and 0 <= r <= 1)
        ]
        if found:
            raise ValidationError("Invalid benefit", found)

    @property
    def label(self) -> str:
        return self.name or self.id

    def profile(self, years: int) -> FloatArray:
        """Share realised in years 0 … ``years`` (year 0: none)."""
        shares = list(self.ramp) or [1.0]
        out = np.zeros(years + 1)
        for t in range(1, years + 1):
            out[t] = shares[min(t, len(shares)) - 1]
        return out


def payback(net: npt.ArrayLike) -> FloatArray:
    """Payback time of each row of yearly net cash flows ``n_0 … n_N`` (last axis).

    The first *t* with cumulative ``S_t = Σ_{s≤t} n_s ≥ 0``; for *t* ≥ 1 interpolated
    ``t − 1 + (−S_{t−1}) / n_t``; 0 when ``S_0 ≥ 0``; NaN when never within the horizon.

    >>> payback([[-100.0, 40.0, 40.0, 40.0], [-100.0, 10.0, 10.0, 10.0]]).tolist()
    [2.5, nan]
    """
    flows = np.atleast_2d(np.asarray(net, dtype=float))
    cum = np.cumsum(flows, axis=-1)
    reached = cum >= 0
    out = np.full(flows.shape[0], np.nan)
    for i in range(flows.shape[0]):
        hits = np.flatnonzero(reached[i])
        if hits.size == 0:
            continue
        t = int(hits[0])
        out[i] = 0.0 if t == 0 else (t - 1) + (-cum[i, t - 1]) / flows[i, t]
    return out


SUMMARY_COLUMNS = [
    "pv_benefits",
    "pv_costs",
    "npv",
    "roi",
    "simple_roi",
    "payback_years",
    "discounted_payback_years",
]


@attrs.frozen(eq=False)
class BusinessCase:
    """The business case of each vendor at the likely values (module docstring).

    ``summary``: vendors × :data:`SUMMARY_COLUMNS`. ``cash_flows``: rows (vendor, year),
    columns ``benefits``, ``costs``, ``net``, ``cumulative``, ``discounted_cumulative``.
    ``pv_per_unit`` (vendors × benefits) and ``pv_costs`` give NPV's linear form.
    """

    costs: TcoComparison
    benefits: tuple[Benefit, ...]
    cost_factor: Range
    discount_rate: float
    vendors: tuple[str, ...]
    pv_per_unit: pd.DataFrame
    pv_costs: pd.Series
    summary: pd.DataFrame
    cash_flows: pd.DataFrame
    version: str = __version__

    @property
    def inputs(self) -> pd.DataFrame:
        """The uncertain inputs: benefits and the cost factor, with low / likely / high."""
        rows = {b.id: (b.label, *b.annual.as_tuple()) for b in self.benefits}
        rows[COST_FACTOR] = ("cost factor (× TCO)", *self.cost_factor.as_tuple())
        return pd.DataFrame.from_dict(
            rows, orient="index", columns=["name", "low", "likely", "high"]
        ).rename_axis("input")

    def npv_at(self, values: npt.ArrayLike) -> FloatArray:
        """NPV of each vendor (last axis) for input values in :attr:`inputs` order (last
        axis; any leading shape): ``x @ a.T − f · PVC``."""
        x = np.asarray(values, dtype=float)
        a = self.pv_per_unit.to_numpy()
        pvc = self.pv_costs.to_numpy()
        return np.asarray(x[..., :-1] @ a.T - x[..., -1:] * pvc, dtype=float)

    def npv_sensitivity(self, vendor: str | None = None) -> NpvSensitivity:
        """:func:`npv_sensitivity` of this case."""
        return npv_sensitivity(self, vendor)

    def monte_carlo(
        self, n: int = 10_000, seed: int | None = None, distribution: str = "pert"
    ) -> MonteCarloResult:
        """:func:`monte_carlo` of this case."""
        return monte_carlo(self, n, seed=seed, distribution=distribution)

    def to_frame(self) -> pd.DataFrame:
        return self.summary.copy()

    def __repr__(self) -> str:
        npvs = self.summary["npv"]
        return (
            f"<BusinessCase: {len(self.vendors)} vendors, {len(self.benefits)} benefits, "
            f"best NPV {npvs.idxmax()} {float(npvs.max()):,.0f}>"
        )

    def _repr_html_(self) -> str:
        frame = self.to_frame()
        negative = [v for v in frame.index if frame.loc[v, "npv"] < 0]
        for c in ("pv_benefits", "pv_costs", "npv"):
            frame[c] = frame[c].map("{:,.0f}".format)
        for c in ("roi", "simple_roi"):
            frame[c] = frame[c].map("{:.0%}".format)
        for c in ("payback_years", "discounted_payback_years"):
            frame[c] = frame[c].map(lambda v: "beyond horizon" if math.isnan(v) else f"{v:.1f}")
        caption = (
            f"Business case at likely values: NPV at {self.discount_rate:.1%} over "
            f"{self.costs.assumptions.years} years of use"
        )
        return html_table(frame, caption=caption, highlight=negative)


def _exposure(
    benefits: Sequence[Benefit], vendors: Sequence[str], users: FloatArray, years: int
) -> FloatArray:
    """Vendors × benefits × years: benefit per unit of each benefit's annual amount."""
    e = np.zeros((len(vendors), len(benefits), years + 1))
    for k, b in enumerate(benefits):
        profile = b.profile(years) * (users if b.per_user else 1.0)
        for i, v in enumerate(vendors):
            if b.vendors is None or v in b.vendors:
                e[i, k] = profile
    return e


def business_case(
    costs: TcoComparison,
    benefits: Sequence[Benefit],
    *,
    cost_factor: Range | Sequence[float] = (1.0, 1.0, 1.0),
    vendors: Sequence[str] | None = None,
    discount_rate: float | None = None,
) -> BusinessCase:
    """The business case of each short-listed vendor (module docstring for formulas).

    ``costs``: the offers' :class:`~crmselect.cost.tco.TcoComparison` (years, users,
    timing and — unless ``discount_rate`` is given — the rate come from its assumptions).
    ``vendors``: the short list (default: every offer). ``cost_factor``: a range for the
    TCO as a multiple of the estimate (e.g. ``(0.95, 1.0, 1.3)`` for a likely overrun).
    """
    a = costs.assumptions
    rate = a.discount_rate if discount_rate is None else discount_rate
    factor = _range(cost_factor)
    chosen = tuple(costs.vendors if vendors is None else vendors)
    found = _case_problems(costs, benefits, chosen, factor, rate)
    if found:
        raise ValidationError("Invalid business case", found)

    years = a.years
    d = discount_factors(rate, years, a.timing)
    users = np.concatenate([[0.0], np.asarray(a.users, dtype=float)])
    e = _exposure(benefits, chosen, users, years)
    likely = np.array([b.annual.likely for b in benefits])
    ben = np.einsum("k,vkt->vt", likely, e)
    cost = factor.likely * np.vstack([costs[v].by_year.to_numpy() for v in chosen])
    index = pd.Index(chosen, name="vendor")
    summary = _summary(ben, cost, d, index)
    flows = _cash_flows(ben, cost, d, chosen)
    pv_unit = pd.DataFrame(
        e @ d, index=index, columns=pd.Index([b.id for b in benefits], name="benefit")
    )
    base_costs = np.vstack([costs[v].by_year.to_numpy() for v in chosen]) @ d
    return BusinessCase(
        costs=costs,
        benefits=tuple(benefits),
        cost_factor=factor,
        discount_rate=float(rate),
        vendors=chosen,
        pv_per_unit=pv_unit,
        pv_costs=pd.Series(base_costs, index=index, name="pv_costs"),
        summary=summary,
        cash_flows=flows,
    )


def _case_problems(
    costs: TcoComparison,
    benefits: Sequence[Benefit],
    chosen: Sequence[str],
    factor: Range,
    rate: float,
) -> list[Problem]:
    """Every problem of a business case's inputs: short-listed vendors without an offer,
    benefit ids used twice, benefits delivered by unknown vendors, then the rules of
    :func:`_input_rules`."""
    found = [
        Problem(f"vendor {v!r}", "has no offer in the TCO comparison")
        for v in chosen
        if v not in costs.vendors
    ]
    ids = [b.id for b in benefits]
    found += [
        Problem(f"benefit {i!r}", "the id is used more than once")
        for i in sorted({i for i in ids if ids.count(i) > 1})
    ]
    known = set(costs.vendors)
    found += [
        Problem(f"benefit {b.id!r}", f"delivered by unknown vendor {v!r}")
        for b in benefits
        for v in sorted(b.vendors or ())
        if v not in known
    ]
    return found + [
        problem for broken, problem in _input_rules(benefits, chosen, factor, rate) if broken
    ]


def _input_rules(
    benefits: Sequence[Benefit], chosen: Sequence[str], factor: Range, rate: float
) -> tuple[tuple[bool, Problem], ...]:
    """The business case's rules on whole inputs, each as (broken, the problem it reports):
    some benefits, a short list, a positive cost factor, a discount rate above −100 %."""
    return (
        (not benefits, Problem("benefits", "no benefits given; a business case needs them")),
        (not chosen, Problem("vendors", "the short list is empty")),
        (factor.low <= 0, Problem("cost_factor", "must be positive (1 = the TCO as estimated)")),
        (
            not (_finite(rate) and rate > -1),
            Problem("discount_rate", f"{rate!r}; give a fraction (0.08 for 8 %)"),
        ),
    )


def _summary(ben: FloatArray, cost: FloatArray, d: FloatArray, index: pd.Index) -> pd.DataFrame:
    """:attr:`BusinessCase.summary`: per vendor the present values, NPV, ROI (discounted
    and simple) and paybacks (plain and discounted) of the yearly benefits and costs."""
    net = ben - cost
    pv_b, pv_c = ben @ d, cost @ d
    return pd.DataFrame(
        {
            "pv_benefits": pv_b,
            "pv_costs": pv_c,
            "npv": pv_b - pv_c,
            "roi": (pv_b - pv_c) / pv_c,
            "simple_roi": (ben.sum(axis=1) - cost.sum(axis=1)) / cost.sum(axis=1),
            "payback_years": payback(net),
            "discounted_payback_years": payback(net * d),
        },
        index=index,
    )


def _cash_flows(
    ben: FloatArray, cost: FloatArray, d: FloatArray, vendors: Sequence[str]
) -> pd.DataFrame:
    """:attr:`BusinessCase.cash_flows`: per (vendor, year) the benefits, costs, net cash
    flow and its cumulative sums, plain and discounted."""
    net = ben - cost
    year_index = pd.MultiIndex.from_product(
        [vendors, range(ben.shape[1])], names=["vendor", "year"]
    )
    return pd.DataFrame(
        {
            "benefits": ben.ravel(),
            "costs": cost.ravel(),
            "net": net.ravel(),
            "cumulative": np.cumsum(net, axis=1).ravel(),
            "discounted_cumulative": np.cumsum(net * d, axis=1).ravel(),
        },
        index=year_index,
    )


def _check_vendor(case: BusinessCase, vendor: str | None) -> str:
    if vendor is None:
        return str(case.summary["npv"].idxmax())
    if vendor not in case.vendors:
        raise ValidationError(
            "Unknown vendor",
            [
                Problem(
                    f"vendor {vendor!r}", f"not in the business case ({', '.join(case.vendors)})"
                )
            ],
        )
    return vendor


SENSITIVITY_COLUMNS = ["name", "low", "likely", "high", "npv_low", "npv_high", "swing"]


@attrs.frozen(eq=False)
class NpvSensitivity:
    """One-at-a-time sensitivity of one vendor's NPV: :attr:`table` indexed by input, sorted
    by ``swing = |npv_high − npv_low|``, largest first (:data:`SENSITIVITY_COLUMNS`);
    :meth:`plot` draws it as a tornado chart."""

    vendor: str
    base_npv: float
    table: pd.DataFrame

    def to_frame(self) -> pd.DataFrame:
        return self.table.copy()

    def __repr__(self) -> str:
        top = self.table.index[0] if len(self.table) else "none"
        return (
            f"<NpvSensitivity {self.vendor!r}: base NPV {self.base_npv:,.0f}, largest swing {top}>"
        )

    def _repr_html_(self) -> str:
        frame = self.to_frame()
        for c in ("npv_low", "npv_high", "swing"):
            frame[c] = frame[c].map("{:,.0f}".format)
        return html_table(
            frame, caption=f"{self.vendor}: NPV {self.base_npv:,.0f} — one input at a time"
        )

    def plot(self, ax: Axes | None = None) -> Axes:
        """Tornado chart: bars from the base NPV to the NPV at each input's low and high."""
        from crmselect.plots import axes

        ax = axes(ax, (7, 0.45 * len(self.table) + 1.4))
        order = self.table.iloc[::-1]
        labels = [str(n) for n in order["name"]]
        base = self.base_npv
        ax.barh(labels, order["npv_low"] - base, left=base, color="#de2d26", label="at low")
        ax.barh(labels, order["npv_high"] - base, left=base, color="#3182bd", label="at high")
        ax.axvline(base, color="black", linewidth=0.8)
        ax.axvline(0.0, color="grey", linewidth=0.8, linestyle="--")
        ax.set_xlabel("NPV")
        ax.set_title(f"{self.vendor}: what moves the NPV (others at likely values)")
        ax.legend(loc="lower right", fontsize="small", frameon=False)
        return ax


def npv_sensitivity(case: BusinessCase, vendor: str | None = None) -> NpvSensitivity:
    """Swing each input (benefits, cost factor) to its low and high, others at likely.

    ``vendor`` defaults to the vendor with the highest NPV.
    """
    v = _check_vendor(case, vendor)
    i = case.vendors.index(v)
    inputs = case.inputs
    likely = inputs["likely"].to_numpy()
    base = float(case.npv_at(likely)[i])
    npv_low: list[float] = []
    npv_high: list[float] = []
    for k in range(len(inputs)):
        for end, out in (("low", npv_low), ("high", npv_high)):
            x = likely.copy()
            x[k] = inputs[end].iloc[k]
            out.append(float(case.npv_at(x)[i]))
    table = inputs.assign(npv_low=npv_low, npv_high=npv_high)
    table["swing"] = (table["npv_high"] - table["npv_low"]).abs()
    table = table.sort_values("swing", ascending=False, kind="stable")
    return NpvSensitivity(vendor=v, base_npv=base, table=table[SENSITIVITY_COLUMNS])


def _draw(rng: np.random.Generator, r: Range, n: int, distribution: str) -> FloatArray:
    low, likely, high = r.as_tuple()
    if high == low:
        return np.full(n, low)
    if distribution == "triangular":
        return np.asarray(rng.triangular(low, likely, high, size=n), dtype=float)
    alpha = 1 + 4 * (likely - low) / (high - low)
    beta = 1 + 4 * (high - likely) / (high - low)
    return np.asarray(low + (high - low) * rng.beta(alpha, beta, size=n), dtype=float)


@attrs.frozen(eq=False)
class MonteCarloResult:
    """NPV of each vendor over ``n`` joint draws of the inputs.

    ``npv``: draws × vendors. ``draws``: draws × inputs. :attr:`summary`: mean, 5 / 50 / 95 %
    quantiles, ``p_positive`` = P(NPV > 0) with its 95 % Monte Carlo margin, ``p_best`` =
    share of draws in which the vendor has the highest NPV (ties shared). ``fingerprint``:
    SHA-256 hex of the inputs (the case's NPV form and ranges, ``n``, seed, distribution).
    """

    npv: pd.DataFrame
    draws: pd.DataFrame
    n: int
    seed: int
    distribution: str
    fingerprint: str
    version: str = __version__

    @property
    def p_positive(self) -> pd.Series:
        return (self.npv > 0).mean().rename("p_positive")

    @property
    def p_best(self) -> pd.Series:
        values = self.npv.to_numpy()
        best = values >= values.max(axis=1, keepdims=True)
        shares = (best / best.sum(axis=1, keepdims=True)).mean(axis=0)
        return pd.Series(shares, index=self.npv.columns, name="p_best")

    @property
    def summary(self) -> pd.DataFrame:
        q = self.npv.quantile([0.05, 0.5, 0.95]).T
        q.columns = ["p05", "median", "p95"]
        p = self.p_positive
        frame = pd.DataFrame({"mean": self.npv.mean()}).join(q)
        frame["p_positive"] = p
        frame["p_positive_margin"] = 1.96 * np.sqrt(p * (1 - p) / self.n)
        frame["p_best"] = self.p_best
        return frame.rename_axis("vendor")

    def to_frame(self) -> pd.DataFrame:
        return self.summary

    def __repr__(self) -> str:
        p = self.p_positive
        return (
            f"<MonteCarloResult: N = {self.n:,} ({self.distribution}), seed {self.seed}; "
            f"P(NPV > 0) highest for {p.idxmax()}: {float(p.max()):.1%}>"
        )

    def _repr_html_(self) -> str:
        frame = self.to_frame()
        for c in ("mean", "p05", "median", "p95"):
            frame[c] = frame[c].map("{:,.0f}".format)
        for c in ("p_positive", "p_positive_margin", "p_best"):
            frame[c] = frame[c].map("{:.1%}".format)
        caption = (
            f"Monte Carlo NPV — N = {self.n:,} {self.distribution} draws, seed {self.seed}, "
            f"crmselect {self.version}"
        )
        return html_table(frame, caption=caption)

    def plot(self, ax: Axes | None = None) -> Axes:
        """Step histograms of each vendor's NPV, with NPV = 0 marked."""
        from crmselect.plots import axes

        ax = axes(ax, (7, 4))
        values = self.npv.to_numpy()
        bins = np.linspace(values.min(), values.max(), 60).tolist()
        for v in self.npv.columns:
            p = float((self.npv[v] > 0).mean())
            ax.hist(self.npv[v], bins=bins, histtype="step", label=f"{v} (P>0 {p:.0%})")
        ax.axvline(0.0, color="black", linewidth=0.8)
        ax.set_xlabel("NPV")
        ax.set_ylabel("draws")
        ax.set_title(f"NPV distribution, N = {self.n:,} ({self.distribution})")
        ax.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0), fontsize="small", frameon=False)
        return ax


def monte_carlo(
    case: BusinessCase, n: int = 10_000, *, seed: int | None = None, distribution: str = "pert"
) -> MonteCarloResult:
    """Draw every input ``n`` times (PERT or triangular), and the NPV of every vendor.

    ``seed`` makes the run reproducible (``None``: fresh entropy, recorded in the result's
    ``seed``).
    """
    found = []
    if not is_whole(n) or n < 1:
        found.append(Problem("n", f"{n!r}; give a whole number of draws of at least 1"))
    if distribution not in DISTRIBUTIONS:
        found.append(
            Problem("distribution", f"{distribution!r}; use one of {', '.join(DISTRIBUTIONS)}")
        )
    if found:
        raise ValidationError("Invalid Monte Carlo settings", found)
    root = np.random.SeedSequence(seed)
    entropy = int(root.entropy)  # type: ignore[arg-type]
    inputs = case.inputs
    ranges = [b.annual for b in case.benefits] + [case.cost_factor]
    streams = root.spawn(len(ranges))
    x = np.column_stack(
        [
            _draw(np.random.default_rng(s), r, n, distribution)
            for s, r in zip(streams, ranges, strict=True)
        ]
    )
    values = case.npv_at(x)
    fingerprint = digest(
        case.pv_per_unit.to_numpy(dtype=float),
        case.pv_costs.to_numpy(dtype=float),
        inputs[["low", "likely", "high"]].to_numpy(dtype=float),
        n,
        entropy,
        distribution,
    )
    return MonteCarloResult(
        npv=pd.DataFrame(values, columns=pd.Index(case.vendors, name="vendor")),
        draws=pd.DataFrame(x, columns=inputs.index),
        n=n,
        seed=entropy,
        distribution=distribution,
        fingerprint=fingerprint,
    )
