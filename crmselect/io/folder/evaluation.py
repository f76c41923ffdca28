"""Evaluation folders: ``evaluation.yaml`` plus the response and demo-score tables.

A folder holds one selection::

    my-tender/
      evaluation.yaml      criteria and weights, requirements, vendors, panel, demo scripts
      responses.csv        vendor, requirement, compliance, comment[, evidence]
      demo_scores.csv      evaluator, vendor, script, criterion, score, note

``evaluation.yaml`` (schema ``crmselect.evaluation/1``)::

    schema: crmselect.evaluation/1
    name: Northwind Trading — CRM selection 2026
    catalog: crm-core                # bundled name, or a path relative to this file
    criteria:                        # local weights; names default from the catalogue
      - id: functional
        weight: 40
        children:
          - {id: sfa, weight: 30, demo_share: 0.4}
    requirements:                    # or a plain list of full requirement mappings
      catalog: [SFA-001, marketing]  # requirement ids, or criterion ids for all of theirs
      overrides:
        SEC-004: {priority: must, mandatory: true}
      custom:
        - {id: NW-001, criterion: sfa, priority: must, text: "..."}
    vendors:
      - {id: helio, name: Helio CRM, offering: suite, deployment: [saas],
         access: [browser, mobile], licensing: [subscription, named]}
    evaluators: [{id: ev1, name: A. Jones, role: Head of Sales}]
    demo_scripts:
      - {id: D1, title: Lead to order, criteria: [sfa, analytics], minutes: 45}
    scoring:                         # all optional; defaults documented in crmselect.model
      missing: zero                  # or ignore
      demo_share: 0.5
      priority_weights: {must: 3, should: 2, could: 1, wont: 0}
      demo_scale: {minimum: 0, maximum: 5}
      compliance_scale: {roadmap: {score: 0.1, satisfies_mandatory: true}}  # a promise counts
      process_uplift: {recoverability: 1, criticality: 2}   # MoSCoW steps per rating
    processes:                       # optional: current processes, rated best to worst
      - {id: quote, name: Quote to order, rating: criticality, requirements: [SFA-010]}
    weighting:                       # optional: local weights from pairwise judgements (AHP)
      - node: top                    # or a criterion id; 'member' for one judge of several
        method: ahp
        judgements:                  # [a, b, x]: a is x times as important as b (1–9, 1/3 …)
          - [functional, vendor, 5]
    responses: responses.csv         # answers as a table, and/or
    response_workbooks: [returned/*.xlsx]   # the vendors' returned RFP workbooks
    weighting_workbooks: [workshop/*.xlsx]  # members' pairwise comparisons (AHP, per member)
    demo_scores: demo_scores.csv
    clarifications: clarifications.csv  # vendors' recorded corrections of answers and prices
    references: {...}                # reference calls: crmselect.io.forms.reference_calls
    price_envelope: sealed           # prices unseen until the quality is frozen: envelope
    quality_threshold: 60            # of 100: needed for the price to be opened (sealed only)
    bafo: [bafo/*.xlsx]              # returned best-and-final-offer workbooks: crmselect.bafo
    costs: {...}                     # cost assumptions and benefits: crmselect.io.folder.costs
    price: {criterion: price, method: budget, budget: 1600000}   # price criterion: io.costs
    partners: {evaluation: partners, offers: partner_offers.csv}  # crmselect.io.folder.partners

``response_workbooks``, ``weighting_workbooks`` and ``scoring_sheets`` take one entry or a
list; each is a path or a glob pattern (``*``, ``?``, ``[abc]``, ``**``), relative to this
file or absolute (``/srv/tender/returned/*.xlsx``). An entry naming an existing file is
taken as it is written, glob characters and all (``offer [v2].xlsx``); to match a literal
``[`` in a pattern, write ``[[]``. An entry that matches no file is an error at its line.

Returned workbooks are read as untrusted input (:mod:`crmselect.io.forms.rfp_response`); what
they contain that cannot be used is listed in ``Evaluation.import_problems``.

Errors name the file, the key path and the line (``evaluation.yaml: vendors[2].id (line
31)``), or the CSV file and row. Every problem is reported at once: the problems of the CSV
tables' rows come together with the cross-checks of the rows that could be read (an unknown
vendor, a score off the scale). A mistake that makes others follow is reported alone: an
unknown catalogue, or a typo in ``requirements.catalog``, is not followed by errors about
the overrides of what it would have selected. ``evaluation.yaml`` is read as untrusted
text (:mod:`crmselect.io.folder.yamlfile`: at most 8 MiB, 64 levels of nesting).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import partial
from pathlib import Path
from typing import Any, TypeVar

import attrs
import pandas as pd
import yaml

from crmselect.catalog import Catalog, did_you_mean
from crmselect.clarifications import Clarification
from crmselect.consensus import moderations_from_frame
from crmselect.envelope import SEALED, Envelope
from crmselect.errors import CrmselectError, InputFileError, Problem, ValidationError
from crmselect.io.excel.xlsx import replace_atomically, write_csv
from crmselect.io.folder.catalog import catalogs, load_catalog
from crmselect.io.folder.costs import read_price
from crmselect.io.folder.returns import Returns, returned_paths
from crmselect.io.folder.schema import parse_criteria, parse_requirement
from crmselect.io.folder.tables import (
    clarifications_from_frame,
    demo_scores_from_frame,
    demo_scores_to_frame,
    read_csv,
    responses_from_frame,
    responses_to_frame,
)
from crmselect.io.folder.yamlfile import Reader, YNode, is_file, shorten
from crmselect.io.forms.reference_calls import read_references_section, write_references_section
from crmselect.io.forms.rfp_template import PRICING_FIELDS
from crmselect.model import (
    Criterion,
    DemoAggregation,
    DemoScript,
    Evaluation,
    Evaluator,
    Judgements,
    ModeratedScore,
    PriceBasis,
    PriceCriterion,
    Process,
    ProcessRating,
    Requirement,
    ScoringPolicy,
    Vendor,
)
from crmselect.model.policy import JustifyScores
from crmselect.scales import ComplianceScale, DemoScale

T = TypeVar("T")

SCHEMA = "crmselect.evaluation/1"
FILE_NAME = "evaluation.yaml"
TOP_REQUIRED = ("schema", "name", "criteria", "vendors")
TOP_OPTIONAL = (
    "description",
    "catalog",
    "requirements",
    "evaluators",
    "demo_scripts",
    "scoring",
    "responses",
    "response_workbooks",
    "weighting",
    "weighting_workbooks",
    "processes",
    "costs",
    "price",
    "partners",
    "pricing",
    "demo_scores",
    "scoring_sheets",
    "moderations",
    "clarifications",
    "references",
    "price_envelope",
    "quality_threshold",
    "bafo",
)


def evaluation_file(path: str | Path) -> Path:
    """``path``'s ``evaluation.yaml``: the file itself, or the one in the folder."""
    file = Path(path)
    return file / FILE_NAME if file.is_dir() else file


