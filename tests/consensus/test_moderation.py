"""The moderation list (items and evaluators to discuss) and moderated scores with an audit."""

from __future__ import annotations

import functools
import math

import attrs
import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats  # type: ignore[import-untyped, unused-ignore]

import crmselect
from crmselect import DemoScale, ValidationError
from crmselect.consensus import (
    ModeratedScore,
    aggregate_scores,
    apply_moderation,
    evaluator_correlations,
    leave_one_out,
    moderation_list,
    moderations_from_frame,
)

example = functools.cache(crmselect.example)
"""The example, loaded once per module (it reads a folder of workbooks)."""


def frame(scores: dict[str, list[float | None]]) -> pd.DataFrame:
    rows = [
        (e, f"v{i}", "D", "fit", s) for e, values in scores.items() for i, s in enumerate(values)
    ]
    return pd.DataFrame(rows, columns=["evaluator", "vendor", "script", "criterion", "score"])


# v0: agreed; v1: range 2 (40 %); v2: cy 1.5 below the others' mean (30 %), range 1.5 (30 %)
PANEL = frame(
    {
        "ann": [3, 2, 4, 3, 1],
        "bob": [3, 4, 4, 3, 2],
        "cy": [3, 3, 2.5, 3, 3],
        "dee": [3, 3, 4, 3, 4],
    }
)


def test_leave_one_out_by_hand() -> None:
    values = np.array([[4.0, 1.0], [4.0, np.nan], [1.0, 3.0]])
    out = leave_one_out(values)
    assert out[:, 0].tolist() == [1.5, 1.5, -3.0]
    assert out[0, 1] == -2.0
    assert math.isnan(out[1, 1])
    assert out[2, 1] == 2.0


def test_items_flagged_by_range_and_by_leave_one_out_deviation() -> None:
    report = moderation_list(PANEL)
    flagged = list(report.items.index.get_level_values("vendor"))
    assert "v0" not in flagged
    assert "v3" not in flagged
    v1 = report.items.loc[("v1", "D", "fit")]
    assert v1["range"] == 2
    assert v1["range_share"] == pytest.approx(0.4)
    assert "range 2 (40% of the scale; threshold 35%)" in v1["reasons"]
    v2 = report.items.loc[("v2", "D", "fit")]
    assert v2["range"] == 1.5  # below the range threshold (1.75) …
    assert v2["farthest"] == "cy"
    assert v2["deviation"] == pytest.approx(-1.5)
    assert "cy scored 2.5, 1.50 below the others' mean 4.00" in v2["reasons"]  # … but not cy
    assert v2["cy"] == 2.5  # every evaluator's score is on the list
    # v4 (1 2 3 4) is flagged for its range 3 and sorted first
    assert flagged[0] == "v4"
    assert report.items["severity"].iloc[0] == pytest.approx(3 / 1.75)
    assert (report.items["severity"] >= 1).all()


def test_thresholds_are_configurable_and_shares_of_the_scale() -> None:
    assert len(moderation_list(PANEL, range_threshold=0.7, deviation_threshold=0.7).items) == 0
    # items where everyone agrees (range 0) are never listed
    assert len(moderation_list(PANEL, range_threshold=0.01).items) == 3
    # the same panel on a 0–10 scale is half as divided: v4's range 3 is 30 %, ann's
    # deviation 2 is 20 % — under both thresholds
    assert moderation_list(PANEL, scale=DemoScale(0, 10)).items.empty
    assert "1.75 points" in moderation_list(PANEL).describe()
    with pytest.raises(ValidationError) as caught:
        moderation_list(PANEL, range_threshold=1.5, correlation_threshold=2)
    assert len(caught.value.problems) == 2


