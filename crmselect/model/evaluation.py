"""The :class:`Evaluation`: one CRM selection — criteria, requirements, vendors, answers,
panel, demo scores, scoring policy and price criterion — cross-checked as a whole when
constructed (:mod:`crmselect.model.checks`), with its :attr:`~Evaluation.fingerprint` (the
SHA-256 of its inputs, :mod:`crmselect.hashing`)."""

from __future__ import annotations

import functools
from collections import Counter
from collections.abc import Mapping
from typing import Any

import attrs
import pandas as pd

from crmselect.converters import as_tuple
from crmselect.display import html_table
from crmselect.errors import ImportProblem, ValidationError
from crmselect.hashing import canonical, sha256_of_canonical
from crmselect.model._problems import raise_if
from crmselect.model.answers import (
    CodedAnswers,
    CodedDemoScores,
    coded_answers,
    coded_demo_scores,
)
from crmselect.model.checks import evaluation_problems
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
from crmselect.model.policy import PriceCriterion, ScoringPolicy
from crmselect.model.tree import Criterion, walk_tree
from crmselect.references import References, reference_problems
from crmselect.scales import ComplianceScale, DemoScale


@attrs.frozen(eq=False)
class Evaluation:
    """One CRM selection: criteria, requirements, vendors, answers, panel and demo scores.

    Constructing it cross-checks every reference and raises one
    :class:`~crmselect.errors.ValidationError` listing every problem. Change it with
    :func:`attrs.evolve`, which validates the copy again.
    """

    name: str
    criteria: tuple[Criterion, ...] = attrs.field(converter=as_tuple)
    requirements: tuple[Requirement, ...] = attrs.field(converter=as_tuple)
    vendors: tuple[Vendor, ...] = attrs.field(converter=as_tuple)
    responses: tuple[Response, ...] = attrs.field(default=(), converter=as_tuple)
    evaluators: tuple[Evaluator, ...] = attrs.field(default=(), converter=as_tuple)
    demo_scripts: tuple[DemoScript, ...] = attrs.field(default=(), converter=as_tuple)
    demo_scores: tuple[DemoScore, ...] = attrs.field(default=(), converter=as_tuple)
    scale: ComplianceScale = attrs.field(factory=ComplianceScale)
    demo_scale: DemoScale = attrs.field(factory=DemoScale)
    policy: ScoringPolicy = attrs.field(factory=ScoringPolicy)
    description: str = ""
    pricing: Mapping[str, Mapping[str, float | str | None]] = attrs.field(factory=dict)
    """Vendor id → the values of its returned Pricing sheet (see :mod:`crmselect.cost`)."""
    price: PriceCriterion | None = None
    """The leaf criterion scored from prices, if any (see :class:`PriceCriterion`)."""
    processes: tuple[Process, ...] = attrs.field(default=(), converter=as_tuple)
    """Current business processes with their ratings (see :class:`Process`)."""
    judgements: tuple[Judgements, ...] = attrs.field(default=(), converter=as_tuple)
    """Pairwise judgements the local weights were derived from (provenance for reports)."""
    moderations: tuple[ModeratedScore, ...] = attrs.field(default=(), converter=as_tuple)
    """Scores agreed in the consensus meeting; they replace the panel's aggregate."""
    import_problems: tuple[ImportProblem, ...] = attrs.field(default=(), converter=as_tuple)
    """Findings from importing returned workbooks (see :mod:`crmselect.io.forms.rfp_response`)."""
    origin: str = attrs.field(default="", repr=False)
    references: References | None = attrs.field(
        default=None, kw_only=True, validator=lambda e, _, refs: _check_references(e, refs)
    )
    """Reference calls, their questions, scores and shares (:mod:`crmselect.references`)."""

    def __attrs_post_init__(self) -> None:
        raise_if(
            evaluation_problems(self),
            f"Invalid evaluation {self.name!r}" + (f" ({self.origin})" if self.origin else ""),
        )

    # -- lookups ---------------------------------------------------------------------------

    def criteria_by_id(self) -> dict[str, Criterion]:
        return {c.id: c for _, c in walk_tree(self.criteria)}

    def leaves(self) -> tuple[Criterion, ...]:
        """Leaf criteria in tree order — the columns of the performance matrix."""
        return tuple(c for _, c in walk_tree(self.criteria) if c.is_leaf)

    @property
    def vendor_ids(self) -> tuple[str, ...]:
        return tuple(v.id for v in self.vendors)

    def demo_criteria(self) -> frozenset[str]:
        """Leaf criteria that at least one demo script exercises."""
        return frozenset(c for s in self.demo_scripts for c in s.criteria)

    @functools.cached_property
    def coded_answers(self) -> CodedAnswers:
        """The answers as integer-coded arrays, which scoring works on
        (:mod:`crmselect.model.answers`); built on first use and kept, like
        :attr:`fingerprint`."""
        return coded_answers(self)

    @functools.cached_property
    def coded_demo_scores(self) -> CodedDemoScores:
        """The demo scores as integer-coded arrays (:mod:`crmselect.model.answers`), which
        the panel and the missing-items table work on; built on first use and kept."""
        return coded_demo_scores(self)

    @functools.cached_property
    def fingerprint(self) -> str:
        """SHA-256 hex of the evaluation's *inputs* (origins and import findings excluded):
        the provenance of results and the identity a handed-out workbook is checked against.
        An attribute, computed on first use and kept (an evaluation does not change; a copy
        made with :func:`attrs.evolve` computes its own).

        The same on every machine (:mod:`crmselect.hashing`): the local weights of a node
        with :attr:`judgements` are derived from them by an eigen-solver whose last bits
        depend on the BLAS kernel, so where they are what the judgements give (within
        :data:`DERIVED_TOLERANCE`) they are left out and the judgements alone are hashed;
        weights that differ from their judgements (set by hand after judging, a what-if)
        are hashed like any other input. Every float is hashed with 12 significant digits.
        Prices derived from the cost model (:attr:`PriceCriterion.prices` with basis npv or
        total) are hashed so too: their last bits may differ between CPUs' vectorised
        ``power``, their 12 significant digits do not.
        """
        return fingerprint_of(self)

    def __repr__(self) -> str:
        return (
            f"<Evaluation {self.name!r}: {len(self.vendors)} vendors, "
            f"{len(self.requirements)} requirements, {len(self.leaves())} leaf criteria, "
            f"{len(self.demo_scripts)} demo scripts, {len(self.evaluators)} evaluators>"
        )

    def _repr_html_(self) -> str:
        """The vendors with their offering and how many requirements each answered."""
        answered = Counter(a.vendor for a in self.responses if a.compliance is not None)
        frame = pd.DataFrame(
            [
                {
                    "vendor": v.id,
                    "name": v.name,
                    "offering": v.offering.value,
                    "deployment": ", ".join(sorted(d.value for d in v.deployment)),
                    "licensing": ", ".join(sorted(lic.value for lic in v.licensing)),
                    "answered": f"{answered[v.id]}/{len(self.requirements)}",
                }
                for v in self.vendors
            ]
        ).set_index("vendor")
        return html_table(frame, caption=repr(self).strip("<>"))