@attrs.frozen
class Written:
    """``evaluation.yaml`` and its CSV tables as read, before anything is validated across
    them: the keyword arguments of the :class:`Evaluation` they describe, the problems of
    the tables' rows (reported together with the evaluation's own), the returned files the
    file names, and whether the price criterion's prices are to come from ``costs:``."""

    fields: dict[str, Any]
    row_problems: list[Problem]
    returns: Returns
    prices_from_costs: bool
    clarifications: tuple[Clarification, ...] = ()
    """The recorded corrections of answers and prices (``clarifications:``), applied once
    the returned files are read (:func:`crmselect.io.folder.tender.load_tender`)."""
    reference_sheets: tuple[Path, ...] = ()
    """The returned reference-call instruments (``references: {instruments: …}``)."""
    envelope: Envelope = attrs.field(factory=Envelope)
    """``price_envelope:`` and ``quality_threshold:`` (:mod:`crmselect.envelope`)."""
    bafo: tuple[Path, ...] = ()
    """The returned best-and-final-offer workbooks (``bafo:``, :mod:`crmselect.bafo`)."""


def read_written(file: Path, root: YNode) -> Written:
    """The sections of the evaluation file ``file`` (parsed as ``root``) and the tables it
    names; raises :class:`~crmselect.errors.InputFileError` listing every problem of the
    file itself with key path and line (:func:`crmselect.io.folder.tender.load_tender`
    builds and cross-checks the evaluation)."""
    folder = file.parent
    reader = Reader()
    fields = reader.top(root, f"{file} is not an evaluation file", TOP_REQUIRED, TOP_OPTIONAL)
    if "schema" in fields and reader.text(fields["schema"]) != SCHEMA:
        reader.fail(fields["schema"], f"expected schema {SCHEMA!r}")

    name = reader.text(fields.get("name"))
    description = reader.text(fields.get("description"))
    catalog = _catalog(reader, fields.get("catalog"), folder)
    catalog_failed = catalog is None and "catalog" in fields
    defaults = catalog.criteria_by_id() if catalog else {}
    criteria = parse_criteria(
        reader,
        fields.get("criteria"),
        allow_demo_share=True,
        defaults=defaults,
        defaults_missing=catalog_failed,
    )
    requirements = _requirements(
        reader, fields.get("requirements"), catalog, catalog_failed=catalog_failed
    )
    vendors = [v for item in reader.sequence(fields.get("vendors")) if (v := _vendor(reader, item))]
    evaluators = [
        e for item in reader.sequence(fields.get("evaluators")) if (e := _evaluator(reader, item))
    ]
    scripts = [
        s for item in reader.sequence(fields.get("demo_scripts")) if (s := _script(reader, item))
    ]
    scale, demo_scale, policy = _scoring(reader, fields.get("scoring"))
    judgements = _judgements(reader, fields.get("weighting"))
    pricing = _pricing(reader, fields.get("pricing"))
    price = read_price(reader, fields.get("price"))
    derive = derives_prices(reader, fields, price)
    processes = [
        p for item in reader.sequence(fields.get("processes")) if (p := _process(reader, item))
    ]
    found: list[Problem] = []  # the problems of the rows of the CSV tables
    responses = _table(
        reader,
        fields.get("responses"),
        folder,
        lambda frame, source, rows: responses_from_frame(frame, scale, source, found=rows),
        found,
    )
    demo_scores = _table(
        reader,
        fields.get("demo_scores"),
        folder,
        lambda frame, source, rows: demo_scores_from_frame(frame, source, found=rows),
        found,
    )
    moderations = _table(
        reader,
        fields.get("moderations"),
        folder,
        _collecting(moderations_from_frame),
        found,
    )
    clarifications = _table(
        reader,
        fields.get("clarifications"),
        folder,
        lambda frame, source, rows: clarifications_from_frame(frame, source, found=rows),
        found,
    )
    references = read_references_section(reader, fields.get("references"), folder, found)
    returns = Returns(
        workshops=returned_paths(reader, fields.get("weighting_workbooks"), folder),
        sheets=returned_paths(reader, fields.get("scoring_sheets"), folder),
        workbooks=returned_paths(reader, fields.get("response_workbooks"), folder),
    )
    envelope = _envelope(reader, fields)
    bafo = tuple(returned_paths(reader, fields.get("bafo"), folder))
    if reader.problems:
        raise InputFileError(f"Cannot read evaluation {file}", [*reader.problems, *found])
    evaluation = dict(
        name=name,
        description=description,
        criteria=criteria,
        requirements=requirements,
        vendors=vendors,
        evaluators=evaluators,
        demo_scripts=scripts,
        responses=responses,
        demo_scores=demo_scores,
        moderations=moderations,
        scale=scale,
        demo_scale=demo_scale,
        policy=policy,
        judgements=judgements,
        processes=processes,
        pricing=pricing,
        price=price,
        origin=str(file),
    )
    if references is not None:
        evaluation["references"] = references.references
        sheets = references.instruments
        return Written(
            evaluation, found, returns, derive, tuple(clarifications), sheets, envelope, bafo
        )
    return Written(
        evaluation, found, returns, derive, tuple(clarifications), envelope=envelope, bafo=bafo
    )


