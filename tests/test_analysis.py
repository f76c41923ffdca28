"""The combined analysis (score + robustness) behind `crmselect demo` and `evaluate`."""

from __future__ import annotations

from pathlib import Path

import attrs
import numpy as np
import openpyxl
import pytest

import crmselect
from crmselect.analysis import analyse
from crmselect.cli import main
from crmselect.report import robustness_report
from tests.helpers import minimal_evaluation


@pytest.fixture(scope="module")
def example_analysis() -> crmselect.analysis.Analysis:
    return analyse(crmselect.example(), n_samples=4_000, seed=7)


@pytest.mark.slow
def test_example_analysis_has_every_part(example_analysis: crmselect.analysis.Analysis) -> None:
    a = example_analysis
    assert a.smaa is not None
    assert np.allclose(a.smaa.acceptability.sum(axis=1), 1)
    assert np.allclose(a.smaa.acceptability.sum(axis=0), 1)
    assert "tidewater" not in a.smaa.acceptability.index  # knocked out: never ranked
    assert a.challenger == "kestrel"
    assert a.member_winners is not None
    assert len(a.member_winners) == 5
    assert a.stability is not None
    assert a.most_sensitive in a.stability.index
    assert a.closest_flip is not None
    assert a.closest_flip.feasible
    assert a.closest_flip.challenger == a.flips.index[0]


@pytest.mark.slow
def test_same_seed_same_numbers(example_analysis: crmselect.analysis.Analysis) -> None:
    again = analyse(crmselect.example(), n_samples=4_000, seed=7)
    assert again.smaa is not None
    assert example_analysis.smaa is not None
    assert again.smaa.acceptability.equals(example_analysis.smaa.acceptability)


def test_nothing_to_rank_is_said_plainly() -> None:
    base = minimal_evaluation()  # z is knocked out; knock x out too
    responses = [
        attrs.evolve(r, compliance="not_supported")
        if (r.vendor, r.requirement) == ("x", "R3")
        else r
        for r in base.responses
    ]
    analysis = analyse(attrs.evolve(base, responses=responses))
    assert analysis.smaa is None
    assert robustness_report(analysis).startswith("Fewer than two vendors are ranked")


def test_report_headline_names_winner_challenger_and_flip(
    example_analysis: crmselect.analysis.Analysis,
) -> None:
    text = robustness_report(example_analysis)
    assert "orbis ranks first in" in text
    assert "closest challenger: kestrel" in text
    assert "orbis wins for 5 of 5 members" in text
    assert "smallest change that flips the winner: kestrel draws level with orbis" in text


@pytest.mark.slow
def test_evaluate_out_writes_the_workbook(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "board.xlsx"
    assert (
        main(
            [
                "evaluate",
                str(crmselect.example_path()),
                "--out",
                str(target),
                "--samples",
                "2000",
                "--seed",
                "3",
            ]
        )
        == 0
    )
    workbook = openpyxl.load_workbook(target)
    assert {"Summary", "Weights", "Matrix", "Robustness", "Costs", "Audit"} <= set(
        workbook.sheetnames
    )
    costs = workbook["Costs"]
    header = [c.value for c in costs[5]]
    totals = {
        row[0].value: row[header.index("total")].value
        for row in costs.iter_rows(min_row=6, max_row=11)
    }
    assert totals["quillpoint"] == pytest.approx(1_038_653, abs=1)  # hand-checked in tests
    assert totals["orbis"] == pytest.approx(1_581_711, abs=1)
    sections = {row[0].value for row in workbook["Audit"].iter_rows() if row[0].value}
    assert {"Returned workbooks", "Process gaps", "Demo items to moderate"} <= sections
    assert "seed 3" in capsys.readouterr().out


@pytest.mark.slow
def test_panel_robustness_resamples_evaluators(
    example_analysis: crmselect.analysis.Analysis,
) -> None:
    panel = example_analysis.panel
    assert panel is not None
    assert np.allclose(panel.acceptability.sum(axis=1), 1)
    assert panel.acceptability[1].idxmax() == "orbis"
    one_evaluator = attrs.evolve(
        crmselect.example(),
        demo_scores=[d for d in crmselect.example().demo_scores if d.evaluator == "it"],
    )
    assert analyse(one_evaluator, n_samples=500).panel is None


def test_blend_arrays_of_stacked_draws_equals_blending_each_draw() -> None:
    from crmselect.model import MissingPolicy
    from crmselect.scoring import blend_arrays

    rng = np.random.default_rng(0)
    rfp = rng.random((3, 4))
    rfp[0, 1] = np.nan
    demo = rng.random((5, 3, 4))
    demo[:, 2, 3] = np.nan
    share = np.array([0.0, 0.5, 1.0, 0.3])
    for policy in MissingPolicy:
        stacked = blend_arrays(share, rfp, demo, policy)
        for k in range(5):
            assert np.allclose(stacked[k], blend_arrays(share, rfp, demo[k], policy))
    ignore = blend_arrays(share, rfp, demo[0], MissingPolicy.IGNORE)
    assert ignore[0, 1] == pytest.approx(demo[0, 0, 1])  # no RFP part: the demo part alone
