"""crmselect.cost.tco: hand-computed cash flows for each licensing × deployment combination,
NPV against a hand computation, and properties (raising a cost never lowers the TCO; a zero
discount rate makes the NPV the plain sum)."""

from __future__ import annotations

import math

import attrs
import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from crmselect.cost import (
    CATEGORIES,
    Assumptions,
    Offer,
    VolumeTier,
    cash_flows,
    compare_tco,
    discount_factors,
    licence_cost,
    npv,
    tco,
)
from crmselect.errors import ValidationError


def _column(result_flows: pd.DataFrame, category: str) -> list[float]:
    return [round(v, 6) for v in result_flows[category].tolist()]


def test_perpetual_with_maintenance_on_premise_hand_computed() -> None:
    offer = Offer(
        "acme",
        "perpetual",
        1000.0,
        "one_off",
        deployment="on_premise",
        maintenance_rate=0.2,
        escalation=0.1,
        price_hold_years=2,
        implementation_days=50,
        day_rate=1000.0,
        data_migration=5000.0,
        integration=8000.0,
        training=2000.0,
    )
    a = Assumptions(
        users=[10, 12, 12, 15],
        discount_rate=0.1,
        training_per_user=100.0,
        project_fte=1.0,
        support_fte=0.5,
        fte_cost=60_000.0,
        hardware=20_000.0,
        hardware_refresh_years=2,
        on_premise_operations=5000.0,
    )
    result = tco(offer, a)
    flows = result.cash_flows
    # prices held for 2 years, then +10 % a year: factors 1, 1, 1, 1.1, 1.21
    assert _column(flows, "licence") == [10_000, 0, 2000, 0, 3630]  # 10, +2, +0, +3 licences
    assert _column(flows, "maintenance") == [0, 2000, 2400, 2640, 3630]  # 20 % of 10k,12k,12k,15k
    assert _column(flows, "infrastructure") == [20_000, 5000, 25_000, 5000, 5000]  # refresh at 2
    assert _column(flows, "implementation") == [50_000, 0, 0, 0, 0]
    assert _column(flows, "data_migration") == [5000, 0, 0, 0, 0]
    assert _column(flows, "integration") == [8000, 0, 0, 0, 0]
    assert _column(flows, "training") == [3000, 0, 200, 0, 300]  # 2000 + 10·100; new users
    assert _column(flows, "internal_staff") == [60_000, 30_000, 30_000, 30_000, 30_000]
    assert _column(flows, "subscription") == [0] * 5
    assert _column(flows, "hosting") == [0] * 5
    assert result.by_year.round(6).tolist() == [156_000, 37_000, 59_600, 37_640, 42_560]
    assert result.total == pytest.approx(332_800)
    expected_npv = 156_000 + 37_000 / 1.1 + 59_600 / 1.1**2 + 37_640 / 1.1**3 + 42_560 / 1.1**4
    assert result.npv == pytest.approx(expected_npv, rel=1e-12)
    assert result.per_user_month == pytest.approx(332_800 / (12 * (10 + 12 + 12 + 15)))
    assert result.licences.tolist() == [10, 12, 12, 15]


def test_subscription_saas_per_month_with_escalation_ignores_hardware() -> None:
    offer = Offer(
        "saasco",
        "subscription",
        50.0,
        "per month",
        escalation=0.05,
        hosting_fee=1200.0,
        implementation_days=20,
        day_rate=1200.0,
    )
    a = Assumptions(users=[100, 110, 120], hardware=99_999.0, on_premise_operations=9999.0)
    flows = cash_flows(offer, a)
    assert _column(flows, "subscription") == [0, 60_000, 69_300, 79_380]  # ·1, ·1.05, ·1.1025
    assert _column(flows, "hosting") == [0, 1200, 1260, 1323]
    assert _column(flows, "implementation") == [24_000, 0, 0, 0]
    assert _column(flows, "infrastructure") == [0, 0, 0, 0]
    assert flows.to_numpy().sum() == pytest.approx(24_000 + 61_200 + 70_560 + 80_703)


