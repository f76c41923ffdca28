"""crmselect.cost.business_case: NPV, ROI and payback by hand, the NPV sensitivity's swings, and the
seeded Monte Carlo (reproducible, equal to the direct computation, P(NPV > 0) against the
distribution's exact CDF)."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import stats

from crmselect.cost import (
    Assumptions,
    Benefit,
    Offer,
    Range,
    TcoComparison,
    business_case,
    compare_tco,
    monte_carlo,
    npv_sensitivity,
    payback,
)
from crmselect.errors import ValidationError

ANNUITY = 1 / 1.1 + 1 / 1.1**2 + 1 / 1.1**3  # PV of 1 a year for years 1–3 at 10 %
PV_COSTS = 10_000 + 1000 * ANNUITY


def comparison() -> TcoComparison:
    """Two offers, 10 users for 3 years at 10 %: 10,000 up front, then 1,000 a year (a);
    b costs twice as much."""
    a = Offer("a", "subscription", 100.0, "year", implementation_days=10, day_rate=1000.0)
    b = Offer("b", "subscription", 200.0, "year", implementation_days=20, day_rate=1000.0)
    return compare_tco([a, b], Assumptions([10, 10, 10], discount_rate=0.1))


BENEFIT = Benefit("sales", (2000.0, 6000.0, 8000.0), kind="revenue")


def test_npv_roi_and_payback_by_hand() -> None:
    case = business_case(comparison(), [BENEFIT])
    row = case.summary.loc["a"]
    assert row["pv_benefits"] == pytest.approx(6000 * ANNUITY)
    assert row["pv_costs"] == pytest.approx(PV_COSTS)
    assert row["npv"] == pytest.approx(6000 * ANNUITY - PV_COSTS)
    assert row["roi"] == pytest.approx((6000 * ANNUITY - PV_COSTS) / PV_COSTS)
    assert row["simple_roi"] == pytest.approx((18_000 - 13_000) / 13_000)
    # net −10,000, 5,000, 5,000, 5,000: cumulative reaches 0 at the end of year 2
    assert row["payback_years"] == pytest.approx(2.0)
    discounted = [-10_000, 5000 / 1.1, 5000 / 1.21, 5000 / 1.331]
    short = -(discounted[0] + discounted[1] + discounted[2])
    assert row["discounted_payback_years"] == pytest.approx(2 + short / discounted[3])
    # b: 20,000 up front and 2,000 a year never pays back at 6,000 a year within 3 years
    assert math.isnan(case.summary.loc["b", "payback_years"])
    flows = case.cash_flows.loc["a"]
    assert flows["net"].tolist() == pytest.approx([-10_000, 5000, 5000, 5000])
    assert flows["cumulative"].tolist() == pytest.approx([-10_000, -5000, 0, 5000])


def test_payback_edge_cases() -> None:
    assert payback([[5.0, -1.0]]).tolist() == [0.0]
    assert payback([[-10.0, 4.0, 4.0, 4.0]]).tolist() == pytest.approx([2.5])
    assert math.isnan(payback([[-10.0, 1.0]])[0])


def test_ramp_per_user_benefits_and_vendor_scope() -> None:
    per_user = Benefit("productivity", (50, 100, 150), per_user=True, ramp=(0.5, 1.0))
    service = Benefit("service", Range.point(1000.0), vendors=["a"])
    case = business_case(comparison(), [per_user, service])
    a = case.cash_flows.loc["a", "benefits"].tolist()
    b = case.cash_flows.loc["b", "benefits"].tolist()
    assert a == pytest.approx([0, 0.5 * 10 * 100 + 1000, 1000 + 1000, 1000 + 1000])
    assert b == pytest.approx([0, 500, 1000, 1000])  # b does not deliver the service savings
    assert case.pv_per_unit.loc["b", "service"] == 0.0
    assert case.pv_per_unit.loc["a", "productivity"] == pytest.approx(
        10 * (0.5 / 1.1 + 1 / 1.21 + 1 / 1.331)
    )


def test_npv_sensitivity_swings_one_input_at_a_time() -> None:
    case = business_case(comparison(), [BENEFIT], cost_factor=(0.9, 1.0, 1.5))
    result = npv_sensitivity(case, "a")
    table = result.table
    assert list(table.index) == ["sales", "cost_factor"]  # sorted by swing
    assert result.base_npv == pytest.approx(6000 * ANNUITY - PV_COSTS)
    assert table.loc["sales", "npv_low"] == pytest.approx(2000 * ANNUITY - PV_COSTS)
    assert table.loc["sales", "npv_high"] == pytest.approx(8000 * ANNUITY - PV_COSTS)
    assert table.loc["cost_factor", "npv_low"] == pytest.approx(6000 * ANNUITY - 0.9 * PV_COSTS)
    assert table.loc["cost_factor", "npv_high"] == pytest.approx(6000 * ANNUITY - 1.5 * PV_COSTS)
    assert table.loc["sales", "swing"] == pytest.approx(6000 * ANNUITY)
    assert case.npv_sensitivity().vendor == "a"  # default: the highest NPV
    with pytest.raises(ValidationError, match="not in the business case"):
        npv_sensitivity(case, "zzz")


def test_monte_carlo_is_reproducible_and_seed_dependent() -> None:
    case = business_case(comparison(), [BENEFIT], cost_factor=(0.9, 1.0, 1.5))
    first = monte_carlo(case, 2000, seed=7)
    again = case.monte_carlo(2000, seed=7)
    other = monte_carlo(case, 2000, seed=8)
    assert first.npv.equals(again.npv)
    assert first.fingerprint == again.fingerprint
    assert not first.npv.equals(other.npv)
    assert first.seed == 7
    assert first.npv.shape == (2000, 2)


def test_monte_carlo_equals_the_direct_computation_draw_by_draw() -> None:
    extra = Benefit("service", (500.0, 1000.0, 3000.0), vendors=["b"])
    case = business_case(comparison(), [BENEFIT, extra], cost_factor=(0.9, 1.0, 1.5))
    result = monte_carlo(case, 5, seed=3)
    for i in range(3):
        x = result.draws.iloc[i]
        point = business_case(
            comparison(),
            [
                Benefit("sales", Range.point(x["sales"])),
                Benefit("service", Range.point(x["service"]), vendors=["b"]),
            ],
            cost_factor=Range.point(x["cost_factor"]),
        )
        assert result.npv.iloc[i].to_numpy() == pytest.approx(point.summary["npv"].to_numpy())


@pytest.mark.parametrize("distribution", ["pert", "triangular"])
def test_probability_of_positive_npv_matches_the_exact_cdf(distribution: str) -> None:
    case = business_case(comparison(), [BENEFIT])
    n = 20_000
    result = monte_carlo(case, n, seed=2026, distribution=distribution)
    threshold = PV_COSTS / ANNUITY  # NPV of a > 0 ⇔ sales > 5,021
    low, mode, high = 2000.0, 6000.0, 8000.0
    if distribution == "pert":
        alpha = 1 + 4 * (mode - low) / (high - low)
        beta = 1 + 4 * (high - mode) / (high - low)
        exact = 1 - stats.beta.cdf((threshold - low) / (high - low), alpha, beta)
        mean = (low + 4 * mode + high) / 6
    else:
        exact = 1 - (threshold - low) ** 2 / ((high - low) * (mode - low))
        mean = (low + mode + high) / 3
    p = result.p_positive["a"]
    assert abs(p - exact) < 4 * math.sqrt(exact * (1 - exact) / n)
    assert result.summary.loc["a", "p_positive_margin"] == pytest.approx(
        1.96 * math.sqrt(p * (1 - p) / n)
    )
    assert result.draws["sales"].mean() == pytest.approx(mean, abs=60)
    assert result.p_positive["b"] == 0.0  # b's 20,000 up front is never recovered


def test_adding_a_benefit_leaves_the_other_draws_unchanged() -> None:
    one = monte_carlo(business_case(comparison(), [BENEFIT]), 500, seed=11)
    extra = Benefit("retention", (0.0, 100.0, 300.0))
    two = monte_carlo(business_case(comparison(), [BENEFIT, extra]), 500, seed=11)
    assert np.array_equal(one.draws["sales"].to_numpy(), two.draws["sales"].to_numpy())


def test_p_best_shares_ties() -> None:
    same = compare_tco(
        [Offer("a", "subscription", 10.0, "year"), Offer("b", "subscription", 10.0, "year")],
        Assumptions([5, 5]),
    )
    result = monte_carlo(business_case(same, [BENEFIT]), 100, seed=1)
    assert result.p_best.to_dict() == {"a": 0.5, "b": 0.5}


def test_validation() -> None:
    with pytest.raises(ValidationError, match="low ≤ likely ≤ high"):
        Range(5.0, 1.0, 10.0)
    with pytest.raises(ValidationError, match=r"ramp share 1\.5"):
        Benefit("x", (1, 2, 3), ramp=(0.5, 1.5))
    with pytest.raises(ValidationError) as caught:
        business_case(
            comparison(),
            [BENEFIT, BENEFIT, Benefit("y", (1, 2, 3), vendors=["ghost"])],
            vendors=["a", "zzz"],
            cost_factor=(0.0, 1.0, 1.0),
        )
    text = str(caught.value)
    assert "vendor 'zzz': has no offer in the TCO comparison" in text
    assert "benefit 'sales': the id is used more than once" in text
    assert "delivered by unknown vendor 'ghost'" in text
    assert "cost_factor: must be positive" in text
    with pytest.raises(ValidationError, match="no benefits given"):
        business_case(comparison(), [])
    case = business_case(comparison(), [BENEFIT])
    with pytest.raises(ValidationError) as caught:
        monte_carlo(case, 0, distribution="normal")
    assert len(caught.value.problems) == 2


def test_display_and_plots() -> None:
    matplotlib = pytest.importorskip("matplotlib")
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.axes import Axes

    case = business_case(comparison(), [BENEFIT], cost_factor=(0.9, 1.0, 1.5))
    assert "beyond horizon" in case._repr_html_()
    assert "best NPV a" in repr(case)
    result = case.monte_carlo(1000, seed=5)
    assert "seed 5" in result._repr_html_()
    assert "P(NPV > 0)" in repr(result)
    ax = result.plot()
    assert isinstance(ax, Axes)
    assert len(ax.patches) == 2  # one step histogram per vendor
    t = case.npv_sensitivity()
    assert isinstance(t.plot(), Axes)
    assert "sales" in t._repr_html_()
    plt.close("all")


def test_inputs_are_drawn_independently() -> None:
    extra = Benefit("retention", (2000.0, 6000.0, 8000.0))  # same range as sales
    result = monte_carlo(business_case(comparison(), [BENEFIT, extra]), 4000, seed=9)
    draws = result.draws
    assert not np.array_equal(draws["sales"].to_numpy(), draws["retention"].to_numpy())
    assert abs(np.corrcoef(draws["sales"], draws["retention"])[0, 1]) < 0.06  # 3.8 SE
