"""crmselect — choose a CRM system and implementation partner, and show the choice holds.

The public API::

    import crmselect
    tender = crmselect.load_tender("my-tender/")   # as written; or crmselect.example_tender()
    tender = crmselect.derive(tender)              # weights from judgements, prices from costs
    result = crmselect.score(tender.evaluation)
    result.to_frame()        # totals, ranks, knock-outs, missing answers
    analysis = crmselect.analyse(tender, seed=1)   # ... and does the winner hold?
    crmselect.whatif(tender)                       # in Jupyter: move weights, watch the ranking

The public names and the subpackages are reached as attributes and imported on first use
(PEP 562), so that ``import crmselect`` stays light — no pandas, scipy, openpyxl or
matplotlib until a name that needs them is used:
:mod:`crmselect.analysis` (:func:`analyse`), :mod:`crmselect.robustness` (SMAA, stability,
flips), the three handed-out forms — :mod:`crmselect.rfp` (RFP workbooks),
:mod:`crmselect.demos` (demo script packs and scoring sheets) and :mod:`crmselect.workshop`
(weights-workshop workbooks) —, :mod:`crmselect.consensus` (the evaluation panel),
:mod:`crmselect.cost` (TCO, price scoring, partner pairs; a folder's ``costs:`` and
``partners:`` sections come with :func:`load_tender`), :mod:`crmselect.plots`
(matplotlib figures, extra ``crmselect[plots]``), :mod:`crmselect.weights` (weighting
methods).

Dependencies point one way. The modules form layers, lowest first; a module imports
(at the top or inside a function) only modules of its own layer or below — imports under
``if TYPE_CHECKING:`` are for annotations and do not count. ``tests/test_layers.py`` reads
this list and fails on an import of a higher layer, or a module that is in no layer::

    1. _version, _resources, errors, hashing, converters, ranking, progress, text, display, plots
    2. scales
    3. model, catalog, references
    4. weights, basis, record, clarifications, declarations, low_bids
    5. consensus
    6. price, scoring
    7. cost, robustness
    8. tender, analysis, envelope, bafo, whatif_model
    9. io, example, rfp, demos, workshop, report, whatif, whatif_widget
    10. cli

Layer 1 holds the helpers every layer uses, among them how results show themselves:
HTML tables (``display``) and matplotlib figures (``plots``, which draws the results it is
given without importing them). The analytic core (layers 2–8) is pure: it never reads a
file, prints or imports openpyxl. ``cost`` (TCO, business case, partner pairs) builds on
scoring; the price formulas scoring uses live beside it in ``price``. The catalogue type
(``catalog``: criteria trees with requirement lines, and pure helpers) sits beside the model
whose criteria it holds. Files and workbooks (``io``, with the catalogue files and their
loader, the bundled example and the RFP front module), text reports (``report``) and the
command (``cli``) sit at the edge; this package's public API imports from every layer.
"""

import importlib
from typing import TYPE_CHECKING, Any

from crmselect._version import __version__
from crmselect.errors import CrmselectError, InputFileError, Problem, ValidationError
from crmselect.example import example, example_path, example_tender
from crmselect.whatif import whatif

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
    "ReferenceCall",
    "ReferenceQuestion",
    "ReferenceScore",
    "References",
    "Requirement",
    "Response",
    "ScoreResult",
    "ScoringPolicy",
    "Tender",
    "ValidationError",
    "Vendor",
    "__version__",
    "ahp",
    "analyse",
    "apply_judgements",
    "catalogs",
    "demo_scores_from_frame",
    "derive",
    "example",
    "example_path",
    "example_tender",
    "export_workbook",
    "global_weights",
    "group_ahp",
    "load_catalog",
    "load_tender",
    "new_tender",
    "pairwise_matrix",
    "points_allocation",
    "requirements_from_frame",
    "responses_from_frame",
    "save_evaluation",
    "score",
    "set_local_weights",
    "swing_weights",
    "weights_from_ranking",
    "whatif",
]