def test_concurrent_subscription_on_partner_hosting() -> None:
    offer = Offer(
        "hostco",
        "subscription",
        900.0,
        "year",
        user_type="concurrent",
        deployment="partner_hosted",
        hosting_fee=10_000.0,
    )
    a = Assumptions(users=[120, 132], concurrency_ratio=0.6, hardware=50_000.0)
    result = tco(offer, a)
    assert result.licences.tolist() == [72, 80]  # 120·0.6 = 72 exactly; 132·0.6 = 79.2 → 80
    assert _column(result.cash_flows, "subscription") == [0, 64_800, 72_000]
    assert _column(result.cash_flows, "hosting") == [0, 10_000, 10_000]
    assert _column(result.cash_flows, "infrastructure") == [0, 0, 0]
    assert result.total == pytest.approx(156_800)


def test_concurrent_offer_without_concurrency_ratio_is_an_error() -> None:
    offer = Offer("hostco", "subscription", 900.0, "year", user_type="concurrent")
    with pytest.raises(ValidationError, match="concurrency_ratio") as caught:
        tco(offer, Assumptions(users=[10]))
    assert "hostco" in caught.value.problems[0].where


@pytest.mark.parametrize(
    ("mode", "licence", "maintenance"),
    [
        # licences 50, 75, 110: graduated C = 100k, 137.5k, 185k
        ("graduated", [100_000, 0, 37_500, 47_500], [0, 18_000, 24_750, 33_300]),
        # all-units: the 35 added licences are priced at the band 110 reaches (1,000)
        ("all_units", [100_000, 0, 37_500, 35_000], [0, 18_000, 24_750, 31_050]),
    ],
)
def test_perpetual_concurrent_partner_hosted_with_volume_tiers(
    mode: str, licence: list[float], maintenance: list[float]
) -> None:
    offer = Offer(
        "tier",
        "perpetual",
        2000.0,
        "one_off",
        user_type="concurrent",
        deployment="partner_hosted",
        tiers=[(51, 1500.0), VolumeTier(101, 1000.0)],
        tier_mode=mode,
        maintenance_rate=0.18,
        hosting_fee=5000.0,
    )
    a = Assumptions(users=[100, 150, 220], concurrency_ratio=0.5, hardware=1e6)
    flows = cash_flows(offer, a)
    assert _column(flows, "licence") == licence
    assert _column(flows, "maintenance") == maintenance
    assert _column(flows, "hosting") == [0, 5000, 5000, 5000]
    assert _column(flows, "infrastructure") == [0, 0, 0, 0]


def test_hybrid_subscription_brings_hardware_and_hosting() -> None:
    offer = Offer("hyb", "subscription", 30.0, "month", deployment="hybrid", hosting_fee=2000.0)
    a = Assumptions(users=[10, 10, 10], hardware=5000.0, on_premise_operations=1000.0)
    result = tco(offer, a)
    assert result.by_year.tolist() == [5000, 6600, 6600, 6600]  # 3,600 + 2,000 + 1,000
    assert result.total == 24_800


def test_licence_cost_tiers() -> None:
    offer = Offer("x", "subscription", 10.0, "month", tiers=[VolumeTier(101, 8.0)])
    assert licence_cost(offer, [0, 100, 101, 150]).tolist() == [0, 1000, 1008, 1400]
    all_units = attrs.evolve(offer, tier_mode="all_units")
    assert licence_cost(all_units, [0, 100, 101, 150]).tolist() == [0, 1000, 808, 1200]


def test_internal_costs_inflate_after_year_one() -> None:
    a = Assumptions(users=[10, 10, 10], support_fte=1.0, fte_cost=1000.0, inflation=0.1)
    flows = cash_flows(Offer("x", "subscription", 0.0, "month"), a)
    assert _column(flows, "internal_staff") == [0, 1000, 1100, 1210]


def test_npv_hand_computation_and_timing() -> None:
    flows = [-1000.0, 300.0, 400.0, 500.0]
    assert npv(flows, 0.1) == pytest.approx(-1000 + 300 / 1.1 + 400 / 1.21 + 500 / 1.331)
    assert npv(flows, 0.1, "start") == pytest.approx(-1000 + 300 + 400 / 1.1 + 500 / 1.21)
    assert discount_factors(0.0, 3).tolist() == [1.0, 1.0, 1.0, 1.0]
    two_rows = npv(np.array([flows, [1.0, 1.0, 1.0, 1.0]]), 0.1)
    assert isinstance(two_rows, np.ndarray)
    assert two_rows.shape == (2,)
    assert two_rows[1] == pytest.approx(1 + 1 / 1.1 + 1 / 1.21 + 1 / 1.331)
    with pytest.raises(ValidationError, match="timing"):
        npv(flows, 0.1, "middle")


