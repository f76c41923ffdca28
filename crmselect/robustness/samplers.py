"""Samplers of weight vectors and of performance matrices for SMAA.

**Weight samplers** describe what the committee knows about the criteria weights; each
draws weight vectors ``w`` (non-negative, summing to 1) from a *feasible weight space*:

==========================  =========================================================  =====
sampler                      distribution and method                                    exact
==========================  =========================================================  =====
:class:`UniformWeights`      uniform on the simplex = Dirichlet(1), normalised Exp(1)   yes
:class:`DirichletWeights`    Dirichlet with mean ``center`` and concentration α₀        yes
:class:`BoundedWeights`      uniform on ``{l ≤ w ≤ u}``: shift-and-scale for lower      yes
                             bounds, rejection for upper bounds
:class:`OrderedWeights`      uniform on ``{w_a ≥ w_b, …}``: sorted Dirichlet(1) on a    yes
                             uniform random linear extension of the order
:class:`ConstrainedWeights`  uniform on ``{A w ≤ b}`` (any linear constraints, criteria  yes /
                             hierarchy nodes): rejection when it accepts enough draws,  no
                             else a hit-and-run Markov chain (not exact)
:class:`MemberWeights`       each committee member's own weights, equally often         yes
:class:`FixedWeights`        one weight vector (uncertainty only in performance)        yes
==========================  =========================================================  =====

``exact`` means the draws are independent and follow the stated distribution exactly
(up to floating point); a sampler that is not exact (a Markov chain) gives correlated draws
whose distribution is only approximately the target, so its Monte Carlo errors are larger
than ``sqrt(b(1 − b)/N)`` suggests.

Every weight sampler has ``criteria`` (ids, the column order of its draws), ``exact``, and
``sample(rng, n) -> ndarray`` of shape ``n × len(criteria)``.

**Performance samplers** describe uncertain scores: :class:`PerformanceDraws` (given
draws, e.g. a bootstrap over evaluators), :class:`NormalPerformance` (per-cell standard
errors) and :class:`IntervalPerformance` (per-cell intervals). Each has ``vendors``,
``criteria``, a point estimate ``mean`` and ``sample(rng, n) -> ndarray`` of shape
``n × vendors × criteria``, clipped to [0, 1].

References: Lahdelma & Salminen (2001), *SMAA-2*, Operations Research 49(3); Tervonen &
Figueira (2008), *A survey on stochastic multicriteria acceptability analysis methods*,
J. Multi-Criteria Decision Analysis 15; Rubinstein (1982) and Devroye (1986, ch. XI) for
uniform simplex sampling; Tervonen et al. (2013), EJOR 224(3), for hit-and-run in SMAA.

>>> import numpy as np
>>> w = UniformWeights(("price", "fit", "support")).sample(np.random.default_rng(1), 4)
>>> w.shape, bool(np.allclose(w.sum(axis=1), 1))
((4, 3), True)
"""

from __future__ import annotations

import itertools
import math
import numbers
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any, ClassVar, Protocol, runtime_checkable

import attrs
import numpy as np
import numpy.typing as npt
import pandas as pd

from crmselect.errors import Problem, ValidationError
from crmselect.model import Criterion, walk_tree
from crmselect.robustness import _hitandrun
from crmselect.robustness._posets import LinearExtensions, TooManyStates
from crmselect.robustness._validate import (
    WEIGHT_SUM_TOLERANCE,
    cell_problems,
    check_matrix,
    check_weights,
    id_problems,
    positive_int,
    raise_if,
)

FloatArray = npt.NDArray[np.float64]

__all__ = [
    "BoundedWeights",
    "ConstrainedWeights",
    "DirichletWeights",
    "FixedWeights",
    "IntervalPerformance",
    "MemberWeights",
    "NormalPerformance",
    "OrderedWeights",
    "PerformanceDraws",
    "PerformanceSampler",
    "UniformWeights",
    "WeightSampler",
    "describe",
]


@runtime_checkable
class WeightSampler(Protocol):
    """Anything that draws weight vectors over ``criteria``."""

    @property
    def criteria(self) -> tuple[str, ...]: ...

    @property
    def exact(self) -> bool: ...

    def sample(self, rng: np.random.Generator, n: int) -> FloatArray: ...


def describe(sampler: object) -> str:
    """The sampler's :attr:`description` (every sampler here has one), or its class name
    for a sampler of your own without one.

    >>> describe(UniformWeights(["a", "b"]))
    'uniform on the simplex: no weight information at all'
    """
    text = getattr(sampler, "description", None)
    return text if isinstance(text, str) else type(sampler).__name__


@runtime_checkable
class PerformanceSampler(Protocol):
    """Anything that draws performance matrices (``n × vendors × criteria``)."""

    @property
    def vendors(self) -> tuple[str, ...]: ...

    @property
    def criteria(self) -> tuple[str, ...]: ...

    @property
    def mean(self) -> pd.DataFrame: ...

    def sample(self, rng: np.random.Generator, n: int) -> FloatArray: ...


def draw_unnormalised(
    sampler: WeightSampler, rng: np.random.Generator, n: int
) -> tuple[FloatArray, FloatArray | None]:
    """``(E, s)`` with ``E / s[:, None]`` distributed as ``sampler.sample(rng, n)``.

    Samplers that build weights by normalising (Dirichlet) skip the division, which the
    SMAA kernel folds into its ranking step; ``s`` is ``None`` when ``E`` is normalised.
    """
    if isinstance(sampler, UniformWeights | DirichletWeights):
        e = sampler._unnormalised(rng, n)
        return e, e.sum(axis=1)
    return sampler.sample(rng, n), None


#: Draws of the pilot run that estimates a rejection sampler's acceptance rate.
_PILOT = 20_000


# -- helpers ---------------------------------------------------------------------------------


def _ids(values: Iterable[object]) -> tuple[str, ...]:
    return tuple(str(v) for v in values)


