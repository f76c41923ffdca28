"""crmselect.cost on the bundled example: the six returned workbooks' priced offers, their
5-year TCO, the price criterion in the performance matrix, and the business case.

The committee's assumptions used here (a proposal for the example's ``costs:`` section):
120 named users growing 10 % a year, 5 years of use, 8 % discount rate, concurrency ratio
0.6, 3 % price escalation after each contract's price hold, data migration 25,000 and
integration 40,000 per offer, training 400 per new user, 1.5 FTE on the project and 0.5 FTE
running the CRM at 85,000 a year.
"""

from __future__ import annotations

import functools

import attrs
import pytest

import crmselect
from crmselect import cost
from crmselect.rfp import read_response
from tests.helpers import KEY, REPO

RETURNED = REPO / "examples" / "larkspur" / "returned"
DEPLOYMENT = {"kestrel": "partner_hosted", "helix": "saas", "meridian": "saas"}
ASSUMPTIONS = cost.Assumptions.growing(
    120,
    0.10,
    5,
    discount_rate=0.08,
    concurrency_ratio=0.6,
    training_per_user=400.0,
    project_fte=1.5,
    support_fte=0.5,
    fte_cost=85_000.0,
    hardware=60_000.0,
    hardware_refresh_years=4,
    on_premise_operations=25_000.0,
)
BENEFITS = [
    cost.Benefit(
        "revenue",
        (40_000, 120_000, 220_000),
        kind="revenue",
        ramp=(0.3, 0.7, 1.0),
        vendors=["orbis", "kestrel", "tidewater", "quillpoint", "meridian"],  # not service-only
    ),
    cost.Benefit("retention", (20_000, 60_000, 110_000), kind="retention", ramp=(0.5, 1.0)),
    cost.Benefit(
        "service",
        (30_000, 70_000, 100_000),
        kind="service_cost",
        vendors=["orbis", "kestrel", "tidewater", "helix", "meridian"],  # not the SFA point app
    ),
    cost.Benefit(
        "productivity", (600, 1200, 1800), kind="productivity", per_user=True, ramp=(0.5, 1.0)
    ),
]


@functools.cache
def offers() -> tuple[cost.Offer, ...]:
    evaluation = crmselect.example()
    questions = attrs.evolve(evaluation, responses=(), import_problems=())
    found = []
    for path in sorted(RETURNED.glob("*.xlsx")):
        response = read_response(path, questions, key=KEY)
        deployment = DEPLOYMENT.get(response.vendor) or next(iter(response.deployment))
        found.append(
            cost.offer_from_pricing(
                response.vendor,
                response.pricing,
                deployment,
                escalation=0.03,
                data_migration=25_000.0,
                integration=40_000.0,
            )
        )
    return tuple(found)


@functools.cache
def comparison() -> cost.TcoComparison:
    return cost.compare_tco(offers(), ASSUMPTIONS)


@pytest.mark.slow
def test_every_returned_workbook_becomes_an_offer() -> None:
    by_vendor = {o.vendor: o for o in offers()}
    assert sorted(by_vendor) == ["helix", "kestrel", "meridian", "orbis", "quillpoint", "tidewater"]
    assert by_vendor["kestrel"].licensing.value == "perpetual"
    assert by_vendor["helix"].user_type.value == "concurrent"


@pytest.mark.slow
def test_kestrel_partner_hosted_perpetual_by_hand() -> None:
    flows = comparison()["kestrel"].cash_flows
    # 120 licences × 1,450; 320 days × 1,050; 120 × 400 training; 1.5 × 85,000 staff
    year0 = 174_000 + 336_000 + 25_000 + 40_000 + 48_000 + 127_500
    assert flows.loc[0].sum() == pytest.approx(year0)
    # 20 % maintenance on 120, 132, 145, 160, 176 licences (prices held for 5 years)
    assert flows["maintenance"].tolist()[1:] == pytest.approx(
        [0.2 * 1450 * u for u in (120, 132, 145, 160, 176)]
    )
    assert flows["hosting"].tolist()[1:] == [38_000.0] * 5


def test_helix_concurrent_licences_and_escalation_after_its_three_year_contract() -> None:
    result = comparison()["helix"]
    assert result.licences.tolist() == [72, 80, 87, 96, 106]
    fees = [140 * 12 * n for n in (72, 80, 87, 96, 106)]
    fees[3] *= 1.03
    fees[4] *= 1.03**2
    assert result.cash_flows["subscription"].tolist()[1:] == pytest.approx(fees)


def test_five_year_tco_table() -> None:
    summary = comparison().summary
    assert summary["total"].round(0).to_dict() == {
        "helix": 1_374_763.0,
        "kestrel": 1_469_170.0,
        "meridian": 1_377_120.0,
        "orbis": 1_581_711.0,
        "quillpoint": 1_038_653.0,
        "tidewater": 1_418_978.0,
    }
    assert summary["npv"].idxmin() == "quillpoint"
    assert (summary["npv"] < summary["total"]).all()


@pytest.mark.slow
def test_an_ad_hoc_price_criterion_enters_the_performance_matrix() -> None:
    result = crmselect.score(crmselect.example())
    scores = cost.price_scores(comparison().prices("npv"))
    matrix, weights = cost.add_price_criterion(
        result.matrix, result.weights, scores, 0.3, name="what_if_price"
    )
    assert weights.sum() == pytest.approx(1.0)
    assert matrix["what_if_price"]["quillpoint"] == 1.0
    totals = matrix @ weights
    assert totals["orbis"] == pytest.approx(0.7 * result.totals["orbis"] + 0.3 * scores["orbis"])
    flags = cost.abnormally_low(comparison().prices("npv"))
    assert flags["flagged"].to_dict()["quillpoint"]  # 27 % under the median: ask why


def test_business_case_of_the_short_list() -> None:
    shortlist = ["orbis", "kestrel", "meridian", "quillpoint"]
    case = cost.business_case(
        comparison(), BENEFITS, cost_factor=(0.95, 1.0, 1.3), vendors=shortlist
    )
    assert case.summary.loc["quillpoint", "pv_benefits"] < case.summary.loc["orbis", "pv_benefits"]
    assert (case.summary["npv"] > 0).all()
    result = case.monte_carlo(4000, seed=2026)
    p = result.p_positive
    assert ((p > 0.5) & (p < 1.0)).all()
    assert result.npv.equals(case.monte_carlo(4000, seed=2026).npv)
    assert case.npv_sensitivity("orbis").table.index[0] in ("productivity", "revenue")


def test_text_reports_for_the_demo() -> None:
    tco_text = cost.tco_report(comparison())
    lines = tco_text.splitlines()
    assert lines[0] == "5-year TCO in EUR (year 0 = project; NPV at 8.0%, end-of-year)"
    assert lines[3].startswith("quillpoint")  # lowest NPV first
    assert "1,469,170" in tco_text  # kestrel's total
    case = cost.business_case(comparison(), BENEFITS, vendors=["orbis", "quillpoint"])
    text = cost.business_case_report(case, case.monte_carlo(2000, seed=1))
    assert text.startswith("Business case over 5 years at 8.0%: quillpoint has the highest NPV")
    assert "P(NPV > 0) = " in text
    assert "seed 1)" in text
