"""The domain model: construction-time checks and the evaluation's cross-checks."""

from __future__ import annotations

import attrs
import pytest

from crmselect import (
    Access,
    Criterion,
    DemoScore,
    Deployment,
    Licensing,
    Offering,
    Priority,
    Requirement,
    Response,
    ScoringPolicy,
    ValidationError,
    Vendor,
)
from tests.helpers import minimal_evaluation, with_demo


def test_vendor_parses_the_ways_people_write_choices() -> None:
    vendor = Vendor(
        "acme",
        "Acme",
        offering="Full suite",
        deployment=["On-Premise", "SaaS", "hosted"],
        access=["Web browser", "Outlook", "mobile app", "Offline"],
        licensing=["Named users", "concurrent"],
    )
    assert vendor.offering is Offering.SUITE
    assert vendor.deployment == {Deployment.ON_PREMISE, Deployment.SAAS, Deployment.PARTNER_HOSTED}
    assert vendor.access == {Access.BROWSER, Access.EMAIL_CLIENT, Access.MOBILE, Access.OFFLINE}
    assert vendor.licensing == {Licensing.NAMED, Licensing.CONCURRENT}


def test_priority_accepts_moscow_spellings() -> None:
    assert [Priority.parse(t) for t in ("M", "Should have", "nice to have", "won't")] == [
        Priority.MUST,
        Priority.SHOULD,
        Priority.COULD,
        Priority.WONT,
    ]
    with pytest.raises(ValueError, match="'urgent' is not one of: must, should, could, wont"):
        Priority.parse("urgent")


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda: Criterion("a b"), "must be a short word"),
        (lambda: Criterion("a", weight=-1), "weight -1.0 must be a non-negative number"),
        (lambda: Criterion("a", weight=float("nan")), "must be a non-negative number"),
        (lambda: Criterion("a", demo_share=2), "demo_share 2 must lie in [0, 1]"),
        (lambda: Requirement("R1", " ", "a"), "text is empty"),
        (lambda: Requirement("R1", "t", "a", "wont", mandatory=True), "cannot be mandatory"),
        (lambda: ScoringPolicy(priority_weights={"must": -1}), "must be >= 0"),
        (lambda: ScoringPolicy(demo_share=1.2), "demo_share 1.2 must lie in [0, 1]"),
    ],
)
def test_objects_validate_on_construction(make, message) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ValidationError) as caught:
        make()
    assert message in str(caught.value)


def test_evaluation_collects_every_problem_in_one_error() -> None:
    base = minimal_evaluation()
    with pytest.raises(ValidationError) as caught:
        attrs.evolve(
            base,
            vendors=[*base.vendors, Vendor("x", "Second x")],
            requirements=[*base.requirements, Requirement("R9", "t", "nowhere")],
            responses=[
                *base.responses,
                Response("ghost", "R1", "out_of_box"),
                Response("x", "R1", "configuration"),
                Response("y", "R4", "bogus"),
            ],
        )
    whats = [p.what for p in caught.value.problems]
    assert any("vendor id 'x' is used more than once" in w for w in whats)
    assert any("unknown criterion 'nowhere'" in w for w in whats)
    assert any("unknown vendor 'ghost'" in w for w in whats)
    assert any("second answer of vendor 'x' to 'R1'" in w for w in whats)
    assert any("compliance 'bogus' is not on the scale" in w for w in whats)
    assert len(whats) >= 6  # the duplicate y/R4 answer is reported too


def test_demo_scores_are_checked_against_scale_script_and_panel() -> None:
    base = with_demo()
    bad = [
        DemoScore("e1", "x", "D", "b", 6),
        DemoScore("e3", "y", "D", "b", 3),
        DemoScore("e2", "z", "D", "a1", 3),
        DemoScore("e2", "z", "Q", "b", 3),
    ]
    with pytest.raises(ValidationError) as caught:
        attrs.evolve(base, demo_scores=[*base.demo_scores[1:], *bad])
    text = str(caught.value)
    assert "score 6 is off the demo scale 0..5" in text
    assert "unknown evaluator 'e3'" in text
    assert "does not exercise criterion 'a1'" in text
    assert "unknown demo script 'Q'" in text


def test_criterion_with_nothing_to_score_it_is_rejected() -> None:
    base = minimal_evaluation()
    with pytest.raises(ValidationError, match="criterion 'empty': has no requirements"):
        attrs.evolve(base, criteria=[*base.criteria, Criterion("empty", weight=1)])


def test_wont_only_criterion_counts_as_unscored() -> None:
    base = minimal_evaluation()
    requirements = [
        attrs.evolve(r, priority="wont") if r.criterion == "b" else r for r in base.requirements
    ]
    with pytest.raises(ValidationError, match="nothing can score it"):
        attrs.evolve(base, requirements=requirements)


def test_fingerprint_ignores_origins_and_tracks_content() -> None:
    base = minimal_evaluation()
    moved = attrs.evolve(
        base, vendors=[attrs.evolve(v, origin="elsewhere.yaml: line 3") for v in base.vendors]
    )
    assert moved.fingerprint == base.fingerprint
    renamed = attrs.evolve(base, name="Other tender")
    assert renamed.fingerprint != base.fingerprint


def test_model_objects_are_frozen() -> None:
    vendor = Vendor("x", "X")
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        vendor.name = "Y"  # type: ignore[misc]


def test_evaluation_repr_is_short_and_html_lists_vendors() -> None:
    evaluation = minimal_evaluation()
    assert repr(evaluation) == (
        "<Evaluation 'Minimal tender': 3 vendors, 4 requirements, 3 leaf criteria, "
        "0 demo scripts, 0 evaluators>"
    )
    html = evaluation._repr_html_()
    assert all(f"<th>{v}</th>" in html for v in ("x", "y", "z"))
    assert "<td>3/4</td>" in html  # y left R2 blank
