"""Agreement statistics: Kendall's W, ICC and Krippendorff's α, checked by hand, against
published worked examples, against scipy's Friedman test, and by their invariances."""

from __future__ import annotations

import functools
import math
from itertools import permutations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from scipy import stats

import crmselect
from crmselect import ValidationError
from crmselect.consensus import (
    Panel,
    icc,
    icc_band,
    kendalls_w,
    krippendorff_alpha,
    panel_agreement,
)

# Shrout & Fleiss (1979), Table 2: 6 targets × 4 judges; here transposed to judges × targets.
SHROUT_FLEISS = np.array(
    [[9, 2, 5, 8], [6, 1, 3, 2], [8, 4, 6, 8], [7, 1, 2, 6], [10, 5, 6, 9], [6, 2, 4, 7]], float
).T

# Krippendorff (2011), "Computing Krippendorff's alpha-reliability", 4 observers × 12 units.
NAN = math.nan
KRIPPENDORFF_2011 = [
    [1, 2, 3, 3, 2, 1, 4, 1, 2, NAN, NAN, NAN],
    [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, NAN, 3],
    [NAN, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, NAN],
    [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, NAN],
]

# A 4 raters × 7 items table (half points, rater effects), and its statistics as computed by
# pingouin 0.7.0 (intraclass_corr) and krippendorff 0.9.0 in a scratch environment — neither
# is a dependency of crmselect.
RANDOM_TABLE = np.array(
    [
        [5.0, 0.0, 2.5, 2.5, 5.0, 0.0, 1.5],
        [5.0, 0.5, 4.5, 2.0, 5.0, 1.0, 3.5],
        [5.0, 0.0, 1.0, 0.5, 3.5, 0.0, 1.5],
        [5.0, 0.0, 4.5, 2.0, 5.0, 2.0, 3.0],
    ]
)
PINGOUIN = {  # kind: (ICC, F, df1, df2, p, CI95 as pingouin rounds it)
    "ICC(1,1)": (0.780862, 15.253333, 6, 21, 1.096076e-06, (0.50, 0.95)),
    "ICC(2,1)": (0.786071, 27.456000, 6, 18, 3.988483e-08, (0.45, 0.95)),
    "ICC(3,1)": (0.868663, 27.456000, 6, 18, 3.988483e-08, (0.65, 0.97)),
    "ICC(1,k)": (0.934441, 15.253333, 6, 21, 1.096076e-06, (0.80, 0.99)),
    "ICC(2,k)": (0.936297, 27.456000, 6, 18, 3.988483e-08, (0.76, 0.99)),
    "ICC(3,k)": (0.963578, 27.456000, 6, 18, 3.988483e-08, (0.88, 0.99)),
}
KRIPPENDORFF_PACKAGE = {  # RANDOM_TABLE with [0, 2] and [3, 5] missing
    "nominal": 0.36342592592592593,
    "ordinal": 0.8192253578289456,
    "interval": 0.779207065373908,
    "ratio": 0.48471959526843145,
}

half_points = arrays(
    float,
    st.tuples(st.integers(2, 6), st.integers(3, 8)),
    elements=st.integers(0, 10).map(lambda x: x / 2),
)

example = functools.cache(crmselect.example)
"""The example, loaded once per module (it reads a folder of workbooks)."""


# -- Kendall's W ---------------------------------------------------------------------------------


def test_kendalls_w_hand_computed_three_by_three() -> None:
    # rank sums 4, 6, 8 around a mean of 6: S = 8; W = 12·8 / (3²·(27 − 3)) = 4/9
    result = kendalls_w([[1, 2, 3], [1, 3, 2], [2, 1, 3]])
    assert result.w == pytest.approx(4 / 9)
    assert result.chi2 == pytest.approx(3 * 2 * 4 / 9)
    assert result.df == 2
    assert result.p_value == pytest.approx(stats.chi2.sf(8 / 3, 2))
    assert result.rank_sums.tolist() == [4.0, 6.0, 8.0]


def test_kendalls_w_tie_correction_hand_computed() -> None:
    # e1 ties two items: ranks 1.5 1.5 3 4, T = 2³ − 2 = 6. R = 2.5 3.5 6 8, S = 18.5,
    # W = 12·18.5 / (2²·60 − 2·6) = 222/228
    result = kendalls_w([[1, 1, 2, 3], [1, 2, 3, 4]])
    assert result.ties == 6
    assert result.w == pytest.approx(222 / 228)
    # without the correction it would be 222/240: the correction matters
    assert result.w != pytest.approx(222 / 240)


