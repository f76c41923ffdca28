"""Scoring: hand-computed totals, ranks and knock-outs, and properties that must always hold.

The minimal evaluation (tests/helpers.py) has criteria A (weight 3: a1 weight 1, a2 weight 2)
and b (weight 1), so the global weights are a1 = 0.25, a2 = 0.5, b = 0.25. MoSCoW weights
must 3, should 2, could 1.
"""

from __future__ import annotations

import attrs
import numpy as np
import pandas as pd
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from crmselect import (
    ComplianceScale,
    Criterion,
    DemoScore,
    DemoScript,
    Evaluation,
    Evaluator,
    Requirement,
    Response,
    ScoringPolicy,
    Vendor,
    score,
)
from crmselect.errors import ImportProblem
from crmselect.ranking import rank
from crmselect.report import knockout_report
from crmselect.scoring import excluded_answers
from tests.helpers import minimal_evaluation, with_demo

LEVELS = ComplianceScale().keys  # best first: out_of_box … not_supported


def test_hand_computed_totals_zero_policy() -> None:
    """x: a1 = (3·1 + 1·0)/4 = 0.75, a2 = 0.8, b = 0.2 → 0.25·0.75 + 0.5·0.8 + 0.25·0.2.
    y: R2 missing counts 0: a1 = 3·0.5/4 = 0.375, a2 = 1, b = 0.4 → 0.69375.
    z: a1 = 1, a2 = 0, b = 1 → 0.5, but knocked out by R3."""
    result = score(minimal_evaluation())
    assert result.weights.to_dict() == pytest.approx({"a1": 0.25, "a2": 0.5, "b": 0.25})
    assert result.matrix.loc["x"].to_dict() == pytest.approx({"a1": 0.75, "a2": 0.8, "b": 0.2})
    assert result.totals.to_dict() == pytest.approx({"x": 0.6375, "y": 0.69375, "z": 0.5})
    assert result.ranking.to_dict() == {"x": 2, "y": 1, "z": None}
    assert result.winners == ("y",)
    assert result.knocked_out == {"z": ("R3: mandatory requirement answered 'Not supported'",)}


def test_hand_computed_ignore_policy_renormalises_over_answered() -> None:
    """Under 'ignore', y's a1 = 3·0.5/3 = 0.5 → total 0.125 + 0.5 + 0.1 = 0.725."""
    result = score(minimal_evaluation(policy=ScoringPolicy(missing="ignore")))
    assert result.totals["y"] == pytest.approx(0.725)
    assert result.totals["x"] == pytest.approx(0.6375)
    row = result.missing.set_index(["vendor", "item"]).loc[("y", "R2")]
    assert row["treatment"] == "left out of the criterion mean"


def test_missing_answer_is_reported_with_its_treatment() -> None:
    result = score(minimal_evaluation())
    answers = result.missing[result.missing["kind"] == "rfp answer"]
    assert answers[["vendor", "item", "criterion", "treatment"]].to_numpy().tolist() == [
        ["y", "R2", "a1", "scored 0"]
    ]
    assert result.to_frame().loc["y", "missing_answers"] == 1


def test_blank_mandatory_answer_knocks_out_and_is_reported() -> None:
    responses = [
        r for r in minimal_evaluation().responses if (r.vendor, r.requirement) != ("x", "R3")
    ]
    result = score(minimal_evaluation(responses=responses))
    assert result.knocked_out["x"] == ("R3: mandatory requirement not answered",)
    assert result.ranking.to_dict() == {"x": None, "y": 1, "z": None}
    row = result.missing.set_index(["vendor", "item"]).loc[("x", "R3")]
    assert row["treatment"] == "knock-out (mandatory)"


def test_every_failed_mandatory_requirement_is_a_reason() -> None:
    base = minimal_evaluation()
    requirements = [
        attrs.evolve(r, mandatory=True) if r.id == "R1" else r for r in base.requirements
    ]
    responses = [
        Response("z", "R1", "not_supported") if (r.vendor, r.requirement) == ("z", "R1") else r
        for r in base.responses
    ]
    result = score(minimal_evaluation(requirements=requirements, responses=responses))
    assert [reason.split(":")[0] for reason in result.knocked_out["z"]] == ["R1", "R3"]