def test_lenient_evaluator_flagged_for_systematic_bias() -> None:
    panel = frame(
        {
            "ann": [1, 2, 3, 4, 2],
            "bob": [1.5, 2, 3, 4, 2.5],
            "cy": [1, 2.5, 3, 3.5, 2],
            "lax": [2.5, 3.5, 4.5, 5, 3.5],
        }
    )
    report = moderation_list(panel)
    lax = report.evaluators.loc["lax"]
    assert lax["flagged"]
    assert "systematic bias" in lax["reasons"]
    assert "lenient" in lax["reasons"]
    # others' medians 1, 2, 3, 4, 2 → deviations 1.5 1.5 1.5 1 1.5
    assert lax["bias"] == pytest.approx(1.4)
    # lax is set aside; against the rest (the median of two is their mean) lax does not
    # make ann, bob and cy look strict: ann − mean(bob, cy) = −.25 −.25 0 .25 −.25 → −0.1,
    # bob − mean(ann, cy) = .5 −.25 0 .25 .5 → 0.2, cy − mean(ann, bob) → −0.1
    assert report.evaluators.loc[["ann", "bob", "cy"], "bias"].tolist() == pytest.approx(
        [-0.1, 0.2, -0.1]
    )
    assert lax["correlation"] > 0.9  # same order as the others: not a correlation problem
    assert report.flagged_evaluators == ("lax",)


def test_evaluator_with_a_different_order_flagged_for_low_correlation() -> None:
    panel = frame(
        {
            "ann": [1, 2, 3, 4, 5],
            "bob": [1, 2, 3, 4, 5],
            "cy": [1.5, 2, 3, 3.5, 5],
            "odd": [5, 4, 3, 2, 1],
        }
    )
    odd = moderation_list(panel).evaluators.loc["odd"]
    assert odd["correlation"] == pytest.approx(-1.0)
    assert "low agreement: Spearman ρ = -1.00" in odd["reasons"]
    assert abs(odd["bias"]) < 0.5  # no level bias: flagged for the order alone
    assert odd["spread"] == pytest.approx(1.0, abs=0.2)


@pytest.mark.slow
def test_the_example_moderation_list() -> None:
    report = moderation_list(example())
    top = report.items.index[0]
    assert top == ("kestrel", "D1", "sfa")
    assert report.items.loc[top, "farthest"] == "sales"
    assert len(report.items) == 5
    assert report.flagged_evaluators == ()
    assert report.evaluators.loc["finance", "missing"] == 2
    assert "<table" in report._repr_html_()
    assert "5 of 40" in repr(report)


# -- singling out the dissenter ----------------------------------------------------------------

AGREED = [0, 0.5, 1, 2, 3.5, 4, 5]
"""Items in increasing order of merit; ``AGREED[::-1]`` ranks them the other way round."""


def test_of_three_evaluators_only_the_one_who_reverses_the_order_is_flagged() -> None:
    panel = frame({"ann": AGREED, "bob": AGREED, "odd": AGREED[::-1]})
    evaluators = moderation_list(panel).evaluators
    assert list(evaluators.index[evaluators["flagged"]]) == ["odd"]
    assert evaluators.loc["odd", "correlation"] == pytest.approx(-1.0)
    assert evaluators.loc["odd", "compared_with"] == "ann, bob"
    assert "low agreement: Spearman ρ = -1.00 with the mean of ann, bob" in str(
        evaluators.loc["odd", "reasons"]
    )
    # ann and bob are compared with each other once odd is set aside — not with a reference
    # half made of odd's reversed scores, which hardly correlates with either of them:
    assert stats.spearmanr(AGREED, (np.array(AGREED) + AGREED[::-1]) / 2).statistic < 0.3
    assert evaluators.loc[["ann", "bob"], "correlation"].tolist() == pytest.approx([1.0, 1.0])
    assert evaluators.loc[["ann", "bob"], "compared_with"].tolist() == ["bob", "ann"]
    assert evaluators.loc[["ann", "bob"], "reasons"].tolist() == ["", ""]


def test_of_four_evaluators_the_dissenter_alone_is_flagged() -> None:
    panel = frame(
        {
            "ann": [1, 2, 3, 4, 5, 2, 4],
            "bob": [1.5, 2, 3.5, 4, 5, 2.5, 3.5],
            "odd": [5, 5, 2, 0, 0, 5, 1],
            "cy": [1, 2.5, 3, 3.5, 4.5, 2, 4],
        }
    )
    report = moderation_list(panel)
    assert report.flagged_evaluators == ("odd",)
    assert report.evaluators.loc["odd", "correlation"] < -0.8
    assert report.evaluators.loc["ann", "compared_with"] == "bob, cy"