def _envelope(reader: Reader, fields: dict[str, YNode]) -> Envelope:
    """``price_envelope: sealed | open`` and ``quality_threshold:`` (0–100, sealed only)."""
    node, minimum = fields.get("price_envelope"), fields.get("quality_threshold")
    mode = reader.text(node, "open").strip().lower()
    if node is not None and mode not in (SEALED, "open"):
        reader.fail(node, f"expected 'sealed' or 'open', got {shorten(mode)!r}")
    threshold = reader.number(minimum, minimum=0, maximum=100)
    if minimum is not None and mode != SEALED:
        reader.fail(minimum, "a quality_threshold needs price_envelope: sealed")
        return Envelope()
    return Envelope(mode == SEALED, threshold)


def derives_prices(reader: Reader, fields: dict[str, YNode], price: PriceCriterion | None) -> bool:
    """Whether the price criterion's prices come from the ``costs:`` section (basis npv or
    total, no ``prices:``); reports a section that gives prices two ways. A price criterion
    with no prices yet (basis ``bid`` before the bids, or npv/total before a ``costs:``
    section) is no problem here: the forms can be made, and scoring asks for the prices
    when it needs them."""
    if price is None or price.basis is PriceBasis.BID:
        return False
    node = fields["price"]
    given = node.value.get("prices") if isinstance(node.value, dict) else None
    costs = "costs" in fields
    if given is not None and price.prices and costs:  # an empty 'prices: {}' gives way
        reader.fail(
            given,
            f"with basis {price.basis.value!r} the prices come from the costs: section; "
            "remove 'prices:', or use basis 'bid' to score the prices given here",
        )
    return costs and not price.prices


def _table(
    reader: Reader,
    node: YNode | None,
    folder: Path,
    parse: Callable[[pd.DataFrame, str, list[Problem]], list[T]],
    found: list[Problem],
) -> list[T]:
    """Read the CSV file named at ``node`` (relative to the folder) with ``parse``. A file
    that cannot be found or read is the reader's problem; ``parse`` adds the problems of
    the rows to ``found`` and returns the rows that could be read, so that they are still
    cross-checked with the rest of the evaluation (all problems are reported at once)."""
    if node is None:
        return []
    csv = _table_path(reader, node, folder)
    if csv is None:
        return []
    try:
        frame = read_csv(csv)
    except InputFileError as exc:
        reader.problems += exc.problems
        return []
    return parse(frame, str(csv), found)


