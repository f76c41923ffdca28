"""crmselect.model.checks: the evaluation's cross-checks run over one index, and a moderated
score is checked by the same rule whether the evaluation or the consensus meeting's
:func:`~crmselect.consensus.apply_moderation` reads it."""

from __future__ import annotations

import math
from types import SimpleNamespace

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import crmselect
from crmselect.consensus import aggregate_scores, apply_moderation
from crmselect.errors import ValidationError
from crmselect.model import (
    DemoScore,
    DemoScript,
    EvaluationIndex,
    ModeratedScore,
    Response,
    walk_tree,
)
from crmselect.model.checks import (
    _demo_score_rows,
    _demo_scores_fine,
    _distinct,
    _response_rows,
    _responses_fine,
)
from crmselect.scales import ComplianceScale, DemoScale

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


# -- the column checks decide what the row-by-row checks would find ------------------------

ID_VALUES = ["x", "y", "z", "R1", "R2", "e1", "e2", "D1", "D2", "a", "b", "c"]
IDS = st.sampled_from(ID_VALUES)
"""Ids, known and unknown, for the vendors, requirements, evaluators, scripts, criteria."""
SCRIPTS = {"D1": DemoScript("D1", "one", ["a", "b"]), "D2": DemoScript("D2", "two", ["b"])}
INDEX = EvaluationIndex(
    leaves=(),
    leaf_ids=frozenset({"a", "b"}),
    vendor_ids=frozenset({"x", "y"}),
    requirement_ids=frozenset({"R1", "R2"}),
    evaluator_ids=frozenset({"e1", "e2"}),
    scripts=SCRIPTS,
    demo_criteria=frozenset({"a", "b"}),
    scored_by_requirements=frozenset(),
    children={},
)


def mostly(known: list[str]) -> st.SearchStrategy[str]:
    """A known id three times in four, else any id."""
    return st.one_of(st.sampled_from(known), st.sampled_from(known), st.sampled_from(known), IDS)


answers = st.builds(
    Response,
    mostly(["x", "y"]),
    mostly(["R1", "R2"]),
    st.one_of(st.none(), st.sampled_from(ComplianceScale().keys), st.just("maybe")),
)
scores = st.builds(
    lambda e, v, item, score: DemoScore(e, v, *item, score),
    mostly(["e1", "e2"]),
    mostly(["x", "y"]),
    st.one_of(st.sampled_from([("D1", "a"), ("D1", "b"), ("D2", "b")]), st.tuples(IDS, IDS)),
    st.one_of(
        st.none(),
        st.sampled_from([0, 1.0, 5, True, 2.5]),
        st.sampled_from([-1.0, 6, math.nan, math.inf]),
    ),
)


@settings(max_examples=300)
@given(st.lists(answers, max_size=8))
def test_property_the_answers_columns_pass_exactly_when_no_row_has_a_problem(
    responses: list[Response],
) -> None:
    tender = SimpleNamespace(responses=tuple(responses), scale=ComplianceScale())
    assert _responses_fine(tender, INDEX) == (not _response_rows(tender, INDEX))  # type: ignore[arg-type]


@settings(max_examples=300)
@given(st.lists(scores, max_size=8))
def test_property_the_demo_score_columns_pass_exactly_when_no_row_has_a_problem(
    demo_scores: list[DemoScore],
) -> None:
    tender = SimpleNamespace(demo_scores=tuple(demo_scores), demo_scale=DemoScale())
    assert _demo_scores_fine(tender, INDEX) == (not _demo_score_rows(tender, INDEX))  # type: ignore[arg-type]


class _Many(frozenset[str]):
    """A set of values that claims more members than 63-bit codes can number."""

    def __len__(self) -> int:
        return 2**32


@settings(max_examples=100)
@given(st.lists(st.tuples(IDS, IDS, IDS), max_size=8), st.booleans())
def test_property_rows_are_distinct_exactly_when_their_tuples_are(
    rows: list[tuple[str, str, str]], many: bool
) -> None:
    """Coded as integers — or, where the codes would not fit (three columns of 2**32
    values), as tuples — the rows are found distinct exactly when no two tuples are equal."""
    known = (_Many if many else frozenset)(ID_VALUES)
    columns = [([row[i] for row in rows], known) for i in range(3)]
    assert _distinct(columns) == (len(set(rows)) == len(rows))
