"""Price scoring and partner pairing reach the user: the analysis, the CLI's report and
tables, and the comparison workbook, on the bundled example."""

from __future__ import annotations

import functools
from pathlib import Path

import attrs
import openpyxl
import pandas as pd
import pytest

import crmselect
from crmselect.analysis import Analysis, analyse
from crmselect.cli import main
from crmselect.errors import ValidationError

pytestmark = pytest.mark.slow  # the example end to end: its analysis, the CLI's demo


@functools.cache
def example_analysis() -> Analysis:
    return analyse(crmselect.example_tender(), n_samples=1_000)


def test_the_example_pairs_the_winner_with_the_best_partner() -> None:
    pairs = example_analysis().pairs
    assert pairs is not None
    assert pairs.best == ("orbis", "granite")
    table = pairs.table
    excluded = table[table["excluded"] != ""]
    # tidewater (software) and sundara (partner) are knocked out: their pairs get no rank
    assert {v for v, _ in excluded.index} | {p for _, p in excluded.index} >= {
        "tidewater",
        "sundara",
    }
    assert excluded["rank"].isna().all()
    ranked = table[table["excluded"] == ""]
    assert sorted(ranked["rank"].astype(int)) == list(range(1, len(ranked) + 1))


def test_a_pair_costs_the_software_tco_with_the_partners_quote_for_the_services() -> None:
    analysis = example_analysis()
    assert analysis.pairs is not None
    assert analysis.costs is not None
    setup = crmselect.example_tender().partners
    assert setup is not None
    quote = next(o for o in setup.offers if (o.product, o.partner) == ("orbis", "granite"))
    software = analysis.costs.tco["orbis"].cash_flows
    services = ["implementation", "data_migration", "integration"]
    expected = float(software.to_numpy().sum()) - float(software[services].to_numpy().sum())
    expected += quote.cost
    assert analysis.pairs.table.loc[("orbis", "granite"), "total_cost"] == pytest.approx(expected)


def test_the_price_weight_bound_is_where_the_cheap_vendor_overtakes() -> None:
    """Stability interval of the price weight, checked by hand: with the price weight at w
    and the other weights scaled to 1 − w, T_v(w) = (1 − w)/(1 − w0)·(T_v − w0·p_v) + w·p_v;
    orbis leads just below the reported bound and quillpoint just above it."""
    analysis = example_analysis()
    assert analysis.stability is not None
    result = analysis.result
    w0 = float(result.weights["price"])
    upper = float(analysis.stability.loc["price", "upper"])
    assert analysis.stability.loc["price", "upper_by"] == "quillpoint"

    def total(vendor: str, w: float) -> float:
        p = float(result.matrix.loc[vendor, "price"])
        return (1 - w) / (1 - w0) * (float(result.totals[vendor]) - w0 * p) + w * p

    assert total("orbis", upper - 1e-6) > total("quillpoint", upper - 1e-6)
    assert total("quillpoint", upper + 1e-6) > total("orbis", upper + 1e-6)
    assert total("orbis", upper) == pytest.approx(total("quillpoint", upper), abs=1e-12)


def test_partners_without_a_cost_case_are_refused() -> None:
    tender = attrs.evolve(crmselect.derive(crmselect.example_tender()), costs=None)
    with pytest.raises(ValidationError, match="add a 'costs:' section"):
        analyse(tender, n_samples=500)


def test_demo_reports_the_price_criterion_and_the_pairs(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["demo", "--samples", "1000"]) == 0
    out = capsys.readouterr().out
    price = out.split("== Price criterion ==")[1].split("==")[0]
    assert "criterion 'price', 4.7% of the total" in price
    quillpoint = next(line for line in price.splitlines() if line.startswith("quillpoint"))
    assert "881,606" in quillpoint
    assert "abnormally low" in quillpoint
    tidewater = next(line for line in price.splitlines() if line.startswith("tidewater"))
    assert "knocked out: not ranked" in tidewater
    assert (
        "price weight: orbis stays first for weights 0.000–0.269 (now 0.047); above it "
        "quillpoint wins"
    ) in out
    pairs = out.split("== Software × implementation partner ==")[1]
    assert "Best pair: orbis + granite" in pairs
    assert "partner knocked out (TEAM-002" in pairs


def test_demo_out_writes_price_and_pair_tables(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["demo", "--out", str(tmp_path), "--samples", "1000"]) == 0
    prices = pd.read_csv(tmp_path / "price_scores.csv", index_col="vendor")
    assert prices.loc["quillpoint", "abnormally_low"]
    matrix = pd.read_csv(tmp_path / "matrix.csv", index_col="vendor")
    assert matrix["price"].to_dict() == pytest.approx(prices["score"].to_dict())
    pairs = pd.read_csv(tmp_path / "partner_pairs.csv")
    best = pairs[pairs["rank"] == 1]
    assert best[["vendor", "partner"]].to_numpy().tolist() == [["orbis", "granite"]]
    workbook = openpyxl.load_workbook(tmp_path / "report.xlsx")
    costs = workbook["Costs"]
    assert {"tblTcoSummary", "tblPriceScores", "tblPairs"} <= set(costs.tables)
    first, *_ = costs.tables["tblPriceScores"].ref.split(":")
    header_row = int("".join(ch for ch in first if ch.isdigit()))
    header = [c.value for c in costs[header_row]]
    assert header[:5] == ["Vendor", "Price (input)", "In running", "Reference bid", "Score"]
    row = next(
        r for r in range(header_row + 1, costs.max_row + 1) if costs.cell(r, 1).value == "orbis"
    )
    assert costs.cell(row, 5).value.startswith("=IF(ISNUMBER($B$")  # live: follows the inputs
    assert costs.cell(row, 6).value == pytest.approx(prices.loc["orbis", "score"])
    assert costs.cell(row, 2).style == "Input"
