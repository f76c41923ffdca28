"""Criteria weights: how a committee arrives at them, and how the tree rolls them up.

One module per weighting method, each a plain function returning a normalised
``pandas.Series`` (or a frozen result object):

- :mod:`~crmselect.weights.tree` — local weights of the criteria tree → global leaf weights
  (:func:`global_weights`, :func:`local_weights`), and :func:`set_local_weights` to put the
  weights of any method on one node;
- :mod:`~crmselect.weights.ahp` — pairwise comparisons (:func:`ahp`, :func:`group_ahp`,
  :func:`pairwise_matrix`), with λ_max, CI, CR and Harker's completion of skipped pairs;
- :mod:`~crmselect.weights.rank` — surrogate weights from a ranking (ROC, rank sum, rank
  reciprocal; :func:`weights_from_ranking`);
- :mod:`~crmselect.weights.direct` — direct rating, swing weighting, points allocation;
- :mod:`~crmselect.weights.group` — several members' weights: consensus, spread, samples;
- :mod:`~crmselect.weights.judgements` — an evaluation's recorded pairwise judgements →
  local weights (:func:`apply_judgements`).
"""

from crmselect.weights.ahp import (
    CONSISTENCY_LIMIT,
    RANDOM_INDEX,
    SAATY_SCALE,
    AhpResult,
    ahp,
    group_ahp,
    pairwise_matrix,
    random_index,
)
from crmselect.weights.direct import direct_weights, points_allocation, swing_weights
from crmselect.weights.group import GroupWeights, WeightSamples
from crmselect.weights.judgements import apply_judgements, judgement_results, member_weights
from crmselect.weights.rank import (
    rank_order_centroid,
    rank_reciprocal,
    rank_sum,
    weights_from_ranking,
)
from crmselect.weights.tree import global_weights, local_weights, set_local_weights

__all__ = [
    "CONSISTENCY_LIMIT",
    "RANDOM_INDEX",
    "SAATY_SCALE",
    "AhpResult",
    "GroupWeights",
    "WeightSamples",
    "ahp",
    "apply_judgements",
    "direct_weights",
    "global_weights",
    "group_ahp",
    "judgement_results",
    "local_weights",
    "member_weights",
    "pairwise_matrix",
    "points_allocation",
    "random_index",
    "rank_order_centroid",
    "rank_reciprocal",
    "rank_sum",
    "set_local_weights",
    "swing_weights",
    "weights_from_ranking",
]