def _floats(values: Iterable[float]) -> tuple[float, ...]:
    return tuple(float(v) for v in values)


def _array(values: npt.ArrayLike) -> FloatArray:
    return np.asarray(values, dtype=np.float64)


def _matrix(values: npt.ArrayLike) -> FloatArray:
    return np.atleast_2d(_array(values))


def _vector(values: npt.ArrayLike) -> FloatArray:
    return np.atleast_1d(_array(values))


def _uniform_simplex(rng: np.random.Generator, n: int, k: int) -> FloatArray:
    """Dirichlet(1) rows: normalised standard exponentials (Devroye 1986, XI.4)."""
    e = rng.standard_exponential((n, k))
    e /= e.sum(axis=1, keepdims=True)
    return e


def _shifted_simplex(rng: np.random.Generator, n: int, lower: FloatArray) -> FloatArray:
    """Uniform on ``{w ≥ lower, Σ w = 1}``: ``w = l + (1 − Σ l) · v``, ``v`` uniform on the
    simplex (an affine bijection, so uniform maps to uniform)."""
    shifted: FloatArray = lower + (1.0 - lower.sum()) * _uniform_simplex(rng, n, lower.size)
    return shifted


def _rejection(
    rng: np.random.Generator,
    n: int,
    lower: FloatArray,
    accept: Callable[[FloatArray], npt.NDArray[np.bool_]],
    rate: float,
) -> FloatArray:
    """``n`` shift-and-scale draws that pass ``accept`` (rejection keeps them uniform).

    ``rate`` (the pilot's estimated acceptance) only sizes the batches: every draw is
    tested, and batches are drawn until ``n`` have passed, whatever ``rate`` says. The
    draws depend only on ``rng``, ``n`` and ``rate``, so a seeded block is reproducible."""
    parts: list[FloatArray] = []
    got = 0
    while got < n:
        draws = _shifted_simplex(rng, int(1.2 * (n - got) / rate) + 16, lower)
        keep = draws[accept(draws)]
        parts.append(keep)
        got += len(keep)
    return np.concatenate(parts)[:n]


def _series_over(
    values: Mapping[str, float] | pd.Series | None, criteria: Sequence[str], default: float
) -> FloatArray:
    if values is None:
        return np.full(len(criteria), default)
    series = pd.Series(values, dtype=float)
    series.index = pd.Index([str(c) for c in series.index])
    unknown = sorted(set(series.index) - set(criteria))
    raise_if(
        [Problem("bounds", f"unknown criteria: {', '.join(unknown)}")] if unknown else [],
        "Invalid bounds",
    )
    return series.reindex(list(criteria)).fillna(default).to_numpy(dtype=float)


# -- weight samplers ---------------------------------------------------------------------------


@attrs.frozen
class UniformWeights:
    """Weights uniform on the simplex (no preference information; the SMAA-2 default).

    ``w = e / Σ e`` with ``e_j ~ Exp(1)`` i.i.d. is Dirichlet(1, …, 1), i.e. uniform on
    ``{w ≥ 0, Σ w = 1}``; each marginal ``w_j`` is Beta(1, k − 1) with mean ``1/k``.
    ``exact`` is true.
    """

    criteria: tuple[str, ...] = attrs.field(converter=_ids)
    exact: ClassVar[bool] = True

    def __attrs_post_init__(self) -> None:
        raise_if(id_problems(self.criteria, "criterion", "UniformWeights"), "Invalid sampler")

    def _unnormalised(self, rng: np.random.Generator, n: int) -> FloatArray:
        return rng.standard_exponential((n, len(self.criteria)))

    @property
    def description(self) -> str:
        """What the draws assume, in words (for reports and the workbook)."""
        return "uniform on the simplex: no weight information at all"

    def sample(self, rng: np.random.Generator, n: int) -> FloatArray:
        e = self._unnormalised(rng, n)
        e /= e.sum(axis=1, keepdims=True)
        return e


MIN_SHAPE = 1e-300
"""The smallest Dirichlet shape ``α₀ c_j`` drawn: below about 4e-306, ``log U / α`` (the
log-space draw of a small shape) overflows to −∞ for every criterion of a row, and the row
would be 0/0."""


