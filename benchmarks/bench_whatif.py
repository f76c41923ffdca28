"""The cockpit's latency: from a slider change to updated ranks, and to updated acceptability.

For the bundled example (6 vendors × 25 criteria) and the issue-21 upper tender (UPPER: 50
vendors × 5,000 requirements under 80 leaves, :mod:`synthetic`), ``--moves`` slider moves
cycle over the top-level criteria and a few leaves, each to a new value, and three stages
are timed per move, in CPU seconds (``time.process_time``: every thread of the process) and
wall seconds:

* **model ranks** — :meth:`WhatIf.set_weight` (siblings renormalised), then ``ranking`` and
  the moved weight's ``interval`` (stability interval and flip points);
* **widget ranks** — the same move through the widget (``sliders[node].value = v``): the
  model, every slider, every criterion's interval strip and the rank table redrawn (what a
  committee waits for while dragging); needs ipywidgets;
* **acceptability** — ``WhatIf.acceptability`` after the move: SMAA-2 with 5,000 Dirichlet
  samples around the new weights (what the widget runs once the sliders settle).

Targets (issue 20): ≤ 50 ms to updated ranks, ≤ 500 ms to updated acceptability. Run::

    python benchmarks/bench_whatif.py               # both tenders, 20 moves each
    python benchmarks/bench_whatif.py --size example --moves 50
"""

from __future__ import annotations

import argparse
import itertools
import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))  # the checkout's crmselect
sys.path.insert(0, str(HERE))

import crmselect  # noqa: E402
from crmselect.whatif_model import WHAT_IF_SAMPLES, WhatIf, what_if  # noqa: E402

TARGETS = {"model ranks": 0.050, "widget ranks": 0.050, "acceptability": 0.500}


def tenders(size: str) -> dict[str, Callable[[], WhatIf]]:
    """Name → a function building the model at the award basis."""
    from synthetic import UPPER, tender

    found: dict[str, Callable[[], WhatIf]] = {
        "example (6 v × 25 criteria)": lambda: what_if(crmselect.example_tender()),
        "upper (50 v × 5,000 r × 80 leaves)": lambda: what_if(tender(UPPER)),
    }
    keep = {"example": list(found)[:1], "upper": list(found)[1:], "both": list(found)}[size]
    return {name: found[name] for name in keep}


def timed(work: Callable[[], object]) -> tuple[float, float]:
    """(CPU, wall) seconds of ``work()``."""
    cpu, wall = time.process_time(), time.perf_counter()
    work()
    return time.process_time() - cpu, time.perf_counter() - wall


def moves(model: WhatIf, n: int) -> list[tuple[str, float]]:
    """``n`` (criterion, new local weight) moves over the top level and some leaves."""
    nodes = [*model.groups[None], *model.leaves[:4]]
    values = itertools.cycle([0.10, 0.35, 0.20, 0.45, 0.05, 0.30])
    return [(node, next(values)) for node, _ in zip(itertools.cycle(nodes), range(n), strict=False)]


def run(build: Callable[[], WhatIf], n: int) -> dict[str, list[tuple[float, float]]]:
    model = build()
    times: dict[str, list[tuple[float, float]]] = {stage: [] for stage in TARGETS}
    try:
        from crmselect.whatif_widget import WhatIfWidget

        widget: WhatIfWidget | None = WhatIfWidget(model, settle_after=None)
    except ImportError:  # no ipywidgets: the model's figures only
        widget = None
    state = model
    for node, value in moves(model, n):

        def ranks(node: str = node, value: float = value) -> None:
            nonlocal state
            state = state.set_weight(node, value)
            _ = state.ranking, state.interval(node)

        times["model ranks"].append(timed(ranks))
        times["acceptability"].append(timed(lambda: state.acceptability))
        if widget is not None:

            def slide(node: str = node, value: float = value) -> None:
                widget.sliders[node].value = value

            times["widget ranks"].append(timed(slide))
    return times


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--size", choices=["example", "upper", "both"], default="both")
    parser.add_argument("--moves", type=int, default=20)
    args = parser.parse_args(argv)
    load, cores = os.getloadavg()[0], os.cpu_count()
    print(f"load average {load:.2f}, {cores} cores, SMAA N = {WHAT_IF_SAMPLES:,}")
    print("| tender | stage | CPU median (max) | wall median (max) | target |")
    print("| --- | --- | ---: | ---: | ---: |")
    for name, build in tenders(args.size).items():
        for stage, samples in run(build, args.moves).items():
            if not samples:
                print(f"| {name} | {stage} | not run (no ipywidgets) | | |")
                continue
            cpu = [c for c, _ in samples]
            wall = [w for _, w in samples]
            print(
                f"| {name} | {stage} | {1e3 * statistics.median(cpu):.1f} ms "
                f"({1e3 * max(cpu):.1f}) | {1e3 * statistics.median(wall):.1f} ms "
                f"({1e3 * max(wall):.1f}) | ≤ {1e3 * TARGETS[stage]:.0f} ms |"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
