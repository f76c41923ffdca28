"""Panels and aggregation across evaluators: hand-computed small panels, weights, bias
normalisation, missing-score policies, and agreement with scoring's demo matrix."""

from __future__ import annotations

import functools
import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

import crmselect
from crmselect import DemoScale, DemoScore, ValidationError
from crmselect.consensus import (
    Panel,
    aggregate_scores,
    as_panel,
    evaluator_weights,
    normalise_scores,
)
from crmselect.scoring import demo_criterion_scores
from tests.helpers import with_demo

example = functools.cache(crmselect.example)
"""The example, loaded once per module (it reads a folder of workbooks)."""


def frame(scores: dict[str, list[float | None]], criterion: str = "fit") -> pd.DataFrame:
    """Evaluators' scores of vendors w, x, y, z … on one script and criterion."""
    rows = [
        (e, "wxyz"[i], "D", criterion, s)
        for e, values in scores.items()
        for i, s in enumerate(values)
    ]
    return pd.DataFrame(rows, columns=["evaluator", "vendor", "script", "criterion", "score"])


PANEL = frame({"ann": [1, 4, 5], "bob": [2, 4, 3], "cy": [3, 1, 5], "dee": [5, 4, None]})


# -- panels --------------------------------------------------------------------------------------


def test_panel_from_a_frame_is_the_full_grid_with_nan_for_missing() -> None:
    panel = Panel.from_frame(PANEL)
    assert panel.evaluators == ("ann", "bob", "cy", "dee")
    assert panel.vendors == ("w", "x", "y")
    assert panel.values().shape == (4, 3)
    assert math.isnan(panel.wide().loc["dee", ("y", "D", "fit")])
    assert panel.width == 5.0


def test_panel_from_the_evaluation_skips_people_and_vendors_with_no_score() -> None:
    evaluation = with_demo()
    panel = Panel.from_evaluation(evaluation)
    assert panel.evaluators == ("e1", "e2")
    assert panel.vendors == ("x", "y")  # z was never scored
    assert panel.absent == ("vendor z",)
    assert np.isnan(panel.values()).sum() == 1  # e2 left y blank


def test_as_panel_accepts_demo_scores_and_keeps_a_panel() -> None:
    scores = [DemoScore("a", "x", "D", "c", 2), DemoScore("b", "x", "D", "c", 4)]
    panel = as_panel(scores, DemoScale(1, 10))
    assert panel.scale == DemoScale(1, 10)
    assert as_panel(panel) is panel


def test_bad_frames_list_every_bad_row() -> None:
    bad = frame({"ann": [1, 7, "good"], "bob": [2, None, 3]})  # type: ignore[list-item]
    bad.loc[len(bad)] = ["ann", "w", "D", "fit", 2]  # a second score of ann for w
    bad.loc[len(bad)] = ["", "w", "D", "fit", 2]
    with pytest.raises(ValidationError) as caught:
        Panel.from_frame(bad)
    text = str(caught.value)
    assert "row 1: score 7 is off the demo scale 0..5" in text
    assert "row 2: score 'good' is not a number" in text
    assert "second score of 'ann'" in text
    assert "evaluator is empty" in text
    with pytest.raises(ValidationError, match="missing column 'score'"):
        Panel.from_frame(PANEL.drop(columns="score"))
    with pytest.raises(ValidationError, match="no evaluator gave any score"):
        Panel.from_frame(frame({"ann": [None, None]}))


WIDE = DemoScale(minimum=-1e9, maximum=1e9)
ID = st.text(st.sampled_from("ab ,\"\n\r;é'x"), min_size=1, max_size=4).map(str.strip).filter(bool)
SCORE = st.one_of(
    st.none(),
    st.floats(-1e9, 1e9, allow_nan=False),
    st.sampled_from([-0.0, 0.0, 0.1 + 0.2, 1e-7, 123456789.0, 5]),
)