@attrs.frozen
class DirichletWeights:
    """Weights scattered around ``center``: Dirichlet(α₀ · center).

    The mean is ``center``; ``Var w_j = c_j (1 − c_j) / (α₀ + 1)``, so a larger
    ``concentration`` α₀ keeps the draws closer (α₀ = 100 gives a standard deviation of
    about ``0.1 · sqrt(c_j)``). Criteria with centre weight 0 always draw 0. Drawn as
    normalised Gamma(α₀ c_j) variates; ``exact`` is true.

    *Small shapes* (``α_j = α₀ c_j < 1``, e.g. concentration 0.01): a Gamma(α_j) variate
    underflows to 0 with a probability that is no longer negligible (``P(G < 10⁻³⁰⁸) ≈
    10^(−308 α_j)``), and a row whose every variate underflows would normalise to 0/0.
    Such components are drawn in log space instead, by the exact identity ``G = G' · U^(1/α)``
    with ``G' ~ Gamma(α + 1)`` and ``U ~ U(0, 1]`` independent (Stuart 1962, Biometrika
    49; Marsaglia & Tsang 2000, ACM TOMS 26(3))::

        log G_j = log G'_j + (log U_j) / α_j,    w_j = exp(log G_j − max_i log G_i) / Σ …

    Subtracting the row maximum leaves each row's largest term at exactly 1, so no row
    is ever 0/0 and the weights are exact to rounding; weights below about 10⁻³⁰⁸ of the
    largest become 0. With every ``α_j ≥ 1`` (or 0) the plain Gamma draws are used, as
    underflow is then impossible in practice (``P < 10⁻³⁰⁰`` per variate).

    >>> c = pd.Series({"a": 0.5, "b": 0.3, "c": 0.2})
    >>> w = DirichletWeights(c, concentration=0.001).sample(np.random.default_rng(0), 10_000)
    >>> bool(np.isfinite(w).all() and np.allclose(w.sum(axis=1), 1))
    True
    """

    center: pd.Series = attrs.field(eq=False)
    concentration: float = attrs.field(default=100.0, converter=float)
    exact: ClassVar[bool] = True

    def __attrs_post_init__(self) -> None:
        criteria = _ids(self.center.index)
        object.__setattr__(self, "center", check_weights(self.center, criteria, "center"))
        if not (math.isfinite(self.concentration) and self.concentration > 0):
            raise ValidationError(
                "Invalid sampler",
                [Problem("DirichletWeights", "concentration must be a positive number")],
            )
        alpha = self.concentration * self.center.to_numpy(dtype=float)
        if (alpha[alpha > 0] < MIN_SHAPE).any():
            raise ValidationError(
                "Invalid sampler",
                [
                    Problem(
                        "DirichletWeights",
                        f"concentration {self.concentration:g} gives a shape α₀·c_j below "
                        f"{MIN_SHAPE:g}, where log U / α overflows; every draw would put all "
                        "the weight on one criterion anyway — use a concentration of 1e-6 or "
                        "more",
                    )
                ],
            )

    @property
    def criteria(self) -> tuple[str, ...]:
        return _ids(self.center.index)

    def _unnormalised(self, rng: np.random.Generator, n: int) -> FloatArray:
        """Rows proportional to Dirichlet draws (Gamma variates, or in log space: above)."""
        alpha = self.concentration * self.center.to_numpy(dtype=float)
        small = (alpha > 0) & (alpha < 1)
        if not small.any():
            return np.asarray(rng.gamma(np.broadcast_to(alpha, (n, alpha.size))), dtype=np.float64)
        shape = np.where(small, alpha + 1.0, alpha)
        with np.errstate(divide="ignore"):  # log 0 = −inf for criteria of weight 0
            log_g = np.log(rng.gamma(np.broadcast_to(shape, (n, alpha.size))))
            log_g[:, small] += np.log1p(-rng.random((n, int(small.sum())))) / alpha[small]
        log_g -= log_g.max(axis=1, keepdims=True)
        return np.exp(log_g)

    @property
    def description(self) -> str:
        """What the draws assume, in words (for reports and the workbook)."""
        c = self.center.to_numpy()
        c = c[c > 0]
        cv = np.sqrt((1 - c) / (c * (self.concentration + 1)))  # sd / mean of each w_j
        return (
            f"Dirichlet around the given weights, concentration {self.concentration:g} "
            f"(each weight's standard deviation {cv.min():.0%}–{cv.max():.0%} of itself)"
        )

    def sample(self, rng: np.random.Generator, n: int) -> FloatArray:
        g = self._unnormalised(rng, n)
        g /= g.sum(axis=1, keepdims=True)
        return g


@attrs.frozen(eq=False)
class BoundedWeights:
    """Weights uniform on ``{l_j ≤ w_j ≤ u_j, Σ w = 1}``.

    *Lower bounds* by shift-and-scale: ``w = l + (1 − Σ l) · v`` with ``v`` uniform on the
    simplex is uniform on ``{w ≥ l, Σ w = 1}`` (an affine bijection of the simplex).
    *Upper bounds* by rejection: draws with some ``w_j > u_j`` are discarded, which keeps
    the rest uniform. Both are exact, and every returned draw satisfies every bound (to
    10⁻¹², float noise) however rarely a bound is violated: rejection is applied whenever
    some ``u_j < 1``. On construction a pilot run of 20,000 draws estimates the
    ``acceptance`` rate, which only sizes the batches of draws (a pilot that sees no
    violation, ``acceptance`` 1.0, still rejects every violating draw later); below
    ``min_acceptance`` the bounds are refused with a pointer to
    :meth:`ConstrainedWeights.from_bounds` (hit-and-run), whose cost does not depend on it.

    >>> b = BoundedWeights.create(["a", "b", "c"], lower={"a": 0.5})
    >>> w = b.sample(np.random.default_rng(0), 1000)
    >>> bool((w[:, 0] >= 0.5).all())
    True
    """

    criteria: tuple[str, ...] = attrs.field(converter=_ids)
    lower: tuple[float, ...] = attrs.field(converter=_floats)
    upper: tuple[float, ...] = attrs.field(converter=_floats)
    min_acceptance: float = 1e-3
    acceptance: float = attrs.field(init=False, default=1.0)
    exact: ClassVar[bool] = True

    def __attrs_post_init__(self) -> None:
        where = "BoundedWeights"
        found = id_problems(self.criteria, "criterion", where)
        k = len(self.criteria)
        if len(self.lower) != k or len(self.upper) != k:
            found.append(Problem(where, "give one lower and one upper bound per criterion"))
        raise_if(found, "Invalid sampler")
        lo, hi = np.array(self.lower), np.array(self.upper)
        for c, a, b in zip(self.criteria, lo, hi, strict=True):
            if not (0.0 <= a <= b <= 1.0):
                found.append(Problem(f"{where}: {c}", f"need 0 ≤ lower ({a}) ≤ upper ({b}) ≤ 1"))
        if lo.sum() > 1.0 + WEIGHT_SUM_TOLERANCE:
            found.append(Problem(where, f"lower bounds sum to {lo.sum():.4g} > 1; lower some"))
        if hi.sum() < 1.0 - WEIGHT_SUM_TOLERANCE:
            found.append(Problem(where, f"upper bounds sum to {hi.sum():.4g} < 1; raise some"))
        raise_if(found, "Infeasible weight bounds")
        if (hi < 1.0).any():
            pilot = _shifted_simplex(np.random.default_rng(0), _PILOT, lo)
            rate = float(self._accept(pilot).mean())
            object.__setattr__(self, "acceptance", rate)
            if rate < self.min_acceptance:
                raise ValidationError(
                    "Weight bounds too tight for rejection sampling",
                    [
                        Problem(
                            where,
                            f"only {rate:.2%} of draws satisfy the upper bounds (need at "
                            f"least {self.min_acceptance:.2%}); use "
                            "ConstrainedWeights.from_bounds(...) (hit-and-run) instead",
                        )
                    ],
                )

    @classmethod
    def create(
        cls,
        criteria: Sequence[str],
        lower: Mapping[str, float] | pd.Series | None = None,
        upper: Mapping[str, float] | pd.Series | None = None,
    ) -> BoundedWeights:
        """Bounds for some criteria (others default to 0 and 1)."""
        criteria = _ids(criteria)
        return cls(criteria, _series_over(lower, criteria, 0.0), _series_over(upper, criteria, 1.0))

    @classmethod
    def around(cls, center: pd.Series, tolerance: float = 0.2) -> BoundedWeights:
        """Each weight within ``± tolerance`` (relative) of ``center``:
        ``l = c (1 − tol)``, ``u = min(1, c (1 + tol))``."""
        criteria = _ids(center.index)
        c = check_weights(center, criteria, "center").to_numpy()
        if not 0.0 <= tolerance <= 1.0:
            raise ValidationError(
                "Invalid sampler", [Problem("BoundedWeights.around", "tolerance must be in [0, 1]")]
            )
        return cls(criteria, c * (1 - tolerance), np.minimum(1.0, c * (1 + tolerance)))

    def _accept(self, draws: FloatArray) -> npt.NDArray[np.bool_]:
        return np.asarray((draws <= np.array(self.upper) + 1e-12).all(axis=1))

    @property
    def description(self) -> str:
        """What the draws assume, in words (for reports and the workbook)."""
        bounded = sum(lo > 0 or hi < 1 for lo, hi in zip(self.lower, self.upper, strict=True))
        return f"uniform within lower and upper bounds on {bounded} weight(s)"

    def sample(self, rng: np.random.Generator, n: int) -> FloatArray:
        lower = np.array(self.lower, dtype=np.float64)
        if (np.array(self.upper) >= 1.0).all():  # no upper bound can be violated
            return _shifted_simplex(rng, n, lower)
        return _rejection(rng, n, lower, self._accept, self.acceptance)


