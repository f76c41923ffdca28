"""AHP: Saaty's published worked examples, consistency properties, Harker's completion of
skipped comparisons, group AHP, and the errors a facilitator reads."""

from __future__ import annotations

import itertools
import math
import random

import attrs
import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from crmselect import ValidationError
from crmselect.weights import (
    RANDOM_INDEX,
    SAATY_SCALE,
    AhpResult,
    ahp,
    group_ahp,
    pairwise_matrix,
    random_index,
)

DRINK_LABELS = ["coffee", "wine", "tea", "beer", "sodas", "milk", "water"]
DRINKS = [
    [1, 9, 5, 2, 1, 1, 1 / 2],
    [1 / 9, 1, 1 / 3, 1 / 9, 1 / 9, 1 / 9, 1 / 9],
    [1 / 5, 3, 1, 1 / 3, 1 / 4, 1 / 3, 1 / 9],
    [1 / 2, 9, 3, 1, 1 / 2, 1, 1 / 3],
    [1, 9, 4, 2, 1, 2, 1 / 2],
    [1, 9, 3, 1, 1 / 2, 1, 1 / 3],
    [2, 9, 9, 3, 2, 3, 1],
]

HOUSE_LABELS = [
    "size",
    "transportation",
    "neighbourhood",
    "age",
    "yard",
    "modern_facilities",
    "condition",
    "financing",
]
HOUSE = [
    [1, 5, 3, 7, 6, 6, 1 / 3, 1 / 4],
    [1 / 5, 1, 1 / 3, 5, 3, 3, 1 / 5, 1 / 7],
    [1 / 3, 3, 1, 6, 3, 4, 6, 1 / 5],
    [1 / 7, 1 / 5, 1 / 6, 1, 1 / 3, 1 / 4, 1 / 7, 1 / 8],
    [1 / 6, 1 / 3, 1 / 3, 3, 1, 1 / 2, 1 / 5, 1 / 6],
    [1 / 6, 1 / 3, 1 / 4, 4, 2, 1, 1 / 5, 1 / 6],
    [3, 5, 1 / 6, 7, 5, 5, 1, 1 / 2],
    [4, 7, 5, 8, 6, 6, 2, 1],
]


def numpy_principal(matrix: np.ndarray) -> tuple[float, np.ndarray]:
    """Independent cross-check: λ_max and normalised eigenvector straight from numpy."""
    values, vectors = np.linalg.eig(np.asarray(matrix, dtype=float))
    k = np.argmax(values.real)
    v = np.abs(vectors[:, k].real)
    return float(values[k].real), v / v.sum()


def consistent(w: np.ndarray) -> np.ndarray:
    return np.outer(w, 1 / w)


# --- published worked examples ---------------------------------------------------------


def test_saaty_2008_relative_drink_consumption() -> None:
    """Saaty, T. L. (2008), "Decision making with the analytic hierarchy process",
    Int. J. Services Sciences 1(1), 83–98: the relative consumption of drinks in the US,
    judged by 30 people. Published derived scale coffee .177, wine .019, tea .042,
    beer .116, sodas .190, milk .129, water .327, consistency ratio .022 (actual
    consumption .180 .010 .040 .120 .180 .140 .330)."""
    result = ahp(pd.DataFrame(DRINKS, DRINK_LABELS, DRINK_LABELS))

    assert result.weights.round(3).to_dict() == {
        "coffee": 0.177,
        "wine": 0.019,
        "tea": 0.042,
        "beer": 0.116,
        "sodas": 0.190,
        "milk": 0.129,
        "water": 0.327,
    }
    assert result.consistency_ratio == pytest.approx(0.022, abs=5e-4)
    assert result.is_consistent
    lam, w = numpy_principal(np.array(DRINKS))
    np.testing.assert_allclose(result.weights.to_numpy(), w, atol=1e-12)
    assert result.lambda_max == pytest.approx(lam, abs=1e-10)


