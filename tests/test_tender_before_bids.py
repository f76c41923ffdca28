"""A tender designed in full — price criterion, price rule, cost model — but with no bids yet
loads, derives and makes its forms; the price and cost checks apply once scoring needs them
(issue 17 item 2)."""

from __future__ import annotations

from pathlib import Path

import pytest

import crmselect
from crmselect.cli import main
from crmselect.cost.case import analyse_costs
from crmselect.errors import CrmselectError, ValidationError
from crmselect.io.folder.scaffold import Member, new_tender

DESIGN = """
price: {criterion: price, method: budget, budget: 1600000}
costs:
  users: {start: 120, growth: 0.05}
  years: 5
demo_scripts:
  - {id: D1, title: Lead to order, criteria: [sfa], minutes: 45}
"""


@pytest.fixture
def designed(tmp_path: Path) -> Path:
    """A new tender with a price leaf, a budget price rule and a cost model; no bids."""
    folder = tmp_path / "acme"
    file = new_tender(
        folder,
        name="Acme",
        groups=["functional", "commercial"],
        vendors=[Member("helix", "Helix"), Member("orbis", "Orbis")],
        evaluators=[Member("it", "Ana"), Member("sales", "Ben")],
    )
    text = file.read_text("utf-8").replace(
        "      - id: contract    # Contract terms\n        weight: 45\n",
        "      - id: contract    # Contract terms\n        weight: 45\n"
        "      - id: price\n        name: Price\n        weight: 40\n",
    )
    file.write_text(text + DESIGN, "utf-8")
    return folder


def test_it_loads_and_derives_without_prices(designed: Path) -> None:
    tender = crmselect.derive(crmselect.load_tender(designed))
    assert tender.costs is not None
    assert dict(tender.costs.offers) == {}
    assert tender.evaluation.price is not None
    assert dict(tender.evaluation.price.prices) == {}


@pytest.mark.parametrize(
    ("command", "made"),
    [
        (["template"], ["helix.xlsx", "orbis.xlsx"]),
        (["workshop"], ["it.xlsx", "sales.xlsx"]),
        (["scoring-sheets"], ["scoring", "scripts"]),
    ],
    ids=["template", "workshop", "scoring-sheets"],
)
def test_every_form_can_be_made_before_the_bids(
    designed: Path, tmp_path: Path, command: list[str], made: list[str]
) -> None:
    out = tmp_path / "out"
    assert main([command[0], str(designed), "--out", str(out)]) == 0
    assert sorted(p.name for p in out.iterdir()) == made


def test_scoring_asks_for_the_bids(designed: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["evaluate", str(designed)]) == 2
    assert "no vendor has pricing" in capsys.readouterr().err
    with pytest.raises(CrmselectError, match="no vendor has pricing"):
        crmselect.analyse(crmselect.load_tender(designed))


def test_the_cost_analysis_waits_for_the_bids(designed: Path) -> None:
    costs = crmselect.load_tender(designed).costs
    assert costs is not None
    with pytest.raises(ValidationError) as caught:
        analyse_costs(costs)
    assert "the costs are analysed once the bids are in" in caught.value.problems[0].what