def _collecting(
    parse: Callable[[pd.DataFrame, str], list[T]],
) -> Callable[[pd.DataFrame, str, list[Problem]], list[T]]:
    """``parse`` (which raises on any problem) as a reader that adds the problems to a list
    and returns the rows it accepts on their own, with their origins."""

    def collect(frame: pd.DataFrame, source: str, found: list[Problem]) -> list[T]:
        try:
            return parse(frame, source)
        except (InputFileError, ValidationError) as exc:
            found += exc.problems
        rows: list[T] = []
        for i in range(len(frame)):
            try:
                (row,) = parse(frame.iloc[[i]].reset_index(drop=True), source)
            except (InputFileError, ValidationError):
                continue
            rows.append(attrs.evolve(row, origin=f"{source}: row {i + 2}"))  # type: ignore[misc]
        return rows

    return collect


def _table_path(reader: Reader, node: YNode, folder: Path) -> Path | None:
    name = reader.text(node)
    path = (folder / name).resolve()
    if not name:
        reader.fail(node, "expected a file name")
        return None
    if not is_file(path):
        reader.fail(node, f"file {shorten(name)!r} not found next to the evaluation file")
        return None
    return path


def _catalog(reader: Reader, node: YNode | None, folder: Path) -> Catalog | None:
    """The catalogue named at ``node``: a file relative to the folder, or a bundled name (an
    unknown name is reported with the closest bundled ones)."""
    if node is None:
        return None
    name = reader.text(node)
    if not name:
        if not isinstance(node.value, dict | list):
            reader.fail(node, f"expected a catalogue name ({', '.join(catalogs())}) or a path")
        return None
    local = folder / name
    try:
        return load_catalog(local if is_file(local) else name)
    except InputFileError as exc:
        reader.problems += exc.problems
    except CrmselectError as exc:
        reader.fail(node, str(exc))
    return None


def _requirements(
    reader: Reader, node: YNode | None, catalog: Catalog | None, *, catalog_failed: bool = False
) -> list[Requirement]:
    """The ``requirements:`` section: a list of requirements, or a mapping picking from the
    catalogue (``catalog``), changing what it picked (``overrides``) and adding its own
    (``custom``). With ``catalog_failed`` (the top-level catalogue was named but could not be
    read, which is reported already) nothing is said about what it would have selected."""
    if node is None:
        if catalog is None:
            return []
        return list(catalog.requirements)
    if isinstance(node.value, list):
        return [r for item in node.value if (r := parse_requirement(reader, item))]
    fields = reader.mapping(node, optional=("catalog", "overrides", "custom"))
    if fields is None:
        return []
    chosen: list[Requirement] = []
    typo = catalog_failed
    if "catalog" in fields and catalog is not None:
        chosen, unknown = _pick(reader, fields["catalog"], catalog)
        typo = typo or unknown
    elif "catalog" in fields and not catalog_failed:
        reader.fail(
            fields["catalog"], "selects catalogue requirements but no top-level 'catalog' is set"
        )
    _override(reader, fields.get("overrides"), chosen, catalog, typo)
    custom = [
        r
        for item in reader.sequence(fields.get("custom"))
        if (r := parse_requirement(reader, item))
    ]
    return chosen + custom


def _pick(reader: Reader, pick: YNode, catalog: Catalog) -> tuple[list[Requirement], bool]:
    """``requirements.catalog``: ``all``, or requirement and criterion ids. Each unknown id is
    reported at its line with the closest known ones, and the known ids are still selected.
    Returns the selection and whether an id was unknown."""
    if isinstance(pick.value, dict):
        reader.fail(pick, "expected 'all' or a list of requirement and criterion ids")
        return [], True
    if not isinstance(pick.value, list) and reader.text(pick) == "all":
        return list(catalog.requirements), False
    items = pick.value if isinstance(pick.value, list) else [pick]
    known: list[str] = []
    unknown = False
    for item in items:
        ident = reader.text(item)
        if catalog.knows(ident):
            known.append(ident)
        elif ident:
            reader.fail(item, catalog.unknown_id(ident))
            unknown = True
    return list(catalog.select(known)), unknown