def _relations(values: Iterable[Sequence[str]]) -> tuple[tuple[str, str], ...]:
    return tuple((str(a), str(b)) for a, b in values)


@attrs.frozen(eq=False)
class OrderedWeights:
    """Weights uniform on ``{w ≥ 0, Σ w = 1, w_a ≥ w_b for every (a, b) in relations}``.

    A *complete ranking* ``w_1 ≥ w_2 ≥ … ≥ w_k`` (:meth:`from_ranking`): sort a Dirichlet(1)
    draw in decreasing order and assign it along the ranking. Exact: sorting maps the
    uniform simplex ``k!``-to-1 onto the ordered region with constant Jacobian.

    A *partial order* (any acyclic set of relations): the region is the union, over the
    linear extensions ``L`` of the order, of the ordered regions ``R_L``; these all have
    volume ``1/k!`` of the simplex and overlap only on boundaries. So a uniform draw picks
    an extension uniformly, then a sorted Dirichlet(1) draw along it. The extension is drawn
    exactly (uniform extension of the related criteria by dynamic programming over placed
    sets, then a uniform interleaving of the unrelated criteria, which every extension
    admits equally often). ``exact`` is true. Orders so wide that the table would exceed
    200,000 placed sets are refused with a pointer to :class:`ConstrainedWeights`.

    >>> o = OrderedWeights.from_ranking(["fit", "price", "support"])
    >>> w = o.sample(np.random.default_rng(0), 500)
    >>> bool(((w[:, 0] >= w[:, 1]) & (w[:, 1] >= w[:, 2])).all())
    True
    """

    criteria: tuple[str, ...] = attrs.field(converter=_ids)
    relations: tuple[tuple[str, str], ...] = attrs.field(converter=_relations)
    exact: ClassVar[bool] = True
    _constrained: tuple[int, ...] = attrs.field(init=False, repr=False, default=())
    _extensions: LinearExtensions | None = attrs.field(init=False, repr=False, default=None)

    def __attrs_post_init__(self) -> None:
        where = "OrderedWeights"
        found = id_problems(self.criteria, "criterion", where)
        index = {c: i for i, c in enumerate(self.criteria)}
        for a, b in self.relations:
            for c in (a, b):
                if c not in index:
                    found.append(Problem(where, f"relation {a} ≥ {b}: unknown criterion {c!r}"))
            if a == b:
                found.append(Problem(where, f"relation {a} ≥ {b} compares a criterion to itself"))
        raise_if(found, "Invalid criteria order")
        involved = sorted({index[c] for pair in self.relations for c in pair})
        local = {g: i for i, g in enumerate(involved)}
        above = [0] * len(involved)
        for a, b in self.relations:
            above[local[index[b]]] |= 1 << local[index[a]]
        _check_acyclic(above, [self.criteria[g] for g in involved])
        try:
            extensions = LinearExtensions(_transitive(above))
        except TooManyStates:
            raise ValidationError(
                "Criteria order too wide for exact sampling",
                [
                    Problem(
                        where,
                        "this partial order has too many ways to be completed; express it as "
                        "ConstrainedWeights.from_inequalities(...) (hit-and-run) instead",
                    )
                ],
            ) from None
        object.__setattr__(self, "_constrained", tuple(involved))
        object.__setattr__(self, "_extensions", extensions)

    @classmethod
    def from_ranking(
        cls, ranking: Sequence[str], criteria: Sequence[str] | None = None
    ) -> OrderedWeights:
        """``ranking[0] ≥ ranking[1] ≥ …``; ``criteria`` (default: the ranking) may add
        unranked criteria, which are then free."""
        ranking = _ids(ranking)
        return cls(
            ranking if criteria is None else criteria,
            list(itertools.pairwise(ranking)),
        )

    @property
    def n_extensions(self) -> int:
        """Number of linear extensions of the order on the related criteria."""
        assert self._extensions is not None
        return self._extensions.count

    def _orders(self, rng: np.random.Generator, n: int) -> npt.NDArray[np.intp]:
        """``n × k`` criterion indices, each row a uniform linear extension, largest first."""
        k = len(self.criteria)
        assert self._extensions is not None
        constrained = np.array(self._constrained, dtype=np.intp)
        if len(constrained) == k and self._extensions.count == 1:
            fixed = constrained[self._extensions.sample(rng, 1)[0]]
            return np.broadcast_to(fixed, (n, k))
        extension = constrained[self._extensions.sample(rng, n)]
        order = np.argsort(rng.random((n, k)), axis=1)
        if len(constrained):
            order[np.isin(order, constrained)] = extension.ravel()
        return order

    @property
    def description(self) -> str:
        """What the draws assume, in words (for reports and the workbook)."""
        return f"uniform among the weights that respect {len(self.relations)} ranking relation(s)"

    def sample(self, rng: np.random.Generator, n: int) -> FloatArray:
        k = len(self.criteria)
        values = -np.sort(-_uniform_simplex(rng, n, k), axis=1)
        w = np.empty((n, k))
        np.put_along_axis(w, self._orders(rng, n), values, axis=1)
        return w