def test_saaty_1990_house_example_is_inconsistent() -> None:
    """Saaty, T. L. (1990), "How to make a decision: the analytic hierarchy process",
    European Journal of Operational Research 48, 9–26, Table 2 (criteria for buying a
    house). Published priorities .173 .054 .188 .018 .031 .036 .167 .333,
    λ_max = 9.669, C.I. = 0.238, C.R. = 0.169 — above 0.10, so flagged, not rejected."""
    result = ahp(pd.DataFrame(HOUSE, HOUSE_LABELS, HOUSE_LABELS), saaty_scale=True)

    assert result.weights.round(3).tolist() == [
        0.173,
        0.054,
        0.188,
        0.018,
        0.031,
        0.036,
        0.167,
        0.333,
    ]
    assert result.lambda_max == pytest.approx(9.669, abs=5e-4)
    assert result.consistency_index == pytest.approx(0.238, abs=5e-4)
    assert result.consistency_ratio == pytest.approx(0.169, abs=5e-4)
    assert not result.is_consistent
    assert "inconsistent" in repr(result)
    lam, w = numpy_principal(np.array(HOUSE))
    np.testing.assert_allclose(result.weights.to_numpy(), w, atol=1e-12)
    assert result.lambda_max == pytest.approx(lam, abs=1e-10)


def test_revising_the_worst_judgement_of_the_house_example_lowers_the_cr() -> None:
    """Following inconsistent_judgements() — change the worst judgement to the suggested
    scale value — must make the house matrix more consistent."""
    before = ahp(pd.DataFrame(HOUSE, HOUSE_LABELS, HOUSE_LABELS))
    table = before.inconsistent_judgements()
    assert list(table.columns) == ["judgement", "consistent", "suggestion", "error", "log_error"]
    assert table["log_error"].is_monotonic_decreasing
    assert len(table) == 8 * 7 // 2
    (row, column), worst = next(iter(table.iterrows()))
    assert worst["log_error"] == pytest.approx(abs(math.log(worst["error"])))
    w = before.weights
    assert worst["consistent"] == pytest.approx(w[row] / w[column])
    assert worst["judgement"] == pytest.approx(worst["error"] * w[row] / w[column])

    revised = before.matrix.copy()
    revised.loc[row, column] = worst["suggestion"]
    revised.loc[column, row] = 1 / worst["suggestion"]
    after = ahp(revised)
    assert after.consistency_ratio < before.consistency_ratio


# --- properties -------------------------------------------------------------------------

positive_weights = st.lists(
    st.floats(min_value=0.05, max_value=1.0, allow_nan=False), min_size=1, max_size=8
).map(np.array)


@settings(max_examples=60, deadline=None)
@given(positive_weights)
def test_consistent_matrix_gives_back_its_weights_and_cr_zero(w: np.ndarray) -> None:
    result = ahp(consistent(w))
    np.testing.assert_allclose(result.weights.to_numpy(), w / w.sum(), rtol=1e-9)
    assert result.lambda_max == pytest.approx(len(w), abs=1e-9)
    assert result.consistency_index == pytest.approx(0.0, abs=1e-9)
    assert result.consistency_ratio == pytest.approx(0.0, abs=1e-8)
    assert result.is_consistent
    assert list(result.weights.index) == list(range(len(w)))


@st.composite
def saaty_matrices(draw: st.DrawFn, min_n: int = 3, max_n: int = 7) -> np.ndarray:
    n = draw(st.integers(min_n, max_n))
    a = np.ones((n, n))
    for i, j in itertools.combinations(range(n), 2):
        a[i, j] = draw(st.sampled_from(SAATY_SCALE))
        a[j, i] = 1 / a[i, j]
    return a


@settings(max_examples=60, deadline=None)
@given(saaty_matrices(), st.randoms(use_true_random=False))
def test_relabelling_and_permuting_criteria_permutes_the_weights(
    a: np.ndarray, rnd: random.Random
) -> None:
    n = len(a)
    labels = [f"c{i}" for i in range(n)]
    order = list(range(n))
    rnd.shuffle(order)
    base = ahp(pd.DataFrame(a, labels, labels))
    shuffled = [labels[i] for i in order]
    permuted = ahp(pd.DataFrame(a[np.ix_(order, order)], shuffled, shuffled))

    assert list(permuted.weights.index) == shuffled
    pd.testing.assert_series_equal(
        permuted.weights.reindex(labels), base.weights, check_exact=False, rtol=1e-9
    )
    assert permuted.lambda_max == pytest.approx(base.lambda_max, rel=1e-9)
    assert math.isclose(permuted.consistency_ratio, base.consistency_ratio, abs_tol=1e-9)


