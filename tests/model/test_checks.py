"""crmselect.model.checks: the evaluation's cross-checks run over one index, and a moderated
score is checked by the same rule whether the evaluation or the consensus meeting's
:func:`~crmselect.consensus.apply_moderation` reads it."""

from __future__ import annotations

import attrs
import pytest

import crmselect
from crmselect.consensus import aggregate_scores, apply_moderation
from crmselect.errors import ValidationError
from crmselect.model import EvaluationIndex, ModeratedScore, walk_tree

TWICE = [
    ModeratedScore("helix", "D1", "sfa", 2.0, "r", "chair", origin="m.csv: row 1"),
    ModeratedScore("helix", "D1", "sfa", 9.0, "r", "chair", origin="m.csv: row 2"),
]
EXPECTED = [
    "m.csv: row 2: score 9 is off the demo scale 0..5",
    "m.csv: row 2: second moderation of the same item (first: m.csv: row 1)",
]


@pytest.mark.slow
def test_the_index_holds_the_ids_the_checks_look_up() -> None:
    evaluation = crmselect.example()
    index = EvaluationIndex.of(evaluation)
    assert index.leaves == evaluation.leaves()
    assert index.leaf_ids == {c.id for c in evaluation.leaves()}
    assert index.vendor_ids == set(evaluation.vendor_ids)
    assert index.requirement_ids == {r.id for r in evaluation.requirements}
    assert set(index.scripts) == {s.id for s in evaluation.demo_scripts}
    assert index.demo_criteria == evaluation.demo_criteria()
    assert index.children[""] == {c.id for c in evaluation.criteria}
    inner = {c.id for _, c in walk_tree(evaluation.criteria) if c.children}
    assert set(index.children) == inner | {""}


def test_a_repeated_moderation_is_one_rule_for_the_evaluation_and_the_meeting() -> None:
    evaluation = crmselect.example()
    with pytest.raises(ValidationError) as from_model:
        attrs.evolve(evaluation, moderations=TWICE)
    with pytest.raises(ValidationError) as from_meeting:
        apply_moderation(aggregate_scores(evaluation), TWICE)
    for error in (from_model.value, from_meeting.value):
        assert [f"{p.where}: {p.what}" for p in error.problems] == EXPECTED
