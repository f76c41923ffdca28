"""crmselect.cost.offer: validation of offers and assumptions, and reading a Pricing sheet."""

from __future__ import annotations

import pytest

from crmselect.cost import (
    Assumptions,
    LicenceModel,
    Offer,
    PricePeriod,
    UserType,
    offer_from_pricing,
)
from crmselect.errors import ValidationError
from crmselect.model import Deployment

HELIX = {
    "currency": "EUR",
    "licensing_model": "subscription",
    "user_type": "concurrent",
    "price_per_named_user": None,
    "price_per_concurrent_user": 140.0,
    "price_period": "per month",
    "maintenance_percent": None,
    "subscription_term_years": 2.0,
    "implementation_days": 140.0,
    "day_rate": 1020.0,
    "hosting_fee_per_year": 0.0,
    "contract_years": 3.0,
}
KESTREL = {
    "currency": "EUR",
    "licensing_model": "perpetual",
    "user_type": "named",
    "price_per_named_user": 1450.0,
    "price_per_concurrent_user": None,
    "price_period": "one-off",
    "maintenance_percent": 20.0,
    "subscription_term_years": None,
    "implementation_days": 320.0,
    "day_rate": 1050.0,
    "hosting_fee_per_year": 38000.0,
    "contract_years": 5.0,
}


def test_offer_parses_the_ways_people_write_choices() -> None:
    offer = Offer("x", "Perpetual", 10.0, "one-off", user_type="Named Users", deployment="on-prem")
    assert offer.licensing is LicenceModel.PERPETUAL
    assert offer.period is PricePeriod.ONE_OFF
    assert offer.user_type is UserType.NAMED
    assert offer.deployment is Deployment.ON_PREMISE


