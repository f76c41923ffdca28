"""Weight sensitivity: stability intervals and the minimum weight change that flips a winner.

**Stability intervals** (one criterion at a time). Criterion ``k`` gets weight ``t`` and the
others keep their proportions, ``w_j(t) = w_j (1 − t)/(1 − w_k)``. Then every total is linear
in ``t``::

    T_i(t) = R_i + t (s_ik − R_i),     R_i = Σ_{j≠k} s_ij w_j / (1 − w_k)

so two vendors ``i``, ``j`` swap at ``t* = (R_j − R_i) / ((s_ik − R_i) − (s_jk − R_j))``
(closed form, no search). The interval ``[lower, upper] ∋ w_k`` is the closure of the set
of ``t`` in which the current winner is strictly first (``rank_lower``/``rank_upper``: in
which no two vendors swap). **A tie counts as a change point**: at ``lower`` (if above 0)
the vendor ``lower_by`` draws level with the winner and overtakes it just below; likewise
``upper``/``upper_by``. ``None`` means the winner stays first up to the end of [0, 1]. When
``w_k = 1`` the others' proportions are undefined and are taken equal.

**Tied winners.** Vendors whose totals agree within 10⁻¹² share first place; none is
preferred for being listed first, so every result is the same whatever the order of the
vendors. With a tie the interval is the range of ``t`` in which the *set* of winners is
unchanged. If the co-winners' totals move differently with ``w_k`` (different slopes),
any change decides the tie: ``lower = upper = w_k``, ``margin = 0``, and ``lower_by`` /
``upper_by`` name the co-winner that leads just below / above. If their totals move alike
(identical lines), they stay tied and the interval ends where another vendor reaches them.
Where several vendors lead alike just beyond an end, ``*_by`` names them all, sorted by id
and joined by ", ". ``frame.attrs["winners"]`` holds the sorted co-winners and
``attrs["winner"]`` the same ids joined by ", ".

In the flip table (:func:`flip_table`) the incumbent is the set of winners: a co-winner
already ties for first, so its flip costs 0 ("already ties"); any other challenger must
tie or beat *every* co-winner (with one winner, the usual LP below).

**Minimum weight change** (Wolters & Mareschal 1995, *Novel types of sensitivity analysis for
additive MCDM methods*, EJOR 81(2):281–290): the smallest ``Σ_j |Δw_j|`` such that the
challenger ``c`` ties or beats the incumbent ``a``::

    min Σ (u_j + v_j)   s.t.   Σ (u_j − v_j) = 0,  w + u − v ≥ 0 (and within any bounds),
                               (P_c − P_a) · (w + u − v) ≥ 0,    u, v ≥ 0,   Δw = u − v

a linear programme: with one opponent (the flip table's rows when one vendor wins) solved in
closed form (:mod:`crmselect.robustness._one_opponent`), with several (tied winners,
``against_all``) by HiGHS (``scipy.optimize.linprog``). Tolerances: totals that agree within
10⁻¹² count as tied.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING

import attrs
import numpy as np
import numpy.typing as npt
import pandas as pd

from crmselect.display import html_table
from crmselect.errors import Problem, ValidationError
from crmselect.robustness._inputs import Performance, knocked_out, point_and_weights
from crmselect.robustness._one_opponent import one_opponent_change
from crmselect.robustness._validate import FloatArray, check_bounds, check_vendor

if TYPE_CHECKING:
    from matplotlib.axes import Axes

__all__ = ["WeightChange", "flip_table", "min_weight_change", "stability_intervals", "tornado"]

#: Totals (and slopes) closer than this are equal.
TIE_TOLERANCE = 1e-12

INTERVAL_COLUMNS = [
    "weight",
    "lower",
    "upper",
    "lower_by",
    "upper_by",
    "margin",
    "rank_lower",
    "rank_upper",
]


def _winners(totals: FloatArray) -> npt.NDArray[np.intp]:
    """Indices of every vendor whose total ties the highest (within :data:`TIE_TOLERANCE`)."""
    return np.flatnonzero(totals >= totals.max() - TIE_TOLERANCE)


def _names(indices: Iterable[int], vendors: list[str]) -> str:
    """Vendor ids sorted and joined by ", " (independent of the listed order)."""
    return ", ".join(sorted(vendors[int(i)] for i in indices))


def _lines(P: FloatArray, w: FloatArray, k: int) -> tuple[FloatArray, FloatArray]:
    """``(T_i(w_k), slope_i)`` of the totals as functions of criterion ``k``'s weight."""
    others = w.copy()
    others[k] = 0.0
    rest = others.sum()
    if rest > TIE_TOLERANCE:
        others /= rest
    else:
        others[:] = 1.0
        others[k] = 0.0
        others /= others.sum()
    base = P @ others
    slope = P[:, k] - base
    return base + w[k] * slope, slope


