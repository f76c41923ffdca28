"""The evaluation panel: aggregate demo scores, measure agreement, moderate, resample.

The workflow of a scripted-demo panel, one module per step::

    import crmselect
    from crmselect import consensus

    evaluation = crmselect.example()
    panel = consensus.Panel.from_evaluation(evaluation)        # evaluators × items
    agg = consensus.aggregate_scores(panel, method="median")    # per item, per vendor × criterion
    agreement = consensus.panel_agreement(panel)                # Kendall's W, ICC, α
    report = consensus.moderation_list(panel)                   # for the consensus meeting
    final = consensus.apply_moderation(agg, [consensus.ModeratedScore(...)])
    draws = consensus.panel_bootstrap(final, 2000, seed=7)      # for the robustness analysis

An *item* is one (vendor, script, criterion); every table is indexed by ids. Analysis only:
no files, no printing (the scoring sheets evaluators fill in live in
:mod:`crmselect.io.forms.demo_sheets`).
"""

from crmselect.consensus._panel import PANEL_COLUMNS, Panel, PanelLike, as_panel
from crmselect.consensus.aggregate import (
    AggregateMethod,
    EvaluatorWeights,
    MissingScores,
    Normalisation,
    PanelAggregate,
    aggregate_scores,
    evaluator_weights,
    normalise_scores,
    panel_item_scores,
)
from crmselect.consensus.agreement import (
    AlphaResult,
    ICCResult,
    KendallW,
    PanelAgreement,
    icc,
    icc_band,
    kendalls_w,
    krippendorff_alpha,
    panel_agreement,
)
from crmselect.consensus.moderation import (
    ConsensusScores,
    ModerationReport,
    apply_moderation,
    evaluator_correlations,
    leave_one_out,
    moderation_list,
    moderations_from_frame,
)
from crmselect.consensus.uncertainty import PanelBootstrap, panel_bootstrap
from crmselect.model import ModeratedScore

__all__ = [
    "PANEL_COLUMNS",
    "AggregateMethod",
    "AlphaResult",
    "ConsensusScores",
    "EvaluatorWeights",
    "ICCResult",
    "KendallW",
    "MissingScores",
    "ModeratedScore",
    "ModerationReport",
    "Normalisation",
    "Panel",
    "PanelAggregate",
    "PanelAgreement",
    "PanelBootstrap",
    "PanelLike",
    "aggregate_scores",
    "apply_moderation",
    "as_panel",
    "evaluator_correlations",
    "evaluator_weights",
    "icc",
    "icc_band",
    "kendalls_w",
    "krippendorff_alpha",
    "leave_one_out",
    "moderation_list",
    "moderations_from_frame",
    "normalise_scores",
    "panel_agreement",
    "panel_bootstrap",
    "panel_item_scores",
]
