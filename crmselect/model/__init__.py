"""The domain model: frozen, validated attrs classes for a CRM selection.

A selection (an :class:`Evaluation`) has a tree of weighted :class:`Criterion` objects whose
leaves hold :class:`Requirement` lines; :class:`Vendor` objects answer requirements with
:class:`Response` objects; :class:`Evaluator` panel members score scripted demos
(:class:`DemoScript`) with :class:`DemoScore` objects.

Each class checks what it can on its own when constructed (an empty id, a negative weight)
and raises :class:`~crmselect.errors.ValidationError`. :class:`Evaluation` then cross-checks
every reference and collects *all* problems into one error. Every object carries an optional
``origin`` (e.g. ``"evaluation.yaml: vendors[2] (line 31)"``) that error messages quote; it
takes no part in equality or hashing.

The modules, in the order they build on each other:

``choices``
    the closed sets of values (:class:`Priority`, :class:`Deployment`, …) and their parsing;
``tree``
    :class:`Criterion` and :func:`walk_tree`;
``inputs``
    what the committee and the bidders put in: requirements, vendors, answers, panel, demo
    scripts and scores, judgements, processes, moderated scores;
``policy``
    the rules scoring follows: :class:`ScoringPolicy`, :class:`DemoAggregation`,
    :class:`PriceCriterion`;
``answers``
    the vendors' answers and the panel's demo scores as integer-coded arrays
    (:class:`~crmselect.model.answers.CodedAnswers`,
    :class:`~crmselect.model.answers.CodedDemoScores`), which scoring and the panel work on;
``checks``
    the cross-checks of an evaluation over one precomputed index, :func:`tree_problems`
    (shared with catalogues) and :func:`moderation_problems` (shared with the consensus
    meeting);
``evaluation``
    :class:`Evaluation` itself, its fingerprint and its coded answers and demo scores.
"""

from crmselect.model._problems import duplicate_problems
from crmselect.model.checks import EvaluationIndex, moderation_problems, tree_problems
from crmselect.model.choices import (
    Access,
    Deployment,
    Licensing,
    MissingPolicy,
    Offering,
    PriceBasis,
    PriceMethod,
    Priority,
    ProcessRating,
)
from crmselect.model.evaluation import Evaluation, fingerprint_of
from crmselect.model.inputs import (
    DemoScore,
    DemoScript,
    Evaluator,
    Judgements,
    ModeratedScore,
    Process,
    Requirement,
    Response,
    Vendor,
)
from crmselect.model.policy import (
    DEMO_METHODS,
    DEMO_MISSING,
    DEMO_NORMALISATIONS,
    DemoAggregation,
    PriceCriterion,
    ScoringPolicy,
)
from crmselect.model.tree import Criterion, walk_tree

__all__ = [
    "DEMO_METHODS",
    "DEMO_MISSING",
    "DEMO_NORMALISATIONS",
    "Access",
    "Criterion",
    "DemoAggregation",
    "DemoScore",
    "DemoScript",
    "Deployment",
    "Evaluation",
    "EvaluationIndex",
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
    "duplicate_problems",
    "fingerprint_of",
    "moderation_problems",
    "tree_problems",
    "walk_tree",
]
