"""plots.value_for_money draws what it is given: a point per vendor, the excluded ones as
grey crosses, the Pareto front as a line through its vendors in order of cost, and the
budget as a vertical line."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from crmselect import plots


def test_points_front_budget_and_excluded_vendors() -> None:
    quality = pd.Series({"a": 80.0, "b": 60.0, "c": 70.0, "d": 50.0})
    cost = pd.Series({"a": 1_300_000.0, "b": 900_000.0, "c": 1_500_000.0, "d": 1_000_000.0})
    ax = plots.value_for_money(quality, cost, front=["a", "b"], budget=1_600_000.0, excluded=["d"])
    labels = [t.get_text().strip() for t in ax.texts]
    assert labels == ["a", "b", "c", "d (out)"]
    markers = [c.get_offsets().tolist() for c in ax.collections]
    assert markers == [
        [[1_300_000.0, 80.0]],
        [[900_000.0, 60.0]],
        [[1_500_000.0, 70.0]],
        [[1_000_000.0, 50.0]],
    ]
    crosses = [
        c
        for c in ax.collections
        if matplotlib.colors.to_hex(c.get_facecolor()[0]) == plots.KNOCKED_OUT
    ]
    assert len(crosses) == 1
    front, budget = ax.lines
    assert np.asarray(front.get_xdata()).tolist() == [900_000.0, 1_300_000.0]  # cheapest first
    assert np.asarray(front.get_ydata()).tolist() == [60.0, 80.0]
    assert np.asarray(budget.get_xdata()).tolist() == [1_600_000.0, 1_600_000.0]
    assert ax.get_ylim() == (0.0, 100.0)
    assert ax.xaxis.get_major_formatter()(1_250_000, 0) == "1,250,000"
    assert [t.get_text() for t in ax.get_legend().get_texts()] == [
        "Pareto front",
        "budget 1,600,000",
    ]
    plt.close("all")


def test_without_a_front_or_budget_there_is_no_legend() -> None:
    ax = plots.value_for_money(pd.Series({"a": 50.0}), pd.Series({"a": 10.0}))
    assert len(ax.lines) == 0
    assert ax.get_legend() is None
    plt.close("all")