def test_tco_timing_start_discounts_year_one_as_today() -> None:
    offer = Offer("x", "subscription", 100.0, "year")
    end = tco(offer, Assumptions(users=[1, 1], discount_rate=0.25))
    start = tco(offer, Assumptions(users=[1, 1], discount_rate=0.25, timing="start"))
    assert end.npv == pytest.approx(100 / 1.25 + 100 / 1.25**2)
    assert start.npv == pytest.approx(100 + 100 / 1.25)


# -- properties ----------------------------------------------------------------------------

_COST_FIELDS = (
    "unit_price",
    "hosting_fee",
    "implementation_days",
    "day_rate",
    "data_migration",
    "integration",
    "training",
    "escalation",
    "maintenance_rate",
)
_ASSUMPTION_FIELDS = (
    "training_per_user",
    "project_fte",
    "support_fte",
    "fte_cost",
    "hardware",
    "on_premise_operations",
    "inflation",
)
money = st.floats(0, 1e5, allow_nan=False)
rate = st.floats(0, 0.5, allow_nan=False)


@st.composite
def offers(draw: st.DrawFn) -> Offer:
    perpetual = draw(st.booleans())
    first_tier = draw(st.integers(2, 200))
    return Offer(
        "v",
        "perpetual" if perpetual else "subscription",
        draw(st.floats(0, 3000, allow_nan=False)),
        "one_off" if perpetual else draw(st.sampled_from(["month", "year"])),
        user_type=draw(st.sampled_from(["named", "concurrent"])),
        deployment=draw(st.sampled_from(["on_premise", "partner_hosted", "saas", "hybrid"])),
        tiers=draw(
            st.sampled_from([(), ((first_tier, draw(st.floats(0, 3000, allow_nan=False))),)])
        ),
        tier_mode=draw(st.sampled_from(["graduated", "all_units"])),
        maintenance_rate=draw(rate) if perpetual else 0.0,
        escalation=draw(rate),
        price_hold_years=draw(st.integers(0, 4)),
        hosting_fee=draw(money),
        implementation_days=draw(st.floats(0, 500, allow_nan=False)),
        day_rate=draw(st.floats(0, 2000, allow_nan=False)),
        data_migration=draw(money),
        integration=draw(money),
        training=draw(money),
    )


@st.composite
def assumptions(draw: st.DrawFn) -> Assumptions:
    return Assumptions(
        users=draw(st.lists(st.integers(0, 400), min_size=1, max_size=7)),
        discount_rate=draw(st.floats(-0.5, 0.5, allow_nan=False)),
        concurrency_ratio=draw(st.floats(0.05, 1.0, allow_nan=False)),
        timing=draw(st.sampled_from(["end", "start"])),
        training_per_user=draw(money),
        project_fte=draw(st.floats(0, 5, allow_nan=False)),
        support_fte=draw(st.floats(0, 5, allow_nan=False)),
        fte_cost=draw(money),
        hardware=draw(money),
        hardware_refresh_years=draw(st.one_of(st.none(), st.integers(1, 5))),
        on_premise_operations=draw(money),
        inflation=draw(rate),
    )


@pytest.mark.slow
@settings(max_examples=150, deadline=None)
@given(offers(), assumptions(), st.data())
def test_raising_any_cost_never_lowers_tco_or_its_npv(
    offer: Offer, a: Assumptions, data: st.DataObject
) -> None:
    before = tco(offer, a)
    step = data.draw(st.floats(0, 1e4, allow_nan=False), label="step")
    target = data.draw(st.sampled_from(_COST_FIELDS + _ASSUMPTION_FIELDS + ("tier",)))
    if target == "tier":
        if not offer.tiers:
            return
        tier = offer.tiers[0]
        after_offer = attrs.evolve(offer, tiers=[(tier.from_licences, tier.price + step)])
        after = tco(after_offer, a)
    elif target in _COST_FIELDS:
        value = getattr(offer, target)
        if target in ("escalation", "maintenance_rate"):
            if offer.licensing.value == "subscription" and target == "maintenance_rate":
                return
            new = min(1.0, value + step / 1e4)
        else:
            new = value + step
        after = tco(attrs.evolve(offer, **{target: new}), a)
    else:
        value = getattr(a, target)
        new = min(1.0, value + step / 1e4) if target == "inflation" else value + step
        after = tco(offer, attrs.evolve(a, **{target: new}))
    tolerance = 1e-9 * max(1.0, before.total)
    assert after.total >= before.total - tolerance
    assert after.npv >= before.npv - tolerance  # every discount factor is positive
    assert (after.by_year.to_numpy() >= before.by_year.to_numpy() - tolerance).all()