def test_roadmap_knocks_out_by_default_unless_the_scale_accepts_it() -> None:
    lenient = ComplianceScale(
        [
            attrs.evolve(level, satisfies_mandatory=True) if level.key == "roadmap" else level
            for level in ComplianceScale().levels
        ]
    )
    responses = [
        Response("x", "R3", "roadmap") if (r.vendor, r.requirement) == ("x", "R3") else r
        for r in minimal_evaluation().responses
    ]
    result = score(minimal_evaluation(responses=responses))
    assert result.knocked_out["x"] == (
        "R3: mandatory requirement answered 'On the roadmap (not yet available)'",
    )
    assert "x" not in score(minimal_evaluation(responses=responses, scale=lenient)).knocked_out


def test_demo_blend_hand_computed() -> None:
    """b for x = 0.5·0.2 + 0.5·mean(4/5, 5/5) = 0.55 → total 0.1875 + 0.4 + 0.1375 = 0.725.
    y's second evaluator left it blank: mean of the one score, 2/5 → b = 0.5·0.4 + 0.5·0.4."""
    result = score(with_demo())
    assert result.demo.loc["x", "b"] == pytest.approx(0.9)
    assert result.matrix.loc["x", "b"] == pytest.approx(0.55)
    assert result.totals["x"] == pytest.approx(0.725)
    assert result.totals["y"] == pytest.approx(0.69375)
    assert result.winners == ("x",)
    demo_missing = result.missing[result.missing["kind"] == "demo score"]
    assert set(demo_missing["vendor"]) == {"y", "z"}
    y_row = demo_missing[demo_missing["vendor"] == "y"].iloc[0]
    assert y_row["item"] == "D/e2"
    assert y_row["treatment"] == "mean of the other evaluators' scores"
    z_rows = demo_missing[demo_missing["vendor"] == "z"]
    assert len(z_rows) == 2
    assert set(z_rows["treatment"]) == {"no demo score at all: counts 0"}


def test_demo_only_criterion_takes_full_share() -> None:
    """A criterion with no requirements is scored by demos alone (share 1)."""
    base = with_demo()
    requirements = [r for r in base.requirements if r.criterion != "b"]
    result = score(
        attrs.evolve(
            base,
            requirements=requirements,
            responses=[r for r in base.responses if r.requirement != "R4"],
        )
    )
    assert result.matrix.loc["x", "b"] == pytest.approx(0.9)
    assert result.rfp["b"].isna().all()


def test_ties_share_a_rank() -> None:
    totals = pd.Series({"a": 0.5, "b": 0.5 + 1e-15, "c": 0.9, "d": 0.1})
    eligible = pd.Series(True, index=totals.index)
    assert rank(totals, eligible).to_dict() == {"a": 2, "b": 2, "c": 1, "d": 4}


def test_contributions_sum_to_totals_and_frame_orders_knocked_out_last() -> None:
    result = score(with_demo())
    assert np.allclose(result.contributions.sum(axis=1), result.totals)
    frame = result.to_frame()
    assert list(frame.index) == ["x", "y", "z"]
    assert frame.loc["z", "knocked_out"]
    assert "R3" in frame.loc["z", "reasons"]


def test_result_html_escapes_vendor_text_and_flags_knock_outs() -> None:
    base = minimal_evaluation()
    vendors = [
        attrs.evolve(v, name="<script>alert(1)</script>") if v.id == "z" else v
        for v in base.vendors
    ]
    html = score(attrs.evolve(base, vendors=vendors))._repr_html_()
    assert "<script>" not in html
    assert "&lt;script&gt;" in html
    assert 'class="crmselect-flag"><th>z</th>' in html


# -- properties ------------------------------------------------------------------------------

N_REQ = 6
CRITERIA = [
    Criterion("P", weight=2, children=[Criterion("p1", weight=1), Criterion("p2", weight=3)]),
    Criterion("q", weight=1),
]
REQ_CRITERIA = ["p1", "p1", "p2", "p2", "q", "q"]
PRIORITIES = ["must", "should", "could", "must", "should", "could"]


