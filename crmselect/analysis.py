"""The committee's two questions in one call: who wins, and does the choice hold?

:func:`analyse` scores an evaluation and runs the robustness analysis a committee reads
first (pure: no files, no printing):

* SMAA-2 rank acceptability (:func:`crmselect.robustness.smaa`) with the weights uncertain
  around the committee's own — a Dirichlet distribution centred on them (concentration
  ``concentration``: 100 gives each weight a coefficient of variation of roughly 10–30 %);
* the same question under each committee member's own weights, when members judged the
  weights separately (:func:`crmselect.weights.member_weights`): who would win for each;
* one-at-a-time weight stability intervals and the most sensitive criterion;
* the smallest weight change that lets each challenger catch the winner (Wolters &
  Mareschal 1995).

With fewer than two vendors left after knock-outs there is nothing to rank, and only the
score is returned.
"""

from __future__ import annotations

import math

import attrs
import pandas as pd

from crmselect.cost.case import CostAnalysis, CostCase, analyse_costs
from crmselect.model import Evaluation
from crmselect.robustness import (
    DirichletWeights,
    SmaaResult,
    WeightChange,
    flip_table,
    min_weight_change,
    smaa,
    stability_intervals,
)
from crmselect.scoring import ScoreResult, score
from crmselect.weights import member_weights

DEFAULT_SEED = 20_261_123
DEFAULT_SAMPLES = 10_000
DEFAULT_CONCENTRATION = 100.0


@attrs.frozen(eq=False)
class Analysis:
    """The score and the robustness results computed from it (``None`` when not run)."""

    result: ScoreResult
    smaa: SmaaResult | None = None
    member_winners: pd.Series | None = None
    stability: pd.DataFrame | None = None
    flips: pd.DataFrame | None = None
    closest_flip: WeightChange | None = None
    concentration: float = DEFAULT_CONCENTRATION
    costs: CostAnalysis | None = None

    @property
    def most_sensitive(self) -> str | None:
        """The criterion whose weight needs the smallest change to change the winner."""
        if self.stability is None or self.stability.empty:
            return None
        margins = self.stability["margin"].astype(float)
        if not margins.map(math.isfinite).any():
            return None
        return str(margins.idxmin())

    @property
    def challenger(self) -> str | None:
        """The vendor with the highest rank-1 acceptability after the winner."""
        if self.smaa is None:
            return None
        first = self.smaa.acceptability[1].sort_values(ascending=False, kind="stable")
        return str(first.index[1]) if len(first) > 1 else None


def analyse(
    evaluation: Evaluation,
    *,
    seed: int = DEFAULT_SEED,
    n_samples: int = DEFAULT_SAMPLES,
    concentration: float = DEFAULT_CONCENTRATION,
    progress: bool | None = None,
    costs: CostCase | None = None,
) -> Analysis:
    """Score ``evaluation`` and test the result's robustness (see the module docstring);
    with a cost case, also the TCO of every offer and the business case of the vendors still
    in the running.

    >>> import crmselect
    >>> a = analyse(crmselect.example(), n_samples=2_000)
    >>> a.result.winners, a.smaa.acceptability[1].idxmax()
    (('orbis',), 'orbis')
    """
    result = score(evaluation)
    eligible = [v for v in evaluation.vendor_ids if v not in result.knocked_out]
    money = analyse_costs(costs, eligible) if costs is not None else None
    if len(eligible) < 2:
        return Analysis(result, concentration=concentration, costs=money)
    around = DirichletWeights(result.weights, concentration=concentration)
    acceptability = smaa(result, around, n_samples=n_samples, seed=seed, progress=progress)
    winners = None
    group = member_weights(evaluation.criteria, evaluation.judgements)
    if group is not None:
        matrix = result.matrix.loc[eligible]
        winners = pd.Series(
            {
                member: str((matrix @ weights.reindex(matrix.columns)).idxmax())
                for member, weights in group.members.iterrows()
            },
            name="winner",
        ).rename_axis("member")
    flips = flip_table(result)
    feasible = flips[flips["feasible"]] if "feasible" in flips else flips
    closest = None
    if not feasible.empty:
        closest = min_weight_change(result, challenger=str(feasible.index[0]))
    return Analysis(
        result,
        acceptability,
        winners,
        stability_intervals(result),
        flips,
        closest,
        concentration,
        money,
    )