def _crossings(current: FloatArray, slope: FloatArray, wk: float) -> tuple[FloatArray, FloatArray]:
    """For every pair: the crossing ``t*`` (NaN where the lines never cross or coincide) and
    the slope difference (``> 0``: the row vendor gains as ``t`` grows)."""
    level = current[:, None] - current[None, :]
    steep = slope[:, None] - slope[None, :]
    with np.errstate(divide="ignore", invalid="ignore"):
        t = wk - level / steep
    t[np.abs(steep) <= TIE_TOLERANCE] = np.nan
    # a crossing within float noise of an end of [0, 1] is at that end
    t[np.abs(t) <= TIE_TOLERANCE] = 0.0
    t[np.abs(t - 1.0) <= TIE_TOLERANCE] = 1.0
    return t, steep


def _takeover(
    t: FloatArray, steep: FloatArray, v: int, vendors: list[str], side: int
) -> tuple[float, str | None]:
    """The end of the winner's interval on one side (``+1``: below the current weight,
    where the winner's lead shrinks as ``t`` falls) and the vendor that draws level there.

    Among vendors crossing at the same point, the one gaining fastest beyond it is named
    (all of them, sorted, if several gain equally fast).
    """
    gaining = (side * steep > 0) & ~np.isnan(t)
    gaining[v] = False
    inside = gaining & (t >= -TIE_TOLERANCE) & (t <= 1 + TIE_TOLERANCE)
    if not inside.any():
        return (0.0, None) if side > 0 else (1.0, None)
    ends = np.where(inside, t, -np.inf if side > 0 else np.inf)
    edge = ends.max() if side > 0 else ends.min()
    at_edge = np.flatnonzero(inside & (np.abs(t - edge) <= TIE_TOLERANCE))
    fastest = (side * steep[at_edge]).max()
    named = at_edge[side * steep[at_edge] >= fastest - TIE_TOLERANCE]
    return float(np.clip(edge, 0.0, 1.0)), _names(named, vendors)


def _winner_interval(
    t: FloatArray,
    steep: FloatArray,
    slope: FloatArray,
    winners: npt.NDArray[np.intp],
    wk: float,
    vendors: list[str],
) -> tuple[float, str | None, float, str | None]:
    """``(lower, lower_by, upper, upper_by)``: the range of criterion ``k``'s weight in
    which the set of winners is unchanged (module docstring, *Tied winners*)."""
    v = int(winners[0])
    own = slope[winners]
    if own.max() - own.min() <= TIE_TOLERANCE:  # one winner, or co-winners moving alike
        lower, lower_by = _takeover(t[v], steep[v], v, vendors, side=+1)
        upper, upper_by = _takeover(t[v], steep[v], v, vendors, side=-1)
        return lower, lower_by, upper, upper_by
    # the co-winners part at once: the flattest leads below w_k, the steepest above
    flattest = winners[own <= own.min() + TIE_TOLERANCE]
    steepest = winners[own >= own.max() - TIE_TOLERANCE]
    lower_by = _names(flattest, vendors) if wk > 0 else None
    upper_by = _names(steepest, vendors) if wk < 1 else None
    return wk, lower_by, wk, upper_by


