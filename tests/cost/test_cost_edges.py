"""Numerical edges of the cost package (issue 14): numpy numbers, maintenance on all-units
perpetual tiers, the mean_sd rule with identical bids, notes for bids over the budget."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from crmselect.cost.offer import (
    Assumptions,
    Offer,
    VolumeTier,
    is_number,
    is_whole,
    offer_from_pricing,
)
from crmselect.cost.partners import PartnerOffer, _share_problem
from crmselect.cost.tco import cash_flows, licence_cost, tco
from crmselect.errors import ValidationError
from crmselect.price import (
    abnormally_low,
    price_notes,
    price_quality_totals,
    price_scores,
)

INTEGERS = [np.int8, np.int32, np.int64, np.uint16, np.uint64]
FLOATS = [np.float16, np.float32, np.float64]

# -- numpy numbers are numbers ----------------------------------------------------------------


def test_assumptions_from_a_numpy_array_as_the_issue_wrote_it() -> None:
    a = Assumptions(list(np.array([10, 20])))
    assert a.users == (10, 20)
    assert all(type(u) is int for u in a.users)


@pytest.mark.parametrize("integer", INTEGERS)
@pytest.mark.parametrize("real", FLOATS)
def test_numpy_scalars_give_the_same_offer_assumptions_and_costs(integer, real) -> None:
    python = (
        Offer(
            "x",
            "perpetual",
            1000.0,
            "one_off",
            tiers=[VolumeTier(11, 500.0)],
            maintenance_rate=0.25,
            escalation=0.5,
            price_hold_years=2,
            day_rate=800.0,
            implementation_days=10.0,
        ),
        Assumptions(
            [10, 20, 20],
            discount_rate=0.5,
            concurrency_ratio=0.5,
            hardware_refresh_years=2,
            inflation=0.25,
            fte_cost=100.0,
        ),
    )
    numpy = (
        Offer(
            "x",
            "perpetual",
            real(1000),
            "one_off",
            tiers=[(integer(11), real(500))],
            maintenance_rate=real(0.25),
            escalation=real(0.5),
            price_hold_years=integer(2),
            day_rate=real(800),
            implementation_days=integer(10),
        ),
        Assumptions(
            [integer(10), integer(20), integer(20)],
            discount_rate=real(0.5),
            concurrency_ratio=real(0.5),
            hardware_refresh_years=integer(2),
            inflation=real(0.25),
            fte_cost=integer(100),
        ),
    )
    # the values are stored as the Python numbers they hold (all exact in binary here)
    assert numpy == python
    assert type(numpy[0].price_hold_years) is int
    assert type(numpy[1].discount_rate) is float
    np.testing.assert_allclose(cash_flows(*numpy), cash_flows(*python))
    assert tco(*numpy).npv == pytest.approx(tco(*python).npv)


@settings(max_examples=50, deadline=None)
@given(
    users=st.lists(st.integers(0, 10_000), min_size=1, max_size=6),
    price=st.floats(0.0, 1e6, allow_nan=False),
    rate=st.floats(0.0, 1.0),
)
def test_any_numpy_spelling_of_valid_inputs_is_accepted_alike(
    users: list[int], price: float, rate: float
) -> None:
    a = Assumptions(list(np.array(users, dtype=np.int64)), discount_rate=np.float64(rate))
    assert a == Assumptions(users, discount_rate=rate)
    o = Offer("x", "perpetual", np.float64(price), "one_off", maintenance_rate=np.float32(rate))
    assert o.unit_price == price
    assert o.maintenance_rate == pytest.approx(rate, rel=1e-6, abs=1e-7)


@pytest.mark.parametrize("flag", [True, np.bool_(True)])
def test_booleans_are_still_refused(flag: object) -> None:
    with pytest.raises(ValidationError, match="users in year 1 is True; it must be a whole"):
        Assumptions([flag])
    with pytest.raises(ValidationError, match="unit_price is True"):
        Offer("x", "subscription", flag, "month")
    with pytest.raises(ValidationError, match="hardware_refresh_years is True"):
        Assumptions([1], hardware_refresh_years=flag)
    with pytest.raises(ValidationError, match="is not a number"):
        price_scores({"a": flag})
    assert not is_number(flag)
    assert not is_whole(flag)


def test_counts_still_need_whole_numbers() -> None:
    with pytest.raises(ValidationError, match=r"users in year 2 is 2\.5"):
        Assumptions([np.int64(1), np.float64(2.5)])
    with pytest.raises(ValidationError, match="hardware_refresh_years"):
        Assumptions([1], hardware_refresh_years=np.float32(2))
    with pytest.raises(ValidationError, match="volume tier from"):
        Offer("x", "subscription", 10.0, "month", tiers=[(np.float64(11), 8.0)])


def test_growing_pricing_prices_and_partners_take_numpy_numbers() -> None:
    assert Assumptions.growing(np.int64(120), np.float32(0.0), np.int64(3)).users == (120,) * 3
    offer = offer_from_pricing(
        "acme",
        {
            "currency": "EUR",
            "licensing_model": "perpetual",
            "user_type": "named",
            "price_per_named_user": np.float32(1450),
            "price_period": "one_off",
            "maintenance_percent": np.int64(18),
            "implementation_days": np.int64(40),
            "day_rate": np.float64(900),
            "contract_years": np.int64(3),
        },
        deployment="on_premise",
    )
    assert offer.maintenance_rate == pytest.approx(0.18)
    assert offer.price_hold_years == 3
    assert price_scores(pd.Series([100, 80], index=["a", "b"], dtype=np.float32)).to_dict() == {
        "a": pytest.approx(0.8),
        "b": 1.0,
    }
    quality = pd.Series({"a": 0.5, "b": 0.5})
    totals = price_quality_totals(quality, {"a": 100.0, "b": 80.0}, np.float32(0.5))
    assert totals["total"].to_dict() == pytest.approx({"a": 0.65, "b": 0.75})
    with pytest.raises(ValidationError, match="missing"):
        price_scores({"a": np.float32("nan"), "b": 1.0})
    assert PartnerOffer("p", "acme", np.int64(10), np.float32(800)).cost == 8000.0
    assert _share_problem(np.float32(0.25)) == ""


# -- maintenance on all-units perpetual tiers -------------------------------------------------


def test_maintenance_is_charged_on_the_net_licence_fee_paid() -> None:
    # 1,000 a licence, 600 each from the 101st (all units), 20 % maintenance.
    # year 0: 100 × 1,000 = 100,000; year 2: 60 more at the band 160 reaches, 60 × 600 =
    # 36,000; year 3 back to 120 users: nothing bought, the 160 licences are kept.
    offer = Offer(
        "x",
        "perpetual",
        1000.0,
        "one_off",
        tiers=[VolumeTier(101, 600.0)],
        tier_mode="all_units",
        maintenance_rate=0.2,
    )
    flows = cash_flows(offer, Assumptions([100, 160, 120]))
    assert flows["licence"].tolist() == pytest.approx([100_000, 0, 36_000, 0])
    # 20 % of what was paid: 100,000, then 136,000 ...
    assert flows["maintenance"].tolist() == pytest.approx([0, 20_000, 27_200, 27_200])
    # ... not of the list price of the licences held, C(160) = 160 × 600 = 96,000
    assert float(licence_cost(offer, 160)) == pytest.approx(96_000)
    # bought at once, 160 licences cost 96,000 and their maintenance 19,200
    once = cash_flows(offer, Assumptions([160, 160]))
    assert once["maintenance"].tolist() == pytest.approx([0, 19_200, 19_200])


# -- mean_sd with identical bids --------------------------------------------------------------


def test_a_half_percent_undercut_of_identical_bids_is_not_abnormal() -> None:
    bids = {"a": 100.0, "b": 100.0, "c": 100.0, "d": 99.5}
    frame = abnormally_low(bids, "mean_sd")
    # the other bids' sd is 0, floored at 1 % of their mean: 100 − 2 × 1 = 98
    assert frame.loc["d", "reference"] == pytest.approx(98.0)
    assert not frame["flagged"].any()
    # without the floor the half-percent undercut would be flagged
    assert abnormally_low(bids, "mean_sd", min_spread=0.0).loc["d", "flagged"]


def test_the_spread_floor_still_flags_a_real_undercut() -> None:
    frame = abnormally_low({"a": 100.0, "b": 100.0, "c": 100.0, "d": 97.0}, "mean_sd")
    assert frame["flagged"].to_dict() == {"a": False, "b": False, "c": False, "d": True}
    # with spread above the floor the rule is the plain leave-one-out one
    wide = abnormally_low({"a": 100.0, "b": 120.0, "c": 80.0, "d": 50.0}, "mean_sd")
    assert wide.loc["d", "reference"] == pytest.approx(100.0 - 2 * 20.0)
    with pytest.raises(ValidationError, match="min_spread"):
        abnormally_low({"a": 1.0, "b": 1.0, "c": 1.0}, "mean_sd", min_spread=-0.1)


# -- notes for bids over the budget or ceiling ------------------------------------------------


def test_a_bid_over_the_budget_is_noted() -> None:
    bids = {"a": 1_500_000.0, "b": 1_800_000.0, "c": 2_100_000.0}
    scores = price_scores(bids, "budget", budget=1_800_000.0)
    notes = price_notes(bids, "budget", budget=1_800_000.0)
    assert scores.to_dict() == pytest.approx({"a": 1 / 6, "b": 0.0, "c": 0.0})
    assert notes.to_dict() == {
        "a": "",
        "b": "at the budget: scores 0",
        "c": "over the budget: scores 0",
    }


def test_notes_for_a_ceiling_and_none_for_relative_methods() -> None:
    bids = {"a": 100.0, "b": 80.0, "c": 120.5}
    assert price_notes(bids, "linear", ceiling=110.5)["c"] == ("over the ceiling: scores 0")
    assert (price_notes(bids, "linear") == "").all()  # the highest bid is the ceiling
    assert (price_notes(bids) == "").all()  # lowest_ratio never clips to 0
    with pytest.raises(ValidationError, match="budget"):
        price_notes(bids, "budget")


def test_a_bid_a_rounding_error_from_the_limit_is_at_it() -> None:
    """Within AT_LIMIT (relative) of the ceiling a bid is 'at' it, as a spreadsheet sees it."""
    ceiling = 1_000_000.0000000002
    bids = {"a": 1_000_000.0, "b": 284_167.8, "c": 1_000_000.1}
    notes = price_notes(bids, "linear", ceiling=ceiling)
    assert notes.to_dict() == {
        "a": "at the ceiling: scores 0",
        "b": "",
        "c": "over the ceiling: scores 0",
    }
    assert price_scores(bids, "linear", ceiling=ceiling)["a"] == pytest.approx(0.0, abs=1e-9)