@settings(max_examples=200)
@given(st.lists(st.tuples(ID, ID, ID, ID, SCORE), min_size=1, max_size=12))
def test_property_the_panel_csv_is_what_pandas_writes(rows: list[tuple[object, ...]]) -> None:
    """The fingerprint's text, built from the ids and distinct scores, is pandas' own CSV
    (ids with commas, quotes and line breaks; -0.0; floats of many digits; NaN)."""
    scores = pd.DataFrame(rows, columns=["evaluator", "vendor", "script", "criterion", "score"])
    scores = scores.drop_duplicates(["evaluator", "vendor", "script", "criterion"])
    if scores["score"].isna().all():
        return  # no panel
    panel = Panel.from_frame(scores, WIDE)
    assert panel.csv() == panel.scores.to_csv(index=False)


def test_fingerprint_changes_with_a_score() -> None:
    changed = PANEL.copy()
    changed.loc[0, "score"] = 2
    assert Panel.from_frame(PANEL).fingerprint != Panel.from_frame(changed).fingerprint
    assert Panel.from_frame(PANEL).fingerprint == Panel.from_frame(PANEL.copy()).fingerprint


# -- methods -------------------------------------------------------------------------------------


def test_mean_median_and_trimmed_mean_by_hand() -> None:
    # w: 1 2 3 5   x: 4 4 1 4   y: 5 3 5 (dee missing)
    mean = aggregate_scores(PANEL).scores.to_numpy()
    assert mean == pytest.approx([11 / 4, 13 / 4, 13 / 3])
    median = aggregate_scores(PANEL, method="median").scores.to_numpy()
    assert median == pytest.approx([2.5, 4.0, 5.0])
    # trim 0.25 of 4 scores drops one from each end; of 3 scores drops ⌊0.75⌋ = 0
    trimmed = aggregate_scores(PANEL, method="trimmed", trim=0.25).scores.to_numpy()
    assert trimmed == pytest.approx([2.5, 4.0, 13 / 3])


@settings(max_examples=40, deadline=None)
@given(
    st.lists(st.integers(0, 10).map(lambda x: x / 2), min_size=1, max_size=9),
    st.sampled_from([0.0, 0.1, 0.2, 0.3, 0.45]),
)
def test_trimmed_mean_equals_scipy_trim_mean(scores: list[float], trim: float) -> None:
    table = frame({f"e{i}": [s] for i, s in enumerate(scores)})
    result = aggregate_scores(table, method="trimmed", trim=trim).scores.iloc[0]
    assert result == pytest.approx(stats.trim_mean(scores, trim))


@settings(max_examples=40, deadline=None)
@given(st.lists(st.integers(0, 10).map(lambda x: x / 2), min_size=1, max_size=9))
def test_unweighted_median_equals_numpy_median(scores: list[float]) -> None:
    table = frame({f"e{i}": [s] for i, s in enumerate(scores)})
    assert aggregate_scores(table, method="median").scores.iloc[0] == pytest.approx(
        np.median(scores)
    )


def test_an_expert_counts_double_on_her_criterion_only() -> None:
    rows = frame({"ann": [4], "bob": [1]}, "service")
    rows = pd.concat([rows, frame({"ann": [4], "bob": [1]}, "sfa")], ignore_index=True)
    weights = {"bob": {"service": 2}}
    result = aggregate_scores(rows, weights=weights).scores
    assert result.loc[("w", "D", "service")] == pytest.approx((4 + 2 * 1) / 3)
    assert result.loc[("w", "D", "sfa")] == pytest.approx(2.5)
    table = evaluator_weights(Panel.from_frame(rows), weights)
    assert table.loc["bob", "service"] == 2
    assert table.loc["bob", "sfa"] == 1


def test_weighted_median_follows_cumulative_weight() -> None:
    # sorted 1 (bob, w=1), 4 (ann, w=3): half of 4 is 2 → reached at 4
    table = frame({"ann": [4], "bob": [1]})
    assert aggregate_scores(table, method="median", weights={"ann": 3}).scores.iloc[0] == 4.0
    # equal weights, two scores: the midpoint
    assert aggregate_scores(table, method="median").scores.iloc[0] == 2.5
    # a weight-0 evaluator takes no part
    three = frame({"ann": [4], "bob": [1], "cy": [5]})
    assert aggregate_scores(three, method="median", weights={"cy": 0}).scores.iloc[0] == 2.5