def _transitive(above: list[int]) -> list[int]:
    """Close ``above`` (bitmasks) transitively."""
    closed = list(above)
    changed = True
    while changed:
        changed = False
        for x, mask in enumerate(closed):
            grown = mask
            for y in range(len(closed)):
                if mask >> y & 1:
                    grown |= closed[y]
            if grown != mask:
                closed[x] = grown
                changed = True
    return closed


def _check_acyclic(above: list[int], names: Sequence[str]) -> None:
    closed = _transitive(above)
    cyclic = [names[x] for x, mask in enumerate(closed) if mask >> x & 1]
    if cyclic:
        raise ValidationError(
            "Invalid criteria order",
            [
                Problem(
                    "OrderedWeights",
                    f"the relations form a cycle through {', '.join(cyclic)}; with ≥ that "
                    "forces equal weights — merge those criteria or drop a relation",
                )
            ],
        )


def _default_burn_in(dimension: int) -> int:
    return 3 * dimension * dimension + 100


def _default_thinning(dimension: int) -> int:
    return dimension + 1


@attrs.frozen(eq=False)
class ConstrainedWeights:
    """Weights uniform on ``{w ≥ 0, Σ w = 1, A w ≤ b}`` — any linear constraints.

    Bounds, ratios, orders, and bounds on the global or local weight of a node of the
    criteria hierarchy (:meth:`from_tree`). Two methods (``method="auto"`` picks):

    ``"rejection"`` (exact)
        Each ``w_j`` has a least feasible value ``l_j`` (one small LP per criterion);
        draw uniformly on ``{w ≥ l, Σ w = 1}`` by shift-and-scale and keep the draws
        that satisfy ``A w ≤ b``. Used when a pilot run accepts at least
        ``min_acceptance`` of the draws.
    ``"hit-and-run"`` (**not exact**)
        ``chains`` parallel Markov chains (:mod:`crmselect.robustness._hitandrun`), each
        started at the Chebyshev centre, ``burn_in`` steps discarded, then every
        ``thinning``-th state kept. Its cost does not depend on how thin the set is.

    ``exact`` is true exactly when rejection is used.

    Burn-in and thinning. Theory (Lovász 1999) guarantees mixing only after O*(d³) steps
    with unusable constants, ``d = k − 1``. We measured on the plain simplex, where the
    exact answer is known, for ``k`` = 5, 10, 20, 40, 60: the integrated autocorrelation
    time of one weight and of the largest weight is 0.6–1.2 ``d²`` steps; started at the
    centre, 4,000 independent chains fail a two-sample Kolmogorov–Smirnov test of the
    largest and smallest weight against exact Dirichlet(1) draws after ``d²`` steps
    (p < 0.02) and pass after ``3 d²`` (p ≥ 0.12). Hence the default
    ``burn_in = 3 d² + 100``. Fully independent draws would cost ``≈ d²`` steps each, so
    the default ``thinning = d + 1`` trades independence for speed: the draws are
    correlated and :attr:`efficiency` ``= min(1, thinning / d²)`` (≈ ``1/d``) estimates
    effective sample size / sample count, which :class:`~crmselect.robustness.smaa.SmaaResult`
    uses to widen its Monte Carlo errors. Raise ``thinning`` for more independent draws
    and both for long, thin polytopes.
    """

    criteria: tuple[str, ...] = attrs.field(converter=_ids)
    A: FloatArray = attrs.field(converter=_matrix)
    b: FloatArray = attrs.field(converter=_vector)
    method: str = "auto"
    burn_in: int | None = None
    thinning: int | None = None
    chains: int = 64
    min_acceptance: float = 1e-3
    acceptance: float = attrs.field(init=False, default=0.0)
    _start: FloatArray | None = attrs.field(init=False, repr=False, default=None)
    _lower: FloatArray | None = attrs.field(init=False, repr=False, default=None)

    def __attrs_post_init__(self) -> None:
        where = "ConstrainedWeights"
        found = id_problems(self.criteria, "criterion", where)
        k = len(self.criteria)
        if self.A.size and self.A.shape[1] != k:
            found.append(Problem(where, f"A has {self.A.shape[1]} columns for {k} criteria"))
        if self.A.size and self.A.shape[0] != self.b.size:
            found.append(Problem(where, f"A has {self.A.shape[0]} rows but b has {self.b.size}"))
        if not (np.isfinite(self.A).all() and np.isfinite(self.b).all()):
            found.append(Problem(where, "A and b must be finite"))
        if self.method not in ("auto", "rejection", "hit-and-run"):
            found.append(
                Problem(where, f"method {self.method!r} is not auto, rejection or hit-and-run")
            )
        for name in ("burn_in", "thinning"):
            value = getattr(self, name)
            if value is not None:
                positive_int(value, f"{where}.{name}", minimum=0 if name == "burn_in" else 1)
        positive_int(self.chains, f"{where}.chains")
        raise_if(found, "Invalid weight constraints")
        G, h = self._system()
        object.__setattr__(self, "_start", _hitandrun.chebyshev_centre(G, h, where))
        if self.method == "hit-and-run":
            return
        lower = _hitandrun.least_weights(G, h)
        rate = float(self._accept(_shifted_simplex(np.random.default_rng(0), _PILOT, lower)).mean())
        object.__setattr__(self, "acceptance", rate)
        if self.method == "rejection" and rate < self.min_acceptance:
            raise ValidationError(
                "Weight constraints too tight for rejection sampling",
                [
                    Problem(
                        where,
                        f"only {rate:.2%} of draws satisfy the constraints (need at least "
                        f"{self.min_acceptance:.2%}); use method='hit-and-run' or 'auto'",
                    )
                ],
            )
        if rate >= self.min_acceptance:
            object.__setattr__(self, "_lower", lower)

    def _system(self) -> tuple[FloatArray, FloatArray]:
        k = len(self.criteria)
        rows = self.A.reshape(-1, k)
        return np.vstack([rows, -np.eye(k)]), np.concatenate([self.b.ravel(), np.zeros(k)])

    def _accept(self, draws: FloatArray) -> npt.NDArray[np.bool_]:
        rows = self.A.reshape(-1, len(self.criteria))
        return np.asarray((draws @ rows.T <= self.b.ravel() + 1e-12).all(axis=1))

    @property
    def exact(self) -> bool:
        """True when draws are made by (exact) rejection, false for hit-and-run."""
        return self._lower is not None

    @property
    def dimension(self) -> int:
        return len(self.criteria) - 1

    @property
    def effective_burn_in(self) -> int:
        return _default_burn_in(self.dimension) if self.burn_in is None else self.burn_in

    @property
    def effective_thinning(self) -> int:
        return _default_thinning(self.dimension) if self.thinning is None else self.thinning

    @property
    def efficiency(self) -> float:
        """Estimated effective sample size per draw: 1 for rejection, else
        ``min(1, thinning / d²)`` (see the class docstring for the measurement)."""
        if self.exact or self.dimension < 1:
            return 1.0
        return min(1.0, self.effective_thinning / self.dimension**2)

    @property
    def description(self) -> str:
        """What the draws assume, in words (for reports and the workbook)."""
        how = "by rejection, exact" if self.exact else "by hit-and-run, approximate"
        return f"uniform within {self.b.size} linear constraint(s), drawn {how}"

    def sample(self, rng: np.random.Generator, n: int) -> FloatArray:
        if len(self.criteria) == 1:
            return np.ones((n, 1))
        if self._lower is not None:
            return _rejection(rng, n, self._lower, self._accept, self.acceptance)
        G, h = self._system()
        assert self._start is not None
        return _hitandrun.sample(
            rng,
            G,
            h,
            self._start,
            n,
            chains=self.chains,
            burn_in=self.effective_burn_in,
            thinning=self.effective_thinning,
        )

    @classmethod
    def from_inequalities(
        cls,
        criteria: Sequence[str],
        rows: Iterable[tuple[Mapping[str, float], str, float]],
        **options: Any,
    ) -> ConstrainedWeights:
        """Constraints written as ``({criterion: coefficient}, "<=" or ">=", rhs)``.

        >>> c = ConstrainedWeights.from_inequalities(
        ...     ["a", "b", "c"], [({"a": 1, "b": -2}, ">=", 0)])   # w_a ≥ 2 w_b
        >>> w = c.sample(np.random.default_rng(0), 200)
        >>> bool((w[:, 0] >= 2 * w[:, 1] - 1e-9).all())
        True
        """
        criteria = _ids(criteria)
        index = {c: i for i, c in enumerate(criteria)}
        A: list[FloatArray] = []
        b: list[float] = []
        found: list[Problem] = []
        for n, (coefficients, op, rhs) in enumerate(rows):
            row = np.zeros(len(criteria))
            for c, v in coefficients.items():
                if str(c) not in index:
                    found.append(Problem(f"constraint {n + 1}", f"unknown criterion {c!r}"))
                    continue
                row[index[str(c)]] = float(v)
            if op not in ("<=", ">="):
                found.append(Problem(f"constraint {n + 1}", f"operator {op!r} is not <= or >="))
            sign = -1.0 if op == ">=" else 1.0
            A.append(sign * row)
            b.append(sign * float(rhs))
        raise_if(found, "Invalid weight constraints")
        return cls(criteria, np.array(A).reshape(-1, len(criteria)), np.array(b), **options)

    @classmethod
    def from_bounds(
        cls,
        criteria: Sequence[str],
        lower: Mapping[str, float] | pd.Series | None = None,
        upper: Mapping[str, float] | pd.Series | None = None,
        **options: Any,
    ) -> ConstrainedWeights:
        """``lower ≤ w ≤ upper`` per criterion, for bounds too tight for rejection."""
        criteria = _ids(criteria)
        lo = _series_over(lower, criteria, 0.0)
        hi = _series_over(upper, criteria, 1.0)
        eye = np.eye(len(criteria))
        return cls(criteria, np.vstack([-eye, eye]), np.concatenate([-lo, hi]), **options)

    @classmethod
    def from_tree(
        cls,
        roots: Iterable[Criterion],
        global_bounds: Mapping[str, tuple[float, float]] | None = None,
        local_bounds: Mapping[str, tuple[float, float]] | None = None,
        **options: Any,
    ) -> ConstrainedWeights:
        """Bounds on nodes of the criteria hierarchy, over the leaf weights.

        ``global_bounds[node] = (lo, hi)``: ``lo ≤ Σ_{leaves ℓ under node} w_ℓ ≤ hi``.
        ``local_bounds[node] = (lo, hi)``: the node's share of its parent,
        ``lo · W_parent ≤ W_node ≤ hi · W_parent`` (``W`` = sum of the leaf weights below;
        for a top-level node ``W_parent = 1``). Both are linear in the leaf weights.
        """
        nodes = list(walk_tree(tuple(roots)))
        leaves = tuple(c.id for _, c in nodes if c.is_leaf)
        members, parent = _leaf_members(nodes, leaves)
        rows: list[FloatArray] = []
        rhs: list[float] = []
        found: list[Problem] = []
        everything = np.ones(len(leaves))
        for kind, bounds in (("global", global_bounds or {}), ("local", local_bounds or {})):
            for node_id, (lo, hi) in bounds.items():
                problem = _bound_problem(kind, node_id, (lo, hi), members)
                if problem is not None:
                    found.append(problem)
                    continue
                own = members[node_id]
                up = parent[node_id]
                base = everything if kind == "global" or up is None else members[up]
                rows += [lo * base - own, own - hi * base]
                rhs += [0.0, 0.0]
        raise_if(found, "Invalid weight constraints")
        matrix = np.array(rows).reshape(-1, len(leaves))
        return cls(leaves, matrix, np.array(rhs), **options)


