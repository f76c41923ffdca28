"""One loader for a tender folder: :func:`load_tender`.

``evaluation.yaml`` is read and parsed once; from it come the evaluation (its sections and
CSV tables, :mod:`crmselect.io.folder.evaluation`, with what the returned files add,
:mod:`crmselect.io.folder.returns`), the cost case (``costs:``,
:mod:`crmselect.io.folder.costs`) and the implementation partners (``partners:``,
:mod:`crmselect.io.folder.partners`). Loading is I/O only: the tender comes back as
written, and :func:`crmselect.tender.derive` computes the weights that judgements give and
the prices that the cost model gives (:func:`crmselect.analyse` calls it).

The returned files an ``evaluation.yaml`` names are checked with the key of the folder it
is in (:func:`~crmselect.io.folder.key.tender_key`): a folder naming returned files needs
its key, and says so when it is missing. :func:`resign_returns` signs a folder's returned
files for its key — for the bundled example's copies only (``crmselect demo --out``).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import attrs

from crmselect.clarifications import Applied, Clarification, apply_clarifications, resolved
from crmselect.cost.case import CostCase
from crmselect.declarations import justification_findings
from crmselect.envelope import Envelope
from crmselect.errors import InputFileError, Problem, ValidationError
from crmselect.io.excel.untrusted import DEFAULT_LIMITS
from crmselect.io.folder.costs import read_costs
from crmselect.io.folder.evaluation import evaluation_file, read_written
from crmselect.io.folder.key import TenderKey, tender_key
from crmselect.io.folder.partners import read_partners
from crmselect.io.folder.record import read_record
from crmselect.io.folder.returns import import_returns
from crmselect.io.folder.yamlfile import YNode, read_yaml
from crmselect.io.forms.bafo import BAFO_META, with_final_offers
from crmselect.io.forms.demo_sheets import DEMO_META
from crmselect.io.forms.meta import resign
from crmselect.io.forms.reference_calls import import_reference_sheets
from crmselect.io.forms.rfp_template import PRICING_SHEET, RFP_META
from crmselect.io.forms.workshop import WORKSHOP_META
from crmselect.model import Evaluation, ScoringPolicy
from crmselect.scales import DemoScale
from crmselect.tender import Tender

__all__ = ["load_tender", "resign_returns"]


def load_tender(path: str | Path) -> Tender:
    """Read a tender folder (or its ``evaluation.yaml``) into a :class:`~crmselect.Tender`,
    as written (see the module docstring).

    Raises :class:`~crmselect.errors.InputFileError` for unreadable or malformed files and
    :class:`~crmselect.errors.ValidationError` for inconsistent content, each listing every
    problem with file, key path or row, and line.

    >>> import crmselect
    >>> tender = load_tender(crmselect.example_path())
    >>> tender.derived, tender.costs is not None, tender.partners is not None
    (False, True, True)
    """
    file = evaluation_file(path)
    root = read_yaml(file)
    read = _read(file, root)
    partners = read_partners(root, file, read.evaluation, _partners_evaluation)
    tender = Tender(
        evaluation=read.evaluation,
        costs=read.costs,
        partners=partners,
        prices_from_costs=read.prices_from_costs,
        record=read_record(file.parent),
        clarified=read.clarified,
        envelope=read.envelope,
        origin=str(file),
    )
    if read.earlier is None:  # best and final offers: the tender before them is kept
        return tender
    earlier = attrs.evolve(tender, evaluation=read.earlier[0], costs=read.earlier[1])
    return attrs.evolve(tender, earlier=earlier, rebid=read.rebid)


def _partners_evaluation(file: Path) -> Evaluation:
    """The partners' own evaluation (``partners: {evaluation: …}``), as written."""
    return _read(file, read_yaml(file)).evaluation


@attrs.frozen
class _Read:
    evaluation: Evaluation
    costs: CostCase | None
    prices_from_costs: bool
    clarified: tuple[Applied, ...]
    envelope: Envelope
    earlier: tuple[Evaluation, CostCase | None] | None = None
    rebid: tuple[str, ...] = ()