@st.composite
def consistent_with_gaps(draw: st.DrawFn) -> tuple[np.ndarray, np.ndarray]:
    """A consistent matrix with some comparisons deleted, keeping the chain 0–1–…–(n−1) so
    that the comparisons stay connected."""
    w = draw(st.lists(st.floats(0.05, 1.0), min_size=3, max_size=8).map(np.array))
    n = len(w)
    a = consistent(w)
    off_chain = [(i, j) for i, j in itertools.combinations(range(n), 2) if j > i + 1]
    for i, j in draw(st.lists(st.sampled_from(off_chain), min_size=1, unique=True)):
        a[i, j] = a[j, i] = math.nan
    return w, a


@settings(max_examples=60, deadline=None)
@given(consistent_with_gaps())
def test_harker_completion_of_a_consistent_matrix_recovers_its_weights(
    case: tuple[np.ndarray, np.ndarray],
) -> None:
    w, a = case
    result = ahp(a)
    np.testing.assert_allclose(result.weights.to_numpy(), w / w.sum(), rtol=1e-9)
    assert result.consistency_ratio == pytest.approx(0.0, abs=1e-8)
    assert result.missing == int(np.isnan(a).sum()) // 2 > 0
    np.testing.assert_allclose(result.completed.to_numpy(), consistent(w), rtol=1e-9)


def test_harker_weights_are_the_eigenvector_of_the_modified_matrix_and_of_the_completion() -> None:
    """Harker (1987): zeros for missing entries, 1 + (missing in the row) on the diagonal.
    Cross-check against that matrix built by hand, and check that the completed matrix
    (gaps filled with w_i / w_j) has the same principal eigenpair."""
    a = np.array(DRINKS, dtype=float)
    for i, j in [(0, 1), (2, 5), (3, 6)]:
        a[i, j] = a[j, i] = math.nan
    harker = np.nan_to_num(a, nan=0.0) + np.diag(np.isnan(a).sum(axis=1))
    lam, w = numpy_principal(harker)

    result = ahp(a)
    np.testing.assert_allclose(result.weights.to_numpy(), w, atol=1e-12)
    assert result.lambda_max == pytest.approx(lam, abs=1e-10)
    assert result.missing == 3
    lam_completed, w_completed = numpy_principal(result.completed.to_numpy())
    np.testing.assert_allclose(w_completed, w, atol=1e-10)
    assert lam_completed == pytest.approx(lam, abs=1e-9)
    assert np.isnan(result.matrix.to_numpy()).sum() == 6
    assert not np.isnan(result.completed.to_numpy()).any()
    # a skipped pair is not a judgement to revisit
    assert ("coffee", "wine") not in result.inconsistent_judgements().index


def test_disconnected_comparisons_are_an_error_naming_the_groups() -> None:
    m = pairwise_matrix({("a", "b"): 3, ("c", "d"): 2})
    with pytest.raises(ValidationError, match="unconnected groups") as caught:
        ahp(m)
    assert "['a', 'b'], ['c', 'd']" in str(caught.value)


def test_a_perturbed_judgement_is_the_first_one_to_revisit() -> None:
    w = np.array([0.4, 0.3, 0.2, 0.1])
    a = consistent(w)
    a[0, 3] *= 4
    a[3, 0] = 1 / a[0, 3]
    table = ahp(a).inconsistent_judgements(top=2)
    assert len(table) == 2
    assert table.index[0] == (0, 3)
    assert table.iloc[0]["judgement"] == pytest.approx(16.0)
    assert table.iloc[0]["suggestion"] == 8.0  # nearest scale value to w_0/w_3 ≈ 8.29


# --- small and large matrices -------------------------------------------------------------


def test_one_criterion_gets_all_the_weight() -> None:
    result = ahp([[1]])
    assert result.weights.tolist() == [1.0]
    assert (result.consistency_index, result.consistency_ratio) == (0.0, 0.0)
    assert result.inconsistent_judgements().empty


