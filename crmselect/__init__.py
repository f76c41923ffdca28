"""crmselect — choose a CRM system and implementation partner, and show the choice holds.

The public API, re-exported::

    import crmselect
    evaluation = crmselect.load_evaluation("my-tender/")   # or crmselect.example()
    result = crmselect.score(evaluation)
    result.to_frame()        # totals, ranks, knock-outs, missing answers
"""

from crmselect._version import __version__
from crmselect.catalog import Catalog, catalogs, load_catalog
from crmselect.errors import CrmselectError, InputFileError, Problem, ValidationError
from crmselect.example import example, example_path
from crmselect.io.folder import load_evaluation, save_evaluation
from crmselect.io.tables import (
    demo_scores_from_frame,
    requirements_from_frame,
    responses_from_frame,
)
from crmselect.model import (
    Access,
    Criterion,
    DemoScore,
    DemoScript,
    Deployment,
    Evaluation,
    Evaluator,
    Licensing,
    MissingPolicy,
    Offering,
    Priority,
    Requirement,
    Response,
    ScoringPolicy,
    Vendor,
)
from crmselect.scales import ComplianceLevel, ComplianceScale, DemoScale
from crmselect.scoring import ScoreResult, score
from crmselect.weights import global_weights

__all__ = [
    "Access",
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
    "InputFileError",
    "Licensing",
    "MissingPolicy",
    "Offering",
    "Priority",
    "Problem",
    "Requirement",
    "Response",
    "ScoreResult",
    "ScoringPolicy",
    "ValidationError",
    "Vendor",
    "__version__",
    "catalogs",
    "demo_scores_from_frame",
    "example",
    "example_path",
    "global_weights",
    "load_catalog",
    "load_evaluation",
    "requirements_from_frame",
    "responses_from_frame",
    "save_evaluation",
    "score",
]
