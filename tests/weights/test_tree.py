"""The criteria tree: global roll-up (unchanged from the single module it was), and
set_local_weights to weight any node by any method."""

from __future__ import annotations

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from crmselect import Criterion, ValidationError, example, score
from crmselect.weights import (
    ahp,
    global_weights,
    local_weights,
    pairwise_matrix,
    set_local_weights,
    swing_weights,
    weights_from_ranking,
)

TREE = (
    Criterion(
        "functional",
        weight=3,
        children=[
            Criterion("sales", weight=1),
            Criterion("service", weight=1),
            Criterion("marketing", weight=2),
        ],
    ),
    Criterion(
        "partner",
        weight=1,
        children=[Criterion("experience", weight=1), Criterion("rates", weight=1)],
    ),
    Criterion("price", weight=1),
)


def test_global_weights_hand_computed() -> None:
    """functional 3/5 × (1/4, 1/4, 2/4); partner 1/5 × (1/2, 1/2); price 1/5."""
    w = global_weights(TREE)
    assert w.to_dict() == pytest.approx(
        {
            "sales": 0.15,
            "service": 0.15,
            "marketing": 0.3,
            "experience": 0.1,
            "rates": 0.1,
            "price": 0.2,
        }
    )
    assert w.name == "weight"
    table = local_weights(TREE)
    assert table.loc["marketing", "local"] == pytest.approx(0.5)
    assert table.loc["marketing", "global"] == pytest.approx(0.3)
    assert table.loc["partner", "depth"] == 0
    assert table.loc["rates", "parent"] == "partner"


def test_old_import_path_still_works_for_the_package() -> None:
    import crmselect
    from crmselect.weights import global_weights as gw

    assert crmselect.global_weights is gw
    result = score(example())
    assert result.weights.sum() == pytest.approx(1.0)


def test_set_top_level_weights_from_a_ranking() -> None:
    ranking = weights_from_ranking({"functional": 1, "price": 2, "partner": 3})
    tree = set_local_weights(TREE, None, ranking)
    assert [c.weight for c in tree] == pytest.approx([11 / 18, 2 / 18, 5 / 18])
    assert tree[0].children is TREE[0].children  # untouched subtrees are kept as they were
    w = global_weights(tree)
    assert w.sum() == pytest.approx(1.0)
    assert w["price"] == pytest.approx(5 / 18)


def test_set_a_nodes_weights_from_ahp_then_roll_up() -> None:
    matrix = pairwise_matrix({("sales", "service"): 1, ("sales", "marketing"): 2})
    result = ahp(matrix)  # service–marketing skipped: Harker gives 0.4, 0.4, 0.2
    tree = set_local_weights(TREE, "functional", result.weights)
    functional = tree[0]
    assert [c.weight for c in functional.children] == pytest.approx([0.4, 0.4, 0.2])
    assert functional.weight == TREE[0].weight
    assert tree[1] is TREE[1]
    assert tree[2] is TREE[2]
    w = global_weights(tree)
    assert w["marketing"] == pytest.approx(0.6 * 0.2)
    assert w.sum() == pytest.approx(1.0)
    # the input tree is not modified
    assert [c.weight for c in TREE[0].children] == [1, 1, 2]


def test_set_a_nested_node_keeps_origin_and_names() -> None:
    deep = (
        Criterion(
            "root",
            name="Root",
            children=[Criterion("mid", children=[Criterion("x"), Criterion("y")], origin="f:3")],
        ),
    )
    tree = set_local_weights(deep, "mid", swing_weights({"x": 100, "y": 25}))
    mid = tree[0].children[0]
    assert mid.origin == "f:3"
    assert tree[0].name == "Root"
    assert [c.weight for c in mid.children] == pytest.approx([0.8, 0.2])
    assert global_weights(tree).to_dict() == pytest.approx({"x": 0.8, "y": 0.2})


@pytest.mark.parametrize(
    ("node", "weights", "where", "message"),
    [
        ("nope", {"a": 1}, "criterion 'nope'", "is not in the criteria tree"),
        ("price", {"a": 1}, "criterion 'price'", "has no sub-criteria to weight"),
        (
            "partner",
            {"experience": 1},
            "criterion 'partner'",
            "sub-criterion 'rates' has no weight",
        ),
        (
            "partner",
            {"experience": 1, "rates": 1, "travel": 1},
            "criterion 'partner'",
            "'travel' is not one of its sub-criteria ['experience', 'rates']",
        ),
        (None, {"functional": 1, "partner": 1}, "criteria (top level)", "'price' has no weight"),
        ("partner", {"experience": 0, "rates": 0}, "criterion 'partner'", "all weights are zero"),
        ("partner", {"experience": -1, "rates": 1}, "criterion 'experience'", "-1 is negative"),
    ],
)
def test_set_local_weights_errors(
    node: str | None, weights: dict[str, float], where: str, message: str
) -> None:
    with pytest.raises(ValidationError) as caught:
        set_local_weights(TREE, node, weights)
    assert any(p.where == where and message in p.what for p in caught.value.problems), (
        caught.value.problems
    )


def test_duplicate_node_id_is_refused() -> None:
    tree = (
        Criterion("a", children=[Criterion("x"), Criterion("y")]),
        Criterion("b", children=[Criterion("a", children=[Criterion("z")])]),
    )
    with pytest.raises(ValidationError, match="more than one criterion"):
        set_local_weights(tree, "a", {"x": 1, "y": 1})


@settings(max_examples=40, deadline=None)
@given(
    st.lists(st.floats(0.01, 10), min_size=3, max_size=3),
    st.lists(st.floats(0.01, 10), min_size=3, max_size=3),
    st.lists(st.floats(0.01, 10), min_size=2, max_size=2),
)
def test_any_local_weights_roll_up_to_global_weights_summing_to_one(
    top: list[float], functional: list[float], partner: list[float]
) -> None:
    tree = set_local_weights(
        TREE, None, dict(zip(["functional", "partner", "price"], top, strict=True))
    )
    tree = set_local_weights(
        tree, "functional", pd.Series(functional, index=["sales", "service", "marketing"])
    )
    tree = set_local_weights(
        tree, "partner", dict(zip(["experience", "rates"], partner, strict=True))
    )
    w = global_weights(tree)
    assert w.sum() == pytest.approx(1.0)
    assert w["price"] == pytest.approx(top[2] / sum(top))
    assert w["rates"] == pytest.approx(top[1] / sum(top) * partner[1] / sum(partner))