def test_two_criteria_are_always_consistent() -> None:
    result = ahp(pd.DataFrame([[1, 3], [1 / 3, 1]], ["a", "b"], ["a", "b"]))
    assert result.weights.to_dict() == pytest.approx({"a": 0.75, "b": 0.25})
    assert result.consistency_ratio == 0.0


def test_random_index_is_saatys_table_and_unknown_beyond_ten() -> None:
    assert [random_index(n) for n in range(1, 11)] == [
        0,
        0,
        0.58,
        0.90,
        1.12,
        1.24,
        1.32,
        1.41,
        1.45,
        1.49,
    ]
    assert len(RANDOM_INDEX) == 10
    assert math.isnan(random_index(11))


def test_more_than_ten_criteria_have_no_cr_unless_a_random_index_is_given() -> None:
    rng = np.random.default_rng(7)
    w = rng.uniform(0.1, 1, 11)
    a = consistent(w)
    a[0, 1], a[1, 0] = a[0, 1] * 2, a[1, 0] / 2
    result = ahp(a)
    assert math.isnan(result.consistency_ratio)
    assert not result.is_consistent
    assert "CR unknown" in repr(result)
    assert result.consistency_index > 0
    with_ri = ahp(a, random_index=1.51)
    assert with_ri.consistency_ratio == pytest.approx(with_ri.consistency_index / 1.51)


# --- validation: every bad cell named -----------------------------------------------------


def test_every_bad_cell_is_named_in_one_error() -> None:
    labels = ["price", "fit", "partner"]
    bad = pd.DataFrame(
        [[1, 3, -2], [1 / 3, 2, "lots"], [-0.5, 1 / 5, 1]], labels, labels, dtype=object
    )
    with pytest.raises(ValidationError) as caught:
        ahp(bad)
    where = {p.where: p.what for p in caught.value.problems}
    assert where == {
        "row price, column partner": "-2 must be a positive number",
        "row fit, column partner": "'lots' is not a number",
        "row partner, column price": "-0.5 must be a positive number",
        "row fit, column fit": "is 2; a criterion compared with itself must be 1",
    }
    assert "row fit, column partner: 'lots' is not a number" in str(caught.value)


def test_non_reciprocal_and_half_blank_pairs_name_the_cell_to_fix() -> None:
    a = [[1, 3, 5, 2], [1 / 4, 1, math.nan, 1], [1 / 5, 2, 1, 1], [0.5, 1, 1, 1]]
    with pytest.raises(ValidationError) as caught:
        ahp(a)
    problems = {p.where: p.what for p in caught.value.problems}
    assert set(problems) == {"row 1, column 0", "row 1, column 2"}
    assert "not the reciprocal of 3" in problems["row 1, column 0"]
    assert "1/3" in problems["row 1, column 0"]
    assert "is blank but its reciprocal (row 2, column 1) is 2" in problems["row 1, column 2"]


def test_two_decimal_reciprocals_are_accepted_and_made_exact() -> None:
    typed = [[1, 3, 7], [0.33, 1, 2], [0.14, 0.5, 1]]
    exact = [[1, 3, 7], [1 / 3, 1, 2], [1 / 7, 0.5, 1]]
    result = ahp(typed)
    a = result.matrix.to_numpy()
    np.testing.assert_allclose(a * a.T, 1.0)
    np.testing.assert_allclose(result.weights, ahp(exact).weights, atol=5e-3)
    with pytest.raises(ValidationError, match="not the reciprocal"):
        ahp(typed, tolerance=0.001)


def test_saaty_scale_check_flags_off_scale_entries() -> None:
    a = [[1, 2.5, 12], [1 / 2.5, 1, 1], [1 / 12, 1, 1]]
    assert ahp(a).n == 3  # accepted without the check
    with pytest.raises(ValidationError) as caught:
        ahp(a, saaty_scale=True)
    cells = sorted(p.where for p in caught.value.problems)
    assert cells == ["row 0, column 1", "row 0, column 2", "row 1, column 0", "row 2, column 0"]
    assert "not on Saaty's scale" in caught.value.problems[0].what