def _override(
    reader: Reader,
    overrides: YNode | None,
    chosen: list[Requirement],
    catalog: Catalog | None,
    typo: bool,
) -> None:
    """Apply ``requirements.overrides`` to ``chosen`` in place. An override of a requirement
    that is not selected is reported, unless it may be what a reported typo in the
    selection (``typo``) meant to select: a catalogue requirement, or any when the catalogue
    itself could not be read."""
    if overrides is None:
        return
    if not isinstance(overrides.value, dict):
        reader.fail(overrides, "expected a mapping of requirement id to the keys it changes")
        return
    by_id = {r.id: i for i, r in enumerate(chosen)}
    for rid, item in overrides.value.items():
        if rid in by_id:
            updated = parse_requirement(reader, item, base=chosen[by_id[rid]])
            if updated is not None:
                chosen[by_id[rid]] = updated
        elif not typo or (catalog is not None and not catalog.knows(rid)):
            reader.fail(
                item,
                f"overrides requirement {rid!r}, which is not selected" + did_you_mean(rid, by_id),
            )


def _ratio(reader: Reader, node: YNode) -> float | None:
    """A judgement: a number, or a fraction written as text (``1/3``)."""
    if isinstance(node.value, str) and "/" in node.value:
        top, _, bottom = node.value.partition("/")
        try:
            return float(top) / float(bottom)
        except (ValueError, ZeroDivisionError):
            reader.fail(node, f"expected a number or a fraction like 1/3, got {node.value!r}")
            return None
    return reader.number(node)


def _judgements(reader: Reader, node: YNode | None) -> list[Judgements]:
    built: list[Judgements] = []
    for item in reader.sequence(node):
        f = reader.mapping(item, required=("node", "judgements"), optional=("method", "member"))
        if f is None:
            continue
        if reader.text(f.get("method"), "ahp") != "ahp":
            reader.fail(f["method"], "the only weighting method read from files is 'ahp'")
        target = reader.text(f.get("node"))
        pairs: list[tuple[str, str, float]] = []
        for pair in reader.sequence(f.get("judgements")):
            if not (isinstance(pair.value, list) and len(pair.value) == 3):
                reader.fail(pair, "expected [criterion, criterion, how many times as important]")
                continue
            ratio = _ratio(reader, pair.value[2])
            if ratio is not None:
                pairs.append((reader.text(pair.value[0]), reader.text(pair.value[1]), ratio))
        judged = reader.build(
            item,
            partial(
                Judgements,
                "" if target == "top" else target,
                pairs,
                reader.text(f.get("member")),
                origin=item.where,
            ),
        )
        if judged is not None:
            built.append(judged)
    return built


def _pricing(reader: Reader, node: YNode | None) -> dict[str, dict[str, float | str | None]]:
    """``pricing: {vendor: {field: value}}`` — the Pricing-sheet values, written out by
    :func:`save_evaluation` (a returned workbook supplies them otherwise)."""
    if node is None:
        return {}
    if not isinstance(node.value, dict):
        reader.fail(node, "expected a mapping of vendor id to its pricing fields")
        return {}
    pricing: dict[str, dict[str, float | str | None]] = {}
    for vendor, fields in node.value.items():
        values = reader.mapping(fields, optional=tuple(f.key for f in PRICING_FIELDS)) or {}
        pricing[vendor] = {
            key: (
                value.value
                if isinstance(value.value, int | float | type(None))
                and not isinstance(value.value, bool)
                else reader.text(value)
            )
            for key, value in values.items()
        }
    return pricing


def _process(reader: Reader, item: YNode) -> Process | None:
    f = reader.mapping(
        item, required=("id", "name", "rating"), optional=("requirements", "description")
    )
    if f is None:
        return None
    return reader.build(
        item,
        partial(
            Process,
            id=reader.text(f.get("id")),
            name=reader.text(f.get("name")),
            rating=reader.text(f.get("rating")),
            requirements=tuple(reader.texts(f.get("requirements"))),
            description=reader.text(f.get("description")),
            origin=item.where,
        ),
    )


def _vendor(reader: Reader, item: YNode) -> Vendor | None:
    f = reader.mapping(
        item,
        required=("id", "name"),
        optional=("offering", "deployment", "access", "licensing", "description"),
    )
    if f is None:
        return None
    return reader.build(
        item,
        lambda: Vendor(
            id=reader.text(f.get("id")),
            name=reader.text(f.get("name")),
            offering=reader.text(f.get("offering"), "suite"),
            deployment=reader.texts(f.get("deployment")),
            access=reader.texts(f.get("access")),
            licensing=reader.texts(f.get("licensing")),
            description=reader.text(f.get("description")),
            origin=item.where,
        ),
    )


def _evaluator(reader: Reader, item: YNode) -> Evaluator | None:
    f = reader.mapping(item, required=("id",), optional=("name", "role"))
    if f is None:
        return None
    return reader.build(
        item,
        lambda: Evaluator(
            id=reader.text(f.get("id")),
            name=reader.text(f.get("name")),
            role=reader.text(f.get("role")),
            origin=item.where,
        ),
    )


