"""crmselect — choose a CRM system and implementation partner, and show the choice holds.

The public API::

    import crmselect
    evaluation = crmselect.load_evaluation("my-tender/")   # or crmselect.example()
    result = crmselect.score(evaluation)
    result.to_frame()        # totals, ranks, knock-outs, missing answers
    analysis = crmselect.analyse(evaluation, seed=1)       # ... and does the winner hold?

The subpackages are reached as attributes and imported on first use (PEP 562), so that
``import crmselect`` stays light: :mod:`crmselect.analysis` (:func:`analyse`),
:mod:`crmselect.robustness` (SMAA, stability, flips), the three handed-out forms —
:mod:`crmselect.rfp` (RFP workbooks), :mod:`crmselect.demos` (demo script packs and scoring
sheets) and :mod:`crmselect.workshop` (weights-workshop workbooks) —
:mod:`crmselect.consensus` (the evaluation panel), :mod:`crmselect.cost` (TCO, price
scoring, partner pairs; a folder's ``costs:`` and ``partners:`` sections:
:func:`load_costs`, :func:`load_partners`), :mod:`crmselect.plots` (matplotlib figures,
extra ``crmselect[plots]``), :mod:`crmselect.weights` (weighting methods).

The analytic core (``model``, ``scales``, ``weights``, ``scoring``, ``consensus``, ``cost``,
``robustness``, ``analysis``) is pure: it never reads a file, prints or imports openpyxl.
Files and workbooks (``io``), text reports (``report``), figures (``plots``) and the
command (``cli``) sit at the edge.
"""

import importlib
from typing import Any

from crmselect._version import __version__
from crmselect.catalog import Catalog
from crmselect.errors import CrmselectError, InputFileError, Problem, ValidationError
from crmselect.example import example, example_path
from crmselect.io.folder.catalog import catalogs, load_catalog
from crmselect.io.folder.costs import load_costs
from crmselect.io.folder.evaluation import load_evaluation, save_evaluation
from crmselect.io.folder.partners import load_partners
from crmselect.io.folder.tables import (
    demo_scores_from_frame,
    requirements_from_frame,
    responses_from_frame,
)
from crmselect.io.report.workbook import export_workbook
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
    "Analysis",
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
    "analyse",
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

_SUBMODULES = (
    "analysis",
    "consensus",
    "cost",
    "demos",
    "plots",
    "rfp",
    "robustness",
    "weights",
    "workshop",
)
_LAZY = {"analyse": "crmselect.analysis", "Analysis": "crmselect.analysis"}


def __getattr__(name: str) -> Any:
    """``crmselect.robustness`` & co., and :func:`analyse`, imported on first use."""
    if name in _SUBMODULES:
        return importlib.import_module(f"crmselect.{name}")
    if name in _LAZY:
        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'crmselect' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted({*globals(), *_SUBMODULES, *_LAZY})
