"""Scoring on arrays equals a plain reference: the loops over answers scoring used before
issue 21, written out here, on random small tenders.

The tenders have gaps (absent and blank answers), blank answers read from a workbook with
the import findings that excluded them, knock-outs under the default and a lenient scale,
``wont`` priorities, process uplifts, criteria scored only by demos (no requirements, or
only ``wont`` ones), criteria two demo scripts exercise, missing demo scores, vendors
without a single answer, answers in any order, and both missing-answer policies.
"""

from __future__ import annotations

import attrs
import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from crmselect import (
    ComplianceScale,
    Criterion,
    DemoScore,
    DemoScript,
    Evaluation,
    Evaluator,
    MissingPolicy,
    Priority,
    Process,
    Requirement,
    Response,
    ScoringPolicy,
    Vendor,
)
from crmselect.consensus import Panel
from crmselect.errors import ImportProblem
from crmselect.scoring import (
    MISSING_COLUMNS,
    demo_share,
    demo_shares,
    effective_priorities,
    excluded_answers,
    knockouts,
    missing_items,
    requirement_scores,
    rfp_criterion_scores,
    score,
)

LEAVES = ("a1", "a2", "a3", "b")
CRITERIA = [
    Criterion(
        "A",
        weight=3,
        children=[Criterion("a1", weight=1), Criterion("a2", weight=2), Criterion("a3", weight=1)],
    ),
    Criterion("b", weight=1),
]
LEVELS = ComplianceScale().keys
LENIENT = ComplianceScale(
    [attrs.evolve(level, satisfies_mandatory=True) for level in ComplianceScale().levels]
)
PRIORITIES = tuple(p.value for p in Priority)
RATINGS = ("best_practice", "parity", "stability", "recoverability", "criticality")
ANSWER = st.one_of(st.just("absent"), st.just("blank"), st.sampled_from(LEVELS))
"""A vendor's answer to a requirement: none at all, given blank, or a level."""


@st.composite
def tenders(draw: st.DrawFn) -> Evaluation:
    """A random small tender (see the module docstring)."""
    n_req = draw(st.integers(0, 7))
    requirements = []
    for j in range(n_req):
        priority = draw(st.sampled_from(PRIORITIES))
        mandatory = priority != "wont" and draw(st.booleans())
        requirements.append(
            Requirement(
                f"R{j}", f"requirement {j}", draw(st.sampled_from(LEAVES)), priority, mandatory
            )
        )
    vendors = [Vendor(f"v{i}", f"Vendor {i}") for i in range(draw(st.integers(1, 4)))]
    responses, problems = [], []
    for v in vendors:
        for r in requirements:
            answer = draw(ANSWER)
            if answer == "absent":
                continue
            origin = f"{v.id}.xlsx!Requirements!F{r.id[1:]}" if draw(st.booleans()) else ""
            responses.append(
                Response(v.id, r.id, None if answer == "blank" else answer, origin=origin)
            )
            if answer == "blank" and origin:
                problems += draw(findings(v.id, r.id))
    scale_weights = {"must": 3.0, "should": 2.0, "could": 1.0, "wont": 0.0}
    weighted = {r.criterion for r in requirements if scale_weights[r.priority.value] > 0}
    demo_leaves = sorted(set(LEAVES) - weighted) + draw(st.lists(st.sampled_from(LEAVES)))
    evaluators = [Evaluator("e0"), Evaluator("e1")]
    scripts = [DemoScript("D", "demo", sorted(set(demo_leaves)))] if demo_leaves else []
    again = draw(st.lists(st.sampled_from(LEAVES), unique=True))  # a second look at some
    scripts += [DemoScript("D2", "second demo", again)] if again else []
    demo_scores = [
        DemoScore(e.id, v.id, s.id, c, draw(st.sampled_from([None, 1.0, 4.0])))
        for s in scripts
        for c in s.criteria
        for v in vendors
        for e in evaluators
        if draw(st.booleans())  # else absent
    ]
    processes = [
        Process(
            f"p{k}",
            f"process {k}",
            draw(st.sampled_from(RATINGS)),
            draw(st.lists(st.sampled_from([r.id for r in requirements]), unique=True))
            if requirements
            else [],
        )
        for k in range(draw(st.integers(0, 2)))
    ]
    return Evaluation(
        name="random",
        criteria=CRITERIA,
        requirements=requirements,
        vendors=vendors,
        responses=draw(st.permutations(responses)),
        evaluators=evaluators,
        demo_scripts=scripts,
        demo_scores=demo_scores,
        scale=draw(st.sampled_from([ComplianceScale(), LENIENT])),
        policy=ScoringPolicy(missing=draw(st.sampled_from(["zero", "ignore"]))),
        processes=processes,
        import_problems=draw(st.permutations(problems)),
    )