def stability_intervals(performance: Performance, weights: pd.Series | None = None) -> pd.DataFrame:
    """Per criterion, the range of its weight over which the winner (and the ranking) holds.

    See the module docstring for the formula and the tie conventions (a tie is a change
    point; tied winners are shared). Columns: ``weight``, ``lower``, ``upper``,
    ``lower_by``, ``upper_by`` (vendor taking over at that end, or None), ``margin``
    (distance from the current weight to the nearest end where the winner changes; inf if
    it never does, 0 when tied winners part as soon as the weight moves), ``rank_lower``,
    ``rank_upper``. ``frame.attrs["winner"]`` names the winner (tied winners joined by
    ", "), ``frame.attrs["winners"]`` is the tuple of them. ``weights`` default to a
    ScoreResult's own.

    >>> P = pd.DataFrame({"fit": [0.9, 0.5], "price": [0.2, 0.6]}, index=["acme", "bolt"])
    >>> s = stability_intervals(P, pd.Series({"fit": 0.6, "price": 0.4}))
    >>> row = s.loc["fit"]
    >>> round(float(row["lower"]), 6), float(row["upper"]), row["lower_by"], row["upper_by"]
    (0.5, 1.0, 'bolt', None)
    """
    matrix, w = point_and_weights(performance, weights)
    P, wv = matrix.to_numpy(), w.to_numpy()
    vendors = list(matrix.index)
    m, n_criteria = P.shape
    winners = _winners(P @ wv)
    rows: list[list[float | str | None]] = []
    for k in range(n_criteria):
        wk = float(wv[k])
        if n_criteria == 1:
            rows.append([wk, 1.0, 1.0, None, None, np.inf, 1.0, 1.0])
            continue
        current, slope = _lines(P, wv, k)
        t, steep = _crossings(current, slope, wk)
        lower, lower_by, upper, upper_by = _winner_interval(t, steep, slope, winners, wk, vendors)
        pairs = t[np.triu_indices(m, 1)]
        pairs = pairs[~np.isnan(pairs)]
        below = pairs[(pairs <= wk + TIE_TOLERANCE) & (pairs >= -TIE_TOLERANCE)]
        above = pairs[(pairs >= wk - TIE_TOLERANCE) & (pairs <= 1 + TIE_TOLERANCE)]
        rank_lower = float(np.clip(below.max(), 0, 1)) if below.size else 0.0
        rank_upper = float(np.clip(above.min(), 0, 1)) if above.size else 1.0
        margin = min(
            wk - lower if lower_by is not None else np.inf,
            upper - wk if upper_by is not None else np.inf,
        )
        rows.append([wk, lower, upper, lower_by, upper_by, margin, rank_lower, rank_upper])
    index = pd.Index(matrix.columns, name="criterion")
    frame = pd.DataFrame(
        {
            name: pd.Series(
                [row[i] for row in rows],
                index=index,
                dtype=object if name.endswith("_by") else float,
            )
            for i, name in enumerate(INTERVAL_COLUMNS)
        }
    )
    frame.attrs["winner"] = _names(winners, vendors)
    frame.attrs["winners"] = tuple(sorted(vendors[int(i)] for i in winners))
    return frame


