"""Evaluation folders: loading, round trips, and a table of malformed files.

Every malformed case must raise a CrmselectError whose message names the file and says what
is wrong; no case may get through or crash with another exception.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from crmselect import (
    CrmselectError,
    InputFileError,
    ValidationError,
    derive,
    load_tender,
    save_evaluation,
    score,
)
from tests.helpers import (
    MINIMAL_DEMO_SCORES,
    MINIMAL_RESPONSES,
    MINIMAL_YAML,
    with_demo,
    write_minimal,
)


def test_folder_scores_like_the_same_evaluation_built_in_code(minimal_folder: Path) -> None:
    from_files = score(derive(load_tender(minimal_folder)).evaluation)
    in_code = score(with_demo())
    assert from_files.totals.to_dict() == pytest.approx(in_code.totals.to_dict())
    assert from_files.totals["x"] == pytest.approx(0.725)
    assert from_files.evaluation.vendors[1].deployment == {"on_premise"}
    assert (
        from_files.evaluation.responses[6].compliance == "out_of_box"
    )  # label "Fully supported …"
    assert from_files.evaluation.responses[7].compliance == "third_party"  # "third party"


def test_yaml_file_path_works_as_well_as_the_folder(minimal_folder: Path) -> None:
    assert (
        derive(load_tender(minimal_folder / "evaluation.yaml")).evaluation.fingerprint
        == derive(load_tender(minimal_folder)).evaluation.fingerprint
    )


def test_origins_point_at_file_and_line(minimal_folder: Path) -> None:
    evaluation = derive(load_tender(minimal_folder)).evaluation
    assert evaluation.vendors[1].origin.endswith("evaluation.yaml: vendors[1] (line 17)")
    assert evaluation.responses[4].origin.endswith("responses.csv: row 6")


def test_save_and_load_round_trip_keeps_content(tmp_path: Path, minimal_folder: Path) -> None:
    original = derive(load_tender(minimal_folder)).evaluation
    save_evaluation(original, tmp_path / "copy")
    again = derive(load_tender(tmp_path / "copy")).evaluation
    assert again.fingerprint == original.fingerprint
    assert score(again).totals.equals(score(original).totals)


@pytest.mark.slow
def test_example_round_trips(tmp_path: Path) -> None:
    import crmselect

    original = crmselect.example()
    save_evaluation(original, tmp_path / "copy")
    assert derive(load_tender(tmp_path / "copy")).evaluation.fingerprint == original.fingerprint


def test_catalogue_selection_and_overrides(tmp_path: Path) -> None:
    yaml_text = (
        MINIMAL_YAML.split("requirements:")[0]
        + """\
requirements:
  catalog: [SFA-001, marketing]
  overrides:
    SFA-001: {mandatory: true, priority: must}
  custom:
    - {id: OWN-1, criterion: b, text: Our own requirement}
vendors:
  - {id: x, name: Xylo}
"""
    )
    yaml_text = yaml_text.replace(
        "name: Minimal tender\n", "name: Minimal tender\ncatalog: crm-core\n"
    )
    yaml_text = yaml_text.replace(
        "      - {id: a1, weight: 1}\n      - {id: a2, weight: 2}",
        "      - {id: sfa, weight: 1}\n      - {id: marketing, weight: 2}",
    )
    folder = tmp_path / "cat"
    folder.mkdir()
    (folder / "evaluation.yaml").write_text(yaml_text, encoding="utf-8")
    evaluation = derive(load_tender(folder)).evaluation
    ids = [r.id for r in evaluation.requirements]
    assert ids[0] == "SFA-001"
    assert ids[-1] == "OWN-1"
    assert all(i.startswith("MKT-") for i in ids[1:-1])
    assert len(ids) > 10
    assert evaluation.requirements[0].mandatory
    assert evaluation.criteria_by_id()["sfa"].name == "Sales force automation"


CATALOGUE_YAML = (
    MINIMAL_YAML.split("requirements:")[0]
    .replace("name: Minimal tender\n", "name: Minimal tender\ncatalog: crm-core\n")
    .replace(
        "      - {id: a1, weight: 1}\n      - {id: a2, weight: 2}",
        "      - {id: sfa}\n      - {id: marketing}",
    )
    + """\
