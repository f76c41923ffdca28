"""The price criterion: a leaf scored from prices inside the evaluation (model, scoring,
evaluation folders, the panel question and the report).

The worked case of :mod:`crmselect.price` is rebuilt as a whole evaluation: quality is
a demo-scored leaf (weight 60), price a price criterion (weight 40), and a leaf of weight 0
carries one mandatory requirement so that a vendor can be knocked out.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import attrs
import numpy as np
import pandas as pd
import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

import crmselect
from crmselect import (
    Criterion,
    DemoScore,
    DemoScript,
    Evaluation,
    Evaluator,
    PriceBasis,
    PriceCriterion,
    PriceMethod,
    Requirement,
    Response,
    Vendor,
    score,
)
from crmselect.analysis import analyse
from crmselect.cost import compare_tco, price_scores, with_tco_prices
from crmselect.errors import ValidationError
from crmselect.report import price_report

QUALITY = {"A": 4.0, "B": 3.5, "C": 1.5, "D": 1.5}  # out of 5: 0.8, 0.7, 0.3, 0.3
PRICES = {"A": 100.0, "B": 80.0, "C": 50.0, "D": 280.0}


def tender(
    vendors: tuple[str, ...] = ("A", "B"),
    method: str = "lowest_ratio",
    knocked_out: tuple[str, ...] = (),
    prices: dict[str, float] | None = None,
    **rule: float,
) -> Evaluation:
    """Quality 60 (demo), price 40 (price criterion), gate 0 (one mandatory requirement)."""
    given = PRICES if prices is None else prices
    return Evaluation(
        "Worked case",
        criteria=[
            Criterion("quality", weight=60),
            Criterion("price", weight=40),
            Criterion("gate", weight=0),
        ],
        requirements=[Requirement("G1", "Data stays in the EU", "gate", "must", mandatory=True)],
        vendors=[Vendor(v, f"Vendor {v}") for v in vendors],
        responses=[
            Response(v, "G1", "not_supported" if v in knocked_out else "out_of_box")
            for v in vendors
        ],
        evaluators=[Evaluator("e1")],
        demo_scripts=[DemoScript("D1", "Quality", ["quality"])],
        demo_scores=[DemoScore("e1", v, "D1", "quality", QUALITY[v]) for v in vendors],
        price=PriceCriterion(
            "price",
            method,
            basis="bid",
            prices={v: given[v] for v in vendors if v in given},
            **rule,
        ),
    )


def points(evaluation: Evaluation) -> dict[str, float]:
    return {v: round(100 * t, 9) for v, t in score(evaluation).totals.items()}


# -- the worked case, end to end ----------------------------------------------------------


def test_lowest_ratio_reverses_two_vendors_when_a_bid_is_added() -> None:
    assert points(tender(("A", "B"))) == {"A": 80.0, "B": 82.0}
    assert score(tender(("A", "B"))).winners == ("B",)
    assert points(tender(("A", "B", "C"))) == {"A": 68.0, "B": 67.0, "C": 58.0}
    assert score(tender(("A", "B", "C"))).winners == ("A",)


def test_linear_reverses_two_vendors_when_a_high_bid_is_added() -> None:
    assert points(tender(("A", "B"), "linear")) == {"A": 48.0, "B": 82.0}
    with_d = points(tender(("A", "B", "D"), "linear"))
    assert (with_d["A"], with_d["B"]) == (84.0, 82.0)


def test_budget_keeps_the_order_whatever_else_is_bid() -> None:
    for vendors in (("A", "B"), ("A", "B", "C"), ("A", "B", "D"), ("A", "B", "C", "D")):
        totals = points(tender(vendors, "budget", budget=200.0))
        assert (totals["A"], totals["B"]) == (68.0, 66.0)


def test_a_knocked_out_bid_never_moves_the_vendors_in_the_running() -> None:
    """C's low bid would reverse A and B (68–67); knocked out, it is scored against A and B
    and leaves them at 80–82."""
    result = score(tender(("A", "B", "C"), knocked_out=("C",)))
    assert points(tender(("A", "B", "C"), knocked_out=("C",)))["A"] == 80.0
    assert result.winners == ("B",)
    assert result.prices is not None
    assert result.prices.loc["C", "score"] == 1.0  # 80 / 50 clipped to 1
    assert not result.prices.loc["C", "in_running"]


def test_price_table_holds_the_inputs_and_the_column_of_the_matrix() -> None:
    result = score(tender(("A", "B", "C")))
    assert result.prices is not None
    assert result.prices["price"].to_dict() == {"A": 100.0, "B": 80.0, "C": 50.0}
    assert result.prices["score"].to_dict() == pytest.approx({"A": 0.5, "B": 0.625, "C": 1.0})
    pd.testing.assert_series_equal(
        result.matrix["price"], result.prices["score"], check_names=False
    )
    assert result.weights["price"] == pytest.approx(0.4)


def test_abnormally_low_bids_are_flagged_among_the_bids_in_the_running() -> None:
    low = tender(("A", "B", "C"), prices={"A": 100.0, "B": 95.0, "C": 60.0})
    result = score(low)
    assert result.prices is not None
    assert result.prices["abnormally_low"].to_dict() == {"A": False, "B": False, "C": True}
    text = price_report(result)
    assert "abnormally low" in text.split("C")[-1]
    assert "relative to the bids in the running" in " ".join(text.split())


# -- missing and invalid prices ----------------------------------------------------------


def test_a_vendor_in_the_running_without_a_price_is_refused_by_name() -> None:
    evaluation = tender(("A", "B", "C"), prices={"A": 100.0, "C": 50.0})
    with pytest.raises(ValidationError) as caught:
        score(evaluation)
    assert "vendor 'B'" in str(caught.value)
    assert "in the running but has no price" in str(caught.value)


def test_a_knocked_out_vendor_without_a_price_scores_zero_and_is_listed() -> None:
    evaluation = tender(("A", "B", "C"), knocked_out=("C",), prices={"A": 100.0, "B": 80.0})
    result = score(evaluation)
    assert result.matrix.loc["C", "price"] == 0.0
    listed = result.missing[result.missing["kind"] == "price"]
    assert listed[["vendor", "treatment"]].to_numpy().tolist() == [
        ["C", "price scored 0 (knocked out)"]
    ]


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"prices": {"A": 0.0}}, "price of 'A' is 0"),
        ({"prices": {"A": -5.0}}, "a price must be positive"),
        ({"method": "budget"}, "method 'budget' needs a budget"),
        ({"method": "budget", "budget": 50.0, "floor": 60.0}, "must be above the floor"),
        ({"method": "lowest_ratio", "budget": 50.0}, "only used by method 'budget'"),
        ({"method": "budget", "budget": 9.0, "ceiling": 5.0}, "only used by method 'linear'"),
        ({"method": "lowest_ratio", "floor": 5.0}, "floor is only used by method 'budget'"),
        ({"method": "budget", "budget": "100"}, "budget '100' is not a number"),
        ({"prices": {"A": "ten"}}, "price of 'A': 'ten' is not a number"),
    ],
)
def test_invalid_price_rules_are_refused(changes: dict[str, object], message: str) -> None:
    fields: dict[str, object] = {"method": "lowest_ratio", **changes}
    with pytest.raises(ValidationError, match=message):
        PriceCriterion("price", **fields)  # type: ignore[arg-type]


def test_numpy_prices_are_numbers_and_validated_prices_cannot_change() -> None:
    rule = PriceCriterion("price", "lowest_ratio", prices={"A": np.float64(100), "B": np.int64(80)})
    with pytest.raises(TypeError):
        rule.prices["A"] = -5.0  # type: ignore[index]
    assert points(attrs.evolve(tender(), price=rule)) == {"A": 80.0, "B": 82.0}


def test_a_ceiling_below_the_lowest_bid_is_reported_at_the_price_criterion() -> None:
    bids = {"A": 100.0, "B": 80.0}
    rule = PriceCriterion("price", "linear", ceiling=60.0, prices=bids, origin="here (line 9)")
    with pytest.raises(ValidationError) as caught:
        score(attrs.evolve(tender(), price=rule))
    assert "here (line 9): ceiling: 60.0 is below the lowest bid 80" in str(caught.value)


def test_method_and_basis_parse_the_ways_people_write_them() -> None:
    rule = PriceCriterion("price", "Lowest price ratio", basis="TCO")
    assert (rule.method, rule.basis) == (PriceMethod.LOWEST_RATIO, PriceBasis.TOTAL)


@pytest.mark.parametrize(
    ("rule", "message"),
    [
        (PriceCriterion("nowhere", "lowest_ratio"), "'nowhere' is unknown or not a leaf"),
        (PriceCriterion("quality", "lowest_ratio"), "demo scripts exercise 'quality'"),
        (PriceCriterion("gate", "lowest_ratio"), "has weighted requirements"),
        (
            PriceCriterion("price", "lowest_ratio", prices={"Q": 5.0}),
            "price of unknown vendor 'Q'",
        ),
    ],
)
def test_the_evaluation_checks_its_price_criterion(rule: PriceCriterion, message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        attrs.evolve(tender(), price=rule)


def test_a_leaf_with_nothing_to_score_it_is_refused_unless_it_is_the_price_criterion() -> None:
    with pytest.raises(ValidationError, match="nothing can score it"):
        attrs.evolve(tender(), price=None)


# -- properties ------------------------------------------------------------------------------

bids = st.floats(min_value=1.0, max_value=1e7, allow_nan=False, allow_infinity=False)


@pytest.mark.slow
@given(
    prices=st.lists(bids, min_size=2, max_size=4),
    cut=st.floats(min_value=0.05, max_value=0.95),
    method=st.sampled_from(["lowest_ratio", "linear", "budget"]),
    who=st.integers(min_value=0, max_value=3),
)
def test_lowering_a_bid_never_lowers_that_vendors_total(
    prices: list[float], cut: float, method: str, who: int
) -> None:
    vendors = ("A", "B", "C", "D")[: len(prices)]
    who_id = vendors[who % len(vendors)]
    given_prices = dict(zip(vendors, prices, strict=True))
    rule = {"budget": 2e7} if method == "budget" else {}
    before = score(tender(vendors, method, prices=given_prices, **rule)).totals[who_id]
    lower = {**given_prices, who_id: given_prices[who_id] * cut}
    after = score(tender(vendors, method, prices=lower, **rule)).totals[who_id]
    assert after >= before - 1e-12


@pytest.mark.slow
@given(
    prices=st.lists(bids, min_size=3, max_size=4),
    method=st.sampled_from(["lowest_ratio", "linear", "budget"]),
    out=st.sets(st.integers(min_value=0, max_value=3), max_size=2),
)
def test_knocked_out_bids_do_not_change_the_scores_in_the_running(
    prices: list[float], method: str, out: set[int]
) -> None:
    """Scores in the running equal the formula applied to the bids in the running alone."""
    vendors = ("A", "B", "C", "D")[: len(prices)]
    gone = tuple(vendors[i] for i in out if i < len(vendors))
    given_prices = dict(zip(vendors, prices, strict=True))
    rule = {"budget": 2e7} if method == "budget" else {}
    result = score(tender(vendors, method, knocked_out=gone, prices=given_prices, **rule))
    running = [v for v in vendors if v not in gone]
    alone = price_scores({v: given_prices[v] for v in running}, method, **rule)  # type: ignore[arg-type]
    assert result.prices is not None
    for v in running:
        assert result.prices.loc[v, "score"] == pytest.approx(alone[v], abs=1e-12)
    assert result.prices["score"].between(0, 1).all()


# -- the panel question keeps the price column --------------------------------------------


def test_the_panel_bootstrap_keeps_prices_fixed() -> None:
    """A scores better in the demos, B is far cheaper and price weighs 90 %: every panel the
    bootstrap can draw still ranks B first — it would not if the price column were lost."""
    two = Evaluation(
        "Panel",
        criteria=[Criterion("quality", weight=10), Criterion("price", weight=90)],
        requirements=[],
        vendors=[Vendor("A", "A"), Vendor("B", "B")],
        evaluators=[Evaluator("e1"), Evaluator("e2"), Evaluator("e3")],
        demo_scripts=[DemoScript("D1", "Quality", ["quality"])],
        demo_scores=[
            DemoScore(e, v, "D1", "quality", s)
            for e, scores in {"e1": (5, 2), "e2": (4, 1), "e3": (5, 3)}.items()
            for v, s in zip("AB", scores, strict=True)
        ],
        price=PriceCriterion("price", "budget", budget=100.0, prices={"A": 90.0, "B": 10.0}),
    )
    analysis = analyse(two, n_samples=500)
    assert analysis.result.winners == ("B",)
    assert analysis.panel is not None
    assert analysis.panel.acceptability.loc["B", 1] == 1.0


# -- evaluation folders --------------------------------------------------------------------


def _folder(tmp: Path, extra: dict[str, object]) -> Path:
    """A copy of the worked case as a folder, with ``extra`` top-level keys."""
    evaluation = tender(("A", "B", "C"))
    path = crmselect.save_evaluation(evaluation, tmp / "case")
    document = yaml.safe_load(path.read_text(encoding="utf-8"))
    document.pop("price")
    document.update(extra)
    path.write_text(yaml.safe_dump(document, sort_keys=False), encoding="utf-8")
    return path


def test_a_saved_folder_keeps_the_price_criterion_and_its_prices(tmp_path: Path) -> None:
    evaluation = tender(("A", "B", "C"))
    path = crmselect.save_evaluation(evaluation, tmp_path / "saved")
    again = crmselect.derive(crmselect.load_tender(path)).evaluation
    assert again.price == evaluation.price
    assert points(again) == points(evaluation)


def test_a_saved_folder_without_prices_loads_again(tmp_path: Path) -> None:
    """Everyone knocked out and nobody priced is a valid (if sorry) state: it round-trips."""
    evaluation = tender(("A", "B"), knocked_out=("A", "B"), prices={})
    again = crmselect.derive(
        crmselect.load_tender(crmselect.save_evaluation(evaluation, tmp_path / "none"))
    ).evaluation
    assert again.price == evaluation.price
    assert score(again).matrix["price"].tolist() == [0.0, 0.0]


def test_prices_given_in_the_folder_are_bids(tmp_path: Path) -> None:
    path = _folder(
        tmp_path,
        {"price": {"criterion": "price", "method": "lowest_ratio", "prices": PRICES}},
    )
    with pytest.raises(ValidationError, match="price of unknown vendor 'D'"):
        crmselect.derive(crmselect.load_tender(path))
    path = _folder(
        tmp_path,
        {
            "price": {
                "criterion": "price",
                "method": "lowest_ratio",
                "prices": {"A": 100, "B": 80, "C": 50},
            }
        },
    )
    loaded = crmselect.derive(crmselect.load_tender(path)).evaluation
    assert loaded.price is not None
    assert loaded.price.basis is PriceBasis.BID
    assert points(loaded) == {"A": 68.0, "B": 67.0, "C": 58.0}


def test_a_price_section_without_prices_or_costs_loads_and_scoring_names_the_key(
    tmp_path: Path,
) -> None:
    """Before the bids (and the cost model) the folder loads and makes its forms; scoring
    says where the prices are to come from (issue 17 item 2)."""
    path = _folder(tmp_path, {"price": {"criterion": "price", "method": "budget", "budget": 9}})
    evaluation = crmselect.derive(crmselect.load_tender(path)).evaluation
    with pytest.raises(crmselect.CrmselectError) as caught:
        crmselect.score(evaluation)
    text = str(caught.value)
    assert "is in the running but has no price" in text
    assert "let the costs: section price its offer" in text


def test_a_bad_price_section_is_reported_with_its_line(tmp_path: Path) -> None:
    path = _folder(
        tmp_path,
        {"price": {"criterion": "price", "method": "cheapest", "prices": {"A": "ten"}}},
    )
    with pytest.raises(crmselect.CrmselectError) as caught:
        crmselect.derive(crmselect.load_tender(path))
    text = str(caught.value)
    assert "price.prices.A (line" in text
    assert "'cheapest' is not one of" in text


def _example_with(tmp: Path, old: str, new: str) -> Path:
    """A copy of the example whose evaluation.yaml has ``old`` replaced by ``new``."""
    folder = tmp / "larkspur"
    shutil.copytree(crmselect.example_path(), folder)
    path = folder / "evaluation.yaml"
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")
    return folder


EXAMPLE_LINES = (crmselect.example_path() / "evaluation.yaml").read_text(encoding="utf-8")
PRICE_LINE = EXAMPLE_LINES.splitlines().index("  criterion: price") + 1  # the mapping's line
BASIS_LINE = EXAMPLE_LINES.splitlines().index("  basis: npv") + 1


@pytest.mark.parametrize(
    ("new", "message"),
    [
        (
            "basis: npv\n  prices: {orbis: 1560000}",
            f"price.prices (line {BASIS_LINE + 1}): with basis 'npv' the prices come from the "
            "costs: section",
        ),
        (
            "basis: bid\n  prices: {orbis: null}",
            f"price.prices.orbis (line {BASIS_LINE + 1}): no price: give a number, or leave the "
            "vendor out",
        ),
    ],
)
def test_prices_given_two_ways_or_empty_are_refused_with_the_line(
    tmp_path: Path, new: str, message: str
) -> None:
    folder = _example_with(tmp_path, "basis: npv", new)
    with pytest.raises(crmselect.CrmselectError) as caught:
        crmselect.derive(crmselect.load_tender(folder))
    assert message in str(caught.value)


def test_a_bid_price_criterion_before_the_bids_loads_and_scoring_asks_for_them(
    tmp_path: Path,
) -> None:
    """Before the bids are in, a tender with basis 'bid' and no prices makes its forms; only
    scoring asks for the prices (issue 17 item 2)."""
    folder = _example_with(tmp_path, "basis: npv", "basis: bid")
    tender = crmselect.derive(crmselect.load_tender(folder))
    assert tender.evaluation.price is not None
    assert dict(tender.evaluation.price.prices) == {}
    with pytest.raises(crmselect.CrmselectError) as caught:
        crmselect.score(tender.evaluation)
    assert "vendor 'orbis': is in the running but has no price" in str(caught.value)


@pytest.mark.slow
def test_an_empty_prices_mapping_gives_way_to_the_costs_section(tmp_path: Path) -> None:
    """A folder saved before the bids came back says ``prices: {}``; once a costs: section
    is added, the prices come from it."""
    folder = _example_with(tmp_path, "basis: npv", "basis: npv\n  prices: {}")
    loaded = crmselect.derive(crmselect.load_tender(folder)).evaluation
    assert loaded.price is not None
    assert dict(loaded.price.prices) == dict(crmselect.example().price.prices)  # type: ignore[union-attr]


@pytest.mark.slow
def test_the_example_prices_its_bids_from_the_cost_model() -> None:
    evaluation = crmselect.example()
    assert evaluation.price is not None
    case = crmselect.example_tender().costs
    assert case is not None
    npv = compare_tco(case.offers, case.assumptions).prices("npv")
    assert dict(evaluation.price.prices) == pytest.approx(npv.to_dict())
    result = score(evaluation)
    assert result.prices is not None
    assert result.prices.loc["quillpoint", "abnormally_low"]
    budget, floor = evaluation.price.budget or 0.0, evaluation.price.floor
    expected = ((budget - npv) / (budget - floor)).clip(0, 1)
    assert result.matrix["price"].to_dict() == pytest.approx(expected.to_dict())


@pytest.mark.slow
def test_with_tco_prices_follows_a_changed_cost_case() -> None:
    evaluation = crmselect.example()
    case = crmselect.example_tender().costs
    assert case is not None
    assert evaluation.price is not None
    dearer = attrs.evolve(
        case,
        offers={
            v: attrs.evolve(o, unit_price=o.unit_price * 2) if v == "quillpoint" else o
            for v, o in case.offers.items()
        },
    )
    repriced = with_tco_prices(evaluation, dearer)
    assert repriced.price is not None
    assert repriced.price.prices["quillpoint"] > evaluation.price.prices["quillpoint"]
    assert repriced.price.prices["orbis"] == evaluation.price.prices["orbis"]
    with pytest.raises(ValidationError, match="basis is 'bid'"):
        with_tco_prices(tender(), dearer)
