"""Every SMAA output says which weight sampling it used: the sampler's own description,
the CLI report and the workbook's Summary and Robustness sheets."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
import pytest

import crmselect
from crmselect import robustness
from crmselect.report import robustness_report
from crmselect.robustness import (
    BoundedWeights,
    ConstrainedWeights,
    DirichletWeights,
    FixedWeights,
    MemberWeights,
    OrderedWeights,
    UniformWeights,
    describe,
)

CENTER = pd.Series({"a": 0.5, "b": 0.3, "c": 0.2})


def test_each_sampler_says_what_it_assumes() -> None:
    assert describe(UniformWeights(["a", "b"])) == (
        "uniform on the simplex: no weight information at all"
    )
    # sd / mean of w_j = sqrt((1 - c) / (c (α0 + 1))): 0.5 → 10 %, 0.2 → 20 % at α0 = 99
    assert describe(DirichletWeights(CENTER, concentration=99)) == (
        "Dirichlet around the given weights, concentration 99 "
        "(each weight's standard deviation 10%–20% of itself)"
    )
    bounded = BoundedWeights.create(["a", "b", "c"], lower={"a": 0.2}, upper={"b": 0.5})
    assert describe(bounded) == "uniform within lower and upper bounds on 2 weight(s)"
    ordered = OrderedWeights.from_ranking(["a", "b", "c"])
    assert describe(ordered) == "uniform among the weights that respect 2 ranking relation(s)"
    constrained = ConstrainedWeights(["a", "b", "c"], [[1.0, -1.0, 0.0]], [0.0])
    assert describe(constrained) == (
        "uniform within 1 linear constraint(s), drawn by rejection, exact"
    )
    members = MemberWeights(pd.DataFrame([CENTER, CENTER[::-1].set_axis(CENTER.index)]))
    assert describe(members) == "each of 2 committee members' own weights, equally often"
    assert describe(FixedWeights(CENTER)) == (
        "the given weights, fixed: only the performance varies"
    )


def test_a_sampler_of_your_own_is_named_by_its_class() -> None:
    class Mine:
        criteria = ("a", "b")
        exact = True

        def sample(self, rng: np.random.Generator, n: int) -> np.ndarray:
            return np.full((n, 2), 0.5)

    assert describe(Mine()) == "Mine"


@pytest.fixture(scope="module")
def analysis() -> crmselect.Analysis:
    return crmselect.analyse(crmselect.example(), seed=5, n_samples=1_000)


@pytest.mark.slow
def test_the_report_quotes_the_sampler_of_the_run(analysis: crmselect.Analysis) -> None:
    assert analysis.smaa is not None
    text = robustness_report(analysis)
    assert f"weights: {describe(analysis.smaa.weights)}" in text
    assert text.splitlines()[0].startswith("SMAA-2, 1,000 weight samples, seed 5; ")
    assert "Dirichlet around the given weights, concentration 100" in text


@pytest.mark.slow
def test_the_workbook_names_the_sampling_and_why_a_statistic_is_empty(
    tmp_path: Path,
) -> None:
    result = crmselect.score(crmselect.example())
    uniform = robustness.smaa(result, n_samples=1_000, seed=2)
    path = crmselect.export_workbook(result, tmp_path / "b.xlsx", smaa=uniform)
    book = openpyxl.load_workbook(path)
    summary = book["Summary"]
    labels = {
        str(row[0].value): row[1].value for row in summary.iter_rows(max_col=2) if row[0].value
    }
    assert labels["SMAA weights"] == "uniform on the simplex: no weight information at all"
    sheet = book["Robustness"]
    texts = [str(c.value) for row in sheet.iter_rows() for c in row if c.value is not None]
    assert any("weights: uniform on the simplex" in t for t in texts)
    never_first = [v for v, b in uniform.acceptability[1].items() if b == 0]
    assert never_first, "some vendor of the example never ranks first"
    header = next(row for row in sheet.iter_rows() if any(c.value == "Note" for c in row))
    note_column = next(c.column for c in header if c.value == "Note")
    vendor_rows = {
        sheet.cell(r, 1).value: r
        for r in range(header[0].row + 1, header[0].row + 1 + len(uniform.acceptability))
    }
    for vendor in never_first:
        note = sheet.cell(vendor_rows[vendor], note_column).value
        assert note == uniform.notes[vendor]
        assert "never first" in str(note)
        assert math.isnan(float(uniform.confidence[vendor]))