def _script(reader: Reader, item: YNode) -> DemoScript | None:
    f = reader.mapping(
        item,
        required=("id", "title", "criteria"),
        optional=("description", "minutes", "guidance"),
    )
    if f is None:
        return None
    guidance = _guidance(reader, f.get("guidance"))
    return reader.build(
        item,
        lambda: DemoScript(
            id=reader.text(f.get("id")),
            title=reader.text(f.get("title")),
            criteria=tuple(reader.texts(f.get("criteria"))),
            description=reader.text(f.get("description")),
            minutes=reader.number(f.get("minutes"), minimum=0),
            guidance=guidance,
            origin=item.where,
        ),
    )


def _guidance(reader: Reader, node: YNode | None) -> dict[str, dict[float, str]]:
    """A demo script's ``guidance``: criterion → {score: what it looks like}."""
    if node is None or node.value is None:
        return {}
    if not isinstance(node.value, dict):
        reader.fail(node, "expected a mapping: criterion → {score: what that score looks like}")
        return {}
    found: dict[str, dict[float, str]] = {}
    for criterion, levels in node.value.items():
        if not isinstance(levels.value, dict):
            reader.fail(levels, "expected a mapping: score → what that score looks like")
            continue
        found[criterion] = {}
        for score, text in levels.value.items():
            number = reader.number(attrs.evolve(text, value=_number_or_text(score), raw=score))
            if number is not None:
                found[criterion][number] = reader.text(text)
    return found


def _number_or_text(text: str) -> float | str:
    try:
        return float(text)
    except ValueError:
        return text


def _scoring(
    reader: Reader, node: YNode | None
) -> tuple[ComplianceScale, DemoScale, ScoringPolicy]:
    defaults = (ComplianceScale(), DemoScale(), ScoringPolicy())
    if node is None:
        return defaults
    f = reader.mapping(
        node,
        optional=(
            "missing",
            "demo_share",
            "priority_weights",
            "demo_scale",
            "compliance_scale",
            "process_uplift",
            "demo_aggregation",
            "justify_scores",
        ),
    )
    if f is None:
        return defaults
    scale = reader.build(node, lambda: _compliance_scale(reader, f.get("compliance_scale")))
    demo_scale = _demo_scale(reader, f.get("demo_scale")) or defaults[1]
    weights = _priority_weights(reader, f.get("priority_weights"))
    uplift = _process_uplift(reader, f.get("process_uplift"))
    aggregation = (
        _demo_aggregation(reader, f["demo_aggregation"]) if "demo_aggregation" in f else None
    )
    policy = reader.build(
        node,
        lambda: ScoringPolicy(
            demo_aggregation=aggregation or DemoAggregation(),
            process_uplift=uplift,
            priority_weights=weights,
            missing=reader.text(f.get("missing"), "zero"),
            demo_share=reader.number(f.get("demo_share"), 0.5, minimum=0, maximum=1),
            justify_scores=_justify_scores(reader, f.get("justify_scores")),
        ),
    )
    return scale or defaults[0], demo_scale, policy or defaults[2]


def _justify_scores(reader: Reader, node: YNode | None) -> JustifyScores:
    """``scoring.justify_scores``: the demo scores that need a justification in the note."""
    f = reader.mapping(node, optional=("at_most", "at_least")) if node is not None else None
    if not f:
        return JustifyScores()
    return JustifyScores(reader.number(f.get("at_most")), reader.number(f.get("at_least")))


def _demo_scale(reader: Reader, node: YNode | None) -> DemoScale | None:
    """``scoring.demo_scale``: its minimum and maximum; ``None`` when not given or invalid."""
    if node is None:
        return None
    bounds = reader.mapping(node, required=("minimum", "maximum")) or {}
    return reader.build(
        node,
        lambda: DemoScale(
            reader.number(bounds.get("minimum"), 0.0),
            reader.number(bounds.get("maximum"), 5.0),
        ),
    )


def _priority_weights(reader: Reader, node: YNode | None) -> dict[str, float]:
    """``scoring.priority_weights``: MoSCoW priority → a non-negative weight, for those
    given and valid."""
    weights: dict[str, float] = {}
    if node is None:
        return weights
    pw = reader.mapping(node, optional=("must", "should", "could", "wont"))
    for key, value in (pw or {}).items():
        weight = reader.number(value, minimum=0)
        if weight is not None:
            weights[key] = weight
    return weights


def _process_uplift(reader: Reader, node: YNode | None) -> dict[str, int]:
    """``scoring.process_uplift``: process rating → a whole number of MoSCoW steps (0–3),
    for those given and valid."""
    uplift: dict[str, int] = {}
    if node is None:
        return uplift
    ratings = tuple(r.value for r in ProcessRating)
    for key, value in (reader.mapping(node, optional=ratings) or {}).items():
        steps = reader.number(value, minimum=0, maximum=3)
        if steps is not None and not steps.is_integer():
            reader.fail(value, "expected a whole number of MoSCoW steps (0–3)")
        elif steps is not None:
            uplift[key] = int(steps)
    return uplift