def _leaf_members(
    nodes: list[tuple[tuple[str, ...], Criterion]], leaves: tuple[str, ...]
) -> tuple[dict[str, FloatArray], dict[str, str | None]]:
    """Per node of the tree, the 0/1 row over ``leaves`` of the leaves below it (a leaf:
    itself), and its parent (``None`` at the top level)."""
    index = {c: i for i, c in enumerate(leaves)}
    members: dict[str, FloatArray] = {}
    parent: dict[str, str | None] = {}
    for path, node in nodes:
        parent[node.id] = path[-2] if len(path) > 1 else None
        row = np.zeros(len(leaves))
        for _, below in node.walk():
            if below.is_leaf:
                row[index[below.id]] = 1.0
        members[node.id] = row
    return members, parent


def _bound_problem(
    kind: str, node_id: str, bound: tuple[float, float], members: Mapping[str, FloatArray]
) -> Problem | None:
    """What is wrong with a node's ``global`` or ``local`` bound (lo, hi), if anything: an
    unknown criterion, or not ``0 ≤ lo ≤ hi ≤ 1``."""
    lo, hi = bound
    if node_id not in members:
        return Problem(f"{kind}_bounds", f"unknown criterion {node_id!r}")
    if not 0.0 <= lo <= hi <= 1.0:
        return Problem(f"{kind}_bounds[{node_id}]", f"need 0 ≤ lo ({lo}) ≤ hi ({hi}) ≤ 1")
    return None


