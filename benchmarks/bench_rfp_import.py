"""Benchmark: write RFP templates and import the returned workbooks.

Run:  python benchmarks/bench_rfp_import.py [--vendors 30] [--requirements 1500]
                                            [--evaluators 50] [--files N] [--repeat 3]
      python benchmarks/bench_rfp_import.py --vendors 50 --requirements 5000 --files 4
                                            # the issue-21 upper end, four returned files

The evaluation is the issue-21 synthetic tender (``benchmarks/synthetic.py``) of that size,
demo panel included: an evaluation without one (as this benchmark had until issue 21) hides
the per-file cost of hashing the panel's scores. Measured in one run, on the same files:

  template     write_template() for one vendor: the first (the questions fingerprint
               computed) and the next ones (kept per evaluation)
  crmselect    read_response() on each file, one after the other — container checks, then
               openpyxl read-only, every row compared with the evaluation
  pool         read_each() over all files, read by worker processes (the way a tender
               folder's returned workbooks are read)
  bare         openpyxl.load_workbook(read_only=True) and iterating every value (the floor)
  normal       openpyxl.load_workbook() in normal mode and iterating every value (what reading
               data validations and protection would cost)

Times are the minimum of ``--repeat`` runs, wall clock and CPU time (this process and the
pool's workers; the machine is shared, so the load average is printed, and CPU time is what
the other work disturbs least; a pool that uses both cores has more CPU than wall time).
Targets: issue 4, crmselect ≤ 10 s for 30 × 1,500; issue 21, one
template and one import ≤ 1.5 s each at 5,000 requirements with 50 evaluators. Peak memory
is measured separately with tracemalloc (which slows execution, so it is not part of timing).
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path

import openpyxl
from synthetic import Size, tender

from crmselect import Evaluation
from crmselect.io.excel.xlsx import put_text
from crmselect.io.forms.reading import read_each, worker_count
from crmselect.rfp import TenderKey, read_response, write_template

KEY = TenderKey.generate()


def returned_workbooks(evaluation: Evaluation, folder: Path, count: int) -> list[Path]:
    """One template for each of the first ``count`` vendors, filled with random answers and
    comments."""
    rng = random.Random(1)
    labels = [lv.label for lv in evaluation.scale.levels]
    paths = []
    for vendor in evaluation.vendors[:count]:
        path = write_template(evaluation, vendor.id, folder / f"{vendor.id}.xlsx", key=KEY)
        wb = openpyxl.load_workbook(path)
        ws = wb["Requirements"]
        for row in range(2, len(evaluation.requirements) + 2):
            ws.cell(row=row, column=6).value = rng.choice(labels)
            if rng.random() < 0.4:
                put_text(ws.cell(row=row, column=7), "Standard feature; see the admin guide.")
        wb.save(path)
        paths.append(path)
    return paths


def bare(path: Path, read_only: bool) -> int:
    wb = openpyxl.load_workbook(path, read_only=read_only)
    count = sum(
        1 for sheet in wb.worksheets for row in sheet.iter_rows(values_only=True) for _ in row
    )
    wb.close()
    return count


def cpu_seconds() -> float:
    """CPU time of this process and of its finished children (the pool's workers)."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def best(run: Callable[[], object], repeat: int) -> tuple[float, float]:
    """The shortest of ``repeat`` wall-clock times of ``run()``, and the shortest CPU time
    (this process and its workers)."""
    times, cpu = [], []
    for _ in range(repeat):
        start, used = time.perf_counter(), cpu_seconds()
        run()
        times.append(time.perf_counter() - start)
        cpu.append(cpu_seconds() - used)
    return min(times), min(cpu)


def timed(label: str, files: int, elapsed: tuple[float, float]) -> float:
    wall, cpu = elapsed
    print(f"{label:10s} {wall:7.2f} s   {1000 * wall / files:7.1f} ms/file   CPU {cpu:7.2f} s")
    return wall


def templates(size: Size, folder: Path, repeat: int) -> None:
    """The first template of a fresh evaluation, then the next ones."""
    firsts, cpu = [], []
    for _ in range(repeat):
        evaluation = tender(size)  # a new object: its questions fingerprint is not kept yet
        start, used = time.perf_counter(), cpu_seconds()
        write_template(evaluation, evaluation.vendors[0].id, folder / "first.xlsx", key=KEY)
        firsts.append(time.perf_counter() - start)
        cpu.append(cpu_seconds() - used)
    vendor = evaluation.vendors[-1].id
    later, later_cpu = best(
        lambda: write_template(evaluation, vendor, folder / "next.xlsx", key=KEY), repeat
    )
    print(
        f"template   first {min(firsts):.2f} s (CPU {min(cpu):.2f} s), "
        f"next {later:.2f} s (CPU {later_cpu:.2f} s) each"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--vendors", type=int, default=30)
    parser.add_argument("--requirements", type=int, default=1500)
    parser.add_argument("--evaluators", type=int, default=50)
    parser.add_argument("--files", type=int, help="returned workbooks (default: one per vendor)")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    files = min(args.files or args.vendors, args.vendors)
    size = Size(
        vendors=max(args.vendors, 2),
        requirements=args.requirements,
        evaluators=args.evaluators,
    )
    print(f"tender {size.label()}; load average {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores")
    evaluation = tender(size)
    with tempfile.TemporaryDirectory() as tmp:
        t0 = time.perf_counter()
        paths = returned_workbooks(evaluation, Path(tmp), files)
        print(
            f"prepared {len(paths)} workbooks × {args.requirements:,} requirements in "
            f"{time.perf_counter() - t0:.1f} s "
            f"({paths[0].stat().st_size / 1024:.0f} KiB each)\n"
        )
        templates(size, Path(tmp), args.repeat)

        def serial() -> None:
            for path in paths:
                read_response(path, evaluation, key=KEY)

        def pooled() -> None:
            read_each(
                paths,
                lambda p: read_response(p, evaluation, key=KEY),
                lambda r: r.vendor,
                second="RFP workbook from",
                desc="Reading",
            )

        one, one_cpu = best(lambda: read_response(paths[0], evaluation, key=KEY), args.repeat)
        print(f"one import {one:7.2f} s   CPU {one_cpu:.2f} s")
        ours = timed("crmselect", len(paths), best(serial, args.repeat))
        pool = timed("pool", len(paths), best(pooled, args.repeat))
        floor = timed("bare", len(paths), best(lambda: [bare(p, True) for p in paths], 1))
        normal = timed("normal", len(paths), best(lambda: [bare(p, False) for p in paths], 1))
        tracemalloc.start()
        for path in paths[:3]:
            read_response(path, evaluation, key=KEY)
        peak = tracemalloc.get_traced_memory()[1] / (1 << 20)
        tracemalloc.stop()
    print(
        f"\ncrmselect / bare read-only = {ours / floor:.2f}×;  normal mode / bare = "
        f"{normal / floor:.2f}×;  serial / pool of {worker_count(len(paths))} = "
        f"{ours / pool:.2f}×"
    )
    print(f"peak traced memory while importing: {peak:.0f} MiB (one file at a time)")
    if (files, args.requirements) == (30, 1500):
        print(f"target ≤ 10 s for 30 × 1,500: {'met' if ours <= 10 else 'MISSED'} ({ours:.2f} s)")
    print(f"load average at the end: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