requirements:
  catalog: [SFA-001, SFA-002, marketing]
  overrides:
    SFA-001: {mandatory: true}
    SFA-002: {priority: must}
    MKT-001: {priority: must}
    MKT-002: {priority: could}
  custom:
    - {id: OWN-1, criterion: b, text: Our own requirement}
vendors:
  - {id: x, name: Xylo}
"""
)


def _only_problem(tmp_path: Path, old: str, new: str) -> str:
    """The one problem of the catalogue evaluation with ``old`` changed to ``new``."""
    assert old in CATALOGUE_YAML
    folder = tmp_path / "typo"
    folder.mkdir(exist_ok=True)
    (folder / "evaluation.yaml").write_text(CATALOGUE_YAML.replace(old, new, 1), encoding="utf-8")
    with pytest.raises(CrmselectError) as caught:
        derive(load_tender(folder))
    problems = getattr(caught.value, "problems", ())
    assert len(problems) == 1, str(caught.value)
    return str(problems[0])


def test_catalogue_evaluation_without_typos_loads(tmp_path: Path) -> None:
    folder = tmp_path / "fine"
    folder.mkdir()
    (folder / "evaluation.yaml").write_text(CATALOGUE_YAML, encoding="utf-8")
    by_id = {r.id: r for r in derive(load_tender(folder)).evaluation.requirements}
    assert by_id["SFA-001"].mandatory
    assert by_id["MKT-002"].priority.value == "could"


def test_a_typo_in_the_catalogue_name_is_reported_alone(tmp_path: Path) -> None:
    """Not also 'no top-level catalog', four 'not selected' overrides and two weights."""
    problem = _only_problem(tmp_path, "catalog: crm-core", "catalog: crm-cor")
    assert problem.endswith(
        "evaluation.yaml: catalog (line 3): No bundled catalogue 'crm-cor'; did you mean "
        "'crm-core'? (available: crm-core, partner; or give the path of a catalogue file)"
    )


def test_a_typo_in_a_catalogue_id_is_reported_alone_at_its_line(tmp_path: Path) -> None:
    """The known ids are still selected, so only the overrides of SFA-001 could be false
    alarms: they are not reported while the selection has a typo."""
    problem = _only_problem(tmp_path, "[SFA-001, SFA-002,", "[SFA-01, SFA-002,")
    assert problem.endswith(
        "evaluation.yaml: requirements.catalog[0] (line 12): no requirement or criterion "
        "'SFA-01' in catalogue 'crm-core'; did you mean 'SFA-019' or 'SFA-018' or 'SFA-017'?"
    )
    problem = _only_problem(tmp_path, "SFA-002, marketing]", "SFA-002, markting]")
    assert "'markting' in catalogue 'crm-core'; did you mean 'marketing'?" in problem


def test_an_override_of_an_unselected_requirement_suggests_the_selected_one(
    tmp_path: Path,
) -> None:
    problem = _only_problem(
        tmp_path, "    SFA-002: {priority: must}", "    SFA-02: {priority: must}"
    )
    assert problem.endswith(
        "evaluation.yaml: requirements.overrides.SFA-02 (line 15): overrides requirement "
        "'SFA-02', which is not selected; did you mean 'SFA-002' or 'SFA-001'?"
    )
    # with a typo in the selection, an override naming no catalogue requirement is reported
    typo = CATALOGUE_YAML.replace("[SFA-001,", "[SFA-01,").replace("SFA-002: {", "SFA-2: {")
    folder = tmp_path / "both"
    folder.mkdir()
    (folder / "evaluation.yaml").write_text(typo, encoding="utf-8")
    with pytest.raises(CrmselectError) as caught:
        derive(load_tender(folder))
    assert [p.where.rsplit(": ", 1)[-1] for p in getattr(caught.value, "problems", ())] == [
        "requirements.catalog[0] (line 12)",
        "requirements.overrides.SFA-2 (line 15)",
    ]


# -- the malformed-file table ------------------------------------------------------------------

Edit = Callable[[Path], None]


def yaml_edit(old: str, new: str) -> Edit:
    def edit(folder: Path) -> None:
        path = folder / "evaluation.yaml"
        text = path.read_text(encoding="utf-8")
        assert old in text, f"test set-up: {old!r} not in the minimal YAML"
        path.write_text(text.replace(old, new, 1), encoding="utf-8")

    return edit


def write(name: str, content: str | bytes) -> Edit:
    def edit(folder: Path) -> None:
        path = folder / name
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")

    return edit


def csv_edit(name: str, old: str, new: str) -> Edit:
    def edit(folder: Path) -> None:
        path = folder / name
        text = path.read_text(encoding="utf-8")
        assert old in text, f"test set-up: {old!r} not in {name}"
        path.write_text(text.replace(old, new, 1), encoding="utf-8")

    return edit


def both(*edits: Edit) -> Edit:
    def edit(folder: Path) -> None:
        for e in edits:
            e(folder)

    return edit


def remove(name: str) -> Edit:
    return lambda folder: (folder / name).unlink()


MALFORMED: list[tuple[str, Edit, str, str]] = [
    # (case id, edit, file the message must name, what the message must say)
    (
        "yaml-syntax",
        yaml_edit("name: Minimal tender", "name: [unclosed"),
        "evaluation.yaml",
        "not valid YAML",
    ),
    (
        "top-level-list",
        write("evaluation.yaml", "- just\n- a list\n"),
        "evaluation.yaml",
        "expected a mapping",
    ),
    ("empty-file", write("evaluation.yaml", ""), "evaluation.yaml", "empty"),
    (
        "not-utf8",
        write("evaluation.yaml", b"name: \xff\xfe\x00bad"),
        "evaluation.yaml",
        "cannot be read",
    ),
    (
        "missing-name",
        yaml_edit("name: Minimal tender\n", ""),
        "evaluation.yaml",
        "missing required key 'name'",
    ),
    (
        "unknown-top-key",
        yaml_edit("vendors:", "vendor:"),
        "evaluation.yaml",
        "unknown key 'vendor'",
    ),
    (
        "wrong-schema",
        yaml_edit("crmselect.evaluation/1", "crmselect.evaluation/9"),
        "evaluation.yaml",
        "expected schema",
    ),
    (
        "negative-weight",
        yaml_edit("{id: a1, weight: 1}", "{id: a1, weight: -1}"),
        "evaluation.yaml",
        "below the minimum 0",
    ),
    (
        "text-weight",
        yaml_edit("{id: a1, weight: 1}", "{id: a1, weight: heavy}"),
        "evaluation.yaml",
        "expected a number, got 'heavy'",
    ),
    (
        "all-zero-weights",
        both(
            yaml_edit("{id: a1, weight: 1}", "{id: a1, weight: 0}"),
            yaml_edit("{id: a2, weight: 2}", "{id: a2, weight: 0}"),
        ),
        "evaluation.yaml",
        "all weights at this level are zero",
    ),
    (
        "duplicate-vendor",
        yaml_edit("{id: z, name: Zephyr", "{id: x, name: Zephyr"),
        "evaluation.yaml",
        "vendor id 'x' is used more than once",
    ),
    (
        "duplicate-yaml-key",
        yaml_edit("name: Minimal tender\n", "name: Minimal tender\nname: Again\n"),
        "evaluation.yaml",
        "appears twice",
    ),
    (
        "yaml-alias",
        yaml_edit("  - {id: b, weight: 1}", "  - &leaf {id: b, weight: 1}\n  - *leaf"),
        "evaluation.yaml",
        "aliases",
    ),
    (
        "unknown-criterion",
        yaml_edit("{id: R4, criterion: b,", "{id: R4, criterion: c,"),
        "evaluation.yaml",
        "unknown criterion 'c'",
    ),
    (
        "non-leaf-criterion",
        yaml_edit("{id: R4, criterion: b,", "{id: R4, criterion: A,"),
        "evaluation.yaml",
        "has sub-criteria",
    ),
    (
        "bad-priority",
        yaml_edit("priority: could", "priority: maybe"),
        "evaluation.yaml",
        "'maybe' is not one of",
    ),
    (
        "bad-mandatory",
        yaml_edit("mandatory: true", "mandatory: perhaps"),
        "evaluation.yaml",
        "expected true or false",
    ),
    (
        "bad-deployment",
        yaml_edit("deployment: [hosted]", "deployment: [mainframe]"),
        "evaluation.yaml",
        "'mainframe' is not one of",
    ),
    (
        "criterion-unscored",
        both(
            yaml_edit("{id: R4, criterion: b,", "{id: R4, criterion: a1,"),
            yaml_edit("criteria: [b]", "criteria: [a2]"),
        ),
        "evaluation.yaml",
        "nothing can score it",
    ),
    (
        "script-unknown-criterion",
        yaml_edit("criteria: [b]", "criteria: [nope]"),
        "evaluation.yaml",
        "criterion 'nope' is unknown or not a leaf",
    ),
    (
        "demo-share-range",
        yaml_edit("demo_share: 0.5", "demo_share: 1.5"),
        "evaluation.yaml",
        "above the maximum 1",
    ),
    (
        "bad-missing-policy",
        yaml_edit("demo_share: 0.5", "demo_share: 0.5\n  missing: sometimes"),
        "evaluation.yaml",
        "'sometimes' is not one of",
    ),
    (
        "unknown-catalog",
        yaml_edit("name: Minimal tender\n", "name: Minimal tender\ncatalog: nope\n"),
        "evaluation.yaml",
        "No bundled catalogue 'nope'",
    ),
    (
        "responses-file-missing",
        remove("responses.csv"),
        "evaluation.yaml",
        "'responses.csv' not found",
    ),
    (
        "responses-unknown-vendor",
        csv_edit("responses.csv", "z,R4,out_of_box", "q,R4,out_of_box"),
        "responses.csv: row 13",
        "unknown vendor 'q'",
    ),
    (
        "responses-off-scale",
        csv_edit("responses.csv", "x,R4,roadmap", "x,R4,maybe"),
        "responses.csv: row 5",
        "'maybe' is not on the scale",
    ),
    (
        "responses-duplicate",
        csv_edit("responses.csv", "z,R4,out_of_box,", "z,R3,out_of_box,"),
        "responses.csv: row 13",
        "second answer of vendor 'z' to 'R3'",
    ),
    (
        "responses-missing-column",
        write("responses.csv", "vendor,requirement\nx,R1\n"),
        "responses.csv",
        "missing column 'compliance'",
    ),
    (
        "responses-unknown-column",
        write(
            "responses.csv",
            MINIMAL_RESPONSES.replace("comment", "comment,price").replace(
                "next year", "next year,100"
            ),
        ),
        "responses.csv",
        "unknown column 'price'",
    ),
    (
        "responses-unknown-requirement",
        csv_edit("responses.csv", "x,R1,", "x,R9,"),
        "responses.csv: row 2",
        "unknown requirement 'R9'",
    ),
    (
        "demo-off-scale",
        csv_edit("demo_scores.csv", "e1,x,D,b,4", "e1,x,D,b,7"),
        "demo_scores.csv: row 2",
        "score 7.0 is off the demo scale 0..5",
    ),
    (
        "demo-not-number",
        csv_edit("demo_scores.csv", "e1,x,D,b,4", "e1,x,D,b,good"),
        "demo_scores.csv: row 2",
        "score 'good' is not a number",
    ),
    (
        "demo-duplicate",
        write("demo_scores.csv", MINIMAL_DEMO_SCORES + "e1,x,D,b,3,\n"),
        "demo_scores.csv: row 6",
        "second score",
    ),
    (
        "demo-unknown-evaluator",
        csv_edit("demo_scores.csv", "e2,x,D,b,5", "e9,x,D,b,5"),
        "demo_scores.csv: row 3",
        "unknown evaluator 'e9'",
    ),
    (
        "demo-wrong-criterion",
        csv_edit("demo_scores.csv", "e2,x,D,b,5", "e2,x,D,a1,5"),
        "demo_scores.csv: row 3",
        "does not exercise criterion 'a1'",
    ),
]


@pytest.mark.parametrize(
    ("edit", "file", "message"), [pytest.param(e, f, m, id=i) for i, e, f, m in MALFORMED]
)
def test_malformed_evaluation_raises_naming_file_and_problem(
    tmp_path: Path, edit: Edit, file: str, message: str
) -> None:
    folder = write_minimal(tmp_path / "bad")
    edit(folder)
    with pytest.raises(CrmselectError) as caught:
        derive(load_tender(folder))
    text = str(caught.value)
    assert isinstance(caught.value, InputFileError | ValidationError)
    assert message in text
    assert any(file in str(p) and message in str(p) for p in caught.value.problems) or (
        file in text and message in text
    ), text


def test_malformed_table_has_at_least_twenty_cases() -> None:
    assert len(MALFORMED) >= 20


def test_all_problems_are_reported_at_once(tmp_path: Path) -> None:
    folder = write_minimal(tmp_path / "many")
    csv_edit("responses.csv", "x,R4,roadmap", "x,R4,maybe")(folder)
    csv_edit("responses.csv", "x,R1,out_of_box", "x,R1,perhaps")(folder)
    with pytest.raises(InputFileError) as caught:
        derive(load_tender(folder))
    assert len(caught.value.problems) == 2
    folder2 = write_minimal(tmp_path / "many2")
    yaml_edit("{id: z, name: Zephyr", "{id: x, name: Zephyr")(folder2)
    yaml_edit("{id: R4, criterion: b,", "{id: R4, criterion: c,")(folder2)
    with pytest.raises(ValidationError) as caught2:
        derive(load_tender(folder2))
    assert len(caught2.value.problems) >= 2


def test_missing_folder_names_the_path(tmp_path: Path) -> None:
    with pytest.raises(InputFileError, match="not found"):
        derive(load_tender(tmp_path / "nowhere"))


def test_ahp_judgements_set_local_weights_and_round_trip(tmp_path: Path) -> None:
    yaml_text = MINIMAL_YAML.replace(
        "responses: responses.csv",
        "weighting:\n  - node: top\n    judgements: [[A, b, 3]]\n"
        "  - node: A\n    method: ahp\n    judgements: [[a1, a2, 1/2]]\n"
        "responses: responses.csv",
    )
    folder = write_minimal(tmp_path / "ahp", yaml_text=yaml_text)
    evaluation = derive(load_tender(folder)).evaluation
    assert [c.weight for c in evaluation.criteria] == pytest.approx([0.75, 0.25])
    assert [c.weight for c in evaluation.criteria[0].children] == pytest.approx([1 / 3, 2 / 3])
    save_evaluation(evaluation, tmp_path / "copy")
    again = derive(load_tender(tmp_path / "copy")).evaluation
    assert again.fingerprint == evaluation.fingerprint


@pytest.mark.parametrize(
    ("weighting", "message"),
    [
        ("[{node: nowhere, judgements: [[A, b, 3]]}]", "node 'nowhere' is not a criterion"),
        (
            "[{node: top, judgements: [[A, zz, 3]]}]",
            "'zz' is not a sub-criterion of 'the top level'",
        ),
        ("[{node: top, judgements: [[A, b, -3]]}]", "must be a positive number"),
        ("[{node: top, judgements: [[A, b, one third]]}]", "expected a number, got 'one third'"),
        ("[{node: top, judgements: [[A, b]]}]", "expected [criterion, criterion"),
        ("[{node: top, method: swing, judgements: [[A, b, 3]]}]", "only weighting method"),
        ("[{node: A, judgements: [[a1, a1, 2]]}]", "compared with itself"),
    ],
)
def test_bad_judgements_are_reported(tmp_path: Path, weighting: str, message: str) -> None:
    yaml_text = MINIMAL_YAML.replace(
        "responses: responses.csv", f"weighting: {weighting}\nresponses: responses.csv"
    )
    folder = write_minimal(tmp_path / "bad", yaml_text=yaml_text)
    with pytest.raises(CrmselectError) as caught:
        derive(load_tender(folder))
    assert message in str(caught.value)
    assert "evaluation.yaml" in str(caught.value)
