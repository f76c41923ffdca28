"""Rank robustness: does the choice survive uncertain weights and scores?

A reader finds each method by its module (the workflow of the analysis):

``samplers``
    what the committee knows about the weights (uniform, ranked, bounded, constrained by
    the criteria hierarchy, each committee member's own) and about the scores (draws, standard
    errors, intervals).
``smaa``
    SMAA-2 (Lahdelma & Salminen 2001): rank acceptability, central weights, confidence,
    pairwise winning index — :func:`smaa` → :class:`SmaaResult`.
``sensitivity``
    one criterion at a time (:func:`stability_intervals`, :func:`tornado`) and the smallest
    weight change that flips the winner (:func:`min_weight_change`, :func:`flip_table`;
    Wolters & Mareschal 1995).
``scenarios``
    rank correlation between weight scenarios (:func:`compare_rankings`).

Each takes a performance matrix (vendors × criteria in [0, 1]) or a
:class:`~crmselect.scoring.ScoreResult` (knocked-out vendors are left out, its weights are
the current ones)::

    import crmselect
    from crmselect import robustness
    result = crmselect.score(crmselect.example())
    robustness.smaa(result, seed=1).to_frame()
    robustness.stability_intervals(result)
    robustness.flip_table(result)
"""

from crmselect.robustness._inputs import Performance, performance_matrix
from crmselect.robustness.samplers import (
    BoundedWeights,
    ConstrainedWeights,
    DirichletWeights,
    FixedWeights,
    IntervalPerformance,
    MemberWeights,
    NormalPerformance,
    OrderedWeights,
    PerformanceDraws,
    PerformanceSampler,
    UniformWeights,
    WeightSampler,
    describe,
)
from crmselect.robustness.scenarios import ScenarioComparison, compare_rankings, equal_weights
from crmselect.robustness.sensitivity import (
    WeightChange,
    flip_table,
    min_weight_change,
    stability_intervals,
    tornado,
)
from crmselect.robustness.smaa import SmaaResult, holistic_acceptability, smaa

__all__ = [
    "BoundedWeights",
    "ConstrainedWeights",
    "DirichletWeights",
    "FixedWeights",
    "IntervalPerformance",
    "MemberWeights",
    "NormalPerformance",
    "OrderedWeights",
    "Performance",
    "PerformanceDraws",
    "PerformanceSampler",
    "ScenarioComparison",
    "SmaaResult",
    "UniformWeights",
    "WeightChange",
    "WeightSampler",
    "compare_rankings",
    "describe",
    "equal_weights",
    "flip_table",
    "holistic_acceptability",
    "min_weight_change",
    "performance_matrix",
    "smaa",
    "stability_intervals",
    "tornado",
]
