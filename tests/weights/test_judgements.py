"""Local weights from an evaluation's recorded pairwise judgements, and their report."""

from __future__ import annotations

import attrs
import pytest

from crmselect import Criterion, Judgements, ValidationError, score
from crmselect.report import judgements_report
from crmselect.weights import ahp, apply_judgements, judgement_results, pairwise_matrix
from tests.helpers import minimal_evaluation

TREE = [Criterion("p"), Criterion("q"), Criterion("r")]


def test_single_set_gives_the_ahp_priorities() -> None:
    pairs = [("p", "q", 2), ("p", "r", 4), ("q", "r", 2)]  # consistent: 4 : 2 : 1
    tree = apply_judgements(TREE, [Judgements("", pairs)])
    assert [c.weight for c in tree] == pytest.approx([4 / 7, 2 / 7, 1 / 7])


def test_several_members_are_aggregated_by_geometric_mean() -> None:
    one = Judgements("", [("p", "q", 4), ("p", "r", 4), ("q", "r", 1)], member="ann")
    two = Judgements("", [("p", "q", 1), ("p", "r", 1), ("q", "r", 1)], member="bob")
    result = judgement_results(TREE, [one, two])[""]
    expected = ahp(
        pairwise_matrix({("p", "q"): 2.0, ("p", "r"): 2.0, ("q", "r"): 1.0}, labels=["p", "q", "r"])
    ).weights
    assert result.weights.to_dict() == pytest.approx(expected.to_dict())


def test_a_child_nobody_compared_is_an_error() -> None:
    with pytest.raises(ValidationError, match="'r' compared with nothing"):
        apply_judgements(TREE, [Judgements("", [("p", "q", 2)])])


def test_report_names_the_judgement_to_revisit_when_inconsistent() -> None:
    base = minimal_evaluation()
    cyclic = Judgements("A", [("a1", "a2", 9)])
    evaluation = attrs.evolve(base, judgements=[cyclic])
    assert judgements_report(score(evaluation)).endswith("1 judgements): CR = 0.000")
    tree = [Criterion("T", children=[Criterion(c) for c in "xyz"]), Criterion("b")]
    requirements = [
        attrs.evolve(r, criterion={"a1": "x", "a2": "y"}.get(r.criterion, r.criterion))
        for r in base.requirements
    ]
    requirements.append(attrs.evolve(requirements[0], id="R5", criterion="z", mandatory=False))
    bad = Judgements("T", [("x", "y", 9), ("y", "z", 9), ("z", "x", 9)])
    evaluation = attrs.evolve(base, criteria=tree, requirements=requirements, judgements=[bad])
    text = judgements_report(score(evaluation))
    assert "INCONSISTENT (above 0.10)" in text
    assert ": revisit " in text