def test_weights_accept_a_series_or_a_frame_and_validate() -> None:
    panel = Panel.from_frame(PANEL)
    series = evaluator_weights(panel, pd.Series({"ann": 2.0}))
    assert series.loc["ann", "fit"] == 2
    assert series.loc["bob", "fit"] == 1
    table = evaluator_weights(panel, pd.DataFrame({"fit": [3.0]}, index=["cy"]))
    assert table.loc["cy", "fit"] == 3
    with pytest.raises(ValidationError) as caught:
        evaluator_weights(panel, {"zed": 2, "ann": -1, "bob": {"price": 2}, "cy": "x"})
    text = str(caught.value)
    assert "'zed' is not an evaluator" in text
    assert "weights['ann']: weight -1" in text
    assert "'price' is not a criterion" in text
    assert "weights['cy']" in text


def test_trimmed_mean_refuses_unequal_weights_and_settings_are_checked() -> None:
    with pytest.raises(ValidationError, match="takes no evaluator weights"):
        aggregate_scores(PANEL, method="trimmed", weights={"ann": 2})
    with pytest.raises(ValidationError) as caught:
        aggregate_scores(
            PANEL,
            method="mode",  # type: ignore[arg-type]
            trim=0.5,
            normalise="minmax",  # type: ignore[arg-type]
            missing="guess",  # type: ignore[arg-type]
            min_evaluators=0,
        )
    assert len(caught.value.problems) == 5


# -- normalisation -------------------------------------------------------------------------------


def test_zscore_removes_a_constant_lenience_by_hand() -> None:
    values = np.array([[1.0, 2.0, 3.0], [2.0, 3.0, 4.0]])
    out = normalise_scores(values, "zscore", DemoScale(0, 5))
    # means 2 and 3 → grand 2.5; both sds √(2/3) → pooled the same
    assert np.allclose(out, [[1.5, 2.5, 3.5]] * 2)


def test_zscore_gives_a_one_note_evaluator_the_grand_mean() -> None:
    values = np.array([[3.0, 3.0, 3.0], [1.0, 2.0, 3.0]])
    out = normalise_scores(values, "zscore", DemoScale(0, 5))
    assert out[0].tolist() == pytest.approx([2.5, 2.5, 2.5])


def test_rank_normalisation_maps_ranks_to_pooled_quantiles() -> None:
    values = np.array([[0.0, 1.0, 2.0], [3.0, 4.0, 5.0]])
    out = normalise_scores(values, "rank", DemoScale(0, 5))
    expected = np.quantile(np.arange(6.0), [1 / 6, 3 / 6, 5 / 6])
    assert out[0] == pytest.approx(expected)
    assert out[1] == pytest.approx(expected)
    # ties share a mid-rank
    tied = normalise_scores(np.array([[1.0, 1.0, 2.0]]), "rank", DemoScale(0, 5))
    assert tied[0, 0] == tied[0, 1] < tied[0, 2]


def test_normalisation_matters_when_a_lenient_evaluator_skipped_a_vendor() -> None:
    # ann scores everything 2 points higher than bob; ann did not see vendor y
    table = frame({"ann": [5, 4, None], "bob": [3, 2, 2.5]})
    plain = aggregate_scores(table).scores.to_numpy()
    assert plain[2] < plain[1]  # y looks worse than x only because lenient ann missed it
    fair = aggregate_scores(table, normalise="zscore").scores.to_numpy()
    assert fair[2] > fair[1]
    assert aggregate_scores(table, normalise="rank").adjusted.shape == (2, 3)


