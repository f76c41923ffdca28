"""Scored reference checks, the pure core: formulas R1–R3 of :mod:`crmselect.references`,
the share 0 that changes nothing, missing scores, validation and what stays confidential."""

from __future__ import annotations

import attrs
import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

import crmselect
from crmselect import (
    Criterion,
    Evaluation,
    Evaluator,
    MissingPolicy,
    ReferenceCall,
    ReferenceQuestion,
    References,
    ReferenceScore,
    Requirement,
    Response,
    ScoringPolicy,
    ValidationError,
    Vendor,
)
from crmselect.references import (
    calls_frame,
    calls_table,
    confidential_fields,
    reference_criterion_scores,
    reference_missing,
    reference_share,
)
from tests.helpers import with_demo

NAME, ORGANISATION = "Zelda Quarrington", "Hushwood Mills"


def two_vendors(references: References | None, missing: str = "zero") -> Evaluation:
    """Two vendors, two criteria of equal weight: x satisfies a (1) and not b (0), y the
    other way round."""
    return Evaluation(
        "two",
        [Criterion("a", weight=1), Criterion("b", weight=1)],
        [Requirement("R1", "one", "a"), Requirement("R2", "two", "b")],
        [Vendor("x", "X"), Vendor("y", "Y")],
        [
            Response("x", "R1", "out_of_box"),
            Response("x", "R2", "not_supported"),
            Response("y", "R1", "not_supported"),
            Response("y", "R2", "out_of_box"),
        ],
        evaluators=[Evaluator("e1")],
        policy=ScoringPolicy(missing=MissingPolicy(missing)),
        references=references,
    )


def call(call_id: str, vendor: str, **changes: str) -> ReferenceCall:
    fields = {"role": "Head of Sales", "organisation_type": "manufacturer"}
    fields |= {"organisation": ORGANISATION, "name": NAME, "caller": "e1", "date": "2026-03-02"}
    return ReferenceCall(call_id, vendor, **(fields | changes))


HAND = References(
    questions=[ReferenceQuestion("a", "Works?"), ReferenceQuestion("b", "Delivered?")],
    calls=[call("c1", "x"), call("c2", "x"), call("c3", "y")],
    scores=[
        ReferenceScore("c1", "a", 4.0),
        ReferenceScore("c1", "b", 2.0),
        ReferenceScore("c2", "a", 5.0),
        ReferenceScore("c2", "b", None),  # blank: left out of x's mean for b
        ReferenceScore("c3", "a", 1.0),  # y has no score for b at all
    ],
    share=0.5,
    shares={"a": 0.4},
)


def test_the_blend_by_hand_on_two_vendors() -> None:
    """R1: ref_xa = (0.8 + 1.0)/2 = 0.9, ref_xb = 0.4, ref_ya = 0.2, ref_yb missing.
    R2: q_a = 0.4 (its own), q_b = 0.5 (the default). R3 with policy zero:
    P'_xa = 0.6·1 + 0.4·0.9 = 0.96, P'_xb = 0.5·0 + 0.5·0.4 = 0.2,
    P'_ya = 0.6·0 + 0.4·0.2 = 0.08, P'_yb = 0.5·1 + 0.5·0 = 0.5; totals (w = ½, ½)
    0.58 and 0.29."""
    evaluation = two_vendors(HAND)
    reference = reference_criterion_scores(evaluation)
    assert reference.loc["x"].tolist() == pytest.approx([0.9, 0.4])
    assert reference.loc["y", "a"] == pytest.approx(0.2)
    assert np.isnan(reference.loc["y", "b"])
    assert (reference_share(evaluation, "a"), reference_share(evaluation, "b")) == (0.4, 0.5)
    result = crmselect.score(evaluation)
    assert result.matrix.loc["x"].tolist() == pytest.approx([0.96, 0.2])
    assert result.matrix.loc["y"].tolist() == pytest.approx([0.08, 0.5])
    assert result.totals.to_dict() == pytest.approx({"x": 0.58, "y": 0.29})
    assert result.winners == ("x",)