def _check_references(evaluation: Evaluation, references: References | None) -> None:
    """Raise :class:`ValidationError` listing every problem of ``references`` against
    ``evaluation`` (:func:`crmselect.references.reference_problems`)."""
    if references is not None:
        raise_if(reference_problems(evaluation), f"Invalid reference checks in {evaluation.name!r}")


def fingerprint_of(evaluation: Evaluation, **changes: Any) -> str:
    """The :attr:`~Evaluation.fingerprint` that ``attrs.evolve(evaluation, **changes)``
    would have, without building that copy: the copy's checks would walk every answer and
    demo score again (issue 21 item 3), and a change that only leaves inputs out (no
    answers, no prices: :func:`crmselect.io.forms.rfp_template.questions_fingerprint`)
    cannot make a checked evaluation invalid.

    The canonical form (:func:`~crmselect.hashing.canonical`) is that of the copy, field by
    field: every field but ``origin`` and ``import_problems``, ``references`` only when
    given, the weights of judged nodes left out where they are what the judgements give.
    """
    unknown = set(changes) - {f.name for f in attrs.fields(Evaluation)}
    if unknown:
        raise TypeError(f"Evaluation has no field {', '.join(sorted(unknown))}")
    values = {
        f.name: changes[f.name] if f.name in changes else getattr(evaluation, f.name)
        for f in attrs.fields(Evaluation)
        if f.name not in _NOT_FINGERPRINTED
    }
    if values["references"] is None:  # an evaluation without references hashes as before
        del values["references"]
    plain = {name: canonical(value, exclude=_NOT_FINGERPRINTED) for name, value in values.items()}
    derived = _derived_nodes(values["criteria"], values["judgements"])
    plain["criteria"] = _given_weights(plain["criteria"], derived)
    return sha256_of_canonical(plain)


def _derived_nodes(
    criteria: tuple[Criterion, ...], judgements: tuple[Judgements, ...]
) -> frozenset[str]:
    """Judged nodes ("" for the top level) whose children's normalised local weights are
    those their judgements give, within :data:`DERIVED_TOLERANCE`."""
    if not judgements:
        return frozenset()
    from crmselect.weights.judgements import judgement_results  # weights imports model

    try:
        derived = judgement_results(criteria, judgements)
    except ValidationError:  # judgements that do not fit the tree derive nothing
        return frozenset()
    children = {c.id: c.children for _, c in walk_tree(criteria)}
    children[""] = criteria
    return frozenset(
        node
        for node, result in derived.items()
        if _weights_match(
            children.get(node, ()), {str(k): float(v) for k, v in result.weights.items()}
        )
    )


_NOT_FINGERPRINTED = ("origin", "import_problems")
DERIVED_TOLERANCE = 1e-9
"""How close (absolute, per normalised local weight) weights must be to what their
judgements give to count as derived from them in :attr:`Evaluation.fingerprint`: far above
the last-bit differences between BLAS kernels (about 1e-16), far below any weight a person
sets."""


def _weights_match(children: tuple[Criterion, ...], derived: Mapping[str, float]) -> bool:
    total = sum(c.weight for c in children)
    return (
        total > 0
        and {c.id for c in children} == set(derived)
        and all(abs(c.weight / total - derived[c.id]) <= DERIVED_TOLERANCE for c in children)
    )


def _given_weights(criteria: list[dict[str, Any]], judged: frozenset[str], node: str = "") -> Any:
    """The canonical criteria tree with the weights of judged nodes' children replaced by
    ``"from judgements"`` (they are derived; see :attr:`Evaluation.fingerprint`)."""
    return [
        {
            **c,
            "weight": "from judgements" if node in judged else c["weight"],
            "children": _given_weights(c["children"], judged, c["id"]),
        }
        for c in criteria
    ]
