"""crmselect — choose a CRM system and implementation partner, and show the choice holds.

The public API, re-exported::

    import crmselect
    evaluation = crmselect.load_evaluation("my-tender/")   # or crmselect.example()
    result = crmselect.score(evaluation)
    result.to_frame()        # totals, ranks, knock-outs, missing answers

Robustness lives in :mod:`crmselect.robustness` (and :func:`crmselect.analysis.analyse`),
RFP workbooks in :mod:`crmselect.rfp`, weighting methods in :mod:`crmselect.weights`, cost,
price scoring and partner pairing in :mod:`crmselect.cost` (a folder's ``costs:`` and
``partners:`` sections: :func:`load_costs`, :func:`load_partners`).
"""

from crmselect._version import __version__
from crmselect.catalog import Catalog, catalogs, load_catalog
from crmselect.errors import CrmselectError, InputFileError, Problem, ValidationError
from crmselect.example import example, example_path
from crmselect.io.costs import load_costs
from crmselect.io.folder import load_evaluation, save_evaluation
from crmselect.io.partners import load_partners
from crmselect.io.tables import (
    demo_scores_from_frame,
    requirements_from_frame,
    responses_from_frame,
)
from crmselect.io.workbook import export_workbook
from crmselect.model import (
    Access,
    Criterion,
    DemoScore,
    DemoScript,
    Deployment,
    Evaluation,
    Evaluator,
    Judgements,
    Licensing,
    MissingPolicy,
    ModeratedScore,
    Offering,
    PriceBasis,
    PriceCriterion,
    PriceMethod,
    Priority,
    Process,
    ProcessRating,
    Requirement,
    Response,
    ScoringPolicy,
    Vendor,
)
from crmselect.scales import ComplianceLevel, ComplianceScale, DemoScale
from crmselect.scoring import ScoreResult, score
from crmselect.weights import (
    AhpResult,
    GroupWeights,
    ahp,
    apply_judgements,
    global_weights,
    group_ahp,
    pairwise_matrix,
    points_allocation,
    set_local_weights,
    swing_weights,
    weights_from_ranking,
)

__all__ = [
    "Access",
    "AhpResult",
    "Catalog",
    "ComplianceLevel",
    "ComplianceScale",
    "Criterion",
    "CrmselectError",
    "DemoScale",
    "DemoScore",
    "DemoScript",
    "Deployment",
    "Evaluation",
    "Evaluator",
    "GroupWeights",
    "InputFileError",
    "Judgements",
    "Licensing",
    "MissingPolicy",
    "ModeratedScore",
    "Offering",
    "PriceBasis",
    "PriceCriterion",
    "PriceMethod",
    "Priority",
    "Problem",
    "Process",
    "ProcessRating",
    "Requirement",
    "Response",
    "ScoreResult",
    "ScoringPolicy",
    "ValidationError",
    "Vendor",
    "__version__",
    "ahp",
    "apply_judgements",
    "catalogs",
    "demo_scores_from_frame",
    "example",
    "example_path",
    "export_workbook",
    "global_weights",
    "group_ahp",
    "load_catalog",
    "load_costs",
    "load_evaluation",
    "load_partners",
    "pairwise_matrix",
    "points_allocation",
    "requirements_from_frame",
    "responses_from_frame",
    "save_evaluation",
    "score",
    "set_local_weights",
    "swing_weights",
    "weights_from_ranking",
]