def test_with_policy_ignore_a_missing_reference_keeps_the_rfp_and_demo_score() -> None:
    result = crmselect.score(two_vendors(HAND, missing="ignore"))
    assert result.matrix.loc["y", "b"] == pytest.approx(1.0)
    assert result.matrix.loc["y", "a"] == pytest.approx(0.08)


def test_without_references_the_scores_and_the_fingerprint_are_as_before() -> None:
    plain = two_vendors(None)
    unset = two_vendors(attrs.evolve(HAND, share=0.0, shares={}))
    assert plain.fingerprint != unset.fingerprint  # the calls are inputs once there
    np.testing.assert_array_equal(
        crmselect.score(plain).matrix.to_numpy(), crmselect.score(unset).matrix.to_numpy()
    )
    example = crmselect.example()  # its calls have share 0: they change no score
    assert example.references is not None
    bare = attrs.evolve(example, references=None)
    np.testing.assert_array_equal(
        crmselect.score(example).matrix.to_numpy(), crmselect.score(bare).matrix.to_numpy()
    )


scores = st.one_of(st.none(), st.floats(0, 5, allow_nan=False))


@given(
    st.lists(st.tuples(st.sampled_from(["x", "y", "z"]), scores, scores), max_size=6),
    st.sampled_from(["zero", "ignore"]),
)
def test_share_0_leaves_every_score_unchanged(
    calls: list[tuple[str, float | None, float | None]], missing: str
) -> None:
    """Whatever the calls and scores, with no share set every matrix cell, total and rank is
    exactly the score without references (1·P + 0·ref is P)."""
    base = with_demo()
    base = attrs.evolve(base, policy=attrs.evolve(base.policy, missing=MissingPolicy(missing)))
    refs = References(
        questions=[ReferenceQuestion("a1", "Works?"), ReferenceQuestion("b", "Offline?")],
        calls=[call(f"c{i}", vendor) for i, (vendor, _, _) in enumerate(calls)],
        scores=[
            ReferenceScore(f"c{i}", criterion, value)
            for i, (_, first, second) in enumerate(calls)
            for criterion, value in (("a1", first), ("b", second))
        ],
    )
    before, after = crmselect.score(base), crmselect.score(attrs.evolve(base, references=refs))
    np.testing.assert_array_equal(before.matrix.to_numpy(), after.matrix.to_numpy())
    np.testing.assert_array_equal(before.totals.to_numpy(), after.totals.to_numpy())
    pd.testing.assert_series_equal(before.ranking, after.ranking)


def test_missing_scores_are_listed_with_their_treatment() -> None:
    missing = reference_missing(two_vendors(HAND))
    rows = set(missing.itertuples(index=False, name=None))
    assert rows == {
        ("x", "c2", "b", "left out of the mean over calls"),
        ("y", "c3", "b", "left out of the mean over calls"),
        ("y", "", "b", "no reference score at all: counts 0"),
    }
    ignore = reference_missing(two_vendors(HAND, missing="ignore"))
    assert "no reference score at all: RFP and demo only" in set(ignore["treatment"])


def test_a_vendor_without_calls_counts_0_where_the_share_is_set() -> None:
    refs = attrs.evolve(HAND, calls=[call("c1", "x")], scores=[ReferenceScore("c1", "a", 5)])
    result = crmselect.score(two_vendors(refs))
    assert result.matrix.loc["y", "a"] == pytest.approx(0.0)  # 0.6·0 + 0.4·missing(0)
    assert result.matrix.loc["x", "b"] == pytest.approx(0.0)  # 0.5·0 + 0.5·missing(0)
    assert result.matrix.loc["x", "a"] == pytest.approx(1.0)


