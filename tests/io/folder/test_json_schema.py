"""The published JSON Schema of the tender folder agrees with the loader.

Three things are checked: the shipped files are the schemas the module builds; every bundled
YAML file is valid; and every mapping the loader reads — its allowed and required keys, at
its place in the file — is the mapping the schema describes at that place, for the example
tender, the catalogues and a file that uses every section. A key the loader refuses is
refused by the schema too, at the same key path.
"""

from __future__ import annotations

import contextlib
import copy
import json
import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from crmselect.errors import CrmselectError, InputFileError
from crmselect.io.folder import json_schema
from crmselect.io.folder.catalog import load_catalog
from crmselect.io.folder.evaluation import TOP_OPTIONAL, TOP_REQUIRED, read_written
from crmselect.io.folder.schema import CRITERION_KEYS, REQUIREMENT_KEYS
from crmselect.io.folder.tender import load_tender
from crmselect.io.folder.yamlfile import Reader, YNode, parse_yaml, read_yaml
from crmselect.model import choices
from tests.helpers import REPO

EXAMPLE = REPO / "examples" / "larkspur" / "evaluation.yaml"
PARTNERS = REPO / "examples" / "larkspur" / "partners" / "evaluation.yaml"
CATALOGS = sorted((REPO / "criteria").glob("*.yaml"))

EVERY_SECTION = """
pricing:
  helix: {currency: EUR, licensing_model: subscription, price_per_named_user: 90, contract_years: 5}
weighting:
  - node: top
    method: ahp
    member: finance
    judgements: [[functional, commercial, 3], [functional, vendor, 1/3]]
moderations: moderations.csv
scoring_sheets: [sheets/*.xlsx]
references:
  share: 0.2
  shares: {sfa: 0.3}
  questions: [{criterion: sfa, question: 'Does the pipeline work for your team?'}]
  calls: reference_calls.csv
  instruments: [references/*.xlsx]
"""
"""Sections the example does not use, added to it for :func:`every_section`."""

SCORING_EXTRA = {
    "justify_scores": {"at_most": 1, "at_least": 4.5},
    "compliance_scale": {"roadmap": {"score": 0.1, "satisfies_mandatory": True, "label": "R"}},
    "process_uplift": {"criticality": 2, "recoverability": 1},
    "demo_aggregation": {
        "method": "trimmed",
        "trim": 0.2,
        "normalise": "zscore",
        "missing": "available",
        "min_evaluators": 2,
        "evaluator_weights": {"ev1": 2, "ev2": {"sfa": 1}},
    },
}
COSTS_EXTRA = {
    "timing": "end",
    "offer_defaults": {"escalation": 0.03, "unit_price": 10},
    "internal_staff": {"project_fte": 1, "support_fte": 1, "fte_cost": 90000},
}


def every_section() -> dict[str, Any]:
    """The example's evaluation, plus every section and key it does not use."""
    data: dict[str, Any] = yaml.safe_load(EXAMPLE.read_text(encoding="utf-8"))
    data.update(yaml.safe_load(EVERY_SECTION))
    data["scoring"].update(SCORING_EXTRA)
    data["costs"].update(COSTS_EXTRA)
    data["requirements"]["custom"][0]["mandatory"] = True
    script = data["demo_scripts"][0]
    script["guidance"] = {script["criteria"][0]: {1: "on slides only", 3: "shown", 5: "end to end"}}
    return data


def parsed(data: dict[str, Any]) -> YNode:
    return parse_yaml(yaml.safe_dump(data, allow_unicode=True), str(EXAMPLE))


Record = tuple[str, str, frozenset[str], frozenset[str]]
"""What one ``Reader.mapping`` call allowed: the node's file and key path, the allowed and
the required keys."""


