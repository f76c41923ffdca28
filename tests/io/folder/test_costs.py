"""The ``costs:`` section of an evaluation folder, and the cost analysis it feeds."""

from __future__ import annotations

from pathlib import Path

import pytest

import crmselect
from crmselect import CrmselectError, derive, load_tender
from crmselect.analysis import analyse
from crmselect.cli import main
from crmselect.report import full_report
from tests.helpers import MINIMAL_YAML, write_minimal

PRICING = """pricing:
  x: {currency: EUR, licensing_model: subscription, user_type: named, price_per_named_user: 50,
      price_period: per month, contract_years: 3,
      implementation_days: 0, day_rate: 0}
  y: {currency: EUR, licensing_model: perpetual, user_type: named, price_per_named_user: 1000,
      price_period: one-off, maintenance_percent: 20,
      implementation_days: 0, day_rate: 0}
"""


def folder_with(tmp_path: Path, costs: str, pricing: str = PRICING) -> Path:
    text = MINIMAL_YAML.replace(
        "responses: responses.csv", f"{pricing}{costs}responses: responses.csv"
    )
    return write_minimal(tmp_path / "c", yaml_text=text)


def test_hand_checked_tco_from_the_folder(tmp_path: Path) -> None:
    """x: 10 users × 50 × 12 = 6,000 a year for 2 years = 12,000 (no other costs).
    y: 10 × 1,000 licence in year 0, then 20 % maintenance = 2,000 a year → 14,000."""
    folder = folder_with(
        tmp_path,
        "costs:\n  users: [10, 10]\n  discount_rate: 0\n  offers: {y: {deployment: on_premise}}\n",
    )
    tender = load_tender(folder)
    assert tender.costs is not None
    analysis = analyse(tender, n_samples=500)
    assert analysis.costs is not None
    totals = analysis.costs.tco.summary["total"].to_dict()
    assert totals == pytest.approx({"x": 12_000, "y": 14_000})
    assert "== Costs ==" in full_report(analysis.result, analysis)


def test_pricing_round_trips_through_save(tmp_path: Path) -> None:
    evaluation = derive(load_tender(folder_with(tmp_path, ""))).evaluation
    crmselect.save_evaluation(evaluation, tmp_path / "copy")
    again = derive(load_tender(tmp_path / "copy")).evaluation
    assert again.pricing == evaluation.pricing
    assert again.fingerprint == evaluation.fingerprint


@pytest.mark.parametrize(
    ("costs", "message"),
    [
        ("costs:\n  users: {start: 10, growth: 0.1}\n", "also give 'years'"),
        (
            "costs:\n  users: [10]\n  offers: {nobody: {deployment: saas}}\n",
            "unknown vendor 'nobody'",
        ),
        ("costs:\n  users: [10]\n  discount_rate: 2\n", "above the maximum 1"),
        ("costs:\n  users: [10]\n  cost_factor: [1, 2]\n", "expected [low, likely, high]"),
        ("costs:\n  users: [10]\n  benefits: [{id: b, low: 1}]\n", "missing required key 'likely'"),
        ("costs:\n  users: [10]\n  colour: red\n", "unknown key 'colour'"),
    ],
)
def test_bad_costs_are_reported(tmp_path: Path, costs: str, message: str) -> None:
    folder = folder_with(tmp_path, costs)
    with pytest.raises(CrmselectError) as caught:
        load_tender(folder)
    assert message in str(caught.value)


def test_several_deployments_must_be_chosen(tmp_path: Path) -> None:
    folder = folder_with(
        tmp_path,
        "costs:\n  users: [10]\n",
        pricing=PRICING.replace(
            "  y: {",
            "  z: {licensing_model: subscription, user_type: named, "
            "price_per_named_user: 9, price_period: per month, implementation_days: 0, "
            "day_rate: 0}\n  y: {",
        ),
    )
    text = (folder / "evaluation.yaml").read_text(encoding="utf-8")
    (folder / "evaluation.yaml").write_text(
        text.replace("deployment: [hosted]", "deployment: [hosted, saas]"), encoding="utf-8"
    )
    with pytest.raises(CrmselectError, match="vendor 'z' offers several deployments"):
        load_tender(folder)


def test_no_costs_section_means_no_cost_analysis(tmp_path: Path) -> None:
    folder = folder_with(tmp_path, "")
    assert load_tender(folder).costs is None


@pytest.mark.slow
def test_example_demo_shows_tco_and_business_case(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["demo", "--samples", "1000"]) == 0
    out = capsys.readouterr().out
    assert "5-year TCO in EUR" in out
    assert "kestrel     perpetual/named/partner_hosted" in out
    assert "Business case over 5 years at 8.0%: quillpoint has the highest NPV" in out
