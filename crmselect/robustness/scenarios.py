"""How much the ranking depends on whose weights are used: rank correlation between scenarios.

Each *scenario* is a weight vector (an evaluator's own weights, the committee's agreed
weights, equal weights, …). Under each, vendors get totals ``P w`` and competition ranks.
For every pair of scenarios we report (scipy.stats):

* Kendall's τ-b — ``(n_c − n_d) / sqrt((n_0 − n_1)(n_0 − n_2))`` over vendor pairs, with the
  tie correction of Kendall (1945);
* Spearman's ρ — the Pearson correlation of the (mid-)ranks;
* weighted τ (Vigna 2015, *A weighted correlation index for rankings with ties*, WWW '15) —
  Kendall's τ with hyperbolic weights ``1/(r + 1)`` so that swaps near the top count more,
  which is what a selection committee cares about.

All three are 1 for identical rankings and −1 for reversed ones. Totals are rounded to 12
decimals first so float noise never breaks a tie. A correlation is NaN when a ranking is
constant (all vendors tied).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from itertools import combinations
from typing import Any

import attrs
import numpy as np
import pandas as pd

from crmselect.display import flat_index, html_table
from crmselect.errors import Problem, ValidationError
from crmselect.ranking import rank
from crmselect.robustness._inputs import Performance, performance_matrix
from crmselect.robustness._validate import FloatArray, check_weights

__all__ = ["ScenarioComparison", "compare_rankings", "equal_weights"]

MEASURES = ("kendall_tau", "spearman_rho", "weighted_tau")


def equal_weights(criteria: Sequence[str]) -> pd.Series:
    """``1/k`` for each of ``k`` criteria: the "no idea" scenario.

    >>> equal_weights(["a", "b"]).tolist()
    [0.5, 0.5]
    """
    return pd.Series(1.0 / len(criteria), index=pd.Index(list(criteria), name="criterion"))


@attrs.frozen(eq=False)
class ScenarioComparison:
    """Rankings under several weight scenarios and how well they agree.

    ``totals`` and ``ranks`` are vendors × scenarios (competition ranks as in
    :func:`crmselect.ranking.rank`: 1 = best, totals equal to 12 decimals share a rank);
    ``winners`` maps scenario → winner ids joined by ``" = "`` on a tie; ``pairs`` has one
    row per pair of scenarios with the three correlations.
    """

    performance: pd.DataFrame
    scenarios: Mapping[str, pd.Series]
    totals: pd.DataFrame
    ranks: pd.DataFrame
    pairs: pd.DataFrame

    @property
    def winners(self) -> pd.Series:
        best = self.ranks == 1
        return pd.Series(
            {s: " = ".join(best.index[best[s]]) for s in self.ranks.columns}, name="winner"
        )

    def matrix(self, measure: str = "kendall_tau") -> pd.DataFrame:
        """Scenarios × scenarios table of one measure (1 on the diagonal)."""
        if measure not in MEASURES:
            raise ValidationError(
                "Unknown measure", [Problem("measure", f"choose one of: {', '.join(MEASURES)}")]
            )
        names = list(self.ranks.columns)
        table = pd.DataFrame(np.eye(len(names)), index=names, columns=names)
        for a, b, value in zip(
            self.pairs.index.get_level_values(0),
            self.pairs.index.get_level_values(1),
            self.pairs[measure],
            strict=True,
        ):
            table.loc[a, b] = table.loc[b, a] = value
        return table

    def to_frame(self) -> pd.DataFrame:
        """The pairs table (one row per pair of scenarios)."""
        return self.pairs

    def __repr__(self) -> str:
        low = self.pairs["kendall_tau"].min() if len(self.pairs) else float("nan")
        return (
            f"<ScenarioComparison {len(self.ranks.columns)} scenarios, "
            f"{len(set(self.winners))} distinct winner(s), lowest Kendall τ-b {low:.2f}>"
        )

    def _repr_html_(self) -> str:
        frame = flat_index(self.to_frame().map(lambda v: f"{v:.3f}"), " vs ", "pair")
        winners = ", ".join(f"{s}: {w}" for s, w in self.winners.items())
        return html_table(frame, caption=f"Rank correlation between scenarios — winners {winners}")


def compare_rankings(
    performance: Performance, scenarios: Mapping[str, pd.Series]
) -> ScenarioComparison:
    """Rank the vendors under each weight scenario and correlate every pair of rankings.

    >>> P = pd.DataFrame({"fit": [0.9, 0.5, 0.1], "price": [0.1, 0.5, 0.9]},
    ...                  index=["acme", "bolt", "core"])
    >>> c = compare_rankings(P, {"fit first": pd.Series({"fit": 0.8, "price": 0.2}),
    ...                          "price first": pd.Series({"fit": 0.2, "price": 0.8})})
    >>> c.winners.to_dict(), float(c.pairs["kendall_tau"].iloc[0])
    ({'fit first': 'acme', 'price first': 'core'}, -1.0)
    """
    matrix = performance_matrix(performance)
    if not scenarios:
        raise ValidationError(
            "No scenarios", [Problem("scenarios", "give at least one named weight vector")]
        )
    checked = {
        str(name): check_weights(w, list(matrix.columns), f"scenarios[{name!r}]")
        for name, w in scenarios.items()
    }
    totals = pd.DataFrame(
        {name: matrix.to_numpy() @ w.to_numpy() for name, w in checked.items()},
        index=matrix.index,
    ).rename_axis(columns="scenario")
    everyone = pd.Series(True, index=totals.index)
    ranks = pd.DataFrame({name: rank(totals[name], everyone) for name in totals}).astype(int)
    rounded = totals.round(12)
    from scipy import stats  # type: ignore[import-untyped, unused-ignore]

    rows = []
    for a, b in combinations(checked, 2):
        x, y = rounded[a].to_numpy(), rounded[b].to_numpy()
        rows.append(
            {
                "scenario_a": a,
                "scenario_b": b,
                "kendall_tau": _statistic(stats.kendalltau, x, y),
                "spearman_rho": _statistic(stats.spearmanr, x, y),
                "weighted_tau": _statistic(stats.weightedtau, x, y),
            }
        )
    pairs = pd.DataFrame(rows, columns=["scenario_a", "scenario_b", *MEASURES]).set_index(
        ["scenario_a", "scenario_b"]
    )
    return ScenarioComparison(
        performance=matrix, scenarios=checked, totals=totals, ranks=ranks, pairs=pairs
    )


def _statistic(test: Callable[..., Any], x: FloatArray, y: FloatArray) -> float:
    """The correlation, NaN when a ranking is constant or there are fewer than 2 vendors."""
    if len(x) < 2 or np.ptp(x) == 0 or np.ptp(y) == 0:
        return float("nan")
    return float(test(x, y).statistic)
