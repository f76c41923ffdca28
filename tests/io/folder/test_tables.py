"""Building an evaluation from pandas DataFrames, without files."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

import crmselect
from crmselect import InputFileError
from crmselect.io.folder.tables import requirements_to_frame, responses_to_frame
from tests.helpers import MINIMAL_YAML, minimal_evaluation, write_minimal


def test_evaluation_from_dataframes_scores_like_objects() -> None:
    base = minimal_evaluation()
    requirements = crmselect.requirements_from_frame(requirements_to_frame(base.requirements))
    responses = crmselect.responses_from_frame(responses_to_frame(base.responses))
    rebuilt = crmselect.Evaluation(
        name=base.name,
        criteria=base.criteria,
        requirements=requirements,
        vendors=base.vendors,
        responses=responses,
    )
    assert rebuilt.fingerprint == base.fingerprint


def test_frame_problems_name_every_row() -> None:
    frame = pd.DataFrame(
        {
            "vendor": ["x", "", "y"],
            "requirement": ["R1", "R2", "R3"],
            "compliance": ["yes", "oob", "sort of"],
        }
    )
    with pytest.raises(InputFileError) as caught:
        crmselect.responses_from_frame(frame, source="answers")
    assert [str(p) for p in caught.value.problems] == [
        "answers: row 3: vendor is empty",
        "answers: row 4: compliance 'sort of' is not on the scale; use one of: out_of_box, "
        "configuration, customisation, third_party, roadmap, not_supported",
    ]


def test_demo_scores_accept_decimal_comma_and_blank() -> None:
    frame = pd.DataFrame(
        {
            "evaluator": ["e1", "e2"],
            "vendor": ["x", "x"],
            "script": ["D", "D"],
            "criterion": ["b", "b"],
            "score": ["3,5", ""],
        }
    )
    scores = crmselect.demo_scores_from_frame(frame)
    assert [s.score for s in scores] == [3.5, None]


def test_requirements_frame_rejects_unclear_mandatory_flag() -> None:
    frame = pd.DataFrame({"id": ["R1"], "criterion": ["a"], "text": ["t"], "mandatory": ["maybe"]})
    with pytest.raises(InputFileError, match="row 2: mandatory 'maybe' must be yes or no"):
        crmselect.requirements_from_frame(frame)


def test_a_row_longer_than_the_header_is_refused_not_shifted(tmp_path: Path) -> None:
    """pandas would take the first column of such a file as an index and shift every value
    one column to the right (vendor 'x' becoming the requirement, and so on)."""
    folder = write_minimal(tmp_path / "long")
    (folder / "responses.csv").write_text(
        "vendor,requirement,compliance\nx,R1,out_of_box,oops\ny,R1,configuration\n",
        encoding="utf-8",
    )
    with pytest.raises(InputFileError) as caught:
        crmselect.derive(crmselect.load_tender(folder))
    text = str(caught.value)
    assert "responses.csv: row 2: 4 cells, but the header has 3 columns" in text
    assert "row 3" not in text


def test_a_column_named_twice_is_refused(tmp_path: Path) -> None:
    folder = write_minimal(tmp_path / "twice")
    (folder / "responses.csv").write_text(
        "vendor,requirement,compliance,compliance\nx,R1,out_of_box,roadmap\n", encoding="utf-8"
    )
    with pytest.raises(InputFileError) as caught:
        crmselect.derive(crmselect.load_tender(folder))
    assert "responses.csv: row 1: column 'compliance' appears twice" in str(caught.value)


def test_demo_scores_report_every_problem_in_one_pass(tmp_path: Path) -> None:
    """The reading's problems ('four') and the cross-checks' (unknown ids, the scale,
    duplicates) come together, in row order — not the second lot after fixing the first."""
    folder = write_minimal(
        tmp_path / "scores",
        demo_scores="evaluator,vendor,script,criterion,score,note\n"
        "e1,x,D,b,four,\n"
        "e9,x,D,b,4,\n"
        "e1,q,D,b,4,\n"
        "e1,y,D,b,9,\n"
        "e2,x,D,a1,3,\n"
        "e2,x,Z,b,3,\n"
        "e2,y,D,b,2,\n"
        "e2,y,D,b,3,\n"
        ",z,D,,x,\n",
    )
    with pytest.raises(InputFileError) as caught:
        crmselect.derive(crmselect.load_tender(folder))
    source = folder / "demo_scores.csv"
    assert [str(p).removeprefix(f"{source}: ") for p in caught.value.problems] == [
        "row 2: score 'four' is not a number",
        "row 3: unknown evaluator 'e9'",
        "row 4: unknown vendor 'q'",
        "row 5: score 9.0 is off the demo scale 0..5",
        "row 6: demo script 'D' does not exercise criterion 'a1'",
        "row 7: unknown demo script 'Z'",
        "row 9: second score for the same evaluator, vendor, script and criterion (first at "
        f"{source}: row 8); keep one",
        "row 10: evaluator is empty",
        "row 10: criterion is empty",
        "row 10: score 'x' is not a number",
    ]


def test_responses_and_moderations_report_every_problem_in_one_pass(tmp_path: Path) -> None:
    yaml_text = MINIMAL_YAML.replace(
        "demo_scores: demo_scores.csv", "demo_scores: demo_scores.csv\nmoderations: moderations.csv"
    )
    folder = write_minimal(
        tmp_path / "answers",
        yaml_text=yaml_text,
        responses="vendor,requirement,compliance,comment,price\n"
        "x,R1,sort of,,\n"
        "q,R2,out_of_box,,\n"
        ",R9,maybe,,\n",
    )
    (folder / "moderations.csv").write_text(
        "vendor,script,criterion,score,reason,by\nx,D,b,high,agreed,chair\nq,D,b,3,agreed,chair\n",
        encoding="utf-8",
    )
    with pytest.raises(InputFileError) as caught:
        crmselect.derive(crmselect.load_tender(folder))
    found = [str(p).removeprefix(f"{folder}/") for p in caught.value.problems]
    assert found == [
        "responses.csv: unknown column 'price'; expected vendor, requirement, compliance, "
        "comment, evidence",
        "moderations.csv: row 2: score 'high' is not a number",
        "moderations.csv: row 3: unknown vendor 'q'",
        "responses.csv: row 2: compliance 'sort of' is not on the scale; use one of: "
        "out_of_box, configuration, customisation, third_party, roadmap, not_supported",
        "responses.csv: row 3: unknown vendor 'q'",
        "responses.csv: row 4: compliance 'maybe' is not on the scale; use one of: "
        "out_of_box, configuration, customisation, third_party, roadmap, not_supported",
        "responses.csv: row 4: vendor is empty",
    ]


def test_a_column_named_twice_and_a_long_row_are_reported_together(tmp_path: Path) -> None:
    folder = write_minimal(tmp_path / "shape")
    (folder / "responses.csv").write_text(
        "vendor,requirement,compliance,compliance\nx,R1,out_of_box,roadmap,oops\n",
        encoding="utf-8",
    )
    with pytest.raises(InputFileError) as caught:
        crmselect.derive(crmselect.load_tender(folder))
    assert [p.where.rsplit("/", 1)[-1] for p in caught.value.problems] == [
        "responses.csv: row 1",
        "responses.csv: row 2",
    ]
