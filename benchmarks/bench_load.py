"""Benchmark: loading a tender folder at the issue-21 sizes, with a baseline in the same run.

Run:  python benchmarks/bench_load.py [--size upper|typical] [--repeat 3]
                                      [--baseline /path/to/an/older/checkout]

The synthetic tender (``benchmarks/synthetic.py``) is saved once with
:func:`crmselect.io.folder.evaluation.save_evaluation` — ``evaluation.yaml`` with every
requirement written out, the vendors' answers in ``responses.csv`` and the panel's scores in
``demo_scores.csv`` (the tables a folder holds its returned answers in) — and then loaded in
a fresh process per checkout: this one, and with ``--baseline`` an older checkout (its
package put first on ``PYTHONPATH``), on the same files, one after the other. Each process
times, as the minimum and median of ``--repeat`` runs, the wall clock and the process's CPU
time (which the other work on a shared machine disturbs less):

  yaml          read_yaml(evaluation.yaml)
  tables        read_written(): the sections and the CSV tables turned into objects
  validate      Evaluation(**fields): the cross-checks of crmselect.model.checks
  load_tender   the whole load
  questions     questions_fingerprint() of the loaded evaluation (what each RFP template
                and each returned workbook is checked against), first and second call

and its peak resident memory. Target (issue 21): ``load_tender`` ≤ 2 s at the upper end
(50 vendors × 5,000 requirements × 50 evaluators). The machine is shared: the load average
is printed before and after.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

HERE = Path(__file__).resolve().parent
STAGES = ("yaml", "tables", "validate", "load_tender", "questions", "questions again")


def _times(run: Callable[[], object], repeat: int) -> list[tuple[float, float]]:
    """(wall clock, CPU time of this process) of each of ``repeat`` runs."""
    times = []
    for _ in range(repeat):
        start, cpu = time.perf_counter(), time.process_time()
        run()
        times.append((time.perf_counter() - start, time.process_time() - cpu))
    return times


def measure(folder: Path, repeat: int) -> dict[str, object]:
    """Time each stage of loading ``folder`` with the crmselect this process imports."""
    import crmselect
    from crmselect.io.folder.evaluation import read_written
    from crmselect.io.folder.tender import load_tender
    from crmselect.io.folder.yamlfile import read_yaml
    from crmselect.io.forms.rfp_template import questions_fingerprint

    file = folder / "evaluation.yaml"
    root = read_yaml(file)
    written = read_written(file, root)
    result: dict[str, object] = {"package": str(Path(crmselect.__file__).parent.parent)}
    result["yaml"] = _times(lambda: read_yaml(file), repeat)
    result["tables"] = _times(lambda: read_written(file, root), repeat)
    result["validate"] = _times(lambda: crmselect.Evaluation(**written.fields), repeat)
    result["load_tender"] = _times(lambda: load_tender(folder), repeat)
    first, again = [], []
    for _ in range(repeat):
        evaluation = load_tender(folder).evaluation
        first += _times(lambda: questions_fingerprint(evaluation), 1)  # noqa: B023
        again += _times(lambda: questions_fingerprint(evaluation), 1)  # noqa: B023
    result["questions"], result["questions again"] = first, again
    result["peak_mib"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return result


def _in_process(checkout: Path, folder: Path, repeat: int) -> dict[str, object]:
    """:func:`measure` in a fresh Python with ``checkout`` first on the path."""
    env = {**os.environ, "PYTHONPATH": f"{checkout}{os.pathsep}{HERE}"}
    code = (
        "import json, sys; from pathlib import Path; import bench_load; "
        f"print(json.dumps(bench_load.measure(Path({str(folder)!r}), {repeat})))"
    )
    out = subprocess.run(  # run in the checkout: the current folder comes first on the path
        [sys.executable, "-c", code],
        env=env,
        cwd=checkout,
        check=True,
        capture_output=True,
        text=True,
    )
    return dict(json.loads(out.stdout.strip().splitlines()[-1]))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--size", choices=("upper", "typical"), default="upper")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--baseline", type=Path, help="an older checkout to compare with")
    args = parser.parse_args()
    sys.path.insert(0, str(HERE))
    from synthetic import TYPICAL, UPPER, tender

    from crmselect.io.folder.evaluation import save_evaluation

    size = UPPER if args.size == "upper" else TYPICAL
    before = os.getloadavg()[0]
    checkouts = [HERE.parent, *([args.baseline.resolve()] if args.baseline else [])]
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "tender"
        save_evaluation(tender(size), folder)
        sizes = ", ".join(
            f"{p.name} {p.stat().st_size / (1 << 20):.1f} MiB" for p in sorted(folder.iterdir())
        )
        print(f"{size.label()}: {sizes}")
        results = [_in_process(c, folder, args.repeat) for c in checkouts]
    print(f"load average {before:.2f} before, {os.getloadavg()[0]:.2f} after, 2 cores shared\n")
    header = "s: wall min / median, CPU min"
    print(f"{header:30s}" + "".join(f"{str(r['package'])[-30:]:>32s}" for r in results))
    for stage in STAGES:
        cells = []
        for r in results:
            wall, cpu = zip(*_pairs(r[stage]), strict=True)
            cells.append(f"{min(wall):7.3f} / {statistics.median(wall):7.3f}, {min(cpu):7.3f}")
        print(f"{stage:30s}" + "".join(f"{c:>32s}" for c in cells))
    print(f"{'peak RSS (MiB)':30s}" + "".join(f"{r['peak_mib']:>32.0f}" for r in results))
    wall = [min(w for w, _ in _pairs(r["load_tender"])) for r in results]
    cpu = [min(c for _, c in _pairs(r["load_tender"])) for r in results]
    if len(results) == 2:
        print(
            f"\nload_tender: {wall[1] / wall[0]:.1f}× faster than the baseline (wall), "
            f"{cpu[1] / cpu[0]:.1f}× (CPU)"
        )
    print(f"target ≤ 2 s (wall): {'met' if wall[0] <= 2 else 'MISSED'} ({wall[0]:.2f} s)")


def _pairs(value: object) -> list[tuple[float, float]]:
    """A stage's (wall, CPU) pairs as they come back from a measuring process (JSON lists)."""
    assert isinstance(value, list)
    return [(float(wall), float(cpu)) for wall, cpu in value]


if __name__ == "__main__":
    main()
