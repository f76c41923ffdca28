"""Several members' weights: consensus (arithmetic, geometric), spread, samples for the
robustness analysis, rendering and plotting."""

from __future__ import annotations

import math

import attrs
import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from crmselect import ValidationError
from crmselect.weights import GroupWeights, WeightSamples, ahp, group_ahp

TABLE = pd.DataFrame(
    {"price": [50, 30, 40], "fit": [30, 50, 40], "partner": [20, 20, 20]},
    index=["ann", "bob", "cy"],
)


def test_rows_are_normalised_and_arithmetic_consensus_is_the_mean() -> None:
    group = GroupWeights(TABLE / 10)  # any scale: each member's row is normalised
    np.testing.assert_allclose(group.members.sum(axis=1), 1.0)
    assert group.members.loc["ann", "price"] == pytest.approx(0.5)
    assert group.consensus().to_dict() == pytest.approx({"price": 0.4, "fit": 0.4, "partner": 0.2})
    assert group.consensus().name == "weight"


def test_geometric_consensus_is_the_normalised_geometric_mean() -> None:
    group = GroupWeights(TABLE)
    g = np.array([(0.5 * 0.3 * 0.4) ** (1 / 3), (0.3 * 0.5 * 0.4) ** (1 / 3), 0.2])
    np.testing.assert_allclose(group.consensus("geometric").to_numpy(), g / g.sum())
    assert group.consensus("geometric").sum() == pytest.approx(1.0)
    with pytest.raises(ValidationError, match="'median' is not"):
        group.consensus("median")  # type: ignore[arg-type]


def test_geometric_consensus_of_ahp_members_equals_group_ahp_for_consistent_members() -> None:
    """Forman & Peniwati (1998): for consistent members, aggregating priorities by the
    geometric mean (AIP) and aggregating judgements (AIJ) give the same weights."""
    labels = ["price", "fit", "partner"]
    vectors = {
        "ann": np.array([0.5, 0.3, 0.2]),
        "bob": np.array([0.2, 0.5, 0.3]),
        "cy": np.array([0.6, 0.1, 0.3]),
    }
    matrices = {m: pd.DataFrame(np.outer(w, 1 / w), labels, labels) for m, w in vectors.items()}
    aip = GroupWeights.from_weights({m: ahp(a).weights for m, a in matrices.items()})
    aij = group_ahp(matrices)
    pd.testing.assert_series_equal(aip.consensus("geometric"), aij.weights, rtol=1e-9)


def test_perfect_agreement_gives_the_common_weights_and_no_spread() -> None:
    w = {"price": 0.5, "fit": 0.3, "partner": 0.2}
    group = GroupWeights.from_weights({"ann": w, "bob": w})
    for method in ("arithmetic", "geometric"):
        assert group.consensus(method).to_dict() == pytest.approx(w)  # type: ignore[arg-type]
    np.testing.assert_allclose(group.spread[["range", "std", "cv"]].to_numpy(), 0.0, atol=1e-15)


def test_spread_per_criterion() -> None:
    spread = GroupWeights(TABLE).spread
    assert list(spread.columns) == ["mean", "min", "max", "range", "std", "cv"]
    assert spread.loc["price"].to_dict() == pytest.approx(
        {
            "mean": 0.4,
            "min": 0.3,
            "max": 0.5,
            "range": 0.2,
            "std": math.sqrt(0.02 / 3),
            "cv": math.sqrt(0.02 / 3) / 0.4,
        }
    )
    assert spread.loc["partner", "range"] == pytest.approx(0.0)


def test_samples_for_robustness() -> None:
    samples = GroupWeights(TABLE).as_samples()
    assert isinstance(samples, WeightSamples)
    weights, criteria, members = samples
    assert criteria == ("price", "fit", "partner")
    assert members == ("ann", "bob", "cy")
    assert weights.shape == (3, 3)
    np.testing.assert_allclose(weights[1], [0.3, 0.5, 0.2])
    weights[0, 0] = 99  # a copy: the group is not affected
    assert GroupWeights(TABLE).members.iloc[0, 0] == pytest.approx(0.5)


