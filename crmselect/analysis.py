"""The committee's two questions in one call: who wins, and does the choice hold?

:func:`analyse` scores an evaluation and runs the robustness analysis a committee reads
first (pure: no files, no printing):

* SMAA-2 rank acceptability (:func:`crmselect.robustness.smaa`) with the weights uncertain
  around the committee's own — a Dirichlet distribution centred on them (concentration
  ``concentration``: a weight ``c`` then varies with standard deviation
  ``sqrt(c (1 − c) / (concentration + 1))``, so at 100 a leaf weight of 0.25 by 17 % of itself
  and one of 0.02 by 70 %; the report quotes the range for the tender's own weights);
* the same question under each committee member's own weights, when members judged the
  weights separately (:func:`crmselect.weights.member_weights`): who would win for each;
* the same question with the weights fixed and the demo scores of a different panel —
  evaluators resampled with replacement (:func:`crmselect.consensus.panel_bootstrap`);
* one-at-a-time weight stability intervals and the most sensitive criterion;
* the smallest weight change that lets each challenger catch the winner (Wolters &
  Mareschal 1995);
* with a cost case, the TCO of every offer and the business case of the vendors still in
  the running (:func:`crmselect.cost.analyse_costs`); with a partner setup as well, the
  software × implementation-partner pairs ranked on quality and combined cost
  (:func:`crmselect.cost.rank_pairs`).

With fewer than two vendors left after knock-outs there is nothing to rank, and only the
score is returned.
"""

from __future__ import annotations

import math

import attrs
import numpy as np
import pandas as pd

from crmselect.consensus import panel_bootstrap
from crmselect.cost.case import CostAnalysis, analyse_costs
from crmselect.cost.partners import PairRanking, PartnerSetup, rank_pairs
from crmselect.errors import Problem, ValidationError
from crmselect.model import Evaluation
from crmselect.robustness import (
    DirichletWeights,
    PerformanceDraws,
    SmaaResult,
    WeightChange,
    flip_table,
    min_weight_change,
    smaa,
    stability_intervals,
)
from crmselect.scoring import ScoreResult, blend_arrays, demo_shares, panel_scores, score
from crmselect.tender import Tender, derive
from crmselect.weights import member_weights

DEFAULT_SEED = 20_261_123
DEFAULT_SAMPLES = 10_000
DEFAULT_CONCENTRATION = 100.0
PANEL_DRAWS = 1_000
"""Bootstrap panels drawn for the panel robustness question."""


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
    panel: SmaaResult | None = None
    """Rank acceptability with the committee's weights fixed and the demo scores drawn from a
    bootstrap over evaluators: would a different panel choose differently?"""
    pairs: PairRanking | None = None
    """Software × implementation-partner pairs, when a partner setup was given."""

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
    tender: Tender | Evaluation,
    *,
    seed: int = DEFAULT_SEED,
    n_samples: int = DEFAULT_SAMPLES,
    concentration: float = DEFAULT_CONCENTRATION,
    progress: bool | None = None,
) -> Analysis:
    """Score ``tender`` and test the result's robustness (see the module docstring); with a
    cost case, also the TCO of every offer and the business case of the vendors still in the
    running; with a partner setup (which needs the cost case for the software's TCO), also
    the ranking of software × partner pairs. A tender not yet derived is derived first
    (:func:`~crmselect.tender.derive`); a plain :class:`~crmselect.model.Evaluation` is
    analysed as it is, without costs or partners.

    >>> import crmselect
    >>> a = analyse(crmselect.example_tender(), n_samples=2_000)
    >>> a.result.winners, a.smaa.acceptability[1].idxmax()
    (('orbis',), 'orbis')
    """
    if isinstance(tender, Evaluation):
        tender = Tender(evaluation=tender, derived=True)
    elif not tender.derived:
        tender = derive(tender)
    evaluation, costs, partners = tender.evaluation, tender.costs, tender.partners
    result = score(evaluation)
    eligible = [v for v in evaluation.vendor_ids if v not in result.knocked_out]
    money = analyse_costs(costs, eligible) if costs is not None else None
    pairs = _pairs(result, partners, money)
    if len(eligible) < 2:
        return Analysis(result, concentration=concentration, costs=money, pairs=pairs)
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
    panel = _panel_robustness(evaluation, result, eligible, seed=seed, n_samples=n_samples)
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
        panel,
        pairs,
    )


def _pairs(
    result: ScoreResult, partners: PartnerSetup | None, money: CostAnalysis | None
) -> PairRanking | None:
    """The pair ranking of a partner setup; the software's TCO comes from the cost case."""
    if partners is None:
        return None
    if money is None:
        raise ValidationError(
            "Cannot rank software × partner pairs",
            [
                Problem(
                    "partners",
                    "a pair's combined cost starts from the software's TCO: add a 'costs:' "
                    "section (or give the tender a cost case)",
                )
            ],
        )
    return rank_pairs(
        result,
        score(partners.evaluation),
        partners.offers,
        money.tco,
        partner_share=partners.partner_share,
        price_weight=partners.price_weight,
        price_method=partners.price_method,
        price_options=partners.price_options,
    )


def _panel_robustness(
    evaluation: Evaluation, result: ScoreResult, eligible: list[str], *, seed: int, n_samples: int
) -> SmaaResult | None:
    """SMAA with fixed weights over performance matrices whose demo part comes from a
    bootstrap of the panel (evaluators resampled, each keeping all their scores;
    :func:`crmselect.consensus.panel_bootstrap`). ``None`` without two or more evaluators."""
    panel = panel_scores(evaluation)
    scored = {d.evaluator for d in evaluation.demo_scores if d.score is not None}
    if panel is None or len(scored) < 2:
        return None
    boot = panel_bootstrap(panel, PANEL_DRAWS, seed=seed)
    vendors, criteria = list(result.rfp.index), list(result.rfp.columns)
    demo = np.full((PANEL_DRAWS, len(vendors), len(criteria)), np.nan)
    rows = [vendors.index(v) for v in boot.vendors]
    columns = [criteria.index(c) for c in boot.criteria]
    demo[np.ix_(range(PANEL_DRAWS), rows, columns)] = boot.samples
    share = demo_shares(evaluation).reindex(criteria).to_numpy()
    draws = blend_arrays(share, result.rfp.to_numpy(dtype=float), demo, evaluation.policy.missing)
    if evaluation.price is not None:  # prices are not the panel's: the same in every draw
        j = criteria.index(evaluation.price.criterion)
        draws[:, :, j] = result.matrix[evaluation.price.criterion].to_numpy()
    keep = [vendors.index(v) for v in eligible]
    sampler = PerformanceDraws(draws[:, keep, :], eligible, criteria)
    return smaa(sampler, result.weights, n_samples=n_samples, seed=seed, progress=False)