@pytest.mark.parametrize(
    "row", [[1, 2, 3, 4, 5], [1, 1, 2, 3, 3], [0.5, 4, 2, 2, 5]], ids=["distinct", "ties", "mixed"]
)
def test_perfect_agreement_gives_w_one(row: list[float]) -> None:
    result = kendalls_w([row] * 4)
    assert result.w == pytest.approx(1.0)
    assert result.p_value < 0.05


def test_opposite_rankings_of_two_evaluators_give_w_zero() -> None:
    assert kendalls_w([[1, 2, 3, 4], [4, 3, 2, 1]]).w == pytest.approx(0.0)


def test_everyone_tying_everything_is_undefined_not_an_error() -> None:
    result = kendalls_w([[3, 3, 3], [2, 2, 2]])
    assert math.isnan(result.w)
    assert math.isnan(result.p_value)


@pytest.mark.slow
@pytest.mark.parametrize("m", [3, 5])
def test_random_panels_give_mean_w_near_one_over_m(m: int) -> None:
    """Under independent random rankings E[W] = 1/m (Kendall & Babington Smith 1939)."""
    rng = np.random.default_rng(2026)
    n, panels = 6, 2000
    scores = rng.random((panels, m, n))
    ws = np.array([kendalls_w(s).w for s in scores])
    # sd of W is about sqrt(2(n−1))/(m(n−1)) ≤ 0.11; over 2000 panels the mean is within 0.01
    assert ws.mean() == pytest.approx(1 / m, abs=0.012)


@settings(max_examples=60, deadline=None)
@given(table=half_points)
def test_w_equals_friedman_chi2_over_m_n_minus_1(table: np.ndarray) -> None:
    result = kendalls_w(table)
    if math.isnan(result.w):
        return
    m, n = table.shape
    with np.errstate(invalid="ignore", divide="ignore"):
        friedman = stats.friedmanchisquare(*table.T)
    assert result.w == pytest.approx(friedman.statistic / (m * (n - 1)), rel=1e-9, abs=1e-12)
    assert result.chi2 == pytest.approx(friedman.statistic, rel=1e-9, abs=1e-12)
    assert result.p_value == pytest.approx(friedman.pvalue, rel=1e-9, abs=1e-12)


@settings(max_examples=60, deadline=None)
@given(table=half_points, data=st.data())
def test_permuting_evaluators_changes_nothing(table: np.ndarray, data: st.DataObject) -> None:
    order = data.draw(st.permutations(list(range(table.shape[0]))))
    a, b = kendalls_w(table), kendalls_w(table[order])
    assert a.w == pytest.approx(b.w, nan_ok=True)
    assert a.p_value == pytest.approx(b.p_value, nan_ok=True)
    ia, ib = icc(table).table["icc"], icc(table[order]).table["icc"]
    assert np.allclose(ia, ib, equal_nan=True)
    assert krippendorff_alpha(table).alpha == pytest.approx(
        krippendorff_alpha(table[order]).alpha, nan_ok=True
    )


def test_a_denominator_that_is_zero_stays_zero_in_every_evaluator_order() -> None:
    """Found by the property above: here MSR + (MSC − MSE)/n is 0 in exact arithmetic; by
    rounding it came out 0 in one evaluator order (ICC(2,k) = −inf) and 4e-17 in another
    (ICC(2,k) = 1.5e16, a nonsense agreement)."""
    table = np.array([[0.0, 1.5, 1.0], [1.0, 1.5, 1.0], [2.0, 0.0, 2.5]])
    results = [icc(table[list(order)]).table["icc"] for order in permutations(range(3))]
    for r in results:
        assert r["ICC(2,k)"] == -math.inf
        assert np.allclose(r, results[0], equal_nan=True)


@settings(max_examples=60, deadline=None)
@given(table=half_points, data=st.data())
def test_shifting_one_evaluator_changes_neither_w_nor_consistency_icc(
    table: np.ndarray, data: st.DataObject
) -> None:
    who = data.draw(st.integers(0, table.shape[0] - 1))
    shift = data.draw(st.sampled_from([-2.0, 0.5, 1.0, 3.0]))
    moved = table.copy()
    moved[who] += shift
    assert kendalls_w(moved).w == pytest.approx(kendalls_w(table).w, nan_ok=True)
    assert icc(moved).icc3k == pytest.approx(icc(table).icc3k, nan_ok=True, abs=1e-9)