def build(
    answers: list[list[int | None]],
    demo: list[list[float | None]],
    missing: str = "zero",
    mandatory: int | None = None,
) -> Evaluation:
    """An evaluation over a fixed tree: answers[v][r] is a level index (None = blank),
    demo[v][e] the score of evaluator e for vendor v on the demo of criterion q."""
    vendors = [Vendor(f"v{i}", f"Vendor {i}") for i in range(len(answers))]
    requirements = [
        Requirement(
            f"R{j}", f"requirement {j}", REQ_CRITERIA[j], PRIORITIES[j], mandatory=(j == mandatory)
        )
        for j in range(N_REQ)
    ]
    responses = [
        Response(v.id, f"R{j}", None if level is None else LEVELS[level])
        for v, row in zip(vendors, answers, strict=True)
        for j, level in enumerate(row)
    ]
    scores = [
        DemoScore(f"e{k}", v.id, "D", "q", s)
        for v, row in zip(vendors, demo, strict=True)
        for k, s in enumerate(row)
    ]
    return Evaluation(
        name="property",
        criteria=CRITERIA,
        requirements=requirements,
        vendors=vendors,
        responses=responses,
        evaluators=[Evaluator("e0"), Evaluator("e1")],
        demo_scripts=[DemoScript("D", "demo", ["q"])],
        demo_scores=scores,
        policy=ScoringPolicy(missing=missing, demo_share=0.3),
    )


level = st.one_of(st.none(), st.integers(0, len(LEVELS) - 1))
demo_score = st.one_of(st.none(), st.sampled_from([0, 0.5, 1, 2, 2.5, 3, 4, 5]))
vendor_rows = st.integers(2, 5).flatmap(
    lambda n: st.tuples(
        st.lists(st.lists(level, min_size=N_REQ, max_size=N_REQ), min_size=n, max_size=n),
        st.lists(st.lists(demo_score, min_size=2, max_size=2), min_size=n, max_size=n),
    )
)


@pytest.mark.slow
@settings(max_examples=60, deadline=None)
@given(vendor_rows, st.sampled_from(["zero", "ignore"]), st.randoms(use_true_random=False))
def test_property_permuting_vendors_permutes_totals(rows, missing, rnd) -> None:  # type: ignore[no-untyped-def]
    answers, demo = rows
    order = list(range(len(answers)))
    rnd.shuffle(order)
    before = score(build(answers, demo, missing))
    after = score(build([answers[i] for i in order], [demo[i] for i in order], missing))
    renamed = {f"v{new}": f"v{old}" for new, old in enumerate(order)}
    assert after.totals.rename(renamed).sort_index().to_dict() == pytest.approx(
        before.totals.sort_index().to_dict()
    )
    assert (
        after.ranking.rename(renamed).sort_index().tolist() == before.ranking.sort_index().tolist()
    )


@pytest.mark.slow
@settings(max_examples=60, deadline=None)
@given(vendor_rows, st.sampled_from(["zero", "ignore"]), st.data())
def test_property_raising_an_answer_never_lowers_the_total(rows, missing, data) -> None:  # type: ignore[no-untyped-def]
    answers, demo = rows
    v = data.draw(st.integers(0, len(answers) - 1))
    j = data.draw(st.integers(0, N_REQ - 1))
    current = answers[v][j]
    # Filling a blank under 'ignore' may add a low answer to the mean: not a "raise".
    assume(not (missing == "ignore" and current is None))
    worst = len(LEVELS) - 1 if current is None else current
    better = data.draw(st.integers(0, worst))
    raised = [list(r) for r in answers]
    raised[v][j] = better
    before = score(build(answers, demo, missing)).totals.iloc[v]
    after = score(build(raised, demo, missing)).totals.iloc[v]
    assert after >= before - 1e-12


@pytest.mark.slow
@settings(max_examples=60, deadline=None)
@given(vendor_rows, st.data())
def test_property_raising_a_demo_score_never_lowers_the_total(rows, data) -> None:  # type: ignore[no-untyped-def]
    answers, demo = rows
    v = data.draw(st.integers(0, len(answers) - 1))
    k = data.draw(st.integers(0, 1))
    current = demo[v][k]
    assume(current is not None)
    raised = [list(r) for r in demo]
    raised[v][k] = data.draw(st.sampled_from([s for s in (0, 1, 2, 3, 4, 5) if s >= current]))
    before = score(build(answers, demo)).totals.iloc[v]
    after = score(build(answers, raised)).totals.iloc[v]
    assert after >= before - 1e-12