@pytest.fixture
def recorded(monkeypatch: pytest.MonkeyPatch) -> list[Record]:
    """Every mapping the loader reads while the test runs, with the keys it allows."""
    calls: list[Record] = []
    original = Reader.mapping

    def spy(
        self: Reader, node: YNode, required: tuple[str, ...] = (), optional: tuple[str, ...] = ()
    ) -> dict[str, YNode] | None:
        allowed = frozenset(required) | frozenset(optional)
        calls.append((node.file, node.path, allowed, frozenset(required)))
        return original(self, node, required, optional)

    monkeypatch.setattr(Reader, "mapping", spy)
    return calls


def _steps(path: str) -> Iterator[str | int]:
    """``criteria[0].children[1]`` → ``criteria, 0, children, 1``."""
    for part in path.split(".") if path else []:
        name, *indices = re.split(r"\[(\d+)\]", part)[::2], re.findall(r"\[(\d+)\]", part)
        if name[0]:
            yield name[0]
        yield from (int(i) for i in indices[0])


def _resolve(schema: dict[str, Any], root: dict[str, Any]) -> list[dict[str, Any]]:
    """``schema`` with its ``$ref`` followed and its ``anyOf`` branches spread out."""
    if "$ref" in schema:
        return _resolve(root["$defs"][schema["$ref"].rsplit("/", 1)[1]], root)
    if "anyOf" in schema:
        return [s for branch in schema["anyOf"] for s in _resolve(branch, root)]
    return [schema]


def _child(schema: dict[str, Any], step: str | int, root: dict[str, Any]) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []
    for branch in _resolve(schema, root):
        if isinstance(step, int) and branch.get("type") == "array":
            items = branch.get("prefixItems", [])
            found += _resolve(items[step] if step < len(items) else branch["items"], root)
        elif isinstance(step, str) and branch.get("type") == "object":
            properties = branch.get("properties", {})
            if step in properties:
                found += _resolve(properties[step], root)
            elif isinstance(branch.get("additionalProperties"), dict):
                found += _resolve(branch["additionalProperties"], root)
    return found


def schema_at(root: dict[str, Any], path: str) -> dict[str, Any]:
    """The object schema that describes the mapping at the loader's key path ``path``."""
    candidates = [root]
    for step in _steps(path):
        candidates = [c for s in candidates for c in _child(s, step, root)]
    objects = [c for s in candidates for c in _resolve(s, root) if c.get("type") == "object"]
    assert len(objects) == 1, f"{path}: {len(objects)} object schemas"
    return objects[0]


def _agrees(records: list[Record], root: dict[str, Any]) -> set[int]:
    """Assert that each recorded mapping is the schema's; the ids of the schemas seen."""
    seen: set[int] = set()
    for _, path, allowed, required in records:
        schema = schema_at(root, path)
        seen.add(id(schema))
        if "properties" not in schema:  # a mapping of ids (vendors, evaluators) to values
            assert isinstance(schema["additionalProperties"], dict), path
            continue
        assert set(schema["properties"]) == allowed, path
        assert set(schema.get("required", ())) == required, path
        assert schema["additionalProperties"] is False, path
    return seen


def _objects(schema: Any) -> Iterator[dict[str, Any]]:
    """Every object schema written in ``schema``, its ``$defs`` included."""
    if isinstance(schema, dict):
        if schema.get("type") == "object":
            yield schema
        for key, value in schema.items():
            if key not in ("enum", "const"):
                yield from _objects(value)
    elif isinstance(schema, list):
        for item in schema:
            yield from _objects(item)


def _read_every_section() -> None:
    # the added sections name files that do not exist: their keys are read first
    with contextlib.suppress(CrmselectError):
        read_written(EXAMPLE, parsed(every_section()))


def _read_requirements_listed() -> None:
    """The example with its requirements as a plain list of full requirements."""
    data = yaml.safe_load(EXAMPLE.read_text(encoding="utf-8"))
    data["requirements"] = data["requirements"]["custom"]
    # without the catalogue's requirements, criteria are left without any
    with contextlib.suppress(CrmselectError):
        read_written(EXAMPLE, parsed(data))


def _during(recorded: list[Record], load: Any, *, catalog: bool = False) -> list[Record]:
    """The mappings read by ``load()`` in catalogue files (``catalog``) or in the others."""
    recorded.clear()
    load()
    return [r for r in recorded if (Path(r[0]).parent.name == "criteria") == catalog]