def test_offer_collects_every_problem_with_the_vendor_named() -> None:
    with pytest.raises(ValidationError) as caught:
        Offer(
            "acme",
            "lease",
            -5.0,
            "fortnight",
            user_type="everyone",
            deployment="moon",
            maintenance_rate=20.0,
            day_rate=float("nan"),
        )
    problems = caught.value.problems
    assert all(p.where == "offer 'acme'" for p in problems)
    text = str(caught.value)
    assert "licensing 'lease' is unknown; use one of: perpetual, subscription" in text
    assert "period 'fortnight' is unknown" in text
    assert "user_type 'everyone' is unknown" in text
    assert "deployment 'moon' is unknown" in text
    assert "unit_price is -5.0; it must be a number of at least 0" in text
    assert "maintenance_rate is 20.0; give it as a fraction" in text
    assert "day_rate is nan" in text


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        (("perpetual", 10.0, "month"), "a perpetual licence is bought once"),
        (("subscription", 10.0, "one_off"), "a subscription is priced per month or per year"),
        (("subscription", None, "month"), "unit_price is missing"),
    ],
)
def test_offer_contradictions(fields: tuple[str, float | None, str], message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        Offer("x", *fields)  # type: ignore[arg-type]


def test_subscription_has_no_separate_maintenance() -> None:
    with pytest.raises(ValidationError, match="a subscription includes maintenance"):
        Offer("x", "subscription", 10.0, "month", maintenance_rate=0.2)


def test_tiers_must_increase() -> None:
    with pytest.raises(ValidationError, match="tiers must start at whole numbers above 1"):
        Offer("x", "subscription", 10.0, "month", tiers=[(100, 9.0), (50, 8.0)])


def test_assumptions_validation() -> None:
    with pytest.raises(ValidationError) as caught:
        Assumptions(
            users=[],
            discount_rate=8,
            concurrency_ratio=1.5,
            fte_cost=-1.0,
            hardware_refresh_years=0,
            timing="noon",
        )
    text = str(caught.value)
    assert "users is empty: give the number of named users in each year" in text
    assert "discount_rate is 8; give a fraction" in text
    assert "concurrency_ratio is 1.5; it must lie in (0, 1]" in text
    assert "fte_cost is -1.0" in text
    assert "hardware_refresh_years is 0" in text
    assert "timing 'noon' is unknown" in text


def test_assumptions_user_counts_must_be_whole_numbers() -> None:
    with pytest.raises(ValidationError, match=r"users in year 2 is 10\.5"):
        Assumptions(users=[10, 10.5])  # type: ignore[list-item]
    with pytest.raises(ValidationError, match="users in year 1 is None"):
        Assumptions(users=[None])  # type: ignore[list-item]


def test_growing_users_round_half_up() -> None:
    a = Assumptions.growing(120, 0.10, 5, discount_rate=0.08)
    assert a.users == (120, 132, 145, 160, 176)  # 145.2, 159.72, 175.692
    assert a.years == 5
    assert Assumptions.growing(10, 0.05, 2).users == (10, 11)  # 10.5 rounds up
    with pytest.raises(ValidationError, match="years is 0"):
        Assumptions.growing(10, 0.1, 0)


def test_offer_from_pricing_concurrent_subscription() -> None:
    offer = offer_from_pricing("helix", HELIX, "saas")
    assert offer.user_type is UserType.CONCURRENT
    assert offer.unit_price == 140.0
    assert offer.period is PricePeriod.MONTH
    assert offer.min_term_years == 2
    assert offer.price_hold_years == 3
    assert offer.implementation_cost == 140 * 1020
    assert offer.origin == "helix: Pricing"


def test_offer_from_pricing_perpetual_maintenance_percent_becomes_a_rate() -> None:
    offer = offer_from_pricing("kestrel", KESTREL, "partner_hosted", escalation=0.03)
    assert offer.licensing is LicenceModel.PERPETUAL
    assert offer.maintenance_rate == pytest.approx(0.20)
    assert offer.hosting_fee == 38_000.0
    assert offer.escalation == 0.03
    assert offer.deployment is Deployment.PARTNER_HOSTED


def test_offer_from_pricing_reports_every_gap_by_field() -> None:
    pricing = dict(KESTREL, price_per_named_user=None, maintenance_percent=None, day_rate=None)
    pricing["hosting_fee_per_year"] = None
    with pytest.raises(ValidationError) as caught:
        offer_from_pricing("kestrel", pricing, None)
    wheres = {p.where for p in caught.value.problems}
    assert wheres == {
        "kestrel: Pricing price_per_named_user",
        "kestrel: Pricing maintenance_percent",
        "kestrel: Pricing day_rate",
        "kestrel: deployment",
    }
    # a partner-hosted offer must state its hosting fee; other deployments count 0
    with pytest.raises(ValidationError, match="hosting_fee_per_year"):
        offer_from_pricing(
            "kestrel",
            pricing | {"price_per_named_user": 1.0, "day_rate": 1.0, "maintenance_percent": 1.0},
            "partner_hosted",
        )
    fine = offer_from_pricing(
        "kestrel",
        pricing | {"price_per_named_user": 1.0, "day_rate": 1.0, "maintenance_percent": 1.0},
        "on_premise",
    )
    assert fine.hosting_fee == 0.0


def test_offer_from_pricing_extra_fields_fill_gaps_and_unknown_ones_are_named() -> None:
    pricing = dict(HELIX, day_rate=None)
    offer = offer_from_pricing("helix", pricing, "saas", day_rate=1000.0)
    assert offer.day_rate == 1000.0
    no_price = dict(HELIX, price_per_concurrent_user=None)
    assert offer_from_pricing("helix", no_price, "saas", unit_price=120.0).unit_price == 120.0
    with pytest.raises(ValidationError, match="unexpected keyword argument 'colour'"):
        offer_from_pricing("helix", HELIX, "saas", colour="blue")
    with pytest.raises(ValidationError, match="licensing 'lease' is unknown") as caught:
        offer_from_pricing("helix", HELIX | {"licensing_model": "lease"}, "saas")
    assert caught.value.problems[0].where == "helix: Pricing"