def findings(vendor: str, rid: str) -> st.SearchStrategy[list[ImportProblem]]:
    """Import findings about a blank answer of ``vendor`` to ``rid`` read from F<row>: none,
    an error at its cell, an error elsewhere about the same requirement, a warning."""
    cell = f"F{rid[1:]}"

    def finding(where: str, severity: str) -> ImportProblem:
        return ImportProblem(
            f"{vendor}.xlsx",
            "Requirements",
            where,
            severity,
            f"not usable ({severity} at {where})",
            "ask the vendor",
            requirement=rid,
            value=f"typed at {where}" if where == cell else "",
        )

    return st.lists(
        st.sampled_from(
            [(cell, "error"), ("C9", "error"), (cell, "warning"), ("C8", "warning")]
        ).map(lambda x: finding(*x)),
        max_size=3,
    )


# -- the reference: the loops scoring ran before issue 21 ------------------------------------


def reference_requirement_scores(evaluation: Evaluation) -> pd.DataFrame:
    scores = pd.DataFrame(
        float("nan"),
        index=pd.Index(evaluation.vendor_ids, name="vendor"),
        columns=pd.Index([r.id for r in evaluation.requirements], name="requirement"),
    )
    for a in evaluation.responses:
        if a.compliance is not None:
            scores.loc[a.vendor, a.requirement] = evaluation.scale.score(a.compliance)
    return scores


def reference_priorities(evaluation: Evaluation) -> dict[str, Priority]:
    up = [Priority.COULD, Priority.SHOULD, Priority.MUST]
    steps: dict[str, int] = {}
    for process in evaluation.processes:
        for rid in process.requirements:
            uplift = evaluation.policy.process_uplift[process.rating]
            steps[rid] = max(steps.get(rid, 0), uplift)
    return {
        r.id: r.priority
        if r.priority is Priority.WONT or not steps.get(r.id)
        else up[min(up.index(r.priority) + steps[r.id], 2)]
        for r in evaluation.requirements
    }


def reference_rfp(evaluation: Evaluation) -> pd.DataFrame:
    """Formula 3, one vendor and one leaf at a time."""
    answers = {
        (a.vendor, a.requirement): evaluation.scale.score(a.compliance)
        for a in evaluation.responses
        if a.compliance is not None
    }
    priority = reference_priorities(evaluation)
    weight = {
        r.id: evaluation.policy.priority_weights[priority[r.id]] for r in evaluation.requirements
    }
    leaves = [c.id for c in evaluation.leaves()]
    rows: dict[str, dict[str, float]] = {}
    for v in evaluation.vendor_ids:
        row: dict[str, float] = {}
        for c in leaves:
            mine = [r.id for r in evaluation.requirements if r.criterion == c]
            if sum(weight[r] for r in mine) <= 0:
                row[c] = float("nan")
                continue
            known = [r for r in mine if (v, r) in answers]
            counted = mine if evaluation.policy.missing is MissingPolicy.ZERO else known
            num = sum(weight[r] * answers[(v, r)] for r in known)
            den = sum(weight[r] for r in counted)
            row[c] = num / den if den > 0 else 0.0
        rows[v] = row
    frame = pd.DataFrame.from_dict(rows, orient="index", columns=leaves)
    return frame.rename_axis(index="vendor", columns="criterion")


