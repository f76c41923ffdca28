"""The evaluation panel at the issue-21 sizes: building the panel, aggregating by every
policy, moderation, agreement, leave-one-out, the panel bootstrap and ``analyse`` without
its ``score``.

Every stage runs on the synthetic tenders of :mod:`synthetic` (TYPICAL: 10 vendors × 5
evaluators; UPPER: 50 vendors × 50 evaluators, 200,000 demo scores), min and median of
``--repeat`` runs. The panel bootstrap (1,000 draws, the default mean) is also timed with
twice the vendors, for its scaling exponent ``log2(t(2V) / t(V))``, and its peak traced
memory is measured. ``analyse`` is timed with its ``score`` computed once beforehand
(``crmselect.analysis.score`` returns it), so the figure is the analysis's own: 10,000 SMAA
samples, the panel question, stability intervals and flips.

Before and after in one run: ``--baseline DIR`` also runs every stage with ``DIR`` (an
older checkout of the package, e.g. ``git archive <commit> | tar -x -C DIR``) first on
``PYTHONPATH``, in a process of its own, and prints both columns with the speed-up::

    python benchmarks/bench_panel.py                       # this checkout, both sizes
    python benchmarks/bench_panel.py --baseline /tmp/old   # before / after (1 run each)
    python benchmarks/bench_panel.py --size typical --no-analyse
"""

from __future__ import annotations

import argparse
import gc
import json
import math
import os
import statistics
import subprocess
import sys
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
DRAWS = 1_000
MODERATIONS = 500


def timed(repeat: int, run: Callable[[], object]) -> tuple[float, float]:
    """(min, median) seconds of ``repeat`` runs."""
    times = []
    for _ in range(repeat):
        gc.collect()
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return min(times), statistics.median(times)


def peak_mib(run: Callable[[], object]) -> float:
    gc.collect()
    tracemalloc.start()
    run()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return peak / 2**20


def policies(evaluators: tuple[str, ...]) -> dict[str, dict[str, Any]]:
    """Every aggregation policy, by name: the settings of ``aggregate_scores``."""
    heavier = {evaluators[0]: 2.0, evaluators[1]: 0.5}
    return {
        "mean": {},
        "median": {"method": "median"},
        "trimmed": {"method": "trimmed"},
        "weighted mean": {"weights": heavier},
        "weighted median": {"method": "median", "weights": heavier},
        "zscore": {"normalise": "zscore"},
        "rank": {"normalise": "rank"},
        "complete": {"missing": "complete"},
        "scale_minimum": {"missing": "scale_minimum"},
        "min_evaluators 3": {"min_evaluators": 3},
    }


