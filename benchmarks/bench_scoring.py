"""Speed of ``crmselect.score`` and of its requirement side on the issue-21 tenders.

For each size (``benchmarks/synthetic.py``: TYPICAL, UPPER, and UPPER with half the vendors
and half the requirements, for the scaling) it times, on a fresh copy of the evaluation
each repeat (so nothing cached on the frozen object is reused between repeats):

* ``score`` — the whole of it;
* the requirement side — ``requirement_scores``, ``rfp_criterion_scores``, ``knockouts``
  and ``missing_items`` (answers, demo scores, prices: it lists them all) in one go as
  ``score`` calls them, and each on its own;
* the demo side — ``demo_criterion_scores`` (:mod:`crmselect.consensus`), for reference.

It prints the minimum and median wall-clock time of the repeats and the minimum CPU time
of this process (steadier on a shared machine), the requirement side's share of
``score``, the scaling exponents ``log2(t(UPPER) / t(UPPER halved))`` in vendors and in
requirements, and the load average before and after.

Run from the worktree (``PYTHONPATH`` picks the checkout measured; point it at an old
checkout for the "before" figures)::

    PYTHONPATH=$PWD python benchmarks/bench_scoring.py                 # all sizes
    PYTHONPATH=$PWD python benchmarks/bench_scoring.py --sizes typical --repeat 5

Measured 2026-12-02 at UPPER, load average 7.5–10 on 2 cores (other engineers' runs), so
wall-clock times are 3–6× the CPU times: before (main at 50c60f8, one repeat) ``score``
65.7 s CPU / 346 s wall, requirement side 57.0 s CPU / 153 s wall; after (min of 3)
``score`` 0.72 s CPU / 5.6 s wall, requirement side 0.11 s CPU / 0.35–0.68 s wall over
three runs (15 % of ``score``; the rest is the demo panel). Requirement side against
UPPER with half the vendors: CPU exponent 1.00.
"""

from __future__ import annotations

import argparse
import math
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

import attrs

sys.path.insert(0, str(Path(__file__).resolve().parent))

from synthetic import TYPICAL, UPPER, Size, tender

import crmselect
from crmselect import scoring

SIZES = {
    "typical": TYPICAL,
    "upper": UPPER,
    "upper-half-vendors": UPPER.scaled(vendors=0.5),
    "upper-half-requirements": UPPER.scaled(requirements=0.5),
}


def requirement_side(evaluation: crmselect.Evaluation) -> object:
    """What ``score`` computes on the requirement side, in the order it does: the
    requirement scores, their criterion means, the knock-outs and the missing items."""
    answers = scoring.requirement_scores(evaluation)
    return (
        scoring.rfp_criterion_scores(evaluation, answers),
        scoring.knockouts(evaluation),
        scoring.missing_items(evaluation),
    )


STAGES: dict[str, Callable[[crmselect.Evaluation], object]] = {
    "score": crmselect.score,
    "requirement side": requirement_side,
    "requirement_scores": scoring.requirement_scores,
    "rfp_criterion_scores": lambda e: scoring.rfp_criterion_scores(
        e, scoring.requirement_scores(e)
    ),
    "knockouts": scoring.knockouts,
    "missing_items": scoring.missing_items,
    "demo_criterion_scores": scoring.demo_criterion_scores,
}
"""Each stage runs on a fresh copy of the evaluation, so each pays for building the coded
answers once (``score`` and ``requirement side`` too)."""


def timed(
    stage: Callable[[crmselect.Evaluation], object], evaluation: crmselect.Evaluation
) -> tuple[float, float]:
    """Wall-clock and CPU seconds (of this process) for one call of ``stage`` on a fresh
    copy of ``evaluation``; on a shared machine the CPU time is the steadier of the two."""
    fresh = attrs.evolve(evaluation)
    wall, cpu = time.perf_counter(), time.process_time()
    stage(fresh)
    return time.perf_counter() - wall, time.process_time() - cpu


def measure(size: Size, repeat: int) -> dict[str, list[tuple[float, float]]]:
    """Every stage's times on the tender of ``size``."""
    evaluation = tender(size)
    return {
        name: [timed(stage, evaluation) for _ in range(repeat)] for name, stage in STAGES.items()
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", nargs="+", choices=list(SIZES), default=list(SIZES))
    parser.add_argument("--repeat", type=int, default=3, help="repeats per stage (default 3)")
    args = parser.parse_args()
    print(f"crmselect from {Path(crmselect.__file__).parent}")
    print(f"load average before: {Path('/proc/loadavg').read_text().strip()}")
    results: dict[str, dict[str, tuple[float, float]]] = {}
    for label in args.sizes:
        size = SIZES[label]
        times = measure(size, args.repeat)
        results[label] = {
            name: (min(w for w, _ in ts), min(c for _, c in ts)) for name, ts in times.items()
        }
        print(f"\n{label}: {size.label()} ({size.leaves} leaves), {args.repeat} repeats")
        print(f"  {'stage':<24}{'wall min':>11}{'wall median':>13}{'CPU min':>11}")
        for name, ts in times.items():
            best, cpu = results[label][name]
            median = statistics.median(w for w, _ in ts)
            print(f"  {name:<24}{best:9.3f} s{median:11.3f} s{cpu:9.3f} s")
        side, total = results[label]["requirement side"], results[label]["score"]
        print(
            f"  requirement side share: {side[0] / total[0]:.0%} of score (wall min), "
            f"{side[1] / total[1]:.0%} (CPU min)"
        )
    print()
    for halved, dimension in (
        ("upper-half-vendors", "vendors"),
        ("upper-half-requirements", "requirements"),
    ):
        if "upper" in results and halved in results:
            for name in ("score", "requirement side"):
                exponents = (
                    math.log2(results["upper"][name][i] / results[halved][name][i]) for i in (0, 1)
                )
                print(
                    f"scaling in {dimension:<13} {name:<18} exponent "
                    "{:5.2f} (wall min), {:5.2f} (CPU min)".format(*exponents)
                )
    print(f"\nload average after: {Path('/proc/loadavg').read_text().strip()}")


if __name__ == "__main__":
    main()