def tornado(intervals: pd.DataFrame, ax: Axes | None = None) -> Axes:
    """A tornado chart of :func:`stability_intervals`: per criterion, the weight range in
    which the winner holds (bar) and the current weight (dot); most sensitive on top."""
    from crmselect.plots import axes, legend_outside

    ax = axes(ax, (7, 0.4 * len(intervals) + 1.2))
    order = intervals.sort_values("margin", ascending=False, kind="stable")
    labels = [str(c) for c in order.index]
    ax.barh(labels, order["upper"] - order["lower"], left=order["lower"], color="#9ecae1")
    ax.plot(order["weight"], labels, "o", color="#08519c", label="current weight")
    for y, (_, row) in enumerate(order.iterrows()):
        for end, by, align in (("lower", "lower_by", "right"), ("upper", "upper_by", "left")):
            if row[by] is not None:
                ax.annotate(
                    f" {row[by]} ",
                    (row[end], y),
                    ha=align,
                    va="center",
                    fontsize="small",
                    color="#7a1a14",
                )
    ax.set_xlim(0, 1)
    ax.set_xlabel("weight of the criterion (others scaled proportionally)")
    winner = intervals.attrs.get("winner")
    ax.set_title(f"Weight range in which {winner} stays first" if winner else "Stability intervals")
    legend_outside(ax)
    return ax


@attrs.frozen(eq=False)
class WeightChange:
    """The smallest weight change (L1) that lets ``challenger`` tie or beat ``incumbent``.

    ``new_weights`` and ``change`` are NaN and ``distance`` is inf when no admissible
    weights do it (``feasible`` false; ``message`` says why). ``distance = Σ |Δw|`` is twice
    the weight mass moved between criteria.
    """

    challenger: str
    incumbent: str
    weights: pd.Series
    new_weights: pd.Series
    feasible: bool
    message: str
    performance: pd.DataFrame
    against_all: bool = False

    @property
    def change(self) -> pd.Series:
        return (self.new_weights - self.weights).rename("change")

    @property
    def distance(self) -> float:
        return float(self.change.abs().sum()) if self.feasible else float("inf")

    def to_frame(self) -> pd.DataFrame:
        """Per criterion: ``weight``, ``new_weight``, ``change``; largest moves first."""
        frame = pd.DataFrame(
            {"weight": self.weights, "new_weight": self.new_weights, "change": self.change}
        )
        return frame.iloc[np.argsort(-frame["change"].abs().to_numpy(), kind="stable")]

    def __repr__(self) -> str:
        if not self.feasible:
            return f"<WeightChange {self.challenger} vs {self.incumbent}: impossible>"
        return f"<WeightChange {self.challenger} vs {self.incumbent}: Σ|Δw| = {self.distance:.4f}>"

    def _repr_html_(self) -> str:
        frame = self.to_frame().map(lambda v: "–" if v != v else f"{v:+.4f}")
        return html_table(frame, caption=self.message)


def _bounds(
    bounds: Mapping[str, tuple[float, float]] | None, criteria: list[str]
) -> tuple[FloatArray, FloatArray]:
    if bounds is None:
        return np.zeros(len(criteria)), np.ones(len(criteria))
    lower = check_bounds({c: lo for c, (lo, _) in bounds.items()}, criteria, 0.0, "bounds")
    upper = check_bounds({c: hi for c, (_, hi) in bounds.items()}, criteria, 1.0, "bounds")
    bad = [c for c, lo, hi in zip(criteria, lower, upper, strict=True) if not 0 <= lo <= hi <= 1]
    if bad or lower.sum() > 1 + 1e-9 or upper.sum() < 1 - 1e-9:
        raise ValidationError(
            "Invalid bounds",
            [
                Problem(
                    "bounds",
                    "each (lower, upper) must satisfy 0 ≤ lower ≤ upper ≤ 1, lower bounds "
                    f"may sum to at most 1 and upper bounds to at least 1 (check {bad or 'sums'})",
                )
            ],
        )
    return lower, upper