@settings(max_examples=30, deadline=None)
@given(st.floats(-1, 1), st.integers(0, 3))
def test_zscore_aggregate_differences_ignore_a_constant_shift_of_one_evaluator(
    shift: float, who: int
) -> None:
    """The panel's level moves by shift/m (it is the mean of the evaluators' levels); the
    differences between items, which decide the ranking, do not move."""
    values = {"a": [1.0, 2.0, 4.0], "b": [2.0, 2.5, 3.0], "c": [1.5, 3.0, 3.5], "d": [2, 2, 4]}
    name = "abcd"[who]
    moved = {k: [x + (shift if k == name else 0.0) for x in v] for k, v in values.items()}
    a = aggregate_scores(frame(values), normalise="zscore").scores.to_numpy()
    b = aggregate_scores(frame(moved), normalise="zscore").scores.to_numpy()  # type: ignore[arg-type]
    assert a - a.mean() == pytest.approx(b - b.mean(), abs=1e-9)
    assert b.mean() - a.mean() == pytest.approx(shift / 4, abs=1e-9)


# -- missing scores ------------------------------------------------------------------------------


def test_missing_policies_by_hand() -> None:
    available = aggregate_scores(PANEL)
    assert available.scores.iloc[2] == pytest.approx(13 / 3)
    assert len(available.missing) == 1
    assert available.missing.iloc[0].tolist()[:4] == ["dee", "y", "D", "fit"]
    complete = aggregate_scores(PANEL, missing="complete")
    assert math.isnan(complete.scores.iloc[2])
    assert complete.scores.iloc[0] == pytest.approx(2.75)
    assert "policy complete" in complete.items["treatment"].iloc[2]
    minimum = aggregate_scores(PANEL, missing="scale_minimum")
    assert minimum.scores.iloc[2] == pytest.approx(13 / 4)
    assert "0 (scale minimum)" in minimum.missing["treatment"].iloc[0]
    few = aggregate_scores(PANEL, min_evaluators=4)
    assert math.isnan(few.scores.iloc[2])
    assert few.items["treatment"].iloc[2] == "fewer than 4 score(s)"


def test_item_spread_describes_the_scores_as_given() -> None:
    items = aggregate_scores(PANEL, method="median").items
    assert items.loc[("x", "D", "fit"), ["n", "min", "max", "range"]].tolist() == [4, 1, 4, 3]
    assert items.loc[("y", "D", "fit"), "n"] == 3


# -- the evaluation ------------------------------------------------------------------------------


@pytest.mark.slow
def test_mean_aggregate_matrix_is_what_scoring_uses_today() -> None:
    evaluation = example()
    mine = aggregate_scores(evaluation).matrix()
    theirs = demo_criterion_scores(evaluation).loc[list(mine.index), list(mine.columns)]
    assert np.allclose(mine.to_numpy(), theirs.to_numpy())


def test_matrix_on_the_demo_scale_and_normalised() -> None:
    evaluation = with_demo()
    aggregate = aggregate_scores(evaluation)
    raw = aggregate.matrix(normalised=False)
    assert raw.loc["x", "b"] == pytest.approx(4.5)
    assert raw.loc["y", "b"] == pytest.approx(2.0)
    assert aggregate.matrix().loc["x", "b"] == pytest.approx(0.9)


def test_results_render_and_plot() -> None:
    pytest.importorskip("matplotlib")
    import matplotlib

    matplotlib.use("Agg")
    aggregate = aggregate_scores(example(), method="median", normalise="rank")
    html = aggregate._repr_html_()
    assert "<table" in html
    assert "rank-normalised" in html
    assert "median" in repr(aggregate)
    ax = aggregate.plot()
    assert ax.get_title() == "Evaluator spread per criterion"
    assert len(ax.get_xticklabels()) == len(aggregate.panel.criteria)
    assert aggregate.settings()["method"] == "median"


def test_the_panels_cached_membership_matrix_is_read_only() -> None:
    panel = Panel.from_frame(PANEL)
    member = panel.cells
    assert panel.cells is member
    for array in (member.data, member.indices, member.indptr):
        with pytest.raises(ValueError, match="read-only"):
            array[0] = 2
    means = aggregate_scores(panel).matrix()  # the sums still read it
    assert means.notna().any().any()
