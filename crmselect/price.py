"""Price scoring: turn bid prices into a criterion column in [0, 1], and flag abnormally
low bids.

Scoring's price column (:func:`crmselect.scoring.price_table`) uses these formulas, so they
sit beside :mod:`crmselect.scoring`, below :mod:`crmselect.cost`, which re-exports them
(``crmselect.cost.price_scores`` …) and prices the offers they score.

Three formulas (``method=``), for prices ``p_i > 0``:

``lowest_ratio`` — the lowest-price ratio, the most common formula in public tenders::

    s_i = min_j p_j / p_i

``linear`` — linear interpolation between the lowest bid (score 1) and a ceiling ``C``
(score 0; bids above it score 0); ``C`` is the highest bid unless given::

    s_i = clip((C − p_i) / (C − min_j p_j), 0, 1)

``budget`` — linear between a fixed ``floor`` (score 1, default 0) and a fixed budget
ceiling ``B`` (score 0) that the committee sets *before* opening the bids::

    s_i = clip((B − p_i) / (B − floor), 0, 1)

**Rank reversal.** The first two are *relative*: a bid's score depends on the other bids
(through the lowest bid, or the highest), so adding or withdrawing a bid can reverse the
order of two *other* bidders — a violation of the independence of irrelevant alternatives
that the procurement literature calls the ranking paradox (Stilger, Siderius & van Raaij
2017, "A comparative study of formulas for choosing the economically most advantageous
tender", *Journal of Public Procurement* 17(1): 88–124; Bergman & Lundberg 2013, "Tender
evaluation and supplier selection methods in public procurement", *Journal of Purchasing and
Supply Management* 19(2): 73–83). ``budget`` is *absolute*: each score depends on the bid
alone, so no other bid can change the order of two bidders.

The worked case, quality weight 60 %, price weight 40 % (totals × 100)::

    A: quality 80, price 100      B: quality 70, price 80      C: quality 30, price 50

    lowest_ratio, A and B:   A = 48 + 40·80/100 = 80    B = 42 + 40 = 82      B wins
    lowest_ratio, C added:   A = 48 + 40·50/100 = 68    B = 42 + 40·50/80 = 67  A wins

    linear (ceiling = highest bid), A and B:  A = 48 + 0 = 48   B = 82          B wins
    linear, D (quality 30, price 280) added:  A = 48 + 40·180/200 = 84
                                              B = 42 + 40 = 82                   A wins

    budget 200, with or without C or D:       A = 48 + 40·0.5 = 68
                                              B = 42 + 40·0.6 = 66               A wins

>>> import pandas as pd
>>> quality = pd.Series({"A": 0.8, "B": 0.7, "C": 0.3})
>>> prices = pd.Series({"A": 100.0, "B": 80.0, "C": 50.0})
>>> two = price_quality_totals(quality[["A", "B"]], prices[["A", "B"]], 0.4)
>>> (100 * two["total"]).round(9).to_dict()
{'A': 80.0, 'B': 82.0}
>>> three = price_quality_totals(quality, prices, 0.4)
>>> (100 * three["total"]).round(9).to_dict()
{'A': 68.0, 'B': 67.0, 'C': 58.0}

Public-sector context: in the EU the award goes to the most economically advantageous
tender, judged on price or life-cycle cost and quality (Directive 2014/24/EU arts. 67–68;
UK: Public Contracts Regulations 2015 regs. 67–68, now the Procurement Act 2023's "most
advantageous tender"); the formula must be published with the tender. A private committee is
free to choose, and ``budget`` is the choice that keeps rankings stable.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from typing import cast

import numpy as np
import pandas as pd

from crmselect.converters import is_number
from crmselect.errors import Problem, ValidationError
from crmselect.model import PriceMethod
from crmselect.ranking import rank

__all__ = [
    "AT_LIMIT",
    "LOW_BID_RULES",
    "OVER_HIGHEST",
    "PriceMethod",
    "abnormally_low",
    "add_price_criterion",
    "at_limit",
    "limit_notes",
    "price_notes",
    "price_quality_totals",
    "price_scores",
]


def _prices(prices: Mapping[str, float | None] | pd.Series) -> pd.Series:
    """Prices as a float Series by vendor; every missing, zero or negative price reported."""
    series = pd.Series(prices, dtype=object)
    found = []
    values: dict[str, float] = {}
    for vendor, value in series.items():
        where = f"price of {vendor!r}"
        if value is None or (is_number(value) and math.isnan(value)):
            found.append(Problem(where, "missing; every scored bid needs a price"))
        elif not is_number(value):
            found.append(Problem(where, f"{value!r} is not a number"))
        elif not math.isfinite(float(value)) or float(value) <= 0:
            found.append(
                Problem(
                    where,
                    f"{value!r}; a price must be a positive number (a zero price cannot be "
                    "scored by ratio: check the bid, or leave the vendor out)",
                )
            )
        else:
            values[str(vendor)] = float(value)
    if series.empty:
        found.append(Problem("prices", "no prices to score"))
    if found:
        raise ValidationError("Cannot score prices", found)
    return pd.Series(values, dtype=float).rename_axis("vendor")


def price_scores(
    prices: Mapping[str, float | None] | pd.Series,
    method: PriceMethod | str = PriceMethod.LOWEST_RATIO,
    *,
    ceiling: float | None = None,
    budget: float | None = None,
    floor: float = 0.0,
    among: Iterable[str] | None = None,
) -> pd.Series:
    """Price scores in [0, 1] by vendor (1 = best), ready to be a criterion column.

    ``prices`` by vendor id (e.g. :meth:`TcoComparison.prices`). ``method`` and the
    formulas: see the module docstring; ``ceiling`` is for ``linear`` (default: the highest
    bid), ``budget`` (required) and ``floor`` for ``budget``. ``among``: the bids that set
    the reference — the lowest bid, and the highest for ``linear`` — when not all of them
    should (e.g. only the vendors still in the running); the others are scored against
    it, clipped to [0, 1]. A missing, zero or negative price raises
    :class:`~crmselect.errors.ValidationError` naming the vendor.

    >>> price_scores({"a": 100.0, "b": 80.0}).to_dict()
    {'a': 0.8, 'b': 1.0}
    >>> price_scores({"a": 100.0, "b": 80.0, "c": 120.0}, "linear").to_dict()
    {'a': 0.5, 'b': 1.0, 'c': 0.0}
    >>> price_scores({"a": 100.0, "b": 80.0}, "budget", budget=200.0).to_dict()
    {'a': 0.5, 'b': 0.6}
    """
    p = _prices(prices)
    how = _method(method)
    reference = p if among is None else p.reindex(list(among))
    if among is not None and (reference.empty or reference.isna().any()):
        raise ValidationError(
            "Invalid reference bids",
            [Problem("among", "name one or more of the priced vendors")],
        )
    lowest = float(reference.min())
    if how is PriceMethod.LOWEST_RATIO:
        scores = lowest / p
    elif how is PriceMethod.LINEAR:
        top = float(reference.max()) if ceiling is None else float(ceiling)
        scores = _linear(p, lowest, top, ceiling)
    else:
        scores = _budget(p, budget, floor)
    return scores.clip(0.0, 1.0).astype(float).rename("price")


def _linear(p: pd.Series, lowest: float, top: float, ceiling: float | None) -> pd.Series:
    """Method ``linear`` from ``lowest`` (score 1) to ``top`` (score 0), unclipped: 0 for a
    bid :func:`at_limit` of ``top``; with ``top`` at the lowest bid (no spread to interpolate
    over) 1 up to ``top`` and 0 above it. A ceiling below the lowest bid, and not at it, is
    refused."""
    if not math.isfinite(top) or (top < lowest and not at_limit(top, lowest)):
        raise ValidationError(
            "Invalid price ceiling",
            [Problem("ceiling", f"{ceiling!r} is below the lowest bid {lowest:g}")],
        )
    at_top = _at_limits(p, top)
    if at_limit(top, lowest):
        return ((p <= top) | at_top).astype(float)
    return ((top - p) / (top - lowest)).mask(at_top, 0.0)


def _budget(p: pd.Series, budget: float | None, floor: float) -> pd.Series:
    """Method ``budget`` from ``floor`` (score 1) to ``budget`` (score 0), unclipped: 0 for
    a bid :func:`at_limit` of the budget. A budget not above the floor by more than
    :data:`AT_LIMIT` (or a negative floor) is refused."""
    if (
        budget is None
        or not math.isfinite(budget)
        or floor < 0
        or not budget - floor > AT_LIMIT * abs(budget)
    ):
        raise ValidationError(
            "Invalid budget",
            [
                Problem(
                    "budget",
                    f"budget {budget!r} and floor {floor!r}: give a budget above a floor "
                    "of at least 0 (and not within rounding of it), fixed before the bids "
                    "are opened",
                )
            ],
        )
    return ((budget - p) / (budget - floor)).mask(_at_limits(p, budget), 0.0)


def _method(method: PriceMethod | str) -> PriceMethod:
    try:
        parsed = method if isinstance(method, PriceMethod) else PriceMethod.parse(str(method))
        return cast(PriceMethod, parsed)
    except ValueError:
        allowed = ", ".join(m.value for m in PriceMethod)
        raise ValidationError(
            "Invalid price method", [Problem("method", f"{method!r} is unknown; use {allowed}")]
        ) from None


AT_LIMIT = 1e-12
"""Relative distance within which a price is *at* a limit of the price rule (:func:`at_limit`):
the budget, a ceiling or the highest bid — where the score reaches 0 — and, for ``linear``, a
ceiling at the lowest bid. A bid at the limit scores what a bid exactly on it scores, in
:func:`price_scores` and in the live workbook (:mod:`crmselect.io.report.price`, which writes
the same test), and :func:`limit_notes` says so.