def test_missing_scores_raise_unless_a_rule_is_chosen() -> None:
    table = pd.DataFrame(
        [[1, 2, 3, np.nan], [1, 3, 2, 4], [2, 1, 3, 4]],
        index=["ann", "bob", "cy"],
        columns=["a", "b", "c", "d"],
    )
    with pytest.raises(ValidationError, match="drop_items"):
        kendalls_w(table)
    by_items = kendalls_w(table, missing="drop_items")
    assert (by_items.m, by_items.n, by_items.dropped) == (3, 3, ("d",))
    assert by_items.w == pytest.approx(4 / 9)
    by_evaluators = kendalls_w(table, missing="drop_evaluators")
    assert (by_evaluators.m, by_evaluators.n, by_evaluators.dropped) == (2, 4, ("ann",))


def test_too_small_or_malformed_tables_are_validation_errors() -> None:
    with pytest.raises(ValidationError, match="at least 2 evaluators"):
        kendalls_w([[1, 2, 3]])
    with pytest.raises(ValidationError, match="evaluators × items"):
        kendalls_w([1, 2, 3])
    with pytest.raises(ValidationError, match="numbers"):
        kendalls_w([["a", "b"], ["c", "d"]])
    with pytest.raises(ValidationError, match="finite"):
        icc([[1, np.inf], [2, 3]])


# -- ICC -----------------------------------------------------------------------------------------


def test_icc_reproduces_shrout_and_fleiss_table_2() -> None:
    result = icc(SHROUT_FLEISS)
    published = {
        "ICC(1,1)": 0.17,
        "ICC(2,1)": 0.29,
        "ICC(3,1)": 0.71,
        "ICC(1,k)": 0.44,
        "ICC(2,k)": 0.62,
        "ICC(3,k)": 0.91,
    }
    for kind, value in published.items():
        assert round(float(result.table.loc[kind, "icc"]), 2) == value, kind
    assert (result.n, result.k) == (6, 4)
    assert (result.icc2, result.icc2k, result.icc3, result.icc3k) == pytest.approx(
        (0.2898, 0.6201, 0.7148, 0.9093), abs=1e-4
    )


def test_icc_confidence_intervals_match_pingouin_on_shrout_and_fleiss() -> None:
    # pingouin 0.7.0 prints these (rounded to 2 decimals) for the same data
    expected = {
        "ICC(1,1)": (-0.13, 0.72),
        "ICC(2,1)": (0.02, 0.76),
        "ICC(3,1)": (0.34, 0.95),
        "ICC(1,k)": (-0.88, 0.91),
        "ICC(2,k)": (0.07, 0.93),
        "ICC(3,k)": (0.68, 0.99),
    }
    result = icc(SHROUT_FLEISS)
    for kind, (low, high) in expected.items():
        got = result.interval(kind)
        assert got == pytest.approx((low, high), abs=0.005 + 1e-9), kind


def test_icc_matches_pingouin_on_a_random_table() -> None:
    result = icc(RANDOM_TABLE)
    for kind, (value, f, df1, df2, p, (low, high)) in PINGOUIN.items():
        row = result.table.loc[kind]
        assert row["icc"] == pytest.approx(value, abs=1e-6), kind
        assert row["F"] == pytest.approx(f, abs=1e-5), kind
        assert (row["df1"], row["df2"]) == (df1, df2), kind
        assert row["p_value"] == pytest.approx(p, rel=1e-5), kind
        assert (row["ci_low"], row["ci_high"]) == pytest.approx((low, high), abs=0.005 + 1e-9)


def test_icc2k_interval_is_spearman_brown_of_the_icc21_interval() -> None:
    result = icc(RANDOM_TABLE)
    k = result.k
    low1, high1 = result.interval("ICC(2,1)")
    low_k, high_k = result.interval("ICC(2,k)")
    assert low_k == pytest.approx(k * low1 / (1 + (k - 1) * low1))
    assert high_k == pytest.approx(k * high1 / (1 + (k - 1) * high1))


def test_icc_of_identical_evaluators_is_one_and_bands_read_it() -> None:
    result = icc([[1, 2, 4, 5]] * 3)
    assert result.icc2k == pytest.approx(1.0)
    assert result.icc3k == pytest.approx(1.0)
    assert [icc_band(x) for x in (0.3, 0.6, 0.8, 0.95, math.nan)] == [
        "poor",
        "moderate",
        "good",
        "excellent",
        "undefined",
    ]


def test_icc_rejects_a_bad_confidence_level() -> None:
    with pytest.raises(ValidationError, match="confidence"):
        icc(SHROUT_FLEISS, confidence=1.5)


# -- Krippendorff's alpha ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("level", "published"),
    [("nominal", 0.743), ("ordinal", 0.815), ("interval", 0.849), ("ratio", 0.797)],
)
def test_alpha_reproduces_krippendorff_2011(level: str, published: float) -> None:
    result = krippendorff_alpha(KRIPPENDORFF_2011, level)  # type: ignore[arg-type]
    assert round(result.alpha, 3) == published
    assert result.n_units == 11  # unit 12 has a single value: not pairable
    assert result.n_values == 40