@attrs.frozen(eq=False)
class MemberWeights:
    """Each committee member's own weights, drawn with equal probability.

    ``table``: one row per member, one column per criterion, each row summing to 1 — e.g.
    the ``members`` of :func:`crmselect.weights.member_weights`.
    The weight space is the discrete set of the members' vectors, so SMAA answers "how
    often does each vendor win under the weights of a randomly chosen member". Exact.
    """

    table: pd.DataFrame
    exact: ClassVar[bool] = True

    def __attrs_post_init__(self) -> None:
        where = "MemberWeights"
        table = self.table
        found = id_problems(_ids(table.columns), "criterion", where)
        found += id_problems(_ids(table.index), "member", where)
        raise_if(found, "Invalid member weights")
        values = table.to_numpy(dtype=float)
        for name, row in zip(_ids(table.index), values, strict=True):
            if not (np.isfinite(row).all() and (row >= 0).all()):
                found.append(Problem(f"{where}[{name}]", "weights must be finite and >= 0"))
            elif abs(row.sum() - 1.0) > WEIGHT_SUM_TOLERANCE:
                found.append(
                    Problem(
                        f"{where}[{name}]",
                        f"weights sum to {row.sum():.6g}, not 1; divide each row by its sum "
                        "(table.div(table.sum(axis=1), axis=0))",
                    )
                )
        raise_if(found, "Invalid member weights")
        frame = pd.DataFrame(values, index=_ids(table.index), columns=_ids(table.columns))
        object.__setattr__(self, "table", frame)

    @property
    def criteria(self) -> tuple[str, ...]:
        return _ids(self.table.columns)

    @property
    def description(self) -> str:
        """What the draws assume, in words (for reports and the workbook)."""
        return f"each of {len(self.table)} committee members' own weights, equally often"

    def sample(self, rng: np.random.Generator, n: int) -> FloatArray:
        values = self.table.to_numpy(dtype=float)
        return values[rng.integers(len(values), size=n)]


@attrs.frozen(eq=False)
class FixedWeights:
    """Always the same weights (e.g. the committee's): SMAA then measures the effect of
    uncertain performance alone. Exact."""

    weights: pd.Series
    exact: ClassVar[bool] = True

    def __attrs_post_init__(self) -> None:
        checked = check_weights(self.weights, _ids(self.weights.index), "weights")
        object.__setattr__(self, "weights", checked)

    @property
    def criteria(self) -> tuple[str, ...]:
        return _ids(self.weights.index)

    @property
    def description(self) -> str:
        """What the draws assume, in words (for reports and the workbook)."""
        return "the given weights, fixed: only the performance varies"

    def sample(self, rng: np.random.Generator, n: int) -> FloatArray:
        return np.tile(self.weights.to_numpy(dtype=float), (n, 1))


# -- performance samplers ----------------------------------------------------------------------


def _frame(values: FloatArray, vendors: Sequence[str], criteria: Sequence[str]) -> pd.DataFrame:
    return pd.DataFrame(
        values,
        index=pd.Index(list(vendors), name="vendor"),
        columns=pd.Index(list(criteria), name="criterion"),
    )