def test_of_five_evaluators_two_dissenters_are_both_flagged() -> None:
    panel = frame(
        {
            "ann": [1, 2, 3, 4, 5, 2, 4, 0],
            "odd": [5, 4, 3, 2, 1, 4, 2, 5],
            "bob": [1.5, 2, 3.5, 4, 5, 2.5, 3.5, 0.5],
            "cy": [1, 2.5, 3, 3.5, 4.5, 2, 4, 1],
            "rev": [4, 5, 2, 1, 0, 4.5, 1, 5],
        }
    )
    report = moderation_list(panel)
    assert report.flagged_evaluators == ("odd", "rev")
    for e in ("ann", "bob", "cy"):
        assert report.evaluators.loc[e, "correlation"] > 0.9
    assert report.evaluators.loc["ann", "compared_with"] == "bob, cy"


def test_two_evaluators_who_disagree_are_both_flagged() -> None:
    report = moderation_list(frame({"ann": AGREED, "bob": AGREED[::-1]}))
    assert report.flagged_evaluators == ("ann", "bob")  # nobody to tell who dissents


def test_a_panel_in_agreement_sets_nobody_aside() -> None:
    rho, compared = evaluator_correlations(
        np.array([[1.0, 2, 3, 4, 5], [1, 2, 3, 5, 4], [2, 1, 3, 4, 5]])
    )
    # ann 1 2 3 4 5 against the others' mean 1.5 1.5 3 4.5 4.5: ρ = 9 / √90; bob against
    # 1.5 1.5 3 4 5: ρ = 8.5 / √95, and cy likewise
    assert rho.tolist() == pytest.approx([9 / math.sqrt(90), *[8.5 / math.sqrt(95)] * 2])
    assert compared == [(1, 2), (0, 2), (0, 1)]


half_points = st.integers(0, 10).map(lambda k: k / 2)


@pytest.mark.slow
@settings(max_examples=80, deadline=None)
@given(
    st.integers(3, 5).flatmap(
        lambda m: st.tuples(
            st.lists(st.lists(half_points, min_size=6, max_size=6), min_size=m, max_size=m),
            st.permutations(range(m)),
        )
    )
)
def test_permuting_the_evaluators_permutes_the_flags(
    case: tuple[list[list[float]], list[int]],
) -> None:
    scores, order = case
    names = [f"e{i}" for i in range(len(scores))]
    first = moderation_list(frame(dict(zip(names, scores, strict=True)))).evaluators
    second = moderation_list(frame({names[i]: scores[i] for i in order})).evaluators
    assert list(second.index) == [names[i] for i in order]
    second = second.loc[names]
    assert first["flagged"].tolist() == second["flagged"].tolist()
    assert [set(r.split(", ")) for r in first["compared_with"]] == [
        set(r.split(", ")) for r in second["compared_with"]
    ]
    assert first["correlation"].tolist() == pytest.approx(
        second["correlation"].tolist(), nan_ok=True
    )


# -- items already moderated ---------------------------------------------------------------------


def test_the_moderation_list_marks_items_already_moderated() -> None:
    agreed = ModeratedScore("v1", "D", "fit", 2.5, "failed live", "chair", "2026-03-12")
    report = moderation_list(PANEL, moderations=[agreed])
    items = report.items
    assert items.loc[("v1", "D", "fit"), "moderated"]
    assert items.loc[("v1", "D", "fit"), "agreed"] == 2.5
    assert items.loc[("v1", "D", "fit"), "agreed_by"] == "chair, 2026-03-12"
    rest = items.drop(index=("v1", "D", "fit"))
    assert not rest["moderated"].any()
    assert rest["agreed"].isna().all()
    assert (rest["agreed_by"] == "").all()
    columns = list(items.columns)
    assert columns[columns.index("reasons") + 1 :][:3] == ["moderated", "agreed", "agreed_by"]
    assert "1 moderated already" in repr(report)
    assert not moderation_list(PANEL).items["moderated"].any()
    table = pd.DataFrame(
        [("v2", "D", "fit", "4", "shown after the break", "panel")],
        columns=["vendor", "script", "criterion", "score", "reason", "by"],
    )
    from_table = moderation_list(PANEL, moderations=table).items
    assert from_table.loc[("v2", "D", "fit"), "agreed_by"] == "panel"
    assert from_table["moderated"].sum() == 1


def test_the_evaluations_own_moderations_are_marked() -> None:
    top = ("kestrel", "D1", "sfa")
    agreed = ModeratedScore(*top, 2.0, "integration not shown", "chair")
    evaluation = attrs.evolve(example(), moderations=[agreed])
    items = moderation_list(evaluation).items
    assert items.loc[top, "moderated"]
    assert items.loc[top, "agreed"] == 2.0
    assert items["moderated"].sum() == 1
    assert moderation_list(evaluation, moderations=[]).items["moderated"].sum() == 0


