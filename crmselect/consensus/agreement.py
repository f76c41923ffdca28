"""How far the evaluation panel agrees: Kendall's W, intraclass correlations, Krippendorff's α.

Every statistic takes the same table: **evaluators × items** (rows are raters, columns are
what they scored; a DataFrame or a 2-D array; higher is better). For the panel, an item is
one ``(vendor, script, criterion)``; :func:`panel_agreement` computes them all overall, per
criterion, per script and per (script, criterion) cell.

**Kendall's coefficient of concordance** (Kendall & Babington Smith 1939): each of the *m*
evaluators ranks the *n* items (mid-ranks for ties); ``R_j`` is item *j*'s rank sum and
``S = Σ_j (R_j − m(n + 1)/2)²``. With ties,

    W = 12 S / (m² (n³ − n) − m Σ_i T_i),   T_i = Σ_t (t³ − t)

over the groups of *t* tied scores in evaluator *i*'s ranking. W = 1 when every evaluator
orders the items alike, and its expectation under random, independent rankings is 1/m.
The test statistic ``χ² = m (n − 1) W`` is approximately χ² with ``n − 1`` degrees of
freedom; it *is* Friedman's tie-corrected statistic (``scipy.stats.friedmanchisquare`` with
evaluators as blocks), so ``W = χ²_F / (m (n − 1))``. The approximation is rough for
n < 7 items; treat p-values of small tables as indicative.

**Intraclass correlations** (Shrout & Fleiss 1979; McGraw & Wong 1996) from the two-way
ANOVA of the n items ("targets") × k evaluators table: mean squares between items MSR,
between evaluators MSC, residual MSE, and within items MSW (one-way)::

    ICC(1,1) = (MSR − MSW) / (MSR + (k − 1) MSW)          ICC(1,k) = (MSR − MSW) / MSR
    ICC(2,1) = (MSR − MSE) / (MSR + (k − 1) MSE + k (MSC − MSE)/n)
    ICC(2,k) = (MSR − MSE) / (MSR + (MSC − MSE)/n)
    ICC(3,1) = (MSR − MSE) / (MSR + (k − 1) MSE)          ICC(3,k) = (MSR − MSE) / MSR

ICC(2,·) is *absolute agreement* with evaluators as a random sample of possible panel
members; ICC(3,·) is *consistency* of these fixed evaluators (a member who scores
everything one point higher does not lower it). ``·,k`` is the reliability of the panel
mean of k evaluators — the number that scoring uses — ``·,1`` that of a single evaluator.
Confidence intervals are the F-based ones of Shrout & Fleiss (Satterthwaite's degrees of
freedom for ICC(2,·); McGraw & Wong's ICC(A,k) interval for ICC(2,k)). Bands for reading
an ICC (Koo & Li 2016): < 0.5 poor, 0.5–0.75 moderate, 0.75–0.9 good, > 0.9 excellent.

**Krippendorff's α** (Krippendorff 2004, 2011) tolerates missing scores: from the
coincidence matrix ``o_ck`` of pairable values (units with at least two scores), ``n_c`` its
margins and ``n`` their total, ``α = 1 − (n − 1) Σ o_ck δ²_ck / Σ n_c n_k δ²_ck`` with the
metric ``δ²`` of the chosen level — interval ``(c − k)²``, ratio ``((c − k)/(c + k))²``,
ordinal ``(Σ_{g=c..k} n_g − (n_c + n_k)/2)²``, nominal ``[c ≠ k]``.

References: M. G. Kendall and B. Babington Smith (1939), *The problem of m rankings*, Ann.
Math. Statist. 10(3) 275–287; P. E. Shrout and J. L. Fleiss (1979), *Intraclass
correlations: uses in assessing rater reliability*, Psychological Bulletin 86(2) 420–428;
K. O. McGraw and S. P. Wong (1996), *Forming inferences about some intraclass correlation
coefficients*, Psychological Methods 1(1) 30–46; K. Krippendorff (2004), *Content Analysis*,
2nd ed., ch. 11, and (2011) *Computing Krippendorff's alpha-reliability*; T. K. Koo and
M. Y. Li (2016), J. Chiropractic Medicine 15(2) 155–163.
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Sequence
from typing import TYPE_CHECKING, Literal, TypeAlias

import attrs
import numpy as np
import numpy.typing as npt
import pandas as pd

from crmselect._version import __version__
from crmselect.consensus._panel import ITEM_LEVELS, FloatArray, Panel, PanelLike, as_panel
from crmselect.consensus._ranks import mid_ranks
from crmselect.display import flat_index, html_table
from crmselect.errors import Problem, ValidationError
from crmselect.scales import DemoScale

if TYPE_CHECKING:
    from matplotlib.axes import Axes

MissingRule: TypeAlias = Literal["raise", "drop_items", "drop_evaluators"]
AlphaLevel: TypeAlias = Literal["nominal", "ordinal", "interval", "ratio"]
ICC_KINDS = ("ICC(1,1)", "ICC(1,k)", "ICC(2,1)", "ICC(2,k)", "ICC(3,1)", "ICC(3,k)")
_ICC_DESCRIPTIONS = (
    "one-way random, single evaluator",
    "one-way random, mean of k evaluators",
    "two-way random, absolute agreement, single evaluator",
    "two-way random, absolute agreement, mean of k evaluators",
    "two-way mixed, consistency, single evaluator",
    "two-way mixed, consistency, mean of k evaluators",
)


# -- input tables -------------------------------------------------------------------------------


def _table(
    scores: pd.DataFrame | npt.ArrayLike, what: str
) -> tuple[FloatArray, list[str], list[str]]:
    """An evaluators × items table as a float array with row and column labels."""
    if isinstance(scores, pd.DataFrame):
        rows = [_label(r) for r in scores.index]
        columns = [_label(c) for c in scores.columns]
        raw: object = scores.to_numpy()
    else:
        raw = scores
        rows, columns = [], []
    try:
        values = np.array(raw, dtype=float)
    except (TypeError, ValueError):
        raise ValidationError(
            f"Invalid {what} table",
            [Problem(what, "scores must be numbers (NaN for missing)")],
        ) from None
    if values.ndim != 2:
        raise ValidationError(
            f"Invalid {what} table",
            [Problem(what, f"expected an evaluators × items table, got shape {values.shape}")],
        )
    if np.isinf(values).any():
        raise ValidationError(f"Invalid {what} table", [Problem(what, "scores must be finite")])
    if not rows:
        rows = [f"e{i + 1}" for i in range(values.shape[0])]
        columns = [f"i{j + 1}" for j in range(values.shape[1])]
    return values, rows, columns


def _label(value: Hashable) -> str:
    return "/".join(map(str, value)) if isinstance(value, tuple) else str(value)


def _complete(
    values: FloatArray, rows: list[str], columns: list[str], missing: MissingRule, what: str
) -> tuple[FloatArray, list[str], list[str], tuple[str, ...]]:
    """Drop items or evaluators with missing scores as ``missing`` says."""
    holes = np.isnan(values)
    if not holes.any():
        return values, rows, columns, ()
    if missing == "drop_items":
        keep = [not bool(h) for h in np.asarray(holes.any(axis=0)).tolist()]
        dropped = tuple(c for c, k in zip(columns, keep, strict=True) if not k)
        kept = [c for c, k in zip(columns, keep, strict=True) if k]
        return values[:, np.array(keep)], rows, kept, dropped
    if missing == "drop_evaluators":
        keep = [not bool(h) for h in np.asarray(holes.any(axis=1)).tolist()]
        dropped = tuple(r for r, k in zip(rows, keep, strict=True) if not k)
        kept = [r for r, k in zip(rows, keep, strict=True) if k]
        return values[np.array(keep)], kept, columns, dropped
    where = [f"{rows[i]}/{columns[j]}" for i, j in zip(*np.nonzero(holes), strict=True)]
    raise ValidationError(
        f"Missing scores in the {what} table",
        [
            Problem(
                what,
                f"{len(where)} missing score(s) (first: {where[0]}); pass "
                "missing='drop_items' or 'drop_evaluators'",
            )
        ],
    )


def _need(m: int, n: int, what: str) -> None:
    if m < 2 or n < 2:
        raise ValidationError(
            f"Too small a {what} table",
            [Problem(what, f"needs at least 2 evaluators and 2 items; has {m} × {n}")],
        )


# -- Kendall's W --------------------------------------------------------------------------------


@attrs.frozen(eq=False)
class KendallW:
    """Kendall's coefficient of concordance with its χ² test (see the module docstring).

    ``ties`` is ``Σ_i T_i``; ``ranks`` the evaluators' mid-ranks (evaluators × items);
    ``dropped`` the items or evaluators left out for missing scores. ``w`` is NaN when
    every evaluator tied every item (nothing to agree on).
    """

    w: float
    chi2: float
    df: int
    p_value: float
    m: int
    n: int
    ties: float
    ranks: pd.DataFrame
    dropped: tuple[str, ...] = ()

    @property
    def rank_sums(self) -> pd.Series:
        """``R_j`` per item."""
        return self.ranks.sum(axis=0).rename("rank_sum")

    def to_dict(self) -> dict[str, float | int]:
        return {
            "w": self.w,
            "chi2": self.chi2,
            "df": self.df,
            "p_value": self.p_value,
            "m": self.m,
            "n": self.n,
        }

    def __repr__(self) -> str:
        return (
            f"<KendallW W={self.w:.3f}, χ²={self.chi2:.2f}, df={self.df}, "
            f"p={self.p_value:.3g} ({self.m} evaluators × {self.n} items)>"
        )

    def to_frame(self) -> pd.DataFrame:
        """One row per item: each evaluator's mid-rank and the item's ``rank_sum``."""
        return self.ranks.T.assign(rank_sum=self.rank_sums).rename_axis("item")

    def _repr_html_(self) -> str:
        frame = self.to_frame()
        caption = (
            f"Kendall's W = {self.w:.3f} (χ² = {self.chi2:.2f}, df = {self.df}, "
            f"p = {self.p_value:.3g}); mid-ranks per evaluator"
        )
        return html_table(frame, caption=caption)


def kendalls_w(scores: pd.DataFrame | npt.ArrayLike, *, missing: MissingRule = "raise") -> KendallW:
    """Kendall's W (tie-corrected) of an evaluators × items table, higher = better.

    ``missing``: ``"raise"`` on NaN (default), or drop the items / evaluators that have one.

    >>> r = kendalls_w([[1, 2, 3], [1, 3, 2], [2, 1, 3]])
    >>> round(r.w, 4), round(r.chi2, 4), r.df
    (0.4444, 2.6667, 2)
    """
    # the χ² distribution's sf is scipy.special's chdtrc (as in scipy.stats)
    from scipy import special  # type: ignore[import-untyped, unused-ignore]

    values, rows, columns = _table(scores, "Kendall's W")
    values, rows, columns, dropped = _complete(values, rows, columns, missing, "Kendall's W")
    m, n = values.shape
    _need(m, n, "Kendall's W")
    ranks = mid_ranks(values)
    rank_sums = ranks.sum(axis=0)
    s = float(((rank_sums - m * (n + 1) / 2) ** 2).sum())
    ties = _tie_sum(values)
    denominator = m**2 * (n**3 - n) - m * ties
    w = 12 * s / denominator if denominator > 0 else math.nan
    chi2 = m * (n - 1) * w
    p = float(special.chdtrc(n - 1, chi2)) if not math.isnan(chi2) else math.nan
    frame = pd.DataFrame(
        ranks, index=pd.Index(rows, name="evaluator"), columns=pd.Index(columns, name="item")
    )
    return KendallW(w, chi2, n - 1, p, m, n, ties, frame, dropped)


def _tie_sum(values: FloatArray) -> float:
    """``Σ_i T_i = Σ_i Σ_t (t³ − t)`` over the groups of *t* equal scores in each row, all
    rows at once (sorted, a group starts where a row starts or its value changes)."""
    ordered = np.sort(values, axis=1)
    starts = np.ones(ordered.shape, dtype=bool)
    starts[:, 1:] = ordered[:, 1:] != ordered[:, :-1]
    first = np.flatnonzero(starts)
    sizes = np.diff(np.append(first, ordered.size))
    return float((sizes**3 - sizes).sum())


# -- ICC ----------------------------------------------------------------------------------------


@attrs.frozen(eq=False)
class ICCResult:
    """The six Shrout–Fleiss intraclass correlations of an evaluators × items table.

    ``table`` (index :data:`ICC_KINDS`): ``description``, ``icc``, ``F``, ``df1``, ``df2``,
    ``p_value`` (H0: ICC = 0), ``ci_low``, ``ci_high`` at ``confidence``. ``n`` items
    (targets), ``k`` evaluators; the ANOVA mean squares are kept.
    """

    table: pd.DataFrame
    n: int
    k: int
    ms_rows: float
    ms_columns: float
    ms_error: float
    ms_within: float
    confidence: float
    dropped: tuple[str, ...] = ()

    @property
    def icc2k(self) -> float:
        """ICC(2,k): absolute agreement of the panel mean."""
        return self._get("ICC(2,k)", "icc")

    @property
    def icc3k(self) -> float:
        """ICC(3,k): consistency of the panel mean."""
        return self._get("ICC(3,k)", "icc")

    @property
    def icc2(self) -> float:
        """ICC(2,1): absolute agreement of a single evaluator."""
        return self._get("ICC(2,1)", "icc")

    @property
    def icc3(self) -> float:
        """ICC(3,1): consistency of a single evaluator."""
        return self._get("ICC(3,1)", "icc")

    def _get(self, kind: str, column: str) -> float:
        if kind not in ICC_KINDS:
            raise ValidationError(
                "Unknown ICC", [Problem("kind", f"{kind!r} is not one of {', '.join(ICC_KINDS)}")]
            )
        return float(self.table[column].to_numpy(dtype=float)[ICC_KINDS.index(kind)])

    def interval(self, kind: str = "ICC(2,k)") -> tuple[float, float]:
        """``(ci_low, ci_high)`` of one ICC (one of :data:`ICC_KINDS`)."""
        return self._get(kind, "ci_low"), self._get(kind, "ci_high")

    def __repr__(self) -> str:
        low, high = self.interval()
        return (
            f"<ICCResult ICC(2,k)={self.icc2k:.3f} [{low:.3f}, {high:.3f}], "
            f"ICC(3,k)={self.icc3k:.3f} ({self.n} items × {self.k} evaluators)>"
        )

    def to_frame(self) -> pd.DataFrame:
        """:attr:`table`: one row per ICC kind."""
        return self.table.copy()

    def _repr_html_(self) -> str:
        frame = self.to_frame()
        for c in ("icc", "F", "ci_low", "ci_high"):
            frame[c] = frame[c].map(lambda v: f"{v:.3f}")
        frame["p_value"] = frame["p_value"].map(lambda v: f"{v:.3g}")
        caption = (
            f"Intraclass correlations, {self.n} items × {self.k} evaluators, "
            f"{self.confidence:.0%} confidence intervals"
        )
        return html_table(frame, caption=caption)


def icc(
    scores: pd.DataFrame | npt.ArrayLike,
    *,
    confidence: float = 0.95,
    missing: MissingRule = "raise",
) -> ICCResult:
    """Intraclass correlations ICC(1..3, 1 and k) of an **evaluators × items** table (raters
    as rows, like :func:`kendalls_w`; Shrout & Fleiss print the transpose) with F-based
    confidence intervals (formulas in the module docstring).

    >>> sf = [[9, 6, 8, 7, 10, 6], [2, 1, 4, 1, 5, 2], [5, 3, 6, 2, 6, 4], [8, 2, 8, 6, 9, 7]]
    >>> r = icc(sf)   # Shrout & Fleiss (1979), Table 2: 4 judges × 6 targets
    >>> round(r.icc2, 2), round(r.icc2k, 2), round(r.icc3, 2), round(r.icc3k, 2)
    (0.29, 0.62, 0.71, 0.91)
    """
    if not 0 < confidence < 1:
        raise ValidationError(
            "Invalid confidence", [Problem("confidence", f"{confidence} must lie in (0, 1)")]
        )
    values, rows, columns = _table(scores, "ICC")
    values, rows, columns, dropped = _complete(values, rows, columns, missing, "ICC")
    _need(values.shape[0], values.shape[1], "ICC")
    y = values.T  # targets × raters
    n, k = y.shape
    grand = y.mean()
    ss_rows = k * float(((y.mean(axis=1) - grand) ** 2).sum())
    ss_cols = n * float(((y.mean(axis=0) - grand) ** 2).sum())
    ss_total = float(((y - grand) ** 2).sum())
    msr = ss_rows / (n - 1)
    msc = ss_cols / (k - 1)
    mse = max(ss_total - ss_rows - ss_cols, 0.0) / ((n - 1) * (k - 1))
    msw = max(ss_total - ss_rows, 0.0) / (n * (k - 1))
    rows_out = _icc_rows(n, k, msr, msc, mse, msw, 1 - confidence)
    table = pd.DataFrame(
        rows_out,
        index=pd.Index(ICC_KINDS, name="kind"),
        columns=["icc", "F", "df1", "df2", "p_value", "ci_low", "ci_high"],
    )
    table.insert(0, "description", list(_ICC_DESCRIPTIONS))
    return ICCResult(table, n, k, msr, msc, mse, msw, confidence, dropped)


def _div(a: float, b: float, scale: float = 0.0) -> float:
    """``a / b``, with a ``b`` within ``1e-12 · scale`` of 0 taken as exactly 0 (±inf, or
    NaN for 0/0): a denominator that is 0 in exact arithmetic must not turn into ±1e16 —
    or flip its sign — with the order of the rows, through rounding."""
    tolerance = 1e-12 * scale
    if abs(b) <= tolerance:
        return math.nan if abs(a) <= tolerance else math.copysign(math.inf, a)
    return a / b


def _icc_rows(
    n: int, k: int, msr: float, msc: float, mse: float, msw: float, alpha: float
) -> list[tuple[float, ...]]:
    # the F distribution's sf and ppf are scipy.special's fdtrc and fdtri (as in scipy.stats)
    from scipy import special  # type: ignore[import-untyped, unused-ignore]

    df1, df1w, df2 = n - 1, n * (k - 1), (n - 1) * (k - 1)
    scale = msr + msc + mse + msw  # the size of the mean squares, for rounding noise
    icc1 = _div(msr - msw, msr + (k - 1) * msw, scale)
    icc1k = _div(msr - msw, msr, scale)
    icc2 = _div(msr - mse, msr + (k - 1) * mse + k * (msc - mse) / n, scale)
    icc2k = _div(msr - mse, msr + (msc - mse) / n, scale)
    icc3 = _div(msr - mse, msr + (k - 1) * mse, scale)
    icc3k = _div(msr - mse, msr, scale)
    f1 = _div(msr, msw, scale)
    f3 = _div(msr, mse, scale)
    p1 = float(special.fdtrc(df1, df1w, f1)) if not math.isnan(f1) else math.nan
    p3 = float(special.fdtrc(df1, df2, f3)) if not math.isnan(f3) else math.nan
    upper = 1 - alpha / 2
    # one-way and consistency: exact F intervals (Shrout & Fleiss 1979, eqs. 6–7, 12–13)
    f1_low = _div(f1, float(special.fdtri(df1, df1w, upper)))
    f1_high = f1 * float(special.fdtri(df1w, df1, upper))
    f3_low = _div(f3, float(special.fdtri(df1, df2, upper)))
    f3_high = f3 * float(special.fdtri(df2, df1, upper))
    # absolute agreement: Satterthwaite approximation (Shrout & Fleiss 1979, eqs. 9–11)
    fj = _div(msc, mse, scale)
    a = k * icc2 * fj + n * (1 + (k - 1) * icc2) - k * icc2
    b = df1 * k**2 * icc2**2 * fj**2 + (n * (1 + (k - 1) * icc2) - k * icc2) ** 2
    v = _div(df2 * a**2, b)
    if math.isfinite(v) and v > 0:
        f_star = float(special.fdtri(df1, v, upper))
        f_star_rev = float(special.fdtri(v, df1, upper))
        spread = k * msc + (k * n - k - n) * mse
        icc2_low = _div(n * (msr - f_star * mse), f_star * spread + n * msr)
        icc2_high = _div(n * (f_star_rev * msr - mse), spread + n * f_star_rev * msr)
        # McGraw & Wong (1996), ICC(A,k): the Spearman–Brown step-up of the bounds above
        icc2k_low = _div(n * (msr - f_star * mse), f_star * (msc - mse) + n * msr)
        icc2k_high = _div(n * (f_star_rev * msr - mse), msc - mse + n * f_star_rev * msr)
    else:
        icc2_low = icc2_high = icc2k_low = icc2k_high = math.nan
    return [
        (icc1, f1, df1, df1w, p1, _sb1(f1_low, k), _sb1(f1_high, k)),
        (icc1k, f1, df1, df1w, p1, _one_minus_inv(f1_low), _one_minus_inv(f1_high)),
        (icc2, f3, df1, df2, p3, icc2_low, icc2_high),
        (icc2k, f3, df1, df2, p3, icc2k_low, icc2k_high),
        (icc3, f3, df1, df2, p3, _sb1(f3_low, k), _sb1(f3_high, k)),
        (icc3k, f3, df1, df2, p3, _one_minus_inv(f3_low), _one_minus_inv(f3_high)),
    ]


def _sb1(f: float, k: int) -> float:
    """``(F − 1)/(F + k − 1)``: a single-rater bound from an F bound."""
    if math.isinf(f):
        return 1.0
    return _div(f - 1, f + k - 1)


def _one_minus_inv(f: float) -> float:
    """``1 − 1/F``: a k-rater bound from an F bound."""
    return 1.0 - _div(1.0, f)


# -- Krippendorff's alpha -----------------------------------------------------------------------


@attrs.frozen(eq=False)
class AlphaResult:
    """Krippendorff's α: ``alpha``, the ``level`` of measurement, the ``n_units`` with at
    least two scores, the ``n_values`` they hold (n), and observed / expected disagreement."""

    alpha: float
    level: AlphaLevel
    n_units: int
    n_values: int
    d_observed: float
    d_expected: float

    def to_frame(self) -> pd.DataFrame:
        """One row, indexed by the level of measurement: ``alpha``, ``n_units``,
        ``n_values``, ``d_observed``, ``d_expected``."""
        return pd.DataFrame(
            {
                "alpha": [self.alpha],
                "n_units": [self.n_units],
                "n_values": [self.n_values],
                "d_observed": [self.d_observed],
                "d_expected": [self.d_expected],
            },
            index=pd.Index([self.level], name="level"),
        )

    def __repr__(self) -> str:
        return (
            f"<AlphaResult α={self.alpha:.3f} ({self.level}; {self.n_units} units, "
            f"{self.n_values} pairable values)>"
        )

    def _repr_html_(self) -> str:
        frame = self.to_frame().astype(object)
        for c in ("alpha", "d_observed", "d_expected"):
            frame[c] = frame[c].map(lambda v: f"{v:.3f}")
        caption = f"Krippendorff's α ({self.level}) = {self.alpha:.3f}"
        return html_table(frame, caption=caption)


def krippendorff_alpha(
    scores: pd.DataFrame | npt.ArrayLike, level: AlphaLevel = "interval"
) -> AlphaResult:
    """Krippendorff's α of an evaluators × items table; NaN marks a missing score.

    >>> nan = float("nan")   # Krippendorff (2011), the 4 observers × 12 units example
    >>> data = [[1, 2, 3, 3, 2, 1, 4, 1, 2, nan, nan, nan],
    ...         [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, nan, 3],
    ...         [nan, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, nan],
    ...         [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, nan]]
    >>> [round(krippendorff_alpha(data, lv).alpha, 3)
    ...  for lv in ("nominal", "ordinal", "interval", "ratio")]
    [0.743, 0.815, 0.849, 0.797]
    """
    if level not in ("nominal", "ordinal", "interval", "ratio"):
        raise ValidationError(
            "Invalid level of measurement",
            [Problem("level", f"{level!r} is not nominal, ordinal, interval or ratio")],
        )
    values, _, _ = _table(scores, "Krippendorff's alpha")
    pairable = (~np.isnan(values)).sum(axis=0) >= 2
    units = values[:, pairable]
    given = ~np.isnan(units)
    distinct = np.unique(units[given])
    if distinct.size == 0:
        raise ValidationError(
            "No pairable scores",
            [Problem("Krippendorff's alpha", "no item has scores from two evaluators")],
        )
    index = np.searchsorted(distinct, np.where(given, units, distinct[0]))
    counts = np.zeros((units.shape[1], distinct.size))
    for i in range(units.shape[0]):
        np.add.at(counts, (np.nonzero(given[i])[0], index[i][given[i]]), 1.0)
    per_unit = counts.sum(axis=1)
    scaled = counts / (per_unit - 1)[:, None]
    coincidence = counts.T @ scaled - np.diag(scaled.sum(axis=0))
    margins = coincidence.sum(axis=1)
    total = float(margins.sum())
    delta = _metric(distinct, margins, level)
    d_observed = float((coincidence * delta).sum()) / total
    d_expected = float((np.outer(margins, margins) * delta).sum()) / (total * (total - 1))
    alpha = 1.0 - d_observed / d_expected if d_expected > 0 else math.nan
    return AlphaResult(alpha, level, int(pairable.sum()), int(given.sum()), d_observed, d_expected)


def _metric(values: FloatArray, margins: FloatArray, level: AlphaLevel) -> FloatArray:
    """δ²(c, k) over the distinct values (Krippendorff 2011, section E)."""
    c, k = np.meshgrid(values, values, indexing="ij")
    if level == "nominal":
        return np.asarray(c != k, dtype=float)
    if level == "interval":
        return np.asarray((c - k) ** 2, dtype=float)
    if level == "ratio":
        with np.errstate(invalid="ignore", divide="ignore"):
            ratio = np.where(c + k != 0, (c - k) / (c + k), 0.0)
        return np.asarray(ratio**2, dtype=float)
    cumulative = np.cumsum(margins)
    i, j = np.meshgrid(np.arange(values.size), np.arange(values.size), indexing="ij")
    lo, hi = np.minimum(i, j), np.maximum(i, j)
    between = cumulative[hi] - cumulative[lo] + margins[lo]
    return np.asarray((between - (margins[lo] + margins[hi]) / 2) ** 2, dtype=float)


# -- the panel ----------------------------------------------------------------------------------

AGREEMENT_COLUMNS = (
    "m",
    "n",
    "dropped",
    "w",
    "chi2",
    "df",
    "p_value",
    "icc2k",
    "icc2k_low",
    "icc2k_high",
    "icc3k",
    "alpha",
)


def icc_band(value: float) -> str:
    """Koo & Li (2016) reading of an ICC: poor, moderate, good or excellent."""
    if math.isnan(value):
        return "undefined"
    if value < 0.5:
        return "poor"
    if value < 0.75:
        return "moderate"
    if value < 0.9:
        return "good"
    return "excellent"


def _row(values: FloatArray, confidence: float) -> dict[str, float]:
    """Agreement statistics of one evaluators × items sub-table (NaN where undefined)."""
    scored = ~np.isnan(values).all(axis=1)
    values = values[scored]
    complete = values[:, ~np.isnan(values).any(axis=0)] if values.size else values
    row: dict[str, float] = dict.fromkeys(AGREEMENT_COLUMNS, math.nan)
    row["dropped"] = float(values.shape[1] - complete.shape[1]) if values.size else 0.0
    m, n = complete.shape if complete.size else (values.shape[0], 0)
    row["m"], row["n"] = float(m), float(n)
    if m >= 2 and n >= 2:
        w = kendalls_w(complete)
        row.update(w=w.w, chi2=w.chi2, df=float(w.df), p_value=w.p_value)
        c = icc(complete, confidence=confidence)
        low, high = c.interval("ICC(2,k)")
        row.update(icc2k=c.icc2k, icc2k_low=low, icc2k_high=high, icc3k=c.icc3k)
    if values.size and ((~np.isnan(values)).sum(axis=0) >= 2).any():
        row["alpha"] = krippendorff_alpha(values).alpha
    return row


@attrs.frozen(eq=False)
class PanelAgreement:
    """Agreement of the evaluation panel, overall and in detail.

    ``vendors``: Kendall's W of the evaluators' vendor rankings (each evaluator's mean score
    per vendor over the items they scored) — do they agree who demoed best? ``overall``,
    ``icc`` and ``alpha``: over every item. ``table`` (index ``scope, key``; scope
    ``vendors``, ``overall``, ``criterion``, ``script``, ``cell``; columns
    :data:`AGREEMENT_COLUMNS`): the same statistics per criterion, per script and per
    (script, criterion) cell, where items with a missing score are left out of W and ICC
    (``dropped``) and kept for α. ``pairwise``: Spearman's ρ between every two evaluators
    over the items both scored.
    """

    panel: Panel
    vendors: KendallW
    overall: KendallW
    icc: ICCResult
    alpha: AlphaResult
    table: pd.DataFrame
    pairwise: pd.DataFrame
    confidence: float
    version: str = __version__

    @property
    def headline(self) -> str:
        """One paragraph for the committee (what ``crmselect demo`` prints)."""
        v, o = self.vendors, self.overall
        low, high = self.icc.interval("ICC(2,k)")
        return (
            f"Vendor ranking: Kendall's W = {v.w:.2f} (χ² = {v.chi2:.1f}, df = {v.df}, "
            f"{_p(v.p_value)}; {v.m} evaluators × {v.n} vendors). All {o.n} items scored by "
            f"everyone: W = {o.w:.2f} ({_p(o.p_value)}), ICC(2,k) = {self.icc.icc2k:.2f} "
            f"[{low:.2f}, {high:.2f}] ({icc_band(self.icc.icc2k)}), ICC(3,k) = "
            f"{self.icc.icc3k:.2f}, Krippendorff's α (interval) = {self.alpha.alpha:.2f}."
        )

    def to_frame(self) -> pd.DataFrame:
        """:attr:`table`."""
        return self.table

    def __repr__(self) -> str:
        return (
            f"<PanelAgreement vendors W={self.vendors.w:.3f}, items W={self.overall.w:.3f}, "
            f"ICC(2,k)={self.icc.icc2k:.3f}, α={self.alpha.alpha:.3f}>"
        )

    def _repr_html_(self) -> str:
        frame = flat_index(self.to_frame(), ": ")
        shown = frame.astype(object).map(
            lambda v: v if isinstance(v, str) or math.isnan(v) else f"{v:.3g}"
        )
        return html_table(shown, caption=self.headline)

    def plot(
        self, ax: Axes | None = None, kind: Literal["evaluators", "cells"] = "evaluators"
    ) -> Axes:
        """Agreement heat map: ``"evaluators"`` — Spearman's ρ between every two evaluators;
        ``"cells"`` — Kendall's W per criterion (rows) and script (columns). Needs
        matplotlib (the ``plots`` extra). Returns the Axes."""
        from crmselect.plots import axes

        ax = axes(ax)
        if kind == "evaluators":
            grid = self.pairwise
            title, label, lo = "Agreement between evaluators", "Spearman's ρ", -1.0
        elif kind == "cells":
            cells = self.table.xs("cell", level="scope")["w"]
            keys = [str(k).split("/", 1) for k in cells.index]
            grid = pd.DataFrame(
                np.nan, index=list(self.panel.criteria), columns=list(self.panel.scripts)
            )
            for (script, criterion), w in zip(keys, cells, strict=True):
                grid.loc[criterion, script] = w
            title, label, lo = "Kendall's W per criterion and script", "W", 0.0
        else:
            raise ValidationError(
                "Unknown plot", [Problem("kind", f"{kind!r} is not 'evaluators' or 'cells'")]
            )
        data = np.ma.masked_invalid(grid.to_numpy(dtype=float))
        image = ax.imshow(data, vmin=lo, vmax=1.0, cmap="RdYlGn", aspect="auto")
        ax.set_xticks(range(grid.shape[1]), [str(c) for c in grid.columns], rotation=30, ha="right")
        ax.set_yticks(range(grid.shape[0]), [str(r) for r in grid.index])
        for (i, j), value in np.ndenumerate(grid.to_numpy(dtype=float)):
            if not math.isnan(value):
                ax.text(j, i, f"{value:.2f}", ha="center", va="center", fontsize="small")
        ax.figure.colorbar(image, ax=ax, label=label)
        ax.set_title(title)
        return ax


def _p(p: float) -> str:
    return "p < 0.001" if p < 0.001 else f"p = {p:.3f}"


def panel_agreement(
    source: PanelLike, *, confidence: float = 0.95, scale: DemoScale | None = None
) -> PanelAgreement:
    """Kendall's W, ICC and Krippendorff's α of the panel, overall and per criterion, script
    and (script, criterion) cell (see :class:`PanelAgreement`). Raises
    :class:`~crmselect.errors.ValidationError` when fewer than two evaluators scored two
    vendors, or no two items were scored by everyone (nothing to agree on); a sub-table too
    small for a statistic gets NaN in :attr:`PanelAgreement.table`.

    >>> import crmselect
    >>> agreement = panel_agreement(crmselect.example())
    >>> agreement.vendors.m, agreement.vendors.n
    (5, 5)
    """
    panel = as_panel(source, scale)
    wide = panel.wide()
    values = wide.to_numpy(dtype=float)
    means = wide.T.groupby(level="vendor", sort=False).mean().T[list(panel.vendors)]
    vendors = kendalls_w(means, missing="drop_evaluators")
    overall = kendalls_w(wide, missing="drop_items")
    icc_all = icc(wide, confidence=confidence, missing="drop_items")
    alpha = krippendorff_alpha(values)
    rows: list[tuple[tuple[str, str], dict[str, float]]] = [
        (("vendors", "vendor means"), _row(means.to_numpy(dtype=float), confidence)),
        (("overall", "all items"), _row(values, confidence)),
    ]
    groups: Sequence[tuple[str, Sequence[str]]] = (
        ("criterion", ("criterion",)),
        ("script", ("script",)),
        ("cell", ("script", "criterion")),
    )
    for scope, levels in groups:
        keys = ["/".join(str(item[ITEM_LEVELS.index(lv)]) for lv in levels) for item in panel.items]
        codes, uniques = pd.factorize(np.asarray(keys, dtype=object), sort=False)
        for j, key in enumerate(uniques):
            rows.append(((scope, str(key)), _row(values[:, codes == j], confidence)))
    table = pd.DataFrame(
        [r for _, r in rows],
        index=pd.MultiIndex.from_tuples([k for k, _ in rows], names=["scope", "key"]),
        columns=list(AGREEMENT_COLUMNS),
    )
    pairwise = wide.T.corr(method="spearman", min_periods=3)
    pairwise = pairwise.rename_axis(index="evaluator", columns="evaluator")
    return PanelAgreement(panel, vendors, overall, icc_all, alpha, table, pairwise, confidence)
