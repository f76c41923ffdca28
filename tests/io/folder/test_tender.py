"""The tender loader builds the evaluation once (crmselect/io/folder/tender.py; issue 21
item 3): the justification findings of its demo scores are found first, with the same
result as adding them to an evaluation built and checked before, and a refused folder still
lists every problem at once."""

from __future__ import annotations

from typing import Any

import attrs
import pytest

import crmselect
from crmselect.declarations import with_justification_findings
from crmselect.errors import ValidationError
from crmselect.io.folder.evaluation import evaluation_file, read_written
from crmselect.io.folder.tender import _evaluation
from crmselect.io.folder.yamlfile import read_yaml
from crmselect.model import Evaluation


def _fields() -> dict[str, Any]:
    file = evaluation_file(crmselect.example_path())
    return read_written(file, read_yaml(file)).fields


def test_the_findings_are_those_added_after_the_checks() -> None:
    fields = _fields()
    built = _evaluation(fields)
    before = with_justification_findings(Evaluation(**fields))
    # an Evaluation compares by identity: compare every field
    for field in attrs.fields(Evaluation):
        assert getattr(built, field.name) == getattr(before, field.name), field.name
    assert [p.requirement for p in built.import_problems] == ["it: quillpoint/D1/sfa"]


def test_a_refused_evaluation_lists_every_problem_at_once() -> None:
    """A requirement under an unknown criterion and a demo score of an unknown evaluator are
    refused together: the findings come before the one check, which lists every problem."""
    fields = _fields()
    requirement = attrs.evolve(fields["requirements"][0], criterion="nowhere")
    score = attrs.evolve(fields["demo_scores"][0], evaluator="stranger")
    fields["requirements"] = [requirement, *fields["requirements"][1:]]
    fields["demo_scores"] = [score, *fields["demo_scores"][1:]]
    with pytest.raises(ValidationError) as raised:
        _evaluation(fields)
    whats = [p.what for p in raised.value.problems]
    assert any("nowhere" in what for what in whats)
    assert any("unknown evaluator 'stranger'" in what for what in whats)