@pytest.mark.parametrize(
    ("matrix", "message"),
    [
        ([[1, 2, 3], [0.5, 1, 1]], "must be square"),
        ([1, 2, 3], "must be square"),
        (np.ones((0, 0)), "is empty"),
        (pd.DataFrame([[1, 2], [0.5, 1]], ["a", "b"], ["a", "c"]), "only in rows: ['b']"),
        (pd.DataFrame([[1, 2], [0.5, 1]], ["a", "a"], ["a", "a"]), "used more than once"),
    ],
)
def test_malformed_matrices_are_rejected(matrix: object, message: str) -> None:
    with pytest.raises(ValidationError) as caught:
        ahp(matrix)  # type: ignore[arg-type]
    assert message in str(caught.value)


def test_columns_are_aligned_to_the_rows_by_label() -> None:
    labels = ["a", "b", "c"]
    frame = pd.DataFrame(consistent(np.array([0.5, 0.3, 0.2])), labels, labels)
    result = ahp(frame[["c", "a", "b"]])
    assert result.weights.round(10).to_dict() == {"a": 0.5, "b": 0.3, "c": 0.2}


# --- result object ------------------------------------------------------------------------


def test_result_is_frozen_and_renders() -> None:
    result = ahp(pd.DataFrame(DRINKS, DRINK_LABELS, DRINK_LABELS))
    assert isinstance(result, AhpResult)
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        result.lambda_max = 7.0  # type: ignore[misc]
    assert repr(result) == "<AhpResult n=7, λmax=7.177, CR=0.022 (consistent)>"
    frame = result.to_frame()
    assert list(frame.columns) == ["weight", "rank"]
    assert frame.loc["water", "rank"] == 1
    assert frame.loc["wine", "rank"] == 7
    html = result._repr_html_()
    assert "<table" in html
    assert "water" in html
    assert "CR=0.022" in html


def test_html_escapes_criterion_labels() -> None:
    labels = ["<b>price</b>", "fit"]
    html = ahp(pd.DataFrame([[1, 2], [0.5, 1]], labels, labels))._repr_html_()
    assert "<b>price" not in html
    assert "&lt;b&gt;price" in html


# --- group AHP ------------------------------------------------------------------------------


def test_a_perfectly_consistent_group_gives_its_common_weights() -> None:
    w = np.array([0.5, 0.25, 0.15, 0.1])
    labels = ["price", "fit", "partner", "support"]
    member = pd.DataFrame(consistent(w), labels, labels)
    result = group_ahp({"ann": member, "bob": member, "cy": member})
    np.testing.assert_allclose(result.weights.to_numpy(), w, rtol=1e-12)
    assert result.consistency_ratio == pytest.approx(0.0, abs=1e-9)


@settings(max_examples=40, deadline=None)
@given(
    st.lists(
        st.lists(st.floats(0.05, 1.0), min_size=4, max_size=4).map(np.array),
        min_size=2,
        max_size=5,
    ),
    st.data(),
)
def test_group_of_consistent_members_gives_the_weighted_geometric_mean_of_their_weights(
    members: list[np.ndarray], data: st.DataObject
) -> None:
    """Aczél & Saaty (1983): the geometric mean of consistent matrices is consistent with
    the (weighted) geometric mean of the members' weight vectors."""
    alpha = np.array(
        data.draw(st.lists(st.floats(0.1, 5.0), min_size=len(members), max_size=len(members)))
    )
    result = group_ahp([consistent(w) for w in members], alpha.tolist())
    expected = np.exp((alpha[:, None] * np.log(np.array(members))).sum(axis=0) / alpha.sum())
    np.testing.assert_allclose(result.weights.to_numpy(), expected / expected.sum(), rtol=1e-9)
    assert result.consistency_ratio == pytest.approx(0.0, abs=1e-8)


def test_group_member_weights_and_skipped_comparisons() -> None:
    ann = [[1, 4, math.nan], [1 / 4, 1, 2], [math.nan, 1 / 2, 1]]
    bob = [[1, 1, 2], [1, 1, 1], [1 / 2, 1, 1]]
    result = group_ahp({"ann": ann, "bob": bob}, {"ann": 3, "bob": 1})
    a = result.matrix.to_numpy()
    assert a[0, 1] == pytest.approx(4**0.75)  # weighted geometric mean 4^(3/4) · 1^(1/4)
    assert a[0, 2] == pytest.approx(2.0)  # only bob compared criteria 0 and 2
    assert a[1, 2] == pytest.approx(2**0.75)
    assert result.missing == 0