def test_to_frame_repr_and_html() -> None:
    group = GroupWeights(TABLE)
    frame = group.to_frame()
    assert list(frame.columns) == ["arithmetic", "geometric", "min", "max", "range", "std", "cv"]
    assert list(frame.index) == ["price", "fit", "partner"]
    assert (
        repr(group) == "<GroupWeights 3 members × 3 criteria, widest spread 'price' (range 0.200)>"
    )
    html = group._repr_html_()
    assert "<table" in html
    assert "0.400" in html
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        group.members = TABLE  # type: ignore[misc]


def test_zero_weights_make_the_geometric_mean_zero() -> None:
    group = GroupWeights(pd.DataFrame({"a": [1, 0], "b": [0, 1], "c": [1, 1]}, index=["x", "y"]))
    assert group.consensus("geometric").to_dict() == pytest.approx({"a": 0, "b": 0, "c": 1})
    only_zeros = GroupWeights(pd.DataFrame({"a": [1, 0], "b": [0, 1]}, index=["x", "y"]))
    with pytest.raises(ValidationError, match="use the arithmetic consensus"):
        only_zeros.consensus("geometric")
    assert only_zeros.to_frame()["geometric"].isna().all()
    assert "–" in only_zeros._repr_html_()


def test_errors_name_member_and_criterion() -> None:
    table = pd.DataFrame(
        {"price": [0.5, -0.2, 0.0], "fit": [0.5, 1.0, 0.0], "partner": [None, 0.2, 0.0]},
        index=["ann", "bob", "cy"],
    )
    with pytest.raises(ValidationError) as caught:
        GroupWeights(table)
    assert [(p.where, p.what) for p in caught.value.problems] == [
        ("member 'ann', criterion 'partner'", "has no value"),
        ("member 'bob', criterion 'price'", "-0.2 is negative"),
        ("member 'cy'", "all weights are zero"),
    ]
    with pytest.raises(ValidationError, match=r"criterion 'fit'.*has no value"):
        GroupWeights.from_weights({"ann": {"price": 1, "fit": 1}, "bob": {"price": 1}})
    with pytest.raises(ValidationError, match="must be a DataFrame"):
        GroupWeights([[1, 2]])  # type: ignore[arg-type]
    with pytest.raises(ValidationError, match=r"member 'ann'.*appears more than once"):
        GroupWeights(pd.DataFrame({"a": [1, 2]}, index=["ann", "ann"]))


@settings(max_examples=40, deadline=None)
@given(st.lists(st.lists(st.floats(0.01, 100), min_size=4, max_size=4), min_size=1, max_size=6))
def test_consensus_lies_within_the_members_range(rows: list[list[float]]) -> None:
    group = GroupWeights(pd.DataFrame(rows, columns=list("abcd")))
    arithmetic = group.consensus("arithmetic")
    spread = group.spread
    assert arithmetic.sum() == pytest.approx(1.0)
    assert group.consensus("geometric").sum() == pytest.approx(1.0)
    assert (arithmetic >= spread["min"] - 1e-12).all()
    assert (arithmetic <= spread["max"] + 1e-12).all()


def test_plot_returns_axes_with_one_bar_per_criterion() -> None:
    pytest.importorskip("matplotlib")
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    group = GroupWeights(TABLE)
    ax = group.plot()
    try:
        assert len(ax.patches) == 3
        assert [t.get_text() for t in ax.get_xticklabels()] == ["price", "fit", "partner"]
        legend = {t.get_text() for t in ax.get_legend().get_texts()}
        assert legend == {"consensus (mean)", "ann", "bob", "cy"}
        fig, own = plt.subplots()
        assert group.plot(own) is own
        plt.close(fig)
    finally:
        plt.close(ax.figure)