def min_weight_change(
    performance: Performance,
    weights: pd.Series | None = None,
    challenger: str | None = None,
    incumbent: str | None = None,
    *,
    bounds: Mapping[str, tuple[float, float]] | None = None,
    against_all: bool = False,
) -> WeightChange:
    """The smallest ``Σ|Δw|`` letting ``challenger`` tie or beat ``incumbent`` (default:
    the current winner); LP of Wolters & Mareschal (1995), see the module docstring.

    With tied winners the default incumbent is every co-winner other than the challenger
    (``incumbent`` then names them, sorted and joined by ", "): the challenger must tie or
    beat each, and a co-winner already does (distance 0).

    ``bounds``: criterion id → (lower, upper) for the new weights. ``against_all``: the
    challenger must tie or beat *every* other vendor (become first), not only the
    incumbent. A challenger that no admissible weights can lift gives ``feasible=False``.

    >>> P = pd.DataFrame({"fit": [0.9, 0.5], "price": [0.2, 0.6]}, index=["acme", "bolt"])
    >>> change = min_weight_change(P, pd.Series({"fit": 0.6, "price": 0.4}), "bolt")
    >>> round(change.distance, 6), change.new_weights.round(6).tolist()
    (0.2, [0.5, 0.5])
    """
    matrix, w = point_and_weights(performance, weights)
    vendors = list(matrix.index)
    criteria = list(matrix.columns)
    P, wv = matrix.to_numpy(), w.to_numpy()
    if challenger is None:
        raise ValidationError(
            "Missing challenger", [Problem("challenger", f"name one of: {', '.join(vendors)}")]
        )
    out = knocked_out(performance)
    challenger = check_vendor(challenger, vendors, "challenger", out)
    c = vendors.index(challenger)
    if incumbent is None:
        held = [int(j) for j in _winners(P @ wv) if j != c]
    else:
        held = [vendors.index(check_vendor(incumbent, vendors, "incumbent", out))]
    if c in held or not held:
        raise ValidationError(
            "Invalid challenger",
            [Problem("challenger", f"{challenger!r} is the incumbent; pick another vendor")],
        )
    incumbent = _names(held, vendors)
    lower, upper = _bounds(bounds, criteria)
    opponents = [j for j in range(len(vendors)) if j != c] if against_all else held
    # the LP's rows in vendor-id order: where several weight changes are equally small,
    # HiGHS then returns the same one whatever order the vendors were listed in
    opponents.sort(key=lambda j: vendors[j])
    diff = P[c] - P[opponents]  # opponents × criteria
    delta = _least_change(diff, wv, lower, upper)
    keep = dict(
        challenger=challenger,
        incumbent=incumbent,
        weights=w,
        performance=matrix,
        against_all=against_all,
    )
    if delta is None:
        return WeightChange(
            new_weights=pd.Series(np.nan, index=w.index, name="weight"),
            feasible=False,
            message=_why_not(challenger, incumbent, diff, bounds, against_all),
            **keep,  # type: ignore[arg-type]
        )
    new = np.clip(wv + delta, 0.0, None)
    new /= new.sum()
    distance = float(np.abs(new - wv).sum())
    target = "every other vendor" if against_all else incumbent
    message = (
        f"{challenger} already ties or beats {target} with the current weights"
        if distance < 1e-9
        else f"{challenger} draws level with {target} after moving "
        f"{distance / 2:.1%} of the weight (Σ|Δw| = {distance:.4f})"
    )
    return WeightChange(
        new_weights=pd.Series(new, index=w.index, name="weight"),
        feasible=True,
        message=message,
        **keep,  # type: ignore[arg-type]
    )


def _least_change(
    diff: FloatArray, w: FloatArray, lower: FloatArray, upper: FloatArray
) -> FloatArray | None:
    """The LP of the module docstring: the ``Δw`` with the least ``Σ|Δw|`` such that
    ``diff · (w + Δw) ≥ 0`` for every row of ``diff`` (one per opponent) within the bounds,
    or ``None`` if there is none. One opponent (the flip table's usual row) in closed form
    (:mod:`crmselect.robustness._one_opponent`), several with HiGHS."""
    if len(diff) == 1:
        return one_opponent_change(diff[0], w, lower, upper)
    k = len(w)
    eye = np.eye(k)
    A_ub = np.vstack(
        [
            np.hstack([-eye, eye]),  # w + Δ ≥ lower
            np.hstack([eye, -eye]),  # w + Δ ≤ upper
            np.hstack([-diff, diff]),  # (P_c − P_o)·(w + Δ) ≥ 0
        ]
    )
    b_ub = np.concatenate([w - lower, upper - w, diff @ w])
    from scipy.optimize import linprog  # type: ignore[import-untyped, unused-ignore]

    res = linprog(
        np.ones(2 * k),
        A_ub=A_ub,
        b_ub=b_ub,
        A_eq=np.concatenate([np.ones(k), -np.ones(k)])[None, :],
        b_eq=[0.0],
        bounds=[(0, None)] * (2 * k),
        method="highs",
    )
    return None if res.status != 0 else np.asarray(res.x[:k] - res.x[k:], dtype=float)