def test_the_shipped_files_are_the_schemas_the_module_builds() -> None:
    for kind in json_schema.FILE_NAMES:
        shipped = json_schema.schema_file(kind).read_text(encoding="utf-8")
        assert shipped == json_schema.schema_text(kind), (
            f"crmselect/schemas/{json_schema.FILE_NAMES[kind]} is out of date: run "
            "python -c 'from crmselect.io.folder.json_schema import write_schemas; write_schemas()'"
        )
        assert json.loads(shipped)["$schema"] == json_schema.DIALECT


def test_the_schemas_are_valid_json_schemas() -> None:
    jsonschema = pytest.importorskip("jsonschema")
    for build in json_schema.SCHEMAS.values():
        schema = build()
        jsonschema.Draft202012Validator.check_schema(schema)  # raises SchemaError if not
        assert schema["$schema"] == json_schema.DIALECT
        assert schema["additionalProperties"] is False
    broken = {**json_schema.evaluation_schema(), "type": "mapping"}
    with pytest.raises(jsonschema.exceptions.SchemaError):
        jsonschema.Draft202012Validator.check_schema(broken)


@pytest.mark.parametrize(
    ("path", "kind"),
    [(EXAMPLE, "evaluation"), (PARTNERS, "evaluation"), *((c, "catalog") for c in CATALOGS)],
    ids=lambda value: value.name if isinstance(value, Path) else value,
)
def test_every_bundled_file_is_valid(path: Path, kind: str) -> None:
    assert json_schema.schema_problems(read_yaml(path), kind) == []


def test_a_file_with_every_section_is_valid() -> None:
    assert json_schema.schema_problems(parsed(every_section())) == []


def test_every_mapping_the_loader_reads_is_the_schemas(recorded: list[Record]) -> None:
    """The allowed and required keys of each mapping the loader checked, at its key path, are
    the schema's properties and required keys there — and every object the evaluation schema
    describes is one that the loader was seen reading."""
    evaluation = json_schema.evaluation_schema()
    tender = _during(recorded, lambda: load_tender(EXAMPLE))
    everything = _during(recorded, _read_every_section)
    listed = _during(recorded, _read_requirements_listed)
    seen = (
        _agrees(tender, evaluation) | _agrees(everything, evaluation) | _agrees(listed, evaluation)
    )
    unseen = [
        sorted(o["properties"])
        for o in _objects(evaluation)
        if id(o) not in seen and "properties" in o  # not a mapping of ids to values
    ]
    assert not unseen, f"the schema describes mappings the loader never read: {unseen}"


def test_every_mapping_the_catalogue_loader_reads_is_the_schemas(recorded: list[Record]) -> None:
    catalog = json_schema.catalog_schema()
    seen: set[int] = set()
    for path in CATALOGS:
        seen |= _agrees(
            _during(recorded, lambda path=path: load_catalog(path), catalog=True), catalog
        )
    unseen = [sorted(o.get("properties", {})) for o in _objects(catalog) if id(o) not in seen]
    assert not unseen, unseen


def test_the_key_lists_are_the_loaders() -> None:
    evaluation = json_schema.evaluation_schema()
    assert set(evaluation["properties"]) == {*TOP_REQUIRED, *TOP_OPTIONAL}
    assert evaluation["required"] == list(TOP_REQUIRED)
    criterion = evaluation["$defs"]["criterion"]["properties"]
    assert set(criterion) == {"id", *CRITERION_KEYS, "demo_share"}
    catalog_criterion = json_schema.catalog_schema()["$defs"]["criterion"]["properties"]
    assert set(catalog_criterion) == {"id", *CRITERION_KEYS}
    requirement = json_schema.requirement()["properties"]
    assert set(requirement) == {"id", *REQUIREMENT_KEYS}