@pytest.mark.slow
@settings(max_examples=60, deadline=None)
@given(vendor_rows, st.integers(0, N_REQ - 1))
def test_property_knocked_out_vendors_are_never_ranked(rows, mandatory) -> None:  # type: ignore[no-untyped-def]
    answers, demo = rows
    result = score(build(answers, demo, mandatory=mandatory))
    for vendor in result.knocked_out:
        assert pd.isna(result.ranking[vendor])
    for vendor, row in zip(result.totals.index, answers, strict=True):
        failed = row[mandatory] is None or LEVELS[row[mandatory]] in ("roadmap", "not_supported")
        assert (vendor in result.knocked_out) == failed
    ranked = result.ranking.dropna()
    assert sorted(ranked.tolist()) == sorted(
        rank(result.totals[ranked.index], pd.Series(True, index=ranked.index)).tolist()
    )
    assert ((result.totals >= 0) & (result.totals <= 1 + 1e-12)).all()


@settings(max_examples=80, deadline=None)
@given(
    st.lists(
        st.tuples(st.floats(0.01, 10), st.lists(st.floats(0, 10), max_size=4)),
        min_size=1,
        max_size=5,
    )
)
def test_property_global_weights_sum_to_one(spec) -> None:  # type: ignore[no-untyped-def]
    from crmselect.weights import global_weights

    roots = []
    for i, (weight, child_weights) in enumerate(spec):
        children = [Criterion(f"c{i}_{j}", weight=w) for j, w in enumerate(child_weights)]
        if children and sum(child_weights) == 0:
            children[0] = Criterion(f"c{i}_0", weight=1.0)
        roots.append(Criterion(f"c{i}", weight=weight, children=children))
    weights = global_weights(roots)
    assert weights.sum() == pytest.approx(1.0)
    assert (weights >= 0).all()


def test_an_answer_excluded_on_import_knocks_out_with_the_cell_and_what_was_typed() -> None:
    finding = ImportProblem(
        "x.xlsx",
        "Requirements",
        "F4",
        "error",
        "not one of the drop-down values; the answer is excluded",
        "ask the vendor",
        requirement="R3",
        value="Mostly\n",
    )
    other = attrs.evolve(finding, cell="C4", value="EU data residency (UK only)")
    responses = [
        Response("x", "R3", None, origin="x.xlsx!Requirements!F4")
        if (r.vendor, r.requirement) == ("x", "R3")
        else r
        for r in minimal_evaluation().responses
    ]
    evaluation = minimal_evaluation(responses=responses, import_problems=[other, finding])
    assert excluded_answers(evaluation) == {("x", "R3"): finding}
    result = score(evaluation)
    assert result.knocked_out["x"] == (
        "R3: answer excluded (x.xlsx!Requirements!F4: 'Mostly\\n') — clarify before deciding",
    )
    assert "answer excluded" in knockout_report(result)
    # the same blank answer typed into a CSV (no origin) is simply not answered
    plain = [attrs.evolve(r, origin="") for r in responses]
    assert score(minimal_evaluation(responses=plain, import_problems=[finding])).knocked_out[
        "x"
    ] == ("R3: mandatory requirement not answered",)


def test_the_knock_out_report_states_the_rule_of_the_scale() -> None:
    text = knockout_report(score(minimal_evaluation()))
    assert " ".join(text.split()).startswith(
        "A mandatory requirement is not met by an answer 'On the roadmap (not yet available)' "
        "or 'Not supported', nor by a blank or excluded one: each knocks the vendor out. z:"
    )
    assert text.endswith("\nz:\n  - R3: mandatory requirement answered 'Not supported'")
    lenient = ComplianceScale(
        [attrs.evolve(level, satisfies_mandatory=True) for level in ComplianceScale().levels]
    )
    text = knockout_report(score(minimal_evaluation(scale=lenient)))
    assert " ".join(text.split()) == (
        "A mandatory requirement is met by any answer on the scale, but not by a blank or "
        "excluded one: that knocks the vendor out. No vendor failed a mandatory requirement."
    )