def _why_not(
    challenger: str,
    incumbent: str,
    diff: FloatArray,
    bounds: Mapping[str, tuple[float, float]] | None,
    against_all: bool,
) -> str:
    if not against_all and (diff < 0).all():
        return (
            f"{challenger} scores below {incumbent} on every criterion (it is dominated), "
            "so no weights let it tie or beat it"
        )
    target = "rank first" if against_all else f"tie or beat {incumbent}"
    where = " within the given bounds" if bounds is not None else ""
    return f"no admissible weights{where} let {challenger} {target}"


def flip_table(
    performance: Performance,
    weights: pd.Series | None = None,
    *,
    bounds: Mapping[str, tuple[float, float]] | None = None,
) -> pd.DataFrame:
    """For every challenger, the minimum change letting it tie or beat the current winner;
    the first row is the smallest change that dethrones the winner.

    Columns: ``distance`` (Σ|Δw|, inf if impossible), ``feasible``, ``increase`` and
    ``decrease`` (the criteria whose weights move most up and down), ``message``; sorted by
    ``distance``, then by challenger id. ``frame.attrs["incumbent"]`` names the winner.

    Tied winners (module docstring): every co-winner is a row of its own with distance 0
    (it already ties for first, so the tie is decided by any change that favours it), and
    any other challenger must tie or beat every co-winner. ``attrs["incumbent"]`` joins the
    co-winners' ids with ", " and ``attrs["winners"]`` is their sorted tuple; the table is
    the same whatever the order of the vendors.

    >>> P = pd.DataFrame({"x": [0.9, 0.5, 0.4], "y": [0.1, 0.5, 0.4]}, index=["a", "b", "c"])
    >>> table = flip_table(P, pd.Series({"x": 0.5, "y": 0.5}))
    >>> table.attrs["incumbent"], table["distance"].round(6).to_dict()
    ('a, b', {'a': 0.0, 'b': 0.0, 'c': inf})
    """
    matrix, w = point_and_weights(performance, weights)
    vendors = list(matrix.index)
    winners = _winners(matrix.to_numpy() @ w.to_numpy())
    tied = len(winners) > 1
    rows = []
    for challenger in vendors:
        if not tied and challenger == vendors[int(winners[0])]:
            continue
        change = min_weight_change(
            matrix, w, challenger, None if tied else vendors[int(winners[0])], bounds=bounds
        )
        delta = change.change
        rows.append(
            {
                "challenger": challenger,
                "distance": change.distance,
                "feasible": change.feasible,
                "increase": delta.idxmax() if change.feasible and delta.max() > 1e-9 else None,
                "decrease": delta.idxmin() if change.feasible and delta.min() < -1e-9 else None,
                "message": change.message,
            }
        )
    columns = ["distance", "feasible", "increase", "decrease", "message"]
    frame = pd.DataFrame(rows, columns=["challenger", *columns]).set_index("challenger")
    # equal distances (to the LP's 1e-9 tolerance; HiGHS's last bits depend on the vendor
    # order) are listed by challenger id, so the table does not depend on that order
    frame = frame.sort_index(kind="stable").sort_values(
        "distance", kind="stable", key=lambda d: d.round(9)
    )
    frame.attrs["incumbent"] = _names(winners, vendors)
    frame.attrs["winners"] = tuple(sorted(vendors[int(i)] for i in winners))
    return frame
