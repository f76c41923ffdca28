"""Scoring with the evaluation panel: aggregation policy, moderated scores, folder and report."""

from __future__ import annotations

import functools
from pathlib import Path

import attrs
import pytest

import crmselect
from crmselect import ValidationError
from crmselect.consensus import aggregate_scores
from crmselect.model import DemoAggregation, ModeratedScore, ScoringPolicy
from crmselect.report import full_report, panel_report
from crmselect.scoring import demo_criterion_scores, missing_items, score

example = functools.cache(crmselect.example)


def with_policy(**aggregation: object) -> crmselect.Evaluation:
    e = example()
    return attrs.evolve(
        e,
        policy=attrs.evolve(e.policy, demo_aggregation=DemoAggregation(**aggregation)),  # type: ignore[arg-type]
    )


@pytest.mark.slow
def test_default_policy_is_the_mean_of_the_scores_given() -> None:
    demo = demo_criterion_scores(example())
    mean = aggregate_scores(example()).matrix()
    assert demo.loc[mean.index, mean.columns].equals(mean)


def test_median_policy_changes_the_demo_matrix_and_the_missing_treatment() -> None:
    median = with_policy(method="median")
    assert not demo_criterion_scores(median).equals(demo_criterion_scores(example()))
    treatments = set(missing_items(median)["treatment"])
    assert "median of the other evaluators' scores" in treatments


def test_moderated_score_replaces_the_panel_score_in_the_total() -> None:
    agreed = ModeratedScore("helix", "D1", "sfa", 5.0, "re-demonstrated after lunch", "chair")
    moderated = attrs.evolve(example(), moderations=[agreed])
    before, after = score(example()), score(moderated)
    assert demo_criterion_scores(moderated).loc["helix", "sfa"] == pytest.approx(1.0)
    assert after.totals["helix"] > before.totals["helix"]
    assert (after.totals.drop("helix") == before.totals.drop("helix")).all()


def test_invalid_moderations_and_aggregation_are_reported_by_the_evaluation() -> None:
    bad = ModeratedScore("acme", "D9", "sfa", 9.0, "r", "chair")
    with pytest.raises(ValidationError) as caught:
        attrs.evolve(example(), moderations=[bad])
    text = str(caught.value)
    assert "unknown vendor 'acme'" in text
    assert "unknown demo script 'D9'" in text
    assert "off the demo scale" in text
    with pytest.raises(ValidationError, match="method 'mode'"):
        DemoAggregation(method="mode")
    with pytest.raises(ValidationError, match="unknown evaluator 'zed'"):
        attrs.evolve(
            example(),
            policy=ScoringPolicy(demo_aggregation=DemoAggregation(evaluator_weights={"zed": 2})),
        )


def test_folder_round_trip_keeps_aggregation_and_moderations(tmp_path: Path) -> None:
    agreed = ModeratedScore("helix", "D1", "sfa", 2.5, "re-demonstrated", "chair", "2026-03-12")
    e = attrs.evolve(
        with_policy(method="trimmed", trim=0.2, normalise="zscore", min_evaluators=2),
        moderations=[agreed],
    )
    crmselect.save_evaluation(e, tmp_path / "copy")
    again = crmselect.derive(crmselect.load_tender(tmp_path / "copy")).evaluation
    assert again.policy.demo_aggregation == e.policy.demo_aggregation
    assert again.moderations == (agreed,)
    assert (tmp_path / "copy" / "moderations.csv").exists()


def test_full_report_has_the_panel_section() -> None:
    text = full_report(score(example()))
    assert "== Evaluation panel (scripted demos) ==" in text
    assert "Kendall's W = 0.92" in panel_report(example())
    assert "kestrel/D1/sfa" in panel_report(example())


def test_panel_report_marks_items_the_chair_already_moderated() -> None:
    agreed = ModeratedScore("kestrel", "D1", "sfa", 3.5, "consensus meeting", "chair")
    moderated = attrs.evolve(example(), moderations=[agreed])
    lines = {line.split()[0]: line for line in panel_report(moderated).splitlines() if line}
    assert lines["kestrel/D1/sfa"].rstrip().endswith("3.5 by chair")
    assert not lines["orbis/D2/marketing"].rstrip().endswith("by chair")
    assert "1 score(s) agreed in moderation replace the panel's." in panel_report(moderated)
