"""How long the comparison workbook takes, and how much memory, for the issue-21 tenders.

Builds :data:`synthetic.TYPICAL` and :data:`synthetic.UPPER` through the public API, scores
them and runs the robustness analyses once (10,000 SMAA samples, stability intervals, the
flip table), and keeps the results in a pickle (``--cache``; scoring at the upper end takes
about a minute). Each export then runs in a fresh Python process, so that its peak resident
memory (``VmHWM``) is its own: the process loads the pickle, computes the evaluation's
fingerprint once (the export quotes it; it is computed on first use and kept), then calls
:func:`crmselect.io.report.workbook.export_workbook` with every sheet ``--repeat`` times.

``--baseline DIR`` runs the same exports with another checkout's ``crmselect`` (e.g. a
worktree of ``main``) in the same run, for a before/after table. Each line gives the wall
clock (best, median) and the process's CPU time (best), which the other work on a shared
machine disturbs less; the verdict is the CPU time's. Target (issue 21): at most 8 s at the
upper end.

    python benchmarks/bench_export.py                          # both sizes, best of 3
    python benchmarks/bench_export.py --size upper --baseline /work/main
    python benchmarks/bench_export.py --breakdown              # cumulative time per sheet

``--breakdown`` profiles one export (cProfile; the overhead inflates every figure, the
shares hold) and prints the cumulative time of each sheet writer and of the save.
"""

from __future__ import annotations

import argparse
import copyreg
import cProfile
import json
import os
import pickle
import pstats
import statistics
import subprocess
import sys
import tempfile
import time
import types
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPOSITORY = HERE.parent
TARGET_SECONDS = {"typical": 1.0, "upper": 8.0}
SHEET_WRITERS = (
    "write_weights",
    "write_matrix",
    "write_requirements",
    "write_demos",
    "write_robustness",
    "write_costs",
    "write_audit",
    "_write_summary",
    "save_atomic",
)


def _read_only(mapping: dict[object, object]) -> types.MappingProxyType[object, object]:
    return types.MappingProxyType(mapping)


def _mapping_proxy(proxy: types.MappingProxyType[object, object]) -> tuple[object, ...]:
    """How a read-only mapping (a demo script's guidance) is pickled: a copy of its dict,
    made read-only again by :func:`_read_only` (the child runs this script too, so finds it;
    the pickle module has no rule of its own for the type)."""
    return _read_only, (dict(proxy),)


copyreg.pickle(types.MappingProxyType, _mapping_proxy)  # type: ignore[arg-type]


def cached(size_name: str, cache: Path, rebuild: bool) -> Path:
    """The pickle of ``(ScoreResult, analyses)`` for ``size_name``, made when missing."""
    path = cache / f"{size_name}.pkl"
    if path.exists() and not rebuild:
        return path
    sys.path.insert(0, str(HERE))
    import synthetic

    from crmselect import robustness, score

    size = {"typical": synthetic.TYPICAL, "upper": synthetic.UPPER}[size_name]
    start = time.perf_counter()
    result = score(synthetic.tender(size))
    scored = time.perf_counter() - start
    analyses = {
        "smaa": robustness.smaa(result, seed=1, progress=False),
        "stability": robustness.stability_intervals(result),
        "flips": robustness.flip_table(result),
    }
    print(f"  {size.label()}: scored in {scored:.1f} s (cached in {path})", flush=True)
    cache.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(".partial")  # a failed dump leaves no cache behind
    with partial.open("wb") as handle:
        pickle.dump((result, analyses), handle)
    partial.replace(path)
    return path