@pytest.mark.parametrize(
    "kind", [choices.Priority, choices.Deployment, choices.Access, choices.PriceMethod]
)
def test_a_closed_set_lists_every_value_and_alias_the_model_parses(kind: Any) -> None:
    allowed = json_schema.choice(kind)["enum"]
    for value in allowed:
        kind.parse(value)  # raises for a spelling the model does not read
    assert {m.value for m in kind} <= set(allowed)
    assert choices.aliases(kind(allowed[0])) == tuple(
        a for a in allowed if kind.parse(a).value == allowed[0] and a != allowed[0]
    )


def _with(data: dict[str, Any], path: list[str | int], key: str, value: Any) -> dict[str, Any]:
    changed = copy.deepcopy(data)
    node: Any = changed
    for step in path:
        node = node[step]
    node[key] = value
    return changed


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the example folder, whose evaluation.yaml a test rewrites."""
    copy_ = tmp_path_factory.mktemp("tender") / "larkspur"
    shutil.copytree(EXAMPLE.parent, copy_)
    return copy_


def _loader_problems(folder: Path, data: dict[str, Any]) -> list[str]:
    """What :func:`load_tender` says of the example folder with ``data`` as its evaluation."""
    (folder / "evaluation.yaml").write_text(yaml.safe_dump(data, allow_unicode=True), "utf-8")
    try:
        load_tender(folder)
    except InputFileError as exc:
        return [f"{p.where}: {p.what}" for p in exc.problems]
    return []


@pytest.mark.parametrize(
    "path",
    [
        [],
        ["criteria", 0],
        ["criteria", 0, "children", 0],
        ["vendors", 0],
        ["evaluators", 0],
        ["demo_scripts", 0],
        ["scoring"],
        ["scoring", "demo_scale"],
        ["requirements"],
        ["requirements", "custom", 0],
        ["price"],
        ["partners"],
        ["processes", 0],
    ],
    ids=lambda path: ".".join(map(str, path)) or "top",
)
def test_an_unknown_key_is_refused_by_both_at_the_same_place(
    folder: Path, path: list[str | int]
) -> None:
    data = _with(yaml.safe_load(EXAMPLE.read_text(encoding="utf-8")), path, "colour", "blue")
    place = "".join(f"[{s}]" if isinstance(s, int) else f".{s}" for s in path).lstrip(".")
    where = f"{place}.colour" if place else "colour"
    loader = _loader_problems(folder, data)
    schema = json_schema.schema_problems(parsed(data))
    assert any(f"{where} (line" in p and "unknown key 'colour'" in p for p in loader), loader
    assert len(schema) == 1, schema
    assert f": {place or '(top level)'} (line" in schema[0].where
    assert "unknown key" in schema[0].what
    assert "'colour'" in schema[0].what


@pytest.mark.parametrize(
    ("path", "key", "value"),
    [
        (["criteria", 0], "weight", "heavy"),
        (["criteria", 0], "weight", -1),
        (["criteria", 0, "children", 0], "demo_share", 1.5),
        (["scoring"], "demo_share", True),
        (["vendors", 0], "offering", "mainframe"),
        (["price"], "method", "cheapest"),
    ],
)
def test_a_bad_value_is_refused_by_both(
    folder: Path, path: list[str | int], key: str, value: Any
) -> None:
    data = _with(yaml.safe_load(EXAMPLE.read_text(encoding="utf-8")), path, key, value)
    assert _loader_problems(folder, data), "the loader accepted it"
    problems = json_schema.schema_problems(parsed(data))
    assert len(problems) == 1, problems
    assert f".{key} (line" in problems[0].where or f"{key} (line" in problems[0].where


def test_a_problem_names_the_line_of_the_value() -> None:
    text = EXAMPLE.read_text(encoding="utf-8").replace("weight: 40", "weight: forty", 1)
    line = next(i for i, row in enumerate(text.splitlines(), 1) if "weight: forty" in row)
    (problem,) = json_schema.schema_problems(parse_yaml(text, "evaluation.yaml"))
    assert problem.where == f"evaluation.yaml: criteria[0].weight (line {line})"
    assert "'forty' is not of type 'number'" in problem.what
