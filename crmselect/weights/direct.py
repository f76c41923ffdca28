"""Direct weighting: direct rating, swing weighting and points allocation.

All three ask the committee for one number per criterion and normalise::

    w_c = x_c / Σ_k x_k

They differ in the question asked, and therefore in what the numbers mean:

- **direct rating** — "how important is this criterion?" on any non-negative scale
  (:func:`direct_weights`);
- **swing weighting** (von Winterfeldt & Edwards 1986, ch. 8; Edwards & Barron 1994) —
  imagine every criterion at its worst level; the swing from worst to best that the
  committee would choose first gets 100 points, every other swing gets points relative to
  it (:func:`swing_weights`). Because it asks about the *range* of each criterion among the
  bids, it is the method that matches a weighted sum of normalised scores;
- **points allocation** — distribute a fixed budget (usually 100 points) among the criteria
  (:func:`points_allocation`). Doyle, Green & Bottomley (1997) show that it yields flatter
  weights than direct rating of the same criteria, so do not mix the two in one tree.

References: D. von Winterfeldt and W. Edwards, *Decision Analysis and Behavioral Research*,
Cambridge University Press, 1986. W. Edwards and F. H. Barron, "SMARTS and SMARTER",
*Organizational Behavior and Human Decision Processes* 60 (1994) 306–325. J. R. Doyle,
R. H. Green and P. A. Bottomley, "Judging relative importance: direct rating and point
allocation are not equivalent", *OBHDP* 70 (1997) 65–72.
"""

from __future__ import annotations

import math
from collections.abc import Mapping

import pandas as pd

from crmselect.errors import Problem, ValidationError

Values = Mapping[str, float] | pd.Series
"""Numbers keyed by criterion id: a mapping or a pandas Series."""

SWING_REFERENCE = 100.0
"""Points of the most important swing in :func:`swing_weights`."""


def checked_values(values: Values, what: str) -> tuple[pd.Series, list[Problem]]:
    """``values`` as a float Series, with every problem of its labels and numbers: no
    values, a label given twice, a value that is blank, not a number, infinite or negative.
    Shared by the weighting methods that take one number per criterion."""
    series = values if isinstance(values, pd.Series) else pd.Series(dict(values), dtype=object)
    found: list[Problem] = []
    if series.empty:
        found.append(Problem(what, "there are no criteria"))
    for label in series.index[series.index.duplicated()].unique():
        found.append(Problem(f"criterion {label!r}", "appears more than once; give it once"))
    numbers: list[float] = []
    for label, value in series.items():
        where = f"criterion {label!r}"
        try:
            number = float(value)
        except (TypeError, ValueError):
            problem = "has no value" if value is None else f"{value!r} is not a number"
            found.append(Problem(where, problem))
            number = math.nan
        else:
            if math.isnan(number):
                found.append(Problem(where, "has no value"))
            elif not math.isfinite(number):
                found.append(Problem(where, f"{value!r} is not a finite number"))
            elif number < 0:
                found.append(Problem(where, f"{number:g} is negative"))
        numbers.append(number)
    return pd.Series(numbers, index=series.index, dtype=float), found


def _normalised(series: pd.Series) -> pd.Series:
    return (series / series.sum()).rename("weight").rename_axis("criterion")


def direct_weights(values: Values) -> pd.Series:
    """Normalise non-negative importance ratings to weights: ``w_c = x_c / Σ_k x_k``.

    Any scale will do (1–10, 0–5, percentages); only the ratios matter. Returns a Series
    named ``weight`` indexed by criterion, in the order given.

    >>> direct_weights({"price": 8, "fit": 6, "partner": 6}).to_dict()
    {'price': 0.4, 'fit': 0.3, 'partner': 0.3}
    """
    series, found = checked_values(values, "direct weights")
    if not found and series.sum() <= 0:
        found.append(Problem("direct weights", "all ratings are zero; at least one must be > 0"))
    if found:
        raise ValidationError("Invalid importance ratings", found)
    return _normalised(series)


def swing_weights(points: Values) -> pd.Series:
    """Swing weights: the most important worst-to-best swing is rated 100, the others
    relative to it (0–100); weights ``w_c = p_c / Σ_k p_k`` (von Winterfeldt & Edwards 1986).

    Exactly the committee's reference swing must carry 100 points and none may exceed it:
    a rating above 100 means that swing, not the reference, is the most important one.

    >>> swing_weights({"price": 100, "fit": 80, "partner": 20}).round(4).to_dict()
    {'price': 0.5, 'fit': 0.4, 'partner': 0.1}
    """
    series, found = checked_values(points, "swing weights")
    if not found:
        for label, value in series.items():
            if value > SWING_REFERENCE:
                found.append(
                    Problem(
                        f"criterion {label!r}",
                        f"{value:g} points exceed the {SWING_REFERENCE:g} of the most "
                        "important swing; rate that swing 100 and the others relative to it",
                    )
                )
        if not found and series.max() != SWING_REFERENCE:
            top = series.idxmax()
            found.append(
                Problem(
                    "swing weights",
                    f"no swing is rated {SWING_REFERENCE:g}; the most important swing "
                    f"(here {top!r}, {series.max():g}) must get {SWING_REFERENCE:g} points",
                )
            )
    if found:
        raise ValidationError("Invalid swing weights", found)
    return _normalised(series)


def points_allocation(points: Values, total: float = 100, *, strict: bool = True) -> pd.Series:
    """Weights from a points budget: ``w_c = p_c / Σ_k p_k``.

    With ``strict=True`` (the default) the points must add up to ``total`` (to within
    1e-9 of it) and the error says how many are missing or too many; with ``strict=False``
    any non-negative points with a positive sum are simply normalised.

    >>> points_allocation({"price": 40, "fit": 35, "partner": 25}).to_dict()
    {'price': 0.4, 'fit': 0.35, 'partner': 0.25}
    """
    series, found = checked_values(points, "points allocation")
    if not found:
        given = float(series.sum())
        if strict and not math.isclose(given, total, rel_tol=1e-9, abs_tol=1e-9):
            gap = total - given
            fix = f"{gap:g} points are unallocated" if gap > 0 else f"{-gap:g} points too many"
            found.append(
                Problem(
                    "points allocation",
                    f"the points add up to {given:g}, not {total:g} ({fix}); "
                    "correct them or pass strict=False to normalise",
                )
            )
        elif given <= 0:
            found.append(Problem("points allocation", "all points are zero"))
    if found:
        raise ValidationError("Invalid points allocation", found)
    return _normalised(series)