@settings(max_examples=80, deadline=None)
@given(offers(), assumptions())
def test_zero_discount_rate_makes_npv_the_plain_sum(offer: Offer, a: Assumptions) -> None:
    result = tco(offer, attrs.evolve(a, discount_rate=0.0))
    assert result.npv == pytest.approx(result.total, rel=1e-12, abs=1e-6)


@settings(max_examples=80, deadline=None)
@given(st.lists(st.floats(-1e6, 1e6, allow_nan=False), min_size=1, max_size=12))
def test_npv_at_zero_rate_is_the_sum(flows: list[float]) -> None:
    assert npv(flows, 0.0) == pytest.approx(math.fsum(flows), abs=1e-6)


@settings(max_examples=60, deadline=None)
@given(offers(), assumptions(), st.integers(1, 50))
def test_more_users_never_cost_less_with_graduated_tiers(
    offer: Offer, a: Assumptions, extra: int
) -> None:
    # Without price escalation. With it, more users can legitimately cost less: an extra
    # user bought in year 1 at the old price pushes the year-2 purchase into a cheaper
    # volume tier (hypothesis found: users 0→1 vs 1→2, escalation 50 %, tier from 2 at 0).
    offer = attrs.evolve(offer, tier_mode="graduated", escalation=0.0)
    more = attrs.evolve(a, users=[u + extra for u in a.users])
    assert tco(offer, more).total >= tco(offer, a).total - 1e-6


# -- comparison, display -------------------------------------------------------------------


def _two() -> list[Offer]:
    return [
        Offer("a", "subscription", 50.0, "month"),
        Offer("b", "perpetual", 900.0, "one_off", maintenance_rate=0.2),
    ]


def test_compare_tco_side_by_side() -> None:
    comparison = compare_tco(_two(), Assumptions([10, 10], discount_rate=0.0))
    assert comparison.summary["total"].to_dict() == {"a": 12_000.0, "b": 12_600.0}
    assert comparison.by_year.loc["b"].tolist() == [9000.0, 1800.0, 1800.0]
    assert list(comparison.by_category.columns) == list(CATEGORIES)
    assert comparison.cash_flows.index.names == ["vendor", "year"]
    assert comparison.prices("total").to_dict() == {"a": 12_000.0, "b": 12_600.0}
    assert "year 2" in comparison.to_frame().columns
    assert comparison["a"].vendor == "a"
    with pytest.raises(KeyError):
        comparison["zzz"]
    with pytest.raises(ValidationError, match="basis"):
        comparison.prices("median")


def test_compare_tco_reports_every_problem_at_once() -> None:
    offers = [
        Offer("a", "subscription", 50.0, "month", currency="USD"),
        Offer("a", "subscription", 40.0, "month"),
        Offer("c", "subscription", 40.0, "month", user_type="concurrent"),
    ]
    with pytest.raises(ValidationError) as caught:
        compare_tco(offers, Assumptions([10]))
    text = str(caught.value)
    assert "second offer" in text
    assert "several currencies — the committee's EUR, and USD: a; ask those vendors" in text
    assert "concurrency_ratio" in text


def test_display_and_plots() -> None:
    matplotlib = pytest.importorskip("matplotlib")
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.axes import Axes

    comparison = compare_tco(_two(), Assumptions([10, 10], discount_rate=0.0))
    html = comparison._repr_html_()
    assert "12,600" in html
    assert "NPV at 0.0%" in html
    assert "<table" in comparison["b"]._repr_html_()
    assert "TCO" in repr(comparison["a"])
    ax = comparison.plot()
    assert isinstance(ax, Axes)
    assert len(ax.patches) > 0
    assert isinstance(comparison.plot(vendor="b"), Axes)
    plt.close("all")


def test_notes_flag_what_to_check() -> None:
    a = Assumptions([10, 10])
    hosted = tco(Offer("h", "subscription", 5.0, "month", deployment="partner_hosted"), a)
    assert any("no hosting fee" in n for n in hosted.notes)
    onprem = tco(Offer("p", "perpetual", 5.0, "one_off", deployment="on_premise"), a)
    assert any("no hardware" in n for n in onprem.notes)
    term = tco(Offer("t", "subscription", 5.0, "month", min_term_years=3), a)
    assert any("minimum subscription term" in n for n in term.notes)