Why a tolerance: the workbook cannot hold or compare the library's numbers exactly, so without
one a bid a rounding error from a limit lands on one side of it in Python and on the other in
the spreadsheet — measured with LibreOffice 7.4, a bid one ulp above a ceiling equal to the
lowest bid scored 0 in Python and 1 in the workbook. The workbook stores numbers with 16
significant digits (openpyxl writes ``"%.16g"``: relative error up to 5e-16), 15 once Excel or
LibreOffice has saved it (Excel's documented 15-digit precision; LibreOffice saves 15 digits);
and LibreOffice treats numbers within 2^-48 (3.6e-15) of each other as equal, in ``=``, ``<=``
and ``>`` and in subtraction, where the difference becomes 0 (``rtl::math::approxEqual`` and
``approxSub``), while Python compares exactly. A double carries 2^-52 (2.2e-16) relative
precision (IEEE 754), so every one of these errors is relative to the magnitude of the prices,
and so is the tolerance.

Why 1e-12: above those errors by a factor of more than 100 (a few operations add a few ulps
each), so a limit the library and the spreadsheet compute from the same inputs is the same
limit to both; far below any amount a committee can tell apart (1e-12 of a bid of 100 million
is a ten-thousandth of a cent), so no real bid is moved; the same 12 decimals as the ties of
:func:`crmselect.ranking.rank`. Only a bid within the tolerance of a limit can score
differently from the formula, and by at most ``AT_LIMIT × limit / (limit − lowest bid or
floor)`` (continuity at the limit, within the tolerance)."""


def at_limit(price: float, limit: float) -> bool:
    """Whether ``price`` is at ``limit``: within :data:`AT_LIMIT` of it, relative to the
    limit. The spreadsheet's test is the same: ``ABS(price − limit) <= 1E-12 * ABS(limit)``.

    >>> at_limit(1_000_000.0000000001, 1_000_000.0), at_limit(999_999.99, 1_000_000.0)
    (True, False)
    """
    return abs(price - limit) <= AT_LIMIT * abs(limit)


def _at_limits(prices: pd.Series, limit: float) -> pd.Series:
    """:func:`at_limit` for every price, as a boolean Series."""
    return prices.map(lambda price: at_limit(float(price), limit)).astype(bool)


OVER_HIGHEST = "over the highest bid in the running: scores 0"
"""The note of a bid over the ceiling that the reference bids set (method ``linear`` without
a given ceiling): only a bid outside them can be, e.g. a knocked-out one."""


def _limit_note(price: float, limit: float, name: str) -> str:
    at = at_limit(price, limit)
    if at or price > limit:
        return f"{'at' if at else 'over'} the {name}: scores 0"
    return ""


def price_notes(
    prices: Mapping[str, float | None] | pd.Series,
    method: PriceMethod | str = PriceMethod.LOWEST_RATIO,
    *,
    ceiling: float | None = None,
    budget: float | None = None,
    floor: float = 0.0,
    among: Iterable[str] | None = None,
) -> pd.Series:
    """Why a bid scores what it does, where the formula alone does not say: by vendor,
    ``""`` or a note for the price table.

    A bid at or over the ``budget`` (method ``budget``), or at or over a given
    ``ceiling`` (method ``linear``), scores 0 whatever its amount — the score is clipped
    (``s_i = clip(…, 0, 1)``, module docstring) — so it gets the note "over the budget:
    scores 0", or "at the budget: scores 0" when it is :func:`at_limit` of it (exactly on
    it, or a rounding error away: the committee is told that the score hinges on the
    limit); likewise for the ceiling. Without a given ceiling, a bid over the highest of
    the reference bids ``among`` (e.g. a knocked-out bid over every bid in the running) is
    noted :data:`OVER_HIGHEST`. Arguments and checks as :func:`price_scores`.

    >>> price_notes({"a": 150.0, "b": 250.0}, "budget", budget=200.0).to_dict()
    {'a': '', 'b': 'over the budget: scores 0'}
    >>> price_notes({"a": 150.0, "b": 250.0}, "linear", among=["a"]).to_dict()
    {'a': '', 'b': 'over the highest bid in the running: scores 0'}
    """
    price_scores(prices, method, ceiling=ceiling, budget=budget, floor=floor, among=among)
    return limit_notes(prices, method, ceiling=ceiling, budget=budget, among=among)


def limit_notes(
    prices: Mapping[str, float | None] | pd.Series,
    method: PriceMethod | str,
    *,
    ceiling: float | None = None,
    budget: float | None = None,
    among: Iterable[str] | None = None,
) -> pd.Series:
    """The notes of :func:`price_notes` for arguments :func:`price_scores` has already
    accepted (so a price table scores its bids once): which bids sit at or over a limit."""
    p = _prices(prices)
    how = _method(method)
    if how is PriceMethod.BUDGET and budget is not None:
        notes = [_limit_note(price, budget, "budget") for price in p]
    elif how is PriceMethod.LINEAR and ceiling is not None:
        notes = [_limit_note(price, ceiling, "ceiling") for price in p]
    elif how is PriceMethod.LINEAR:
        top = float((p if among is None else p.reindex(list(among))).max())
        notes = [OVER_HIGHEST if price > top and not at_limit(price, top) else "" for price in p]
    else:
        notes = [""] * len(p)
    return pd.Series(notes, index=p.index, dtype=object, name="note")


def price_quality_totals(
    quality: pd.Series,
    prices: Mapping[str, float | None] | pd.Series,
    price_weight: float,
    method: PriceMethod | str = PriceMethod.LOWEST_RATIO,
    **options: float | None,
) -> pd.DataFrame:
    """Price-quality totals ``(1 − w)·quality + w·price_score`` with competition ranks.

    ``quality`` in [0, 1] by vendor (e.g. :attr:`ScoreResult.totals`); ``price_weight``
    ``w`` in [0, 1]; ``method`` and ``options`` as :func:`price_scores`. Columns
    ``quality``, ``price``, ``price_score``, ``total``, ``rank`` (1 = best; equal totals
    share a rank).
    """
    _check_weight(price_weight)
    p = _prices(prices)
    _same_vendors(quality.index, p.index)
    s = price_scores(p, method, **options)  # type: ignore[arg-type]
    q = quality.astype(float).reindex(p.index)
    total = (1 - price_weight) * q + price_weight * s
    frame = pd.DataFrame({"quality": q, "price": p, "price_score": s, "total": total})
    frame["rank"] = rank(frame["total"], pd.Series(True, index=frame.index))
    return frame.rename_axis("vendor")


def add_price_criterion(
    matrix: pd.DataFrame,
    weights: pd.Series,
    scores: pd.Series,
    price_weight: float,
    name: str = "price",
) -> tuple[pd.DataFrame, pd.Series]:
    """The performance matrix and weights with a price criterion added.

    ``matrix`` (vendors × criteria in [0, 1]) and ``weights`` (summing to 1) as in
    :class:`~crmselect.scoring.ScoreResult`; ``scores`` from :func:`price_scores`. The new
    column ``name`` takes weight ``price_weight``; the other weights are scaled by
    ``1 − price_weight``, so their proportions and the sum of 1 are kept. Totals are then
    ``matrix @ weights`` as before.

    >>> m = pd.DataFrame({"fit": [0.8, 0.7]}, index=["A", "B"])
    >>> m2, w2 = add_price_criterion(m, pd.Series({"fit": 1.0}), pd.Series({"A": 0.8,
    ...                              "B": 1.0}), 0.4)
    >>> (m2 @ w2).round(6).to_dict()
    {'A': 0.8, 'B': 0.82}
    """
    _check_weight(price_weight)
    found = []
    if name in matrix.columns:
        found.append(Problem(name, "the matrix already has a criterion of this name"))
    missing = [str(v) for v in matrix.index if v not in scores.index]
    found += [Problem(f"price score of {v!r}", "missing for this vendor") for v in missing]
    if found:
        raise ValidationError("Cannot add the price criterion", found)
    extended = matrix.copy()
    extended[name] = scores.reindex(matrix.index).astype(float)
    new_weights = pd.concat(
        [weights.astype(float) * (1 - price_weight), pd.Series({name: float(price_weight)})]
    )
    new_weights.name = weights.name
    return extended, new_weights


def _check_weight(weight: float) -> None:
    if not (is_number(weight) and 0 <= weight <= 1):
        raise ValidationError(
            "Invalid price weight",
            [Problem("price_weight", f"{weight!r}; give a share between 0 and 1 (0.4 = 40 %)")],
        )


def _same_vendors(a: pd.Index, b: pd.Index) -> None:
    only_a = sorted(set(map(str, a)) - set(map(str, b)))
    only_b = sorted(set(map(str, b)) - set(map(str, a)))
    found = [Problem(f"vendor {v!r}", "has a quality score but no price") for v in only_a]
    found += [Problem(f"vendor {v!r}", "has a price but no quality score") for v in only_b]
    if found:
        raise ValidationError("Quality and prices do not match", found)


LOW_BID_RULES = ("median", "mean_sd", "next_lowest")


#: ``mean_sd``: the spread is floored at this share of the other bids' mean.
MIN_SPREAD = 0.01


def abnormally_low(
    prices: Mapping[str, float | None] | pd.Series,
    rule: str = "median",
    threshold: float | None = None,
    *,
    min_spread: float = MIN_SPREAD,
) -> pd.DataFrame:
    """Flag bids that look abnormally low, so the committee asks the bidder to explain them.

    Rules (``threshold`` default in brackets):

    ``median`` [0.8]
        ``p_i < threshold × median(all bids)``: more than 20 % under the median bid. The
        median is barely moved by the low bid itself, so this works from three bids on.
    ``mean_sd`` [2.0]
        ``p_i < m − threshold × max(sd, min_spread × m)``, ``m`` and ``sd`` the mean and
        sample sd of the *other* bids (leave-one-out), so that a very low bid does not
        inflate the spread it is measured against; needs at least three bids. (Measured
        against all bids including itself, a bid can never lie more than ``(n − 1)/√n`` sd
        from the mean — under 2 with five bids: Shiffler 1988, *The American Statistician*
        42(1): 79–80.) The floor ``min_spread`` (default 1 % of ``m``) keeps identical or
        nearly identical other bids (sd 0) from flagging any bid a cent below them: with
        three bids of 100 a bid must be under ``100 − 2 × 1 = 98`` (2 % below) to be
        flagged, so a 0.5 % undercut is not.
    ``next_lowest`` [0.2]
        the lowest bid is more than ``threshold`` (a fraction) below the second lowest —
        the "gap to the next bid" trigger of German review practice, where 10–20 % is the
        usual range.

    Columns: ``price``, ``reference`` (the value compared against; NaN where the rule does
    not apply), ``ratio`` (price / reference), ``flagged``.

    A flag is a reason to ask, not to reject: an abnormally low tender may be rejected only
    after the bidder's explanation has been assessed (Directive 2014/24/EU art. 69; UK PCR
    2015 reg. 69), and other bids are only an indication of what is abnormal (CJEU C-669/20
    *Veridos*, 2022).

    >>> abnormally_low({"a": 100.0, "b": 95.0, "c": 60.0})["flagged"].to_dict()
    {'a': False, 'b': False, 'c': True}
    >>> same = {"a": 100.0, "b": 100.0, "c": 100.0}
    >>> frame = abnormally_low({**same, "d": 99.5}, "mean_sd")
    >>> round(float(frame.loc["d", "reference"]), 9), bool(frame.loc["d", "flagged"])
    (98.0, False)
    """
    p = _prices(prices)
    if rule not in LOW_BID_RULES:
        raise ValidationError(
            "Invalid abnormally-low rule",
            [Problem("rule", f"{rule!r} is unknown; use one of: {', '.join(LOW_BID_RULES)}")],
        )
    if not (is_number(min_spread) and 0 <= min_spread < 1):
        raise ValidationError(
            "Invalid abnormally-low rule",
            [Problem("min_spread", f"{min_spread!r}; give a share of the mean in [0, 1)")],
        )
    values = p.to_numpy()
    reference = np.full(len(p), np.nan)
    if rule == "median":
        t = 0.8 if threshold is None else threshold
        if len(p) >= 3:
            reference[:] = t * float(np.median(values))
    elif rule == "mean_sd":
        k = 2.0 if threshold is None else threshold
        if len(p) >= 3:
            for i in range(len(p)):
                others = np.delete(values, i)
                spread = max(float(others.std(ddof=1)), min_spread * float(others.mean()))
                reference[i] = others.mean() - k * spread
    else:
        gap = 0.2 if threshold is None else threshold
        if len(p) >= 2:
            order = np.argsort(values, kind="stable")
            reference[order[0]] = (1 - gap) * values[order[1]]
    with np.errstate(invalid="ignore", divide="ignore"):
        ratio = np.where(np.isnan(reference), np.nan, values / reference)
    flagged = ~np.isnan(reference) & (values < reference)
    return pd.DataFrame(
        {"price": values, "reference": reference, "ratio": ratio, "flagged": flagged},
        index=p.index,
    )