@pytest.mark.parametrize(
    ("changes", "what"),
    [
        ({"calls": [call("c1", "nobody")]}, "unknown vendor 'nobody'"),
        ({"calls": [call("c1", "x", caller="ghost")]}, "caller 'ghost' is not on the panel"),
        ({"calls": [call("c1", "x", date="2 March")]}, "is not an ISO date"),
        ({"calls": [call("c1", "x"), call("c1", "y")]}, "call id 'c1' is used 2 times"),
        ({"shares": {"zz": 0.3}}, "'zz' has a share but no question"),
        ({"questions": [ReferenceQuestion("nope", "?")]}, "'nope' is not a leaf criterion"),
        ({"scores": [ReferenceScore("c1", "a", 6.0)]}, "score 6 is off the scale 0..5"),
        ({"scores": [ReferenceScore("c9", "a", 1.0)]}, "unknown call 'c9'"),
        (
            {"scores": [ReferenceScore("c1", "a", 1.0), ReferenceScore("c1", "a", 2.0)]},
            "scored twice",
        ),
    ],
)
def test_inconsistent_references_are_refused(changes: dict[str, object], what: str) -> None:
    with pytest.raises(ValidationError) as caught:
        two_vendors(attrs.evolve(HAND, **({"scores": ()} | changes)))
    assert any(what in p.what for p in caught.value.problems), caught.value.problems


def test_a_share_outside_0_1_is_refused() -> None:
    with pytest.raises(ValidationError, match="not in"):
        References(share=1.5)


def test_names_and_organisations_are_confidential() -> None:
    assert confidential_fields() == ("organisation", "name")
    evaluation = two_vendors(HAND)
    assert NAME not in repr(HAND.calls[0])
    assert ORGANISATION not in repr(HAND.calls[0])
    shown = calls_frame(evaluation)
    assert list(shown.columns) == [
        "vendor",
        "role",
        "organisation_type",
        "caller",
        "date",
        "scored",
    ]
    assert NAME not in shown.to_string()
    assert ORGANISATION not in shown.to_string()
    assert shown["scored"].to_dict() == {"c1": 2, "c2": 1, "c3": 1}
    committee = calls_frame(evaluation, confidential=False)
    assert committee.loc["c1", "name"] == NAME
    assert committee.loc["c1", "organisation"] == ORGANISATION


def test_the_panel_bootstraps_draws_get_the_same_reference_blend() -> None:
    """The robustness analysis resamples the panel's demo part and blends each draw again:
    formula R3 applies to every draw as it does to the matrix (by hand for draw 0, the
    RFP matrix: P'_xa = 0.96; draw 1, all zeros: P'_xa = 0.4·0.9 = 0.36)."""
    from crmselect.scoring import blend_references

    evaluation = two_vendors(HAND)
    rfp = crmselect.score(two_vendors(None)).rfp.to_numpy(dtype=float)
    draws = np.stack([rfp, np.zeros_like(rfp)])
    blended = blend_references(evaluation, draws, ["x", "y"], ["a", "b"])
    assert blended.shape == (2, 2, 2)
    assert blended[0].ravel().tolist() == pytest.approx([0.96, 0.2, 0.08, 0.5])
    assert blended[1, 0].tolist() == pytest.approx([0.36, 0.2])
    assert blend_references(two_vendors(None), draws, ["x", "y"], ["a", "b"]) is draws


def test_the_calls_table_has_a_row_per_call_and_question_and_no_secret() -> None:
    table = calls_table(two_vendors(HAND))
    assert list(table.columns) == [
        "vendor",
        "call",
        "role",
        "organisation_type",
        "criterion",
        "score",
    ]
    assert [(r.call, r.criterion) for r in table.itertuples()] == [
        ("c1", "a"),
        ("c1", "b"),
        ("c2", "a"),
        ("c2", "b"),
        ("c3", "a"),
        ("c3", "b"),
    ]
    scores = table["score"].tolist()
    assert scores[:3] == [4.0, 2.0, 5.0]
    assert np.isnan(scores[3])  # c2's blank score for b
    assert scores[4] == 1.0
    assert np.isnan(scores[5])  # c3 never scored b
    assert NAME not in table.to_string()
    assert ORGANISATION not in table.to_string()
    assert calls_table(two_vendors(None)).empty
