"""Competition ranking of totals, shared by scoring, price scoring and partner pairing."""

from __future__ import annotations

import pandas as pd


def rank(totals: pd.Series, eligible: pd.Series) -> pd.Series:
    """Competition ranks (1 = best) of the eligible vendors; ``<NA>`` for the others.

    Totals equal to 12 decimals share a rank, so floating-point noise never breaks a tie.

    >>> rank(pd.Series({"a": 0.5, "b": 0.7, "c": 0.5, "d": 0.9}),
    ...      pd.Series({"a": True, "b": True, "c": True, "d": False})).tolist()
    [2, 1, 2, <NA>]
    """
    ranks = totals.where(eligible).round(12).rank(ascending=False, method="min")
    return ranks.astype("Int64").rename("rank")
