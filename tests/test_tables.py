"""Building an evaluation from pandas DataFrames, without files."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from conftest import minimal_evaluation, write_minimal

import crmselect
from crmselect import InputFileError
from crmselect.io.tables import requirements_to_frame, responses_to_frame


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
    assert rebuilt.fingerprint() == base.fingerprint()


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
        crmselect.load_evaluation(folder)
    text = str(caught.value)
    assert "responses.csv: row 2: 4 cells, but the header has 3 columns" in text
    assert "row 3" not in text


def test_a_column_named_twice_is_refused(tmp_path: Path) -> None:
    folder = write_minimal(tmp_path / "twice")
    (folder / "responses.csv").write_text(
        "vendor,requirement,compliance,compliance\nx,R1,out_of_box,roadmap\n", encoding="utf-8"
    )
    with pytest.raises(InputFileError) as caught:
        crmselect.load_evaluation(folder)
    assert "responses.csv: row 1: column 'compliance' appears twice" in str(caught.value)