def _demo_aggregation(reader: Reader, node: YNode) -> DemoAggregation | None:
    """``scoring.demo_aggregation``: method, trim, normalise, missing, min_evaluators and
    evaluator_weights (evaluator → number, or → {criterion: number})."""
    f = reader.mapping(
        node,
        optional=("method", "trim", "normalise", "missing", "min_evaluators", "evaluator_weights"),
    )
    if f is None:
        return None
    weights: dict[str, float | dict[str, float]] = {}
    given = f.get("evaluator_weights")
    if given is not None:
        keys = tuple(given.value) if isinstance(given.value, dict) else ()
        for evaluator, value in (reader.mapping(given, optional=keys) or {}).items():
            if isinstance(value.value, dict):
                per = {c: reader.number(x, minimum=0) for c, x in value.value.items()}
                weights[evaluator] = {c: x for c, x in per.items() if x is not None}
            elif (number := reader.number(value, minimum=0)) is not None:
                weights[evaluator] = number
    minimum = reader.number(f.get("min_evaluators"), 1, minimum=1)
    if not float(minimum).is_integer():
        reader.fail(f["min_evaluators"], "expected a whole number of evaluators")
    return reader.build(
        node,
        lambda: DemoAggregation(
            method=reader.text(f.get("method"), "mean"),
            trim=reader.number(f.get("trim"), 0.2, minimum=0, maximum=0.5),
            normalise=reader.text(f.get("normalise")) or None,
            missing=reader.text(f.get("missing"), "available"),
            min_evaluators=int(minimum),
            evaluator_weights=weights,
        ),
    )


def _compliance_scale(reader: Reader, node: YNode | None) -> ComplianceScale:
    base = ComplianceScale()
    if node is None:
        return base
    changes = reader.mapping(node, optional=base.keys) or {}
    levels = []
    for level in base.levels:
        item = changes.get(level.key)
        if item is None:
            levels.append(level)
            continue
        f = reader.mapping(item, optional=("label", "score", "satisfies_mandatory", "aliases"))
        if f is None:
            levels.append(level)
            continue
        levels.append(
            attrs.evolve(
                level,
                label=reader.text(f.get("label"), level.label),
                score=reader.number(f.get("score"), level.score, minimum=0, maximum=1),
                satisfies_mandatory=reader.flag(
                    f.get("satisfies_mandatory"), level.satisfies_mandatory
                ),
                aliases=tuple(reader.texts(f.get("aliases"))) or level.aliases,
            )
        )
    return ComplianceScale(levels)


# -- saving ----------------------------------------------------------------------------------


def save_evaluation(evaluation: Evaluation, folder: str | Path) -> Path:
    """Write ``evaluation`` as a self-contained folder that :func:`load_tender` reads back.

    Requirements are written out in full (no catalogue reference), so the folder does not
    depend on the catalogue version. Returns the path of ``evaluation.yaml``.
    """
    target = Path(folder)
    target.mkdir(parents=True, exist_ok=True)
    if evaluation.scale.keys != ComplianceScale().keys:
        raise CrmselectError(
            "save_evaluation writes the default compliance levels only; this "
            "evaluation defines other levels"
        )
    document: dict[str, Any] = {
        "schema": SCHEMA,
        "name": evaluation.name,
        "description": evaluation.description,
        "criteria": [_criterion_dict(c) for c in evaluation.criteria],
        "requirements": [_requirement_dict(r) for r in evaluation.requirements],
        "vendors": [_vendor_dict(v) for v in evaluation.vendors],
        "evaluators": [{"id": e.id, "name": e.name, "role": e.role} for e in evaluation.evaluators],
        "demo_scripts": [_script_dict(s) for s in evaluation.demo_scripts],
        "scoring": _scoring_dict(evaluation),
        "processes": [_process_dict(p) for p in evaluation.processes],
        "weighting": [_judgement_dict(j) for j in evaluation.judgements],
        "pricing": {vendor: dict(values) for vendor, values in evaluation.pricing.items()},
        "responses": "responses.csv",
        "demo_scores": "demo_scores.csv",
    }
    if evaluation.price is not None:
        document["price"] = _price_dict(evaluation.price)
    if evaluation.moderations:
        document["moderations"] = "moderations.csv"
        _write_moderations(evaluation.moderations, target / "moderations.csv")
    if evaluation.references is not None:
        document["references"] = write_references_section(evaluation.references, target)
    text = yaml.safe_dump(document, sort_keys=False, allow_unicode=True, width=100)

    def write_yaml(temporary: str) -> None:
        Path(temporary).write_text(text, encoding="utf-8")

    path = replace_atomically(target / FILE_NAME, write_yaml)
    write_csv(responses_to_frame(evaluation.responses), target / "responses.csv", index=False)
    write_csv(demo_scores_to_frame(evaluation.demo_scores), target / "demo_scores.csv", index=False)
    return path