# -- moderated scores ----------------------------------------------------------------------------


def test_moderated_score_requires_reason_and_author() -> None:
    with pytest.raises(ValidationError) as caught:
        ModeratedScore("v1", "D", "fit", math.inf, " ", "")
    text = str(caught.value)
    assert "reason is empty" in text
    assert "by is empty" in text
    assert "finite" in text


def test_apply_moderation_overrides_keeps_originals_and_audits() -> None:
    aggregate = aggregate_scores(PANEL)
    agreed = ModeratedScore(
        "v1", "D", "fit", 2.5, "the import wizard failed live", "chair", "2026-03-12"
    )
    result = apply_moderation(aggregate, [agreed])
    items = result.items
    assert items.loc[("v1", "D", "fit"), "final"] == 2.5
    assert items.loc[("v1", "D", "fit"), "aggregate"] == 3.0  # the original is kept
    assert items["moderated"].sum() == 1
    assert items.loc[("v0", "D", "fit"), "final"] == 3.0
    assert (aggregate.scores == items["aggregate"]).all()  # the aggregate is untouched
    audit = result.audit.iloc[0]
    assert audit["panel_scores"] == "ann 2, bob 4, cy 3, dee 3"
    assert (audit["aggregate"], audit["agreed"], audit["change"]) == (3.0, 2.5, -0.5)
    assert (audit["reason"], audit["by"], audit["date"]) == (
        "the import wizard failed live",
        "chair",
        "2026-03-12",
    )
    assert result.matrix().loc["v1", "fit"] == pytest.approx(0.5)
    assert "<table" in result._repr_html_()
    assert "1 moderated" in repr(result)


def test_apply_moderation_reports_every_bad_override() -> None:
    aggregate = aggregate_scores(PANEL)
    bad = [
        ModeratedScore("v9", "D", "fit", 2, "r", "chair"),
        ModeratedScore("v1", "D", "fit", 7, "r", "chair"),
        ModeratedScore("v2", "D", "fit", 3, "r", "chair", origin="moderation.csv: row 4"),
        ModeratedScore("v2", "D", "fit", 4, "r", "chair", origin="moderation.csv: row 5"),
    ]
    with pytest.raises(ValidationError) as caught:
        apply_moderation(aggregate, bad)
    text = str(caught.value)
    assert "v9/D/fit is not an item of the panel" in text
    assert "score 7 is off the demo scale 0..5" in text
    assert (
        "moderation.csv: row 5: second moderation of the same item (first: moderation.csv: row 4)"
        in text
    )


def test_moderations_from_a_table() -> None:
    table = pd.DataFrame(
        {
            "vendor": ["v1", "v2"],
            "script": "D",
            "criterion": "fit",
            "score": ["2,5", "4"],
            "reason": ["failed live", "shown after the break"],
            "by": "chair",
        }
    )
    moderations = moderations_from_frame(table, "moderation.csv")
    assert [m.score for m in moderations] == [2.5, 4.0]
    assert moderations[1].origin == "moderation.csv: row 3"
    result = apply_moderation(aggregate_scores(PANEL), table)
    assert result.items["moderated"].sum() == 2
    table.loc[1, "score"] = "high"
    table.loc[0, "by"] = None
    with pytest.raises(ValidationError) as caught:
        moderations_from_frame(table, "moderation.csv")
    assert len(caught.value.problems) == 2
    with pytest.raises(ValidationError, match="missing column 'reason'"):
        moderations_from_frame(table.drop(columns="reason"))


def test_of_three_evaluators_only_the_lenient_one_is_flagged_for_bias() -> None:
    """Two agree exactly, the third scores 1.5 higher in the same order: against the mean
    of the other two, the two would be 0.75 'strict' and flagged; set aside first, the
    lenient one alone is."""
    same = [1, 2, 3, 3.5, 2]
    report = moderation_list(frame({"a": same, "b": same, "c": [x + 1.5 for x in same]}))
    assert report.flagged_evaluators == ("c",)
    assert report.evaluators["bias"].tolist() == pytest.approx([0.0, 0.0, 1.5])
    assert "lenient" in report.evaluators.loc["c", "reasons"]
