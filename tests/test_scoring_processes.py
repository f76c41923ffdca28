"""Business-process ratings raise the priority of the requirements that support them."""

from __future__ import annotations

from pathlib import Path

import attrs
import pytest

from crmselect import CrmselectError, Priority, Process, ScoringPolicy, derive, load_tender, score
from crmselect.scoring import effective_priorities, process_gaps
from tests.helpers import MINIMAL_YAML, minimal_evaluation, write_minimal


def with_processes(*processes: Process, **policy: object) -> object:
    return minimal_evaluation(processes=list(processes), policy=ScoringPolicy(**policy))


def test_uplift_steps_are_capped_at_must_and_wont_stays_out() -> None:
    base = minimal_evaluation()
    out_of_scope = attrs.evolve(base.requirements[1], id="R5", priority="wont")
    evaluation = attrs.evolve(
        base,
        requirements=[*base.requirements, out_of_scope],
        processes=[
            Process("p1", "Critical one", "criticality", ["R2", "R5"]),
            Process("p2", "Weak one", "recoverability", ["R2", "R1", "R4"]),
        ],
    )
    assert effective_priorities(evaluation) == {
        "R1": Priority.MUST,  # must stays must
        "R2": Priority.MUST,  # could + max(2, 1) steps
        "R3": Priority.SHOULD,  # no process
        "R4": Priority.MUST,  # should + 1 step
        "R5": Priority.WONT,  # out of scope stays out
    }


def test_hand_computed_total_after_uplift() -> None:
    """R2 (could, x answered not supported) supports a critical process → must (weight 3):
    x's a1 = (3·1 + 3·0)/6 = 0.5 instead of 0.75 → total 0.6375 − 0.25·0.25 = 0.575."""
    evaluation = with_processes(Process("q", "Quotes", "criticality", ["R2"]))
    result = score(evaluation)  # type: ignore[arg-type]
    assert result.matrix.loc["x", "a1"] == pytest.approx(0.5)
    assert result.totals["x"] == pytest.approx(0.575)


def test_uplift_is_overridable_and_a_good_process_changes_nothing() -> None:
    good = with_processes(Process("q", "Quotes", "best_practice", ["R2"]))
    assert score(good).totals["x"] == pytest.approx(0.6375)  # type: ignore[arg-type]
    none = with_processes(
        Process("q", "Quotes", "criticality", ["R2"]), process_uplift={"criticality": 0}
    )
    assert score(none).totals["x"] == pytest.approx(0.6375)  # type: ignore[arg-type]


def test_gap_table_lists_every_link() -> None:
    evaluation = with_processes(Process("q", "Quotes", "recoverability", ["R2", "R3"]))
    gaps = process_gaps(evaluation)  # type: ignore[arg-type]
    assert gaps.to_dict("records") == [
        {
            "process": "q",
            "rating": "recoverability",
            "requirement": "R2",
            "criterion": "a1",
            "stated": "could",
            "effective": "should",
        },
        {
            "process": "q",
            "rating": "recoverability",
            "requirement": "R3",
            "criterion": "a2",
            "stated": "should",
            "effective": "must",
        },
    ]


@pytest.mark.parametrize(
    ("block", "message"),
    [
        (
            "processes: [{id: p, name: P, rating: awful, requirements: [R1]}]",
            "'awful' is not one of",
        ),
        (
            "processes: [{id: p, name: P, rating: parity, requirements: [R9]}]",
            "supported by unknown requirement 'R9'",
        ),
        (
            "processes: [{id: p, name: P, rating: parity}, {id: p, name: Q, rating: parity}]",
            "process id 'p' is used more than once",
        ),
        ("processes: [{id: p, rating: parity}]", "missing required key 'name'"),
    ],
)
def test_bad_processes_are_reported(tmp_path: Path, block: str, message: str) -> None:
    folder = write_minimal(
        tmp_path / "p",
        yaml_text=MINIMAL_YAML.replace(
            "responses: responses.csv", f"{block}\nresponses: responses.csv"
        ),
    )
    with pytest.raises(CrmselectError) as caught:
        derive(load_tender(folder))
    assert message in str(caught.value)


def test_uplift_must_be_whole_steps(tmp_path: Path) -> None:
    folder = write_minimal(
        tmp_path / "u",
        yaml_text=MINIMAL_YAML.replace(
            "  demo_share: 0.5", "  demo_share: 0.5\n  process_uplift: {criticality: 1.5}"
        ),
    )
    with pytest.raises(CrmselectError, match="whole number of MoSCoW steps"):
        derive(load_tender(folder))