def _read(file: Path, root: YNode) -> _Read:
    """The evaluation of ``file`` with its returned files and clarifications, its cost
    case, and whether the price criterion's prices are to come from that case. Every
    problem of the file, its tables' rows and the cross-checks is raised at once."""
    written = read_written(file, root)
    found = written.row_problems
    try:
        evaluation = _evaluation(written.fields)
        if written.returns:
            evaluation = import_returns(evaluation, written.returns, key=tender_key(file.parent))
        if written.reference_sheets:
            key = tender_key(file.parent)
            evaluation = import_reference_sheets(evaluation, written.reference_sheets, key=key)
        evaluation, clarified = _clarified(evaluation, written.clarifications)
        earlier: tuple[Evaluation, CostCase | None] | None = None
        rebid: tuple[str, ...] = ()
        if written.bafo:  # the final offers replace the earlier Pricing sheets
            earlier = (evaluation, _costs(root, file, evaluation))
            key = tender_key(file.parent)
            evaluation, final = with_final_offers(evaluation, written.bafo, key=key)
            rebid = tuple(r.vendor for r in final)
        costs = _costs(root, file, evaluation)
    except (ValidationError, InputFileError) as exc:
        if found:
            raise InputFileError(
                f"Cannot read evaluation {file}", _by_row([*found, *exc.problems])
            ) from None
        if isinstance(exc, InputFileError):
            raise
        raise ValidationError(f"Invalid evaluation {file}", exc.problems) from None
    if found:
        raise InputFileError(f"Cannot read evaluation {file}", found)
    return _Read(
        evaluation, costs, written.prices_from_costs, clarified, written.envelope, earlier, rebid
    )


def _evaluation(fields: dict[str, Any]) -> Evaluation:
    """The evaluation of ``fields`` with the justification findings of its demo scores
    (:func:`~crmselect.declarations.justification_findings`), its checks run once.

    The findings depend on the demo scale and the policy only, so they are found from the
    fields and given to the evaluation as it is built: adding them afterwards would check
    450,000 answers and scores a second time at the upper end of issue 21. Where the
    evaluation is refused, its problems are raised as they are (the findings are warnings).
    """
    found = justification_findings(
        fields.get("demo_scores", ()),
        fields.get("demo_scale", DemoScale()),
        fields.get("policy", ScoringPolicy()),
    )
    return Evaluation(**fields, import_problems=found)


def resign_returns(path: str | Path, key: TenderKey) -> list[Path]:
    """Sign every returned file the tender at ``path`` names (its weights workshops, scoring
    sheets, RFP and BAFO workbooks) for ``key`` at the forms' current versions
    (:func:`~crmselect.io.forms.meta.resign`); returns the files signed.

    For a copy of a folder whose files this tender made itself — the bundled example, which
    ``crmselect demo --out`` copies and gives a key of its own. It trusts the files: never
    use it on files returned from outside, whose tag is what shows they were not edited.
    """
    file = evaluation_file(path)
    written = read_written(file, read_yaml(file))
    returns = written.returns
    kinds = (
        (WORKSHOP_META, returns.workshops),
        (DEMO_META, returns.sheets),
        (RFP_META, returns.workbooks),
        (BAFO_META, written.bafo),
    )
    return [
        returned
        for form, paths in kinds
        for returned in paths
        if resign(returned, form, key, DEFAULT_LIMITS)
    ]


def _clarified(
    evaluation: Evaluation, clarifications: tuple[Clarification, ...]
) -> tuple[Evaluation, tuple[Applied, ...]]:
    """``evaluation`` with its clarifications applied, and the import findings they answer
    kept as resolved (:func:`~crmselect.clarifications.resolved`)."""
    if not clarifications:
        return evaluation, ()
    vendor_of = {r.origin.split("!")[0]: r.vendor for r in evaluation.responses if "!" in r.origin}
    changed, applied = apply_clarifications(evaluation, clarifications)
    problems = resolved(evaluation.import_problems, applied, vendor_of, pricing_sheet=PRICING_SHEET)
    return attrs.evolve(changed, import_problems=problems), applied


def _costs(root: YNode, file: Path, evaluation: Evaluation) -> CostCase | None:
    """The cost case; where it cannot be built because a returned Pricing cell was refused
    at import, that finding is listed beside the cost model's problem."""
    try:
        return read_costs(root, file, evaluation)
    except (ValidationError, InputFileError) as exc:
        behind = [
            p.as_problem()
            for p in evaluation.import_problems
            if p.sheet == PRICING_SHEET and p.severity == "error"
        ]
        if not behind:
            raise
        # a value the import excluded reaches the cost model as missing: say where and
        # what was typed, beside what the cost model could not do without it
        raise type(exc)(exc.headline, [*exc.problems, *behind]) from None


_ROW = re.compile(r"^(?P<file>.*): row (?P<row>\d+)")


def _by_row(problems: list[Problem]) -> list[Problem]:
    """``problems`` with those of CSV rows in file and row order (the reading's and the
    cross-checks' problems of one row side by side); the others first, as they came."""

    def key(problem: Problem) -> tuple[str, int]:
        match = _ROW.match(problem.where)
        return (match["file"], int(match["row"])) if match else ("", 0)

    return sorted(problems, key=key)