def measure(size_name: str, repeat: int, analyse: bool) -> dict[str, tuple[float, float]]:
    """Stage → (min, median) seconds at one size, in this process's crmselect."""
    sys.path.insert(0, str(HERE))
    from synthetic import TYPICAL, UPPER, tender

    import crmselect
    from crmselect import analysis, consensus

    size = {"typical": TYPICAL, "upper": UPPER}[size_name]
    evaluation = tender(size)
    # the current package keeps an evaluation's panel; time the build itself
    build = getattr(consensus.Panel, "_of_evaluation", consensus.Panel.from_evaluation)
    out: dict[str, tuple[float, float]] = {}
    out["panel from the evaluation"] = timed(repeat, lambda: build(evaluation))
    panel = consensus.Panel.from_evaluation(evaluation)
    for name, settings in policies(panel.evaluators).items():
        out[f"aggregate: {name}"] = timed(
            repeat, lambda s=settings: consensus.aggregate_scores(panel, **s)
        )
    aggregate = consensus.aggregate_scores(panel)
    out["matrix (vendors × criteria)"] = timed(repeat, aggregate.matrix)
    moderations = [
        consensus.ModeratedScore(*key, 2.5, "agreed in the meeting", "chair")
        for key in list(panel.items)[:: max(1, len(panel.items) // MODERATIONS)][:MODERATIONS]
    ]
    out[f"apply_moderation ({len(moderations)})"] = timed(
        repeat, lambda: consensus.apply_moderation(aggregate, moderations)
    )
    values = panel.values()
    out["leave_one_out mean"] = timed(repeat, lambda: consensus.leave_one_out(values))
    out["leave_one_out median"] = timed(repeat, lambda: consensus.leave_one_out(values, "median"))
    out["panel_agreement"] = timed(repeat, lambda: consensus.panel_agreement(panel))
    _ = panel.fingerprint  # computed once per panel; not the bootstrap's own work
    for method in ("mean", "median", "trimmed"):
        chosen = consensus.aggregate_scores(panel, method=method)
        out[f"panel bootstrap {DRAWS:,} ({method})"] = timed(
            repeat, lambda a=chosen: consensus.panel_bootstrap(a, DRAWS, seed=1)
        )
    out["panel bootstrap peak MiB"] = (
        peak_mib(lambda: consensus.panel_bootstrap(aggregate, DRAWS, seed=1)),
    ) * 2
    double = tender(size.scaled(vendors=2))
    twice = consensus.aggregate_scores(double)
    _ = consensus.as_panel(double).fingerprint
    out[f"panel bootstrap {DRAWS:,} (mean), 2× vendors"] = timed(
        repeat, lambda: consensus.panel_bootstrap(twice, DRAWS, seed=1)
    )
    if analyse:
        result = crmselect.score(evaluation)
        real = analysis.score
        analysis.score = lambda e, **k: result if e is evaluation else real(e, **k)  # type: ignore[assignment]
        out["analyse without score"] = timed(
            repeat, lambda: analysis.analyse(evaluation, progress=False)
        )
    return out


def run_with(
    path: Path, args: argparse.Namespace, repeat: int
) -> dict[str, dict[str, list[float]]]:
    """Every stage measured by a child process with ``path`` first on ``PYTHONPATH``."""
    env = {**os.environ, "PYTHONPATH": f"{path}{os.pathsep}{HERE}"}
    command = [sys.executable, __file__, "--json", "--repeat", str(repeat)]
    command += ["--size", args.size] + ([] if args.analyse else ["--no-analyse"])
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=True)
    return dict(json.loads(done.stdout))


def exponent(stages: dict[str, list[float]]) -> float:
    one = stages[f"panel bootstrap {DRAWS:,} (mean)"][0]
    two = stages[f"panel bootstrap {DRAWS:,} (mean), 2× vendors"][0]
    return math.log2(two / one)


def report(
    current: dict[str, dict[str, list[float]]], baseline: dict[str, dict[str, list[float]]]
) -> None:
    """The table: per size and stage, min and median now (and before, with the ratio)."""
    for size, stages in current.items():
        print(f"\n{size}")
        head = f"{'stage':<44} {'min':>8} {'median':>8}"
        print(head + (f" {'before':>9} {'ratio':>9}" if baseline else ""))
        for stage, (low, middle) in stages.items():
            line = f"{stage:<44} {low:>8.3f} {middle:>8.3f}"
            if baseline and stage in baseline[size]:
                before = baseline[size][stage][0]
                line += f" {before:>9.3f} {before / low:>8.1f}×"
            print(line)
        print(f"scaling exponent of the bootstrap in vendors: {exponent(stages):.2f}", end="")
        print(f" (before: {exponent(baseline[size]):.2f})" if baseline else "")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--size", choices=("typical", "upper", "both"), default="both")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--baseline", type=Path, help="an older checkout to compare with")
    parser.add_argument(
        "--baseline-repeat", type=int, default=1, help="runs per stage of the (slow) baseline"
    )
    parser.add_argument("--no-analyse", dest="analyse", action="store_false")
    parser.add_argument("--json", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    sizes = ("typical", "upper") if args.size == "both" else (args.size,)
    if args.json:
        print(json.dumps({s: measure(s, args.repeat, args.analyse) for s in sizes}))
        return
    print(f"load average before: {Path('/proc/loadavg').read_text().split()[:3]}")
    baseline = run_with(args.baseline, args, args.baseline_repeat) if args.baseline else {}
    current = run_with(ROOT, args, args.repeat)
    print(f"load average after: {Path('/proc/loadavg').read_text().split()[:3]}")
    report(current, baseline)


if __name__ == "__main__":
    main()
