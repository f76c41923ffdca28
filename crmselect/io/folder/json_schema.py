"""The tender folder's format, published as JSON Schema (draft 2020-12), and checked with it.

Editors that speak the YAML language server (VS Code's YAML extension, JetBrains IDEs,
Neovim with ``yamlls``) validate and complete ``evaluation.yaml`` and catalogue files when
the file's first line names a schema::

    # yaml-language-server: $schema=evaluation.schema.json

:func:`evaluation_schema` and :func:`catalog_schema` build the schemas from the loader's own
key lists and the model's closed sets of values (:mod:`crmselect.model.choices`), so that
the published format cannot drift from what :func:`crmselect.load_tender` reads;
``tests/io/folder/test_json_schema.py`` checks every mapping the loader reads against it.
The files shipped in ``crmselect/schemas/`` are these schemas written out
(:func:`write_schemas`; a test keeps them equal).

The loader stays the authority: it also accepts other letter case, ``-`` and spaces in the
closed values (``SaaS``, ``on-premise``) and reports what no schema can say (a criterion id
that does not exist, weights that do not add up). The schema lists the canonical spellings
and their aliases, so that an editor offers them.

Reference: JSON Schema 2020-12, https://json-schema.org/draft/2020-12/json-schema-core.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Sequence
from enum import Enum
from pathlib import Path
from typing import Any

from crmselect.cost.partners import PRICE_OPTIONS
from crmselect.errors import Problem
from crmselect.io.folder import costs, evaluation
from crmselect.io.folder.catalog import SCHEMA as CATALOG
from crmselect.io.folder.yamlfile import YNode
from crmselect.io.forms.rfp_template import PRICING_FIELDS
from crmselect.model import choices
from crmselect.model.policy import DEMO_METHODS, DEMO_MISSING, DEMO_NORMALISATIONS
from crmselect.scales import ComplianceScale

Schema = dict[str, Any]
"""A JSON Schema, as the mapping ``json`` writes."""

DIALECT = "https://json-schema.org/draft/2020-12/schema"
SCHEMA_DIR = Path(__file__).resolve().parents[2] / "schemas"
"""Where the package ships the schemas as files (``crmselect/schemas``)."""
FILE_NAMES = {"evaluation": "evaluation.schema.json", "catalog": "catalog.schema.json"}
"""Kind of YAML file → the name of its schema file."""

TEXT: Schema = {"type": ["string", "number", "boolean"]}
"""A text value: the loader keeps numbers and booleans as they were written (``001``)."""
TEXTS: Schema = {"anyOf": [TEXT, {"type": "array", "items": TEXT}]}
"""One text value, or a list of them."""
FLAG: Schema = {"type": "boolean"}
PATHS: Schema = {"anyOf": [{"type": "string"}, {"type": "array", "items": {"type": "string"}}]}
"""A file path or glob pattern, or a list of them (relative to ``evaluation.yaml``)."""


def number(minimum: float | None = None, maximum: float | None = None) -> Schema:
    """A finite number, optionally bounded (inclusive), as ``Reader.number`` reads it."""
    schema: Schema = {"type": "number"}
    if minimum is not None:
        schema["minimum"] = minimum
    if maximum is not None:
        schema["maximum"] = maximum
    return schema


def whole(minimum: float | None = None, maximum: float | None = None) -> Schema:
    """A whole number, optionally bounded."""
    return {**number(minimum, maximum), "type": "integer"}


def mapping(
    properties: dict[str, Schema], required: Sequence[str] = (), description: str = ""
) -> Schema:
    """A mapping with exactly these keys allowed (``additionalProperties: false``: the loader
    reports an unknown key), ``required`` among them."""
    schema: Schema = {"type": "object", "properties": properties, "additionalProperties": False}
    if required:
        schema["required"] = list(required)
    if description:
        schema["description"] = description
    return schema


def listing(items: Schema, *, min_items: int = 0) -> Schema:
    """A list of ``items`` (``null`` counts as empty, as for the loader)."""
    schema: Schema = {"type": "array", "items": items}
    if min_items:
        schema["minItems"] = min_items
    return {"anyOf": [schema, {"type": "null"}]} if not min_items else schema


def choice(kind: type[Enum]) -> Schema:
    """One of a closed set of the model: the canonical values first, then their aliases."""
    canonical = [m.value for m in kind]
    aliases = [a for m in kind for a in choices.aliases(m)]
    return {"enum": canonical + aliases, "description": f"one of: {', '.join(canonical)}"}


def choices_of(kind: type[Enum]) -> Schema:
    """One or a list of values of a closed set."""
    one = choice(kind)
    return {"anyOf": [one, {"type": "array", "items": one}]}


def criterion(*, in_evaluation: bool) -> Schema:
    """A criterion with its nested ``children``; ``demo_share`` only in an evaluation."""
    properties: Schema = {
        "id": TEXT,
        "name": TEXT,
        "description": TEXT,
        "weight": number(0),
        "children": {"type": "array", "items": {"$ref": "#/$defs/criterion"}, "minItems": 1},
    }
    if in_evaluation:
        properties["demo_share"] = number(0, 1)
    return mapping(properties, ["id"])


def requirement(*, override: bool = False) -> Schema:
    """A requirement; as an override (``requirements.overrides``) only the keys it changes."""
    properties: Schema = {
        "criterion": TEXT,
        "priority": choice(choices.Priority),
        "mandatory": FLAG,
        "text": TEXT,
    }
    if override:
        return mapping(properties)
    return mapping({"id": TEXT, **properties}, ["id", "criterion", "text"])


def _requirements() -> Schema:
    selection = mapping(
        {
            "catalog": {
                "anyOf": [{"const": "all"}, TEXTS],
                "description": "'all', or requirement and criterion ids of the catalogue",
            },
            "overrides": {"type": "object", "additionalProperties": requirement(override=True)},
            "custom": listing(requirement()),
        }
    )
    return {"anyOf": [{"type": "array", "items": requirement()}, selection, {"type": "null"}]}


def _vendor() -> Schema:
    return mapping(
        {
            "id": TEXT,
            "name": TEXT,
            "offering": choice(choices.Offering),
            "deployment": choices_of(choices.Deployment),
            "access": choices_of(choices.Access),
            "licensing": choices_of(choices.Licensing),
            "description": TEXT,
        },
        ["id", "name"],
    )


def _scoring() -> Schema:
    level = mapping(
        {"label": TEXT, "score": number(0, 1), "satisfies_mandatory": FLAG, "aliases": TEXTS}
    )
    weights_per_criterion = {"type": "object", "additionalProperties": number(0)}
    aggregation = mapping(
        {
            "method": {"enum": list(DEMO_METHODS)},
            "trim": number(0, 0.5),
            "normalise": {"enum": [*DEMO_NORMALISATIONS, "", None]},
            "missing": {"enum": list(DEMO_MISSING)},
            "min_evaluators": whole(1),
            "evaluator_weights": {
                "type": "object",
                "additionalProperties": {"anyOf": [number(0), weights_per_criterion]},
            },
        }
    )
    return mapping(
        {
            "missing": choice(choices.MissingPolicy),
            "demo_share": number(0, 1),
            "priority_weights": mapping({p.value: number(0) for p in choices.Priority}),
            "demo_scale": mapping(
                {"minimum": number(), "maximum": number()}, ["minimum", "maximum"]
            ),
            "compliance_scale": mapping({key: level for key in ComplianceScale().keys}),
            "process_uplift": mapping({r.value: whole(0, 3) for r in choices.ProcessRating}),
            "demo_aggregation": aggregation,
            "justify_scores": mapping(
                {"at_most": number(), "at_least": number()},
                description="demo scores at or below at_most or at or above at_least need a "
                "written justification in the note (default: the bottom fifth of the demo "
                "scale and its top)",
            ),
        }
    )


def _weighting() -> Schema:
    ratio = {"anyOf": [number(), {"type": "string", "pattern": r"^\s*[0-9.]+\s*/\s*[0-9.]+\s*$"}]}
    pair = {"type": "array", "prefixItems": [TEXT, TEXT, ratio], "minItems": 3, "maxItems": 3}
    judged = mapping(
        {
            "node": {**TEXT, "description": "'top', or the id of the criterion judged"},
            "method": {"const": "ahp"},
            "member": TEXT,
            "judgements": listing(pair),
        },
        ["node", "judgements"],
    )
    return listing(judged)


def _offer(*, with_deployment: bool) -> Schema:
    properties: Schema = {key: number(0) for key in costs.OFFER_NUMBERS}
    if with_deployment:
        properties["deployment"] = choice(choices.Deployment)
    return mapping(properties)


def _costs() -> Schema:
    triple = {"type": "array", "items": number(0), "minItems": 3, "maxItems": 3}
    benefit = mapping(
        {
            "id": TEXT,
            "low": number(),
            "likely": number(),
            "high": number(),
            "name": TEXT,
            "kind": TEXT,
            "per_user": FLAG,
            "ramp": {"type": "array", "items": number(0, 1)},
            "vendors": TEXTS,
        },
        ["id", "low", "likely", "high"],
    )
    users = {
        "anyOf": [
            {"type": "array", "items": number(1)},
            mapping({"start": number(1), "growth": number(-0.5, 5)}, ["start"]),
        ]
    }
    properties: Schema = {
        "currency": TEXT,
        "users": users,
        "years": number(1, 30),
        "discount_rate": number(0, 1),
        "timing": TEXT,
        "concurrency_ratio": number(0, 1),
        "training_per_user": number(0),
        "internal_staff": mapping(
            {"project_fte": number(0), "support_fte": number(0), "fte_cost": number(0)}
        ),
        "on_premise": mapping(
            {"hardware": number(0), "refresh_years": number(1), "operations_per_year": number(0)}
        ),
        "offer_defaults": _offer(with_deployment=False),
        "offers": {"type": "object", "additionalProperties": _offer(with_deployment=True)},
        "benefits": listing(benefit),
        "cost_factor": triple,
        "monte_carlo": mapping(
            {"n": whole(1), "seed": whole(0), "distribution": {"enum": ["pert", "triangular"]}}
        ),
    }
    return mapping(properties, ["users"])


def _price() -> Schema:
    return mapping(
        {
            "criterion": TEXT,
            "method": choice(choices.PriceMethod),
            "budget": number(0),
            "floor": number(0),
            "ceiling": number(0),
            "basis": choice(choices.PriceBasis),
            "prices": {"type": "object", "additionalProperties": number(0)},
        },
        ["criterion"],
    )


def _partners() -> Schema:
    properties: Schema = {
        "evaluation": {"type": "string", "description": "the partners' evaluation file"},
        "offers": {"type": "string", "description": "the partners' offers table (CSV)"},
        "partner_share": number(0, 1),
        "price_weight": number(0, 1),
        "price_method": choice(choices.PriceMethod),
    }
    properties.update({key: number(0) for key in PRICE_OPTIONS})
    return mapping(properties, ["evaluation", "offers"])


def _pricing() -> Schema:
    value = {"type": ["number", "string", "null"]}
    fields = mapping({f.key: value for f in PRICING_FIELDS})
    return {"type": "object", "additionalProperties": fields}


def _sections() -> Schema:
    """The top-level keys of ``evaluation.yaml``, each with its schema."""
    table = {"type": "string", "description": "a CSV file, relative to evaluation.yaml"}
    return {
        "schema": {"const": evaluation.SCHEMA},
        "name": TEXT,
        "description": TEXT,
        "catalog": {**TEXT, "description": "a bundled catalogue's name, or a file's path"},
        "criteria": {"type": "array", "items": {"$ref": "#/$defs/criterion"}},
        "requirements": _requirements(),
        "vendors": {"type": "array", "items": _vendor()},
        "evaluators": listing(mapping({"id": TEXT, "name": TEXT, "role": TEXT}, ["id"])),
        "demo_scripts": listing(
            mapping(
                {
                    "id": TEXT,
                    "title": TEXT,
                    "criteria": TEXTS,
                    "description": TEXT,
                    "minutes": number(0),
                    "guidance": {
                        "type": "object",
                        "description": "criterion → {score: what that score looks like}",
                        "additionalProperties": {
                            "type": "object",
                            "propertyNames": {"pattern": r"^[+-]?(\d+\.?\d*|\.\d+)$"},
                            "additionalProperties": TEXT,
                        },
                    },
                },
                ["id", "title", "criteria"],
            )
        ),
        "scoring": _scoring(),
        "responses": table,
        "response_workbooks": PATHS,
        "weighting": _weighting(),
        "weighting_workbooks": PATHS,
        "processes": listing(
            mapping(
                {
                    "id": TEXT,
                    "name": TEXT,
                    "rating": choice(choices.ProcessRating),
                    "requirements": TEXTS,
                    "description": TEXT,
                },
                ["id", "name", "rating"],
            )
        ),
        "costs": _costs(),
        "price": _price(),
        "partners": _partners(),
        "pricing": _pricing(),
        "demo_scores": table,
        "scoring_sheets": PATHS,
        "moderations": table,
        "clarifications": table,
        "references": _references(table),
        "price_envelope": {"enum": ["sealed", "open"]},
        "quality_threshold": number(0, 100),
        "bafo": PATHS,
    }


def _references(table: Schema) -> Schema:
    """The ``references:`` section (:mod:`crmselect.io.forms.reference_calls`)."""
    share = number(0, 1)
    question = mapping({"criterion": TEXT, "question": TEXT}, ["criterion", "question"])
    fields = {
        "share": share,
        "shares": {"type": "object", "additionalProperties": share},
        "questions": listing(question),
        "calls": table,
        "scores": table,
        "instruments": PATHS,
    }
    return mapping(fields, ["questions"])


def evaluation_schema() -> Schema:
    """The JSON Schema of ``evaluation.yaml`` (``crmselect.evaluation/1``)."""
    sections = _sections()
    return {
        "$schema": DIALECT,
        "$id": f"https://crmselect.invalid/schemas/{FILE_NAMES['evaluation']}",
        "title": "crmselect tender: evaluation.yaml",
        **mapping(sections, evaluation.TOP_REQUIRED),
        "$defs": {"criterion": criterion(in_evaluation=True)},
    }


def catalog_schema() -> Schema:
    """The JSON Schema of a requirements catalogue (``crmselect.catalog/1``)."""
    properties: Schema = {
        "schema": {"const": CATALOG},
        "name": TEXT,
        "title": TEXT,
        "version": TEXT,
        "description": TEXT,
        "criteria": {"type": "array", "items": {"$ref": "#/$defs/criterion"}},
        "requirements": {"type": "array", "items": requirement()},
    }
    return {
        "$schema": DIALECT,
        "$id": f"https://crmselect.invalid/schemas/{FILE_NAMES['catalog']}",
        "title": "crmselect requirements catalogue",
        **mapping(properties, ["schema", "name", "criteria", "requirements"]),
        "$defs": {"criterion": criterion(in_evaluation=False)},
    }


SCHEMAS = {"evaluation": evaluation_schema, "catalog": catalog_schema}
"""Kind of YAML file → the function that builds its schema."""


def schema_text(kind: str) -> str:
    """The schema of ``kind`` (``"evaluation"`` or ``"catalog"``) as the JSON file holds it."""
    return json.dumps(SCHEMAS[kind](), indent=2, ensure_ascii=False) + "\n"


def schema_file(kind: str) -> Path:
    """The shipped schema file of ``kind`` (``crmselect/schemas/…``)."""
    return SCHEMA_DIR / FILE_NAMES[kind]


def write_schemas(folder: Path = SCHEMA_DIR) -> list[Path]:
    """Write every schema into ``folder`` (the package's copy by default); the written paths."""
    written = []
    for kind, name in FILE_NAMES.items():
        path = folder / name
        path.write_text(schema_text(kind), encoding="utf-8")
        written.append(path)
    return written


def plain(node: YNode) -> Any:
    """The plain Python value of a parsed YAML node (mappings, lists and scalars)."""
    if isinstance(node.value, dict):
        return {str(key): plain(child) for key, child in node.value.items()}
    if isinstance(node.value, list):
        return [plain(child) for child in node.value]
    return node.value


def _node_at(root: YNode, path: Iterable[str | int]) -> YNode:
    """The deepest node of ``root`` along ``path`` (a JSON Schema error's instance path)."""
    node = root
    for step in path:
        children = node.value
        in_mapping = isinstance(children, dict) and step in children
        in_list = isinstance(children, list) and isinstance(step, int) and step < len(children)
        if not (in_mapping or in_list):
            break
        node = children[step]
    return node


def schema_problems(root: YNode, kind: str = "evaluation") -> list[Problem]:
    """What the published schema of ``kind`` says of the parsed file ``root``: one problem per
    violation, at the key path and line of the value concerned, in file order."""
    import jsonschema

    validator = jsonschema.Draft202012Validator(SCHEMAS[kind]())
    found: list[tuple[int, Problem]] = []
    for error in _leaf_errors(validator.iter_errors(plain(root))):
        node = _node_at(root, error.absolute_path)
        found.append((node.line, Problem(node.where, f"schema: {_message(error)}")))
    return [problem for _, problem in sorted(found, key=lambda item: item[0])]


def _leaf_errors(errors: Iterable[Any]) -> Iterator[Any]:
    """The most specific errors. Of an ``anyOf`` that failed, those of the branch that got
    furthest into the value (its deepest error; a branch that failed only on the value's
    type gets nowhere), so that a message names the key or value that is wrong rather than
    ``… is not of type 'null'``."""
    for error in errors:
        if not error.context:
            yield error
            continue
        branches: dict[int, list[Any]] = {}
        for sub in error.context:
            branches.setdefault(sub.relative_schema_path[0], []).append(sub)
        closest = max(branches.values(), key=_reach)
        yield from _leaf_errors(closest)


def _reach(branch: list[Any]) -> tuple[int, int]:
    """How far a failed ``anyOf`` branch got: its deepest error's depth, then whether it
    failed on more than the value's type."""
    depth = max(len(e.absolute_path) for e in branch)
    return depth, int(any(e.validator != "type" for e in branch))


def _message(error: Any) -> str:
    if error.validator == "additionalProperties":
        return (
            str(error.message)
            .replace("Additional properties are", "unknown key")
            .replace("Additional properties is", "unknown key")
        )
    return str(error.message)