@attrs.frozen(eq=False)
class PerformanceDraws:
    """Given draws of the performance matrix (``draws × vendors × criteria``), e.g. a
    bootstrap over evaluators or a posterior; each SMAA sample picks one draw uniformly
    (with replacement). ``mean`` is their average."""

    values: FloatArray = attrs.field(converter=_array)
    vendors: tuple[str, ...] = attrs.field(converter=_ids)
    criteria: tuple[str, ...] = attrs.field(converter=_ids)

    def __attrs_post_init__(self) -> None:
        where = "PerformanceDraws"
        found = id_problems(self.vendors, "vendor", where)
        found += id_problems(self.criteria, "criterion", where)
        shape = (len(self.vendors), len(self.criteria))
        if self.values.ndim != 3 or self.values.shape[1:] != shape or not len(self.values):
            found.append(
                Problem(
                    where,
                    f"values have shape {self.values.shape}; expected (draws, {shape[0]} "
                    f"vendors, {shape[1]} criteria)",
                )
            )
        raise_if(found, "Invalid performance draws")
        flat = self.values.transpose(1, 0, 2).reshape(shape[0], -1)
        crit = [c for _ in range(len(self.values)) for c in self.criteria]
        raise_if(cell_problems(flat, self.vendors, crit, where), "Invalid performance draws")
        object.__setattr__(self, "values", np.clip(self.values, 0.0, 1.0))

    @classmethod
    def from_frames(cls, frames: Sequence[pd.DataFrame]) -> PerformanceDraws:
        """Draws given as DataFrames with the same labels."""
        first = check_matrix(frames[0], "frames[0]")
        stacked = [
            check_matrix(f, f"frames[{i}]").reindex(index=first.index, columns=first.columns)
            for i, f in enumerate(frames)
        ]
        return cls(np.stack([f.to_numpy() for f in stacked]), first.index, first.columns)

    @property
    def mean(self) -> pd.DataFrame:
        return _frame(self.values.mean(axis=0), self.vendors, self.criteria)

    def sample(self, rng: np.random.Generator, n: int) -> FloatArray:
        return self.values[rng.integers(len(self.values), size=n)]


@attrs.frozen(eq=False)
class NormalPerformance:
    """Each cell ``N(mean, std²)`` independently, clipped to [0, 1].

    ``std`` is a frame like ``mean`` (per-cell standard errors, e.g. the spread of the
    evaluators' demo scores over √panel size) or one number for every cell. Clipping
    piles probability on 0 and 1, so cells near the ends have a slightly biased mean.
    """

    mean: pd.DataFrame
    std: pd.DataFrame | float

    def __attrs_post_init__(self) -> None:
        mean = check_matrix(self.mean, "mean")
        std = _like(self.std, mean, "std")
        bad = ~(np.isfinite(std.to_numpy()) & (std.to_numpy() >= 0))
        raise_if(
            [Problem("std", "standard errors must be finite and >= 0")] if bad.any() else [],
            "Invalid performance uncertainty",
        )
        object.__setattr__(self, "mean", mean)
        object.__setattr__(self, "std", std)

    @property
    def vendors(self) -> tuple[str, ...]:
        return _ids(self.mean.index)

    @property
    def criteria(self) -> tuple[str, ...]:
        return _ids(self.mean.columns)

    def sample(self, rng: np.random.Generator, n: int) -> FloatArray:
        mu = self.mean.to_numpy()
        sd = _like(self.std, self.mean, "std").to_numpy()
        draws = mu + sd * rng.standard_normal((n, *mu.shape))
        return np.clip(draws, 0.0, 1.0, out=draws)


@attrs.frozen(eq=False)
class IntervalPerformance:
    """Each cell uniform on ``[lower, upper]`` independently (e.g. the lowest and highest
    evaluator score). ``mean`` is the midpoint."""

    lower: pd.DataFrame
    upper: pd.DataFrame

    def __attrs_post_init__(self) -> None:
        lower = check_matrix(self.lower, "lower")
        upper = _like(self.upper, lower, "upper")
        upper = check_matrix(upper, "upper")
        crossed = (lower.to_numpy() > upper.to_numpy()).any()
        raise_if(
            [Problem("lower", "some lower values exceed the upper ones")] if crossed else [],
            "Invalid performance intervals",
        )
        object.__setattr__(self, "lower", lower)
        object.__setattr__(self, "upper", upper)

    @property
    def vendors(self) -> tuple[str, ...]:
        return _ids(self.lower.index)

    @property
    def criteria(self) -> tuple[str, ...]:
        return _ids(self.lower.columns)

    @property
    def mean(self) -> pd.DataFrame:
        return (self.lower + self.upper) / 2

    def sample(self, rng: np.random.Generator, n: int) -> FloatArray:
        lo, hi = self.lower.to_numpy(dtype=float), self.upper.to_numpy(dtype=float)
        return np.asarray(lo + (hi - lo) * rng.random((n, *lo.shape)), dtype=np.float64)


def _like(value: pd.DataFrame | float, template: pd.DataFrame, where: str) -> pd.DataFrame:
    """``value`` as a frame with ``template``'s labels (a number fills every cell)."""
    if isinstance(value, numbers.Real):  # Python or numpy
        return pd.DataFrame(float(value), index=template.index, columns=template.columns)
    if not isinstance(value, pd.DataFrame):
        raise ValidationError(
            "Invalid performance uncertainty",
            [Problem(where, "expected a number or a DataFrame like the mean")],
        )
    frame = value.copy()
    frame.index = pd.Index(_ids(frame.index), name="vendor")
    frame.columns = pd.Index(_ids(frame.columns), name="criterion")
    if set(frame.index) != set(template.index) or set(frame.columns) != set(template.columns):
        raise ValidationError(
            "Invalid performance uncertainty",
            [Problem(where, "must have the same vendors and criteria as the point estimate")],
        )
    return frame.reindex(index=template.index, columns=template.columns).astype(float)