_SUBMODULES = (
    "analysis",
    "basis",
    "catalog",
    "clarifications",
    "cli",
    "consensus",
    "converters",
    "cost",
    "demos",
    "display",
    "hashing",
    "io",
    "model",
    "plots",
    "price",
    "progress",
    "ranking",
    "record",
    "references",
    "report",
    "rfp",
    "robustness",
    "scales",
    "scoring",
    "tender",
    "text",
    "weights",
    "workshop",
)
"""The modules reached as attributes (``crmselect.robustness.smaa``), imported on first use."""

_PUBLIC: dict[str, tuple[str, ...]] = {
    "crmselect.analysis": ("Analysis", "analyse"),
    "crmselect.catalog": ("Catalog",),
    "crmselect.io.folder.catalog": ("catalogs", "load_catalog"),
    "crmselect.io.folder.evaluation": ("save_evaluation",),
    "crmselect.io.folder.tables": (
        "demo_scores_from_frame",
        "requirements_from_frame",
        "responses_from_frame",
    ),
    "crmselect.io.folder.scaffold": ("new_tender",),
    "crmselect.io.folder.tender": ("load_tender",),
    "crmselect.io.report.workbook": ("export_workbook",),
    "crmselect.model": (
        "Access",
        "Criterion",
        "DemoScore",
        "DemoScript",
        "Deployment",
        "Evaluation",
        "Evaluator",
        "Judgements",
        "Licensing",
        "MissingPolicy",
        "ModeratedScore",
        "Offering",
        "PriceBasis",
        "PriceCriterion",
        "PriceMethod",
        "Priority",
        "Process",
        "ProcessRating",
        "Requirement",
        "Response",
        "ScoringPolicy",
        "Vendor",
    ),
    "crmselect.references": ("ReferenceCall", "ReferenceQuestion", "ReferenceScore", "References"),
    "crmselect.scales": ("ComplianceLevel", "ComplianceScale", "DemoScale"),
    "crmselect.scoring": ("ScoreResult", "score"),
    "crmselect.tender": ("Tender", "derive"),
    "crmselect.weights": (
        "AhpResult",
        "GroupWeights",
        "ahp",
        "apply_judgements",
        "global_weights",
        "group_ahp",
        "pairwise_matrix",
        "points_allocation",
        "set_local_weights",
        "swing_weights",
        "weights_from_ranking",
    ),
}
"""Module → the public names it gives, imported on first use (the ``TYPE_CHECKING`` imports
below name the same, for type checkers): ``import crmselect`` loads no pandas, scipy,
openpyxl or matplotlib until a name that needs them is used. (:func:`example` is imported at
once, its module being light: a lazy function named like its module would be shadowed by
the module once imported; so is :func:`whatif`, the committee's cockpit in Jupyter.)"""

_LAZY = {name: module for module, names in _PUBLIC.items() for name in names}

if TYPE_CHECKING:
    from crmselect.analysis import Analysis, analyse
    from crmselect.catalog import Catalog
    from crmselect.io.folder.catalog import catalogs, load_catalog
    from crmselect.io.folder.evaluation import save_evaluation
    from crmselect.io.folder.scaffold import new_tender
    from crmselect.io.folder.tables import (
        demo_scores_from_frame,
        requirements_from_frame,
        responses_from_frame,
    )
    from crmselect.io.folder.tender import load_tender
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
    from crmselect.references import ReferenceCall, ReferenceQuestion, References, ReferenceScore
    from crmselect.scales import ComplianceLevel, ComplianceScale, DemoScale
    from crmselect.scoring import ScoreResult, score
    from crmselect.tender import Tender, derive
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


def __getattr__(name: str) -> Any:
    """The modules of :data:`_SUBMODULES` and the names of :data:`_PUBLIC`, imported on
    first use (a name is then kept here, so it is looked up once)."""
    if name in _SUBMODULES:
        return importlib.import_module(f"crmselect.{name}")
    if name in _LAZY:
        value = getattr(importlib.import_module(_LAZY[name]), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'crmselect' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted({*globals(), *_SUBMODULES, *_LAZY})