def reference_excluded(evaluation: Evaluation) -> dict[tuple[str, str], ImportProblem]:
    found = {}
    for a in evaluation.responses:
        if a.compliance is None and a.origin:
            candidates = [
                p
                for p in evaluation.import_problems
                if p.severity == "error"
                and p.requirement == a.requirement
                and p.file == a.origin.split("!")[0]
            ]
            at_cell = [p for p in candidates if p.place == a.origin]
            if candidates:
                found[(a.vendor, a.requirement)] = (at_cell or candidates)[0]
    return found


def reference_knockouts(evaluation: Evaluation) -> dict[str, tuple[str, ...]]:
    answers = {(a.vendor, a.requirement): a.compliance for a in evaluation.responses}
    excluded = reference_excluded(evaluation)
    reasons: dict[str, list[str]] = {}
    for v in evaluation.vendor_ids:
        for r in evaluation.requirements:
            if not r.mandatory:
                continue
            key = answers.get((v, r.id))
            if key is None:
                finding = excluded.get((v, r.id))
                why = (
                    "mandatory requirement not answered"
                    if finding is None
                    else f"answer excluded ({finding.place}: "
                    f"{finding.quoted_value or finding.what}) — clarify before deciding"
                )
            elif evaluation.scale.level(key).satisfies_mandatory:
                continue
            else:
                why = f"mandatory requirement answered {evaluation.scale.level(key).label!r}"
            reasons.setdefault(v, []).append(f"{r.id}: {why}")
    return {v: tuple(rs) for v, rs in reasons.items()}


def reference_missing(evaluation: Evaluation) -> pd.DataFrame:
    """The missing answers, then the missing demo scores (no price criterion here)."""
    answered = {(a.vendor, a.requirement) for a in evaluation.responses if a.compliance is not None}
    optional = (
        "scored 0"
        if evaluation.policy.missing is MissingPolicy.ZERO
        else "left out of the criterion mean"
    )
    rows = [
        (v, "rfp answer", r.id, r.criterion, "knock-out (mandatory)" if r.mandatory else optional)
        for v in evaluation.vendor_ids
        for r in evaluation.requirements
        if (v, r.id) not in answered
    ]
    scored = {
        (d.evaluator, d.vendor, d.script, d.criterion)
        for d in evaluation.demo_scores
        if d.score is not None
    }
    for v in evaluation.vendor_ids:
        for s in evaluation.demo_scripts:
            for c in s.criteria:
                if any((e.id, v, s.id, c) in scored for e in evaluation.evaluators):
                    treatment = "mean of the other evaluators' scores"
                elif any(k[1] == v and k[3] == c for k in scored):
                    treatment = "script left out of the criterion's demo mean"
                elif evaluation.policy.missing is MissingPolicy.ZERO:
                    treatment = "no demo score at all: counts 0"
                else:
                    treatment = "no demo score at all: criterion falls back to its RFP score"
                rows += [
                    (v, "demo score", f"{s.id}/{e.id}", c, treatment)
                    for e in evaluation.evaluators
                    if (e.id, v, s.id, c) not in scored
                ]
    return pd.DataFrame(rows, columns=MISSING_COLUMNS)


# -- the properties ----------------------------------------------------------------------------


@pytest.mark.slow
@settings(max_examples=150)
@given(tenders())
def test_property_array_scoring_equals_the_reference(evaluation: Evaluation) -> None:
    pd.testing.assert_frame_equal(
        requirement_scores(evaluation), reference_requirement_scores(evaluation)
    )
    assert effective_priorities(evaluation) == reference_priorities(evaluation)
    pd.testing.assert_frame_equal(
        rfp_criterion_scores(evaluation, requirement_scores(evaluation)),
        reference_rfp(evaluation),
        rtol=1e-12,
        atol=1e-15,
    )
    assert excluded_answers(evaluation) == reference_excluded(evaluation)
    assert list(knockouts(evaluation).items()) == list(reference_knockouts(evaluation).items())
    pd.testing.assert_frame_equal(missing_items(evaluation), reference_missing(evaluation))
    # the shares of every leaf at once, as one leaf's share is found on its own
    one_by_one = {c.id: demo_share(evaluation, c) for c in evaluation.leaves()}
    assert demo_shares(evaluation).to_dict() == one_by_one