def test_group_labelled_matrices_are_aligned_and_mismatches_named() -> None:
    labels = ["a", "b"]
    one = pd.DataFrame([[1, 3], [1 / 3, 1]], labels, labels)
    reversed_order = pd.DataFrame([[1, 1 / 3], [3, 1]], ["b", "a"], ["b", "a"])
    result = group_ahp([one, reversed_order])
    assert result.weights.to_dict() == pytest.approx({"a": 0.75, "b": 0.25})

    other = pd.DataFrame([[1, 3], [1 / 3, 1]], ["a", "z"], ["a", "z"])
    with pytest.raises(ValidationError, match="not the same criteria"):
        group_ahp({"ann": one, "bob": other})


def test_group_errors_are_prefixed_by_member() -> None:
    with pytest.raises(ValidationError) as caught:
        group_ahp({"ann": [[1, 3], [1 / 3, 1]], "bob": [[1, -3], [1 / 3, 1]]}, {"ann": 1})
    where = [p.where for p in caught.value.problems]
    assert "member 'bob': row 0, column 1" in where
    assert "member weights" in where
    with pytest.raises(ValidationError, match="there are no members"):
        group_ahp([])
    with pytest.raises(ValidationError, match="2 weights for 1 members"):
        group_ahp([[[1]]], [1, 2])


# --- pairwise_matrix --------------------------------------------------------------------------


def test_pairwise_matrix_from_judgements() -> None:
    m = pairwise_matrix({("price", "fit"): 3, ("fit", "partner"): 2}, ["price", "fit", "partner"])
    assert m.loc["fit", "price"] == pytest.approx(1 / 3)
    assert m.loc["partner", "fit"] == pytest.approx(0.5)
    assert math.isnan(m.loc["price", "partner"])
    assert math.isnan(m.loc["partner", "price"])
    result = ahp(m)
    assert result.missing == 1
    assert result.weights.round(4).to_dict() == {"price": 0.6667, "fit": 0.2222, "partner": 0.1111}


def _loc_matrix(judgements: dict[tuple[str, str], float], order: list[str]) -> pd.DataFrame:
    """The straightforward reference: one ``.loc`` set per cell."""
    frame = pd.DataFrame(math.nan, index=pd.Index(order), columns=pd.Index(order))
    for label in order:
        frame.loc[label, label] = 1.0
    for (first, second), value in judgements.items():
        frame.loc[first, second] = float(value)
        frame.loc[second, first] = 1.0 / float(value)
    return frame.rename_axis(index="criterion")


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.sampled_from("abcdefg"), min_size=2, max_size=7, unique=True).flatmap(
        lambda order: st.tuples(
            st.just(order),
            st.dictionaries(
                st.sampled_from(list(itertools.combinations(order, 2))).flatmap(
                    lambda pair: st.sampled_from([pair, pair[::-1]])
                ),
                st.sampled_from([1 / 9, 1 / 3, 0.5, 1.0, 2.0, 3, 7, 9]),
            ).filter(lambda js: len({frozenset(p) for p in js}) == len(js)),
        )
    )
)
def test_pairwise_matrix_equals_one_loc_set_per_judgement(
    case: tuple[list[str], dict[tuple[str, str], float]],
) -> None:
    order, judgements = case
    pd.testing.assert_frame_equal(
        pairwise_matrix(judgements, order), _loc_matrix(judgements, order)
    )


def test_pairwise_matrix_errors() -> None:
    with pytest.raises(ValidationError) as caught:
        pairwise_matrix(
            {("a", "a"): 1, ("a", "b"): 2, ("b", "a"): 0.5, ("a", "c"): 0, ("a", "z"): 2},
            ["a", "b", "c"],
        )
    text = str(caught.value)
    assert "compares a criterion with itself" in text
    assert "judged twice" in text
    assert "0 must be a positive number" in text
    assert "'z' is not one of the criteria" in text