@pytest.mark.parametrize("level", ["nominal", "ordinal", "interval", "ratio"])
def test_alpha_matches_the_krippendorff_package(level: str) -> None:
    table = RANDOM_TABLE.copy()
    table[0, 2] = table[3, 5] = np.nan
    result = krippendorff_alpha(table, level)  # type: ignore[arg-type]
    assert result.alpha == pytest.approx(KRIPPENDORFF_PACKAGE[level], abs=1e-12)


def test_alpha_is_one_for_perfect_agreement_and_refuses_unpairable_data() -> None:
    assert krippendorff_alpha([[1, 2, 3], [1, 2, 3]]).alpha == pytest.approx(1.0)
    with pytest.raises(ValidationError, match="two evaluators"):
        krippendorff_alpha([[1, NAN], [NAN, 2]])
    with pytest.raises(ValidationError, match="level"):
        krippendorff_alpha([[1, 2], [1, 2]], "cardinal")  # type: ignore[arg-type]


# -- the panel -----------------------------------------------------------------------------------


@pytest.mark.slow
def test_panel_agreement_on_the_example() -> None:
    agreement = panel_agreement(example())
    assert (agreement.vendors.m, agreement.vendors.n) == (5, 5)
    assert agreement.vendors.w == pytest.approx(0.9232, abs=1e-4)
    assert agreement.vendors.p_value < 0.01
    # two scores are missing (finance, meridian, D2): those two items leave W and ICC
    assert (agreement.overall.m, agreement.overall.n) == (5, 38)
    assert agreement.overall.dropped == ("meridian/D2/marketing", "meridian/D2/analytics")
    assert agreement.icc.icc2k == pytest.approx(0.9710, abs=1e-4)
    assert agreement.alpha.n_values == 198
    assert "Kendall's W = 0.92" in agreement.headline
    assert set(agreement.table.index.get_level_values("scope")) == {
        "vendors",
        "overall",
        "criterion",
        "script",
        "cell",
    }


@pytest.mark.slow
def test_panel_agreement_rows_are_the_statistics_of_their_sub_tables() -> None:
    evaluation = example()
    agreement = panel_agreement(evaluation)
    wide = Panel.from_evaluation(evaluation).wide()
    sfa = wide.loc[:, wide.columns.get_level_values("criterion") == "sfa"]
    row = agreement.table.loc[("criterion", "sfa")]
    assert row["w"] == pytest.approx(kendalls_w(sfa).w)
    assert row["icc2k"] == pytest.approx(icc(sfa).icc2k)
    assert row["alpha"] == pytest.approx(krippendorff_alpha(sfa).alpha)
    d2 = agreement.table.loc[("cell", "D2/marketing")]
    assert (d2["n"], d2["dropped"]) == (4, 1)


def test_disagreeing_panel_has_low_agreement() -> None:
    rows = []
    for evaluator, scores in {"ann": [5, 4, 1, 0], "bob": [0, 1, 4, 5], "cy": [5, 0, 5, 0]}.items():
        rows += [(evaluator, v, "D", "fit", s) for v, s in zip("wxyz", scores, strict=True)]
    frame = pd.DataFrame(rows, columns=["evaluator", "vendor", "script", "criterion", "score"])
    agreement = panel_agreement(frame)
    assert agreement.vendors.w < 0.2
    assert agreement.icc.icc2k < 0.5
    assert agreement.pairwise.loc["ann", "bob"] == pytest.approx(-1.0)


def test_agreement_results_render_and_plot_both_heat_maps() -> None:
    pytest.importorskip("matplotlib")
    import matplotlib

    matplotlib.use("Agg")
    agreement = panel_agreement(example())
    assert "<table" in agreement._repr_html_()
    assert "criterion: sfa" in agreement._repr_html_()
    assert "rank_sum" in agreement.vendors._repr_html_()
    assert "ICC(2,k)" in agreement.icc._repr_html_()
    ax = agreement.plot()
    assert ax.get_title() == "Agreement between evaluators"
    assert len(ax.texts) == 25  # every evaluator pair annotated
    cells = agreement.plot(kind="cells")
    assert cells.get_title() == "Kendall's W per criterion and script"
    assert len(cells.texts) == 8  # one per (script, criterion) cell that exists
    with pytest.raises(ValidationError, match="kind"):
        agreement.plot(kind="vendors")  # type: ignore[arg-type]