def _requirement_dict(r: Requirement) -> dict[str, Any]:
    """A requirement written out in full, so the folder needs no catalogue."""
    return {
        "id": r.id,
        "criterion": r.criterion,
        "priority": r.priority.value,
        "mandatory": r.mandatory,
        "text": r.text,
    }


def _vendor_dict(v: Vendor) -> dict[str, Any]:
    """A vendor with its offering, and its deployment, access and licensing models sorted."""
    return {
        "id": v.id,
        "name": v.name,
        "offering": v.offering.value,
        "deployment": sorted(d.value for d in v.deployment),
        "access": sorted(a.value for a in v.access),
        "licensing": sorted(lic.value for lic in v.licensing),
        "description": v.description,
    }


def _script_dict(s: DemoScript) -> dict[str, Any]:
    """A demo script with the criteria it exercises."""
    return {
        "id": s.id,
        "title": s.title,
        "criteria": list(s.criteria),
        "description": s.description,
        "minutes": s.minutes,
        **({"guidance": {c: dict(g) for c, g in s.guidance.items()}} if s.guidance else {}),
    }


def _scoring_dict(evaluation: Evaluation) -> dict[str, Any]:
    """The ``scoring:`` section: the policy, its demo aggregation and both scales in full."""
    policy = evaluation.policy
    return {
        "missing": policy.missing.value,
        "demo_share": policy.demo_share,
        "priority_weights": {p.value: w for p, w in policy.priority_weights.items()},
        "process_uplift": {r.value: n for r, n in policy.process_uplift.items()},
        "demo_aggregation": _aggregation_dict(policy.demo_aggregation),
        **(
            {"justify_scores": attrs.asdict(policy.justify_scores)}
            if policy.justify_scores != JustifyScores()
            else {}
        ),
        "demo_scale": {
            "minimum": evaluation.demo_scale.minimum,
            "maximum": evaluation.demo_scale.maximum,
        },
        "compliance_scale": {
            level.key: {
                "label": level.label,
                "score": level.score,
                "satisfies_mandatory": level.satisfies_mandatory,
                "aliases": list(level.aliases),
            }
            for level in evaluation.scale.levels
        },
    }


def _aggregation_dict(aggregation: DemoAggregation) -> dict[str, Any]:
    """``scoring.demo_aggregation``: how the panel's demo scores are aggregated."""
    return {
        "method": aggregation.method,
        "trim": aggregation.trim,
        "normalise": aggregation.normalise,
        "missing": aggregation.missing,
        "min_evaluators": aggregation.min_evaluators,
        "evaluator_weights": dict(aggregation.evaluator_weights),
    }


def _process_dict(p: Process) -> dict[str, Any]:
    """A business process with its rating and the requirements that support it."""
    return {
        "id": p.id,
        "name": p.name,
        "rating": p.rating.value,
        "requirements": list(p.requirements),
        "description": p.description,
    }


def _judgement_dict(j: Judgements) -> dict[str, Any]:
    """A ``weighting:`` entry: one member's AHP judgements at a node (``top``: the root)."""
    return {
        "node": j.node or "top",
        "method": "ahp",
        "member": j.member,
        "judgements": [[a, b, x] for a, b, x in j.pairs],
    }


def _write_moderations(moderations: Sequence[ModeratedScore], path: Path) -> None:
    """Write the moderated demo scores as a CSV file."""
    frame = pd.DataFrame(
        [(m.vendor, m.script, m.criterion, m.score, m.reason, m.by, m.date) for m in moderations],
        columns=["vendor", "script", "criterion", "score", "reason", "by", "date"],
    )
    write_csv(frame, path, index=False)


def _price_dict(rule: PriceCriterion) -> dict[str, Any]:
    """The price criterion with its prices written out, so the folder needs no cost model."""
    optional = {"budget": rule.budget, "ceiling": rule.ceiling}
    return {
        "criterion": rule.criterion,
        "method": rule.method.value,
        **{k: v for k, v in optional.items() if v is not None},
        "floor": rule.floor,
        "basis": rule.basis.value,
        "prices": dict(rule.prices),
    }


def _criterion_dict(c: Criterion) -> dict[str, Any]:
    out: dict[str, Any] = {
        "id": c.id,
        "name": c.name,
        "description": c.description,
        "weight": c.weight,
    }
    if c.demo_share is not None:
        out["demo_share"] = c.demo_share
    if c.children:
        out["children"] = [_criterion_dict(child) for child in c.children]
    return out