def peak_kib() -> int:
    """This process's peak resident memory so far (``VmHWM``, KiB; 0 where unknown)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def child(pickled: Path, repeat: int, breakdown: bool) -> None:
    """Run in the measuring process: load, fingerprint, export ``repeat`` times; print JSON."""
    import crmselect
    from crmselect.io.report.workbook import export_workbook

    with pickled.open("rb") as handle:
        result, analyses = pickle.load(handle)
    start = time.perf_counter()
    result.evaluation.fingerprint  # noqa: B018 - computed on first use, then kept
    fingerprint = time.perf_counter() - start
    loaded = peak_kib()
    times: list[float] = []
    cpu: list[float] = []
    shares: dict[str, float] = {}
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "bench.xlsx"
        for _ in range(repeat):
            start, used = time.perf_counter(), time.process_time()
            export_workbook(result, path, **analyses)
            times.append(time.perf_counter() - start)
            cpu.append(time.process_time() - used)
        size = path.stat().st_size
        if breakdown:
            profile = cProfile.Profile()
            profile.runcall(export_workbook, result, path, **analyses)
            stats = pstats.Stats(profile).stats  # type: ignore[attr-defined]
            for (_, _, name), (_, _, _, cumulative, _) in stats.items():
                if name in SHEET_WRITERS:
                    shares[name] = shares.get(name, 0.0) + cumulative
    print(
        json.dumps(
            {
                "module": crmselect.__file__,
                "fingerprint": fingerprint,
                "times": times,
                "cpu": cpu,
                "bytes": size,
                "loaded_kib": loaded,
                "peak_kib": peak_kib(),
                "breakdown": shares,
            }
        )
    )


def measure(pickled: Path, checkout: Path, repeat: int, breakdown: bool) -> dict[str, object]:
    """Run :func:`child` with ``checkout``'s crmselect first on the path; its JSON."""
    environment = {**os.environ, "PYTHONPATH": str(checkout)}
    command = [sys.executable, __file__, "--child", str(pickled), "--repeat", str(repeat)]
    if breakdown:
        command.append("--breakdown")
    done = subprocess.run(command, env=environment, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise SystemExit(f"{checkout}: the export failed\n{done.stderr}")
    report: dict[str, object] = json.loads(done.stdout.splitlines()[-1])
    return report


def show(label: str, size_name: str, report: dict[str, object]) -> None:
    """One line of the table (and the breakdown, when there is one)."""
    times, cpu = report["times"], report["cpu"]
    assert isinstance(times, list)
    assert isinstance(cpu, list)
    target = TARGET_SECONDS[size_name]
    verdict = "met" if min(cpu) <= target else "MISSED"
    peak, loaded = int(report["peak_kib"]), int(report["loaded_kib"])  # type: ignore[call-overload]
    print(
        f"  {label:<9} best {min(times):6.2f} s  median {statistics.median(times):6.2f} s  "
        f"CPU {min(cpu):6.2f} s  "
        f"{int(report['bytes']) / 1e6:5.1f} MB  peak RSS {peak / 1024:6.0f} MiB "  # type: ignore[call-overload]
        f"(+{(peak - loaded) / 1024:.0f} MiB over the loaded result)  "
        f"fingerprint {float(report['fingerprint']):.2f} s  target ≤ {target:g} s: {verdict}"  # type: ignore[arg-type]
    )
    shares = report["breakdown"]
    assert isinstance(shares, dict)
    for name in SHEET_WRITERS:
        if name in shares:
            print(f"      {name:<20} {shares[name]:6.2f} s (profiled)")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", choices=("typical", "upper", "both"), default="both")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--breakdown", action="store_true", help="profile one export per sheet")
    parser.add_argument("--baseline", type=Path, help="another checkout to compare with")
    parser.add_argument(
        "--cache", type=Path, default=Path(tempfile.gettempdir()) / "crmselect-bench-export"
    )
    parser.add_argument("--rebuild", action="store_true", help="score the tenders again")
    parser.add_argument("--child", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child is not None:
        child(args.child, args.repeat, args.breakdown)
        return 0

    print(f"load average: {Path('/proc/loadavg').read_text().strip()}")
    sizes = ("typical", "upper") if args.size == "both" else (args.size,)
    checkouts = [("this", REPOSITORY)]
    if args.baseline is not None:
        checkouts.insert(0, ("baseline", args.baseline.resolve()))
    for size_name in sizes:
        pickled = cached(size_name, args.cache, args.rebuild)
        print(f"{size_name}: export_workbook with every sheet, {args.repeat} runs")
        for label, checkout in checkouts:
            show(label, size_name, measure(pickled, checkout, args.repeat, args.breakdown))
    print(f"load average: {Path('/proc/loadavg').read_text().strip()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