@pytest.mark.slow
@settings(max_examples=40)
@given(tenders())
def test_property_score_uses_what_the_reference_gives(evaluation: Evaluation) -> None:
    result = score(evaluation)
    pd.testing.assert_frame_equal(
        result.requirement_scores, reference_requirement_scores(evaluation)
    )
    pd.testing.assert_frame_equal(result.rfp, reference_rfp(evaluation), rtol=1e-12, atol=1e-15)
    assert dict(result.knocked_out) == reference_knockouts(evaluation)
    pd.testing.assert_frame_equal(result.missing, reference_missing(evaluation))


def test_the_coded_answers_are_built_once_and_read_only() -> None:
    evaluation = Evaluation(
        name="once",
        criteria=[Criterion("a", weight=1)],
        requirements=[Requirement("R1", "r", "a"), Requirement("R2", "r", "a", mandatory=True)],
        vendors=[Vendor("x", "X"), Vendor("y", "Y")],
        responses=[Response("y", "R2", "roadmap"), Response("x", "R2", None)],
    )
    coded = evaluation.coded_answers
    assert evaluation.coded_answers is coded
    assert coded.level.tolist() == [[-1, -1], [-1, LEVELS.index("roadmap")]]
    assert coded.blank.tolist() == [1]
    with pytest.raises(ValueError, match="read-only"):
        coded.score[0, 0] = 1.0
    assert attrs.evolve(evaluation).coded_answers is not coded


def reference_panel(evaluation: Evaluation) -> tuple[list[str], list[tuple[str, str, str]], dict]:
    """The panel's evaluators, items and scores by (evaluator, item), from the demo scores."""
    given = [d for d in evaluation.demo_scores if d.score is not None]
    evaluators = [e.id for e in evaluation.evaluators if any(d.evaluator == e.id for d in given)]
    vendors = [v for v in evaluation.vendor_ids if any(d.vendor == v for d in given)]
    items = [(v, s.id, c) for v in vendors for s in evaluation.demo_scripts for c in s.criteria]
    values = {(d.evaluator, (d.vendor, d.script, d.criterion)): d.score for d in given}
    return evaluators, items, values


@pytest.mark.slow
@settings(max_examples=100)
@given(tenders())
def test_property_the_panel_of_the_coded_scores_equals_the_reference(
    evaluation: Evaluation,
) -> None:
    evaluators, items, values = reference_panel(evaluation)
    if not evaluators:
        return  # no panel: nobody scored
    panel = Panel.from_evaluation(evaluation)
    assert list(panel.evaluators) == evaluators
    assert list(panel.items) == items
    expected = [[values.get((e, k), float("nan")) for k in items] for e in evaluators]
    np.testing.assert_array_equal(panel.values(), np.array(expected, dtype=float))
    absent = [f"evaluator {e.id}" for e in evaluation.evaluators if e.id not in evaluators]
    absent += [f"vendor {v}" for v in evaluation.vendor_ids if not any(k[0] == v for k in items)]
    assert list(panel.absent) == absent


def test_the_coded_demo_scores_are_built_once_and_read_only() -> None:
    evaluation = Evaluation(
        name="once",
        criteria=[Criterion("a", weight=1), Criterion("b", weight=1)],
        requirements=[Requirement("R1", "r", "a")],
        vendors=[Vendor("x", "X"), Vendor("y", "Y")],
        evaluators=[Evaluator("e0"), Evaluator("e1")],
        demo_scripts=[DemoScript("D1", "one", ["a", "b"]), DemoScript("D2", "two", ["b"])],
        demo_scores=[DemoScore("e1", "y", "D2", "b", 3.0), DemoScore("e0", "x", "D1", "b", None)],
    )
    coded = evaluation.coded_demo_scores
    assert evaluation.coded_demo_scores is coded
    assert coded.evaluator.tolist() == [1, 0]
    assert coded.vendor.tolist() == [1, 0]
    assert coded.slot.tolist() == [2, 1]
    assert coded.slots == 3
    assert coded.given.tolist() == [True, False]
    with pytest.raises(ValueError, match="read-only"):
        coded.score[0] = 1.0
    assert attrs.evolve(evaluation).coded_demo_scores is not coded
