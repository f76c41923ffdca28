"""``benchmarks/bench_pipeline.py`` runs end to end on tiny tenders and reports what it
promises: every stage asked for, the baseline checked equal to ``score``, the scaling
exponents, the ``--json`` file and the ``--compare`` columns. Structure only — no timing
is asserted (speed is measured by running the benchmark, never in a test)."""

from __future__ import annotations

import importlib.util
import json
import math
import sys
from pathlib import Path
from types import ModuleType

import attrs
import pytest

import crmselect
from crmselect import MissingPolicy

pytestmark = pytest.mark.slow  # each runs the benchmark or scores a synthetic tender

BENCHMARKS = Path(__file__).resolve().parents[1] / "benchmarks"
STAGES = ("build", "score", "analyse", "bootstrap", "load", "export", "template", "import")


@pytest.fixture
def bench(monkeypatch: pytest.MonkeyPatch) -> ModuleType:
    """The benchmark module, with its typical and quick sizes made tiny."""
    monkeypatch.setattr(sys, "path", [str(BENCHMARKS), *sys.path])
    spec = importlib.util.spec_from_file_location(
        "bench_pipeline", BENCHMARKS / "bench_pipeline.py"
    )
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    tiny = module.Size(vendors=4, requirements=40, evaluators=2, leaves=8, scripts=2)
    monkeypatch.setattr(module, "TYPICAL", tiny)
    monkeypatch.setattr(module, "QUICK_UPPER", tiny.scaled(vendors=1.5, requirements=1.5))
    return module


def _finite(value: object) -> bool:
    return isinstance(value, float) and math.isfinite(value)


def test_the_quick_run_reports_every_stage_the_baseline_and_the_exponents(
    bench: ModuleType, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "run.json"
    stages = ",".join((*STAGES, "startup"))
    report = bench.main(
        [
            "--quick",
            "--repeat",
            "1",
            "--scaling-repeat",
            "1",
            "--stages",
            stages,
            "--json",
            str(out),
        ]
    )
    assert json.loads(out.read_text()) == json.loads(json.dumps(report))
    assert set(report["sizes"]) == {"typical", "upper"}
    assert report["sizes"]["upper"]["label"] == "6 v × 60 r × 2 e"
    for entry in report["sizes"].values():
        assert list(entry["stages"]) == [*STAGES, "startup"]
        for timing in entry["stages"].values():
            assert len(timing["times"]) == len(timing["cpu"]) == 1
            assert timing["min"] == timing["median"] == timing["times"][0] > 0
            assert timing["peak_mib"] is None or timing["peak_mib"] >= 0
        baseline = entry["baseline"]
        assert baseline["equal"] is True
        assert baseline["max_difference"] <= bench.TOLERANCE
        assert baseline["ratio"] > 0
        # judged like for like: score from the arrays it keeps, as the baseline from its own
        assert baseline["ratio_warm"] > 0
        assert baseline["ratio_warm_cpu"] > 0
    assert report["sizes"]["upper"]["stages"]["startup"]["memory"] == "child VmHWM"
    exponents = report["scaling"]["exponents"]
    assert set(exponents) == set(STAGES)  # start-up does not depend on the tender's size
    for kinds in exponents.values():
        for kind in ("cpu", "wall"):
            assert set(kinds[kind]) == {"vendors", "requirements", "evaluators"}
            assert all(_finite(e) for e in kinds[kind].values())
    printed = capsys.readouterr().out
    assert "| stage | min | median | CPU (min) | runs | peak MiB | target | verdict |" in printed
    assert "| import crmselect (subprocess, wall) |" in printed
    assert "score / bare numpy baseline = " in printed
    assert "× from its arrays, as the baseline (CPU " in printed
    assert "on a fresh Evaluation, its arrays built inside the timing" in printed
    assert "### scaling exponents around 4 v × 40 r × 2 e (×2; target ≤ 1.1)" in printed


def test_compare_prints_the_earlier_run_beside_this_one(
    bench: ModuleType, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    before = tmp_path / "before.json"
    options = ["--size", "typical", "--repeat", "1", "--stages", "build", "--scaling-base", "none"]
    bench.main([*options, "--json", str(before)])
    capsys.readouterr()
    report = bench.main([*options, "--compare", str(before)])
    assert "scaling" not in report
    printed = capsys.readouterr().out
    assert "| before: min | CPU | speed-up (min, CPU) |" in printed
    row = next(line for line in printed.splitlines() if line.startswith("| build Evaluation |"))
    assert row.count("×") == 2


def test_the_scaling_exponent_is_the_slope_in_log_log(bench: ModuleType) -> None:
    assert bench.exponent([10, 20, 40], [1.0, 2.0, 4.0]) == pytest.approx(1.0)
    assert bench.exponent([10, 20], [1.0, 4.0]) == pytest.approx(2.0)


@pytest.mark.parametrize("missing", ["zero", "ignore"])
def test_the_baseline_gives_score_totals(bench: ModuleType, missing: str) -> None:
    """On a tender with unanswered requirements and a knock-out, under either policy for
    missing answers."""
    evaluation = bench.tender(bench.TYPICAL)
    evaluation = attrs.evolve(
        evaluation, policy=attrs.evolve(evaluation.policy, missing=MissingPolicy(missing))
    )
    assert any(a.compliance is None for a in evaluation.responses)
    totals = bench.baseline_totals(bench.extract(evaluation))
    expected = crmselect.score(evaluation).totals.reindex(evaluation.vendor_ids).to_numpy()
    assert totals == pytest.approx(expected, abs=1e-12)


def test_the_baseline_ratio_is_judged_from_the_arrays_and_only_at_the_upper_end(
    bench: ModuleType,
) -> None:
    found = {
        "equal": True,
        "ratio": 60.0,
        "ratio_cpu": 59.0,
        "ratio_warm": 2.5,
        "ratio_warm_cpu": 2.4,
        "baseline_min": 0.002,
        "extraction": 0.3,
        "max_difference": 0.0,
    }
    upper = bench.baseline_line(found, True)
    assert upper.startswith("score / bare numpy baseline = 2.5× from its arrays")
    assert "target ≤ 3×: met" in upper
    assert "60.0× (CPU 59.0×) on a fresh Evaluation" in upper
    assert "MISSED" in bench.baseline_line({**found, "ratio_warm": 3.5}, True)
    typical = bench.baseline_line({**found, "ratio_warm": 19.0}, False)
    assert "indicative, judged at the upper end" in typical
    assert "MISSED" not in typical
    # a cold score too slow to repeat is judged on itself
    cold = bench.baseline_line({**found, "ratio_warm": None}, True)
    assert cold.startswith("score / bare numpy baseline = 60.0× (CPU 59.0×) on a fresh")
    assert "MISSED" in cold
