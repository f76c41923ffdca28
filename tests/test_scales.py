"""Compliance and demo scales."""

from __future__ import annotations

import pytest

from crmselect import ComplianceLevel, ComplianceScale, DemoScale, ValidationError


def test_default_scale_scores_and_order() -> None:
    scale = ComplianceScale()
    assert scale.keys == (
        "out_of_box",
        "configuration",
        "customisation",
        "third_party",
        "roadmap",
        "not_supported",
    )
    scores = [scale.score(k) for k in scale.keys]
    assert scores == [1.0, 0.8, 0.5, 0.4, 0.2, 0.0]
    assert scores == sorted(scores, reverse=True)
    assert [level.key for level in scale.levels if not level.satisfies_mandatory] == [
        "roadmap",
        "not_supported",
    ]


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("OOB", "out_of_box"),
        ("Fully supported out of the box", "out_of_box"),
        ("  Configuration ", "configuration"),
        ("customization", "customisation"),
        ("Third-Party", "third_party"),
        ("planned", "roadmap"),
        ("No", "not_supported"),
    ],
)
def test_parse_accepts_keys_labels_and_aliases(text: str, key: str) -> None:
    assert ComplianceScale().parse(text) == key


def test_parse_returns_none_for_unknown_text() -> None:
    assert ComplianceScale().parse('=HYPERLINK("http://x")') is None


def test_scale_rejects_bad_levels() -> None:
    with pytest.raises(ValidationError, match=r"score 1.5 must lie in \[0, 1\]"):
        ComplianceScale([ComplianceLevel("full", "Full", 1.5)])
    with pytest.raises(ValidationError, match="names both 'a' and 'b'"):
        ComplianceScale([ComplianceLevel("a", "Same", 1), ComplianceLevel("b", "Same", 0)])


def test_demo_scale_normalises_linearly_and_checks_range() -> None:
    scale = DemoScale(1, 10)
    assert scale.normalise(1) == 0
    assert scale.normalise(10) == 1
    assert scale.normalise(5.5) == pytest.approx(0.5)
    assert scale.contains(10)
    assert not scale.contains(10.5)
    assert not scale.contains(float("nan"))
    with pytest.raises(ValidationError, match="minimum < maximum"):
        DemoScale(5, 5)


def test_mandatory_rule_follows_the_scale() -> None:
    scale = ComplianceScale()
    assert scale.failing_mandatory() == "'On the roadmap (not yet available)' or 'Not supported'"
    one = ComplianceScale(
        [
            ComplianceLevel("full", "Full", 1),
            ComplianceLevel("none", "None at all", 0, satisfies_mandatory=False),
        ]
    )
    assert one.failing_mandatory() == "'None at all'"
    assert "not met by an answer 'None at all', nor by a blank" in one.mandatory_rule()


def test_parse_reads_each_scale_its_own_names_however_long_the_answer() -> None:
    default = ComplianceScale()
    own = ComplianceScale([ComplianceLevel("full", "Fully there", 1, aliases=("oob",))])
    padded = " " * 300 + "Fully-There" + " " * 300  # past the memo's length: folded afresh
    assert [own.parse(t) for t in ("fully there", padded, "OOB")] == ["full"] * 3
    assert [default.parse(t) for t in ("fully there", padded, "OOB")] == [None, None, "out_of_box"]
    assert default.parse(" " * 300 + "Third-Party") == "third_party"
